-- Overlap records (issue 10): notices of an overlap between offices and how it was settled,
-- synced to the offices they name. Migration 5.
CREATE TABLE overlap_records (
    id         TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    offices    TEXT NOT NULL,          -- JSON array of office codes
    works      TEXT NOT NULL,          -- JSON array of the pieces of work (plans::Work)
    outcome    TEXT,                   -- NULL while not settled
    lead       TEXT,
    reason     TEXT,
    settled_on TEXT
);
CREATE INDEX overlap_records_by_subject ON overlap_records(subject_id);
