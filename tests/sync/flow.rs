//! The exchange as officers run it: enrol, write, carry bundles, import.

use hoso_core::sync::ImportOutcome;
use hoso_tests::offices::{CENTRAL, World};

#[test]
fn enrolment_sets_up_trust_and_a_province_case_reaches_the_central_office() {
    let mut w = World::new(&["HN"]);
    let info = w.reg("HN").key_info().unwrap();
    assert_eq!(
        info.root_fingerprint.as_deref(),
        Some(w.reg(CENTRAL).root_fingerprint().unwrap().as_str())
    );
    let case = w.open_case("HN", "Kiểm tra dấu hiệu vi phạm tại Phòng PC01", &[]);
    let r = w.carry("HN", CENTRAL);
    assert_eq!(r.outcome, ImportOutcome::Imported);
    assert_eq!(r.cases_new, 1);
    let seen = w.reg(CENTRAL).case(&case.id).unwrap();
    assert_eq!(
        seen.title.as_str(),
        "Kiểm tra dấu hiệu vi phạm tại Phòng PC01"
    );
    assert_eq!(w.scope_digest("HN", "HN"), w.scope_digest("HN", CENTRAL));
}

#[test]
fn a_relayed_case_reaches_the_coordinating_province_with_its_origin_signature() {
    let mut w = World::new(&["HN", "HP"]);
    // HN learns of office HP from the central office's reference data.
    w.carry(CENTRAL, "HN");
    let case = w.open_case("HN", "Giám sát chuyên đề", &["HP"]);
    w.carry("HN", CENTRAL);
    let r = w.carry(CENTRAL, "HP");
    assert_eq!(r.cases_new, 1, "{r:?}");
    assert_eq!(w.reg("HP").case(&case.id).unwrap().lead, "HN");
    // What the central office relayed does not bounce back to it.
    let back = w.carry("HP", CENTRAL);
    assert_eq!(back.known_operations, 0, "{back:?}");
    // Nothing new: the next bundle carries nothing the province does not have.
    let again = w.carry(CENTRAL, "HP");
    assert_eq!(again.new_operations, 0, "{again:?}");
    assert_eq!(w.scope_digest("HP", "HP"), w.scope_digest("HP", CENTRAL));
}

#[test]
fn reimporting_a_bundle_changes_nothing_and_says_so() {
    let mut w = World::new(&["HN"]);
    w.open_case("HN", "Tố cáo", &[]);
    let b = w.export("HN", &[CENTRAL], false);
    w.import(CENTRAL, &b).unwrap();
    let before = w.digest(CENTRAL);
    let again = w.import(CENTRAL, &b).unwrap();
    assert_eq!(again.outcome, ImportOutcome::AlreadyImported);
    assert_eq!(w.digest(CENTRAL), before);
}

#[test]
fn decomposed_text_in_a_bundle_is_counted_and_shown_in_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let mut w = World::new(&["HN"]);
    let title = "Kiểm tra Đảng viên Nguyễn Thị Ánh";
    let case = w.open_case("HN", title, &[]);
    // Another input method's bytes: HN's stored op holds the title decomposed (NFD), and HN
    // signs what it stored, so the bundle carries it that way.
    let nfd: String = title.nfd().collect();
    assert_ne!(nfd, title);
    let changed = w
        .reg("HN")
        .store()
        .conn()
        .execute(
            "UPDATE ops SET change = replace(change, ?1, ?2) WHERE scope = ?3",
            rusqlite::params![title, nfd, format!("case:{}", case.id)],
        )
        .unwrap();
    assert!(changed > 0);
    let r = w.carry("HN", CENTRAL);
    assert!(r.text_normalised >= 1, "{r:?}");
    let seen = w.reg(CENTRAL).case(&case.id).unwrap();
    assert_eq!(seen.title.as_str(), title, "shown in NFC");
    // Found by the NFC spelling, and by the unaccented one.
    for q in [title, "nguyen thi anh"] {
        let rows = w
            .reg(CENTRAL)
            .list_cases(&hoso_core::search::CaseFilter {
                search: Some(q.into()),
                ..Default::default()
            })
            .unwrap();
        assert!(rows.iter().any(|c| c.id == case.id), "{q}");
    }
}

#[test]
fn sync_status_shows_what_waits_and_which_peer_is_overdue() {
    let mut w = World::new(&["HN", "HP"]);
    w.open_case(CENTRAL, "Kiểm tra tổ chức đảng", &["HN"]);
    let status = |w: &mut World| w.reg(CENTRAL).sync_status().unwrap();
    let peer = |s: &[hoso_core::sync::PeerStatus], code: &str| {
        s.iter().find(|p| p.office == code).cloned().expect(code)
    };
    // Set-up bundles went out, nothing came back yet: both provinces are overdue.
    let s = status(&mut w);
    assert!(peer(&s, "HN").overdue && peer(&s, "HP").overdue);
    assert!(
        peer(&s, "HN").waiting_operations > 0,
        "the new case waits for HN"
    );
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HN");
    w.carry("HN", CENTRAL); // acknowledges the case
    let s = status(&mut w);
    let hn = peer(&s, "HN");
    assert!(!hn.overdue, "{hn:?}");
    assert_eq!(hn.waiting_operations, 0, "{hn:?}");
    assert_eq!(hn.period_days, hoso_core::sync::DEFAULT_PERIOD_DAYS);
    assert!(peer(&s, "HP").overdue);

    w.reg(CENTRAL).set_sync_period("HP", 30).unwrap();
    assert_eq!(peer(&status(&mut w), "HP").period_days, 30);
    let err = w.reg(CENTRAL).set_sync_period("HP", 0).unwrap_err();
    assert_eq!(err.code(), "invalid");
}
