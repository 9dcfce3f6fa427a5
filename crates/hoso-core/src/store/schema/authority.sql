-- Authority over operations (DESIGN "Authority"). Migration 3.

-- A scope unit's history is read whenever authority over it is decided (every import touching
-- it), so it is found by index rather than by a scan of every op.
CREATE INDEX ops_by_scope ON ops(scope);

-- Ops kept in the log without effect: no authority held by their origin at their clock allowed
-- them (decided from the op set alone, so every office reaches the same verdict). Recomputed per
-- scope unit whenever that unit's history changes; shown to officers.
CREATE TABLE oplog_without_effect (
    origin TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    scope  TEXT    NOT NULL,
    reason TEXT    NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
CREATE INDEX oplog_without_effect_by_scope ON oplog_without_effect(scope);

-- The central office's code, read off the root-signed roster when it is adopted (never from the
-- synced office list). Rosters issued before this field existed: their first certificate, the
-- central office's own, issued at `init --central`.
ALTER TABLE trust_roster ADD COLUMN central TEXT;
UPDATE trust_roster
   SET central = json_extract(roster, '$.roster.certificates[0].certificate.office');

-- A province's own office before the set-up bundle brings the office list (which only the
-- central office writes): its name as given at `init`.
ALTER TABLE register_identity ADD COLUMN office_name TEXT;
