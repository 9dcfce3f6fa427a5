//! The rules as register data: stored in the op log as reference data, edited by an
//! administrator, used for deadlines, and synced between offices (real SQLCipher registers).

use chrono::NaiveDate;
use hoso_core::access::Role;
use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::rules::{Holiday, RulesConfig};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::{Text, audit, oplog};

mod common;
use common::d;

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

/// The central office and a province that trusts it, with the central office's rules synced.
fn central_and_province(dir: &tempfile::TempDir) -> (Register, Register) {
    let central = register(dir, "TW", true);
    let mut province = register(dir, "HN", false);
    {
        use hoso_core::trust::{self, roster};
        let conn = central.store().conn();
        let root = trust::trusted_root(conn).unwrap().unwrap();
        let signed = roster::stored_signed_roster(conn).unwrap().unwrap();
        trust::set_trusted_root(province.store().conn(), &root).unwrap();
        roster::adopt_roster(province.store().conn(), &root, &signed).unwrap();
    }
    sync(&central, &mut province);
    (central, province)
}

/// Monday to Friday of the second full week of January `year`: working days on any calendar
/// that has no holiday then (a made-up week off, so the test does not depend on real holidays).
fn week_off(year: i32) -> Vec<Holiday> {
    use chrono::{Datelike, Weekday};
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
fn a_deadline_into_a_year_without_a_calendar_is_provisional_until_the_central_office_publishes_it()
{
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let (mut central, mut province) = central_and_province(&dir);
    let this_year = today().year();
    let last_year = this_year - 1;

    // The central office's calendar covers last year only (no days off, to keep counts plain).
    let mut config = central.rules().unwrap();
    config.calendar.holidays.clear();
    config.calendar.extra_working_days.clear();
    config.calendar.years = vec![last_year];
    central.set_rules(config.clone()).unwrap();
    sync(&central, &mut province);

    // 90 working days from early November of last year run into this year: provisional.
    let opened = NaiveDate::from_ymd_opt(last_year, 11, 3).unwrap();
    let id = province
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo về kê khai tài sản".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: Some(opened),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap()
        .id;
    // And one that ends within last year: final.
    let early = NaiveDate::from_ymd_opt(last_year, 2, 2).unwrap();
    let final_id = province
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo về đất đai".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: Some(early),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap()
        .id;
    let weekends_only = config.calendar.add_working_days(opened, 90);
    let case = province.case(&id).unwrap();
    assert_eq!(case.deadline, Some(weekends_only));
    assert_eq!(case.deadline_provisional_years, [this_year]);
    let final_deadline = province.case(&final_id).unwrap();
    assert!(final_deadline.deadline_provisional_years.is_empty());
    let rows = province.list_cases(&Default::default()).unwrap();
    let flag = |rows: &[hoso_core::search::CaseRow], id: &str| {
        rows.iter()
            .find(|r| r.id == id)
            .map(|r| (r.deadline, r.deadline_provisional))
            .unwrap()
    };
    assert_eq!(flag(&rows, &id), (Some(weekends_only), true));
    assert!(!flag(&rows, &final_id).1);
    // The dashboard's warning: this year lacks a calendar and leaves one open case provisional;
    // next year lacks one too (a case opened today may run into it).
    let gaps = province.years_without_calendar().unwrap();
    assert_eq!(
        gaps,
        [
            CalendarGap {
                year: this_year,
                open_cases: 1
            },
            CalendarGap {
                year: this_year + 1,
                open_cases: 0
            },
        ]
    );

    // The central office publishes this year's calendar with a week off in January: the
    // province recounts the deadline five working days later, and it is final.
    config.calendar.years = vec![last_year, this_year];
    config.calendar.holidays = week_off(this_year);
    // A day off last year does not move a deadline that was final when counted.
    let in_the_final_period = week_off(last_year)[0].date + chrono::Days::new(28);
    assert!(config.calendar.is_working_day(in_the_final_period));
    config.calendar.holidays.push(Holiday {
        date: in_the_final_period,
        name: "Nghỉ bù (thử)".into(),
    });
    central.set_rules(config.clone()).unwrap();
    sync(&central, &mut province);
    let recounted = config.calendar.add_working_days(opened, 90);
    assert_eq!(
        recounted,
        config.calendar.add_working_days(weekends_only, 5)
    );
    let case = province.case(&id).unwrap();
    assert_eq!(case.deadline, Some(recounted));
    assert!(case.deadline_provisional_years.is_empty());
    assert_eq!(
        province.case(&final_id).unwrap().deadline,
        final_deadline.deadline
    );
    let rows = province.list_cases(&Default::default()).unwrap();
    assert_eq!(flag(&rows, &id), (Some(recounted), false));
    assert_eq!(
        province.years_without_calendar().unwrap(),
        [CalendarGap {
            year: this_year + 1,
            open_cases: 0
        }]
    );

    // The central office sees the same deadline once the case reaches it.
    sync(&province, &mut central);
    assert_eq!(central.case(&id).unwrap().deadline, Some(recounted));
    assert_eq!(central.digest().unwrap(), province.digest().unwrap());
}

#[test]
fn a_deadline_set_by_hand_is_final() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let (mut central, mut province) = central_and_province(&dir);
    let last_year = today().year() - 1;
    let mut config = central.rules().unwrap();
    config.calendar.holidays.clear();
    config.calendar.extra_working_days.clear();
    config.calendar.years = vec![last_year];
    central.set_rules(config.clone()).unwrap();
    sync(&central, &mut province);
    let opened = NaiveDate::from_ymd_opt(last_year, 12, 1).unwrap();
    let id = province
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: Some(opened),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap()
        .id;
    assert!(
        !province
            .case(&id)
            .unwrap()
            .deadline_provisional_years
            .is_empty()
    );
    // The committee's decision sets the deadline: final, whatever the calendar.
    let by_hand = NaiveDate::from_ymd_opt(last_year + 1, 6, 30).unwrap();
    let case = province
        .set_case_field(&id, "deadline", &by_hand.to_string())
        .unwrap();
    assert_eq!(case.deadline, Some(by_hand));
    assert!(case.deadline_provisional_years.is_empty());
    let rows = province.list_cases(&Default::default()).unwrap();
    assert!(
        !rows
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .deadline_provisional
    );
}
