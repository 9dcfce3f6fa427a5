-- The dates of every discipline decision recorded on a case (issue 13: the discipline forms and
-- the discipline chart count by the decision's date). An index, not the truth: the report engine
-- still reads each case's merged op log; this table only tells it which cases can have a
-- decision in a period, so a discipline form reads those instead of every case opened before
-- the period's end. Kept by the case projection (project.rs) and rebuilt with it.
-- Migration 13 (11 and 12 belong to branches merged before this one). IF NOT EXISTS and
-- OR IGNORE: this script may be renumbered when branches that add migrations are merged.
CREATE TABLE IF NOT EXISTS case_decision_dates (
    decided TEXT NOT NULL,               -- YYYY-MM-DD, the decision's date
    case_id TEXT NOT NULL,
    PRIMARY KEY (decided, case_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_decision_dates_by_case ON case_decision_dates(case_id);

-- Registers written before this migration: every decision already in the merged log.
INSERT OR IGNORE INTO case_decision_dates(decided, case_id)
SELECT json_extract(o.change, '$.entry.date'), l.id
  FROM oplog_log_entries l
  JOIN ops o ON o.origin = l.origin AND o.seq = l.seq
 WHERE l.kind = 'case' AND l.log = 'decisions'
   AND json_extract(o.change, '$.entry.date') IS NOT NULL;
