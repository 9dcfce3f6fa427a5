//! The administration the app offers (offices and trust, officers and passphrases, idle time,
//! rules with the preview of moved deadlines), on real SQLCipher registers.

use chrono::{Datelike, NaiveDate};
use hoso_core::access::Role;
use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::rules::Holiday;
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::{Error, Text, audit};

fn register(dir: &tempfile::TempDir, code: &str, central: bool) -> (Register, String) {
    let path = dir.path().join(format!("{code}.hoso"));
    let (store, rk) = Store::create(&path, "admin", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap_or_else(|e| panic!("creating the {code} register failed: {e:?}"));
    let reg = Register::initialise(
        store,
        InitParams {
            office_code: code.into(),
            office_name: format!("Ủy ban Kiểm tra {code}").as_str().into(),
            officer_login: "admin".into(),
            officer_name: "Nguyễn Thị Lan".into(),
            central,
        },
    )
    .unwrap();
    (reg, rk.to_string())
}

fn denunciation(reg: &mut Register, title: &str, opened: NaiveDate) -> String {
    reg.add_case(NewCase {
        kind: CaseKind::Denunciation,
        title: title.into(),
        lead: "HN".into(),
        coordinators: vec![],
        subjects: vec![],
        origin: None,
        opened: Some(opened),
        summary: Text::default(),
        team: vec![],
    })
    .unwrap()
    .id
}

fn week_off(year: i32) -> Vec<Holiday> {
    use chrono::Weekday;
    let mut day = NaiveDate::from_ymd_opt(year, 1, 8).unwrap();
    while day.weekday() != Weekday::Mon {
        day = day.succ_opt().unwrap();
    }
    (0..5)
        .map(|i| Holiday {
            date: day + chrono::Days::new(i),
            name: "Nghỉ Tết (thử)".into(),
        })
        .collect()
}

#[test]
fn the_preview_of_a_rules_change_lists_exactly_the_deadlines_saving_then_moves() {
    let dir = tempfile::tempdir().unwrap();
    let (mut reg, _) = register(&dir, "TW", true);
    let this_year = today().year();
    let last_year = this_year - 1;
    // A calendar that covers last year only, without days off.
    let mut cal = reg.rules().unwrap().calendar;
    cal.holidays.clear();
    cal.extra_working_days.clear();
    cal.years = vec![last_year];
    reg.edit_rules(RulesEdit {
        time_limits: None,
        calendar: Some(cal.clone()),
    })
    .unwrap();

    // Two cases run into this year (provisional), one ends last year (final), one is closed.
    let a = denunciation(
        &mut reg,
        "Tố cáo A",
        NaiveDate::from_ymd_opt(last_year, 11, 3).unwrap(),
    );
    let b = denunciation(
        &mut reg,
        "Tố cáo B",
        NaiveDate::from_ymd_opt(last_year, 12, 1).unwrap(),
    );
    let fin = denunciation(
        &mut reg,
        "Tố cáo C",
        NaiveDate::from_ymd_opt(last_year, 2, 2).unwrap(),
    );
    let deadline = |reg: &Register, id: &str| reg.case(id).unwrap().deadline;
    let before: Vec<_> = [&a, &b, &fin].iter().map(|id| deadline(&reg, id)).collect();

    // Publishing this year's calendar with a week off in January moves A and B by a week.
    let mut published = cal.clone();
    published.years.push(this_year);
    published.holidays.extend(week_off(this_year));
    let edit = RulesEdit {
        time_limits: None,
        calendar: Some(published),
    };
    let digest = reg.digest().unwrap();
    let preview = reg.preview_rules_edit(edit.clone()).unwrap();
    // The preview changed nothing.
    assert_eq!(reg.digest().unwrap(), digest);
    let after_preview: Vec<_> = [&a, &b, &fin].iter().map(|id| deadline(&reg, id)).collect();
    assert_eq!(after_preview, before);
    assert_eq!(reg.rules().unwrap().calendar, cal);

    let mut moved: Vec<&str> = preview.iter().map(|m| m.case_id.as_str()).collect();
    moved.sort();
    let mut expected = vec![a.as_str(), b.as_str()];
    expected.sort();
    assert_eq!(moved, expected, "{preview:?}");
    for m in &preview {
        assert_ne!(m.old_deadline, m.new_deadline);
        assert_eq!(m.old_deadline, deadline(&reg, &m.case_id));
        assert_eq!(m.number, reg.case(&m.case_id).unwrap().number);
    }

    // Saving does exactly what the preview showed.
    reg.edit_rules(edit).unwrap();
    for m in &preview {
        assert_eq!(deadline(&reg, &m.case_id), m.new_deadline, "{}", m.number);
        let week = chrono::Days::new(7);
        assert_eq!(m.new_deadline, m.old_deadline.map(|d| d + week));
    }
    assert_eq!(deadline(&reg, &fin), before[2]);
    // The change is audited.
    let entries = audit::list(reg.store().conn(), &Default::default()).unwrap();
    assert!(entries.iter().any(|e| e.action == "rules.update"));
}

#[test]
fn officers_are_added_with_a_passphrase_and_passphrases_change_only_with_proof() {
    let dir = tempfile::tempdir().unwrap();
    let (mut reg, recovery) = register(&dir, "HN", false);
    let path = reg.store().path().to_owned();
    reg.add_officer_with_passphrase(
        "binh",
        &"Lê Văn Bình".into(),
        Role::Inspector,
        "mật khẩu của Bình",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    // Too short a passphrase, or an existing login, adds nothing.
    let e = reg
        .add_officer_with_passphrase(
            "chi",
            &"Phạm Thị Chi".into(),
            Role::Viewer,
            "ngắn",
            &FAST_KDF_FOR_TESTS,
        )
        .unwrap_err();
    assert!(e.to_string().contains("at least 8"), "{e}");
    assert!(
        reg.add_officer_with_passphrase(
            "binh",
            &"Lê Văn Bình".into(),
            Role::Viewer,
            "mật khẩu khác",
            &FAST_KDF_FOR_TESTS,
        )
        .is_err()
    );
    let rows = reg.officers_overview().unwrap();
    assert_eq!(
        rows.iter()
            .map(|o| (o.login.as_str(), o.role, o.has_key, o.is_self))
            .collect::<Vec<_>>(),
        [
            ("admin", Role::Administrator, true, true),
            ("binh", Role::Inspector, true, false)
        ]
    );

    // The new officer signs in with their passphrase; an inspector may not add officers.
    let store = Store::open(&path, "binh", "mật khẩu của Bình").unwrap();
    let mut binh = Register::session(store, "binh").unwrap();
    let e = binh
        .add_officer_with_passphrase(
            "dung",
            &"Đỗ Văn Dũng".into(),
            Role::Viewer,
            "mật khẩu của Dũng",
            &FAST_KDF_FOR_TESTS,
        )
        .unwrap_err();
    assert!(matches!(e, Error::PermissionDenied { .. }), "{e:?}");
    let rk: hoso_crypto::RecoveryKey = recovery.parse().unwrap();
    assert!(matches!(
        binh.reset_passphrase_with_recovery_key("admin", &rk, "mật khẩu mới", &FAST_KDF_FOR_TESTS)
            .unwrap_err(),
        Error::PermissionDenied { .. }
    ));

    // "Đổi mật khẩu" needs the current passphrase.
    let e = binh
        .change_own_passphrase("sai rồi nhé", "mật khẩu mới của Bình")
        .unwrap_err();
    assert!(matches!(e, Error::WrongPassphrase { .. }), "{e:?}");
    assert!(Store::open(&path, "binh", "mật khẩu của Bình").is_ok());
    binh.change_own_passphrase("mật khẩu của Bình", "mật khẩu mới của Bình")
        .unwrap();
    assert!(Store::open(&path, "binh", "mật khẩu của Bình").is_err());
    assert!(Store::open(&path, "binh", "mật khẩu mới của Bình").is_ok());
    drop(binh);

    // The administrator resets Bình's forgotten passphrase with the recovery key; a key of
    // another register is refused.
    let (other, other_rk) = register(&dir, "QTR", false);
    drop(other);
    let wrong: hoso_crypto::RecoveryKey = other_rk.parse().unwrap();
    let e = reg
        .reset_passphrase_with_recovery_key("binh", &wrong, "đặt lại mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap_err();
    assert!(matches!(e, Error::WrongRecoveryKey { .. }), "{e:?}");
    reg.reset_passphrase_with_recovery_key("binh", &rk, "đặt lại mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap();
    assert!(Store::open(&path, "binh", "mật khẩu mới của Bình").is_err());
    assert!(Store::open(&path, "binh", "đặt lại mật khẩu").is_ok());
}

#[test]
fn the_idle_time_is_an_audited_office_setting_for_administrators() {
    let dir = tempfile::tempdir().unwrap();
    let (mut reg, _) = register(&dir, "HN", false);
    assert_eq!(reg.idle_minutes().unwrap(), 10);
    reg.set_idle_minutes(3).unwrap();
    assert_eq!(reg.idle_seconds().unwrap(), 180);
    assert_eq!(reg.idle_minutes().unwrap(), 3);
    assert!(reg.set_idle_minutes(0).is_err());
    assert!(reg.set_idle_minutes(10_000).is_err());
    assert_eq!(reg.idle_minutes().unwrap(), 3);
    reg.add_officer_with_passphrase(
        "tra",
        &"Trần Văn Tra".into(),
        Role::Inspector,
        "mật khẩu của Tra",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    let entries = audit::list(reg.store().conn(), &Default::default()).unwrap();
    assert!(entries.iter().any(|e| e.action == "settings.set"));
    let store = reg.into_store();
    let mut tra = Register::session(store, "tra").unwrap();
    assert!(matches!(
        tra.set_idle_minutes(30).unwrap_err(),
        Error::PermissionDenied { .. }
    ));
    assert_eq!(tra.idle_minutes().unwrap(), 3);
}

#[test]
fn the_central_office_certifies_a_request_file_and_revokes_an_office_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (mut tw, _) = register(&dir, "TW", true);
    let (hn, _) = register(&dir, "HN", false);
    let request = dir.path().join("HN.enrol");
    std::fs::write(&request, hn.enrolment_request().unwrap().to_json()).unwrap();
    let out = dir.path().join("HN-setup.hoso");

    // The office list shows the merger: a closed province names the office that absorbed it.
    let offices = tw.offices_overview().unwrap();
    assert!(offices.iter().any(|o| o.is_self && o.office.code == "TW"));
    let merged = offices
        .iter()
        .find(|o| !o.in_force && o.successor.is_some())
        .expect("a province closed by the 2025 merger");
    let successor = merged.successor.clone().unwrap();
    assert!(
        offices
            .iter()
            .any(|o| o.office.code == successor
                && o.office.predecessors.contains(&merged.office.code))
    );

    let until = today() + chrono::Days::new(365);
    let certified = tw
        .certify_request_file(&request, &out, Some(until))
        .unwrap();
    assert_eq!(certified.office, "HN");
    assert_eq!(certified.valid_until, until);
    assert_eq!(certified.root_fingerprint, tw.root_fingerprint().unwrap());
    assert!(out.exists() && certified.operations > 0);
    // Never overwritten.
    assert!(tw.certify_request_file(&request, &out, None).is_err());
    let hn_row = |tw: &Register| {
        tw.offices_overview()
            .unwrap()
            .into_iter()
            .find(|o| o.office.code == "HN")
            .unwrap()
    };
    assert_eq!(hn_row(&tw).certified_until, Some(until));
    assert_eq!(hn_row(&tw).revoked, None);

    assert!(tw.revoke_office_with_reason("HN", "  ").is_err());
    assert_eq!(hn_row(&tw).revoked, None);
    tw.revoke_office_with_reason("HN", "Máy bị mất").unwrap();
    let row = hn_row(&tw);
    assert_eq!(row.certified_until, None);
    assert_eq!(row.revoked.unwrap().reason, "Máy bị mất");

    // A province cannot certify.
    let (mut qtr, _) = register(&dir, "QTR", false);
    assert!(
        qtr.certify_request_file(&request, &dir.path().join("x.hoso"), None)
            .is_err()
    );
}
