import { describe, expect, it } from "vitest";
import { caseNumberIn } from "./links";

describe("case numbers in the core's texts", () => {
  it("finds the number an omission names", () => {
    expect(caseNumberIn("open denunciation HN-2026-0003")).toBe("HN-2026-0003");
    expect(caseNumberIn("signs of violation found in QTR-2025-0012 (supervision)")).toBe("QTR-2025-0012");
    expect(caseNumberIn("no case here")).toBeNull();
  });
});
