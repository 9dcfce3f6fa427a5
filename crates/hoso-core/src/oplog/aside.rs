//! Taking ops out of the log: what a register restored from a copy does with its own ops that
//! peers may hold under the same sequence with other content (see `crate::sync` recovery). The
//! merged state of every entity they touched is rebuilt from the ops that stay, so it is again
//! the merge of the stored ops (minus those without effect), as if the removed ones had never
//! been written.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, params};

use super::merge::merge;
use super::read::{OP_COLUMNS, op_from_row};
use super::types::{EntityRef, Op, OpId, ScopeUnit};
use crate::error::Result;

/// Removes the ops `ids` (those stored) from the log and rebuilds the merged state of the
/// entities they touched. Returns the removed ops (in id order) and the units they were in;
/// the caller settles those units and projects their entities again.
pub(crate) fn take_out(
    conn: &Connection,
    ids: &[OpId],
) -> Result<(Vec<Op>, BTreeSet<ScopeUnit>, BTreeSet<EntityRef>)> {
    let mut removed = Vec::new();
    for id in ids {
        if let Some(op) = super::read::op(conn, id)? {
            removed.push(op);
        }
    }
    let mut del_op = conn.prepare_cached("DELETE FROM ops WHERE origin = ?1 AND seq = ?2")?;
    let mut del_effect =
        conn.prepare_cached("DELETE FROM oplog_without_effect WHERE origin = ?1 AND seq = ?2")?;
    let mut units: BTreeSet<ScopeUnit> = BTreeSet::new();
    let mut entities: BTreeSet<EntityRef> = BTreeSet::new();
    for op in &removed {
        let key = params![op.id.origin, op.id.seq as i64];
        del_op.execute(key)?;
        del_effect.execute(key)?;
        units.insert(op.scope.clone());
        entities.insert(op.entity.clone());
    }
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
    // The ops that stay, of every touched entity, merged again (the merge is order-free).
    let without: BTreeMap<OpId, ()> = {
        let mut stmt = conn.prepare_cached("SELECT origin, seq FROM oplog_without_effect")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                OpId::new(r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64),
                (),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // An entity's ops lie in its scope unit (the unit is named after the entity it holds).
    let scopes: BTreeSet<String> = units.iter().map(|u| u.as_str().to_string()).collect();
    let sql = format!("SELECT {OP_COLUMNS} FROM ops WHERE scope = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    for scope in &scopes {
        let rows = stmt.query_map([scope], op_from_row)?;
        for r in rows {
            let op = r??;
            if entities.contains(&op.entity) && !without.contains_key(&op.id) {
                merge(conn, &op)?;
            }
        }
    }
    Ok((removed, units, entities))
}
