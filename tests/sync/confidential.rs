//! Documents attached to the denouncer (the letter's scan) live in the denouncer's unit, with its
//! rules: written by the lead office only, synced only to the lead office, read with
//! `denouncer.read`; every document read is audited (issue 9, "Confidential documents").

use hoso_core::access::Role;
use hoso_tests::offices::{CENTRAL, World};

fn blobs(w: &World, at: &str, hash: &str) -> i64 {
    w.count(
        at,
        &format!("SELECT count(*) FROM document_blobs WHERE blake3 = '{hash}'"),
    )
}

fn audits(w: &World, at: &str, action: &str) -> i64 {
    w.count(
        at,
        &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"),
    )
}

const DENOUNCER_OPS: &str = "SELECT count(*) FROM ops WHERE scope LIKE 'denouncer:%'";

#[test]
fn a_denouncer_document_reaches_the_lead_office_only_and_every_read_is_audited() {
    let mut w = World::new(&["HN", "QB"]);
    w.carry(CENTRAL, "HN"); // HN learns QB's certificate
    let id = w.open_denunciation("HN", "Tố cáo cán bộ Phòng Cảnh sát giao thông", &["QB"]);
    // A case document (the administrator may edit the case): it goes to every office.
    let minutes = w
        .reg("HN")
        .attach_document(
            &id,
            &"Biên bản làm việc.pdf".into(),
            "application/pdf",
            b"bien ban",
        )
        .unwrap();
    // The letter's scan, by the letters clerk of the lead office.
    w.sign_in_as("HN", "thu", Role::LettersClerk);
    let scan_bytes = b"%PDF-1.7 ban chup don to cao co chu ky".to_vec();
    let scan = w
        .reg("HN")
        .attach_denouncer_document(
            &id,
            &"Đơn tố cáo.pdf".into(),
            "application/pdf",
            &scan_bytes,
        )
        .unwrap();
    assert!(
        w.reg("HN")
            .documents(&id)
            .unwrap()
            .iter()
            .all(|d| d.blake3 != scan.blake3),
        "not a case document"
    );
    assert!(
        w.reg("HN")
            .case_detail(&id)
            .unwrap()
            .timeline
            .iter()
            .all(|t| t.note.as_str() != "Đơn tố cáo.pdf"),
        "its name is not in the case's timeline either"
    );

    // Every way it could travel: to the central office and on to the coordinator, and
    // straight to the coordinator.
    w.continue_as("HN", "admin");
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "QB");
    let (direct, report) = w.export_report("HN", &["QB"], true);
    w.import("QB", &direct).unwrap();
    assert_eq!(report.attachments, 1, "the case document only");
    for at in [CENTRAL, "QB"] {
        assert_eq!(w.count(at, DENOUNCER_OPS), 0, "{at} received the denouncer");
        assert_eq!(blobs(&w, at, &scan.blake3), 0, "{at} received the scan");
        assert_eq!(
            blobs(&w, at, &minutes.blake3),
            1,
            "{at} lacks the case document"
        );
    }
    // The coordinator reads the case document: audited.
    assert_eq!(
        w.reg("QB")
            .document_content(&id, &minutes.blake3)
            .unwrap()
            .unwrap(),
        b"bien ban"
    );
    assert_eq!(audits(&w, "QB", "case.document.read"), 1);
    // ... and cannot write the denouncer's documents.
    w.sign_in_as("QB", "van", Role::LettersClerk);
    let e = w
        .reg("QB")
        .attach_denouncer_document(&id, &"Giả.pdf".into(), "", b"x")
        .unwrap_err();
    assert!(e.to_string().contains("denouncer.write"), "{e}");

    // At the lead office: reading needs denouncer.read, and every read is audited.
    w.continue_as("HN", "thu");
    let docs = w.reg("HN").denouncer_documents(&id).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].name.as_str(), "Đơn tố cáo.pdf");
    for _ in 0..2 {
        let c = w
            .reg("HN")
            .denouncer_document_content(&id, &scan.blake3)
            .unwrap();
        assert_eq!(c.as_deref(), Some(scan_bytes.as_slice()));
    }
    assert_eq!(audits(&w, "HN", "denouncer.document.list"), 1);
    assert_eq!(audits(&w, "HN", "denouncer.document.read"), 2);
    // A case document read cannot reach it either.
    assert!(w.reg("HN").document_content(&id, &scan.blake3).is_err());
    w.continue_as("HN", "admin");
    let before = audits(&w, "HN", "denouncer.document.read");
    for e in [
        w.reg("HN").denouncer_documents(&id).unwrap_err(),
        w.reg("HN")
            .denouncer_document_content(&id, &scan.blake3)
            .unwrap_err(),
    ] {
        assert!(e.to_string().contains("denouncer.read"), "{e}");
    }
    assert_eq!(audits(&w, "HN", "denouncer.document.read"), before);
}

#[test]
fn the_central_offices_denouncer_document_stays_there_unless_it_leads() {
    let mut w = World::new(&["HN"]);
    // A case the central office leads, coordinated by HN.
    let id = w.open_denunciation(CENTRAL, "Tố cáo cán bộ Phòng Cảnh sát giao thông", &["HN"]);
    w.sign_in_as(CENTRAL, "thu", Role::LettersClerk);
    let scan = w
        .reg(CENTRAL)
        .attach_denouncer_document(&id, &"Đơn.jpg".into(), "image/jpeg", b"anh chup don")
        .unwrap();
    w.continue_as(CENTRAL, "admin");
    w.carry(CENTRAL, "HN");
    assert!(
        w.reg("HN").case(&id).is_ok(),
        "the coordinator holds the case"
    );
    assert_eq!(w.count("HN", DENOUNCER_OPS), 0);
    assert_eq!(blobs(&w, "HN", &scan.blake3), 0);

    // A case HN leads: its denouncer's documents stay at HN, whatever the central office is
    // sent back.
    let own = w.open_denunciation("HN", "Tố cáo cán bộ Phòng Cảnh sát giao thông", &[]);
    w.sign_in_as("HN", "thu", Role::LettersClerk);
    let mine = w
        .reg("HN")
        .attach_denouncer_document(&own, &"Đơn HN.pdf".into(), "", b"don cua HN")
        .unwrap();
    w.continue_as("HN", "admin");
    w.carry("HN", CENTRAL);
    assert_eq!(blobs(&w, CENTRAL, &mine.blake3), 0);
    assert!(w.reg(CENTRAL).case(&own).is_ok());
}
