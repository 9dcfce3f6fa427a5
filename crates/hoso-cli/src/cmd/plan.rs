//! `hoso plan add|add-item|list|show` (helper D).

use clap::Subcommand;
use hoso_core::Text;
use hoso_core::model::CaseKind;
use hoso_core::register::{NewPlan, NewPlanItem};

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

/// A plan and its items: period, kind, lead (+ coordinators) and the subject by name.
fn print_plan(p: &hoso_core::model::Plan) {
    println!("{}  {} {}  {}", p.id, p.office, p.year, p.title);
    for it in &p.items {
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
        println!(
            "    {} – {}  {:<24} {}{co}  {subject}",
            it.start,
            it.end,
            it.kind.code(),
            it.lead,
        );
    }
}
