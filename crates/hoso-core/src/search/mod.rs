//! Case search and listing over the projected query tables.
//!
//! Search text is folded like the index (`text::fold`: lower case, no diacritics, đ→d), split
//! into words, and every word must match the start of an indexed word: "dang uy tinh" finds
//! "Đảng ủy tỉnh", and NFD input finds the same rows as NFC. Results are newest first (opened,
//! then number), unranked and bounded by `limit`: ranking a common word over a large register
//! costs hundreds of milliseconds (SETUP-NOTES.md).
//!
//! API (helper D): `CaseFilter` (all optional: `search`, `kind`, `status`, `office` — lead or
//! coordinating, including the offices merged into it —, `year`, `subject`, `overdue`, `limit`),
//! `Register::list_cases(&CaseFilter) -> Result<Vec<CaseRow>>`, `fts_query(text) -> Option<String>`.

use chrono::NaiveDate;
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
        self.require(Permission::CaseRead)?;
        let (mut sql, mut args) = self.case_query(
            f,
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
        let mut st = self.store().conn().prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
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
        })?;
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
            ) = row?;
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

    /// A page of cases matching `f` (at most `limit`, default 50, from `offset`) with the
    /// number of cases matching in all.
    pub fn case_page(&self, f: &CaseFilter) -> Result<CasePage> {
        let f = CaseFilter {
            limit: Some(f.limit.unwrap_or(50).min(1000)),
            ..f.clone()
        };
        let rows = self.list_cases(&f)?;
        let (sql, args) = self.case_query(&f, "SELECT count(*) FROM cases c WHERE ?1 = ?1")?;
        let total: i64 =
            self.store()
                .conn()
                .query_row(&sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(CasePage {
            rows,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            offset: f.offset.unwrap_or(0),
        })
    }

    /// The filtered query (`select` with `WHERE 1`, `?1` = today) and its arguments.
    fn case_query(&self, f: &CaseFilter, select: &str) -> Result<(String, Vec<SqlValue>)> {
        let today = f.today.unwrap_or_else(today);
        let mut sql = String::from(select);
        let mut args: Vec<SqlValue> = vec![SqlValue::Text(today.to_string())];
        let mut arg = |sql: &mut String, clause: &str, v: SqlValue| {
            args.push(v);
            sql.push_str(&clause.replace("?N", &format!("?{}", args.len())));
        };
        if let Some(q) = f.search.as_deref() {
            match fts_query(q) {
                Some(m) => arg(
                    &mut sql,
                    " AND c.rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?N)",
                    SqlValue::Text(m),
                ),
                None => {
                    return Err(Error::invalid(
                        "search",
                        "give at least one letter or digit",
                    ));
                }
            }
        }
        if let Some(k) = f.kind {
            arg(
                &mut sql,
                " AND c.kind = ?N",
                SqlValue::Text(k.code().into()),
            );
        }
        if let Some(s) = f.status {
            arg(
                &mut sql,
                " AND c.status = ?N",
                SqlValue::Text(s.code().into()),
            );
        }
        if let Some(y) = f.year {
            arg(&mut sql, " AND c.year = ?N", SqlValue::Integer(y.into()));
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
                    " AND c.id IN (SELECT case_id FROM case_offices WHERE office IN (SELECT value FROM json_each(?N)){role})"
                ),
                SqlValue::Text(list),
            );
        }
        if let Some(s) = f.subject.as_deref() {
            let id = self.subject(s)?.id;
            arg(
                &mut sql,
                " AND c.id IN (SELECT case_id FROM case_subjects WHERE subject_id = ?N)",
                SqlValue::Text(id),
            );
        }
        if f.overdue {
            sql.push_str(" AND c.is_open = 1 AND c.deadline IS NOT NULL AND c.deadline < ?1");
        }
        if f.conflict {
            sql.push_str(" AND c.conflict");
        }
        if f.open {
            sql.push_str(" AND c.is_open");
        }
        if f.mine {
            let s = self.session_info();
            let me = serde_json::to_string(&format!("{}/{}", s.office, s.login))
                .expect("a string serialises");
            arg(
                &mut sql,
                " AND c.id IN (SELECT id FROM oplog_set_elems WHERE kind = 'case' AND set_name = 'team' AND live = 1 AND element = ?N)",
                SqlValue::Text(me),
            );
        }
        if let Some(d) = f.due_from {
            arg(
                &mut sql,
                " AND c.is_open = 1 AND c.deadline >= ?N",
                SqlValue::Text(d.to_string()),
            );
        }
        if let Some(d) = f.due_until {
            arg(
                &mut sql,
                " AND c.is_open = 1 AND c.deadline <= ?N",
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
