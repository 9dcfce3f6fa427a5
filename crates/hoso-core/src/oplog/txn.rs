//! Local writes: one [`Txn`] = one SQL transaction = one user action.

use std::collections::BTreeSet;

use rusqlite::{
    Connection, OptionalExtension, Savepoint, Transaction, TransactionBehavior, params,
};
use serde_json::Value;

use super::canon::to_canonical;
use super::merge::{apply_op, load_clock};
use super::read::{entity_exists, live_tags, survivor_ids};
use super::types::{Change, EntityRef, Hlc, Op, OpId, ScopeUnit, change_target};
use super::{Projector, now_ms};
use crate::error::{Error, Result};

/// A set of local changes written as ops in one SQL transaction. Each change is merged as it is
/// made, so reads through [`Txn::tx`] see it; dropping the `Txn` without [`commit`](Self::commit)
/// rolls everything back. Inside an open transaction (a batch, see `Register::batch`) it is a
/// savepoint of that transaction instead.
pub struct Txn<'c> {
    tx: Scope<'c>,
    origin: String,
    author: String,
    now_ms: u64,
    clock: Hlc,
    txn: u64,
    next_seq: u64,
    ops: Vec<Op>,
    touched: BTreeSet<EntityRef>,
}

impl<'c> Txn<'c> {
    /// Begins a transaction writing as office `origin` and officer `author`.
    pub fn begin(conn: &'c mut Connection, origin: &str, author: &str) -> Result<Txn<'c>> {
        Self::begin_at(conn, origin, author, now_ms())
    }

    /// As [`begin`](Self::begin) with an explicit wall clock (ms since the Unix epoch).
    pub fn begin_at(
        conn: &'c mut Connection,
        origin: &str,
        author: &str,
        now_ms: u64,
    ) -> Result<Txn<'c>> {
        if origin.is_empty() {
            return Err(Error::invalid("office code", "must not be empty"));
        }
        if author.is_empty() {
            return Err(Error::invalid("author", "must not be empty"));
        }
        let tx = if conn.is_autocommit() {
            // IMMEDIATE: take the write lock now, not on the first write after some reads.
            Scope::Top(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
        } else {
            Scope::Nested(conn.savepoint()?)
        };
        let clock = load_clock(&tx)?;
        let counter: Option<i64> = tx
            .prepare_cached("SELECT next_seq FROM oplog_local_seq WHERE origin = ?1")?
            .query_row([origin], |r| r.get(0))
            .optional()?;
        // Also past every op of ours already stored (e.g. our own ops relayed back after a
        // restore): a seq must never be reused. Usually none lies at or past the counter: one
        // index probe; the max (an aggregate, re-prepared on every run) only when one does.
        let counter = counter.unwrap_or(1);
        let beyond = tx
            .prepare_cached("SELECT 1 FROM ops WHERE origin = ?1 AND seq >= ?2 LIMIT 1")?
            .exists(params![origin, counter])?;
        let stored: Option<i64> = if beyond {
            tx.prepare_cached("SELECT max(seq) FROM ops WHERE origin = ?1")?
                .query_row([origin], |r| r.get(0))?
        } else {
            None
        };
        let next_seq = (counter as u64).max(stored.unwrap_or(0) as u64 + 1);
        Ok(Txn {
            tx,
            origin: origin.to_string(),
            author: author.to_string(),
            now_ms,
            clock,
            txn: next_seq,
            next_seq,
            ops: Vec::new(),
            touched: BTreeSet::new(),
        })
    }

    /// The underlying SQL transaction: read merged state, or write rows that must commit or
    /// roll back together with these ops (audit).
    pub fn tx(&self) -> &Connection {
        &self.tx
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// The ops written so far.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    fn write(&mut self, scope: &ScopeUnit, entity: &EntityRef, change: Change) -> Result<OpId> {
        self.clock = self.clock.tick(self.now_ms);
        let op = Op {
            id: OpId::new(self.origin.clone(), self.next_seq),
            hlc: self.clock,
            author: self.author.clone(),
            txn: self.txn,
            scope: scope.clone(),
            entity: entity.clone(),
            change,
        };
        op.validate()?;
        if !apply_op(&self.tx, &op)? {
            return Err(Error::Storage(format!("op id {} is already used", op.id)));
        }
        self.next_seq += 1;
        self.touched.insert(entity.clone());
        let id = op.id.clone();
        self.ops.push(op);
        Ok(id)
    }

    fn require_visible(&self, entity: &EntityRef) -> Result<()> {
        if entity_exists(&self.tx, entity)? {
            Ok(())
        } else {
            Err(Error::NotFound {
                entity: "entity",
                key: entity.to_string(),
            })
        }
    }

    /// Creates an entity. Error if it is already visible or was deleted (ids are not reused).
    pub fn create(&mut self, scope: &ScopeUnit, entity: &EntityRef) -> Result<OpId> {
        let state: Option<(bool, bool)> = self
            .tx
            .prepare_cached(
                "SELECT created, deleted FROM oplog_entities WHERE kind = ?1 AND id = ?2",
            )?
            .query_row(params![entity.kind, entity.id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        match state {
            Some((_, true)) => Err(Error::invalid("entity", format!("{entity} was deleted"))),
            Some((true, _)) => Err(Error::invalid("entity", format!("{entity} already exists"))),
            _ => self.write(scope, entity, Change::Create),
        }
    }

    /// Writes a field. It replaces every surviving write of that field, so it also resolves a
    /// conflict.
    pub fn put(
        &mut self,
        scope: &ScopeUnit,
        entity: &EntityRef,
        field: &str,
        value: impl Into<Value>,
    ) -> Result<OpId> {
        self.require_visible(entity)?;
        let replaces = survivor_ids(&self.tx, entity, field)?;
        let change = Change::Put {
            field: field.to_string(),
            value: value.into(),
            replaces,
        };
        self.write(scope, entity, change)
    }

    /// Adds an element to a set.
    pub fn add(
        &mut self,
        scope: &ScopeUnit,
        entity: &EntityRef,
        set: &str,
        element: impl Into<Value>,
    ) -> Result<OpId> {
        self.require_visible(entity)?;
        let change = Change::Add {
            set: set.to_string(),
            element: element.into(),
        };
        self.write(scope, entity, change)
    }

    /// Removes an element from a set (the adds seen here; a concurrent add elsewhere wins).
    /// `None` if it was not a member: nothing is written.
    pub fn remove(
        &mut self,
        scope: &ScopeUnit,
        entity: &EntityRef,
        set: &str,
        element: impl Into<Value>,
    ) -> Result<Option<OpId>> {
        self.require_visible(entity)?;
        let element = element.into();
        let observed = live_tags(&self.tx, entity, set, &to_canonical(&element))?;
        if observed.is_empty() {
            return Ok(None);
        }
        let change = Change::Remove {
            set: set.to_string(),
            element,
            observed,
        };
        self.write(scope, entity, change).map(Some)
    }

    /// Appends an entry to a log.
    pub fn append(
        &mut self,
        scope: &ScopeUnit,
        entity: &EntityRef,
        log: &str,
        entry: impl Into<Value>,
    ) -> Result<OpId> {
        self.require_visible(entity)?;
        let change = Change::Append {
            log: log.to_string(),
            entry: entry.into(),
        };
        self.write(scope, entity, change)
    }

    /// Deletes an entity for good (a tombstone; its history is kept).
    pub fn delete(&mut self, scope: &ScopeUnit, entity: &EntityRef) -> Result<OpId> {
        self.require_visible(entity)?;
        self.write(scope, entity, Change::Delete)
    }

    /// Saves the clock, projects every touched entity and commits. Returns the ops written.
    pub fn commit(self, projector: &dyn Projector) -> Result<Vec<Op>> {
        self.settle(projector)?;
        match self.tx {
            Scope::Top(tx) => tx.commit(),
            Scope::Nested(sp) => sp.commit(),
        }?;
        Ok(self.ops)
    }

    /// Everything [`commit`](Self::commit) does except committing: the ops are admitted and the
    /// touched entities projected, then `read` sees the register as it would be, and the
    /// transaction is rolled back. What a preview shows is thus exactly what saving would do.
    pub fn dry_run<T>(
        self,
        projector: &dyn Projector,
        read: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        self.settle(projector)?;
        let out = read(&self.tx)?;
        match self.tx {
            Scope::Top(tx) => tx.rollback(),
            Scope::Nested(mut sp) => sp.rollback(),
        }?;
        Ok(out)
    }

    fn settle(&self, projector: &dyn Projector) -> Result<()> {
        if !self.ops.is_empty() {
            set_clock(&self.tx, self.clock)?;
            self.tx
                .prepare_cached(
                    "INSERT INTO oplog_local_seq(origin, next_seq) VALUES (?1, ?2)
                     ON CONFLICT(origin) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)",
                )?
                .execute(params![self.origin, self.next_seq as i64])?;
        }
        for op in &self.ops {
            projector.admit(&self.tx, op)?;
        }
        let units: BTreeSet<ScopeUnit> = self.ops.iter().map(|o| o.scope.clone()).collect();
        let mut touched = self.touched.clone();
        touched.extend(projector.settle(&self.tx, &units)?);
        // A local write its own office had no authority for is refused, not stored inert.
        for op in &self.ops {
            if let Some(reason) = super::effect::has_no_effect(&self.tx, &op.id)? {
                return Err(Error::OpNotAuthorised {
                    origin: op.id.origin.clone(),
                    entity: op.entity.to_string(),
                    field: change_target(&op.change),
                    reason,
                });
            }
        }
        for entity in &touched {
            projector.project(&self.tx, entity)?;
        }
        Ok(())
    }
}

/// A transaction of its own, or a savepoint inside the caller's; both roll back when dropped.
enum Scope<'c> {
    Top(Transaction<'c>),
    Nested(Savepoint<'c>),
}

impl std::ops::Deref for Scope<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Scope::Top(tx) => tx,
            Scope::Nested(sp) => sp,
        }
    }
}

/// Stores the clock as the last local op left it: later than before, or pulled back to the cap
/// (wall clock + one day, see `Hlc::tick`) when the stored clock had run further ahead, so that
/// the next local write starts from there rather than from the far-ahead time.
fn set_clock(tx: &Connection, clock: Hlc) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO oplog_clock(id, hlc) VALUES (0, ?1)
         ON CONFLICT(id) DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute([clock.to_packed()])?;
    Ok(())
}
