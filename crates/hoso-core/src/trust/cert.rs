//! Office certificates and the roster, signed by the root key (minisign format over the
//! canonical JSON of the certificate / roster, so `minisign -V` can check them by hand).
//!
//! - `Certificate::new(office, name, &OfficePublicKeys, valid_from, valid_until)`,
//!   `.sign(&root) -> Result<SignedCertificate>`; `SignedCertificate::verify(&root_pk) ->
//!   Result<&Certificate>` (root and signature only), `check(&root_pk, at, &[Revocation]) ->
//!   Result<&Certificate>` (also revocation and validity at `at`).
//! - `Roster { serial, issued_at, certificates, revocations, .. }`, `.sign(&root) ->
//!   Result<SignedRoster>`; `SignedRoster::verify(&root_pk) -> Result<&Roster>` (the roster's
//!   signature and every certificate's); `Roster::signer(office, key_id, at) ->
//!   Result<(&Certificate, PublicKey)>` on a verified roster.
//! - Revocations name a **key**, not an office: a revoked key never becomes valid again,
//!   whatever is certified later (`Revocation::covers`, `Roster::key_revocation`). What the key
//!   signed before `revoked_at` (operations whose clocks say so) stays valid
//!   (`Roster::segment_signer`); a bundle signed by a revoked key is refused whatever its date.
//! - `to_json()` / `from_json()` on the signed forms (files and bundle members).
//!
//! Check order, each with its own error: unknown root (`trust-unknown-signer`), altered content
//! (`trust-bad-signature`), revoked key (`trust-revoked`), outside validity (`trust-expired`).

use chrono::{DateTime, Utc};
use hoso_crypto::{CryptoError, KeyId, PublicKey, SigningKey};
use serde::{Deserialize, Serialize};

use super::{OfficePublicKeys, time_text};
use crate::error::{Error, Result};
use crate::oplog::canonical_json;

/// Format version of certificates and enrolment requests (and of the rosters of HoSo before
/// key revocations, which are still read).
pub const TRUST_FORMAT: u32 = 1;
/// Format version of the rosters with revocations this HoSo issues: 2, where every revocation
/// names the key it revokes. A roster without revocations is issued as format 1 (the same
/// content, which every HoSo reads). Format-1 rosters with revocations naming only an office
/// are still read: such a revocation covers every key certified to the office up to its time.
pub const ROSTER_FORMAT: u32 = 2;
/// Certificate and roster files are small; refuse anything larger before parsing.
pub const MAX_TRUST_FILE: usize = 4 * 1024 * 1024;

/// The central office's statement that `signing_key` and `age_recipient` belong to `office`
/// between `valid_from` and `valid_until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub format: u32,
    pub office: String,
    pub name: String,
    /// minisign public key line
    pub signing_key: String,
    pub age_recipient: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    /// minisign key id of the root that signed it (16 hex digits)
    pub root_key_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCertificate {
    pub certificate: Certificate,
    /// `.minisig` text over the certificate's canonical JSON
    pub signature: String,
}

/// A signing key the central office no longer trusts, for good: no later certificate makes it
/// valid again. A bundle it signs is refused whatever its date (a stolen key can write any
/// date); the operations it signed that claim a time before `revoked_at` keep flowing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// The office the key was certified to.
    pub office: String,
    /// The revoked signing key (minisign public key line). Absent only in format-1 rosters,
    /// whose revocations named the office: every key certified to it until `revoked_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    pub revoked_at: DateTime<Utc>,
    pub reason: String,
}

impl Revocation {
    /// Whether this revocation revokes the key `cert` certifies.
    pub fn covers(&self, cert: &Certificate) -> bool {
        match &self.signing_key {
            Some(key) => *key == cert.signing_key,
            None => self.office == cert.office && cert.issued_at <= self.revoked_at,
        }
    }

    /// The revoked key's id, for messages (the office alone for a format-1 revocation).
    pub fn key_id(&self) -> Option<String> {
        let key = self.signing_key.as_deref()?;
        PublicKey::from_base64(key)
            .ok()
            .map(|pk| pk.key_id().to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    pub format: u32,
    pub root_key_id: String,
    /// Increases with every roster the central office issues (newer replaces older).
    pub serial: u64,
    pub issued_at: DateTime<Utc>,
    pub certificates: Vec<SignedCertificate>,
    pub revocations: Vec<Revocation>,
    /// The central office's code: the one origin whose authority covers reference data, the
    /// office list and the rules (DESIGN "Authority"). Rosters issued before this field: the
    /// first certificate's office (see [`Roster::central_office`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedRoster {
    pub roster: Roster,
    pub signature: String,
}

pub(crate) fn canonical<T: Serialize>(v: &T) -> Result<String> {
    let value = serde_json::to_value(v).map_err(|e| Error::Storage(e.to_string()))?;
    Ok(canonical_json(&value))
}

pub(crate) fn truncate_secs(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// Signature check of `body` by `root`, with errors that say which check failed.
fn verify_signed(
    root: &PublicKey,
    claimed_root: &str,
    body: &str,
    sig: &str,
    what: &str,
) -> Result<()> {
    if claimed_root != root.key_id().to_string() {
        return Err(Error::TrustUnknownSigner {
            who: what.to_string(),
            reason: format!(
                "signed by root key {claimed_root}, but this office trusts root key {}",
                root.key_id()
            ),
        });
    }
    root.verify(body.as_bytes(), sig)
        .map(|_| ())
        .map_err(|e| match e {
            CryptoError::SignatureKeyMismatch { found, expected } => Error::TrustUnknownSigner {
                who: what.to_string(),
                reason: format!(
                    "signed by key {found}, but this office trusts root key {expected}"
                ),
            },
            CryptoError::BadSignature => Error::TrustBadSignature {
                what: what.to_string(),
            },
            other => Error::TrustMalformed {
                what: what.to_string(),
                reason: other.to_string(),
            },
        })
}

pub(crate) fn from_json<T: for<'de> Deserialize<'de>>(text: &str, what: &str) -> Result<T> {
    if text.len() > MAX_TRUST_FILE {
        return Err(Error::TrustMalformed {
            what: what.into(),
            reason: format!("larger than {MAX_TRUST_FILE} bytes"),
        });
    }
    serde_json::from_str(text).map_err(|e| Error::TrustMalformed {
        what: what.into(),
        reason: e.to_string(),
    })
}

impl Certificate {
    /// A certificate for `office` (root key id and issue time are set by `sign`).
    pub fn new(
        office: &str,
        name: &str,
        keys: &OfficePublicKeys,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
    ) -> Result<Certificate> {
        if valid_until <= valid_from {
            return Err(Error::invalid(
                "validity",
                "the end of the validity period must come after its start",
            ));
        }
        PublicKey::from_base64(&keys.signing_key)
            .map_err(|e| Error::invalid("signing key", e.to_string()))?;
        hoso_crypto::seal::parse_recipient(&keys.age_recipient)
            .map_err(|e| Error::invalid("age recipient", e.to_string()))?;
        Ok(Certificate {
            format: TRUST_FORMAT,
            office: office.to_string(),
            name: name.to_string(),
            signing_key: keys.signing_key.clone(),
            age_recipient: keys.age_recipient.clone(),
            valid_from: truncate_secs(valid_from),
            valid_until: truncate_secs(valid_until),
            issued_at: truncate_secs(Utc::now()),
            root_key_id: String::new(),
        })
    }

    fn what(&self) -> String {
        format!("the certificate of office {}", self.office)
    }

    pub fn sign(mut self, root: &SigningKey) -> Result<SignedCertificate> {
        self.root_key_id = root.key_id().to_string();
        let body = canonical(&self)?;
        let comment = format!(
            "hoso certificate office={} key={} root={}",
            self.office,
            self.public_key()?.key_id(),
            self.root_key_id
        );
        let signature = root
            .sign(body.as_bytes(), &comment)
            .map_err(|e| Error::Storage(e.to_string()))?;
        Ok(SignedCertificate {
            certificate: self,
            signature,
        })
    }

    /// The office's signing key.
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_base64(&self.signing_key).map_err(|e| Error::TrustMalformed {
            what: self.what(),
            reason: e.to_string(),
        })
    }

    /// Valid at `at` (inclusive start, exclusive end).
    pub fn check_valid_at(&self, at: DateTime<Utc>) -> Result<()> {
        if at < self.valid_from || at >= self.valid_until {
            return Err(Error::TrustExpired {
                office: self.office.clone(),
                at: time_text(&at),
                valid_from: time_text(&self.valid_from),
                valid_until: time_text(&self.valid_until),
            });
        }
        Ok(())
    }
}

impl SignedCertificate {
    /// Checks that `root` signed this certificate and nothing in it changed since.
    pub fn verify(&self, root: &PublicKey) -> Result<&Certificate> {
        let c = &self.certificate;
        if c.format != TRUST_FORMAT {
            return Err(Error::TrustMalformed {
                what: c.what(),
                reason: format!("format {} (this HoSo reads {TRUST_FORMAT})", c.format),
            });
        }
        let body = canonical(c)?;
        verify_signed(root, &c.root_key_id, &body, &self.signature, &c.what())?;
        c.public_key()?;
        Ok(c)
    }

    /// The full check: root, signature, not revoked, valid at `at`.
    pub fn check(
        &self,
        root: &PublicKey,
        at: DateTime<Utc>,
        revocations: &[Revocation],
    ) -> Result<&Certificate> {
        let c = self.verify(root)?;
        if let Some(r) = revocations.iter().find(|r| r.covers(c)) {
            return Err(revoked(r));
        }
        c.check_valid_at(at)?;
        Ok(c)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("certificate serialises")
    }

    pub fn from_json(text: &str) -> Result<SignedCertificate> {
        from_json(text, "the certificate file")
    }
}

pub(crate) fn revoked(r: &Revocation) -> Error {
    Error::TrustRevoked {
        office: match r.key_id() {
            Some(id) => format!("{} (signing key {id})", r.office),
            None => r.office.clone(),
        },
        revoked_at: time_text(&r.revoked_at),
        reason: r.reason.clone(),
    }
}

impl Roster {
    pub fn new(
        serial: u64,
        certificates: Vec<SignedCertificate>,
        revocations: Vec<Revocation>,
    ) -> Roster {
        Roster {
            format: if revocations.is_empty() {
                TRUST_FORMAT
            } else {
                ROSTER_FORMAT
            },
            root_key_id: String::new(),
            serial,
            issued_at: truncate_secs(Utc::now()),
            certificates,
            revocations,
            central: None,
        }
    }

    /// The central office named by this root-signed roster.
    pub fn central_office(&self) -> Option<&str> {
        self.central.as_deref().or_else(|| {
            self.certificates
                .first()
                .map(|c| c.certificate.office.as_str())
        })
    }

    pub fn sign(mut self, root: &SigningKey) -> Result<SignedRoster> {
        self.root_key_id = root.key_id().to_string();
        let body = canonical(&self)?;
        let comment = format!(
            "hoso roster serial={} root={}",
            self.serial, self.root_key_id
        );
        let signature = root
            .sign(body.as_bytes(), &comment)
            .map_err(|e| Error::Storage(e.to_string()))?;
        Ok(SignedRoster {
            roster: self,
            signature,
        })
    }

    /// The revocation of the key `cert` certifies, if it was revoked.
    pub fn key_revocation(&self, cert: &Certificate) -> Option<&Revocation> {
        self.revocations.iter().find(|r| r.covers(cert))
    }

    /// The revocation of the signing key `signing_key` (public key line), if it was ever revoked.
    pub fn revocation_of_key(&self, signing_key: &str) -> Option<&Revocation> {
        self.revocations.iter().find(|r| {
            r.signing_key.as_deref() == Some(signing_key)
                || (r.signing_key.is_none()
                    && self.certificates.iter().any(|c| {
                        c.certificate.signing_key == signing_key && r.covers(&c.certificate)
                    }))
        })
    }

    /// The revocation that left `office` without any key: `Some` when the office has
    /// certificates and every one of them is revoked (the latest such revocation). An office
    /// certified again with a new key after a revocation has `None`.
    pub fn revocation(&self, office: &str) -> Option<&Revocation> {
        let mut last: Option<&Revocation> = None;
        for sc in self
            .certificates
            .iter()
            .filter(|c| c.certificate.office == office)
        {
            let r = self.key_revocation(&sc.certificate)?;
            if last.is_none_or(|l| r.revoked_at > l.revoked_at) {
                last = Some(r);
            }
        }
        last
    }

    /// The certificate and key `office` signs with under key id `key_id` at `at` (a revoked
    /// key is refused whatever `at` is). Only on a roster returned by [`SignedRoster::verify`].
    pub fn signer(
        &self,
        office: &str,
        key_id: KeyId,
        at: DateTime<Utc>,
    ) -> Result<(&Certificate, PublicKey)> {
        let mut outside = None;
        for sc in &self.certificates {
            let c = &sc.certificate;
            if c.office != office {
                continue;
            }
            let pk = c.public_key()?;
            if pk.key_id() != key_id {
                continue;
            }
            if let Some(r) = self.key_revocation(c) {
                return Err(revoked(r));
            }
            match c.check_valid_at(at) {
                Ok(()) => return Ok((c, pk)),
                Err(e) => outside = Some(e),
            }
        }
        Err(outside.unwrap_or_else(|| unknown_key(office, key_id)))
    }

    /// The key that signed a segment of `office`'s operations, checked at the time those
    /// operations claim (`claimed`: the latest of their clocks): certified to `office`, not
    /// revoked at or before `claimed`, and `claimed` before the end of its certificate. The
    /// start of the certificate is not checked: an office writes operations before it is first
    /// certified (its register's set-up) and signs its segments when it exports them, possibly
    /// with a newer key than the one it held when it wrote them.
    pub fn segment_signer(
        &self,
        office: &str,
        key_id: KeyId,
        claimed: DateTime<Utc>,
    ) -> Result<PublicKey> {
        let mut refusal = None;
        for sc in &self.certificates {
            let c = &sc.certificate;
            if c.office != office {
                continue;
            }
            let pk = c.public_key()?;
            if pk.key_id() != key_id {
                continue;
            }
            if let Some(r) = self.key_revocation(c)
                && claimed >= r.revoked_at
            {
                return Err(revoked_for(r, claimed));
            }
            if claimed < c.valid_until {
                return Ok(pk);
            }
            refusal = Some(Error::TrustExpired {
                office: c.office.clone(),
                at: time_text(&claimed),
                valid_from: time_text(&c.valid_from),
                valid_until: time_text(&c.valid_until),
            });
        }
        Err(refusal.unwrap_or_else(|| unknown_key(office, key_id)))
    }
}

fn unknown_key(office: &str, key_id: KeyId) -> Error {
    Error::TrustUnknownSigner {
        who: format!("office {office} (key {key_id})"),
        reason: "the roster has no certificate for this key".into(),
    }
}

/// A revoked key's operations that claim a time after the revocation.
fn revoked_for(r: &Revocation, claimed: DateTime<Utc>) -> Error {
    match revoked(r) {
        Error::TrustRevoked {
            office,
            revoked_at,
            reason,
        } => Error::TrustRevoked {
            office,
            revoked_at,
            reason: format!(
                "{reason} (changes it signed dated {} come after the revocation)",
                time_text(&claimed)
            ),
        },
        other => other,
    }
}

impl SignedRoster {
    /// Checks the roster's signature and that every certificate in it is signed by `root`.
    pub fn verify(&self, root: &PublicKey) -> Result<&Roster> {
        let r = &self.roster;
        let what = format!("the roster (serial {})", r.serial);
        if r.format != TRUST_FORMAT && r.format != ROSTER_FORMAT {
            return Err(Error::TrustMalformed {
                what,
                reason: format!(
                    "format {} (this HoSo reads {TRUST_FORMAT} and {ROSTER_FORMAT})",
                    r.format
                ),
            });
        }
        let body = canonical(r)?;
        verify_signed(root, &r.root_key_id, &body, &self.signature, &what)?;
        if r.format >= ROSTER_FORMAT && r.revocations.iter().any(|v| v.signing_key.is_none()) {
            return Err(Error::TrustMalformed {
                what,
                reason: "a revocation does not name the key it revokes".into(),
            });
        }
        for c in &r.certificates {
            c.verify(root)?;
        }
        Ok(r)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("roster serialises")
    }

    pub fn from_json(text: &str) -> Result<SignedRoster> {
        from_json(text, "the roster")
    }
}
