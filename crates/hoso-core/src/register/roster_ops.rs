//! The roster of office certificates and revocations, as the central office keeps it.
//! (Kept in the register: the trust and audit modules depend on the store, not on `Register`.)

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::trust::OfficeKeys;
use crate::trust::cert::{Revocation, Roster, truncate_secs};
use crate::trust::roster::*;
use chrono::{Duration, Utc};

impl Register {
    /// The roster this register holds (verified), if any.
    pub fn roster(&self) -> Result<Option<Roster>> {
        Ok(stored_roster(self.store().conn())?.map(|(_, r)| r))
    }

    /// Central office: revokes every key of `office` not revoked yet (bundles they sign and
    /// changes they sign after now are refused; what they signed before keeps flowing). A
    /// revoked key never becomes valid again: certifying the office again adds only the new
    /// key. Audited; the new roster travels with the next bundles.
    pub fn revoke_office(&mut self, office: &str, reason: &str) -> Result<Roster> {
        self.revoke_keys(office, None, reason)
            .map(|(roster, _)| roster)
    }

    /// Central office: revokes `key` of `office` (its key id, 16 hex digits, or its public key
    /// line), or with `None` every key of `office` not revoked yet. Returns the new roster and
    /// the revocations added.
    pub fn revoke_keys(
        &mut self,
        office: &str,
        key: Option<&str>,
        reason: &str,
    ) -> Result<(Roster, Vec<Revocation>)> {
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
        // Rounded up to the next second: what the key signed until now stays valid.
        let revoked_at = truncate_secs(Utc::now()) + Duration::seconds(1);
        let mut added: Vec<Revocation> = Vec::new();
        let signed = reissue(&tx, root, |certs, revs| {
            let mut targets: Vec<String> = Vec::new();
            for c in unrevoked(certs, revs, &office) {
                let matches = match key {
                    None => true,
                    Some(k) => {
                        let k = k.trim();
                        c.signing_key == k
                            || c.public_key()?.key_id().to_string().eq_ignore_ascii_case(k)
                    }
                };
                if matches && !targets.contains(&c.signing_key) {
                    targets.push(c.signing_key.clone());
                }
            }
            if targets.is_empty() {
                return Err(Error::NotFound {
                    entity: "unrevoked key",
                    key: match key {
                        Some(k) => format!("{office}: {}", k.trim()),
                        None => format!("{office}: every key of this office is already revoked"),
                    },
                });
            }
            for k in targets {
                let r = Revocation {
                    office: office.clone(),
                    signing_key: Some(k),
                    revoked_at,
                    reason: reason.clone(),
                };
                revs.push(r.clone());
                added.push(r);
            }
            Ok(())
        })?;
        let key_ids: Vec<String> = added.iter().filter_map(Revocation::key_id).collect();
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "office.revoke",
                format!("office:{office}"),
                serde_json::json!({
                    "reason": reason,
                    "key_ids": key_ids,
                    "roster_serial": signed.roster.serial,
                }),
            ),
        )?;
        tx.commit()?;
        Ok((signed.roster, added))
    }
}
