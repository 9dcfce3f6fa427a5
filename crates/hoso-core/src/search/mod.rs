//! Case search and listing over the projected query tables.
//!
//! Search text is folded like the index (`text::fold`: lower case, no diacritics, đ→d), split
//! into words, and every word must match the start of an indexed word: "dang uy tinh" finds
//! "Đảng ủy tỉnh", and NFD input finds the same rows as NFC. Results are newest first (opened,
//! then number), unranked and bounded by `limit`: ranking a common word over a large register
//! costs hundreds of milliseconds (SETUP-NOTES.md). A word matching a large share of the
//! register is not looked up match by match: the page walks the list's order and keeps the
//! matches (`Found`), and a search alone takes its total from the index.
//!
//! API (helper D): `CaseFilter` (all optional: `search`, `kind`, `status`, `office` — lead or
//! coordinating, including the offices merged into it —, `year`, `subject`, `overdue`, `limit`),
//! `Register::list_cases(&CaseFilter) -> Result<Vec<CaseRow>>`, `fts_query(text) -> Option<String>`.

use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as SqlValue;
use serde::Serialize;

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::{CaseKind, CaseStatus};
use crate::register::{Register, today};
use crate::text::{Text, fold};

/// Filters of `case list`; `Default` lists everything, newest first. Omitted fields (over IPC)
/// mean "no filter".
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CaseFilter {
    pub search: Option<String>,
    pub kind: Option<CaseKind>,
    pub status: Option<CaseStatus>,
    /// Lead or coordinating office (with the offices merged into it).
    pub office: Option<String>,
    /// Lead office only (with the offices merged into it).
    pub lead: Option<String>,
    /// Coordinating office only (with the offices merged into it).
    pub coordinator: Option<String>,
    pub year: Option<i32>,
    pub subject: Option<String>,
    pub overdue: bool,
    /// Only cases with concurrent writes to resolve.
    pub conflict: bool,
    /// Only cases whose inspection team includes the signed-in officer.
    pub mine: bool,
    /// Only open cases (not concluded, archived, transferred or withdrawn).
    pub open: bool,
    /// Only open cases whose deadline falls in `due_from..=due_until` (either bound optional).
    pub due_from: Option<NaiveDate>,
    pub due_until: Option<NaiveDate>,
    /// Default: newest first.
    pub sort: Option<CaseSort>,
    /// Default 1000.
    pub limit: Option<u32>,
    /// Rows to skip (paging), default 0.
    pub offset: Option<u32>,
    /// "Today" for `overdue` (default: the local date); not settable over IPC.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub today: Option<NaiveDate>,
}

/// Orders of a case list; every order ends with the number, so pages never overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum CaseSort {
    /// Opened, newest first.
    #[default]
    Newest,
    /// Case number, ascending.
    Number,
    /// Opened, oldest first.
    Opened,
    /// Deadline, soonest first; cases without one last.
    Deadline,
}

impl CaseSort {
    fn order_by(self) -> &'static str {
        match self {
            CaseSort::Newest => " ORDER BY c.opened DESC, c.number DESC",
            CaseSort::Number => " ORDER BY c.number ASC",
            CaseSort::Opened => " ORDER BY c.opened ASC, c.number ASC",
            CaseSort::Deadline => " ORDER BY c.deadline IS NULL, c.deadline ASC, c.number ASC",
        }
    }
}

/// A page of a case list and how many cases match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
    pub total: u32,
    pub offset: u32,
}

/// One line of a case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseRow {
    pub id: String,
    pub number: String,
    pub kind: CaseKind,
    pub title: Text,
    pub lead: String,
    pub status: CaseStatus,
    pub opened: NaiveDate,
    pub deadline: Option<NaiveDate>,
    /// The deadline runs into a year without a holiday calendar: it may move when the calendar
    /// arrives (shown as provisional).
    pub deadline_provisional: bool,
    pub overdue: bool,
    pub conflict: bool,
}

/// Whether walking the list's order and keeping the `matches` cases that pass a filter reads
/// fewer rows (about (offset + limit) × cases / matches, if they are spread evenly over the
/// order) than looking every match up and sorting them (`matches` rows).
fn walk_is_cheaper(conn: &rusqlite::Connection, f: &CaseFilter, matches: i64) -> Result<bool> {
    if matches == 0 {
        return Ok(false);
    }
    let cases: i64 = conn.query_row("SELECT coalesce(max(rowid), 0) FROM cases", [], |r| {
        r.get(0)
    })?;
    let wanted = i64::from(f.offset.unwrap_or(0)) + i64::from(f.limit.unwrap_or(1000));
    Ok(wanted.saturating_mul(cases) / matches < matches)
}

/// How long a page may walk the list's order before the look-up takes over (matches gathered
/// late in the order make the walk long; see `Register::page`).
const WALK_BUDGET: Duration = Duration::from_millis(10);

/// How a page's rows are read: walking the index of the list's order and keeping the cases
/// that pass the filters, or looking them up through the filters' indexes and sorting them.
#[derive(Clone, Copy)]
enum Plan {
    Walk,
    LookUp,
}

/// Why reading a page's rows stopped.
enum Walked {
    /// The walk ran out of its time budget (SQLite interrupted it).
    OverBudget,
    Failed(Error),
}

impl From<Error> for Walked {
    fn from(e: Error) -> Self {
        Walked::Failed(e)
    }
}

impl From<rusqlite::Error> for Walked {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) => Walked::OverBudget,
            _ => Walked::Failed(e.into()),
        }
    }
}

/// The SQL function that says whether a case (by rowid) is among a search's matches.
const FOUND_FN: &str = "hoso_search_found";

/// How a search takes part in a case query. A common word matches a large share of a national
/// register (a third of a million cases): looking every match up and sorting them for one page
/// of 50 took most of the time, so then the query walks the list in its order and keeps the
/// cases in the set of matches (read once from the index) until the page is full.
enum Found {
    /// No search.
    All,
    /// Few matches: the query looks them up (the MATCH expression).
    Few(String),
    /// Many matches: their rowids in ascending order, tested by [`FOUND_FN`] while the query
    /// walks its order.
    Set(Arc<Vec<i64>>),
}

impl Found {
    /// Makes [`FOUND_FN`] answer from this set for as long as the guard lives.
    fn install<'c>(&self, conn: &'c rusqlite::Connection) -> Result<Option<FoundGuard<'c>>> {
        let Found::Set(set) = self else {
            return Ok(None);
        };
        let set = Arc::clone(set);
        conn.create_scalar_function(
            FOUND_FN,
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
            move |ctx| Ok(set.binary_search(&ctx.get::<i64>(0)?).is_ok()),
        )?;
        Ok(Some(FoundGuard(conn)))
    }
}

/// Drops the search's set from the connection (see [`Found::install`]).
struct FoundGuard<'c>(&'c rusqlite::Connection);

impl Drop for FoundGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.remove_function(FOUND_FN, 1);
    }
}

impl CaseFilter {
    /// Whether anything but the order and the page is set.
    fn has_filter(&self) -> bool {
        self.search.is_some() || self.has_condition()
    }

    /// Whether the search is the only condition (its matches are then the total).
    fn search_only(&self) -> bool {
        self.search.is_some() && !self.has_condition()
    }

    /// Whether a condition other than the search is set.
    fn has_condition(&self) -> bool {
        let CaseFilter {
            search: _,
            kind,
            status,
            office,
            lead,
            coordinator,
            year,
            subject,
            overdue,
            conflict,
            mine,
            open,
            due_from,
            due_until,
            sort: _,
            limit: _,
            offset: _,
            today: _,
        } = self;
        kind.is_some()
            || status.is_some()
            || office.is_some()
            || lead.is_some()
            || coordinator.is_some()
            || year.is_some()
            || subject.is_some()
            || *overdue
            || *conflict
            || *mine
            || *open
            || due_from.is_some()
            || due_until.is_some()
    }
}

/// The FTS5 MATCH expression for user text: folded words, each quoted (no FTS syntax reaches
/// the engine) and prefix-matched, all required. `None` if there is no word.
pub fn fts_query(text: &str) -> Option<String> {
    let folded = fold(Text::new(text).as_str());
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

impl Register {
    /// Cases matching `f`, in its order (newest first by default).
    pub fn list_cases(&self, f: &CaseFilter) -> Result<Vec<CaseRow>> {
        Ok(self.page(f)?.0)
    }

    /// A page of cases matching `f` (at most `limit`, default 50, from `offset`) with the
    /// number of cases matching in all.
    pub fn case_page(&self, f: &CaseFilter) -> Result<CasePage> {
        let f = CaseFilter {
            limit: Some(f.limit.unwrap_or(50).min(1000)),
            ..f.clone()
        };
        let (rows, total) = self.page(&f)?;
        Ok(CasePage {
            rows,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            offset: f.offset.unwrap_or(0),
        })
    }

    /// The rows of `f` (`limit` default 1000) and how many cases match in all.
    fn page(&self, f: &CaseFilter) -> Result<(Vec<CaseRow>, i64)> {
        self.require(Permission::CaseRead)?;
        let found = self.found(f)?;
        let conn = self.store().conn();
        let _matches = found.install(conn)?;
        let total: i64 = match &found {
            // Every case has one row in the index, so the matches are the total.
            Found::Set(set) if f.search_only() => set.len() as i64,
            _ => {
                let (sql, args) = self.case_query(
                    f,
                    &found,
                    Plan::LookUp,
                    "SELECT count(*) FROM cases c WHERE ?1 = ?1",
                )?;
                conn.query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?
            }
        };
        // A filter most cases pass (a kind, the open cases) is cheaper walked in the list's
        // order than looked up and sorted, unless its matches gather late in that order (a
        // recent year sorted by deadline): the walk gets a time budget, then the look-up runs.
        if f.has_filter() && walk_is_cheaper(conn, f, total)? {
            // A timer interrupts the walk once its budget is spent; it is stopped and joined
            // before anything else runs, so no interrupt reaches a later statement.
            let interrupt = conn.get_interrupt_handle();
            let (stop, stopped) = std::sync::mpsc::channel::<()>();
            let timer = std::thread::spawn(move || {
                if stopped.recv_timeout(WALK_BUDGET) == Err(RecvTimeoutError::Timeout) {
                    interrupt.interrupt();
                }
            });
            let walked = self.rows(f, &found, Plan::Walk);
            drop(stop);
            let _ = timer.join();
            match walked {
                Ok(rows) => return Ok((rows, total)),
                Err(Walked::OverBudget) => {}
                Err(Walked::Failed(e)) => return Err(e),
            }
        }
        let rows = self.rows(f, &found, Plan::LookUp).map_err(|e| match e {
            Walked::OverBudget => Error::Storage("the case list was interrupted".into()),
            Walked::Failed(e) => e,
        })?;
        Ok((rows, total))
    }

    /// The rows of `f` read with `plan` (the search's set already installed).
    fn rows(
        &self,
        f: &CaseFilter,
        found: &Found,
        plan: Plan,
    ) -> std::result::Result<Vec<CaseRow>, Walked> {
        let (mut sql, mut args) = self.case_query(
            f,
            found,
            plan,
            "SELECT c.id, c.number, c.kind, c.title, c.lead, c.status, c.opened, c.deadline, c.conflict,
                    (c.is_open AND c.deadline IS NOT NULL AND c.deadline < ?1) AS overdue,
                    c.deadline_provisional
             FROM cases c WHERE 1",
        )?;
        sql.push_str(f.sort.unwrap_or_default().order_by());
        args.push(SqlValue::Integer(f.limit.unwrap_or(1000).into()));
        sql.push_str(&format!(" LIMIT ?{}", args.len()));
        args.push(SqlValue::Integer(f.offset.unwrap_or(0).into()));
        sql.push_str(&format!(" OFFSET ?{}", args.len()));
        let mut st = self.store().conn().prepare(&sql).map_err(Walked::from)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, bool>(8)?,
                    r.get::<_, bool>(9)?,
                    r.get::<_, bool>(10)?,
                ))
            })
            .map_err(Walked::from)?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                number,
                kind,
                title,
                lead,
                status,
                opened,
                deadline,
                conflict,
                overdue,
                deadline_provisional,
            ) = row.map_err(Walked::from)?;
            let date = |s: &str| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|e| Error::Storage(format!("bad date {s}: {e}")))
            };
            out.push(CaseRow {
                id,
                number,
                kind: kind.parse()?,
                title: Text::new(title),
                lead,
                status: status.parse()?,
                opened: date(&opened)?,
                deadline: deadline.as_deref().map(date).transpose()?,
                deadline_provisional,
                overdue,
                conflict,
            });
        }
        Ok(out)
    }

    /// The cases a search matches, and how the query is to use them (see [`Found`]).
    fn found(&self, f: &CaseFilter) -> Result<Found> {
        let Some(q) = f.search.as_deref() else {
            return Ok(Found::All);
        };
        let Some(m) = fts_query(q) else {
            return Err(Error::invalid(
                "search",
                "give at least one letter or digit",
            ));
        };
        let conn = self.store().conn();
        let mut st = conn.prepare_cached("SELECT rowid FROM case_fts WHERE case_fts MATCH ?1")?;
        let mut set: Vec<i64> = st
            .query_map([&m], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // FTS5 returns them in rowid order already; sorting sorted input is one pass.
        set.sort_unstable();
        Ok(if walk_is_cheaper(conn, f, set.len() as i64)? {
            Found::Set(Arc::new(set))
        } else {
            Found::Few(m)
        })
    }

    /// The filtered query (`select` with `WHERE 1`, `?1` = today) and its arguments.
    fn case_query(
        &self,
        f: &CaseFilter,
        found: &Found,
        plan: Plan,
        select: &str,
    ) -> Result<(String, Vec<SqlValue>)> {
        let today = f.today.unwrap_or_else(today);
        // Walking: a unary `+` keeps SQLite from using an index for the filter, so that the
        // only index it can use is the one of the list's order.
        let p = match plan {
            Plan::Walk => "+",
            Plan::LookUp => "",
        };
        let mut sql = String::from(select);
        let mut args: Vec<SqlValue> = vec![SqlValue::Text(today.to_string())];
        let mut arg = |sql: &mut String, clause: &str, v: SqlValue| {
            args.push(v);
            sql.push_str(&clause.replace("?N", &format!("?{}", args.len())));
        };
        match found {
            Found::All => {}
            Found::Few(m) => arg(
                &mut sql,
                &format!(" AND {p}c.rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?N)"),
                SqlValue::Text(m.clone()),
            ),
            Found::Set(_) => sql.push_str(&format!(" AND {FOUND_FN}(c.rowid)")),
        }
        if let Some(k) = f.kind {
            arg(
                &mut sql,
                &format!(" AND {p}c.kind = ?N"),
                SqlValue::Text(k.code().into()),
            );
        }
        if let Some(s) = f.status {
            arg(
                &mut sql,
                &format!(" AND {p}c.status = ?N"),
                SqlValue::Text(s.code().into()),
            );
        }
        if let Some(y) = f.year {
            arg(
                &mut sql,
                &format!(" AND {p}c.year = ?N"),
                SqlValue::Integer(y.into()),
            );
        }
        for (office, role) in [
            (&f.office, ""),
            (&f.lead, " AND role = 'lead'"),
            (&f.coordinator, " AND role = 'coordinating'"),
        ] {
            let Some(o) = office.as_deref() else { continue };
            let code = self.office(o)?.code;
            let line = crate::register::offices_with_predecessors(self, &code)?;
            let list = serde_json::to_string(&line).expect("strings serialise");
            arg(
                &mut sql,
                &format!(
                    " AND {p}c.id IN (SELECT case_id FROM case_offices WHERE office IN (SELECT value FROM json_each(?N)){role})"
                ),
                SqlValue::Text(list),
            );
        }
        if let Some(s) = f.subject.as_deref() {
            let id = self.subject(s)?.id;
            arg(
                &mut sql,
                &format!(
                    " AND {p}c.id IN (SELECT case_id FROM case_subjects WHERE subject_id = ?N)"
                ),
                SqlValue::Text(id),
            );
        }
        if f.overdue {
            sql.push_str(&format!(
                " AND {p}c.is_open = 1 AND {p}c.deadline IS NOT NULL AND {p}c.deadline < ?1"
            ));
        }
        if f.conflict {
            sql.push_str(&format!(" AND {p}c.conflict"));
        }
        if f.open {
            sql.push_str(&format!(" AND {p}c.is_open"));
        }
        if f.mine {
            let s = self.session_info();
            let me = serde_json::to_string(&format!("{}/{}", s.office, s.login))
                .expect("a string serialises");
            arg(
                &mut sql,
                &format!(
                    " AND {p}c.id IN (SELECT id FROM oplog_set_elems WHERE kind = 'case' AND set_name = 'team' AND live = 1 AND element = ?N)"
                ),
                SqlValue::Text(me),
            );
        }
        if let Some(d) = f.due_from {
            arg(
                &mut sql,
                &format!(" AND {p}c.is_open = 1 AND {p}c.deadline >= ?N"),
                SqlValue::Text(d.to_string()),
            );
        }
        if let Some(d) = f.due_until {
            arg(
                &mut sql,
                &format!(" AND {p}c.is_open = 1 AND {p}c.deadline <= ?N"),
                SqlValue::Text(d.to_string()),
            );
        }
        Ok((sql, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_folded_quoted_and_prefixed() {
        assert_eq!(
            fts_query("Đảng ủy tỉnh").unwrap(),
            "\"dang\"* \"uy\"* \"tinh\"*"
        );
        // NFD input gives the same query.
        assert_eq!(fts_query("\u{110}a\u{309}ng"), fts_query("Đảng"));
        // FTS syntax is not passed through.
        assert_eq!(fts_query("a\" OR b*").unwrap(), "\"a\"* \"or\"* \"b\"*");
        assert!(fts_query(" -- ").is_none());
    }
}
