-- Locked report periods ("chốt số liệu", issue 13): the report as computed when the committee's
-- leadership locked it (JSON of hoso_core::reports::Report, every cell with its case ids), so a
-- locked period keeps its figures after later edits. Local to this register (not synced).
-- IF NOT EXISTS: this script may be renumbered when branches that add migrations are merged.
CREATE TABLE IF NOT EXISTS report_locks (
    form      TEXT NOT NULL,
    period    TEXT NOT NULL,             -- period code: 2026-9m, 2026-m03, 2026, term-2020-2025
    scope     TEXT NOT NULL,             -- office code, or '*' for every office
    locked_at TEXT NOT NULL,             -- RFC 3339, UTC
    locked_by TEXT NOT NULL,             -- login
    snapshot  TEXT NOT NULL,
    PRIMARY KEY (form, period, scope)
) WITHOUT ROWID;
