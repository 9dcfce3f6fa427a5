// Pure helpers of the lock overview ("Tình hình chốt số liệu"): which offices locked the chosen
// form and period, as the core lists them (every office at the central office, the roll-up
// first; a province its own office).
import type { LockOverview, OfficeLock, Report } from "../../lib/ipc/bindings";

export type LockFilter = "all" | "locked" | "not-locked";

/** The rows to show for a filter; the roll-up ("*") always stays first. */
export function visibleRows(overview: LockOverview, filter: LockFilter): OfficeLock[] {
  return overview.offices.filter((r) =>
    filter === "all" ? true : filter === "locked" ? r.locked : !r.locked,
  );
}

/** Offices (the roll-up not counted) that locked, out of those listed. */
export function lockCounts(overview: LockOverview): { locked: number; total: number } {
  const offices = overview.offices.filter((r) => r.office !== "*");
  return { locked: offices.filter((r) => r.locked).length, total: offices.length };
}

/** The digest as printed on the locked form: its first 16 hexadecimal digits. */
export function shortDigest(digest: string | null): string {
  return digest ? digest.slice(0, 16) : "";
}

/** An RFC 3339 time as dd/mm/yyyy hh:mm in Vietnam's way (the text itself if it is not a time). */
export function lockedAtText(at: string | null): string {
  if (!at) return "";
  const d = new Date(at);
  if (isNaN(d.getTime())) return at;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** What a row's status badge says: locked, renewed, a local lock, a digest that does not match. */
export type LockState = "not-locked" | "locked" | "renewed" | "local" | "mismatch";

export function lockState(r: OfficeLock): LockState {
  if (!r.locked) return "not-locked";
  if (!r.synced) return "local";
  if (!r.digest_ok) return "mismatch";
  return r.version > 1 ? "renewed" : "locked";
}

/** The cells of a locked report the register now computes differently, as "row:column" keys. */
export function changedCells(report: Pick<Report, "changed_cells"> | null): Set<string> {
  return new Set((report?.changed_cells ?? []).map((c) => `${c.row}:${c.col}`));
}
