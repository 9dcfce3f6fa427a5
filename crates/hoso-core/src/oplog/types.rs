//! The op-log's value types and their stable JSON form (see the module docs in `mod.rs`).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// Identifies one operation everywhere: the office that wrote it and that office's sequence
/// number (1, 2, 3, … per origin, never reused).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OpId {
    pub origin: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub seq: u64,
}

impl OpId {
    pub fn new(origin: impl Into<String>, seq: u64) -> Self {
        OpId {
            origin: origin.into(),
            seq,
        }
    }
}

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.origin, self.seq)
    }
}

/// The clock tolerance (one day). A remote time more than this far ahead of our wall clock is
/// accepted but not adopted by the local clock (and its origin is flagged), and a local op is
/// never stamped more than this far ahead of our wall clock (see [`Hlc::tick`]), so one
/// workstation with a wrong clock cannot drag every office's timestamps into the future.
pub const MAX_CLOCK_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// Largest physical time an HLC may carry: 2^47 - 1 ms (year ~6400), so that (ms, counter) packs
/// into one SQLite integer that sorts like the pair.
pub const HLC_MAX_MS: u64 = (1 << 47) - 1;

/// Hybrid logical clock: wall-clock milliseconds since the Unix epoch plus a counter that orders
/// events within (or behind) the same millisecond. Ordered by (ms, counter).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Hlc {
    pub ms: u64,
    pub counter: u16,
}

/// The result of [`Hlc::observe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The clock after the observation.
    pub clock: Hlc,
    /// The remote time was more than [`MAX_CLOCK_AHEAD_MS`] ahead of `now`: it was not adopted
    /// and the UI should warn about that origin's clock.
    pub remote_ahead: bool,
}

impl Hlc {
    pub fn new(ms: u64, counter: u16) -> Self {
        Hlc { ms, counter }
    }

    /// The smallest time strictly after `self`.
    fn successor(self) -> Hlc {
        match self.counter.checked_add(1) {
            Some(counter) => Hlc {
                ms: self.ms,
                counter,
            },
            // Counter exhausted: borrow the next millisecond rather than wrap.
            None => Hlc {
                ms: self.ms + 1,
                counter: 0,
            },
        }
    }

    /// A new timestamp for a local event at wall time `now_ms`: equal to `(now_ms, 0)` whenever
    /// the wall clock is ahead of the logical one, else strictly after `self`, but never more
    /// than [`MAX_CLOCK_AHEAD_MS`] ahead of `now_ms`. A logical clock already beyond that cap
    /// (dragged there by a wrong workstation clock, since corrected) restarts at the wall clock,
    /// not at the cap: restarting at the cap would stamp every op of the next day a day ahead,
    /// judging a former lead's edits made before a transfer as made after it. The new op then
    /// orders *before* the earlier far-ahead ones in (hlc, origin, seq). Field writes
    /// still supersede them, because each write names the writes it replaces; only concurrent
    /// writes and log entries order by the clock (see the module docs, "Clock").
    pub fn tick(self, now_ms: u64) -> Hlc {
        let now = now_ms.min(HLC_MAX_MS);
        if now > self.ms {
            return Hlc {
                ms: now,
                counter: 0,
            };
        }
        let cap = now.saturating_add(MAX_CLOCK_AHEAD_MS).min(HLC_MAX_MS);
        if self.ms > cap {
            return Hlc {
                ms: now,
                counter: 0,
            };
        }
        let next = self.successor();
        if next.ms > cap {
            // Counter exhausted at the cap: stay there (ties order by origin and seq).
            Hlc {
                ms: cap,
                counter: u16::MAX,
            }
        } else {
            next
        }
    }

    /// Merge a remote timestamp seen at wall time `now_ms`: the clock becomes max(local, remote),
    /// so the next [`tick`](Self::tick) orders after everything seen ("max + 1"). A remote time
    /// far ahead of `now_ms` is not adopted (the clock keeps its own physical time) and is
    /// reported in [`Observed::remote_ahead`]; causality with such an op is still kept because
    /// later writes name the writes they replace (see `Change::Put::replaces`).
    pub fn observe(self, remote: Hlc, now_ms: u64) -> Observed {
        let remote_ahead = remote.ms > now_ms.saturating_add(MAX_CLOCK_AHEAD_MS);
        let clock = if remote_ahead { self } else { self.max(remote) };
        Observed {
            clock,
            remote_ahead,
        }
    }

    /// (ms, counter) packed into one integer that sorts like the pair (storage form).
    pub fn to_packed(self) -> i64 {
        ((self.ms << 16) | u64::from(self.counter)) as i64
    }

    pub fn from_packed(v: i64) -> Hlc {
        let v = v as u64;
        Hlc {
            ms: v >> 16,
            counter: (v & 0xFFFF) as u16,
        }
    }

    pub(crate) fn validate(self) -> Result<()> {
        if self.ms > HLC_MAX_MS {
            return Err(Error::invalid(
                "hlc",
                format!("time {} ms is out of range", self.ms),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:05}", self.ms, self.counter)
    }
}

/// What an operation is about: an entity kind the domain defines ("case", "subject", …) and the
/// entity's id. The engine treats both as opaque strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: String,
    pub id: String,
}

impl EntityRef {
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        EntityRef {
            kind: kind.into(),
            id: id.into(),
        }
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

/// The unit sync scopes and signs by ("case:<id>", "plan:<id>", "subject:<id>", "ref",
/// "denouncer:<case id>"); opaque to the engine.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScopeUnit(pub String);

impl ScopeUnit {
    pub fn new(s: impl Into<String>) -> Self {
        ScopeUnit(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ScopeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One change to one entity. JSON: internally tagged by `"type"` (`"create"`, `"put"`, `"add"`,
/// `"remove"`, `"append"`, `"delete"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// The entity exists from now on (until a `Delete`). Ops on an entity whose `Create` is not
    /// known yet are kept and take effect when it arrives.
    Create,
    /// Write a field (multi-value register). `replaces` = the surviving writes of this field the
    /// writer saw (sorted); a write survives until some known write replaces it.
    Put {
        field: String,
        value: Value,
        #[serde(default)]
        replaces: Vec<OpId>,
    },
    /// Add an element to an add-wins set; this op's id is the add's tag.
    Add { set: String, element: Value },
    /// Remove an element: cancels exactly the adds (tags) the writer had seen (sorted).
    Remove {
        set: String,
        element: Value,
        #[serde(default)]
        observed: Vec<OpId>,
    },
    /// Append an entry to an append-only log, ordered by (hlc, origin, seq).
    Append { log: String, entry: Value },
    /// Tombstone: the entity is hidden for good; its ops are kept.
    Delete,
}

/// One operation, the unit sync carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub id: OpId,
    pub hlc: Hlc,
    /// Login of the officer who made the change.
    pub author: String,
    /// Transaction id, unique per origin: the seq of the transaction's first op. Ops of one
    /// transaction have consecutive seqs.
    pub txn: u64,
    pub scope: ScopeUnit,
    pub entity: EntityRef,
    pub change: Change,
}

impl Op {
    /// The canonical JSON text of this op: object keys sorted bytewise, no whitespace, arrays
    /// in their given order. A pure function of the value, so every office produces the same
    /// bytes for the same op (sign and hash this, not an arbitrary serialisation).
    pub fn canonical_json(&self) -> String {
        super::canon::to_canonical(&serde_json::to_value(self).expect("op serialises"))
    }

    /// Checks an op received from elsewhere before it is stored.
    pub(crate) fn validate(&self) -> Result<()> {
        fn non_empty(what: &str, s: &str) -> Result<()> {
            if s.is_empty() {
                return Err(Error::invalid(what, "must not be empty"));
            }
            Ok(())
        }
        non_empty("op origin", &self.id.origin)?;
        if self.id.seq == 0 || self.id.seq > i64::MAX as u64 {
            return Err(Error::invalid(
                "op seq",
                format!("{} is out of range", self.id.seq),
            ));
        }
        if self.txn > self.id.seq {
            return Err(Error::invalid(
                "op txn",
                format!("txn {} is after op {}", self.txn, self.id),
            ));
        }
        self.hlc.validate()?;
        non_empty("op author", &self.author)?;
        non_empty("op scope", self.scope.as_str())?;
        non_empty("entity kind", &self.entity.kind)?;
        non_empty("entity id", &self.entity.id)?;
        match &self.change {
            Change::Put {
                field, replaces, ..
            } => {
                non_empty("field name", field)?;
                check_ids(replaces)
            }
            Change::Add { set, .. } => non_empty("set name", set),
            Change::Remove { set, observed, .. } => {
                non_empty("set name", set)?;
                check_ids(observed)
            }
            Change::Append { log, .. } => non_empty("log name", log),
            Change::Create | Change::Delete => Ok(()),
        }?;
        if let Some(n) = self.change.non_integer() {
            return Err(Error::invalid(
                self.change.value_name(),
                format!(
                    "{n} is not a whole number: the register stores only whole numbers and \
                     text (write fractions and amounts as text)"
                ),
            ));
        }
        Ok(())
    }
}

impl Change {
    /// The first number in the change's value, element or entry that is not an integer in the
    /// i64/u64 range (a float, `-0`, an exponent, or an integer too large), if any. The format
    /// carries only integers: a float does not survive re-serialising, so the signed bytes of
    /// a segment holding one could not be rebuilt for relaying (see `bundle::segment`).
    pub fn non_integer(&self) -> Option<&serde_json::Number> {
        match self {
            Change::Put { value, .. } => super::canon::non_integer(value),
            Change::Add { element, .. } | Change::Remove { element, .. } => {
                super::canon::non_integer(element)
            }
            Change::Append { entry, .. } => super::canon::non_integer(entry),
            Change::Create | Change::Delete => None,
        }
    }

    /// What the change's value is called in an error message ("value of field `status`").
    fn value_name(&self) -> String {
        match self {
            Change::Put { field, .. } => format!("value of field `{field}`"),
            Change::Add { set, .. } | Change::Remove { set, .. } => {
                format!("element of set `{set}`")
            }
            Change::Append { log, .. } => format!("entry of log `{log}`"),
            Change::Create | Change::Delete => "operation".into(),
        }
    }
}

/// What a change writes, for messages: the field, set or log name (`create`, `delete` else).
pub fn change_target(change: &Change) -> String {
    match change {
        Change::Create => "create".into(),
        Change::Delete => "delete".into(),
        Change::Put { field, .. } => field.clone(),
        Change::Add { set, .. } | Change::Remove { set, .. } => set.clone(),
        Change::Append { log, .. } => log.clone(),
    }
}

fn check_ids(ids: &[OpId]) -> Result<()> {
    for id in ids {
        if id.origin.is_empty() || id.seq == 0 || id.seq > i64::MAX as u64 {
            return Err(Error::invalid(
                "op reference",
                format!("{id} is not a valid op id"),
            ));
        }
    }
    Ok(())
}
