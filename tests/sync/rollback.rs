//! Rollback safety (issue 9, reproduction 6): a register restored from a copy (the register
//! file and its key file copied back) must not reuse bundle or op sequences its peers already
//! hold: the central office's acknowledgement of a bundle it no longer remembers marks nothing
//! delivered; a peer holding more of its own changes pauses writing until the central office's
//! `--full` export brings its history back; then writing resumes with fresh sequences, what was
//! written after the restore reaches the central office, and no case number repeats. The same
//! holds for an office's new register after its old one was stolen and its key revoked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use hoso_core::model::CaseKind;
use hoso_core::register::{InitParams, NewCase, Register};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store, key_file_path};
use hoso_core::sync::ImportOutcome;
use hoso_tests::offices::{CENTRAL, Office, World};

/// The files that make up a register: the SQLCipher file, its WAL companions and the key file.
fn register_files(dir: &Path, code: &str) -> Vec<PathBuf> {
    let db = dir.join(format!("{code}.hoso-db"));
    vec![
        key_file_path(&db),
        dir.join(format!("{code}.hoso-db-wal")),
        dir.join(format!("{code}.hoso-db-shm")),
        db,
    ]
}

/// Closes `code`'s register, runs `f` on its files, opens it again as its administrator.
fn with_closed(w: &mut World, code: &str, f: impl FnOnce(&Path)) {
    let idx = w.offices.iter().position(|o| o.code == code).unwrap();
    drop(w.offices.remove(idx));
    f(w.dir.path());
    let db = w.dir.path().join(format!("{code}.hoso-db"));
    let store = Store::open(&db, "admin", "mật khẩu").unwrap();
    let register = Register::session(store, "admin").unwrap();
    w.offices.insert(
        idx,
        Office {
            code: code.into(),
            register,
        },
    );
}

/// A copy of `code`'s register files (as an officer would copy them to a USB stick).
fn back_up(w: &mut World, code: &str) -> tempfile::TempDir {
    let backup = tempfile::tempdir().unwrap();
    with_closed(w, code, |dir| {
        for f in register_files(dir, code) {
            if f.exists() {
                std::fs::copy(&f, backup.path().join(f.file_name().unwrap())).unwrap();
            }
        }
    });
    backup
}

/// Puts the copy back in place of `code`'s register (the disk failed, the copy is restored).
fn restore(w: &mut World, code: &str, backup: &Path) {
    with_closed(w, code, |dir| {
        for f in register_files(dir, code) {
            let saved = backup.join(f.file_name().unwrap());
            if saved.exists() {
                std::fs::copy(&saved, &f).unwrap();
            } else if f.exists() {
                std::fs::remove_file(&f).unwrap();
            }
        }
    });
}

fn new_case(title: &str) -> NewCase {
    NewCase {
        kind: CaseKind::InspectionOnSigns,
        title: title.into(),
        lead: "HN".into(),
        coordinators: vec![],
        subjects: vec![],
        origin: None,
        opened: None,
        summary: Default::default(),
        team: vec![],
    }
}

/// (title, number) of every case at an office.
fn cases(w: &World, code: &str) -> Vec<(String, String)> {
    w.office(code)
        .register
        .list_cases(&Default::default())
        .unwrap()
        .into_iter()
        .map(|c| (c.title.as_str().to_string(), c.number))
        .collect()
}

fn number_of(w: &World, code: &str, title: &str) -> String {
    cases(w, code)
        .into_iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| panic!("{title} is not at {code}: {:?}", cases(w, code)))
        .1
}

fn assert_numbers_unique(w: &World, code: &str) {
    let all = cases(w, code);
    let numbers: BTreeSet<&String> = all.iter().map(|(_, n)| n).collect();
    assert_eq!(
        numbers.len(),
        all.len(),
        "a case number repeats at {code}: {all:?}"
    );
}

/// Op sequences of `origin` stored at `at`, in order.
fn seqs(w: &World, at: &str, origin: &str) -> Vec<i64> {
    let conn = w.office(at).register.store().conn();
    let mut stmt = conn
        .prepare("SELECT seq FROM ops WHERE origin = ?1 ORDER BY seq")
        .unwrap();
    stmt.query_map([origin], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn reproduction_6_a_register_restored_from_a_copy_recovers_its_history_and_loses_nothing() {
    let mut w = World::new(&["HN"]);
    w.open_case("HN", "Trước khi sao lưu", &[]);
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HN");
    let backup = back_up(&mut w, "HN");

    // Work after the copy reaches the central office, then the disk fails.
    let lost = w.open_case("HN", "Làm sau khi sao lưu", &[]);
    let (lost_bundle, lost_report) = w.export_report("HN", &[CENTRAL], false);
    w.import(CENTRAL, &lost_bundle).unwrap();
    let tw_held_of_hn = *seqs(&w, CENTRAL, "HN").last().unwrap();
    restore(&mut w, "HN", backup.path());

    // The restored register keeps working before it hears from anyone.
    let after = w.open_case("HN", "Mở sau khi khôi phục", &[]);
    assert_eq!(
        after.number, lost.number,
        "the copy does not know the lost case"
    );
    // Its bundle reuses the sequence of the lost one: the central office refuses it whole.
    let (reused, reused_report) = w.export_report("HN", &[CENTRAL], false);
    assert_eq!(reused_report.sequence, lost_report.sequence);
    let before = w.untouched_state(CENTRAL);
    let e = w.import(CENTRAL, &reused).unwrap_err();
    assert_eq!(e.code(), "bundle-sequence-reused", "{e}");
    assert_eq!(w.untouched_state(CENTRAL), before);

    // The central office's next bundle acknowledges the lost bundle (by id) and shows it holds
    // more of HN's changes: HN pauses writing and says how to recover.
    w.carry(CENTRAL, "HN");
    let need = w
        .office("HN")
        .register
        .sync_recovery()
        .unwrap()
        .expect("HN must know it was restored");
    assert_eq!(need.peer, CENTRAL);
    assert_eq!(need.theirs, tw_held_of_hn as u64);
    let e = w.reg("HN").add_case(new_case("Bị từ chối")).unwrap_err();
    assert_eq!(e.code(), "register-restored", "{e}");
    assert!(e.to_string().contains("--full --to HN"), "{e}");
    // Its acknowledgement marked nothing it wrote after the restore as delivered.
    assert_eq!(
        w.count(
            "HN",
            "SELECT count(*) FROM sync_units WHERE peer = 'TW' AND acked_cutoff = sent_cutoff
             AND sent_sequence = (SELECT max(sequence) FROM sync_sent)"
        ),
        0
    );

    // The central office's --full export gives HN its own history back; writing resumes.
    let full = w.export(CENTRAL, &["HN"], true);
    let r = w.import("HN", &full).unwrap();
    assert_eq!(r.outcome, ImportOutcome::Imported);
    assert!(w.office("HN").register.sync_recovery().unwrap().is_none());
    let titles: Vec<String> = cases(&w, "HN").into_iter().map(|(t, _)| t).collect();
    for t in [
        "Trước khi sao lưu",
        "Làm sau khi sao lưu",
        "Mở sau khi khôi phục",
    ] {
        assert!(
            titles.iter().any(|x| x == t),
            "{t} missing at HN: {titles:?}"
        );
    }
    assert_eq!(number_of(&w, "HN", "Làm sau khi sao lưu"), lost.number);
    assert_numbers_unique(&w, "HN");
    // Op sequences are never reused: what HN wrote after the restore now lies past everything
    // the central office held of HN.
    let hn_seqs = seqs(&w, "HN", "HN");
    let unique: BTreeSet<i64> = hn_seqs.iter().copied().collect();
    assert_eq!(unique.len(), hn_seqs.len());
    let rewritten = w.count(
        "HN",
        "SELECT min(o.seq) FROM ops o JOIN cases c ON o.kind = 'case' AND o.entity_id = c.id
         WHERE o.origin = 'HN' AND c.title = 'Mở sau khi khôi phục'",
    );
    assert!(rewritten > tw_held_of_hn, "{rewritten} <= {tw_held_of_hn}");

    // Writing resumes with fresh sequences and a fresh case number.
    let next = w.reg("HN").add_case(new_case("Sau khi phục hồi")).unwrap();
    assert_numbers_unique(&w, "HN");
    let (b, report) = w.export_report("HN", &[CENTRAL], false);
    assert!(
        report.sequence > lost_report.sequence,
        "bundle sequence reused"
    );
    let r = w.import(CENTRAL, &b).unwrap();
    assert_eq!(r.outcome, ImportOutcome::Imported);
    // The case written after the restore, and the next one, reach the central office.
    let at_tw: Vec<String> = cases(&w, CENTRAL).into_iter().map(|(t, _)| t).collect();
    for t in [
        "Làm sau khi sao lưu",
        "Mở sau khi khôi phục",
        "Sau khi phục hồi",
    ] {
        assert!(at_tw.iter().any(|x| x == t), "{t} missing at TW: {at_tw:?}");
    }
    assert_numbers_unique(&w, CENTRAL);
    assert_eq!(number_of(&w, CENTRAL, "Sau khi phục hồi"), next.number);
    // Both hold the same HN history.
    w.carry(CENTRAL, "HN");
    assert_eq!(w.scope_digest("HN", "HN"), w.scope_digest("HN", CENTRAL));
    assert!(w.office("HN").register.sync_recovery().unwrap().is_none());
}

#[test]
fn an_acknowledgement_of_a_bundle_the_register_never_wrote_marks_nothing_delivered() {
    let mut w = World::new(&["HN"]);
    w.open_case("HN", "Trước khi sao lưu", &[]);
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HN");
    let backup = back_up(&mut w, "HN");
    // A bundle with no new change of HN's reaches the central office; then the copy returns.
    let (b, lost) = w.export_report("HN", &[CENTRAL], false);
    assert_eq!(lost.operations, 0);
    w.import(CENTRAL, &b).unwrap();
    restore(&mut w, "HN", backup.path());

    // The restored register writes a case and sends it under the reused sequence: refused.
    w.open_case("HN", "Sau khi khôi phục", &[]);
    let (reused, r) = w.export_report("HN", &[CENTRAL], false);
    assert_eq!(r.sequence, lost.sequence);
    assert_eq!(
        w.import(CENTRAL, &reused).unwrap_err().code(),
        "bundle-sequence-reused"
    );
    // The central office acknowledges its bundle of that sequence: another bundle, so the case
    // is not taken as delivered. Nothing of HN's own is missing: writing goes on.
    w.carry(CENTRAL, "HN");
    assert!(w.office("HN").register.sync_recovery().unwrap().is_none());
    let (b, r) = w.export_report("HN", &[CENTRAL], false);
    assert!(r.sequence > lost.sequence);
    let report = w.import(CENTRAL, &b).unwrap();
    assert_eq!(report.cases_new, 1);
    assert!(
        cases(&w, CENTRAL)
            .iter()
            .any(|(t, _)| t == "Sau khi khôi phục")
    );
    w.reg("HN").add_case(new_case("Tiếp tục")).unwrap();
}

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

#[test]
fn an_offices_new_register_after_a_revocation_starts_past_the_stolen_registers_sequences() {
    let mut w = World::new(&["HN"]);
    let old = w.open_case("HN", "Trước khi mất máy", &[]);
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HN");
    w.open_case("HN", "Vụ việc thứ hai", &[]);
    let (_, stolen_last) = {
        let (b, r) = w.export_report("HN", &[CENTRAL], false);
        w.import(CENTRAL, &b).unwrap();
        (b, r)
    };
    let tw_held_of_hn = *seqs(&w, CENTRAL, "HN").last().unwrap();
    w.reg(CENTRAL)
        .revoke_office("HN", "máy tính bị đánh cắp")
        .unwrap();

    // HN's new register is certified and set up with the central office's full export.
    let mut fresh = new_register(&w.dir.path().join("new-hn"), "HN");
    let now = Utc::now();
    w.reg(CENTRAL)
        .certify(
            &fresh.enrolment_request().unwrap(),
            now - Duration::minutes(5),
            now + Duration::days(730),
        )
        .unwrap();
    let fp = w.reg(CENTRAL).root_fingerprint().unwrap();
    let setup = w.export(CENTRAL, &["HN"], true);
    fresh
        .import_bundle(&setup, false, Some(&fp), &mut |_| {})
        .unwrap();
    w.office_mut("HN").register = fresh;

    // It holds its office's history (signed by the revoked key before the revocation) and
    // writes past it: nothing the central office holds is reused.
    assert!(w.office("HN").register.sync_recovery().unwrap().is_none());
    assert_eq!(number_of(&w, "HN", "Trước khi mất máy"), old.number);
    let created = w.reg("HN").add_case(new_case("Máy mới")).unwrap();
    assert_numbers_unique(&w, "HN");
    let hn_seqs = seqs(&w, "HN", "HN");
    let unique: BTreeSet<i64> = hn_seqs.iter().copied().collect();
    assert_eq!(unique.len(), hn_seqs.len());
    let first_new = w.count(
        "HN",
        &format!(
            "SELECT min(o.seq) FROM ops o WHERE o.origin = 'HN' AND o.kind = 'case'
             AND o.entity_id = '{}'",
            created.id
        ),
    );
    assert!(first_new > tw_held_of_hn, "{first_new} <= {tw_held_of_hn}");

    // Its bundles number past the stolen register's, and its new case reaches the central
    // office.
    let (b, r) = w.export_report("HN", &[CENTRAL], false);
    assert!(
        r.sequence > stolen_last.sequence,
        "{} <= {}",
        r.sequence,
        stolen_last.sequence
    );
    let report = w.import(CENTRAL, &b).unwrap();
    assert_eq!(report.outcome, ImportOutcome::Imported);
    assert_eq!(number_of(&w, CENTRAL, "Máy mới"), created.number);
    assert_numbers_unique(&w, CENTRAL);
}

#[test]
fn a_new_register_set_up_without_its_history_refuses_to_write_until_it_is_recovered() {
    // The set-up bundle carried none of the office's own history (a delta, not --full): the
    // central office's version vector shows it holds more of HN's changes, so writing waits.
    let mut w = World::new(&["HN"]);
    w.open_case("HN", "Trước khi mất máy", &[]);
    w.carry("HN", CENTRAL);
    w.reg(CENTRAL)
        .revoke_office("HN", "máy tính bị đánh cắp")
        .unwrap();
    let mut fresh = new_register(&w.dir.path().join("new-hn"), "HN");
    let now = Utc::now();
    w.reg(CENTRAL)
        .certify(
            &fresh.enrolment_request().unwrap(),
            now - Duration::minutes(5),
            now + Duration::days(730),
        )
        .unwrap();
    let fp = w.reg(CENTRAL).root_fingerprint().unwrap();
    let delta = w.export(CENTRAL, &["HN"], false);
    fresh
        .import_bundle(&delta, false, Some(&fp), &mut |_| {})
        .unwrap();
    w.office_mut("HN").register = fresh;
    let e = w.reg("HN").add_case(new_case("Chưa được")).unwrap_err();
    assert_eq!(e.code(), "register-restored", "{e}");
    let full = w.export(CENTRAL, &["HN"], true);
    w.import("HN", &full).unwrap();
    assert!(w.office("HN").register.sync_recovery().unwrap().is_none());
    assert!(
        cases(&w, "HN")
            .iter()
            .any(|(t, _)| t == "Trước khi mất máy")
    );
    let created = w.reg("HN").add_case(new_case("Sau khi phục hồi")).unwrap();
    w.carry("HN", CENTRAL);
    assert_eq!(number_of(&w, CENTRAL, "Sau khi phục hồi"), created.number);
    assert_numbers_unique(&w, CENTRAL);
}

// --- Random schedules with a register restored from a copy -----------------------------------

use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// A province opens a case (coordinated by the other one or not).
    Write(usize, bool),
    /// A bundle from a province to the central office, or back.
    Carry(usize, bool),
    /// HN's register is copied.
    BackUp,
    /// The copy is put back.
    Restore,
    /// The central office's full export for HN, imported there.
    Recover,
}

const PROVINCES: [&str; 2] = ["HN", "HP"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..2usize, any::<bool>()).prop_map(|(p, c)| Step::Write(p, c)),
        4 => (0..2usize, any::<bool>()).prop_map(|(p, up)| Step::Carry(p, up)),
        1 => Just(Step::BackUp),
        1 => Just(Step::Restore),
        1 => Just(Step::Recover),
    ]
}

/// Carries a bundle; a restored register's bundle may be refused whole at the central office
/// until it recovers (nothing applied), never anything else.
fn try_carry(w: &mut World, from: &str, to: &str, full: bool) {
    let b = w.export(from, &[to], full);
    let before = w.untouched_state(to);
    if let Err(e) = w.import(to, &b) {
        assert_eq!(to, CENTRAL, "{from} -> {to}: {e}");
        assert!(
            e.code() == "bundle-sequence-reused" || e.to_string().contains("already known"),
            "{from} -> {to}: {e}"
        );
        assert_eq!(w.untouched_state(to), before);
    }
}

fn titles(w: &World, code: &str) -> BTreeSet<String> {
    cases(w, code).into_iter().map(|(t, _)| t).collect()
}

fn run(steps: &[Step]) {
    let mut w = World::new(&PROVINCES);
    for p in PROVINCES {
        w.carry(CENTRAL, p);
    }
    let mut backup: Option<tempfile::TempDir> = None;
    // Every case the central office ever held: none may be lost.
    let mut at_tw: BTreeSet<String> = BTreeSet::new();
    for (n, s) in steps.iter().enumerate() {
        match s {
            Step::Write(p, coordinated) => {
                let (at, other) = (PROVINCES[*p], PROVINCES[1 - *p]);
                let mut c = new_case(&format!("Vụ việc {n} của {at}"));
                c.lead = at.into();
                if *coordinated {
                    c.coordinators = vec![(other.into(), "phối hợp".into())];
                }
                match w.reg(at).add_case(c) {
                    Ok(_) => {}
                    Err(e) => assert_eq!(e.code(), "register-restored", "{e}"),
                }
            }
            Step::Carry(p, up) => {
                let p = PROVINCES[*p];
                if *up {
                    try_carry(&mut w, p, CENTRAL, false)
                } else {
                    try_carry(&mut w, CENTRAL, p, false)
                }
            }
            Step::BackUp => backup = Some(back_up(&mut w, "HN")),
            Step::Restore => {
                if let Some(b) = &backup {
                    restore(&mut w, "HN", b.path());
                }
            }
            Step::Recover => try_carry(&mut w, CENTRAL, "HN", true),
        }
        at_tw.extend(titles(&w, CENTRAL));
    }
    // Whatever the provinces hold now must reach the central office once they recovered.
    let mut held: BTreeSet<String> = at_tw.clone();
    for p in PROVINCES {
        held.extend(titles(&w, p));
    }
    // A restored register that has not heard from the central office yet has its first
    // bundle refused; the central office's answer tells it, it recovers, then all flows.
    for round in 0..3 {
        for p in PROVINCES {
            if w.office(p).register.sync_recovery().unwrap().is_some() {
                let full = w.export(CENTRAL, &[p], true);
                w.import(p, &full).unwrap();
                assert!(w.office(p).register.sync_recovery().unwrap().is_none());
            }
            if round == 0 {
                try_carry(&mut w, p, CENTRAL, false);
            } else {
                let b = w.export(p, &[CENTRAL], false);
                w.import(CENTRAL, &b)
                    .unwrap_or_else(|e| panic!("{p} -> TW after recovery: {e}"));
            }
        }
        for p in PROVINCES {
            w.carry(CENTRAL, p);
        }
    }
    let tw = titles(&w, CENTRAL);
    let missing: Vec<&String> = held.difference(&tw).collect();
    assert!(missing.is_empty(), "lost at TW: {missing:?}");
    assert_numbers_unique(&w, CENTRAL);
    for p in PROVINCES {
        assert!(w.office(p).register.sync_recovery().unwrap().is_none());
        assert_numbers_unique(&w, p);
        assert_eq!(w.scope_digest(p, p), w.scope_digest(p, CENTRAL), "{p}");
        // Writing goes on, and what is written reaches the central office.
        let mut c = new_case(&format!("Cuối cùng của {p}"));
        c.lead = p.into();
        w.reg(p).add_case(c).unwrap();
        w.carry(p, CENTRAL);
    }
    assert_numbers_unique(&w, CENTRAL);
    assert_eq!(tw.len() + 2, titles(&w, CENTRAL).len());
}

/// `PROPTEST_CASES` when set, else a few for `make test`.
/// What the central office sent after the copy was taken (here HP's officer, through a full
/// export) is lost with the restore though the central office counted it delivered; the
/// restored register's next bundle acknowledges an older bundle, so everything is sent again.
#[test]
fn what_a_restored_register_had_received_since_the_copy_is_sent_again() {
    use Step::*;
    run(&[
        BackUp,
        Carry(1, true),
        Recover,
        Carry(0, true),
        Restore,
        Carry(0, true),
    ]);
}

/// A restored register that never heard from the central office writes again under the
/// sequences the copy had reached; the central office holds other ops under them. Recovery must
/// write those new ops again under fresh sequences, so nothing is refused after it.
#[test]
fn ops_written_after_a_restore_before_any_answer_are_written_again_on_recovery() {
    use Step::*;
    run(&[
        BackUp,
        Write(0, false),
        Carry(0, true),
        Restore,
        Carry(0, true),
        Carry(0, true),
        Write(0, false),
        Write(0, false),
    ]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: hoso_testkit::proptest_cases(12), ..ProptestConfig::default() })]

    #[test]
    fn random_schedules_with_a_restored_register_lose_nothing_and_repeat_no_number(
        steps in proptest::collection::vec(step(), 6..30)
    ) {
        run(&steps);
    }
}
