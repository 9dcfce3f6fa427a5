//! The permission matrix, operation by operation: every role tries every core operation on a
//! real register (the central office, with province HN enrolled), on a case the office leads
//! and the officer is assigned to, one it leads but the officer is not on, and one another
//! office leads. The expected table is written from GLOSSARY.md and DESIGN.md ("Access"), not
//! read from the core's own matrix, so a wrong grant or a missing check in any operation fails
//! here.

use hoso_core::Text;
use hoso_core::access::Role;
use hoso_core::model::{
    CaseKind, CaseStatus, DisciplineForm, MembershipStatus, OfficeKind, SubjectKind,
};
use hoso_core::register::{
    AddSubject, NewCase, NewDecision, NewOffice, NewPlan, NewSubject, Register,
};
use hoso_tests::offices::{CENTRAL, World};

/// The officers, one per column of the table.
const OFFICERS: &[(&str, Role)] = &[
    ("admin", Role::Administrator),
    ("lanhdao", Role::CommitteeLeader),
    ("kiemtra", Role::Inspector),  // on the team of the cases below
    ("kiemtra2", Role::Inspector), // on no team
    ("vanthu", Role::LettersClerk),
    ("xem", Role::Viewer),
];

/// What each operation is tried on, prepared afresh by the administrator before each try.
struct Fixture {
    /// Led by this office (TW), officer `kiemtra` on its team; a member under discipline.
    own: String,
    /// Led by HN (this office coordinates), `kiemtra` on its team.
    other: String,
    /// A denunciation led by TW, `kiemtra` on its team, the denouncer recorded.
    denunciation: String,
    subject: String,
    bundle_from_hn: std::path::PathBuf,
}

type Operation = fn(&mut Register, &Fixture) -> hoso_core::Result<()>;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn case(
    reg: &mut Register,
    kind: CaseKind,
    title: &str,
    lead: &str,
    subjects: Vec<String>,
) -> String {
    reg.add_case(NewCase {
        kind,
        title: title.into(),
        lead: lead.into(),
        coordinators: if lead == CENTRAL {
            vec![]
        } else {
            vec![(CENTRAL.to_string(), Text::from("chỉ đạo"))]
        },
        subjects,
        origin: None,
        opened: None,
        summary: Text::default(),
        team: if reg.session_info().office == CENTRAL {
            vec!["kiemtra".to_string()]
        } else {
            vec![]
        },
    })
    .unwrap_or_else(|e| panic!("fixture case {title}: {e:?}"))
    .id
}

fn prepare(w: &mut World) -> Fixture {
    w.continue_as(CENTRAL, "admin");
    let reg = w.reg(CENTRAL);
    let AddSubject::Added { id: subject } = reg
        .add_subject(
            NewSubject {
                kind: SubjectKind::Member,
                name: "Trần Văn Đông".into(),
                birth_year: None,
                unit: Some("Phòng PC03".into()),
                post: Some("Phó Trưởng phòng".into()),
                membership: Some(MembershipStatus::Full),
                authority: None,
            },
            true,
        )
        .unwrap()
    else {
        panic!("a new subject")
    };
    let own = case(
        reg,
        CaseKind::InspectionOnSigns,
        "Kiểm tra dấu hiệu vi phạm",
        CENTRAL,
        vec![subject.clone()],
    );
    // Far enough in the workflow for a decision.
    for s in [
        CaseStatus::Classified,
        CaseStatus::Preparing,
        CaseStatus::Decided,
        CaseStatus::Announced,
        CaseStatus::Verifying,
        CaseStatus::ReportDrafted,
        CaseStatus::CommitteeReview,
    ] {
        reg.transition(&own, s, None, None).unwrap();
    }
    let other = case(
        reg,
        CaseKind::ThematicSupervision,
        "Giám sát chuyên đề",
        "HN",
        vec![],
    );
    let denunciation = case(
        reg,
        CaseKind::Denunciation,
        "Giải quyết tố cáo",
        CENTRAL,
        vec![],
    );
    // The denouncer is recorded by the committee's leadership (administrators never see it).
    w.continue_as(CENTRAL, "lanhdao");
    w.reg(CENTRAL)
        .set_denouncer(&denunciation, "Phạm Thị Tố".into(), None, None)
        .unwrap();

    // A bundle HN wrote after opening a case of its own (imported or not, it is new each time).
    w.continue_as("HN", "admin");
    let hn = w.reg("HN");
    case(
        hn,
        CaseKind::ThematicSupervision,
        "Giám sát tại Hà Nội",
        "HN",
        vec![],
    );
    let bundle_from_hn = w.export("HN", &[CENTRAL], false);
    Fixture {
        own,
        other,
        denunciation,
        subject,
        bundle_from_hn,
    }
}

fn ok<T>(r: hoso_core::Result<T>) -> hoso_core::Result<()> {
    r.map(|_| ())
}

/// Each operation and who may run it, in the order of `OFFICERS`:
/// administrator, committee leader, inspector on the team, inspector not on it, letters clerk,
/// viewer.
#[rustfmt::skip]
/// A denouncer is seen at the lead office only: another office's denouncer is refused to every
/// role, the committee's leadership included.
const TABLE: &[(&str, Operation, [bool; 6])] = &[
    ("case.create", |r, _| ok(r.add_case(NewCase {
        kind: CaseKind::Denunciation, title: "Đơn tố cáo mới".into(), lead: CENTRAL.into(),
        coordinators: vec![], subjects: vec![], origin: None, opened: None,
        summary: Text::default(), team: vec![] })),
        [true, true, true, true, true, false]),
    ("case.edit, a case this office leads", |r, f| ok(r.set_case_field(&f.own, "summary", "Bổ sung")),
        [true, true, true, false, true, false]),
    ("case.edit, a case another office leads", |r, f| ok(r.set_case_field(&f.other, "summary", "Bổ sung")),
        [true, true, true, false, false, false]),
    ("case.transition, a case this office leads", |r, f| ok(r.transition(&f.own, CaseStatus::Concluded, None, None)),
        [true, true, true, false, true, false]),
    ("case.decide", |r, f| ok(r.decide(&f.own, NewDecision {
        subject: f.subject.clone(), form: DisciplineForm::Reprimand, date: today(),
        violation_date: Some(today() - chrono::Days::new(30)), note: Text::default(),
        change_reason: None, violation_areas: vec![] })),
        [true, true, false, false, false, false]),
    ("denouncer.read, a case this office leads", |r, f| ok(r.denouncer(&f.denunciation)),
        [false, true, true, false, true, false]),
    ("denouncer.read, a case another office leads", |r, f| ok(r.denouncer(&f.other)),
        [false, false, false, false, false, false]),
    ("denouncer.write, a case this office leads", |r, f| ok(r.set_denouncer(&f.denunciation, "Phạm Thị Tố Cáo".into(), None, None)),
        [false, true, false, false, true, false]),
    ("subject.write", |r, _| ok(r.add_subject(NewSubject {
        kind: SubjectKind::Organisation, name: "Chi bộ Phòng PC02".into(), birth_year: None,
        unit: None, post: None, membership: None, authority: None }, true)),
        [true, true, true, true, true, false]),
    ("plan.write", |r, _| ok(r.add_plan(NewPlan { office: None, year: 2027, title: "Chương trình kiểm tra năm 2027".into() })),
        [true, true, true, true, false, false]),
    ("office.admin", |r, _| ok(r.add_office(NewOffice {
        code: "XX".into(), name: "Ủy ban Kiểm tra thử".into(), kind: OfficeKind::Province,
        parent: None, predecessors: vec![], valid_from: None, valid_to: None })),
        [true, false, false, false, false, false]),
    ("officer.admin", |r, _| ok(r.add_officer("moi", &"Cán Bộ Mới".into(), Role::Viewer)),
        [true, false, false, false, false, false]),
    ("rules.admin", |r, _| { let rules = r.rules()?; r.set_rules(rules) },
        [true, false, false, false, false, false]),
    ("audit.read", |r, _| ok(r.audit_verify()),
        [true, true, false, false, false, false]),
    ("bundle.export", |r, _| ok(r.export_bundle(&["HN".to_string()], false, &mut Vec::new(), &mut |_| {})),
        [true, true, false, false, true, false]),
    ("bundle.import", |r, f| ok(r.import_bundle(&f.bundle_from_hn, false, None, &mut |_| {})),
        [true, true, false, false, true, false]),
    ("key.export", |r, _| ok(r.export_age_identity("a test")),
        [true, false, false, false, false, false]),
];

#[test]
fn every_role_tries_every_operation() {
    let mut w = World::new(&["HN"]);
    w.carry(CENTRAL, "HN");
    for (login, role) in &OFFICERS[1..] {
        w.continue_as(CENTRAL, "admin");
        w.sign_in_as(CENTRAL, login, *role);
    }
    let mut wrong = Vec::new();
    for (what, operation, allowed) in TABLE {
        for ((login, _), may) in OFFICERS.iter().zip(allowed) {
            let fixture = prepare(&mut w);
            w.continue_as(CENTRAL, login);
            let before = w.untouched_state(CENTRAL);
            let result = operation(w.reg(CENTRAL), &fixture);
            match (may, result) {
                (true, Ok(())) => {}
                (false, Err(e)) if e.code() == "permission-denied" => {
                    assert_eq!(
                        w.untouched_state(CENTRAL),
                        before,
                        "{what} refused to {login} changed the register"
                    );
                }
                (true, Err(e)) => wrong.push(format!("{what}: {login} was refused: {e}")),
                (false, Ok(())) => wrong.push(format!("{what}: {login} was allowed")),
                (false, Err(e)) => wrong.push(format!(
                    "{what}: {login} failed with {} instead of permission-denied: {e}",
                    e.code()
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the permission matrix is not enforced:\n{}",
        wrong.join("\n")
    );
}
