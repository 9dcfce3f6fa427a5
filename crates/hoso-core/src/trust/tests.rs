use std::path::Path;

use chrono::{Duration, Utc};
use hoso_crypto::{AgeIdentity, SigningKey, seal};

use super::*;
use crate::access::Role;
use crate::oplog::{self, VersionVector};
use crate::register::{DomainProjector, InitParams, Register};
use crate::store::{FAST_KDF_FOR_TESTS, Store};
use crate::text::Text;

const PASS: &str = "mật khẩu thử";

fn init(dir: &Path, code: &str, central: bool) -> Register {
    let path = dir.join(format!("{code}.hoso"));
    let (store, _) = Store::create(&path, "admin", PASS, &FAST_KDF_FOR_TESTS).unwrap();
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

fn reopen(dir: &Path, code: &str, login: &str) -> Register {
    let store = Store::open(dir.join(format!("{code}.hoso")), login, PASS).unwrap();
    Register::session(store, login).unwrap()
}

#[test]
fn keys_survive_reopening_and_only_the_central_office_holds_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let tw = init(dir.path(), "TW", true);
    let before = tw.key_info().unwrap();
    let secret_before = tw.office_keys().unwrap().age.to_secret_string();
    drop(tw);
    let tw = reopen(dir.path(), "TW", "admin");
    let after = tw.key_info().unwrap();
    assert_eq!(before, after);
    assert!(after.holds_root);
    assert!(after.signing_key.starts_with("RW"), "{}", after.signing_key);
    assert!(after.age_recipient.starts_with("age1"));
    assert_eq!(
        tw.office_keys().unwrap().age.to_secret_string(),
        secret_before
    );
    assert_eq!(
        after.root_fingerprint.as_deref(),
        Some(tw.root_fingerprint().unwrap().as_str())
    );

    let hn = init(dir.path(), "HN", false);
    let info = hn.key_info().unwrap();
    assert!(!info.holds_root && info.root_key.is_none() && info.root_fingerprint.is_none());
    assert_ne!(info.signing_key, after.signing_key);
    assert_eq!(hn.root_fingerprint().unwrap_err().code(), "not-found");
}

fn all_ops(r: &Register) -> Vec<oplog::Op> {
    oplog::ops_since(r.store().conn(), &VersionVector::new())
        .unwrap()
        .collect::<Result<Vec<_>>>()
        .unwrap()
}

#[test]
fn keys_are_not_part_of_the_digest() {
    let dir = tempfile::tempdir().unwrap();
    let mut tw = init(dir.path(), "TW", true);
    let mut hn = init(dir.path(), "HN", false);
    let (from_tw, from_hn) = (all_ops(&tw), all_ops(&hn));
    // HN knows TW as the central office once it trusts TW's root and roster (the set-up bundle).
    let root = trusted_root(tw.store().conn()).unwrap().unwrap();
    let roster = roster::stored_signed_roster(tw.store().conn())
        .unwrap()
        .unwrap();
    set_trusted_root(hn.store().conn(), &root).unwrap();
    roster::adopt_roster(hn.store().conn(), &root, &roster).unwrap();
    oplog::apply_remote(tw.store_mut().conn_mut(), from_hn, &DomainProjector).unwrap();
    oplog::apply_remote(hn.store_mut().conn_mut(), from_tw, &DomainProjector).unwrap();
    // Same operations, different keys (and only TW has a root): the same digest.
    assert_eq!(tw.digest().unwrap(), hn.digest().unwrap());
    assert_ne!(
        tw.key_info().unwrap().signing_key,
        hn.key_info().unwrap().signing_key
    );
}

#[test]
fn exported_age_identity_opens_what_was_sealed_to_the_office_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut hn = init(dir.path(), "HN", false);
    hn.add_officer("binh", &Text::new("Trần Bình"), Role::CommitteeLeader)
        .unwrap();
    let recipient = hn.key_info().unwrap().age_recipient;
    let mut sealed = Vec::new();
    seal::encrypt_to(&[&recipient], &b"bien ban kiem tra"[..], &mut sealed).unwrap();

    let (audit_seq, _) = crate::audit::head(hn.store().conn()).unwrap();
    let file = hn
        .export_age_identity("/media/usb/hn.age-identity")
        .unwrap();
    let (after_seq, _) = crate::audit::head(hn.store().conn()).unwrap();
    assert_eq!(after_seq, audit_seq + 1);
    let identity: AgeIdentity = file.parse().unwrap();
    let mut plain = Vec::new();
    seal::decrypt(&identity, &sealed[..], &mut plain).unwrap();
    assert_eq!(plain, b"bien ban kiem tra");
    drop(hn);

    // A committee leader may not export keys; nothing is audited for the refusal.
    let mut leader = reopen_with_slotless(dir.path(), "HN", "binh");
    let signed_in = crate::audit::head(leader.store().conn()).unwrap().0;
    assert_eq!(signed_in, after_seq + 1, "the sign-in is audited");
    let e = leader.export_age_identity("x").unwrap_err();
    assert_eq!(e.code(), "permission-denied");
    assert!(e.to_string().contains("key.export"), "{e}");
    assert_eq!(
        crate::audit::head(leader.store().conn()).unwrap().0,
        signed_in
    );
}

/// A session for an officer without a key slot of their own (the test opens as admin).
fn reopen_with_slotless(dir: &Path, code: &str, login: &str) -> Register {
    let store = Store::open(dir.join(format!("{code}.hoso")), "admin", PASS).unwrap();
    Register::session(store, login).unwrap()
}

struct Setup {
    root: SigningKey,
    office: OfficeKeys,
    cert: SignedCertificate,
}

fn setup() -> Setup {
    let root = SigningKey::generate().unwrap();
    let office = OfficeKeys::generate(false).unwrap();
    let now = Utc::now();
    let cert = Certificate::new(
        "HN",
        "Ủy ban Kiểm tra Hà Nội",
        &office.public(),
        now - Duration::days(1),
        now + Duration::days(365),
    )
    .unwrap()
    .sign(&root)
    .unwrap();
    Setup { root, office, cert }
}

#[test]
fn certificate_verifies_and_each_failure_has_its_own_error() {
    let s = setup();
    let root = s.root.public_key();
    let now = Utc::now();
    let c = s.cert.check(&root, now, &[]).unwrap();
    assert_eq!(c.signing_key, s.office.signing.public_key().to_base64());
    assert_eq!(c.age_recipient, s.office.age.recipient());
    // Survives a file round trip.
    let again = SignedCertificate::from_json(&s.cert.to_json()).unwrap();
    assert!(again.check(&root, now, &[]).is_ok());

    // Tampered fields: the office's name, its key, its validity.
    let mut t = s.cert.clone();
    t.certificate.name = "Ủy ban Kiểm tra giả".into();
    assert_eq!(t.verify(&root).unwrap_err().code(), "trust-bad-signature");
    let mut t = s.cert.clone();
    t.certificate.signing_key = SigningKey::generate().unwrap().public_key().to_base64();
    assert_eq!(t.verify(&root).unwrap_err().code(), "trust-bad-signature");
    let mut t = s.cert.clone();
    t.certificate.valid_until += Duration::days(3650);
    assert_eq!(t.verify(&root).unwrap_err().code(), "trust-bad-signature");

    // Expired, and not yet valid.
    let late = s.cert.certificate.valid_until + Duration::seconds(1);
    let e = s.cert.check(&root, late, &[]).unwrap_err();
    assert_eq!(e.code(), "trust-expired");
    assert!(e.to_string().contains("HN"), "{e}");
    let early = s.cert.certificate.valid_from - Duration::seconds(1);
    assert_eq!(
        s.cert.check(&root, early, &[]).unwrap_err().code(),
        "trust-expired"
    );

    // Another root: neither the other root's certificate nor ours under the other root.
    let other = SigningKey::generate().unwrap();
    assert_eq!(
        s.cert.verify(&other.public_key()).unwrap_err().code(),
        "trust-unknown-signer"
    );
    let forged = s.cert.certificate.clone().sign(&other).unwrap();
    assert_eq!(
        forged.verify(&root).unwrap_err().code(),
        "trust-unknown-signer"
    );
    // …also when the forger claims our root's key id.
    let mut claimed = forged.clone();
    claimed.certificate.root_key_id = s.root.key_id().to_string();
    assert_eq!(
        claimed.verify(&root).unwrap_err().code(),
        "trust-unknown-signer"
    );

    // Revoked.
    let rev = Revocation {
        office: "HN".into(),
        signing_key: Some(s.office.signing.public_key().to_base64()),
        revoked_at: now,
        reason: "key lost".into(),
    };
    let e = s.cert.check(&root, now, &[rev]).unwrap_err();
    assert_eq!(e.code(), "trust-revoked");
    assert!(e.to_string().contains("key lost"), "{e}");

    assert_eq!(
        SignedCertificate::from_json("{\"certificate\": 1}")
            .unwrap_err()
            .code(),
        "trust-malformed"
    );
}

#[test]
fn roster_is_signed_by_the_root_and_names_each_signer() {
    let s = setup();
    let root = s.root.public_key();
    let now = Utc::now();
    let dn = OfficeKeys::generate(false).unwrap();
    let dn_cert = Certificate::new(
        "DN",
        "Đà Nẵng",
        &dn.public(),
        now - Duration::days(30),
        now - Duration::days(1),
    )
    .unwrap()
    .sign(&s.root)
    .unwrap();
    let roster = Roster::new(1, vec![s.cert.clone(), dn_cert], vec![])
        .sign(&s.root)
        .unwrap();
    let parsed = SignedRoster::from_json(&roster.to_json()).unwrap();
    let r = parsed.verify(&root).unwrap();
    let hn_key = s.office.signing.public_key();
    let hn_key_line = || hn_key.to_base64();
    let (c, pk) = r.signer("HN", hn_key.key_id(), now).unwrap();
    assert_eq!((c.office.as_str(), &pk), ("HN", &hn_key));
    // DN's only certificate has run out; QTR has none; HN's key id is not DN's.
    let dn_id = dn.signing.public_key().key_id();
    assert_eq!(
        r.signer("DN", dn_id, now).unwrap_err().code(),
        "trust-expired"
    );
    assert_eq!(
        r.signer("QTR", dn_id, now).unwrap_err().code(),
        "trust-unknown-signer"
    );
    assert_eq!(
        r.signer("DN", hn_key.key_id(), now).unwrap_err().code(),
        "trust-unknown-signer"
    );

    // A revocation slipped into a signed roster breaks its signature; a re-signed one works.
    let rev = Revocation {
        office: "HN".into(),
        signing_key: Some(hn_key_line()),
        revoked_at: now,
        reason: "compromised".into(),
    };
    let mut tampered = roster.clone();
    tampered.roster.revocations.push(rev.clone());
    assert_eq!(
        tampered.verify(&root).unwrap_err().code(),
        "trust-bad-signature"
    );
    let revoked = Roster::new(2, roster.roster.certificates.clone(), vec![rev])
        .sign(&s.root)
        .unwrap();
    let r = revoked.verify(&root).unwrap();
    assert_eq!(
        r.signer("HN", hn_key.key_id(), now).unwrap_err().code(),
        "trust-revoked"
    );

    // A roster by another root, or carrying a certificate by another root, is refused.
    let other = SigningKey::generate().unwrap();
    let foreign = Roster::new(3, vec![], vec![]).sign(&other).unwrap();
    assert_eq!(
        foreign.verify(&root).unwrap_err().code(),
        "trust-unknown-signer"
    );
    let smuggled = s.cert.certificate.clone().sign(&other).unwrap();
    let mixed = Roster::new(4, vec![smuggled], vec![])
        .sign(&s.root)
        .unwrap();
    assert_eq!(
        mixed.verify(&root).unwrap_err().code(),
        "trust-unknown-signer"
    );
}

#[test]
fn fingerprint_is_short_grouped_and_tells_keys_apart() {
    let a = SigningKey::generate().unwrap().public_key();
    let b = SigningKey::generate().unwrap().public_key();
    let fa = fingerprint(&a);
    let groups: Vec<&str> = fa.split(' ').collect();
    assert_eq!(groups.len(), 5);
    assert!(
        groups
            .iter()
            .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit()))
    );
    assert_eq!(fingerprint(&a), fa);
    assert_ne!(fingerprint(&b), fa);
    assert!(fingerprint_matches(&a, &fa.replace(' ', "-")));
    assert!(fingerprint_matches(&a, &fa.replace(' ', "")));
    assert!(!fingerprint_matches(&b, &fa));
}

#[test]
fn a_trusted_root_is_never_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let tw = init(dir.path(), "TW", true);
    let own = trusted_root(tw.store().conn()).unwrap().unwrap();
    set_trusted_root(tw.store().conn(), &own).unwrap();
    let other = SigningKey::generate().unwrap().public_key();
    let e = set_trusted_root(tw.store().conn(), &other).unwrap_err();
    assert_eq!(e.code(), "trust-unknown-signer");
    assert_eq!(trusted_root(tw.store().conn()).unwrap().unwrap(), own);
}

#[test]
fn enrolment_request_is_certified_by_the_central_office_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut tw = init(dir.path(), "TW", true);
    let mut hn = init(dir.path(), "HN", false);
    let req = SignedEnrolment::from_json(&hn.enrolment_request().unwrap().to_json()).unwrap();
    let hn_keys = hn.key_info().unwrap();
    assert_eq!(req.verify().unwrap().signing_key, hn_keys.signing_key);

    // Altered on the way (another age recipient or office code): refused, nothing audited.
    let before = crate::audit::head(tw.store().conn()).unwrap().0;
    let now = Utc::now();
    let until = now + Duration::days(730);
    let mut t = req.clone();
    t.request.age_recipient = AgeIdentity::generate().recipient();
    assert_eq!(
        tw.certify(&t, now, until).unwrap_err().code(),
        "trust-bad-signature"
    );
    let mut t = req.clone();
    t.request.office = "DN".into();
    assert_eq!(
        tw.certify(&t, now, until).unwrap_err().code(),
        "trust-bad-signature"
    );
    assert_eq!(crate::audit::head(tw.store().conn()).unwrap().0, before);

    let cert = tw.certify(&req, now, until).unwrap();
    assert_eq!(crate::audit::head(tw.store().conn()).unwrap().0, before + 1);
    let root = trusted_root(tw.store().conn()).unwrap().unwrap();
    let c = cert.check(&root, now + Duration::days(1), &[]).unwrap();
    assert_eq!(
        (
            c.office.as_str(),
            c.signing_key.as_str(),
            c.age_recipient.as_str()
        ),
        (
            "HN",
            hn_keys.signing_key.as_str(),
            hn_keys.age_recipient.as_str()
        )
    );

    // A province has no root; a committee leader on the central office may not certify.
    let own = hn.enrolment_request().unwrap();
    assert_eq!(hn.certify(&own, now, until).unwrap_err().code(), "invalid");
    tw.add_officer("binh", &Text::new("Trần Bình"), Role::CommitteeLeader)
        .unwrap();
    drop(tw);
    let mut leader = reopen_with_slotless(dir.path(), "TW", "binh");
    assert_eq!(
        leader.certify(&req, now, until).unwrap_err().code(),
        "permission-denied"
    );
}

/// A central office TW and a province HN whose first key TW certified.
fn certified_pair(dir: &Path) -> (Register, Register) {
    let mut tw = init(dir, "TW", true);
    let hn = init(dir, "HN", false);
    let now = Utc::now();
    tw.certify(
        &hn.enrolment_request().unwrap(),
        now,
        now + Duration::days(730),
    )
    .unwrap();
    (tw, hn)
}

fn roster_serial(r: &Register) -> u64 {
    r.roster().unwrap().unwrap().serial
}

#[test]
fn certify_refuses_the_central_offices_own_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut tw = init(dir.path(), "TW", true);
    let before = (
        crate::audit::head(tw.store().conn()).unwrap().0,
        roster_serial(&tw),
    );
    let now = Utc::now();
    let until = now + Duration::days(730);
    // Its own request, and one a province forged with the central office's code.
    let own = tw.enrolment_request().unwrap();
    let forger = OfficeKeys::generate(false).unwrap();
    let forged = enrol::signed_request(
        "TW",
        "Ủy ban Kiểm tra Trung ương",
        &forger.signing,
        &forger.age.recipient(),
        "",
    )
    .unwrap();
    for req in [&own, &forged] {
        for replace in [false, true] {
            let e = tw.certify_with(req, now, until, replace).unwrap_err();
            assert_eq!(e.code(), "invalid", "{e}");
            assert!(e.to_string().contains("central office"), "{e}");
        }
    }
    assert_eq!(
        (
            crate::audit::head(tw.store().conn()).unwrap().0,
            roster_serial(&tw)
        ),
        before
    );
    // The central office's key is unchanged in its roster.
    let roster = tw.roster().unwrap().unwrap();
    let current = roster::current_certificate(&roster, "TW", now).unwrap();
    assert_eq!(current.signing_key, tw.key_info().unwrap().signing_key);
}

#[test]
fn a_new_key_for_a_certified_office_needs_its_countersignature_and_replace_key() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tw, mut hn) = certified_pair(dir.path());
    let old_key = hn.key_info().unwrap().signing_key;
    let now = Utc::now();
    let until = now + Duration::days(730);
    let rotate::KeyRotation::Pending { request, .. } = hn.rotate_signing_key().unwrap() else {
        panic!("a province's rotation waits for the central office");
    };
    assert!(request.countersignature.is_some());
    let new_key = request.key().unwrap();
    let before = (
        crate::audit::head(tw.store().conn()).unwrap().0,
        roster_serial(&tw),
    );

    // No countersignature (stripped, or a request from another register with HN's code):
    // refused even with --replace-key.
    let mut stripped = request.clone();
    stripped.countersignature = None;
    std::fs::create_dir(dir.path().join("x")).unwrap();
    let impostor = init(&dir.path().join("x"), "HN", false);
    let impostor_req = impostor.enrolment_request().unwrap();
    for req in [&stripped, &impostor_req] {
        let e = tw.certify_with(req, now, until, true).unwrap_err();
        assert_eq!(e.code(), "trust-bad-signature", "{e}");
        assert!(e.to_string().contains("countersigned"), "{e}");
    }
    // Countersigned by a key HN does not hold; HN's countersignature moved onto another request.
    let stranger = SigningKey::generate().unwrap();
    let by_stranger = stripped.clone().countersigned(&stranger).unwrap();
    let e = tw.certify_with(&by_stranger, now, until, true).unwrap_err();
    assert_eq!(e.code(), "trust-unknown-signer", "{e}");
    let other_new = SigningKey::generate().unwrap();
    let mut moved = enrol::signed_request(
        "HN",
        "Ủy ban Kiểm tra HN",
        &other_new,
        &hn.key_info().unwrap().age_recipient,
        " rotation",
    )
    .unwrap();
    moved.countersignature = request.countersignature.clone();
    let e = tw.certify_with(&moved, now, until, true).unwrap_err();
    assert_eq!(e.code(), "trust-bad-signature", "{e}");

    // Countersigned properly, but without --replace-key: refused, naming the new key's
    // fingerprint to confirm by phone.
    let e = tw.certify(&request, now, until).unwrap_err();
    assert_eq!(e.code(), "invalid", "{e}");
    assert!(e.to_string().contains("--replace-key"), "{e}");
    assert!(e.to_string().contains(&fingerprint(&new_key)), "{e}");
    assert_eq!(
        (
            crate::audit::head(tw.store().conn()).unwrap().0,
            roster_serial(&tw)
        ),
        before,
        "refusals change nothing"
    );

    // With it: certified; bundles now go to the newest certificate.
    let cert = tw.certify_with(&request, now, until, true).unwrap();
    assert_eq!(cert.certificate.signing_key, new_key.to_base64());
    let roster = tw.roster().unwrap().unwrap();
    let current = roster::current_certificate(&roster, "HN", Utc::now()).unwrap();
    assert_eq!(current.signing_key, new_key.to_base64());
    assert_ne!(current.signing_key, old_key);
    // Certifying the same key again (a renewal) needs no confirmation.
    tw.certify(&request, now, until + Duration::days(1))
        .unwrap();

    // One key can be revoked alone (the old one, here): the new one stays current.
    let old_id = PublicKey::from_base64(&old_key)
        .unwrap()
        .key_id()
        .to_string();
    let (roster, added) = tw.revoke_keys("HN", Some(&old_id), "khóa cũ").unwrap();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].signing_key.as_deref(), Some(old_key.as_str()));
    let current = roster::current_certificate(&roster, "HN", Utc::now()).unwrap();
    assert_eq!(current.signing_key, new_key.to_base64());
    assert!(roster.revocation("HN").is_none());
    assert_eq!(
        tw.revoke_keys("HN", Some(&old_id), "lại")
            .unwrap_err()
            .code(),
        "not-found"
    );
}

#[test]
fn a_revoked_key_is_never_certified_again_and_a_new_key_is_added_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tw, hn) = certified_pair(dir.path());
    let stolen = hn.enrolment_request().unwrap();
    let stolen_key = stolen.key().unwrap();
    tw.revoke_office("HN", "máy tính bị mất").unwrap();
    // Revoking again: nothing left to revoke.
    assert_eq!(
        tw.revoke_office("HN", "lần nữa").unwrap_err().code(),
        "not-found"
    );
    let now = Utc::now();
    let until = now + Duration::days(730);
    for replace in [false, true] {
        let e = tw.certify_with(&stolen, now, until, replace).unwrap_err();
        assert_eq!(e.code(), "trust-revoked", "{e}");
        assert!(e.to_string().contains("máy tính bị mất"), "{e}");
    }
    // Nor can another office's key be certified to HN.
    let tw_keys = tw.office_keys().unwrap();
    let borrowed = enrol::signed_request(
        "HN",
        "Ủy ban Kiểm tra HN",
        &tw_keys.signing,
        &tw_keys.age.recipient(),
        "",
    )
    .unwrap();
    let e = tw.certify(&borrowed, now, until).unwrap_err();
    assert_eq!(e.code(), "invalid", "{e}");
    assert!(e.to_string().contains("certified to office TW"), "{e}");
    // HN's new register: certified without --replace-key (HN holds no valid key), and only its
    // key becomes valid.
    std::fs::create_dir(dir.path().join("new")).unwrap();
    let fresh = init(&dir.path().join("new"), "HN", false);
    let fresh_req = fresh.enrolment_request().unwrap();
    tw.certify(&fresh_req, now, until).unwrap();
    let roster = tw.roster().unwrap().unwrap();
    assert!(
        roster.revocation("HN").is_none(),
        "HN holds a valid key again"
    );
    assert_eq!(
        roster
            .signer("HN", stolen_key.key_id(), Utc::now())
            .unwrap_err()
            .code(),
        "trust-revoked"
    );
    let fresh_key = fresh_req.key().unwrap();
    assert!(roster.signer("HN", fresh_key.key_id(), Utc::now()).is_ok());
    assert_eq!(
        roster::certificate_for(&roster, "HN", stolen_key.key_id())
            .unwrap_err()
            .code(),
        "trust-revoked"
    );
    let current = roster::current_certificate(&roster, "HN", Utc::now()).unwrap();
    assert_eq!(current.signing_key, fresh_key.to_base64());
    assert_eq!(
        current.age_recipient,
        fresh.key_info().unwrap().age_recipient
    );
    // The stolen register may not countersign a rotation to a key of its own either.
    let thief_new = SigningKey::generate().unwrap();
    let stolen_keys = hn.office_keys().unwrap();
    let rotation = enrol::signed_request(
        "HN",
        "Ủy ban Kiểm tra HN",
        &thief_new,
        &stolen_keys.age.recipient(),
        " rotation",
    )
    .unwrap()
    .countersigned(&stolen_keys.signing)
    .unwrap();
    let e = tw.certify_with(&rotation, now, until, true).unwrap_err();
    assert_eq!(e.code(), "trust-unknown-signer", "{e}");
}

#[test]
fn a_revoked_key_stays_revoked_in_any_roster_and_only_its_later_changes_are_refused() {
    let s = setup();
    let root = s.root.public_key();
    let now = Utc::now();
    let key = s.office.signing.public_key();
    let revoked_at = now - Duration::days(10);
    let rev = Revocation {
        office: "HN".into(),
        signing_key: Some(key.to_base64()),
        revoked_at,
        reason: "bị đánh cắp".into(),
    };
    // A certificate of the revoked key issued after the revocation changes nothing.
    let again = Certificate::new(
        "HN",
        "Hà Nội",
        &s.office.public(),
        now - Duration::days(1),
        now + Duration::days(365),
    )
    .unwrap()
    .sign(&s.root)
    .unwrap();
    let signed = Roster::new(7, vec![s.cert.clone(), again], vec![rev])
        .sign(&s.root)
        .unwrap();
    let r = signed.verify(&root).unwrap();
    assert_eq!(r.format, cert::ROSTER_FORMAT);
    assert_eq!(
        r.signer("HN", key.key_id(), now).unwrap_err().code(),
        "trust-revoked"
    );
    // Changes the key signed that claim a time before the revocation still verify; later ones
    // do not; a time after the certificate ended neither.
    assert!(
        r.segment_signer("HN", key.key_id(), revoked_at - Duration::seconds(1))
            .is_ok()
    );
    let e = r
        .segment_signer("HN", key.key_id(), revoked_at)
        .unwrap_err();
    assert_eq!(e.code(), "trust-revoked");
    assert!(e.to_string().contains("bị đánh cắp"), "{e}");
    let s2 = setup();
    let alone = Roster::new(1, vec![s2.cert.clone()], vec![])
        .sign(&s2.root)
        .unwrap();
    let k2 = s2.office.signing.public_key();
    let r2 = alone.verify(&s2.root.public_key()).unwrap();
    assert!(r2.segment_signer("HN", k2.key_id(), now).is_ok());
    assert_eq!(
        r2.segment_signer("HN", k2.key_id(), now + Duration::days(400))
            .unwrap_err()
            .code(),
        "trust-expired"
    );

    // Format 1: a revocation named an office (every key certified to it by then) and is still
    // read; a format-2 roster must name the key.
    let mut legacy = Roster::new(
        8,
        vec![s.cert.clone()],
        vec![Revocation {
            office: "HN".into(),
            signing_key: None,
            revoked_at: now,
            reason: "cũ".into(),
        }],
    );
    legacy.format = cert::TRUST_FORMAT;
    let legacy = legacy.sign(&s.root).unwrap();
    assert!(legacy.to_json().contains("\"revocations\""));
    assert!(!legacy.to_json().contains("signing_key\": null"));
    let r = legacy.verify(&root).unwrap();
    assert_eq!(
        r.signer("HN", key.key_id(), now).unwrap_err().code(),
        "trust-revoked"
    );
    let mut keyless = legacy.roster.clone();
    keyless.format = cert::ROSTER_FORMAT;
    let keyless = keyless.sign(&s.root).unwrap();
    assert_eq!(keyless.verify(&root).unwrap_err().code(), "trust-malformed");
}
