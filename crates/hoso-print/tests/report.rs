//! The statistics forms' outputs: the XLSX read back (calamine) equals the JSON; the PDF is a
//! landscape A4 form with the exact Vietnamese title; exports are audited and never replace a
//! file.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use hoso_core::Text;
use hoso_core::model::*;
use hoso_core::register::{AddSubject, InitParams, NewCase, NewSubject, Register};
use hoso_core::reports::{Period, Report, ReportScope};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_print::report::xlsx_first_data_row;
use hoso_print::{
    PrintSettings, ReportFormat, ReportPrintOptions, report_pdf, report_xlsx, save_report,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn register(dir: &std::path::Path) -> Register {
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
            office_name: "Ủy ban Kiểm tra Đảng ủy Công an Trung ương".into(),
            officer_login: "admin".into(),
            officer_name: "Quản trị".into(),
            central: true,
        },
    )
    .unwrap();
    for (i, (lead, opened, authority)) in [
        ("TW", "2026-02-01", Some(ManagementAuthority::Central)),
        ("TW", "2026-03-05", None),
        ("HN", "2026-04-09", Some(ManagementAuthority::Province)),
    ]
    .into_iter()
    .enumerate()
    {
        let AddSubject::Added { id } = reg
            .add_subject(
                NewSubject {
                    kind: SubjectKind::Member,
                    name: format!("Đặng Văn Đức {i}").into(),
                    birth_year: Some(1975),
                    unit: None,
                    post: None,
                    membership: Some(MembershipStatus::Full),
                    authority,
                },
                true,
            )
            .unwrap()
        else {
            panic!("not added")
        };
        reg.add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: "Kiểm tra dấu hiệu vi phạm".into(),
            lead: lead.into(),
            coordinators: vec![],
            subjects: vec![id],
            origin: None,
            opened: Some(d(opened)),
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    }
    reg
}

fn report(reg: &Register) -> Report {
    reg.report(
        "KTDHVP-DV",
        &Period::parse("2026-9m", None).unwrap(),
        &ReportScope::All,
    )
    .unwrap()
}

#[test]
fn the_xlsx_read_back_equals_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let reg = register(dir.path());
    let r = report(&reg);
    // Through JSON, as the CLI writes it.
    let json: Report =
        serde_json::from_slice(&hoso_print::report_json(&r)).expect("the JSON reads back");
    assert_eq!(json, r);
    assert_eq!(json.rows[0].cells[0].value, Some(3));

    let bytes = report_xlsx(&r).unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("KTDHVP-DV").unwrap();
    let merged = book.merge_cells_by_sheet_name("KTDHVP-DV").unwrap();
    let at = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);

    assert_eq!(at(0, 0), Data::String(r.title.clone()));
    // Header: every merged cell of the report is merged in the sheet, with its label.
    for h in r.header.iter().filter(|h| h.rows > 1 || h.cols > 1) {
        let (r0, c0) = (4 + h.row, h.col);
        assert!(
            merged
                .iter()
                .any(|m| m.start == (r0, c0) && m.end == (r0 + h.rows - 1, c0 + h.cols - 1)),
            "{} not merged",
            h.label
        );
        assert_eq!(at(r0, c0), Data::String(h.label.clone()));
    }
    // The numbering row: A, B, 1, 2…
    let nrow = 4 + r.header_rows;
    for (i, n) in json.numbering.iter().enumerate() {
        assert_eq!(at(nrow, i as u32), Data::String(n.clone()));
    }
    // Every figure: a number cell equal to the JSON's, blank where the JSON has none.
    let first = xlsx_first_data_row(&r);
    for (i, row) in json.rows.iter().enumerate() {
        let y = first + i as u32;
        assert_eq!(at(y, 1), Data::String(row.label.clone()));
        for j in 0..json.columns.len() {
            let want = row.cells.get(j).and_then(|c| c.value);
            let got = at(y, j as u32 + 2);
            match want {
                Some(v) => assert_eq!(
                    got,
                    Data::Float(v as f64),
                    "row {} col {}",
                    row.label,
                    j + 1
                ),
                None => assert!(
                    matches!(got, Data::Empty) || got == Data::String(String::new()),
                    "row {} col {}: {got:?}",
                    row.label,
                    j + 1
                ),
            }
        }
    }
    // The roll-up rows made it too.
    assert!(json.rows.iter().any(|x| x.no == "HN"));
}

#[test]
fn the_pdf_is_a_landscape_form_and_exports_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = register(dir.path());
    let r = report(&reg);
    let opts = ReportPrintOptions {
        date: Some(d("2026-10-05")),
        number: Some("27".into()),
    };
    let (pdf, pages) = report_pdf(&r, &PrintSettings::default(), &opts).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // The table on the first page; the signature block may follow on the second.
    assert!((1..=2).contains(&pages), "{pages} pages");
    // Deterministic.
    assert_eq!(
        report_pdf(&r, &PrintSettings::default(), &opts).unwrap().0,
        pdf
    );
    let out = dir.path().join("bieu.pdf");
    save_report(&mut reg, &r, ReportFormat::Pdf, &opts, &out).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), pdf);
    // Never replaces a file.
    assert!(save_report(&mut reg, &r, ReportFormat::Pdf, &opts, &out).is_err());
    let xlsx = dir.path().join("bieu.xlsx");
    save_report(&mut reg, &r, ReportFormat::Xlsx, &opts, &xlsx).unwrap();
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);
    if hoso_testkit::require_tools("report pdf text", &[hoso_testkit::PDFTOTEXT]) {
        let text = std::process::Command::new("pdftotext")
            .args(["-layout", out.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        for want in [
            "KIỂM TRA ĐẢNG VIÊN KHI CÓ DẤU HIỆU VI PHẠM",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "9 tháng đầu năm 2026",
            "Số 27-BC/UBKT",
            "Hà Nội, ngày 05 tháng 10 năm 2026",
            "Tổng cộng",
        ] {
            assert!(text.contains(want), "{want} not in:\n{text}");
        }
        let info = std::process::Command::new("pdfinfo")
            .arg(out.to_str().unwrap())
            .output()
            .unwrap();
        let info = String::from_utf8(info.stdout).unwrap();
        assert!(info.contains("841.89 x 595.276"), "landscape A4:\n{info}");
    }
}

#[test]
fn a_locked_form_prints_the_locked_figures_with_the_digest_and_the_change_noted() {
    let dir = tempfile::tempdir().unwrap();
    let mut reg = register(dir.path());
    reg.add_officer(
        "lanhdao",
        &"Phạm Văn Lãnh".into(),
        hoso_core::access::Role::CommitteeLeader,
    )
    .unwrap();
    let mut reg = Register::session(reg.into_store(), "lanhdao").unwrap();
    let p = Period::parse("2026-9m", None).unwrap();
    let locked = reg.lock_report("KTDHVP-DV", &p, &ReportScope::All).unwrap();
    let digest = locked.lock.as_ref().unwrap().digest.clone();
    // A case after the lock: the form keeps the locked figures, and says the cases changed.
    reg.add_case(NewCase {
        kind: CaseKind::InspectionOnSigns,
        title: "Kiểm tra sau khi chốt".into(),
        lead: "TW".into(),
        coordinators: vec![],
        subjects: vec![],
        origin: None,
        opened: Some(d("2026-06-01")),
        summary: Text::default(),
        team: vec![],
    })
    .unwrap();
    let r = report(&reg);
    assert_eq!(r.rows, locked.rows);
    let opts = ReportPrintOptions {
        date: Some(d("2026-10-05")),
        number: None,
    };
    let out = dir.path().join("chot.pdf");
    save_report(&mut reg, &r, ReportFormat::Pdf, &opts, &out).unwrap();
    if hoso_testkit::require_tools("locked report pdf text", &[hoso_testkit::PDFTOTEXT]) {
        let text = std::process::Command::new("pdftotext")
            .args([out.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Số liệu đã chốt ngày"), "{text}");
        assert!(
            text.contains(&format!("mã số liệu {}", &digest[..16])),
            "{text}"
        );
    }
}
