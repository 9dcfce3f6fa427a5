//! Reading domain entities from the merged op log, and the projector that keeps the query tables
//! (domain.sql) a pure function of it. An entity whose required fields have not arrived yet (ops
//! of a lost stick) is simply absent from the query tables: projection never fails on partial
//! data, or one bad stick would block every later import.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Result;
use crate::model::*;
use crate::oplog::{self, EntityRef, FieldState, Projector};
use crate::text::{Text, fold};

pub const KIND_OFFICE: &str = "office";
pub const KIND_OFFICER: &str = "officer";
pub const KIND_SUBJECT: &str = "subject";
pub const KIND_CASE: &str = "case";
pub const KIND_DENOUNCER: &str = "denouncer";
pub const KIND_PLAN: &str = "plan";
pub const KIND_PLAN_ITEM: &str = "plan-item";

/// Fields whose concurrent writes matter enough to flag the case (DESIGN.md "conflict").
/// Discipline decisions are flagged too (`decision:<subject id>`, see [`decision_conflicts`]).
pub const CONFLICT_FIELDS: &[&str] = &["status", "deadline", "lead", "kind"];

/// The discipline decisions of a case in force: those no later decision replaces (with the op
/// that recorded each).
pub fn decisions_in_force(
    conn: &Connection,
    case_id: &str,
) -> Result<Vec<(oplog::OpId, DisciplineDecision)>> {
    let decoded: Vec<(oplog::OpId, DisciplineDecision)> =
        oplog::log_entries(conn, &case_ref(case_id), "decisions")?
            .into_iter()
            .filter_map(|e| Some((e.op, serde_json::from_value(e.entry).ok()?)))
            .collect();
    let replaced: std::collections::HashSet<&oplog::OpId> =
        decoded.iter().flat_map(|(_, d)| &d.replaces).collect();
    Ok(decoded
        .iter()
        .filter(|(op, _)| !replaced.contains(op))
        .cloned()
        .collect())
}

/// Subjects of a case with more than one discipline decision in force: decisions recorded
/// concurrently (at two offices, or twice before a sync), none replacing the other. Each is a
/// conflict `decision:<subject id>` an officer resolves by recording the decision that stands.
pub fn decision_conflicts(conn: &Connection, case_id: &str) -> Result<Vec<String>> {
    let mut in_force: BTreeMap<String, usize> = BTreeMap::new();
    for (_, d) in decisions_in_force(conn, case_id)? {
        *in_force.entry(d.subject).or_default() += 1;
    }
    Ok(in_force
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(subject, _)| format!("decision:{subject}"))
        .collect())
}

/// The local calendar date of a clock reading (when an officer recorded something).
pub(crate) fn local_date(hlc: oplog::Hlc) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(hlc.ms as i64)
        .map(|t| t.with_timezone(&chrono::Local).date_naive())
        .unwrap_or_default()
}

/// Merged fields of one entity with typed getters (missing or unparsable = None).
pub(crate) struct Fields(pub BTreeMap<String, FieldState>);

impl Fields {
    pub fn load(conn: &Connection, e: &EntityRef) -> Result<Fields> {
        Ok(Fields(oplog::fields(conn, e)?))
    }
    pub fn get<T: DeserializeOwned>(&self, f: &str) -> Option<T> {
        let v = &self.0.get(f)?.value;
        if v.is_null() {
            return None;
        }
        serde_json::from_value(v.clone()).ok()
    }
    pub fn text(&self, f: &str) -> Option<Text> {
        self.get::<String>(f).map(Text::new)
    }
    pub fn conflicts(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .filter(|n| self.0.get(**n).is_some_and(|s| s.is_conflict()))
            .map(|n| n.to_string())
            .collect()
    }
}

fn strings(conn: &Connection, e: &EntityRef, set: &str) -> Result<Vec<String>> {
    Ok(oplog::set_members(conn, e, set)?
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .collect())
}

pub(crate) fn office_ref(code: &str) -> EntityRef {
    EntityRef::new(KIND_OFFICE, code)
}
pub(crate) fn officer_ref(office: &str, login: &str) -> EntityRef {
    EntityRef::new(KIND_OFFICER, format!("{office}/{login}"))
}
pub(crate) fn subject_ref(id: &str) -> EntityRef {
    EntityRef::new(KIND_SUBJECT, id)
}
pub(crate) fn case_ref(id: &str) -> EntityRef {
    EntityRef::new(KIND_CASE, id)
}

/// Reads an office from the merged state.
pub fn read_office(conn: &Connection, code: &str) -> Result<Option<Office>> {
    let e = office_ref(code);
    if !oplog::entity_exists(conn, &e)? {
        return own_office_before_setup(conn, code);
    }
    let f = Fields::load(conn, &e)?;
    let (Some(name), Some(kind)) = (f.text("name"), f.get::<OfficeKind>("kind")) else {
        return Ok(None);
    };
    let mut predecessors = strings(conn, &e, "predecessors")?;
    predecessors.sort();
    Ok(Some(Office {
        code: code.to_string(),
        name,
        kind,
        parent: f.get("parent"),
        predecessors,
        valid_from: f.get("valid_from"),
        valid_to: f.get("valid_to"),
    }))
}

/// A province's own office until the central office's list names it (see `initialise`).
fn own_office_before_setup(conn: &Connection, code: &str) -> Result<Option<Office>> {
    let name: Option<Option<String>> = conn
        .prepare_cached("SELECT office_name FROM register_identity WHERE id = 0 AND office = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?;
    Ok(name.flatten().map(|name| Office {
        code: code.to_string(),
        name: Text::new(name),
        kind: OfficeKind::Province,
        parent: None,
        predecessors: Vec::new(),
        valid_from: None,
        valid_to: None,
    }))
}

/// Reads an officer (of `office`) from the merged state.
pub fn read_officer(conn: &Connection, office: &str, login: &str) -> Result<Option<Officer>> {
    let e = officer_ref(office, login);
    if !oplog::entity_exists(conn, &e)? {
        return Ok(None);
    }
    let f = Fields::load(conn, &e)?;
    let (Some(name), Some(role)) = (f.text("name"), f.get::<String>("role")) else {
        return Ok(None);
    };
    Ok(Some(Officer {
        login: login.to_string(),
        name,
        role,
        office: office.to_string(),
        active: f.get("active").unwrap_or(true),
    }))
}

/// Reads a subject from the merged state.
pub fn read_subject(conn: &Connection, id: &str) -> Result<Option<Subject>> {
    let e = subject_ref(id);
    if !oplog::entity_exists(conn, &e)? {
        return Ok(None);
    }
    let f = Fields::load(conn, &e)?;
    let (Some(kind), Some(name)) = (f.get::<SubjectKind>("kind"), f.text("name")) else {
        return Ok(None);
    };
    Ok(Some(Subject {
        id: id.to_string(),
        kind,
        name,
        birth_year: f.get("birth_year"),
        unit: f.text("unit"),
        post: f.text("post"),
        membership: f.get("membership"),
        authority: f.get("authority"),
    }))
}

/// Reads a case from the merged state (with the fields in conflict).
pub fn read_case(conn: &Connection, id: &str) -> Result<Option<Case>> {
    Ok(read_case_and_team(conn, id)?.map(|(case, _)| case))
}

/// The case and its team, with each of the entity's fields and sets read once (the projection
/// runs this for every case an import touches).
fn read_case_and_team(conn: &Connection, id: &str) -> Result<Option<(Case, Vec<String>)>> {
    let e = case_ref(id);
    if !oplog::entity_exists(conn, &e)? {
        return Ok(None);
    }
    let f = Fields::load(conn, &e)?;
    let mut sets = oplog::sets(conn, &e)?;
    let mut strings = |set: &str| -> Vec<String> {
        sets.remove(set)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect()
    };
    let (Some(number), Some(kind), Some(title), Some(lead), Some(status), Some(opened)) = (
        f.get::<String>("number"),
        f.get::<CaseKind>("kind"),
        f.text("title"),
        f.get::<String>("lead"),
        f.get::<CaseStatus>("status"),
        f.get::<NaiveDate>("opened"),
    ) else {
        return Ok(None);
    };
    let mut coordinators: Vec<Coordinator> = strings("coordinators")
        .into_iter()
        .map(|office| {
            let reason = f
                .text(&format!("coordinator_reason.{office}"))
                .unwrap_or_default();
            Coordinator { office, reason }
        })
        .collect();
    coordinators.sort_by(|a, b| a.office.cmp(&b.office));
    let subjects = strings("subjects");
    let categories = strings("categories");
    let team = case_team(conn, id)?;
    let extensions = f.get("extensions").unwrap_or(0);
    let stored_deadline: Option<NaiveDate> = f.get("deadline");
    // A deadline counted by rule into a year without a holiday calendar is recounted with the
    // rules in force (rules_bridge::DeadlineBasis); a case written before bases were recorded
    // (no field at all) is read as counted by its kind's rule with the built-in calendar.
    let basis = match f.0.get("deadline_basis") {
        Some(_) => f.get::<super::rules_bridge::DeadlineBasis>("deadline_basis"),
        None => super::rules_bridge::DeadlineBasis::legacy(
            kind,
            read_office(conn, &lead)?.is_some_and(|o| o.kind == OfficeKind::Central),
            opened,
            extensions,
            stored_deadline,
        ),
    };
    let (deadline, deadline_provisional_years) = match &basis {
        Some(b) => super::rules_bridge::deadline_in_force(conn, stored_deadline, b)?,
        None => (stored_deadline, Vec::new()),
    };
    let case = Case {
        id: id.to_string(),
        number,
        kind,
        title,
        summary: f.text("summary").unwrap_or_default(),
        origin: f.get("origin").unwrap_or(CaseOrigin::AdHoc),
        lead,
        coordinators,
        subjects,
        categories,
        status,
        resume_status: f.get("resume_status"),
        opened,
        deadline,
        deadline_provisional_years,
        extensions,
        closed: f.get("closed"),
        plan_item: f.get("plan_item"),
        letter: f.get("letter"),
        conflicts: {
            let mut c = f.conflicts(CONFLICT_FIELDS);
            c.extend(decision_conflicts(conn, id)?);
            c
        },
    };
    Ok(Some((case, team)))
}

/// Officers on the case's team as `office/login` (their `Assigned` grants apply to it; logins
/// repeat across offices). A bare login, written before members were qualified, belongs to the
/// office that added it.
pub fn case_team(conn: &Connection, id: &str) -> Result<Vec<String>> {
    // Grouped here rather than in SQL: a GROUP BY (or ORDER BY) statement is re-prepared on
    // every run from the statement cache (docs/BENCHMARKS.md), and projections run it per write.
    let mut stmt = conn.prepare_cached(
        "SELECT element, origin FROM oplog_set_elems
         WHERE kind = ?1 AND id = ?2 AND set_name = 'team' AND live = 1",
    )?;
    let rows = stmt.query_map(params![KIND_CASE, id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    // Each element with the least origin that added it.
    let mut first_origin: BTreeMap<String, String> = BTreeMap::new();
    for row in rows {
        let (element, origin) = row?;
        match first_origin.get_mut(&element) {
            Some(o) if *o <= origin => {}
            Some(o) => *o = origin,
            None => {
                first_origin.insert(element, origin);
            }
        }
    }
    let mut team = Vec::new();
    for (element, origin) in first_origin {
        let Ok(Value::String(member)) = serde_json::from_str::<Value>(&element) else {
            continue;
        };
        team.push(if member.contains('/') {
            member
        } else {
            format!("{origin}/{member}")
        });
    }
    team.sort();
    team.dedup();
    Ok(team)
}

/// Entries of one of a case's append-only logs, decoded (entries that do not decode are skipped).
pub fn case_log<T: DeserializeOwned>(conn: &Connection, id: &str, log: &str) -> Result<Vec<T>> {
    Ok(oplog::log_entries(conn, &case_ref(id), log)?
        .into_iter()
        .filter_map(|e| serde_json::from_value(e.entry).ok())
        .collect())
}

/// Key for duplicate detection: NFC, lower case, inner whitespace collapsed.
pub fn name_key(s: &str) -> String {
    Text::new(s)
        .as_str()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Runs a statement through the connection's statement cache: projections run once per touched
/// entity, thousands of times in one import.
pub(crate) fn exec<P: rusqlite::Params>(tx: &Connection, sql: &str, params: P) -> Result<usize> {
    tx.prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map_err(crate::error::Error::from)
}

/// Keeps the query tables of domain.sql in step with the merged state.
pub struct DomainProjector;

impl Projector for DomainProjector {
    fn project(&self, tx: &Connection, entity: &EntityRef) -> Result<()> {
        match entity.kind.as_str() {
            KIND_OFFICE => project_office(tx, &entity.id),
            KIND_OFFICER => project_officer(tx, &entity.id),
            KIND_SUBJECT => project_subject(tx, &entity.id),
            KIND_CASE => project_case(tx, &entity.id),
            KIND_DENOUNCER => project_denouncer(tx, &entity.id),
            KIND_PLAN => super::plans::project_plan(tx, &entity.id),
            KIND_PLAN_ITEM => super::plans::project_plan_item(tx, &entity.id),
            super::overlap_records::KIND_OVERLAP => {
                super::overlap_records::project_overlap(tx, &entity.id)
            }
            super::rules_store::KIND_RULES => reproject_provisional_deadlines(tx),
            super::letters::KIND_LETTER => super::letters::project_letter(tx, &entity.id),
            crate::reports::lock::KIND_REPORT_LOCK => {
                crate::reports::lock::project_report_lock(tx, &entity.id)
            }
            _ => Ok(()),
        }
    }

    fn admit(&self, tx: &Connection, op: &oplog::Op) -> Result<()> {
        crate::authority::admit(tx, op)
    }

    fn settle(
        &self,
        tx: &Connection,
        units: &std::collections::BTreeSet<oplog::ScopeUnit>,
    ) -> Result<Vec<EntityRef>> {
        crate::authority::settle(tx, units)
    }
}

/// The rules changed (a calendar published, a time limit edited): cases whose deadline is
/// provisional are recounted. A final deadline never moves with a later edit of the rules.
fn reproject_provisional_deadlines(tx: &Connection) -> Result<()> {
    let ids: Vec<String> = {
        let mut st = tx.prepare_cached("SELECT id FROM cases WHERE deadline_provisional = 1")?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        project_case(tx, &id)?;
    }
    Ok(())
}

fn project_office(tx: &Connection, code: &str) -> Result<()> {
    exec(tx, "DELETE FROM offices WHERE code = ?1", [code])?;
    exec(
        tx,
        "DELETE FROM office_predecessors WHERE office = ?1",
        [code],
    )?;
    let Some(o) = read_office(tx, code)? else {
        return Ok(());
    };
    exec(
        tx,
        "INSERT INTO offices(code, name, kind, parent, valid_from, valid_to, predecessors)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            o.code,
            o.name.as_str(),
            o.kind.code(),
            o.parent,
            o.valid_from.map(|d| d.to_string()),
            o.valid_to.map(|d| d.to_string()),
            serde_json::to_string(&o.predecessors).expect("strings serialise"),
        ],
    )?;
    for p in &o.predecessors {
        exec(
            tx,
            "INSERT INTO office_predecessors(office, predecessor) VALUES (?1, ?2)",
            params![o.code, p],
        )?;
    }
    Ok(())
}

fn project_officer(tx: &Connection, id: &str) -> Result<()> {
    let Some((office, login)) = id.split_once('/') else {
        return Ok(());
    };
    exec(
        tx,
        "DELETE FROM officers WHERE office = ?1 AND login = ?2",
        [office, login],
    )?;
    if let Some(o) = read_officer(tx, office, login)? {
        exec(
            tx,
            "INSERT INTO officers(office, login, name, role, active) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![o.office, o.login, o.name.as_str(), o.role, o.active],
        )?;
    }
    Ok(())
}

fn project_subject(tx: &Connection, id: &str) -> Result<()> {
    exec(tx, "DELETE FROM subjects WHERE id = ?1", [id])?;
    if let Some(s) = read_subject(tx, id)? {
        exec(tx,
            "INSERT INTO subjects(id, kind, name, name_key, name_fold, birth_year, unit, unit_key, post,
                                  membership, authority)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                s.id,
                s.kind.code(),
                s.name.as_str(),
                name_key(s.name.as_str()),
                fold(s.name.as_str()),
                s.birth_year,
                s.unit.as_ref().map(|u| u.as_str()),
                s.unit.as_ref().map(|u| name_key(u.as_str())).unwrap_or_default(),
                s.post.as_ref().map(|p| p.as_str()),
                s.membership.map(|m| m.code()),
                s.authority.map(|a| a.code()),
            ],
        )?;
    }
    // Cases index their subjects' names: re-project them (a renamed subject is found by its
    // new name).
    let cases: Vec<String> = {
        let mut st =
            tx.prepare_cached("SELECT case_id FROM case_subjects WHERE subject_id = ?1")?;
        st.query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for c in cases {
        index_case(tx, &c)?;
    }
    Ok(())
}

/// The domain projection that also keeps what it projected of one case: a write that returns
/// the case (a transition, an edit) hands back what the projection read inside the write's
/// transaction instead of reading the case from the op log once more after committing.
pub(crate) struct CaseCapture {
    id: String,
    case: std::cell::RefCell<Option<Case>>,
}

impl CaseCapture {
    pub(crate) fn new(id: &str) -> CaseCapture {
        CaseCapture {
            id: id.to_string(),
            case: std::cell::RefCell::new(None),
        }
    }

    /// The case as the last projection of it left it (None if it was not projected).
    pub(crate) fn into_case(self) -> Option<Case> {
        self.case.into_inner()
    }
}

impl Projector for CaseCapture {
    fn project(&self, tx: &Connection, entity: &EntityRef) -> Result<()> {
        if entity.kind == KIND_CASE && entity.id == self.id {
            *self.case.borrow_mut() = project_case_read(tx, &entity.id)?;
            Ok(())
        } else {
            DomainProjector.project(tx, entity)
        }
    }

    fn admit(&self, tx: &Connection, op: &oplog::Op) -> Result<()> {
        DomainProjector.admit(tx, op)
    }

    fn settle(
        &self,
        tx: &Connection,
        units: &std::collections::BTreeSet<oplog::ScopeUnit>,
    ) -> Result<Vec<EntityRef>> {
        DomainProjector.settle(tx, units)
    }
}

fn project_case(tx: &Connection, id: &str) -> Result<()> {
    project_case_read(tx, id).map(|_| ())
}

/// Projects one case; returns it as projected (None: not visible or incomplete).
fn project_case_read(tx: &Connection, id: &str) -> Result<Option<Case>> {
    let rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM cases WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .optional()?;
    if let Some(rowid) = rowid {
        exec(tx, "DELETE FROM case_fts WHERE rowid = ?1", [rowid])?;
    }
    exec(tx, "DELETE FROM case_offices WHERE case_id = ?1", [id])?;
    exec(tx, "DELETE FROM case_subjects WHERE case_id = ?1", [id])?;
    exec(tx, "DELETE FROM case_team WHERE case_id = ?1", [id])?;
    exec(tx, "DELETE FROM case_signs WHERE case_id = ?1", [id])?;
    exec(
        tx,
        "DELETE FROM case_decision_dates WHERE case_id = ?1",
        [id],
    )?;
    let Some((c, team)) = read_case_and_team(tx, id)? else {
        exec(tx, "DELETE FROM cases WHERE id = ?1", [id])?;
        return Ok(None);
    };
    use chrono::Datelike;
    let values = params![
        c.id,
        c.number,
        c.kind.code(),
        c.title.as_str(),
        c.summary.as_str(),
        c.origin.code(),
        c.lead,
        c.status.code(),
        c.resume_status.map(|s| s.code()),
        c.opened.to_string(),
        c.opened.year(),
        c.deadline.map(|d| d.to_string()),
        c.extensions,
        c.closed.map(|d| d.to_string()),
        workflow::is_open(c.status),
        !c.conflicts.is_empty(),
        !c.deadline_provisional_years.is_empty(),
        c.plan_item,
        c.letter,
    ];
    // Upsert keeps the rowid, which is the FTS row id.
    exec(tx,
        "INSERT INTO cases(id, number, kind, title, summary, origin, lead, status, resume_status, opened,
                           year, deadline, extensions, closed, is_open, conflict,
                           deadline_provisional, plan_item, letter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19)
         ON CONFLICT(id) DO UPDATE SET number = excluded.number, kind = excluded.kind,
           title = excluded.title, summary = excluded.summary, origin = excluded.origin,
           lead = excluded.lead, status = excluded.status, resume_status = excluded.resume_status,
           opened = excluded.opened, year = excluded.year, deadline = excluded.deadline,
           extensions = excluded.extensions, closed = excluded.closed, is_open = excluded.is_open,
           conflict = excluded.conflict, deadline_provisional = excluded.deadline_provisional,
           plan_item = excluded.plan_item, letter = excluded.letter",
        values,
    )?;
    exec(
        tx,
        "INSERT INTO case_offices(case_id, office, role, reason) VALUES (?1, ?2, 'lead', NULL)",
        params![c.id, c.lead],
    )?;
    for co in &c.coordinators {
        exec(
            tx,
            "INSERT OR IGNORE INTO case_offices(case_id, office, role, reason) VALUES (?1, ?2, 'coordinating', ?3)",
            params![c.id, co.office, co.reason.as_str()],
        )?;
    }
    for s in &c.subjects {
        exec(
            tx,
            "INSERT INTO case_subjects(case_id, subject_id) VALUES (?1, ?2)",
            params![c.id, s],
        )?;
    }
    // Signs of violation a supervision found: they wait for an inspection (omissions). What an
    // inspection, a denunciation, a discipline case or an appeal finds is handled by that case.
    if c.kind.is_supervision() {
        for e in oplog::log_entries(tx, &case_ref(id), "findings")? {
            let Ok(f) = serde_json::from_value::<Finding>(e.entry) else {
                continue;
            };
            if f.violated {
                exec(
                    tx,
                    "INSERT INTO case_signs(case_id, subject_id, found_on) VALUES (?1, ?2, ?3)
                     ON CONFLICT(case_id, subject_id) DO UPDATE SET
                       found_on = min(coalesce(found_on, excluded.found_on), excluded.found_on)",
                    params![c.id, f.subject, local_date(e.hlc).to_string()],
                )?;
            }
        }
    }
    for login in team {
        exec(
            tx,
            "INSERT INTO case_team(case_id, login) VALUES (?1, ?2)",
            params![c.id, login],
        )?;
    }
    // The dates of its discipline decisions (every one recorded, replaced or not: the reports
    // read the case itself for the decision in force; this only finds the cases to read).
    for e in oplog::log_entries(tx, &case_ref(id), "decisions")? {
        if let Some(date) = e.entry.get("date").and_then(|d| d.as_str()) {
            exec(
                tx,
                "INSERT OR IGNORE INTO case_decision_dates(decided, case_id) VALUES (?1, ?2)",
                params![date, c.id],
            )?;
        }
    }
    index_case(tx, id)?;
    Ok(Some(c))
}

/// (Re)writes a case's search row: folded number, title, summary and its subjects' names.
fn index_case(tx: &Connection, id: &str) -> Result<()> {
    let row: Option<(i64, String, String, String)> = tx
        .prepare_cached("SELECT rowid, number, title, summary FROM cases WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((rowid, number, title, summary)) = row else {
        return Ok(());
    };
    let names: Vec<String> = {
        let mut st = tx.prepare_cached(
            "SELECT cs.subject_id, (SELECT s.name FROM subjects s WHERE s.id = cs.subject_id)
                 FROM case_subjects cs WHERE cs.case_id = ?1",
        )?;
        let mut rows = st
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.sort();
        rows.into_iter().filter_map(|(_, name)| name).collect()
    };
    let body = fold(&format!("{number} {title} {summary} {}", names.join(" ")));
    exec(tx, "DELETE FROM case_fts WHERE rowid = ?1", [rowid])?;
    exec(
        tx,
        "INSERT INTO case_fts(rowid, body) VALUES (?1, ?2)",
        params![rowid, body],
    )?;
    Ok(())
}

fn project_denouncer(tx: &Connection, case_id: &str) -> Result<()> {
    exec(tx, "DELETE FROM denouncers WHERE case_id = ?1", [case_id])?;
    let e = EntityRef::new(KIND_DENOUNCER, case_id);
    if !oplog::entity_exists(tx, &e)? {
        return Ok(());
    }
    let f = Fields::load(tx, &e)?;
    let Some(name) = f.text("name") else {
        return Ok(());
    };
    exec(
        tx,
        "INSERT INTO denouncers(case_id, name, address, contact) VALUES (?1, ?2, ?3, ?4)",
        params![
            case_id,
            name.as_str(),
            f.text("address").map(|t| t.into_string()),
            f.text("contact").map(|t| t.into_string())
        ],
    )?;
    Ok(())
}

/// Recomputes every query table from the merged state.
pub(crate) fn rebuild_all(tx: &Connection) -> Result<()> {
    for table in [
        "offices",
        "office_predecessors",
        "officers",
        "subjects",
        "case_fts",
        "case_offices",
        "case_subjects",
        "case_signs",
        "case_decision_dates",
        "case_team",
        "cases",
        "denouncers",
        "plans",
        "plan_items",
        "plan_item_offices",
        "overlap_records",
        "letters",
        "report_lock_records",
    ] {
        exec(tx, &format!("DELETE FROM {table}"), [])?;
    }
    // Subjects before cases: a case's search row includes its subjects' names.
    for kind in [
        KIND_OFFICE,
        KIND_OFFICER,
        KIND_SUBJECT,
        KIND_CASE,
        KIND_DENOUNCER,
        KIND_PLAN,
        KIND_PLAN_ITEM,
        super::overlap_records::KIND_OVERLAP,
        super::letters::KIND_LETTER,
        crate::reports::lock::KIND_REPORT_LOCK,
    ] {
        for id in oplog::entities_of_kind(tx, kind)? {
            DomainProjector.project(tx, &EntityRef::new(kind, id))?;
        }
    }
    Ok(())
}
