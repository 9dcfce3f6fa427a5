//! Storing one op and folding it into the merged state, incrementally: each rule below keeps the
//! tables equal to what a from-scratch evaluation over the set of known ops would give, whatever
//! the arrival order (see the schema comments in `store/schema/oplog.sql`).

use rusqlite::{Connection, OptionalExtension, params};

use super::canon::{change_json, to_canonical};
use super::read;
use super::types::{Change, Op};
use crate::error::{Error, Result};

/// Stores `op` if its id is new and merges it. `Ok(false)`: already known (with identical
/// content; a different op under a known id is an error, the caller rolls back).
pub(crate) fn apply_op(conn: &Connection, op: &Op) -> Result<bool> {
    let change = change_json(&op.change);
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO ops(origin, seq, hlc, author, txn, scope, kind, entity_id, change,
                                       arrival, via)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, n, via FROM oplog_arrival",
        )?
        .execute(params![
            op.id.origin,
            op.id.seq as i64,
            op.hlc.to_packed(),
            op.author,
            op.txn as i64,
            op.scope.as_str(),
            op.entity.kind,
            op.entity.id,
            change,
        ])?;
    if inserted == 0 {
        check_same(conn, op, &change)?;
        return Ok(false);
    }
    merge(conn, op)?;
    Ok(true)
}

fn check_same(conn: &Connection, op: &Op, change: &str) -> Result<()> {
    let stored = read::op(conn, &op.id)?;
    let same = stored.is_some_and(|s| {
        s.hlc == op.hlc
            && s.author == op.author
            && s.txn == op.txn
            && s.scope == op.scope
            && s.entity == op.entity
            && change_json(&s.change) == change
    });
    if same {
        Ok(())
    } else {
        Err(Error::invalid(
            "operation",
            format!("{} is already known with different content", op.id),
        ))
    }
}

pub(crate) fn merge(conn: &Connection, op: &Op) -> Result<()> {
    let (kind, id) = (&op.entity.kind, &op.entity.id);
    match &op.change {
        Change::Create => {
            conn.prepare_cached(
                "INSERT INTO oplog_entities(kind, id, created, deleted, scope)
                 VALUES (?1, ?2, 1, 0, ?3)
                 ON CONFLICT(kind, id) DO UPDATE SET created = 1,
                   scope = CASE WHEN scope IS NULL OR excluded.scope < scope
                           THEN excluded.scope ELSE scope END",
            )?
            .execute(params![kind, id, op.scope.as_str()])?;
        }
        Change::Delete => {
            conn.prepare_cached(
                "INSERT INTO oplog_entities(kind, id, created, deleted, scope)
                 VALUES (?1, ?2, 0, 1, NULL)
                 ON CONFLICT(kind, id) DO UPDATE SET deleted = 1",
            )?
            .execute(params![kind, id])?;
        }
        Change::Put {
            field, replaces, ..
        } => {
            // The write itself: if a known write already replaced it, its dead placeholder
            // stays dead.
            conn.prepare_cached(
                "INSERT INTO oplog_fields(kind, id, field, origin, seq, hlc, live)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                kind,
                id,
                field,
                op.id.origin,
                op.id.seq as i64,
                op.hlc.to_packed()
            ])?;
            let mut kill = conn.prepare_cached(
                "INSERT INTO oplog_fields(kind, id, field, origin, seq, hlc, live)
                     VALUES (?1, ?2, ?3, ?4, ?5, NULL, 0)
                     ON CONFLICT DO UPDATE SET live = 0, hlc = NULL",
            )?;
            for r in replaces {
                kill.execute(params![kind, id, field, r.origin, r.seq as i64])?;
            }
        }
        Change::Add { set, element } => {
            conn.prepare_cached(
                "INSERT INTO oplog_set_elems(kind, id, set_name, element, origin, seq, live)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                kind,
                id,
                set,
                to_canonical(element),
                op.id.origin,
                op.id.seq as i64
            ])?;
        }
        Change::Remove {
            set,
            element,
            observed,
        } => {
            let element = to_canonical(element);
            let mut kill = conn.prepare_cached(
                "INSERT INTO oplog_set_elems(kind, id, set_name, element, origin, seq, live)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
                     ON CONFLICT DO UPDATE SET live = 0",
            )?;
            for t in observed {
                kill.execute(params![kind, id, set, element, t.origin, t.seq as i64])?;
            }
        }
        Change::Append { log, .. } => {
            conn.prepare_cached(
                "INSERT INTO oplog_log_entries(kind, id, log, hlc, origin, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                kind,
                id,
                log,
                op.hlc.to_packed(),
                op.id.origin,
                op.id.seq as i64
            ])?;
        }
    }
    Ok(())
}

/// The local clock as stored (zero before the first op).
pub(crate) fn load_clock(conn: &Connection) -> Result<super::Hlc> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT hlc FROM oplog_clock WHERE id = 0")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.map(super::Hlc::from_packed).unwrap_or_default())
}

pub(crate) fn store_clock(conn: &Connection, clock: super::Hlc) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO oplog_clock(id, hlc) VALUES (0, ?1)
         ON CONFLICT(id) DO UPDATE SET hlc = max(hlc, excluded.hlc)",
    )?
    .execute([clock.to_packed()])?;
    Ok(())
}
