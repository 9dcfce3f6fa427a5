//! Enrolment: the request a province carries to the central office, and the certification that answers it.
//! (Kept in the register: the trust and audit modules depend on the store, not on `Register`.)

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::trust::cert::revoked;
use crate::trust::enrol::*;
use crate::trust::roster::{only_central, stored_roster};
use crate::trust::{Certificate, OfficeKeys, OfficePublicKeys, SignedCertificate, fingerprint};
use chrono::{DateTime, Utc};

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
    /// [`crate::trust::roster::ROTATION_GRACE_DAYS`] later. Never the central office's own code, never
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
            let roster = crate::trust::roster::add_certificate(txn.tx(), root, cert.clone())?;
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
                        "valid_from": crate::trust::time_text(&cert.certificate.valid_from),
                        "valid_until": crate::trust::time_text(&cert.certificate.valid_until),
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
