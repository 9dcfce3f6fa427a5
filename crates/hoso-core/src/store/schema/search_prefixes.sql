-- Search matches the start of words ("kiem"* "tra"*): without prefix indexes FTS5 merges the
-- lists of every word that begins so ("tra" → trach, trai, trang, tranh, …), which cost most of
-- a common word's 60 ms at 1M cases. Prefixes of 2 to 4 letters get indexes of their own; the
-- index is rebuilt from the stored bodies.
CREATE VIRTUAL TABLE case_fts_prefixed USING fts5(
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
INSERT INTO case_fts_prefixed(rowid, body) SELECT rowid, body FROM case_fts;
DROP TABLE case_fts;
ALTER TABLE case_fts_prefixed RENAME TO case_fts;
