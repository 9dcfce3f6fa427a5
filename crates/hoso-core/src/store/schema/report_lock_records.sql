-- Locks as synced records (issue 13, "chốt số liệu"; migration 11): the query table of the
-- op-log records `report-lock` (hoso_core::reports::lock), a pure function of the merged op log
-- like every table of domain.sql. One row per record (an office's lock of one form for one
-- period): its newest lock, the number of locks it holds (renewals), and that lock as JSON
-- (hoso_core::reports::lock::LockEntry: every cell with its case ids).
-- The local rows of `report_locks` (migration 10) become records when an officer next opens the
-- register (`reports::lock::convert_legacy_locks`); rows that cannot (a province's figures locked
-- at the central office) stay there as local locks.
-- IF NOT EXISTS: this script may be renumbered when branches that add migrations are merged.
CREATE TABLE IF NOT EXISTS report_lock_records (
    id        TEXT    PRIMARY KEY,       -- OFFICE/SCOPE/FORM/PERIOD
    office    TEXT    NOT NULL,          -- the office that locked
    scope     TEXT    NOT NULL,          -- whose figures: the office's code, or '*' (roll-up)
    form      TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    locked_at TEXT    NOT NULL,          -- RFC 3339, UTC (of the lock in force)
    locked_by TEXT    NOT NULL,          -- login, of `office`
    reason    TEXT,                      -- why it was renewed (NULL: the first lock)
    digest    TEXT    NOT NULL,          -- hex BLAKE3 of the figures
    digest_ok INTEGER NOT NULL,          -- the digest matches the figures
    version   INTEGER NOT NULL,          -- how many locks the record holds
    snapshot  TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_lock_records_by_period ON report_lock_records(form, period);
