-- Schema owner: helper R (audit log). Part of the one initial migration (store/migrations.rs
-- concatenates meta.sql, audit.sql, oplog.sql, domain.sql in that order).
--
-- Append-only, hash-chained log of sensitive reads and all writes (hoso-core::audit).
-- hash = BLAKE3 over the length-prefixed fields and prev_hash (see audit/mod.rs), hex.
-- Local to this office: never synced, never part of the digest.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,   -- 1, 2, 3, ... without gaps
    time      TEXT    NOT NULL,      -- RFC 3339 UTC with milliseconds
    actor     TEXT    NOT NULL,      -- officer login ('' for the system)
    action    TEXT    NOT NULL,      -- e.g. 'case.create', 'denouncer.read', 'bundle.import'
    entity    TEXT    NOT NULL,      -- e.g. 'case:<id>', '' when none
    detail    TEXT    NOT NULL,      -- JSON; hashed as stored
    prev_hash TEXT    NOT NULL,      -- hash of seq - 1; 64 zeros for seq 1
    hash      TEXT    NOT NULL
);
CREATE INDEX audit_log_by_entity ON audit_log(entity);
CREATE INDEX audit_log_by_actor ON audit_log(actor);

-- The last appended entry, kept in step by audit::append: cutting entries off the end of the
-- log (which leaves the chain itself intact) then shows as a mismatch.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Ordinary SQL cannot change history. Someone holding the key can drop these triggers; that is
-- what `audit verify` is for.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
