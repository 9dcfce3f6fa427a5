//! Plans across offices for the coordination tests: a subject every office involved holds, and
//! annual plans with one item each.

use chrono::{Datelike, Local, NaiveDate};
use hoso_core::Text;
use hoso_core::model::{CaseKind, SubjectKind};
use hoso_core::register::{AddSubject, NewPlan, NewPlanItem, NewSubject};

use crate::offices::{CENTRAL, World};

/// This year and the next (plans for next year are current work whatever today's date).
pub fn this_year() -> i32 {
    Local::now().date_naive().year()
}

/// `mm-dd` of `year`.
pub fn day(year: i32, md: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{year}-{md}"), "%Y-%m-%d").expect("a date")
}

/// An organisation the central office records and `provinces` receive: the central office
/// supervised it last year with the provinces coordinating (work long over, so no overlap),
/// which brings the subject into each province's register with the next bundle.
pub fn shared_subject(w: &mut World, name: &str, provinces: &[&str]) -> String {
    let AddSubject::Added { id } = w
        .reg(CENTRAL)
        .add_subject(
            NewSubject {
                kind: SubjectKind::Organisation,
                name: Text::new(name),
                birth_year: None,
                unit: Some(Text::new("Khối các cơ quan")),
                post: None,
                membership: None,
                authority: None,
            },
            false,
        )
        .expect("subject")
    else {
        panic!("a new subject")
    };
    let last = this_year() - 1;
    let plan = w
        .reg(CENTRAL)
        .add_plan(NewPlan {
            office: None,
            year: last,
            title: Text::new(format!("Chương trình giám sát năm {last}")),
        })
        .expect("central plan");
    w.reg(CENTRAL)
        .add_plan_item(
            &plan,
            NewPlanItem {
                subject: id.clone(),
                kind: CaseKind::RoutineSupervision,
                start: day(last, "01-05"),
                end: day(last, "02-20"),
                lead: None,
                coordinators: provinces.iter().map(|p| p.to_string()).collect(),
                note: Text::default(),
            },
        )
        .expect("central plan item");
    for p in provinces {
        w.carry(CENTRAL, p);
    }
    id
}

/// Office `at`'s programme for `year` with one item: `kind` of `subject` from `start` to
/// `end` (`mm-dd`). Returns (plan id, item id).
pub fn plan_one(
    w: &mut World,
    at: &str,
    year: i32,
    subject: &str,
    kind: CaseKind,
    start: &str,
    end: &str,
) -> (String, String) {
    let plan = w
        .reg(at)
        .add_plan(NewPlan {
            office: None,
            year,
            title: Text::new(format!("Chương trình kiểm tra, giám sát năm {year}")),
        })
        .expect("plan");
    let item = w
        .reg(at)
        .add_plan_item(
            &plan,
            NewPlanItem {
                subject: subject.to_string(),
                kind,
                start: day(year, start),
                end: day(year, end),
                lead: None,
                coordinators: vec![],
                note: Text::default(),
            },
        )
        .expect("plan item");
    (plan, item)
}
