//! Enrolment (helper G): a new office's request for a certificate (its public keys, signed with
//! its own signing key to prove it holds it), and the central office certifying it.
//!
//! - `Register::enrolment_request() -> Result<SignedEnrolment>` (this office's keys);
//!   `SignedEnrolment::verify() -> Result<&EnrolmentRequest>`, `to_json()` / `from_json()`.
//! - `Register::certify(&SignedEnrolment, valid_from, valid_until) -> Result<SignedCertificate>`:
//!   central office only (holds the root), `office.admin`, audited as `office.certify`.

use chrono::{DateTime, Utc};
use hoso_crypto::{CryptoError, PublicKey, SigningKey};
use serde::{Deserialize, Serialize};

use super::cert::{TRUST_FORMAT, canonical, from_json, truncate_secs};
use super::{Certificate, OfficeKeys, OfficePublicKeys, SignedCertificate};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;

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
}

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
    Ok(SignedEnrolment { request, signature })
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

    /// Certifies an office from its verified request (central office only). Audited.
    pub fn certify(
        &mut self,
        request: &SignedEnrolment,
        valid_from: DateTime<Utc>,
        valid_until: DateTime<Utc>,
    ) -> Result<SignedCertificate> {
        self.require(Permission::OfficeAdmin)?;
        let r = request.verify()?;
        let keys = OfficeKeys::load(self.store().conn())?;
        let root = keys.root.as_ref().ok_or_else(|| {
            Error::invalid(
                "register",
                "only the central office's register holds the root key that certifies offices",
            )
        })?;
        let office = crate::model::normalise_office_code(&r.office)?;
        let public = OfficePublicKeys {
            key_id: String::new(),
            signing_key: r.signing_key.clone(),
            age_recipient: r.age_recipient.clone(),
        };
        let cert =
            Certificate::new(&office, &r.name, &public, valid_from, valid_until)?.sign(root)?;
        let login = self.session_info().login.clone();
        let tx = self.store_mut().conn_mut().transaction()?;
        let roster = super::roster::add_certificate(&tx, root, cert.clone())?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "office.certify",
                format!("office:{office}"),
                serde_json::json!({
                    "signing_key": r.signing_key,
                    "age_recipient": r.age_recipient,
                    "valid_from": super::time_text(&cert.certificate.valid_from),
                    "valid_until": super::time_text(&cert.certificate.valid_until),
                    "roster_serial": roster.roster.serial,
                }),
            ),
        )?;
        tx.commit()?;
        Ok(cert)
    }
}
