//! Rollback safety (DESIGN "Authority"): a register restored from a copy (or a new register of
//! an office whose old one was lost) would reuse bundle and op sequences its peers already hold
//! with other content. Acknowledgements name bundle ids, so a peer's acknowledgement of a bundle
//! this register never wrote cannot mark new work as delivered; it moves the bundle sequence
//! past it instead. A peer that holds more of this office's own ops than this register (its
//! version vector), holds an op of ours under a sequence this register used only after the
//! newest bundle a peer acknowledged, or acknowledges a bundle it never wrote while this register
//! holds ops of its own that peers may hold with other content, shows the register is behind
//! (or, rarely, a province relayed our ops before the central office acknowledged them: then the
//! recovery brings back identical ops and writing resumes): writing waits
//! ([`Error::RegisterRestored`]) until the office's own history is back (the central office's
//! `--full` export carries it). An op of ours arriving with content other than ours under the
//! same sequence sets our ops from that sequence on aside (written after the copy was taken).
//! Once the history is back, the set-aside ops are written again under fresh sequences,
//! after everything peers hold, and a case number they reuse is replaced by a fresh one.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::bundle::Manifest;
use crate::error::{Error, Result};
use crate::oplog::{self, Change, Op, OpId, Projector, now_ms};
use crate::register::{DomainProjector, Register};

/// Why this register may not write, for `hoso sync status` and the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecoveryNeeded {
    /// This office.
    pub office: String,
    /// The office whose bundle showed it.
    pub peer: String,
    /// The highest of this office's change numbers its peers hold.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub theirs: u64,
    /// The highest this register holds.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub held: u64,
    /// Changes written here that wait to be written again under fresh numbers.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub set_aside: u64,
    pub detected_at: String,
}

impl RecoveryNeeded {
    pub fn error(&self) -> Error {
        Error::RegisterRestored {
            office: self.office.clone(),
            peer: self.peer.clone(),
            theirs: self.theirs,
            held: self.held,
        }
    }
}

impl Register {
    /// `Some` while writing waits for this office's own history (see the module docs).
    pub fn sync_recovery(&self) -> Result<Option<RecoveryNeeded>> {
        recovery_needed(self.store().conn(), &self.session_info().office)
    }
}

pub(crate) fn recovery_needed(conn: &Connection, me: &str) -> Result<Option<RecoveryNeeded>> {
    let row = conn
        .query_row(
            "SELECT detected_at, peer, their_seq, held_seq FROM sync_recovery
             WHERE id = 0 AND detected_at IS NOT NULL",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((detected_at, peer, theirs, held)) = row else {
        return Ok(None);
    };
    let set_aside: i64 =
        conn.query_row("SELECT count(*) FROM oplog_set_aside", [], |r| r.get(0))?;
    Ok(Some(RecoveryNeeded {
        office: me.to_string(),
        peer,
        theirs: theirs as u64,
        held: held as u64,
        set_aside: set_aside as u64,
        detected_at,
    }))
}

/// Refuses a local write while the register waits for its own history.
pub(crate) fn check_writable(conn: &Connection, me: &str) -> Result<()> {
    match recovery_needed(conn, me)? {
        Some(r) => Err(r.error()),
        None => Ok(()),
    }
}

/// The next sequence for a bundle of ours: past every one written here and every one a peer
/// acknowledged that this register did not write.
pub(crate) fn next_bundle_sequence(conn: &Connection) -> Result<u64> {
    conn.query_row(
        "SELECT max((SELECT coalesce(max(sequence), 0) FROM sync_sent),
                    (SELECT bundle_floor FROM sync_recovery WHERE id = 0)) + 1",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
    .map_err(Error::from)
}

/// What a peer's manifest acknowledges of our bundles.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ack {
    /// The sequence of a bundle this register wrote (by id; by sequence for senders that name
    /// no ids).
    pub known: Option<u64>,
    /// The sequence of a bundle this register did not write.
    pub unknown: Option<u64>,
}

pub(crate) fn resolve_ack(conn: &Connection, m: &Manifest, me: &str) -> Result<Ack> {
    let seq = m.acknowledged.get(me).copied().filter(|s| *s > 0);
    if let Some(id) = m.acknowledged_bundles.get(me) {
        let ours: Option<i64> = conn
            .query_row(
                "SELECT sequence FROM sync_sent WHERE bundle_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        return Ok(match ours {
            Some(s) => Ack {
                known: Some(s as u64),
                unknown: None,
            },
            None => Ack {
                known: None,
                unknown: Some(seq.unwrap_or(0)),
            },
        });
    }
    let Some(seq) = seq else {
        return Ok(Ack::default());
    };
    let max_sent: i64 = conn.query_row(
        "SELECT coalesce(max(sequence), 0) FROM sync_sent",
        [],
        |r| r.get(0),
    )?;
    Ok(if seq as i64 <= max_sent {
        Ack {
            known: Some(seq),
            unknown: None,
        }
    } else {
        Ack {
            known: None,
            unknown: Some(seq),
        }
    })
}

/// The highest of our own op sequences stored here.
fn held(conn: &Connection, me: &str) -> Result<u64> {
    let v: Option<i64> =
        conn.query_row("SELECT max(seq) FROM ops WHERE origin = ?1", [me], |r| {
            r.get(0)
        })?;
    Ok(v.unwrap_or(0) as u64)
}

/// The highest of our own op sequences any peer showed it holds (its last version vector),
/// and the one noted when the recovery began.
fn claimed(conn: &Connection, me: &str) -> Result<u64> {
    let path = format!("$.\"{me}\"");
    let peers: Option<i64> = conn.query_row(
        "SELECT max(json_extract(their_vector, ?1)) FROM sync_peers",
        [&path],
        |r| r.get(0),
    )?;
    let noted: Option<i64> = conn.query_row(
        "SELECT their_seq FROM sync_recovery WHERE id = 0",
        [],
        |r| r.get(0),
    )?;
    Ok(peers.unwrap_or(0).max(noted.unwrap_or(0)).max(0) as u64)
}

/// Before a bundle's changes are applied: what its manifest shows of our own history. A
/// sequence acknowledged that we did not write moves our bundle sequence past it. A peer holding
/// ops of ours we lack, or acknowledging a bundle we did not write while we hold ops of ours it
/// may hold with other content (written after the newest bundle of ours a peer acknowledged),
/// pauses writing until our own history comes back.
pub(crate) fn before_apply(
    tx: &Connection,
    me: &str,
    peer: &str,
    theirs: u64,
    ack: Ack,
) -> Result<()> {
    if let Some(s) = ack.unknown {
        tx.execute(
            "UPDATE sync_recovery SET bundle_floor = max(bundle_floor, ?1) WHERE id = 0",
            [s as i64],
        )?;
    }
    let held_now = held(tx, me)?;
    let flagged = recovery_needed(tx, me)?.is_some();
    // Our own ops no peer acknowledged holding as we wrote them: stored here after the newest
    // bundle of ours a peer acknowledged (by an id we know).
    let cutoff: i64 = tx.query_row(
        "SELECT coalesce(max(cutoff), 0) FROM sync_sent
             WHERE sequence IN (SELECT acked_sequence FROM sync_peers) OR sequence = ?1",
        [ack.known.unwrap_or(0) as i64],
        |r| r.get(0),
    )?;
    let not_from_here = holds_what_we_wrote_later(tx, me, theirs, cutoff)?;
    if !(flagged || ack.unknown.is_some() || theirs > held_now || not_from_here) {
        return Ok(());
    }
    let claimed = claimed(tx, me)?.max(theirs);
    let first: Option<i64> = tx.query_row(
        "SELECT min(seq) FROM ops WHERE origin = ?1 AND via IS NULL AND arrival > ?2",
        params![me, cutoff],
        |r| r.get(0),
    )?;
    let uncertain = ack.unknown.is_some() && first.is_some_and(|f| f as u64 <= claimed);
    if flagged || held_now < claimed || uncertain || not_from_here {
        pause(tx, peer, claimed, held_now)?;
    }
    // A local write never takes a sequence a peer may hold.
    tx.execute(
        "INSERT INTO oplog_local_seq(origin, next_seq) VALUES (?1, ?2)
         ON CONFLICT(origin) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)",
        params![me, claimed as i64 + 1],
    )?;
    Ok(())
}

/// Whether the peer holds our op `theirs` although this register wrote its op of that sequence
/// after the newest bundle of ours any peer acknowledged (`cutoff`): the peer's came from
/// another copy of this register (restored before it was written, which then wrote again under
/// the same sequence, possibly sending it in bundles the peer refused). Sequences and arrivals
/// of local writes grow together, so the newest op the peer claims is enough to look at.
fn holds_what_we_wrote_later(tx: &Connection, me: &str, theirs: u64, cutoff: i64) -> Result<bool> {
    if theirs == 0 {
        return Ok(false);
    }
    let later: Option<bool> = tx
        .query_row(
            "SELECT via IS NULL AND arrival > ?3 FROM ops WHERE origin = ?1 AND seq = ?2",
            params![me, theirs as i64, cutoff],
            |r| r.get(0),
        )
        .optional()?;
    Ok(later.unwrap_or(false))
}

fn pause(tx: &Connection, peer: &str, claimed: u64, held: u64) -> Result<()> {
    tx.execute(
        "UPDATE sync_recovery SET
           detected_at = coalesce(detected_at, ?1), peer = coalesce(peer, ?2),
           their_seq = max(coalesce(their_seq, 0), ?3), held_seq = ?4,
           returned_seq = iif(detected_at IS NULL, 0, returned_seq)
         WHERE id = 0",
        params![super::now_text(), peer, claimed as i64, held as i64],
    )?;
    Ok(())
}

/// Ops of ours arriving in a bundle (a peer's full export) while writing is paused. One whose
/// sequence we hold with other content shows that our ops from that sequence on were written
/// after the copy was taken: they go aside (to be written again under fresh sequences). Returns the
/// highest sequence among them (how far our own history came back).
pub(crate) fn receive_own(tx: &Connection, me: &str, ops: &[Op]) -> Result<u64> {
    let highest = ops.iter().map(|o| o.id.seq).max().unwrap_or(0);
    // Only a register that knows it is behind sets anything aside; elsewhere an op known with
    // other content refuses the bundle, as always.
    if recovery_needed(tx, me)?.is_none() {
        return Ok(highest);
    }
    for op in ops {
        let Some(stored) = oplog::op(tx, &op.id)? else {
            continue;
        };
        if stored.canonical_json() == op.canonical_json() {
            continue;
        }
        let ids: Vec<OpId> = {
            let mut stmt = tx.prepare(
                "SELECT seq FROM ops WHERE origin = ?1 AND via IS NULL AND seq >= ?2
                     ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![me, op.id.seq as i64], |r| r.get::<_, i64>(0))?;
            rows.map(|s| s.map(|s| OpId::new(me, s as u64)))
                .collect::<rusqlite::Result<_>>()?
        };
        set_aside(tx, &ids)?;
    }
    Ok(highest)
}

/// Moves our ops `ids` out of the log into `oplog_set_aside`, out of the merged state.
fn set_aside(tx: &Connection, ids: &[OpId]) -> Result<()> {
    let (removed, units, entities) = oplog::aside::take_out(tx, ids)?;
    let mut stmt =
        tx.prepare_cached("INSERT OR REPLACE INTO oplog_set_aside(seq, op) VALUES (?1, ?2)")?;
    for op in &removed {
        stmt.execute(params![
            op.id.seq as i64,
            serde_json::to_string(op).expect("op serialises")
        ])?;
    }
    let mut touched: BTreeSet<_> = entities;
    touched.extend(DomainProjector.settle(tx, &units)?);
    for e in &touched {
        DomainProjector.project(tx, e)?;
    }
    Ok(())
}

/// After a bundle's changes are applied (and the sender's version vector recorded): once this
/// register holds every op of ours its peers hold, and bundles brought our own history back up
/// to the highest of them (so that every op of ours a peer may hold with other content was
/// compared), the set-aside ops are written again under fresh sequences and writing resumes. Returns whether it resumed with this import.
pub(crate) fn after_apply(tx: &Connection, me: &str, brought_back: u64) -> Result<bool> {
    if recovery_needed(tx, me)?.is_none() {
        return Ok(false);
    }
    let held_now = held(tx, me)?;
    let claimed = claimed(tx, me)?;
    let returned: i64 = tx.query_row(
        "SELECT coalesce(returned_seq, 0) FROM sync_recovery WHERE id = 0",
        [],
        |r| r.get(0),
    )?;
    let returned = (returned as u64).max(brought_back);
    if held_now < claimed || returned < claimed {
        tx.execute(
            "UPDATE sync_recovery SET held_seq = ?1, their_seq = ?2, returned_seq = ?3
             WHERE id = 0",
            params![held_now as i64, claimed as i64, returned as i64],
        )?;
        return Ok(false);
    }
    let counter: Option<i64> = tx
        .query_row(
            "SELECT next_seq FROM oplog_local_seq WHERE origin = ?1",
            [me],
            |r| r.get(0),
        )
        .optional()?;
    let base = held_now
        .max(claimed)
        .max((counter.unwrap_or(1) as u64).saturating_sub(1));
    reissue(tx, me, base)?;
    tx.execute(
        "UPDATE sync_recovery SET detected_at = NULL, peer = NULL, their_seq = NULL,
           held_seq = NULL, returned_seq = NULL WHERE id = 0",
        [],
    )?;
    Ok(true)
}

/// Writes the set-aside ops again as ops numbered from `base + 1` (a transaction keeps its ops
/// together and in order), naming each other by their new ids; drops those that came back
/// unchanged. A case number another case now holds is replaced by the office's next one.
fn reissue(tx: &Connection, me: &str, base: u64) -> Result<()> {
    let aside: Vec<Op> = {
        let mut stmt = tx.prepare("SELECT op FROM oplog_set_aside ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            let text = r?;
            out.push(
                serde_json::from_str::<Op>(&text)
                    .map_err(|e| Error::Storage(format!("an op set aside does not decode: {e}")))?,
            );
        }
        out
    };
    tx.execute("DELETE FROM oplog_set_aside", [])?;
    let mut again: Vec<Op> = Vec::new();
    for op in aside {
        let back = oplog::op(tx, &op.id)?;
        if back.is_some_and(|b| b.canonical_json() == op.canonical_json()) {
            continue;
        }
        again.push(op);
    }
    if again.is_empty() {
        return Ok(());
    }
    let mut seqs: BTreeMap<u64, u64> = BTreeMap::new();
    let mut txns: BTreeMap<u64, u64> = BTreeMap::new();
    let mut next = base + 1;
    for op in &again {
        seqs.insert(op.id.seq, next);
        txns.entry(op.txn).or_insert(next);
        next += 1;
    }
    let renumber = |id: &OpId| -> OpId {
        match seqs.get(&id.seq) {
            Some(s) if id.origin == me => OpId::new(me, *s),
            _ => id.clone(),
        }
    };
    let mut numbers = CaseNumbers::default();
    let mut ops = Vec::with_capacity(again.len());
    for mut op in again {
        op.id = OpId::new(me, seqs[&op.id.seq]);
        op.txn = txns[&op.txn];
        match &mut op.change {
            Change::Put {
                field,
                value,
                replaces,
            } => {
                for r in replaces.iter_mut() {
                    *r = renumber(r);
                }
                if op.entity.kind == "case"
                    && field == "number"
                    && let Some(n) = value.as_str()
                    && let Some(fresh) = numbers.fresh_if_taken(tx, n, &op.entity.id)?
                {
                    *value = fresh.into();
                }
            }
            Change::Remove { observed, .. } => {
                for t in observed.iter_mut() {
                    *t = renumber(t);
                }
            }
            _ => {}
        }
        ops.push(op);
    }
    oplog::apply_remote_in(tx, ops, &DomainProjector, now_ms())?;
    tx.execute(
        "INSERT INTO oplog_local_seq(origin, next_seq) VALUES (?1, ?2)
         ON CONFLICT(origin) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)",
        params![me, next as i64],
    )?;
    Ok(())
}

/// Case numbers handed out while writing set-aside cases again.
#[derive(Default)]
struct CaseNumbers {
    given: HashSet<String>,
}

impl CaseNumbers {
    /// A fresh number (`PREFIX-YEAR-NNNN`, past every number of that prefix) when `number` is
    /// held by another case or was already handed out here; `None` when it is free.
    fn fresh_if_taken(
        &mut self,
        conn: &Connection,
        number: &str,
        case: &str,
    ) -> Result<Option<String>> {
        let taken: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM cases WHERE number = ?1 AND id != ?2)",
            params![number, case],
            |r| r.get(0),
        )?;
        if !taken && !self.given.contains(number) {
            self.given.insert(number.to_string());
            return Ok(None);
        }
        let Some((prefix, _)) = number.rsplit_once('-') else {
            return Ok(None);
        };
        let prefix = format!("{prefix}-");
        let max: Option<i64> = conn.query_row(
            "SELECT max(CAST(substr(number, ?2) AS INTEGER)) FROM cases
                 WHERE substr(number, 1, ?3) = ?1",
            params![prefix, prefix.len() as i64 + 1, prefix.len() as i64],
            |r| r.get(0),
        )?;
        let mut n = max.unwrap_or(0) + 1;
        loop {
            let candidate = format!("{prefix}{n:04}");
            if !self.given.contains(&candidate) {
                self.given.insert(candidate.clone());
                return Ok(Some(candidate));
            }
            n += 1;
        }
    }
}

/// A peer's newer bundle acknowledging an older bundle of ours than it did before lost what it
/// had imported since (its register was restored from a copy): nothing it acknowledged since
/// counts any more, so the next export sends it everything in its scope again.
pub(crate) fn peer_went_back(tx: &Connection, peer: &str, ack: Option<u64>) -> Result<()> {
    let before: Option<i64> = tx
        .query_row(
            "SELECT acked_sequence FROM sync_peers WHERE office = ?1",
            [peer],
            |r| r.get(0),
        )
        .optional()?;
    let now = ack.unwrap_or(0) as i64;
    if before.is_some_and(|b| now < b) {
        tx.execute(
            "UPDATE sync_units SET acked_cutoff = 0 WHERE peer = ?1",
            [peer],
        )?;
        tx.execute(
            "UPDATE sync_peers SET acked_sequence = ?2 WHERE office = ?1",
            params![peer, now],
        )?;
    }
    Ok(())
}
