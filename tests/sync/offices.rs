//! The office list (issue 9, "Offices"): a new central office starts with the 2025 list,
//! certifying an office links it to its entry, and the set-up bundle carries the list so a
//! province can name any office as coordinator at once.

use chrono::{Duration, Utc};
use hoso_core::audit::{self, AuditFilter};
use hoso_core::model::OfficeKind;
use hoso_core::trust::CertifyOptions;
use hoso_tests::offices::{CENTRAL, World, create};

fn certify_audits(w: &World) -> Vec<(String, bool)> {
    let filter = AuditFilter {
        action: Some("office.certify".into()),
        ..Default::default()
    };
    audit::list(w.office(CENTRAL).register.store().conn(), &filter)
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.entity,
                e.detail["office_entry_created"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn certify_links_the_office_entry_creating_it_when_missing() {
    // HN (Hà Nội) is on the 2025 list; QB is not.
    let mut w = World::new(&["HN", "QB"]);
    let tw = &w.office(CENTRAL).register;
    let hn = tw.office("HN").unwrap();
    assert_eq!(hn.name.as_str(), "Hà Nội", "linked, not renamed");
    let qb = tw.office("QB").unwrap();
    assert_eq!(
        qb.name.as_str(),
        "Ủy ban Kiểm tra QB",
        "named as its request names it"
    );
    assert_eq!(qb.kind, OfficeKind::Province);
    assert_eq!(qb.parent.as_deref(), Some(CENTRAL));
    assert_eq!(qb.valid_to, None);
    assert_eq!(
        certify_audits(&w),
        [
            ("office:HN".to_string(), false),
            ("office:QB".to_string(), true)
        ]
    );
    // Certifying again (a renewal) creates nothing twice.
    let n = w.count(CENTRAL, "SELECT count(*) FROM offices");
    w.recertify("QB", Utc::now(), Utc::now() + Duration::days(365));
    assert_eq!(w.count(CENTRAL, "SELECT count(*) FROM offices"), n);

    // A code that names a closed office (Quảng Bình, merged into Quảng Trị) is refused, and
    // nothing is certified...
    let qbi = create(w.dir.path(), "QBI", false);
    let request = qbi.enrolment_request().unwrap();
    let before = w.untouched_state(CENTRAL);
    let now = Utc::now();
    let e = w
        .reg(CENTRAL)
        .certify(&request, now, now + Duration::days(30))
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("QBI") && msg.contains("closed") && msg.contains("QTR"),
        "{msg}"
    );
    assert_eq!(w.untouched_state(CENTRAL).0, before.0);
    let roster = hoso_core::trust::roster::stored_roster(w.office(CENTRAL).register.store().conn())
        .unwrap()
        .unwrap()
        .1;
    assert!(
        roster
            .certificates
            .iter()
            .all(|c| c.certificate.office != "QBI")
    );
    // ... unless the officer means it.
    w.reg(CENTRAL)
        .certify_opts(
            &request,
            now,
            now + Duration::days(30),
            CertifyOptions {
                closed_office: true,
                ..Default::default()
            },
        )
        .unwrap();
    let qbi = w.office(CENTRAL).register.office("QBI").unwrap();
    assert_eq!(
        qbi.name.as_str(),
        "Quảng Bình",
        "the closed entry is linked as it is"
    );
}

#[test]
fn after_set_up_a_province_names_any_office_as_coordinator() {
    // QB enrolled first, then HN: HN's set-up bundle carries the whole office list.
    let mut w = World::new(&["QB", "HN"]);
    let listed = w.office("HN").register.list_offices().unwrap();
    assert!(listed.len() >= 34 + 29 + 2, "{}", listed.len());
    let c = w.open_case("HN", "Kiểm tra phối hợp", &["QB", "QTR"]);
    w.add_coordinator("HN", &c.id, "DNG");
    let case = w.reg("HN").case(&c.id).unwrap();
    let mut coordinators: Vec<String> =
        case.coordinators.iter().map(|c| c.office.clone()).collect();
    coordinators.sort();
    assert_eq!(coordinators, ["DNG", "QB", "QTR"]);
    // ... and the case reaches QB through the central office.
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "QB");
    assert!(w.reg("QB").case(&c.id).is_ok());
}
