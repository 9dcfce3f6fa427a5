-- Local settings of this office (migration 7): what its printed documents say about it (header
-- lines, place, signatory, recipients, template paths). Local like the audit log: never synced,
-- never in the digest. Absent keys mean the built-in default of the feature that reads them.
-- IF NOT EXISTS: this script may be renumbered when branches that add migrations are merged.
CREATE TABLE IF NOT EXISTS office_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;
