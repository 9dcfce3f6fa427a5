//! The roster as this register holds it: stored after verification, replaced only by a newer
//! serial signed by the same root, and (on the central office) re-issued on every certificate
//! or revocation.
//!
//! Revocations name keys (`Register::revoke_office` revokes every key of an office not yet
//! revoked, `Register::revoke_keys` one key or all); they are never removed, so a revoked key
//! stays revoked whatever is certified later. Bundles are encrypted to each recipient's newest
//! valid certificate ([`current_certificate`]); the keys of segments are checked at the time
//! their operations claim ([`check_segment`]).

use chrono::{DateTime, Duration, Utc};
use hoso_crypto::sign::Minisig;
use hoso_crypto::{PublicKey, SigningKey};
use rusqlite::{Connection, OptionalExtension, params};

use super::cert::{Revocation, Roster, SignedCertificate, SignedRoster, revoked};
use super::{Certificate, OfficeKeys, OfficePublicKeys, trusted_root};
use crate::error::{Error, Result};

/// How long the central office certifies its own key at `init` (re-certified on rotation).
const CENTRAL_SELF_VALIDITY_DAYS: i64 = 3650;

/// The stored roster, verified against the trusted root; `None` before the set-up bundle.
pub fn stored_roster(conn: &Connection) -> Result<Option<(PublicKey, Roster)>> {
    let Some(root) = trusted_root(conn)? else {
        return Ok(None);
    };
    let Some(signed) = stored_signed_roster(conn)? else {
        return Ok(None);
    };
    let roster = signed.verify(&root)?.clone();
    Ok(Some((root, roster)))
}

/// The stored roster exactly as signed (what every bundle carries).
pub fn stored_signed_roster(conn: &Connection) -> Result<Option<SignedRoster>> {
    let text: Option<String> = conn
        .query_row("SELECT roster FROM trust_roster WHERE id = 0", [], |r| {
            r.get(0)
        })
        .optional()?;
    text.map(|t| SignedRoster::from_json(&t)).transpose()
}

/// Adopts `signed` if `root` signed it and it is newer than the stored one. Returns whether it
/// replaced the stored roster.
pub fn adopt_roster(conn: &Connection, root: &PublicKey, signed: &SignedRoster) -> Result<bool> {
    let serial = signed.verify(root)?.serial;
    let current: Option<i64> = conn
        .query_row("SELECT serial FROM trust_roster WHERE id = 0", [], |r| {
            r.get(0)
        })
        .optional()?;
    if current.is_some_and(|c| c as u64 >= serial) {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO trust_roster(id, serial, roster, central) VALUES (0, ?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET serial = excluded.serial, roster = excluded.roster,
           central = excluded.central",
        params![
            serial as i64,
            signed.to_json(),
            signed.roster.central_office()
        ],
    )?;
    Ok(true)
}

/// The central office's code as the adopted root-signed roster names it (`None` before the
/// set-up bundle). Authority reads this, never the synced office list.
pub fn central_office(conn: &Connection) -> Result<Option<String>> {
    let central: Option<Option<String>> = conn
        .prepare_cached("SELECT central FROM trust_roster WHERE id = 0")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(central.flatten())
}

/// Central office: signs and stores the next roster built from the current one by `change`.
pub(crate) fn reissue(
    conn: &Connection,
    root: &SigningKey,
    change: impl FnOnce(&mut Vec<SignedCertificate>, &mut Vec<Revocation>) -> Result<()>,
) -> Result<SignedRoster> {
    let root_pk = root.public_key();
    let (serial, mut certs, mut revs) = match stored_roster(conn)? {
        Some((_, r)) => {
            let revs = key_revocations(&r);
            (r.serial + 1, r.certificates, revs)
        }
        None => (1, Vec::new(), Vec::new()),
    };
    change(&mut certs, &mut revs)?;
    let mut roster = Roster::new(serial, certs, revs);
    // Only the central office holds the root: the office issuing the roster is the central one.
    roster.central = crate::store::local_office(conn)?;
    let signed = roster.sign(root)?;
    adopt_roster(conn, &root_pk, &signed)?;
    Ok(signed)
}

/// The roster's revocations, each naming its key (as format 2 requires): a format-1 revocation
/// of an office becomes one revocation per key it covered.
fn key_revocations(roster: &Roster) -> Vec<Revocation> {
    let mut out: Vec<Revocation> = Vec::new();
    for r in &roster.revocations {
        if r.signing_key.is_some() {
            out.push(r.clone());
            continue;
        }
        for sc in &roster.certificates {
            let c = &sc.certificate;
            let named = out
                .iter()
                .any(|o| o.signing_key.as_deref() == Some(c.signing_key.as_str()));
            if r.covers(c) && !named {
                out.push(Revocation {
                    signing_key: Some(c.signing_key.clone()),
                    ..r.clone()
                });
            }
        }
    }
    out
}

/// At `init --central`: the root certifies the central office's own key.
pub(crate) fn issue_initial(
    conn: &Connection,
    keys: &OfficeKeys,
    office: &str,
    name: &str,
) -> Result<()> {
    let Some(root) = &keys.root else {
        return Ok(());
    };
    let cert = central_certificate(root, office, name, &keys.public())?;
    reissue(conn, root, |certs, _| {
        certs.push(cert);
        Ok(())
    })?;
    Ok(())
}

/// The root's certificate for the central office's own keys (at `init`, and on rotation).
pub(crate) fn central_certificate(
    root: &SigningKey,
    office: &str,
    name: &str,
    keys: &OfficePublicKeys,
) -> Result<SignedCertificate> {
    let now = Utc::now();
    Certificate::new(
        office,
        name,
        keys,
        now,
        now + Duration::days(CENTRAL_SELF_VALIDITY_DAYS),
    )?
    .sign(root)
}

/// How long an office's previous key stays valid after its new key is certified: the office
/// keeps signing with the old key until the new roster reaches it with its next bundle, so the
/// bundles it writes meanwhile must still import. Compromised keys are revoked, not rotated.
pub const ROTATION_GRACE_DAYS: i64 = 30;

/// Adds `cert` to the roster; an earlier certificate of the same office with another key ends
/// [`ROTATION_GRACE_DAYS`] after the new one starts (a rotation: what it signed stays valid).
/// Revocations stay: a revoked key is refused here, and its certificates are kept as they are.
pub(crate) fn add_certificate(
    conn: &Connection,
    root: &SigningKey,
    cert: SignedCertificate,
) -> Result<SignedRoster> {
    reissue(conn, root, |certs, revs| {
        let new = &cert.certificate;
        if let Some(r) = revs.iter().find(|r| r.covers(new)) {
            return Err(revoked(r));
        }
        let starts = new.valid_from;
        let mut kept = Vec::new();
        for old in certs.drain(..) {
            let c = &old.certificate;
            if c.office != new.office || revs.iter().any(|r| r.covers(c)) {
                kept.push(old);
            } else if c.signing_key != new.signing_key {
                let mut ended = c.clone();
                let end = starts + Duration::days(ROTATION_GRACE_DAYS);
                if ended.valid_until > end {
                    ended.valid_until = end;
                    kept.push(ended.sign(root)?);
                } else {
                    kept.push(old);
                }
            }
            // The same key certified again: the new certificate replaces the old one.
        }
        kept.push(cert);
        *certs = kept;
        Ok(())
    })
}

/// The certificate under which `office` signs with `key_id`, ignoring dates (checked by the
/// caller against the bundle's time); a revoked key is refused, whatever the bundle's date.
pub fn certificate_for(
    roster: &Roster,
    office: &str,
    key_id: hoso_crypto::KeyId,
) -> Result<(Certificate, PublicKey)> {
    let mut found = None;
    for sc in &roster.certificates {
        let c = &sc.certificate;
        if c.office == office {
            let pk = c.public_key()?;
            if pk.key_id() == key_id {
                if let Some(r) = roster.key_revocation(c) {
                    return Err(revoked(r));
                }
                // The same key certified again: the latest certificate counts.
                if found
                    .as_ref()
                    .is_none_or(|(f, _): &(Certificate, PublicKey)| c.issued_at >= f.issued_at)
                {
                    found = Some((c.clone(), pk));
                }
            }
        }
    }
    found.ok_or_else(|| Error::TrustUnknownSigner {
        who: format!("office {office} (key {key_id})"),
        reason: "the roster has no certificate for this key".into(),
    })
}

/// The key `office` held under `key_id`, revoked or not: what a segment's signature is checked
/// with before its operations are read; [`check_segment`] then decides from their time.
pub fn segment_key(roster: &Roster, office: &str, key_id: hoso_crypto::KeyId) -> Result<PublicKey> {
    for sc in &roster.certificates {
        let c = &sc.certificate;
        if c.office == office {
            let pk = c.public_key()?;
            if pk.key_id() == key_id {
                return Ok(pk);
            }
        }
    }
    Err(Error::TrustUnknownSigner {
        who: format!("office {office} (key {key_id})"),
        reason: "the roster has no certificate for this key".into(),
    })
}

/// The time a segment's operations claim: the latest of their clocks, but no later than the
/// clock tolerance beyond now. A workstation whose clock ran years ahead writes operations that
/// are accepted and flagged (`ImportReport::clock_ahead`), not refused because its
/// certificate will have ended by then; a revoked key gains nothing, as everything from its
/// revocation on is refused.
fn claimed_time(ops: &[crate::oplog::Op]) -> DateTime<Utc> {
    let ms = ops.iter().map(|op| op.hlc.ms).max().unwrap_or(0);
    let latest = crate::oplog::now_ms().saturating_add(crate::oplog::MAX_CLOCK_AHEAD_MS);
    DateTime::from_timestamp_millis(i64::try_from(ms.min(latest)).unwrap_or(i64::MAX))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether the key that signed `minisig` over `origin`'s `ops` was valid when they claim to
/// have been written: certified to `origin`, not revoked by then, its certificate not ended
/// (see [`Roster::segment_signer`]). Operations a revoked key signed before its revocation
/// keep flowing; later ones are refused.
pub fn check_segment(
    roster: &Roster,
    origin: &str,
    minisig: &str,
    ops: &[crate::oplog::Op],
) -> Result<()> {
    let key_id = Minisig::parse(minisig)
        .map_err(|e| Error::SegmentSignature {
            origin: origin.to_string(),
            reason: e.to_string(),
        })?
        .key_id();
    roster
        .segment_signer(origin, key_id, claimed_time(ops))
        .map(|_| ())
}

/// The certificate `office` currently encrypts to: of its certificates valid now and whose key
/// is not revoked, the newest (latest start, then latest issue).
pub fn current_certificate(
    roster: &Roster,
    office: &str,
    now: DateTime<Utc>,
) -> Result<Certificate> {
    let mut newest: Option<&Certificate> = None;
    let mut refusal = None;
    for sc in &roster.certificates {
        let c = &sc.certificate;
        if c.office != office {
            continue;
        }
        if let Some(r) = roster.key_revocation(c) {
            refusal = Some(revoked(r));
            continue;
        }
        match c.check_valid_at(now) {
            Ok(()) => {
                if newest.is_none_or(|n| (c.valid_from, c.issued_at) >= (n.valid_from, n.issued_at))
                {
                    newest = Some(c);
                }
            }
            Err(e) => {
                if refusal.is_none() {
                    refusal = Some(e);
                }
            }
        }
    }
    if let Some(c) = newest {
        return Ok(c.clone());
    }
    Err(refusal.unwrap_or_else(|| Error::TrustUnknownSigner {
        who: format!("office {office}"),
        reason: "the central office has not certified it (no certificate in the roster)".into(),
    }))
}

/// Central office: the certificates of `office` whose keys are not revoked yet.
pub(crate) fn unrevoked<'a>(
    certs: &'a [SignedCertificate],
    revs: &[Revocation],
    office: &str,
) -> Vec<&'a Certificate> {
    certs
        .iter()
        .map(|sc| &sc.certificate)
        .filter(|c| c.office == office && !revs.iter().any(|r| r.covers(c)))
        .collect()
}

pub(crate) fn only_central() -> Error {
    Error::invalid(
        "register",
        "only the central office's register holds the root key that certifies offices",
    )
}
