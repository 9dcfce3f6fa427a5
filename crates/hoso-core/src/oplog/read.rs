//! Reading the merged state.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::types::{Change, EntityRef, Hlc, Op, OpId, ScopeUnit};
use crate::error::{Error, Result};

/// The merged state of one field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldState {
    /// The visible value: the surviving write with the greatest (hlc, origin, seq).
    pub value: Value,
    /// The write that produced `value`.
    pub op: OpId,
    pub hlc: Hlc,
    /// The other surviving writes, newest first (concurrent writes nobody has reconciled yet;
    /// a `Txn::put` replaces them all).
    pub concurrent: Vec<(OpId, Value)>,
}

impl FieldState {
    /// Concurrent writes of different values. Two offices writing the same value (both
    /// recording an office's name, say) agree: nothing to resolve.
    pub fn is_conflict(&self) -> bool {
        self.concurrent.iter().any(|(_, v)| v != &self.value)
    }
}

/// One entry of an append-only log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub op: OpId,
    pub hlc: Hlc,
    pub author: String,
    pub entry: Value,
}

/// An origin whose clock was seen far ahead of ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockAhead {
    pub origin: String,
    /// The furthest-ahead time seen from it.
    pub hlc: Hlc,
    /// Our wall clock (ms) when we last noticed.
    pub noticed_ms: u64,
}

pub(crate) fn parse_json(text: &str) -> Result<Value> {
    serde_json::from_str(text)
        .map_err(|e| Error::Storage(format!("stored JSON does not parse: {e}")))
}

/// Created and not deleted.
pub fn entity_exists(conn: &Connection, entity: &EntityRef) -> Result<bool> {
    let v: Option<bool> = conn
        .prepare_cached(
            "SELECT created = 1 AND deleted = 0 FROM oplog_entities WHERE kind = ?1 AND id = ?2",
        )?
        .query_row(params![entity.kind, entity.id], |r| r.get(0))
        .optional()?;
    Ok(v.unwrap_or(false))
}

/// Ids of the visible entities of `kind`, sorted bytewise.
pub fn entities_of_kind(conn: &Connection, kind: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM oplog_entities WHERE kind = ?1 AND created = 1 AND deleted = 0
             ORDER BY id",
    )?;
    let rows = stmt.query_map([kind], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The value a stored Put carries.
fn put_value(change: &str) -> Result<Value> {
    match serde_json::from_str::<Change>(change) {
        Ok(Change::Put { value, .. }) => Ok(value),
        Ok(_) => Err(Error::Storage("a field write is not a put".into())),
        Err(e) => Err(Error::Storage(format!("stored op does not decode: {e}"))),
    }
}

/// Ids of the surviving writes of one field, sorted by id.
pub(crate) fn survivor_ids(
    conn: &Connection,
    entity: &EntityRef,
    field: &str,
) -> Result<Vec<OpId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT origin, seq FROM oplog_fields
             WHERE kind = ?1 AND id = ?2 AND field = ?3 AND live = 1",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id, field], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut ids = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    ids.sort();
    Ok(ids
        .into_iter()
        .map(|(origin, seq)| OpId::new(origin, seq as u64))
        .collect())
}

/// Builds the state from survivors (op, hlc, change JSON) in any order.
fn field_state(mut survivors: Vec<(OpId, Hlc, String)>) -> Result<Option<FieldState>> {
    // Greatest (hlc, origin, seq) first.
    survivors.sort_by(|a, b| (b.1, &b.0).cmp(&(a.1, &a.0)));
    let mut it = survivors.into_iter();
    let Some((op, hlc, change)) = it.next() else {
        return Ok(None);
    };
    let concurrent = it
        .map(|(id, _, c)| Ok((id, put_value(&c)?)))
        .collect::<Result<_>>()?;
    Ok(Some(FieldState {
        value: put_value(&change)?,
        op,
        hlc,
        concurrent,
    }))
}

/// The merged state of one field; None if never written or the entity is not visible.
pub fn field(conn: &Connection, entity: &EntityRef, field: &str) -> Result<Option<FieldState>> {
    if !entity_exists(conn, entity)? {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT f.origin, f.seq, f.hlc,
                (SELECT o.change FROM ops o WHERE o.origin = f.origin AND o.seq = f.seq)
             FROM oplog_fields f
             WHERE f.kind = ?1 AND f.id = ?2 AND f.field = ?3 AND f.live = 1",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id, field], |r| {
        Ok((
            OpId::new(r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64),
            Hlc::from_packed(r.get(2)?),
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    // A write whose op is missing counts as absent (as a join would drop it).
    let mut survivors = Vec::new();
    for row in rows {
        if let (id, hlc, Some(change)) = row? {
            survivors.push((id, hlc, change));
        }
    }
    field_state(survivors)
}

/// Every written field of a visible entity (empty if not visible).
pub fn fields(conn: &Connection, entity: &EntityRef) -> Result<BTreeMap<String, FieldState>> {
    let mut out = BTreeMap::new();
    if !entity_exists(conn, entity)? {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT f.field, f.origin, f.seq, f.hlc,
                (SELECT o.change FROM ops o WHERE o.origin = f.origin AND o.seq = f.seq)
             FROM oplog_fields f
             WHERE f.kind = ?1 AND f.id = ?2 AND f.live = 1",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            OpId::new(r.get::<_, String>(1)?, r.get::<_, i64>(2)? as u64),
            Hlc::from_packed(r.get(3)?),
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut by_field: BTreeMap<String, Vec<(OpId, Hlc, String)>> = BTreeMap::new();
    for row in rows {
        if let (f, id, hlc, Some(c)) = row? {
            by_field.entry(f).or_default().push((id, hlc, c));
        }
    }
    for (f, s) in by_field {
        if let Some(state) = field_state(s)? {
            out.insert(f, state);
        }
    }
    Ok(out)
}

/// Live add tags of one element (canonical JSON), sorted.
pub(crate) fn live_tags(
    conn: &Connection,
    entity: &EntityRef,
    set: &str,
    element: &str,
) -> Result<Vec<OpId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT origin, seq FROM oplog_set_elems
             WHERE kind = ?1 AND id = ?2 AND set_name = ?3 AND element = ?4 AND live = 1
             ORDER BY origin, seq",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id, set, element], |r| {
        Ok(OpId::new(
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)? as u64,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Members of a set of a visible entity, sorted by canonical JSON (bytewise).
pub fn set_members(conn: &Connection, entity: &EntityRef, set: &str) -> Result<Vec<Value>> {
    if !entity_exists(conn, entity)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT element FROM oplog_set_elems
             WHERE kind = ?1 AND id = ?2 AND set_name = ?3 AND live = 1",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id, set], |r| {
        r.get::<_, String>(0)
    })?;
    let mut elements = rows.collect::<rusqlite::Result<Vec<String>>>()?;
    elements.sort();
    elements.dedup();
    elements.iter().map(|e| parse_json(e)).collect()
}

/// Every set of a visible entity with its members (sorted as in [`set_members`]), in one query.
pub fn sets(conn: &Connection, entity: &EntityRef) -> Result<BTreeMap<String, Vec<Value>>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    if !entity_exists(conn, entity)? {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT set_name, element FROM oplog_set_elems
             WHERE kind = ?1 AND id = ?2 AND live = 1",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut pairs = rows.collect::<rusqlite::Result<Vec<(String, String)>>>()?;
    pairs.sort();
    pairs.dedup();
    for (set, element) in pairs {
        out.entry(set).or_default().push(parse_json(&element)?);
    }
    Ok(out)
}

/// Entries of a log of a visible entity, in (hlc, origin, seq) order.
pub fn log_entries(conn: &Connection, entity: &EntityRef, log: &str) -> Result<Vec<LogEntry>> {
    if !entity_exists(conn, entity)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT l.hlc, l.origin, l.seq,
                (SELECT o.author FROM ops o WHERE o.origin = l.origin AND o.seq = l.seq),
                (SELECT o.change FROM ops o WHERE o.origin = l.origin AND o.seq = l.seq)
             FROM oplog_log_entries l
             WHERE l.kind = ?1 AND l.id = ?2 AND l.log = ?3",
    )?;
    let rows = stmt.query_map(params![entity.kind, entity.id, log], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // (hlc, origin, seq) order; an entry whose op is missing is skipped, as a join would.
    rows.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let mut out = Vec::new();
    for (hlc, origin, seq, author, change) in rows {
        let (Some(author), Some(change)) = (author, change) else {
            continue;
        };
        let (op, hlc) = (OpId::new(origin, seq as u64), Hlc::from_packed(hlc));
        let entry = match serde_json::from_str::<Change>(&change) {
            Ok(Change::Append { entry, .. }) => entry,
            Ok(_) => return Err(Error::Storage("a log entry is not an append".into())),
            Err(e) => return Err(Error::Storage(format!("stored op does not decode: {e}"))),
        };
        out.push(LogEntry {
            op,
            hlc,
            author,
            entry,
        });
    }
    Ok(out)
}

/// Every field of a visible entity that has concurrent surviving writes, sorted.
pub fn conflicts(conn: &Connection) -> Result<Vec<(EntityRef, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.kind, f.id, f.field FROM oplog_fields f
             JOIN oplog_entities e ON e.kind = f.kind AND e.id = f.id
             JOIN ops o ON o.origin = f.origin AND o.seq = f.seq
             WHERE f.live = 1 AND e.created = 1 AND e.deleted = 0
             GROUP BY f.kind, f.id, f.field
             HAVING count(DISTINCT json_extract(o.change, '$.value')) > 1
             ORDER BY f.kind, f.id, f.field",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            EntityRef::new(r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            r.get(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) const OP_COLUMNS: &str = "origin, seq, hlc, author, txn, scope, kind, entity_id, change";

/// A stored op's change, from its canonical JSON.
pub(crate) fn decode_change(json: &str) -> Result<Change> {
    serde_json::from_str::<Change>(json)
        .map_err(|e| Error::Storage(format!("stored op does not decode: {e}")))
}

/// Decodes a row selected with [`OP_COLUMNS`].
pub(crate) fn op_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Op>> {
    let change = match decode_change(&r.get::<_, String>(8)?) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(Op {
        id: OpId::new(r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64),
        hlc: Hlc::from_packed(r.get(2)?),
        author: r.get(3)?,
        txn: r.get::<_, i64>(4)? as u64,
        scope: ScopeUnit(r.get(5)?),
        entity: EntityRef::new(r.get::<_, String>(6)?, r.get::<_, String>(7)?),
        change,
    }))
}

/// One stored op by id.
pub fn op(conn: &Connection, id: &OpId) -> Result<Option<Op>> {
    let sql = format!("SELECT {OP_COLUMNS} FROM ops WHERE origin = ?1 AND seq = ?2");
    let found = conn
        .prepare_cached(&sql)?
        .query_row(params![id.origin, id.seq as i64], op_from_row)
        .optional()?;
    found.transpose()
}

/// Origins seen with a clock far ahead of ours, for the UI to warn about.
pub fn clock_ahead_origins(conn: &Connection) -> Result<Vec<ClockAhead>> {
    let mut stmt = conn
        .prepare_cached("SELECT origin, hlc, noticed_ms FROM oplog_clock_ahead ORDER BY origin")?;
    let rows = stmt.query_map([], |r| {
        Ok(ClockAhead {
            origin: r.get(0)?,
            hlc: Hlc::from_packed(r.get(1)?),
            noticed_ms: r.get::<_, i64>(2)? as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
