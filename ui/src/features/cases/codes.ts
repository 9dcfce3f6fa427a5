// The closed code lists of the core's enumerations, in the glossary's order (for selects).
import type { CaseKind, CaseOrigin, CaseStatus, DisciplineForm } from "../../lib/ipc/bindings";

export const CASE_KINDS: CaseKind[] = [
  "inspection-on-signs",
  "routine-supervision",
  "thematic-supervision",
  "inspection-work-audit",
  "finance-inspection",
  "asset-declaration-check",
  "denunciation",
  "discipline-appeal",
  "discipline",
];

export const CASE_STATUSES: CaseStatus[] = [
  "received",
  "classified",
  "preparing",
  "decided",
  "announced",
  "verifying",
  "report-drafted",
  "committee-review",
  "concluded",
  "disciplined",
  "proposed-upward",
  "notified",
  "follow-up",
  "archived",
  "extended",
  "deferred",
  "transferred",
  "withdrawn",
];

export const CASE_ORIGINS: CaseOrigin[] = [
  "annual-plan",
  "ad-hoc",
  "from-denunciation",
  "assigned-from-above",
  "found-by-supervision",
];

export const DISCIPLINE_FORMS: DisciplineForm[] = [
  "reprimand",
  "warning",
  "removal-from-post",
  "expulsion",
  "dissolution",
];
