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

use super::cert::{TRUST_FORMAT, canonical, from_json, truncate_secs};
use crate::error::{Error, Result};

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
