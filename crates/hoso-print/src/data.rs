//! What a printed document says, gathered from the register through the core's API (which checks
//! `case.read`, and `denouncer.read` for the denouncer's identity) and shaped as the JSON the
//! templates read. Every value is plain text or a number: the templates never read it as markup.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use hoso_core::model::{CaseKind, CaseStatus, SubjectKind, workflow};
use hoso_core::register::Register;
use serde::Serialize;

use crate::settings::PrintSettings;
use crate::{PrintError, PrintOptions};

#[derive(Debug, Serialize)]
pub(crate) struct Doc {
    /// `summary` or `case-file`.
    pub kind: &'static str,
    pub header: Header,
    /// Boxed "MẬT" under the number.
    pub confidential: bool,
    pub case: CaseData,
    /// Only when asked for and allowed; otherwise `None` and `denouncer_redacted` says whether
    /// there is an identity being withheld (denunciation cases).
    pub denouncer: Option<DenouncerData>,
    pub denouncer_redacted: bool,
    pub file: FileData,
}

#[derive(Debug, Serialize)]
pub(crate) struct Header {
    pub parent_body: String,
    pub issuing_body: String,
    /// "Số 12-BC/UBKT", or "Số      -BC/UBKT" to be filled in by hand.
    pub number: String,
    /// The same without "Số " (the document index).
    pub number_code: String,
    /// "Hà Nội, ngày 15 tháng 3 năm 2026".
    pub place_date: String,
    pub signatory_authority: String,
    pub signatory_title: String,
    pub signatory_name: String,
    pub recipients: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CaseData {
    pub number: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub origin: String,
    pub lead: OfficeRef,
    pub coordinators: Vec<CoordinatorData>,
    pub subjects: Vec<SubjectData>,
    pub opened: String,
    pub deadline: Option<String>,
    pub overdue: bool,
    pub extensions: u32,
    pub closed: Option<String>,
    pub summary: String,
    pub timeline: Vec<TimelineData>,
    pub findings: Vec<FindingData>,
    pub decisions: Vec<DecisionData>,
    pub appeals: Vec<AppealData>,
    pub documents: Vec<DocumentData>,
}

#[derive(Debug, Serialize)]
pub(crate) struct OfficeRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct CoordinatorData {
    pub code: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct SubjectData {
    pub name: String,
    pub kind: String,
    pub birth_year: Option<i32>,
    pub unit: Option<String>,
    pub post: Option<String>,
    pub membership: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TimelineData {
    pub date: String,
    pub what: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: String,
    pub author: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct FindingData {
    pub subject: String,
    pub category: Option<String>,
    pub violated: bool,
    pub violation_date: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DecisionData {
    pub subject: String,
    pub form: String,
    pub date: String,
    pub violation_date: Option<String>,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct AppealData {
    pub subject: String,
    pub filed: String,
    pub decision_received: String,
    pub outcome: Option<String>,
    pub new_form: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DocumentData {
    pub name: String,
    pub date: String,
    pub media_type: String,
    pub size: u64,
    /// Who issued it: unknown to the register, so the lead office.
    pub author: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DenouncerData {
    pub name: String,
    pub address: Option<String>,
    pub contact: Option<String>,
}

/// The archive file (cover, index, closing sheet).
#[derive(Debug, Serialize)]
pub(crate) struct FileData {
    pub office_name: String,
    pub file_number: String,
    pub start: String,
    pub end: Option<String>,
    pub retention: String,
    /// The officer who prints (and closes) the file.
    pub officer: String,
    pub date: String,
}

/// `dd/mm/yyyy`, as Vietnamese documents write dates in tables.
pub(crate) fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "Hà Nội, ngày 05 tháng 02 năm 2026": Hướng dẫn 36-HD/VPTW writes a leading zero for days
/// under 10 and for months 1 and 2.
pub fn place_date(place: &str, d: NaiveDate) -> String {
    let day = if d.day() < 10 {
        format!("0{}", d.day())
    } else {
        d.day().to_string()
    };
    let month = if d.month() < 3 {
        format!("0{}", d.month())
    } else {
        d.month().to_string()
    };
    let place = place.trim();
    let date = format!("ngày {day} tháng {month} năm {}", d.year());
    if place.is_empty() {
        // "Ngày …" starts the line when no place is set.
        let mut c = date.chars();
        let first = c.next().map(|f| f.to_uppercase().collect::<String>());
        format!("{}{}", first.unwrap_or_default(), c.as_str())
    } else {
        format!("{place}, {date}")
    }
}

/// Whether the print of this case carries the "MẬT" mark: its kind is in the office's list
/// (default: denunciations), the denouncer's identity is printed, or the officer asked for it.
fn confidential(kind: CaseKind, s: &PrintSettings, opts: &PrintOptions) -> bool {
    opts.confidential
        || opts.include_denouncer
        || s.confidential_kinds.iter().any(|k| k == kind.code())
}

pub(crate) fn gather(
    reg: &mut Register,
    key: &str,
    opts: &PrintOptions,
    settings: &PrintSettings,
    date: NaiveDate,
) -> Result<Doc, PrintError> {
    let detail = reg.case_detail(key)?;
    // Asking for the denouncer: the core checks `denouncer.read` on the case and audits the read;
    // a refusal refuses the whole print.
    let denouncer = if opts.include_denouncer {
        reg.denouncer(&detail.case.id)?
    } else {
        None
    };
    let case = &detail.case;
    let office_name = |code: &str| -> String {
        reg.office(code)
            .map(|o| o.name.into_string())
            .unwrap_or_else(|_| code.to_string())
    };
    let officers: BTreeMap<String, String> = reg
        .list_officers()?
        .into_iter()
        .map(|o| (o.login, o.name.into_string()))
        .collect();
    let person = |login: &str| -> String {
        let short = login.rsplit('/').next().unwrap_or(login);
        officers
            .get(short)
            .cloned()
            .unwrap_or_else(|| login.to_string())
    };
    let subject_names: BTreeMap<String, String> = detail
        .subject_details
        .iter()
        .map(|s| (s.id.clone(), s.name.as_str().to_string()))
        .collect();
    let subject_name = |id: &str| -> String {
        match subject_names.get(id) {
            Some(n) => n.clone(),
            None => reg
                .subject(id)
                .map(|s| s.name.into_string())
                .unwrap_or_else(|_| id.to_string()),
        }
    };
    let categories: BTreeMap<String, String> = reg
        .rules()
        .map(|r| {
            r.categories
                .into_iter()
                .map(|c| (c.code, c.label_vi))
                .collect()
        })
        .unwrap_or_default();
    let lead_name = office_name(&case.lead);
    let whoami = reg.whoami().ok();
    let me = whoami
        .as_ref()
        .map(|w| w.officer_name.as_str().to_string())
        .unwrap_or_else(|| reg.session_info().login.clone());
    let my_office = whoami
        .as_ref()
        .map(|w| w.office_name.as_str().to_string())
        .unwrap_or_else(|| office_name(&reg.session_info().office));

    let status_label = |s: CaseStatus| s.label_vi().to_string();
    // In date order (stable: entries of one day keep the order they were recorded in).
    let mut timeline = detail.timeline.clone();
    timeline.sort_by_key(|t| t.date);
    let case_data = CaseData {
        number: case.number.clone(),
        title: case.title.as_str().to_string(),
        kind: case.kind.label_vi().to_string(),
        status: status_label(case.status),
        origin: case.origin.label_vi().to_string(),
        lead: OfficeRef {
            code: case.lead.clone(),
            name: lead_name.clone(),
        },
        coordinators: case
            .coordinators
            .iter()
            .map(|c| CoordinatorData {
                code: c.office.clone(),
                name: office_name(&c.office),
                reason: c.reason.as_str().to_string(),
            })
            .collect(),
        subjects: detail
            .subject_details
            .iter()
            .map(|s| SubjectData {
                name: s.name.as_str().to_string(),
                kind: s.kind.label_vi().to_string(),
                birth_year: s.birth_year,
                unit: s.unit.as_ref().map(|u| u.as_str().to_string()),
                post: s.post.as_ref().map(|p| p.as_str().to_string()),
                membership: match s.kind {
                    SubjectKind::Member => s.membership.map(|m| m.label_vi().to_string()),
                    SubjectKind::Organisation => None,
                },
            })
            .collect(),
        opened: dmy(case.opened),
        // A deadline counted into a year without a holiday calendar is printed as provisional.
        deadline: case.deadline.map(|d| {
            if case.deadline_provisional_years.is_empty() {
                dmy(d)
            } else {
                let years: Vec<String> = case
                    .deadline_provisional_years
                    .iter()
                    .map(|y| y.to_string())
                    .collect();
                format!(
                    "{} (tạm tính: chưa có lịch nghỉ lễ năm {})",
                    dmy(d),
                    years.join(", ")
                )
            }
        }),
        // Overdue on the document's date (not the clock), so the same print stays the same.
        overdue: workflow::is_open(case.status) && case.deadline.is_some_and(|d| d < date),
        extensions: case.extensions,
        closed: case.closed.map(dmy),
        summary: case.summary.as_str().to_string(),
        timeline: timeline
            .iter()
            .map(|t| TimelineData {
                date: dmy(t.date),
                what: t.kind.label_vi().to_string(),
                from: t.from.map(status_label),
                to: t.to.map(status_label),
                note: t.note.as_str().to_string(),
                author: person(&t.author),
            })
            .collect(),
        findings: detail
            .findings
            .iter()
            .map(|f| FindingData {
                subject: subject_name(&f.subject),
                category: f
                    .category
                    .as_ref()
                    .map(|c| categories.get(c).cloned().unwrap_or_else(|| c.clone())),
                violated: f.violated,
                violation_date: f.violation_date.map(dmy),
                text: f.text.as_str().to_string(),
            })
            .collect(),
        decisions: detail
            .decisions
            .iter()
            .map(|d| DecisionData {
                subject: subject_name(&d.subject),
                form: d.form.label_vi().to_string(),
                date: dmy(d.date),
                violation_date: d.violation_date.map(dmy),
                note: d.note.as_str().to_string(),
            })
            .collect(),
        appeals: detail
            .appeals
            .iter()
            .map(|a| AppealData {
                subject: subject_name(&a.subject),
                filed: dmy(a.filed),
                decision_received: dmy(a.decision_received),
                outcome: a.outcome.map(|o| o.label_vi().to_string()),
                new_form: a.new_form.map(|f| f.label_vi().to_string()),
            })
            .collect(),
        documents: detail
            .documents
            .iter()
            .map(|d| DocumentData {
                name: d.name.as_str().to_string(),
                date: dmy(d.added),
                media_type: d.media_type.clone(),
                size: d.size,
                author: lead_name.clone(),
            })
            .collect(),
    };
    let number_code = match opts.number.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => format!("{n}-{}", settings.number_symbol),
        // Left blank for the outgoing-documents register to fill in by hand.
        _ => format!("      -{}", settings.number_symbol),
    };
    let number = format!("Số {number_code}");
    Ok(Doc {
        kind: if opts.case_file {
            "case-file"
        } else {
            "summary"
        },
        header: Header {
            parent_body: settings.parent_body.clone(),
            issuing_body: settings.issuing_body.clone(),
            number,
            number_code,
            place_date: place_date(&settings.place, date),
            signatory_authority: settings.signatory_authority.clone(),
            signatory_title: settings.signatory_title.clone(),
            signatory_name: settings.signatory_name.clone(),
            recipients: settings.recipients.clone(),
        },
        confidential: confidential(case.kind, settings, opts),
        denouncer_redacted: denouncer.is_none() && case.kind == CaseKind::Denunciation,
        denouncer: denouncer.map(|d| DenouncerData {
            name: d.name.as_str().to_string(),
            address: d.address.map(|a| a.into_string()),
            contact: d.contact.map(|c| c.into_string()),
        }),
        file: FileData {
            office_name: my_office,
            file_number: case.number.clone(),
            start: dmy(case.opened),
            end: case.closed.map(dmy),
            retention: settings.retention.clone(),
            officer: me,
            date: dmy(date),
        },
        case: case_data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_words_follow_the_guidance() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            place_date("Hà Nội", d(2026, 3, 15)),
            "Hà Nội, ngày 15 tháng 3 năm 2026"
        );
        assert_eq!(
            place_date("Hà Nội", d(2026, 2, 5)),
            "Hà Nội, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(place_date("", d(2026, 12, 31)), "Ngày 31 tháng 12 năm 2026");
    }
}
