//! `hoso overlaps` and `hoso omissions` (helper D).

use crate::ctx::Ctx;

use super::util::{Register, print_json};

/// `hoso overlaps notify|settle` (no subcommand: list them).
#[derive(clap::Subcommand, Debug)]
pub enum OverlapCmd {
    /// Write a notice for each overlap no record covers yet, so that every office involved
    /// learns of it with its next bundle (the central office, which sees every office's work)
    Notify,
    /// Record how the overlap on SUBJECT (or the record named) was settled; it then clears at
    /// every office involved once synced
    Settle {
        /// Subject id, or the overlap record's id
        key: String,
        /// one-lead | moved | kept
        #[arg(long)]
        outcome: String,
        /// The office that keeps the lead (one-lead)
        #[arg(long)]
        lead: Option<String>,
        #[arg(long)]
        reason: String,
    },
}

pub fn overlaps(ctx: &mut Ctx, cmd: Option<OverlapCmd>) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg: &mut Register = ctx.register()?;
    match cmd {
        None => {}
        Some(OverlapCmd::Notify) => {
            let n = reg.notify_overlaps()?;
            if json {
                return print_json(&serde_json::json!({ "notices": n }));
            }
            println!(
                "{n} overlap notices written; they reach the offices involved with their next bundle"
            );
            return Ok(());
        }
        Some(OverlapCmd::Settle {
            key,
            outcome,
            lead,
            reason,
        }) => {
            let id = reg.settle_overlap(
                &key,
                hoso_core::register::Settlement {
                    outcome: outcome.parse()?,
                    lead,
                    reason: reason.into(),
                },
            )?;
            if json {
                return print_json(&serde_json::json!({ "record": id }));
            }
            println!("settled (record {id})");
            return Ok(());
        }
    }
    let list = reg.overlaps()?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("no overlaps");
    }
    for o in list {
        let kinds: Vec<String> = o.kinds.iter().map(|k| k.to_string()).collect();
        println!(
            "{} ({}) — {}: offices {}",
            o.subject_name,
            o.subject,
            kinds.join(" / "),
            o.offices.join(", ")
        );
        if let Some(r) = &o.record {
            println!("    notice {r}");
        }
        for w in o.works {
            let end = w
                .end
                .map(|d| d.to_string())
                .unwrap_or_else(|| "open".into());
            println!(
                "    {:<5} {} – {}  {} {} {}",
                w.office, w.start, end, w.kind, w.source, w.reference
            );
        }
    }
    Ok(())
}

pub fn omissions(ctx: &mut Ctx) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg: &mut Register = ctx.register()?;
    let list = reg.omissions()?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("no omissions");
    }
    for o in list {
        println!(
            "{} ({}): {}",
            o.subject_name,
            o.subject,
            o.reasons.join("; ")
        );
    }
    Ok(())
}

/// `hoso digest`: the canonical hash of the shared domain state.
pub fn digest(ctx: &mut Ctx) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg: &mut Register = ctx.register()?;
    let d = reg.digest()?;
    if json {
        print_json(&serde_json::json!({ "digest": d }))
    } else {
        println!("{d}");
        Ok(())
    }
}
