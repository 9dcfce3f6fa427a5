//! What the app's case screens ask of the register beyond `cases`: the new-case form as it
//! arrives over IPC, the deadline a new case would get, timeline notes, the denouncer panel's
//! permission (without reading, hence without an audit entry), field conflicts with who wrote
//! each value and their resolution (a new operation), and the dashboard.
//!
//! API: `NewCaseForm` (→ `NewCase`), `preview_deadline(kind, lead, opened)`,
//! `add_note(case, note, date)`, `may_read_denouncer(case)`, `case_conflicts(case) ->
//! Vec<CaseConflict>`, `resolve_conflict(case, field, value)`, `dashboard() -> Dashboard`,
//! `case_audit(case)`, `idle_seconds()` (office setting `session.idle-minutes`, default 10), `media_type_for(name)`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cases::{self_is_central, timeline};
use super::offices::require_office_on;
use super::plans::{Omission, Overlap};
use super::project::{CONFLICT_FIELDS, case_ref};
use super::{NewCase, Register, audit, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::*;
use crate::oplog::{self, ScopeUnit};
use crate::search::{CaseFilter, CaseRow};
use crate::text::Text;

/// The setting that holds the app's idle time before it locks, in minutes.
pub const IDLE_MINUTES_SETTING: &str = "session.idle-minutes";
/// Idle minutes when the office has not set any.
pub const DEFAULT_IDLE_MINUTES: u32 = 10;
/// "Due soon": a deadline within this many working days.
pub const DUE_SOON_WORKING_DAYS: u32 = 14;

/// A new case as the app's form sends it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewCaseForm {
    pub kind: CaseKind,
    pub title: Text,
    #[serde(default)]
    pub summary: Text,
    pub lead: String,
    #[serde(default)]
    pub coordinators: Vec<Coordinator>,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub origin: Option<CaseOrigin>,
    /// Default: today.
    #[serde(default)]
    pub opened: Option<NaiveDate>,
    /// Content categories (codes of the lists in force on the opening day).
    #[serde(default)]
    pub categories: Vec<String>,
}

impl From<NewCaseForm> for NewCase {
    fn from(f: NewCaseForm) -> NewCase {
        NewCase {
            kind: f.kind,
            title: f.title,
            lead: f.lead,
            coordinators: f
                .coordinators
                .into_iter()
                .map(|c| (c.office, c.reason))
                .collect(),
            subjects: f.subjects,
            origin: f.origin,
            opened: f.opened,
            summary: f.summary,
            team: Vec::new(),
        }
    }
}

/// One of the concurrent values of a conflicting field, with who wrote it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictValue {
    /// The value as stored (a status or kind code, an office code, a YYYY-MM-DD date); None:
    /// cleared.
    pub value: Option<String>,
    pub office: String,
    pub officer: String,
    /// When its office says it was written (RFC 3339, UTC).
    pub at: String,
    /// The value the register shows until the conflict is resolved.
    pub shown: bool,
}

/// A field of a case holding concurrent writes of different values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseConflict {
    /// `status`, `deadline`, `lead` or `kind`.
    pub field: String,
    pub values: Vec<ConflictValue>,
}

/// What the first screen after unlocking shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    /// Open cases whose inspection team includes the signed-in officer, soonest deadline first.
    pub mine: Vec<CaseRow>,
    /// Open cases past their deadline, the longest overdue first.
    pub overdue: Vec<CaseRow>,
    /// Open cases due from today to `due_soon_until` (14 working days), soonest first.
    pub due_soon: Vec<CaseRow>,
    pub due_soon_until: NaiveDate,
    /// Cases with concurrent writes to resolve.
    pub conflicts: Vec<CaseRow>,
    pub overlaps: Vec<Overlap>,
    pub omissions: Vec<Omission>,
    pub today: NaiveDate,
    /// When the register was last backed up from this workstation (RFC 3339), if ever.
    pub last_backup: Option<String>,
}

/// One line of a case's audit trail: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseAuditEntry {
    /// RFC 3339, UTC.
    pub time: String,
    pub actor: String,
    /// `case.create`, `case.transition`, `denouncer.read`…
    pub action: String,
}

fn stored_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A media type from a file name's extension (what the system viewer needs to open a copy).
pub fn media_type_for(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "txt" => "text/plain",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "tif" | "tiff" => "image/tiff",
        _ => "application/octet-stream",
    }
}

impl Register {
    /// Opens a case from the app's form: the case and its content categories in one
    /// transaction, so a refused category leaves no case behind.
    pub fn add_case_from_form(&mut self, form: NewCaseForm) -> Result<super::CaseCreated> {
        let categories = form.categories.clone();
        self.batch(|reg| {
            let created = reg.add_case(form.into())?;
            for code in &categories {
                reg.set_case_category(&created.id, code, true)?;
            }
            Ok(created)
        })
    }

    /// The content categories in force on `date` (default today), members' list then
    /// organisations', each in form order: the choices for a case opened that day.
    pub fn categories_in_force(
        &self,
        date: Option<NaiveDate>,
    ) -> Result<Vec<crate::rules::ContentCategory>> {
        let list = super::rules_store::categories(self.conn())?;
        let day = date.unwrap_or_else(today);
        Ok(SubjectKind::ALL
            .iter()
            .flat_map(|k| crate::rules::categories::in_force(&list, *k, day))
            .cloned()
            .collect())
    }

    /// The deadline a new case of `kind` led by `lead`, opened on `opened` (default today),
    /// would be stored with (working days and holidays of the register's rules); None when the
    /// kind has no time limit by rule.
    pub fn preview_deadline(
        &self,
        kind: CaseKind,
        lead: &str,
        opened: Option<NaiveDate>,
    ) -> Result<Option<NaiveDate>> {
        self.require(Permission::CaseRead)?;
        let opened = opened.unwrap_or_else(today);
        let lead = require_office_on(self.conn(), lead, opened)?.code;
        let central = self_is_central(self.conn(), &lead)?;
        Ok(
            super::rules_bridge::case_deadline(self.conn(), kind, central, opened, 0)?
                .map(|(date, _basis)| date),
        )
    }

    /// Appends a note to a case's timeline (append-only), dated `date` (default today).
    pub fn add_note(&mut self, key: &str, note: Text, date: Option<NaiveDate>) -> Result<()> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let note = Text::new(note.as_str().trim());
        if note.is_empty() {
            return Err(Error::invalid("note", "must not be empty"));
        }
        let date = date.unwrap_or_else(today);
        if date < case.opened {
            return Err(Error::invalid(
                "date",
                format!("{date} is before the case was opened ({})", case.opened),
            ));
        }
        if date > today() {
            return Err(Error::invalid("date", format!("{date} is in the future")));
        }
        let id = case.id.clone();
        self.write(|txn, s| {
            let sc = ScopeUnit::new(format!("case:{id}"));
            txn.append(
                &sc,
                &case_ref(&id),
                "timeline",
                timeline(TimelineKind::Note, date, &s.login, None, None, note.clone()),
            )?;
            audit(
                txn,
                s,
                "case.note",
                &format!("case:{id}"),
                serde_json::json!({}),
            )
        })
    }

    /// Whether the signed-in officer may read this denunciation case's denouncer (the app then
    /// offers the audited reveal). Reads nothing confidential, so writes no audit entry.
    pub fn may_read_denouncer(&self, key: &str) -> Result<bool> {
        let case = self.case(key)?;
        Ok(case.kind == CaseKind::Denunciation
            && self.require_on(Permission::DenouncerRead, &case).is_ok())
    }

    /// The conflicting fields of a case, each value with its office, officer and time.
    pub fn case_conflicts(&self, key: &str) -> Result<Vec<CaseConflict>> {
        let case = self.case(key)?;
        let e = case_ref(&case.id);
        let mut out = Vec::new();
        for field in CONFLICT_FIELDS {
            let Some(state) = oplog::field(self.conn(), &e, field)? else {
                continue;
            };
            if !state.is_conflict() {
                continue;
            }
            let writes = std::iter::once((state.op.clone(), state.value.clone(), true)).chain(
                state
                    .concurrent
                    .iter()
                    .map(|(op, v)| (op.clone(), v.clone(), false)),
            );
            let mut values = Vec::new();
            for (op_id, value, shown) in writes {
                let op = oplog::op(self.conn(), &op_id)?;
                let at = op
                    .as_ref()
                    .and_then(|o| chrono::DateTime::from_timestamp_millis(o.hlc.ms as i64))
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default();
                values.push(ConflictValue {
                    value: stored_text(&value),
                    office: op_id.origin.clone(),
                    officer: op.map(|o| o.author).unwrap_or_default(),
                    at,
                    shown,
                });
            }
            out.push(CaseConflict {
                field: field.to_string(),
                values,
            });
        }
        Ok(out)
    }

    /// Resolves a conflicting field by writing the value that stands (one of the concurrent
    /// values, or a new one): a new operation that replaces every concurrent write, recorded in
    /// the timeline and the audit trail. The losing values stay in the op log.
    pub fn resolve_conflict(
        &mut self,
        key: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<Case> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let field = field.trim();
        if !case.conflicts.iter().any(|c| c == field) || !CONFLICT_FIELDS.contains(&field) {
            return Err(Error::invalid(
                "field",
                format!("{field} of case {} has no conflict to resolve", case.number),
            ));
        }
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        let stored: serde_json::Value = match (field, value) {
            ("status", Some(v)) => {
                self.require_on(Permission::CaseTransition, &case)?;
                v.parse::<CaseStatus>()?.code().into()
            }
            ("kind", Some(v)) => v.parse::<CaseKind>()?.code().into(),
            ("lead", Some(v)) => require_office_on(self.conn(), v, case.opened)?.code.into(),
            ("deadline", Some(v)) => {
                let d = parse_date("deadline", v)?;
                if d < case.opened {
                    return Err(Error::invalid(
                        "deadline",
                        format!("{d} is before the case was opened ({})", case.opened),
                    ));
                }
                d.to_string().into()
            }
            ("deadline", None) => serde_json::Value::Null,
            (f, None) => return Err(Error::invalid(f, "must not be empty")),
            _ => unreachable!("checked against CONFLICT_FIELDS"),
        };
        let id = case.id.clone();
        let field_name = field.to_string();
        self.write(|txn, s| {
            let sc = ScopeUnit::new(format!("case:{id}"));
            let e = case_ref(&id);
            txn.put(&sc, &e, &field_name, stored.clone())?;
            txn.append(
                &sc,
                &e,
                "timeline",
                timeline(
                    TimelineKind::Note,
                    today(),
                    &s.login,
                    None,
                    None,
                    Text::new(format!("{field_name}: conflict resolved")),
                ),
            )?;
            audit(
                txn,
                s,
                "case.resolve-conflict",
                &format!("case:{id}"),
                serde_json::json!({ "field": field_name, "value": stored }),
            )
        })?;
        self.case(&case.id)
    }

    /// The audit trail of one case, newest first (permission `audit.read`). Details are left
    /// out: the entries say who did what and when, never what a confidential read returned.
    pub fn case_audit(&self, key: &str) -> Result<Vec<CaseAuditEntry>> {
        let case = self.case(key)?;
        let entries = self.audit_list(&crate::audit::AuditFilter {
            entity: Some(format!("case:{}", case.id)),
            newest_first: true,
            limit: Some(1000),
            ..Default::default()
        })?;
        Ok(entries
            .into_iter()
            .map(|e| CaseAuditEntry {
                time: e.time,
                actor: e.actor,
                action: e.action,
            })
            .collect())
    }

    /// Seconds without input before the app locks: the office setting `session.idle-minutes`
    /// (minutes, decimals allowed: `0.1` is six seconds), default 10 minutes; a value that is
    /// not a positive number, or under five seconds, falls back to the default.
    pub fn idle_seconds(&self) -> Result<u32> {
        Ok(self
            .office_settings()?
            .into_iter()
            .find(|(k, _)| k == IDLE_MINUTES_SETTING)
            .and_then(|(_, v)| v.trim().replace(',', ".").parse::<f64>().ok())
            .filter(|m| m.is_finite() && *m * 60.0 >= 5.0 && *m <= 24.0 * 60.0)
            .map(|m| (m * 60.0).round() as u32)
            .unwrap_or(DEFAULT_IDLE_MINUTES * 60))
    }

    /// Overdue, due soon, conflicts, overlaps and omissions, from the register's own queries.
    /// Overlaps and omissions are left empty for roles that may not see plans.
    pub fn dashboard(&self) -> Result<Dashboard> {
        self.dashboard_on(today())
    }

    pub fn dashboard_on(&self, today: NaiveDate) -> Result<Dashboard> {
        self.require(Permission::CaseRead)?;
        let calendar = super::rules_store::calendar(self.conn())?;
        let until = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS);
        let overdue = self.list_cases(&CaseFilter {
            overdue: true,
            sort: Some(crate::search::CaseSort::Deadline),
            limit: Some(200),
            today: Some(today),
            ..Default::default()
        })?;
        let due_soon = self.list_cases(&CaseFilter {
            due_from: Some(today),
            due_until: Some(until),
            sort: Some(crate::search::CaseSort::Deadline),
            limit: Some(200),
            today: Some(today),
            ..Default::default()
        })?;
        let mine = self.list_cases(&CaseFilter {
            mine: true,
            open: true,
            sort: Some(crate::search::CaseSort::Deadline),
            limit: Some(200),
            today: Some(today),
            ..Default::default()
        })?;
        let conflicts = self.list_cases(&CaseFilter {
            conflict: true,
            limit: Some(200),
            today: Some(today),
            ..Default::default()
        })?;
        let permitted = |e: &Error| e.error_code() == crate::error::ErrorCode::PermissionDenied;
        let overlaps = match self.overlaps() {
            Err(e) if permitted(&e) => Vec::new(),
            other => other?,
        };
        let omissions = match self.omissions() {
            Err(e) if permitted(&e) => Vec::new(),
            other => other?,
        };
        Ok(Dashboard {
            mine,
            overdue,
            due_soon,
            due_soon_until: until,
            conflicts,
            overlaps,
            omissions,
            today,
            last_backup: self.last_backup()?,
        })
    }
}
