import { describe, expect, it } from "vitest";
import type { Overlap, PlanItem } from "../../lib/ipc/bindings";
import { barOf, daysInYear, monthStarts, officeColours, otherOffices, overlapsOfItem, settleKey, yearChoices } from "./timeline";

describe("the plan's year view", () => {
  it("places months and bars within the year", () => {
    expect(daysInYear(2024)).toBe(366);
    expect(daysInYear(2026)).toBe(365);
    const m = monthStarts(2026);
    expect(m).toHaveLength(12);
    expect(m[0]).toBe(0);
    expect(m[1]).toBeCloseTo(31 / 365);
    const spring = barOf("2026-03-01", "2026-04-30", 2026)!;
    expect(spring.from).toBeCloseTo(m[2]);
    expect(spring.to).toBeCloseTo(m[4]);
    // Clipped to the year; outside it, no bar.
    expect(barOf("2025-11-01", "2026-01-31", 2026)).toEqual({ from: 0, to: 31 / 365 });
    expect(barOf("2026-12-01", "2027-02-01", 2026)!.to).toBe(1);
    expect(barOf("2025-01-01", "2025-12-31", 2026)).toBeNull();
    // One day still has a width.
    expect(barOf("2026-06-15", "2026-06-15", 2026)!.to).toBeGreaterThan(barOf("2026-06-15", "2026-06-15", 2026)!.from);
  });

  it("gives each office its own colour", () => {
    const c = officeColours(["HN", "HP", "HN", "TW"]);
    expect(c.size).toBe(3);
    expect(c.get("HN")).not.toBe(c.get("HP"));
    expect(c.get("TW")).not.toBe(c.get("HP"));
  });

  it("offers the years with plans and the ones around today", () => {
    expect(yearChoices([2024, 2026], 2026)).toEqual([2027, 2026, 2025, 2024]);
  });
});

describe("overlaps", () => {
  const overlap: Overlap = {
    subject: "s1",
    subject_name: "Bùi Văn Khoa",
    kinds: ["finance-inspection"],
    offices: ["HN", "HP"],
    works: [
      { source: "plan-item", reference: "i1", kind: "finance-inspection", office: "HN", start: "2026-03-01", end: "2026-04-30" },
      { source: "case", reference: "HP-2026-0001", kind: "finance-inspection", office: "HP", start: "2026-04-01", end: null },
    ],
    record: null,
  };
  it("names the other offices and finds an item's overlaps", () => {
    expect(otherOffices(overlap, "HN")).toEqual(["HP"]);
    expect(otherOffices(overlap, "TW")).toEqual(["HN", "HP"]);
    const item = { id: "i1" } as PlanItem;
    expect(overlapsOfItem(item, [overlap])).toHaveLength(1);
    expect(overlapsOfItem({ id: "i2" } as PlanItem, [overlap])).toHaveLength(0);
  });
  it("settles by the record when there is one", () => {
    expect(settleKey(overlap)).toBe("s1");
    expect(settleKey({ ...overlap, record: "r9" })).toBe("r9");
  });
});
