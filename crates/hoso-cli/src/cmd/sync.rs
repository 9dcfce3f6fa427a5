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
            if let Some(r) = reg.sync_recovery()? {
                print_recovery(&r);
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
                if p.denouncers_to_hand_over > 0 {
                    println!(
                        "{} now leads {} case(s) whose denouncer only this office holds: export a bundle to {} to hand it over.",
                        p.office, p.denouncers_to_hand_over, p.office
                    );
                }
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

/// A register restored from a copy (or replaced): why writing is paused and how to resume.
pub(crate) fn print_recovery(r: &hoso_core::sync::RecoveryNeeded) {
    println!(
        "WRITING PAUSED: office {} holds changes of {} up to no. {}, this register only up to no. {}.",
        r.peer, r.office, r.theirs, r.held
    );
    println!(
        "This register was restored from a copy (or replaced) and must recover its own history first."
    );
    println!(
        "  1. At the central office: hoso bundle export --full --to {} --out {}-full.hoso",
        r.office, r.office
    );
    println!(
        "  2. Here: hoso bundle import {}-full.hoso; writing resumes after it.",
        r.office
    );
    if r.set_aside > 0 {
        println!(
            "  {} changes written here since the copy are kept aside and will be written again under new numbers.",
            r.set_aside
        );
    }
    println!();
}
