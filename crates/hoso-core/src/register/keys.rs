//! This office's keys as officers see them: public keys, fingerprints, the age identity export.
//! (Kept in the register: the trust and audit modules depend on the store, not on `Register`.)

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::trust::*;
use hoso_crypto::PublicKey;
use zeroize::Zeroizing;

impl Register {
    /// This office's public keys and the trusted root (any officer: nothing secret).
    pub fn key_info(&self) -> Result<KeyInfo> {
        let conn = self.store().conn();
        let missing = || Error::NotFound {
            entity: "office key",
            key: "this register has no office keys".into(),
        };
        let signing_key = load_public(conn, "signing")?.ok_or_else(missing)?;
        let age_recipient = load_public(conn, "age")?.ok_or_else(missing)?;
        let pk = PublicKey::from_base64(&signing_key).map_err(crypto)?;
        let key_id = pk.key_id().to_string();
        let root = trusted_root(conn)?;
        Ok(KeyInfo {
            office: self.session_info().office.clone(),
            signing_key,
            key_id,
            key_fingerprint: fingerprint(&pk),
            age_recipient,
            root_key: root.as_ref().map(PublicKey::to_base64),
            root_fingerprint: root.as_ref().map(fingerprint),
            holds_root: load_public(conn, "root")?.is_some(),
        })
    }

    /// The trusted root's fingerprint (on the central office: its own root key).
    pub fn root_fingerprint(&self) -> Result<String> {
        trusted_root(self.store().conn())?
            .map(|pk| fingerprint(&pk))
            .ok_or_else(|| Error::NotFound {
                entity: "root key",
                key: "this office has not yet imported its set-up bundle from the central office"
                    .into(),
            })
    }

    /// This office's keys, for signing and decrypting bundles (crate-internal: the bundle layer
    /// checks its own permissions).
    pub(crate) fn office_keys(&self) -> Result<OfficeKeys> {
        OfficeKeys::load(self.store().conn())
    }

    /// The age identity as an `age -i` identity file, for opening this office's bundles by hand
    /// in an emergency. Administrators only; the export is audited (with `destination`, where
    /// the caller writes it) before the secret is returned.
    pub fn export_age_identity(&mut self, destination: &str) -> Result<Zeroizing<String>> {
        self.require(Permission::KeyExport)?;
        let keys = self.office_keys()?;
        let login = self.session_info().login.clone();
        let office = self.session_info().office.clone();
        let recipient = keys.age.recipient();
        let tx = self.store_mut().conn_mut().transaction()?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "key.export-age-identity",
                format!("office:{office}"),
                serde_json::json!({ "recipient": recipient, "destination": destination }),
            ),
        )?;
        tx.commit()?;
        let file = format!(
            "# HoSo age identity of office {office}\n# public key: {recipient}\n{}\n",
            keys.age.to_secret_string().as_str()
        );
        Ok(Zeroizing::new(file))
    }
}
