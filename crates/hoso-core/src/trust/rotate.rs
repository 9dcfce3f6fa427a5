//! Rotation of an office's signing key (`hoso office rotate-key`).
//!
//! - Province: `Register::rotate_signing_key()` generates a new key, keeps it in the LOCAL table
//!   `office_keys_pending` and returns an enrolment request for it (signed by the new key and
//!   countersigned by the current one, both checked by `certify`). The
//!   office goes on signing with its current key until a bundle brings a roster certifying the
//!   new one: the import then calls [`activate_pending_key`] in its transaction and the new key
//!   becomes the signing key.
//! - Central office (holds the root): the new key is certified at once and replaces the old.
//!
//! The roster ends the old certificate where the new one starts, so bundles signed before the
//! rotation stay valid. Audited as `key.rotate`.

use hoso_crypto::SigningKey;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use zeroize::Zeroizing;

use super::roster::stored_roster;
use super::{SignedEnrolment, crypto, now_text};
use crate::error::{Error, Result};

/// What `rotate_signing_key` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum KeyRotation {
    /// Central office: the new key is certified and signs from now on.
    Active { key_id: String, signing_key: String },
    /// Province: the new key waits for its certificate; carry `request` to the central office.
    Pending {
        key_id: String,
        request: SignedEnrolment,
    },
}

pub(crate) fn pending_public(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT public FROM office_keys_pending WHERE purpose = 'signing'",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn replace_signing_key(
    conn: &Connection,
    secret: &Zeroizing<String>,
    public: &str,
) -> Result<()> {
    let n = conn.execute(
        "UPDATE office_keys SET secret = ?1, public = ?2, created_at = ?3 WHERE purpose = 'signing'",
        params![secret.as_str(), public, now_text()],
    )?;
    if n != 1 {
        return Err(Error::NotFound {
            entity: "office key",
            key: "this register has no signing key to replace".into(),
        });
    }
    Ok(())
}

/// Inside an import's transaction, once the roster was adopted: if the stored roster now
/// certifies this office's pending signing key, that key becomes the signing key. Returns
/// whether it did. Audited (as the system: the officer importing did not choose it).
pub(crate) fn activate_pending_key(tx: &rusqlite::Connection) -> Result<bool> {
    let Some(public) = pending_public(tx)? else {
        return Ok(false);
    };
    let Some((_, roster)) = stored_roster(tx)? else {
        return Ok(false);
    };
    let Some(me) = crate::store::local_office(tx)? else {
        return Ok(false);
    };
    let certified = roster.certificates.iter().any(|c| {
        c.certificate.office == me
            && c.certificate.signing_key == public
            && roster.key_revocation(&c.certificate).is_none()
    });
    if !certified {
        return Ok(false);
    }
    let secret: Zeroizing<String> = Zeroizing::new(tx.query_row(
        "SELECT secret FROM office_keys_pending WHERE purpose = 'signing'",
        [],
        |r| r.get(0),
    )?);
    // Refuse a damaged pending key rather than replace a working one with it.
    let key = SigningKey::from_secret_str(&secret).map_err(crypto)?;
    if key.public_key().to_base64() != public {
        return Err(Error::Storage(
            "the pending signing key does not match its public key".into(),
        ));
    }
    replace_signing_key(tx, &secret, &public)?;
    tx.execute(
        "DELETE FROM office_keys_pending WHERE purpose = 'signing'",
        [],
    )?;
    crate::audit::append(
        tx,
        &crate::audit::NewEntry::new(
            "",
            "key.rotate",
            format!("office:{me}"),
            serde_json::json!({
                "new_key_id": key.key_id().to_string(),
                "state": "activated",
                "roster_serial": roster.serial,
            }),
        ),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use chrono::{Duration, Utc};

    use super::*;
    use crate::model::CaseKind;
    use crate::register::{InitParams, NewCase, Register};
    use crate::store::{FAST_KDF_FOR_TESTS, Store};
    use crate::sync::ImportOutcome;
    use crate::text::Text;

    fn init(dir: &Path, code: &str, central: bool) -> Register {
        let path = dir.join(format!("{code}.hoso-db"));
        let (store, _) = Store::create(&path, "admin", "mật khẩu", &FAST_KDF_FOR_TESTS).unwrap();
        Register::initialise(
            store,
            InitParams {
                office_code: code.into(),
                office_name: Text::new(format!("Ủy ban Kiểm tra {code}")),
                officer_login: "admin".into(),
                officer_name: Text::new("Nguyễn Văn An"),
                central,
            },
        )
        .unwrap()
    }

    fn export(reg: &mut Register, to: &str, full: bool, path: PathBuf) -> PathBuf {
        let mut f = std::fs::File::create(&path).unwrap();
        reg.export_bundle(&[to.to_string()], full, &mut f, &mut |_| {})
            .unwrap();
        path
    }

    fn import(reg: &mut Register, path: &Path) -> crate::Result<crate::sync::ImportReport> {
        reg.import_bundle(path, false, None, &mut |_| {})
    }

    fn open_case(reg: &mut Register, lead: &str, title: &str) {
        reg.add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: title.into(),
            lead: lead.into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    }

    fn certify(tw: &mut Register, req: &SignedEnrolment) {
        let now = Utc::now();
        tw.certify(req, now, now + Duration::days(730)).unwrap();
    }

    #[test]
    fn a_rotated_province_key_signs_after_its_certificate_arrives_and_old_bundles_stay_valid() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut tw = init(d, "TW", true);
        let mut hn = init(d, "HN", false);
        // HN (Hà Nội) is on the office list a central office starts with.
        certify(&mut tw, &hn.enrolment_request().unwrap());
        let fp = tw.root_fingerprint().unwrap();
        let setup = export(&mut tw, "HN", true, d.join("setup.hoso"));
        hn.import_bundle(&setup, false, Some(&fp), &mut |_| {})
            .unwrap();
        let old_key = hn.key_info().unwrap().key_id;

        // A bundle written before the rotation, carried later.
        open_case(&mut hn, "HN", "Kiểm tra trước khi đổi khóa");
        let before = export(&mut hn, "TW", false, d.join("before.hoso"));
        // Certificates have whole-second validity: the old one ends where the new one starts.
        std::thread::sleep(std::time::Duration::from_millis(1100));

        let KeyRotation::Pending { key_id, request } = hn.rotate_signing_key().unwrap() else {
            panic!("a province's rotation waits for the central office");
        };
        assert_ne!(key_id, old_key);
        assert_eq!(hn.pending_signing_key().unwrap(), Some(key_id.clone()));
        // Until certified, the office still signs with its old key.
        assert_eq!(hn.key_info().unwrap().key_id, old_key);
        assert_eq!(request.verify().unwrap().office, "HN");

        let now = Utc::now();
        tw.certify_with(&request, now, now + Duration::days(730), true)
            .unwrap();
        let roster_bundle = export(&mut tw, "HN", false, d.join("roster.hoso"));
        let r = import(&mut hn, &roster_bundle).unwrap();
        assert!(r.roster_updated);
        assert_eq!(hn.key_info().unwrap().key_id, key_id);
        assert_eq!(hn.pending_signing_key().unwrap(), None);

        // The bundle written before the rotation, signed by the old key, still imports ...
        let r = import(&mut tw, &before).unwrap();
        assert_eq!(r.outcome, ImportOutcome::Imported);
        assert_eq!(r.cases_new, 1, "{r:?}");
        // ... and so do the new ones, signed by the new key.
        open_case(&mut hn, "HN", "Kiểm tra sau khi đổi khóa");
        let after = export(&mut hn, "TW", false, d.join("after.hoso"));
        let r = import(&mut tw, &after).unwrap();
        assert_eq!(r.outcome, ImportOutcome::Imported);
        assert_eq!(r.cases_new, 1, "{r:?}");

        // Audit: the request and the activation.
        let rotations = hn
            .audit_list(&crate::audit::AuditFilter {
                action: Some("key.rotate".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rotations.len(), 2, "{rotations:?}");
    }
}
