//! `save_case` (the CLI's `hoso print` and the app's "Lưu PDF…") and `preview_case` (the app's
//! preview) on a real register.

use chrono::NaiveDate;
use hoso_core::Text;
use hoso_core::model::CaseKind;
use hoso_core::register::{InitParams, NewCase, Register};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_print::{PrintOptions, preview_case, save_case};

fn register(dir: &std::path::Path) -> (Register, String) {
    let (store, _) = Store::create(
        dir.join("TW.hoso"),
        "admin",
        "mật khẩu",
        &FAST_KDF_FOR_TESTS,
    )
    .unwrap();
    let mut reg = Register::initialise(
        store,
        InitParams {
            office_code: "TW".into(),
            office_name: "Ủy ban Kiểm tra Trung ương".into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central: true,
        },
    )
    .unwrap();
    let case = reg
        .add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: "Kiểm tra dấu hiệu vi phạm của đồng chí Đặng Văn Đức".into(),
            lead: "TW".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: NaiveDate::from_ymd_opt(2026, 2, 1),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    (reg, case.number)
}

fn prints(reg: &Register, number: &str) -> usize {
    reg.case_audit(number)
        .unwrap()
        .iter()
        .filter(|e| e.action == "print")
        .count()
}

#[test]
fn save_writes_a_new_audited_pdf_and_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut reg, number) = register(dir.path());
    let opts = PrintOptions {
        date: NaiveDate::from_ymd_opt(2026, 3, 15),
        ..PrintOptions::default()
    };
    let out = dir.path().join("tóm tắt.pdf");
    let printed = save_case(&mut reg, &number, &opts, &out).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(bytes, printed.pdf);
    assert_eq!(prints(&reg, &number), 1);

    // An existing file is refused, unchanged, and the refused print is not audited.
    let e = save_case(&mut reg, &number, &opts, &out).unwrap_err();
    assert!(
        matches!(e.core(), Some(hoso_core::Error::AlreadyExists { .. })),
        "{e}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    assert_eq!(prints(&reg, &number), 1);

    // A refused print (no such case) leaves no file behind.
    let missing = dir.path().join("none.pdf");
    assert!(save_case(&mut reg, "TW-1999-9999", &opts, &missing).is_err());
    assert!(!missing.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn preview_renders_the_first_pages_without_an_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (mut reg, number) = register(dir.path());
    let opts = PrintOptions {
        case_file: true,
        date: NaiveDate::from_ymd_opt(2026, 3, 15),
        ..PrintOptions::default()
    };
    let preview = preview_case(&mut reg, &number, &opts, 2).unwrap();
    assert_eq!(preview.case_number, number);
    assert!(preview.pages >= 4, "cover, index, summary, closing sheet");
    assert_eq!(preview.svgs.len(), 2);
    assert!(preview.svgs.iter().all(|s| s.starts_with("<svg")));
    assert_eq!(prints(&reg, &number), 0);
}
