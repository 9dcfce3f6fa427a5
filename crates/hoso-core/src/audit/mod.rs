//! The audit log: append-only and hash-chained, local to this office (never synced, never in the
//! digest). Every write and every sensitive read (the denouncer's identity), export, import,
//! print and login is appended in the same SQL transaction as the thing it records.
//!
//! API (helper R):
//! - `NewEntry::new(actor, action, entity, detail: serde_json::Value)`
//! - `append(tx: &rusqlite::Connection, &NewEntry) -> Result<Entry>` (time = now, UTC);
//!   `append_at(tx, &NewEntry, DateTime<Utc>) -> Result<Entry>` (imports, demo data)
//! - `list(conn, &AuditFilter) -> Result<Vec<Entry>>`
//! - `verify(conn) -> Result<VerifyReport>`; `VerifyReport::is_intact()`, `problems`
//! - `head(conn) -> Result<(u64, String)>`: last seq and hash, for anchoring elsewhere.
//! - With a session (permission `audit.read` checked): `Register::audit_verify()`,
//!   `Register::audit_list(&AuditFilter)`.
//!
//! Each entry's `hash` is BLAKE3 (derive-key mode, context `HASH_CONTEXT`) over the seq and the
//! length-prefixed time, actor, action, entity, detail (as stored) and the previous entry's hash.
//! SQL triggers refuse UPDATE and DELETE on `audit_log`, and `audit_head` records the last entry
//! so that cutting off the tail shows. Someone holding the data key can still drop the triggers
//! and rewrite the whole chain consistently; `verify` catches every edit, deletion or reordering
//! that was not followed by recomputing all later hashes and the head. Anchoring `head()` outside
//! the file (e.g. in sync bundles received by the central office) would close that gap.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::Text;

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// BLAKE3 key-derivation context: domain separation from every other hash in HoSo.
pub const HASH_CONTEXT: &str = "HoSo 2026-11 audit log entry v1";

/// What to record. Strings are normalised to NFC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEntry {
    /// Officer login; empty for the system itself.
    pub actor: String,
    /// What happened, e.g. `case.create`, `denouncer.read`, `bundle.import`, `login`.
    pub action: String,
    /// What it happened to, e.g. `case:<id>`; empty when nothing in particular.
    pub entity: String,
    pub detail: serde_json::Value,
}

impl NewEntry {
    pub fn new(
        actor: impl AsRef<str>,
        action: impl AsRef<str>,
        entity: impl AsRef<str>,
        detail: serde_json::Value,
    ) -> Self {
        NewEntry {
            actor: Text::new(actor).into_string(),
            action: Text::new(action).into_string(),
            entity: Text::new(entity).into_string(),
            detail,
        }
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    /// The stored JSON; a string holding the raw text if it no longer parses (tampering).
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain hash of one entry.
fn entry_hash(
    seq: i64,
    time: &str,
    actor: &str,
    action: &str,
    entity: &str,
    detail: &str,
    prev: &str,
) -> String {
    let mut h = blake3::Hasher::new_derive_key(HASH_CONTEXT);
    h.update(&seq.to_le_bytes());
    for field in [time, actor, action, entity, detail, prev] {
        // Length prefixes make the encoding unambiguous ("ab"+"c" ≠ "a"+"bc").
        h.update(&(field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// Appends an entry stamped with the current time.
pub fn append(tx: &Connection, entry: &NewEntry) -> Result<Entry> {
    append_at(tx, entry, Utc::now())
}

/// Appends an entry with an explicit time (the system clock for live use; `append`).
pub fn append_at(tx: &Connection, entry: &NewEntry, time: DateTime<Utc>) -> Result<Entry> {
    if entry.action.trim().is_empty() {
        return Err(Error::invalid("audit action", "must not be empty"));
    }
    // Cached statements: every write of the register appends an entry.
    let (last_seq, prev_hash): (i64, String) = tx
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let seq = last_seq + 1;
    let time = time.to_rfc3339_opts(SecondsFormat::Millis, true);
    let detail = serde_json::to_string(&entry.detail)
        .map_err(|e| Error::invalid("audit detail", e.to_string()))?;
    let hash = entry_hash(
        seq,
        &time,
        &entry.actor,
        &entry.action,
        &entry.entity,
        &detail,
        &prev_hash,
    );
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, time, actor, action, entity, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq,
            time,
            entry.actor,
            entry.action,
            entry.entity,
            detail,
            prev_hash,
            hash
        ])
    })?;
    tx.prepare_cached(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .and_then(|mut s| s.execute(params![seq, hash]))?;
    Ok(Entry {
        seq: seq as u64,
        time,
        actor: entry.actor.clone(),
        action: entry.action.clone(),
        entity: entry.entity.clone(),
        detail: entry.detail.clone(),
        prev_hash,
        hash,
    })
}

/// The last entry's seq and hash as recorded in `audit_head` (0 and `GENESIS` when empty).
pub fn head(conn: &Connection) -> Result<(u64, String)> {
    let (seq, hash): (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    Ok((seq.max(0) as u64, hash))
}

/// Which entries `list` returns. Empty fields do not filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Exact action, or a prefix ending in '.' (`case.` matches `case.create`, `case.edit`).
    pub action: Option<String>,
    pub entity: Option<String>,
    /// RFC 3339 bounds (inclusive since, exclusive until), compared as stored (UTC).
    pub since: Option<String>,
    pub until: Option<String>,
    /// Newest first when true (the default order for screens is newest first).
    pub newest_first: bool,
    pub limit: Option<u32>,
}

/// Lists entries matching `filter`, in seq order (or newest first).
pub fn list(conn: &Connection, filter: &AuditFilter) -> Result<Vec<Entry>> {
    let mut sql = String::from(
        "SELECT seq, time, actor, action, entity, detail, prev_hash, hash FROM audit_log WHERE 1=1",
    );
    let mut args: Vec<String> = Vec::new();
    if let Some(a) = &filter.actor {
        args.push(Text::new(a).into_string());
        sql.push_str(&format!(" AND actor = ?{}", args.len()));
    }
    if let Some(a) = &filter.action {
        let a = Text::new(a).into_string();
        if a.ends_with('.') {
            args.push(a);
            sql.push_str(&format!(
                " AND substr(action, 1, length(?{0})) = ?{0}",
                args.len()
            ));
        } else {
            args.push(a);
            sql.push_str(&format!(" AND action = ?{}", args.len()));
        }
    }
    if let Some(e) = &filter.entity {
        args.push(Text::new(e).into_string());
        sql.push_str(&format!(" AND entity = ?{}", args.len()));
    }
    for (bound, op) in [(&filter.since, ">="), (&filter.until, "<")] {
        if let Some(t) = bound {
            let t = DateTime::parse_from_rfc3339(t)
                .map_err(|e| Error::invalid("time", format!("'{t}' is not RFC 3339: {e}")))?;
            args.push(
                t.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Millis, true),
            );
            sql.push_str(&format!(" AND time {op} ?{}", args.len()));
        }
    }
    sql.push_str(if filter.newest_first {
        " ORDER BY seq DESC"
    } else {
        " ORDER BY seq"
    });
    if let Some(n) = filter.limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        let detail: String = r.get(5)?;
        Ok(Entry {
            seq: r.get::<_, i64>(0)?.max(0) as u64,
            time: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One thing `verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// The entry's content no longer matches its hash.
    Edited { seq: u64 },
    /// Entries `first..=last` are missing from the sequence.
    Missing { first: u64, last: u64 },
    /// The entry follows another entry than the one it was chained to.
    OutOfOrder { seq: u64, chained_after: u64 },
    /// The entry's previous hash matches no entry in the log.
    ChainBroken { seq: u64 },
    /// The log ends at `found` but the recorded head says `recorded`: entries were cut off.
    Truncated { recorded: u64, found: u64 },
    /// Entries after the recorded head were added outside HoSo.
    Unrecorded { first: u64, last: u64 },
    /// The last entry differs from the recorded head's hash.
    HeadMismatch { seq: u64 },
    /// The triggers that refuse UPDATE and DELETE were removed.
    GuardRemoved,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Edited { seq } => {
                write!(f, "entry {seq} was edited (its hash does not match)")
            }
            Problem::Missing { first, last } if first == last => {
                write!(f, "entry {first} was deleted")
            }
            Problem::Missing { first, last } => write!(f, "entries {first} to {last} were deleted"),
            Problem::OutOfOrder { seq, chained_after } => {
                write!(
                    f,
                    "entry {seq} was moved: it was written after entry {chained_after}"
                )
            }
            Problem::ChainBroken { seq } => {
                write!(f, "entry {seq} is not chained to any entry of the log")
            }
            Problem::Truncated { recorded, found } => write!(
                f,
                "entries after {found} were deleted (the log recorded {recorded} entries)"
            ),
            Problem::Unrecorded { first, last } => {
                write!(f, "entries {first} to {last} were added outside HoSo")
            }
            Problem::HeadMismatch { seq } => {
                write!(f, "the last entry {seq} differs from the one HoSo recorded")
            }
            Problem::GuardRemoved => {
                write!(
                    f,
                    "the triggers that keep the audit log append-only were removed"
                )
            }
        }
    }
}

/// The outcome of `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Entries present in the log.
    pub entries: u64,
    /// The last entry's seq and hash as found in the log.
    pub last_seq: u64,
    pub last_hash: String,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the whole chain. Reading only: a broken log is reported, never repaired. Streams the
/// log (memory does not grow with its length unless entries are out of place).
pub fn verify(conn: &Connection) -> Result<VerifyReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, time, actor, action, entity, detail, prev_hash, hash
             FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut problems = Vec::new();
    // Entries chained to something other than their predecessor: (problem index, prev hash).
    let mut misplaced: Vec<(usize, String)> = Vec::new();
    let mut entries = 0u64;
    let mut expected: i64 = 1;
    let mut prev = GENESIS.to_string();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let field = |i: usize| r.get::<_, String>(i);
        let (prev_hash, hash) = (field(6)?, field(7)?);
        if seq > expected {
            problems.push(Problem::Missing {
                first: expected as u64,
                last: (seq - 1) as u64,
            });
        } else if prev_hash != prev {
            misplaced.push((problems.len(), prev_hash.clone()));
            problems.push(Problem::ChainBroken {
                seq: seq.max(0) as u64,
            });
        }
        let recomputed = entry_hash(
            seq,
            &field(1)?,
            &field(2)?,
            &field(3)?,
            &field(4)?,
            &field(5)?,
            &prev_hash,
        );
        if recomputed != hash {
            problems.push(Problem::Edited {
                seq: seq.max(0) as u64,
            });
        }
        prev = hash;
        expected = seq + 1;
        entries += 1;
    }
    drop(rows);

    // Tell a moved entry (chained after another entry of the log) from a foreign one.
    if !misplaced.is_empty() {
        let mut st = conn.prepare("SELECT hash, seq FROM audit_log")?;
        let position: std::collections::HashMap<String, i64> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (i, prev_hash) in misplaced {
            let Problem::ChainBroken { seq } = problems[i] else {
                continue;
            };
            let after = match position.get(&prev_hash) {
                Some(&after) => Some(after.max(0) as u64),
                None if prev_hash == GENESIS => Some(0),
                None => None,
            };
            if let Some(chained_after) = after {
                problems[i] = Problem::OutOfOrder { seq, chained_after };
            }
        }
    }
    let last_seq = (expected - 1).max(0) as u64;

    let (head_seq, head_hash) = head(conn)?;
    if head_seq > last_seq {
        problems.push(Problem::Truncated {
            recorded: head_seq,
            found: last_seq,
        });
    } else if head_seq < last_seq {
        problems.push(Problem::Unrecorded {
            first: head_seq + 1,
            last: last_seq,
        });
    } else if head_hash != prev {
        problems.push(Problem::HeadMismatch { seq: last_seq });
    }

    let guards: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'
             AND name IN ('audit_log_no_update', 'audit_log_no_delete')",
        [],
        |r| r.get(0),
    )?;
    if guards != 2 {
        problems.push(Problem::GuardRemoved);
    }

    Ok(VerifyReport {
        entries,
        last_seq,
        last_hash: prev,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A real SQLCipher register file holding the audit schema, reopened with the key as an
    /// attacker with the recovery key would.
    struct Reg {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
    }

    const KEY: &str = "x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'";

    impl Reg {
        fn new() -> Reg {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("audit.hoso");
            let reg = Reg { _dir: dir, path };
            reg.open()
                .execute_batch(include_str!("../store/schema/audit.sql"))
                .unwrap();
            reg
        }
        fn open(&self) -> Connection {
            let conn = Connection::open(&self.path).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"{KEY}\";"))
                .unwrap();
            conn
        }
        fn fill(&self, n: usize) {
            let mut conn = self.open();
            for i in 0..n {
                let tx = conn.transaction().unwrap();
                let e = NewEntry::new(
                    "nguyenvana",
                    if i % 3 == 0 {
                        "denouncer.read"
                    } else {
                        "case.edit"
                    },
                    format!("case:{}", i % 4),
                    json!({"field": "title", "value": format!("Hồ sơ số {i}")}),
                );
                append(&tx, &e).unwrap();
                tx.commit().unwrap();
            }
        }
        fn tamper(&self, sql: &str) {
            let conn = self.open();
            conn.execute_batch(
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
            )
            .unwrap();
            conn.execute_batch(sql).unwrap();
        }
    }

    #[test]
    fn intact_log_verifies_and_is_encrypted() {
        let reg = Reg::new();
        reg.fill(6);
        let report = verify(&reg.open()).unwrap();
        assert!(report.is_intact(), "{:?}", report.problems);
        assert_eq!(report.entries, 6);
        assert_eq!(report.last_seq, 6);
        assert_eq!(head(&reg.open()).unwrap(), (6, report.last_hash.clone()));
        let bytes = std::fs::read(&reg.path).unwrap();
        assert!(
            !bytes
                .windows(b"denouncer.read".len())
                .any(|w| w == b"denouncer.read")
        );
        // An empty log is intact too.
        assert!(verify(&Reg::new().open()).unwrap().is_intact());
    }

    #[test]
    fn entries_chain_and_list_filters() {
        let reg = Reg::new();
        reg.fill(7);
        let conn = reg.open();
        let all = list(&conn, &AuditFilter::default()).unwrap();
        assert_eq!(
            all.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(all[0].prev_hash, GENESIS);
        for w in all.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash);
        }
        assert_eq!(
            all[2].detail,
            json!({"field": "title", "value": "Hồ sơ số 2"})
        );
        let reads = list(
            &conn,
            &AuditFilter {
                action: Some("denouncer.read".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(reads.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 4, 7]);
        let case_prefix = list(
            &conn,
            &AuditFilter {
                action: Some("case.".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(case_prefix.len(), 4);
        let newest = list(
            &conn,
            &AuditFilter {
                entity: Some("case:1".into()),
                newest_first: true,
                limit: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(newest.iter().map(|e| e.seq).collect::<Vec<_>>(), [6]);
        let none = list(
            &conn,
            &AuditFilter {
                since: Some("2999-01-01T00:00:00Z".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(none.is_empty());
        let bad = list(
            &conn,
            &AuditFilter {
                since: Some("yesterday".into()),
                ..Default::default()
            },
        );
        assert_eq!(bad.unwrap_err().code(), "invalid");
    }

    #[test]
    fn plain_sql_cannot_change_history() {
        let reg = Reg::new();
        reg.fill(2);
        let conn = reg.open();
        let e = conn
            .execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1", [])
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        assert!(
            conn.execute("DELETE FROM audit_log WHERE seq = 2", [])
                .is_err()
        );
        assert!(verify(&conn).unwrap().is_intact());
    }

    #[test]
    fn an_edited_entry_is_detected() {
        let reg = Reg::new();
        reg.fill(5);
        reg.tamper("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3;");
        let report = verify(&reg.open()).unwrap();
        assert!(
            report.problems.contains(&Problem::Edited { seq: 3 }),
            "{:?}",
            report.problems
        );
        assert!(report.problems.contains(&Problem::GuardRemoved));
        // Editing the detail JSON alone is caught as well.
        reg.tamper_keep_guards_dropped("UPDATE audit_log SET detail = '{}' WHERE seq = 5;");
        let report = verify(&reg.open()).unwrap();
        assert!(
            report.problems.contains(&Problem::Edited { seq: 5 }),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn an_edit_with_a_recomputed_hash_still_breaks_the_chain() {
        let reg = Reg::new();
        reg.fill(5);
        let conn = reg.open();
        let e = &list(&conn, &AuditFilter::default()).unwrap()[1];
        let forged = entry_hash(
            2,
            &e.time,
            "ke-gian",
            &e.action,
            &e.entity,
            "{}",
            &e.prev_hash,
        );
        reg.tamper(&format!(
            "UPDATE audit_log SET actor = 'ke-gian', detail = '{{}}', hash = '{forged}' WHERE seq = 2;"
        ));
        let report = verify(&reg.open()).unwrap();
        assert!(
            report.problems.contains(&Problem::ChainBroken { seq: 3 }),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn a_deleted_entry_is_detected() {
        let reg = Reg::new();
        reg.fill(6);
        reg.tamper("DELETE FROM audit_log WHERE seq IN (3, 4);");
        let report = verify(&reg.open()).unwrap();
        assert!(
            report
                .problems
                .contains(&Problem::Missing { first: 3, last: 4 }),
            "{:?}",
            report.problems
        );
        assert_eq!(report.entries, 4);
        let messages: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            messages.contains(&"entries 3 to 4 were deleted".to_string()),
            "{messages:?}"
        );
    }

    #[test]
    fn cutting_off_the_tail_is_detected() {
        let reg = Reg::new();
        reg.fill(6);
        reg.tamper("DELETE FROM audit_log WHERE seq >= 5;");
        let report = verify(&reg.open()).unwrap();
        assert!(
            report.problems.contains(&Problem::Truncated {
                recorded: 6,
                found: 4
            }),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn swapped_entries_are_detected() {
        let reg = Reg::new();
        reg.fill(5);
        // Swap entries 2 and 4 by renumbering them.
        reg.tamper(
            "UPDATE audit_log SET seq = 100 WHERE seq = 2;
             UPDATE audit_log SET seq = 2 WHERE seq = 4;
             UPDATE audit_log SET seq = 4 WHERE seq = 100;",
        );
        let report = verify(&reg.open()).unwrap();
        let p = &report.problems;
        assert!(
            p.contains(&Problem::OutOfOrder {
                seq: 2,
                chained_after: 3
            }),
            "{p:?}"
        );
        assert!(
            p.contains(&Problem::OutOfOrder {
                seq: 4,
                chained_after: 1
            }),
            "{p:?}"
        );
        assert!(p.contains(&Problem::Edited { seq: 2 }) && p.contains(&Problem::Edited { seq: 4 }));
    }

    #[test]
    fn appending_after_tampering_does_not_hide_it() {
        let reg = Reg::new();
        reg.fill(3);
        reg.tamper("UPDATE audit_log SET action = 'case.read' WHERE seq = 1;");
        reg.fill(2);
        let report = verify(&reg.open()).unwrap();
        assert!(report.problems.contains(&Problem::Edited { seq: 1 }));
        assert_eq!(report.last_seq, 5);
    }

    #[test]
    fn a_failed_transaction_leaves_no_entry() {
        let reg = Reg::new();
        let mut conn = reg.open();
        {
            let tx = conn.transaction().unwrap();
            append(&tx, &NewEntry::new("a", "case.create", "case:1", json!({}))).unwrap();
            assert_eq!(
                append(&tx, &NewEntry::new("a", " ", "", json!(null)))
                    .unwrap_err()
                    .code(),
                "invalid"
            );
            // dropped without commit: rolled back
        }
        let report = verify(&conn).unwrap();
        assert_eq!(report.entries, 0);
        assert!(report.is_intact());
    }

    impl Reg {
        fn tamper_keep_guards_dropped(&self, sql: &str) {
            self.open().execute_batch(sql).unwrap();
        }
    }
}
