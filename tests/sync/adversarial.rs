//! Bundles an office must refuse, at the register: each rejected with its reason (the error
//! code), and the register exactly as before — same op-log digest, no audit entry, no replay
//! guard row. Container-only attacks (zstd bombs, hostile tar names) are tested in
//! `hoso-core/src/bundle/tests.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, Utc};
use hoso_core::register::Register;
use hoso_core::sync::ImportOutcome;
use hoso_core::{Error, oplog};
use hoso_tests::offices::{CENTRAL, World, bundle_members as members};

/// What a refused import must leave untouched on a register.
fn state(r: &Register) -> (String, i64, i64) {
    let c = r.store().conn();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        oplog::digest(c).unwrap(),
        // The refusal itself is recorded (`bundle.rejected`, for the sync history); nothing
        // else may be.
        n("SELECT count(*) FROM audit_log WHERE action <> 'bundle.rejected'"),
        n("SELECT count(*) FROM sync_received"),
    )
}

fn code<T: std::fmt::Debug>(r: hoso_core::Result<T>) -> (&'static str, String) {
    match r {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => (e.code(), e.to_string()),
    }
}

/// Imports `bundle` at `to`, expecting refusal with `expected`; checks nothing changed.
fn refused(w: &mut World, to: &str, bundle: &Path, expected: &str) -> String {
    let before = w.untouched_state(to);
    let (c, msg) = code(w.import(to, bundle));
    assert_eq!(c, expected, "{msg}");
    assert_eq!(
        w.untouched_state(to),
        before,
        "a refused bundle changed {to}"
    );
    msg
}

fn write(w: &mut World, bytes: &[u8]) -> PathBuf {
    let p = w.bundle_path();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A ustar archive of regular files, as the bundle writer lays them out.
fn ustar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in files {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..108].copy_from_slice(b"0000644\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// HN with one case, and its first bundle for the central office (not imported).
fn hn_bundle() -> (World, PathBuf) {
    let mut w = World::new(&["HN", "HP"]);
    w.open_case("HN", "Kiểm tra việc chấp hành tại Chi bộ Phố Huế", &[]);
    let b = w.export("HN", &[CENTRAL], false);
    (w, b)
}

#[test]
fn a_bundle_for_another_office_is_refused() {
    let (mut w, _) = hn_bundle();
    w.carry("HN", CENTRAL);
    let for_hp = w.export(CENTRAL, &["HP"], false);
    let msg = refused(&mut w, "HN", &for_hp, "bundle-not-for-us");
    assert!(msg.contains("HP"), "{msg}");
    // Its own bundle coming back is not for it either.
    let own = w.export("HN", &[CENTRAL], false);
    refused(&mut w, "HN", &own, "bundle-not-for-us");
}

#[test]
fn a_revoked_office_is_refused() {
    let (mut w, b) = hn_bundle();
    // HN learns of HP (its certificate) before the revocation.
    w.carry(CENTRAL, "HN");
    w.reg(CENTRAL)
        .revoke_office("HN", "máy tính bị mất")
        .unwrap();
    let msg = refused(&mut w, CENTRAL, &b, "trust-revoked");
    assert!(msg.contains("HN"), "{msg}");
    // The revocation travels: HP learns it and refuses HN's bundle too.
    w.carry(CENTRAL, "HP");
    let to_hp = w.export("HN", &["HP"], false);
    refused(&mut w, "HP", &to_hp, "trust-revoked");
}

#[test]
fn a_signer_whose_certificate_ended_is_refused() {
    let (mut w, b) = hn_bundle();
    let now = Utc::now();
    w.recertify("HN", now - Duration::days(10), now - Duration::days(1));
    let msg = refused(&mut w, CENTRAL, &b, "trust-expired");
    assert!(msg.contains("HN"), "{msg}");
}

#[test]
fn a_sequence_reused_with_other_content_is_refused() {
    let (mut w, b) = hn_bundle();
    let first = w.import(CENTRAL, &b).unwrap();
    assert_eq!(first.outcome, ImportOutcome::Imported);
    // HN's register is rolled back (restored from an old copy, say): it writes the same
    // sequence again with other content.
    w.reg("HN")
        .store()
        .conn()
        .execute(
            "DELETE FROM sync_sent WHERE sequence = ?1",
            [first.sequence as i64],
        )
        .unwrap();
    w.open_case("HN", "Giám sát đồng chí Trưởng ban", &[]);
    let (again, r) = w.export_report("HN", &[CENTRAL], false);
    assert_eq!(r.sequence, first.sequence);
    let msg = refused(&mut w, CENTRAL, &again, "bundle-sequence-reused");
    assert!(msg.contains("HN"), "{msg}");
}

#[test]
fn a_replay_and_an_older_bundle_change_nothing() {
    let (mut w, older) = hn_bundle();
    w.open_case("HN", "Kiểm tra tài chính Đảng", &[]);
    let newer = w.export("HN", &[CENTRAL], false);
    assert_eq!(
        w.import(CENTRAL, &newer).unwrap().outcome,
        ImportOutcome::Imported
    );
    let before = w.untouched_state(CENTRAL);
    let replay = w.import(CENTRAL, &newer).unwrap();
    assert_eq!(replay.outcome, ImportOutcome::AlreadyImported);
    assert_eq!(w.untouched_state(CENTRAL), before);
    let old = w.import(CENTRAL, &older).unwrap();
    assert_eq!(old.outcome, ImportOutcome::Superseded);
    assert_eq!(w.untouched_state(CENTRAL), before);
    // The newer bundle carried the older one's case as well.
    let hn_ops = "SELECT count(*) FROM ops WHERE origin = 'HN'";
    assert_eq!(w.count("HN", hn_ops), w.count(CENTRAL, hn_ops));
    let titles: Vec<String> = w
        .reg(CENTRAL)
        .list_cases(&Default::default())
        .unwrap()
        .into_iter()
        .map(|c| c.title.as_str().to_string())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Kiểm tra việc chấp hành")),
        "{titles:?}"
    );
}

#[test]
fn a_flipped_byte_in_each_member_is_refused() {
    let (mut w, b) = hn_bundle();
    let bytes = std::fs::read(&b).unwrap();
    let m = members(&bytes);
    assert_eq!(
        m.iter().map(|(n, _, _)| n.as_str()).collect::<Vec<_>>(),
        ["manifest.json", "manifest.json.minisig", "payload.age"]
    );
    let mut flip = |at: usize, expected: &str| {
        let mut t = bytes.clone();
        t[at] ^= 0x01;
        let p = write(&mut w, &t);
        refused(&mut w, CENTRAL, &p, expected);
    };
    // Inside the bundle id of the manifest: the signature no longer matches.
    let id_at = m[0]
        .2
        .windows(12)
        .position(|x| x == b"\"bundle_id\":")
        .unwrap();
    flip(m[0].1 + id_at + 20, "bundle-signature");
    // The signature line of manifest.json.minisig.
    let sig_line = m[1].2.iter().position(|&b| b == b'\n').unwrap() + 30;
    flip(m[1].1 + sig_line, "bundle-signature");
    // The payload at its start, middle and end: its hash in the manifest no longer matches.
    let n = m[2].2.len();
    for at in [0, n / 2, n - 1] {
        flip(m[2].1 + at, "bundle-hash");
    }
    // A tar header (its checksum no longer matches).
    flip(3, "bundle-malformed");
    flip(m[2].1 - 512 + 125, "bundle-malformed");
    // The untouched bundle still imports.
    assert_eq!(
        w.import(CENTRAL, &b).unwrap().outcome,
        ImportOutcome::Imported
    );
}

#[test]
fn a_truncated_bundle_is_refused_at_any_length() {
    let (mut w, b) = hn_bundle();
    let bytes = std::fs::read(&b).unwrap();
    let mut cuts: Vec<usize> = (0..bytes.len()).step_by(997).collect();
    for block in (0..bytes.len()).step_by(512) {
        cuts.extend([block.saturating_sub(1), block + 1]);
    }
    cuts.extend([bytes.len() - 1, bytes.len() - 512, bytes.len() - 1024]);
    cuts.sort();
    cuts.dedup();
    let before = w.untouched_state(CENTRAL);
    for cut in cuts.into_iter().filter(|&c| c < bytes.len()) {
        let p = write(&mut w, &bytes[..cut]);
        let (c, msg) = code(w.import(CENTRAL, &p));
        assert_eq!(c, "bundle-malformed", "cut at {cut}: {msg}");
    }
    assert_eq!(w.untouched_state(CENTRAL), before);
}

#[test]
fn swapped_payloads_and_a_foreign_signature_are_refused() {
    let (mut w, a) = hn_bundle();
    w.open_case("HN", "Xem xét thi hành kỷ luật", &[]);
    let b = w.export("HN", &[CENTRAL], false);
    let (ab, bb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let (ma, mb) = (members(&ab), members(&bb));
    let swapped = ustar(&[
        ("manifest.json", &ma[0].2),
        ("manifest.json.minisig", &ma[1].2),
        ("payload.age", &mb[2].2),
    ]);
    let p = write(&mut w, &swapped);
    refused(&mut w, CENTRAL, &p, "bundle-hash");
    // The manifest re-signed by a key the roster does not know.
    let forger = hoso_crypto::SigningKey::generate().unwrap();
    let comment = String::from_utf8(ma[1].2.clone()).unwrap();
    let comment = comment
        .lines()
        .find_map(|l| l.strip_prefix("trusted comment: "))
        .unwrap()
        .to_string();
    let forged = forger.sign(&ma[0].2, &comment).unwrap();
    let resigned = ustar(&[
        ("manifest.json", &ma[0].2),
        ("manifest.json.minisig", forged.as_bytes()),
        ("payload.age", &ma[2].2),
    ]);
    let p = write(&mut w, &resigned);
    refused(&mut w, CENTRAL, &p, "trust-unknown-signer");
    // Our own layout of the untouched members imports: the refusals above are about content.
    let same = ustar(&[
        ("manifest.json", &ma[0].2),
        ("manifest.json.minisig", &ma[1].2),
        ("payload.age", &ma[2].2),
    ]);
    let p = write(&mut w, &same);
    assert_eq!(
        w.import(CENTRAL, &p).unwrap().outcome,
        ImportOutcome::Imported
    );
}

#[test]
fn a_set_up_bundle_needs_the_right_root_fingerprint() {
    let mut w = World::new(&["HN"]);
    let (mut qn, setup, fp) = w.enrol_pending("QN");
    let before = state(&qn);
    let (c, msg) = code(qn.import_bundle(&setup, false, None, &mut |_| {}));
    assert_eq!(c, "trust-root-missing", "{msg}");
    assert_eq!(state(&qn), before);
    // One character of the fingerprint mistyped (or another root altogether).
    let last = fp.chars().last().unwrap();
    let wrong = format!(
        "{}{}",
        &fp[..fp.len() - last.len_utf8()],
        if last == 'A' { 'B' } else { 'A' }
    );
    let (c, msg) = code(qn.import_bundle(&setup, false, Some(&wrong), &mut |_| {}));
    assert_eq!(c, "trust-unknown-signer", "{msg}");
    assert_eq!(state(&qn), before);
    assert!(matches!(qn.root_fingerprint(), Err(Error::NotFound { .. })));
    // A dry run with the right fingerprint previews, and trusts nothing yet.
    let preview = qn
        .import_bundle(&setup, true, Some(&fp), &mut |_| {})
        .unwrap();
    assert_eq!(preview.outcome, ImportOutcome::Preview);
    assert!(preview.trust_root_set);
    assert_eq!(state(&qn), before);
    assert!(qn.root_fingerprint().is_err());
    let r = qn
        .import_bundle(&setup, false, Some(&fp), &mut |_| {})
        .unwrap();
    assert!(r.trust_root_set);
    assert_eq!(qn.root_fingerprint().unwrap(), fp);
}

#[test]
fn a_dry_run_reports_the_counts_and_changes_nothing() {
    let (mut w, b) = hn_bundle();
    let before = w.untouched_state(CENTRAL);
    let preview = w
        .reg(CENTRAL)
        .import_bundle(&b, true, None, &mut |_| {})
        .unwrap();
    assert_eq!(preview.outcome, ImportOutcome::Preview);
    assert_eq!(preview.cases_new, 1);
    assert!(preview.new_operations > 0);
    assert_eq!(w.untouched_state(CENTRAL), before);
    let real = w.import(CENTRAL, &b).unwrap();
    assert_eq!(real.outcome, ImportOutcome::Imported);
    assert_eq!(
        (real.cases_new, real.new_operations),
        (preview.cases_new, preview.new_operations)
    );
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_real_bundle_opens_by_hand_with_tar_minisign_and_age() {
    use hoso_testkit::{AGE, MINISIGN, TAR, ZSTD};
    if !hoso_testkit::require_tools(
        "sync::adversarial::a_real_bundle_opens_by_hand_with_tar_minisign_and_age",
        &[TAR, MINISIGN, AGE, ZSTD],
    ) {
        return;
    }
    let mut w = World::new(&["HN"]);
    w.open_case(CENTRAL, "Kiểm tra Ban Thường vụ Thành ủy Hà Nội", &["HN"]);
    let (b, report) = w.export_report(CENTRAL, &["HN"], false);
    let signing_key = w.reg(CENTRAL).key_info().unwrap().signing_key;
    let identity = w.reg("HN").export_age_identity("hn.key").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hn.key"), identity.as_bytes()).unwrap();
    run(dir.path(), "tar", &["-xf", b.to_str().unwrap()]);
    let out = run(
        dir.path(),
        "minisign",
        &["-Vm", "manifest.json", "-P", &signing_key],
    );
    assert!(
        out.contains(&format!(
            "id={} sender=TW seq={}",
            report.bundle_id, report.sequence
        )),
        "{out}"
    );
    run(
        dir.path(),
        "age",
        &["-d", "-i", "hn.key", "-o", "payload.zst", "payload.age"],
    );
    run(
        dir.path(),
        "zstd",
        &["-q", "-d", "payload.zst", "-o", "payload"],
    );
    let plain = std::fs::read(dir.path().join("payload")).unwrap();
    // Format 2: the sender's version vector is the first record, inside the encryption.
    assert!(plain.starts_with(b"HOSOSEG2"));
    assert_eq!(plain[12], b'{', "a JSON object after its 4-byte length");
    assert!(String::from_utf8_lossy(&plain).contains("Kiểm tra Ban Thường vụ Thành ủy Hà Nội"));
    // The manifest altered by hand no longer verifies with the tool either.
    let m = dir.path().join("manifest.json");
    let text = std::fs::read_to_string(&m)
        .unwrap()
        .replace("\"HN\"", "\"HP\"");
    std::fs::write(&m, text).unwrap();
    let bad = Command::new("minisign")
        .current_dir(dir.path())
        .args(["-Vm", "manifest.json", "-P", &signing_key])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
