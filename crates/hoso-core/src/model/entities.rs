//! Entity structs of the register: what a read of the merged state returns. All free text is
//! `Text` (NFC); office codes and ids are plain ASCII strings validated on the way in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::*;
use crate::error::{Error, Result};
use crate::text::Text;

/// An inspection committee. Offices are data: the 2025 merger closes the old offices
/// (`valid_to`) and opens new ones whose `predecessors` name them; old cases keep their office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Office {
    pub code: String,
    pub name: Text,
    pub kind: OfficeKind,
    pub parent: Option<String>,
    pub predecessors: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl Office {
    /// In force on `date` (validity bounds inclusive of `valid_from`, exclusive of `valid_to`).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date < t)
    }
}

/// Office codes are short upper-case ASCII (`HN`, `QTR`, `TW`): they start every case number, so
/// no dashes. Lower-case input is accepted and upper-cased.
pub fn normalise_office_code(code: &str) -> Result<String> {
    let c = code.trim().to_ascii_uppercase();
    if c.is_empty()
        || c.len() > 12
        || !c
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit())
    {
        return Err(Error::invalid(
            "office code",
            format!(
                "'{}' must be 1-12 letters A-Z or digits (no dashes or diacritics)",
                code.trim()
            ),
        ));
    }
    Ok(c)
}

/// An officer of this office (a user of the register).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Officer {
    pub login: String,
    pub name: Text,
    /// Role code as defined by `access` (administrator, committee-leader, inspector, …).
    pub role: String,
    pub office: String,
    /// False once deactivated: they no longer sign in or join a team.
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

/// Logins are ASCII identifiers (they name key slots and audit entries); kept as typed so they
/// match the store's key slots exactly.
pub fn normalise_login(login: &str) -> Result<String> {
    let l = login.trim().to_string();
    if l.is_empty()
        || l.len() > 64
        || !l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Error::invalid(
            "login",
            format!(
                "'{}' must be 1-64 characters A-Z, a-z, 0-9, '.', '_' or '-'",
                login.trim()
            ),
        ));
    }
    Ok(l)
}

/// A Party member or Party organisation that cases are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Subject {
    pub id: String,
    pub kind: SubjectKind,
    pub name: Text,
    pub birth_year: Option<i32>,
    /// The organisation / unit the member belongs to, or the parent organisation.
    pub unit: Option<Text>,
    /// Post held (members only); removal from post needs one.
    pub post: Option<Text>,
    /// Members only.
    pub membership: Option<MembershipStatus>,
    pub authority: Option<ManagementAuthority>,
}

/// A coordinating office with the reason it takes part (every case states it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Coordinator {
    pub office: String,
    pub reason: Text,
}

/// A case: one inspection, supervision, denunciation, appeal or discipline matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Case {
    pub id: String,
    /// `<OFFICE>-<YEAR>-<SEQ>`, numbered by the office that registered the case.
    pub number: String,
    pub kind: CaseKind,
    pub title: Text,
    pub summary: Text,
    pub origin: CaseOrigin,
    pub lead: String,
    pub coordinators: Vec<Coordinator>,
    pub subjects: Vec<String>,
    pub categories: Vec<String>,
    pub status: CaseStatus,
    /// The main status an extended/deferred case paused.
    pub resume_status: Option<CaseStatus>,
    pub opened: NaiveDate,
    pub deadline: Option<NaiveDate>,
    /// Years the deadline runs through that have no holiday calendar yet: while not empty the
    /// deadline is provisional (counted without those years' days off, so possibly early) and
    /// it is recounted when the central office publishes their calendar.
    #[serde(default)]
    pub deadline_provisional_years: Vec<i32>,
    pub extensions: u32,
    pub closed: Option<NaiveDate>,
    /// The annual-plan item this case carries out (a case "from the annual plan" names it).
    #[serde(default)]
    pub plan_item: Option<String>,
    /// The letter this case was opened from.
    #[serde(default)]
    pub letter: Option<String>,
    /// Fields with concurrent writes from different offices (an officer resolves them).
    pub conflicts: Vec<String>,
}

/// A letter received by an office (đơn thư): named, anonymous or impersonated. The denouncer's
/// identity is never here: it is recorded on the case opened from a named letter (the
/// confidential denouncer record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub id: String,
    /// The office that received it.
    pub office: String,
    pub kind: LetterKind,
    pub received: NaiveDate,
    /// How it arrived (post, in person, the reception office, e-mail…).
    pub channel: Text,
    pub content: Text,
    /// Numbers of the cases opened from it.
    #[serde(default)]
    pub cases: Vec<String>,
}

/// The letter behind a denunciation case (the accused are the case's subjects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denunciation {
    pub case_id: String,
    pub letter: LetterKind,
    pub received: NaiveDate,
    pub content: Text,
}

/// The denouncer's identity: kept apart from the case, readable only with `denouncer.read` on
/// that case, synced only to the case's lead office.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Denouncer {
    pub case_id: String,
    pub name: Text,
    pub address: Option<Text>,
    pub contact: Option<Text>,
}

impl std::fmt::Debug for Denouncer {
    // Confidential: never in logs or panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Denouncer {{ case_id: {:?}, .. }}", self.case_id)
    }
}

/// A violation (or its absence) found about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Finding {
    pub subject: String,
    /// Content category code (rules' category list).
    pub category: Option<String>,
    pub violated: bool,
    pub violation_date: Option<NaiveDate>,
    pub text: Text,
    /// Areas of the violation that carry no limitation period (internal politics, security,
    /// foreign affairs, illegal diplomas).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violation_areas: Vec<crate::rules::ViolationArea>,
}

/// A discipline decision on one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DisciplineDecision {
    pub subject: String,
    pub form: DisciplineForm,
    pub date: NaiveDate,
    pub violation_date: Option<NaiveDate>,
    pub note: Text,
    /// Areas of the violation that carry no limitation period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violation_areas: Vec<crate::rules::ViolationArea>,
    /// The decisions on the same subject in this case that were in force when this one was
    /// recorded (their op ids): it replaces them. Two decisions neither of which replaces the
    /// other are a conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<crate::oplog::OpId>,
    /// Why this decision replaces one in force (a later decision is a recorded change, never a
    /// silent one; GLOSSARY "Severity order").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<Text>,
}

/// The discipline a subject of a case carries now: the decision in force, as appeals left it
/// (upheld, increased or reduced to another form, annulled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PenaltyInForce {
    pub subject: String,
    /// The decision's form.
    pub decided: DisciplineForm,
    /// After the appeals resolved so far (None: annulled).
    pub in_force: Option<DisciplineForm>,
}

/// An appeal against a discipline decision, and its outcome once resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Appeal {
    pub subject: String,
    pub filed: NaiveDate,
    pub decision_received: NaiveDate,
    pub outcome: Option<AppealOutcome>,
    pub new_form: Option<DisciplineForm>,
}

/// The conclusion (kết luận) of a case about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectConclusion {
    pub subject: String,
    pub outcome: ConclusionOutcome,
    /// Content categories of the violations (only with `violation`; at least one then).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether discipline is to be considered (only with `violation`).
    #[serde(default)]
    pub discipline_required: bool,
}

/// The conclusion of an inspection, supervision or denunciation: number, date, text and the
/// outcome per subject. A later one corrects it (the last recorded is in force).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Conclusion {
    pub number: Text,
    pub date: NaiveDate,
    pub text: Text,
    pub subjects: Vec<SubjectConclusion>,
}

/// A suspension from Party activities (đình chỉ sinh hoạt đảng): not a discipline form, it
/// lasts the rules' time limit and may be extended within the maximum. Each extension is a new
/// entry; the last one per subject is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Suspension {
    pub subject: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub extensions: u32,
    #[serde(default)]
    pub note: Text,
}

/// A case transferred (chuyển đơn) to the body that receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Transfer {
    pub receiving_body: Text,
    pub date: NaiveDate,
    #[serde(default)]
    pub note: Text,
}

/// A notice of the outcome (thông báo): to whom and when. The denouncer is notified without
/// being named here (their identity stays in the denouncer record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notice {
    pub date: NaiveDate,
    pub recipients: Vec<Text>,
    #[serde(default)]
    pub denouncer: bool,
    #[serde(default)]
    pub note: Text,
}

/// One line of a case's history (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimelineEntry {
    pub kind: TimelineKind,
    pub date: NaiveDate,
    pub author: String,
    pub from: Option<CaseStatus>,
    pub to: Option<CaseStatus>,
    pub note: Text,
}

/// Metadata of an attachment (content stored encrypted in the register, addressed by BLAKE3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentMeta {
    pub blake3: String,
    pub name: Text,
    pub media_type: String,
    // A number in TypeScript (attachments are far below 4 GiB).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub size: u64,
    pub added: NaiveDate,
}

/// An annual programme of one office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Plan {
    pub id: String,
    pub office: String,
    pub year: i32,
    pub title: Text,
    pub items: Vec<PlanItem>,
}

/// One planned inspection or supervision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanItem {
    pub id: String,
    pub subject: String,
    /// The subject's name as this register knows it (empty until its record arrives).
    pub subject_name: Text,
    pub kind: CaseKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub lead: String,
    pub coordinators: Vec<String>,
    pub note: Text,
    #[serde(default)]
    pub status: PlanItemStatus,
    /// Why it was dropped (required for `dropped`).
    #[serde(default)]
    pub drop_reason: Option<Text>,
    /// Numbers of the cases that carry it out (cases naming this item).
    #[serde(default)]
    pub cases: Vec<String>,
}

/// Parses `YYYY-MM-DD`; the error names the field and the expected format.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            field,
            format!("'{}' is not a date in the form YYYY-MM-DD", s.trim()),
        )
    })
}

/// Case number of the `seq`-th case registered by `office` in `year`.
pub fn case_number(office: &str, year: i32, seq: u32) -> String {
    format!("{office}-{year}-{seq:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_codes_are_normalised_and_validated() {
        assert_eq!(normalise_office_code(" qtr ").unwrap(), "QTR");
        assert!(normalise_office_code("HN-1").is_err());
        assert!(normalise_office_code("ĐN").is_err());
        assert!(normalise_office_code("").is_err());
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("opened", "2026-02-28").unwrap().to_string(),
            "2026-02-28"
        );
        let e = parse_date("opened", "2026-02-30").unwrap_err().to_string();
        assert!(
            e.contains("opened") && e.contains("2026-02-30") && e.contains("YYYY-MM-DD"),
            "{e}"
        );
        assert!(parse_date("opened", "28/02/2026").is_err());
    }

    #[test]
    fn case_numbers_are_zero_padded() {
        assert_eq!(case_number("HN", 2026, 42), "HN-2026-0042");
    }

    #[test]
    fn validity_is_half_open() {
        let d = |s| parse_date("d", s).unwrap();
        let o = Office {
            code: "QB".into(),
            name: "Quảng Bình".into(),
            kind: OfficeKind::Province,
            parent: None,
            predecessors: vec![],
            valid_from: None,
            valid_to: Some(d("2025-07-01")),
        };
        assert!(o.valid_on(d("2025-06-30")));
        assert!(!o.valid_on(d("2025-07-01")));
    }

    #[test]
    fn denouncer_debug_hides_identity() {
        let d = Denouncer {
            case_id: "c1".into(),
            name: "Trần Thị Bí Mật".into(),
            address: None,
            contact: None,
        };
        assert!(!format!("{d:?}").contains("Bí Mật"));
    }
}
