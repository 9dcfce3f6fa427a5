-- Schema owner: helper A (store). Part of the one initial migration: store/migrations.rs
-- concatenates meta.sql, audit.sql, oplog.sql and domain.sql, in that order.
--
-- Marks the file as a HoSo register. Kept plain (no STRICT, no custom collation) so that any
-- SQLCipher 4 tool opened with the recovery key can read it. Never rename this table or its
-- `format` column: every version of HoSo recognises a register by them.
CREATE TABLE register_meta (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    format         TEXT    NOT NULL,  -- always 'hoso-register'
    schema_version INTEGER NOT NULL,  -- kept equal to PRAGMA user_version by the migration runner
    created_at     TEXT    NOT NULL   -- RFC 3339, UTC
);
INSERT INTO register_meta (id, format, schema_version, created_at)
VALUES (1, 'hoso-register', 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
