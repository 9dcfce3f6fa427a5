import { describe, expect, it } from "vitest";
import { NO_FILTERS, isFiltered, missingPages, toCaseFilter } from "./filters";

describe("case list filters", () => {
  it("asks the core for nothing but a page when nothing is set", () => {
    expect(toCaseFilter(NO_FILTERS)).toEqual({
      search: null, kind: null, status: null, overdue: false, mine: false, lead: null, coordinator: null, year: null, sort: "newest", offset: 0, limit: 50,
    });
    expect(isFiltered(NO_FILTERS)).toBe(false);
  });

  it("passes every filter, the search normalised to NFC", () => {
    const f = {
      search: " \u0110a\u0309ng ", kind: "denunciation" as const, status: "received" as const, overdue: true,
      mine: true, lead: "HN", coordinator: "DNG", year: " 2026 ", sort: "deadline" as const,
    };
    expect(toCaseFilter(f, 100)).toEqual({
      search: "Đảng", kind: "denunciation", status: "received", overdue: true, mine: true, lead: "HN", coordinator: "DNG", year: 2026,
      sort: "deadline", offset: 100, limit: 50,
    });
    expect(isFiltered(f)).toBe(true);
  });

  it("filters the lead and the coordinating office separately", () => {
    expect(toCaseFilter({ ...NO_FILTERS, coordinator: "DNG" })).toMatchObject({ lead: null, coordinator: "DNG" });
    expect(isFiltered({ ...NO_FILTERS, coordinator: "DNG" })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, lead: "HN" })).toBe(true);
  });

  it("ignores a year that is not four digits", () => {
    expect(toCaseFilter({ ...NO_FILTERS, year: "20" }).year).toBeNull();
    expect(isFiltered({ ...NO_FILTERS, year: "20" })).toBe(false);
  });

  it("loads only the pages the visible rows need", () => {
    const loaded = new Set([0]);
    expect(missingPages(10, 120, (p) => loaded.has(p))).toEqual([50, 100]);
    expect(missingPages(0, 20, (p) => loaded.has(p))).toEqual([]);
    expect(missingPages(5, 4, () => false)).toEqual([]);
  });
});
