//! Issue 10: the register's new records and rules answers converge across offices like any other
//! change: plan items edited, given a status and linked to the case that carries them out; a
//! deadline counted into a year without a calendar, recounted at every office once the central
//! office publishes the year's calendar; an officer's declared relation.

use chrono::{Datelike, NaiveDate};
use hoso_core::Text;
use hoso_core::model::{CaseKind, PlanItemStatus, SubjectKind};
use hoso_core::register::{
    AddSubject, NewCase, NewPlan, NewPlanItem, NewSubject, PlanItemEdit, today,
};
use hoso_tests::offices::{CENTRAL, World};

fn subject(w: &mut World, at: &str, name: &str) -> String {
    let AddSubject::Added { id } = w
        .reg(at)
        .add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: name.into(),
                birth_year: None,
                unit: None,
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
    id
}

#[test]
fn plan_items_their_status_and_the_case_that_carries_them_out_converge() {
    let mut w = World::new(&["HN"]);
    w.carry(CENTRAL, "HN");
    let year = today().year();
    let s = subject(&mut w, "HN", "Đảng ủy Phòng Cảnh sát giao thông");
    let plan = w
        .reg("HN")
        .add_plan(NewPlan {
            office: None,
            year,
            title: "Chương trình kiểm tra".into(),
        })
        .unwrap();
    let item = w
        .reg("HN")
        .add_plan_item(
            &plan,
            NewPlanItem {
                subject: s.clone(),
                kind: CaseKind::InspectionOnSigns,
                start: NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
                end: NaiveDate::from_ymd_opt(year, 6, 30).unwrap(),
                lead: None,
                coordinators: vec![],
                note: Text::default(),
            },
        )
        .unwrap();
    let case = w
        .reg("HN")
        .add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: "Kiểm tra theo chương trình".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![s.clone()],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    w.reg("HN").link_plan_item(&case.id, Some(&item)).unwrap();
    w.reg("HN")
        .set_plan_item_status(&item, PlanItemStatus::UnderWay, None)
        .unwrap();
    w.reg("HN")
        .edit_plan_item(
            &item,
            PlanItemEdit {
                note: Some("Theo đề nghị của Đảng ủy".into()),
                ..Default::default()
            },
        )
        .unwrap();
    w.carry("HN", CENTRAL);
    let at_tw = w.reg(CENTRAL).plan(&plan).unwrap();
    assert_eq!(at_tw, w.reg("HN").plan(&plan).unwrap());
    assert_eq!(at_tw.items[0].status, PlanItemStatus::UnderWay);
    assert_eq!(at_tw.items[0].cases, [case.number.as_str()]);
    assert_eq!(at_tw.items[0].note.as_str(), "Theo đề nghị của Đảng ủy");
    assert_eq!(
        w.reg(CENTRAL).case(&case.id).unwrap().plan_item.as_deref(),
        Some(item.as_str())
    );
    assert_eq!(w.digest("HN"), w.digest(CENTRAL));

    // Who may edit the items, as the Plans screen is told: HN its own plan, the central
    // office any plan, HN not the central office's.
    let editable = |w: &mut World, at: &str, plan: &str| {
        w.reg(at).plan_item_page(plan, 0, 50).unwrap().plan.editable
    };
    assert!(editable(&mut w, "HN", &plan));
    assert!(editable(&mut w, CENTRAL, &plan));
    let tw_plan = w
        .reg(CENTRAL)
        .add_plan(NewPlan {
            office: None,
            year,
            title: "Chương trình giám sát của Ủy ban Kiểm tra Đảng ủy Công an Trung ương".into(),
        })
        .unwrap();
    // An item HN leads brings the central office's plan to HN, which may not edit it.
    w.reg(CENTRAL)
        .add_plan_item(
            &tw_plan,
            NewPlanItem {
                subject: s.clone(),
                kind: CaseKind::ThematicSupervision,
                start: NaiveDate::from_ymd_opt(year, 7, 1).unwrap(),
                end: NaiveDate::from_ymd_opt(year, 9, 30).unwrap(),
                lead: Some("HN".into()),
                coordinators: vec![],
                note: Text::default(),
            },
        )
        .unwrap();
    w.carry(CENTRAL, "HN");
    assert!(!editable(&mut w, "HN", &tw_plan));
    let listed = w.reg("HN").plans_of_year(year).unwrap();
    assert!(
        listed.iter().all(|p| p.editable == (p.office == "HN")),
        "{listed:?}"
    );
    let listed = w.reg(CENTRAL).plans_of_year(year).unwrap();
    assert!(listed.iter().all(|p| p.editable), "{listed:?}");

    // The central office, which may edit any plan, records that it is done: it reaches HN.
    w.reg(CENTRAL)
        .set_plan_item_status(&item, PlanItemStatus::Done, None)
        .unwrap();
    w.carry(CENTRAL, "HN");
    assert_eq!(
        w.reg("HN").plan(&plan).unwrap().items[0].status,
        PlanItemStatus::Done
    );
    assert_eq!(w.digest("HN"), w.digest(CENTRAL));
}

#[test]
fn a_provisional_deadline_is_recounted_at_every_office_when_the_calendar_arrives() {
    let mut w = World::new(&["HN"]);
    let this_year = today().year();
    let last_year = this_year - 1;
    let mut rules = w.reg(CENTRAL).rules().unwrap();
    rules.calendar.holidays.clear();
    rules.calendar.extra_working_days.clear();
    rules.calendar.years = vec![last_year];
    w.reg(CENTRAL).set_rules(rules.clone()).unwrap();
    w.carry(CENTRAL, "HN");
    let case = w
        .reg("HN")
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: Some(NaiveDate::from_ymd_opt(last_year, 11, 3).unwrap()),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    w.carry("HN", CENTRAL);
    for at in ["HN", CENTRAL] {
        assert_eq!(
            w.reg(at).case(&case.id).unwrap().deadline_provisional_years,
            [this_year],
            "at {at}"
        );
    }
    let before = w.reg("HN").case(&case.id).unwrap().deadline.unwrap();
    // This year's calendar with two days off in January.
    rules.calendar.years = vec![last_year, this_year];
    let mut day = NaiveDate::from_ymd_opt(this_year, 1, 12).unwrap();
    while day.weekday() != chrono::Weekday::Tue {
        day = day.succ_opt().unwrap();
    }
    for d in [day, day.succ_opt().unwrap()] {
        rules.calendar.holidays.push(hoso_core::rules::Holiday {
            date: d,
            name: "Nghỉ (thử)".into(),
        });
    }
    w.reg(CENTRAL).set_rules(rules.clone()).unwrap();
    w.carry(CENTRAL, "HN");
    for at in ["HN", CENTRAL] {
        let c = w.reg(at).case(&case.id).unwrap();
        assert!(c.deadline_provisional_years.is_empty(), "at {at}");
        assert_eq!(
            c.deadline,
            Some(rules.calendar.add_working_days(before, 2)),
            "at {at}"
        );
    }
    assert_eq!(w.digest("HN"), w.digest(CENTRAL));
}

#[test]
fn letters_conclusions_and_notices_converge_and_a_coordinator_cannot_conclude() {
    use hoso_core::model::{Conclusion, ConclusionOutcome, LetterKind, Notice, SubjectConclusion};
    use hoso_core::register::NewLetter;
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let s = subject(&mut w, "HN", "Chi bộ Phòng Cảnh sát kinh tế");
    let letter = w
        .reg("HN")
        .record_letter(NewLetter {
            kind: LetterKind::Anonymous,
            received: None,
            channel: "Hòm thư".into(),
            content: "Phản ánh chi bộ buông lỏng quản lý".into(),
        })
        .unwrap();
    let case = w
        .reg("HN")
        .open_case_from_letter(
            &letter.id,
            NewCase {
                kind: CaseKind::InspectionOnSigns,
                title: "Kiểm tra khi có dấu hiệu vi phạm".into(),
                lead: "HN".into(),
                coordinators: vec![("HP".into(), Text::from("nơi đơn vị đóng quân"))],
                subjects: vec![s.clone()],
                origin: None,
                opened: None,
                summary: Text::default(),
                team: vec![],
            },
        )
        .unwrap();
    w.reg("HN")
        .set_case_category(&case.id, "organisation.cadre-work", true)
        .unwrap();
    let conclusion = Conclusion {
        number: "3-KL/UBKT".into(),
        date: today(),
        text: "Chi bộ có khuyết điểm".into(),
        subjects: vec![SubjectConclusion {
            subject: s.clone(),
            outcome: ConclusionOutcome::Violation,
            categories: vec!["organisation.cadre-work".into()],
            discipline_required: false,
        }],
    };
    w.reg("HN")
        .record_conclusion(&case.id, conclusion.clone())
        .unwrap();
    w.reg("HN")
        .record_notice(
            &case.id,
            Notice {
                date: today(),
                recipients: vec!["Đảng ủy Công an tỉnh".into()],
                denouncer: false,
                note: Text::default(),
            },
        )
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    // The coordinating office holds the case, the letter and its records, as HN does; it
    // cannot record the conclusion itself (lead office and central office only).
    for at in [CENTRAL, "HP"] {
        let d = w.reg(at).case_detail(&case.id).unwrap();
        assert_eq!(d.conclusions, std::slice::from_ref(&conclusion), "at {at}");
        assert_eq!(d.notices.len(), 1, "at {at}");
        assert_eq!(d.case.categories, ["organisation.cadre-work"], "at {at}");
        assert_eq!(
            d.case.letter.as_deref(),
            Some(letter.id.as_str()),
            "at {at}"
        );
        assert_eq!(
            w.reg(at).letter(&letter.id).unwrap().cases,
            [case.number.as_str()],
            "at {at}"
        );
    }
    // HP's own reference data (its officers) reaches the central office too.
    w.carry("HP", CENTRAL);
    w.carry(CENTRAL, "HN");
    assert_eq!(w.scope_digest("HN", "HN"), w.scope_digest("HN", CENTRAL));
    assert_eq!(w.scope_digest("HP", "HP"), w.scope_digest("HP", CENTRAL));
    let e = w
        .reg("HP")
        .record_conclusion(&case.id, conclusion.clone())
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    let e = w
        .reg("HP")
        .set_case_category(&case.id, "organisation.policy-law", true)
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
}
