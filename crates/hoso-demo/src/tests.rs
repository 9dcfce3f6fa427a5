use super::*;
use hoso_core::store::FAST_KDF_FOR_TESTS;

fn small() -> DemoOptions {
    DemoOptions {
        seed: 7,
        subjects: 40,
        cases: 60,
    }
}

fn fingerprint(reg: &Register) -> Vec<(String, String, String, NaiveDate)> {
    let mut rows: Vec<_> = reg
        .list_cases(&CaseFilter {
            limit: Some(100_000),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.number,
                c.title.into_string(),
                c.status.code().to_string(),
                c.opened,
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn provinces_file_has_34_units_from_63() {
    let p = provinces();
    assert_eq!(p.len(), 34);
    let merged: usize = p.iter().map(|u| u.merged_from.len().max(1)).sum();
    assert_eq!(merged, 63);
    assert_eq!(p.iter().filter(|u| u.kind == OfficeKind::City).count(), 6);
    // Every absorbed former province has a code, and no code is used twice.
    let absorbed: Vec<&String> = p
        .iter()
        .flat_map(|u| u.merged_from.iter().filter(move |f| **f != u.name))
        .collect();
    assert_eq!(absorbed.len(), office_list::FORMER_CODES.len());
    let mut codes: Vec<&str> = p.iter().map(|u| u.code.as_str()).collect();
    codes.extend(office_list::FORMER_CODES.iter().map(|(_, c)| *c));
    codes.push(CENTRAL_CODE);
    let n = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n);
}

#[test]
fn demo_register_is_realistic_complete_and_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.hoso");
    let (reg, _, summary) = create_demo(&path, &small(), &FAST_KDF_FOR_TESTS).unwrap();
    assert_eq!(summary.subjects, 40);
    // 60, plus one denunciation if the random ones left no omission.
    assert!((60..=61).contains(&summary.cases), "{summary:?}");
    assert_eq!(summary.offices, 1 + 34 + 29);
    assert_eq!(
        summary.cases_by_status.len(),
        CaseStatus::ALL.len(),
        "{:?}",
        summary.cases_by_status
    );
    assert_eq!(
        summary.cases_by_kind.len(),
        CaseKind::ALL.len(),
        "{:?}",
        summary.cases_by_kind
    );
    assert!(summary.decisions >= 2, "{summary:?}");
    assert!(
        summary.overlaps >= 1 && summary.omissions >= 1,
        "{summary:?}"
    );
    assert!(summary.overdue >= 1, "{summary:?}");
    assert_eq!(
        summary.overdue,
        reg.list_cases(&CaseFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap()
        .len()
    );

    // Realistic Vietnamese, NFC, no placeholders.
    let rows = fingerprint(&reg);
    for (number, title, _, opened) in &rows {
        assert!(number.starts_with("TW-202"), "{number}");
        assert!(
            title
                .chars()
                .any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)),
            "{title}"
        );
        assert_eq!(*title, Text::new(title).into_string());
        assert!(!title.contains("Case") && !title.contains('{'), "{title}");
        assert!(*opened >= date(2024, 1, 1) && *opened <= date(2026, 10, 31));
    }
    // The 2025 merger: a former province is closed and succeeded.
    assert_eq!(reg.office("QBI").unwrap().valid_to, Some(merger_day()));
    assert_eq!(reg.successor("QBI").unwrap().as_deref(), Some("QTR"));
    assert!(
        reg.office("QTR")
            .unwrap()
            .predecessors
            .contains(&"QBI".to_string())
    );

    // The confidential denouncer: the letters clerk recorded it; the leader may read it, the
    // administrator and a viewer may not, and every read is audited.
    assert!(summary.denouncers >= 1, "{summary:?}");
    let denunciation = reg
        .list_cases(&CaseFilter {
            kind: Some(CaseKind::Denunciation),
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|c| c.lead == CENTRAL_CODE)
        .unwrap();
    let mut reg = reg;
    assert_eq!(
        reg.denouncer(&denunciation.id).unwrap_err().code(),
        "permission-denied"
    );
    let mut leader = Register::session(reg.into_store(), "hung.tm").unwrap();
    let d = leader
        .denouncer(&denunciation.id)
        .unwrap()
        .expect("recorded");
    assert_eq!(d.name.as_str().split(' ').count(), 3);
    let mut viewer = Register::session(leader.into_store(), "son.hq").unwrap();
    assert!(viewer.denouncer(&denunciation.id).is_err());
    let reads = hoso_core::audit::list(
        viewer.store().conn(),
        &hoso_core::audit::AuditFilter {
            action: Some("denouncer.read".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].actor, "hung.tm");
    let reg = Register::session(viewer.into_store(), DEMO_LOGIN).unwrap();

    // Everything went through the audited API.
    let audit = hoso_core::audit::verify(reg.store().conn()).unwrap();
    assert!(audit.is_intact());
    assert!(audit.entries as usize > summary.cases * 2);
    drop(reg);

    // It opens as documented, and the same seed makes the same register.
    let store = Store::open(&path, DEMO_LOGIN, DEMO_PASSPHRASE).unwrap();
    let reopened = Register::session(store, DEMO_LOGIN).unwrap();
    assert_eq!(fingerprint(&reopened), rows);
    let path2 = dir.path().join("demo2.hoso");
    let (again, _, summary2) = create_demo(&path2, &small(), &FAST_KDF_FOR_TESTS).unwrap();
    assert_eq!(summary2, summary);
    assert_eq!(fingerprint(&again), rows);
}

#[test]
fn every_status_is_reachable_for_the_kinds_chosen() {
    for s in CaseStatus::ALL {
        let kind = match s {
            CaseStatus::Transferred | CaseStatus::Withdrawn => CaseKind::Denunciation,
            _ => CaseKind::InspectionOnSigns,
        };
        let p = path(kind, None, *s).unwrap_or_else(|| panic!("no path to {s}"));
        assert_eq!(p.last().copied().unwrap_or(CaseStatus::Received), *s);
    }
    let p = path(
        CaseKind::Denunciation,
        Some(CaseStatus::Verifying),
        CaseStatus::Deferred,
    )
    .unwrap();
    assert_eq!(
        &p[p.len() - 2..],
        [CaseStatus::Verifying, CaseStatus::Deferred]
    );
}

#[test]
fn generated_names_look_vietnamese() {
    let mut rng = Rng::new(1);
    for _ in 0..50 {
        let n = person_name(&mut rng);
        assert_eq!(n.split(' ').count(), 3, "{n}");
    }
    // Same seed, same names.
    let a: Vec<String> = {
        let mut r = Rng::new(9);
        (0..5).map(|_| person_name(&mut r)).collect()
    };
    let b: Vec<String> = {
        let mut r = Rng::new(9);
        (0..5).map(|_| person_name(&mut r)).collect()
    };
    assert_eq!(a, b);
}
