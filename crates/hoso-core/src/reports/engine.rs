//! Computing a form: the register's (case, subject) facts as of the period's end, filtered by
//! the form's base query, each row's and each column's query, and the period basis. Every cell
//! keeps the ids of the cases behind it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::forms::{Basis, CountBy, Filter, Form, FormSet, RowDef, RowKind};
use super::period::Period;
use super::{Cell, ReportRow};
use crate::error::Result;
use crate::model::*;
use crate::register::project::{
    case_log, decisions_in_force, read_case, read_office, read_subject,
};

/// What the register says about one subject of one case, as of a date.
#[derive(Debug, Clone)]
pub struct Fact {
    pub case_id: String,
    pub number: String,
    pub title: String,
    pub kind: CaseKind,
    /// The lead office, after mergers the office in force.
    pub office: String,
    pub level: Option<String>,
    pub opened: NaiveDate,
    pub status: CaseStatus,
    pub origin: CaseOrigin,
    pub letter: Option<LetterKind>,
    pub subject: Option<SubjectKind>,
    pub membership: Option<MembershipStatus>,
    pub authority: String,
    pub categories: BTreeSet<String>,
    pub violation_categories: BTreeSet<String>,
    pub conclusion: Option<ConclusionOutcome>,
    pub violation: bool,
    pub discipline_required: bool,
    /// The discipline in force (after appeals) and the date it was decided.
    pub decision: Option<(DisciplineForm, NaiveDate)>,
    pub suspended: bool,
    pub appeal_outcomes: Vec<AppealOutcome>,
    pub turned_into_inspection: bool,
    pub resolved: bool,
}

fn any<T: PartialEq>(want: &Option<Vec<T>>, have: &T) -> bool {
    want.as_ref().is_none_or(|w| w.contains(have))
}

fn flag(want: Option<bool>, have: bool) -> bool {
    want.is_none_or(|w| w == have)
}

impl Filter {
    pub fn matches(&self, f: &Fact) -> bool {
        any(&self.kind, &f.kind)
            && self.subject.is_none_or(|s| f.subject == Some(s))
            && self
                .level
                .as_ref()
                .is_none_or(|w| f.level.as_ref().is_some_and(|l| w.contains(l)))
            && self
                .category
                .as_ref()
                .is_none_or(|w| w.iter().any(|c| f.categories.contains(c)))
            && self
                .violation_category
                .as_ref()
                .is_none_or(|w| w.iter().any(|c| f.violation_categories.contains(c)))
            && self
                .conclusion
                .as_ref()
                .is_none_or(|w| f.conclusion.is_some_and(|c| w.contains(&c)))
            && flag(self.violation, f.violation)
            && flag(self.discipline_required, f.discipline_required)
            && flag(self.disciplined, f.decision.is_some())
            && self
                .form
                .as_ref()
                .is_none_or(|w| f.decision.is_some_and(|(d, _)| w.contains(&d)))
            && flag(self.suspended, f.suspended)
            && flag(self.appeal_resolved, !f.appeal_outcomes.is_empty())
            && self
                .appeal_outcome
                .as_ref()
                .is_none_or(|w| f.appeal_outcomes.iter().any(|o| w.contains(o)))
            && any(&self.origin, &f.origin)
            && any(&self.status, &f.status)
            && self
                .membership
                .as_ref()
                .is_none_or(|w| f.membership.is_some_and(|m| w.contains(&m)))
            && any(&self.authority, &f.authority)
            && flag(self.turned_into_inspection, f.turned_into_inspection)
            && flag(self.resolved, f.resolved)
            && self
                .letter
                .as_ref()
                .is_none_or(|w| f.letter.is_some_and(|l| w.contains(&l)))
            && self.office.as_ref().is_none_or(|o| *o == f.office)
    }
}

/// Progress of a computation: `(done, total)` cases read.
pub type ProgressFn<'a> = &'a mut dyn FnMut(u32, u32);

/// Loads the facts of the cases led by `offices` (None: every case) that the form may count:
/// opened by the period's end, of the form's kinds; for a form counted by the decision's date,
/// only the cases with a discipline decision dated in the period (`case_decision_dates`).
/// `progress` hears `(done, total)` about a hundred times, the last with `done == total`.
pub fn load_facts(
    conn: &Connection,
    set: &FormSet,
    form: &Form,
    period: &Period,
    offices: Option<&[String]>,
    progress: ProgressFn<'_>,
) -> Result<Vec<Fact>> {
    if form.def.structure_only {
        progress(0, 0);
        return Ok(Vec::new());
    }
    let mut sql = String::from("SELECT id FROM cases WHERE opened <= ?");
    let mut args: Vec<String> = vec![period.end.to_string()];
    match form.def.basis {
        Basis::Opened => {
            sql.push_str(" AND opened >= ?");
            args.push(period.start.to_string());
        }
        Basis::Decision => {
            // A subject counts when the decision in force by the period's end is dated in the
            // period: such a decision is in the index, so no other case can count.
            sql.push_str(
                " AND id IN (SELECT case_id FROM case_decision_dates WHERE decided >= ? AND decided <= ?)",
            );
            args.push(period.start.to_string());
            args.push(period.end.to_string());
        }
    }
    if let Some(kinds) = &form.def.base.kind {
        sql.push_str(&format!(
            " AND kind IN ({})",
            vec!["?"; kinds.len()].join(",")
        ));
        args.extend(kinds.iter().map(|k| k.code().to_string()));
    }
    if form.def.base.letter.is_some() {
        sql.push_str(" AND letter IS NOT NULL");
    }
    if form.def.basis == Basis::Decision && form.def.base.kind.is_none() {
        // Supervision never imposes discipline.
        sql.push_str(" AND kind NOT IN ('routine-supervision', 'thematic-supervision')");
    }
    if let Some(offices) = offices {
        sql.push_str(&format!(
            " AND lead IN ({})",
            vec!["?"; offices.len().max(1)].join(",")
        ));
        if offices.is_empty() {
            args.push(String::new());
        }
        args.extend(offices.iter().cloned());
    }
    sql.push_str(" ORDER BY opened, number");
    let ids: Vec<String> = {
        let mut st = conn.prepare(&sql)?;
        st.query_map(params_from_iter(args.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    facts_of(conn, set, &ids, period.end, progress)
}

/// The facts of the cases `ids` as of `end`, reporting `(done, total)` about a hundred times.
pub(crate) fn facts_of(
    conn: &Connection,
    set: &FormSet,
    ids: &[String],
    end: NaiveDate,
    progress: ProgressFn<'_>,
) -> Result<Vec<Fact>> {
    let total = ids.len() as u32;
    let step = (total / 100).max(1);
    progress(0, total);
    let mut offices_cache: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let done = i as u32 + 1;
        if let Some(case) = read_case(conn, id)? {
            let (office, level) = match offices_cache.get(&case.lead) {
                Some(v) => v.clone(),
                None => {
                    let v = office_and_level(conn, set, &case.lead, end)?;
                    offices_cache.insert(case.lead.clone(), v.clone());
                    v
                }
            };
            out.extend(case_facts(conn, &case, office, level, end)?);
        }
        if done.is_multiple_of(step) || done == total {
            progress(done, total);
        }
    }
    Ok(out)
}

/// The office in force that carries a (possibly merged) office's cases, and its level.
pub(crate) fn office_and_level(
    conn: &Connection,
    set: &FormSet,
    code: &str,
    on: NaiveDate,
) -> Result<(String, Option<String>)> {
    let today = crate::register::today().max(on);
    let current = match read_office(conn, code)? {
        Some(o) if !o.valid_on(today) => crate::register::offices::successor_of(conn, code, today)?
            .unwrap_or_else(|| code.to_string()),
        _ => code.to_string(),
    };
    let kind = read_office(conn, &current)?
        .or(read_office(conn, code)?)
        .map(|o| o.kind);
    Ok((
        current,
        kind.and_then(|k| set.level_of(k)).map(str::to_string),
    ))
}

pub(crate) fn case_facts(
    conn: &Connection,
    case: &Case,
    office: String,
    level: Option<String>,
    end: NaiveDate,
) -> Result<Vec<Fact>> {
    let letter: Option<LetterKind> = match &case.letter {
        Some(l) => conn
            .query_row("SELECT kind FROM letters WHERE id = ?1", [l], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|k| k.parse().ok()),
        None => None,
    };
    let findings: Vec<Finding> = case_log(conn, &case.id, "findings")?;
    let conclusions: Vec<Conclusion> = case_log(conn, &case.id, "conclusions")?;
    let conclusion = conclusions.iter().rev().find(|c| c.date <= end);
    let decisions = decisions_in_force(conn, &case.id)?;
    let appeals: Vec<Appeal> = case_log(conn, &case.id, "appeals")?;
    let suspensions: Vec<Suspension> = case_log(conn, &case.id, "suspensions")?;
    let closed_by_end = case.closed.is_some_and(|c| c <= end);

    let base = Fact {
        case_id: case.id.clone(),
        number: case.number.clone(),
        title: case.title.as_str().to_string(),
        kind: case.kind,
        office,
        level,
        opened: case.opened,
        status: case.status,
        origin: case.origin,
        letter,
        subject: None,
        membership: None,
        authority: "none".into(),
        categories: BTreeSet::new(),
        violation_categories: BTreeSet::new(),
        conclusion: None,
        violation: false,
        discipline_required: false,
        decision: None,
        suspended: false,
        appeal_outcomes: Vec::new(),
        turned_into_inspection: false,
        resolved: closed_by_end || conclusion.is_some(),
    };
    if case.subjects.is_empty() {
        return Ok(vec![base]);
    }
    let mut out = Vec::new();
    for sid in &case.subjects {
        let Some(subject) = read_subject(conn, sid)? else {
            continue;
        };
        let mut f = base.clone();
        f.subject = Some(subject.kind);
        f.membership = subject.membership;
        f.authority = subject
            .authority
            .map(|a| a.code().to_string())
            .unwrap_or_else(|| "none".into());
        let prefix = format!("{}.", subject.kind.code());
        f.categories.extend(
            case.categories
                .iter()
                .filter(|c| c.starts_with(&prefix))
                .cloned(),
        );
        for fi in findings.iter().filter(|fi| &fi.subject == sid) {
            if let Some(c) = &fi.category {
                f.categories.insert(c.clone());
                if fi.violated {
                    f.violation_categories.insert(c.clone());
                }
            }
            f.violation |= fi.violated;
        }
        if let Some(sc) = conclusion.and_then(|c| c.subjects.iter().find(|s| &s.subject == sid)) {
            f.conclusion = Some(sc.outcome);
            f.categories.extend(sc.categories.iter().cloned());
            if sc.outcome == ConclusionOutcome::Violation {
                f.violation = true;
                f.violation_categories.extend(sc.categories.iter().cloned());
                f.discipline_required |= sc.discipline_required;
            }
        }
        // The decision in force by the period's end, as the appeals resolved by then left it.
        let decided = decisions
            .iter()
            .map(|(_, d)| d)
            .filter(|d| &d.subject == sid && d.date <= end)
            .max_by_key(|d| d.date);
        let subject_appeals: Vec<&Appeal> = appeals
            .iter()
            .filter(|a| &a.subject == sid && a.filed <= end)
            .collect();
        f.appeal_outcomes = subject_appeals.iter().filter_map(|a| a.outcome).collect();
        if let Some(d) = decided {
            let mut in_force = Some(d.form);
            for a in subject_appeals
                .iter()
                .filter(|a| a.decision_received >= d.date)
            {
                in_force = match (a.outcome, a.new_form) {
                    (Some(AppealOutcome::Annul), _) => None,
                    (Some(AppealOutcome::Increase | AppealOutcome::Reduce), Some(nf)) => Some(nf),
                    _ => in_force,
                };
            }
            f.decision = in_force.map(|form| (form, d.date));
            f.discipline_required = true;
            f.violation = true;
            f.resolved = true;
        }
        f.suspended = suspensions
            .iter()
            .any(|s| &s.subject == sid && s.start <= end);
        if case.kind.is_supervision() {
            f.turned_into_inspection = conn
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM case_subjects cs JOIN cases c ON c.id = cs.case_id
                      WHERE cs.subject_id = ?1 AND c.id <> ?2 AND c.kind = 'inspection-on-signs'
                        AND c.origin = 'found-by-supervision' AND c.opened >= ?3 AND c.opened <= ?4)",
                    rusqlite::params![sid, case.id, case.opened.to_string(), end.to_string()],
                    |r| r.get::<_, bool>(0),
                )?;
        }
        out.push(f);
    }
    Ok(out)
}

pub fn in_period(form: &Form, period: &Period, f: &Fact) -> bool {
    match form.def.basis {
        Basis::Opened => period.contains(f.opened),
        Basis::Decision => f.decision.is_some_and(|(_, d)| period.contains(d)),
    }
}

fn count(form: &Form, facts: &[&Fact]) -> Cell {
    let cases: BTreeSet<&str> = facts.iter().map(|f| f.case_id.as_str()).collect();
    let value = match form.def.count {
        CountBy::Subject => facts.len(),
        CountBy::Case => cases.len(),
    };
    Cell {
        value: Some(value as u32),
        cases: cases.into_iter().map(str::to_string).collect(),
    }
}

/// The rows of a form over `facts`; `roll_up` adds one row per office (name, code) at the end.
pub fn compute_rows(
    form: &Form,
    period: &Period,
    facts: &[Fact],
    roll_up: &[(String, String)],
) -> Vec<ReportRow> {
    let base: Vec<&Fact> = facts
        .iter()
        .filter(|f| form.def.base.matches(f) && in_period(form, period, f))
        .collect();
    let mut defs: Vec<RowDef> = form.rows.clone();
    if !roll_up.is_empty() {
        defs.push(RowDef {
            no: String::new(),
            label: "Chia theo đơn vị chủ trì".into(),
            kind: RowKind::Section,
            when: None,
            sum: vec![],
        });
        for (code, name) in roll_up {
            defs.push(RowDef {
                no: code.clone(),
                label: name.clone(),
                kind: RowKind::Detail,
                when: Some(Filter {
                    office: Some(code.clone()),
                    ..Filter::default()
                }),
                sum: vec![],
            });
        }
    }
    let mut rows: Vec<ReportRow> = Vec::new();
    let mut by_no: BTreeMap<String, usize> = BTreeMap::new();
    for def in &defs {
        let cells: Vec<Cell> = match (def.kind, &def.when) {
            (RowKind::Section, _) => Vec::new(),
            (RowKind::Sum, _) => (0..form.columns.len())
                .map(|i| {
                    let parts: Vec<&Cell> = def
                        .sum
                        .iter()
                        .filter_map(|n| by_no.get(n).map(|r| &rows[*r].cells[i]))
                        .collect();
                    if form.columns[i].when.is_none() || form.def.structure_only {
                        return Cell::default();
                    }
                    let cases: BTreeSet<String> =
                        parts.iter().flat_map(|c| c.cases.iter().cloned()).collect();
                    Cell {
                        value: Some(parts.iter().filter_map(|c| c.value).sum()),
                        cases: cases.into_iter().collect(),
                    }
                })
                .collect(),
            (_, when) => {
                let row_facts: Vec<&Fact> = base
                    .iter()
                    .copied()
                    .filter(|f| when.as_ref().is_none_or(|w| w.matches(f)))
                    .collect();
                form.columns
                    .iter()
                    .map(|c| match (&c.when, form.def.structure_only) {
                        (Some(w), false) => {
                            let hits: Vec<&Fact> =
                                row_facts.iter().copied().filter(|f| w.matches(f)).collect();
                            count(form, &hits)
                        }
                        _ => Cell::default(),
                    })
                    .collect()
            }
        };
        if def.kind == RowKind::Detail && !def.no.is_empty() {
            by_no.insert(def.no.clone(), rows.len());
        }
        rows.push(ReportRow {
            no: def.no.clone(),
            label: def.label.clone(),
            kind: def.kind,
            cells,
        });
    }
    rows
}
