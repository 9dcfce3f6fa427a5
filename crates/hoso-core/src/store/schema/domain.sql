-- Domain query tables (owner: helper D, hoso-core::register / search). PROJECTIONS ONLY: every
-- row is derived from the merged op log by register::DomainProjector, inside the transaction
-- that changed it, so these tables are a pure function of the set of operations and are never
-- written any other way. Names sort with COLLATE VI (Vietnamese order, text::install_sql_functions).

-- Local, not a projection: which office this register belongs to (set once by initialise).
CREATE TABLE register_identity (
    id     INTEGER PRIMARY KEY CHECK (id = 0),
    office TEXT NOT NULL
);

CREATE TABLE offices (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    parent       TEXT,
    valid_from   TEXT,                   -- YYYY-MM-DD, inclusive
    valid_to     TEXT,                   -- YYYY-MM-DD, exclusive (merged away on that day)
    predecessors TEXT NOT NULL DEFAULT '[]'  -- JSON array of office codes
);
CREATE INDEX offices_by_name ON offices(name COLLATE VI);

-- Offices that merged into another: (successor, predecessor), one row per predecessor.
CREATE TABLE office_predecessors (
    office      TEXT NOT NULL,
    predecessor TEXT NOT NULL,
    PRIMARY KEY (office, predecessor)
) WITHOUT ROWID;
CREATE INDEX office_predecessors_rev ON office_predecessors(predecessor);

-- Officers of every office known here; logins are unique within an office only.
CREATE TABLE officers (
    office TEXT NOT NULL,
    login  TEXT NOT NULL,
    name   TEXT NOT NULL,
    role   TEXT NOT NULL,
    PRIMARY KEY (office, login)
) WITHOUT ROWID;

CREATE TABLE subjects (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,           -- lower-case NFC, spaces collapsed: duplicate detection
    name_fold   TEXT NOT NULL,           -- text::fold(name): search
    birth_year  INTEGER,
    unit        TEXT,
    unit_key    TEXT NOT NULL DEFAULT '',
    post        TEXT,
    membership  TEXT,
    authority   TEXT
);
CREATE INDEX subjects_by_name ON subjects(name COLLATE VI);
CREATE INDEX subjects_dup ON subjects(name_key, birth_year, unit_key);

-- rowid is the FTS5 row id (local only; never synced, never in the digest).
CREATE TABLE cases (
    rowid         INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    origin        TEXT NOT NULL,
    lead          TEXT NOT NULL,
    status        TEXT NOT NULL,
    resume_status TEXT,
    opened        TEXT NOT NULL,         -- YYYY-MM-DD
    year          INTEGER NOT NULL,
    deadline      TEXT,
    extensions    INTEGER NOT NULL DEFAULT 0,
    closed        TEXT,
    is_open       INTEGER NOT NULL,      -- model::workflow::is_open(status)
    conflict      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_newest ON cases(opened DESC, number DESC);
CREATE INDEX cases_by_number ON cases(number);
CREATE INDEX cases_by_kind ON cases(kind, opened DESC);
CREATE INDEX cases_by_status ON cases(status, opened DESC);
CREATE INDEX cases_by_year ON cases(year, opened DESC);
CREATE INDEX cases_open_deadline ON cases(is_open, deadline);

-- Lead and coordinating offices of each case (the office filter matches either).
CREATE TABLE case_offices (
    case_id TEXT NOT NULL,
    office  TEXT NOT NULL,
    role    TEXT NOT NULL,               -- lead | coordinating
    reason  TEXT,
    PRIMARY KEY (case_id, office)
) WITHOUT ROWID;
CREATE INDEX case_offices_by_office ON case_offices(office, case_id);

CREATE TABLE case_subjects (
    case_id    TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (case_id, subject_id)
) WITHOUT ROWID;
CREATE INDEX case_subjects_by_subject ON case_subjects(subject_id, case_id);

-- Subjects with a finding of violation (or signs of one) on a case: omissions look for them.
CREATE TABLE case_signs (
    case_id    TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (case_id, subject_id)
) WITHOUT ROWID;
CREATE INDEX case_signs_by_subject ON case_signs(subject_id);

-- Inspection team / assigned officers (access::CaseAccess::assigned).
CREATE TABLE case_team (
    case_id TEXT NOT NULL,
    login   TEXT NOT NULL,
    PRIMARY KEY (case_id, login)
) WITHOUT ROWID;

-- Folded text (text::fold: lower case, no diacritics, đ→d) of number, title, summary and the
-- subjects' names; remove_diacritics 2 also folds anything fold() missed.
CREATE VIRTUAL TABLE case_fts USING fts5(
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The confidential denouncer record (readable only with denouncer.read on that case).
CREATE TABLE denouncers (
    case_id TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    address TEXT,
    contact TEXT
);

CREATE TABLE plans (
    id     TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    year   INTEGER NOT NULL,
    title  TEXT NOT NULL
);

CREATE TABLE plan_items (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    lead       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_items_by_subject ON plan_items(subject_id, kind);

CREATE TABLE plan_item_offices (
    item_id TEXT NOT NULL,
    office  TEXT NOT NULL,
    role    TEXT NOT NULL,
    PRIMARY KEY (item_id, office)
) WITHOUT ROWID;

-- Attachment contents, content-addressed by BLAKE3 (hex), encrypted with the rest of the file.
-- Not a projection: the "documents" log of a case (op log) holds the metadata and the hash;
-- contents travel in sync bundles as attachments and are stored here once, whoever sent them.
CREATE TABLE document_blobs (
    blake3  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);
