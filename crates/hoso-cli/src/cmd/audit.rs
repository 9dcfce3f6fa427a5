//! `hoso audit verify|list` (helper R): the hash-chained audit log. Both need `audit.read`.
//! `verify` exits 1 when the log was tampered with (the report still goes to stdout with --json).

use anyhow::{Result, bail};
use clap::Subcommand;
use hoso_core::audit::AuditFilter;

use crate::ctx::Ctx;

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check that no audit entry was edited, deleted or reordered
    Verify,
    /// List audit entries, oldest first (--newest-first to reverse)
    List {
        /// Only entries by this officer login
        #[arg(long)]
        actor: Option<String>,
        /// Only this action (e.g. denouncer.read), or a prefix ending in '.' (e.g. case.)
        #[arg(long)]
        action: Option<String>,
        /// Only entries about this entity (e.g. case:<id>)
        #[arg(long)]
        entity: Option<String>,
        /// From this time on (RFC 3339, e.g. 2026-01-31T00:00:00Z)
        #[arg(long)]
        since: Option<String>,
        /// Before this time (RFC 3339)
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        newest_first: bool,
        #[arg(long)]
        limit: Option<u32>,
    },
}

pub fn run(ctx: &mut Ctx, cmd: AuditCmd) -> Result<()> {
    let json = ctx.json;
    let reg = ctx.register()?;
    match cmd {
        AuditCmd::Verify => {
            let report = reg.audit_verify()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            if report.is_intact() {
                if !json {
                    println!(
                        "audit log intact: {} entries, last hash {}",
                        report.entries, report.last_hash
                    );
                }
                return Ok(());
            }
            let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
            bail!(
                "the audit log was tampered with ({} problem(s)): {}",
                problems.len(),
                problems.join("; ")
            )
        }
        AuditCmd::List {
            actor,
            action,
            entity,
            since,
            until,
            newest_first,
            limit,
        } => {
            let filter = AuditFilter {
                actor,
                action,
                entity,
                since,
                until,
                newest_first,
                limit,
            };
            let entries = reg.audit_list(&filter)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
                return Ok(());
            }
            for e in entries {
                let entity = if e.entity.is_empty() {
                    "-"
                } else {
                    e.entity.as_str()
                };
                let actor = if e.actor.is_empty() {
                    "-"
                } else {
                    e.actor.as_str()
                };
                println!(
                    "{:>6}  {}  {:<16} {:<22} {}  {}",
                    e.seq, e.time, actor, e.action, entity, e.detail
                );
            }
            Ok(())
        }
    }
}
