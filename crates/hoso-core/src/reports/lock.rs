//! "Chốt số liệu": a period's figures locked by an office's committee leadership, as a synced
//! record of the op log, so that the central office sees which offices locked which period.
//!
//! # The record
//! Entity `report-lock`, id `OFFICE/SCOPE/FORM/PERIOD` (e.g. `HN/HN/KTDHVP-DV/2026-9m`), in the
//! scope unit `report-lock:OFFICE` (one unit per office: its locks travel in segments signed by
//! that office). OFFICE is the office that locked; SCOPE is whose figures: the office's own code,
//! or `*` for the roll-up of every office, which only the central office makes. So one office's
//! lock of one form for one period is one record.
//!
//! The record is created with the fields `office`, `scope`, `form`, `period`; each lock is an
//! entry of its append-only log `locks` ([`LockEntry`]: every cell's figure with the case ids
//! behind it, who locked it and when, a digest of the figures, and for a renewed lock the
//! reason). The first entry is the lock; a later one is a renewal ("chốt lại", leadership, with a
//! reason): the newest — the entry with the highest sequence number of the office's ops — is the
//! lock in force, the earlier ones stay as its history. A lock is never deleted.
//!
//! # Authority (`crate::authority::admit_with`, history-independent)
//! Only OFFICE writes the record (op origin = OFFICE), in its own unit; SCOPE is OFFICE or, for
//! the central office only, `*`. A forged lock — another office's key writing HN's lock, or the
//! central office writing a province's — is refused (`op-not-authorised`): the local write
//! fails, an import is refused whole. Deleting a lock is refused too.
//!
//! # Scope (`crate::sync::scope`)
//! A unit `report-lock:HN` goes to the central office (which receives every unit) and back to HN
//! itself (only in a full export: recovering a register restored from a copy); never to another
//! province.
//!
//! # Digest
//! Hex BLAKE3 of `"hoso-report-lock-v1\0"` followed by the canonical JSON (keys sorted, no
//! whitespace, `oplog::canonical_json`) of `{"cells": [[{"cases": [...], "value": n|null}, ...],
//! ...], "form": F, "period": P, "scope": S}` — the figures row by row, each with its case ids.
//! It is printed on a locked form, so that a paper copy can be matched with the record.
//!
//! # Before migration 11
//! Locks were local rows of `report_locks` (migration 10). [`convert_legacy_locks`] turns each
//! into a record the first time an officer opens the register (its original officer and time
//! kept) and removes the row. A row no record can hold — a province's figures locked at the
//! central office, which the authority rule no longer allows — stays a local lock of that
//! register, still honoured by its reports (`LockInfo::synced` false).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{CaseRef, Cell, Period, Report, ReportRow, ReportScope};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::oplog::{self, EntityRef, ScopeUnit, Txn};
use crate::register::project::exec;
use crate::register::{DomainProjector, Register, audit};

pub const KIND_REPORT_LOCK: &str = "report-lock";
/// The scope of a roll-up of every office (the central office's).
pub const ROLL_UP: &str = "*";
const LOG: &str = "locks";
const DIGEST_DOMAIN: &[u8] = b"hoso-report-lock-v1\0";

/// The record of `office`'s lock of `scope`'s figures.
pub fn lock_id(office: &str, scope: &str, form: &str, period: &str) -> String {
    format!("{office}/{scope}/{form}/{period}")
}

/// The scope unit of an office's locks.
pub fn lock_unit(office: &str) -> ScopeUnit {
    ScopeUnit::new(format!("report-lock:{office}"))
}

/// (office, scope, form, period) of a record id; None if it is not of that shape.
pub fn lock_id_parts(id: &str) -> Option<(&str, &str, &str, &str)> {
    let mut p = id.splitn(4, '/');
    let parts = (p.next()?, p.next()?, p.next()?, p.next()?);
    let all = [parts.0, parts.1, parts.2, parts.3];
    (!all.iter().any(|s| s.is_empty())).then_some(parts)
}

/// One lock as the record's log holds it (stable JSON: only ever add optional fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEntry {
    pub form: String,
    pub period: String,
    /// Whose figures: the office's code, or `*` (the roll-up).
    pub scope: String,
    /// The office that locked.
    pub office: String,
    /// The officer's login (of `office`).
    pub locked_by: String,
    /// RFC 3339, UTC.
    pub locked_at: String,
    /// Why a lock was renewed (None on the first lock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// See the module docs ("Digest").
    pub digest: String,
    /// The leaf columns' labels when it was locked.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Every row with every cell's figure and the case ids behind it.
    pub rows: Vec<ReportRow>,
}

impl LockEntry {
    fn digest_ok(&self) -> bool {
        figures_digest(&self.form, &self.period, &self.scope, &self.rows) == self.digest
    }
}

/// The digest of a report's figures (module docs, "Digest").
pub fn figures_digest(form: &str, period: &str, scope: &str, rows: &[ReportRow]) -> String {
    let cells: Vec<&Vec<Cell>> = rows.iter().map(|r| &r.cells).collect();
    let v = serde_json::json!({ "form": form, "period": period, "scope": scope, "cells": cells });
    let mut h = blake3::Hasher::new();
    h.update(DIGEST_DOMAIN);
    h.update(oplog::canonical_json(&v).as_bytes());
    h.finalize().to_hex().to_string()
}

/// A report's lock, as shown with the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LockInfo {
    /// RFC 3339, UTC.
    pub locked_at: String,
    /// Login of the officer who locked (of `office`).
    pub locked_by: String,
    /// The office that locked.
    pub office: String,
    /// Hex BLAKE3 of the figures (module docs, "Digest"); empty on a local lock.
    pub digest: String,
    /// Why the lock in force was renewed ("chốt lại").
    pub reason: Option<String>,
    /// How many times the period was locked (1: never renewed).
    pub version: u32,
    /// A synced record (false: a lock from before locks were synced, local to this register).
    pub synced: bool,
}

/// A locked period (`hoso report locks`, the app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LockRow {
    pub form: String,
    pub period: String,
    pub scope: String,
    pub locked_at: String,
    pub locked_by: String,
    pub office: String,
    pub digest: String,
    pub version: u32,
    pub synced: bool,
}

/// Whether one office locked a form for a period (`Register::report_lock_overview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OfficeLock {
    /// Office code, or `*` for the central office's roll-up of every office.
    pub office: String,
    pub name: String,
    pub locked: bool,
    pub locked_at: Option<String>,
    pub locked_by: Option<String>,
    pub digest: Option<String>,
    /// The digest matches the figures the record carries.
    pub digest_ok: bool,
    /// How many times it was locked (0: not locked; 2 and more: renewed).
    pub version: u32,
    pub reason: Option<String>,
    /// The locked grand total (first cell of the total row), when the form has one.
    pub total: Option<u32>,
    pub synced: bool,
}

/// Which offices locked a form for a period: at the central office every office of the list in
/// force at the period's end (and any other that locked it), with the roll-up first; at a
/// province its own office only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LockOverview {
    pub form: String,
    pub form_title: String,
    pub period: Period,
    pub central: bool,
    pub offices: Vec<OfficeLock>,
    pub locked: u32,
}

/// One record as projected.
#[derive(Debug, Clone)]
struct Record {
    entry: LockEntry,
    version: u32,
    digest_ok: bool,
}

fn entity(id: &str) -> EntityRef {
    EntityRef::new(KIND_REPORT_LOCK, id)
}

/// The locks a record holds, oldest first (by the locking office's sequence): the entries the
/// office itself wrote that decode and name the record's office, scope, form and period.
fn entries(conn: &Connection, id: &str) -> Result<Vec<LockEntry>> {
    let e = entity(id);
    let Some((office, scope, form, period)) = lock_id_parts(id) else {
        return Ok(Vec::new());
    };
    if !oplog::entity_exists(conn, &e)? {
        return Ok(Vec::new());
    }
    let mut out: Vec<(u64, LockEntry)> = oplog::log_entries(conn, &e, LOG)?
        .into_iter()
        .filter(|l| l.op.origin == office)
        .filter_map(|l| Some((l.op.seq, serde_json::from_value::<LockEntry>(l.entry).ok()?)))
        .filter(|(_, en)| {
            en.office == office && en.scope == scope && en.form == form && en.period == period
        })
        .collect();
    out.sort_by_key(|(seq, _)| *seq);
    Ok(out.into_iter().map(|(_, en)| en).collect())
}

/// Keeps `report_lock_records` in step with the merged record: its newest lock.
pub(crate) fn project_report_lock(tx: &Connection, id: &str) -> Result<()> {
    exec(tx, "DELETE FROM report_lock_records WHERE id = ?1", [id])?;
    let Some((office, scope, form, period)) = lock_id_parts(id) else {
        return Ok(());
    };
    let mut entries = entries(tx, id)?;
    let version = entries.len() as u32;
    let Some(latest) = entries.pop() else {
        return Ok(());
    };
    exec(
        tx,
        "INSERT INTO report_lock_records(id, office, scope, form, period, locked_at, locked_by,
                                         reason, digest, digest_ok, version, snapshot)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            office,
            scope,
            form,
            period,
            latest.locked_at,
            latest.locked_by,
            latest.reason,
            latest.digest,
            latest.digest_ok(),
            version,
            serde_json::to_string(&latest).expect("lock entry serialises"),
        ],
    )?;
    Ok(())
}

fn read_record(conn: &Connection, id: &str) -> Result<Option<Record>> {
    let row: Option<(String, u32, bool)> = conn
        .prepare_cached(
            "SELECT snapshot, version, digest_ok FROM report_lock_records WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(snapshot, version, digest_ok)| {
        Ok(Record {
            entry: serde_json::from_str(&snapshot)
                .map_err(|e| Error::Storage(format!("locked report {id}: {e}")))?,
            version,
            digest_ok,
        })
    })
    .transpose()
}

/// A lock from before migration 11 (`report_locks`): the report as it was stored (its lock
/// marked local, made by this register's office).
fn legacy_lock(conn: &Connection, form: &str, period: &str, scope: &str) -> Result<Option<Report>> {
    let snapshot: Option<String> = conn
        .query_row(
            "SELECT snapshot FROM report_locks WHERE form = ?1 AND period = ?2 AND scope = ?3",
            params![form, period, scope],
            |r| r.get(0),
        )
        .optional()?;
    let Some(snapshot) = snapshot else {
        return Ok(None);
    };
    let bad = |e: serde_json::Error| Error::Storage(format!("locked report {form} {period}: {e}"));
    // As migration 10 stored it: a lock of two fields (`locked_at`, `locked_by`), made by this
    // register's office, local.
    let mut v: serde_json::Value = serde_json::from_str(&snapshot).map_err(bad)?;
    let office = crate::store::local_office(conn)?.unwrap_or_default();
    if let Some(lock) = v.get_mut("lock").and_then(|l| l.as_object_mut()) {
        let defaults = [
            ("office", serde_json::json!(office)),
            ("digest", serde_json::json!("")),
            ("reason", serde_json::Value::Null),
            ("version", serde_json::json!(1)),
        ];
        for (k, d) in defaults {
            lock.entry(k).or_insert(d);
        }
        lock.insert("synced".into(), serde_json::json!(false));
    }
    if let Some(r) = v.as_object_mut() {
        r.entry("changed_cells").or_insert(serde_json::json!([]));
    }
    Ok(Some(serde_json::from_value(v).map_err(bad)?))
}

/// The office whose record holds the lock of a report over `scope` (an office code, or `*`:
/// the central office's roll-up).
fn lock_owner(conn: &Connection, scope: &str) -> Result<Option<String>> {
    if scope == ROLL_UP {
        crate::trust::roster::central_office(conn)
    } else {
        Ok(Some(scope.to_string()))
    }
}

fn record_for(conn: &Connection, form: &str, period: &str, scope: &str) -> Result<Option<Record>> {
    match lock_owner(conn, scope)? {
        Some(owner) => read_record(conn, &lock_id(&owner, scope, form, period)),
        None => Ok(None),
    }
}

/// Cells (row, column) whose figure or cases differ between two reports of one form.
fn changed_cells(locked: &[ReportRow], now: &[ReportRow]) -> Vec<super::CellAt> {
    let mut out = Vec::new();
    let empty: Vec<Cell> = Vec::new();
    for i in 0..locked.len().max(now.len()) {
        let a = locked.get(i).map_or(&empty, |r| &r.cells);
        let b = now.get(i).map_or(&empty, |r| &r.cells);
        for j in 0..a.len().max(b.len()) {
            if a.get(j) != b.get(j) {
                out.push(super::CellAt {
                    row: i as u32,
                    col: j as u32,
                });
            }
        }
    }
    out
}

/// Number and title of each case behind the locked figures: those the register computes now,
/// else what it holds of the case (a case since moved out of the period or the scope).
fn case_refs(
    conn: &Connection,
    rows: &[ReportRow],
    now: &BTreeMap<String, CaseRef>,
) -> Result<BTreeMap<String, CaseRef>> {
    let ids: BTreeSet<&String> = rows
        .iter()
        .flat_map(|r| &r.cells)
        .flat_map(|c| &c.cases)
        .collect();
    let mut out = BTreeMap::new();
    let mut st = conn.prepare_cached("SELECT number, title FROM cases WHERE id = ?1")?;
    for id in ids {
        if let Some(c) = now.get(id) {
            out.insert(id.clone(), c.clone());
        } else if let Some((number, title)) = st
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
        {
            out.insert(id.clone(), CaseRef { number, title });
        }
    }
    Ok(out)
}

/// `fresh` (computed now) as its lock shows it: the locked figures, flagged where the register
/// now computes different ones; `fresh` itself when the period is not locked.
pub(crate) fn locked_or_fresh(conn: &Connection, fresh: Report) -> Result<Report> {
    let (form, period, scope) = (&fresh.form, &fresh.period.code, &fresh.scope.code);
    if let Some(rec) = record_for(conn, form, period, scope)? {
        let mut locked = fresh.clone();
        locked.changed_cells = changed_cells(&rec.entry.rows, &fresh.rows);
        locked.changed_since_lock = !locked.changed_cells.is_empty();
        locked.cases = case_refs(conn, &rec.entry.rows, &fresh.cases)?;
        locked.rows = rec.entry.rows;
        locked.lock = Some(LockInfo {
            locked_at: rec.entry.locked_at,
            locked_by: rec.entry.locked_by,
            office: rec.entry.office,
            digest: rec.entry.digest,
            reason: rec.entry.reason,
            version: rec.version,
            synced: true,
        });
        return Ok(locked);
    }
    if let Some(mut locked) = legacy_lock(conn, form, period, scope)? {
        locked.changed_cells = changed_cells(&locked.rows, &fresh.rows);
        locked.changed_since_lock = !locked.changed_cells.is_empty();
        return Ok(locked);
    }
    Ok(fresh)
}

impl Register {
    /// Locks a period's figures ("chốt số liệu"): committee leadership (`report.lock`), once per
    /// form, period and scope, an office's own figures only (or, at the central office, the
    /// roll-up of every office). One transaction, audited; the record syncs to the central
    /// office.
    pub fn lock_report(
        &mut self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
    ) -> Result<Report> {
        self.require(Permission::ReportLock)?;
        self.write_lock(form, period, scope, None)
    }

    /// Renews a lock ("chốt lại"): the figures computed now replace the locked ones, with the
    /// reason; the earlier locks stay in the record's history (`report_lock_history`).
    /// Committee leadership (`report.lock`); audited.
    pub fn relock_report(
        &mut self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
        reason: &str,
    ) -> Result<Report> {
        self.require(Permission::ReportLock)?;
        let reason = crate::text::Text::new(reason.trim()).into_string();
        if reason.is_empty() {
            return Err(Error::invalid(
                "reason",
                "say why the locked figures are replaced",
            ));
        }
        self.write_lock(form, period, scope, Some(reason))
    }

    fn write_lock(
        &mut self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
        reason: Option<String>,
    ) -> Result<Report> {
        let report = self.compute_report(form, period, scope)?;
        let office = self.session_info().office.clone();
        let login = self.session_info().login.clone();
        let (form, scope_code) = (report.form.clone(), report.scope.code.clone());
        let id = lock_id(&office, &scope_code, &form, &period.code);
        let key = format!("{form} {} {scope_code}", period.code);
        let locked = read_record(self.conn(), &id)?.is_some()
            || legacy_lock(self.conn(), &form, &period.code, &scope_code)?.is_some();
        match (&reason, locked) {
            (None, true) => {
                return Err(Error::AlreadyExists {
                    entity: "locked report",
                    key,
                });
            }
            (Some(_), false) => {
                return Err(Error::NotFound {
                    entity: "locked report",
                    key,
                });
            }
            _ => {}
        }
        let digest = figures_digest(&form, &period.code, &scope_code, &report.rows);
        let entry = LockEntry {
            form: form.clone(),
            period: period.code.clone(),
            scope: scope_code.clone(),
            office: office.clone(),
            locked_by: login,
            locked_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            reason: reason.clone(),
            digest: digest.clone(),
            columns: report.columns.iter().map(|c| c.label.clone()).collect(),
            rows: report.rows.clone(),
        };
        self.write(|txn, s| {
            write_entry(txn, &id, &entry)?;
            audit(
                txn,
                s,
                if reason.is_some() {
                    "report.relock"
                } else {
                    "report.lock"
                },
                &format!("report:{form}:{}:{scope_code}", period.code),
                serde_json::json!({ "blake3": digest, "reason": reason }),
            )
        })?;
        self.report(&form, period, scope)
    }

    /// Every lock of a form, period and scope, oldest first (the first lock, then each renewal).
    pub fn report_lock_history(
        &self,
        form: &str,
        period: &Period,
        scope: &ReportScope,
    ) -> Result<Vec<LockInfo>> {
        let report = self.compute_report(form, period, scope)?;
        let Some(owner) = lock_owner(self.conn(), &report.scope.code)? else {
            return Ok(Vec::new());
        };
        let id = lock_id(&owner, &report.scope.code, &report.form, &period.code);
        Ok(entries(self.conn(), &id)?
            .into_iter()
            .enumerate()
            .map(|(i, en)| LockInfo {
                locked_at: en.locked_at,
                locked_by: en.locked_by,
                office: en.office,
                digest: en.digest,
                reason: en.reason,
                version: i as u32 + 1,
                synced: true,
            })
            .collect())
    }

    /// Every lock this register holds (its own; at the central office every office's), newest
    /// first.
    pub fn report_locks(&self) -> Result<Vec<LockRow>> {
        self.require(Permission::ReportRead)?;
        let mut out: Vec<LockRow> = {
            let mut st = self.conn().prepare(
                "SELECT form, period, scope, locked_at, locked_by, office, digest, version
                   FROM report_lock_records",
            )?;
            st.query_map([], |r| {
                Ok(LockRow {
                    form: r.get(0)?,
                    period: r.get(1)?,
                    scope: r.get(2)?,
                    locked_at: r.get(3)?,
                    locked_by: r.get(4)?,
                    office: r.get(5)?,
                    digest: r.get(6)?,
                    version: r.get(7)?,
                    synced: true,
                })
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let own = self.session_info().office.clone();
        let mut st = self
            .conn()
            .prepare("SELECT form, period, scope, locked_at, locked_by FROM report_locks")?;
        let legacy = st.query_map([], |r| {
            Ok(LockRow {
                form: r.get(0)?,
                period: r.get(1)?,
                scope: r.get(2)?,
                locked_at: r.get(3)?,
                locked_by: r.get(4)?,
                office: own.clone(),
                digest: String::new(),
                version: 1,
                synced: false,
            })
        })?;
        for row in legacy {
            out.push(row?);
        }
        out.sort_by(|a, b| {
            b.locked_at
                .cmp(&a.locked_at)
                .then_with(|| a.form.cmp(&b.form))
                .then_with(|| a.scope.cmp(&b.scope))
        });
        Ok(out)
    }

    /// Which offices locked `form` for `period` (see [`LockOverview`]).
    pub fn report_lock_overview(&self, form: &str, period: &Period) -> Result<LockOverview> {
        self.require(Permission::ReportRead)?;
        let set = self.report_forms()?;
        let f = set.form(form)?;
        let form = f.def.code.clone();
        let own = self.session_info().office.clone();
        let central =
            crate::trust::roster::central_office(self.conn())?.as_deref() == Some(own.as_str());
        // (code, name) of every office to list.
        let mut offices: Vec<(String, String)> = Vec::new();
        if central {
            offices.push((
                ROLL_UP.to_string(),
                "Toàn lực lượng (tổng hợp các đơn vị)".to_string(),
            ));
            let listed = self.list_offices()?;
            for o in listed.iter().filter(|o| o.valid_on(period.end)) {
                offices.push((o.code.clone(), o.name.as_str().to_string()));
            }
            // An office that locked the period but is not in the list in force (closed since).
            let mut st = self.conn().prepare(
                "SELECT DISTINCT scope FROM report_lock_records
                  WHERE form = ?1 AND period = ?2 AND scope <> '*' ORDER BY scope",
            )?;
            let lockers: Vec<String> = st
                .query_map(params![form, period.code], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for code in lockers {
                if !offices.iter().any(|(c, _)| *c == code) {
                    let name = listed
                        .iter()
                        .find(|o| o.code == code)
                        .map(|o| o.name.as_str().to_string())
                        .unwrap_or_else(|| code.clone());
                    offices.push((code, name));
                }
            }
        } else {
            let name = crate::register::project::read_office(self.conn(), &own)?
                .map(|o| o.name.as_str().to_string())
                .unwrap_or_else(|| own.clone());
            offices.push((own.clone(), name));
        }
        let mut rows = Vec::with_capacity(offices.len());
        for (code, name) in offices {
            let rec = record_for(self.conn(), &form, &period.code, &code)?;
            let row = match rec {
                Some(r) => OfficeLock {
                    office: code,
                    name,
                    locked: true,
                    total: total_of(&r.entry.rows),
                    locked_at: Some(r.entry.locked_at),
                    locked_by: Some(r.entry.locked_by),
                    digest: Some(r.entry.digest),
                    digest_ok: r.digest_ok,
                    version: r.version,
                    reason: r.entry.reason,
                    synced: true,
                },
                None => match legacy_lock(self.conn(), &form, &period.code, &code)? {
                    Some(l) => OfficeLock {
                        office: code,
                        name,
                        locked: true,
                        total: total_of(&l.rows),
                        locked_at: l.lock.as_ref().map(|i| i.locked_at.clone()),
                        locked_by: l.lock.as_ref().map(|i| i.locked_by.clone()),
                        digest: None,
                        digest_ok: false,
                        version: 1,
                        reason: None,
                        synced: false,
                    },
                    None => OfficeLock {
                        office: code,
                        name,
                        locked: false,
                        locked_at: None,
                        locked_by: None,
                        digest: None,
                        digest_ok: false,
                        version: 0,
                        reason: None,
                        total: None,
                        synced: false,
                    },
                },
            };
            rows.push(row);
        }
        Ok(LockOverview {
            form,
            form_title: f.def.title.clone(),
            period: period.clone(),
            central,
            locked: rows.iter().filter(|r| r.locked).count() as u32,
            offices: rows,
        })
    }
}

/// The grand total: the first cell of the first total row.
fn total_of(rows: &[ReportRow]) -> Option<u32> {
    rows.iter()
        .find(|r| r.kind == super::RowKind::Total)
        .and_then(|r| r.cells.first())
        .and_then(|c| c.value)
}

/// Creates the record if it is new, then appends the lock.
fn write_entry(txn: &mut Txn<'_>, id: &str, entry: &LockEntry) -> Result<()> {
    let e = entity(id);
    let u = lock_unit(&entry.office);
    if !oplog::entity_exists(txn.tx(), &e)? {
        txn.create(&u, &e)?;
        txn.put(&u, &e, "office", entry.office.as_str())?;
        txn.put(&u, &e, "scope", entry.scope.as_str())?;
        txn.put(&u, &e, "form", entry.form.as_str())?;
        txn.put(&u, &e, "period", entry.period.as_str())?;
    }
    txn.append(
        &u,
        &e,
        LOG,
        serde_json::to_value(entry).expect("lock entry serialises"),
    )?;
    Ok(())
}

/// Turns the locks of `report_locks` (migration 10, local) into records, keeping their officer
/// and time; run when an officer opens the register. A row no record can hold (another office's
/// figures, locked at the central office) stays local. Returns how many were converted; does
/// nothing on a register that may not write yet (restored from a copy, recovering).
pub(crate) fn convert_legacy_locks(reg: &mut Register) -> Result<usize> {
    let office = reg.session_info().office.clone();
    let login = reg.session_info().login.clone();
    let rows: Vec<(String, String, String, String, String, String)> = {
        let mut st = reg.conn().prepare(
            "SELECT form, period, scope, locked_at, locked_by, snapshot FROM report_locks
              ORDER BY locked_at, form, period, scope",
        )?;
        st.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    if rows.is_empty() {
        return Ok(0);
    }
    if crate::sync::check_writable(reg.conn(), &office).is_err() {
        return Ok(0);
    }
    let central =
        crate::trust::roster::central_office(reg.conn())?.as_deref() == Some(office.as_str());
    let mut converted = 0;
    for (form, period, scope, locked_at, locked_by, snapshot) in rows {
        if !(scope == office || (scope == ROLL_UP && central)) {
            continue;
        }
        // Only the figures are needed from the stored report.
        #[derive(Deserialize)]
        struct Stored {
            columns: Vec<super::ReportColumn>,
            rows: Vec<ReportRow>,
        }
        let Ok(report) = serde_json::from_str::<Stored>(&snapshot) else {
            continue;
        };
        let id = lock_id(&office, &scope, &form, &period);
        let entry = LockEntry {
            digest: figures_digest(&form, &period, &scope, &report.rows),
            form: form.clone(),
            period: period.clone(),
            scope: scope.clone(),
            office: office.clone(),
            locked_by: locked_by.clone(),
            locked_at,
            reason: None,
            columns: report.columns.iter().map(|c| c.label.clone()).collect(),
            rows: report.rows,
        };
        let mut txn = Txn::begin(reg.store_mut().conn_mut(), &office, &locked_by)?;
        if read_record(txn.tx(), &id)?.is_none() {
            write_entry(&mut txn, &id, &entry)?;
        }
        txn.tx().execute(
            "DELETE FROM report_locks WHERE form = ?1 AND period = ?2 AND scope = ?3",
            params![form, period, scope],
        )?;
        crate::audit::append(
            txn.tx(),
            &crate::audit::NewEntry::new(
                &login,
                "report.lock.migrate",
                format!("report:{form}:{period}:{scope}"),
                serde_json::json!({ "blake3": entry.digest, "locked_by": locked_by }),
            ),
        )?;
        txn.commit(&DomainProjector)?;
        converted += 1;
    }
    Ok(converted)
}
