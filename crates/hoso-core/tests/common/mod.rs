//! Fixtures the register's integration tests share: a register made through the real
//! initialisation, cases opened on a date, moved along the workflow, and decided.
#![allow(dead_code)] // each test file uses its own part

use chrono::NaiveDate;
use hoso_core::model::workflow::allowed_transitions;
use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::text::Text;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn register(dir: &std::path::Path, code: &str, central: bool) -> Register {
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
            office_name: format!("Ủy ban Kiểm tra {code}").into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central,
        },
    )
    .unwrap()
}

pub fn case(
    r: &mut Register,
    kind: CaseKind,
    lead: &str,
    opened: &str,
    subjects: &[&String],
) -> String {
    r.add_case(NewCase {
        kind,
        title: format!("Vụ việc {kind} {opened}").into(),
        lead: lead.into(),
        coordinators: vec![],
        subjects: subjects.iter().map(|s| s.to_string()).collect(),
        origin: None,
        opened: Some(d(opened)),
        summary: Text::default(),
        team: vec![],
    })
    .unwrap()
    .id
}

pub fn walk(r: &mut Register, id: &str, target: CaseStatus, day: &str) {
    use std::collections::{HashMap, VecDeque};
    let c = r.case(id).unwrap();
    let mut prev: HashMap<CaseStatus, CaseStatus> = HashMap::new();
    let mut q = VecDeque::from([c.status]);
    while let Some(s) = q.pop_front() {
        if s == target {
            break;
        }
        for n in allowed_transitions(c.kind, s, None) {
            if n != c.status && !prev.contains_key(&n) {
                prev.insert(n, s);
                q.push_back(n);
            }
        }
    }
    let mut path = vec![target];
    while let Some(p) = prev.get(path.last().unwrap()) {
        if *p == c.status {
            break;
        }
        path.push(*p);
    }
    path.reverse();
    for s in path {
        r.transition(id, s, None, Some(d(day))).unwrap();
    }
}

pub fn decide(r: &mut Register, case: &str, subject: &str, form: DisciplineForm, date: &str) {
    r.decide(
        case,
        NewDecision {
            subject: subject.into(),
            form,
            date: d(date),
            violation_date: Some(d("2025-06-01")),
            note: "Quyết định".into(),
            change_reason: None,
            violation_areas: vec![],
        },
    )
    .unwrap();
}
