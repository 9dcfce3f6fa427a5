// Where the signed-in officer is: one screen at a time, a case opened by number. Screens keep
// their own filters (the list's live in `listState`), so "← Danh sách" returns to them.
export type View =
  | "dashboard"
  | "cases"
  | "case"
  | "new-case"
  | "subjects"
  | "plans"
  | "reports"
  | "settings"
  | "sync";

export const NAV_ITEMS = ["dashboard", "cases", "plans", "subjects", "sync", "reports", "settings"] as const;
export type NavItem = (typeof NAV_ITEMS)[number];

export const route: { view: View; caseKey: string | null; from: View } = $state({
  view: "dashboard",
  caseKey: null,
  from: "cases",
});

export function go(view: View): void {
  route.view = view;
}

export function openCase(key: string): void {
  if (route.view !== "case") route.from = route.view;
  route.caseKey = key;
  route.view = "case";
}

export function resetRoute(): void {
  route.view = "dashboard";
  route.caseKey = null;
  route.from = "cases";
}

/** The nav item a view belongs to (a case and the new-case form belong to the cases). */
export function navOf(view: View): NavItem {
  return view === "case" || view === "new-case" ? "cases" : view;
}

/** Counts shown beside navigation items (overdue cases), refreshed by the dashboard. */
export const navCounts: Partial<Record<NavItem, number>> = $state({});

/** Whether the register is locked: open dialogs close so nothing stays over the lock screen. */
export const sessionState: { locked: boolean } = $state({ locked: false });
