//! The statistics forms (issue 13): each form's figures equal what a person counts by hand in a
//! small register built here; every figure names its cases; a locked period keeps its figures.

use hoso_core::access::Role;
use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::reports::{Period, Report, ReportScope, RowKind};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::text::Text;

mod common;
use common::{case, d, decide, walk};

fn central(dir: &std::path::Path) -> Register {
    let (store, _) = Store::create(
        dir.join("tw.hoso"),
        "admin",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    Register::initialise(
        store,
        InitParams {
            office_code: "TW".into(),
            office_name: "Ủy ban Kiểm tra Đảng ủy Công an Trung ương".into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central: true,
        },
    )
    .unwrap()
}

fn subject(
    r: &mut Register,
    kind: SubjectKind,
    name: &str,
    membership: Option<MembershipStatus>,
    authority: Option<ManagementAuthority>,
) -> String {
    match r
        .add_subject(
            NewSubject {
                kind,
                name: name.into(),
                birth_year: None,
                unit: Some("Công an tỉnh".into()),
                post: (kind == SubjectKind::Member).then(|| Text::new("Phó Trưởng phòng")),
                membership,
                authority,
            },
            true,
        )
        .unwrap()
    {
        AddSubject::Added { id, .. } => id,
        other => panic!("{other:?}"),
    }
}

fn finding(r: &mut Register, case: &str, subject: &str, category: &str, violated: bool) {
    r.record_finding(
        case,
        Finding {
            subject: subject.into(),
            category: Some(category.into()),
            violated,
            violation_date: violated.then(|| d("2025-06-01")),
            text: "Kết quả thẩm tra".into(),
            violation_areas: vec![],
        },
    )
    .unwrap();
}

struct Fixture {
    reg: Register,
    c1: String,
    c2: String,
    c3: String,
    c4: String,
    c5: String,
}

/// The small register every test counts by hand:
/// - M1 (full, central authority), M2 (probationary, province), M3 (full, no authority),
///   O1 (organisation, province);
/// - C1 inspection on signs, TW, 10/2/2026, M1 + M2: M1 violated (corruption), concluded
///   with discipline required, warned 5/4/2026; M2 found fine (ethics), concluded done well;
/// - C2 inspection on signs, HN, 2/5/2026, M3: a violation found (land), no conclusion yet;
/// - C3 inspection on signs, TW, 3/11/2026 (after September), M1;
/// - C4 inspection on signs, TW, 1/3/2026, O1: violation (cadre work), reprimanded 10/5/2026;
/// - C5 denunciation, TW, 15/1/2026, M2: concluded "shortcomings" (true in part).
fn fixture(dir: &std::path::Path) -> Fixture {
    let mut reg = central(dir);
    let m1 = subject(
        &mut reg,
        SubjectKind::Member,
        "Nguyễn Văn Đức",
        Some(MembershipStatus::Full),
        Some(ManagementAuthority::Central),
    );
    let m2 = subject(
        &mut reg,
        SubjectKind::Member,
        "Trần Thị Hường",
        Some(MembershipStatus::Probationary),
        Some(ManagementAuthority::Province),
    );
    let m3 = subject(
        &mut reg,
        SubjectKind::Member,
        "Lê Đình Khoa",
        Some(MembershipStatus::Full),
        None,
    );
    let o1 = subject(
        &mut reg,
        SubjectKind::Organisation,
        "Chi bộ Phòng Cảnh sát kinh tế",
        None,
        Some(ManagementAuthority::Province),
    );

    let c1 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "TW",
        "2026-02-10",
        &[&m1, &m2],
    );
    walk(&mut reg, &c1, CaseStatus::Verifying, "2026-02-20");
    finding(&mut reg, &c1, &m1, "member.corruption", true);
    finding(&mut reg, &c1, &m2, "member.ethics-lifestyle", false);
    walk(&mut reg, &c1, CaseStatus::Concluded, "2026-03-20");
    reg.record_conclusion(
        &c1,
        Conclusion {
            number: "15-KL/UBKT".into(),
            date: d("2026-03-20"),
            text: "Kết luận kiểm tra".into(),
            subjects: vec![
                SubjectConclusion {
                    subject: m1.clone(),
                    outcome: ConclusionOutcome::Violation,
                    categories: vec!["member.corruption".into()],
                    discipline_required: true,
                },
                SubjectConclusion {
                    subject: m2.clone(),
                    outcome: ConclusionOutcome::DoneWell,
                    categories: vec![],
                    discipline_required: false,
                },
            ],
        },
    )
    .unwrap();
    decide(&mut reg, &c1, &m1, DisciplineForm::Warning, "2026-04-05");

    let c2 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "HN",
        "2026-05-02",
        &[&m3],
    );
    walk(&mut reg, &c2, CaseStatus::Verifying, "2026-05-10");
    finding(&mut reg, &c2, &m3, "member.land-resources", true);

    let c3 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "TW",
        "2026-11-03",
        &[&m1],
    );

    let c4 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "TW",
        "2026-03-01",
        &[&o1],
    );
    walk(&mut reg, &c4, CaseStatus::Concluded, "2026-04-20");
    reg.record_conclusion(
        &c4,
        Conclusion {
            number: "16-KL/UBKT".into(),
            date: d("2026-04-20"),
            text: "Kết luận kiểm tra".into(),
            subjects: vec![SubjectConclusion {
                subject: o1.clone(),
                outcome: ConclusionOutcome::Violation,
                categories: vec!["organisation.cadre-work".into()],
                discipline_required: true,
            }],
        },
    )
    .unwrap();
    decide(&mut reg, &c4, &o1, DisciplineForm::Reprimand, "2026-05-10");

    let c5 = case(&mut reg, CaseKind::Denunciation, "TW", "2026-01-15", &[&m2]);
    walk(&mut reg, &c5, CaseStatus::Concluded, "2026-04-01");
    reg.record_conclusion(
        &c5,
        Conclusion {
            number: "3-KL/UBKT".into(),
            date: d("2026-04-01"),
            text: "Kết luận giải quyết tố cáo".into(),
            subjects: vec![SubjectConclusion {
                subject: m2.clone(),
                outcome: ConclusionOutcome::Shortcomings,
                categories: vec![],
                discipline_required: false,
            }],
        },
    )
    .unwrap();
    Fixture {
        reg,
        c1,
        c2,
        c3,
        c4,
        c5,
    }
}

fn row<'a>(r: &'a Report, label: &str) -> &'a hoso_core::reports::ReportRow {
    r.rows
        .iter()
        .find(|x| x.label == label || x.no == label)
        .unwrap_or_else(|| panic!("no row {label}"))
}

/// The figures of a row, blank cells as -1.
fn figures(r: &Report, label: &str) -> Vec<i64> {
    row(r, label)
        .cells
        .iter()
        .map(|c| c.value.map_or(-1, i64::from))
        .collect()
}

fn col(r: &Report, label: &str) -> usize {
    r.columns
        .iter()
        .position(|c| c.label == label)
        .unwrap_or_else(|| panic!("no column {label}"))
}

fn nine_months() -> Period {
    Period::parse("2026-9m", None).unwrap()
}

#[test]
fn inspections_on_signs_of_members_count_as_counted_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let r = f
        .reg
        .report("KTDHVP-DV", &nine_months(), &ReportScope::All)
        .unwrap();
    assert_eq!(r.numbering.len(), 22);
    assert_eq!(r.columns.len(), 20);
    // Total row, column by column: 3 members inspected (C1: M1, M2; C2: M3; C3 is in November).
    let mut want = vec![0i64; 20];
    want[0] = 3;
    want[2] = 2; // TW: "UBKT tỉnh ủy và tương đương"
    want[3] = 1; // HN: "UBKT huyện ủy và tương đương"
    want[5] = -1; // Chi bộ: not recorded
    want[6 + 1] = 1; // ethics (M2's finding)
    want[6 + 5] = 1; // corruption (M1)
    want[6 + 7] = 1; // land (M3)
    want[17] = 2; // violation: M1, M3
    want[18] = 1; // discipline required: M1
    want[19] = 1; // disciplined: M1
    assert_eq!(figures(&r, "Tổng cộng"), want);
    // Rows by authority and membership.
    assert_eq!(figures(&r, "1")[0], 1);
    assert_eq!(figures(&r, "2")[0], 1);
    assert_eq!(figures(&r, "3")[0], 0);
    assert_eq!(figures(&r, "4")[0], 1);
    assert_eq!(figures(&r, "Cộng (1+2+3+4)")[0], 3);
    assert_eq!(figures(&r, "5")[0], 2);
    assert_eq!(figures(&r, "6")[0], 1);
    assert!(row(&r, "I").cells.is_empty());
    assert_eq!(row(&r, "I").kind, RowKind::Section);
    // Per-office roll-up.
    assert_eq!(figures(&r, "TW")[0], 2);
    assert_eq!(figures(&r, "HN")[0], 1);
    // Every figure names its cases.
    let total = &row(&r, "Tổng cộng").cells[0];
    let mut ids = vec![f.c1.clone(), f.c2.clone()];
    ids.sort();
    assert_eq!(total.cases, ids);
    assert_eq!(row(&r, "Tổng cộng").cells[19].cases, vec![f.c1.clone()]);
    assert!(r.cases[&f.c2].number.starts_with("TW-2026-"));
    assert!(!r.cases.contains_key(&f.c3));

    // The year counts C3 too; this office alone (TW) leaves C2 out.
    let year = f
        .reg
        .report(
            "KTDHVP-DV",
            &Period::parse("2026", None).unwrap(),
            &ReportScope::All,
        )
        .unwrap();
    assert_eq!(figures(&year, "Tổng cộng")[0], 4);
    assert!(row(&year, "Tổng cộng").cells[0].cases.contains(&f.c3));
    let tw = f
        .reg
        .report("KTDHVP-DV", &nine_months(), &ReportScope::This)
        .unwrap();
    assert_eq!(figures(&tw, "Tổng cộng")[0], 2);
    assert!(!tw.rows.iter().any(|x| x.no == "HN"));
    let hn = f
        .reg
        .report(
            "KTDHVP-DV",
            &nine_months(),
            &ReportScope::Office("hn".into()),
        )
        .unwrap();
    assert_eq!(figures(&hn, "Tổng cộng")[0], 1);
    // The first quarter: only C1 (opened in February).
    let q1 = f
        .reg
        .report(
            "KTDHVP-DV",
            &Period::parse("2026-q1", None).unwrap(),
            &ReportScope::All,
        )
        .unwrap();
    assert_eq!(figures(&q1, "Tổng cộng")[0], 2);
}

#[test]
fn organisations_discipline_and_denunciations_count_as_counted_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let p = nine_months();
    let tc = f.reg.report("KTDHVP-TC", &p, &ReportScope::All).unwrap();
    let t = figures(&tc, "Tổng cộng");
    assert_eq!(t[0], 1);
    assert_eq!(t[col(&tc, "Công tác cán bộ")], 1);
    assert_eq!(t[col(&tc, "Có vi phạm")], 1);
    assert_eq!(t[col(&tc, "Phải thi hành kỷ luật")], 1);
    assert_eq!(t[col(&tc, "Đã thi hành kỷ luật")], 1);
    assert_eq!(figures(&tc, "2")[0], 1);
    assert_eq!(row(&tc, "Tổng cộng").cells[0].cases, vec![f.c4.clone()]);

    // Discipline of members: M1 warned in April (C1). Counted by the decision's date.
    let thkl = f.reg.report("THKL-DV-UBKT", &p, &ReportScope::All).unwrap();
    let t = figures(&thkl, "Tổng cộng");
    assert_eq!(t[0], 1);
    assert_eq!(t[col(&thkl, "Cảnh cáo")], 1);
    assert_eq!(t[col(&thkl, "Khiển trách")], 0);
    assert_eq!(t[col(&thkl, "Tham nhũng, cố ý làm trái")], 1);
    assert_eq!(t[col(&thkl, "Xử lý hành chính")], -1);
    assert_eq!(row(&thkl, "Tổng cộng").cells[0].cases, vec![f.c1.clone()]);
    // Before the decision (first quarter) nothing was imposed.
    let q1 = f
        .reg
        .report(
            "THKL-DV-UBKT",
            &Period::parse("2026-q1", None).unwrap(),
            &ReportScope::All,
        )
        .unwrap();
    assert_eq!(figures(&q1, "Tổng cộng")[0], 0);

    let thkl_tc = f.reg.report("THKL-TC", &p, &ReportScope::All).unwrap();
    let t = figures(&thkl_tc, "Tổng cộng");
    assert_eq!(t[0], 1);
    assert_eq!(t[col(&thkl_tc, "Khiển trách")], 1);

    // Denunciation about M2: resolved, true in part, no violation.
    let gq = f.reg.report("GQTC-DV", &p, &ReportScope::All).unwrap();
    let t = figures(&gq, "Tổng cộng");
    assert_eq!(t[0], 1);
    assert_eq!(t[col(&gq, "Đã giải quyết")], 1);
    assert_eq!(t[col(&gq, "Đúng, đúng một phần")], 1);
    assert_eq!(t[col(&gq, "Tố cáo sai")], 0);
    assert_eq!(t[col(&gq, "Có vi phạm")], 0);
    assert_eq!(t[col(&gq, "Không có cơ sở")], -1);
    assert_eq!(row(&gq, "Tổng cộng").cells[0].cases, vec![f.c5.clone()]);

    // A structure-only form has no figures at all.
    let d30 = f.reg.report("KT-D30-DV", &p, &ReportScope::All).unwrap();
    assert!(
        d30.rows
            .iter()
            .flat_map(|r| &r.cells)
            .all(|c| c.value.is_none())
    );
    // Every form of the set computes without error.
    for form in f.reg.report_form_list().unwrap() {
        f.reg.report(&form.code, &p, &ReportScope::All).unwrap();
    }
}

#[test]
fn a_locked_period_keeps_its_figures_after_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let p = nine_months();
    // Locking is the committee's leadership's: the administrator may not.
    let e = f
        .reg
        .lock_report("KTDHVP-DV", &p, &ReportScope::All)
        .unwrap_err();
    assert_eq!(e.code(), "permission-denied");
    f.reg
        .add_officer("lanhdao", &"Phạm Văn Lãnh".into(), Role::CommitteeLeader)
        .unwrap();
    let mut leader = Register::session(f.reg.into_store(), "lanhdao").unwrap();
    let locked = leader
        .lock_report("KTDHVP-DV", &p, &ReportScope::All)
        .unwrap();
    assert_eq!(locked.lock.as_ref().unwrap().locked_by, "lanhdao");
    assert_eq!(figures(&locked, "Tổng cộng")[0], 3);
    assert!(
        leader
            .lock_report("KTDHVP-DV", &p, &ReportScope::All)
            .is_err(),
        "locked twice"
    );
    assert_eq!(leader.report_locks().unwrap().len(), 1);

    // An edit after the lock: a new inspection in June.
    let m = match leader
        .add_subject(
            NewSubject {
                kind: SubjectKind::Member,
                name: "Hoàng Văn Mới".into(),
                birth_year: None,
                unit: None,
                post: None,
                membership: Some(MembershipStatus::Full),
                authority: None,
            },
            true,
        )
        .unwrap()
    {
        AddSubject::Added { id, .. } => id,
        other => panic!("{other:?}"),
    };
    case(
        &mut leader,
        CaseKind::InspectionOnSigns,
        "TW",
        "2026-06-15",
        &[&m],
    );

    let now = leader.report("KTDHVP-DV", &p, &ReportScope::All).unwrap();
    assert_eq!(figures(&now, "Tổng cộng")[0], 3, "the locked figure");
    assert!(now.changed_since_lock);
    assert!(now.lock.is_some());
    let fresh = leader
        .compute_report("KTDHVP-DV", &p, &ReportScope::All)
        .unwrap();
    assert_eq!(figures(&fresh, "Tổng cộng")[0], 4);
    // Another period or form is not locked.
    let other = leader
        .report(
            "KTDHVP-DV",
            &Period::parse("2026-6m", None).unwrap(),
            &ReportScope::All,
        )
        .unwrap();
    assert!(other.lock.is_none());
    // January–June: the three of the fixture and the new one (15/6).
    assert_eq!(figures(&other, "Tổng cộng")[0], 4);
}

#[test]
fn a_province_reports_on_its_own_cases_only() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::create(
        dir.path().join("hn.hoso"),
        "admin",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    let hn = Register::initialise(
        store,
        InitParams {
            office_code: "HN".into(),
            office_name: "Ủy ban Kiểm tra Đảng ủy Công an thành phố Hà Nội".into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central: false,
        },
    )
    .unwrap();
    let p = nine_months();
    assert_eq!(
        hn.report("KTDHVP-DV", &p, &ReportScope::All)
            .unwrap_err()
            .code(),
        "permission-denied"
    );
    assert_eq!(
        hn.report("KTDHVP-DV", &p, &ReportScope::Office("TW".into()))
            .unwrap_err()
            .code(),
        "permission-denied"
    );
    let own = hn.report("KTDHVP-DV", &p, &ReportScope::This).unwrap();
    assert_eq!(figures(&own, "Tổng cộng")[0], 0);
}

#[test]
fn locks_made_before_they_synced_become_records_and_none_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let p = nine_months();
    f.reg
        .add_officer("lanhdao", &"Phạm Văn Lãnh".into(), Role::CommitteeLeader)
        .unwrap();
    // Two locks as migration 10 stored them: the roll-up of every office, and HN's figures
    // locked here at the central office (which a record can no longer hold).
    for (scope, report) in [
        (
            "*",
            f.reg
                .compute_report("KTDHVP-DV", &p, &ReportScope::All)
                .unwrap(),
        ),
        (
            "HN",
            f.reg
                .compute_report("KTDHVP-DV", &p, &ReportScope::Office("HN".into()))
                .unwrap(),
        ),
    ] {
        // The report as migration 10 stored it: its lock had two fields, no changed cells.
        let mut snapshot = serde_json::to_value(&report).unwrap();
        snapshot["lock"] = serde_json::json!({
            "locked_at": "2026-10-01T08:00:00Z", "locked_by": "lanhdao"
        });
        snapshot.as_object_mut().unwrap().remove("changed_cells");
        f.reg
            .store()
            .conn()
            .execute(
                "INSERT INTO report_locks(form, period, scope, locked_at, locked_by, snapshot)
                 VALUES ('KTDHVP-DV', '2026-9m', ?1, '2026-10-01T08:00:00Z', 'lanhdao', ?2)",
                rusqlite::params![scope, snapshot.to_string()],
            )
            .unwrap();
    }
    let locked_all = figures(
        &f.reg
            .compute_report("KTDHVP-DV", &p, &ReportScope::All)
            .unwrap(),
        "Tổng cộng",
    );
    // A case after the lock (HN's, in the period).
    let m = subject(
        &mut f.reg,
        SubjectKind::Member,
        "Hoàng Văn Mới",
        Some(MembershipStatus::Full),
        None,
    );
    case(
        &mut f.reg,
        CaseKind::InspectionOnSigns,
        "HN",
        "2026-06-15",
        &[&m],
    );

    // The next sign-in converts what a record can hold.
    let reg = Register::session(f.reg.into_store(), "admin").unwrap();
    let count = |sql: &str| -> i64 { reg.store().conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM report_lock_records"), 1);
    assert_eq!(
        count("SELECT count(*) FROM report_locks WHERE scope = 'HN'"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM report_locks"), 1);
    assert_eq!(
        count("SELECT count(*) FROM ops WHERE kind = 'report-lock' AND author = 'lanhdao'"),
        6,
        "create, four identity fields and the lock, written as the officer who locked"
    );
    assert_eq!(
        count("SELECT count(*) FROM audit_log WHERE action = 'report.lock.migrate'"),
        1
    );
    let all = reg.report("KTDHVP-DV", &p, &ReportScope::All).unwrap();
    let lock = all.lock.clone().unwrap();
    assert!(lock.synced);
    assert_eq!(
        (
            lock.locked_at.as_str(),
            lock.locked_by.as_str(),
            lock.office.as_str()
        ),
        ("2026-10-01T08:00:00Z", "lanhdao", "TW")
    );
    assert_eq!(figures(&all, "Tổng cộng"), locked_all, "the locked figures");
    assert!(all.changed_since_lock);
    // HN's figures locked here stay a local lock, still honoured.
    let hn = reg
        .report("KTDHVP-DV", &p, &ReportScope::Office("HN".into()))
        .unwrap();
    let local = hn.lock.as_ref().unwrap();
    assert!(!local.synced);
    assert_eq!((local.office.as_str(), local.version), ("TW", 1));
    assert_eq!(figures(&hn, "Tổng cộng")[0], 1);
    assert!(hn.changed_since_lock);
    let locks = reg.report_locks().unwrap();
    assert_eq!(locks.len(), 2);
    let o = reg.report_lock_overview("KTDHVP-DV", &p).unwrap();
    let locked: Vec<(&str, bool)> = o
        .offices
        .iter()
        .filter(|r| r.locked)
        .map(|r| (r.office.as_str(), r.synced))
        .collect();
    assert_eq!(locked, [("*", true), ("HN", false)]);
    // Signing in again changes nothing.
    let digest = reg.digest().unwrap();
    let reg = Register::session(reg.into_store(), "admin").unwrap();
    assert_eq!(reg.digest().unwrap(), digest);
}
