//! The register's rules (time limits, holiday calendar, limitation periods, content categories)
//! as reference data in the op log: entity `rules/current`, scope `ref`, so they sync to every
//! office like the list of offices.
//!
//! One field per section of [`RulesConfig`] (`time_limits`, `calendar`, `limitation`,
//! `categories`, `overlap`), each holding that section as JSON. Per section rather than one field for the
//! whole document: an edit of the holidays at one office and of a time limit at another merge
//! without a conflict, while two edits of the same section are a recorded conflict (last writer
//! wins, the other stays visible). `RulesConfig::validate` only relates items within a section,
//! so a merge of sections that were each valid stays valid.
//!
//! A section never written reads as the built-in default. Only the central office writes the
//! defaults at `initialise` (pinning them as data that reaches every province); a provincial
//! register does not, because identical default writes from 35 offices would show as concurrent
//! writes (conflicts) on the first sync. `set_rules` writes only the sections that change.

use rusqlite::Connection;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Register, audit, scope_ref};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::oplog::{self, EntityRef, Txn};
use crate::rules::{
    ContentCategory, HolidayCalendar, LimitationRules, OverlapRules, RuleSet, RulesConfig,
    default_categories,
};

pub(crate) const KIND_RULES: &str = "rules";
const RULES_ID: &str = "current";

pub(crate) const TIME_LIMITS: &str = "time_limits";
pub(crate) const CALENDAR: &str = "calendar";
pub(crate) const LIMITATION: &str = "limitation";
pub(crate) const CATEGORIES: &str = "categories";
pub(crate) const OVERLAP: &str = "overlap";

fn rules_ref() -> EntityRef {
    EntityRef::new(KIND_RULES, RULES_ID)
}

/// One section as stored, or its built-in default when never written.
fn section<T: DeserializeOwned>(
    conn: &Connection,
    name: &str,
    default: impl FnOnce() -> T,
) -> Result<T> {
    match oplog::field(conn, &rules_ref(), name)? {
        Some(state) => serde_json::from_value(state.value).map_err(|e| {
            Error::invalid(
                "stored rules",
                format!("section {name} cannot be read: {e}"),
            )
        }),
        None => Ok(default()),
    }
}

pub(crate) fn time_limits(conn: &Connection) -> Result<RuleSet> {
    section(conn, TIME_LIMITS, RuleSet::defaults)
}

pub(crate) fn calendar(conn: &Connection) -> Result<HolidayCalendar> {
    section(conn, CALENDAR, HolidayCalendar::vietnam_default)
}

pub(crate) fn limitation(conn: &Connection) -> Result<LimitationRules> {
    section(conn, LIMITATION, LimitationRules::defaults)
}

pub(crate) fn categories(conn: &Connection) -> Result<Vec<ContentCategory>> {
    section(conn, CATEGORIES, default_categories)
}

pub(crate) fn overlap(conn: &Connection) -> Result<OverlapRules> {
    section(conn, OVERLAP, OverlapRules::defaults)
}

/// The whole document in force in this register.
pub(crate) fn load(conn: &Connection) -> Result<RulesConfig> {
    Ok(RulesConfig {
        time_limits: time_limits(conn)?,
        calendar: calendar(conn)?,
        limitation: limitation(conn)?,
        categories: categories(conn)?,
        overlap: overlap(conn)?,
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Storage(format!("rules to JSON: {e}")))
}

fn sections(config: &RulesConfig) -> Result<[(&'static str, Value); 5]> {
    Ok([
        (TIME_LIMITS, to_json(&config.time_limits)?),
        (CALENDAR, to_json(&config.calendar)?),
        (LIMITATION, to_json(&config.limitation)?),
        (CATEGORIES, to_json(&config.categories)?),
        (OVERLAP, to_json(&config.overlap)?),
    ])
}

/// Writes the sections of `config` that differ from what is in force (or are in conflict, so
/// that saving resolves the conflict). Returns the names of the sections written.
pub(crate) fn write(txn: &mut Txn<'_>, config: &RulesConfig) -> Result<Vec<&'static str>> {
    let e = rules_ref();
    let scope = scope_ref();
    if !oplog::entity_exists(txn.tx(), &e)? {
        // Another office may create it too: concurrent creates of one entity merge.
        txn.create(&scope, &e)?;
    }
    let current = sections(&load(txn.tx())?)?;
    let mut written = Vec::new();
    for ((name, new), (_, effective)) in sections(config)?.into_iter().zip(current) {
        let stored = oplog::field(txn.tx(), &e, name)?;
        let conflict = stored.as_ref().is_some_and(|s| s.is_conflict());
        if new != effective || conflict {
            txn.put(&scope, &e, name, new)?;
            written.push(name);
        }
    }
    Ok(written)
}

/// Pins the built-in defaults as data (the central office's `initialise`).
pub(crate) fn write_defaults(txn: &mut Txn<'_>) -> Result<()> {
    let e = rules_ref();
    let scope = scope_ref();
    txn.create(&scope, &e)?;
    for (name, value) in sections(&RulesConfig::defaults())? {
        txn.put(&scope, &e, name, value)?;
    }
    Ok(())
}

/// A year deadlines need that the holiday calendar does not cover (the dashboard's warning):
/// deadlines counted in working days through it are provisional until the central office
/// publishes its calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarGap {
    pub year: i32,
    /// Open cases whose deadline runs into this year (each marked provisional).
    pub open_cases: u32,
}

impl Register {
    /// Years lacking a holiday calendar among this year, the next (a case opened today may
    /// run into it) and every year an open case's provisional deadline runs into, with how many
    /// open cases each one leaves provisional. Empty when the calendar covers them all.
    pub fn years_without_calendar(&self) -> Result<Vec<CalendarGap>> {
        self.require(Permission::CaseRead)?;
        use chrono::Datelike;
        let cal = calendar(self.conn())?;
        let this_year = super::today().year();
        let mut gaps: std::collections::BTreeMap<i32, u32> = [this_year, this_year + 1]
            .into_iter()
            .filter(|y| !cal.years.contains(y))
            .map(|y| (y, 0))
            .collect();
        let mut st = self.conn().prepare(
            "SELECT opened, deadline FROM cases
                 WHERE is_open AND deadline_provisional = 1 AND deadline IS NOT NULL",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (opened, deadline) = row?;
            let (Ok(opened), Ok(deadline)) = (
                crate::model::parse_date("opened", &opened),
                crate::model::parse_date("deadline", &deadline),
            ) else {
                continue;
            };
            for y in cal.uncovered_years(opened, deadline) {
                *gaps.entry(y).or_default() += 1;
            }
        }
        Ok(gaps
            .into_iter()
            .map(|(year, open_cases)| CalendarGap { year, open_cases })
            .collect())
    }

    /// The rules in force in this register (stored sections, built-in defaults for the rest).
    pub fn rules(&self) -> Result<RulesConfig> {
        load(self.conn())
    }

    /// Replaces the rules (administrators only). The document is validated first; only the
    /// sections that change are written, with an audit entry in the same transaction. Nothing
    /// is written when the document is invalid or nothing changes.
    pub fn set_rules(&mut self, config: RulesConfig) -> Result<()> {
        self.require(Permission::RulesAdmin)?;
        config.validate()?;
        self.write(|txn, s| {
            let written = write(txn, &config)?;
            if written.is_empty() {
                return Ok(());
            }
            audit(
                txn,
                s,
                "rules.update",
                "rules:current",
                serde_json::json!({ "sections": written }),
            )
        })
    }
}
