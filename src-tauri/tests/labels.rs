//! One source of labels: the Vietnamese names of case kinds, statuses and subject kinds are the
//! core's (`label_vi`, worded as GLOSSARY.md words them); the UI's Vietnamese catalogue must say
//! the same, so the app, the CLI and printed documents never disagree.

use std::path::PathBuf;

use hoso_core::model::{CaseKind, CaseStatus, SubjectKind};

fn catalogue() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/i18n/vi.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("vi.json")).expect("valid JSON")
}

#[test]
fn the_ui_names_kinds_statuses_and_subjects_as_the_core_does() {
    let vi = catalogue();
    let check = |section: &str, code: &str, label: &str| {
        assert_eq!(
            vi[section][code].as_str(),
            Some(label),
            "ui/src/i18n/vi.json {section}.{code} differs from the core's label"
        );
    };
    for k in CaseKind::ALL {
        check("kind", k.code(), k.label_vi());
    }
    for s in CaseStatus::ALL {
        check("status", s.code(), s.label_vi());
    }
    for s in SubjectKind::ALL {
        check("subjectKind", s.code(), s.label_vi());
    }
}
