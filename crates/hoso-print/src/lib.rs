//! Printed documents of HoSo, rendered to PDF with typst as a library: the case summary (báo cáo
//! tóm tắt hồ sơ vụ việc) and the whole case file for the archive (cover, document index, the
//! summary, closing sheet), in the Party document layout (Hướng dẫn 36-HD/VPTW).
//!
//! - [`print_case`]`(reg, case, &PrintOptions) -> Printed`: gathers the case through the core
//!   (which checks `case.read`, and `denouncer.read` when the denouncer is asked for), renders,
//!   and records the print in the audit log (what, options, who) before returning the bytes.
//! - [`render_case`]: the same without the audit entry (benchmarks, previews that are audited
//!   when saved); callers that hand the PDF to a person use [`print_case`].
//! - [`save_case`]: [`print_case`] into a new file with the core's no-clobber writer (the CLI's
//!   `hoso print` and the app's "Lưu PDF…"): the file appears only once the print is audited.
//! - [`preview_case`]: the first pages as SVG images for the app's preview (not audited: nothing
//!   leaves the screen; the same permission checks as printing).
//!
//! Safety of user text: the case reaches typst only as JSON in `sys.inputs.data`, read by the
//! template with `json(bytes(sys.inputs.data))`; values are never spliced into markup, so a
//! title such as `#read("/etc/passwd")` prints verbatim. The typst world serves only the
//! templates and the embedded fonts (Liberation Serif 2.1, SIL OFL 1.1) and refuses every other
//! path. Output is deterministic: the PDF's date (PDF/A requires one) is the document's date, `today` is
//! unavailable to templates, the PDF identifier is
//! derived from the case number and the options, and the document date is an option.
//!
//! Templates (`templates/summary.typ`, `templates/case-file.typ`) are data: an administrator can
//! point the settings `print.template.summary` / `print.template.case-file` at replacements.

mod data;
pub mod report;
pub mod settings;
mod world;

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use hoso_core::register::Register;
use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use data::place_date;
pub use report::{
    ReportFormat, ReportPrintOptions, report_bytes, report_json, report_pdf, report_xlsx,
    save_report,
};
pub use settings::PrintSettings;

/// The built-in templates.
pub const SUMMARY_TEMPLATE: &str = include_str!("../templates/summary.typ");
pub const CASE_FILE_TEMPLATE: &str = include_str!("../templates/case-file.typ");

/// What to print and how.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PrintOptions {
    /// The whole case file (cover, index, summary, closing sheet) instead of the summary alone.
    pub case_file: bool,
    /// Print the denouncer's identity: needs `denouncer.read` on the case (else refused).
    pub include_denouncer: bool,
    /// Mark "MẬT" even when the case's kind is not in `print.confidential-kinds`.
    pub confidential: bool,
    /// The document's date (default: today).
    pub date: Option<NaiveDate>,
    /// The document's number in the outgoing register ("12" → "Số 12-BC/UBKT"); blank if None.
    pub number: Option<String>,
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub case_id: String,
    pub case_number: String,
    /// BLAKE3 of the PDF (in the audit entry).
    pub blake3: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Core(#[from] hoso_core::Error),
    #[error("template {path}: {message}")]
    Template { path: String, message: String },
    #[error("typst: {0}")]
    Typst(String),
}

impl PrintError {
    /// The core error behind this one, if any (for machine codes and exit statuses).
    pub fn core(&self) -> Option<&hoso_core::Error> {
        match self {
            PrintError::Core(e) => Some(e),
            _ => None,
        }
    }
}

fn diagnostics(d: &[SourceDiagnostic]) -> String {
    d.iter()
        .map(|d| {
            let hints: String = d
                .hints
                .iter()
                .map(|h| format!(" (hint: {})", h.v))
                .collect();
            format!("{}{hints}", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn read_template(path: Option<&Path>, builtin: &str) -> Result<String, PrintError> {
    match path {
        None => Ok(builtin.to_string()),
        Some(p) => std::fs::read_to_string(p).map_err(|e| PrintError::Template {
            path: p.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// Renders JSON `data` with the templates (the first is the main file) into PDF/A-2b bytes and
/// the page count. `ident` identifies the document stably; PDF/A requires a date, and the
/// document's own date (midnight UTC) is used, never the clock.
pub fn render_pdf(
    templates: &[(&str, String)],
    data: String,
    ident: &str,
    date: NaiveDate,
) -> Result<(Vec<u8>, usize), PrintError> {
    let doc = compile(templates, data)?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("HoSo".to_string())),
        timestamp: Some(Timestamp::new_utc(
            Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
                .ok_or_else(|| PrintError::Typst(format!("date {date} out of range")))?,
        )),
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| PrintError::Typst(e.message().to_string()))?,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|e| PrintError::Typst(diagnostics(&e)))?;
    // Free typst's memoisation caches beyond recent use (long-running app).
    typst::comemo::evict(10);
    Ok((pdf, doc.pages().len()))
}

fn compile(templates: &[(&str, String)], data: String) -> Result<PagedDocument, PrintError> {
    let world = world::PrintWorld::new(templates, data);
    typst::compile(&world)
        .output
        .map_err(|e| PrintError::Typst(diagnostics(&e)))
}

/// A case ready for typst: templates, JSON data, identifier and date.
struct Prepared {
    templates: Vec<(&'static str, String)>,
    json: String,
    ident: String,
    date: NaiveDate,
    case_id: String,
    case_number: String,
}

fn prepare(reg: &mut Register, case: &str, opts: &PrintOptions) -> Result<Prepared, PrintError> {
    let settings = PrintSettings::load(reg)?;
    let date = opts.date.unwrap_or_else(hoso_core::register::today);
    let doc = data::gather(reg, case, opts, &settings, date)?;
    let summary = read_template(settings.summary_template.as_deref(), SUMMARY_TEMPLATE)?;
    let templates: Vec<(&'static str, String)> = if opts.case_file {
        let file = read_template(settings.case_file_template.as_deref(), CASE_FILE_TEMPLATE)?;
        vec![("case-file.typ", file), ("summary.typ", summary)]
    } else {
        vec![("summary.typ", summary)]
    };
    let json = serde_json::to_string(&doc).expect("print data serialises");
    let ident = format!(
        "hoso:{}:{}:{}:{}",
        doc.kind, doc.case.number, date, opts.include_denouncer
    );
    let case_id = reg.case(case)?.id;
    Ok(Prepared {
        templates,
        json,
        ident,
        date,
        case_id,
        case_number: doc.case.number,
    })
}

/// Renders a case without recording it (see [`print_case`]).
pub fn render_case(
    reg: &mut Register,
    case: &str,
    opts: &PrintOptions,
) -> Result<Printed, PrintError> {
    let p = prepare(reg, case, opts)?;
    let (pdf, pages) = render_pdf(&p.templates, p.json, &p.ident, p.date)?;
    Ok(Printed {
        blake3: blake3::hash(&pdf).to_hex().to_string(),
        pdf,
        pages,
        case_id: p.case_id,
        case_number: p.case_number,
    })
}

/// The first pages of a document as images, for an on-screen preview.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub case_number: String,
    /// The document's page count.
    pub pages: usize,
    /// The first `max_pages` pages, each a standalone SVG (glyphs as paths: no fonts needed).
    pub svgs: Vec<String>,
}

/// Renders the first `max_pages` pages of a case's document as SVG, with the same permission
/// checks as [`print_case`] (`case.read`; `denouncer.read` when asked for) and no audit entry:
/// the print is audited when it is saved ([`save_case`]).
pub fn preview_case(
    reg: &mut Register,
    case: &str,
    opts: &PrintOptions,
    max_pages: usize,
) -> Result<Preview, PrintError> {
    let p = prepare(reg, case, opts)?;
    let doc = compile(&p.templates, p.json)?;
    let svgs = doc
        .pages()
        .iter()
        .take(max_pages)
        .map(|page| typst_svg::svg(page, &typst_svg::SvgOptions::default()))
        .collect();
    typst::comemo::evict(10);
    Ok(Preview {
        case_number: p.case_number,
        pages: doc.pages().len(),
        svgs,
    })
}

/// Prints a case ([`print_case`]: rendered and audited) into a new file at `out`, written
/// atomically with the core's no-clobber writer: an existing file is never replaced, and
/// nothing is left behind (and nothing audited) when the print is refused.
pub fn save_case(
    reg: &mut Register,
    case: &str,
    opts: &PrintOptions,
    out: &Path,
) -> Result<Printed, PrintError> {
    // Render and audit inside the atomic write: the file appears only once the print is
    // recorded.
    let mut failure: Option<PrintError> = None;
    let written = hoso_core::sync::write_new_file(out, |w| {
        let printed = match print_case(reg, case, opts) {
            Ok(p) => p,
            Err(e) => {
                failure = Some(e);
                return Err(hoso_core::Error::invalid("print", "failed"));
            }
        };
        w.write_all(&printed.pdf)
            .map_err(|e| hoso_core::Error::Storage(format!("writing the PDF: {e}")))?;
        Ok(printed)
    });
    match (written, failure) {
        (_, Some(e)) => Err(e),
        (r, None) => Ok(r?),
    }
}

/// Renders a case and records the print in the audit log (action `print`, entity `case:<id>`,
/// detail: document, options, pages, BLAKE3 of the PDF). The bytes are returned only once the
/// entry is committed.
pub fn print_case(
    reg: &mut Register,
    case: &str,
    opts: &PrintOptions,
) -> Result<Printed, PrintError> {
    let printed = render_case(reg, case, opts)?;
    reg.audit_print(
        &format!("case:{}", printed.case_id),
        serde_json::json!({
            "document": if opts.case_file { "case-file" } else { "case-summary" },
            "number": printed.case_number,
            "options": opts,
            "pages": printed.pages,
            "blake3": printed.blake3,
        }),
    )?;
    Ok(printed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, data: &str) -> Result<(Vec<u8>, usize), PrintError> {
        render_pdf(
            &[("main.typ", template.to_string())],
            data.to_string(),
            "test",
            NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
        )
    }

    #[test]
    fn the_world_serves_no_other_file_and_no_clock() {
        for template in [
            "#read(\"/etc/passwd\")",
            "#read(\"../../../../etc/passwd\")",
            "#image(\"/usr/share/pixmaps/debian-logo.png\")",
            "#import \"@preview/cetz:0.3.0\"",
            "#datetime.today().display()",
        ] {
            let e = render(template, "{}").expect_err(template);
            assert!(matches!(e, PrintError::Typst(_)), "{template}: {e}");
        }
        // The template itself and the data are reachable.
        let (pdf, pages) = render(
            "#set text(font: \"Liberation Serif\")\n#let d = json(bytes(sys.inputs.data))\n#d.title",
            r##"{"title": "#read(\"/etc/passwd\") Đặng Thị Hường"}"##,
        )
        .unwrap();
        assert_eq!(pages, 1);
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_builtin_templates_compile_with_empty_sections() {
        let doc = serde_json::json!({
            "kind": "summary",
            "header": {
                "parent_body": "ĐẢNG ỦY CÔNG AN TRUNG ƯƠNG", "issuing_body": "ỦY BAN KIỂM TRA",
                "number": "Số       -BC/UBKT", "number_code": "      -BC/UBKT", "place_date": "Hà Nội, ngày 15 tháng 3 năm 2026",
                "signatory_authority": "T/M ỦY BAN KIỂM TRA", "signatory_title": "CHỦ NHIỆM",
                "signatory_name": "", "recipients": ["Lưu VT"],
            },
            "confidential": false,
            "case": {
                "number": "HN-2026-0001", "title": "T", "kind": "K", "status": "S", "origin": "O",
                "lead": {"code": "HN", "name": "Hà Nội"}, "coordinators": [], "subjects": [],
                "opened": "01/01/2026", "deadline": null, "overdue": false, "extensions": 0,
                "closed": null, "summary": "", "timeline": [], "findings": [], "decisions": [],
                "appeals": [], "documents": [],
            },
            "denouncer": null, "denouncer_redacted": false,
            "file": {"office_name": "UBKT", "file_number": "HN-2026-0001", "start": "01/01/2026",
                     "end": null, "retention": "Vĩnh viễn", "officer": "Lan", "date": "15/03/2026"},
        });
        let (_, pages) = render_pdf(
            &[("summary.typ", SUMMARY_TEMPLATE.to_string())],
            doc.to_string(),
            "t",
            NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
        )
        .unwrap();
        let summary_pages = pages;
        let (_, pages) = render_pdf(
            &[
                ("case-file.typ", CASE_FILE_TEMPLATE.to_string()),
                ("summary.typ", SUMMARY_TEMPLATE.to_string()),
            ],
            doc.to_string(),
            "t",
            NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
        )
        .unwrap();
        // Cover, index, the summary, closing sheet.
        assert_eq!(pages, summary_pages + 3);
    }
}
