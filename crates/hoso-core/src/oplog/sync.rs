//! What sync needs: applying remote ops, version vectors, streaming ops out, the digest.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::merge::{apply_op, load_clock, store_clock};
use super::read::{OP_COLUMNS, entity_exists, op_from_row};
use super::types::{EntityRef, Hlc, MAX_CLOCK_AHEAD_MS, Op, ScopeUnit};
use super::{Projector, now_ms};
use crate::error::Result;

/// Highest known seq per origin.
pub type VersionVector = BTreeMap<String, u64>;

/// What an import changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Ops stored for the first time.
    pub new_ops: usize,
    /// Ops that were already known (re-import, relay): nothing changed for them.
    pub known_ops: usize,
    /// Entities touched by at least one new op (visible or not).
    pub entities_touched: usize,
    /// Per kind: entities that became visible.
    pub created: BTreeMap<String, usize>,
    /// Per kind: entities visible before and after that new ops touched.
    pub updated: BTreeMap<String, usize>,
    /// Per kind: entities that were visible and are now deleted.
    pub removed: BTreeMap<String, usize>,
    /// Fields touched by new ops that now have concurrent surviving writes of different values
    /// (visible entities),
    /// sorted. The domain decides which fields matter enough to show.
    pub conflicts: Vec<(EntityRef, String)>,
    /// Origins with an op more than `MAX_CLOCK_AHEAD_MS` ahead of our wall clock.
    pub clock_ahead: Vec<String>,
}

/// Applies ops received from elsewhere in one SQL transaction of its own (see
/// [`apply_remote_in`]). On any error nothing is changed.
pub fn apply_remote<I>(
    conn: &mut Connection,
    ops: I,
    projector: &dyn Projector,
) -> Result<ApplyReport>
where
    I: IntoIterator<Item = Op>,
{
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let report = apply_remote_in(&tx, ops, projector, now_ms())?;
    tx.commit()?;
    Ok(report)
}

/// Applies ops inside the caller's transaction (which then records the bundle and the audit
/// entry and commits, or rolls back on error). Ops for entities not created yet are kept;
/// known ops are skipped; each touched entity is projected once, at the end, in sorted order.
/// `now_ms` is our wall clock, used only for the local clock and the clock-ahead flag.
pub fn apply_remote_in<I>(
    tx: &Connection,
    ops: I,
    projector: &dyn Projector,
    now_ms: u64,
) -> Result<ApplyReport>
where
    I: IntoIterator<Item = Op>,
{
    let mut report = ApplyReport::default();
    // Visibility of each touched entity before its first new op.
    let mut before: HashMap<EntityRef, bool> = HashMap::new();
    let mut max_seen = Hlc::default();
    let mut ahead: BTreeMap<String, Hlc> = BTreeMap::new();

    let mut units: BTreeSet<ScopeUnit> = BTreeSet::new();
    for op in ops {
        op.validate()?;
        projector.admit(tx, &op)?;
        if !before.contains_key(&op.entity) {
            // Checked before merging this op so creation shows up as "created".
            let visible = entity_exists(tx, &op.entity)?;
            if !apply_op(tx, &op)? {
                report.known_ops += 1;
                continue;
            }
            before.insert(op.entity.clone(), visible);
        } else if !apply_op(tx, &op)? {
            report.known_ops += 1;
            continue;
        }
        report.new_ops += 1;
        if !units.contains(&op.scope) {
            units.insert(op.scope.clone());
        }
        if op.hlc.ms > now_ms.saturating_add(MAX_CLOCK_AHEAD_MS) {
            let e = ahead.entry(op.id.origin.clone()).or_default();
            *e = (*e).max(op.hlc);
        } else {
            max_seen = max_seen.max(op.hlc);
        }
    }

    // Authority: which of the units' ops take effect (may rebuild their merged state).
    // Entities rebuilt without a new op of their own (a denouncer whose case changed lead) are
    // projected again but not counted.
    let rebuilt: BTreeSet<EntityRef> = projector
        .settle(tx, &units)?
        .into_iter()
        .filter(|e| !before.contains_key(e))
        .collect();
    if report.new_ops > 0 {
        let clock = load_clock(tx)?.observe(max_seen, now_ms).clock;
        store_clock(tx, clock)?;
    }
    for (origin, hlc) in &ahead {
        tx.prepare_cached(
            "INSERT INTO oplog_clock_ahead(origin, hlc, noticed_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT(origin) DO UPDATE SET hlc = max(hlc, excluded.hlc),
               noticed_ms = excluded.noticed_ms",
        )?
        .execute(params![origin, hlc.to_packed(), now_ms as i64])?;
    }
    report.clock_ahead = ahead.into_keys().collect();

    let mut touched: BTreeMap<EntityRef, bool> = before.into_iter().collect();
    report.entities_touched = touched.len();
    for (entity, was_visible) in touched.iter_mut() {
        let visible = entity_exists(tx, entity)?;
        let bucket = match (*was_visible, visible) {
            (false, true) => Some(&mut report.created),
            (true, true) => Some(&mut report.updated),
            (true, false) => Some(&mut report.removed),
            (false, false) => None,
        };
        if let Some(b) = bucket {
            *b.entry(entity.kind.clone()).or_default() += 1;
        }
        // From here on: visible after the import.
        *was_visible = visible;
    }
    // Conflicts: fields of touched, visible entities with more than one survivor.
    let mut conflicted = tx.prepare_cached(
        "SELECT f.field FROM oplog_fields f
             JOIN ops o ON o.origin = f.origin AND o.seq = f.seq
             WHERE f.kind = ?1 AND f.id = ?2 AND f.live = 1
             GROUP BY f.field HAVING count(DISTINCT json_extract(o.change, '$.value')) > 1
             ORDER BY f.field",
    )?;
    for (entity, _) in touched.iter().filter(|(_, visible_after)| **visible_after) {
        let rows =
            conflicted.query_map(params![entity.kind, entity.id], |r| r.get::<_, String>(0))?;
        for f in rows {
            report.conflicts.push((entity.clone(), f?));
        }
    }
    drop(conflicted);
    for entity in touched.keys().chain(&rebuilt) {
        projector.project(tx, entity)?;
    }
    Ok(report)
}

/// Origins with at least one stored op, sorted, found by index seeks (no full scan).
fn origins(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT origin FROM ops WHERE origin > ?1 ORDER BY origin LIMIT 1")?;
    let mut out = Vec::new();
    let mut last = String::new();
    while let Some(o) = stmt
        .query_row([&last], |r| r.get::<_, String>(0))
        .optional()?
    {
        out.push(o.clone());
        last = o;
    }
    Ok(out)
}

/// Highest known seq per origin.
pub fn version_vector(conn: &Connection) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT max(seq) FROM ops WHERE origin = ?1")?;
    let mut vv = VersionVector::new();
    for origin in origins(conn)? {
        let max: i64 = stmt.query_row([&origin], |r| r.get(0))?;
        vv.insert(origin, max as u64);
    }
    Ok(vv)
}

const PAGE: i64 = 512;

/// Ops not covered by a version vector, by origin then seq, read a page at a time.
pub struct OpsSince<'c> {
    conn: &'c Connection,
    /// (origin, last seq returned or covered), in order; `next` is the current one.
    cursors: Vec<(String, u64)>,
    next: usize,
    buf: VecDeque<Op>,
    failed: bool,
}

/// Every stored op with `seq > vv[origin]` (all ops of origins missing from `vv`).
pub fn ops_since<'c>(conn: &'c Connection, vv: &VersionVector) -> Result<OpsSince<'c>> {
    let cursors = origins(conn)?
        .into_iter()
        .map(|o| {
            let after = vv.get(&o).copied().unwrap_or(0);
            (o, after)
        })
        .collect();
    Ok(OpsSince {
        conn,
        cursors,
        next: 0,
        buf: VecDeque::new(),
        failed: false,
    })
}

impl OpsSince<'_> {
    fn fill(&mut self) -> Result<()> {
        while self.buf.is_empty() && self.next < self.cursors.len() {
            let (origin, after) = &self.cursors[self.next];
            let sql = format!(
                "SELECT {OP_COLUMNS} FROM ops WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![origin, *after as i64, PAGE], op_from_row)?;
            for row in rows {
                self.buf.push_back(row??);
            }
            match self.buf.back() {
                Some(last) if self.buf.len() as i64 == PAGE => {
                    self.cursors[self.next].1 = last.id.seq
                }
                _ => self.next += 1,
            }
        }
        Ok(())
    }
}

impl Iterator for OpsSince<'_> {
    type Item = Result<Op>;
    fn next(&mut self) -> Option<Result<Op>> {
        if self.failed {
            return None;
        }
        if let Err(e) = self.fill() {
            self.failed = true;
            return Some(Err(e));
        }
        self.buf.pop_front().map(Ok)
    }
}

/// Every op of one scope unit, by origin then seq, read a page at a time.
pub struct OpsInScope<'c> {
    conn: &'c Connection,
    scope: String,
    after: Option<(String, u64)>,
    done: bool,
    buf: VecDeque<Op>,
}

/// The whole history of one scope unit (for a case entering a peer's scope).
pub fn ops_in_scope<'c>(conn: &'c Connection, scope: &ScopeUnit) -> OpsInScope<'c> {
    OpsInScope {
        conn,
        scope: scope.0.clone(),
        after: None,
        done: false,
        buf: VecDeque::new(),
    }
}

impl OpsInScope<'_> {
    fn fill(&mut self) -> Result<()> {
        if !self.buf.is_empty() || self.done {
            return Ok(());
        }
        let (origin, seq) = self.after.clone().unwrap_or_default();
        let sql = format!(
            "SELECT {OP_COLUMNS} FROM ops WHERE scope = ?1 AND (origin, seq) > (?2, ?3)
             ORDER BY origin, seq LIMIT ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![self.scope, origin, seq as i64, PAGE], op_from_row)?;
        for row in rows {
            self.buf.push_back(row??);
        }
        match self.buf.back() {
            Some(last) if self.buf.len() as i64 == PAGE => {
                self.after = Some((last.id.origin.clone(), last.id.seq))
            }
            _ => self.done = true,
        }
        Ok(())
    }
}

impl Iterator for OpsInScope<'_> {
    type Item = Result<Op>;
    fn next(&mut self) -> Option<Result<Op>> {
        if let Err(e) = self.fill() {
            self.done = true;
            self.buf.clear();
            return Some(Err(e));
        }
        self.buf.pop_front().map(Ok)
    }
}

/// Hex BLAKE3 of the canonical merged state (format in the module docs).
pub fn digest(conn: &Connection) -> Result<String> {
    digest_filtered(conn, &|_, _| true)
}

struct Record<'h>(&'h mut blake3::Hasher);

impl Record<'_> {
    fn text(&mut self, s: &str) -> &mut Self {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }
    fn int(&mut self, v: i64) -> &mut Self {
        self.0.update(&8u64.to_le_bytes());
        self.0.update(&v.to_le_bytes());
        self
    }
}

/// The digest of the visible entities for which `keep(entity, scope)` holds (an office's view
/// of one peer's scope, say).
pub fn digest_filtered(
    conn: &Connection,
    keep: &dyn Fn(&EntityRef, &str) -> bool,
) -> Result<String> {
    let mut h = blake3::Hasher::new();
    h.update(b"hoso-digest-v1\0");
    let visible = "JOIN oplog_entities e ON e.kind = t.kind AND e.id = t.id
                   WHERE e.created = 1 AND e.deleted = 0";

    let mut stmt = conn.prepare(
        "SELECT kind, id, scope FROM oplog_entities WHERE created = 1 AND deleted = 0
             ORDER BY kind, id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (kind, id, scope): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if keep(&EntityRef::new(kind.as_str(), id.as_str()), &scope) {
            h.update(b"E");
            Record(&mut h).text(&kind).text(&id).text(&scope);
        }
    }

    let mut stmt = conn.prepare(&format!(
        "SELECT t.kind, t.id, e.scope, t.field, t.origin, t.seq, t.hlc, o.change
             FROM oplog_fields t JOIN ops o ON o.origin = t.origin AND o.seq = t.seq
             {visible} AND t.live = 1
             ORDER BY t.kind, t.id, t.field, t.hlc, t.origin, t.seq"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (kind, id, scope): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if keep(&EntityRef::new(kind.as_str(), id.as_str()), &scope) {
            h.update(b"F");
            Record(&mut h)
                .text(&kind)
                .text(&id)
                .text(&r.get::<_, String>(3)?)
                .text(&r.get::<_, String>(4)?)
                .int(r.get(5)?)
                .int(r.get(6)?)
                .text(&r.get::<_, String>(7)?);
        }
    }

    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT t.kind, t.id, e.scope, t.set_name, t.element
             FROM oplog_set_elems t {visible} AND t.live = 1
             ORDER BY t.kind, t.id, t.set_name, t.element"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (kind, id, scope): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if keep(&EntityRef::new(kind.as_str(), id.as_str()), &scope) {
            h.update(b"S");
            Record(&mut h)
                .text(&kind)
                .text(&id)
                .text(&r.get::<_, String>(3)?)
                .text(&r.get::<_, String>(4)?);
        }
    }

    let mut stmt = conn.prepare(&format!(
        "SELECT t.kind, t.id, e.scope, t.log, t.hlc, t.origin, t.seq, o.author, o.change
             FROM oplog_log_entries t JOIN ops o ON o.origin = t.origin AND o.seq = t.seq
             {visible}
             ORDER BY t.kind, t.id, t.log, t.hlc, t.origin, t.seq"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (kind, id, scope): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if keep(&EntityRef::new(kind.as_str(), id.as_str()), &scope) {
            h.update(b"L");
            Record(&mut h)
                .text(&kind)
                .text(&id)
                .text(&r.get::<_, String>(3)?)
                .int(r.get(4)?)
                .text(&r.get::<_, String>(5)?)
                .int(r.get(6)?)
                .text(&r.get::<_, String>(7)?)
                .text(&r.get::<_, String>(8)?);
        }
    }
    Ok(h.finalize().to_hex().to_string())
}
