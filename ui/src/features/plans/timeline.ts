// The year view of a plan: where an item's bar sits among the twelve month columns, and a
// colour per office. Pure functions, so the SVG stays a plain drawing of their answers.
import type { CaseKind, Overlap, PlanItem, PlanSummary } from "../../lib/ipc/bindings";

/** What the item dialog opens on: a new item (perhaps for an omission's subject) or an edit. */
export type ItemTarget =
  | { mode: "new"; year: number; plans: PlanSummary[]; subject: { id: string; name: string } | null; kind?: CaseKind }
  | { mode: "edit"; item: PlanItem };

const DAY = 86_400_000;

function utc(iso: string): number {
  return Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
}

/** Days in `year` (365 or 366). */
export function daysInYear(year: number): number {
  return (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY;
}

/** The fraction of `year` where each month starts (12 values from 0). */
export function monthStarts(year: number): number[] {
  const total = daysInYear(year);
  return Array.from({ length: 12 }, (_, m) => (Date.UTC(year, m, 1) - Date.UTC(year, 0, 1)) / DAY / total);
}

/** The part of `year` an item covers, as fractions [from, to) of the year, clipped to it;
 * null when it lies wholly outside. The end day counts (an item of one day has a width). */
export function barOf(start: string, end: string, year: number): { from: number; to: number } | null {
  const y0 = Date.UTC(year, 0, 1);
  const total = daysInYear(year);
  const a = (utc(start) - y0) / DAY;
  const b = (utc(end) - y0) / DAY + 1;
  if (Number.isNaN(a) || Number.isNaN(b) || b <= 0 || a >= total || b <= a) return null;
  return { from: Math.max(0, a) / total, to: Math.min(total, b) / total };
}

// Distinct, printable colours (offices in order of first use); red is kept for the overlap mark.
export const OFFICE_COLOURS = ["#1f5f8b", "#2e7d32", "#8a5a00", "#6a3d9a", "#00796b", "#ad1457", "#455a64", "#5d4037"];

/** A colour for each office, in the order given (the same office keeps its colour). */
export function officeColours(offices: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of offices) {
    if (!out.has(o)) out.set(o, OFFICE_COLOURS[out.size % OFFICE_COLOURS.length]);
  }
  return out;
}

/** The offices other than `me` an overlap involves (what the warning names). */
export function otherOffices(o: Overlap, me: string): string[] {
  return o.offices.filter((x) => x !== me);
}

/** The overlaps that involve a plan item of this register. */
export function overlapsOfItem(item: PlanItem, overlaps: Overlap[]): Overlap[] {
  return overlaps.filter((o) => o.works.some((w) => w.source === "plan-item" && w.reference === item.id));
}

/** The key settle_overlap takes: the record when there is one, else the subject. */
export function settleKey(o: Overlap): string {
  return o.record ?? o.subject;
}

/** Years offered in the year selector: those with plans, the current one and the next,
 * newest first. */
export function yearChoices(withPlans: number[], current: number): number[] {
  return [...new Set([...withPlans, current - 1, current, current + 1])].sort((a, b) => b - a);
}
