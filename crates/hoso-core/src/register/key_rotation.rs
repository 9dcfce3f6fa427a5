//! Rotating this office's signing key.
//! (Kept in the register: the trust and audit modules depend on the store, not on `Register`.)

use crate::access::Permission;
use crate::error::Result;
use crate::register::Register;
use crate::trust::enrol::signed_request;
use crate::trust::roster::{add_certificate, central_certificate};
use crate::trust::rotate::*;
use crate::trust::{OfficeKeys, OfficePublicKeys, crypto, now_text};
use hoso_crypto::SigningKey;
use rusqlite::params;

impl Register {
    /// Starts (province) or completes (central office) a rotation of this office's signing key.
    /// Administrators only. A province that rotates again before the first new key was
    /// certified replaces the pending key (the earlier request then certifies nothing usable).
    pub fn rotate_signing_key(&mut self) -> Result<KeyRotation> {
        self.require(Permission::KeyExport)?;
        let keys = OfficeKeys::load(self.store().conn())?;
        let code = self.session_info().office.clone();
        let login = self.session_info().login.clone();
        let name = self.office(&code)?.name.as_str().to_string();
        let new = SigningKey::generate().map_err(crypto)?;
        let new_pk = new.public_key();
        let public = OfficePublicKeys {
            signing_key: new_pk.to_base64(),
            key_id: new_pk.key_id().to_string(),
            age_recipient: keys.age.recipient(),
        };
        let old_key_id = keys.signing.public_key().key_id().to_string();
        let tx = self.store_mut().conn_mut().transaction()?;
        let outcome = if let Some(root) = &keys.root {
            let cert = central_certificate(root, &code, &name, &public)?;
            add_certificate(&tx, root, cert)?;
            replace_signing_key(&tx, &new.to_secret_string(), &public.signing_key)?;
            KeyRotation::Active {
                key_id: public.key_id.clone(),
                signing_key: public.signing_key.clone(),
            }
        } else {
            tx.execute(
                "INSERT INTO office_keys_pending(purpose, secret, public, created_at)
                 VALUES ('signing', ?1, ?2, ?3)
                 ON CONFLICT(purpose) DO UPDATE SET secret = excluded.secret,
                   public = excluded.public, created_at = excluded.created_at",
                params![
                    new.to_secret_string().as_str(),
                    public.signing_key,
                    now_text()
                ],
            )?;
            // Signed by the new key (it holds it) and countersigned by the current one (the
            // office that holds the certified key asks for the change).
            let request = signed_request(&code, &name, &new, &public.age_recipient, " rotation")?
                .countersigned(&keys.signing)?;
            KeyRotation::Pending {
                key_id: public.key_id.clone(),
                request,
            }
        };
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "key.rotate",
                format!("office:{code}"),
                serde_json::json!({
                    "old_key_id": old_key_id,
                    "new_key_id": public.key_id,
                    "state": if keys.root.is_some() { "active" } else { "pending" },
                }),
            ),
        )?;
        tx.commit()?;
        Ok(outcome)
    }

    /// The key id of a signing key waiting for its certificate, if any.
    pub fn pending_signing_key(&self) -> Result<Option<String>> {
        pending_public(self.store().conn())?
            .map(|line| {
                hoso_crypto::PublicKey::from_base64(&line)
                    .map(|pk| pk.key_id().to_string())
                    .map_err(crypto)
            })
            .transpose()
    }
}
