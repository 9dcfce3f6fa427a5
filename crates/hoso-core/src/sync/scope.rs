//! What a peer may receive: the scope units of its cases, plans and subjects, computed from this
//! register's merged state (DESIGN "Sync bundles": the central office gets everything, a
//! province the reference data and the cases where it leads, coordinates or has jurisdiction;
//! a denouncer's identity only to the lead office of that case; an office's report locks to the
//! central office and to that office only).

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use crate::error::Result;

/// The scope units one peer may receive, as this register sees them now.
#[derive(Debug, Clone)]
pub struct PeerScope {
    /// The central office: every unit but other offices' denouncers.
    everything: bool,
    /// Units of a province (cases, plans, subjects, "ref").
    units: HashSet<String>,
    /// Cases the peer (or an office merged into it) leads: their denouncer units.
    led_cases: HashSet<String>,
}

impl PeerScope {
    pub fn contains(&self, unit: &str) -> bool {
        if let Some(case) = unit.strip_prefix("denouncer:") {
            return self.led_cases.contains(case);
        }
        self.everything || self.units.contains(unit)
    }

    /// The units explicitly listed (empty for the central office, which takes everything).
    pub fn units(&self) -> impl Iterator<Item = &str> {
        self.units.iter().map(String::as_str)
    }
}

/// Whether `office` is the central office, as the root-signed roster says (never the synced
/// office list: a province cannot make itself central by editing an office's kind).
pub(crate) fn is_central(conn: &Connection, office: &str) -> Result<bool> {
    Ok(crate::trust::roster::central_office(conn)?.as_deref() == Some(office))
}

/// What `peer` has acknowledged holding: per scope unit, the arrival cut-off (units absent:
/// nothing yet).
pub(crate) fn acked_cutoffs(conn: &Connection, peer: &str) -> Result<HashMap<String, i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT unit, acked_cutoff FROM sync_units WHERE peer = ?1")?;
    let rows = stmt.query_map([peer], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The scope of `peer` computed on this register.
pub fn peer_scope(conn: &Connection, peer: &str) -> Result<PeerScope> {
    let offices = crate::register::offices::with_predecessors(conn, peer)?;
    let everything = is_central(conn, peer)?;
    let list = |sql: &str| -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut stmt = conn.prepare_cached(sql)?;
        for o in &offices {
            let rows = stmt.query_map([o], |r| r.get::<_, String>(0))?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    };
    let led_cases: HashSet<String> = list("SELECT id FROM cases WHERE lead = ?1")?
        .into_iter()
        .collect();
    let mut units = HashSet::new();
    if !everything {
        units.insert("ref".to_string());
        let cases = list("SELECT case_id FROM case_offices WHERE office = ?1")?;
        let plans = list(
            "SELECT id FROM plans WHERE office = ?1
             UNION SELECT i.plan_id FROM plan_items i WHERE i.lead = ?1
             UNION SELECT i.plan_id FROM plan_item_offices o JOIN plan_items i ON i.id = o.item_id
                   WHERE o.office = ?1",
        )?;
        let mut subjects =
            conn.prepare_cached("SELECT subject_id FROM case_subjects WHERE case_id = ?1")?;
        for c in &cases {
            for s in subjects.query_map([c], |r| r.get::<_, String>(0))? {
                units.insert(format!("subject:{}", s?));
            }
        }
        let mut plan_subjects =
            conn.prepare_cached("SELECT subject_id FROM plan_items WHERE plan_id = ?1")?;
        for p in &plans {
            for s in plan_subjects.query_map([p], |r| r.get::<_, String>(0))? {
                units.insert(format!("subject:{}", s?));
            }
        }
        units.extend(cases.into_iter().map(|c| format!("case:{c}")));
        units.extend(plans.into_iter().map(|p| format!("plan:{p}")));
        // Letters the office received, and those a case of its opened from.
        let letters = list(
            "SELECT id FROM letters WHERE office = ?1
             UNION SELECT c.letter FROM cases c JOIN case_offices o ON o.case_id = c.id
                   WHERE o.office = ?1 AND c.letter IS NOT NULL",
        )?;
        units.extend(letters.into_iter().map(|l| format!("letter:{l}")));
        // Its own locks of report figures ("chốt số liệu"): they flow to the central office,
        // and come back only to their office (a full export recovering a restored register),
        // never to another province.
        for o in &offices {
            units.insert(crate::reports::lock::lock_unit(o).0);
        }
        // Overlap records naming the office, with their subjects.
        for o in &offices {
            for (id, subject) in crate::register::overlap_records::records_naming(conn, o)? {
                units.insert(format!("overlap:{id}"));
                units.insert(format!("subject:{subject}"));
            }
        }
    }
    Ok(PeerScope {
        everything,
        units,
        led_cases,
    })
}

/// The cases whose merged history ever named one of `offices` lead or coordinator, as this
/// register knows it: candidates for a scope exit (`authority::scope_exit` decides), including
/// a case an office led only between two transfers and was never sent (it still receives the
/// case up to the transfer that took it away, and with it who leads now: the denouncer it is
/// handed passes on to that office).
pub(crate) fn cases_once_joined(conn: &Connection, offices: &[String]) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    if offices.is_empty() {
        return Ok(out);
    }
    let mut leads = conn.prepare_cached(
        "SELECT f.id, json_extract(o.change, '$.value') FROM oplog_fields f
             JOIN ops o ON o.origin = f.origin AND o.seq = f.seq
         WHERE f.kind = 'case' AND f.field = 'lead'",
    )?;
    let rows = leads.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    for row in rows {
        let (case, lead) = row?;
        if lead.is_some_and(|l| offices.contains(&l)) {
            out.insert(format!("case:{case}"));
        }
    }
    let mut coordinators = conn.prepare_cached(
        "SELECT id FROM oplog_set_elems
         WHERE kind = 'case' AND set_name = 'coordinators' AND element = ?1",
    )?;
    for o in offices {
        let element = serde_json::Value::String(o.clone()).to_string();
        for case in coordinators.query_map([element], |r| r.get::<_, String>(0))? {
            out.insert(format!("case:{}", case?));
        }
    }
    Ok(out)
}
