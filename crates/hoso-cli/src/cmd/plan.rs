//! `hoso plan add|add-item|edit-item|remove-item|item-status|link|unlink|list|show` (helper D).

use clap::Subcommand;
use hoso_core::Text;
use hoso_core::model::{CaseKind, PlanItemStatus};
use hoso_core::register::{NewPlan, NewPlanItem, PlanItemEdit};

use crate::ctx::Ctx;

use super::util::{Register, code, date, print_json};

#[derive(Subcommand, Debug)]
pub enum PlanCmd {
    /// Add an annual programme; prints its id
    Add {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        title: String,
        /// Office whose programme it is (default: this register's office)
        #[arg(long)]
        office: Option<String>,
    },
    /// Add an item (a planned inspection or supervision) to a plan; prints its id
    AddItem {
        plan: String,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        kind: String,
        /// YYYY-MM-DD
        #[arg(long)]
        start: String,
        /// YYYY-MM-DD
        #[arg(long)]
        end: String,
        /// Lead office (default: the plan's office)
        #[arg(long)]
        lead: Option<String>,
        #[arg(long = "coordinator")]
        coordinators: Vec<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Edit a plan item: only the options given change (--coordinator replaces the set;
    /// --no-coordinators clears it)
    EditItem {
        item: String,
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        start: Option<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        lead: Option<String>,
        #[arg(long = "coordinator")]
        coordinators: Vec<String>,
        #[arg(long, conflicts_with = "coordinators")]
        no_coordinators: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Remove an item from its plan (an item a case carries out is dropped instead)
    RemoveItem { item: String },
    /// Set an item's status: planned, under-way, done, dropped (dropped needs --reason)
    ItemStatus {
        item: String,
        status: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// The case carries out the plan item (the case becomes one from the annual plan)
    Link { item: String, case: String },
    /// The case carries out no plan item any more
    Unlink { case: String },
    /// List plans with their items
    List,
    /// One plan with its items
    Show { plan: String },
}

pub fn run(ctx: &mut Ctx, cmd: PlanCmd) -> anyhow::Result<()> {
    let json = ctx.json;
    exec(ctx.register()?, json, cmd)
}

fn exec(reg: &mut Register, json: bool, cmd: PlanCmd) -> anyhow::Result<()> {
    match cmd {
        PlanCmd::Add {
            year,
            title,
            office,
        } => {
            let id = reg.add_plan(NewPlan {
                office,
                year,
                title: title.into(),
            })?;
            if json {
                print_json(&serde_json::json!({ "id": id }))
            } else {
                println!("{id}");
                Ok(())
            }
        }
        PlanCmd::AddItem {
            plan,
            subject,
            kind,
            start,
            end,
            lead,
            coordinators,
            note,
        } => {
            let id = reg.add_plan_item(
                &plan,
                NewPlanItem {
                    subject,
                    kind: code::<CaseKind>(&kind)?,
                    start: date("start", &start)?,
                    end: date("end", &end)?,
                    lead,
                    coordinators,
                    note: note.map(Text::new).unwrap_or_default(),
                },
            )?;
            if json {
                print_json(&serde_json::json!({ "id": id }))
            } else {
                println!("{id}");
                Ok(())
            }
        }
        PlanCmd::EditItem {
            item,
            subject,
            kind,
            start,
            end,
            lead,
            coordinators,
            no_coordinators,
            note,
        } => {
            let edited = reg.edit_plan_item(
                &item,
                PlanItemEdit {
                    subject,
                    kind: kind.as_deref().map(code::<CaseKind>).transpose()?,
                    start: start.as_deref().map(|s| date("start", s)).transpose()?,
                    end: end.as_deref().map(|s| date("end", s)).transpose()?,
                    lead,
                    coordinators: if no_coordinators {
                        Some(Vec::new())
                    } else if coordinators.is_empty() {
                        None
                    } else {
                        Some(coordinators)
                    },
                    note: note.map(Text::new),
                },
            )?;
            if json {
                return print_json(&edited);
            }
            print_item(&edited);
            Ok(())
        }
        PlanCmd::RemoveItem { item } => {
            reg.remove_plan_item(&item)?;
            if json {
                print_json(&serde_json::json!({ "removed": item.trim() }))
            } else {
                println!("removed {}", item.trim());
                Ok(())
            }
        }
        PlanCmd::ItemStatus {
            item,
            status,
            reason,
        } => {
            let it = reg.set_plan_item_status(
                &item,
                code::<PlanItemStatus>(&status)?,
                reason.map(Text::new),
            )?;
            if json {
                return print_json(&it);
            }
            print_item(&it);
            Ok(())
        }
        PlanCmd::Link { item, case } => {
            let c = reg.link_plan_item(&case, Some(&item))?;
            if json {
                return print_json(&c);
            }
            println!("{} carries out plan item {}", c.number, item.trim());
            Ok(())
        }
        PlanCmd::Unlink { case } => {
            let c = reg.link_plan_item(&case, None)?;
            if json {
                return print_json(&c);
            }
            println!("{} carries out no plan item", c.number);
            Ok(())
        }
        PlanCmd::List => {
            let plans = reg.list_plans()?;
            if json {
                return print_json(&plans);
            }
            for p in &plans {
                print_plan(p);
            }
            Ok(())
        }
        PlanCmd::Show { plan } => {
            let p = reg.plan(plan.trim())?;
            if json {
                return print_json(&p);
            }
            print_plan(&p);
            Ok(())
        }
    }
}

/// A plan and its items.
fn print_plan(p: &hoso_core::model::Plan) {
    println!("{}  {} {}  {}", p.id, p.office, p.year, p.title);
    for it in &p.items {
        print_item(it);
    }
}

/// One item: period, kind, lead (+ coordinators), the subject by name, its status (with the
/// reason it was dropped), the cases that carry it out and its id.
fn print_item(it: &hoso_core::model::PlanItem) {
    let co = if it.coordinators.is_empty() {
        String::new()
    } else {
        format!(" + {}", it.coordinators.join(", "))
    };
    let subject = if it.subject_name.is_empty() {
        it.subject.clone()
    } else {
        it.subject_name.to_string()
    };
    let reason = it
        .drop_reason
        .as_ref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let cases = if it.cases.is_empty() {
        String::new()
    } else {
        format!("  case {}", it.cases.join(", "))
    };
    println!(
        "    {} – {}  {:<24} {}{co}  {subject}  [{}{reason}]{cases}  item {}",
        it.start,
        it.end,
        it.kind.code(),
        it.lead,
        it.status.code(),
        it.id,
    );
}
