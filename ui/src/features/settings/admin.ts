// Pure helpers of the settings screen (tested in admin.test.ts).
import type { Office, TimeLimitRule } from "../../lib/ipc/bindings";

/** The fingerprint's groups of digits, to read aloud one at a time. */
export function fingerprintGroups(fingerprint: string): string[] {
  return fingerprint.split(/\s+/).filter((g) => g.length > 0);
}

/** Folds case, diacritics and đ for searching office names. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/** Whether the office's code or name contains the search text (folded). */
export function officeMatches(office: Office, search: string): boolean {
  const q = fold(search.trim());
  if (!q) return true;
  return fold(office.code).includes(q) || fold(office.name).includes(q);
}

/** The years a holiday calendar lists days for or declares covered, newest first. */
export function calendarYears(years: number[], dates: string[], current: number): number[] {
  const all = new Set<number>([...years, current, current + 1]);
  for (const d of dates) all.add(Number(d.slice(0, 4)));
  return [...all].sort((a, b) => b - a);
}

/** The rules after editing rule `index`: corrected in place, or with `from` a new version that
 *  applies from that day while the one in force ends then (effective dates, not an overwrite). */
export function editRule(
  rules: TimeLimitRule[],
  index: number,
  edited: TimeLimitRule,
  from: string | null,
): TimeLimitRule[] {
  const list = rules.map((r) => ({ ...r }));
  if (from) {
    list[index] = { ...list[index], effective_to: from };
    list.push({ ...edited, effective_from: from, effective_to: null });
  } else {
    list[index] = { ...edited };
  }
  return list;
}
