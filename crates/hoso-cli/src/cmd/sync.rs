//! `hoso sync status|period|without-effect`: per peer, the last bundle sent and received, what
//! waits to be sent, which exchanges are overdue, and the changes other offices made without the
//! authority to.

use anyhow::Result;
use clap::Subcommand;

use super::bundle::{local_time, print_clock_ahead};
use super::util::print_json;
use crate::ctx::Ctx;

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// The exchange of bundles with each peer office
    Status,
    /// How often bundles should be exchanged with an office (administrators)
    Period {
        /// The peer office
        office: String,
        /// Days between exchanges (default 7)
        days: i64,
    },
    /// Changes from other offices kept without effect (their office had no authority for them)
    WithoutEffect,
}

pub fn run(ctx: &mut Ctx, cmd: SyncCmd) -> Result<()> {
    let json = ctx.json;
    let reg = ctx.register()?;
    match cmd {
        SyncCmd::Period { office, days } => {
            reg.set_sync_period(&office, days)?;
            if json {
                print_json(&serde_json::json!({ "office": office, "period_days": days }))
            } else {
                println!("Bundles with {office}: every {days} days");
                Ok(())
            }
        }
        SyncCmd::WithoutEffect => {
            let changes = reg.changes_without_effect()?;
            if json {
                return print_json(&changes);
            }
            if changes.is_empty() {
                println!("No change from another office was kept without effect.");
                return Ok(());
            }
            for c in changes {
                println!(
                    "{} {}/{} wrote {} of {}: {}",
                    local_time(&c.written_at),
                    c.origin,
                    c.author,
                    c.field,
                    c.entity,
                    c.reason
                );
            }
            Ok(())
        }
        SyncCmd::Status => {
            let inert = reg.changes_without_effect()?.len();
            let peers = reg.sync_status()?;
            if json {
                return print_json(&peers);
            }
            if peers.is_empty() {
                if reg.key_info()?.holds_root {
                    println!(
                        "No office certified yet (hoso office certify REQUEST --out SETUP.hoso)."
                    );
                } else {
                    println!(
                        "No peer offices yet (import the set-up bundle from the central office)."
                    );
                }
                return Ok(());
            }
            println!(
                "{:<7} {:<30} {:<30} {:>8}  STATUS",
                "OFFICE", "LAST SENT", "LAST RECEIVED", "WAITING"
            );
            for p in &peers {
                // (time, sequence, operations) of a bundle, as `dd/mm/yyyy #seq (n ops)`.
                let summary = |s: Option<(&str, u64, u64)>| match s {
                    Some((at, seq, ops)) => format!(
                        "{} #{seq} ({ops} ops)",
                        local_time(at).split(' ').next().unwrap_or_default()
                    ),
                    None => "never".to_string(),
                };
                println!(
                    "{:<7} {:<30} {:<30} {:>8}  {}",
                    p.office,
                    summary(p.last_sent.as_ref().map(|s| (
                        s.at.as_str(),
                        s.sequence,
                        s.operations
                    ))),
                    summary(p.last_received.as_ref().map(|s| (
                        s.at.as_str(),
                        s.sequence,
                        s.operations
                    ))),
                    p.waiting_operations,
                    if p.overdue {
                        format!("OVERDUE (every {} days)", p.period_days)
                    } else {
                        "ok".to_string()
                    }
                );
            }
            for p in &peers {
                print_clock_ahead(&p.clock_ahead, Some(&p.office));
            }
            if inert > 0 {
                println!(
                    "{inert} changes from other offices were kept without effect: their office had no authority for them (hoso sync without-effect)."
                );
            }
            Ok(())
        }
    }
}
