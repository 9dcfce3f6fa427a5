//! The domain register through the public core API, on real SQLCipher registers.

use chrono::NaiveDate;
use hoso_core::access::Role;
use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::rules::{HolidayCalendar, RuleSet};
use hoso_core::search::CaseFilter;
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::{Text, audit, oplog};

mod common;
use common::d;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

/// A register for office HN with administrator "admin", and the central office's 2025 office
/// list (QBI merged into QTR on 2025-07-01, DNG...).
fn setup() -> (Fixture, Register) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reg.hoso");
    let (store, _rk) = Store::create(&path, "admin", "mật khẩu", &FAST_KDF_FOR_TESTS).unwrap();
    let mut reg = Register::initialise(
        store,
        InitParams {
            office_code: "hn".into(),
            office_name: "Ủy ban Kiểm tra Đảng ủy Công an Hà Nội".into(),
            officer_login: "admin".into(),
            officer_name: "Nguyễn Thị Lan".into(),
            central: false,
        },
    )
    .unwrap();
    // The office list is the central office's: HN receives it as from its set-up bundle. A
    // central office starts with the 2025 list: HN, DNG, QTR and QBI (Quảng Bình, merged into
    // Quảng Trị on 2025-07-01) are on it.
    let tw = central_register(dir.path());
    set_up_from(&tw, &mut reg);
    (Fixture { _dir: dir, path }, reg)
}

/// The central office TW (its register in `dir`).
fn central_register(dir: &std::path::Path) -> Register {
    let (store, _) = Store::create(
        dir.join("TW.hoso"),
        "admin",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    Register::initialise(
        store,
        InitParams {
            office_code: "TW".into(),
            office_name: "Ủy ban Kiểm tra Trung ương".into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central: true,
        },
    )
    .unwrap()
}

/// What the set-up bundle does for `reg`: trust the central office's root and roster, and hold
/// what it wrote (the office list).
fn set_up_from(tw: &Register, reg: &mut Register) {
    use hoso_core::trust::{self, roster};
    let root = trust::trusted_root(tw.store().conn()).unwrap().unwrap();
    let signed = roster::stored_signed_roster(tw.store().conn())
        .unwrap()
        .unwrap();
    trust::set_trusted_root(reg.store().conn(), &root).unwrap();
    roster::adopt_roster(reg.store().conn(), &root, &signed).unwrap();
    sync(tw, reg);
}

fn office(code: &str, name: &str, from: Option<NaiveDate>, preds: Vec<String>) -> NewOffice {
    NewOffice {
        code: code.into(),
        name: name.into(),
        kind: OfficeKind::Province,
        parent: None,
        predecessors: preds,
        valid_from: from,
        valid_to: None,
    }
}

fn member(
    reg: &mut Register,
    name: &str,
    unit: &str,
    post: Option<&str>,
    probationary: bool,
) -> String {
    let n = NewSubject {
        kind: SubjectKind::Member,
        name: name.into(),
        birth_year: Some(1975),
        unit: Some(unit.into()),
        post: post.map(Text::from),
        membership: Some(if probationary {
            MembershipStatus::Probationary
        } else {
            MembershipStatus::Full
        }),
        authority: Some(ManagementAuthority::Province),
    };
    match reg.add_subject(n, false).unwrap() {
        AddSubject::Added { id } => id,
        other => panic!("{other:?}"),
    }
}

fn new_case(
    kind: CaseKind,
    title: &str,
    lead: &str,
    opened: &str,
    subjects: Vec<String>,
) -> NewCase {
    NewCase {
        kind,
        title: title.into(),
        lead: lead.into(),
        coordinators: vec![],
        subjects,
        origin: None,
        opened: Some(d(opened)),
        summary: Text::default(),
        team: vec![],
    }
}

/// Runs a failing call and checks the register did not change.
fn unchanged<T: std::fmt::Debug>(
    reg: &mut Register,
    f: impl FnOnce(&mut Register) -> hoso_core::Result<T>,
) -> hoso_core::Error {
    let before = reg.digest().unwrap();
    let audit_before = audit::head(reg.store().conn()).unwrap();
    let err = f(reg).unwrap_err();
    assert_eq!(reg.digest().unwrap(), before, "digest changed after: {err}");
    assert_eq!(
        audit::head(reg.store().conn()).unwrap(),
        audit_before,
        "audit changed after: {err}"
    );
    err
}

#[test]
fn offices_sort_in_vietnamese_order_and_represent_the_merger() {
    let (_f, mut reg) = setup();
    let names: Vec<String> = reg
        .list_offices()
        .unwrap()
        .iter()
        .map(|o| o.name.to_string())
        .collect();
    // The central office's list: the 34 units, the 29 former provinces merged into them, and
    // the central office itself. Đ sorts after D, Ủ after U-less names, in Vietnamese order.
    assert_eq!(names.len(), 34 + 29 + 1, "{names:?}");
    let at = |n: &str| {
        names
            .iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert!(at("Đà Nẵng") < at("Điện Biên"));
    assert!(at("Điện Biên") < at("Gia Lai"));
    assert!(at("Quảng Bình") < at("Quảng Trị"));
    assert!(at("Quảng Trị") < at("Ủy ban Kiểm tra Trung ương"));
    assert!(at("Ủy ban Kiểm tra Trung ương") < at("Yên Bái"));
    let qb = reg.office("qbi").unwrap();
    assert_eq!(qb.name.as_str(), "Quảng Bình");
    assert_eq!(
        qb.valid_to,
        Some(d("2025-07-01")),
        "the merger closes the predecessor"
    );
    assert_eq!(
        reg.office("QTR").unwrap().predecessors,
        vec!["QBI".to_string()]
    );
    assert_eq!(reg.successor("QBI").unwrap().as_deref(), Some("QTR"));
    assert_eq!(reg.successor("QTR").unwrap(), None);

    // A 2026 case cannot be led by the merged-away office; a 2024 one can, and keeps it.
    let e = unchanged(&mut reg, |r| {
        r.add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra",
            "QBI",
            "2026-02-01",
            vec![],
        ))
    });
    let msg = e.to_string();
    assert!(msg.contains("QBI") && msg.contains("QTR"), "{msg}");
    let old = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra cũ",
            "QBI",
            "2024-03-01",
            vec![],
        ))
        .unwrap();
    assert_eq!(reg.case(&old.id).unwrap().lead, "QBI");
    // ... and today's Quảng Trị sees it in its office filter.
    let rows = reg
        .list_cases(&CaseFilter {
            office: Some("QTR".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [old.id.as_str()]
    );

    // Bad input names the problem and writes nothing.
    let e = unchanged(&mut reg, |r| {
        r.add_office(office("QBI", "Trùng", None, vec![]))
    });
    assert!(e.to_string().contains("already exists"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.add_office(office(
            "X1",
            "Mới",
            Some(d("2025-07-01")),
            vec!["ZZ".into()],
        ))
    });
    assert!(e.to_string().contains("ZZ"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.add_office(office("H-N", "Sai", None, vec![]))
    });
    assert!(e.to_string().contains("office code"), "{e}");
}

#[test]
fn subject_duplicates_are_detected_across_nfc_and_nfd() {
    let (_f, mut reg) = setup();
    let id = member(
        &mut reg,
        "Nguyễn Văn Đức",
        "Phòng Cảnh sát hình sự",
        Some("Trưởng phòng"),
        false,
    );
    // Same person typed decomposed, with different case and spacing.
    let nfd = "nguye\u{302}\u{303}n  va\u{306}n \u{111}u\u{31b}\u{301}c";
    let n = NewSubject {
        kind: SubjectKind::Member,
        name: nfd.into(),
        birth_year: Some(1975),
        unit: Some("phòng cảnh sát hình sự".into()),
        post: None,
        membership: None,
        authority: None,
    };
    let before = reg.digest().unwrap();
    match reg.add_subject(n.clone(), false).unwrap() {
        AddSubject::PossibleDuplicates { existing } => assert_eq!(existing[0].id, id),
        other => panic!("expected a duplicate warning, got {other:?}"),
    }
    assert_eq!(reg.digest().unwrap(), before);
    // A different birth year is another person.
    let mut other = n.clone();
    other.birth_year = Some(1980);
    assert!(matches!(
        reg.add_subject(other, false).unwrap(),
        AddSubject::Added { .. }
    ));
    // Forced: added on purpose.
    assert!(matches!(
        reg.add_subject(n, true).unwrap(),
        AddSubject::Added { .. }
    ));
    assert_eq!(reg.list_subjects(Some("nguyen van duc")).unwrap().len(), 3);
    assert_eq!(reg.subject(&id).unwrap().name.as_str(), "Nguyễn Văn Đức");

    let e = unchanged(&mut reg, |r| {
        r.add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: "Chi bộ Phòng PC01".into(),
                birth_year: None,
                unit: None,
                post: Some("Bí thư".into()),
                membership: None,
                authority: None,
            },
            false,
        )
    });
    assert!(e.to_string().contains("post"), "{e}");
}

#[test]
fn case_numbers_are_per_office_and_year() {
    let (_f, mut reg) = setup();
    let a = reg
        .add_case(new_case(
            CaseKind::RoutineSupervision,
            "Giám sát A",
            "HN",
            "2026-01-05",
            vec![],
        ))
        .unwrap();
    let b = reg
        .add_case(new_case(
            CaseKind::RoutineSupervision,
            "Giám sát B",
            "DNG",
            "2026-02-05",
            vec![],
        ))
        .unwrap();
    let c = reg
        .add_case(new_case(
            CaseKind::RoutineSupervision,
            "Giám sát C",
            "HN",
            "2025-12-30",
            vec![],
        ))
        .unwrap();
    assert_eq!(a.number, "HN-2026-0001");
    assert_eq!(
        b.number, "HN-2026-0002",
        "numbered by the registering office, whoever leads"
    );
    assert_eq!(c.number, "HN-2025-0001");
    assert_eq!(reg.case("hn-2026-0002").unwrap().id, b.id);
    let e = unchanged(&mut reg, |r| {
        r.add_case(new_case(
            CaseKind::Discipline,
            "X",
            "ZZ",
            "2026-01-01",
            vec![],
        ))
    });
    assert!(
        matches!(
            e,
            hoso_core::Error::NotFound {
                entity: "office",
                ..
            }
        ),
        "{e}"
    );
    let e = unchanged(&mut reg, |r| {
        r.add_case(new_case(
            CaseKind::Discipline,
            "X",
            "HN",
            "2026-01-01",
            vec!["nope".into()],
        ))
    });
    assert!(e.to_string().contains("subject"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.add_case(new_case(
            CaseKind::Discipline,
            "  ",
            "HN",
            "2026-01-01",
            vec![],
        ))
    });
    assert!(e.to_string().contains("title"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.add_case(new_case(
            CaseKind::Discipline,
            "X",
            "HN",
            "2099-01-01",
            vec![],
        ))
    });
    assert!(e.to_string().contains("future"), "{e}");
}

#[test]
fn workflow_is_enforced_and_recorded() {
    let (_f, mut reg) = setup();
    let s = member(&mut reg, "Trần Văn Bình", "Công an huyện", None, false);
    let c = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Giải quyết tố cáo đối với đồng chí Bình",
            "HN",
            "2026-03-02",
            vec![s],
        ))
        .unwrap();
    let case = reg.case(&c.id).unwrap();
    assert_eq!(case.status, CaseStatus::Received);
    assert_eq!(case.origin, CaseOrigin::FromDenunciation);
    // Province level: 90 working days (weekends and holidays excluded) by the rules in force.
    let rules = RuleSet::defaults();
    let cal = HolidayCalendar::vietnam_default();
    let expected = rules
        .deadline("denunciation.province", d("2026-03-02"), 0, &cal)
        .unwrap();
    assert_eq!(case.deadline, Some(expected));
    assert!(
        expected > d("2026-07-06"),
        "holidays (30/4, 1/5, Hùng Kings) push it past 18 weeks"
    );

    let e = unchanged(&mut reg, |r| {
        r.transition(
            &c.number,
            CaseStatus::Concluded,
            None,
            Some(d("2026-03-03")),
        )
    });
    assert_eq!(e.code(), "illegal-transition");
    assert!(e.to_string().contains("allowed: classified"), "{e}");

    for (to, date) in [
        (CaseStatus::Classified, "2026-03-03"),
        (CaseStatus::Preparing, "2026-03-04"),
        (CaseStatus::Decided, "2026-03-05"),
        (CaseStatus::Announced, "2026-03-10"),
        (CaseStatus::Verifying, "2026-03-11"),
        (CaseStatus::Extended, "2026-06-30"),
    ] {
        reg.transition(&c.id, to, Some("ghi chú".into()), Some(d(date)))
            .unwrap();
    }
    let case = reg.case(&c.id).unwrap();
    assert_eq!(case.resume_status, Some(CaseStatus::Verifying));
    assert_eq!(case.extensions, 1);
    assert_eq!(
        case.deadline,
        Some(
            rules
                .deadline("denunciation.province", d("2026-03-02"), 1, &cal)
                .unwrap()
        ),
        "+30 working days"
    );
    // Only one extension.
    reg.transition(&c.id, CaseStatus::Verifying, None, Some(d("2026-07-01")))
        .unwrap();
    let e = unchanged(&mut reg, |r| {
        r.transition(&c.id, CaseStatus::Extended, None, None)
    });
    assert!(e.to_string().contains("extended at most"), "{e}");
    // Withdrawn closes it; archived is the end.
    let case = reg
        .transition(&c.id, CaseStatus::Withdrawn, None, Some(d("2026-07-02")))
        .unwrap();
    assert_eq!(case.closed, Some(d("2026-07-02")));
    reg.transition(&c.id, CaseStatus::Archived, None, Some(d("2026-07-03")))
        .unwrap();
    let detail = reg.case_detail(&c.id).unwrap();
    assert!(detail.allowed_transitions.is_empty());
    let moves: Vec<_> = detail
        .timeline
        .iter()
        .filter(|t| t.kind == TimelineKind::Transition)
        .map(|t| t.to.unwrap())
        .collect();
    assert_eq!(moves.len(), 9);
    assert_eq!(detail.timeline[0].kind, TimelineKind::Created);
    assert_eq!(detail.timeline[1].note.as_str(), "ghi chú");
    // Each write was audited in its own transaction.
    let entries = audit::list(
        reg.store().conn(),
        &audit::AuditFilter {
            entity: Some(format!("case:{}", c.id)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "case.transition")
            .count(),
        9
    );
}

#[test]
fn case_fields_are_validated() {
    let (_f, mut reg) = setup();
    let c = reg
        .add_case(new_case(
            CaseKind::FinanceInspection,
            "Kiểm tra tài chính",
            "HN",
            "2026-01-10",
            vec![],
        ))
        .unwrap();
    reg.set_case_field(&c.id, "deadline", "2026-04-30").unwrap();
    reg.set_case_field(&c.id, "title", "Kiểm tra tài chính năm 2025")
        .unwrap();
    let case = reg.set_case_field(&c.id, "lead", "dng").unwrap();
    assert_eq!(case.lead, "DNG");
    assert_eq!(case.deadline, Some(d("2026-04-30")));
    for (field, value, needle) in [
        ("deadline", "30/04/2026", "YYYY-MM-DD"),
        ("deadline", "2025-01-01", "before"),
        ("status", "concluded", "transition"),
        ("colour", "red", "unknown case field"),
        ("origin", "random", "allowed: annual-plan"),
        ("lead", "QBI", "not in force"),
    ] {
        let e = unchanged(&mut reg, |r| r.set_case_field(&c.id, field, value));
        assert!(e.to_string().contains(needle), "{field}={value}: {e}");
    }
}

#[test]
fn discipline_is_validated_against_the_subject_and_the_limitation_period() {
    let (_f, mut reg) = setup();
    let chief = member(
        &mut reg,
        "Lê Văn Cường",
        "Phòng PC02",
        Some("Phó Trưởng phòng"),
        false,
    );
    let plain = member(&mut reg, "Phạm Thị Dung", "Phòng PC02", None, false);
    let prob = member(&mut reg, "Hoàng Văn Em", "Phòng PC02", None, true);
    let org = match reg
        .add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: "Chi bộ Phòng PC02".into(),
                birth_year: None,
                unit: None,
                post: None,
                membership: None,
                authority: None,
            },
            false,
        )
        .unwrap()
    {
        AddSubject::Added { id } => id,
        o => panic!("{o:?}"),
    };
    let c = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra dấu hiệu vi phạm",
            "HN",
            "2026-01-05",
            vec![chief.clone(), plain.clone(), prob.clone(), org.clone()],
        ))
        .unwrap();
    let decision = |s: &str, form, violation: Option<&str>| NewDecision {
        subject: s.into(),
        form,
        date: d("2026-05-01"),
        violation_date: violation.map(d),
        note: Text::default(),
        change_reason: None,
        violation_areas: vec![],
    };
    // Not before the committee has reviewed.
    let e = unchanged(&mut reg, |r| {
        r.decide(&c.id, decision(&chief, DisciplineForm::Warning, None))
    });
    assert!(e.to_string().contains("committee-review"), "{e}");
    for s in [
        CaseStatus::Classified,
        CaseStatus::Preparing,
        CaseStatus::Decided,
        CaseStatus::Announced,
        CaseStatus::Verifying,
        CaseStatus::ReportDrafted,
        CaseStatus::CommitteeReview,
    ] {
        reg.transition(&c.id, s, None, Some(d("2026-04-01")))
            .unwrap();
    }
    for (s, form, needle) in [
        (&plain, DisciplineForm::RemovalFromPost, "post"),
        (&prob, DisciplineForm::Expulsion, "probationary"),
        (&org, DisciplineForm::Expulsion, "organisation"),
        (&chief, DisciplineForm::Dissolution, "Party organisations"),
    ] {
        let e = unchanged(&mut reg, |r| r.decide(&c.id, decision(s, form, None)));
        assert!(e.to_string().contains(needle), "{form}: {e}");
    }
    // Reprimand: 5 years from the violation; expulsion: no limit.
    let e = unchanged(&mut reg, |r| {
        r.decide(
            &c.id,
            decision(&plain, DisciplineForm::Reprimand, Some("2020-01-01")),
        )
    });
    assert!(e.to_string().contains("limitation"), "{e}");
    reg.decide(
        &c.id,
        decision(&plain, DisciplineForm::Expulsion, Some("2010-01-01")),
    )
    .unwrap();
    reg.decide(
        &c.id,
        decision(&chief, DisciplineForm::RemovalFromPost, Some("2020-01-01")),
    )
    .unwrap();
    // Without the violation's date a form with a limitation period is refused, never skipped.
    let e = unchanged(&mut reg, |r| {
        r.decide(&c.id, decision(&prob, DisciplineForm::Warning, None))
    });
    assert!(
        e.to_string().contains("when the violation was committed"),
        "{e}"
    );
    // A violation in an area with no limitation (security): a 2009 one is not time-barred.
    let e = unchanged(&mut reg, |r| {
        r.decide(
            &c.id,
            decision(&prob, DisciplineForm::Warning, Some("2009-03-01")),
        )
    });
    assert!(e.to_string().contains("limitation"), "{e}");
    reg.decide(
        &c.id,
        NewDecision {
            violation_areas: vec![hoso_core::rules::ViolationArea::DefenceSecurity],
            ..decision(&prob, DisciplineForm::Warning, Some("2009-03-01"))
        },
    )
    .unwrap();
    reg.decide(&c.id, decision(&org, DisciplineForm::Dissolution, None))
        .unwrap();
    let detail = reg.case_detail(&c.id).unwrap();
    assert_eq!(detail.decisions.len(), 4);
    // Appeals: within one month of receiving the decision; the outcome is validated like a
    // decision.
    let appeal = |filed: &str, outcome, new_form| Appeal {
        subject: prob.clone(),
        filed: d(filed),
        decision_received: d("2026-05-05"),
        outcome,
        new_form,
    };
    let e = unchanged(&mut reg, |r| {
        r.record_appeal(&c.id, appeal("2026-06-20", None, None))
    });
    assert!(e.to_string().contains("outside the time to appeal"), "{e}");
    reg.record_appeal(&c.id, appeal("2026-05-20", None, None))
        .unwrap();
    let e = unchanged(&mut reg, |r| {
        r.record_appeal(
            &c.id,
            appeal(
                "2026-05-20",
                Some(AppealOutcome::Increase),
                Some(DisciplineForm::Expulsion),
            ),
        )
    });
    assert!(e.to_string().contains("probationary"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.record_appeal(
            &c.id,
            appeal("2026-05-20", Some(AppealOutcome::Reduce), None),
        )
    });
    assert!(e.to_string().contains("new form"), "{e}");
    reg.record_appeal(
        &c.id,
        appeal(
            "2026-05-20",
            Some(AppealOutcome::Reduce),
            Some(DisciplineForm::Reprimand),
        ),
    )
    .unwrap();
    let detail = reg.case_detail(&c.id).unwrap();
    assert_eq!(detail.appeals.len(), 2);
    assert_eq!(detail.appeals[1].new_form, Some(DisciplineForm::Reprimand));
    assert_eq!(
        detail.decisions.len(),
        4,
        "the penalty stays recorded during and after the appeal"
    );
    // A subject not on the case.
    let stranger = member(&mut reg, "Vũ Văn Giang", "Phòng PC03", None, false);
    let e = unchanged(&mut reg, |r| {
        r.decide(&c.id, decision(&stranger, DisciplineForm::Reprimand, None))
    });
    assert!(e.to_string().contains("not a subject"), "{e}");
}

#[test]
fn permissions_are_checked_in_the_core() {
    let (f, mut reg) = setup();
    reg.add_officer("xem", &"Người Xem".into(), Role::Viewer)
        .unwrap();
    reg.add_officer("kiemtra", &"Cán Bộ Kiểm Tra".into(), Role::Inspector)
        .unwrap();
    reg.add_officer("khac", &"Cán Bộ Khác".into(), Role::Inspector)
        .unwrap();
    let mut names: Vec<String> = reg
        .list_officers()
        .unwrap()
        .into_iter()
        .map(|o| o.login)
        .collect();
    names.sort();
    assert_eq!(names, ["admin", "khac", "kiemtra", "xem"]);
    let e = unchanged(&mut reg, |r| {
        r.add_officer("admin", &"Trùng".into(), Role::Viewer)
    });
    assert!(e.to_string().contains("already exists"), "{e}");
    for login in ["xem", "kiemtra", "khac"] {
        reg.store()
            .add_key_slot(login, "mật khẩu", &FAST_KDF_FOR_TESTS)
            .unwrap();
    }
    drop(reg);

    let open = |login: &str| {
        Register::session(Store::open(&f.path, login, "mật khẩu").unwrap(), login).unwrap()
    };
    let mut viewer = open("xem");
    let e = unchanged(&mut viewer, |r| {
        r.add_case(new_case(
            CaseKind::Discipline,
            "X",
            "HN",
            "2026-01-01",
            vec![],
        ))
    });
    assert_eq!(e.code(), "permission-denied");
    assert!(e.to_string().contains("case.create"), "{e}");
    let e = unchanged(&mut viewer, |r| {
        r.add_office(office("ZZ", "Z", None, vec![]))
    });
    assert!(e.to_string().contains("office.admin"), "{e}");
    drop(viewer);

    // An inspector who opens a case is on its team and may move it; another inspector may not.
    let mut insp = open("kiemtra");
    let c = insp
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra",
            "HN",
            "2026-01-01",
            vec![],
        ))
        .unwrap();
    insp.transition(&c.id, CaseStatus::Classified, None, None)
        .unwrap();
    assert_eq!(
        insp.case_detail(&c.id).unwrap().team,
        vec!["HN/kiemtra".to_string()]
    );
    drop(insp);
    let mut other = open("khac");
    let e = unchanged(&mut other, |r| {
        r.transition(&c.id, CaseStatus::Preparing, None, None)
    });
    assert!(e.to_string().contains("case.transition"), "{e}");
    // Inspectors never decide.
    let e = unchanged(&mut other, |r| {
        r.decide(
            &c.id,
            NewDecision {
                subject: "x".into(),
                form: DisciplineForm::Reprimand,
                date: d("2026-02-01"),
                violation_date: None,
                note: Text::default(),
                change_reason: None,
                violation_areas: vec![],
            },
        )
    });
    assert_eq!(e.code(), "permission-denied");
}

#[test]
fn search_folds_vietnamese_and_filters_combine() {
    let (_f, mut reg) = setup();
    let duc = member(&mut reg, "Nguyễn Văn Đức", "Phòng PC01", None, false);
    let a = reg
        .add_case(NewCase {
            summary: "Báo cáo của Đảng ủy tỉnh về công tác cán bộ".into(),
            coordinators: vec![("DNG".into(), "Đối tượng công tác tại Đà Nẵng".into())],
            ..new_case(
                CaseKind::InspectionOnSigns,
                "Kiểm tra Đảng ủy Công an tỉnh",
                "HN",
                "2025-03-01",
                vec![duc.clone()],
            )
        })
        .unwrap();
    let b = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Tố cáo cán bộ xã",
            "HN",
            "2026-01-15",
            vec![],
        ))
        .unwrap();
    let c = reg
        .add_case(new_case(
            CaseKind::ThematicSupervision,
            "Giám sát chuyên đề",
            "DNG",
            "2026-02-01",
            vec![],
        ))
        .unwrap();
    let ids = |f: CaseFilter| {
        reg.list_cases(&f)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };

    assert_eq!(
        ids(CaseFilter::default()),
        [c.id.as_str(), b.id.as_str(), a.id.as_str()],
        "newest first"
    );
    assert_eq!(
        ids(CaseFilter {
            search: Some("dang uy tinh".into()),
            ..Default::default()
        }),
        [a.id.as_str()]
    );
    assert_eq!(
        ids(CaseFilter {
            search: Some("ĐẢNG ỦY".into()),
            ..Default::default()
        }),
        [a.id.as_str()]
    );
    let nfd = "\u{110}a\u{309}ng u\u{309}y";
    assert_eq!(
        ids(CaseFilter {
            search: Some(nfd.into()),
            ..Default::default()
        }),
        [a.id.as_str()]
    );
    assert_eq!(
        ids(CaseFilter {
            search: Some("nguyen van duc".into()),
            ..Default::default()
        }),
        [a.id.as_str()],
        "subject names are indexed"
    );
    assert_eq!(
        ids(CaseFilter {
            search: Some("hn-2026".into()),
            ..Default::default()
        })
        .len(),
        2,
        "numbers are indexed"
    );
    assert_eq!(
        ids(CaseFilter {
            kind: Some(CaseKind::Denunciation),
            ..Default::default()
        }),
        [b.id.as_str()]
    );
    assert_eq!(
        ids(CaseFilter {
            year: Some(2025),
            ..Default::default()
        }),
        [a.id.as_str()]
    );
    assert_eq!(
        ids(CaseFilter {
            office: Some("DNG".into()),
            ..Default::default()
        }),
        [c.id.as_str(), a.id.as_str()],
        "lead or coordinating"
    );
    assert_eq!(
        ids(CaseFilter {
            lead: Some("DNG".into()),
            ..Default::default()
        }),
        [c.id.as_str()],
        "DNG leads c only"
    );
    assert_eq!(
        ids(CaseFilter {
            coordinator: Some("DNG".into()),
            ..Default::default()
        }),
        [a.id.as_str()],
        "DNG coordinates a only"
    );
    assert_eq!(
        ids(CaseFilter {
            lead: Some("HN".into()),
            coordinator: Some("DNG".into()),
            ..Default::default()
        }),
        [a.id.as_str()],
        "HN leads a, DNG coordinates it"
    );
    assert_eq!(
        ids(CaseFilter {
            subject: Some(duc.clone()),
            ..Default::default()
        }),
        [a.id.as_str()]
    );
    assert_eq!(
        ids(CaseFilter {
            status: Some(CaseStatus::Received),
            search: Some("giam sat".into()),
            ..Default::default()
        }),
        [c.id.as_str()]
    );
    // The denunciation's deadline (90 working days from 2026-01-15) has passed by December.
    let dec = Some(d("2026-12-01"));
    assert_eq!(
        ids(CaseFilter {
            overdue: true,
            today: dec,
            ..Default::default()
        }),
        [b.id.as_str()]
    );
    assert!(
        ids(CaseFilter {
            overdue: true,
            today: Some(d("2026-02-01")),
            ..Default::default()
        })
        .is_empty()
    );
    // Renaming... a subject's new name is searchable (projection re-indexes its cases): covered
    // by rebuild below; a search with no words is an error, not "everything".
    assert!(
        reg.list_cases(&CaseFilter {
            search: Some(" - ".into()),
            ..Default::default()
        })
        .is_err()
    );
    assert!(
        reg.list_cases(&CaseFilter {
            office: Some("ZZ".into()),
            ..Default::default()
        })
        .is_err()
    );
}

#[test]
fn projections_are_a_pure_function_of_the_operations() {
    let (_f, mut reg) = setup();
    let s = member(&mut reg, "Đỗ Thị Hoa", "Phòng PC05", None, false);
    let c = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Tố cáo đồng chí Hoa",
            "HN",
            "2026-01-15",
            vec![s.clone()],
        ))
        .unwrap();
    reg.transition(&c.id, CaseStatus::Classified, None, Some(d("2026-01-16")))
        .unwrap();
    let plan = reg
        .add_plan(NewPlan {
            office: None,
            year: 2026,
            title: "Chương trình kiểm tra năm 2026".into(),
        })
        .unwrap();
    reg.add_plan_item(
        &plan,
        NewPlanItem {
            subject: s.clone(),
            kind: CaseKind::RoutineSupervision,
            start: d("2026-03-01"),
            end: d("2026-05-31"),
            lead: None,
            coordinators: vec!["DNG".into()],
            note: Text::default(),
        },
    )
    .unwrap();
    let list = reg.list_cases(&CaseFilter::default()).unwrap();
    let plans = reg.list_plans().unwrap();
    let subjects = reg.list_subjects(None).unwrap();
    let digest = reg.digest().unwrap();

    // Rebuilding from the op log gives the same answers.
    reg.rebuild_projections().unwrap();
    assert_eq!(reg.list_cases(&CaseFilter::default()).unwrap(), list);
    assert_eq!(
        reg.list_cases(&CaseFilter {
            search: Some("hoa".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );

    // Another register that receives the same operations (in one batch) shows the same state.
    let ops: Vec<_> = oplog::ops_since(reg.store().conn(), &Default::default())
        .unwrap()
        .collect::<hoso_core::Result<_>>()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut other, _) = Store::create(
        dir.path().join("b.hoso"),
        "b",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    {
        // It trusts the same central office (authority over the office list comes from it).
        use hoso_core::trust::{self, roster};
        let conn = reg.store().conn();
        let root = trust::trusted_root(conn).unwrap().unwrap();
        let signed = roster::stored_signed_roster(conn).unwrap().unwrap();
        trust::set_trusted_root(other.conn(), &root).unwrap();
        roster::adopt_roster(other.conn(), &root, &signed).unwrap();
    }
    oplog::apply_remote(other.conn_mut(), ops, &DomainProjector).unwrap();
    assert_eq!(oplog::digest(other.conn()).unwrap(), digest);
    let other_cases: Vec<String> = other
        .conn()
        .prepare("SELECT number FROM cases")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(other_cases, [c.number.as_str()]);
    let hits: i64 = other
        .conn()
        .query_row(
            "SELECT count(*) FROM case_fts WHERE case_fts MATCH '\"hoa\"*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits, 1);
    assert_eq!(plans.len(), 1);
    assert_eq!(subjects.len(), 1);
}

#[test]
fn overlaps_and_omissions() {
    let (_f, mut reg) = setup();
    // Overlaps are current and future work: the plans are for next year.
    let next = chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1;
    let at = |s: &str| {
        d(&s.replace("2027-", &format!("{}-", next + 1))
            .replace("2026-", &format!("{next}-")))
    };
    let x = member(&mut reg, "Bùi Văn Khoa", "Công an tỉnh", None, false);
    let y = member(&mut reg, "Đặng Thị Lụa", "Công an tỉnh", None, false);
    let z = member(&mut reg, "Mai Văn Minh", "Công an tỉnh", None, false);
    // HN plans a finance inspection of X in spring; DNG plans the same in April-June: overlap.
    let p1 = reg
        .add_plan(NewPlan {
            office: None,
            year: next,
            title: "Kế hoạch HN 2026".into(),
        })
        .unwrap();
    let p2 = reg
        .add_plan(NewPlan {
            office: Some("DNG".into()),
            year: next,
            title: "Kế hoạch ĐN 2026".into(),
        })
        .unwrap();
    let item = |s: &str, kind, start, end, lead: Option<&str>| NewPlanItem {
        subject: s.into(),
        kind,
        start: at(start),
        end: at(end),
        lead: lead.map(String::from),
        coordinators: vec![],
        note: Text::default(),
    };
    reg.add_plan_item(
        &p1,
        item(
            &x,
            CaseKind::FinanceInspection,
            "2026-03-01",
            "2026-04-30",
            None,
        ),
    )
    .unwrap();
    reg.add_plan_item(
        &p2,
        item(
            &x,
            CaseKind::FinanceInspection,
            "2026-04-15",
            "2026-06-30",
            None,
        ),
    )
    .unwrap();
    // Same subject, other kind, or same office: no overlap.
    reg.add_plan_item(
        &p2,
        item(
            &x,
            CaseKind::ThematicSupervision,
            "2026-03-01",
            "2026-04-30",
            None,
        ),
    )
    .unwrap();
    reg.add_plan_item(
        &p1,
        item(
            &y,
            CaseKind::FinanceInspection,
            "2026-03-01",
            "2026-04-30",
            None,
        ),
    )
    .unwrap();
    reg.add_plan_item(
        &p1,
        item(
            &y,
            CaseKind::FinanceInspection,
            "2026-04-01",
            "2026-05-30",
            None,
        ),
    )
    .unwrap();
    // An open case counts as work too: DNG has an open finance inspection of Y since January.
    reg.add_case(new_case(
        CaseKind::FinanceInspection,
        "Kiểm tra tài chính",
        "DNG",
        "2026-01-05",
        vec![y.clone()],
    ))
    .unwrap();
    let ov = reg.overlaps().unwrap();
    assert_eq!(ov.len(), 2, "{ov:#?}");
    let for_x = ov.iter().find(|o| o.subject == x).unwrap();
    assert_eq!(for_x.offices, ["DNG", "HN"]);
    assert_eq!(for_x.kinds, [CaseKind::FinanceInspection]);
    assert_eq!(for_x.works.len(), 2);
    let for_y = ov.iter().find(|o| o.subject == y).unwrap();
    assert_eq!(for_y.works.len(), 3);

    // Omissions: Z has an open denunciation and nothing planned; X has signs from supervision.
    let den = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Tố cáo đồng chí Minh",
            "HN",
            "2026-02-01",
            vec![z.clone()],
        ))
        .unwrap();
    let sup = reg
        .add_case(new_case(
            CaseKind::RoutineSupervision,
            "Giám sát thường xuyên",
            "HN",
            "2026-02-01",
            vec![x.clone(), y.clone()],
        ))
        .unwrap();
    reg.record_finding(
        &sup.id,
        Finding {
            subject: y.clone(),
            category: None,
            violated: true,
            violation_date: None,
            text: "Có dấu hiệu vi phạm".into(),
            violation_areas: vec![],
        },
    )
    .unwrap();
    let om = reg.omissions().unwrap();
    // Y has signs but an open finance inspection (DNG) covers it; Z is omitted.
    assert_eq!(om.len(), 1, "{om:#?}");
    assert_eq!(om[0].subject, z);
    assert_eq!(om[0].reasons, [format!("open denunciation {}", den.number)]);
    // Planning an inspection on signs for Z removes the omission.
    reg.add_plan_item(
        &p1,
        item(
            &z,
            CaseKind::InspectionOnSigns,
            "2026-11-01",
            "2026-12-31",
            None,
        ),
    )
    .unwrap();
    assert!(reg.omissions().unwrap().is_empty());

    let e = unchanged(&mut reg, |r| {
        r.add_plan_item(
            &p1,
            item(
                &z,
                CaseKind::InspectionOnSigns,
                "2027-02-01",
                "2027-03-01",
                None,
            ),
        )
    });
    assert!(e.to_string().contains("outside the plan's year"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.add_plan_item(
            &p1,
            item(
                &z,
                CaseKind::InspectionOnSigns,
                "2026-05-01",
                "2026-04-01",
                None,
            ),
        )
    });
    assert!(e.to_string().contains("before start"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.add_plan_item(
            "nope",
            item(
                &z,
                CaseKind::InspectionOnSigns,
                "2026-05-01",
                "2026-06-01",
                None,
            ),
        )
    });
    assert!(e.to_string().contains("plan"), "{e}");
}

#[test]
fn links_can_be_added_and_removed() {
    let (_f, mut reg) = setup();
    let s = member(&mut reg, "Phan Văn Hải", "Phòng PC06", None, false);
    reg.add_officer("hai.insp", &"Cán bộ Hải".into(), Role::Inspector)
        .unwrap();
    let c = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra",
            "HN",
            "2026-01-05",
            vec![],
        ))
        .unwrap();
    reg.link(&c.id, CaseLink::Subject(s.clone())).unwrap();
    reg.link(
        &c.id,
        CaseLink::Coordinator("dng".into(), "Địa bàn liên quan".into()),
    )
    .unwrap();
    reg.link(&c.id, CaseLink::Team("hai.insp".into())).unwrap();
    let d = reg.case_detail(&c.id).unwrap();
    assert_eq!(d.case.subjects, vec![s.clone()]);
    assert_eq!(d.case.coordinators[0].reason.as_str(), "Địa bàn liên quan");
    assert_eq!(
        d.team,
        vec!["HN/hai.insp".to_string()],
        "team members are office/login"
    );
    // The new subject is searchable through the case at once.
    let hits = reg
        .list_cases(&CaseFilter {
            search: Some("phan van hai".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1);
    reg.unlink(&c.id, CaseLink::Coordinator("DNG".into(), Text::default()))
        .unwrap();
    assert!(reg.case(&c.id).unwrap().coordinators.is_empty());
    assert!(
        reg.list_cases(&CaseFilter {
            office: Some("DNG".into()),
            ..Default::default()
        })
        .unwrap()
        .is_empty()
    );

    let e = unchanged(&mut reg, |r| {
        r.link(&c.id, CaseLink::Coordinator("HN".into(), Text::default()))
    });
    assert!(e.to_string().contains("lead office"), "{e}");
    let e = unchanged(&mut reg, |r| r.link(&c.id, CaseLink::Team("nobody".into())));
    assert!(e.to_string().contains("officer not found"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.unlink(&c.id, CaseLink::Team("nobody".into()))
    });
    assert!(e.to_string().contains("not found"), "{e}");
}

#[test]
fn the_denouncer_is_confidential_and_every_read_is_audited() {
    let (f, mut reg) = setup();
    let c = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Tố cáo",
            "HN",
            "2026-01-05",
            vec![],
        ))
        .unwrap();
    // The administrator manages the system but does not see or write the denouncer's identity.
    let e = unchanged(&mut reg, |r| {
        r.set_denouncer(&c.id, "Trần Thị Tố".into(), None, None)
    });
    assert!(e.to_string().contains("denouncer.write"), "{e}");
    reg.add_officer("thu", &"Văn thư".into(), Role::LettersClerk)
        .unwrap();
    reg.add_officer("lead", &"Lãnh đạo".into(), Role::CommitteeLeader)
        .unwrap();
    reg.store()
        .add_key_slot("thu", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap();
    reg.store()
        .add_key_slot("lead", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap();
    assert!(reg.denouncer(&c.id).is_err());
    drop(reg);

    let mut clerk =
        Register::session(Store::open(&f.path, "thu", "mật khẩu").unwrap(), "thu").unwrap();
    clerk
        .set_denouncer(
            &c.id,
            "Trần Thị Tố".into(),
            Some("Số 1 phố Huế".into()),
            None,
        )
        .unwrap();
    drop(clerk);
    let mut lead =
        Register::session(Store::open(&f.path, "lead", "mật khẩu").unwrap(), "lead").unwrap();
    let before = lead.digest().unwrap();
    let den = lead.denouncer(&c.number).unwrap().unwrap();
    assert_eq!(den.name.as_str(), "Trần Thị Tố");
    assert_eq!(den.address.unwrap().as_str(), "Số 1 phố Huế");
    assert_eq!(
        lead.digest().unwrap(),
        before,
        "a read changes no domain state"
    );
    let reads = audit::list(
        lead.store().conn(),
        &audit::AuditFilter {
            action: Some("denouncer.read".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].actor, "lead");
    // Not in the case, its search index or its audit details.
    let detail = serde_json::to_string(&lead.case_detail(&c.id).unwrap()).unwrap();
    assert!(!detail.contains("Trần Thị Tố"));
    assert!(
        lead.list_cases(&CaseFilter {
            search: Some("tran thi to".into()),
            ..Default::default()
        })
        .unwrap()
        .is_empty()
    );
    let all = audit::list(lead.store().conn(), &audit::AuditFilter::default()).unwrap();
    assert!(
        all.iter()
            .all(|e| !e.detail.to_string().contains("Trần Thị Tố"))
    );
    // Only denunciation cases have one.
    let other = lead
        .add_case(new_case(
            CaseKind::Discipline,
            "Kỷ luật",
            "HN",
            "2026-01-05",
            vec![],
        ))
        .unwrap();
    let e = unchanged(&mut lead, |r| {
        r.set_denouncer(&other.id, "X".into(), None, None)
    });
    assert!(e.to_string().contains("no denouncer"), "{e}");
}

/// Sends every op `from` has and `to` lacks, as a sync bundle would.
fn sync(from: &Register, to: &mut Register) {
    let vv = oplog::version_vector(to.store().conn()).unwrap();
    let ops: Vec<_> = oplog::ops_since(from.store().conn(), &vv)
        .unwrap()
        .collect::<hoso_core::Result<_>>()
        .unwrap();
    oplog::apply_remote(to.store_mut().conn_mut(), ops, &DomainProjector).unwrap();
}

fn office_register(dir: &std::path::Path, code: &str, name: &str) -> Register {
    let (store, _) = Store::create(
        dir.join(format!("{code}.hoso")),
        "admin",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    Register::initialise(
        store,
        InitParams {
            office_code: code.into(),
            office_name: name.into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central: false,
        },
    )
    .unwrap()
}

#[test]
fn concurrent_status_changes_become_a_visible_conflict_that_a_new_transition_resolves() {
    let dir = tempfile::tempdir().unwrap();
    // The two offices with authority over the case: its lead (HN) and the central office (TW).
    let mut hn = office_register(dir.path(), "HN", "Hà Nội");
    let mut dng = central_register(dir.path());
    set_up_from(&dng, &mut hn);
    sync(&hn, &mut dng);
    let c = hn
        .add_case(NewCase {
            coordinators: vec![("DNG".into(), "Phối hợp xác minh".into())],
            ..new_case(
                CaseKind::Denunciation,
                "Tố cáo liên tỉnh",
                "HN",
                "2026-02-02",
                vec![],
            )
        })
        .unwrap();
    sync(&hn, &mut dng);
    assert_eq!(
        dng.case(&c.number).unwrap().title.as_str(),
        "Tố cáo liên tỉnh"
    );
    let rows = dng
        .list_cases(&CaseFilter {
            office: Some("DNG".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        rows.len(),
        1,
        "the central office finds the case by its coordinator"
    );

    // Offline, each office moves the case differently.
    hn.transition(&c.id, CaseStatus::Classified, None, Some(d("2026-02-03")))
        .unwrap();
    dng.transition(
        &c.id,
        CaseStatus::Deferred,
        Some("Trước đại hội".into()),
        Some(d("2026-02-03")),
    )
    .unwrap();
    sync(&hn, &mut dng);
    sync(&dng, &mut hn);
    assert_eq!(hn.digest().unwrap(), dng.digest().unwrap());
    for reg in [&hn, &dng] {
        let case = reg.case(&c.id).unwrap();
        assert_eq!(
            case.conflicts,
            ["status"],
            "neither value is silently dropped"
        );
        assert_eq!(
            case.status,
            CaseStatus::Deferred,
            "the later write is shown"
        );
        let row = &reg.list_cases(&CaseFilter::default()).unwrap()[0];
        assert!(row.conflict);
        // Both offices' timelines are kept.
        let moves = reg
            .case_detail(&c.id)
            .unwrap()
            .timeline
            .iter()
            .filter(|t| t.kind == TimelineKind::Transition)
            .count();
        assert_eq!(moves, 2);
    }
    // A new transition replaces both writes: resolved everywhere after the next exchange.
    hn.transition(
        &c.id,
        CaseStatus::Received,
        Some("Tiếp tục giải quyết".into()),
        None,
    )
    .unwrap();
    sync(&hn, &mut dng);
    for reg in [&hn, &dng] {
        let case = reg.case(&c.id).unwrap();
        assert!(case.conflicts.is_empty());
        assert_eq!(case.status, CaseStatus::Received);
        assert_eq!(case.resume_status, None);
    }
    assert_eq!(hn.digest().unwrap(), dng.digest().unwrap());
    // Each office numbers its own cases: no global counter to race on.
    assert_eq!(
        dng.add_case(new_case(
            CaseKind::Discipline,
            "Kỷ luật",
            "DNG",
            "2026-02-05",
            vec![]
        ))
        .unwrap()
        .number,
        "TW-2026-0001"
    );
}

/// Measurement, not a check: `cargo test -p hoso-core --test register -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_case_insert_and_search_rate() {
    let (_f, mut reg) = setup();
    let s = member(&mut reg, "Nguyễn Văn Đức", "Phòng PC01", None, false);
    let n = 1000;
    let t = std::time::Instant::now();
    for i in 0..n {
        reg.add_case(NewCase {
            summary: "Kiểm tra việc chấp hành nguyên tắc tập trung dân chủ, quy chế làm việc"
                .into(),
            ..new_case(
                CaseKind::InspectionOnSigns,
                &format!("Kiểm tra dấu hiệu vi phạm của Đảng ủy số {i}"),
                "HN",
                "2026-01-05",
                vec![s.clone()],
            )
        })
        .unwrap();
    }
    let add = t.elapsed();
    let t = std::time::Instant::now();
    let hits = reg
        .list_cases(&CaseFilter {
            search: Some("dang uy 999".into()),
            ..Default::default()
        })
        .unwrap();
    let search = t.elapsed();
    let t = std::time::Instant::now();
    let all = reg
        .list_cases(&CaseFilter {
            limit: Some(50),
            ..Default::default()
        })
        .unwrap();
    let page = t.elapsed();
    println!(
        "{n} cases in {add:?} ({:.0} cases/s, one transaction each); search: {} hit in {search:?}; first page of 50: {page:?} ({})",
        n as f64 / add.as_secs_f64(),
        hits.len(),
        all.len()
    );
}

#[test]
fn subjects_list_like_a_vietnamese_register() {
    let (_f, mut reg) = setup();
    for name in [
        "Nguyễn Văn Đức",
        "Trần Thị Anh",
        "Lê Văn Dũng",
        "Đỗ Thị Ánh",
        "Nguyễn Văn An",
    ] {
        member(&mut reg, name, "Phòng PC01", None, false);
    }
    let org = NewSubject {
        kind: SubjectKind::Organisation,
        name: "Chi bộ Phòng PC01".into(),
        birth_year: None,
        unit: None,
        post: None,
        membership: None,
        authority: None,
    };
    reg.add_subject(org, false).unwrap();
    let names: Vec<String> = reg
        .list_subjects(None)
        .unwrap()
        .into_iter()
        .map(|s| s.name.into_string())
        .collect();
    // Given names An < Anh < Ánh < Dũng < Đức; organisations after the people.
    assert_eq!(
        names,
        [
            "Nguyễn Văn An",
            "Trần Thị Anh",
            "Đỗ Thị Ánh",
            "Lê Văn Dũng",
            "Nguyễn Văn Đức",
            "Chi bộ Phòng PC01"
        ]
    );
}

#[test]
fn documents_are_stored_encrypted_and_content_addressed() {
    let (f, mut reg) = setup();
    let c = reg
        .add_case(new_case(
            CaseKind::FinanceInspection,
            "Kiểm tra tài chính",
            "HN",
            "2026-01-05",
            vec![],
        ))
        .unwrap();
    let content = "Biên bản làm việc với Đảng ủy Phòng Hậu cần — nội dung mật".as_bytes();
    let meta = reg
        .attach_document(&c.id, &"Biên bản.txt".into(), "text/plain", content)
        .unwrap();
    assert_eq!(meta.blake3, blake3::hash(content).to_hex().to_string());
    assert_eq!(meta.size, content.len() as u64);
    // The same contents attached again are stored once.
    reg.attach_document(&c.number, &"Bản sao.txt".into(), "", content)
        .unwrap();
    let docs = reg.documents(&c.id).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].media_type, "application/octet-stream");
    let blobs: i64 = reg
        .store()
        .conn()
        .query_row("SELECT count(*) FROM document_blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blobs, 1);
    assert_eq!(
        reg.document_content(&c.id, &meta.blake3).unwrap().unwrap(),
        content
    );
    assert!(reg.document_content(&c.id, "00").is_err());
    assert_eq!(reg.case_detail(&c.id).unwrap().documents.len(), 2);

    reg.set_attachment_limit(10);
    let e = unchanged(&mut reg, |r| {
        r.attach_document(&c.id, &"Lớn.pdf".into(), "application/pdf", &[0u8; 11])
    });
    assert!(e.to_string().contains("over the limit"), "{e}");
    assert_eq!(hoso_core::register::DEFAULT_ATTACHMENT_LIMIT, 50_000_000);

    // Encrypted at rest: neither the text nor the case title appears in the file.
    drop(reg);
    let bytes = std::fs::read(&f.path).unwrap();
    let wal = std::fs::read(f.path.with_extension("hoso-wal")).unwrap_or_default();
    for needle in ["nội dung mật".as_bytes(), "Kiểm tra tài chính".as_bytes()] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        assert!(!wal.windows(needle.len()).any(|w| w == needle));
    }
}

/// Issue 9 ("Offices"): a new central office starts with the 2025 office list, as data: the 34
/// provincial-level units and the 63 former provinces (29 absorbed, each closed on 1 July 2025
/// and named as a predecessor of the unit that absorbed it; the others continue under the
/// unit's code). A 2024 case of Quảng Bình belongs to today's Quảng Trị.
#[test]
fn a_fresh_central_office_lists_the_2025_units_and_their_predecessors() {
    let dir = tempfile::tempdir().unwrap();
    let mut tw = central_register(dir.path());
    let offices = tw.list_offices().unwrap();
    let open: Vec<&Office> = offices
        .iter()
        .filter(|o| o.kind != OfficeKind::Central && o.valid_to.is_none())
        .collect();
    let closed: Vec<&Office> = offices.iter().filter(|o| o.valid_to.is_some()).collect();
    assert_eq!(open.len(), 34);
    assert_eq!(closed.len(), 29);
    assert_eq!(offices.len(), 34 + 29 + 1, "and the central office itself");
    assert!(closed.iter().all(|o| o.valid_to == Some(d("2025-07-01"))));
    let from: usize = open.iter().map(|o| o.predecessors.len() + 1).sum();
    assert_eq!(from, 63, "the 34 units were formed from the 63 provinces");
    assert!(open.iter().all(|o| o.parent.as_deref() == Some("TW")));
    let qtr = tw.office("QTR").unwrap();
    assert_eq!(qtr.name.as_str(), "Quảng Trị");
    assert_eq!(qtr.predecessors, ["QBI"]);
    assert_eq!(tw.office("QBI").unwrap().name.as_str(), "Quảng Bình");
    assert_eq!(tw.successor("QBI").unwrap().as_deref(), Some("QTR"));
    assert_eq!(
        tw.office("HCM").unwrap().predecessors,
        ["BDU", "BRV"],
        "Bình Dương and Bà Rịa - Vũng Tàu"
    );

    let old = tw
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra năm 2024",
            "QBI",
            "2024-05-06",
            vec![],
        ))
        .unwrap();
    let rows = tw
        .list_cases(&CaseFilter {
            office: Some("QTR".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [old.id.as_str()]
    );
    // Nothing is seeded twice.
    assert_eq!(tw.add_office_list().unwrap(), 0);
}

/// Issue 10: an omission is a subject whose denunciation or signs of violation no inspection
/// has taken up; what an inspection found itself is no omission, and work that ended before the
/// signs were recorded does not cover them.
#[test]
fn omissions_are_signs_no_inspection_has_taken_up() {
    let (_f, mut reg) = setup();
    let a = member(&mut reg, "Lê Văn An", "Công an tỉnh", None, false);
    let b = member(&mut reg, "Trịnh Thị Bích", "Công an tỉnh", None, false);
    let violation = |s: &str| Finding {
        subject: s.into(),
        category: None,
        violated: true,
        violation_date: None,
        text: "Có dấu hiệu vi phạm".into(),
        violation_areas: vec![],
    };
    // An inspection finds a violation of A: the inspection handles it, no omission.
    let insp = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra khi có dấu hiệu vi phạm",
            "HN",
            "2026-02-01",
            vec![a.clone()],
        ))
        .unwrap();
    reg.record_finding(&insp.id, violation(&a)).unwrap();
    assert!(reg.omissions().unwrap().is_empty());

    // A supervision finds signs of B today; an inspection planned last spring (over before
    // the signs were recorded) does not take them up.
    let this_year = chrono::Datelike::year(&chrono::Local::now().date_naive());
    let plan = |reg: &mut Register, year: i32| {
        reg.add_plan(NewPlan {
            office: None,
            year,
            title: format!("Kế hoạch {year}").as_str().into(),
        })
        .unwrap()
    };
    let (last, next) = (plan(&mut reg, this_year - 1), plan(&mut reg, this_year + 1));
    let item = |year: i32, from: &str, to: &str| NewPlanItem {
        subject: b.clone(),
        kind: CaseKind::InspectionOnSigns,
        start: d(&format!("{year}-{from}")),
        end: d(&format!("{year}-{to}")),
        lead: None,
        coordinators: vec![],
        note: Text::default(),
    };
    reg.add_plan_item(&last, item(this_year - 1, "03-01", "03-31"))
        .unwrap();
    let sup = reg
        .add_case(new_case(
            CaseKind::ThematicSupervision,
            "Giám sát chuyên đề",
            "HN",
            "2026-02-01",
            vec![b.clone()],
        ))
        .unwrap();
    reg.record_finding(&sup.id, violation(&b)).unwrap();
    let om = reg.omissions().unwrap();
    assert_eq!(om.len(), 1, "{om:#?}");
    assert_eq!(om[0].subject, b);
    assert_eq!(
        om[0].reasons,
        [format!("signs of violation found in {}", sup.number)]
    );
    // An inspection planned until the end of the year takes them up.
    reg.add_plan_item(&next, item(this_year + 1, "01-05", "02-28"))
        .unwrap();
    assert!(reg.omissions().unwrap().is_empty());
}

/// Issue 10: overlap is decided by the rules' matrix of kinds, on current and future work only,
/// with an office and the offices merged into it counted as one.
#[test]
fn overlaps_follow_the_kinds_matrix_current_work_and_merged_offices() {
    let (_f, mut reg) = setup();
    let x = member(&mut reg, "Phan Văn Xuân", "Công an tỉnh", None, false);
    let y = member(&mut reg, "Vũ Thị Yến", "Công an tỉnh", None, false);
    let this_year = chrono::Datelike::year(&chrono::Local::now().date_naive());
    let (last, next) = (this_year - 1, this_year + 1);
    let mut plan = |office: &str, year: i32| {
        reg.add_plan(NewPlan {
            office: Some(office.into()),
            year,
            title: format!("Kế hoạch {office} {year}").as_str().into(),
        })
        .unwrap()
    };
    let (hn_next, dng_next, qtr_next) = (plan("HN", next), plan("DNG", next), plan("QTR", next));
    let (hn_last, dng_last) = (plan("HN", last), plan("DNG", last));
    let item = |s: &str, kind, year: i32| NewPlanItem {
        subject: s.into(),
        kind,
        start: d(&format!("{year}-03-01")),
        end: d(&format!("{year}-05-31")),
        lead: None,
        coordinators: vec![],
        note: Text::default(),
    };
    // X: HN inspects on signs while DNG runs a thematic supervision, the same months next year.
    reg.add_plan_item(&hn_next, item(&x, CaseKind::InspectionOnSigns, next))
        .unwrap();
    reg.add_plan_item(&dng_next, item(&x, CaseKind::ThematicSupervision, next))
        .unwrap();
    // Y: the same kind at HN and DNG last year (history, not overlap); an open case of Quảng
    // Bình, merged into Quảng Trị, and Quảng Trị's plan of the same kind (one office).
    reg.add_plan_item(&hn_last, item(&y, CaseKind::FinanceInspection, last))
        .unwrap();
    reg.add_plan_item(&dng_last, item(&y, CaseKind::FinanceInspection, last))
        .unwrap();
    reg.add_case(new_case(
        CaseKind::FinanceInspection,
        "Kiểm tra tài chính (trước sáp nhập)",
        "QBI",
        "2024-03-01",
        vec![y.clone()],
    ))
    .unwrap();
    reg.add_plan_item(&qtr_next, item(&y, CaseKind::FinanceInspection, next))
        .unwrap();

    let ov = reg.overlaps().unwrap();
    assert_eq!(ov.len(), 1, "{ov:#?}");
    assert_eq!(ov[0].subject, x);
    assert_eq!(
        ov[0].kinds,
        [CaseKind::InspectionOnSigns, CaseKind::ThematicSupervision]
    );
    assert_eq!(ov[0].offices, ["DNG", "HN"]);
}

/// A case led by HN in committee review, on `subjects`.
fn case_in_review(reg: &mut Register, subjects: Vec<String>) -> String {
    let c = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra dấu hiệu vi phạm",
            "HN",
            "2026-01-05",
            subjects,
        ))
        .unwrap();
    for s in [
        CaseStatus::Classified,
        CaseStatus::Preparing,
        CaseStatus::Decided,
        CaseStatus::Announced,
        CaseStatus::Verifying,
        CaseStatus::ReportDrafted,
        CaseStatus::CommitteeReview,
    ] {
        reg.transition(&c.id, s, None, Some(d("2026-04-01")))
            .unwrap();
    }
    c.id
}

/// Issue 10: one decision in force per subject and case; a later one replaces it only as a
/// recorded change with its reason.
#[test]
fn a_later_decision_replaces_the_one_in_force_only_with_a_reason() {
    let (_f, mut reg) = setup();
    let m = member(&mut reg, "Hà Văn Sơn", "Phòng PC02", None, false);
    let c = case_in_review(&mut reg, vec![m.clone()]);
    let decision = |form, reason: Option<&str>| NewDecision {
        subject: m.clone(),
        form,
        date: d("2026-05-01"),
        violation_date: Some(d("2025-06-01")),
        note: Text::default(),
        change_reason: reason.map(Text::from),
        violation_areas: vec![],
    };
    reg.decide(&c, decision(DisciplineForm::Reprimand, None))
        .unwrap();
    let e = unchanged(&mut reg, |r| {
        r.decide(&c, decision(DisciplineForm::Expulsion, None))
    });
    assert!(e.to_string().contains("reason"), "{e}");
    let later = reg
        .decide(
            &c,
            decision(
                DisciplineForm::Expulsion,
                Some("Phát hiện thêm vi phạm nghiêm trọng"),
            ),
        )
        .unwrap();
    assert_eq!(
        later.change_reason.as_ref().map(|r| r.as_str()),
        Some("Phát hiện thêm vi phạm nghiêm trọng")
    );
    let detail = reg.case_detail(&c).unwrap();
    assert_eq!(detail.decisions.len(), 2, "the history is kept");
    assert!(detail.case.conflicts.is_empty());
    assert_eq!(
        detail.penalties,
        [PenaltyInForce {
            subject: m.clone(),
            decided: DisciplineForm::Expulsion,
            in_force: Some(DisciplineForm::Expulsion),
        }]
    );
}

/// Issue 10: an appeal that increases or reduces follows the severity order from the penalty
/// in force, and the penalty in force after each appeal is computed.
#[test]
fn appeals_follow_the_severity_order_and_leave_the_penalty_in_force() {
    let (_f, mut reg) = setup();
    let m = member(&mut reg, "Đinh Văn Tuấn", "Phòng PC02", None, false);
    let c = case_in_review(&mut reg, vec![m.clone()]);
    reg.decide(
        &c,
        NewDecision {
            subject: m.clone(),
            form: DisciplineForm::Warning,
            date: d("2026-05-01"),
            violation_date: Some(d("2025-06-01")),
            note: Text::default(),
            change_reason: None,
            violation_areas: vec![],
        },
    )
    .unwrap();
    let appeal = |outcome, new_form| Appeal {
        subject: m.clone(),
        filed: d("2026-05-10"),
        decision_received: d("2026-05-05"),
        outcome,
        new_form,
    };
    // "Reduce" to a heavier form is refused, naming both forms.
    let e = unchanged(&mut reg, |r| {
        r.record_appeal(
            &c,
            appeal(Some(AppealOutcome::Reduce), Some(DisciplineForm::Expulsion)),
        )
    });
    let msg = e.to_string();
    assert!(msg.contains("lighter") && msg.contains("warning"), "{msg}");
    let e = unchanged(&mut reg, |r| {
        r.record_appeal(
            &c,
            appeal(
                Some(AppealOutcome::Increase),
                Some(DisciplineForm::Reprimand),
            ),
        )
    });
    assert!(e.to_string().contains("heavier"), "{e}");
    // Reduced to a reprimand: the reprimand is in force.
    reg.record_appeal(
        &c,
        appeal(Some(AppealOutcome::Reduce), Some(DisciplineForm::Reprimand)),
    )
    .unwrap();
    let in_force = |reg: &Register| reg.case_detail(&c).unwrap().penalties[0].in_force;
    assert_eq!(in_force(&reg), Some(DisciplineForm::Reprimand));
    // A further "reduce" must be lighter than the reprimand now in force: none is.
    let e = unchanged(&mut reg, |r| {
        r.record_appeal(
            &c,
            appeal(Some(AppealOutcome::Reduce), Some(DisciplineForm::Reprimand)),
        )
    });
    assert!(e.to_string().contains("lighter"), "{e}");
    // Annulled: nothing in force.
    reg.record_appeal(&c, appeal(Some(AppealOutcome::Annul), None))
        .unwrap();
    assert_eq!(in_force(&reg), None);
}

/// Issue 10: a new violation found in the case, committed while the limitation period of the
/// first one ran, restarts it.
#[test]
fn a_new_violation_restarts_the_limitation_period() {
    let (_f, mut reg) = setup();
    let m = member(&mut reg, "Lương Văn Phúc", "Phòng PC02", None, false);
    let c = case_in_review(&mut reg, vec![m.clone()]);
    let reprimand = || NewDecision {
        subject: m.clone(),
        form: DisciplineForm::Reprimand,
        date: d("2026-05-01"),
        violation_date: Some(d("2020-01-01")),
        note: Text::default(),
        change_reason: None,
        violation_areas: vec![],
    };
    // Five years from 2020-01-01 ran out in 2025.
    let e = unchanged(&mut reg, |r| r.decide(&c, reprimand()));
    assert!(e.to_string().contains("ran out"), "{e}");
    // A further violation in 2023 restarts the period: the reprimand is in time.
    reg.record_finding(
        &c,
        Finding {
            subject: m.clone(),
            category: None,
            violated: true,
            violation_date: Some(d("2023-06-01")),
            text: "Tái phạm".into(),
            violation_areas: vec![],
        },
    )
    .unwrap();
    reg.decide(&c, reprimand()).unwrap();
}

/// Issue 10: plan items are edited, removed, given a status (dropped with a reason), linked to
/// the case that carries them out; identical items in one plan are refused.
#[test]
fn plan_items_are_edited_dropped_removed_and_carried_out_by_a_case() {
    let (_f, mut reg) = setup();
    let x = member(&mut reg, "Phan Văn Xuân", "Công an tỉnh", None, false);
    let y = member(&mut reg, "Vũ Thị Yến", "Công an tỉnh", None, false);
    let this_year = chrono::Datelike::year(&today());
    let next = this_year + 1;
    let plan = reg
        .add_plan(NewPlan {
            office: None,
            year: next,
            title: "Chương trình kiểm tra".into(),
        })
        .unwrap();
    let item = |s: &str, kind| NewPlanItem {
        subject: s.into(),
        kind,
        start: d(&format!("{next}-03-01")),
        end: d(&format!("{next}-05-31")),
        lead: None,
        coordinators: vec![],
        note: Text::default(),
    };
    let a = reg
        .add_plan_item(&plan, item(&x, CaseKind::InspectionOnSigns))
        .unwrap();
    // The same subject, kind and period again: refused, nothing written.
    let e = unchanged(&mut reg, |r| {
        r.add_plan_item(&plan, item(&x, CaseKind::InspectionOnSigns))
    });
    assert!(e.to_string().contains("already has this item"), "{e}");
    // Another kind of work on the same subject is a different item.
    let b = reg
        .add_plan_item(&plan, item(&x, CaseKind::FinanceInspection))
        .unwrap();
    // Editing b into a copy of a is refused; editing it to Y's finance inspection is not.
    let e = unchanged(&mut reg, |r| {
        r.edit_plan_item(
            &b,
            PlanItemEdit {
                kind: Some(CaseKind::InspectionOnSigns),
                ..Default::default()
            },
        )
    });
    assert!(e.to_string().contains(&a), "{e}");
    let edited = reg
        .edit_plan_item(
            &b,
            PlanItemEdit {
                subject: Some(y.clone()),
                end: Some(d(&format!("{next}-06-30"))),
                coordinators: Some(vec!["DNG".into()]),
                note: Some("Theo đề nghị của cấp trên".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (
            edited.subject.as_str(),
            edited.subject_name.as_str(),
            edited.end,
            edited.coordinators.clone()
        ),
        (
            y.as_str(),
            "Vũ Thị Yến",
            d(&format!("{next}-06-30")),
            vec!["DNG".to_string()]
        )
    );
    // A period outside the plan's year is refused.
    let e = unchanged(&mut reg, |r| {
        r.edit_plan_item(
            &b,
            PlanItemEdit {
                start: Some(d(&format!("{}-11-01", next + 1))),
                end: Some(d(&format!("{}-12-01", next + 1))),
                ..Default::default()
            },
        )
    });
    assert_eq!(e.code(), "invalid", "{e}");

    // Status: dropping needs the reason, which the plan then shows.
    assert_eq!(
        reg.plan(&plan).unwrap().items[0].status,
        PlanItemStatus::Planned
    );
    let e = unchanged(&mut reg, |r| {
        r.set_plan_item_status(&b, PlanItemStatus::Dropped, Some("  ".into()))
    });
    assert!(e.to_string().contains("reason"), "{e}");
    let dropped = reg
        .set_plan_item_status(
            &b,
            PlanItemStatus::Dropped,
            Some("Đối tượng đã chuyển công tác".into()),
        )
        .unwrap();
    assert_eq!(dropped.status, PlanItemStatus::Dropped);
    assert_eq!(
        dropped.drop_reason.as_ref().map(|r| r.as_str()),
        Some("Đối tượng đã chuyển công tác")
    );
    // A dropped inspection takes up no signs and overlaps nothing: with DNG's supervision of Y
    // in the same months, no overlap is reported.
    let dng = reg
        .add_plan(NewPlan {
            office: Some("DNG".into()),
            year: next,
            title: "Chương trình DNG".into(),
        })
        .unwrap();
    reg.add_plan_item(&dng, item(&y, CaseKind::FinanceInspection))
        .unwrap();
    assert!(reg.overlaps().unwrap().is_empty());
    reg.set_plan_item_status(&b, PlanItemStatus::Planned, None)
        .unwrap();
    assert_eq!(reg.overlaps().unwrap().len(), 1);
    reg.set_plan_item_status(
        &b,
        PlanItemStatus::Dropped,
        Some("Trùng kế hoạch DNG".into()),
    )
    .unwrap();

    // The case that carries item a out names it, and becomes a case from the annual plan.
    let case = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra theo chương trình",
            "HN",
            &today().to_string(),
            vec![x.clone()],
        ))
        .unwrap();
    let other_kind = reg
        .add_case(new_case(
            CaseKind::FinanceInspection,
            "Kiểm tra tài chính",
            "HN",
            &today().to_string(),
            vec![x.clone()],
        ))
        .unwrap();
    let e = unchanged(&mut reg, |r| r.link_plan_item(&other_kind.id, Some(&a)));
    assert!(e.to_string().contains("plans a"), "{e}");
    let e = unchanged(&mut reg, |r| r.link_plan_item(&case.id, Some(&b)));
    assert_eq!(e.code(), "invalid", "{e}");
    let linked = reg.link_plan_item(&case.id, Some(&a)).unwrap();
    assert_eq!(linked.plan_item.as_deref(), Some(a.as_str()));
    assert_eq!(linked.origin, CaseOrigin::AnnualPlan);
    reg.set_plan_item_status(&a, PlanItemStatus::UnderWay, None)
        .unwrap();
    let shown = reg.plan(&plan).unwrap();
    let shown_a = shown.items.iter().find(|i| i.id == a).unwrap();
    assert_eq!(shown_a.cases, [case.number.as_str()]);
    assert_eq!(shown_a.status, PlanItemStatus::UnderWay);
    // An item a case carries out is not removed (dropped instead); an unlinked one is.
    let e = unchanged(&mut reg, |r| r.remove_plan_item(&a));
    assert!(e.to_string().contains(&case.number), "{e}");
    reg.remove_plan_item(&b).unwrap();
    let left: Vec<String> = reg
        .plan(&plan)
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(left, [a.as_str()]);
    // Once the case no longer comes from the plan, it names no item and a can go.
    let case_now = reg.set_case_field(&case.id, "origin", "ad-hoc").unwrap();
    assert_eq!(case_now.plan_item, None);
    reg.remove_plan_item(&a).unwrap();
    assert!(reg.plan(&plan).unwrap().items.is_empty());
    // Every change was audited.
    let actions: Vec<String> = audit::list(reg.store().conn(), &Default::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "plan.item.edit",
        "plan.item.status",
        "plan.item.remove",
        "case.plan-item",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
    // Projections stay a pure function of the operations.
    let plan_before = reg.plan(&plan).unwrap();
    reg.rebuild_projections().unwrap();
    assert_eq!(reg.plan(&plan).unwrap(), plan_before);
}

/// Issue 10: people after they were added — a subject's post, membership, management authority
/// and unit; an officer's role and deactivation; declared relations that keep an officer off a
/// case's team; the coordinator's reason; the warning when the lead lacks authority.
#[test]
fn people_are_edited_and_related_officers_stay_off_the_team() {
    let (f, mut reg) = setup();
    let s = member(&mut reg, "Đỗ Văn Khoa", "Phòng PC06", None, true);
    let t = member(&mut reg, "Lý Thị Mai", "Phòng PC06", None, false);
    // Edit: post, membership, management authority and unit (a member of the central list).
    let edited = reg
        .edit_subject(
            &s,
            SubjectEdit {
                post: Some(Some("Trưởng phòng".into())),
                membership: Some(MembershipStatus::Full),
                authority: Some(Some(ManagementAuthority::Central)),
                unit: Some(Some("Phòng PC02".into())),
            },
        )
        .unwrap();
    assert_eq!(
        (
            edited.post.as_ref().map(|p| p.as_str()),
            edited.membership,
            edited.authority,
            edited.unit.as_ref().map(|u| u.as_str())
        ),
        (
            Some("Trưởng phòng"),
            Some(MembershipStatus::Full),
            Some(ManagementAuthority::Central),
            Some("Phòng PC02")
        )
    );
    // Full now, with a post: removal from post is a form the rules allow for them.
    assert!(
        hoso_core::rules::validate_discipline_form(
            DisciplineForm::RemovalFromPost,
            &(&edited).into()
        )
        .is_ok()
    );
    let org = match reg
        .add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: "Chi bộ Phòng PC06".into(),
                birth_year: None,
                unit: None,
                post: None,
                membership: None,
                authority: None,
            },
            false,
        )
        .unwrap()
    {
        AddSubject::Added { id } => id,
        other => panic!("{other:?}"),
    };
    let e = unchanged(&mut reg, |r| {
        r.edit_subject(
            &org,
            SubjectEdit {
                post: Some(Some("Bí thư".into())),
                ..Default::default()
            },
        )
    });
    assert!(e.to_string().contains("only a member holds a post"), "{e}");
    // Clearing the post.
    let cleared = reg
        .edit_subject(
            &s,
            SubjectEdit {
                post: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(cleared.post, None);

    // A coordinating office always says why.
    let mut nc = new_case(
        CaseKind::InspectionOnSigns,
        "Kiểm tra",
        "HN",
        "2026-01-05",
        vec![s.clone()],
    );
    nc.coordinators = vec![("DNG".into(), "  ".into())];
    let e = unchanged(&mut reg, |r| r.add_case(nc.clone()));
    assert!(e.to_string().contains("coordinator reason"), "{e}");
    nc.coordinators.clear();
    let c = reg.add_case(nc).unwrap();
    let e = unchanged(&mut reg, |r| {
        r.link(&c.id, CaseLink::Coordinator("DNG".into(), Text::default()))
    });
    assert!(e.to_string().contains("coordinator reason"), "{e}");
    // HN (a province) leads a case about a subject on the central list: a warning, not a refusal.
    let d = reg.case_detail(&c.id).unwrap();
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(
        d.warnings[0].contains("no management authority") && d.warnings[0].contains("Đỗ Văn Khoa"),
        "{:?}",
        d.warnings
    );
    reg.edit_subject(
        &s,
        SubjectEdit {
            authority: Some(Some(ManagementAuthority::Both)),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(reg.case_detail(&c.id).unwrap().warnings.is_empty());

    // An officer declares a relation to subject s: not on this case's team, and s cannot join
    // a case they are on.
    reg.add_officer("vinh", &"Cán bộ Vinh".into(), Role::Inspector)
        .unwrap();
    let rel = reg
        .declare_relation("vinh", Relation::Subject(s.clone()))
        .unwrap();
    assert_eq!(rel.subjects, [s.as_str()]);
    let e = unchanged(&mut reg, |r| r.link(&c.id, CaseLink::Team("vinh".into())));
    assert!(e.to_string().contains("declared a relation"), "{e}");
    let other = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra khác",
            "HN",
            "2026-01-05",
            vec![t.clone()],
        ))
        .unwrap();
    reg.link(&other.id, CaseLink::Team("vinh".into())).unwrap();
    let e = unchanged(&mut reg, |r| {
        r.link(&other.id, CaseLink::Subject(s.clone()))
    });
    assert!(e.to_string().contains("take them off the team"), "{e}");
    // A relation declared after joining shows on the case.
    reg.declare_relation("vinh", Relation::Subject(t.clone()))
        .unwrap();
    let w = reg.case_detail(&other.id).unwrap().warnings;
    assert!(w.iter().any(|w| w.contains("HN/vinh")), "{w:?}");
    // Related to the denouncer of a denunciation: off that case's team too.
    let den = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Tố cáo",
            "HN",
            "2026-01-05",
            vec![],
        ))
        .unwrap();
    reg.add_officer("hoa", &"Cán bộ Hoa".into(), Role::Inspector)
        .unwrap();
    reg.declare_relation("hoa", Relation::Denouncer(den.number.clone()))
        .unwrap();
    let e = unchanged(&mut reg, |r| r.link(&den.id, CaseLink::Team("hoa".into())));
    assert!(e.to_string().contains("denouncer"), "{e}");

    // Roles change; a deactivated officer cannot join a team or sign in.
    let o = reg.set_officer_role("hoa", Role::Viewer).unwrap();
    assert_eq!(o.role, "viewer");
    let e = unchanged(&mut reg, |r| r.set_officer_role("admin", Role::Viewer));
    assert!(e.to_string().contains("own role"), "{e}");
    reg.add_officer("nam", &"Cán bộ Nam".into(), Role::Inspector)
        .unwrap();
    reg.store()
        .add_key_slot("nam", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap();
    let o = reg.deactivate_officer("nam").unwrap();
    assert!(!o.active);
    assert!(
        !reg.list_officers()
            .unwrap()
            .iter()
            .find(|o| o.login == "nam")
            .unwrap()
            .active
    );
    let e = unchanged(&mut reg, |r| r.link(&c.id, CaseLink::Team("nam".into())));
    assert!(e.to_string().contains("deactivated"), "{e}");
    let e = unchanged(&mut reg, |r| r.deactivate_officer("admin"));
    assert!(e.to_string().contains("themselves"), "{e}");
    drop(reg);
    let store = Store::open(&f.path, "nam", "mật khẩu").unwrap();
    let e = Register::session(store, "nam").err().unwrap();
    assert_eq!(e.code(), "permission-denied", "{e}");
}

/// Issue 10: the records around a case — content categories (validated against the lists in
/// force, on cases and findings), the conclusion with its outcome per subject, suspension within
/// the rules' maximum, the transfer with its receiving body, notices to whom and when.
#[test]
fn records_around_a_case_are_validated_and_shown() {
    let (_f, mut reg) = setup();
    let a = member(&mut reg, "Tạ Văn Thành", "Phòng PC03", None, false);
    let org = match reg
        .add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: "Chi bộ Phòng PC03".into(),
                birth_year: None,
                unit: None,
                post: None,
                membership: None,
                authority: None,
            },
            false,
        )
        .unwrap()
    {
        AddSubject::Added { id } => id,
        other => panic!("{other:?}"),
    };
    let opened = today().to_string();
    let c = reg
        .add_case(new_case(
            CaseKind::InspectionOnSigns,
            "Kiểm tra khi có dấu hiệu vi phạm",
            "HN",
            &opened,
            vec![a.clone()],
        ))
        .unwrap();

    // Categories: the members' list for a case about a member.
    let case = reg
        .set_case_category(&c.id, "member.corruption", true)
        .unwrap();
    assert_eq!(case.categories, ["member.corruption"]);
    let e = unchanged(&mut reg, |r| {
        r.set_case_category(&c.id, "organisation.cadre-work", true)
    });
    assert!(e.to_string().contains("not for a member"), "{e}");
    let e = unchanged(&mut reg, |r| r.set_case_category(&c.id, "tham-nhung", true));
    assert!(e.to_string().contains("unknown category"), "{e}");
    assert!(
        reg.set_case_category(&c.id, "member.corruption", false)
            .unwrap()
            .categories
            .is_empty()
    );
    let finding = |category: &str| Finding {
        subject: a.clone(),
        category: Some(category.into()),
        violated: true,
        violation_date: None,
        text: "Nhận quà biếu".into(),
        violation_areas: vec![],
    };
    let e = unchanged(&mut reg, |r| {
        r.record_finding(&c.id, finding("member.bribes"))
    });
    assert!(e.to_string().contains("unknown category"), "{e}");
    reg.record_finding(&c.id, finding("member.corruption"))
        .unwrap();

    // Conclusion: a violation names its categories; other outcomes have none.
    reg.link(&c.id, CaseLink::Subject(org.clone())).unwrap();
    let conclusion = |outcome_a, cats: &[&str], discipline| Conclusion {
        number: "15-KL/UBKT".into(),
        date: today(),
        text: "Kết luận kiểm tra khi có dấu hiệu vi phạm".into(),
        subjects: vec![
            SubjectConclusion {
                subject: a.clone(),
                outcome: outcome_a,
                categories: cats.iter().map(|c| c.to_string()).collect(),
                discipline_required: discipline,
            },
            SubjectConclusion {
                subject: org.clone(),
                outcome: ConclusionOutcome::Shortcomings,
                categories: vec![],
                discipline_required: false,
            },
        ],
    };
    let e = unchanged(&mut reg, |r| {
        r.record_conclusion(&c.id, conclusion(ConclusionOutcome::Violation, &[], true))
    });
    assert!(
        e.to_string().contains("names its content categories"),
        "{e}"
    );
    let e = unchanged(&mut reg, |r| {
        r.record_conclusion(
            &c.id,
            conclusion(ConclusionOutcome::DoneWell, &["member.corruption"], false),
        )
    });
    assert!(e.to_string().contains("only a violation"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.record_conclusion(
            &c.id,
            conclusion(
                ConclusionOutcome::Violation,
                &["organisation.cadre-work"],
                true,
            ),
        )
    });
    assert!(e.to_string().contains("not for a member"), "{e}");
    reg.record_conclusion(
        &c.id,
        conclusion(ConclusionOutcome::Violation, &["member.corruption"], true),
    )
    .unwrap();
    let d = reg.case_detail(&c.id).unwrap();
    assert_eq!(d.conclusions.len(), 1);
    assert_eq!(d.conclusions[0].number.as_str(), "15-KL/UBKT");
    assert_eq!(
        d.conclusions[0].subjects[0].categories,
        ["member.corruption"]
    );
    assert!(d.conclusions[0].subjects[0].discipline_required);

    // Suspension: the rules' 90 days, one extension to 180, no more.
    let s = reg
        .suspend(&c.id, &a, Some(today()), false, Text::default())
        .unwrap();
    assert_eq!(s.end, today() + chrono::Days::new(90));
    let e = unchanged(&mut reg, |r| {
        r.suspend(&c.id, &a, Some(today()), false, Text::default())
    });
    assert!(e.to_string().contains("extend it instead"), "{e}");
    let s = reg
        .suspend(&c.id, &a, None, true, "Gia hạn".into())
        .unwrap();
    assert_eq!(
        (s.start, s.end, s.extensions),
        (today(), today() + chrono::Days::new(180), 1)
    );
    let e = unchanged(&mut reg, |r| {
        r.suspend(&c.id, &a, None, true, Text::default())
    });
    assert!(e.to_string().contains("at most 1"), "{e}");
    assert_eq!(reg.case_detail(&c.id).unwrap().suspensions.len(), 2);

    // Transfer: only with the receiving body, and it moves the case.
    let den = reg
        .add_case(new_case(
            CaseKind::Denunciation,
            "Đơn tố cáo không thuộc thẩm quyền",
            "HN",
            &opened,
            vec![a.clone()],
        ))
        .unwrap();
    let e = unchanged(&mut reg, |r| {
        r.transition(&den.id, CaseStatus::Transferred, None, None)
    });
    assert!(e.to_string().contains("case transfer"), "{e}");
    let e = unchanged(&mut reg, |r| {
        r.transfer(&den.id, "  ".into(), None, Text::default())
    });
    assert!(e.to_string().contains("receiving body"), "{e}");
    let moved = reg
        .transfer(
            &den.id,
            "Ủy ban Kiểm tra Đảng ủy Công an tỉnh Bắc Ninh".into(),
            None,
            Text::default(),
        )
        .unwrap();
    assert_eq!(moved.status, CaseStatus::Transferred);
    let d = reg.case_detail(&den.id).unwrap();
    assert_eq!(
        d.transfers[0].receiving_body.as_str(),
        "Ủy ban Kiểm tra Đảng ủy Công an tỉnh Bắc Ninh"
    );

    // Notices: to whom (the denouncer only on a denunciation) and when.
    let e = unchanged(&mut reg, |r| {
        r.record_notice(
            &c.id,
            Notice {
                date: today(),
                recipients: vec![],
                denouncer: true,
                note: Text::default(),
            },
        )
    });
    assert!(e.to_string().contains("no denouncer"), "{e}");
    reg.record_notice(
        &den.id,
        Notice {
            date: today(),
            recipients: vec!["Đảng ủy Công an tỉnh".into()],
            denouncer: true,
            note: Text::default(),
        },
    )
    .unwrap();
    let d = reg.case_detail(&den.id).unwrap();
    assert!(d.notices[0].denouncer);
    assert!(
        d.timeline
            .iter()
            .any(|t| t.note.as_str().contains("người tố cáo"))
    );
    // Projections stay a pure function of the operations.
    let before = reg.case_detail(&c.id).unwrap().case;
    reg.rebuild_projections().unwrap();
    assert_eq!(reg.case_detail(&c.id).unwrap().case, before);
}

/// Issue 10: letters — named, anonymous, impersonated; a denunciation opens only from a named
/// letter, an anonymous one may open an inspection on signs; the case names its letter.
#[test]
fn letters_open_denunciations_only_when_named() {
    let (_f, mut reg) = setup();
    let s = member(&mut reg, "Kiều Văn Hưng", "Phòng PC08", None, false);
    let received = today();
    let letter = |kind| NewLetter {
        kind,
        received: Some(received),
        channel: "Bưu điện".into(),
        content: "Phản ánh đảng viên nhận tiền để bỏ qua vi phạm".into(),
    };
    let e = unchanged(&mut reg, |r| {
        r.record_letter(NewLetter {
            channel: " ".into(),
            ..letter(LetterKind::Named)
        })
    });
    assert!(e.to_string().contains("channel"), "{e}");
    let named = reg.record_letter(letter(LetterKind::Named)).unwrap();
    let anonymous = reg.record_letter(letter(LetterKind::Anonymous)).unwrap();
    assert_eq!(reg.list_letters().unwrap().len(), 2);
    let case = |kind| NewCase {
        opened: None,
        ..new_case(kind, "Giải quyết đơn", "HN", "2026-01-01", vec![s.clone()])
    };
    // An anonymous letter is not resolved as a denunciation.
    let e = unchanged(&mut reg, |r| {
        r.open_case_from_letter(&anonymous.id, case(CaseKind::Denunciation))
    });
    assert!(
        e.to_string().contains("not resolved as a denunciation"),
        "{e}"
    );
    let e = unchanged(&mut reg, |r| {
        r.open_case_from_letter(&anonymous.id, case(CaseKind::FinanceInspection))
    });
    assert_eq!(e.code(), "invalid", "{e}");
    let insp = reg
        .open_case_from_letter(&anonymous.id, case(CaseKind::InspectionOnSigns))
        .unwrap();
    let den = reg
        .open_case_from_letter(&named.id, case(CaseKind::Denunciation))
        .unwrap();
    let d = reg.case(&den.id).unwrap();
    assert_eq!(d.letter.as_deref(), Some(named.id.as_str()));
    assert_eq!(d.origin, CaseOrigin::FromDenunciation);
    assert_eq!(reg.letter(&named.id).unwrap().cases, [den.number.as_str()]);
    assert_eq!(
        reg.letter(&anonymous.id).unwrap().cases,
        [insp.number.as_str()]
    );
    // Not before the letter arrived.
    let e = unchanged(&mut reg, |r| {
        r.open_case_from_letter(
            &named.id,
            NewCase {
                opened: Some(received - chrono::Days::new(1)),
                ..case(CaseKind::Denunciation)
            },
        )
    });
    assert!(e.to_string().contains("received"), "{e}");
    let before = reg.letter(&named.id).unwrap();
    reg.rebuild_projections().unwrap();
    assert_eq!(reg.letter(&named.id).unwrap(), before);
}

#[test]
fn case_numbers_after_a_rolled_back_batch_take_up_the_numbers_it_gave_out() {
    // The register remembers the last number it gave out in a session and looks for the next
    // free one from there: numbers of a batch that rolled back are free again, not skipped.
    let (_f, mut reg) = setup();
    let case = |title: &str| {
        new_case(
            CaseKind::ThematicSupervision,
            title,
            "HN",
            "2026-03-02",
            vec![],
        )
    };
    let first = reg.add_case(case("Giám sát chuyên đề thứ nhất")).unwrap();
    assert_eq!(first.number, "HN-2026-0001");
    let err = reg
        .batch(|reg| {
            assert_eq!(reg.add_case(case("Thứ hai"))?.number, "HN-2026-0002");
            assert_eq!(reg.add_case(case("Thứ ba"))?.number, "HN-2026-0003");
            reg.add_case(case(""))
        })
        .unwrap_err();
    assert!(err.to_string().contains("title"), "{err}");
    let next = reg.add_case(case("Giám sát chuyên đề thứ hai")).unwrap();
    assert_eq!(next.number, "HN-2026-0002");
    let after = reg.add_case(case("Giám sát chuyên đề thứ ba")).unwrap();
    assert_eq!(after.number, "HN-2026-0003");
}

#[test]
fn a_batch_commits_all_of_its_writes_or_none() {
    let (f, mut reg) = setup();
    let s = member(&mut reg, "Trần Văn Bình", "Phòng PC01", None, false);
    let case = |title: &str| {
        new_case(
            CaseKind::ThematicSupervision,
            title,
            "HN",
            "2026-03-02",
            vec![s.clone()],
        )
    };

    // A failing write in the middle: the writes before it inside the batch are rolled back
    // with it, and the register is as before (the audit chain too).
    let err = unchanged(&mut reg, |reg| {
        reg.batch(|reg| {
            reg.add_case(case("Giám sát chuyên đề thứ nhất"))?;
            reg.add_case(case("Giám sát chuyên đề thứ hai"))?;
            reg.add_case(new_case(
                CaseKind::ThematicSupervision,
                "",
                "HN",
                "2026-03-02",
                vec![],
            ))
        })
    });
    assert!(err.to_string().contains("title"), "{err}");
    assert!(reg.list_cases(&CaseFilter::default()).unwrap().is_empty());

    // Every write of a batch that succeeds is there, with its own number, after reopening.
    let numbers = reg
        .batch(|reg| {
            (1..=3)
                .map(|i| {
                    Ok(reg
                        .add_case(case(&format!("Giám sát chuyên đề {i}")))?
                        .number)
                })
                .collect::<hoso_core::Result<Vec<_>>>()
        })
        .unwrap();
    assert_eq!(numbers.len(), 3);
    assert_eq!(
        numbers
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        3
    );
    drop(reg);
    let store = Store::open(&f.path, "admin", "mật khẩu").unwrap();
    let reg = Register::session(store, "admin").unwrap();
    let listed: Vec<String> = reg
        .list_cases(&CaseFilter::default())
        .unwrap()
        .into_iter()
        .map(|c| c.number)
        .collect();
    for n in &numbers {
        assert!(listed.contains(n), "{n} missing from {listed:?}");
    }
    audit::verify(reg.store().conn()).unwrap();
}

/// Issue 12: the Plans screen's reads (the plans of a year this office sees, a page of a plan's
/// items) and "Mở vụ việc từ kế hoạch": one call opens the case with the item's kind, subject,
/// lead and coordinators, linked to the item; only once, only by the lead office, not from a
/// dropped item, and not for an officer who may not open cases.
#[test]
fn a_plan_item_opens_its_case_in_one_step() {
    let (f, mut reg) = setup();
    let x = member(&mut reg, "Bùi Văn Khoa", "Công an tỉnh", None, false);
    let y = member(&mut reg, "Đặng Thị Lụa", "Công an tỉnh", None, false);
    let own = reg
        .add_plan(NewPlan {
            office: None,
            year: 2026,
            title: "Chương trình kiểm tra, giám sát năm 2026".into(),
        })
        .unwrap();
    let dng = reg
        .add_plan(NewPlan {
            office: Some("DNG".into()),
            year: 2026,
            title: "Kế hoạch ĐN 2026".into(),
        })
        .unwrap();
    let other_year = reg
        .add_plan(NewPlan {
            office: None,
            year: 2025,
            title: "Chương trình năm 2025".into(),
        })
        .unwrap();
    let item =
        |s: &str, start: &str, end: &str, lead: Option<&str>, coord: Vec<&str>| NewPlanItem {
            subject: s.into(),
            kind: CaseKind::FinanceInspection,
            start: d(start),
            end: d(end),
            lead: lead.map(String::from),
            coordinators: coord.into_iter().map(String::from).collect(),
            note: Text::from("Theo Quy định 296"),
        };
    let mut ids = Vec::new();
    for (i, month) in ["03", "01", "02"].iter().enumerate() {
        let s = if i == 0 { &x } else { &y };
        ids.push(
            reg.add_plan_item(
                &own,
                item(
                    s,
                    &format!("2026-{month}-01"),
                    &format!("2026-{month}-20"),
                    None,
                    vec!["DNG"],
                ),
            )
            .unwrap(),
        );
    }
    // DNG's plan with an item DNG leads: HN does not take part, so HN does not see it.
    let dng_item = reg
        .add_plan_item(&dng, item(&x, "2026-05-01", "2026-05-31", None, vec![]))
        .unwrap();

    let year = reg.plans_of_year(2026).unwrap();
    assert_eq!(
        year.iter()
            .map(|p| (p.id.as_str(), p.items, p.own))
            .collect::<Vec<_>>(),
        [(own.as_str(), 3, true)]
    );
    assert_eq!(reg.plan_years().unwrap(), [2026, 2025]);
    assert!(reg.plans_of_year(2024).unwrap().is_empty());
    let _ = other_year;
    // HN coordinating an item of DNG's plan: the plan is listed, after HN's own.
    reg.edit_plan_item(
        &dng_item,
        PlanItemEdit {
            coordinators: Some(vec!["HN".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    let year = reg.plans_of_year(2026).unwrap();
    assert_eq!(
        year.iter()
            .map(|p| (p.id.as_str(), p.own))
            .collect::<Vec<_>>(),
        [(own.as_str(), true), (dng.as_str(), false)]
    );

    // Pages by start date.
    let page = reg.plan_item_page(&own, 1, 1).unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(
        page.plan.title.as_str(),
        "Chương trình kiểm tra, giám sát năm 2026"
    );
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, ids[2], "second by start date: February");
    assert_eq!(reg.plan_item_page(&own, 0, 10).unwrap().items.len(), 3);
    assert_eq!(
        reg.plan_item_page("nope", 0, 10).unwrap_err().code(),
        "not-found"
    );

    // Open the case of the March item (X, DNG coordinating).
    let c = reg
        .open_case_from_plan_item(&ids[0], None, Some(d("2026-03-02")))
        .unwrap();
    let case = reg.case(&c.id).unwrap();
    assert_eq!(case.kind, CaseKind::FinanceInspection);
    assert_eq!(case.subjects, std::slice::from_ref(&x));
    assert_eq!(case.lead, "HN");
    assert_eq!(case.origin, CaseOrigin::AnnualPlan);
    assert_eq!(case.opened, d("2026-03-02"));
    assert!(
        case.title.as_str().contains("Bùi Văn Khoa"),
        "{}",
        case.title
    );
    assert!(
        case.title.as_str().starts_with("Kiểm tra tài chính"),
        "{}",
        case.title
    );
    let coords: Vec<&str> = case
        .coordinators
        .iter()
        .map(|c| c.office.as_str())
        .collect();
    assert_eq!(coords, ["DNG"]);
    let items = reg.plan(&own).unwrap().items;
    let opened = items.iter().find(|i| i.id == ids[0]).unwrap();
    assert_eq!(opened.cases, std::slice::from_ref(&c.number));
    assert_eq!(opened.status, PlanItemStatus::UnderWay);

    // Only once.
    let e = unchanged(&mut reg, |r| {
        r.open_case_from_plan_item(&ids[0], None, None)
    });
    assert!(e.to_string().contains(&c.number), "{e}");
    // Not from a dropped item.
    reg.set_plan_item_status(
        &ids[1],
        PlanItemStatus::Dropped,
        Some("Đã kiểm tra năm trước".into()),
    )
    .unwrap();
    let e = unchanged(&mut reg, |r| {
        r.open_case_from_plan_item(&ids[1], None, None)
    });
    assert!(e.to_string().contains("dropped"), "{e}");
    // Not by an office that does not lead the item.
    let e = unchanged(&mut reg, |r| {
        r.open_case_from_plan_item(&dng_item, None, None)
    });
    assert!(e.to_string().contains("DNG leads"), "{e}");
    // A title given is kept.
    let c2 = reg
        .open_case_from_plan_item(&ids[2], Some("Kiểm tra tài chính Phòng PC08".into()), None)
        .unwrap();
    assert_eq!(
        reg.case(&c2.id).unwrap().title.as_str(),
        "Kiểm tra tài chính Phòng PC08"
    );

    // A viewer may read the plans but not open a case from them.
    let third = reg
        .add_plan_item(&own, item(&y, "2026-09-01", "2026-09-30", None, vec![]))
        .unwrap();
    reg.add_officer("xem", &"Người Xem".into(), Role::Viewer)
        .unwrap();
    reg.store()
        .add_key_slot("xem", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap();
    drop(reg);
    let mut viewer =
        Register::session(Store::open(&f.path, "xem", "mật khẩu").unwrap(), "xem").unwrap();
    assert_eq!(viewer.plans_of_year(2026).unwrap().len(), 2);
    let e = unchanged(&mut viewer, |r| {
        r.open_case_from_plan_item(&third, None, None)
    });
    assert_eq!(e.code(), "permission-denied");
}

/// Issue 11: a subject's page lists its plan items across the plans (and years) this register
/// holds, by start date, each with its plan.
#[test]
fn a_subject_lists_its_plan_items_across_plans() {
    let (_f, mut reg) = setup();
    let x = member(&mut reg, "Bùi Văn Khoa", "Công an tỉnh", None, false);
    let y = member(&mut reg, "Đặng Thị Lụa", "Công an tỉnh", None, false);
    let mut plan = |year: i32, title: &str| {
        reg.add_plan(NewPlan {
            office: None,
            year,
            title: title.into(),
        })
        .unwrap()
    };
    let p2025 = plan(2025, "Chương trình năm 2025");
    let p2026 = plan(2026, "Chương trình năm 2026");
    let item = |s: &str, start: &str, end: &str, kind: CaseKind| NewPlanItem {
        subject: s.into(),
        kind,
        start: d(start),
        end: d(end),
        lead: None,
        coordinators: vec![],
        note: Text::default(),
    };
    reg.add_plan_item(
        &p2026,
        item(&x, "2026-04-01", "2026-04-30", CaseKind::FinanceInspection),
    )
    .unwrap();
    reg.add_plan_item(
        &p2025,
        item(
            &x,
            "2025-09-01",
            "2025-09-30",
            CaseKind::ThematicSupervision,
        ),
    )
    .unwrap();
    reg.add_plan_item(
        &p2026,
        item(&y, "2026-02-01", "2026-02-28", CaseKind::FinanceInspection),
    )
    .unwrap();

    let listed: Vec<(i32, String, CaseKind)> = reg
        .subject_plan_items(&x)
        .unwrap()
        .into_iter()
        .map(|i| (i.year, i.plan_title.to_string(), i.item.kind))
        .collect();
    assert_eq!(
        listed,
        [
            (
                2025,
                "Chương trình năm 2025".to_string(),
                CaseKind::ThematicSupervision
            ),
            (
                2026,
                "Chương trình năm 2026".to_string(),
                CaseKind::FinanceInspection
            ),
        ]
    );
    assert_eq!(reg.subject_plan_items(&y).unwrap().len(), 1);
    let z = member(&mut reg, "Lê Văn Tám", "Công an tỉnh", None, false);
    assert!(reg.subject_plan_items(&z).unwrap().is_empty());
    assert!(reg.subject_plan_items("no-such-subject").is_err());
}
