//! Who may write what: the one authority function every office applies alike, on its own writes
//! and on every imported operation (DESIGN "Authority"). A valid signature proves who wrote an
//! op, not that its office was allowed to.
//!
//! Two levels:
//! - [`admit`]: rules that hold whatever a unit's history — reference data, the office list and
//!   the rules only from the central office; an office's officers only from that office; every
//!   entity in its own scope unit. An op failing them is refused (`op-not-authorised`): a local
//!   write fails, an import is refused whole, nothing applied.
//! - [`verdicts`]: rules that depend on a case's or plan's history — the lead office, the
//!   coordinators and the plan's owner at the op's clock. They are decided from the unit's op
//!   set alone, folding its ops in merge order (hlc, origin, seq), so every office reaches the
//!   same verdict whatever the arrival order. An op they do not allow stays in the log without
//!   effect (`oplog::effect`), listed for officers; a later op (a coordinator added on a lost
//!   stick) can make it count.
//!
//! Whether an origin is the central office comes from the root-signed roster
//! (`trust::roster::central_office`), never from synced data.
//!
//! The rules for a case (`case:<id>` and its `denouncer:<id>` unit):
//! - the first `create` makes its origin the case's creator; until a lead is set, the creator
//!   writes the case's fields;
//! - the lead office and the central office write every field, the lead and the coordinator
//!   set, the subjects, decisions and appeals, and delete the case;
//! - a coordinating office adds timeline entries, findings and documents, and its own officers
//!   to the team (team members are `office/login`);
//! - the denouncer (its identity and its documents) is written by the lead office only.
//!
//! A plan (`plan:<id>` with its items): the office that created it and the central office.
//! A letter (`letter:<id>`): the office that received it (created it) and the central office.
//! An overlap record (`overlap:<id>`): the offices it named when created, and the central
//! office.
//! Subjects are shared records of people and organisations: any certified office.
//! A report lock (`report-lock`, id `OFFICE/SCOPE/FORM/PERIOD` in the unit
//! `report-lock:OFFICE`): the office whose figures they are, only; SCOPE is that office, or `*`
//! (the roll-up of every office) for the central office. Not even the central office writes a
//! province's lock, and a lock is never deleted (it is renewed).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::oplog::{self, Change, EntityRef, Op, OpId, ScopeUnit, change_target};
use crate::register::Register;
use crate::register::letters::KIND_LETTER;
use crate::register::overlap_records::KIND_OVERLAP;
use crate::register::project::{
    KIND_CASE, KIND_DENOUNCER, KIND_OFFICE, KIND_OFFICER, KIND_PLAN, KIND_PLAN_ITEM, KIND_SUBJECT,
};
use crate::reports::lock::{KIND_REPORT_LOCK, ROLL_UP, lock_id_parts};
use crate::trust::roster::central_office;

/// The kind of the rules entity (reference data).
const KIND_RULES: &str = "rules";
/// Logs a coordinating office may append to: its own contributions to the case.
const COORDINATOR_LOGS: &[&str] = &["timeline", "findings", "documents"];

fn refused(op: &Op, reason: impl Into<String>) -> Error {
    Error::OpNotAuthorised {
        origin: op.id.origin.clone(),
        entity: op.entity.to_string(),
        field: change_target(&op.change),
        reason: reason.into(),
    }
}

/// The rules no history can change (see the module docs). `central`: the central office's code
/// from the roster (`None` before the set-up bundle: then no office may write reference data).
pub fn admit_with(central: Option<&str>, op: &Op) -> Result<()> {
    let origin = op.id.origin.as_str();
    let scope = op.scope.as_str();
    let id = op.entity.id.as_str();
    let in_unit = |prefix: &str| scope.strip_prefix(prefix) == Some(id);
    match op.entity.kind.as_str() {
        KIND_OFFICE | KIND_RULES => {
            if scope != "ref" {
                return Err(refused(op, "reference data belongs to the unit \"ref\""));
            }
            if central != Some(origin) {
                return Err(refused(
                    op,
                    "only the central office writes the office list and the rules",
                ));
            }
        }
        KIND_OFFICER => {
            if scope != "ref" {
                return Err(refused(op, "officers belong to the unit \"ref\""));
            }
            if id.split_once('/').map(|(office, _)| office) != Some(origin) {
                return Err(refused(op, "an office manages only its own officers"));
            }
        }
        KIND_SUBJECT if !in_unit("subject:") => {
            return Err(refused(op, "a subject belongs to its own unit"));
        }
        KIND_CASE if !in_unit("case:") => {
            return Err(refused(op, "a case belongs to its own unit"));
        }
        KIND_DENOUNCER if !in_unit("denouncer:") => {
            return Err(refused(
                op,
                "a denouncer belongs to its case's denouncer unit",
            ));
        }
        KIND_PLAN if !in_unit("plan:") => {
            return Err(refused(op, "a plan belongs to its own unit"));
        }
        KIND_PLAN_ITEM if !scope.starts_with("plan:") => {
            return Err(refused(op, "a plan item belongs to its plan's unit"));
        }
        KIND_OVERLAP if !in_unit("overlap:") => {
            return Err(refused(op, "an overlap record belongs to its own unit"));
        }
        KIND_LETTER if !in_unit("letter:") => {
            return Err(refused(op, "a letter belongs to its own unit"));
        }
        KIND_REPORT_LOCK => {
            let Some((office, figures, _, _)) = lock_id_parts(id) else {
                return Err(refused(
                    op,
                    "a report lock is named office/scope/form/period",
                ));
            };
            if scope.strip_prefix("report-lock:") != Some(office) {
                return Err(refused(op, "a report lock belongs to its office's unit"));
            }
            if origin != office {
                return Err(refused(
                    op,
                    "only the office whose figures they are locks them",
                ));
            }
            if figures != office && !(figures == ROLL_UP && central == Some(origin)) {
                return Err(refused(
                    op,
                    "an office locks its own figures; the roll-up of every office is the central office's",
                ));
            }
            if matches!(op.change, Change::Delete) {
                return Err(refused(op, "a lock is renewed, never deleted"));
            }
        }
        KIND_SUBJECT | KIND_CASE | KIND_DENOUNCER | KIND_PLAN | KIND_PLAN_ITEM | KIND_OVERLAP
        | KIND_LETTER => {}
        other => {
            return Err(refused(op, format!("unknown kind of record \"{other}\"")));
        }
    }
    Ok(())
}

/// [`admit_with`] with the central office this register's roster names, and: a record created
/// by one office cannot be created again by another. (A case's id reaches another office only
/// after its creation, through the central office, which holds the first `create`: a second one,
/// clocked earlier to claim the case, is refused there and never relayed.)
pub fn admit(tx: &Connection, op: &Op) -> Result<()> {
    admit_with(central_office(tx)?.as_deref(), op)?;
    // Cases, plans and overlap records belong to their creator (or lead): a second `create` is
    // a claim. A denouncer record may be created by a former lead and by the new one alike
    // (authority over it follows the lead), and a subject by any office.
    let claimable = ["case:", "plan:", "overlap:"]
        .iter()
        .any(|p| op.scope.as_str().starts_with(p));
    if matches!(op.change, Change::Create) && claimable {
        let created_elsewhere = tx
            .prepare_cached(
                "SELECT 1 FROM ops WHERE scope = ?1 AND kind = ?2 AND entity_id = ?3
                 AND origin <> ?4 AND change = '{\"type\":\"create\"}' LIMIT 1",
            )?
            .exists(rusqlite::params![
                op.scope.as_str(),
                op.entity.kind,
                op.entity.id,
                op.id.origin
            ])?;
        if created_elsewhere {
            return Err(refused(op, "it was created by another office"));
        }
    }
    Ok(())
}

/// Who holds authority over one case at one point of its history.
#[derive(Debug, Default, Clone)]
struct CaseAuthority {
    /// The office of the first `create` and its transaction.
    creator: Option<(String, u64)>,
    lead: Option<String>,
    /// Coordinating office → the live tags of its adds.
    coordinators: BTreeMap<String, BTreeSet<OpId>>,
    /// Authority as it stood when the current transaction (origin, txn) began: one user
    /// action is decided as a whole (a lead handing the case over writes its timeline note in
    /// the same transaction).
    at_txn_start: Option<((String, u64), Box<CaseAuthority>)>,
}

impl CaseAuthority {
    fn is_coordinator(&self, office: &str) -> bool {
        self.coordinators.get(office).is_some_and(|t| !t.is_empty())
    }

    /// The lead office, the central office, or the creator (in its creating transaction, or
    /// while no lead is set).
    fn governs(&self, office: &str, txn: u64, central: Option<&str>) -> bool {
        let creator = self.creator.as_ref().filter(|(o, _)| o == office);
        central == Some(office)
            || self.lead.as_deref() == Some(office)
            || creator.is_some_and(|(_, t)| *t == txn || self.lead.is_none())
    }

    /// Decides `op` (an op on the case entity) and, if allowed, folds its effect on authority.
    fn decide(&mut self, op: &Op, central: Option<&str>) -> Option<String> {
        let origin = op.id.origin.as_str();
        if matches!(op.change, Change::Create) && self.creator.is_none() {
            self.creator = Some((origin.to_string(), op.txn));
        }
        let key = (origin.to_string(), op.txn);
        if self.at_txn_start.as_ref().is_none_or(|(k, _)| *k != key) {
            let mut start = self.clone();
            start.at_txn_start = None;
            self.at_txn_start = Some((key, Box::new(start)));
        }
        let start = &self.at_txn_start.as_ref().expect("set above").1;
        let governs = start.governs(origin, op.txn, central);
        let coordinates = start.is_coordinator(origin);
        let verdict = match &op.change {
            Change::Create | Change::Delete | Change::Put { .. } => {
                (!governs).then_some("only the lead office or the central office edits the case")
            }
            Change::Add { set, element } | Change::Remove { set, element, .. }
                if set == "team" =>
            {
                let member_office = team_member_office(element, origin);
                if member_office != origin {
                    Some("an office puts only its own officers on a team")
                } else if !(governs || coordinates) {
                    Some("only the lead or a coordinating office staffs the case")
                } else {
                    None
                }
            }
            Change::Add { .. } | Change::Remove { .. } => (!governs).then_some(
                "only the lead office or the central office changes the case's offices and subjects",
            ),
            Change::Append { log, .. } => {
                let contributes = COORDINATOR_LOGS.contains(&log.as_str()) && coordinates;
                (!(governs || contributes)).then_some(
                    "only the lead office or the central office records this; coordinating offices add timeline entries, findings and documents",
                )
            }
        };
        if verdict.is_some() {
            return verdict.map(String::from);
        }
        match &op.change {
            Change::Put { field, value, .. } if field == "lead" => {
                self.lead = value.as_str().map(String::from);
            }
            Change::Add { set, element } if set == "coordinators" => {
                if let Some(o) = element.as_str() {
                    self.coordinators
                        .entry(o.to_string())
                        .or_default()
                        .insert(op.id.clone());
                }
            }
            Change::Remove {
                set,
                element,
                observed,
            } if set == "coordinators" => {
                if let Some(tags) = element.as_str().and_then(|o| self.coordinators.get_mut(o)) {
                    for t in observed {
                        tags.remove(t);
                    }
                }
            }
            _ => {}
        }
        None
    }
}

/// The office of a team member: `office/login`; a bare login (written before team members were
/// qualified) belongs to the office that added it.
pub fn team_member_office<'a>(element: &'a Value, origin: &'a str) -> &'a str {
    match element.as_str().and_then(|s| s.split_once('/')) {
        Some((office, _)) => office,
        None => origin,
    }
}

/// The verdicts on one unit's ops: op id → why it has no effect (allowed ops are absent).
/// `history` in merge order; `case_history` for a denouncer unit: its case's ops.
fn unit_verdicts(
    scope: &ScopeUnit,
    history: &[Op],
    case_history: Option<&[Op]>,
    central: Option<&str>,
) -> BTreeMap<OpId, String> {
    let mut denied = BTreeMap::new();
    let unit = scope.as_str();
    if unit.starts_with("case:") {
        let mut auth = CaseAuthority::default();
        for op in history {
            if let Some(reason) = auth.decide(op, central) {
                denied.insert(op.id.clone(), reason);
            }
        }
    } else if unit.starts_with("denouncer:") {
        // The lead at each denouncer op's clock, from the case's own (authorised) history.
        let case_ops = case_history.unwrap_or(&[]);
        let mut auth = CaseAuthority::default();
        let mut i = 0;
        for op in history {
            while i < case_ops.len() && merge_key(&case_ops[i]) < merge_key(op) {
                auth.decide(&case_ops[i], central);
                i += 1;
            }
            if auth.lead.as_deref() != Some(op.id.origin.as_str()) {
                denied.insert(
                    op.id.clone(),
                    "only the lead office of the case records its denouncer".to_string(),
                );
            }
        }
    } else if unit.starts_with("overlap:") {
        // The offices the record named when it was created, and the central office.
        let create = history
            .iter()
            .find(|o| matches!(o.change, Change::Create))
            .map(|o| (o.id.origin.as_str(), o.txn));
        let named: Vec<String> = create
            .and_then(|(origin, txn)| {
                history.iter().find_map(|o| match &o.change {
                    Change::Put { field, value, .. }
                        if field == "offices" && o.id.origin == origin && o.txn == txn =>
                    {
                        serde_json::from_value(value.clone()).ok()
                    }
                    _ => None,
                })
            })
            .unwrap_or_default();
        let creator_allowed = create.is_some_and(|(origin, _)| {
            central == Some(origin) || named.iter().any(|n| n == origin)
        });
        for op in history {
            let origin = op.id.origin.as_str();
            let allowed =
                creator_allowed && (central == Some(origin) || named.iter().any(|n| n == origin));
            if !allowed {
                denied.insert(
                    op.id.clone(),
                    "only the offices an overlap names and the central office record it"
                        .to_string(),
                );
            }
        }
    } else if unit.starts_with("plan:") {
        let owner = history
            .iter()
            .find(|o| o.entity.kind == KIND_PLAN && matches!(o.change, Change::Create))
            .map(|o| o.id.origin.clone());
        for op in history {
            let origin = op.id.origin.as_str();
            if owner.as_deref() != Some(origin) && central != Some(origin) {
                denied.insert(
                    op.id.clone(),
                    "only the office that owns the plan or the central office edits it".to_string(),
                );
            }
        }
    } else if unit.starts_with("letter:") {
        // A letter: the office that received it (its creator) and the central office.
        let owner = history
            .iter()
            .find(|o| o.entity.kind == KIND_LETTER && matches!(o.change, Change::Create))
            .map(|o| o.id.origin.clone());
        for op in history {
            let origin = op.id.origin.as_str();
            if owner.as_deref() != Some(origin) && central != Some(origin) {
                denied.insert(
                    op.id.clone(),
                    "only the office that received the letter or the central office records it"
                        .to_string(),
                );
            }
        }
    }
    denied
}

/// Where a case left the scope of an office: the transaction (by its last op's clock, origin
/// and txn) that stopped `offices` leading or coordinating it. `None` while the case is in their
/// scope, or if it never was, or for units that are not cases. That office still receives the
/// case's history up to and including this transaction (so it learns that it was removed), and
/// nothing after it (DESIGN "Authority": scope is need-to-know).
pub fn scope_exit(
    conn: &rusqlite::Connection,
    unit: &ScopeUnit,
    offices: &[String],
) -> Result<Option<ScopeExit>> {
    if !unit.as_str().starts_with("case:") {
        return Ok(None);
    }
    let central = central_office(conn)?;
    let history = oplog::effect::unit_history(conn, unit)?;
    let mut auth = CaseAuthority::default();
    let (mut inside, mut exit) = (false, None);
    for op in &history {
        auth.decide(op, central.as_deref());
        let now = offices
            .iter()
            .any(|o| auth.lead.as_deref() == Some(o.as_str()) || auth.is_coordinator(o));
        if inside && !now {
            exit = Some(ScopeExit {
                hlc: op.hlc,
                origin: op.id.origin.clone(),
                txn: op.txn,
            });
        }
        if now {
            exit = None;
        }
        inside = now;
    }
    Ok(exit)
}

/// See [`scope_exit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeExit {
    pub hlc: oplog::Hlc,
    pub origin: String,
    pub txn: u64,
}

impl ScopeExit {
    /// Whether `op` is part of the history the departed office still receives.
    pub fn covers(&self, op: &Op) -> bool {
        op.hlc <= self.hlc || (op.id.origin == self.origin && op.txn == self.txn)
    }
}

/// Whether one transaction (its ops) may take a case out of an office's scope: it removes a
/// coordinator, deletes a case, or changes the lead of a case it did not create (the writer cuts
/// its segments after such a transaction, so that a relay can send a departed office exactly
/// that far). Naming the first lead of a new case takes it out of nobody's scope.
pub fn txn_changes_case_offices(txn: &[Op]) -> bool {
    let creates = |id: &str| {
        txn.iter().any(|o| {
            o.entity.kind == KIND_CASE && o.entity.id == id && matches!(o.change, Change::Create)
        })
    };
    txn.iter().any(|op| {
        op.entity.kind == KIND_CASE
            && match &op.change {
                Change::Put { field, .. } => field == "lead" && !creates(&op.entity.id),
                Change::Remove { set, .. } => set == "coordinators",
                Change::Delete => true,
                _ => false,
            }
    })
}

fn merge_key(op: &Op) -> (oplog::Hlc, &str, u64) {
    (op.hlc, op.id.origin.as_str(), op.id.seq)
}

/// Decides the units whose history just changed and keeps the merged state consistent with the
/// verdicts. A case's units are decided together (its denouncer depends on its lead). Returns
/// the entities whose merged state was rebuilt.
pub fn settle(tx: &Connection, units: &BTreeSet<ScopeUnit>) -> Result<Vec<EntityRef>> {
    let central = central_office(tx)?;
    let mut todo: BTreeSet<ScopeUnit> = BTreeSet::new();
    for u in units {
        let s = u.as_str();
        if let Some(id) = s
            .strip_prefix("case:")
            .or_else(|| s.strip_prefix("denouncer:"))
        {
            todo.insert(ScopeUnit::new(format!("case:{id}")));
            todo.insert(ScopeUnit::new(format!("denouncer:{id}")));
        } else if s.starts_with("plan:") || s.starts_with("overlap:") || s.starts_with("letter:") {
            todo.insert(u.clone());
        }
    }
    // A case's unit, then its denouncer's (decided from the case's history), one case at a
    // time: an import of a million operations touches most cases, and keeping every case's
    // history until the denouncer units came (they sort after all the cases) held them all in
    // memory at once.
    let mut rebuilt = Vec::new();
    let mut case_history: Option<(String, Vec<Op>)> = None;
    let mut order: Vec<&ScopeUnit> = todo.iter().collect();
    order.sort_by_key(|u| {
        let s = u.as_str();
        match (s.strip_prefix("case:"), s.strip_prefix("denouncer:")) {
            (Some(id), _) => (0, id, 0),
            (_, Some(id)) => (0, id, 1),
            _ => (1, s, 0),
        }
    });
    for unit in order {
        let history = oplog::effect::unit_history(tx, unit)?;
        let s = unit.as_str();
        let of_case = match s.strip_prefix("denouncer:") {
            Some(id) => case_history
                .as_ref()
                .filter(|(case, _)| case.strip_prefix("case:") == Some(id))
                .map(|(_, h)| h.as_slice()),
            None => None,
        };
        let denied = unit_verdicts(unit, &history, of_case, central.as_deref());
        rebuilt.extend(oplog::effect::settle_unit(tx, unit, &history, &denied)?);
        if s.starts_with("case:") {
            case_history = Some((s.to_string(), history));
        }
    }
    Ok(rebuilt)
}

/// A change another office made that its authority did not allow: kept in the log, without
/// effect, shown to officers (it may be an insider at that office, or a case's history that
/// has not fully arrived yet: a later bundle can make it count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangeWithoutEffect {
    /// The office that wrote it and its officer.
    pub origin: String,
    pub author: String,
    /// `kind:id` of the record, and the field, set or log it wrote.
    pub entity: String,
    pub field: String,
    /// When its office says it was written (RFC 3339, UTC).
    pub written_at: String,
    pub reason: String,
}

impl Register {
    /// Every change kept without effect, oldest first.
    pub fn changes_without_effect(&self) -> Result<Vec<ChangeWithoutEffect>> {
        let conn = self.store().conn();
        let mut out = Vec::new();
        for w in oplog::effect::without_effect(conn)? {
            let Some(op) = oplog::op(conn, &w.op)? else {
                continue;
            };
            let written_at = chrono::DateTime::from_timestamp_millis(op.hlc.ms as i64)
                .map(|t| crate::trust::time_text(&t))
                .unwrap_or_default();
            out.push(ChangeWithoutEffect {
                origin: op.id.origin.clone(),
                author: op.author.clone(),
                entity: op.entity.to_string(),
                field: change_target(&op.change),
                written_at,
                reason: w.reason,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oplog::{Hlc, OpId};
    use serde_json::json;

    fn op(
        origin: &str,
        seq: u64,
        ms: u64,
        scope: &str,
        entity: (&str, &str),
        change: Change,
    ) -> Op {
        Op {
            id: OpId::new(origin, seq),
            hlc: Hlc::new(ms, 0),
            author: "x".into(),
            txn: seq,
            scope: ScopeUnit::new(scope),
            entity: EntityRef::new(entity.0, entity.1),
            change,
        }
    }
    fn put(field: &str, v: Value) -> Change {
        Change::Put {
            field: field.into(),
            value: v,
            replaces: vec![],
        }
    }

    #[test]
    fn reference_data_only_from_the_central_office() {
        let o = op(
            "HN",
            1,
            1,
            "ref",
            ("office", "HN"),
            put("kind", json!("central")),
        );
        let e = admit_with(Some("TW"), &o).unwrap_err();
        assert_eq!(e.code(), "op-not-authorised");
        assert!(
            admit_with(None, &o).is_err(),
            "no roster: nobody writes reference data"
        );
        let o = op(
            "TW",
            1,
            1,
            "ref",
            ("office", "HN"),
            put("kind", json!("central")),
        );
        admit_with(Some("TW"), &o).unwrap();
    }

    #[test]
    fn officers_only_from_their_own_office() {
        let o = op(
            "QB",
            1,
            1,
            "ref",
            ("officer", "HN/canbo"),
            put("role", json!("administrator")),
        );
        assert!(admit_with(Some("TW"), &o).is_err());
        let o = op(
            "TW",
            1,
            1,
            "ref",
            ("officer", "HN/canbo"),
            put("role", json!("viewer")),
        );
        assert!(
            admit_with(Some("TW"), &o).is_err(),
            "not even the central office"
        );
        let o = op(
            "HN",
            1,
            1,
            "ref",
            ("officer", "HN/canbo"),
            put("role", json!("viewer")),
        );
        admit_with(Some("TW"), &o).unwrap();
    }

    #[test]
    fn an_entity_outside_its_unit_is_refused() {
        let o = op(
            "HN",
            1,
            1,
            "case:A",
            ("office", "HN"),
            put("kind", json!("central")),
        );
        assert!(admit_with(Some("TW"), &o).is_err());
        let o = op(
            "HN",
            1,
            1,
            "case:B",
            ("case", "A"),
            put("title", json!("x")),
        );
        assert!(admit_with(Some("TW"), &o).is_err());
        let o = op("HN", 1, 1, "case:A", ("mystery", "A"), Change::Create);
        assert!(admit_with(Some("TW"), &o).is_err());
    }

    #[test]
    fn a_report_lock_is_written_by_the_office_whose_figures_they_are() {
        let lock = |origin: &str, id: &str, unit: &str, change: Change| {
            op(origin, 1, 1, unit, ("report-lock", id), change)
        };
        let entry = || Change::Append {
            log: "locks".into(),
            entry: json!({}),
        };
        let ok = |o: &Op| admit_with(Some("TW"), o).unwrap();
        let refused = |o: &Op| {
            let e = admit_with(Some("TW"), o).unwrap_err();
            assert_eq!(e.code(), "op-not-authorised", "{o:?}");
            e.to_string()
        };
        // HN locks its own figures; the central office its own and the roll-up.
        ok(&lock(
            "HN",
            "HN/HN/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            Change::Create,
        ));
        ok(&lock(
            "HN",
            "HN/HN/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            entry(),
        ));
        ok(&lock(
            "TW",
            "TW/TW/KTDHVP-DV/2026-9m",
            "report-lock:TW",
            entry(),
        ));
        ok(&lock(
            "TW",
            "TW/*/KTDHVP-DV/2026-9m",
            "report-lock:TW",
            entry(),
        ));
        // Another province writing HN's lock, in HN's unit or its own.
        let m = refused(&lock(
            "HP",
            "HN/HN/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            entry(),
        ));
        assert!(m.contains("HP") && m.contains("report-lock:HN/HN"), "{m}");
        refused(&lock(
            "HP",
            "HN/HN/KTDHVP-DV/2026-9m",
            "report-lock:HP",
            entry(),
        ));
        // The central office cannot write a province's lock, nor lock a province's figures.
        refused(&lock(
            "TW",
            "HN/HN/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            entry(),
        ));
        refused(&lock(
            "TW",
            "TW/HN/KTDHVP-DV/2026-9m",
            "report-lock:TW",
            entry(),
        ));
        // A province cannot lock another's figures or the roll-up, even in its own record.
        refused(&lock(
            "HN",
            "HN/HP/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            entry(),
        ));
        refused(&lock(
            "HN",
            "HN/*/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            entry(),
        ));
        // Before the set-up bundle no office is central: nobody writes a roll-up.
        assert!(admit_with(None, &lock("TW", "TW/*/F/2026", "report-lock:TW", entry())).is_err());
        // A malformed id, a lock outside its unit, a deleted lock.
        refused(&lock("HN", "HN/HN/KTDHVP-DV", "report-lock:HN", entry()));
        refused(&lock("HN", "HN/HN/KTDHVP-DV/2026-9m", "case:HN", entry()));
        refused(&lock(
            "HN",
            "HN/HN/KTDHVP-DV/2026-9m",
            "report-lock:HN",
            Change::Delete,
        ));
    }

    fn case_history() -> Vec<Op> {
        let c = ("case", "A");
        vec![
            op("HN", 1, 10, "case:A", c, Change::Create),
            op("HN", 2, 11, "case:A", c, put("title", json!("t"))),
            op("HN", 3, 12, "case:A", c, put("lead", json!("HN"))),
            op(
                "HN",
                4,
                13,
                "case:A",
                c,
                Change::Add {
                    set: "coordinators".into(),
                    element: json!("QB"),
                },
            ),
        ]
    }

    #[test]
    fn a_coordinator_cannot_take_the_lead() {
        let c = ("case", "A");
        let mut h = case_history();
        h.push(op("QB", 1, 20, "case:A", c, put("lead", json!("QB"))));
        h.push(op(
            "QB",
            2,
            21,
            "case:A",
            c,
            Change::Remove {
                set: "coordinators".into(),
                element: json!("QB"),
                observed: vec![OpId::new("HN", 4)],
            },
        ));
        h.push(op(
            "QB",
            3,
            22,
            "case:A",
            c,
            Change::Append {
                log: "findings".into(),
                entry: json!({}),
            },
        ));
        let d = unit_verdicts(&ScopeUnit::new("case:A"), &h, None, Some("TW"));
        assert_eq!(
            d.keys().cloned().collect::<Vec<_>>(),
            vec![OpId::new("QB", 1), OpId::new("QB", 2)],
            "the coordinator's finding counts, its take-over does not"
        );
    }

    #[test]
    fn a_removed_coordinator_loses_authority_from_the_removal_on() {
        let c = ("case", "A");
        let mut h = case_history();
        let finding = |seq, ms| {
            op(
                "QB",
                seq,
                ms,
                "case:A",
                c,
                Change::Append {
                    log: "findings".into(),
                    entry: json!({}),
                },
            )
        };
        h.push(finding(1, 20));
        h.push(op(
            "HN",
            5,
            30,
            "case:A",
            c,
            Change::Remove {
                set: "coordinators".into(),
                element: json!("QB"),
                observed: vec![OpId::new("HN", 4)],
            },
        ));
        h.push(finding(2, 40));
        let d = unit_verdicts(&ScopeUnit::new("case:A"), &h, None, Some("TW"));
        assert_eq!(
            d.keys().cloned().collect::<Vec<_>>(),
            vec![OpId::new("QB", 2)]
        );
    }

    #[test]
    fn team_members_are_office_qualified() {
        let c = ("case", "A");
        let mut h = case_history();
        let team = |origin: &str, seq, member: &str| {
            op(
                origin,
                seq,
                50 + seq,
                "case:A",
                c,
                Change::Add {
                    set: "team".into(),
                    element: json!(member),
                },
            )
        };
        h.push(team("QB", 1, "QB/canbo"));
        h.push(team("QB", 2, "HN/canbo"));
        h.push(team("HN", 6, "HN/canbo"));
        let d = unit_verdicts(&ScopeUnit::new("case:A"), &h, None, Some("TW"));
        assert_eq!(
            d.keys().cloned().collect::<Vec<_>>(),
            vec![OpId::new("QB", 2)]
        );
    }

    #[test]
    fn the_denouncer_follows_the_lead_at_the_ops_clock() {
        let c = ("case", "A");
        let mut h = case_history();
        h.push(op("TW", 1, 30, "case:A", c, put("lead", json!("QB"))));
        let den = |origin: &str, seq, ms| {
            op(
                origin,
                seq,
                ms,
                "denouncer:A",
                ("denouncer", "A"),
                put("name", json!("N")),
            )
        };
        let dh = vec![
            den("HN", 10, 20),
            den("QB", 5, 25),
            den("HN", 11, 40),
            den("QB", 6, 45),
        ];
        let d = unit_verdicts(&ScopeUnit::new("denouncer:A"), &dh, Some(&h), Some("TW"));
        assert_eq!(
            d.keys().cloned().collect::<Vec<_>>(),
            vec![OpId::new("HN", 11), OpId::new("QB", 5)]
        );
    }

    #[test]
    fn verdicts_do_not_depend_on_arrival_order() {
        let c = ("case", "A");
        let mut h = case_history();
        h.push(op("QB", 1, 20, "case:A", c, put("lead", json!("QB"))));
        h.push(op("TW", 1, 25, "case:A", c, put("lead", json!("QB"))));
        h.push(op("QB", 2, 26, "case:A", c, put("title", json!("mine"))));
        let sorted = |mut v: Vec<Op>| {
            v.sort_by(|a, b| merge_key(a).cmp(&merge_key(b)));
            v
        };
        let mut rev = h.clone();
        rev.reverse();
        let a = unit_verdicts(&ScopeUnit::new("case:A"), &sorted(h), None, Some("TW"));
        let b = unit_verdicts(&ScopeUnit::new("case:A"), &sorted(rev), None, Some("TW"));
        assert_eq!(a, b);
        assert_eq!(
            a.keys().cloned().collect::<Vec<_>>(),
            vec![OpId::new("QB", 1)]
        );
    }
}
