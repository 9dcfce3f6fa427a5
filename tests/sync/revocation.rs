//! Revocation that holds (issue 9, reproduction 2): the central office revokes HN's keys after
//! HN's register was stolen, then certifies HN's new register. The stolen register's bundles,
//! pending or new, stay refused; the central office encrypts HN's traffic to the new key only,
//! and the new register opens its set-up bundle; what the stolen key signed before the
//! revocation keeps flowing to the offices that share it.

use std::path::Path;

use chrono::{Duration, Utc};
use hoso_core::register::{InitParams, Register};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::sync::ImportOutcome;
use hoso_crypto::{AgeIdentity, seal};
use hoso_tests::offices::{CENTRAL, World, bundle_members};

/// A new register for office `code` in its own directory.
fn new_register(dir: &Path, code: &str) -> Register {
    std::fs::create_dir_all(dir).unwrap();
    let (store, _rk) = Store::create(
        dir.join(format!("{code}.hoso-db")),
        "admin",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    Register::initialise(
        store,
        InitParams {
            office_code: code.into(),
            office_name: format!("Ủy ban Kiểm tra {code}").as_str().into(),
            officer_login: "admin".into(),
            officer_name: "Nguyễn Thị Lan".into(),
            central: false,
        },
    )
    .unwrap()
}

fn titles(reg: &Register) -> Vec<String> {
    reg.list_cases(&Default::default())
        .unwrap()
        .into_iter()
        .map(|c| c.title.as_str().to_string())
        .collect()
}

/// Imports `bundle` at `to`, expecting `code`; checks nothing changed there.
fn refused(w: &mut World, to: &str, bundle: &Path, code: &str) -> String {
    let before = w.untouched_state(to);
    let e = w
        .import(to, bundle)
        .expect_err("the bundle must be refused");
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(
        w.untouched_state(to),
        before,
        "a refused bundle changed {to}"
    );
    e.to_string()
}

/// The age identity of a register (as `hoso key export-age-identity` writes it).
fn age_identity(reg: &mut Register) -> AgeIdentity {
    reg.export_age_identity("test").unwrap().parse().unwrap()
}

/// The recipients' stanzas in a bundle's age header, and whether `identity` opens the payload.
fn payload(bundle: &Path) -> Vec<u8> {
    let bytes = std::fs::read(bundle).unwrap();
    bundle_members(&bytes)
        .into_iter()
        .find(|(name, _, _)| name == "payload.age")
        .expect("payload.age")
        .2
}

fn x25519_stanzas(payload: &[u8]) -> usize {
    let header_end = payload
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("age header");
    String::from_utf8_lossy(&payload[..header_end])
        .lines()
        .filter(|l| l.starts_with("-> X25519 "))
        .count()
}

fn opens(identity: &AgeIdentity, payload: &[u8]) -> bool {
    seal::decrypt(identity, payload, std::io::sink()).is_ok()
}

#[test]
fn reproduction_2_a_revoked_key_stays_revoked_when_the_office_is_certified_again() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN"); // HN learns of HP
    // Before the theft: a case HP coordinates reaches the central office.
    w.open_case("HN", "Trước khi mất máy", &["HP"]);
    w.carry("HN", CENTRAL);
    // A bundle written before the revocation, still on its way.
    w.open_case("HN", "Còn trên USB", &["HP"]);
    let pending = w.export("HN", &[CENTRAL], false);

    w.reg(CENTRAL)
        .revoke_office("HN", "máy tính bị đánh cắp")
        .unwrap();
    // Revocations count whole seconds: the thief writes after this one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.open_case("HN", "Viết bằng máy bị đánh cắp", &["HP"]);
    let stolen_new = w.export("HN", &[CENTRAL], false);

    // HN's new register is certified: no --replace-key needed, the old key is revoked.
    let mut fresh = new_register(&w.dir.path().join("new-hn"), "HN");
    let now = Utc::now();
    w.reg(CENTRAL)
        .certify(
            &fresh.enrolment_request().unwrap(),
            now - Duration::minutes(5),
            now + Duration::days(730),
        )
        .unwrap();

    // The stolen register's bundles, pending and new, are refused with the reason.
    for b in [&pending, &stolen_new] {
        let msg = refused(&mut w, CENTRAL, b, "trust-revoked");
        assert!(msg.contains("máy tính bị đánh cắp"), "{msg}");
    }

    // The central office's set-up bundle for HN is encrypted to the new key only (and to
    // itself): the stolen register cannot open it, the new one can, and imports it.
    let fp = w.reg(CENTRAL).root_fingerprint().unwrap();
    let setup = w.export(CENTRAL, &["HN"], true);
    let sealed = payload(&setup);
    assert_eq!(
        x25519_stanzas(&sealed),
        2,
        "the central office and HN's new key"
    );
    let stolen_identity = age_identity(w.reg("HN"));
    assert!(
        !opens(&stolen_identity, &sealed),
        "the stolen key opens HN's traffic"
    );
    assert!(opens(&age_identity(&mut fresh), &sealed));
    let r = fresh
        .import_bundle(&setup, false, Some(&fp), &mut |_| {})
        .unwrap();
    assert_eq!(r.outcome, ImportOutcome::Imported);
    assert!(r.trust_root_set);
    // The stolen register cannot import it either.
    assert!(w.import("HN", &setup).is_err());

    // What HN signed before the revocation still reaches HP through the central office;
    // nothing the stolen register wrote does.
    w.carry(CENTRAL, "HP");
    let at_hp = titles(w.reg("HP"));
    assert!(at_hp.iter().any(|t| t == "Trước khi mất máy"), "{at_hp:?}");
    assert!(
        !at_hp
            .iter()
            .any(|t| t == "Còn trên USB" || t == "Viết bằng máy bị đánh cắp"),
        "{at_hp:?}"
    );
    // HP learnt the revocation: the stolen register's bundle straight to HP is refused too.
    let to_hp = w.export("HN", &["HP"], false);
    refused(&mut w, "HP", &to_hp, "trust-revoked");
}

#[test]
fn a_revoked_keys_earlier_changes_are_relayed_and_its_later_ones_are_not() {
    // HP imported the thief's bundle before it learnt the revocation; its later bundles to the
    // central office must not carry those changes (they would be refused), nor be refused
    // whole because of them.
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN"); // HN learns HP's certificate
    // Before the theft, HN sent a case straight to HP: it must still reach the central office
    // through HP after the revocation.
    w.open_case("HN", "Gửi thẳng cho HP", &["HP"]);
    w.carry("HN", "HP");
    w.reg(CENTRAL).revoke_office("HN", "bị đánh cắp").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.open_case("HN", "Vụ việc giả mạo", &["HP"]);
    let forged = w.export("HN", &["HP"], false);
    let r = w.import("HP", &forged).unwrap();
    assert_eq!(r.cases_new, 1, "HP does not know of the revocation yet");
    // HP's bundle written before it learnt of the revocation relays the forged change: the
    // central office refuses it whole.
    let early = w.export("HP", &[CENTRAL], false);
    let msg = refused(&mut w, CENTRAL, &early, "trust-revoked");
    assert!(msg.contains("bị đánh cắp"), "{msg}");
    // HP learns it, then writes its own change and sends everything to the central office.
    w.carry(CENTRAL, "HP");
    w.open_case("HP", "Vụ việc của HP", &[]);
    let from_hp = w.export("HP", &[CENTRAL], false);
    let r = w.import(CENTRAL, &from_hp).unwrap();
    assert_eq!(r.outcome, ImportOutcome::Imported);
    let at_tw = titles(w.reg(CENTRAL));
    assert!(at_tw.iter().any(|t| t == "Vụ việc của HP"), "{at_tw:?}");
    assert!(at_tw.iter().any(|t| t == "Gửi thẳng cho HP"), "{at_tw:?}");
    assert!(!at_tw.iter().any(|t| t == "Vụ việc giả mạo"), "{at_tw:?}");
}
