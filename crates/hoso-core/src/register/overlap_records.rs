//! Overlap records: an overlap written down (trùng dẫm, chồng chéo), so that it reaches every
//! office involved and its settlement clears it everywhere once synced.
//!
//! An office can only compute the overlaps it can see: a province never receives another
//! office's plan. So the central office, which sees every plan and case, writes a **notice** for
//! each overlap (`Register::notify_overlaps`): a record in its own scope unit `overlap:<id>`
//! naming the subject, the offices and each piece of work (office, kind, period, reference),
//! which syncs to exactly the offices it names. Any office involved (or the central office)
//! records how it was **settled** on that record — one lead kept, work moved, or kept with a
//! reason — and the overlap disappears from every office's list once the settlement arrives.
//! Authority (`crate::authority`): a record is written only by the offices it names and the
//! central office.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::plans::{Overlap, Work};
use super::project::{Fields, exec};
use super::{Register, audit, new_id, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::oplog::{self, EntityRef, ScopeUnit};
use crate::text::Text;

pub const KIND_OVERLAP: &str = "overlap";

/// How an overlap was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum SettlementOutcome {
    /// One office keeps the lead; the others coordinate or drop their work.
    OneLead,
    /// The work was moved to another period.
    Moved,
    /// All work stays, for a recorded reason.
    Kept,
}

impl std::str::FromStr for SettlementOutcome {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_string())).map_err(|_| {
            Error::invalid(
                "settlement outcome",
                format!("unknown value '{s}'; allowed: one-lead, moved, kept"),
            )
        })
    }
}

/// What an officer records when settling an overlap.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub outcome: SettlementOutcome,
    /// The office that keeps the lead (`one-lead`).
    pub lead: Option<String>,
    pub reason: Text,
}

fn scope(id: &str) -> ScopeUnit {
    ScopeUnit::new(format!("overlap:{id}"))
}

fn entity(id: &str) -> EntityRef {
    EntityRef::new(KIND_OVERLAP, id)
}

/// `source:reference` of each piece of work, sorted: what identifies an overlap.
fn refs(works: &[Work]) -> BTreeSet<String> {
    works
        .iter()
        .map(|w| format!("{}:{}", w.source, w.reference))
        .collect()
}

/// One stored record, as projected.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: String,
    pub subject: String,
    pub works: Vec<Work>,
    pub offices: Vec<String>,
    pub settled: bool,
}

impl Record {
    fn refs(&self) -> BTreeSet<String> {
        refs(&self.works)
    }
}

/// Every overlap record this register holds.
pub(crate) fn records(conn: &Connection) -> Result<Vec<Record>> {
    let mut st = conn.prepare(
        "SELECT id, subject_id, works, offices, outcome FROM overlap_records ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, subject, works, offices, outcome) = row?;
        out.push(Record {
            id,
            subject,
            works: serde_json::from_str(&works).unwrap_or_default(),
            offices: serde_json::from_str(&offices).unwrap_or_default(),
            settled: outcome.is_some(),
        });
    }
    Ok(out)
}

/// Combines the overlaps this register computed with the records it holds: a settled record
/// clears every computed overlap whose work it covers; an open record is attached to the
/// computed overlap it covers, or shown by itself when this register cannot see the other
/// offices' work (a province and another office's plan). Records whose work all ended before
/// today are history.
pub(crate) fn merge_with_records(
    conn: &Connection,
    computed: Vec<Overlap>,
) -> Result<Vec<Overlap>> {
    let records = records(conn)?;
    let today = today();
    let mut out: Vec<Overlap> = Vec::new();
    let mut shown: BTreeSet<String> = BTreeSet::new();
    for mut o in computed {
        let mine = refs(&o.works);
        let covering = records
            .iter()
            .filter(|r| r.subject == o.subject && mine.is_subset(&r.refs()));
        let mut settled = false;
        for r in covering {
            settled |= r.settled;
            if !r.settled && o.record.is_none() {
                o.record = Some(r.id.clone());
                shown.insert(r.id.clone());
            }
        }
        if !settled {
            out.push(o);
        }
    }
    for r in records
        .iter()
        .filter(|r| !r.settled && !shown.contains(&r.id))
    {
        if r.works.iter().all(|w| w.end.is_some_and(|e| e < today)) {
            continue;
        }
        let mut kinds: Vec<_> = r.works.iter().map(|w| w.kind).collect();
        kinds.sort();
        kinds.dedup();
        let subject_name = super::project::read_subject(conn, &r.subject)?
            .map(|s| s.name)
            .unwrap_or_default();
        out.push(Overlap {
            subject: r.subject.clone(),
            subject_name,
            kinds,
            offices: r.offices.clone(),
            works: r.works.clone(),
            record: Some(r.id.clone()),
        });
    }
    Ok(out)
}

impl Register {
    /// Writes a notice for every current overlap that no record covers yet, so that each office
    /// involved learns of it (and of the other offices) with its next bundle. Meant for the
    /// central office, which sees every office's work. Returns how many notices were written.
    pub fn notify_overlaps(&mut self) -> Result<usize> {
        self.require(Permission::PlanWrite)?;
        let pending: Vec<Overlap> = self
            .overlaps()?
            .into_iter()
            .filter(|o| o.record.is_none())
            .collect();
        if pending.is_empty() {
            return Ok(0);
        }
        let n = pending.len();
        self.write(|txn, s| {
            for o in &pending {
                write_record(txn, o)?;
            }
            audit(
                txn,
                s,
                "overlap.notify",
                "overlaps",
                serde_json::json!({ "notices": n }),
            )
        })?;
        Ok(n)
    }

    /// Records how the current overlap on `subject` (or the overlap record `subject` names) was
    /// settled; it then clears at every office involved once synced. An office settles only an
    /// overlap it is involved in (or any, at the central office).
    pub fn settle_overlap(&mut self, key: &str, s: Settlement) -> Result<String> {
        self.require(Permission::PlanWrite)?;
        let key = key.trim();
        let reason = Text::new(s.reason.as_str().trim());
        if reason.is_empty() {
            return Err(Error::invalid("reason", "say how and why it was settled"));
        }
        let lead = match (s.outcome, s.lead.as_deref()) {
            (SettlementOutcome::OneLead, Some(l)) => Some(crate::model::normalise_office_code(l)?),
            (SettlementOutcome::OneLead, None) => {
                return Err(Error::invalid(
                    "lead",
                    "name the office that keeps the lead",
                ));
            }
            (_, Some(_)) => {
                return Err(Error::invalid(
                    "lead",
                    "only a settlement that keeps one lead names it",
                ));
            }
            (_, None) => None,
        };
        let matching: Vec<Overlap> = self
            .overlaps()?
            .into_iter()
            .filter(|o| o.subject == key || o.record.as_deref() == Some(key))
            .collect();
        let overlap = match matching.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(Error::NotFound {
                    entity: "overlap",
                    key: key.to_string(),
                });
            }
            _ => {
                return Err(Error::invalid(
                    "overlap",
                    format!("{key} has several overlaps: name the record to settle"),
                ));
            }
        };
        if let Some(l) = &lead
            && !overlap.offices.contains(l)
        {
            return Err(Error::invalid(
                "lead",
                format!("{l} is not one of the offices involved"),
            ));
        }
        self.write(|txn, session| {
            let id = match &overlap.record {
                Some(id) => id.clone(),
                None => write_record(txn, &overlap)?,
            };
            let (sc, e) = (scope(&id), entity(&id));
            txn.put(
                &sc,
                &e,
                "outcome",
                serde_json::to_value(s.outcome).expect("serialises"),
            )?;
            txn.put(&sc, &e, "lead", lead.clone())?;
            txn.put(&sc, &e, "reason", reason.as_str())?;
            txn.put(&sc, &e, "settled_on", today().to_string())?;
            audit(
                txn,
                session,
                "overlap.settle",
                &format!("overlap:{id}"),
                serde_json::json!({ "outcome": s.outcome, "lead": lead }),
            )?;
            Ok(id)
        })
    }
}

/// Writes a new record for `o`; returns its id.
fn write_record(txn: &mut oplog::Txn<'_>, o: &Overlap) -> Result<String> {
    let id = new_id();
    let (sc, e) = (scope(&id), entity(&id));
    txn.create(&sc, &e)?;
    txn.put(&sc, &e, "subject", o.subject.as_str())?;
    txn.put(
        &sc,
        &e,
        "offices",
        serde_json::to_value(&o.offices).expect("serialises"),
    )?;
    txn.put(
        &sc,
        &e,
        "works",
        serde_json::to_value(&o.works).expect("serialises"),
    )?;
    Ok(id)
}

pub(crate) fn project_overlap(tx: &Connection, id: &str) -> Result<()> {
    exec(tx, "DELETE FROM overlap_records WHERE id = ?1", [id])?;
    let e = entity(id);
    if !oplog::entity_exists(tx, &e)? {
        return Ok(());
    }
    let f = Fields::load(tx, &e)?;
    let (Some(subject), Some(offices), Some(works)) = (
        f.get::<String>("subject"),
        f.get::<Vec<String>>("offices"),
        f.get::<Vec<Work>>("works"),
    ) else {
        return Ok(());
    };
    let outcome = f.get::<SettlementOutcome>("outcome").map(|o| {
        serde_json::to_value(o)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    });
    exec(
        tx,
        "INSERT INTO overlap_records(id, subject_id, offices, works, outcome, lead, reason,
                                     settled_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            subject,
            serde_json::to_string(&offices).expect("serialises"),
            serde_json::to_string(&works).expect("serialises"),
            outcome,
            f.get::<String>("lead"),
            f.text("reason").map(|t| t.to_string()),
            f.get::<NaiveDate>("settled_on").map(|d| d.to_string()),
        ],
    )?;
    Ok(())
}

/// The overlap records that name `office` (scope: they sync to the offices they name).
pub(crate) fn records_naming(conn: &Connection, office: &str) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT r.id, r.subject_id FROM overlap_records r
             WHERE EXISTS (SELECT 1 FROM json_each(r.offices) WHERE value = ?1)",
    )?;
    let rows = st.query_map([office], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
