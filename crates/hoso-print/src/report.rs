//! Statistics forms (`hoso_core::reports::Report`) as PDF (typst, A4 landscape, merged headers,
//! the Party document layout), XLSX (`rust_xlsxwriter`: number cells, merged headers, frozen
//! panes, widths, A4 landscape print setup) and JSON (every cell with its case ids).
//!
//! - [`report_pdf`], [`report_xlsx`], [`report_json`]: bytes, nothing audited.
//! - [`save_report`]: one of them into a new file (no-clobber writer) after auditing the export.

use std::path::Path;

use chrono::NaiveDate;
use hoso_core::register::Register;
use hoso_core::reports::{Report, RowKind};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use serde::Serialize;

use crate::data::{Header, place_date};
use crate::{PrintError, PrintSettings, read_template, render_pdf};

/// The built-in template of the statistics forms.
pub const REPORT_TEMPLATE: &str = include_str!("../templates/report.typ");

/// How to export a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    Pdf,
    Xlsx,
    Json,
}

impl std::str::FromStr for ReportFormat {
    type Err = hoso_core::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(ReportFormat::Pdf),
            "xlsx" => Ok(ReportFormat::Xlsx),
            "json" => Ok(ReportFormat::Json),
            other => Err(hoso_core::Error::invalid(
                "format",
                format!("unknown format '{other}'; allowed: pdf, xlsx, json"),
            )),
        }
    }
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Json => "json",
        }
    }
}

/// Document options of a printed form.
#[derive(Debug, Clone, Default)]
pub struct ReportPrintOptions {
    /// The document's date (default: today).
    pub date: Option<NaiveDate>,
    /// The number in the outgoing register ("12" → "Số 12-BC/UBKT"); blank if None.
    pub number: Option<String>,
}

#[derive(Serialize)]
struct ReportDoc<'a> {
    header: Header,
    report: ReportNoCases<'a>,
    start: String,
    end: String,
    locked: bool,
    locked_at: String,
    /// " (mã số liệu 0123456789abcdef)": the first 16 digits of the lock's digest, so that the
    /// paper matches the synced record (empty for a local lock).
    lock_code: String,
    changed_note: String,
}

/// The report without the case list (the template does not need it).
#[derive(Serialize)]
struct ReportNoCases<'a> {
    form: &'a str,
    title: &'a str,
    unit: &'a str,
    source: &'a str,
    provisional: bool,
    period: &'a hoso_core::reports::Period,
    scope: &'a hoso_core::reports::ScopeInfo,
    header: &'a [hoso_core::reports::HeaderCell],
    header_rows: u32,
    numbering: &'a [String],
    rows: &'a [hoso_core::reports::ReportRow],
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Renders a report to PDF/A-2b (deterministic for the same report, date and number).
pub fn report_pdf(
    report: &Report,
    settings: &PrintSettings,
    opts: &ReportPrintOptions,
) -> Result<(Vec<u8>, usize), PrintError> {
    let date = opts.date.unwrap_or_else(hoso_core::register::today);
    let number_code = match opts.number.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => format!("{n}-{}", settings.number_symbol),
        _ => format!("      -{}", settings.number_symbol),
    };
    let locked_at = report
        .lock
        .as_ref()
        .and_then(|l| chrono::DateTime::parse_from_rfc3339(&l.locked_at).ok())
        .map(|t| t.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let doc = ReportDoc {
        header: Header {
            parent_body: settings.parent_body.clone(),
            issuing_body: settings.issuing_body.clone(),
            number: format!("Số {number_code}"),
            number_code,
            place_date: place_date(&settings.place, date),
            signatory_authority: settings.signatory_authority.clone(),
            signatory_title: settings.signatory_title.clone(),
            signatory_name: settings.signatory_name.clone(),
            recipients: settings.recipients.clone(),
        },
        report: ReportNoCases {
            form: &report.form,
            title: &report.title,
            unit: &report.unit,
            source: &report.source,
            provisional: report.provisional,
            period: &report.period,
            scope: &report.scope,
            header: &report.header,
            header_rows: report.header_rows,
            numbering: &report.numbering,
            rows: &report.rows,
        },
        start: dmy(report.period.start),
        end: dmy(report.period.end),
        locked: report.lock.is_some(),
        locked_at,
        lock_code: lock_code(report),
        changed_note: if report.changed_since_lock {
            " (hồ sơ đã thay đổi sau khi chốt)".into()
        } else {
            String::new()
        },
    };
    let template = read_template(settings.report_template.as_deref(), REPORT_TEMPLATE)?;
    let json = serde_json::to_string(&doc).expect("report data serialises");
    let ident = format!(
        "hoso:report:{}:{}:{}:{}",
        report.form, report.period.code, report.scope.code, date
    );
    render_pdf(&[("report.typ", template)], json, &ident, date)
}

fn lock_code(report: &Report) -> String {
    match report.lock.as_ref().map(|l| l.digest.as_str()) {
        Some(d) if d.len() >= 16 => format!(" (mã số liệu {})", &d[..16]),
        _ => String::new(),
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> PrintError {
    PrintError::Typst(format!("xlsx: {e}"))
}

/// The first worksheet row of the data (after title, period, header and numbering rows).
pub fn xlsx_first_data_row(report: &Report) -> u32 {
    4 + report.header_rows + 1
}

/// Writes a report as an XLSX workbook: title and period on top, the merged header, the
/// numbering row, then one row per report row (blank cells: not recorded). Number cells are
/// numbers; the panes below the numbering row and right of column B are frozen; A4 landscape.
pub fn report_xlsx(report: &Report) -> Result<Vec<u8>, PrintError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(report.form.chars().take(31).collect::<String>())
        .map_err(xlsx_error)?;
    let font = "Times New Roman";
    let title = Format::new()
        .set_font_name(font)
        .set_bold()
        .set_font_size(13)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let plain = Format::new().set_font_name(font).set_font_size(11);
    let italic = Format::new()
        .set_font_name(font)
        .set_italic()
        .set_align(FormatAlign::Right);
    let head = Format::new()
        .set_font_name(font)
        .set_bold()
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let numbering = Format::new()
        .set_font_name(font)
        .set_italic()
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new()
        .set_font_name(font)
        .set_font_size(11)
        .set_border(FormatBorder::Thin);
    let strong = cell.clone().set_bold();
    let label = cell.clone().set_text_wrap();
    let strong_label = label.clone().set_bold();

    let ncols = report.numbering.len() as u16;
    let last = ncols - 1;
    ws.merge_range(0, 0, 0, last, &report.title, &title)
        .map_err(xlsx_error)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!(
            "{} (từ {} đến {}) — {}",
            report.period.label,
            dmy(report.period.start),
            dmy(report.period.end),
            report.scope.name
        ),
        &Format::new()
            .set_font_name(font)
            .set_italic()
            .set_align(FormatAlign::Center),
    )
    .map_err(xlsx_error)?;
    if let Some(l) = &report.lock {
        ws.write_string_with_format(
            2,
            0,
            format!("Số liệu đã chốt: {}{}", l.locked_at, lock_code(report)),
            &plain,
        )
        .map_err(xlsx_error)?;
    }
    ws.write_string_with_format(2, last, format!("(ĐVT: {})", report.unit), &italic)
        .map_err(xlsx_error)?;

    let top = 4u32;
    for h in &report.header {
        let (r0, c0) = (top + h.row, h.col as u16);
        let (r1, c1) = (r0 + h.rows - 1, c0 + h.cols as u16 - 1);
        if r0 == r1 && c0 == c1 {
            ws.write_string_with_format(r0, c0, &h.label, &head)
        } else {
            ws.merge_range(r0, c0, r1, c1, &h.label, &head)
        }
        .map_err(xlsx_error)?;
    }
    let nrow = top + report.header_rows;
    for (i, n) in report.numbering.iter().enumerate() {
        ws.write_string_with_format(nrow, i as u16, n, &numbering)
            .map_err(xlsx_error)?;
    }
    let first = xlsx_first_data_row(report);
    for (i, row) in report.rows.iter().enumerate() {
        let r = first + i as u32;
        let bold = row.kind != RowKind::Detail;
        let (f, lf) = if bold {
            (&strong, &strong_label)
        } else {
            (&cell, &label)
        };
        ws.write_string_with_format(r, 0, &row.no, f)
            .map_err(xlsx_error)?;
        ws.write_string_with_format(r, 1, &row.label, lf)
            .map_err(xlsx_error)?;
        for j in 0..(ncols - 2) {
            let c = j + 2;
            match row.cells.get(j as usize).and_then(|c| c.value) {
                Some(v) => ws.write_number_with_format(r, c, v as f64, f),
                None => ws.write_blank(r, c, f),
            }
            .map_err(xlsx_error)?;
        }
    }
    ws.set_column_width(0, 6).map_err(xlsx_error)?;
    ws.set_column_width(1, 36).map_err(xlsx_error)?;
    for c in 2..ncols {
        ws.set_column_width(c, 9).map_err(xlsx_error)?;
    }
    ws.set_row_height(0, 36).map_err(xlsx_error)?;
    ws.set_freeze_panes(first, 2).map_err(xlsx_error)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(top, nrow).map_err(xlsx_error)?;
    ws.set_margins(0.6, 0.4, 0.6, 0.6, 0.3, 0.3);
    wb.save_to_buffer().map_err(xlsx_error)
}

/// The report as JSON (pretty, every cell with its case ids, the case numbers and titles).
pub fn report_json(report: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(report).expect("report serialises");
    v.push(b'\n');
    v
}

/// Bytes of a report in `format`.
pub fn report_bytes(
    report: &Report,
    format: ReportFormat,
    settings: &PrintSettings,
    opts: &ReportPrintOptions,
) -> Result<Vec<u8>, PrintError> {
    Ok(match format {
        ReportFormat::Pdf => report_pdf(report, settings, opts)?.0,
        ReportFormat::Xlsx => report_xlsx(report)?,
        ReportFormat::Json => report_json(report),
    })
}

/// Exports a report into a new file at `out` (never replacing one): audited first (what,
/// period, scope, format), then written atomically.
pub fn save_report(
    reg: &mut Register,
    report: &Report,
    format: ReportFormat,
    opts: &ReportPrintOptions,
    out: &Path,
) -> Result<usize, PrintError> {
    let settings = PrintSettings::load(reg)?;
    let bytes = report_bytes(report, format, &settings, opts)?;
    if out.exists() {
        return Err(PrintError::Core(hoso_core::Error::AlreadyExists {
            entity: "file",
            key: out.display().to_string(),
        }));
    }
    reg.audit_report_export(report, format.extension())?;
    hoso_core::sync::write_new_file(out, |w| {
        w.write_all(&bytes)
            .map_err(|e| hoso_core::Error::Storage(format!("writing {}: {e}", out.display())))
    })?;
    Ok(bytes.len())
}
