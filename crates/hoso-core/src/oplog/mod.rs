//! The operation log: every change to the register is an [`Op`]; the merged state is a pure
//! function of the SET of known ops (commutative, associative, idempotent), so offices that have
//! seen the same ops hold the same state whatever the order. Generic: entity kinds, fields, sets
//! and logs are strings the domain chooses.
//!
//! # Public API (helper E; the domain and sync build on it)
//! Types ([`types`]): `OpId { origin, seq }`, `Hlc { ms, counter }` (`tick(now_ms)`,
//! `observe(remote, now_ms) -> Observed { clock, remote_ahead }`, `to_packed`/`from_packed`),
//! `EntityRef { kind, id }`, `ScopeUnit(String)`, `Change::{Create, Put { field, value,
//! replaces }, Add { set, element }, Remove { set, element, observed }, Append { log, entry },
//! Delete}`, `Op { id, hlc, author, txn, scope, entity, change }`, `Op::canonical_json()`.
//!
//! Writing ([`Txn`], one SQL transaction; nothing is written unless `commit` succeeds):
//! - `Txn::begin(conn: &mut Connection, origin: &str, author: &str) -> Result<Txn>`
//!   (`begin_at(.., now_ms)` with an explicit wall clock)
//! - `txn.create(&scope, &entity) -> Result<OpId>` (error if it exists or was deleted)
//! - `txn.put(&scope, &entity, field, value: impl Into<Value>) -> Result<OpId>` (replaces every
//!   surviving write: a put is also how a conflict is resolved)
//! - `txn.add(&scope, &entity, set, element) -> Result<OpId>`
//! - `txn.remove(&scope, &entity, set, element) -> Result<Option<OpId>>` (None: not a member)
//! - `txn.append(&scope, &entity, log, entry) -> Result<OpId>`
//! - `txn.delete(&scope, &entity) -> Result<OpId>`
//! - `txn.tx() -> &rusqlite::Connection` (read merged state, write audit rows in the same
//!   transaction), `txn.ops()`, `txn.origin()`, `txn.author()`
//! - `txn.commit(&dyn Projector) -> Result<Vec<Op>>`: projects every touched entity, commits.
//!   Writes through `Txn` require the entity to be visible (created, not deleted), else
//!   `Error::NotFound { entity: "entity", .. }`.
//!
//! Reading merged state (any `&Connection`, also `&Transaction`; hidden entities read as empty):
//! - `entity_exists(conn, &entity) -> Result<bool>`, `entities_of_kind(conn, kind) ->
//!   Result<Vec<String>>` (sorted bytewise)
//! - `field(conn, &entity, field) -> Result<Option<FieldState>>`, `fields(conn, &entity) ->
//!   Result<BTreeMap<String, FieldState>>`; `FieldState { value, op, hlc, concurrent:
//!   Vec<(OpId, Value)> }` (concurrent non-empty = a conflict the domain may surface)
//! - `set_members(conn, &entity, set) -> Result<Vec<Value>>` (sorted by canonical JSON)
//! - `log_entries(conn, &entity, log) -> Result<Vec<LogEntry>>` in (hlc, origin, seq) order
//! - `conflicts(conn) -> Result<Vec<(EntityRef, String)>>`; `op(conn, &OpId) ->
//!   Result<Option<Op>>`; `clock_ahead_origins(conn) -> Result<Vec<ClockAhead>>`
//!
//! Sync-facing:
//! - `apply_remote(conn: &mut Connection, ops, &dyn Projector) -> Result<ApplyReport>` (own
//!   transaction) and `apply_remote_in(tx: &Connection, ops, &dyn Projector, now_ms)` (inside
//!   the caller's transaction, e.g. with the bundle bookkeeping and the audit entry).
//!   `ApplyReport { new_ops, known_ops, entities_touched, created, updated, removed (per kind),
//!   conflicts: Vec<(EntityRef, String)>, clock_ahead: Vec<String> }`.
//!   An op whose id is known with different content is rejected (`Error::Invalid`).
//! - `version_vector(conn) -> Result<VersionVector>` (= `BTreeMap<origin, highest seq>`; with
//!   scoped exchange there can be gaps below it: export a scope unit's whole history when it
//!   enters a peer's scope, see DESIGN.md)
//! - `ops_since(conn, &vv) -> Result<OpsSince>` (iterator of `Result<Op>`, by origin then
//!   seq, paged: bounded memory), `ops_in_scope(conn, &scope) -> OpsInScope` (the same for one
//!   scope unit)
//! - `digest(conn) -> Result<String>`, `digest_filtered(conn, &dyn Fn(&EntityRef, &str) -> bool)`
//!   (the `&str` is the entity's scope unit): hex BLAKE3 of the canonical merged state.
//!
//! Projection: `trait Projector { fn project(&self, tx: &Connection, entity: &EntityRef) ->
//! Result<()> }`, called once per touched entity (sorted) after merge, inside the transaction.
//! `NoProjection` does nothing; closures `Fn(&Connection, &EntityRef) -> Result<()>` implement it.
//!
//! # Merge rules
//! - Field = multi-value register: a Put survives unless some known Put names it in `replaces`.
//!   The visible value is the survivor with the greatest (hlc, origin, seq); the others are
//!   `concurrent`. Never the import time.
//! - Set = add-wins: an element is present while some Add of it is not named in the `observed`
//!   of a Remove of the same element.
//! - Log = append-only, ordered by (hlc, origin, seq).
//! - Create / Delete: an entity is visible once a Create is known and until a Delete is known
//!   (deletion is final; its ops are kept). Ops that arrive before the Create are stored and
//!   merged; they show when it arrives.
//!
//! # Stable JSON (sync bundles and golden files depend on it; only ever add optional fields)
//! ```json
//! {"author":"an.nv","change":{"field":"status","replaces":[{"origin":"HN","seq":40}],
//!  "type":"put","value":"open"},"entity":{"id":"01J0...","kind":"case"},
//!  "hlc":{"counter":0,"ms":1767225600000},"id":{"origin":"HN","seq":42},"scope":"case:01J0...",
//!  "txn":41}
//! ```
//! `change.type` is one of `create`, `put` (`field`, `value`, `replaces`), `add` (`set`,
//! `element`), `remove` (`set`, `element`, `observed`), `append` (`log`, `entry`), `delete`.
//! Values, elements and entries are any JSON whose numbers are integers (i64/u64 range): a
//! float, `-0` or an exponent is refused by `Txn` writes and by import ([`Change::non_integer`]),
//! because it may not survive re-serialising and a relay must rebuild the signed bytes. `hlc.ms` is Unix milliseconds (at most
//! [`HLC_MAX_MS`]), `hlc.counter` 0..=65535; `txn` is the seq of the transaction's first op.
//! Unknown fields are ignored on decode. [`Op::canonical_json`] gives the canonical bytes (keys
//! sorted bytewise, no whitespace); `canonical_json(&Value)` does the same for any value.
//!
//! # Digest (v1)
//! BLAKE3 over `"hoso-digest-v1\0"` followed by records, each a tag byte and then fields, each
//! field as u64 little-endian length + bytes (integers as 8-byte little-endian):
//! `E kind id scope` for visible entities by (kind, id); `F kind id field origin seq hlc change`
//! for surviving writes by (kind, id, field, hlc, origin, seq); `S kind id set element` for
//! members by (kind, id, set, element); `L kind id log hlc origin seq author change` by (kind,
//! id, log, hlc, origin, seq). `change` is the op's canonical change JSON (it holds the value or
//! entry), `element` canonical JSON; text compares bytewise. Only visible entities; never ops
//! bookkeeping, clocks, key slots, settings or audit.
//!
//! # Clock
//! Local ops get `clock.tick(now)`, never more than [`MAX_CLOCK_AHEAD_MS`] (one day) ahead of
//! the wall clock, even when the stored clock is further ahead (a workstation clock set to 2031
//! and then corrected): the next op restarts at the wall clock. Such an op orders *before* the
//! earlier far-ahead ones by (hlc, origin, seq), which is harmless for fields, because a write
//! names the writes it replaces and so supersedes them whatever their clock; a concurrent
//! write elsewhere still loses to a far-ahead one, and log entries sort by clock. Importing moves the clock to max(local, remote) so the next
//! local op orders after everything seen, except a remote time more than
//! [`MAX_CLOCK_AHEAD_MS`] ahead of our wall clock: that op is accepted (rejecting it would make
//! offices diverge) but not adopted, and its origin is recorded in `clock_ahead_origins` for the
//! UI to warn about. Later local writes still supersede it because they name it in `replaces`
//! (only log entries written after it sort before it until real time catches up).

pub(crate) mod aside;
mod canon;
pub mod effect;
mod merge;
mod read;
mod sync;
mod txn;
pub mod types;

#[cfg(test)]
mod tests;

pub use canon::{to_canonical as canonical_json, write_op as write_canonical_op};
pub use read::{
    ClockAhead, FieldState, LogEntry, clock_ahead_origins, conflicts, entities_of_kind,
    entity_exists, field, fields, log_entries, op, set_members, sets,
};
pub(crate) use read::{OP_COLUMNS, decode_change};
pub use sync::{
    ApplyReport, OpsInScope, OpsSince, VersionVector, apply_remote, apply_remote_in, digest,
    digest_filtered, ops_in_scope, ops_since, version_vector,
};
pub use txn::Txn;
pub use types::{
    Change, EntityRef, HLC_MAX_MS, Hlc, MAX_CLOCK_AHEAD_MS, Observed, Op, OpId, ScopeUnit,
    change_target,
};

/// The op-log tables, part of the store's single initial migration.
pub const SCHEMA: &str = include_str!("../store/schema/oplog.sql");

/// Keeps the domain's query tables (cases, subjects, search index) a pure function of the merged
/// state: called for every entity an operation touched, after merge, inside the same SQL
/// transaction. Read the entity with [`entity_exists`], [`fields`], [`set_members`],
/// [`log_entries`]; an entity that is not visible must be removed from the query tables.
///
/// It is also where the domain's authority rules meet the engine (DESIGN "Authority"): every op,
/// local or imported, passes [`admit`](Projector::admit) before it is stored, and after new ops
/// are merged [`settle`](Projector::settle) decides, per scope unit, which ops have no effect.
pub trait Projector {
    fn project(&self, tx: &rusqlite::Connection, entity: &EntityRef) -> crate::Result<()>;

    /// Refuses an op that no history could authorise: the whole write or import fails.
    fn admit(&self, _tx: &rusqlite::Connection, _op: &Op) -> crate::Result<()> {
        Ok(())
    }

    /// Called once new ops of `units` are merged, before projection: records the ops without
    /// effect (see [`effect::settle_unit`]) and returns the entities whose merged state changed.
    fn settle(
        &self,
        _tx: &rusqlite::Connection,
        _units: &std::collections::BTreeSet<ScopeUnit>,
    ) -> crate::Result<Vec<EntityRef>> {
        Ok(Vec::new())
    }
}

/// A projector that does nothing (tests, tools that only need the op log).
pub struct NoProjection;

impl Projector for NoProjection {
    fn project(&self, _: &rusqlite::Connection, _: &EntityRef) -> crate::Result<()> {
        Ok(())
    }
}

impl<F> Projector for F
where
    F: Fn(&rusqlite::Connection, &EntityRef) -> crate::Result<()>,
{
    fn project(&self, tx: &rusqlite::Connection, entity: &EntityRef) -> crate::Result<()> {
        self(tx, entity)
    }
}

/// The current wall clock in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
