// The case list's filters as the officer sets them, and the core query they become. The core
// does the filtering and paging; the UI only says what to ask for.
import type { CaseFilter, CaseKind, CaseSort, CaseStatus } from "../../lib/ipc/bindings";

export const PAGE_SIZE = 50;

export type ListFilters = {
  search: string;
  kind: CaseKind | "";
  status: CaseStatus | "";
  overdue: boolean;
  /** Only cases whose inspection team includes me. */
  mine: boolean;
  /** Lead office (with the offices merged into it), "" for any. */
  lead: string;
  /** Coordinating office (with the offices merged into it), "" for any. */
  coordinator: string;
  /** Year opened, as typed ("" for any). */
  year: string;
  sort: CaseSort;
};

export const NO_FILTERS: ListFilters = {
  search: "",
  kind: "",
  status: "",
  overdue: false,
  mine: false,
  lead: "",
  coordinator: "",
  year: "",
  sort: "newest",
};

/** A year as typed, when it is one (four digits). */
export function yearOf(text: string): number | null {
  const t = text.trim();
  return /^\d{4}$/.test(t) ? Number(t) : null;
}

/** The core query for one page of the list. */
export function toCaseFilter(f: ListFilters, offset = 0, limit = PAGE_SIZE): CaseFilter {
  const search = f.search.normalize("NFC").trim();
  return {
    search: search || null,
    kind: f.kind || null,
    status: f.status || null,
    overdue: f.overdue,
    mine: f.mine,
    lead: f.lead || null,
    coordinator: f.coordinator || null,
    year: yearOf(f.year),
    sort: f.sort,
    offset,
    limit,
  };
}

/** Any filter set (the "Xóa lọc" button shows then). */
export function isFiltered(f: ListFilters): boolean {
  return (
    f.search.trim() !== "" ||
    f.kind !== "" ||
    f.status !== "" ||
    f.overdue ||
    f.mine ||
    f.lead !== "" ||
    f.coordinator !== "" ||
    yearOf(f.year) !== null
  );
}

/** The page offsets that hold rows `first..=last` and are not loaded yet. */
export function missingPages(
  first: number,
  last: number,
  loaded: (offset: number) => boolean,
  size = PAGE_SIZE,
): number[] {
  const out: number[] = [];
  if (last < first) return out;
  for (let p = Math.floor(first / size) * size; p <= last; p += size) {
    if (!loaded(p)) out.push(p);
  }
  return out;
}
