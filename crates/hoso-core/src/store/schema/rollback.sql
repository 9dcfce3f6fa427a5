-- Rollback safety (DESIGN "Authority": acknowledgements name bundle ids; a register that finds a
-- peer knowing more of its own operations than it holds was restored from a copy, or replaced,
-- and recovers its history before writing again). Migration 6. LOCAL tables: never synced,
-- never in `digest`.

-- One row. `bundle_floor`: the highest of this office's bundle sequences a peer acknowledged
-- that this register did not write (a restored copy, a new register after a theft): the next
-- export numbers past it. The other columns are set while writing waits for the office's own
-- history to come back: which peer showed it, the highest of this office's op sequences that
-- peers hold, the highest this register holds, and the highest of its own ops that bundles
-- brought back since (writing resumes once that reaches `their_seq`).
CREATE TABLE sync_recovery (
    id           INTEGER PRIMARY KEY CHECK (id = 0),
    bundle_floor INTEGER NOT NULL DEFAULT 0,
    detected_at  TEXT,
    peer         TEXT,
    their_seq    INTEGER,
    held_seq     INTEGER,
    returned_seq INTEGER
);
INSERT INTO sync_recovery(id) VALUES (0);

-- This office's own ops written here that a peer holds under the same sequence with other
-- content (written after the copy was taken; found when the peer's op arrives): kept aside, out
-- of the merged state, until the office's history is back; then each is written again under a
-- fresh sequence (or dropped if the very same op came back).
CREATE TABLE oplog_set_aside (
    seq INTEGER PRIMARY KEY,            -- the sequence it had here
    op  TEXT    NOT NULL                -- Op JSON
);
