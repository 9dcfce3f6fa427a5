-- Operation log (owner: helper E, hoso-core::oplog). Generic: entity kinds are opaque strings.
-- `ops` is append-only; the oplog_* merged-state tables are a pure function of the set of ops;
-- oplog_clock / oplog_local_seq / oplog_clock_ahead are local bookkeeping (never in the digest).
-- All text columns use BINARY collation on purpose: digests and merge order are bytewise.

CREATE TABLE ops (
    origin    TEXT    NOT NULL,          -- office code that wrote the op
    seq       INTEGER NOT NULL,          -- per-origin sequence, 1, 2, 3, ...
    hlc       INTEGER NOT NULL,          -- hybrid logical clock, (ms << 16) | counter
    author    TEXT    NOT NULL,          -- officer login
    txn       INTEGER NOT NULL,          -- seq of the first op of the same transaction
    scope     TEXT    NOT NULL,          -- sync scope unit ("case:<id>", "ref", ...)
    kind      TEXT    NOT NULL,
    entity_id TEXT    NOT NULL,
    change    TEXT    NOT NULL,          -- canonical JSON of the Change
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
-- No index on scope: it would cost every import; a scope's history (rare: a case entering a
-- peer's scope) is one pass over the primary key.

-- Entities: visible while created = 1 and deleted = 0. scope = least scope of its Create ops.
CREATE TABLE oplog_entities (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    created INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    scope   TEXT,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Multi-value registers: one row per Put, and one dead placeholder per replaced op id that has
-- not arrived yet. live = 1 while no known Put replaces it. The value is read from `ops` (not
-- copied here: imports write each value once).
CREATE TABLE oplog_fields (
    kind   TEXT    NOT NULL,
    id     TEXT    NOT NULL,
    field  TEXT    NOT NULL,
    origin TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    hlc    INTEGER,                      -- NULL once replaced
    live   INTEGER NOT NULL,
    PRIMARY KEY (kind, id, field, origin, seq)
) WITHOUT ROWID;

-- Add-wins sets: one row per Add (tag = op id) and dead placeholders for observed tags of
-- Removes that arrived first. An element is a member while one of its rows is live.
CREATE TABLE oplog_set_elems (
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    set_name TEXT    NOT NULL,
    element  TEXT    NOT NULL,           -- canonical JSON
    origin   TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    live     INTEGER NOT NULL,
    PRIMARY KEY (kind, id, set_name, element, origin, seq)
) WITHOUT ROWID;

-- Append-only logs, read in (hlc, origin, seq) order; author and entry are read from `ops`.
CREATE TABLE oplog_log_entries (
    kind   TEXT    NOT NULL,
    id     TEXT    NOT NULL,
    log    TEXT    NOT NULL,
    hlc    INTEGER NOT NULL,
    origin TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (kind, id, log, hlc, origin, seq)
) WITHOUT ROWID;

-- Local bookkeeping: this workstation's clock (packed HLC) and next seq per local origin.
CREATE TABLE oplog_clock (
    id  INTEGER PRIMARY KEY CHECK (id = 0),
    hlc INTEGER NOT NULL
);
CREATE TABLE oplog_local_seq (
    origin   TEXT    PRIMARY KEY,
    next_seq INTEGER NOT NULL
);
-- Origins seen with a clock far ahead of ours (accepted, not adopted; the UI warns).
CREATE TABLE oplog_clock_ahead (
    origin     TEXT    PRIMARY KEY,
    hlc        INTEGER NOT NULL,         -- the furthest-ahead time seen from that origin
    noticed_ms INTEGER NOT NULL          -- our wall clock when last noticed
);
