import { describe, expect, it } from "vitest";
import { calendarYears, fingerprintGroups, officeMatches } from "./admin";

describe("settings helpers", () => {
  it("splits a fingerprint into its groups for reading aloud", () => {
    expect(fingerprintGroups("12345 67890 11111 22222 33333")).toEqual(["12345", "67890", "11111", "22222", "33333"]);
  });

  it("finds offices by code or by name without diacritics", () => {
    const o = { code: "DNG", name: "Ủy ban Kiểm tra Tỉnh ủy Đồng Nai", kind: "province", parent: null, predecessors: [], valid_from: null, valid_to: null } as never;
    expect(officeMatches(o, "dong nai")).toBe(true);
    expect(officeMatches(o, "dng")).toBe(true);
    expect(officeMatches(o, "Hà Nội")).toBe(false);
    expect(officeMatches(o, "  ")).toBe(true);
  });

  it("lists the calendar's years, this year and the next, newest first", () => {
    expect(calendarYears([2024, 2025], ["2023-01-01"], 2026)).toEqual([2027, 2026, 2025, 2024, 2023]);
  });
});
