//! People after they were added (issue 10): a subject's post, membership, management authority
//! and unit; an officer's role and deactivation; the relations an officer declares to a subject
//! or to the denouncer of a case, which keep them off that case's team; and the warnings a case
//! shows (the lead office lacks management authority over a subject, a team member declared a
//! relation after joining).
//!
//! Subjects are written in their own scope unit (`subject:<id>`, any certified office), officers
//! and their declared relations in reference data (`ref`, only the officer's own office: the
//! authority module's rule for officers).

use rusqlite::Connection;

use super::project::{officer_ref, read_officer, read_subject, subject_ref};
use super::{Register, audit, scope_ref};
use crate::access::{Permission, Role};
use crate::error::{Error, Result};
use crate::model::{
    Case, ManagementAuthority, MembershipStatus, OfficeKind, Officer, Subject, SubjectKind,
    normalise_login,
};
use crate::oplog::{self, ScopeUnit};
use crate::text::Text;

/// Changes to a subject: each `Some` replaces the value (`Some(None)` clears it).
#[derive(Debug, Clone, Default)]
pub struct SubjectEdit {
    pub post: Option<Option<Text>>,
    pub membership: Option<MembershipStatus>,
    pub authority: Option<Option<ManagementAuthority>>,
    pub unit: Option<Option<Text>>,
}

/// Someone an officer declares a relation to (family, work, interest): that officer cannot be on
/// the team of a case about the subject, or of the case whose denouncer it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// A subject id.
    Subject(String),
    /// The denouncer of a case (id or number); the identity itself is not needed to declare it.
    Denouncer(String),
}

/// The relations an officer declared: subject ids, and ids of cases whose denouncer it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Relations {
    pub subjects: Vec<String>,
    pub denouncers: Vec<String>,
}

const RELATED_SUBJECTS: &str = "related_subjects";
const RELATED_DENOUNCERS: &str = "related_denouncers";

fn non_blank(t: Option<Text>) -> Option<Text> {
    t.map(|t| Text::new(t.as_str().trim()))
        .filter(|t| !t.is_empty())
}

/// The relations `office/login` declared.
pub(crate) fn relations(conn: &Connection, office: &str, login: &str) -> Result<Relations> {
    let e = officer_ref(office, login);
    let strings = |set: &str| -> Result<Vec<String>> {
        let mut v: Vec<String> = oplog::set_members(conn, &e, set)?
            .into_iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        v.sort();
        Ok(v)
    };
    Ok(Relations {
        subjects: strings(RELATED_SUBJECTS)?,
        denouncers: strings(RELATED_DENOUNCERS)?,
    })
}

/// An officer who may join the team of a case (`case_id`, None while it is being opened) about
/// `subjects`: an active officer of `office`, with no declared relation to a subject or to the
/// case's denouncer.
pub(crate) fn require_team_member(
    conn: &Connection,
    office: &str,
    login: &str,
    subjects: &[String],
    case_id: Option<&str>,
) -> Result<()> {
    let Some(officer) = read_officer(conn, office, login)? else {
        return Err(Error::NotFound {
            entity: "officer",
            key: login.to_string(),
        });
    };
    if !officer.active {
        return Err(Error::invalid(
            "team",
            format!("officer {login} is deactivated"),
        ));
    }
    let rel = relations(conn, office, login)?;
    if let Some(s) = subjects.iter().find(|s| rel.subjects.contains(s)) {
        let name = read_subject(conn, s)?
            .map(|s| s.name.into_string())
            .unwrap_or_else(|| s.clone());
        return Err(Error::invalid(
            "team",
            format!("officer {login} declared a relation to {name}, a subject of this case"),
        ));
    }
    if case_id.is_some_and(|c| rel.denouncers.iter().any(|d| d == c)) {
        return Err(Error::invalid(
            "team",
            format!("officer {login} declared a relation to the denouncer of this case"),
        ));
    }
    Ok(())
}

/// Adding `subject` to a case: no officer on its team declared a relation to it.
pub(crate) fn require_no_related_team_member(
    conn: &Connection,
    case_id: &str,
    subject: &str,
) -> Result<()> {
    for member in super::project::case_team(conn, case_id)? {
        let Some((office, login)) = member.split_once('/') else {
            continue;
        };
        if relations(conn, office, login)?
            .subjects
            .iter()
            .any(|s| s == subject)
        {
            return Err(Error::invalid(
                "subject",
                format!(
                    "officer {member} on the team declared a relation to this subject: take them off the team first"
                ),
            ));
        }
    }
    Ok(())
}

/// Whether an office of `kind` has management authority over a subject managed by `a`.
fn manages(kind: OfficeKind, a: ManagementAuthority) -> bool {
    match a {
        ManagementAuthority::Both => true,
        ManagementAuthority::Central => kind == OfficeKind::Central,
        ManagementAuthority::Province => kind != OfficeKind::Central,
    }
}

/// The warnings `case show` prints (see [`super::CaseDetail::warnings`]).
pub(crate) fn case_warnings(conn: &Connection, case: &Case) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let lead = super::project::read_office(conn, &case.lead)?;
    for sid in &case.subjects {
        let Some(s) = read_subject(conn, sid)? else {
            continue;
        };
        if let (Some(lead), Some(a)) = (&lead, s.authority)
            && !manages(lead.kind, a)
        {
            out.push(format!(
                "the lead office {} has no management authority over {} (diện quản lý: {})",
                lead.code,
                s.name,
                a.label_vi()
            ));
        }
    }
    for member in super::project::case_team(conn, &case.id)? {
        let Some((office, login)) = member.split_once('/') else {
            continue;
        };
        let rel = relations(conn, office, login)?;
        if case.subjects.iter().any(|s| rel.subjects.contains(s))
            || rel.denouncers.contains(&case.id)
        {
            out.push(format!(
                "officer {member} on the team declared a relation to a person of this case: take them off the team"
            ));
        }
    }
    Ok(out)
}

impl Register {
    /// Edits a subject's post, membership status, management authority or unit. A post and a
    /// membership status apply to members only.
    pub fn edit_subject(&mut self, id: &str, edit: SubjectEdit) -> Result<Subject> {
        self.require(Permission::SubjectWrite)?;
        let subject = self.subject(id)?;
        let post = edit.post.clone().map(non_blank);
        let unit = edit.unit.clone().map(non_blank);
        if subject.kind == SubjectKind::Organisation {
            if post.as_ref().is_some_and(|p| p.is_some()) {
                return Err(Error::invalid(
                    "post",
                    "only a member holds a post, not an organisation",
                ));
            }
            if edit.membership.is_some() {
                return Err(Error::invalid(
                    "membership",
                    "probationary/full applies to members only",
                ));
            }
        }
        let sid = subject.id.clone();
        self.write(|txn, s| {
            let e = subject_ref(&sid);
            let sc = ScopeUnit::new(format!("subject:{sid}"));
            let mut changed: Vec<&str> = Vec::new();
            if let Some(p) = &post
                && *p != subject.post
            {
                txn.put(&sc, &e, "post", p.as_ref().map(|p| p.as_str().to_string()))?;
                changed.push("post");
            }
            if let Some(m) = edit.membership
                && Some(m) != subject.membership
            {
                txn.put(&sc, &e, "membership", m.code())?;
                changed.push("membership");
            }
            if let Some(a) = edit.authority
                && a != subject.authority
            {
                txn.put(&sc, &e, "authority", a.map(|a| a.code()))?;
                changed.push("authority");
            }
            if let Some(u) = &unit
                && *u != subject.unit
            {
                txn.put(&sc, &e, "unit", u.as_ref().map(|u| u.as_str().to_string()))?;
                changed.push("unit");
            }
            if changed.is_empty() {
                return Ok(());
            }
            audit(
                txn,
                s,
                "subject.edit",
                &format!("subject:{sid}"),
                serde_json::json!({ "fields": changed }),
            )
        })?;
        self.subject(&sid)
    }

    /// An officer of this office, active or not.
    pub(crate) fn own_officer(&self, login: &str) -> Result<Officer> {
        let login = normalise_login(login)?;
        read_officer(self.conn(), &self.session.office, &login)?.ok_or(Error::NotFound {
            entity: "officer",
            key: login,
        })
    }

    /// Changes an officer's role (administrators; not their own, so that an office keeps an
    /// administrator).
    pub fn set_officer_role(&mut self, login: &str, role: Role) -> Result<Officer> {
        self.require(Permission::OfficerAdmin)?;
        let officer = self.own_officer(login)?;
        if officer.login == self.session.login {
            return Err(Error::invalid(
                "officer",
                "an administrator does not change their own role (another administrator does)",
            ));
        }
        let office = self.session.office.clone();
        self.write(|txn, s| {
            txn.put(
                &scope_ref(),
                &officer_ref(&office, &officer.login),
                "role",
                role.code(),
            )?;
            audit(
                txn,
                s,
                "officer.role",
                &format!("officer:{office}/{}", officer.login),
                serde_json::json!({ "from": officer.role, "to": role }),
            )
        })?;
        self.own_officer(&officer.login)
    }

    /// Deactivates an officer (administrators; not themselves): they can no longer sign in or
    /// join a team. Their history stays.
    pub fn deactivate_officer(&mut self, login: &str) -> Result<Officer> {
        self.require(Permission::OfficerAdmin)?;
        let officer = self.own_officer(login)?;
        if officer.login == self.session.login {
            return Err(Error::invalid(
                "officer",
                "an administrator does not deactivate themselves",
            ));
        }
        if !officer.active {
            return Err(Error::invalid(
                "officer",
                format!("{} is already deactivated", officer.login),
            ));
        }
        let office = self.session.office.clone();
        self.write(|txn, s| {
            txn.put(
                &scope_ref(),
                &officer_ref(&office, &officer.login),
                "active",
                false,
            )?;
            audit(
                txn,
                s,
                "officer.deactivate",
                &format!("officer:{office}/{}", officer.login),
                serde_json::json!({}),
            )
        })?;
        self.own_officer(&officer.login)
    }

    /// Records that an officer of this office is related to a subject or to a case's denouncer
    /// (the officer themself, or an administrator). From then on they cannot join the team of
    /// such a case; if they are on one already, the case shows a warning.
    pub fn declare_relation(&mut self, login: &str, relation: Relation) -> Result<Relations> {
        let officer = self.own_officer(login)?;
        if officer.login != self.session.login {
            self.require(Permission::OfficerAdmin)?;
        }
        let (set, value) = match &relation {
            Relation::Subject(id) => (RELATED_SUBJECTS, self.subject(id)?.id),
            Relation::Denouncer(case) => (RELATED_DENOUNCERS, self.resolve_case(case)?),
        };
        let office = self.session.office.clone();
        self.write(|txn, s| {
            txn.add(
                &scope_ref(),
                &officer_ref(&office, &officer.login),
                set,
                value.as_str(),
            )?;
            audit(
                txn,
                s,
                "officer.relation",
                &format!("officer:{office}/{}", officer.login),
                serde_json::json!({ set: value }),
            )
        })?;
        relations(self.conn(), &office, &officer.login)
    }

    /// The relations an officer of this office declared.
    pub fn officer_relations(&self, login: &str) -> Result<Relations> {
        let officer = self.own_officer(login)?;
        relations(self.conn(), &self.session.office, &officer.login)
    }
}
