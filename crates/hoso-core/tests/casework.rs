//! What the app's case screens ask of the core (register::casework and the paged list).

use hoso_core::model::*;
use hoso_core::register::*;
use hoso_core::search::{CaseFilter, CaseSort};
use hoso_core::{audit, oplog};

mod common;
use common::{d, register};

fn sync(from: &Register, to: &mut Register) {
    let vv = oplog::version_vector(to.store().conn()).unwrap();
    let ops: Vec<_> = oplog::ops_since(from.store().conn(), &vv)
        .unwrap()
        .collect::<hoso_core::Result<_>>()
        .unwrap();
    oplog::apply_remote(to.store_mut().conn_mut(), ops, &DomainProjector).unwrap();
}

/// HN and the central office TW, HN set up from TW (trust and the office list).
fn two_offices(dir: &std::path::Path) -> (Register, Register) {
    use hoso_core::trust::{self, roster};
    let tw = register(dir, "TW", true);
    let mut hn = register(dir, "HN", false);
    let root = trust::trusted_root(tw.store().conn()).unwrap().unwrap();
    let signed = roster::stored_signed_roster(tw.store().conn())
        .unwrap()
        .unwrap();
    trust::set_trusted_root(hn.store().conn(), &root).unwrap();
    roster::adopt_roster(hn.store().conn(), &root, &signed).unwrap();
    sync(&tw, &mut hn);
    (hn, tw)
}

fn form(kind: CaseKind, title: &str, opened: &str) -> NewCaseForm {
    serde_json::from_value(serde_json::json!({
        "kind": kind, "title": title, "lead": "HN", "opened": opened,
    }))
    .unwrap()
}

#[test]
fn the_form_opens_a_case_with_the_deadline_it_previewed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, _tw) = two_offices(dir.path());
    let preview = hn
        .preview_deadline(CaseKind::Denunciation, "HN", Some(d("2026-02-02")))
        .unwrap();
    assert!(preview.is_some_and(|p| p > d("2026-02-02")));
    let c = hn
        .add_case(form(CaseKind::Denunciation, "Tố cáo", "2026-02-02").into())
        .unwrap();
    assert_eq!(hn.case(&c.id).unwrap().deadline, preview);
    // An unknown lead office is named as such (the form shows it next to the lead).
    let e = hn
        .preview_deadline(CaseKind::Denunciation, "XX", None)
        .unwrap_err();
    assert!(matches!(
        e,
        hoso_core::Error::NotFound {
            entity: "office",
            ..
        }
    ));
    // An empty title is refused on its field, nothing written.
    let e = hn
        .add_case(form(CaseKind::Discipline, "  ", "2026-02-02").into())
        .unwrap_err();
    assert!(matches!(e, hoso_core::Error::Invalid { ref field, .. } if field == "title"));
}

#[test]
fn the_form_sets_content_categories_with_the_case_or_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, _tw) = two_offices(dir.path());
    let offered = hn.categories_in_force(Some(d("2026-02-02"))).unwrap();
    let codes: Vec<&str> = offered.iter().map(|c| c.code.as_str()).collect();
    assert!(codes.contains(&"member.corruption"), "{codes:?}");
    assert!(
        codes.iter().any(|c| c.starts_with("organisation.")),
        "{codes:?}"
    );

    let mut with_category = form(
        CaseKind::InspectionOnSigns,
        "Kiểm tra dấu hiệu",
        "2026-02-02",
    );
    with_category.categories = vec!["member.corruption".into()];
    let created = hn.add_case_from_form(with_category).unwrap();
    assert_eq!(
        hn.case(&created.id).unwrap().categories,
        vec!["member.corruption".to_string()]
    );

    // A category that is not on the lists is refused, and the case is not opened either.
    let before = hn.list_cases(&CaseFilter::default()).unwrap().len();
    let mut bad = form(CaseKind::InspectionOnSigns, "Kiểm tra khác", "2026-02-02");
    bad.categories = vec!["member.no-such-thing".into()];
    assert!(hn.add_case_from_form(bad).is_err());
    assert_eq!(hn.list_cases(&CaseFilter::default()).unwrap().len(), before);
}

#[test]
fn notes_are_appended_to_the_timeline_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, _tw) = two_offices(dir.path());
    let c = hn
        .add_case(form(CaseKind::Discipline, "Kỷ luật", "2026-02-02").into())
        .unwrap();
    hn.add_note(&c.number, "Đã làm việc với đối tượng".into(), None)
        .unwrap();
    let t = hn.case_detail(&c.id).unwrap().timeline;
    assert_eq!(t.last().unwrap().kind, TimelineKind::Note);
    assert_eq!(t.last().unwrap().note.as_str(), "Đã làm việc với đối tượng");
    assert!(hn.add_note(&c.id, " ".into(), None).is_err());
    assert!(
        hn.add_note(&c.id, "x".into(), Some(d("2026-01-01")))
            .is_err(),
        "before the case was opened"
    );
    let entries = hn
        .audit_list(&audit::AuditFilter::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "case.note")
        .count();
    assert_eq!(entries, 1);
    // The case's own trail, newest first.
    let trail: Vec<String> = hn
        .case_audit(&c.number)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(trail, ["case.note", "case.create"]);
}

#[test]
fn the_denouncer_panel_is_offered_only_with_denouncer_read() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, _tw) = two_offices(dir.path());
    let den = hn
        .add_case(form(CaseKind::Denunciation, "Tố cáo", "2026-02-02").into())
        .unwrap();
    let other = hn
        .add_case(form(CaseKind::Discipline, "Kỷ luật", "2026-02-02").into())
        .unwrap();
    hn.add_officer(
        "lead",
        &"Lãnh đạo".into(),
        hoso_core::access::Role::CommitteeLeader,
    )
    .unwrap();
    // The administrator manages the system but does not see the denouncer.
    assert!(!hn.may_read_denouncer(&den.id).unwrap());
    let lead = Register::session(hn.into_store(), "lead").unwrap();
    let before = lead
        .audit_list(&audit::AuditFilter::default())
        .unwrap()
        .len();
    assert!(lead.may_read_denouncer(&den.id).unwrap());
    assert!(
        !lead.may_read_denouncer(&other.id).unwrap(),
        "not a denunciation"
    );
    assert_eq!(
        lead.audit_list(&audit::AuditFilter::default())
            .unwrap()
            .len(),
        before,
        "asking reads nothing and audits nothing"
    );
}

#[test]
fn a_conflict_shows_both_writes_and_its_resolution_is_a_new_operation() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, mut tw) = two_offices(dir.path());
    sync(&hn, &mut tw);
    let c = hn
        .add_case(form(CaseKind::Denunciation, "Tố cáo", "2026-02-02").into())
        .unwrap();
    sync(&hn, &mut tw);
    hn.transition(&c.id, CaseStatus::Classified, None, Some(d("2026-02-03")))
        .unwrap();
    tw.transition(&c.id, CaseStatus::Deferred, None, Some(d("2026-02-03")))
        .unwrap();
    sync(&hn, &mut tw);
    sync(&tw, &mut hn);
    let conflicts = hn.case_conflicts(&c.id).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "status");
    let mut values: Vec<_> = conflicts[0]
        .values
        .iter()
        .map(|v| {
            (
                v.value.clone().unwrap(),
                v.office.clone(),
                v.officer.clone(),
            )
        })
        .collect();
    values.sort();
    assert_eq!(
        values,
        [
            ("classified".into(), "HN".into(), "admin".into()),
            ("deferred".into(), "TW".into(), "admin".into())
        ]
    );
    assert_eq!(conflicts[0].values.iter().filter(|v| v.shown).count(), 1);
    assert!(!conflicts[0].values[0].at.is_empty());
    // Listed on the dashboard until resolved.
    assert_eq!(hn.dashboard().unwrap().conflicts.len(), 1);

    let digest = hn.digest().unwrap();
    assert!(
        hn.resolve_conflict(&c.id, "deadline", Some("2026-03-01"))
            .is_err()
    );
    assert!(
        hn.resolve_conflict(&c.id, "status", Some("nonsense"))
            .is_err()
    );
    let case = hn
        .resolve_conflict(&c.id, "status", Some("classified"))
        .unwrap();
    assert_eq!(case.status, CaseStatus::Classified);
    assert!(case.conflicts.is_empty());
    assert_ne!(
        hn.digest().unwrap(),
        digest,
        "the resolution is an operation"
    );
    assert!(hn.case_conflicts(&c.id).unwrap().is_empty());
    sync(&hn, &mut tw);
    assert!(tw.case(&c.id).unwrap().conflicts.is_empty());
    assert_eq!(hn.digest().unwrap(), tw.digest().unwrap());
}

#[test]
fn pages_sort_and_count_and_the_dashboard_names_what_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, _tw) = two_offices(dir.path());
    for i in 0..7 {
        hn.add_case(form(CaseKind::Discipline, &format!("Vụ {i}"), "2026-02-02").into())
            .unwrap();
    }
    let first = hn
        .case_page(&CaseFilter {
            sort: Some(CaseSort::Number),
            limit: Some(3),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(first.total, 7);
    assert_eq!(first.rows.len(), 3);
    assert_eq!(first.rows[0].number, "HN-2026-0001");
    let last = hn
        .case_page(&CaseFilter {
            sort: Some(CaseSort::Number),
            limit: Some(3),
            offset: Some(6),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(last.rows.len(), 1);
    assert_eq!(last.rows[0].number, "HN-2026-0007");
    assert_eq!(last.offset, 6);

    // Deadlines: one passed, one within 14 working days, one far ahead.
    let ids: Vec<String> = hn
        .list_cases(&CaseFilter {
            sort: Some(CaseSort::Number),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    hn.set_case_field(&ids[0], "deadline", "2026-03-01")
        .unwrap();
    hn.set_case_field(&ids[1], "deadline", "2026-03-12")
        .unwrap();
    hn.set_case_field(&ids[2], "deadline", "2026-09-01")
        .unwrap();
    let dash = hn.dashboard_on(d("2026-03-05")).unwrap();
    let numbers = |rows: &[hoso_core::search::CaseRow]| -> Vec<String> {
        rows.iter().map(|r| r.number.clone()).collect()
    };
    assert_eq!(numbers(&dash.overdue), ["HN-2026-0001"]);
    assert_eq!(numbers(&dash.due_soon), ["HN-2026-0002"]);
    assert!(dash.due_soon_until > d("2026-03-19"));
    assert!(dash.conflicts.is_empty());
    assert!(dash.mine.is_empty(), "the administrator is on no team");

    // An inspector who opens a case is on its team: "mine", while it is open.
    hn.add_officer(
        "ktv",
        &"Kiểm tra viên".into(),
        hoso_core::access::Role::Inspector,
    )
    .unwrap();
    let mut ktv = Register::session(hn.into_store(), "ktv").unwrap();
    let own = ktv
        .add_case(form(CaseKind::Discipline, "Của tôi", "2026-02-02").into())
        .unwrap();
    let mine = ktv
        .list_cases(&CaseFilter {
            mine: true,
            open: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, own.id);
    assert_eq!(ktv.dashboard().unwrap().mine.len(), 1);
}

#[test]
fn the_idle_time_comes_from_the_office_settings() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, _tw) = two_offices(dir.path());
    assert_eq!(hn.idle_seconds().unwrap(), 600);
    hn.set_office_setting("session.idle-minutes", Some("2"))
        .unwrap();
    assert_eq!(hn.idle_seconds().unwrap(), 120);
    hn.set_office_setting("session.idle-minutes", Some("0,1"))
        .unwrap();
    assert_eq!(hn.idle_seconds().unwrap(), 6);
    for nonsense in ["0", "-3", "abc", "0.01"] {
        hn.set_office_setting("session.idle-minutes", Some(nonsense))
            .unwrap();
        assert_eq!(hn.idle_seconds().unwrap(), 600, "{nonsense}");
    }
}

#[test]
fn media_types_follow_the_extension() {
    assert_eq!(media_type_for("Bien ban.PDF"), "application/pdf");
    assert_eq!(media_type_for("noext"), "application/octet-stream");
}

#[test]
fn a_removed_document_leaves_the_list_everywhere_but_stays_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let (mut hn, mut tw) = two_offices(dir.path());
    let c = hn
        .add_case(
            form(
                CaseKind::FinanceInspection,
                "Kiểm tra tài chính",
                "2026-02-02",
            )
            .into(),
        )
        .unwrap();
    let kept = hn
        .attach_document(
            &c.id,
            &"Biên bản.pdf".into(),
            "application/pdf",
            b"bien ban",
        )
        .unwrap();
    let wrong = hn
        .attach_document(&c.id, &"Nhầm hồ sơ.pdf".into(), "application/pdf", b"nham")
        .unwrap();

    // A reason is required; an unknown document is named as such; neither changes anything.
    let before = hn.digest().unwrap();
    let e = hn
        .remove_document(&c.id, &wrong.blake3, &"  ".into())
        .unwrap_err();
    assert!(matches!(e, hoso_core::Error::Invalid { ref field, .. } if field == "reason"));
    let e = hn
        .remove_document(&c.id, "00ff", &"nhầm".into())
        .unwrap_err();
    assert!(matches!(
        e,
        hoso_core::Error::NotFound {
            entity: "document",
            ..
        }
    ));
    assert_eq!(hn.digest().unwrap(), before);

    hn.remove_document(&c.id, &wrong.blake3, &"Đính kèm nhầm hồ sơ".into())
        .unwrap();
    let listed: Vec<String> = hn
        .documents(&c.id)
        .unwrap()
        .into_iter()
        .map(|d| d.name.to_string())
        .collect();
    assert_eq!(listed, ["Biên bản.pdf"]);
    let detail = hn.case_detail(&c.id).unwrap();
    assert_eq!(detail.documents.len(), 1);
    assert_eq!(detail.documents[0].blake3, kept.blake3);
    let last = detail.timeline.last().unwrap();
    assert_eq!(last.kind, TimelineKind::DocumentRemoved);
    assert!(
        last.note.as_str().contains("Nhầm hồ sơ.pdf"),
        "{:?}",
        last.note
    );
    // The history keeps what the file held.
    assert_eq!(
        hn.document_content(&c.id, &wrong.blake3).unwrap().unwrap(),
        b"nham"
    );
    assert!(
        !audit::list(
            hn.store().conn(),
            &audit::AuditFilter {
                action: Some("case.document.remove".into()),
                ..Default::default()
            }
        )
        .unwrap()
        .is_empty()
    );
    // Removing it again: it is no longer on the list.
    assert!(
        hn.remove_document(&c.id, &wrong.blake3, &"lần hai".into())
            .is_err()
    );

    // The removal is an operation: the other office's list loses it too.
    sync(&hn, &mut tw);
    assert_eq!(tw.documents(&c.id).unwrap().len(), 1);
}
