-- Bundles refused at import (migration 9), for the sync history: LOCAL, never synced, never in
-- `digest`. The sender, sequence and id are what the file claimed (it may be forged).
CREATE TABLE sync_rejected (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,      -- RFC 3339, UTC
    file_name   TEXT    NOT NULL,      -- the file's name, without its folder
    sender      TEXT,
    sequence    INTEGER,
    bundle_id   TEXT,
    code        TEXT    NOT NULL,      -- the error code (the UI words it)
    reason      TEXT    NOT NULL       -- the English detail
);
CREATE INDEX sync_rejected_at ON sync_rejected(at);
