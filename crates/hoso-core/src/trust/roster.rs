//! The roster as this register holds it: stored after verification, replaced only by a newer
//! serial signed by the same root, and (on the central office) re-issued on every certificate
//! or revocation.

use chrono::{DateTime, Duration, Utc};
use hoso_crypto::{PublicKey, SigningKey};
use rusqlite::{Connection, OptionalExtension, params};

use super::cert::{Revocation, Roster, SignedCertificate, SignedRoster, revoked, truncate_secs};
use super::{Certificate, OfficeKeys, OfficePublicKeys, trusted_root};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;

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
fn reissue(
    conn: &Connection,
    root: &SigningKey,
    change: impl FnOnce(&mut Vec<SignedCertificate>, &mut Vec<Revocation>) -> Result<()>,
) -> Result<SignedRoster> {
    let root_pk = root.public_key();
    let (serial, mut certs, mut revs) = match stored_roster(conn)? {
        Some((_, r)) => (r.serial + 1, r.certificates, r.revocations),
        None => (1, Vec::new(), Vec::new()),
    };
    change(&mut certs, &mut revs)?;
    let mut roster = Roster::new(serial, certs, revs);
    // Only the central office holds the root: the office issuing the roster is the central one.
    roster.central = crate::register::local_office(conn)?;
    let signed = roster.sign(root)?;
    adopt_roster(conn, &root_pk, &signed)?;
    Ok(signed)
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
pub(crate) fn add_certificate(
    conn: &Connection,
    root: &SigningKey,
    cert: SignedCertificate,
) -> Result<SignedRoster> {
    reissue(conn, root, |certs, revs| {
        let new = &cert.certificate;
        revs.retain(|r| r.office != new.office);
        let starts = new.valid_from;
        let mut kept = Vec::new();
        for old in certs.drain(..) {
            let c = &old.certificate;
            if c.office != new.office {
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
/// caller against the bundle's time); revoked offices are refused.
pub fn certificate_for(
    roster: &Roster,
    office: &str,
    key_id: hoso_crypto::KeyId,
) -> Result<(Certificate, PublicKey)> {
    if let Some(r) = roster.revocation(office) {
        return Err(revoked(r));
    }
    for sc in &roster.certificates {
        let c = &sc.certificate;
        if c.office == office {
            let pk = c.public_key()?;
            if pk.key_id() == key_id {
                return Ok((c.clone(), pk));
            }
        }
    }
    Err(Error::TrustUnknownSigner {
        who: format!("office {office} (key {key_id})"),
        reason: "the roster has no certificate for this key".into(),
    })
}

/// The certificate `office` currently encrypts to (valid now, not revoked).
pub fn current_certificate(
    roster: &Roster,
    office: &str,
    now: DateTime<Utc>,
) -> Result<Certificate> {
    if let Some(r) = roster.revocation(office) {
        return Err(revoked(r));
    }
    let mut found = None;
    for sc in &roster.certificates {
        let c = &sc.certificate;
        if c.office == office {
            match c.check_valid_at(now) {
                Ok(()) => return Ok(c.clone()),
                Err(e) => found = Some(e),
            }
        }
    }
    Err(found.unwrap_or_else(|| Error::TrustUnknownSigner {
        who: format!("office {office}"),
        reason: "the central office has not certified it (no certificate in the roster)".into(),
    }))
}

impl Register {
    /// The roster this register holds (verified), if any.
    pub fn roster(&self) -> Result<Option<Roster>> {
        Ok(stored_roster(self.store().conn())?.map(|(_, r)| r))
    }

    /// Central office: revokes every certificate of `office` (it can no longer sign bundles or
    /// changes anyone accepts). Audited; the new roster travels with the next bundles.
    pub fn revoke_office(&mut self, office: &str, reason: &str) -> Result<Roster> {
        self.require(Permission::OfficeAdmin)?;
        let office = crate::model::normalise_office_code(office)?;
        if office == self.session_info().office {
            return Err(Error::invalid(
                "office",
                "the central office cannot revoke itself",
            ));
        }
        let keys = OfficeKeys::load(self.store().conn())?;
        let root = keys.root.as_ref().ok_or_else(only_central)?;
        let login = self.session_info().login.clone();
        let tx = self.store_mut().conn_mut().transaction()?;
        let known = stored_roster(&tx)?
            .map(|(_, r)| {
                r.certificates
                    .iter()
                    .any(|c| c.certificate.office == office)
            })
            .unwrap_or(false);
        if !known {
            return Err(Error::NotFound {
                entity: "certified office",
                key: office,
            });
        }
        let reason = reason.trim().to_string();
        let signed = reissue(&tx, root, |_, revs| {
            revs.retain(|r| r.office != office);
            revs.push(Revocation {
                office: office.clone(),
                revoked_at: truncate_secs(Utc::now()),
                reason: reason.clone(),
            });
            Ok(())
        })?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "office.revoke",
                format!("office:{office}"),
                serde_json::json!({ "reason": reason, "roster_serial": signed.roster.serial }),
            ),
        )?;
        tx.commit()?;
        Ok(signed.roster)
    }
}

pub(crate) fn only_central() -> Error {
    Error::invalid(
        "register",
        "only the central office's register holds the root key that certifies offices",
    )
}
