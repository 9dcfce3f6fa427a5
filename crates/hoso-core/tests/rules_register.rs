//! The rules as register data: stored in the op log as reference data, edited by an
//! administrator, used for deadlines, and synced between offices (real SQLCipher registers).

use chrono::NaiveDate;
use hoso_core::access::Role;
use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::rules::{Holiday, RulesConfig};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::{Text, audit, oplog};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn register(dir: &tempfile::TempDir, code: &str, central: bool) -> Register {
    let path = dir.path().join(format!("{code}.hoso"));
    let (store, _rk) = Store::create(&path, "admin", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap_or_else(|e| panic!("creating the {code} register failed: {e:?}"));
    Register::initialise(
        store,
        InitParams {
            office_code: code.into(),
            office_name: format!("Ủy ban Kiểm tra {code}").as_str().into(),
            officer_login: "admin".into(),
            officer_name: "Nguyễn Thị Lan".into(),
            central,
        },
    )
    .unwrap()
}

fn denunciation(reg: &mut Register, lead: &str, opened: NaiveDate) -> Option<NaiveDate> {
    let id = reg
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo về kê khai tài sản".into(),
            lead: lead.into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: Some(opened),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap()
        .id;
    reg.case(&id).unwrap().deadline
}

fn set_amount(config: &mut RulesConfig, key: &str, amount: u32) {
    for r in config.time_limits.rules.iter_mut().filter(|r| r.key == key) {
        r.amount = amount;
    }
}

/// Sends every op of `from` to `to` (what a bundle carries, without the envelope).
fn sync(from: &Register, to: &mut Register) {
    let ops: Vec<_> = oplog::ops_since(from.store().conn(), &Default::default())
        .unwrap()
        .collect::<hoso_core::Result<_>>()
        .unwrap();
    oplog::apply_remote(to.store_mut().conn_mut(), ops, &DomainProjector).unwrap();
}

#[test]
fn an_edited_time_limit_or_holiday_changes_the_deadline_of_new_cases() {
    let dir = tempfile::tempdir().unwrap();
    // The rules are the central office's to edit; its cases led by HN use the province limits.
    // (HN is on the office list a central office starts with.)
    let mut reg = register(&dir, "TW", true);
    assert_eq!(reg.rules().unwrap(), RulesConfig::defaults());
    let opened = d("2026-03-02");
    let cal = reg.rules().unwrap().calendar;
    let before = denunciation(&mut reg, "HN", opened).unwrap();
    assert_eq!(before, cal.add_working_days(opened, 90));

    let mut config = reg.rules().unwrap();
    set_amount(&mut config, "denunciation.province", 60);
    reg.set_rules(config.clone()).unwrap();
    assert_eq!(reg.rules().unwrap(), config);
    assert_eq!(
        denunciation(&mut reg, "HN", opened),
        Some(cal.add_working_days(opened, 60))
    );

    // A new day off on a working day inside the period pushes the deadline one working day.
    let extra = d("2026-03-04");
    assert!(cal.is_working_day(extra));
    config.calendar.holidays.push(Holiday {
        date: extra,
        name: "Nghỉ bù".into(),
    });
    reg.set_rules(config.clone()).unwrap();
    let new_cal = reg.rules().unwrap().calendar;
    let after = denunciation(&mut reg, "HN", opened).unwrap();
    assert_eq!(after, new_cal.add_working_days(opened, 60));
    assert!(after > cal.add_working_days(opened, 60));

    // Each change is audited; saving the same document again writes nothing.
    let entries = audit::list(reg.store().conn(), &Default::default()).unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "rules.update")
            .count(),
        2
    );
    let digest = reg.digest().unwrap();
    reg.set_rules(config).unwrap();
    assert_eq!(reg.digest().unwrap(), digest);

    // The rules survive closing and reopening the register.
    let store = reg.into_store();
    let reg = Register::session(store, "admin").unwrap();
    assert_eq!(reg.rules().unwrap().calendar, new_cal);
}

#[test]
fn invalid_rules_and_non_administrators_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = register(&dir, "HN", false);
    reg.add_officer("tra", &"Trần Văn Tra".into(), Role::Inspector)
        .unwrap();
    let digest = reg.digest().unwrap();
    let head = audit::head(reg.store().conn()).unwrap();

    let mut config = RulesConfig::defaults();
    let dup = config.time_limits.rules[0].clone();
    config.time_limits.rules.push(dup);
    let e = reg.set_rules(config).unwrap_err().to_string();
    assert!(e.contains("in force at once"), "{e}");

    assert_eq!(audit::head(reg.store().conn()).unwrap(), head);

    let store = reg.into_store();
    let mut inspector = Register::session(store, "tra").unwrap();
    // The sign-in is audited; the refused change adds nothing after it.
    let signed_in = audit::head(inspector.store().conn()).unwrap();
    assert_eq!(signed_in.0, head.0 + 1);
    let mut config = RulesConfig::defaults();
    set_amount(&mut config, "denunciation.province", 30);
    let e = inspector.set_rules(config).unwrap_err();
    assert_eq!(e.code(), "permission-denied", "{e}");
    assert_eq!(inspector.digest().unwrap(), digest);
    assert_eq!(audit::head(inspector.store().conn()).unwrap(), signed_in);
    assert_eq!(inspector.rules().unwrap(), RulesConfig::defaults());
}

#[test]
fn rules_come_from_the_central_office_only_and_sync_like_reference_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut central = register(&dir, "TW", true);
    let mut province = register(&dir, "HN", false);
    // The province trusts the central office's root and roster (its set-up bundle).
    {
        use hoso_core::trust::{self, roster};
        let conn = central.store().conn();
        let root = trust::trusted_root(conn).unwrap().unwrap();
        let signed = roster::stored_signed_roster(conn).unwrap().unwrap();
        trust::set_trusted_root(province.store().conn(), &root).unwrap();
        roster::adopt_roster(province.store().conn(), &root, &signed).unwrap();
    }
    // The central office pinned the defaults as data; the province has none stored.
    assert_eq!(central.rules().unwrap(), RulesConfig::defaults());
    sync(&central, &mut province);
    assert!(
        oplog::conflicts(province.store().conn())
            .unwrap()
            .is_empty()
    );

    // A province's administrator cannot change the network's rules, even in its own register.
    let digest = province.digest().unwrap();
    let mut p = province.rules().unwrap();
    p.calendar.holidays.push(Holiday {
        date: d("2026-03-04"),
        name: "Nghỉ bù".into(),
    });
    let e = province.set_rules(p).unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(province.digest().unwrap(), digest);

    // The centre's changes reach the province and apply to its new cases.
    let mut c = central.rules().unwrap();
    set_amount(&mut c, "denunciation.province", 75);
    central.set_rules(c).unwrap();
    sync(&central, &mut province);
    sync(&province, &mut central);
    assert_eq!(central.digest().unwrap(), province.digest().unwrap());
    let merged = province.rules().unwrap();
    assert_eq!(central.rules().unwrap(), merged);
    let opened = d("2026-03-02");
    assert_eq!(
        denunciation(&mut province, "HN", opened),
        Some(merged.calendar.add_working_days(opened, 75))
    );
}
