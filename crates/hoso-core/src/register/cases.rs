//! Cases: opening, editing, the workflow, discipline decisions.

use chrono::{Datelike, NaiveDate};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::offices::require_office_on;
use super::project::{case_log, case_ref, case_team, decisions_in_force, read_case, read_subject};
use super::rules_bridge::DeadlineBasis;
use super::{Register, audit, new_id, today};
use crate::access::{self, Permission, Role};
use crate::error::{Error, Result};
use crate::model::workflow::{self, check_transition, resume_after};
use crate::model::*;
use crate::oplog::ScopeUnit;
use crate::rules::ViolationFacts;
use crate::text::Text;

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: CaseKind,
    pub title: Text,
    pub lead: String,
    /// Coordinating offices with the reason each takes part (may be empty text).
    pub coordinators: Vec<(String, Text)>,
    pub subjects: Vec<String>,
    /// Default: from a denunciation for denunciation cases, ad hoc otherwise.
    pub origin: Option<CaseOrigin>,
    /// Default: today.
    pub opened: Option<NaiveDate>,
    pub summary: Text,
    /// Officers of this office assigned to the case (an inspector who opens a case is added).
    pub team: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseCreated {
    pub id: String,
    pub number: String,
}

/// A discipline decision to record on a case.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewDecision {
    pub subject: String,
    pub form: DisciplineForm,
    pub date: NaiveDate,
    /// When the violation was committed: the limitation period runs from it.
    #[serde(default)]
    pub violation_date: Option<NaiveDate>,
    #[serde(default)]
    pub note: Text,
    /// Required when the subject already has a decision in force in this case: the decision
    /// then replaces it, as a recorded change.
    #[serde(default)]
    pub change_reason: Option<Text>,
    /// Areas of the violation with no limitation period (then no violation date is needed).
    #[serde(default)]
    pub violation_areas: Vec<crate::rules::ViolationArea>,
}

/// Everything `case show` prints.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub subject_details: Vec<Subject>,
    pub team: Vec<String>,
    pub overdue: bool,
    pub allowed_transitions: Vec<CaseStatus>,
    pub timeline: Vec<TimelineEntry>,
    pub decisions: Vec<DisciplineDecision>,
    pub findings: Vec<Finding>,
    pub appeals: Vec<Appeal>,
    /// Per subject with a decision in force: its form and what appeals left of it.
    pub penalties: Vec<PenaltyInForce>,
    /// What officers should look at (nothing is refused): the lead office lacks management
    /// authority over a subject; an officer on the team declared a relation to a subject or
    /// to the denouncer after joining it.
    pub warnings: Vec<String>,
    /// Conclusions recorded, in order (the last is in force).
    pub conclusions: Vec<Conclusion>,
    /// Suspensions from Party activities, in order (per subject the last is in force).
    pub suspensions: Vec<Suspension>,
    /// Where the case was transferred.
    pub transfers: Vec<Transfer>,
    /// Notices of the outcome: to whom and when.
    pub notices: Vec<Notice>,
    /// This office neither leads nor coordinates the case (any more) and is not the central
    /// office: the case is shown as handed over, read-only, with who leads it now.
    pub handed_over: bool,
    pub documents: Vec<DocumentMeta>,
}

fn scope(id: &str) -> ScopeUnit {
    ScopeUnit::new(format!("case:{id}"))
}

/// Default time limit for kinds that have one by rule, with how it was counted; `None` = set
/// by the inspection decision (entered with `case set ID deadline`).
fn deadline_for(
    conn: &rusqlite::Connection,
    kind: CaseKind,
    central: bool,
    opened: NaiveDate,
    extensions: u32,
) -> Result<Option<(NaiveDate, DeadlineBasis)>> {
    super::rules_bridge::case_deadline(conn, kind, central, opened, extensions)
}

/// Writes a deadline counted by rule and its basis (what reads recount while it is provisional).
fn put_deadline(
    txn: &mut crate::oplog::Txn<'_>,
    sc: &ScopeUnit,
    e: &crate::oplog::EntityRef,
    deadline: &(NaiveDate, DeadlineBasis),
) -> Result<()> {
    txn.put(sc, e, "deadline", deadline.0.to_string())?;
    txn.put(
        sc,
        e,
        "deadline_basis",
        serde_json::to_value(&deadline.1).expect("serialises"),
    )?;
    Ok(())
}

/// The next number of this office for `year` (one past the highest in use) and its sequence.
/// `hint`: the last sequence this session gave out for that year. Numbers are given out one
/// after the other, so when the hint's number still exists, the next free one above it is the
/// answer (index probes); otherwise (first case of the session, a case deleted or a batch
/// rolled back) every number of the office is read, as the 1M-case register cannot afford for
/// each new case.
fn next_number(
    conn: &rusqlite::Connection,
    office: &str,
    year: i32,
    hint: Option<u32>,
) -> Result<(String, u32)> {
    let exists = |seq: u32| -> Result<bool> {
        Ok(conn
            .prepare_cached("SELECT 1 FROM cases WHERE number = ?1")?
            .exists([case_number(office, year, seq)])?)
    };
    if let Some(h) = hint
        && exists(h)?
    {
        let mut seq = h + 1;
        while exists(seq)? {
            seq += 1;
        }
        return Ok((case_number(office, year, seq), seq));
    }
    let prefix = format!("{office}-{year}-");
    let max: Option<i64> = conn
        .query_row(
            "SELECT max(CAST(substr(number, ?2) AS INTEGER)) FROM cases WHERE substr(number, 1, ?3) = ?1",
            params![prefix, prefix.len() as i64 + 1, prefix.len() as i64],
            |r| r.get(0),
        )?;
    let seq = u32::try_from(max.unwrap_or(0) + 1)
        .map_err(|_| Error::Storage("case counter overflow".into()))?;
    Ok((case_number(office, year, seq), seq))
}

pub(super) fn timeline(
    kind: TimelineKind,
    date: NaiveDate,
    author: &str,
    from: Option<CaseStatus>,
    to: Option<CaseStatus>,
    note: Text,
) -> serde_json::Value {
    serde_json::to_value(TimelineEntry {
        kind,
        date,
        author: author.to_string(),
        from,
        to,
        note,
    })
    .expect("serialises")
}

/// Statuses in which the committee can record discipline.
fn may_decide_in(s: CaseStatus) -> bool {
    matches!(
        s,
        CaseStatus::CommitteeReview
            | CaseStatus::Concluded
            | CaseStatus::ProposedUpward
            | CaseStatus::Disciplined
    )
}

impl Register {
    /// Resolves a case by id or by number (`HN-2026-0042`, any letter case).
    pub fn resolve_case(&self, key: &str) -> Result<String> {
        let k = key.trim();
        let found: Option<String> = self
            .conn()
            .prepare_cached("SELECT id FROM cases WHERE id = ?1")?
            .query_row([k], |r| r.get(0))
            .optional()?;
        if let Some(id) = found {
            return Ok(id);
        }
        let ids: Vec<String> = {
            let mut st = self
                .conn()
                .prepare_cached("SELECT id FROM cases WHERE number = ?1")?;
            let mut ids = st
                .query_map([k.to_ascii_uppercase()], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            ids.sort();
            ids
        };
        match ids.len() {
            0 => Err(Error::NotFound {
                entity: "case",
                key: k.to_string(),
            }),
            1 => Ok(ids.into_iter().next().expect("one")),
            n => Err(Error::invalid(
                "case",
                format!(
                    "number {k} is used by {n} cases; give the id ({})",
                    ids.join(", ")
                ),
            )),
        }
    }

    /// One case by id or number.
    pub fn case(&self, key: &str) -> Result<Case> {
        self.require(Permission::CaseRead)?;
        let id = self.resolve_case(key)?;
        read_case(self.conn(), &id)?.ok_or_else(|| Error::NotFound {
            entity: "case",
            key: key.trim().into(),
        })
    }

    /// A case with its subjects, team, timeline, decisions and next statuses.
    pub fn case_detail(&self, key: &str) -> Result<CaseDetail> {
        let case = self.case(key)?;
        let conn = self.conn();
        let mut subject_details = Vec::new();
        for s in &case.subjects {
            subject_details.extend(read_subject(conn, s)?);
        }
        let overdue = workflow::is_open(case.status) && case.deadline.is_some_and(|d| d < today());
        Ok(CaseDetail {
            allowed_transitions: workflow::allowed_transitions(
                case.kind,
                case.status,
                case.resume_status,
            ),
            team: case_team(conn, &case.id)?,
            timeline: case_log(conn, &case.id, "timeline")?,
            decisions: case_log(conn, &case.id, "decisions")?,
            findings: case_log(conn, &case.id, "findings")?,
            appeals: case_log(conn, &case.id, "appeals")?,
            penalties: penalties_in_force(conn, &case.id)?,
            warnings: super::people::case_warnings(conn, &case)?,
            conclusions: case_log(conn, &case.id, "conclusions")?,
            suspensions: case_log(conn, &case.id, "suspensions")?,
            transfers: case_log(conn, &case.id, "transfers")?,
            notices: case_log(conn, &case.id, "notices")?,
            handed_over: {
                let me = &self.session_info().office;
                crate::trust::roster::central_office(conn)?.as_deref() != Some(me.as_str())
                    && case.lead != *me
                    && !case.coordinators.iter().any(|c| c.office == *me)
            },
            documents: super::documents::listed_documents(conn, &case.id)?,
            subject_details,
            overdue,
            case,
        })
    }

    /// Opens a case: numbered `<this office>-<year opened>-<seq>`, status `received`.
    pub fn add_case(&mut self, n: NewCase) -> Result<CaseCreated> {
        self.open_case(n, None, None)
    }

    /// Opens a case, naming the letter it was opened from and the plan item it carries out
    /// (both checked by the caller).
    pub(crate) fn open_case(
        &mut self,
        n: NewCase,
        letter: Option<&str>,
        plan_item: Option<&str>,
    ) -> Result<CaseCreated> {
        self.require(Permission::CaseCreate)?;
        let title = Text::new(n.title.as_str().trim());
        if title.is_empty() {
            return Err(Error::invalid("title", "must not be empty"));
        }
        let opened = n.opened.unwrap_or_else(today);
        if opened > today() {
            return Err(Error::invalid(
                "opened",
                format!("{opened} is in the future"),
            ));
        }
        let origin = n.origin.unwrap_or(if n.kind == CaseKind::Denunciation {
            CaseOrigin::FromDenunciation
        } else {
            CaseOrigin::AdHoc
        });
        let id = new_id();
        let role = self.session.role;
        let prefix = format!("{}-{}-", self.session.office, opened.year());
        let hint = self.number_hints.get(&prefix).copied();
        let (number, seq) = self.write(|txn, s| {
            let conn = txn.tx();
            let lead = require_office_on(conn, &n.lead, opened)?.code;
            let mut coordinators: Vec<(String, Text)> = Vec::new();
            for (code, reason) in &n.coordinators {
                let c = require_office_on(conn, code, opened)?.code;
                if c == lead {
                    return Err(Error::invalid(
                        "coordinator",
                        format!("{c} is already the lead office"),
                    ));
                }
                let reason = Text::new(reason.as_str().trim());
                if reason.is_empty() {
                    return Err(Error::invalid(
                        "coordinator reason",
                        format!("say why {c} coordinates the case (CODE:reason)"),
                    ));
                }
                if !coordinators.iter().any(|(x, _)| *x == c) {
                    coordinators.push((c, reason));
                }
            }
            let mut subjects: Vec<String> = Vec::new();
            for sid in &n.subjects {
                let sid = sid.trim();
                if read_subject(conn, sid)?.is_none() {
                    return Err(Error::NotFound {
                        entity: "subject",
                        key: sid.to_string(),
                    });
                }
                if !subjects.iter().any(|x| x == sid) {
                    subjects.push(sid.to_string());
                }
            }
            let mut team: Vec<String> = Vec::new();
            for login in &n.team {
                let login = normalise_login(login)?;
                super::people::require_team_member(conn, &s.office, &login, &subjects, None)?;
                team.push(login);
            }
            if role == Role::Inspector && !team.contains(&s.login) {
                super::people::require_team_member(conn, &s.office, &s.login, &subjects, None)?;
                team.push(s.login.clone());
            }
            let (number, seq) = next_number(conn, &s.office, opened.year(), hint)?;
            let central = self_is_central(conn, &lead)?;
            let deadline = deadline_for(conn, n.kind, central, opened, 0)?;

            let e = case_ref(&id);
            let sc = scope(&id);
            txn.create(&sc, &e)?;
            txn.put(&sc, &e, "number", number.as_str())?;
            txn.put(&sc, &e, "kind", n.kind.code())?;
            txn.put(&sc, &e, "title", title.as_str())?;
            txn.put(&sc, &e, "summary", n.summary.as_str().trim())?;
            txn.put(&sc, &e, "origin", origin.code())?;
            txn.put(&sc, &e, "lead", lead.as_str())?;
            txn.put(&sc, &e, "status", CaseStatus::Received.code())?;
            txn.put(&sc, &e, "opened", opened.to_string())?;
            if let Some(l) = letter {
                txn.put(&sc, &e, "letter", l)?;
            }
            if let Some(i) = plan_item {
                txn.put(&sc, &e, "plan_item", i)?;
            }
            if let Some(d) = &deadline {
                put_deadline(txn, &sc, &e, d)?;
            }
            for (c, reason) in &coordinators {
                txn.add(&sc, &e, "coordinators", c.as_str())?;
                txn.put(&sc, &e, &format!("coordinator_reason.{c}"), reason.as_str())?;
            }
            for sid in &subjects {
                txn.add(&sc, &e, "subjects", sid.as_str())?;
            }
            for login in &team {
                txn.add(&sc, &e, "team", format!("{}/{login}", s.office))?;
            }
            txn.append(
                &sc,
                &e,
                "timeline",
                timeline(
                    TimelineKind::Created,
                    opened,
                    &s.login,
                    None,
                    Some(CaseStatus::Received),
                    Text::default(),
                ),
            )?;
            audit(
                txn,
                s,
                "case.create",
                &format!("case:{id}"),
                serde_json::json!({
                    "number": number, "kind": n.kind, "lead": lead,
                }),
            )?;
            Ok((number, seq))
        })?;
        self.number_hints.insert(prefix, seq);
        Ok(CaseCreated { id, number })
    }

    pub(crate) fn require_on(&self, perm: Permission, case: &Case) -> Result<()> {
        let team = case_team(self.conn(), &case.id)?;
        access::require_on_case(self.session.role, perm, &self.case_access(case, &team))
    }

    /// Sets one field: `title`, `summary`, `origin`, `lead`, `opened` or `deadline` (YYYY-MM-DD,
    /// or empty to clear). Status moves go through [`Register::transition`].
    pub fn set_case_field(&mut self, key: &str, field: &str, value: &str) -> Result<Case> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let field = field.trim();
        let value = Text::new(value.trim());
        let id = case.id.clone();
        self.write_case(&case.id, |txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            let stored: serde_json::Value = match field {
                "title" => {
                    if value.is_empty() {
                        return Err(Error::invalid("title", "must not be empty"));
                    }
                    value.as_str().into()
                }
                "summary" => value.as_str().into(),
                "origin" => value.as_str().parse::<CaseOrigin>()?.code().into(),
                "lead" => {
                    let lead = require_office_on(txn.tx(), value.as_str(), case.opened)?.code;
                    if case.coordinators.iter().any(|c| c.office == lead) {
                        return Err(Error::invalid("lead", format!("{lead} is a coordinating office of this case")));
                    }
                    lead.into()
                }
                "opened" => {
                    let d = parse_date("opened", value.as_str())?;
                    if d > today() {
                        return Err(Error::invalid("opened", format!("{d} is in the future")));
                    }
                    d.to_string().into()
                }
                "deadline" => {
                    if value.is_empty() {
                        serde_json::Value::Null
                    } else {
                        let d = parse_date("deadline", value.as_str())?;
                        if d < case.opened {
                            return Err(Error::invalid("deadline", format!("{d} is before the case was opened ({})", case.opened)));
                        }
                        d.to_string().into()
                    }
                }
                "status" => {
                    return Err(Error::invalid("field", "status changes through `case transition` (the workflow)"));
                }
                other => {
                    return Err(Error::invalid(
                        "field",
                        format!("unknown case field '{other}'; allowed: title, summary, origin, lead, opened, deadline"),
                    ));
                }
            };
            txn.put(&sc, &e, field, stored.clone())?;
            if field == "deadline" {
                // Set by hand (from the inspection decision): final, never recounted.
                txn.put(&sc, &e, "deadline_basis", serde_json::Value::Null)?;
            }
            if field == "origin"
                && stored.as_str() != Some(CaseOrigin::AnnualPlan.code())
                && case.plan_item.is_some()
            {
                // A case no longer from the annual plan carries out no plan item.
                txn.put(&sc, &e, "plan_item", serde_json::Value::Null)?;
            }
            txn.append(&sc, &e, "timeline", timeline(TimelineKind::Note, today(), &s.login, None, None, Text::new(format!("{field} set"))))?;
            audit(txn, s, "case.edit", &format!("case:{id}"), serde_json::json!({ "field": field, "value": stored }))
        })
    }

    /// Moves a case along the workflow (model::workflow); `extended` also extends the deadline
    /// by the rules' extension. A timeline entry records every move.
    pub fn transition(
        &mut self,
        key: &str,
        to: CaseStatus,
        note: Option<Text>,
        date: Option<NaiveDate>,
    ) -> Result<Case> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseTransition, &case)?;
        check_transition(case.kind, case.status, case.resume_status, to)?;
        if to == CaseStatus::Transferred {
            return Err(Error::invalid(
                "case status",
                "a case is transferred with the body that receives it (`case transfer`)",
            ));
        }
        let date = date.unwrap_or_else(today);
        if date < case.opened {
            return Err(Error::invalid(
                "date",
                format!("{date} is before the case was opened ({})", case.opened),
            ));
        }
        if date > today() {
            return Err(Error::invalid("date", format!("{date} is in the future")));
        }
        self.write_case(&case.id, |txn, s| {
            write_transition(txn, s, &case, to, note.clone(), date)
        })
    }

    /// Records a finding about one of the case's subjects (a violation, or signs of one found by
    /// supervision: such a subject then needs an inspection, see `omissions`).
    pub fn record_finding(&mut self, key: &str, f: Finding) -> Result<Finding> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let sid = f.subject.trim().to_string();
        if !case.subjects.contains(&sid) {
            return Err(Error::invalid(
                "subject",
                format!("{sid} is not a subject of case {}", case.number),
            ));
        }
        // A finding's content category is one of the lists in force (for the subject's kind).
        let category = f
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from);
        if let Some(code) = &category {
            let subject = read_subject(self.conn(), &sid)?.ok_or_else(|| Error::NotFound {
                entity: "subject",
                key: sid.clone(),
            })?;
            let on = f.violation_date.unwrap_or_else(today);
            super::records::check_category(self.conn(), code, subject.kind, on)?;
        }
        let finding = Finding {
            subject: sid,
            text: Text::new(f.text.as_str().trim()),
            category,
            ..f
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            txn.append(
                &sc,
                &e,
                "findings",
                serde_json::to_value(&finding).expect("serialises"),
            )?;
            txn.append(
                &sc,
                &e,
                "timeline",
                timeline(
                    TimelineKind::Finding,
                    today(),
                    &s.login,
                    None,
                    None,
                    finding.text.clone(),
                ),
            )?;
            audit(
                txn,
                s,
                "case.finding",
                &format!("case:{id}"),
                serde_json::json!({
                    "subject": finding.subject, "violated": finding.violated,
                }),
            )
        })?;
        Ok(finding)
    }

    /// Records an appeal against a discipline decision of this case, or (with `outcome`) its
    /// resolution. Filing must be within the rules' time limit (one month from receipt of the
    /// decision); a resolution needs `case.decide`, and a changed form is validated like a
    /// decision. The penalty stays in force during the appeal: decisions are not touched.
    pub fn record_appeal(&mut self, key: &str, a: Appeal) -> Result<Appeal> {
        let case = self.case(key)?;
        let perm = if a.outcome.is_some() {
            Permission::CaseDecide
        } else {
            Permission::CaseEdit
        };
        self.require_on(perm, &case)?;
        let sid = a.subject.trim().to_string();
        let Some(penalty) = penalties_in_force(self.conn(), &case.id)?
            .into_iter()
            .find(|p| p.subject == sid)
        else {
            return Err(Error::invalid(
                "subject",
                format!("{sid} has no discipline decision in case {}", case.number),
            ));
        };
        let decision = decisions_in_force(self.conn(), &case.id)?
            .into_iter()
            .map(|(_, d)| d)
            .find(|d| d.subject == sid)
            .expect("a penalty comes from a decision in force");
        if a.decision_received < decision.date {
            return Err(Error::invalid(
                "decision received",
                format!(
                    "{} is before the decision ({})",
                    a.decision_received, decision.date
                ),
            ));
        }
        let last = super::rules_bridge::appeal_filing_deadline(self.conn(), a.decision_received)?;
        if a.filed < a.decision_received || a.filed > last {
            return Err(Error::invalid(
                "appeal filed",
                format!(
                    "{} is outside the time to appeal ({} to {last})",
                    a.filed, a.decision_received
                ),
            ));
        }
        match (a.outcome, a.new_form) {
            (Some(outcome @ (AppealOutcome::Increase | AppealOutcome::Reduce)), Some(form)) => {
                // Increase and reduce follow the severity order from the penalty in force.
                let Some(current) = penalty.in_force else {
                    return Err(Error::invalid(
                        "appeal outcome",
                        "the penalty was annulled: there is nothing to increase or reduce",
                    ));
                };
                let heavier = form.severity() > current.severity();
                let lighter = form.severity() < current.severity();
                if outcome == AppealOutcome::Increase && !heavier {
                    return Err(Error::invalid(
                        "new form",
                        format!("an increased penalty must be heavier than {current}, not {form}"),
                    ));
                }
                if outcome == AppealOutcome::Reduce && !lighter {
                    return Err(Error::invalid(
                        "new form",
                        format!("a reduced penalty must be lighter than {current}, not {form}"),
                    ));
                }
                let subject = read_subject(self.conn(), &sid)?.ok_or_else(|| Error::NotFound {
                    entity: "subject",
                    key: sid.clone(),
                })?;
                // The limitation period of the original violation.
                let facts = ViolationFacts {
                    committed: decision.violation_date,
                    later_violations: Vec::new(),
                    areas: decision.violation_areas.clone(),
                };
                super::rules_bridge::validate_discipline(
                    self.conn(),
                    &subject,
                    form,
                    &facts,
                    today(),
                )?;
            }
            (Some(AppealOutcome::Increase | AppealOutcome::Reduce), None) => {
                return Err(Error::invalid(
                    "new form",
                    "an increased or reduced penalty needs the new form",
                ));
            }
            (_, Some(_)) => {
                return Err(Error::invalid(
                    "new form",
                    "only an increased or reduced penalty has a new form",
                ));
            }
            _ => {}
        }
        let appeal = Appeal { subject: sid, ..a };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            txn.append(&sc, &e, "appeals", serde_json::to_value(&appeal).expect("serialises"))?;
            let note = match appeal.outcome {
                Some(o) => Text::new(format!("{}: {}", appeal.subject, o.label_vi())),
                None => Text::new(format!("{}: khiếu nại ngày {}", appeal.subject, appeal.filed)),
            };
            txn.append(&sc, &e, "timeline", timeline(TimelineKind::Appeal, today(), &s.login, None, None, note))?;
            audit(txn, s, "case.appeal", &format!("case:{id}"), serde_json::json!({
                "subject": appeal.subject, "outcome": appeal.outcome, "new_form": appeal.new_form,
            }))
        })?;
        Ok(appeal)
    }

    /// Records a discipline decision on one of the case's subjects, validated against the
    /// subject (form allowed for its kind, membership and post) and the limitation period.
    pub fn decide(&mut self, key: &str, d: NewDecision) -> Result<DisciplineDecision> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseDecide, &case)?;
        if !case.kind.may_discipline() {
            return Err(Error::invalid(
                "case kind",
                format!("{} cases do not impose discipline", case.kind),
            ));
        }
        if !may_decide_in(case.status) {
            return Err(Error::invalid(
                "case status",
                format!(
                    "discipline is decided in committee-review, concluded, proposed-upward or disciplined, not {}",
                    case.status
                ),
            ));
        }
        let sid = d.subject.trim().to_string();
        if !case.subjects.contains(&sid) {
            return Err(Error::invalid(
                "subject",
                format!("{sid} is not a subject of case {}", case.number),
            ));
        }
        let subject = read_subject(self.conn(), &sid)?.ok_or_else(|| Error::NotFound {
            entity: "subject",
            key: sid.clone(),
        })?;
        if d.date < case.opened || d.date > today() {
            return Err(Error::invalid(
                "date",
                format!(
                    "{} must be between the opening ({}) and today",
                    d.date, case.opened
                ),
            ));
        }
        if let Some(v) = d.violation_date
            && v > d.date
        {
            return Err(Error::invalid(
                "violation date",
                format!("{v} is after the decision ({})", d.date),
            ));
        }
        // A later violation of the same subject found in this case restarts the period.
        let later_violations = case_log::<Finding>(self.conn(), &case.id, "findings")?
            .into_iter()
            .filter(|f| f.subject == sid && f.violated)
            .filter_map(|f| f.violation_date)
            .filter(|v| d.violation_date.is_some_and(|c| *v > c) && *v <= d.date)
            .collect();
        let facts = ViolationFacts {
            committed: d.violation_date,
            later_violations,
            areas: d.violation_areas.clone(),
        };
        super::rules_bridge::validate_discipline(self.conn(), &subject, d.form, &facts, d.date)?;
        // It replaces every decision on this subject in force here (resolving a conflict).
        let mut in_force: Vec<_> = decisions_in_force(self.conn(), &case.id)?
            .into_iter()
            .filter(|(_, d)| d.subject == sid)
            .collect();
        in_force.sort_by(|a, b| a.0.cmp(&b.0));
        // One decision in force per subject and case: a later one replaces it only as a
        // recorded change with its reason.
        let change_reason = d
            .change_reason
            .as_ref()
            .map(|r| Text::new(r.as_str().trim()))
            .filter(|r| !r.is_empty());
        if let Some((_, current)) = in_force.first()
            && change_reason.is_none()
        {
            return Err(Error::invalid(
                "change reason",
                format!(
                    "{} already has a decision in force in this case ({} of {}): a new one replaces it only with the reason for the change",
                    subject.name, current.form, current.date
                ),
            ));
        }
        let in_force: Vec<_> = in_force.into_iter().map(|(op, _)| op).collect();
        let decision = DisciplineDecision {
            subject: sid,
            form: d.form,
            date: d.date,
            violation_date: d.violation_date,
            note: Text::new(d.note.as_str().trim()),
            violation_areas: d.violation_areas.clone(),
            change_reason: if in_force.is_empty() {
                None
            } else {
                change_reason
            },
            replaces: in_force,
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            txn.append(
                &sc,
                &e,
                "decisions",
                serde_json::to_value(&decision).expect("serialises"),
            )?;
            let note = Text::new(format!("{}: {}", subject.name, decision.form.label_vi()));
            txn.append(
                &sc,
                &e,
                "timeline",
                timeline(
                    TimelineKind::Decision,
                    decision.date,
                    &s.login,
                    None,
                    None,
                    note,
                ),
            )?;
            audit(
                txn,
                s,
                "case.decide",
                &format!("case:{id}"),
                serde_json::json!({
                    "subject": decision.subject, "form": decision.form, "date": decision.date,
                }),
            )
        })?;
        Ok(decision)
    }
}

/// Writes a workflow move already checked (`check_transition`): status, the paused status,
/// the extension of a deadline, the closing date, the timeline entry and the audit entry.
pub(crate) fn write_transition(
    txn: &mut crate::oplog::Txn<'_>,
    s: &super::Session,
    case: &Case,
    to: CaseStatus,
    note: Option<Text>,
    date: NaiveDate,
) -> Result<()> {
    let e = case_ref(&case.id);
    let sc = scope(&case.id);
    txn.put(&sc, &e, "status", to.code())?;
    let resume = resume_after(case.status, case.resume_status, to);
    if resume != case.resume_status {
        txn.put(&sc, &e, "resume_status", resume.map(|r| r.code()))?;
    }
    if to == CaseStatus::Extended {
        let central = self_is_central(txn.tx(), &case.lead)?;
        // Kinds without a regulated limit keep their deadline (the officer sets the
        // new one); the rules say how many extensions a regulated one allows.
        let d = deadline_for(
            txn.tx(),
            case.kind,
            central,
            case.opened,
            case.extensions + 1,
        )?;
        txn.put(&sc, &e, "extensions", case.extensions + 1)?;
        if let Some(d) = &d {
            put_deadline(txn, &sc, &e, d)?;
        }
    }
    if workflow::is_open(case.status) && !workflow::is_open(to) && case.closed.is_none() {
        txn.put(&sc, &e, "closed", date.to_string())?;
    }
    let note = note.unwrap_or_default();
    txn.append(
        &sc,
        &e,
        "timeline",
        timeline(
            TimelineKind::Transition,
            date,
            &s.login,
            Some(case.status),
            Some(to),
            note,
        ),
    )?;
    audit(
        txn,
        s,
        "case.transition",
        &format!("case:{}", case.id),
        serde_json::json!({ "from": case.status, "to": to }),
    )
}

/// Per subject with a decision in force (one per subject once conflicts are resolved; with a
/// conflict, the first by op id): the penalty its appeals left, in the order they were
/// recorded — upheld keeps it, increased or reduced replaces it by the new form, annulled ends
/// it. Only appeals against that decision count (received on or after its date).
pub(crate) fn penalties_in_force(
    conn: &rusqlite::Connection,
    case_id: &str,
) -> Result<Vec<PenaltyInForce>> {
    let appeals: Vec<Appeal> = case_log(conn, case_id, "appeals")?;
    let mut out: Vec<PenaltyInForce> = Vec::new();
    for (_, d) in decisions_in_force(conn, case_id)? {
        if out.iter().any(|p| p.subject == d.subject) {
            continue;
        }
        let mut in_force = Some(d.form);
        for a in appeals
            .iter()
            .filter(|a| a.subject == d.subject && a.decision_received >= d.date)
        {
            in_force = match (a.outcome, a.new_form) {
                (Some(AppealOutcome::Annul), _) => None,
                (Some(AppealOutcome::Increase | AppealOutcome::Reduce), Some(f)) => Some(f),
                _ => in_force,
            };
        }
        out.push(PenaltyInForce {
            subject: d.subject,
            decided: d.form,
            in_force,
        });
    }
    out.sort_by(|a, b| a.subject.cmp(&b.subject));
    Ok(out)
}

/// Whether `office` is the central office, from the `offices` projection (kept in step in the
/// transaction of every change to an office) rather than the office's op-log record: asked on
/// every case opened and every extension.
pub(super) fn self_is_central(conn: &rusqlite::Connection, office: &str) -> Result<bool> {
    let kind: Option<String> = conn
        .prepare_cached("SELECT kind FROM offices WHERE code = ?1")?
        .query_row([office], |r| r.get(0))
        .optional()?;
    Ok(kind.as_deref() == Some(OfficeKind::Central.code()))
}
