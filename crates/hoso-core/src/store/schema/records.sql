-- The rules' answers and the records still missing (issue 10). Migration 8.

-- Deadlines counted into a year without a holiday calendar: 1 while the case's deadline is
-- provisional; such cases are recounted when the rules change (the central office publishes
-- the year's calendar). Rows projected before this column are marked here when they may be
-- (a regulated kind with a deadline past the built-in 2024–2026 calendar) so that the next
-- change of the rules recounts them; their next projection sets the exact value.
ALTER TABLE cases ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET deadline_provisional = 1
 WHERE kind IN ('denunciation', 'discipline-appeal') AND deadline > '2026-12-31';

-- The plan item a case "from the annual plan" carries out.
ALTER TABLE cases ADD COLUMN plan_item TEXT;
CREATE INDEX cases_by_plan_item ON cases(plan_item) WHERE plan_item IS NOT NULL;

-- A plan item's status (planned, under-way, done, dropped) and why it was dropped.
ALTER TABLE plan_items ADD COLUMN status TEXT NOT NULL DEFAULT 'planned';
ALTER TABLE plan_items ADD COLUMN drop_reason TEXT;

-- Officers can be deactivated (no sign-in, no team).
ALTER TABLE officers ADD COLUMN active INTEGER NOT NULL DEFAULT 1;

-- Letters (đơn thư) received by an office, and the case each one opened.
CREATE TABLE letters (
    id       TEXT PRIMARY KEY,
    office   TEXT NOT NULL,
    kind     TEXT NOT NULL,               -- named | anonymous | impersonated
    received TEXT NOT NULL,               -- YYYY-MM-DD
    channel  TEXT NOT NULL,
    content  TEXT NOT NULL
);
CREATE INDEX letters_by_office ON letters(office, received DESC);
ALTER TABLE cases ADD COLUMN letter TEXT;
CREATE INDEX cases_by_letter ON cases(letter) WHERE letter IS NOT NULL;
