//! `Register::export_bundle`: the delta of each recipient's scope that it has not acknowledged
//! (or everything in scope with `full`), streamed into a signed, encrypted bundle. Stages:
//! [`recipients_of`] → [`select`] (scopes, acknowledgements, scope exits) → per unit, sign
//! ([`own_chunks`]: our changes, signed now; [`relayed_chunks`]: others', as their origin
//! signed them) and encrypt (`PayloadWriter`) → write (`write_bundle`, with
//! [`acknowledgements`]) → [`record_sent`]. Nothing is recorded unless the whole bundle was
//! written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use chrono::{Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::scope::{PeerScope, acked_cutoffs, cases_once_joined, peer_scope};
use super::{Progress, now_text};
use crate::access::Permission;
use crate::authority::{ScopeExit, scope_exit};
use crate::bundle::{ManifestTrust, NewBundle, PayloadWriter, Segment, write_bundle};
use crate::error::{Error, Result};
use crate::oplog::{self, OP_COLUMNS, Op, ScopeUnit};
use crate::register::Register;
use crate::trust::OfficeKeys;
use crate::trust::roster::{
    check_segment, current_certificate, stored_roster, stored_signed_roster,
};

/// How long a bundle may be imported after it was written.
pub const BUNDLE_LIFETIME_DAYS: i64 = 60;

/// What `export_bundle` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportReport {
    pub bundle_id: String,
    pub sender: String,
    pub recipients: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sequence: u64,
    pub created: String,
    pub expires: String,
    pub full: bool,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub operations: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub segments: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub attachments: u64,
    /// Changes of one office on one unit that could not be exported and were left out (the
    /// rest of the bundle is complete; the unit is sent again once it can be).
    pub skipped: Vec<SkippedUnit>,
}

/// The changes of `office` on `unit` left out of a bundle, and why (a stored change that no
/// longer matches what its origin signed, or that holds a number that is not an integer: an
/// older register may hold such a change). Never fatal to the other units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SkippedUnit {
    pub office: String,
    pub unit: String,
    pub reason: String,
}

/// Every op of one origin on one scope unit, in sequence order.
struct Group {
    origin: String,
    scope: String,
    ops: Vec<Stored>,
}

/// An op as stored, its change still the canonical JSON: what the export holds of one origin's
/// wanted ops until their units are flushed (a decoded change takes several times the memory).
struct RawOp {
    seq: i64,
    hlc: i64,
    author: String,
    txn: i64,
    kind: String,
    entity_id: String,
    change: String,
    arrival: i64,
    via: Option<String>,
}

impl RawOp {
    /// From a row of `SELECT {OP_COLUMNS}, arrival, via`.
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawOp> {
        Ok(RawOp {
            seq: row.get(1)?,
            hlc: row.get(2)?,
            author: row.get(3)?,
            txn: row.get(4)?,
            kind: row.get(6)?,
            entity_id: row.get(7)?,
            change: row.get(8)?,
            arrival: row.get(9)?,
            via: row.get(10)?,
        })
    }

    fn decode(self, origin: &str, scope: &str) -> Result<Stored> {
        let change = oplog::decode_change(&self.change)?;
        Ok(Stored {
            op: Op {
                id: oplog::OpId::new(origin, self.seq as u64),
                hlc: oplog::Hlc::from_packed(self.hlc),
                author: self.author,
                txn: self.txn as u64,
                scope: ScopeUnit::new(scope),
                entity: oplog::EntityRef::new(self.kind, self.entity_id),
                change,
            },
            arrival: self.arrival,
            via: self.via,
        })
    }
}

/// An op with its local bookkeeping.
struct Stored {
    op: Op,
    /// Local arrival epoch.
    arrival: i64,
    /// The office whose bundle brought it (None: written here).
    via: Option<String>,
}

/// Our own ops are cut into segments of about this many ops (at transaction boundaries), so
/// that no segment nears the reader's size cap however long a unit's history is.
const MAX_OWN_SEGMENT_OPS: usize = 2000;

impl Register {
    /// Writes a bundle for `to` into `out`. Only ops every recipient may see are included (a
    /// bundle for several offices carries what they share; write one per office for the rest).
    /// Nothing is recorded unless the whole bundle was written.
    pub fn export_bundle(
        &mut self,
        to: &[String],
        full: bool,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ExportReport> {
        self.require(Permission::BundleExport)?;
        let limits = self.bundle_limits().clone();
        let me = self.session_info().office.clone();
        let login = self.session_info().login.clone();
        let recipients = recipients_of(to, &me)?;
        let keys = OfficeKeys::load(self.store().conn())?;
        let tx = self
            .store_mut()
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (root, roster) = stored_roster(&tx)?.ok_or(Error::TrustRootMissing)?;
        let signed_roster = stored_signed_roster(&tx)?.ok_or(Error::TrustRootMissing)?;
        let now = Utc::now();
        let mut age: Vec<String> = vec![keys.age.recipient()];
        for r in &recipients {
            age.push(current_certificate(&roster, r, now)?.age_recipient);
        }
        let Selection {
            scopes,
            acked,
            exits,
        } = select(&tx, &recipients)?;
        let cutoff: i64 = tx.query_row("SELECT n FROM oplog_arrival", [], |r| r.get(0))?;
        tx.execute("UPDATE oplog_arrival SET n = n + 1", [])?;
        // Past every bundle of ours a peer acknowledged, even one this register did not write.
        let sequence = super::recovery::next_bundle_sequence(&tx)?;

        let mut payload = PayloadWriter::new(
            &age.iter().map(String::as_str).collect::<Vec<_>>(),
            &oplog::version_vector(&tx)?,
        )?;
        let mut covered: HashSet<String> = HashSet::new();
        let mut skipped_units: HashSet<String> = HashSet::new();
        // Units that left a recipient's scope and have changes past its exit: withheld, so not
        // recorded as sent (should the case come back into its scope, those changes still go).
        let mut withheld_units: HashSet<String> = HashSet::new();
        let mut sent_blobs: HashSet<String> = HashSet::new();
        let mut done = Progress::default();
        let mut report_attachments = 0u64;
        let mut skipped: Vec<SkippedUnit> = Vec::new();
        // The whole stream stays under the importer's caps too: the decompressed stream, and
        // the file (compression and encryption add a little; a margin covers them).
        let budget = limits.max_decompressed.min(
            limits
                .max_file
                .saturating_sub(limits.max_file / 64 + (1 << 20)),
        );
        let mut written: u64 = 9; // the stream's magic and end marker
        let only_recipient = (recipients.len() == 1).then(|| recipients[0].clone());
        {
            let mut sig_stmt = tx.prepare_cached(
                "SELECT first_txn, last_txn, blake3, minisig FROM segment_signatures
                     WHERE origin = ?1 AND scope = ?2 ORDER BY first_txn, last_txn",
            )?;
            let mut blob_stmt =
                tx.prepare_cached("SELECT content FROM document_blobs WHERE blake3 = ?1")?;
            let mut flush = |g: Group, payload: &mut PayloadWriter| -> Result<()> {
                // In every recipient's scope, or (for one that left it) up to its exit.
                let mut limit: Option<&ScopeExit> = None;
                for (scope, exit) in scopes.iter().zip(&exits) {
                    if scope.contains(&g.scope) {
                        continue;
                    }
                    let Some(e) = exit.get(&g.scope) else {
                        return Ok(());
                    };
                    if limit.is_none_or(|l| e.hlc < l.hlc) {
                        limit = Some(e);
                    }
                }
                let within = |op: &Op| limit.is_none_or(|l| l.covers(op));
                if g.ops.iter().any(|s| !within(&s.op)) {
                    withheld_units.insert(g.scope.clone());
                }
                covered.insert(g.scope.clone());
                // A peer holds its own changes; never send them back to it, except in a full
                // export: what a register restored from a copy (or replaced) recovers them from.
                if !full && only_recipient.as_deref() == Some(g.origin.as_str()) {
                    return Ok(());
                }
                let threshold = if full {
                    0
                } else {
                    acked
                        .iter()
                        .map(|a| a.get(&g.scope).copied().unwrap_or(0))
                        .min()
                        .unwrap_or(0)
                };
                // New to the recipient: stored after its acknowledged cut-off, and not brought
                // here by the (only) recipient itself.
                let new_for_peer = |s: &Stored| {
                    s.arrival > threshold
                        && (full || only_recipient.is_none() || s.via != only_recipient)
                        && within(&s.op)
                };
                if !g.ops.iter().any(new_for_peer) {
                    return Ok(());
                }
                let scope = ScopeUnit::new(g.scope.clone());
                let planned = if g.origin == me {
                    Ok(own_chunks(g.ops, &new_for_peer, &within))
                } else {
                    relayed_chunks(&mut sig_stmt, &roster, &g, &scope, &new_for_peer, &within)?
                };
                // A unit that cannot be exported is reported and left out, never fatal to the
                // others; it is not marked as sent, so it goes again once it can.
                let planned = planned.and_then(|chunks| {
                    match chunks.iter().flat_map(|(ops, _)| ops).find_map(|op| {
                        op.change
                            .non_integer()
                            .map(|n| (op.id.clone(), n.to_string()))
                    }) {
                        Some((id, n)) => Err(format!(
                            "operation {id} holds the number {n}, which is not a whole number \
                             (bundles carry only whole numbers and text)"
                        )),
                        None => Ok(chunks),
                    }
                });
                let chunks = match planned {
                    Ok(chunks) => chunks,
                    Err(reason) => {
                        skipped_units.insert(g.scope.clone());
                        skipped.push(SkippedUnit {
                            office: g.origin.clone(),
                            unit: g.scope.clone(),
                            reason,
                        });
                        return Ok(());
                    }
                };
                for (ops, sig) in chunks {
                    let blobs: Vec<String> = ops.iter().filter_map(document_hash).collect();
                    let n = ops.len() as u64;
                    let segment = Segment {
                        origin: g.origin.clone(),
                        scope: scope.clone(),
                        ops,
                    };
                    let (json, sig) = match sig {
                        None => {
                            segment.check().map_err(|r| Error::invalid("segment", r))?;
                            segment.sign(&keys.signing)?
                        }
                        // Verbatim: the bytes the origin signed, rebuilt and checked above.
                        Some((signed, sig)) => (signed, sig),
                    };
                    // Over the importer's caps: left out and reported; the unit is not
                    // recorded as sent.
                    let mut skip = |what: String, size: usize, limit: u64| {
                        skipped_units.insert(g.scope.clone());
                        skipped.push(SkippedUnit {
                            office: g.origin.clone(),
                            unit: g.scope.clone(),
                            reason: format!(
                                "{what} of {size} bytes is over the importer's limit of {limit} \
                                 bytes"
                            ),
                        });
                    };
                    if json.len() as u64 > u64::from(limits.max_segment) {
                        skip("a change set".into(), json.len(), limits.max_segment.into());
                        continue;
                    }
                    let framed = (json.len() + sig.len() + g.origin.len() + 8) as u64;
                    if written + framed > budget {
                        let what = "a change set, with what the bundle already holds,".into();
                        skip(what, json.len(), budget);
                        continue;
                    }
                    written += framed;
                    payload.push_signed(&g.origin, &json, &sig)?;
                    for hash in blobs {
                        if sent_blobs.contains(&hash) {
                            continue;
                        }
                        let content: Option<Vec<u8>> =
                            blob_stmt.query_row([&hash], |r| r.get(0)).optional()?;
                        if let Some(c) = content {
                            if c.len() as u64 > u64::from(limits.max_segment) {
                                let what = format!("attachment {hash}");
                                skip(what, c.len(), limits.max_segment.into());
                                continue;
                            }
                            if written + c.len() as u64 + 37 > budget {
                                let what = format!(
                                    "attachment {hash}, with what the bundle already holds,"
                                );
                                skip(what, c.len(), budget);
                                continue;
                            }
                            written += c.len() as u64 + 37;
                            sent_blobs.insert(hash);
                            payload.push_attachment(&c)?;
                            report_attachments += 1;
                        }
                    }
                    done.segments += 1;
                    done.operations += n;
                    progress(&done);
                }
                Ok(())
            };

            // The log in its stored order (origin, seq): sorting it by unit held the whole log
            // in memory (SQLCipher sorts in memory), 7.7 GB for a national register. An op is
            // decoded only if every recipient may receive its unit (in its scope, or up to
            // where the case left it, as `flush` checks); one origin's wanted ops are grouped
            // by unit and flushed, in unit order, when the next origin begins.
            let wanted = |unit: &str| {
                scopes
                    .iter()
                    .zip(&exits)
                    .all(|(scope, exit)| scope.contains(unit) || exit.contains_key(unit))
            };
            let sql = format!("SELECT {OP_COLUMNS}, arrival, via FROM ops ORDER BY origin, seq");
            let mut stmt = tx.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            let mut origin: Option<String> = None;
            let mut units: BTreeMap<String, Vec<RawOp>> = BTreeMap::new();
            let mut flush_origin =
                |origin: &str, units: &mut BTreeMap<String, Vec<RawOp>>, payload: &mut _| {
                    for (scope, raw) in std::mem::take(units) {
                        let ops = raw
                            .into_iter()
                            .map(|r| r.decode(origin, &scope))
                            .collect::<Result<Vec<Stored>>>()?;
                        let g = Group {
                            origin: origin.to_string(),
                            scope,
                            ops,
                        };
                        flush(g, payload)?;
                    }
                    Ok::<(), Error>(())
                };
            while let Some(row) = rows.next()? {
                let unit = row.get_ref(5)?;
                if !wanted(unit.as_str().map_err(rusqlite::Error::from)?) {
                    continue;
                }
                let scope: String = row.get(5)?;
                let op_origin = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
                if origin.as_deref() != Some(op_origin) {
                    if let Some(previous) = origin.take() {
                        flush_origin(&previous, &mut units, &mut payload)?;
                    }
                    origin = Some(op_origin.to_string());
                }
                units.entry(scope).or_default().push(RawOp::read(row)?);
            }
            if let Some(previous) = origin.take() {
                flush_origin(&previous, &mut units, &mut payload)?;
            }
        }
        // A unit some of whose changes were left out is not recorded as sent (the others'
        // changes on it go again with it next time; importing them twice changes nothing).
        covered.retain(|u| !skipped_units.contains(u) && !withheld_units.contains(u));
        let sealed = payload.finish()?;
        let (acknowledged, acknowledged_bundles) = acknowledgements(&tx)?;
        let created = crate::trust::cert::truncate_secs(now);
        let manifest = write_bundle(
            &mut *out,
            NewBundle {
                sender: me.clone(),
                recipients: recipients.clone(),
                sequence,
                created,
                expires: created + Duration::days(BUNDLE_LIFETIME_DAYS),
                acknowledged,
                acknowledged_bundles,
                trust: Some(ManifestTrust {
                    root_key: root.to_base64(),
                    roster: signed_roster,
                }),
            },
            sealed,
            &keys.signing,
        )?;

        record_sent(
            &tx,
            &Sent {
                manifest: &manifest,
                recipients: &recipients,
                units: &covered,
                cutoff,
                operations: done.operations,
            },
        )?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "bundle.export",
                format!("bundle:{}", manifest.bundle_id),
                serde_json::json!({
                    "recipients": recipients, "sequence": sequence, "full": full,
                    "operations": done.operations, "attachments": report_attachments,
                    "skipped": skipped.iter()
                        .map(|s| format!("{}:{}", s.office, s.unit)).collect::<Vec<_>>(),
                }),
            ),
        )?;
        tx.commit()?;
        Ok(ExportReport {
            bundle_id: manifest.bundle_id,
            sender: me,
            recipients,
            sequence,
            created: crate::trust::time_text(&manifest.created),
            expires: crate::trust::time_text(&manifest.expires),
            full,
            operations: done.operations,
            segments: done.segments,
            attachments: report_attachments,
            skipped,
        })
    }
}

/// Stage 1: the recipients named, normalised, each once, never this office.
fn recipients_of(to: &[String], me: &str) -> Result<Vec<String>> {
    let mut recipients: Vec<String> = Vec::new();
    for r in to {
        let code = crate::model::normalise_office_code(r)?;
        if code == me {
            return Err(Error::invalid("recipient", "a bundle is for other offices"));
        }
        if !recipients.contains(&code) {
            recipients.push(code);
        }
    }
    if recipients.is_empty() {
        return Err(Error::invalid("recipient", "name at least one office"));
    }
    Ok(recipients)
}

/// What each recipient may receive and already holds.
struct Selection {
    /// Its scope now.
    scopes: Vec<PeerScope>,
    /// Per unit, the arrival cut-off it acknowledged.
    acked: Vec<HashMap<String, i64>>,
    /// Cases that left its scope since: how far their history still goes to it (up to the
    /// change that removed it).
    exits: Vec<HashMap<String, ScopeExit>>,
}

/// Stage 2, select: per recipient, its scope, what it acknowledged and where cases left it.
fn select(tx: &rusqlite::Connection, recipients: &[String]) -> Result<Selection> {
    let scopes: Vec<PeerScope> = recipients
        .iter()
        .map(|r| peer_scope(tx, r))
        .collect::<Result<_>>()?;
    let acked = recipients
        .iter()
        .map(|r| acked_cutoffs(tx, r))
        .collect::<Result<_>>()?;
    let exits = recipients
        .iter()
        .zip(&scopes)
        .map(|(r, scope)| scope_exits(tx, r, scope))
        .collect::<Result<_>>()?;
    Ok(Selection {
        scopes,
        acked,
        exits,
    })
}

/// Per peer, the newest bundle imported from it: its sequence and (what a reader matches) its
/// id, for the manifest's acknowledgements.
fn acknowledgements(
    tx: &rusqlite::Connection,
) -> Result<(BTreeMap<String, u64>, BTreeMap<String, String>)> {
    let mut stmt = tx.prepare(
        "SELECT p.office, p.received_seq, r.bundle_id FROM sync_peers p
             LEFT JOIN sync_received r ON r.sender = p.office AND r.sequence = p.received_seq
             WHERE p.received_seq > 0",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)? as u64,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut seqs = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for row in rows {
        let (office, seq, id) = row?;
        if let Some(id) = id {
            ids.insert(office.clone(), id);
        }
        seqs.insert(office, seq);
    }
    Ok((seqs, ids))
}

/// What a written bundle carried, for [`record_sent`].
struct Sent<'a> {
    manifest: &'a crate::bundle::Manifest,
    recipients: &'a [String],
    /// The units it carried whole (those with a left-out change are not).
    units: &'a HashSet<String>,
    /// The arrival epoch it covers.
    cutoff: i64,
    operations: u64,
}

/// Last stage, record: the bundle, and per recipient the units it carried up to the cut-off
/// (acknowledged when the recipient's next bundle names this one).
fn record_sent(tx: &rusqlite::Connection, s: &Sent<'_>) -> Result<()> {
    let sequence = s.manifest.sequence as i64;
    tx.execute(
        "INSERT INTO sync_sent(sequence, bundle_id, recipients, created_at, cutoff, ops)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            sequence,
            s.manifest.bundle_id,
            serde_json::to_string(s.recipients).expect("serialises"),
            now_text(),
            s.cutoff,
            s.operations as i64
        ],
    )?;
    let mut unit_stmt = tx.prepare_cached(
        "INSERT INTO sync_units(peer, unit, sent_sequence, sent_cutoff) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(peer, unit) DO UPDATE SET sent_sequence = excluded.sent_sequence,
               sent_cutoff = excluded.sent_cutoff",
    )?;
    for r in s.recipients {
        for u in s.units {
            unit_stmt.execute(params![r, u, sequence, s.cutoff])?;
        }
        tx.execute(
            "INSERT INTO sync_peers(office, sent_seq, sent_at, sent_ops) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(office) DO UPDATE SET sent_seq = excluded.sent_seq,
               sent_at = excluded.sent_at, sent_ops = excluded.sent_ops",
            params![r, sequence, now_text(), s.operations as i64],
        )?;
    }
    Ok(())
}

/// Units `peer` held (this register sent them, or it wrote to them) or was once named on
/// (lead or coordinator) that are no longer in its scope, with where they left it (cases only: see `authority::scope_exit`).
fn scope_exits(
    conn: &rusqlite::Connection,
    peer: &str,
    scope: &PeerScope,
) -> Result<HashMap<String, ScopeExit>> {
    let offices = crate::register::offices::with_predecessors(conn, peer)?;
    let mut held: HashSet<String> = acked_cutoffs(conn, peer)?.into_keys().collect();
    let mut written = conn.prepare_cached(
        "SELECT DISTINCT scope FROM ops WHERE origin = ?1 AND scope LIKE 'case:%'",
    )?;
    for o in &offices {
        for unit in written.query_map([o], |r| r.get::<_, String>(0))? {
            held.insert(unit?);
        }
    }
    held.extend(cases_once_joined(conn, &offices)?);
    let mut out = HashMap::new();
    for unit in held {
        if scope.contains(&unit) {
            continue;
        }
        if let Some(exit) = scope_exit(conn, &ScopeUnit::new(unit.clone()), &offices)? {
            out.insert(unit, exit);
        }
    }
    Ok(out)
}

/// One segment to write: its ops, and when it is relayed the signed bytes (checked against the
/// stored hash) with the origin's signature (None: ours, signed now).
type Chunk = (Vec<Op>, Option<(Vec<u8>, String)>);

/// Our own ops of one unit that are new to the recipients: they arrive in sequence order, so
/// they are a suffix, every op from the first such transaction on (up to where the unit left a
/// recipient's scope), cut into segments at transaction boundaries. A transaction that may take
/// a case out of an office's scope ends its segment, so that a relay can send that office
/// exactly up to it.
fn own_chunks(
    ops: Vec<Stored>,
    is_new: &dyn Fn(&Stored) -> bool,
    within: &dyn Fn(&Op) -> bool,
) -> Vec<Chunk> {
    let first = ops
        .iter()
        .filter(|s| is_new(s))
        .map(|s| s.op.txn)
        .min()
        .expect("some op is new");
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut chunk: Vec<Op> = Vec::new();
    // Where the chunk's last transaction begins.
    let mut txn_start = 0;
    let ops = ops.into_iter().map(|s| s.op);
    for op in ops.filter(|op| op.txn >= first && within(op)) {
        let boundary = chunk.last().is_some_and(|l: &Op| l.txn != op.txn);
        if boundary {
            let ends_segment = crate::authority::txn_changes_case_offices(&chunk[txn_start..]);
            if ends_segment || chunk.len() >= MAX_OWN_SEGMENT_OPS {
                chunks.push((std::mem::take(&mut chunk), None));
            }
            txn_start = chunk.len();
        }
        chunk.push(op);
    }
    chunks.push((chunk, None));
    chunks
}

/// Another office's ops of one unit, as the segments their origin signed, rebuilt by range
/// and checked against the stored BLAKE3 of the signed bytes: those holding an op new to the
/// peer. `Ok(Err(reason))`: the unit cannot be relayed as signed.
fn relayed_chunks(
    sig_stmt: &mut rusqlite::CachedStatement<'_>,
    roster: &crate::trust::Roster,
    g: &Group,
    scope: &ScopeUnit,
    new_for_peer: &dyn Fn(&Stored) -> bool,
    within: &dyn Fn(&Op) -> bool,
) -> Result<std::result::Result<Vec<Chunk>, String>> {
    let stored = sig_stmt
        .query_map(params![g.origin, g.scope], |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut relayed = 0usize;
    for (first, last, hash, sig) in stored {
        let part: Vec<&Stored> = g
            .ops
            .iter()
            .filter(|s| s.op.txn >= first && s.op.txn <= last)
            .collect();
        relayed += part.len();
        // Whole segments only, as signed: one reaching past a recipient's exit from the case
        // stays behind.
        if part.iter().any(|s| new_for_peer(s)) && part.iter().all(|s| within(&s.op)) {
            let ops: Vec<Op> = part.into_iter().map(|s| s.op.clone()).collect();
            // Signed by a key revoked before the time its changes claim (or not certified):
            // never relayed, as no importer accepts it.
            if check_segment(roster, &g.origin, &sig, &ops).is_err() {
                continue;
            }
            let rebuilt = Segment {
                origin: g.origin.clone(),
                scope: scope.clone(),
                ops,
            };
            let signed = rebuilt.to_signed_bytes();
            if blake3::hash(&signed).to_hex().as_str() != hash {
                return Ok(Err(format!(
                    "the stored changes of office {} on {} (transactions {first} to {last}) no \
                     longer match what it signed",
                    g.origin, g.scope
                )));
            }
            chunks.push((rebuilt.ops, Some((signed, sig))));
        }
    }
    if relayed < g.ops.len() {
        return Ok(Err(format!(
            "no signature of office {} is stored for some of its changes on {}",
            g.origin, g.scope
        )));
    }
    Ok(Ok(chunks))
}

/// The attachment a "documents" entry names: a case's, or a denouncer's (whose segments go
/// only where the denouncer's unit goes, so its attachments do too).
fn document_hash(op: &Op) -> Option<String> {
    crate::register::attachment_of(op)
}
