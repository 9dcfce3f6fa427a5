//! Ops kept in the log without effect. The domain decides, per scope unit and from the unit's
//! op set alone, which ops its authority rules do not allow (see `crate::authority`); this
//! module keeps that verdict and the merged state consistent with it: the merged state of a unit
//! is the merge of its ops minus those without effect, whatever order they arrived in.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};

use super::merge::merge;
use super::read::{OP_COLUMNS, op_from_row};
use super::types::{EntityRef, Op, OpId, ScopeUnit};
use crate::error::Result;

/// An op stored without effect, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WithoutEffect {
    pub op: OpId,
    pub scope: ScopeUnit,
    pub reason: String,
}

/// Every op of one scope unit, in merge order (hlc, origin, seq): the order authority over a
/// case's history is decided in.
pub fn unit_history(conn: &Connection, scope: &ScopeUnit) -> Result<Vec<Op>> {
    // Sorted here: with an ORDER BY the cached statement is re-prepared on every run.
    let sql = format!("SELECT {OP_COLUMNS} FROM ops WHERE scope = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([scope.as_str()], op_from_row)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r??);
    }
    out.sort_by(|a: &Op, b: &Op| {
        (a.hlc.to_packed(), &a.id.origin, a.id.seq).cmp(&(
            b.hlc.to_packed(),
            &b.id.origin,
            b.id.seq,
        ))
    });
    Ok(out)
}

fn stored_verdicts(conn: &Connection, scope: &ScopeUnit) -> Result<BTreeMap<OpId, String>> {
    let mut stmt = conn
        .prepare_cached("SELECT origin, seq, reason FROM oplog_without_effect WHERE scope = ?1")?;
    let rows = stmt.query_map([scope.as_str()], |r| {
        Ok((
            OpId::new(r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64),
            r.get::<_, String>(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records which ops of `scope` have no effect (`denied`: op id → reason) and, when that set
/// changed, rebuilds the unit's merged state from its other ops. Returns the unit's entities
/// when their merged state was rebuilt (to be projected again), else nothing.
pub fn settle_unit(
    conn: &Connection,
    scope: &ScopeUnit,
    history: &[Op],
    denied: &BTreeMap<OpId, String>,
) -> Result<Vec<EntityRef>> {
    let stored = stored_verdicts(conn, scope)?;
    if stored == *denied && denied.is_empty() {
        return Ok(Vec::new());
    }
    // Rebuilt whenever anything is denied (a unit is small): an import may just have merged a
    // denied op, or the op that made an earlier one allowed.
    conn.prepare_cached("DELETE FROM oplog_without_effect WHERE scope = ?1")?
        .execute([scope.as_str()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO oplog_without_effect(origin, seq, scope, reason) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (id, reason) in denied {
        insert.execute(params![id.origin, id.seq as i64, scope.as_str(), reason])?;
    }
    let mut entities: Vec<EntityRef> = history.iter().map(|o| o.entity.clone()).collect();
    entities.sort();
    entities.dedup();
    for e in &entities {
        for table in [
            "oplog_entities",
            "oplog_fields",
            "oplog_set_elems",
            "oplog_log_entries",
        ] {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE kind = ?1 AND id = ?2"))?
                .execute(params![e.kind, e.id])?;
        }
    }
    for op in history.iter().filter(|o| !denied.contains_key(&o.id)) {
        merge(conn, op)?;
    }
    Ok(entities)
}

/// Every op stored without effect, oldest first (for officers and `hoso sync status`).
pub fn without_effect(conn: &Connection) -> Result<Vec<WithoutEffect>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.origin, w.seq, w.scope, w.reason FROM oplog_without_effect w
             JOIN ops o ON o.origin = w.origin AND o.seq = w.seq ORDER BY o.hlc, w.origin, w.seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(WithoutEffect {
            op: OpId::new(r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64),
            scope: ScopeUnit(r.get(2)?),
            reason: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether `op` is stored without effect.
pub fn has_no_effect(conn: &Connection, op: &OpId) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT reason FROM oplog_without_effect WHERE origin = ?1 AND seq = ?2")?
        .query_row(params![op.origin, op.seq as i64], |r| r.get(0))
        .optional()
        .map_err(crate::error::Error::from)
}
