//! The committees' statistics forms (REPORT-FORMS.md), computed from the register.
//!
//! - Forms are data ([`forms`]: `forms/*.json`, embedded; an administrator points the office
//!   setting `reports.forms-dir` at a directory of replacements). Each column and row is a query
//!   over the register's (case, subject) facts ([`engine`]).
//! - Periods are cumulative ([`period`]): month (from January), first quarter, 6 and 9 months,
//!   year, Party term.
//! - Scope: this office's cases (the cases it leads, with the offices merged into it), or at the
//!   central office any office's, or every office with one roll-up row per lead office.
//! - Every cell carries the ids of the cases behind it; `Report::cases` gives their numbers.
//! - Locking ("chốt số liệu", permission `report.lock`, committee leadership, [`lock`]): the
//!   computed figures become a synced record of the op log (`report-lock`), which reaches the
//!   central office; later reads return the locked figures, flagged `changed_since_lock` (and
//!   the cells in `changed_cells`) when the register now computes different ones.
//!
//! API: `Register::report_forms()`, `report(form, &Period, &ReportScope)`,
//! `compute_report(..)` (fresh, ignoring a lock), `lock_report(..)`, `relock_report(..)`,
//! `report_lock_history(..)`, `report_locks()`, `report_lock_overview(form, &Period)`;
//! `report_with_progress(..)` for large registers; `report_charts(&Period, &ReportScope)`
//! ([`charts`]: the Reports screen's charts).

pub mod charts;
pub mod engine;
pub mod forms;
pub mod lock;
pub mod period;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::register::project::read_office;

pub use charts::{FormBar, KindSeries, OfficeBar, ReportCharts};
pub use forms::{Basis, CountBy, FormSet, HeaderCell, RowKind};
pub use lock::{LockInfo, LockOverview, LockRow, OfficeLock};
pub use period::Period;

/// One figure and the cases behind it (`value` None: not recorded in HoSo, printed blank).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Cell {
    pub value: Option<u32>,
    pub cases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportRow {
    /// "I", "1", or empty (totals); the office code on roll-up rows.
    pub no: String,
    pub label: String,
    pub kind: RowKind,
    /// One per leaf column (empty on section rows).
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportColumn {
    pub label: String,
    /// Computed from the register (false: entered by hand on the printed form).
    pub computed: bool,
}

/// A case behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseRef {
    pub number: String,
    pub title: String,
}

/// Whose cases a report counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "office", rename_all = "kebab-case")]
pub enum ReportScope {
    /// The signed-in officer's office.
    This,
    /// One office (another office's: the central office only).
    Office(String),
    /// Every office, with one roll-up row per lead office (the central office only).
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeInfo {
    /// The office code, or `*` for every office.
    pub code: String,
    pub name: String,
    pub all: bool,
}

/// A cell of a report's table: row and leaf column (0-based, column 0 = the first figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CellAt {
    pub row: u32,
    pub col: u32,
}

/// A computed (or locked) form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    pub form: String,
    pub title: String,
    pub unit: String,
    pub source: String,
    pub provisional: bool,
    pub structure_only: bool,
    pub period: Period,
    pub scope: ScopeInfo,
    /// Merged header cells over the table (columns A and B included), `header_rows` deep.
    pub header: Vec<HeaderCell>,
    pub header_rows: u32,
    /// A, B, 1, 2…
    pub numbering: Vec<String>,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<ReportRow>,
    /// Number and title of every case behind a figure, by id.
    pub cases: BTreeMap<String, CaseRef>,
    pub lock: Option<LockInfo>,
    /// Locked, and the register now gives different figures (cases changed since).
    pub changed_since_lock: bool,
    /// The locked cells whose figure or cases the register now computes differently.
    pub changed_cells: Vec<CellAt>,
}

/// A form in the list (`hoso report list`, the app's form picker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormSummary {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub provisional: bool,
    pub structure_only: bool,
    pub source: String,
}

/// What the Reports screen offers (see `Register::report_context`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportContext {
    pub forms: Vec<FormSummary>,
    pub periods: Vec<Period>,
    pub year: i32,
    pub can_report_all: bool,
    pub can_lock: bool,
    pub locks: Vec<LockRow>,
}

/// The office setting naming a directory of replacement form definitions.
pub const FORMS_DIR_SETTING: &str = "reports.forms-dir";

impl Register {
    /// The forms in force: the built-in definitions with the administrator's replacements
    /// (office setting `reports.forms-dir`).
    pub fn report_forms(&self) -> Result<FormSet> {
        let dir = self
            .office_settings()?
            .into_iter()
            .find(|(k, _)| k == FORMS_DIR_SETTING)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        FormSet::with_overrides(dir.as_deref())
    }

    pub fn report_form_list(&self) -> Result<Vec<FormSummary>> {
        self.require(Permission::ReportRead)?;
        Ok(self
            .report_forms()?
            .forms
            .iter()
            .map(|f| FormSummary {
                code: f.def.code.clone(),
                title: f.def.title.clone(),
                unit: f.def.unit.clone(),
                provisional: f.def.provisional,
                structure_only: f.def.structure_only,
                source: f.def.source.clone(),
            })
            .collect())
    }

    /// What the Reports screen offers this officer: the forms, the periods of `year`, whether
    /// every office can be reported on (the central office) and whether they may lock.
    pub fn report_context(&self, year: i32) -> Result<ReportContext> {
        Ok(ReportContext {
            forms: self.report_form_list()?,
            periods: Period::choices(year),
            year,
            can_report_all: self.is_central_office()?,
            can_lock: crate::access::require(self.session_info().role, Permission::ReportLock)
                .is_ok(),
            locks: self.report_locks()?,
        })
    }

    fn is_central_office(&self) -> Result<bool> {
        Ok(
            crate::trust::roster::central_office(self.conn())?.as_deref()
                == Some(self.session_info().office.as_str()),
        )
    }

    /// The scope's offices (None: every office) and its description. Another office or every
    /// office: the central office only.
    fn scope_offices(&self, scope: &ReportScope) -> Result<(Option<Vec<String>>, ScopeInfo)> {
        let own = self.session_info().office.clone();
        let code = match scope {
            ReportScope::This => own.clone(),
            ReportScope::Office(c) => crate::model::normalise_office_code(c)?,
            ReportScope::All => {
                if !self.is_central_office()? {
                    return Err(Error::PermissionDenied(
                        "a report over every office is made at the central office".into(),
                    ));
                }
                return Ok((
                    None,
                    ScopeInfo {
                        code: "*".into(),
                        name: "Toàn lực lượng (tổng hợp các đơn vị)".into(),
                        all: true,
                    },
                ));
            }
        };
        if code != own && !self.is_central_office()? {
            return Err(Error::PermissionDenied(format!(
                "office {own} reports on its own cases only, not on {code}'s"
            )));
        }
        let name = read_office(self.conn(), &code)?
            .map(|o| o.name.as_str().to_string())
            .or_else(|| (code == own).then(|| own.clone()))
            .ok_or_else(|| Error::NotFound {
                entity: "office",
                key: code.clone(),
            })?;
        let offices = crate::register::offices::with_predecessors(self.conn(), &code)?;
        Ok((
            Some(offices),
            ScopeInfo {
                code,
                name,
                all: false,
            },
        ))
    }

    /// Computes a form from the register now, ignoring any lock.
    pub fn compute_report(
        &self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
    ) -> Result<Report> {
        self.compute_report_with_progress(form, period, scope, &mut |_, _| {})
    }

    /// [`Register::compute_report`], telling `progress` how many of the cases to read are read
    /// (`(done, total)`, about a hundred calls, the last with `done == total`).
    pub fn compute_report_with_progress(
        &self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
        progress: engine::ProgressFn<'_>,
    ) -> Result<Report> {
        self.require(Permission::ReportRead)?;
        let set = self.report_forms()?;
        let form = set.form(form)?;
        let (offices, info) = self.scope_offices(scope)?;
        let facts = engine::load_facts(
            self.conn(),
            &set,
            form,
            period,
            offices.as_deref(),
            progress,
        )?;
        let mut roll_up: Vec<(String, String)> = Vec::new();
        if info.all {
            let mut codes: Vec<String> = facts
                .iter()
                .filter(|f| form.def.base.matches(f) && engine::in_period(form, period, f))
                .map(|f| f.office.clone())
                .collect();
            codes.sort();
            codes.dedup();
            for c in codes {
                let name = read_office(self.conn(), &c)?
                    .map(|o| o.name.as_str().to_string())
                    .unwrap_or_else(|| c.clone());
                roll_up.push((c, name));
            }
            roll_up.sort_by(|a, b| crate::text::compare_vi(&a.1, &b.1));
        }
        let rows = engine::compute_rows(form, period, &facts, &roll_up);
        let mut cases = BTreeMap::new();
        for row in &rows {
            for cell in &row.cells {
                for id in &cell.cases {
                    if !cases.contains_key(id)
                        && let Some(f) = facts.iter().find(|f| &f.case_id == id)
                    {
                        cases.insert(
                            id.clone(),
                            CaseRef {
                                number: f.number.clone(),
                                title: f.title.clone(),
                            },
                        );
                    }
                }
            }
        }
        Ok(Report {
            form: form.def.code.clone(),
            title: form.def.title.clone(),
            unit: form.def.unit.clone(),
            source: form.def.source.clone(),
            provisional: form.def.provisional,
            structure_only: form.def.structure_only,
            period: period.clone(),
            scope: info,
            header: form.header.clone(),
            header_rows: form.header_rows,
            numbering: form.numbering(),
            columns: form
                .columns
                .iter()
                .map(|c| forms_column(c, form.def.structure_only))
                .collect(),
            rows,
            cases,
            lock: None,
            changed_since_lock: false,
            changed_cells: Vec::new(),
        })
    }

    /// A form for a period: the locked figures when the period is locked (flagged when the
    /// register now computes different ones), else computed now.
    pub fn report(&self, form: &str, period: &Period, scope: &ReportScope) -> Result<Report> {
        self.report_with_progress(form, period, scope, &mut |_, _| {})
    }

    /// [`Register::report`] with progress as in [`Register::compute_report_with_progress`].
    pub fn report_with_progress(
        &self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
        progress: engine::ProgressFn<'_>,
    ) -> Result<Report> {
        let fresh = self.compute_report_with_progress(form, period, scope, progress)?;
        lock::locked_or_fresh(self.conn(), fresh)
    }

    /// Records that the signed-in officer exported a report (what, period, scope, format).
    pub fn audit_report_export(&mut self, report: &Report, format: &str) -> Result<()> {
        self.audit_print(
            &format!("report:{}:{}:{}", report.form, report.period.code, report.scope.code),
            serde_json::json!({ "document": "report", "format": format, "locked": report.lock.is_some() }),
        )
    }
}

fn forms_column(c: &forms::Column, structure_only: bool) -> ReportColumn {
    ReportColumn {
        label: c.label.clone(),
        computed: c.when.is_some() && !structure_only,
    }
}
