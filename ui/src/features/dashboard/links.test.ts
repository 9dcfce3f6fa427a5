import { describe, expect, it } from "vitest";
import { caseNumberIn, omissionReason } from "./links";

describe("case numbers in the core's texts", () => {
  it("finds the number an omission names", () => {
    expect(caseNumberIn("open denunciation HN-2026-0003")).toBe("HN-2026-0003");
    expect(caseNumberIn("signs of violation found in QTR-2025-0012 (supervision)")).toBe("QTR-2025-0012");
    expect(caseNumberIn("no case here")).toBeNull();
  });
});

describe("omission reasons", () => {
  it("names the core's two reasons for translation", () => {
    expect(omissionReason("open denunciation HN-2026-0003")).toEqual({ key: "dashboard.reason.openDenunciation", number: "HN-2026-0003" });
    expect(omissionReason("signs of violation found in TW-2025-0038")).toEqual({ key: "dashboard.reason.signsFound", number: "TW-2025-0038" });
    expect(omissionReason("something else HN-2026-0001")).toBeNull();
  });
});
