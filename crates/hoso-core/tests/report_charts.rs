//! The Reports screen's charts (issue 13): cases by kind per month, discipline by form and
//! overdue cases by office equal what a person counts by hand in a small register built here,
//! scoped like the forms; and the discipline forms, which now read only the cases with a
//! decision dated in the period, still count what they counted by reading every case.

use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::reports::{Period, ReportCharts, ReportScope};
use hoso_core::store::Store;
use hoso_core::text::Text;

mod common;
use common::{case, d, decide, register, walk};

fn member(r: &mut Register, name: &str) -> String {
    match r
        .add_subject(
            NewSubject {
                kind: SubjectKind::Member,
                name: name.into(),
                birth_year: None,
                unit: Some("Công an tỉnh".into()),
                post: Some(Text::new("Trưởng phòng")),
                membership: Some(MembershipStatus::Full),
                authority: Some(ManagementAuthority::Province),
            },
            true,
        )
        .unwrap()
    {
        AddSubject::Added { id, .. } => id,
        other => panic!("{other:?}"),
    }
}

fn deadline(r: &mut Register, case: &str, day: &str) {
    r.set_case_field(case, "deadline", day).unwrap();
}

struct Fixture {
    reg: Register,
    c1: String,
    c2: String,
    c3: String,
    c4: String,
    c5: String,
    c6: String,
}

/// The small register the tests count by hand (central office TW; HN a province):
/// - C1 inspection on signs, TW, opened 10/2/2026, M1 + M2: M1 warned 5/4/2026, M2
///   reprimanded 6/4/2026; deadline 30/6/2026, open (overdue from 1/7);
/// - C2 inspection on signs, HN, opened 2/5/2026, M3: M3 expelled 15/10/2026 (after September);
///   deadline 1/6/2026, open (overdue);
/// - C3 discipline, TW, opened 15/1/2026, M3: M3 warned 20/3/2026, closed (concluded) the
///   same day; deadline 1/3/2026 (overdue until it closed, not on 30/9);
/// - C4 denunciation, HN, opened 3/2/2026, no subject; deadline 1/12/2026 (not overdue);
/// - C5 routine supervision, TW, opened 7/4/2026, no subject, no deadline;
/// - C6 inspection on signs, TW, opened 3/11/2026 (after September), M1; deadline 5/11/2026.
fn fixture(dir: &std::path::Path) -> Fixture {
    let mut reg = register(dir, "TW", true);
    let m1 = member(&mut reg, "Nguyễn Văn Đức");
    let m2 = member(&mut reg, "Trần Thị Hường");
    let m3 = member(&mut reg, "Lê Đình Khoa");

    let c1 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "TW",
        "2026-02-10",
        &[&m1, &m2],
    );
    walk(&mut reg, &c1, CaseStatus::CommitteeReview, "2026-02-20");
    decide(&mut reg, &c1, &m1, DisciplineForm::Warning, "2026-04-05");
    decide(&mut reg, &c1, &m2, DisciplineForm::Reprimand, "2026-04-06");
    deadline(&mut reg, &c1, "2026-06-30");

    let c2 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "HN",
        "2026-05-02",
        &[&m3],
    );
    walk(&mut reg, &c2, CaseStatus::CommitteeReview, "2026-05-10");
    decide(&mut reg, &c2, &m3, DisciplineForm::Expulsion, "2026-10-15");
    deadline(&mut reg, &c2, "2026-06-01");

    let c3 = case(&mut reg, CaseKind::Discipline, "TW", "2026-01-15", &[&m3]);
    walk(&mut reg, &c3, CaseStatus::CommitteeReview, "2026-01-20");
    decide(&mut reg, &c3, &m3, DisciplineForm::Warning, "2026-03-20");
    deadline(&mut reg, &c3, "2026-03-01");
    walk(&mut reg, &c3, CaseStatus::Concluded, "2026-03-20");

    let c4 = case(&mut reg, CaseKind::Denunciation, "HN", "2026-02-03", &[]);
    deadline(&mut reg, &c4, "2026-12-01");
    let c5 = case(
        &mut reg,
        CaseKind::RoutineSupervision,
        "TW",
        "2026-04-07",
        &[],
    );
    reg.set_case_field(&c5, "deadline", "").unwrap();
    let c6 = case(
        &mut reg,
        CaseKind::InspectionOnSigns,
        "TW",
        "2026-11-03",
        &[&m1],
    );
    deadline(&mut reg, &c6, "2026-11-05");
    Fixture {
        reg,
        c1,
        c2,
        c3,
        c4,
        c5,
        c6,
    }
}

fn nine_months() -> Period {
    Period::parse("2026-9m", None).unwrap()
}

fn series(c: &ReportCharts, kind: CaseKind) -> &hoso_core::reports::KindSeries {
    c.by_kind
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no series {kind}"))
}

fn values(s: &hoso_core::reports::KindSeries) -> Vec<u32> {
    s.cells.iter().map(|c| c.value.unwrap()).collect()
}

fn form(c: &ReportCharts, f: DisciplineForm) -> u32 {
    c.discipline
        .iter()
        .find(|b| b.form == f)
        .unwrap()
        .cell
        .value
        .unwrap()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_charts_count_as_counted_by_hand_over_every_office() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let c = f
        .reg
        .report_charts(&nine_months(), &ReportScope::All)
        .unwrap();
    assert!(c.scope.all);
    assert_eq!(
        c.buckets,
        (1..=9).map(|m| format!("2026-{m:02}")).collect::<Vec<_>>()
    );

    // Cases by kind per month: C1 (Feb) and C2 (May) inspections; C3 discipline (Jan); C4
    // denunciation (Feb); C5 supervision (Apr); C6 is in November.
    let kinds: Vec<CaseKind> = c.by_kind.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            CaseKind::InspectionOnSigns,
            CaseKind::RoutineSupervision,
            CaseKind::Denunciation,
            CaseKind::Discipline
        ]
    );
    let ins = series(&c, CaseKind::InspectionOnSigns);
    assert_eq!(values(ins), vec![0, 1, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(ins.total.value, Some(2));
    assert_eq!(ins.cells[1].cases, vec![f.c1.clone()]);
    assert_eq!(ins.cells[4].cases, vec![f.c2.clone()]);
    assert_eq!(
        values(series(&c, CaseKind::Discipline)),
        vec![1, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        values(series(&c, CaseKind::Denunciation)),
        vec![0, 1, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        series(&c, CaseKind::RoutineSupervision).cells[3].cases,
        vec![f.c5.clone()]
    );
    assert_eq!(c.opened.value, Some(5));
    assert!(!c.opened.cases.contains(&f.c6));

    // Discipline by form, by the decision's date: M1 warned (C1), M2 reprimanded (C1), M3
    // warned (C3); M3's expulsion (C2) is in October.
    let order: Vec<DisciplineForm> = c.discipline.iter().map(|b| b.form).collect();
    assert_eq!(order, DisciplineForm::ALL.to_vec());
    assert_eq!(form(&c, DisciplineForm::Warning), 2);
    assert_eq!(form(&c, DisciplineForm::Reprimand), 1);
    assert_eq!(form(&c, DisciplineForm::Expulsion), 0);
    assert_eq!(form(&c, DisciplineForm::RemovalFromPost), 0);
    let warned = &c.discipline[1].cell;
    assert_eq!(warned.cases, sorted(vec![f.c1.clone(), f.c3.clone()]));
    assert_eq!(c.disciplined.value, Some(3));

    // Overdue on 30/9/2026: C1 (deadline 30/6) and C2 (1/6), still open; C3 closed in March;
    // C4 not due yet; C5 has no deadline; C6 not opened yet.
    assert_eq!(c.overdue_on, d("2026-09-30"));
    let bars: Vec<(String, u32)> = c
        .overdue
        .iter()
        .map(|b| (b.office.clone(), b.cell.value.unwrap()))
        .collect();
    assert_eq!(bars, vec![("HN".into(), 1), ("TW".into(), 1)]);
    assert_eq!(c.overdue[0].cell.cases, vec![f.c2.clone()]);
    assert_eq!(c.overdue_total.value, Some(2));
    assert!(!c.overdue_total.cases.contains(&f.c3));
    assert!(!c.overdue_total.cases.contains(&f.c4));

    // Every case behind a figure has its number.
    for id in [&f.c1, &f.c2, &f.c3, &f.c4, &f.c5] {
        assert!(c.cases[id].number.contains("-2026-"), "{id}");
    }
    assert!(!c.cases.contains_key(&f.c6));
}

#[test]
fn another_period_and_this_office_change_the_charts_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());

    // The first quarter: C3 (Jan), C1 and C4 (Feb); M3 warned 20/3; on 31/3 C3 was closed and
    // C1 and C2 not due (C2 not even opened).
    let q1 = f
        .reg
        .report_charts(&Period::parse("2026-q1", None).unwrap(), &ReportScope::All)
        .unwrap();
    assert_eq!(q1.buckets.len(), 3);
    assert_eq!(q1.opened.value, Some(3));
    assert_eq!(form(&q1, DisciplineForm::Warning), 1);
    assert_eq!(q1.discipline[1].cell.cases, vec![f.c3.clone()]);
    assert_eq!(form(&q1, DisciplineForm::Reprimand), 0);
    assert!(q1.overdue.is_empty());
    assert_eq!(q1.overdue_total.value, Some(0));

    // February alone is not a period: months are cumulative (January–February).
    let feb = f
        .reg
        .report_charts(&Period::parse("2026-m02", None).unwrap(), &ReportScope::All)
        .unwrap();
    assert_eq!(feb.buckets, vec!["2026-01", "2026-02"]);
    // C3 was overdue on 28/2? Its deadline is 1/3: not yet.
    assert!(feb.overdue.is_empty());

    // The year, counted today or on 31/12: C2's expulsion (15/10) counts, C6 opened in November.
    let year = f
        .reg
        .report_charts(&Period::parse("2026", None).unwrap(), &ReportScope::All)
        .unwrap();
    assert_eq!(form(&year, DisciplineForm::Expulsion), 1);
    assert_eq!(year.opened.value, Some(6));
    assert_eq!(
        series(&year, CaseKind::InspectionOnSigns).cells[10].cases,
        vec![f.c6.clone()]
    );

    // This office (TW) only: HN's C2 and C4 are left out.
    let tw = f
        .reg
        .report_charts(&nine_months(), &ReportScope::This)
        .unwrap();
    assert_eq!(tw.scope.code, "TW");
    assert_eq!(tw.opened.value, Some(3));
    assert!(!tw.by_kind.iter().any(|s| s.kind == CaseKind::Denunciation));
    assert_eq!(tw.disciplined.value, Some(3));
    assert_eq!(tw.overdue.len(), 1);
    assert_eq!(tw.overdue[0].office, "TW");
    assert_eq!(tw.overdue[0].cell.cases, vec![f.c1.clone()]);

    // One other office, at the central office.
    let hn = f
        .reg
        .report_charts(&nine_months(), &ReportScope::Office("hn".into()))
        .unwrap();
    assert_eq!(hn.opened.value, Some(2));
    assert_eq!(hn.disciplined.value, Some(0));
    assert_eq!(hn.overdue_total.cases, vec![f.c2.clone()]);

    // A Party term is charted by year.
    let term = f
        .reg
        .report_charts(
            &Period::parse("term-2025-2030", None).unwrap(),
            &ReportScope::All,
        )
        .unwrap();
    assert_eq!(term.buckets.first().map(String::as_str), Some("2025"));
    assert_eq!(term.buckets.len(), 6);
    assert_eq!(
        series(&term, CaseKind::InspectionOnSigns).cells[1].value,
        Some(3)
    );
}

#[test]
fn a_province_charts_its_own_cases_only() {
    let dir = tempfile::tempdir().unwrap();
    let hn = register(dir.path(), "HN", false);
    let p = nine_months();
    for scope in [ReportScope::All, ReportScope::Office("TW".into())] {
        assert_eq!(
            hn.report_charts(&p, &scope).unwrap_err().code(),
            "permission-denied",
            "{scope:?}"
        );
    }
    let own = hn.report_charts(&p, &ReportScope::This).unwrap();
    assert_eq!(own.scope.code, "HN");
    assert_eq!(own.opened.value, Some(0));
    assert!(own.by_kind.is_empty());
    assert!(own.overdue.is_empty());
    assert!(own.discipline.iter().all(|b| b.cell.value == Some(0)));
}

#[test]
fn the_discipline_forms_count_only_decisions_dated_in_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let p = nine_months();
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let r = f
        .reg
        .report_with_progress("THKL-DV-UBKT", &p, &ReportScope::All, &mut |done, total| {
            calls.push((done, total))
        })
        .unwrap();
    // M1 and M2 (C1) and M3 (C3): three members disciplined from January to September.
    assert_eq!(r.rows[0].cells[0].value, Some(3));
    assert_eq!(
        r.rows[0].cells[0].cases,
        sorted(vec![f.c1.clone(), f.c3.clone()])
    );
    // Only the two cases with a decision dated in the period are read, not all five opened.
    assert_eq!(calls.first(), Some(&(0, 2)));
    assert_eq!(calls.last(), Some(&(2, 2)));

    // A decision recorded now, dated in August, on a case opened in May: counted.
    let m4 = member(&mut f.reg, "Phạm Thị Mai");
    let c7 = case(&mut f.reg, CaseKind::Discipline, "TW", "2026-05-20", &[&m4]);
    walk(&mut f.reg, &c7, CaseStatus::CommitteeReview, "2026-05-25");
    decide(
        &mut f.reg,
        &c7,
        &m4,
        DisciplineForm::RemovalFromPost,
        "2026-08-01",
    );
    let r = f.reg.report("THKL-DV-UBKT", &p, &ReportScope::All).unwrap();
    assert_eq!(r.rows[0].cells[0].value, Some(4));
    assert!(r.rows[0].cells[0].cases.contains(&c7));
    let charts = f.reg.report_charts(&p, &ReportScope::All).unwrap();
    assert_eq!(form(&charts, DisciplineForm::RemovalFromPost), 1);

    // The index survives a rebuild of the query tables.
    f.reg.rebuild_projections().unwrap();
    let again = f.reg.report("THKL-DV-UBKT", &p, &ReportScope::All).unwrap();
    assert_eq!(again.rows, r.rows);
}

#[test]
fn a_register_written_before_the_index_gets_it_on_opening() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let p = nine_months();
    let before = f.reg.report("THKL-DV-UBKT", &p, &ReportScope::All).unwrap();
    assert_eq!(before.rows[0].cells[0].value, Some(3));
    // As an older HoSo left it: the schema before migration 12 (no index, nor what later
    // migrations add).
    let conn = f.reg.store_mut().conn_mut();
    conn.execute("DROP TABLE case_decision_dates", []).unwrap();
    for index in [
        "cases_by_deadline",
        "cases_by_status_number",
        "cases_by_status_deadline",
    ] {
        conn.execute(&format!("DROP INDEX {index}"), []).unwrap();
    }
    conn.pragma_update(None, "user_version", 11).unwrap();
    drop(f.reg.into_store());
    let store = Store::open(dir.path().join("TW.hoso"), "admin", "mật khẩu").unwrap();
    let reg = Register::session(store, "admin").unwrap();
    let after = reg.report("THKL-DV-UBKT", &p, &ReportScope::All).unwrap();
    assert_eq!(after.rows, before.rows);
    let charts = reg
        .report_charts(&Period::parse("2026", None).unwrap(), &ReportScope::All)
        .unwrap();
    assert_eq!(charts.disciplined.value, Some(4));
}
