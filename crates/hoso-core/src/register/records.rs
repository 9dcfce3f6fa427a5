//! The records around a case (GLOSSARY "Records around a case", issue 10): content categories
//! on the case, the conclusion with its outcome per subject, suspension from Party activities,
//! the transfer to a receiving body and the notices of the outcome.
//!
//! All of them live in the case's scope unit (`case:<id>`): the categories as the case's
//! `categories` set, the others as its append-only logs `conclusions`, `suspensions`,
//! `transfers`, `notices`. The authority module lets only the lead office and the central
//! office write them (a coordinating office appends only timeline entries, findings and
//! documents), so they sync and converge like the rest of the case.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::project::{case_log, case_ref, read_subject};
use super::{Register, audit, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::workflow::check_transition;
use crate::model::*;
use crate::oplog::ScopeUnit;
use crate::rules::{categories, deadlines::keys};
use crate::text::Text;

fn scope(id: &str) -> ScopeUnit {
    ScopeUnit::new(format!("case:{id}"))
}

fn note(kind: TimelineKind, date: NaiveDate, author: &str, text: String) -> serde_json::Value {
    serde_json::to_value(TimelineEntry {
        kind,
        date,
        author: author.to_string(),
        from: None,
        to: None,
        note: Text::new(text),
    })
    .expect("serialises")
}

/// Checks a content category code against the rules in force on `date` for the subject kind.
pub(crate) fn check_category(
    conn: &Connection,
    code: &str,
    kind: SubjectKind,
    date: NaiveDate,
) -> Result<()> {
    categories::validate_category(&super::rules_store::categories(conn)?, code, kind, date)
}

fn date_in_case(case: &Case, date: NaiveDate, what: &str) -> Result<()> {
    if date < case.opened || date > today() {
        return Err(Error::invalid(
            what,
            format!(
                "{date} must be between the opening ({}) and today",
                case.opened
            ),
        ));
    }
    Ok(())
}

impl Register {
    /// Adds (or with `add = false` removes) a content category of the case. The code must be a
    /// category in force on the day the case was opened, for a kind of subject the case has
    /// (members' or organisations' list; either when it has no subject yet).
    pub fn set_case_category(&mut self, key: &str, code: &str, add: bool) -> Result<Case> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let code = code.trim().to_string();
        if add {
            let mut kinds: Vec<SubjectKind> = Vec::new();
            for s in &case.subjects {
                if let Some(s) = read_subject(self.conn(), s)?
                    && !kinds.contains(&s.kind)
                {
                    kinds.push(s.kind);
                }
            }
            if kinds.is_empty() {
                kinds = SubjectKind::ALL.to_vec();
            }
            let mut last = None;
            let ok =
                kinds.iter().any(
                    |k| match check_category(self.conn(), &code, *k, case.opened) {
                        Ok(()) => true,
                        Err(e) => {
                            last = Some(e);
                            false
                        }
                    },
                );
            if !ok {
                return Err(last.expect("one kind at least"));
            }
            if case.categories.contains(&code) {
                return Ok(case);
            }
        } else if !case.categories.contains(&code) {
            return Err(Error::NotFound {
                entity: "case category",
                key: code,
            });
        }
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            if add {
                txn.add(&scope(&id), &e, "categories", code.as_str())?;
            } else {
                txn.remove(&scope(&id), &e, "categories", code.as_str())?;
            }
            audit(
                txn,
                s,
                "case.category",
                &format!("case:{id}"),
                serde_json::json!({ if add { "add" } else { "remove" }: code }),
            )
        })?;
        self.case(&case.id)
    }

    /// Records the case's conclusion: number, date, text and the outcome per subject. A
    /// violation names its content categories (at least one, each in force for the subject's
    /// kind on the date) and whether discipline is required; other outcomes have neither.
    /// Discipline and appeal cases end in decisions, not conclusions.
    pub fn record_conclusion(&mut self, key: &str, c: Conclusion) -> Result<Conclusion> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseDecide, &case)?;
        if matches!(case.kind, CaseKind::Discipline | CaseKind::DisciplineAppeal) {
            return Err(Error::invalid(
                "case kind",
                format!("a {} case ends in decisions, not a conclusion", case.kind),
            ));
        }
        let number = Text::new(c.number.as_str().trim());
        let text = Text::new(c.text.as_str().trim());
        if number.is_empty() || text.is_empty() {
            return Err(Error::invalid(
                "conclusion",
                "a conclusion has a number and a text",
            ));
        }
        date_in_case(&case, c.date, "conclusion date")?;
        if c.subjects.is_empty() {
            return Err(Error::invalid(
                "conclusion",
                "conclude on each subject of the case (at least one)",
            ));
        }
        let mut subjects: Vec<SubjectConclusion> = Vec::new();
        for sc in &c.subjects {
            let sid = sc.subject.trim().to_string();
            if !case.subjects.contains(&sid) {
                return Err(Error::invalid(
                    "subject",
                    format!("{sid} is not a subject of case {}", case.number),
                ));
            }
            if subjects.iter().any(|x| x.subject == sid) {
                return Err(Error::invalid(
                    "subject",
                    format!("{sid} is concluded on twice"),
                ));
            }
            let subject = read_subject(self.conn(), &sid)?.ok_or_else(|| Error::NotFound {
                entity: "subject",
                key: sid.clone(),
            })?;
            let mut cats: Vec<String> = Vec::new();
            for code in &sc.categories {
                let code = code.trim().to_string();
                check_category(self.conn(), &code, subject.kind, c.date)?;
                if !cats.contains(&code) {
                    cats.push(code);
                }
            }
            match sc.outcome {
                ConclusionOutcome::Violation if cats.is_empty() => {
                    return Err(Error::invalid(
                        "content category",
                        format!(
                            "a violation by {} names its content categories",
                            subject.name
                        ),
                    ));
                }
                ConclusionOutcome::Violation => {}
                _ if !cats.is_empty() || sc.discipline_required => {
                    return Err(Error::invalid(
                        "conclusion",
                        format!(
                            "only a violation has content categories and discipline ({}: {})",
                            subject.name, sc.outcome
                        ),
                    ));
                }
                _ => {}
            }
            subjects.push(SubjectConclusion {
                subject: sid,
                outcome: sc.outcome,
                categories: cats,
                discipline_required: sc.discipline_required,
            });
        }
        let conclusion = Conclusion {
            number,
            date: c.date,
            text,
            subjects,
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            txn.append(
                &sc,
                &e,
                "conclusions",
                serde_json::to_value(&conclusion).expect("serialises"),
            )?;
            txn.append(
                &sc,
                &e,
                "timeline",
                note(
                    TimelineKind::Note,
                    conclusion.date,
                    &s.login,
                    format!("Kết luận số {}", conclusion.number),
                ),
            )?;
            audit(
                txn,
                s,
                "case.conclusion",
                &format!("case:{id}"),
                serde_json::json!({ "number": conclusion.number, "date": conclusion.date }),
            )
        })?;
        Ok(conclusion)
    }

    /// Suspends a subject of the case from Party activities from `start`, for the rules' time
    /// limit (`suspension`: 90 days by default). With `extend`, extends the suspension in force
    /// by the rules' extension, within the maximum (180 days by default).
    pub fn suspend(
        &mut self,
        key: &str,
        subject: &str,
        start: Option<NaiveDate>,
        extend: bool,
        note_text: Text,
    ) -> Result<Suspension> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseDecide, &case)?;
        let sid = subject.trim().to_string();
        if !case.subjects.contains(&sid) {
            return Err(Error::invalid(
                "subject",
                format!("{sid} is not a subject of case {}", case.number),
            ));
        }
        let current = case_log::<Suspension>(self.conn(), &case.id, "suspensions")?
            .into_iter()
            .rfind(|s| s.subject == sid);
        let rules = super::rules_store::time_limits(self.conn())?;
        let cal = super::rules_store::calendar(self.conn())?;
        let suspension = if extend {
            let Some(cur) = current else {
                return Err(Error::invalid(
                    "suspension",
                    format!("{sid} is not suspended in case {}", case.number),
                ));
            };
            if cur.end < today() {
                return Err(Error::invalid(
                    "suspension",
                    format!("the suspension ended on {}: it cannot be extended", cur.end),
                ));
            }
            let end = rules.deadline(keys::SUSPENSION, cur.start, cur.extensions + 1, &cal)?;
            Suspension {
                extensions: cur.extensions + 1,
                end,
                note: Text::new(note_text.as_str().trim()),
                ..cur
            }
        } else {
            let start = start.unwrap_or_else(today);
            date_in_case(&case, start, "suspension start")?;
            if let Some(cur) = &current
                && cur.end >= start
            {
                return Err(Error::invalid(
                    "suspension",
                    format!(
                        "{sid} is suspended until {}: extend it instead of starting another",
                        cur.end
                    ),
                ));
            }
            Suspension {
                subject: sid.clone(),
                start,
                end: rules.deadline(keys::SUSPENSION, start, 0, &cal)?,
                extensions: 0,
                note: Text::new(note_text.as_str().trim()),
            }
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            txn.append(
                &sc,
                &e,
                "suspensions",
                serde_json::to_value(&suspension).expect("serialises"),
            )?;
            txn.append(
                &sc,
                &e,
                "timeline",
                note(
                    TimelineKind::Note,
                    today(),
                    &s.login,
                    format!(
                        "Đình chỉ sinh hoạt đảng {}: {} – {}",
                        suspension.subject, suspension.start, suspension.end
                    ),
                ),
            )?;
            audit(
                txn,
                s,
                "case.suspension",
                &format!("case:{id}"),
                serde_json::json!({
                    "subject": suspension.subject, "start": suspension.start,
                    "end": suspension.end, "extensions": suspension.extensions,
                }),
            )
        })?;
        Ok(suspension)
    }

    /// Transfers the case (chuyển đơn) to the body that receives it: the case moves to
    /// `transferred` and the transfer is recorded, in one transaction.
    pub fn transfer(
        &mut self,
        key: &str,
        receiving_body: Text,
        date: Option<NaiveDate>,
        note_text: Text,
    ) -> Result<Case> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseTransition, &case)?;
        check_transition(
            case.kind,
            case.status,
            case.resume_status,
            CaseStatus::Transferred,
        )?;
        let body = Text::new(receiving_body.as_str().trim());
        if body.is_empty() {
            return Err(Error::invalid(
                "receiving body",
                "name the body the case is transferred to",
            ));
        }
        let date = date.unwrap_or_else(today);
        date_in_case(&case, date, "transfer date")?;
        let transfer = Transfer {
            receiving_body: body,
            date,
            note: Text::new(note_text.as_str().trim()),
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            super::cases::write_transition(
                txn,
                s,
                &case,
                CaseStatus::Transferred,
                Some(Text::new(format!("Chuyển đến {}", transfer.receiving_body))),
                date,
            )?;
            txn.append(
                &scope(&id),
                &case_ref(&id),
                "transfers",
                serde_json::to_value(&transfer).expect("serialises"),
            )?;
            audit(
                txn,
                s,
                "case.transfer",
                &format!("case:{id}"),
                serde_json::json!({ "to": transfer.receiving_body, "date": date }),
            )
        })?;
        self.case(&case.id)
    }

    /// Records a notice of the case's outcome: to whom and when; `denouncer` when the denouncer
    /// is notified (only a case with a denouncer record; the identity is not repeated here).
    pub fn record_notice(&mut self, key: &str, n: Notice) -> Result<Notice> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let recipients: Vec<Text> = n
            .recipients
            .iter()
            .map(|r| Text::new(r.as_str().trim()))
            .filter(|r| !r.is_empty())
            .collect();
        if recipients.is_empty() && !n.denouncer {
            return Err(Error::invalid(
                "notice",
                "name whom it was sent to (or the denouncer)",
            ));
        }
        if n.denouncer && case.kind != CaseKind::Denunciation {
            return Err(Error::invalid(
                "notice",
                format!("a {} case has no denouncer to notify", case.kind),
            ));
        }
        date_in_case(&case, n.date, "notice date")?;
        let notice = Notice {
            date: n.date,
            recipients,
            denouncer: n.denouncer,
            note: Text::new(n.note.as_str().trim()),
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = scope(&id);
            txn.append(
                &sc,
                &e,
                "notices",
                serde_json::to_value(&notice).expect("serialises"),
            )?;
            let mut to: Vec<String> = notice.recipients.iter().map(|r| r.to_string()).collect();
            if notice.denouncer {
                to.push("người tố cáo".into());
            }
            txn.append(
                &sc,
                &e,
                "timeline",
                note(
                    TimelineKind::Note,
                    notice.date,
                    &s.login,
                    format!("Thông báo đến {}", to.join(", ")),
                ),
            )?;
            audit(
                txn,
                s,
                "case.notice",
                &format!("case:{id}"),
                serde_json::json!({
                    "date": notice.date, "recipients": notice.recipients.len(),
                    "denouncer": notice.denouncer,
                }),
            )
        })?;
        Ok(notice)
    }
}
