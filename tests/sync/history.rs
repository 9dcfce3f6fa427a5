//! The sync screen's core calls: a bundle's header read without applying it, bundles written
//! under their standard name into a folder, and the history of bundles sent, received and
//! refused, filtered and paged.

use hoso_core::sync::{HistoryDirection, HistoryFilter, bundle_file_name};
use hoso_tests::offices::{CENTRAL, World};

#[test]
fn a_bundle_is_named_for_its_sender_recipients_date_and_sequence() {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    assert_eq!(
        bundle_file_name("TW", &["HN".into()], date, 5),
        "HoSo_TW_den_HN_2026-11-29_5.hoso"
    );
    assert_eq!(
        bundle_file_name("TW", &["HN".into(), "HCM".into()], date, 12),
        "HoSo_TW_den_HCM-HN_2026-11-29_12.hoso"
    );
}

#[test]
fn inspecting_a_bundle_tells_its_sender_and_whether_it_was_imported_without_applying_it() {
    let mut w = World::new(&["HN", "HP"]);
    w.open_case("HN", "Kiểm tra dấu hiệu vi phạm tại Sở Tài chính", &[]);
    let stick = w.dir.path().join("usb");
    std::fs::create_dir(&stick).unwrap();
    let (report, path) = w
        .reg("HN")
        .export_bundle_to_folder(&[CENTRAL.into()], false, &stick, &mut |_| {})
        .unwrap();
    let today = hoso_core::register::today();
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        bundle_file_name("HN", &[CENTRAL.into()], today, report.sequence)
    );
    let before = w.digest(CENTRAL);
    let header = w.reg(CENTRAL).inspect_bundle(&path, None).unwrap();
    assert_eq!(header.sender, "HN");
    assert_eq!(header.sequence, report.sequence);
    assert_eq!(header.created.as_deref(), Some(report.created.as_str()));
    assert!(!header.already_imported);
    assert_eq!(header.problem, None);
    assert_eq!(w.digest(CENTRAL), before, "inspecting changed nothing");
    w.import(CENTRAL, &path).unwrap();
    assert!(
        w.reg(CENTRAL)
            .inspect_bundle(&path, None)
            .unwrap()
            .already_imported
    );
    // Another office is told why it would refuse it, with the sender the file claims.
    let at_hp = w.reg("HP").inspect_bundle(&path, None).unwrap();
    assert_eq!(at_hp.sender, "HN");
    assert_eq!(
        at_hp.problem.map(|p| p.code.as_str()),
        Some("bundle-not-for-us")
    );
}

#[test]
fn the_history_lists_bundles_sent_received_and_refused_by_peer_and_direction_in_pages() {
    let mut w = World::new(&["HN", "HP"]);
    for i in 0..3 {
        w.open_case("HN", &format!("Giám sát chuyên đề số {i}"), &[]);
        w.carry("HN", CENTRAL);
    }
    w.carry(CENTRAL, "HP");
    // A bundle for HP brought to HN is refused, and the refusal is recorded.
    let for_hp = w.export(CENTRAL, &["HP"], false);
    let err = w.import("HN", &for_hp).unwrap_err();
    assert_eq!(err.code(), "bundle-not-for-us");

    let all = |w: &mut World, code: &str, filter: HistoryFilter| {
        w.reg(code).sync_history(&filter, 0, 100).unwrap()
    };
    let hn = all(&mut w, "HN", HistoryFilter::default());
    // 3 sent to TW, the set-up bundle received, and the refused one.
    let count = |d: HistoryDirection| hn.entries.iter().filter(|e| e.direction == d).count();
    assert_eq!(count(HistoryDirection::Sent), 3, "{hn:#?}");
    assert_eq!(count(HistoryDirection::Received), 1, "{hn:#?}");
    assert_eq!(count(HistoryDirection::Rejected), 1, "{hn:#?}");
    assert_eq!(hn.total, 5);
    let refused = hn
        .entries
        .iter()
        .find(|e| e.direction == HistoryDirection::Rejected)
        .unwrap();
    assert_eq!(refused.peers, vec![CENTRAL.to_string()]);
    assert_eq!(
        refused.problem.as_ref().map(|p| p.code.as_str()),
        Some("bundle-not-for-us")
    );
    // Newest first.
    let times: Vec<&str> = hn.entries.iter().map(|e| e.at.as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);

    let tw = all(&mut w, CENTRAL, HistoryFilter::default());
    let tw_hn = all(
        &mut w,
        CENTRAL,
        HistoryFilter {
            peer: Some("HN".into()),
            direction: None,
        },
    );
    let tw_received = all(
        &mut w,
        CENTRAL,
        HistoryFilter {
            peer: None,
            direction: Some(HistoryDirection::Received),
        },
    );
    assert!(tw_hn.entries.iter().all(|e| e.peers.contains(&"HN".into())));
    assert!(tw_hn.total < tw.total, "HP's bundles are filtered out");
    assert_eq!(tw_received.total, 3);
    assert!(
        tw_received
            .entries
            .iter()
            .all(|e| e.direction == HistoryDirection::Received && e.new_operations.unwrap() > 0)
    );
    // Pages of two cover the whole history once.
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let page = w
            .reg(CENTRAL)
            .sync_history(&HistoryFilter::default(), offset, 2)
            .unwrap();
        assert!(page.entries.len() <= 2);
        if page.entries.is_empty() {
            break;
        }
        offset += page.entries.len() as u32;
        paged.extend(page.entries);
    }
    assert_eq!(paged, tw.entries);
}
