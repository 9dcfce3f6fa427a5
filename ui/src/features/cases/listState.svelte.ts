// The case list's filters and scroll position, kept while the officer opens a case and comes
// back ("← Danh sách").
import { NO_FILTERS, type ListFilters } from "./filters";

export const listState: { filters: ListFilters; scrollTop: number; selected: number } = $state({
  filters: { ...NO_FILTERS },
  scrollTop: 0,
  selected: 0,
});
