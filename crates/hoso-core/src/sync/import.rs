//! `Register::import_bundle`, a pipeline of named stages: [`read`] (limits) → [`authenticate`]
//! (root, roster, manifest signature) → [`check_addressed`] (recipient, expiry) → [`replay`]
//! (sequence) → decrypt → [`adopt_trust`] → [`apply`] (segments verified against their origin,
//! authority, merge) → [`acknowledge`] (the sender's acknowledgements, audit). From
//! [`adopt_trust`] on everything runs in one transaction: any failure rolls it back and the
//! register is exactly as before.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use hoso_crypto::PublicKey;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::Progress;
use super::export::BUNDLE_LIFETIME_DAYS;
use super::recovery;
use super::status::ClockWarning;
use crate::access::Permission;
use crate::bundle::{
    Limits, Manifest, ManifestTrust, PayloadItem, SegmentReader, UnverifiedBundle, VerifiedBundle,
};
use crate::error::{Error, Result};
use crate::oplog::{self, Op, now_ms};
use crate::register::{DomainProjector, Register, attachment_of};
use crate::trust::roster::{
    adopt_roster, certificate_for, check_segment, segment_key, stored_roster,
};
use crate::trust::{
    OfficeKeys, Roster, SignedRoster, fingerprint, fingerprint_matches, set_trusted_root,
    trusted_root,
};

/// Clock difference tolerated between offices when checking a bundle's creation time.
const CLOCK_SKEW_HOURS: i64 = 24;

/// What an import did (or, for a dry run or `verify`, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ImportOutcome {
    /// Applied and committed.
    Imported,
    /// Everything checked and applied, then rolled back (`--dry-run`, `verify`).
    Preview,
    /// This exact bundle was imported before: nothing to do.
    AlreadyImported,
    /// An older bundle of this sender whose changes a newer one already brought: nothing
    /// changed. (An older bundle that brings something new is imported.)
    Superseded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub outcome: ImportOutcome,
    pub bundle_id: String,
    pub sender: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sequence: u64,
    pub created: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub new_operations: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub known_operations: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub cases_new: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub cases_updated: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub plans_new: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub plans_updated: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub subjects_new: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub subjects_updated: u64,
    /// Attachments whose contents arrived with this bundle and were not here before.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub documents_new: u64,
    /// Fields now holding concurrent writes, as `kind:id/field`.
    pub conflicts: Vec<String>,
    /// Text values that arrived decomposed (not NFC); the register shows them normalised.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub text_normalised: u64,
    /// A newer roster (certificates, revocations) came with the bundle.
    pub roster_updated: bool,
    /// This import confirmed the root key (the set-up bundle).
    pub trust_root_set: bool,
    /// Changes this import left in the log without effect: their office had no authority for
    /// them (net of earlier ones that its changes made count). See
    /// `Register::changes_without_effect`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub without_effect: u64,
    /// Offices whose new changes are dated more than the tolerance (one day) beyond this
    /// workstation's clock, with the furthest time: accepted, but their clock is wrong.
    pub clock_ahead: Vec<ClockWarning>,
}

/// What [`Register::inspect_bundle`] learnt of a bundle file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BundleHeader {
    pub file_name: String,
    pub bundle_id: String,
    pub sender: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sequence: u64,
    /// When it was written (RFC 3339, UTC); None if it could not be authenticated.
    pub created: Option<String>,
    pub recipients: Vec<String>,
    /// This exact bundle was imported here before (importing it again changes nothing).
    pub already_imported: bool,
    /// A newer bundle of this sender was imported already (this one may bring nothing new).
    pub older: bool,
    /// Why it would be refused, if it would.
    pub problem: Option<BundleProblem>,
}

/// Why a bundle would be refused: the error's code (the UI words it) and its English detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BundleProblem {
    pub code: crate::error::ErrorCode,
    pub detail: String,
}

impl Register {
    /// Checks a bundle completely (trust, signatures, decryption, every segment, applying it)
    /// and reports what it would change; changes nothing.
    pub fn verify_bundle(&mut self, path: &Path) -> Result<ImportReport> {
        self.import_bundle(path, true, None, &mut |_| {})
    }

    /// Imports a bundle (see the module docs). `trust_root`: the fingerprint of the central
    /// office's root key, needed once, for the set-up bundle.
    pub fn import_bundle(
        &mut self,
        path: &Path,
        dry_run: bool,
        trust_root: Option<&str>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ImportReport> {
        self.import_bundle_at(path, dry_run, trust_root, Utc::now(), progress)
    }

    /// [`Self::import_bundle`] as if the clock read `now` (expiry and creation-time checks):
    /// what lets the golden bundles of format 1 keep importing after they expired. A bundle
    /// refused (not a dry run) is recorded for the sync history (`sync_rejected`) and audited.
    pub fn import_bundle_at(
        &mut self,
        path: &Path,
        dry_run: bool,
        trust_root: Option<&str>,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ImportReport> {
        self.require(Permission::BundleImport)?;
        let result = self.import_checked(path, dry_run, trust_root, now, progress);
        if let Err(e) = &result
            && !dry_run
            && super::history::is_rejection(e)
        {
            let claim = read(path, self.bundle_limits())
                .ok()
                .map(|b| b.claim().clone());
            // The refusal is what the officer must hear about; failing to record it is not.
            let _ = super::history::record_rejection(self, path, claim.as_ref(), e);
        }
        result
    }

    /// What a bundle file is, without applying it: its sender, sequence and date as its
    /// signed manifest says (authenticated against the roster), whether it was imported
    /// already, and why it would be refused if it would (then the sender is what the file
    /// claims). Reads the manifest and hashes the payload; decrypts nothing, changes nothing.
    pub fn inspect_bundle(&self, path: &Path, trust_root: Option<&str>) -> Result<BundleHeader> {
        self.require(Permission::BundleImport)?;
        let me = self.session_info().office.clone();
        let conn = self.store().conn();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bundle = read(path, self.bundle_limits())?;
        let claim = bundle.claim().clone();
        let mut header = BundleHeader {
            file_name: name,
            bundle_id: claim.bundle_id.clone(),
            sender: claim.sender.clone(),
            sequence: claim.sequence,
            created: None,
            recipients: Vec::new(),
            already_imported: false,
            older: false,
            problem: None,
        };
        let checked = authenticate(conn, bundle, trust_root, &me).and_then(|t| {
            let m = t.verified.manifest().clone();
            header.created = Some(crate::trust::time_text(&m.created));
            header.recipients = m.recipients.clone();
            check_addressed(&m, &me, Utc::now())?;
            match replay(conn, &m, &t.manifest_hash)? {
                Replay::AlreadyImported => header.already_imported = true,
                Replay::New { older } => header.older = older,
            }
            Ok(())
        });
        if let Err(e) = checked {
            header.problem = Some(BundleProblem {
                code: e.error_code(),
                detail: e.to_string(),
            });
        }
        Ok(header)
    }

    fn import_checked(
        &mut self,
        path: &Path,
        dry_run: bool,
        trust_root: Option<&str>,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ImportReport> {
        let me = self.session_info().office.clone();
        let login = self.session_info().login.clone();
        let bundle = read(path, self.bundle_limits())?;
        let conn = self.store().conn();
        let trusted = authenticate(conn, bundle, trust_root, &me)?;
        let m = trusted.verified.manifest().clone();
        check_addressed(&m, &me, now)?;
        let mut report = ImportReport::for_manifest(&m, dry_run);
        let older = match replay(conn, &m, &trusted.manifest_hash)? {
            Replay::AlreadyImported => {
                report.outcome = ImportOutcome::AlreadyImported;
                return Ok(report);
            }
            Replay::New { older } => older,
        };
        let keys = OfficeKeys::load(conn)?;
        let reader = trusted.verified.open_payload(&keys.age)?;
        // What the sender holds of our own history (rollback safety, see `recovery`).
        let their_vector = crate::bundle::sender_state(&m, &reader);
        let ack = recovery::resolve_ack(conn, &m, &me)?;
        let theirs = their_vector.get(&me).copied().unwrap_or(0);
        // Everything from here on is one transaction: it commits whole or not at all.
        let tx = self
            .store_mut()
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        adopt_trust(&tx, &trusted.trust, &mut report)?;
        // A peer holding more of our own ops than we do (restored from a copy): pause writing.
        recovery::before_apply(&tx, &me, &m.sender, theirs, ack)?;
        let own_back = apply(
            &tx,
            reader,
            &trusted.trust.roster,
            &me,
            &m.sender,
            &mut report,
            progress,
        )?;
        let received = Received {
            manifest: &m,
            their_vector: &their_vector,
            manifest_hash: &trusted.manifest_hash,
            older,
            ack,
            own_back,
        };
        acknowledge(&tx, &received, &me, &login, &report)?;
        if older && report.new_operations == 0 && report.documents_new == 0 {
            // Nothing this register lacked: leave it exactly as it was.
            drop(tx);
            report.outcome = ImportOutcome::Superseded;
            report.roster_updated = false;
            report.trust_root_set = false;
        } else if dry_run {
            drop(tx); // rolls back
        } else {
            tx.commit()?;
        }
        Ok(report)
    }
}

impl ImportReport {
    /// The report of a bundle before anything is applied.
    fn for_manifest(m: &Manifest, dry_run: bool) -> ImportReport {
        ImportReport {
            outcome: if dry_run {
                ImportOutcome::Preview
            } else {
                ImportOutcome::Imported
            },
            bundle_id: m.bundle_id.clone(),
            sender: m.sender.clone(),
            sequence: m.sequence,
            created: crate::trust::time_text(&m.created),
            new_operations: 0,
            known_operations: 0,
            cases_new: 0,
            cases_updated: 0,
            plans_new: 0,
            plans_updated: 0,
            subjects_new: 0,
            subjects_updated: 0,
            documents_new: 0,
            conflicts: Vec::new(),
            text_normalised: 0,
            roster_updated: false,
            trust_root_set: false,
            without_effect: 0,
            clock_ahead: Vec::new(),
        }
    }
}

/// Stage 1, read: the container with the importer's size limits (nothing trusted yet).
fn read(path: &Path, limits: &Limits) -> Result<UnverifiedBundle<File>> {
    let file = File::open(path).map_err(|e| Error::BundleIo(format!("{}: {e}", path.display())))?;
    UnverifiedBundle::read(file, limits)
}

/// The trust an authenticated bundle rests on.
struct Trust {
    root: PublicKey,
    /// The root was confirmed by this import (the set-up bundle, with the typed fingerprint).
    new_root: bool,
    /// The roster in force for this import: the newer of ours and the carried one.
    roster: Roster,
    /// The carried roster, when it is newer than ours (adopted if the import commits).
    newer: Option<SignedRoster>,
}

struct Authenticated {
    verified: VerifiedBundle<File>,
    manifest_hash: String,
    trust: Trust,
}

/// Stage 2, authenticate: the root (ours, or for the set-up bundle the carried one whose
/// fingerprint the officer typed), the roster (the newer of ours and the carried one, signed
/// by that root), then the manifest's signature by the sender's certified key.
fn authenticate(
    conn: &Connection,
    bundle: UnverifiedBundle<File>,
    trust_root: Option<&str>,
    me: &str,
) -> Result<Authenticated> {
    let claim = bundle.claim().clone();
    let manifest_hash = bundle.manifest_hash();
    let carried = bundle.unverified_trust()?;
    let local_root = trusted_root(conn)?;
    let (root, new_root) = match (&local_root, trust_root) {
        (Some(r), typed) => {
            if let Some(t) = typed
                && !fingerprint_matches(r, t)
            {
                return Err(Error::TrustUnknownSigner {
                    who: "the fingerprint given".into(),
                    reason: format!(
                        "this office already trusts the root with fingerprint {}",
                        fingerprint(r)
                    ),
                });
            }
            (r.clone(), false)
        }
        (None, Some(typed)) => {
            let t = carried.as_ref().ok_or(Error::TrustRootMissing)?;
            let pk = parse_root(t)?;
            if !fingerprint_matches(&pk, typed) {
                // The bundle's own fingerprint is not shown: copying it from an error message
                // would defeat the check read out over the phone.
                return Err(Error::TrustUnknownSigner {
                    who: "the root key in this bundle".into(),
                    reason: "its fingerprint is not the one given; do not import it and call \
                             the central office"
                        .into(),
                });
            }
            (pk, true)
        }
        (None, None) => return Err(Error::TrustRootMissing),
    };
    let local = stored_roster(conn)?.map(|(_, r)| r);
    let carried_roster = match &carried {
        Some(t) if t.root_key == root.to_base64() => {
            Some((t.roster.verify(&root)?.clone(), t.roster.clone()))
        }
        _ => None,
    };
    let newer = carried_roster.filter(|(c, _)| local.as_ref().is_none_or(|l| c.serial > l.serial));
    let roster = match (&newer, local) {
        (Some((c, _)), _) => c.clone(),
        (None, Some(l)) => l,
        (None, None) => {
            return Err(Error::TrustUnknownSigner {
                who: format!("office {}", claim.sender),
                reason: "no roster of certified offices came with the bundle".into(),
            });
        }
    };
    if claim.sender == me {
        return Err(Error::BundleNotForUs {
            office: me.to_string(),
            reason: "this office wrote it".into(),
        });
    }
    let (cert, sender_key) = certificate_for(&roster, &claim.sender, bundle.key_id())?;
    let verified = bundle.verify(&sender_key)?;
    cert.check_valid_at(verified.manifest().created)?;
    Ok(Authenticated {
        verified,
        manifest_hash,
        trust: Trust {
            root,
            new_root,
            roster,
            newer: newer.map(|(_, signed)| signed),
        },
    })
}

/// Stage 3: addressed to this office, not expired, with plausible times.
fn check_addressed(m: &Manifest, me: &str, now: DateTime<Utc>) -> Result<()> {
    if !m.recipients.iter().any(|r| r == me) {
        return Err(Error::BundleNotForUs {
            office: me.to_string(),
            reason: format!("it is addressed to {}", m.recipients.join(", ")),
        });
    }
    if now >= m.expires {
        return Err(Error::BundleExpired {
            sender: m.sender.clone(),
            expires: crate::trust::time_text(&m.expires),
        });
    }
    if m.expires - m.created > Duration::days(BUNDLE_LIFETIME_DAYS + 1)
        || m.created > now + Duration::hours(CLOCK_SKEW_HOURS)
    {
        return Err(Error::BundleMalformed {
            reason: "its creation or expiry time is implausible".into(),
        });
    }
    Ok(())
}

enum Replay {
    /// This exact bundle was imported before.
    AlreadyImported,
    /// Not imported yet; `older`: the sender's newest bundle here is newer (an older bundle is
    /// still applied, and rolled back as superseded if it brings nothing new: a newer bundle
    /// for several offices carries only what they share).
    New { older: bool },
}

/// Stage 4, the replay guard: the same sender and sequence with the same manifest is a no-op;
/// with another manifest the sender reused a sequence and the bundle is refused.
fn replay(conn: &Connection, m: &Manifest, manifest_hash: &str) -> Result<Replay> {
    let seen: Option<String> = conn
        .query_row(
            "SELECT manifest_hash FROM sync_received WHERE sender = ?1 AND sequence = ?2",
            params![m.sender, m.sequence as i64],
            |r| r.get(0),
        )
        .optional()?;
    match seen {
        Some(h) if h == manifest_hash => return Ok(Replay::AlreadyImported),
        Some(_) => {
            return Err(Error::BundleSequenceReused {
                sender: m.sender.clone(),
                sequence: m.sequence,
            });
        }
        None => {}
    }
    let newest: i64 = conn.query_row(
        "SELECT coalesce(max(sequence), 0) FROM sync_received WHERE sender = ?1",
        [&m.sender],
        |r| r.get(0),
    )?;
    Ok(Replay::New {
        older: (m.sequence as i64) < newest,
    })
}

/// Stage 5: the root confirmed by the set-up bundle and a newer roster are adopted (inside the
/// import's transaction: they stay only if it commits).
fn adopt_trust(tx: &Connection, t: &Trust, report: &mut ImportReport) -> Result<()> {
    if t.new_root {
        set_trusted_root(tx, &t.root)?;
        report.trust_root_set = true;
    }
    if let Some(signed) = &t.newer {
        report.roster_updated = adopt_roster(tx, &t.root, signed)?;
    }
    // A rotated signing key becomes active once a roster certifying it arrives.
    crate::trust::rotate::activate_pending_key(tx)?;
    Ok(())
}

/// Stages 6 and 7, decrypt, authorise and apply: the payload is read segment by segment, each
/// verified against its origin's key at the time its operations claim and kept to relay it;
/// the operations go through the authority rules and are merged (`oplog::apply_remote_in`
/// with the domain's projector); attachments must be named by a signed entry. Returns the
/// highest of our own ops the bundle brought back (a full export after a restore).
fn apply(
    tx: &Connection,
    mut reader: SegmentReader<Box<dyn Read>>,
    roster: &Roster,
    me: &str,
    sender: &str,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<u64> {
    // Ops stored by this import remember who brought them (not sent back there).
    tx.execute("UPDATE oplog_arrival SET via = ?1", [sender])?;
    let inert = |tx: &Connection| -> Result<i64> {
        tx.query_row("SELECT count(*) FROM oplog_without_effect", [], |r| {
            r.get(0)
        })
        .map_err(Error::from)
    };
    let inert_before = inert(tx)?;
    let failure: RefCell<Option<Error>> = RefCell::new(None);
    // The highest of our own ops this bundle brought back.
    let own_back = std::cell::Cell::new(0u64);
    let counts = RefCell::new((Progress::default(), 0u64, 0u64)); // progress, nfc, blobs
    // Attachments: the hashes the bundle's signed entries name, and those it carried.
    let attachments = RefCell::new((HashSet::<String>::new(), Vec::<String>::new()));
    {
        // A revoked key still verifies what it signed; `check_segment` then refuses the
        // changes that claim a time after its revocation.
        let key_of =
            |origin: &str, key_id| segment_key(roster, origin, key_id).map_err(|e| e.to_string());
        let mut pending: VecDeque<Op> = VecDeque::new();
        let mut covered_stmt = tx.prepare_cached(
            "SELECT 1 FROM segment_signatures WHERE origin = ?1 AND scope = ?2
                 AND first_txn <= ?3 AND last_txn >= ?4 LIMIT 1",
        )?;
        let mut subsumed_stmt = tx.prepare_cached(
            "DELETE FROM segment_signatures WHERE origin = ?1 AND scope = ?2
                 AND first_txn >= ?3 AND last_txn <= ?4",
        )?;
        let mut sig_stmt = tx.prepare_cached(
            "INSERT INTO segment_signatures(origin, scope, first_txn, last_txn, blake3,
                                                minisig)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut blob_stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO document_blobs(blake3, size, content) VALUES (?1, ?2, ?3)",
        )?;
        let mut next = || -> Result<Option<Op>> {
            loop {
                if let Some(op) = pending.pop_front() {
                    return Ok(Some(op));
                }
                match reader.next_item(&key_of)? {
                    None => return Ok(None),
                    Some(PayloadItem::Segment(s)) => {
                        check_segment(roster, &s.origin, &s.minisig, &s.segment.ops)?;
                        let seg = s.segment;
                        if seg.origin == me {
                            // Our own history coming back (a full export).
                            let back = recovery::receive_own(tx, me, &seg.ops)?;
                            own_back.set(own_back.get().max(back));
                        }
                        // Kept to relay it, unless a stored segment already covers it.
                        let (first, last) = seg.txn_range();
                        let key =
                            params![seg.origin, seg.scope.as_str(), first as i64, last as i64];
                        if seg.origin != me && !covered_stmt.exists(key)? {
                            subsumed_stmt.execute(key)?;
                            sig_stmt.execute(params![
                                seg.origin,
                                seg.scope.as_str(),
                                first as i64,
                                last as i64,
                                blake3::hash(&s.json).to_hex().as_str(),
                                s.minisig
                            ])?;
                        }
                        attachments
                            .borrow_mut()
                            .0
                            .extend(seg.ops.iter().filter_map(attachment_of));
                        let mut c = counts.borrow_mut();
                        c.0.segments += 1;
                        c.0.operations += seg.ops.len() as u64;
                        for op in &seg.ops {
                            c.1 += non_nfc(op);
                        }
                        progress(&c.0);
                        pending.extend(seg.ops);
                    }
                    Some(PayloadItem::Attachment { blake3, content }) => {
                        attachments.borrow_mut().1.push(blake3.clone());
                        let n =
                            blob_stmt.execute(params![blake3, content.len() as i64, content])?;
                        counts.borrow_mut().2 += n as u64;
                    }
                }
            }
        };
        let ops = std::iter::from_fn(|| match next() {
            Ok(op) => op,
            Err(e) => {
                *failure.borrow_mut() = Some(e);
                None
            }
        });
        let applied = oplog::apply_remote_in(tx, ops, &DomainProjector, now_ms());
        if let Some(e) = failure.take() {
            return Err(e);
        }
        let applied = applied?;
        // An attachment no signed entry of this bundle names is refused, and with it the
        // whole bundle (the transaction rolls back: nothing of it is stored).
        let (named, carried) = attachments.take();
        if let Some(stray) = carried.iter().find(|h| !named.contains(*h)) {
            return Err(Error::BundleUnnamedAttachment {
                blake3: stray.clone(),
            });
        }
        let count =
            |m: &BTreeMap<String, usize>, kind: &str| m.get(kind).copied().unwrap_or(0) as u64;
        report.new_operations = applied.new_ops as u64;
        report.known_operations = applied.known_ops as u64;
        report.cases_new = count(&applied.created, "case");
        report.cases_updated = count(&applied.updated, "case");
        report.plans_new = count(&applied.created, "plan");
        report.plans_updated = count(&applied.updated, "plan");
        report.subjects_new = count(&applied.created, "subject");
        report.subjects_updated = count(&applied.updated, "subject");
        report.conflicts = applied
            .conflicts
            .iter()
            .map(|(e, f)| format!("{}:{}/{f}", e.kind, e.id))
            .collect();
        let flagged = oplog::clock_ahead_origins(tx)?;
        report.clock_ahead = flagged
            .iter()
            .filter(|f| applied.clock_ahead.contains(&f.origin))
            .map(|f| ClockWarning::new(&f.origin, f.hlc))
            .collect();
    }
    let (_, nfc, blobs) = counts.into_inner();
    report.text_normalised = nfc;
    report.documents_new = blobs;
    report.without_effect = (inert(tx)? - inert_before).max(0) as u64;
    tx.execute("UPDATE oplog_arrival SET via = NULL", [])?;
    Ok(own_back.get())
}

/// What an applied bundle said about this office, for [`acknowledge`].
struct Received<'a> {
    manifest: &'a Manifest,
    /// The sender's version vector (from the payload, or a format-1 manifest).
    their_vector: &'a crate::oplog::VersionVector,
    manifest_hash: &'a str,
    /// Older than the sender's newest bundle imported here.
    older: bool,
    /// Which of our bundles it acknowledges (by id).
    ack: recovery::Ack,
    /// The highest of our own ops it brought back.
    own_back: u64,
}

/// Stage 8, acknowledge: the replay guard, what the sender holds of ours (its
/// acknowledgements), and the audit entry.
fn acknowledge(
    tx: &Connection,
    r: &Received<'_>,
    me: &str,
    login: &str,
    report: &ImportReport,
) -> Result<()> {
    let (m, manifest_hash) = (r.manifest, r.manifest_hash);
    tx.execute(
        "INSERT INTO sync_received(sender, sequence, bundle_id, manifest_hash, imported_at,
                                   new_ops, known_ops)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            m.sender,
            m.sequence as i64,
            m.bundle_id,
            manifest_hash,
            super::now_text(),
            report.new_operations as i64,
            report.known_operations as i64
        ],
    )?;
    // Only a bundle this register wrote (named by its id) is acknowledged; one older than the
    // sender acknowledged before means it was restored from a copy.
    if !r.older {
        recovery::peer_went_back(tx, &m.sender, r.ack.known)?;
    }
    let ack = r.ack.known.unwrap_or(0) as i64;
    tx.execute(
        "INSERT INTO sync_peers(office, acked_sequence, their_vector, received_seq, received_at,
                                received_ops)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(office) DO UPDATE SET
           acked_sequence = max(acked_sequence, excluded.acked_sequence),
           their_vector = iif(excluded.received_seq > received_seq, excluded.their_vector,
                              their_vector),
           received_at = iif(excluded.received_seq > received_seq, excluded.received_at,
                             received_at),
           received_ops = iif(excluded.received_seq > received_seq, excluded.received_ops,
                              received_ops),
           received_seq = max(received_seq, excluded.received_seq)",
        params![
            m.sender,
            ack,
            serde_json::to_string(r.their_vector).expect("serialises"),
            m.sequence as i64,
            super::now_text(),
            report.new_operations as i64
        ],
    )?;
    if ack > 0 {
        tx.execute(
            "UPDATE sync_units SET acked_cutoff = sent_cutoff
             WHERE peer = ?1 AND sent_sequence = ?2 AND acked_cutoff < sent_cutoff",
            params![m.sender, ack],
        )?;
    }
    // Our own history complete again: set-aside ops under fresh sequences, writing resumes.
    let writing_resumed = recovery::after_apply(tx, me, r.own_back)?;
    crate::audit::append(
        tx,
        &crate::audit::NewEntry::new(
            login,
            "bundle.import",
            format!("bundle:{}", m.bundle_id),
            serde_json::json!({
                "sender": m.sender, "sequence": m.sequence,
                "new_operations": report.new_operations,
                "known_operations": report.known_operations,
                "conflicts": report.conflicts.len(),
                "roster_updated": report.roster_updated,
                "trust_root_set": report.trust_root_set,
                "without_effect": report.without_effect,
                "clock_ahead": report.clock_ahead,
                "writing_resumed": writing_resumed,
            }),
        ),
    )?;
    Ok(())
}

fn parse_root(t: &ManifestTrust) -> Result<PublicKey> {
    PublicKey::from_base64(&t.root_key).map_err(|e| Error::TrustMalformed {
        what: "the root key in the bundle".into(),
        reason: e.to_string(),
    })
}

/// Strings in the op's change that are not NFC (counted, not rewritten: the op stays exactly
/// as its origin signed it, and the projections normalise what the officer sees).
fn non_nfc(op: &Op) -> u64 {
    let mut v = serde_json::to_value(&op.change).expect("serialises");
    crate::text::nfc_json(&mut v) as u64
}
