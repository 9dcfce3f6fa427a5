//! Offices (reference data with validity dates, parents and predecessors) and officers.

use chrono::NaiveDate;
use rusqlite::params;

use super::project::{office_ref, officer_ref, read_office, read_officer};
use super::{Register, audit, scope_ref, today};
use crate::access::{Permission, Role};
use crate::error::{Error, Result};
use crate::model::{Office, OfficeKind, Officer, normalise_login, normalise_office_code};
use crate::oplog::{self, Txn};
use crate::text::Text;

/// A new office. With `predecessors` and `valid_from`, the predecessors that are still open are
/// closed on `valid_from` in the same transaction (a merger, as on 1 July 2025).
#[derive(Debug, Clone)]
pub struct NewOffice {
    pub code: String,
    pub name: Text,
    pub kind: OfficeKind,
    pub parent: Option<String>,
    pub predecessors: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

pub(crate) fn write_office(txn: &mut Txn<'_>, o: &NewOffice) -> Result<()> {
    let e = office_ref(&o.code);
    let scope = scope_ref();
    txn.create(&scope, &e)?;
    txn.put(&scope, &e, "name", o.name.as_str())?;
    txn.put(&scope, &e, "kind", o.kind.code())?;
    if let Some(p) = &o.parent {
        txn.put(&scope, &e, "parent", p.as_str())?;
    }
    if let Some(d) = o.valid_from {
        txn.put(&scope, &e, "valid_from", d.to_string())?;
    }
    if let Some(d) = o.valid_to {
        txn.put(&scope, &e, "valid_to", d.to_string())?;
    }
    for p in &o.predecessors {
        txn.add(&scope, &e, "predecessors", p.as_str())?;
    }
    Ok(())
}

pub(crate) fn write_officer(
    txn: &mut Txn<'_>,
    office: &str,
    login: &str,
    name: &Text,
    role: Role,
) -> Result<()> {
    let e = officer_ref(office, login);
    let scope = scope_ref();
    txn.create(&scope, &e)?;
    txn.put(&scope, &e, "name", name.as_str())?;
    txn.put(&scope, &e, "role", role.code())?;
    Ok(())
}

/// Resolves an office code that must exist; the error names the code.
pub(crate) fn require_office(conn: &rusqlite::Connection, code: &str) -> Result<Office> {
    let c = normalise_office_code(code)?;
    match read_office(conn, &c)? {
        Some(o) => Ok(o),
        None => Err(Error::NotFound {
            entity: "office",
            key: c,
        }),
    }
}

/// An office that may lead or coordinate work on `date`: it must exist and be in force then.
pub(crate) fn require_office_on(
    conn: &rusqlite::Connection,
    code: &str,
    date: NaiveDate,
) -> Result<Office> {
    let o = require_office(conn, code)?;
    if !o.valid_on(date) {
        let succ = successor_of(conn, &o.code, date)?;
        let hint = match succ {
            Some(s) => format!(" (its successor is {s})"),
            None => String::new(),
        };
        return Err(Error::invalid(
            "office",
            format!(
                "office {} is not in force on {date} (valid {} to {}){hint}",
                o.code,
                o.valid_from
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "always".into()),
                o.valid_to
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "open".into()),
            ),
        ));
    }
    Ok(o)
}

/// The office in force on `date` that `code` was merged into (following several mergers).
pub(crate) fn successor_of(
    conn: &rusqlite::Connection,
    code: &str,
    date: NaiveDate,
) -> Result<Option<String>> {
    let mut current = code.to_string();
    for _ in 0..16 {
        let next: Option<String> = conn
            .query_row(
                "SELECT office FROM office_predecessors WHERE predecessor = ?1 ORDER BY office LIMIT 1",
                [&current],
                |r| r.get(0),
            )
            .ok();
        let Some(next) = next else { break };
        current = next;
        if let Some(o) = read_office(conn, &current)?
            && o.valid_on(date)
        {
            return Ok(Some(current));
        }
    }
    Ok(None)
}

/// `code` and every office that merged into it, directly or through earlier mergers: the cases
/// of "Quảng Bình" belong to today's "Quảng Trị" too.
pub(crate) fn with_predecessors(conn: &rusqlite::Connection, code: &str) -> Result<Vec<String>> {
    let mut st = conn
        .prepare_cached(
            "WITH RECURSIVE line(code) AS (
                 SELECT ?1 UNION SELECT p.predecessor FROM office_predecessors p JOIN line ON p.office = line.code
             ) SELECT code FROM line ORDER BY code",
        )?;
    let rows = st.query_map([code], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// Links a certified office to its entry in the office list, creating the entry (a province
/// under the central office `central`, named as its request names it) when the list has none.
/// Returns whether the entry was created. A closed office (merged into another) is refused
/// unless `closed_office` (the officer means to certify that code).
pub(crate) fn link_certified_office(
    txn: &mut Txn<'_>,
    code: &str,
    name: &str,
    central: &str,
    closed_office: bool,
) -> Result<bool> {
    if let Some(o) = read_office(txn.tx(), code)? {
        if let Some(to) = o.valid_to.filter(|t| *t <= today())
            && !closed_office
        {
            let successor = successor_of(txn.tx(), &o.code, today())?
                .map(|s| format!(" and was merged into {s}; certify the office in force instead"))
                .unwrap_or_default();
            return Err(Error::invalid(
                "office",
                format!(
                    "office {code} ({}) closed on {to}{successor}; to certify the closed office's \
                     code anyway, confirm it (--closed-office)",
                    o.name
                ),
            ));
        }
        return Ok(false);
    }
    write_office(
        txn,
        &NewOffice {
            code: code.to_string(),
            name: Text::new(name.trim()),
            kind: OfficeKind::Province,
            parent: Some(central.to_string()),
            predecessors: vec![],
            valid_from: None,
            valid_to: None,
        },
    )?;
    Ok(true)
}

impl Register {
    /// Adds the entries of the 2025 office list ([`super::office_list`]) this register lacks
    /// (administrators of the central office: the office list is its to write). Returns how
    /// many were added.
    pub fn add_office_list(&mut self) -> Result<usize> {
        self.require(Permission::OfficeAdmin)?;
        let central = self.session.office.clone();
        self.write(|txn, s| {
            let n = super::office_list::write_office_list(txn, &central)?;
            if n > 0 {
                audit(
                    txn,
                    s,
                    "office.create",
                    "office-list:2025",
                    serde_json::json!({ "offices": n }),
                )?;
            }
            Ok(n)
        })
    }

    /// Adds an office (administrators only).
    pub fn add_office(&mut self, mut o: NewOffice) -> Result<Office> {
        self.require(Permission::OfficeAdmin)?;
        o.code = normalise_office_code(&o.code)?;
        if o.name.as_str().trim().is_empty() {
            return Err(Error::invalid("office name", "must not be empty"));
        }
        if let (Some(f), Some(t)) = (o.valid_from, o.valid_to)
            && t <= f
        {
            return Err(Error::invalid(
                "office validity",
                format!("valid to {t} is not after valid from {f}"),
            ));
        }
        let code = o.code.clone();
        self.write(|txn, s| {
            if oplog::entity_exists(txn.tx(), &office_ref(&code))? {
                return Err(Error::invalid("office code", format!("office {code} already exists")));
            }
            if let Some(p) = &o.parent {
                let p = require_office(txn.tx(), p)?.code;
                o.parent = Some(p);
            }
            let mut preds = Vec::new();
            for p in &o.predecessors {
                let pred = require_office(txn.tx(), p)?;
                if pred.code == code {
                    return Err(Error::invalid("predecessor", "an office cannot be its own predecessor"));
                }
                preds.push(pred);
            }
            o.predecessors = preds.iter().map(|p| p.code.clone()).collect();
            write_office(txn, &o)?;
            // The merger: predecessors still open are closed the day the new office starts.
            if let Some(from) = o.valid_from {
                for p in preds.iter().filter(|p| p.valid_to.is_none()) {
                    txn.put(&scope_ref(), &office_ref(&p.code), "valid_to", from.to_string())?;
                }
            }
            audit(txn, s, "office.create", &format!("office:{code}"), serde_json::json!({
                "name": o.name, "kind": o.kind, "parent": o.parent, "predecessors": o.predecessors,
            }))?;
            Ok(())
        })?;
        require_office(self.conn(), &code)
    }

    /// One office by code.
    pub fn office(&self, code: &str) -> Result<Office> {
        require_office(self.conn(), code)
    }

    /// Every office, in Vietnamese alphabetical order of the name.
    pub fn list_offices(&self) -> Result<Vec<Office>> {
        let codes: Vec<String> = {
            let mut st = self
                .conn()
                .prepare("SELECT code FROM offices ORDER BY name COLLATE VI, code")?;
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(codes.len());
        for c in codes {
            if let Some(o) = read_office(self.conn(), &c)? {
                out.push(o);
            }
        }
        if !out.iter().any(|o| o.code == self.session.office)
            && let Some(own) = read_office(self.conn(), &self.session.office)?
        {
            out.push(own);
        }
        Ok(out)
    }

    /// The office in force today that absorbed `code` (None if `code` is itself in force or was
    /// not merged).
    pub fn successor(&self, code: &str) -> Result<Option<String>> {
        let o = require_office(self.conn(), code)?;
        if o.valid_on(today()) {
            return Ok(None);
        }
        successor_of(self.conn(), &o.code, today())
    }

    /// Adds an officer of this office with a role (administrators only). Their key slot is the
    /// store's business (`Store::add_key_slot`).
    pub fn add_officer(&mut self, login: &str, name: &Text, role: Role) -> Result<Officer> {
        self.require(Permission::OfficerAdmin)?;
        let login = normalise_login(login)?;
        if name.as_str().trim().is_empty() {
            return Err(Error::invalid("officer name", "must not be empty"));
        }
        let office = self.session.office.clone();
        self.write(|txn, s| {
            if oplog::entity_exists(txn.tx(), &officer_ref(&office, &login))? {
                return Err(Error::invalid(
                    "login",
                    format!("officer {login} already exists"),
                ));
            }
            write_officer(txn, &office, &login, name, role)?;
            audit(
                txn,
                s,
                "officer.create",
                &format!("officer:{office}/{login}"),
                serde_json::json!({ "role": role }),
            )
        })?;
        read_officer(self.conn(), &office, &login)?
            .ok_or_else(|| Error::Storage("officer not projected".into()))
    }

    /// Officers of this office, by login.
    pub fn list_officers(&self) -> Result<Vec<Officer>> {
        let mut st = self
            .conn()
            .prepare(
                "SELECT login, name, role, office, active FROM officers WHERE office = ?1 ORDER BY login",
            )?;
        let rows = st.query_map(params![self.session.office], |r| {
            Ok(Officer {
                login: r.get(0)?,
                name: Text::new(r.get::<_, String>(1)?),
                role: r.get(2)?,
                office: r.get(3)?,
                active: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
