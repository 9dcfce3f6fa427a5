//! Signed is not the same as allowed: an insider at one office, holding that office's valid key
//! and its register, writes operations outside its authority (bypassing its own register's
//! rules) and sends them in an ordinary bundle. Each is refused whole or kept without effect at
//! every other office, and nothing legitimate is lost (issue 9, reproductions 1, 3 and 4).

use hoso_core::access::Role;
use hoso_core::model::{CaseKind, OfficeKind};
use hoso_core::oplog::{self, EntityRef, NoProjection, ScopeUnit, Txn};
use hoso_core::register::{CaseLink, NewCase, NewOffice};
use hoso_core::text::Text;
use hoso_tests::offices::{CENTRAL, World};

/// Writes ops as office `at` straight into its op log, as an insider with the register's
/// recovery key could: no permission check, no authority check, no projection.
fn forge(w: &mut World, at: &str, f: impl FnOnce(&mut Txn<'_>)) {
    let conn = w.reg(at).store_mut().conn_mut();
    let mut txn = Txn::begin(conn, at, "admin").unwrap();
    f(&mut txn);
    txn.commit(&NoProjection).unwrap();
}

fn refused_import(w: &mut World, from: &str, to: &str) -> String {
    let bundle = w.export(from, &[to], false);
    let before = w.untouched_state(to);
    let e = w.import(to, &bundle).unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(
        w.untouched_state(to),
        before,
        "a refused bundle changed {to}"
    );
    e.to_string()
}

const DENOUNCER_OPS: &str = "SELECT count(*) FROM ops WHERE scope LIKE 'denouncer:%'";

#[test]
fn a_province_cannot_make_itself_central_or_edit_the_office_list() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    let hp_case = w.open_case("HP", "Kiểm tra Đảng ủy Công an xã", &[]);
    w.carry("HP", CENTRAL);

    // Through its own register: refused, nothing written.
    let digest = w.digest("HN");
    let e = w
        .reg("HN")
        .add_office(NewOffice {
            code: "XX".into(),
            name: "Giả mạo".into(),
            kind: OfficeKind::Central,
            parent: None,
            predecessors: vec!["HP".into()],
            valid_from: None,
            valid_to: None,
        })
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(w.digest("HN"), digest);

    // Forged with HN's own key: one op setting HN's kind to central.
    forge(&mut w, "HN", |t| {
        t.put(
            &ScopeUnit::new("ref"),
            &EntityRef::new("office", "HN"),
            "kind",
            "central",
        )
        .unwrap();
    });
    let msg = refused_import(&mut w, "HN", CENTRAL);
    assert!(msg.contains("HN") && msg.contains("office:HN"), "{msg}");
    // The central office's next routine bundle to HN carries nothing of HP's.
    let bundle = w.export(CENTRAL, &["HN"], false);
    w.import("HN", &bundle).unwrap();
    assert!(
        w.reg("HN").case(&hp_case.id).is_err(),
        "HP's case reached HN"
    );
}

#[test]
fn an_office_cannot_change_another_offices_officers() {
    let mut w = World::new(&["HN", "HP"]);
    // HN creates an administrator of HP's (HP's officers are HP's alone to manage).
    let officer = EntityRef::new("officer", "HP/ke.gian");
    forge(&mut w, "HN", |t| {
        let r = ScopeUnit::new("ref");
        t.create(&r, &officer).unwrap();
        t.put(&r, &officer, "role", "administrator").unwrap();
    });
    let msg = refused_import(&mut w, "HN", CENTRAL);
    assert!(msg.contains("officer:HP/ke.gian"), "{msg}");
}

#[test]
fn a_coordinators_officer_is_not_the_lead_offices_officer_of_the_same_login() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    w.reg("HN")
        .add_officer("canbo", &Text::from("Đỗ Văn Bộ"), Role::Inspector)
        .unwrap();
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let case = w.open_denunciation("HN", "Tố cáo cán bộ Phòng Cảnh sát kinh tế", &["HP"]);
    w.reg("HN")
        .set_denouncer(&case, "Phạm Văn Đức".into(), None, None)
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    // HP puts its own "canbo" on the case's team.
    w.reg("HP")
        .add_officer("canbo", &Text::from("Lê Văn Cán"), Role::Inspector)
        .unwrap();
    w.reg("HP")
        .link(&case, CaseLink::Team("canbo".into()))
        .unwrap();
    assert_eq!(
        w.reg("HP").case_detail(&case).unwrap().team,
        vec!["HP/canbo".to_string()]
    );
    w.carry("HP", CENTRAL);
    w.carry(CENTRAL, "HN");
    // HN's own "canbo" is not on the team: no denouncer for them.
    w.continue_as("HN", "canbo");
    let e = w.reg("HN").denouncer(&case).unwrap_err();
    assert_eq!(e.code(), "permission-denied", "{e}");
}

#[test]
fn a_coordinator_cannot_take_over_the_lead() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let case = w.open_denunciation("HN", "Tố cáo cán bộ Phòng Cảnh sát kinh tế", &["HP"]);
    w.reg("HN")
        .set_denouncer(&case, "Phạm Văn Đức".into(), None, None)
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");

    // Through HP's own register: refused.
    let digest = w.digest("HP");
    let e = w
        .reg("HP")
        .set_case_field(&case, "title", "Vụ việc của HP")
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(w.digest("HP"), digest);

    // Forged with HP's key: unlink itself, set itself lead, re-add the old lead.
    let (sc, e) = (
        ScopeUnit::new(format!("case:{case}")),
        EntityRef::new("case", &case),
    );
    forge(&mut w, "HP", |t| {
        t.remove(&sc, &e, "coordinators", "HP").unwrap().unwrap();
        t.put(&sc, &e, "lead", "HP").unwrap();
        t.add(&sc, &e, "coordinators", "HN").unwrap();
    });
    let report = {
        let bundle = w.export("HP", &[CENTRAL], false);
        w.import(CENTRAL, &bundle).unwrap()
    };
    assert!(report.new_operations >= 3);
    assert_eq!(report.without_effect, 3, "{report:?}");
    let listed = w.reg(CENTRAL).changes_without_effect().unwrap();
    let fields: Vec<&str> = listed.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        ["coordinators", "lead", "coordinators"],
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .all(|c| c.origin == "HP" && c.author == "admin")
    );
    assert!(listed[1].reason.contains("lead office"), "{listed:?}");
    w.carry(CENTRAL, "HN");
    for at in [CENTRAL, "HN"] {
        let c = w.reg(at).case(&case).unwrap();
        assert_eq!(c.lead, "HN", "at {at}");
        assert_eq!(c.coordinators.len(), 1, "at {at}");
        assert_eq!(c.coordinators[0].office, "HP", "at {at}");
        let inert = oplog::effect::without_effect(w.reg(at).store().conn()).unwrap();
        assert_eq!(inert.len(), 3, "listed for the officers at {at}: {inert:?}");
        assert!(inert.iter().all(|i| i.op.origin == "HP"));
    }
    // The real lead still reads the denouncer, and never sends it to the usurper.
    let d = w.reg("HN").denouncer(&case).unwrap().expect("at the lead");
    assert_eq!(d.name.as_str(), "Phạm Văn Đức");
    w.carry("HN", "HP");
    assert_eq!(w.count("HP", DENOUNCER_OPS), 0);
    assert_eq!(w.count(CENTRAL, DENOUNCER_OPS), 0);
    // The central office and the lead office agree on the case.
    assert_eq!(w.scope_digest("HN", CENTRAL), w.scope_digest("HN", "HN"));
}

#[test]
fn a_removed_coordinators_later_work_has_no_effect_whatever_the_arrival_order() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let case = w.open_case("HN", "Kiểm tra dấu hiệu vi phạm", &["HP"]).id;
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    // HN removes HP; HP, not knowing yet, records a finding afterwards (in clock order).
    w.reg("HN")
        .unlink(&case, CaseLink::Coordinator("HP".into(), Text::default()))
        .unwrap();
    let (sc, e) = (
        ScopeUnit::new(format!("case:{case}")),
        EntityRef::new("case", &case),
    );
    std::thread::sleep(std::time::Duration::from_millis(5));
    forge(&mut w, "HP", |t| {
        t.append(
            &sc,
            &e,
            "timeline",
            serde_json::json!({"note": "sau khi bị rút"}),
        )
        .unwrap();
    });
    // The central office hears from HP first, then from HN: the late note loses its effect.
    let hp_notes = |w: &World| {
        oplog::log_entries(w.office(CENTRAL).register.store().conn(), &e, "timeline")
            .unwrap()
            .iter()
            .filter(|l| l.op.origin == "HP")
            .count()
    };
    w.carry("HP", CENTRAL);
    assert_eq!(
        hp_notes(&w),
        1,
        "a coordinator's note counts while it coordinates"
    );
    w.carry("HN", CENTRAL);
    assert_eq!(hp_notes(&w), 0, "written after its removal: no effect");
    let inert = oplog::effect::without_effect(w.reg(CENTRAL).store().conn()).unwrap();
    assert_eq!(inert.len(), 1);
    assert_eq!(inert[0].op.origin, "HP");
}

/// Issue 9, reproduction 5: an office removed from a case receives the change that removed it,
/// and nothing after it.
#[test]
fn a_removed_coordinator_learns_of_its_removal_and_of_nothing_after() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let case = w.open_case("HN", "Kiểm tra dấu hiệu vi phạm", &["HP"]).id;
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    assert_eq!(w.reg("HP").case(&case).unwrap().coordinators.len(), 1);

    w.reg("HN")
        .unlink(&case, CaseLink::Coordinator("HP".into(), Text::default()))
        .unwrap();
    w.reg("HN")
        .set_case_field(&case, "title", "Tiêu đề sau khi HP thôi phối hợp")
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    let at_hp = w.reg("HP").case(&case).unwrap();
    assert!(
        at_hp.coordinators.is_empty(),
        "HP learnt that it was removed"
    );
    assert_eq!(at_hp.lead, "HN", "and who leads the case");
    assert!(w.reg("HP").case_detail(&case).unwrap().handed_over);
    assert!(!w.reg("HN").case_detail(&case).unwrap().handed_over);
    assert_eq!(
        at_hp.title.as_str(),
        "Kiểm tra dấu hiệu vi phạm",
        "nothing written after its removal reached it"
    );
    // HP can no longer work on the case.
    let e = w
        .reg("HP")
        .link(&case, CaseLink::Team("admin".into()))
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    // Later exchanges still bring it nothing more of the case.
    w.reg("HN")
        .set_case_field(&case, "summary", "Tóm tắt mới")
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    assert_eq!(
        w.reg("HP").case(&case).unwrap().title.as_str(),
        "Kiểm tra dấu hiệu vi phạm"
    );
}

/// Issue 9, reproduction 5: a lead transferred by the central office reaches the former lead,
/// which then hands the denouncer to the new lead in its next bundle to it.
#[test]
fn a_lead_transferred_by_the_central_office_flows_to_the_former_lead_and_the_denouncer_follows() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let case = w.open_denunciation("HN", "Tố cáo cán bộ Phòng Cảnh sát kinh tế", &[]);
    w.reg("HN")
        .set_denouncer(&case, "Phạm Văn Đức".into(), None, None)
        .unwrap();
    w.carry("HN", CENTRAL);
    w.reg(CENTRAL).set_case_field(&case, "lead", "HP").unwrap();
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    assert_eq!(
        w.reg("HN").case(&case).unwrap().lead,
        "HP",
        "the former lead knows"
    );
    assert_eq!(w.reg("HP").case(&case).unwrap().lead, "HP");
    // The former lead can no longer edit the case.
    let e = w
        .reg("HN")
        .set_case_field(&case, "summary", "Sửa sau khi chuyển")
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(w.count("HP", DENOUNCER_OPS), 0);
    // Until it does, HN's sync status says it must hand the denouncer to HP.
    let to_hp = |w: &mut World| {
        w.reg("HN")
            .sync_status()
            .unwrap()
            .into_iter()
            .find(|p| p.office == "HP")
            .map(|p| p.denouncers_to_hand_over)
    };
    assert_eq!(to_hp(&mut w), Some(1));
    // The new lead records a correction before the hand-over arrives: both records count.
    w.sign_in_as("HP", "lanhdao", Role::CommitteeLeader);
    w.reg("HP")
        .set_denouncer(
            &case,
            "Phạm Văn Đức".into(),
            Some("Số 5 Lê Lợi".into()),
            None,
        )
        .unwrap();
    w.carry("HN", "HP");
    assert!(
        w.count("HP", DENOUNCER_OPS) > 0,
        "the denouncer went to the new lead"
    );
    w.carry("HP", "HN"); // HP acknowledges it
    assert_eq!(to_hp(&mut w), Some(0));
    let d = w
        .reg("HP")
        .denouncer(&case)
        .unwrap()
        .expect("at the new lead");
    assert_eq!(d.name.as_str(), "Phạm Văn Đức");
}

/// Issue 9: two discipline decisions on one subject of one case, recorded concurrently by the
/// lead office and the central office, are a conflict an officer resolves; a later decision
/// made with the first in view replaces it.
#[test]
fn concurrent_decisions_on_one_subject_are_a_conflict_an_officer_resolves() {
    use hoso_core::model::{CaseStatus, DisciplineForm, MembershipStatus, SubjectKind};
    use hoso_core::register::{AddSubject, NewDecision, NewSubject};
    let mut w = World::new(&["HN"]);
    w.carry(CENTRAL, "HN");
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let AddSubject::Added { id: subject } = w
        .reg("HN")
        .add_subject(
            NewSubject {
                kind: SubjectKind::Member,
                name: "Trần Văn Đông".into(),
                birth_year: Some(1970),
                unit: Some("Phòng PC03".into()),
                post: Some("Phó Trưởng phòng".into()),
                membership: Some(MembershipStatus::Full),
                authority: None,
            },
            false,
        )
        .unwrap()
    else {
        panic!("a new subject")
    };
    let case = w
        .reg("HN")
        .add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: "Kiểm tra dấu hiệu vi phạm".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![subject.clone()],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })
        .unwrap()
        .id;
    for s in [
        CaseStatus::Classified,
        CaseStatus::Preparing,
        CaseStatus::Decided,
        CaseStatus::Announced,
        CaseStatus::Verifying,
        CaseStatus::ReportDrafted,
        CaseStatus::CommitteeReview,
    ] {
        w.reg("HN").transition(&case, s, None, None).unwrap();
    }
    w.carry("HN", CENTRAL);
    let decision = |form, change_reason: Option<&str>| NewDecision {
        subject: subject.clone(),
        form,
        date: chrono::Local::now().date_naive(),
        violation_date: Some(chrono::Local::now().date_naive() - chrono::Days::new(30)),
        note: Text::default(),
        change_reason: change_reason.map(Text::from),
        violation_areas: vec![],
    };
    // Offline, each records its decision on the same member.
    w.reg("HN")
        .decide(&case, decision(DisciplineForm::Reprimand, None))
        .unwrap();
    w.reg(CENTRAL)
        .decide(&case, decision(DisciplineForm::Warning, None))
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HN");
    let conflict = format!("decision:{subject}");
    for at in ["HN", CENTRAL] {
        let c = w.reg(at).case(&case).unwrap();
        assert_eq!(c.conflicts, vec![conflict.clone()], "at {at}");
        assert_eq!(w.reg(at).case_detail(&case).unwrap().decisions.len(), 2);
    }
    assert_eq!(w.digest("HN"), w.digest(CENTRAL));
    // The lead office records the decision that stands, with the reason: it replaces both,
    // everywhere.
    let e = w
        .reg("HN")
        .decide(&case, decision(DisciplineForm::Warning, None))
        .unwrap_err();
    assert!(e.to_string().contains("reason"), "{e}");
    w.reg("HN")
        .decide(
            &case,
            decision(
                DisciplineForm::Warning,
                Some("Thống nhất với UBKT Trung ương"),
            ),
        )
        .unwrap();
    w.carry("HN", CENTRAL);
    for at in ["HN", CENTRAL] {
        assert!(
            w.reg(at).case(&case).unwrap().conflicts.is_empty(),
            "at {at}"
        );
    }
}

/// Issue 10: the central office sees an overlap between its own plan and a province's; its
/// notice brings the overlap, with the other office named, to the province, which cannot see
/// the central office's plan; the province settles it and it clears at both. An office the
/// record does not name cannot settle it.
#[test]
fn an_overlap_notice_reaches_the_province_and_its_settlement_clears_it_everywhere() {
    use hoso_core::model::{CaseKind, SubjectKind};
    use hoso_core::register::{
        AddSubject, NewPlan, NewPlanItem, NewSubject, Settlement, SettlementOutcome,
    };
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let next = chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1;
    let day =
        |md: &str| chrono::NaiveDate::parse_from_str(&format!("{next}-{md}"), "%Y-%m-%d").unwrap();
    let AddSubject::Added { id: subject } = w
        .reg("HN")
        .add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: "Đảng ủy Phòng Cảnh sát giao thông".into(),
                birth_year: None,
                unit: Some("Công an thành phố Hà Nội".into()),
                post: None,
                membership: None,
                authority: None,
            },
            false,
        )
        .unwrap()
    else {
        panic!("a new subject")
    };
    let item = |kind| NewPlanItem {
        subject: subject.clone(),
        kind,
        start: day("03-01"),
        end: day("05-31"),
        lead: None,
        coordinators: vec![],
        note: Text::default(),
    };
    let plan = |w: &mut World, at: &str| {
        w.reg(at)
            .add_plan(NewPlan {
                office: None,
                year: next,
                title: "Chương trình kiểm tra, giám sát".into(),
            })
            .unwrap()
    };
    let hn_plan = plan(&mut w, "HN");
    w.reg("HN")
        .add_plan_item(&hn_plan, item(CaseKind::InspectionOnSigns))
        .unwrap();
    w.carry("HN", CENTRAL);
    let tw_plan = plan(&mut w, CENTRAL);
    w.reg(CENTRAL)
        .add_plan_item(&tw_plan, item(CaseKind::ThematicSupervision))
        .unwrap();

    assert_eq!(w.reg(CENTRAL).overlaps().unwrap().len(), 1);
    assert!(
        w.reg("HN").overlaps().unwrap().is_empty(),
        "HN cannot see TW's plan"
    );
    assert_eq!(w.reg(CENTRAL).notify_overlaps().unwrap(), 1);
    assert_eq!(
        w.reg(CENTRAL).notify_overlaps().unwrap(),
        0,
        "one notice per overlap"
    );
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let at_hn = w.reg("HN").overlaps().unwrap();
    assert_eq!(at_hn.len(), 1, "{at_hn:#?}");
    assert_eq!(
        at_hn[0].offices,
        ["HN", CENTRAL],
        "the other office is named"
    );
    assert!(
        w.reg("HP").overlaps().unwrap().is_empty(),
        "HP is not involved"
    );

    // HP, not named, cannot settle it (it does not even hold it).
    let settle = |outcome, lead: Option<&str>| Settlement {
        outcome,
        lead: lead.map(String::from),
        reason: "Thống nhất: Trung ương chủ trì, Hà Nội phối hợp".into(),
    };
    assert!(
        w.reg("HP")
            .settle_overlap(&subject, settle(SettlementOutcome::Kept, None))
            .is_err()
    );
    w.reg("HN")
        .settle_overlap(&subject, settle(SettlementOutcome::OneLead, Some(CENTRAL)))
        .unwrap();
    assert!(w.reg("HN").overlaps().unwrap().is_empty());
    w.carry("HN", CENTRAL);
    assert!(
        w.reg(CENTRAL).overlaps().unwrap().is_empty(),
        "settled at HN, cleared at the central office"
    );
    assert_eq!(
        w.scope_digest("HN", CENTRAL),
        w.scope_digest("HN", "HN"),
        "both hold the same record"
    );
}

/// Found by the random schedules: a case that leaves an office's scope and comes back brings it
/// everything written while it was away (what was withheld is never counted as delivered).
#[test]
fn a_case_that_comes_back_into_an_offices_scope_brings_what_was_written_meanwhile() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let case = w.open_case("HN", "Kiểm tra dấu hiệu vi phạm", &[]).id;
    w.carry("HN", CENTRAL);
    w.reg(CENTRAL).set_case_field(&case, "lead", "HP").unwrap();
    w.carry(CENTRAL, "HN");
    assert!(w.reg("HN").case_detail(&case).unwrap().handed_over);
    // While HN is out of the case, the central office retitles it; HN is not told.
    w.reg(CENTRAL)
        .set_case_field(&case, "title", "Tiêu đề khi Hà Nội không tham gia")
        .unwrap();
    w.carry(CENTRAL, "HN");
    assert_eq!(
        w.reg("HN").case(&case).unwrap().title.as_str(),
        "Kiểm tra dấu hiệu vi phạm"
    );
    w.carry("HN", CENTRAL); // HN acknowledges that bundle
    // The lead comes back to HN: it receives what it missed.
    w.reg(CENTRAL).set_case_field(&case, "lead", "HN").unwrap();
    w.carry(CENTRAL, "HN");
    let back = w.reg("HN").case(&case).unwrap();
    assert_eq!(back.lead, "HN");
    assert_eq!(back.title.as_str(), "Tiêu đề khi Hà Nội không tham gia");
    assert_eq!(w.scope_digest("HN", CENTRAL), w.scope_digest("HN", "HN"));
}

/// Issue 12: two provinces plan the same inspection of one subject in overlapping periods;
/// neither sees the other's plan, the central office sees both and notifies them; each then
/// shows the overlap naming the other. The central office settles it (one lead): after the
/// next exchange it is cleared at all three, and all three hold the same record.
#[test]
fn two_provinces_overlap_the_central_office_settles_and_it_clears_at_all_three() {
    use hoso_core::register::{Settlement, SettlementOutcome};
    use hoso_tests::planning::{plan_one, shared_subject, this_year};
    let mut w = World::new(&["HN", "HP"]);
    let subject = shared_subject(&mut w, "Đảng ủy Tổng công ty Đường sắt", &["HN", "HP"]);
    let next = this_year() + 1;
    let kind = CaseKind::FinanceInspection;
    plan_one(&mut w, "HN", next, &subject, kind, "03-01", "05-31");
    plan_one(&mut w, "HP", next, &subject, kind, "05-15", "07-31");
    for p in ["HN", "HP"] {
        assert!(
            w.reg(p).overlaps().unwrap().is_empty(),
            "{p} sees only its own plan"
        );
    }
    w.carry("HN", CENTRAL);
    w.carry("HP", CENTRAL);
    let at_tw = w.reg(CENTRAL).overlaps().unwrap();
    assert_eq!(at_tw.len(), 1, "{at_tw:#?}");
    assert_eq!(at_tw[0].offices, ["HN", "HP"]);
    assert_eq!(w.reg(CENTRAL).notify_overlaps().unwrap(), 1);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    for (p, other) in [("HN", "HP"), ("HP", "HN")] {
        let seen = w.reg(p).overlaps().unwrap();
        assert_eq!(seen.len(), 1, "at {p}: {seen:#?}");
        assert!(
            seen[0].offices.iter().any(|o| o == other),
            "{p} names {other}"
        );
        assert!(seen[0].record.is_some());
    }

    w.reg(CENTRAL)
        .settle_overlap(
            &subject,
            Settlement {
                outcome: SettlementOutcome::OneLead,
                lead: Some("HN".into()),
                reason: "Hà Nội chủ trì, Hải Phòng phối hợp".into(),
            },
        )
        .unwrap();
    assert!(w.reg(CENTRAL).overlaps().unwrap().is_empty());
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    for at in ["HN", "HP", CENTRAL] {
        assert!(w.reg(at).overlaps().unwrap().is_empty(), "cleared at {at}");
    }
    for p in ["HN", "HP"] {
        assert_eq!(
            w.scope_digest(p, CENTRAL),
            w.scope_digest(p, p),
            "{p} and the central office hold the same for {p}"
        );
    }
}

/// Taking a document off a case is the lead office's act: a coordinating office is refused in
/// its own register, and the same removal forged into its op log and carried in a bundle takes
/// the document off no list, at the central office or at the lead.
#[test]
fn a_coordinator_cannot_take_a_document_off_the_case() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let case = w
        .open_case(
            "HN",
            "Kiểm tra dấu hiệu vi phạm tại Đảng ủy phường",
            &["HP"],
        )
        .id;
    let doc = w
        .reg("HN")
        .attach_document(
            &case,
            &"Biên bản làm việc.txt".into(),
            "text/plain",
            "Biên bản làm việc với đồng chí Đặng Văn Đức".as_bytes(),
        )
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    assert_eq!(w.reg("HP").documents(&case).unwrap().len(), 1);

    let digest = w.digest("HP");
    let e = w
        .reg("HP")
        .remove_document(&case, &doc.blake3, &"gửi nhầm".into())
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(w.digest("HP"), digest, "a refused removal wrote something");

    let (sc, en) = (
        ScopeUnit::new(format!("case:{case}")),
        EntityRef::new("case", &case),
    );
    forge(&mut w, "HP", |t| {
        t.append(
            &sc,
            &en,
            "document_removals",
            serde_json::json!({"blake3": doc.blake3, "date": "2026-11-29", "reason": "gửi nhầm"}),
        )
        .unwrap();
    });
    w.carry("HP", CENTRAL);
    w.carry(CENTRAL, "HN");
    for o in [CENTRAL, "HN"] {
        let docs = w.reg(o).documents(&case).unwrap();
        assert_eq!(
            docs.len(),
            1,
            "the forged removal took the document off at {o}"
        );
        assert_eq!(docs[0].blake3, doc.blake3);
    }
    let inert = oplog::effect::without_effect(w.reg(CENTRAL).store().conn()).unwrap();
    assert!(
        inert
            .iter()
            .any(|x| x.op.origin == "HP" && x.scope.as_str() == format!("case:{case}")),
        "the forged removal is not listed at the central office"
    );
}

/// A case transferred twice before its former lead hears of the first transfer (HN → DN → HP):
/// HN leaves the case's scope with the first transfer, so it knows DN as the lead, never HP. DN
/// led the case only between the two transfers, and still receives it from the central office up
/// to the transfer that took it away: so it knows HP leads and hands on the denouncer HN gave it.
#[test]
fn the_denouncer_reaches_the_lead_after_two_transfers() {
    let mut w = World::new(&["HN", "DN", "HP"]);
    for p in ["HN", "DN", "HP"] {
        w.carry(CENTRAL, p);
    }
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let case = w.open_denunciation("HN", "Tố cáo cán bộ Phòng Cảnh sát kinh tế", &[]);
    w.reg("HN")
        .set_denouncer(&case, "Phạm Văn Đức".into(), None, None)
        .unwrap();
    w.carry("HN", CENTRAL);
    w.reg(CENTRAL).set_case_field(&case, "lead", "DN").unwrap();
    w.reg(CENTRAL).set_case_field(&case, "lead", "HP").unwrap();
    for p in ["HN", "DN", "HP"] {
        w.carry(CENTRAL, p);
    }
    // DN, never sent the case before it left DN's scope, holds it up to that transfer.
    assert_eq!(w.reg("DN").case(&case).unwrap().lead, "HP");
    assert_eq!(w.reg("HN").case(&case).unwrap().lead, "DN");
    w.carry("HN", "HP");
    w.carry("HN", "DN");
    // DN cannot read the denouncer it holds, and its sync status says it must pass it on.
    w.sign_in_as("DN", "lanhdao", Role::CommitteeLeader);
    assert!(w.reg("DN").denouncer(&case).is_err());
    let to_hp = w
        .reg("DN")
        .sync_status()
        .unwrap()
        .into_iter()
        .find(|p| p.office == "HP")
        .map(|p| p.denouncers_to_hand_over);
    assert_eq!(to_hp, Some(1));
    w.carry("DN", "HP");
    w.sign_in_as("HP", "lanhdao", Role::CommitteeLeader);
    let d = w.reg("HP").denouncer(&case).unwrap();
    assert_eq!(
        d.map(|d| d.name.as_str().to_string()).as_deref(),
        Some("Phạm Văn Đức")
    );
}
