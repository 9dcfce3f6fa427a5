-- Trust (helper G). LOCAL tables: never synced, never in `digest` (which reads the op log only).

-- This office's key pairs ('signing': minisign Ed25519, 'age': X25519 identity) and, on the
-- central office only, the 'root' signing key that certifies offices. Secrets live only inside
-- the encrypted register.
CREATE TABLE office_keys (
    purpose    TEXT PRIMARY KEY CHECK (purpose IN ('signing', 'age', 'root')),
    secret     TEXT NOT NULL,
    public     TEXT NOT NULL,          -- minisign key line, or age1… recipient
    created_at TEXT NOT NULL           -- RFC 3339 UTC
);

-- The root public key this office trusts (the central office: its own; a province: the one
-- confirmed by fingerprint at enrolment).
CREATE TABLE trust_root (
    id         INTEGER PRIMARY KEY CHECK (id = 0),
    public_key TEXT NOT NULL           -- minisign key line
);
