//! Issue 13, "chốt số liệu": a province's lock of a period's figures is a signed, synced record.
//! It reaches the central office (and no other province), keeps its figures after case edits at
//! either office (the change flagged), can be renewed with a reason (history kept), and cannot
//! be written by anybody else: an insider at another province forging HN's lock with their own
//! valid key is refused whole, and so is the central office writing a province's lock.

use hoso_core::access::Role;
use hoso_core::model::{CaseKind, MembershipStatus, SubjectKind};
use hoso_core::oplog::{EntityRef, NoProjection, ScopeUnit, Txn};
use hoso_core::register::{AddSubject, CaseLink, NewCase, NewSubject};
use hoso_core::reports::{Period, Report, ReportScope};
use hoso_core::text::Text;
use hoso_tests::offices::{CENTRAL, World};

const FORM: &str = "KTDHVP-DV";

fn period() -> Period {
    Period::parse("2026-9m", None).unwrap()
}

/// An inspection on signs of violation of one party member, led by `at`, opened on `opened`.
fn inspection(w: &mut World, at: &str, name: &str, opened: &str) -> (String, String) {
    let AddSubject::Added { id: member } = w
        .reg(at)
        .add_subject(
            NewSubject {
                kind: SubjectKind::Member,
                name: name.into(),
                birth_year: None,
                unit: Some("Công an tỉnh".into()),
                post: Some(Text::new("Phó Trưởng phòng")),
                membership: Some(MembershipStatus::Full),
                authority: None,
            },
            true,
        )
        .unwrap()
    else {
        panic!("a new subject")
    };
    let case = w
        .reg(at)
        .add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: format!("Kiểm tra khi có dấu hiệu vi phạm đối với {name}")
                .as_str()
                .into(),
            lead: at.into(),
            coordinators: vec![],
            subjects: vec![member.clone()],
            origin: None,
            opened: Some(chrono::NaiveDate::parse_from_str(opened, "%Y-%m-%d").unwrap()),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap()
        .id;
    (case, member)
}

/// The grand total (first figure of the total row).
fn total(r: &Report) -> u32 {
    r.rows
        .iter()
        .find(|r| r.label == "Tổng cộng")
        .expect("total row")
        .cells[0]
        .value
        .expect("a figure")
}

fn hn() -> ReportScope {
    ReportScope::Office("HN".into())
}

/// HN and HP set up; HN's leader "lanhdao" locks a period with one inspection in it.
fn locked_world() -> (World, String, String) {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let (case, member) = inspection(&mut w, "HN", "Nguyễn Văn Đức", "2026-02-03");
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let locked = w
        .reg("HN")
        .lock_report(FORM, &period(), &ReportScope::This)
        .unwrap();
    assert_eq!(total(&locked), 1);
    let lock = locked.lock.as_ref().unwrap();
    assert_eq!(
        (lock.office.as_str(), lock.locked_by.as_str()),
        ("HN", "lanhdao")
    );
    assert_eq!((lock.version, lock.synced), (1, true));
    (w, case, member)
}

#[test]
fn a_provinces_lock_reaches_the_central_office_with_its_figures_and_no_other_province() {
    let (mut w, case, _) = locked_world();
    let at_hn = w
        .reg("HN")
        .report(FORM, &period(), &ReportScope::This)
        .unwrap();
    w.carry("HN", CENTRAL);

    // The central office's overview: every office in force, HN locked, with its figures.
    let o = w
        .reg(CENTRAL)
        .report_lock_overview(FORM, &period())
        .unwrap();
    assert!(o.central);
    assert_eq!(o.locked, 1);
    assert_eq!(o.offices[0].office, "*", "the roll-up first");
    let row = o
        .offices
        .iter()
        .find(|r| r.office == "HN")
        .expect("HN listed");
    assert!(row.locked && row.synced && row.digest_ok);
    assert_eq!(row.locked_by.as_deref(), Some("lanhdao"));
    assert_eq!(row.total, Some(1));
    assert_eq!(
        row.digest.as_deref(),
        Some(at_hn.lock.as_ref().unwrap().digest.as_str())
    );
    for other in ["HP", CENTRAL, "*"] {
        let r = o
            .offices
            .iter()
            .find(|r| r.office == other)
            .expect("listed");
        assert!(!r.locked, "{other} did not lock");
    }
    // Its report of HN's cases shows HN's locked figures, the cases behind them known.
    let at_tw = w.reg(CENTRAL).report(FORM, &period(), &hn()).unwrap();
    assert_eq!(at_tw.lock, at_hn.lock);
    assert_eq!(at_tw.rows, at_hn.rows);
    assert!(!at_tw.changed_since_lock);
    assert!(at_tw.cases.contains_key(&case));
    assert_eq!(w.digest("HN"), w.scope_digest("HN", CENTRAL));

    // HP never receives it, not even in a full export; its overview is its own office.
    let b = w.export(CENTRAL, &["HP"], true);
    w.import("HP", &b).unwrap();
    assert_eq!(
        w.count(
            "HP",
            "SELECT count(*) FROM ops WHERE scope = 'report-lock:HN'"
        ),
        0
    );
    let o = w.reg("HP").report_lock_overview(FORM, &period()).unwrap();
    assert!(!o.central);
    assert_eq!(o.offices.len(), 1);
    assert_eq!(
        (o.offices[0].office.as_str(), o.offices[0].locked),
        ("HP", false)
    );
    // HP cannot read HN's figures at all.
    assert_eq!(
        w.reg("HP")
            .report(FORM, &period(), &hn())
            .unwrap_err()
            .code(),
        "permission-denied"
    );
}

#[test]
fn a_lock_keeps_its_figures_after_edits_at_the_province_and_at_the_central_office() {
    let (mut w, _, _) = locked_world();
    w.carry("HN", CENTRAL);
    let locked_rows = w
        .reg("HN")
        .report(FORM, &period(), &ReportScope::This)
        .unwrap()
        .rows;

    // HN opens a second inspection in the period.
    let (second, member) = inspection(&mut w, "HN", "Trần Thị Đào", "2026-05-20");
    let now = w
        .reg("HN")
        .report(FORM, &period(), &ReportScope::This)
        .unwrap();
    assert_eq!(total(&now), 1, "the locked figure");
    assert!(now.changed_since_lock);
    assert!(now.changed_cells.iter().any(|c| c.col == 0));
    let fresh = w
        .reg("HN")
        .compute_report(FORM, &period(), &ReportScope::This)
        .unwrap();
    assert_eq!(total(&fresh), 2);

    // At the central office: the locked figures, the change flagged.
    w.carry("HN", CENTRAL);
    let at_tw = w.reg(CENTRAL).report(FORM, &period(), &hn()).unwrap();
    assert_eq!(at_tw.rows, locked_rows);
    assert!(at_tw.changed_since_lock);
    assert_eq!(
        total(
            &w.reg(CENTRAL)
                .compute_report(FORM, &period(), &hn())
                .unwrap()
        ),
        2
    );

    // The central office takes the member off HN's second case: HN's figures change again,
    // its lock does not.
    w.reg(CENTRAL)
        .unlink(&second, CaseLink::Subject(member))
        .unwrap();
    w.carry(CENTRAL, "HN");
    let now = w
        .reg("HN")
        .report(FORM, &period(), &ReportScope::This)
        .unwrap();
    assert_eq!(now.rows, locked_rows);
    assert!(
        !now.changed_since_lock,
        "the register computes the locked figures again"
    );
    let at_tw = w.reg(CENTRAL).report(FORM, &period(), &hn()).unwrap();
    assert_eq!(at_tw.rows, locked_rows);
    assert_eq!(at_tw.lock, now.lock);
}

#[test]
fn leadership_renews_a_lock_with_a_reason_and_the_history_is_kept() {
    let (mut w, _, _) = locked_world();
    let first = w
        .reg("HN")
        .report(FORM, &period(), &ReportScope::This)
        .unwrap();
    // Locked twice: refused; renewing needs a reason and an existing lock.
    let e = w
        .reg("HN")
        .lock_report(FORM, &period(), &ReportScope::This)
        .unwrap_err();
    assert_eq!(e.code(), "already-exists");
    let e = w
        .reg("HN")
        .relock_report(FORM, &period(), &ReportScope::This, "  ")
        .unwrap_err();
    assert_eq!(e.code(), "invalid");
    let six = Period::parse("2026-6m", None).unwrap();
    let e = w
        .reg("HN")
        .relock_report(FORM, &six, &ReportScope::This, "Bổ sung")
        .unwrap_err();
    assert_eq!(e.code(), "not-found");

    inspection(&mut w, "HN", "Lê Văn Đông", "2026-08-01");
    let renewed = w
        .reg("HN")
        .relock_report(
            FORM,
            &period(),
            &ReportScope::This,
            "Bổ sung vụ việc tháng 8 nhập muộn",
        )
        .unwrap();
    assert_eq!(total(&renewed), 2);
    let lock = renewed.lock.clone().unwrap();
    assert_eq!(lock.version, 2);
    assert_eq!(
        lock.reason.as_deref(),
        Some("Bổ sung vụ việc tháng 8 nhập muộn")
    );
    assert_ne!(lock.digest, first.lock.as_ref().unwrap().digest);
    assert!(!renewed.changed_since_lock);

    w.carry("HN", CENTRAL);
    let o = w
        .reg(CENTRAL)
        .report_lock_overview(FORM, &period())
        .unwrap();
    let row = o.offices.iter().find(|r| r.office == "HN").unwrap();
    assert_eq!((row.version, row.total), (2, Some(2)));
    assert_eq!(
        row.reason.as_deref(),
        Some("Bổ sung vụ việc tháng 8 nhập muộn")
    );
    let history = w
        .reg(CENTRAL)
        .report_lock_history(FORM, &period(), &hn())
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0], *first.lock.as_ref().unwrap());
    assert_eq!(history[1], lock);
    // Both are audited at HN.
    for action in ["report.lock", "report.relock"] {
        let n = w.count(
            "HN",
            &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"),
        );
        assert_eq!(n, 1, "{action}");
    }
}

#[test]
fn only_committee_leadership_locks() {
    let mut w = World::new(&["HN"]);
    w.carry(CENTRAL, "HN");
    inspection(&mut w, "HN", "Nguyễn Văn Đức", "2026-02-03");
    // The administrator, then an inspector: refused, nothing written.
    for (login, role) in [("admin", None), ("canbo", Some(Role::Inspector))] {
        if let Some(role) = role {
            w.sign_in_as("HN", login, role);
        }
        let digest = w.digest("HN");
        let e = w
            .reg("HN")
            .lock_report(FORM, &period(), &ReportScope::This)
            .unwrap_err();
        assert_eq!(e.code(), "permission-denied", "{login}: {e}");
        let e = w
            .reg("HN")
            .relock_report(FORM, &period(), &ReportScope::This, "Lý do")
            .unwrap_err();
        assert_eq!(e.code(), "permission-denied", "{login}: {e}");
        assert_eq!(w.digest("HN"), digest);
    }
}

/// Writes ops as office `at` straight into its op log (an insider with the register's key:
/// no permission check, no authority check, no projection), as `tests/sync/authority.rs` does.
fn forge(w: &mut World, at: &str, f: impl FnOnce(&mut Txn<'_>)) {
    let conn = w.reg(at).store_mut().conn_mut();
    let mut txn = Txn::begin(conn, at, "admin").unwrap();
    f(&mut txn);
    txn.commit(&NoProjection).unwrap();
}

/// HN's lock as an insider elsewhere would write it: HN's office and leader, made-up figures.
fn forged_entry() -> serde_json::Value {
    serde_json::json!({
        "form": FORM, "period": "2026-9m", "scope": "HN", "office": "HN",
        "locked_by": "lanhdao", "locked_at": "2026-10-01T08:00:00Z", "digest": "00",
        "columns": [], "rows": [{"no": "", "label": "Tổng cộng", "kind": "total",
                                 "cells": [{"value": 99, "cases": []}]}]
    })
}

#[test]
fn a_lock_forged_in_another_offices_name_is_refused_whole() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    // An insider at HP writes "HN's lock" with HP's own valid key, beside a legitimate case.
    w.open_case("HP", "Kiểm tra Đảng ủy Công an xã", &[]);
    let id = format!("HN/HN/{FORM}/2026-9m");
    forge(&mut w, "HP", |t| {
        let unit = ScopeUnit::new("report-lock:HN");
        let e = EntityRef::new("report-lock", &id);
        t.create(&unit, &e).unwrap();
        t.append(&unit, &e, "locks", forged_entry()).unwrap();
    });
    let bundle = w.export("HP", &[CENTRAL], false);
    let before = w.untouched_state(CENTRAL);
    let e = w.import(CENTRAL, &bundle).unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert!(e.to_string().contains(&id), "{e}");
    assert_eq!(w.untouched_state(CENTRAL), before, "nothing applied");
    let o = w
        .reg(CENTRAL)
        .report_lock_overview(FORM, &period())
        .unwrap();
    assert_eq!(o.locked, 0);

    // The same forgery filed in HP's own unit is refused too.
    let mut w = World::new(&["HN", "HP"]);
    forge(&mut w, "HP", |t| {
        let unit = ScopeUnit::new("report-lock:HP");
        let e = EntityRef::new("report-lock", &id);
        t.create(&unit, &e).unwrap();
    });
    let bundle = w.export("HP", &[CENTRAL], false);
    let before = w.untouched_state(CENTRAL);
    assert_eq!(
        w.import(CENTRAL, &bundle).unwrap_err().code(),
        "op-not-authorised"
    );
    assert_eq!(w.untouched_state(CENTRAL), before);
}

#[test]
fn the_central_office_cannot_write_a_provinces_lock() {
    let mut w = World::new(&["HN"]);
    w.carry(CENTRAL, "HN");
    inspection(&mut w, "HN", "Nguyễn Văn Đức", "2026-02-03");
    w.carry("HN", CENTRAL);
    w.sign_in_as(CENTRAL, "lanhdao", Role::CommitteeLeader);
    // Through its register: locking HN's figures is refused, nothing written.
    let digest = w.digest(CENTRAL);
    let e = w
        .reg(CENTRAL)
        .lock_report(FORM, &period(), &hn())
        .unwrap_err();
    assert_eq!(e.code(), "op-not-authorised", "{e}");
    assert_eq!(w.digest(CENTRAL), digest);
    // Its own figures and the roll-up of every office it may lock.
    w.reg(CENTRAL)
        .lock_report(FORM, &period(), &ReportScope::This)
        .unwrap();
    let all = w
        .reg(CENTRAL)
        .lock_report(FORM, &period(), &ReportScope::All)
        .unwrap();
    assert_eq!(total(&all), 1);
    let o = w
        .reg(CENTRAL)
        .report_lock_overview(FORM, &period())
        .unwrap();
    let locked: Vec<&str> = o
        .offices
        .iter()
        .filter(|r| r.locked)
        .map(|r| r.office.as_str())
        .collect();
    assert_eq!(locked, ["*", CENTRAL]);

    // Forged with the central office's own key in HN's unit: HN refuses the bundle whole.
    forge(&mut w, CENTRAL, |t| {
        let unit = ScopeUnit::new("report-lock:HN");
        let e = EntityRef::new("report-lock", format!("HN/HN/{FORM}/2026-9m"));
        t.create(&unit, &e).unwrap();
        t.append(&unit, &e, "locks", forged_entry()).unwrap();
    });
    let bundle = w.export(CENTRAL, &["HN"], true);
    let before = w.untouched_state("HN");
    assert_eq!(
        w.import("HN", &bundle).unwrap_err().code(),
        "op-not-authorised"
    );
    assert_eq!(w.untouched_state("HN"), before);
}
