//! Schema migrations: an append-only list of SQL scripts, the register's version in
//! `PRAGMA user_version` (0 = empty file, n = the first n scripts applied).
//!
//! Why not rusqlite_migration: its newest release (2.6.0) requires rusqlite 0.40, and two
//! rusqlite versions cannot link two SQLCipher builds (`links = "sqlite3"`), so it cannot be
//! used with our rusqlite 0.43. This runner does the same thing (user_version, one transaction
//! per migration, `validate()`) in a few lines; switch back when a compatible release appears.
//!
//! Rules: never edit a migration once it has shipped; add a new one at the end. Migration 1 is
//! the concatenation of the first schema files (meta, audit, oplog, domain, trust); migration 2
//! adds sync bookkeeping (registers created before it get it on open); migration 3 the authority
//! bookkeeping (ops without effect, the central office's code from the roster); migration 4 the
//! date signs of violation were found; migration 5 overlap records; migration 6 rollback safety
//! (the bundle sequence floor, the recovery state, ops set aside); migration 7 the
//! office's local settings (`office_settings`: what printed documents say about the office);
//! migration 8 provisional deadlines (`cases.deadline_provisional`), the plan item a case
//! carries out (`cases.plan_item`) and plan items' status; migration 9 the bundles refused at
//! import (`sync_rejected`, for the sync history); migration 10 locked report periods
//! (`report_locks`); migration 11 locks as synced records (`report_lock_records`, the query
//! table of `report-lock` records; the rows of `report_locks` are converted on sign-in);
//! migration 12 the dates of discipline decisions (`case_decision_dates`, the discipline forms'
//! index); migration 13 the case list's deadline order (`cases_by_deadline`); migration 14 a status's
//! pages by number and by deadline; migration 15 the search index with prefix indexes.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

pub(crate) const MIGRATIONS: &[&str] = &[
    concat!(
        include_str!("schema/meta.sql"),
        "\n",
        include_str!("schema/audit.sql"),
        "\n",
        include_str!("schema/oplog.sql"),
        "\n",
        include_str!("schema/domain.sql"),
        "\n",
        include_str!("schema/trust.sql"),
    ),
    include_str!("schema/sync.sql"),
    include_str!("schema/authority.sql"),
    include_str!("schema/signs.sql"),
    include_str!("schema/overlaps.sql"),
    include_str!("schema/rollback.sql"),
    include_str!("schema/settings.sql"),
    include_str!("schema/records.sql"),
    include_str!("schema/sync_history.sql"),
    include_str!("schema/reports.sql"),
    include_str!("schema/report_lock_records.sql"),
    include_str!("schema/decision_dates.sql"),
    include_str!("schema/list_orders.sql"),
    include_str!("schema/list_orders_by_status.sql"),
    include_str!("schema/search_prefixes.sql"),
];

/// The schema version this build writes and understands.
pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

pub(crate) fn user_version(conn: &Connection) -> Result<u32> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Brings the schema up to `schema_version()`. Each migration runs in its own immediate
/// transaction that re-reads the version, so two processes opening an old register at once do
/// not both apply it. The caller has already refused registers newer than this build.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = user_version(&tx)? as usize;
        let Some(sql) = MIGRATIONS.get(current) else {
            return Ok(());
        };
        let next = current + 1;
        tx.execute_batch(sql)
            .map_err(|e| Error::Storage(format!("migration {next} failed: {e}")))?;
        tx.pragma_update(None, "user_version", next as i64)?;
        tx.execute(
            "UPDATE register_meta SET schema_version = ?1",
            [next as i64],
        )?;
        tx.commit()?;
    }
}

/// Applies every migration to an empty database and checks the result: each script is valid
/// SQL against the state the previous ones leave, the version ends at `schema_version()`, and
/// the schema passes SQLite's integrity and foreign-key checks. Run by the test suite.
pub fn validate() -> Result<()> {
    let mut conn = Connection::open_in_memory()?;
    crate::text::install_sql_functions(&conn)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    let v = user_version(&conn)?;
    if v != schema_version() {
        return Err(Error::Storage(format!(
            "migrations ended at {v}, expected {}",
            schema_version()
        )));
    }
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Storage(format!("integrity check: {ok}")));
    }
    let fk_problems: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })?;
    if fk_problems != 0 {
        return Err(Error::Storage(format!(
            "{fk_problems} foreign key problems"
        )));
    }
    // Idempotent: running again on an up-to-date schema changes nothing.
    migrate(&mut conn)?;
    Ok(())
}
