//! The domain register: offices, officers, subjects, cases, plans. Every write checks the
//! officer's permission (`access`), validates (`model`, `rules`), goes through one
//! `oplog::Txn` with its scope unit, appends an audit entry in the same SQL transaction, and
//! commits through [`DomainProjector`], which keeps the query tables of `domain.sql` a pure
//! function of the merged operations. Nothing is written when any step fails.
//!
//! # Public API (helper D)
//! - `Register::initialise(store, InitParams { office_code, office_name, officer_login,
//!   officer_name, central }) -> Result<Register>`; `Register::session(store, login) ->
//!   Result<Register>`; `store()`, `store_mut()`, `into_store()`, `session_info() -> &Session`.
//! - Offices: `add_office(NewOffice) -> Result<Office>` (predecessors + `valid_from` close the
//!   predecessors: the 2025 merger), `office(code)`, `list_offices() -> Vec<Office>` (Vietnamese
//!   order), `successor(code) -> Option<String>` (the office in force today that absorbed it).
//!   A central office is initialised with the 2025 office list (`office_list`: 34 units and the
//!   former provinces merged into them); `add_office_list()` adds entries of it that are missing.
//! - Officers: `add_officer(login, name, Role) -> Result<Officer>`, `list_officers()`.
//! - People (module `people`): `edit_subject(id, SubjectEdit { post, membership, authority,
//!   unit })`; `set_officer_role(login, Role)`, `deactivate_officer(login)` (no sign-in, no
//!   team; not oneself); `declare_relation(login, Relation::{Subject(id), Denouncer(case)})`,
//!   `officer_relations(login)`: a related officer cannot join that case's team (nor can a
//!   related subject be added to a case they are on). `CaseDetail::warnings`: the lead office
//!   lacks management authority over a subject; a team member declared a relation later. A
//!   coordinating office always comes with its reason.
//! - Records around a case (module `records`, all in the case's unit, lead office and central
//!   office only): `set_case_category(case, code, add)` (validated against the category lists
//!   in force; findings' categories too), `record_conclusion(case, Conclusion)` (number, date,
//!   text, outcome per subject with categories and discipline required for a violation),
//!   `suspend(case, subject, start, extend, note)` (the rules' `suspension` limit and its
//!   maximum), `transfer(case, receiving_body, date, note)` (the only way to `transferred`),
//!   `record_notice(case, Notice)` (to whom, the denouncer, when).
//! - Letters (module `letters`, own unit `letter:<id>`, the receiving office and the central
//!   office): `record_letter(NewLetter { kind, received, channel, content })`, `letter(id)`,
//!   `list_letters()`, `open_case_from_letter(letter, NewCase)` (named: a denunciation or an
//!   inspection on signs; anonymous or impersonated: an inspection on signs only).
//! - Subjects: `add_subject(NewSubject, force) -> Result<AddSubject>` (`AddSubject::Added(id)` or
//!   `AddSubject::PossibleDuplicates(Vec<Subject>)`, nothing written), `subject(id)`,
//!   `list_subjects(search)`.
//! - Cases: `add_case(NewCase) -> Result<CaseCreated { id, number }>`, `case(id_or_number) ->
//!   Result<Case>`, `case_detail(id_or_number) -> Result<CaseDetail>` (with timeline, decisions,
//!   allowed transitions), `set_case_field(case, field, value)`, `transition(case, status,
//!   note, date) -> Result<Case>`, `decide(case, NewDecision) -> Result<DisciplineDecision>`,
//!   `list_cases(&CaseFilter) -> Vec<CaseRow>` (see `search`).
//! - Links: `link(case, CaseLink::{Subject(id), Coordinator(code, reason), Team(login)})`,
//!   `unlink(case, CaseLink)`; `record_finding(case, Finding)`.
//! - Denouncer (confidential, own scope unit `denouncer:<case id>`): `set_denouncer(case, name,
//!   address, contact)` (denouncer.write), `denouncer(case) -> Option<Denouncer>`
//!   (denouncer.read, every read audited).
//! - Documents: `attach_document(case, name, media_type, bytes) -> DocumentMeta` (BLAKE3
//!   content address, size limit `set_attachment_limit`, default 50 MB), `documents(case)`,
//!   `document_content(case, blake3) -> Option<Vec<u8>>` (every read audited).
//! - Denouncer documents (the letter's scan, in the denouncer's unit: lead office only):
//!   `attach_denouncer_document(case, name, media_type, bytes)` (denouncer.write),
//!   `denouncer_documents(case)`, `denouncer_document_content(case, blake3)` (denouncer.read,
//!   every read audited).
//! - Plans: `add_plan(NewPlan)`, `add_plan_item(plan, NewPlanItem)` (identical items refused),
//!   `edit_plan_item(item, PlanItemEdit)`, `remove_plan_item(item)` (not while a case carries
//!   it out), `set_plan_item_status(item, PlanItemStatus, reason)` (dropped needs a reason),
//!   `link_plan_item(case, Some(item) | None)` (the case carries the item out; its origin
//!   becomes the annual plan), `list_plans()`, `overlaps()`, `omissions()` (dropped items count
//!   for neither) (module `plans`).
//! - Rules (reference data `rules/current`, module `rules_store`): `rules() -> RulesConfig`,
//!   `set_rules(RulesConfig)` (rules.admin; validated; only changed sections written),
//!   `years_without_calendar() -> Vec<CalendarGap { year, open_cases }>` (this year, the next and
//!   the years provisional deadlines of open cases run into, lacking a holiday calendar). A
//!   deadline counted by rule into such a year is provisional (`Case::deadline_provisional_years`,
//!   `CaseRow::deadline_provisional`) and recounted when the calendar arrives.
//! - Local settings (module `settings`): `office_settings()`, `set_office_setting(key, value)`
//!   (office.admin, audited); `audit_print(entity, detail)` (the audit entry of every print).
//! - App case work (module `casework`): `NewCaseForm`, `preview_deadline`, `add_note`,
//!   `may_read_denouncer`, `case_conflicts`, `resolve_conflict`, `dashboard`, `case_audit`, `idle_seconds`.
//! - `digest() -> String` (oplog::digest), `rebuild_projections()`.

pub mod admin;
mod audit_read;
mod cases;
pub mod casework;
mod documents;
mod enrolment;
mod key_rotation;
mod keys;
pub(crate) mod letters;
mod links;
pub mod office_list;
pub(crate) mod offices;
pub mod overlap_records;
mod people;
pub mod plans;
pub mod project;
mod records;
mod roster_ops;
mod rules_bridge;
mod rules_store;
mod settings;
mod subjects;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use crate::access::{self, CaseAccess, Permission, Role};
use crate::error::{Error, Result};
use crate::oplog::{self, ScopeUnit, Txn};
use crate::store::Store;
use crate::text::Text;

pub use admin::{
    AdminCapabilities, CertifiedOffice, DeadlineMove, EditableRules, OfficeOverview,
    OfficerOverview, RevokedOffice, RulesEdit,
};
pub use cases::{CaseCreated, CaseDetail, NewCase, NewDecision};
pub use casework::{
    CaseAuditEntry, CaseConflict, ConflictValue, Dashboard, NewCaseForm, media_type_for,
};
pub use documents::DEFAULT_ATTACHMENT_LIMIT;
pub(crate) use documents::attachment_of;
pub use letters::NewLetter;
pub use links::CaseLink;
pub use offices::NewOffice;
pub use overlap_records::{Settlement, SettlementOutcome};
pub use people::{Relation, Relations, SubjectEdit};
pub use plans::{
    MAX_PLAN_ITEM_PAGE, NewPlan, NewPlanItem, Omission, Overlap, PlanItemEdit, PlanItemPage,
    PlanSummary, PlanView, SubjectPlanItem, Work,
};
pub use project::DomainProjector;
pub use rules_store::CalendarGap;
pub use subjects::{AddSubject, NewSubject};

/// Who is working: the signed-in officer, their role and their office (the register's office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub office: String,
    pub login: String,
    pub role: Role,
}

/// The signed-in officer and their office, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignedIn {
    pub login: String,
    pub officer_name: Text,
    pub role: Role,
    pub office_code: String,
    pub office_name: Text,
}

/// What `hoso init` records in a new register.
#[derive(Debug, Clone)]
pub struct InitParams {
    pub office_code: String,
    pub office_name: Text,
    pub officer_login: String,
    pub officer_name: Text,
    /// The central office (UBKT of ĐUCATW) rather than a provincial one.
    pub central: bool,
}

/// A store opened for one officer.
pub struct Register {
    store: Store,
    session: Session,
    attachment_limit: u64,
    /// The caps a bundle is read with, and that an export keeps under (`bundle::Limits`).
    bundle_limits: crate::bundle::Limits,
    /// Per case-number prefix (`HN-2026-`): the last sequence this session gave out, where the
    /// next search for a free number starts (`cases::next_number`).
    number_hints: std::collections::HashMap<String, u32>,
}

/// The scope unit of reference data (offices, officers).
pub(crate) fn scope_ref() -> ScopeUnit {
    ScopeUnit::new("ref")
}

/// Today's local date (deadlines and default dates are calendar dates in Vietnam's sense).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

pub(crate) use crate::store::local_office;

impl Register {
    /// Records the register's office and its first officer (an administrator). Only on a register
    /// that has none yet.
    pub fn initialise(mut store: Store, p: InitParams) -> Result<Register> {
        let code = crate::model::normalise_office_code(&p.office_code)?;
        let login = crate::model::normalise_login(&p.officer_login)?;
        if p.office_name.as_str().trim().is_empty() {
            return Err(Error::invalid("office name", "must not be empty"));
        }
        if p.officer_name.as_str().trim().is_empty() {
            return Err(Error::invalid("officer name", "must not be empty"));
        }
        if let Some(existing) = local_office(store.conn())? {
            return Err(Error::invalid(
                "register",
                format!("already initialised for office {existing}"),
            ));
        }
        let session = Session {
            office: code.clone(),
            login: login.clone(),
            role: Role::Administrator,
        };
        // The office's keys (and the root key on the central office): local, never synced.
        let keys = crate::trust::OfficeKeys::generate(p.central)?;
        {
            let mut txn = Txn::begin(store.conn_mut(), &code, &login)?;
            txn.tx().execute(
                "INSERT INTO register_identity(id, office, office_name) VALUES (0, ?1, ?2)",
                [&code, p.office_name.as_str()],
            )?;
            keys.insert(txn.tx())?;
            crate::trust::roster::issue_initial(txn.tx(), &keys, &code, p.office_name.as_str())?;
            // The office list is the central office's to write: a province reads its own
            // office from `register_identity` until the set-up bundle brings the list.
            if p.central {
                offices::write_office(
                    &mut txn,
                    &NewOffice {
                        code: code.clone(),
                        name: p.office_name.clone(),
                        kind: crate::model::OfficeKind::Central,
                        parent: None,
                        predecessors: vec![],
                        valid_from: None,
                        valid_to: None,
                    },
                )?;
                // The office list of the 2025 reform, as data (`office_list`): a province can
                // name any office as soon as its set-up bundle brings the list.
                office_list::write_office_list(&mut txn, &code)?;
            }
            offices::write_officer(
                &mut txn,
                &code,
                &login,
                &p.officer_name,
                Role::Administrator,
            )?;
            // The central office pins the default rules as data for every office; provinces
            // read the built-in defaults until an edit arrives (see `rules_store`).
            if p.central {
                rules_store::write_defaults(&mut txn)?;
            }
            audit(
                &txn,
                &session,
                "register.init",
                &format!("office:{code}"),
                serde_json::json!({ "central": p.central }),
            )?;
            txn.commit(&DomainProjector)?;
        }
        Ok(Register {
            store,
            session,
            attachment_limit: DEFAULT_ATTACHMENT_LIMIT,
            bundle_limits: crate::bundle::Limits::default(),
            number_hints: Default::default(),
        })
    }

    /// Opens the register for an officer of this office.
    pub fn session(store: Store, login: &str) -> Result<Register> {
        let login = crate::model::normalise_login(login)?;
        let office = local_office(store.conn())?
            .ok_or_else(|| Error::invalid("register", "not initialised (no office recorded)"))?;
        let officer = project::read_officer(store.conn(), &office, &login)?.ok_or_else(|| {
            Error::NotFound {
                entity: "officer",
                key: login.clone(),
            }
        })?;
        if !officer.active {
            return Err(Error::PermissionDenied(format!(
                "officer {login} is deactivated"
            )));
        }
        let role: Role = officer.role.parse()?;
        // Every sign-in is audited (a wrong passphrase cannot be: nothing opens without the key).
        let unlocked_with = match store.unlocked_by() {
            crate::store::Unlock::Officer(_) => "passphrase",
            crate::store::Unlock::RecoveryKey => "recovery-key",
        };
        let tx = store.conn().unchecked_transaction()?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "session.open",
                format!("officer:{office}/{login}"),
                serde_json::json!({ "unlocked_with": unlocked_with }),
            ),
        )?;
        tx.commit()?;
        let mut reg = Register {
            store,
            session: Session {
                office,
                login,
                role,
            },
            attachment_limit: DEFAULT_ATTACHMENT_LIMIT,
            bundle_limits: crate::bundle::Limits::default(),
            number_hints: Default::default(),
        };
        // Report locks from before they were synced (migration 10) become records. Never fatal
        // to signing in: a row not converted stays a local lock, honoured, and is tried again.
        let _ = crate::reports::lock::convert_legacy_locks(&mut reg);
        Ok(reg)
    }

    pub fn session_info(&self) -> &Session {
        &self.session
    }

    /// The caps bundles are read with and exports keep under (default: `Limits::default()`,
    /// what every HoSo reads with; tests set smaller ones).
    pub fn bundle_limits(&self) -> &crate::bundle::Limits {
        &self.bundle_limits
    }

    pub fn set_bundle_limits(&mut self, limits: crate::bundle::Limits) {
        self.bundle_limits = limits;
    }

    /// The signed-in officer and office by name, for a header or a printed page.
    pub fn whoami(&self) -> Result<SignedIn> {
        let office = self.office(&self.session.office)?;
        let officer = self
            .list_officers()?
            .into_iter()
            .find(|o| o.login == self.session.login)
            .ok_or_else(|| Error::NotFound {
                entity: "officer",
                key: self.session.login.clone(),
            })?;
        Ok(SignedIn {
            login: officer.login,
            officer_name: officer.name,
            role: self.session.role,
            office_code: office.code,
            office_name: office.name,
        })
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }
    pub fn into_store(self) -> Store {
        self.store
    }
    pub(crate) fn conn(&self) -> &Connection {
        self.store.conn()
    }

    /// The canonical digest of the shared domain state (equal on offices that saw the same ops).
    pub fn digest(&self) -> Result<String> {
        oplog::digest(self.conn())
    }

    /// Checks a permission that does not depend on a case.
    pub(crate) fn require(&self, p: Permission) -> Result<()> {
        access::require(self.session.role, p)
    }

    /// Runs `f` in one op-log transaction, then commits through the projector. `f` writes its
    /// audit entry with [`audit`] so the entry commits or rolls back with the change.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Txn<'_>, &Session) -> Result<T>,
    ) -> Result<T> {
        let session = self.session.clone();
        // A register restored from a copy writes again once its own history is back.
        crate::sync::check_writable(self.store.conn(), &session.office)?;
        let mut txn = Txn::begin(self.store.conn_mut(), &session.office, &session.login)?;
        let out = f(&mut txn, &session)?;
        txn.commit(&DomainProjector)?;
        Ok(out)
    }

    /// [`write`](Self::write) for a change to one case that returns the case as it then stands:
    /// the projection's reading of it, inside the write's transaction (the officer must be
    /// allowed to read cases, as [`Register::case`] requires).
    pub(crate) fn write_case(
        &mut self,
        id: &str,
        f: impl FnOnce(&mut Txn<'_>, &Session) -> Result<()>,
    ) -> Result<crate::model::Case> {
        let session = self.session.clone();
        crate::sync::check_writable(self.store.conn(), &session.office)?;
        let capture = project::CaseCapture::new(id);
        {
            let mut txn = Txn::begin(self.store.conn_mut(), &session.office, &session.login)?;
            f(&mut txn, &session)?;
            txn.commit(&capture)?;
        }
        match capture.into_case() {
            Some(case) => {
                self.require(Permission::CaseRead)?;
                Ok(case)
            }
            None => self.case(id),
        }
    }

    /// Recomputes every query table from the merged op log (after a schema change, or to check
    /// that projections are a pure function of the operations).
    pub fn rebuild_projections(&mut self) -> Result<()> {
        let tx = self.store.conn_mut().transaction()?;
        project::rebuild_all(&tx)?;
        Ok(tx.commit()?)
    }

    /// Runs several writes in one SQL transaction: each write keeps its own checks and ops (a
    /// savepoint), but the register commits once, all of them or none. For bulk loads (the
    /// demo generator), where a commit per write costs more than the write; a write that opens
    /// a plain transaction of its own is refused inside a batch.
    pub fn batch<T>(&mut self, writes: impl FnOnce(&mut Register) -> Result<T>) -> Result<T> {
        self.store.conn().execute_batch("BEGIN IMMEDIATE")?;
        match writes(self) {
            Ok(value) => {
                self.store.conn().execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                let _ = self.store.conn().execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The facts the conditional grants depend on for one case.
    pub(crate) fn case_access(&self, case: &crate::model::Case, team: &[String]) -> CaseAccess {
        CaseAccess {
            assigned: team.contains(&format!("{}/{}", self.session.office, self.session.login)),
            local_office_leads: case.lead == self.session.office,
        }
    }
}

/// `code` and every office merged into it (transitively), for office filters.
pub(crate) fn offices_with_predecessors(r: &Register, code: &str) -> Result<Vec<String>> {
    offices::with_predecessors(r.conn(), code)
}

/// Appends an audit entry inside the transaction of the change it records.
pub(crate) fn audit(
    txn: &Txn<'_>,
    s: &Session,
    action: &str,
    entity: &str,
    detail: serde_json::Value,
) -> Result<()> {
    crate::audit::append(
        txn.tx(),
        &crate::audit::NewEntry::new(&s.login, action, entity, detail),
    )
    .map(|_| ())
}
