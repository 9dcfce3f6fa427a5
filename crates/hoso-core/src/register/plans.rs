//! Annual programmes (plans) with items, and the two cross-office checks: overlaps (two or more
//! offices with planned or open work of the same kind on the same subject in overlapping
//! periods) and omissions (subjects with an open denunciation or signs of violation and no
//! inspection planned or open).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::offices::{require_office, require_office_on};
use super::project::{Fields, exec, read_subject};
use super::{Register, audit, new_id, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::*;
use crate::oplog::{self, EntityRef, ScopeUnit};
use crate::text::Text;

use super::project::{KIND_PLAN, KIND_PLAN_ITEM};

/// An office's annual programme.
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// Default: this register's office.
    pub office: Option<String>,
    pub year: i32,
    pub title: Text,
}

/// One planned inspection or supervision of a subject.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewPlanItem {
    pub subject: String,
    pub kind: CaseKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Default: the plan's office.
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(default)]
    pub coordinators: Vec<String>,
    #[serde(default)]
    pub note: Text,
}

/// Changes to a plan item: each `Some` field replaces the item's value (`coordinators` the
/// whole set); the result is validated like a new item.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct PlanItemEdit {
    pub subject: Option<String>,
    pub kind: Option<CaseKind>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub lead: Option<String>,
    pub coordinators: Option<Vec<String>>,
    pub note: Option<Text>,
}

/// A plan with its items, for listing.
pub type PlanView = Plan;

/// One piece of work in an overlap: a plan item or an open case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Work {
    /// `plan-item` or `case`.
    pub source: String,
    /// Plan item id or case number.
    pub reference: String,
    pub kind: CaseKind,
    pub office: String,
    pub start: NaiveDate,
    /// None: open-ended (an open case without a deadline).
    pub end: Option<NaiveDate>,
}

/// Offices doing overlapping kinds of work on the same subject at the same time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Overlap {
    pub subject: String,
    pub subject_name: Text,
    /// The kinds of work involved (one kind, or kinds the rules say overlap).
    pub kinds: Vec<CaseKind>,
    pub offices: Vec<String>,
    pub works: Vec<Work>,
    /// The overlap record (notice) that names it, if one was written (`notify_overlaps`).
    pub record: Option<String>,
}

/// A subject that needs an inspection nobody has planned or opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Omission {
    pub subject: String,
    pub subject_name: Text,
    /// Why: `open denunciation HN-2026-0003`, `signs of violation found in HN-2026-0007`.
    pub reasons: Vec<String>,
}

/// A plan without its items: what the list of a year shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanSummary {
    pub id: String,
    pub office: String,
    pub year: i32,
    pub title: Text,
    /// How many items it holds.
    pub items: u32,
    /// This office's own programme (the one it adds items to).
    pub own: bool,
    /// Whether this officer may edit its items here: the plan's own office or the central
    /// office (the authority rule), with the permission to write plans.
    pub editable: bool,
}

/// A plan item of a subject, with the plan it belongs to (the subject's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectPlanItem {
    pub plan_id: String,
    pub plan_title: Text,
    /// The office whose programme holds it.
    pub office: String,
    pub year: i32,
    pub item: PlanItem,
}

/// One page of a plan's items, by start date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanItemPage {
    pub plan: PlanSummary,
    pub items: Vec<PlanItem>,
    /// Items in the whole plan.
    pub total: u32,
}

/// The largest page of plan items one call returns.
pub const MAX_PLAN_ITEM_PAGE: u32 = 500;

fn plan_scope(plan_id: &str) -> ScopeUnit {
    ScopeUnit::new(format!("plan:{plan_id}"))
}

fn overlaps_in_time(a: &Work, b: &Work) -> bool {
    let a_end = a.end.unwrap_or(NaiveDate::MAX);
    let b_end = b.end.unwrap_or(NaiveDate::MAX);
    a.start <= b_end && b.start <= a_end
}

/// A new or edited item: its period fits the plan's year, and no other item of the plan
/// (`except` itself) has the same subject, kind and period.
fn check_item(
    plan: &Plan,
    except: Option<&str>,
    subject: &str,
    kind: CaseKind,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<()> {
    use chrono::Datelike;
    if end < start {
        return Err(Error::invalid(
            "period",
            format!("end {end} is before start {start}"),
        ));
    }
    if start.year() > plan.year || end.year() < plan.year {
        return Err(Error::invalid(
            "period",
            format!("{start} – {end} is outside the plan's year {}", plan.year),
        ));
    }
    if let Some(same) = plan.items.iter().find(|i| {
        Some(i.id.as_str()) != except
            && i.subject == subject
            && i.kind == kind
            && i.start == start
            && i.end == end
    }) {
        return Err(Error::invalid(
            "plan item",
            format!(
                "the plan already has this item ({}: {} of {} from {start} to {end})",
                same.id, kind, same.subject_name
            ),
        ));
    }
    Ok(())
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| Error::Storage(format!("bad stored date {s}: {e}")))
}

impl Register {
    /// Adds an annual programme (empty; add items with [`Register::add_plan_item`]).
    pub fn add_plan(&mut self, p: NewPlan) -> Result<String> {
        self.require(Permission::PlanWrite)?;
        let title = Text::new(p.title.as_str().trim());
        if title.is_empty() {
            return Err(Error::invalid("plan title", "must not be empty"));
        }
        if !(2000..=2100).contains(&p.year) {
            return Err(Error::invalid(
                "year",
                format!("{} is not a plausible year", p.year),
            ));
        }
        let id = new_id();
        self.write(|txn, s| {
            let office = match &p.office {
                Some(o) => require_office(txn.tx(), o)?.code,
                None => s.office.clone(),
            };
            let e = EntityRef::new(KIND_PLAN, &id);
            let sc = plan_scope(&id);
            txn.create(&sc, &e)?;
            txn.put(&sc, &e, "office", office.as_str())?;
            txn.put(&sc, &e, "year", p.year)?;
            txn.put(&sc, &e, "title", title.as_str())?;
            audit(
                txn,
                s,
                "plan.create",
                &format!("plan:{id}"),
                serde_json::json!({ "office": office, "year": p.year }),
            )
        })?;
        Ok(id)
    }

    /// Adds an item to a plan; its period must touch the plan's year, and the plan must not
    /// already hold an identical item (same subject, kind and period).
    pub fn add_plan_item(&mut self, plan_id: &str, it: NewPlanItem) -> Result<String> {
        self.require(Permission::PlanWrite)?;
        let plan = self.plan(plan_id)?;
        check_item(&plan, None, it.subject.trim(), it.kind, it.start, it.end)?;
        let id = new_id();
        self.write(|txn, s| {
            let conn = txn.tx();
            if read_subject(conn, it.subject.trim())?.is_none() {
                return Err(Error::NotFound {
                    entity: "subject",
                    key: it.subject.trim().to_string(),
                });
            }
            let lead =
                require_office_on(conn, it.lead.as_deref().unwrap_or(&plan.office), it.start)?.code;
            let mut coordinators = Vec::new();
            for c in &it.coordinators {
                let c = require_office_on(conn, c, it.start)?.code;
                if c != lead && !coordinators.contains(&c) {
                    coordinators.push(c);
                }
            }
            let e = EntityRef::new(KIND_PLAN_ITEM, &id);
            let sc = plan_scope(&plan.id);
            txn.create(&sc, &e)?;
            txn.put(&sc, &e, "plan", plan.id.as_str())?;
            txn.put(&sc, &e, "subject", it.subject.trim())?;
            txn.put(&sc, &e, "kind", it.kind.code())?;
            txn.put(&sc, &e, "start", it.start.to_string())?;
            txn.put(&sc, &e, "end", it.end.to_string())?;
            txn.put(&sc, &e, "lead", lead.as_str())?;
            txn.put(&sc, &e, "note", it.note.as_str().trim())?;
            for c in &coordinators {
                txn.add(&sc, &e, "coordinators", c.as_str())?;
            }
            audit(
                txn,
                s,
                "plan.item.create",
                &format!("plan:{}", plan.id),
                serde_json::json!({
                    "item": id, "subject": it.subject.trim(), "kind": it.kind,
                }),
            )
        })?;
        Ok(id)
    }

    /// The plan an item belongs to.
    fn plan_of_item(&self, item_id: &str) -> Result<(Plan, PlanItem)> {
        let plan_id: Option<String> = self
            .conn()
            .query_row(
                "SELECT plan_id FROM plan_items WHERE id = ?1",
                [item_id.trim()],
                |r| r.get(0),
            )
            .optional()?;
        let not_found = || Error::NotFound {
            entity: "plan item",
            key: item_id.trim().to_string(),
        };
        let plan = self.plan(&plan_id.ok_or_else(not_found)?)?;
        let item = plan
            .items
            .iter()
            .find(|i| i.id == item_id.trim())
            .cloned()
            .ok_or_else(not_found)?;
        Ok((plan, item))
    }

    /// Edits a plan item (the plan's office or the central office): the result must still fit
    /// the plan's year and differ from the plan's other items.
    pub fn edit_plan_item(&mut self, item_id: &str, edit: PlanItemEdit) -> Result<PlanItem> {
        self.require(Permission::PlanWrite)?;
        let (plan, item) = self.plan_of_item(item_id)?;
        let subject = edit
            .subject
            .as_deref()
            .map(str::trim)
            .unwrap_or(&item.subject)
            .to_string();
        let kind = edit.kind.unwrap_or(item.kind);
        let start = edit.start.unwrap_or(item.start);
        let end = edit.end.unwrap_or(item.end);
        check_item(&plan, Some(&item.id), &subject, kind, start, end)?;
        let id = item.id.clone();
        self.write(|txn, s| {
            let conn = txn.tx();
            if read_subject(conn, &subject)?.is_none() {
                return Err(Error::NotFound {
                    entity: "subject",
                    key: subject.clone(),
                });
            }
            let lead = match &edit.lead {
                Some(l) => require_office_on(conn, l, start)?.code,
                None => item.lead.clone(),
            };
            let coordinators = match &edit.coordinators {
                Some(list) => {
                    let mut out: Vec<String> = Vec::new();
                    for c in list {
                        let c = require_office_on(conn, c, start)?.code;
                        if c != lead && !out.contains(&c) {
                            out.push(c);
                        }
                    }
                    Some(out)
                }
                None => None,
            };
            let e = EntityRef::new(KIND_PLAN_ITEM, &id);
            let sc = plan_scope(&plan.id);
            let mut changed: Vec<&str> = Vec::new();
            if subject != item.subject {
                txn.put(&sc, &e, "subject", subject.as_str())?;
                changed.push("subject");
            }
            if kind != item.kind {
                txn.put(&sc, &e, "kind", kind.code())?;
                changed.push("kind");
            }
            if start != item.start {
                txn.put(&sc, &e, "start", start.to_string())?;
                changed.push("start");
            }
            if end != item.end {
                txn.put(&sc, &e, "end", end.to_string())?;
                changed.push("end");
            }
            if lead != item.lead {
                txn.put(&sc, &e, "lead", lead.as_str())?;
                changed.push("lead");
            }
            if let Some(note) = &edit.note {
                let note = note.as_str().trim();
                if note != item.note.as_str() {
                    txn.put(&sc, &e, "note", note)?;
                    changed.push("note");
                }
            }
            if let Some(list) = &coordinators {
                let current: Vec<serde_json::Value> =
                    oplog::set_members(txn.tx(), &e, "coordinators")?;
                for c in &current {
                    if c.as_str().is_none_or(|c| !list.iter().any(|x| x == c)) {
                        txn.remove(&sc, &e, "coordinators", c.clone())?;
                    }
                }
                for c in list {
                    if !current.iter().any(|x| x.as_str() == Some(c.as_str())) {
                        txn.add(&sc, &e, "coordinators", c.as_str())?;
                    }
                }
                if list != &item.coordinators {
                    changed.push("coordinators");
                }
            }
            if changed.is_empty() {
                return Ok(());
            }
            audit(
                txn,
                s,
                "plan.item.edit",
                &format!("plan:{}", plan.id),
                serde_json::json!({ "item": id, "fields": changed }),
            )
        })?;
        Ok(self.plan_of_item(&id)?.1)
    }

    /// Removes an item from its plan. An item a case carries out stays: drop it with a reason
    /// instead ([`Register::set_plan_item_status`]).
    pub fn remove_plan_item(&mut self, item_id: &str) -> Result<()> {
        self.require(Permission::PlanWrite)?;
        let (plan, item) = self.plan_of_item(item_id)?;
        if !item.cases.is_empty() {
            return Err(Error::invalid(
                "plan item",
                format!(
                    "case {} carries this item out: mark it dropped with a reason instead of removing it",
                    item.cases.join(", ")
                ),
            ));
        }
        self.write(|txn, s| {
            let e = EntityRef::new(KIND_PLAN_ITEM, &item.id);
            txn.delete(&plan_scope(&plan.id), &e)?;
            audit(
                txn,
                s,
                "plan.item.remove",
                &format!("plan:{}", plan.id),
                serde_json::json!({
                    "item": item.id, "subject": item.subject, "kind": item.kind,
                    "start": item.start, "end": item.end,
                }),
            )
        })
    }

    /// Sets where an item stands. `dropped` needs the reason; the other statuses clear it.
    pub fn set_plan_item_status(
        &mut self,
        item_id: &str,
        status: PlanItemStatus,
        reason: Option<Text>,
    ) -> Result<PlanItem> {
        self.require(Permission::PlanWrite)?;
        let (plan, item) = self.plan_of_item(item_id)?;
        let reason = reason
            .map(|r| Text::new(r.as_str().trim()))
            .filter(|r| !r.is_empty());
        match (status, &reason) {
            (PlanItemStatus::Dropped, None) => {
                return Err(Error::invalid(
                    "reason",
                    "an item is dropped from the plan only with the reason",
                ));
            }
            (PlanItemStatus::Dropped, Some(_)) => {}
            (_, Some(_)) => {
                return Err(Error::invalid("reason", "only a dropped item has a reason"));
            }
            (_, None) => {}
        }
        self.write(|txn, s| {
            let e = EntityRef::new(KIND_PLAN_ITEM, &item.id);
            let sc = plan_scope(&plan.id);
            txn.put(&sc, &e, "status", status.code())?;
            txn.put(
                &sc,
                &e,
                "drop_reason",
                reason.as_ref().map(|r| r.as_str().to_string()),
            )?;
            audit(
                txn,
                s,
                "plan.item.status",
                &format!("plan:{}", plan.id),
                serde_json::json!({ "item": item.id, "status": status, "reason": reason }),
            )
        })?;
        Ok(self.plan_of_item(&item.id)?.1)
    }

    /// Names the plan item a case carries out (the case's origin becomes the annual plan), or
    /// with `None` unlinks it. The item must be of the case's kind, about one of its subjects,
    /// and not dropped. Written on the case (its lead office or the central office).
    pub fn link_plan_item(&mut self, case_key: &str, item_id: Option<&str>) -> Result<Case> {
        let case = self.case(case_key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let item = match item_id {
            Some(i) => {
                let (_, item) = self.plan_of_item(i)?;
                if item.kind != case.kind {
                    return Err(Error::invalid(
                        "plan item",
                        format!(
                            "the item plans a {} and case {} is a {}",
                            item.kind, case.number, case.kind
                        ),
                    ));
                }
                if !case.subjects.contains(&item.subject) {
                    return Err(Error::invalid(
                        "plan item",
                        format!(
                            "the item is about {} ({}), not a subject of case {}",
                            item.subject_name, item.subject, case.number
                        ),
                    ));
                }
                if item.status == PlanItemStatus::Dropped {
                    return Err(Error::invalid(
                        "plan item",
                        "the item was dropped from the plan",
                    ));
                }
                Some(item)
            }
            None => None,
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = super::project::case_ref(&id);
            let sc = ScopeUnit::new(format!("case:{id}"));
            txn.put(&sc, &e, "plan_item", item.as_ref().map(|i| i.id.clone()))?;
            if item.is_some() && case.origin != CaseOrigin::AnnualPlan {
                txn.put(&sc, &e, "origin", CaseOrigin::AnnualPlan.code())?;
            }
            audit(
                txn,
                s,
                "case.plan-item",
                &format!("case:{id}"),
                serde_json::json!({ "item": item.as_ref().map(|i| &i.id) }),
            )
        })?;
        self.case(&case.id)
    }

    /// One plan with its items.
    pub fn plan(&self, id: &str) -> Result<Plan> {
        self.require(Permission::CaseRead)?;
        let conn = self.conn();
        let row: Option<(String, i32, String)> = conn
            .query_row(
                "SELECT office, year, title FROM plans WHERE id = ?1",
                [id.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok();
        let Some((office, year, title)) = row else {
            return Err(Error::NotFound {
                entity: "plan",
                key: id.trim().to_string(),
            });
        };
        let items = load_items(conn, id.trim(), -1, 0)?;
        Ok(Plan {
            id: id.trim().to_string(),
            office,
            year,
            title: Text::new(title),
            items,
        })
    }

    /// Every plan, by year (newest first) then office.
    pub fn list_plans(&self) -> Result<Vec<Plan>> {
        let ids: Vec<String> = {
            let mut st = self
                .conn()
                .prepare("SELECT id FROM plans ORDER BY year DESC, office, id")?;
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        ids.iter().map(|id| self.plan(id)).collect()
    }

    /// The plans of `year` this office sees in the Plans screen: its own programme and the
    /// plans in which it leads or coordinates an item (the central office: every plan). Its own
    /// first, then by office.
    pub fn plans_of_year(&self, year: i32) -> Result<Vec<PlanSummary>> {
        self.require(Permission::CaseRead)?;
        let conn = self.conn();
        let me = self.session.office.clone();
        let central = super::cases::self_is_central(conn, &me)?;
        let mut st = conn.prepare(
            "SELECT p.id, p.office, p.year, p.title,
                        (SELECT count(*) FROM plan_items i WHERE i.plan_id = p.id)
                   FROM plans p
                  WHERE p.year = ?1
                    AND (?3 OR p.office = ?2
                         OR EXISTS (SELECT 1 FROM plan_items i
                                      JOIN plan_item_offices o ON o.item_id = i.id
                                     WHERE i.plan_id = p.id AND o.office = ?2))
                  ORDER BY p.office != ?2, p.office, p.title, p.id",
        )?;
        let rows = st.query_map(params![year, me, central], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
            ))
        })?;
        let may_write = self.require(Permission::PlanWrite).is_ok();
        let mut out = Vec::new();
        for row in rows {
            let (id, office, year, title, items) = row?;
            out.push(PlanSummary {
                own: office == me,
                editable: may_write && (central || office == me),
                id,
                office,
                year,
                title: Text::new(title),
                items,
            });
        }
        Ok(out)
    }

    /// The years that have plans this register holds, newest first.
    pub fn plan_years(&self) -> Result<Vec<i32>> {
        self.require(Permission::CaseRead)?;
        let mut st = self
            .conn()
            .prepare("SELECT DISTINCT year FROM plans ORDER BY year DESC")?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()
            .map_err(Error::from)
    }

    /// The plan items of a subject in every plan this register holds (this office's and those
    /// it takes part in, or all at the central office), by start date: the subject's page.
    pub fn subject_plan_items(&self, subject: &str) -> Result<Vec<SubjectPlanItem>> {
        self.require(Permission::CaseRead)?;
        let id = self.subject(subject)?.id;
        let conn = self.conn();
        // The plans the subject's items belong to, read once.
        let mut plans: std::collections::HashMap<String, (String, String, i32, String)> = conn
            .prepare_cached(
                "SELECT i.id, p.id, p.office, p.year, p.title FROM plan_items i
                   JOIN plans p ON p.id = i.plan_id WHERE i.subject_id = ?1",
            )?
            .query_map([&id], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for item in items_where(conn, ItemsOf::Subject, &id, -1, 0)? {
            let Some((plan_id, office, year, title)) = plans.remove(&item.id) else {
                continue;
            };
            out.push(SubjectPlanItem {
                plan_id,
                plan_title: Text::new(title),
                office,
                year,
                item,
            });
        }
        Ok(out)
    }

    /// One page of a plan's items (by start date): at most `limit` (1 to
    /// [`MAX_PLAN_ITEM_PAGE`]) from `offset`, with the plan and its item count.
    pub fn plan_item_page(&self, plan_id: &str, offset: u32, limit: u32) -> Result<PlanItemPage> {
        self.require(Permission::CaseRead)?;
        let conn = self.conn();
        let row: Option<(String, i32, String, u32)> = conn
            .query_row(
                "SELECT office, year, title,
                        (SELECT count(*) FROM plan_items i WHERE i.plan_id = p.id)
                   FROM plans p WHERE id = ?1",
                [plan_id.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((office, year, title, total)) = row else {
            return Err(Error::NotFound {
                entity: "plan",
                key: plan_id.trim().to_string(),
            });
        };
        let limit = limit.clamp(1, MAX_PLAN_ITEM_PAGE);
        let items = load_items(conn, plan_id.trim(), limit.into(), offset.into())?;
        let own = office == self.session.office;
        let editable = self.require(Permission::PlanWrite).is_ok()
            && (own || super::cases::self_is_central(conn, &self.session.office)?);
        Ok(PlanItemPage {
            plan: PlanSummary {
                id: plan_id.trim().to_string(),
                own,
                editable,
                office,
                year,
                title: Text::new(title),
                items: total,
            },
            items,
            total,
        })
    }

    /// Opens the case that carries out a plan item ("Mở vụ việc từ kế hoạch"), in one step:
    /// the item's kind and subject, its lead and its coordinators (each with the plan as the
    /// reason), the annual plan as origin, and the case linked to the item. Only the item's
    /// lead office opens it, and only once; a dropped item opens nothing. The title defaults
    /// to the kind and the subject's name; `opened` to today. An item of this office's own
    /// plan is then marked under way.
    pub fn open_case_from_plan_item(
        &mut self,
        item_id: &str,
        title: Option<Text>,
        opened: Option<NaiveDate>,
    ) -> Result<super::CaseCreated> {
        self.require(Permission::CaseCreate)?;
        let (plan, item) = self.plan_of_item(item_id)?;
        if item.status == PlanItemStatus::Dropped {
            return Err(Error::invalid(
                "plan item",
                "the item was dropped from the plan",
            ));
        }
        if !item.cases.is_empty() {
            return Err(Error::invalid(
                "plan item",
                format!(
                    "case {} already carries this item out",
                    item.cases.join(", ")
                ),
            ));
        }
        if item.lead != self.session.office {
            return Err(Error::invalid(
                "plan item",
                format!("{} leads this item: that office opens its case", item.lead),
            ));
        }
        let title = title
            .map(|t| Text::new(t.as_str().trim()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                let name = if item.subject_name.is_empty() {
                    item.subject.as_str()
                } else {
                    item.subject_name.as_str()
                };
                Text::new(format!("{}: {name}", item.kind.label_vi()))
            });
        let reason = Text::new(format!("Phối hợp theo {}", plan.title.as_str()));
        let created = self.open_case(
            super::NewCase {
                kind: item.kind,
                title,
                lead: item.lead.clone(),
                coordinators: item
                    .coordinators
                    .iter()
                    .map(|c| (c.clone(), reason.clone()))
                    .collect(),
                subjects: vec![item.subject.clone()],
                origin: Some(CaseOrigin::AnnualPlan),
                opened,
                summary: item.note.clone(),
                team: Vec::new(),
            },
            None,
            Some(&item.id),
        )?;
        if plan.office == self.session.office && item.status == PlanItemStatus::Planned {
            self.set_plan_item_status(&item.id, PlanItemStatus::UnderWay, None)?;
        }
        Ok(created)
    }

    /// Work of two or more offices on the same subject at the same time (trùng dẫm, chồng
    /// chéo): plan items and open cases whose kinds overlap by the rules' matrix
    /// (`RulesConfig::overlap`), in periods that overlap and have not ended before today. An
    /// office and the offices merged into it count as one (a 2024 item of "Quảng Bình" and one of
    /// today's Quảng Trị are the same office's work). Each group of work linked by overlaps is
    /// one [`Overlap`].
    pub fn overlaps(&self) -> Result<Vec<Overlap>> {
        self.require(Permission::CaseRead)?;
        let conn = self.conn();
        let rules = super::rules_store::overlap(conn)?;
        let today = today();
        let mut by_subject: BTreeMap<String, Vec<Work>> = BTreeMap::new();
        {
            let mut st = conn.prepare(
                "SELECT subject_id, kind, id, lead, start_date, end_date FROM plan_items
                     WHERE status != 'dropped'",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            for row in rows {
                let (subject, kind, id, office, start, end) = row?;
                by_subject.entry(subject).or_default().push(Work {
                    source: "plan-item".into(),
                    reference: id,
                    kind: kind.parse()?,
                    office,
                    start: date(&start)?,
                    end: Some(date(&end)?),
                });
            }
        }
        {
            let mut st = conn.prepare(
                "SELECT cs.subject_id, c.kind, c.number, c.lead, c.opened, c.deadline
                     FROM cases c JOIN case_subjects cs ON cs.case_id = c.id WHERE c.is_open",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?;
            for row in rows {
                let (subject, kind, number, office, opened, deadline) = row?;
                by_subject.entry(subject).or_default().push(Work {
                    source: "case".into(),
                    reference: number,
                    kind: kind.parse()?,
                    office,
                    start: date(&opened)?,
                    // An open case runs at least until today, overdue or not.
                    end: deadline
                        .as_deref()
                        .map(date)
                        .transpose()?
                        .map(|d| d.max(today)),
                });
            }
        }
        // An office and its predecessors are one: each office counts as the one in force today
        // that absorbed it.
        let mut family: BTreeMap<String, String> = BTreeMap::new();
        let mut out = Vec::new();
        for (subject, works) in by_subject {
            // Only current and future work: what ended before today is history, not overlap.
            let works: Vec<Work> = works
                .into_iter()
                .filter(|w| w.end.is_none_or(|e| e >= today))
                .collect();
            for w in &works {
                if !family.contains_key(&w.office) {
                    let root = super::offices::successor_of(conn, &w.office, today)?
                        .unwrap_or_else(|| w.office.clone());
                    family.insert(w.office.clone(), root);
                }
            }
            // Groups of work linked by overlaps (union-find over the pairs).
            let mut group: Vec<usize> = (0..works.len()).collect();
            fn root(g: &mut [usize], i: usize) -> usize {
                let mut r = i;
                while g[r] != r {
                    r = g[r];
                }
                g[i] = r;
                r
            }
            let mut involved = vec![false; works.len()];
            for i in 0..works.len() {
                for j in i + 1..works.len() {
                    let (a, b) = (&works[i], &works[j]);
                    if family[&a.office] != family[&b.office]
                        && rules.overlap(a.kind, b.kind)
                        && overlaps_in_time(a, b)
                    {
                        involved[i] = true;
                        involved[j] = true;
                        let (ri, rj) = (root(&mut group, i), root(&mut group, j));
                        group[ri] = rj;
                    }
                }
            }
            let mut groups: BTreeMap<usize, Vec<Work>> = BTreeMap::new();
            for (i, w) in works.into_iter().enumerate() {
                if involved[i] {
                    let r = root(&mut group, i);
                    groups.entry(r).or_default().push(w);
                }
            }
            if groups.is_empty() {
                continue;
            }
            let subject_name = read_subject(conn, &subject)?
                .map(|s| s.name)
                .unwrap_or_default();
            for (_, mut works) in groups {
                works.sort_by(|a, b| {
                    (a.start, &a.office, &a.reference).cmp(&(b.start, &b.office, &b.reference))
                });
                let mut offices: Vec<String> = works.iter().map(|w| w.office.clone()).collect();
                offices.sort();
                offices.dedup();
                let mut kinds: Vec<CaseKind> = works.iter().map(|w| w.kind).collect();
                kinds.sort();
                kinds.dedup();
                out.push(Overlap {
                    subject: subject.clone(),
                    subject_name: subject_name.clone(),
                    kinds,
                    offices,
                    works,
                    record: None,
                });
            }
        }
        // With the notices this office received and the settlements recorded anywhere.
        super::overlap_records::merge_with_records(conn, out)
    }

    /// Subjects left uncovered (bỏ lọt): an open denunciation, or signs of violation a
    /// supervision found, that no inspection has taken up — none open, or running on or after
    /// the day the denunciation was received or the signs were recorded (at any office in
    /// scope), and none planned to run until that day or later. What an inspection, a
    /// discipline case or an appeal found is handled by that case and is no omission. In
    /// Vietnamese order of the subject's name.
    pub fn omissions(&self) -> Result<Vec<Omission>> {
        self.require(Permission::CaseRead)?;
        let conn = self.conn();
        let inspection_kinds: Vec<&str> = CaseKind::ALL
            .iter()
            .filter(|k| k.is_inspection())
            .map(|k| k.code())
            .collect();
        let kinds = serde_json::to_string(&inspection_kinds).expect("strings serialise");
        let mut st = conn
            .prepare(
                "WITH needs(subject_id, reason, number, since) AS (
                     SELECT cs.subject_id, 'open denunciation', c.number, c.opened FROM cases c
                       JOIN case_subjects cs ON cs.case_id = c.id
                      WHERE c.kind = 'denunciation' AND c.is_open
                     UNION ALL
                     SELECT sg.subject_id, 'signs of violation found in', c.number,
                            coalesce(sg.found_on, '0000-00-00')
                       FROM case_signs sg JOIN cases c ON c.id = sg.case_id
                 )
                 SELECT n.subject_id, s.name, n.reason, n.number FROM needs n JOIN subjects s ON s.id = n.subject_id
                  WHERE NOT EXISTS (SELECT 1 FROM plan_items p WHERE p.subject_id = n.subject_id
                                      AND p.status != 'dropped'
                                      AND p.kind IN (SELECT value FROM json_each(?1))
                                      AND p.end_date >= n.since)
                    AND NOT EXISTS (SELECT 1 FROM cases c2 JOIN case_subjects cs2 ON cs2.case_id = c2.id
                                     WHERE cs2.subject_id = n.subject_id
                                       AND (c2.is_open OR coalesce(c2.closed, c2.opened) >= n.since)
                                       AND c2.kind IN (SELECT value FROM json_each(?1)))
                  ORDER BY s.name COLLATE VI, n.subject_id, n.number",
            )?;
        let rows = st.query_map(params![kinds], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out: Vec<Omission> = Vec::new();
        for row in rows {
            let (subject, name, reason, number) = row?;
            let reason = format!("{reason} {number}");
            match out.last_mut() {
                Some(o) if o.subject == subject => {
                    if !o.reasons.contains(&reason) {
                        o.reasons.push(reason)
                    }
                }
                _ => out.push(Omission {
                    subject,
                    subject_name: Text::new(name),
                    reasons: vec![reason],
                }),
            }
        }
        Ok(out)
    }
}

/// The items of a plan by start date: `limit` of them (-1: all) from `offset`.
fn load_items(
    conn: &rusqlite::Connection,
    plan_id: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<PlanItem>> {
    items_where(conn, ItemsOf::Plan, plan_id, limit, offset)
}

/// Which items [`items_where`] reads: a plan's, or a subject's across plans.
#[derive(Clone, Copy)]
enum ItemsOf {
    Plan,
    Subject,
}

fn items_where(
    conn: &rusqlite::Connection,
    of: ItemsOf,
    key: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<PlanItem>> {
    let column = match of {
        ItemsOf::Plan => "plan_id",
        ItemsOf::Subject => "subject_id",
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT id, subject_id, kind, start_date, end_date, lead, note, status, drop_reason
                 FROM plan_items WHERE {column} = ?1 ORDER BY start_date, id LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = st.query_map(params![key, limit, offset], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<String>>(8)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (iid, subject, kind, start, end, lead, note, status, drop_reason) = row?;
        let cases: Vec<String> = {
            let mut st = conn
                .prepare_cached("SELECT number FROM cases WHERE plan_item = ?1 ORDER BY number")?;
            st.query_map([&iid], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut coordinators: Vec<String> = {
            let mut st = conn.prepare_cached(
                "SELECT office FROM plan_item_offices WHERE item_id = ?1 AND role = 'coordinating'",
            )?;
            st.query_map([&iid], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        coordinators.sort();
        let subject_name = read_subject(conn, &subject)?
            .map(|s| s.name)
            .unwrap_or_default();
        items.push(PlanItem {
            id: iid,
            subject,
            subject_name,
            kind: kind.parse()?,
            start: date(&start)?,
            end: date(&end)?,
            lead,
            coordinators,
            note: Text::new(note),
            status: status.parse().unwrap_or_default(),
            drop_reason: drop_reason.map(Text::new),
            cases,
        });
    }
    Ok(items)
}

pub(crate) fn project_plan(tx: &Connection, id: &str) -> Result<()> {
    exec(tx, "DELETE FROM plans WHERE id = ?1", [id])?;
    let e = EntityRef::new(KIND_PLAN, id);
    if !oplog::entity_exists(tx, &e)? {
        return Ok(());
    }
    let f = Fields::load(tx, &e)?;
    let (Some(office), Some(year), Some(title)) = (
        f.get::<String>("office"),
        f.get::<i32>("year"),
        f.text("title"),
    ) else {
        return Ok(());
    };
    exec(
        tx,
        "INSERT INTO plans(id, office, year, title) VALUES (?1, ?2, ?3, ?4)",
        params![id, office, year, title.as_str()],
    )?;
    Ok(())
}

pub(crate) fn project_plan_item(tx: &Connection, id: &str) -> Result<()> {
    exec(tx, "DELETE FROM plan_items WHERE id = ?1", [id])?;
    exec(tx, "DELETE FROM plan_item_offices WHERE item_id = ?1", [id])?;
    let e = EntityRef::new(KIND_PLAN_ITEM, id);
    if !oplog::entity_exists(tx, &e)? {
        return Ok(());
    }
    let f = Fields::load(tx, &e)?;
    let (Some(plan), Some(subject), Some(kind), Some(start), Some(end), Some(lead)) = (
        f.get::<String>("plan"),
        f.get::<String>("subject"),
        f.get::<CaseKind>("kind"),
        f.get::<NaiveDate>("start"),
        f.get::<NaiveDate>("end"),
        f.get::<String>("lead"),
    ) else {
        return Ok(());
    };
    exec(
        tx,
        "INSERT INTO plan_items(id, plan_id, subject_id, kind, start_date, end_date, lead, note,
                                status, drop_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            plan,
            subject,
            kind.code(),
            start.to_string(),
            end.to_string(),
            lead,
            f.text("note").unwrap_or_default().as_str(),
            f.get::<PlanItemStatus>("status").unwrap_or_default().code(),
            f.text("drop_reason").map(Text::into_string),
        ],
    )?;
    exec(
        tx,
        "INSERT INTO plan_item_offices(item_id, office, role) VALUES (?1, ?2, 'lead')",
        params![id, lead],
    )?;
    for v in oplog::set_members(tx, &e, "coordinators")? {
        if let Some(c) = v.as_str() {
            exec(
                tx,
                "INSERT OR IGNORE INTO plan_item_offices(item_id, office, role) VALUES (?1, ?2, 'coordinating')",
                params![id, c],
            )?;
        }
    }
    Ok(())
}
