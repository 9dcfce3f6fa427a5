//! A case's links after it was opened: subjects, coordinating offices, the inspection team, and
//! the confidential denouncer record.

use super::offices::require_office_on;
use super::project::{Fields, KIND_DENOUNCER, case_ref, read_subject};
use super::{Register, audit};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::{CaseKind, Denouncer, normalise_login};
use crate::oplog::{self, EntityRef, ScopeUnit};
use crate::text::Text;

fn scope(id: &str) -> ScopeUnit {
    ScopeUnit::new(format!("case:{id}"))
}

fn denouncer_ref(case_id: &str) -> EntityRef {
    EntityRef::new(KIND_DENOUNCER, case_id)
}

/// What a link change is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseLink {
    Subject(String),
    /// Office code and the reason it coordinates.
    Coordinator(String, Text),
    /// An officer of this office on the inspection team.
    Team(String),
}

impl Register {
    /// Adds a subject, a coordinating office (with its reason) or a team member to a case.
    pub fn link(&mut self, key: &str, link: CaseLink) -> Result<()> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            let (what, value) = match &link {
                CaseLink::Subject(sid) => {
                    let sid = sid.trim();
                    if read_subject(txn.tx(), sid)?.is_none() {
                        return Err(Error::NotFound {
                            entity: "subject",
                            key: sid.to_string(),
                        });
                    }
                    super::people::require_no_related_team_member(txn.tx(), &id, sid)?;
                    txn.add(&sc, &e, "subjects", sid)?;
                    ("subject", sid.to_string())
                }
                CaseLink::Coordinator(code, reason) => {
                    let c = require_office_on(txn.tx(), code, case.opened)?.code;
                    if c == case.lead {
                        return Err(Error::invalid(
                            "coordinator",
                            format!("{c} is the lead office"),
                        ));
                    }
                    if reason.as_str().trim().is_empty() {
                        return Err(Error::invalid(
                            "coordinator reason",
                            format!("say why {c} coordinates the case (CODE:reason)"),
                        ));
                    }
                    txn.add(&sc, &e, "coordinators", c.as_str())?;
                    txn.put(
                        &sc,
                        &e,
                        &format!("coordinator_reason.{c}"),
                        reason.as_str().trim(),
                    )?;
                    ("coordinator", c)
                }
                CaseLink::Team(login) => {
                    let login = normalise_login(login)?;
                    super::people::require_team_member(
                        txn.tx(),
                        &s.office,
                        &login,
                        &case.subjects,
                        Some(&id),
                    )?;
                    txn.add(&sc, &e, "team", format!("{}/{login}", s.office))?;
                    ("team", login)
                }
            };
            audit(
                txn,
                s,
                "case.link",
                &format!("case:{id}"),
                serde_json::json!({ what: value }),
            )
        })
    }

    /// Removes a subject, coordinating office or team member (a concurrent add elsewhere wins).
    pub fn unlink(&mut self, key: &str, link: CaseLink) -> Result<()> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let (set, value) = match &link {
            CaseLink::Subject(s) => ("subjects", s.trim().to_string()),
            CaseLink::Coordinator(c, _) => ("coordinators", c.trim().to_ascii_uppercase()),
            CaseLink::Team(l) => ("team", l.trim().to_string()),
        };
        let id = case.id.clone();
        let team_member = matches!(link, CaseLink::Team(_));
        self.write(|txn, s| {
            // A team member is `office/login` (a bare login: written before they were qualified).
            let mut removed = None;
            if team_member && !value.contains('/') {
                let qualified = format!("{}/{value}", s.office);
                removed = txn.remove(&scope(&id), &case_ref(&id), set, qualified.as_str())?;
            }
            if removed.is_none() {
                removed = txn.remove(&scope(&id), &case_ref(&id), set, value.as_str())?;
            }
            if removed.is_none() {
                return Err(Error::NotFound {
                    entity: "case link",
                    key: format!("{set} {value}"),
                });
            }
            audit(
                txn,
                s,
                "case.unlink",
                &format!("case:{id}"),
                serde_json::json!({ set: value }),
            )
        })
    }

    /// Records or corrects the denouncer's identity of a denunciation case. It is kept apart
    /// from the case (its own scope unit, synced only to the lead office) and needs
    /// `denouncer.write` on the case.
    pub fn set_denouncer(
        &mut self,
        key: &str,
        name: Text,
        address: Option<Text>,
        contact: Option<Text>,
    ) -> Result<()> {
        let case = self.case(key)?;
        self.require_on(Permission::DenouncerWrite, &case)?;
        if case.kind != CaseKind::Denunciation {
            return Err(Error::invalid(
                "case kind",
                format!("{} cases have no denouncer", case.kind),
            ));
        }
        let name = Text::new(name.as_str().trim());
        if name.is_empty() {
            return Err(Error::invalid("denouncer name", "must not be empty"));
        }
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = denouncer_ref(&id);
            let sc = ScopeUnit::new(format!("denouncer:{id}"));
            if !oplog::entity_exists(txn.tx(), &e)? {
                txn.create(&sc, &e)?;
            }
            txn.put(&sc, &e, "name", name.as_str())?;
            txn.put(
                &sc,
                &e,
                "address",
                address.as_ref().map(|a| a.as_str().trim()),
            )?;
            txn.put(
                &sc,
                &e,
                "contact",
                contact.as_ref().map(|c| c.as_str().trim()),
            )?;
            // The audit entry says that it changed, never what it says.
            audit(
                txn,
                s,
                "denouncer.write",
                &format!("case:{id}"),
                serde_json::json!({}),
            )
        })
    }

    /// The denouncer's identity (None if not recorded). Needs `denouncer.read` on the case;
    /// every read is audited, also a read that finds nothing.
    pub fn denouncer(&mut self, key: &str) -> Result<Option<Denouncer>> {
        let case = self.case(key)?;
        self.require_on(Permission::DenouncerRead, &case)?;
        let e = denouncer_ref(&case.id);
        let found = if oplog::entity_exists(self.conn(), &e)? {
            let f = Fields::load(self.conn(), &e)?;
            f.text("name").map(|name| Denouncer {
                case_id: case.id.clone(),
                name,
                address: f.text("address"),
                contact: f.text("contact"),
            })
        } else {
            None
        };
        let login = self.session.login.clone();
        let tx = self.store_mut().conn_mut().transaction()?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "denouncer.read",
                format!("case:{}", case.id),
                serde_json::json!({}),
            ),
        )?;
        tx.commit()?;
        Ok(found)
    }
}
