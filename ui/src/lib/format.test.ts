import { describe, expect, it } from "vitest";
import { daysBetween, formatDate, formatSize, parseDate, todayIso } from "./format";

describe("dates as dd/mm/yyyy", () => {
  it("formats ISO dates the Vietnamese way", () => {
    expect(formatDate("2026-03-09")).toBe("09/03/2026");
    expect(formatDate("2025-07-01T08:30:00+07:00")).toBe("01/07/2025");
    expect(formatDate(null)).toBe("");
  });

  it("parses typed dates and rejects impossible ones", () => {
    expect(parseDate("9/3/2026")).toBe("2026-03-09");
    expect(parseDate(" 29/02/2024 ")).toBe("2024-02-29");
    expect(parseDate("09.03.2026")).toBe("2026-03-09");
    expect(parseDate("29/02/2025")).toBeNull();
    expect(parseDate("31/04/2026")).toBeNull();
    expect(parseDate("2026-03-09")).toBeNull();
  });

  it("counts calendar days for 'overdue by' and gives today's local date", () => {
    expect(daysBetween("2026-02-20", "2026-03-04")).toBe(12);
    expect(daysBetween("2026-03-04", "2026-03-04")).toBe(0);
    expect(todayIso(new Date(2026, 0, 5))).toBe("2026-01-05");
  });
});

describe("sizes", () => {
  it("uses Vietnamese separators", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1536)).toBe("1,5 KB");
    expect(formatSize(3 * 1024 * 1024)).toBe("3 MB");
  });
});
