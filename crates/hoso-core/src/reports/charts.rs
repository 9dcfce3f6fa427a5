//! The Reports screen's charts (issue 13): for a period and a scope, scoped and permission-
//! checked exactly like the forms (`report.read`; a province its own cases, the central office
//! any office's or every office's):
//!
//! - **cases by kind per month**: the cases opened in each month of the period (each year, for a
//!   period longer than a year: a Party term), by case kind;
//! - **discipline by form**: the subjects whose discipline in force by the period's end (as the
//!   appeals resolved by then left it) was decided in the period, by discipline form, in the
//!   severity order: the discipline forms' own count (engine `Fact::decision`);
//! - **overdue by office**: the cases still open past their deadline on the period's last day,
//!   or today for a period not over yet, by lead office (merged offices under the office in
//!   force). The deadline is the one the register holds now; a case counts as open on that day
//!   when it was not closed by then.
//!
//! Every figure is a [`Cell`] with the ids of the cases behind it, so the screen drills into
//! a bar the way it drills into a form's figure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rusqlite::params_from_iter;
use serde::{Deserialize, Serialize};

use super::engine;
use super::{CaseRef, Cell, Period, ReportScope, ScopeInfo};
use crate::access::Permission;
use crate::error::Result;
use crate::model::{CaseKind, DisciplineForm};
use crate::register::Register;
use crate::register::project::read_office;

/// One case kind's cases per bucket (month or year) of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindSeries {
    pub kind: CaseKind,
    /// One per bucket of [`ReportCharts::buckets`].
    pub cells: Vec<Cell>,
    pub total: Cell,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormBar {
    pub form: DisciplineForm,
    /// Subjects disciplined (the cases behind them in `cases`).
    pub cell: Cell,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OfficeBar {
    pub office: String,
    pub name: String,
    pub cell: Cell,
}

/// The figures of the Reports screen's charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportCharts {
    pub period: Period,
    pub scope: ScopeInfo,
    /// The buckets of `by_kind`: months (`2026-03`) or, for a period over a year, years
    /// (`2026`).
    pub buckets: Vec<String>,
    /// Case kinds with at least one case opened in the period, in the order of `CaseKind`.
    pub by_kind: Vec<KindSeries>,
    /// Every case opened in the period.
    pub opened: Cell,
    /// Every discipline form, in severity order (zeros included).
    pub discipline: Vec<FormBar>,
    /// Every subject disciplined in the period.
    pub disciplined: Cell,
    /// The day the overdue cases are counted on: the period's end, or today if earlier.
    pub overdue_on: NaiveDate,
    /// Offices with at least one overdue case, most first.
    pub overdue: Vec<OfficeBar>,
    pub overdue_total: Cell,
    /// Number and title of every case behind a figure, by id.
    pub cases: BTreeMap<String, CaseRef>,
}

/// Buckets of a period: its months, or its years when it runs over more than twelve months.
fn buckets(period: &Period) -> Vec<String> {
    let months = (period.end.year() - period.start.year()) * 12 + period.end.month() as i32
        - period.start.month() as i32
        + 1;
    if months > 12 {
        (period.start.year()..=period.end.year())
            .map(|y| y.to_string())
            .collect()
    } else {
        let mut out = Vec::new();
        let (mut y, mut m) = (period.start.year(), period.start.month());
        while (y, m) <= (period.end.year(), period.end.month()) {
            out.push(format!("{y}-{m:02}"));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }
}

fn bucket_of(opened: NaiveDate, by_year: bool) -> String {
    if by_year {
        opened.year().to_string()
    } else {
        format!("{}-{:02}", opened.year(), opened.month())
    }
}

/// A cell of distinct case ids; `value` = `count` (subjects) or the number of cases.
fn cell(cases: BTreeSet<String>, count: Option<usize>) -> Cell {
    Cell {
        value: Some(count.unwrap_or(cases.len()) as u32),
        cases: cases.into_iter().collect(),
    }
}

/// ` AND <column> IN (?, …)` for a scope's offices (None: every office).
fn offices_clause(column: &str, offices: Option<&[String]>, args: &mut Vec<String>) -> String {
    match offices {
        None => String::new(),
        Some(o) => {
            if o.is_empty() {
                args.push(String::new());
            }
            args.extend(o.iter().cloned());
            format!(" AND {column} IN ({})", vec!["?"; o.len().max(1)].join(","))
        }
    }
}

impl Register {
    /// The Reports screen's charts for `period` over `scope` (see the module documentation).
    pub fn report_charts(&self, period: &Period, scope: &ReportScope) -> Result<ReportCharts> {
        self.require(Permission::ReportRead)?;
        let (offices, info) = self.scope_offices(scope)?;
        let offices = offices.as_deref();
        let conn = self.conn();
        let mut refs: BTreeMap<String, CaseRef> = BTreeMap::new();

        // Cases by kind per month (or year).
        let buckets = buckets(period);
        let by_year = buckets.first().is_some_and(|b| b.len() == 4);
        let mut args = vec![period.start.to_string(), period.end.to_string()];
        let sql = format!(
            "SELECT id, number, title, kind, opened FROM cases WHERE opened >= ? AND opened <= ?{}",
            offices_clause("lead", offices, &mut args)
        );
        let mut grid: BTreeMap<CaseKind, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        let mut opened = BTreeSet::new();
        {
            let mut st = conn.prepare(&sql)?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?;
            for row in rows {
                let (id, number, title, kind, day) = row?;
                let (Ok(kind), Ok(day)) = (kind.parse::<CaseKind>(), day.parse::<NaiveDate>())
                else {
                    continue;
                };
                grid.entry(kind)
                    .or_default()
                    .entry(bucket_of(day, by_year))
                    .or_default()
                    .insert(id.clone());
                opened.insert(id.clone());
                refs.insert(id, CaseRef { number, title });
            }
        }
        let by_kind = CaseKind::ALL
            .iter()
            .filter_map(|kind| {
                let per = grid.get(kind)?;
                Some(KindSeries {
                    kind: *kind,
                    cells: buckets
                        .iter()
                        .map(|b| cell(per.get(b).cloned().unwrap_or_default(), None))
                        .collect(),
                    total: cell(per.values().flatten().cloned().collect(), None),
                })
            })
            .collect();

        // Discipline by form: the discipline forms' facts of the cases with a decision dated
        // in the period.
        let mut args = vec![
            period.start.to_string(),
            period.end.to_string(),
            period.end.to_string(),
        ];
        let sql = format!(
            "SELECT id FROM cases WHERE id IN (SELECT case_id FROM case_decision_dates
               WHERE decided >= ? AND decided <= ?) AND opened <= ?{} ORDER BY opened, number",
            offices_clause("lead", offices, &mut args)
        );
        let ids: Vec<String> = {
            let mut st = conn.prepare(&sql)?;
            st.query_map(params_from_iter(args.iter()), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let set = self.report_forms()?;
        let facts = engine::facts_of(conn, &set, &ids, period.end, &mut |_, _| {})?;
        let mut per_form: BTreeMap<DisciplineForm, (usize, BTreeSet<String>)> = BTreeMap::new();
        let mut disciplined = (0usize, BTreeSet::new());
        for f in &facts {
            let Some((form, date)) = f.decision else {
                continue;
            };
            if !period.contains(date) {
                continue;
            }
            let e = per_form.entry(form).or_default();
            e.0 += 1;
            e.1.insert(f.case_id.clone());
            disciplined.0 += 1;
            disciplined.1.insert(f.case_id.clone());
            refs.insert(
                f.case_id.clone(),
                CaseRef {
                    number: f.number.clone(),
                    title: f.title.clone(),
                },
            );
        }
        // GLOSSARY's order: the members' forms by severity, then the organisations' dissolution.
        let discipline = DisciplineForm::ALL
            .iter()
            .copied()
            .map(|form| {
                let (n, cases) = per_form.remove(&form).unwrap_or_default();
                FormBar {
                    form,
                    cell: cell(cases, Some(n)),
                }
            })
            .collect();

        // Overdue by office, on the period's last day (today if earlier).
        let on = period.end.min(crate::register::today());
        let day = on.to_string();
        let mut args = vec![day.clone(), day.clone(), day.clone()];
        let sql = format!(
            "SELECT id, number, title, lead FROM cases
              WHERE opened <= ? AND deadline IS NOT NULL AND deadline < ?
                AND ((closed IS NULL AND is_open = 1) OR closed > ?){}",
            offices_clause("lead", offices, &mut args)
        );
        let mut per_office: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut in_force: BTreeMap<String, String> = BTreeMap::new();
        {
            let mut st = conn.prepare(&sql)?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (id, number, title, lead) = row?;
                let office = match in_force.get(&lead) {
                    Some(o) => o.clone(),
                    None => {
                        let (o, _) = engine::office_and_level(conn, &set, &lead, on)?;
                        in_force.insert(lead, o.clone());
                        o
                    }
                };
                per_office.entry(office).or_default().insert(id.clone());
                refs.insert(id, CaseRef { number, title });
            }
        }
        let overdue_total = cell(per_office.values().flatten().cloned().collect(), None);
        let mut overdue = Vec::new();
        for (office, cases) in per_office {
            let name = read_office(conn, &office)?
                .map(|o| o.name.as_str().to_string())
                .unwrap_or_else(|| office.clone());
            overdue.push(OfficeBar {
                office,
                name,
                cell: cell(cases, None),
            });
        }
        overdue.sort_by(|a, b| {
            b.cell
                .value
                .cmp(&a.cell.value)
                .then_with(|| crate::text::compare_vi(&a.name, &b.name))
        });

        Ok(ReportCharts {
            period: period.clone(),
            scope: info,
            buckets,
            by_kind,
            opened: cell(opened, None),
            discipline,
            disciplined: cell(disciplined.1, Some(disciplined.0)),
            overdue_on: on,
            overdue,
            overdue_total,
            cases: refs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_of_months_buckets_by_month_and_a_term_by_year() {
        let p = Period::parse("2026-q1", None).unwrap();
        assert_eq!(buckets(&p), vec!["2026-01", "2026-02", "2026-03"]);
        assert_eq!(buckets(&Period::parse("2026", None).unwrap()).len(), 12);
        let t = Period::parse("term-2020-2025", None).unwrap();
        assert_eq!(
            buckets(&t),
            vec!["2020", "2021", "2022", "2023", "2024", "2025"]
        );
    }
}
