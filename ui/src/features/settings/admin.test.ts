import { describe, expect, it } from "vitest";
import { calendarYears, editRule, fingerprintGroups, officeMatches } from "./admin";
import type { TimeLimitRule } from "../../lib/ipc/bindings";

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

  it("edits a rule in place, or adds a new version from a day and ends the old one then", () => {
    const rule: TimeLimitRule = {
      key: "denunciation.province",
      label_vi: "Giải quyết tố cáo",
      amount: 90,
      unit: "working-days",
      extension: 30,
      max_extensions: 1,
      effective_from: "2016-07-26",
      effective_to: null,
      source: "QĐ 30",
      confidence: "practice",
    };
    const edited = { ...rule, amount: 60 };
    expect(editRule([rule], 0, edited, null)).toEqual([edited]);
    const versions = editRule([rule], 0, edited, "2026-01-01");
    expect(versions).toEqual([
      { ...rule, effective_to: "2026-01-01" },
      { ...edited, effective_from: "2026-01-01", effective_to: null },
    ]);
    expect(rule.effective_to).toBeNull();
  });
});
