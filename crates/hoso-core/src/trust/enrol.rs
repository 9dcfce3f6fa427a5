//! Enrolment (helper G): a new office's request for a certificate (its public keys, signed with
//! its own signing key to prove it holds it), and the central office certifying it.
//!
//! - `Register::enrolment_request() -> Result<SignedEnrolment>` (this office's keys);
//!   `SignedEnrolment::verify() -> Result<&EnrolmentRequest>`, `to_json()` / `from_json()`.
//! - `Register::certify(&SignedEnrolment, valid_from, valid_until) -> Result<SignedCertificate>`:
//!   central office only (holds the root), `office.admin`, audited as `office.certify`;
//!   `Register::certify_with(.., replace_key)` also re-keys an office that holds a valid key;
//!   `Register::certify_opts(.., CertifyOptions { replace_key, closed_office })`. Certifying
//!   links the office to its entry in the office list (created when missing; a closed office's
//!   code only with `closed_office`).
//! - A rotation request (`hoso office rotate-key`) is also countersigned by the office's current
//!   key (`SignedEnrolment::countersignature`). Certifying a new key for an office that still
//!   holds a valid key needs both: the countersignature by one of its valid keys, and the
//!   officer's explicit `replace_key` (after confirming the new key's fingerprint by phone).
//!   Never for the central office's own code (its keys rotate on its own register), never for
//!   a revoked key.

use chrono::{DateTime, Utc};
use hoso_crypto::{CryptoError, PublicKey, SigningKey};
use serde::{Deserialize, Serialize};

use super::cert::{TRUST_FORMAT, canonical, from_json, revoked, truncate_secs};
use super::roster::{only_central, stored_roster};
use super::{Certificate, OfficeKeys, OfficePublicKeys, SignedCertificate, fingerprint};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;

/// What [`Register::certify_opts`] may do beyond certifying a new office.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CertifyOptions {
    /// Replace the key of an office that holds a valid one (see [`Register::certify_with`]).
    pub replace_key: bool,
    /// Certify a code that names a closed office (merged into another): only when meant.
    pub closed_office: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    pub format: u32,
    pub office: String,
    pub name: String,
    pub signing_key: String,
    pub age_recipient: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedEnrolment {
    pub request: EnrolmentRequest,
    /// `.minisig` by the requesting office's own signing key over the request's canonical JSON
    pub signature: String,
    /// Rotation requests: `.minisig` by the office's current (certified) signing key over
    /// [`COUNTERSIGN_PREFIX`] followed by the request's canonical JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countersignature: Option<String>,
}

/// What the current key signs before the request's canonical JSON, so that a countersignature
/// can never be taken from, or pass for, any other signature the key makes.
pub const COUNTERSIGN_PREFIX: &str = "hoso-rotation-countersignature-v1\n";

impl SignedEnrolment {
    /// Checks the self-signature: the request was made by whoever holds `signing_key`, and was
    /// not altered on the way (a changed office code or age recipient fails).
    pub fn verify(&self) -> Result<&EnrolmentRequest> {
        let r = &self.request;
        let what = format!("the enrolment request of office {}", r.office);
        if r.format != TRUST_FORMAT {
            return Err(Error::TrustMalformed {
                what,
                reason: format!("format {} (this HoSo reads {TRUST_FORMAT})", r.format),
            });
        }
        let pk = PublicKey::from_base64(&r.signing_key).map_err(|e| Error::TrustMalformed {
            what: what.clone(),
            reason: e.to_string(),
        })?;
        let body = canonical(r)?;
        pk.verify(body.as_bytes(), &self.signature)
            .map_err(|e| match e {
                CryptoError::BadSignature | CryptoError::SignatureKeyMismatch { .. } => {
                    Error::TrustBadSignature { what: what.clone() }
                }
                other => Error::TrustMalformed {
                    what: what.clone(),
                    reason: other.to_string(),
                },
            })?;
        Ok(r)
    }

    /// The same request, countersigned by `current` (the office's certified key).
    pub fn countersigned(mut self, current: &SigningKey) -> Result<SignedEnrolment> {
        let body = countersigned_body(&self.request)?;
        let comment = format!(
            "hoso rotation countersignature office={} new-key={}",
            self.request.office,
            self.key()?.key_id()
        );
        self.countersignature = Some(
            current
                .sign(body.as_bytes(), &comment)
                .map_err(|e| Error::Storage(e.to_string()))?,
        );
        Ok(self)
    }

    /// The key the request asks to certify.
    pub fn key(&self) -> Result<PublicKey> {
        PublicKey::from_base64(&self.request.signing_key).map_err(|e| Error::TrustMalformed {
            what: format!("the enrolment request of office {}", self.request.office),
            reason: e.to_string(),
        })
    }

    /// The key id of the countersigning key, if countersigned (unverified).
    pub fn countersigner(&self) -> Result<Option<hoso_crypto::KeyId>> {
        self.countersignature
            .as_deref()
            .map(|sig| {
                hoso_crypto::sign::Minisig::parse(sig)
                    .map(|m| m.key_id())
                    .map_err(|e| Error::TrustMalformed {
                        what: format!(
                            "the countersignature of the request of office {}",
                            self.request.office
                        ),
                        reason: e.to_string(),
                    })
            })
            .transpose()
    }

    /// Checks the countersignature with `current`.
    pub fn verify_countersignature(&self, current: &PublicKey) -> Result<()> {
        let what = format!(
            "the countersignature of the request of office {}",
            self.request.office
        );
        let sig = self
            .countersignature
            .as_deref()
            .ok_or_else(|| Error::TrustBadSignature { what: what.clone() })?;
        let body = countersigned_body(&self.request)?;
        current
            .verify(body.as_bytes(), sig)
            .map(|_| ())
            .map_err(|e| match e {
                CryptoError::BadSignature | CryptoError::SignatureKeyMismatch { .. } => {
                    Error::TrustBadSignature { what: what.clone() }
                }
                other => Error::TrustMalformed {
                    what: what.clone(),
                    reason: other.to_string(),
                },
            })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("request serialises")
    }

    pub fn from_json(text: &str) -> Result<SignedEnrolment> {
        from_json(text, "the enrolment request")
    }
}

/// A request for `signing`'s certificate, signed with it to prove the office holds it.
/// `comment` ends the signature's trusted comment.
pub(crate) fn signed_request(
    office: &str,
    name: &str,
    signing: &SigningKey,
    age_recipient: &str,
    comment: &str,
) -> Result<SignedEnrolment> {
    let request = EnrolmentRequest {
        format: TRUST_FORMAT,
        office: office.to_string(),
        name: name.to_string(),
        signing_key: signing.public_key().to_base64(),
        age_recipient: age_recipient.to_string(),
        created_at: truncate_secs(Utc::now()),
    };
    let body = canonical(&request)?;
    let signature = signing
        .sign(
            body.as_bytes(),
            &format!("hoso enrolment request office={office}{comment}"),
        )
        .map_err(|e| Error::Storage(e.to_string()))?;
    Ok(SignedEnrolment {
        request,
        signature,
        countersignature: None,
    })
}

fn countersigned_body(request: &EnrolmentRequest) -> Result<String> {
    Ok(format!("{COUNTERSIGN_PREFIX}{}", canonical(request)?))
}

impl Register {
    /// This office's enrolment request, to carry to the central office.
    pub fn enrolment_request(&self) -> Result<SignedEnrolment> {
        let keys = OfficeKeys::load(self.store().conn())?;
        let code = self.session_info().office.clone();
        let office = self.office(&code)?;
        signed_request(
            &code,
            office.name.as_str(),
            &keys.signing,
            &keys.age.recipient(),
            "",
        )
    }

    /// Certifies an office from its verified request (central office only), refusing to
    /// replace the key of an office that holds a valid one. Audited.
    pub fn certify(
        &mut self,
        request: &SignedEnrolment,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
    ) -> Result<SignedCertificate> {
        self.certify_with(request, valid_from, valid_until, false)
    }

    /// [`Self::certify`]; with `replace_key` (the officer confirmed the new key's fingerprint
    /// with the office), also a new key for an office that holds a valid one — only from a
    /// request countersigned by one of its valid keys. The office's other keys end
    /// [`super::roster::ROTATION_GRACE_DAYS`] later. Never the central office's own code, never
    /// a revoked key.
    pub fn certify_with(
        &mut self,
        request: &SignedEnrolment,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
        replace_key: bool,
    ) -> Result<SignedCertificate> {
        self.certify_opts(
            request,
            valid_from,
            valid_until,
            CertifyOptions {
                replace_key,
                closed_office: false,
            },
        )
    }

    /// [`Self::certify_with`] with every option. The certified office is linked to its entry
    /// in the office list, in the same transaction: the entry is created (a province under
    /// this central office, named as the request names it) when the list has none; a code
    /// that names a closed office (merged into another) is refused unless
    /// `options.closed_office`.
    pub fn certify_opts(
        &mut self,
        request: &SignedEnrolment,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
        options: CertifyOptions,
    ) -> Result<SignedCertificate> {
        let CertifyOptions {
            replace_key,
            closed_office,
        } = options;
        self.require(Permission::OfficeAdmin)?;
        let r = request.verify()?;
        let keys = OfficeKeys::load(self.store().conn())?;
        let root = keys.root.as_ref().ok_or_else(only_central)?;
        let office = crate::model::normalise_office_code(&r.office)?;
        if office == self.session_info().office {
            return Err(Error::invalid(
                "office",
                format!(
                    "{office} is this central office: its keys are certified on this register \
                     (`hoso office rotate-key`), never from a request"
                ),
            ));
        }
        let new_key = request.key()?;
        let new_fp = fingerprint(&new_key);
        let roster = stored_roster(self.store().conn())?
            .map(|(_, r)| r)
            .ok_or(Error::TrustRootMissing)?;
        if let Some(rev) = roster.revocation_of_key(&r.signing_key) {
            return Err(revoked(rev));
        }
        if let Some(other) = roster
            .certificates
            .iter()
            .map(|sc| &sc.certificate)
            .find(|c| c.signing_key == r.signing_key && c.office != office)
        {
            return Err(Error::invalid(
                "signing key",
                format!(
                    "key {} is certified to office {}: each office signs with its own key",
                    new_key.key_id(),
                    other.office
                ),
            ));
        }
        let now = Utc::now();
        // The office's keys that are valid now (not revoked, within their dates).
        let current: Vec<&Certificate> = roster
            .certificates
            .iter()
            .map(|sc| &sc.certificate)
            .filter(|c| {
                c.office == office
                    && roster.key_revocation(c).is_none()
                    && c.check_valid_at(now).is_ok()
            })
            .collect();
        let renewal = current.iter().any(|c| c.signing_key == r.signing_key);
        let mut countersigned_by = None;
        if let Some(id) = request.countersigner()? {
            // Whoever countersigns must hold one of the office's valid keys.
            let signer = current
                .iter()
                .map(|c| c.public_key())
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .find(|pk| pk.key_id() == id)
                .ok_or_else(|| Error::TrustUnknownSigner {
                    who: format!("the countersignature of the request of office {office}"),
                    reason: format!(
                        "key {id} is not a valid key of office {office} (unknown, revoked or \
                         expired)"
                    ),
                })?;
            request.verify_countersignature(&signer)?;
            countersigned_by = Some(id.to_string());
        }
        if !current.is_empty() && !renewal {
            let held: Vec<String> = current
                .iter()
                .map(|c| c.public_key().map(|pk| pk.key_id().to_string()))
                .collect::<Result<_>>()?;
            if countersigned_by.is_none() {
                return Err(Error::TrustBadSignature {
                    what: format!(
                        "the request for a new key of office {office}: the office holds valid \
                         key {}, so a new key must come as a rotation request countersigned by \
                         it (`hoso office rotate-key`); if that key is lost or stolen, revoke it \
                         first (`hoso office revoke {office}`)",
                        held.join(", ")
                    ),
                });
            }
            if !replace_key {
                return Err(Error::invalid(
                    "replace-key",
                    format!(
                        "office {office} already holds valid key {}; certifying key {} \
                         (fingerprint {new_fp}) replaces it: confirm this fingerprint with the \
                         office by phone, then certify again with --replace-key",
                        held.join(", "),
                        new_key.key_id()
                    ),
                ));
            }
        }
        let public = OfficePublicKeys {
            key_id: String::new(),
            signing_key: r.signing_key.clone(),
            age_recipient: r.age_recipient.clone(),
        };
        let cert =
            Certificate::new(&office, &r.name, &public, valid_from, valid_until)?.sign(root)?;
        let replaced_key = !current.is_empty() && !renewal;
        let central = self.session_info().office.clone();
        self.write(|txn, s| {
            let entry_created = crate::register::offices::link_certified_office(
                txn,
                &office,
                &r.name,
                &central,
                closed_office,
            )?;
            let roster = super::roster::add_certificate(txn.tx(), root, cert.clone())?;
            crate::audit::append(
                txn.tx(),
                &crate::audit::NewEntry::new(
                    &s.login,
                    "office.certify",
                    format!("office:{office}"),
                    serde_json::json!({
                        "signing_key": r.signing_key,
                        "key_id": new_key.key_id().to_string(),
                        "key_fingerprint": new_fp,
                        "age_recipient": r.age_recipient,
                        "valid_from": super::time_text(&cert.certificate.valid_from),
                        "valid_until": super::time_text(&cert.certificate.valid_until),
                        "replaced_key": replaced_key,
                        "countersigned_by": countersigned_by,
                        "roster_serial": roster.roster.serial,
                        "office_entry_created": entry_created,
                    }),
                ),
            )?;
            Ok(())
        })?;
        Ok(cert)
    }
}
