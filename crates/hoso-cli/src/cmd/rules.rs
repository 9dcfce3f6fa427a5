//! `hoso rules show|set|calendar-gaps` (helper F): the register's rules (time limits, holidays, limitation
//! periods, content categories) as one JSON document: show it, edit it, set it back.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use hoso_core::rules::RulesConfig;

use crate::ctx::Ctx;

use super::util::print_json;

#[derive(Subcommand, Debug)]
pub enum RulesCmd {
    /// Print the rules in force as a JSON document (the format `rules set` reads)
    Show,
    /// Replace the rules with a JSON document (administrators only); it is validated first
    /// and nothing changes when it is refused
    Set {
        /// The edited document, as printed by `rules show`
        #[arg(long, value_name = "FILE.json")]
        file: PathBuf,
    },
    /// Years that deadlines need (this year, the next, those open cases' deadlines run into)
    /// and the holiday calendar lacks: deadlines through them are provisional
    CalendarGaps,
}

pub fn run(ctx: &mut Ctx, cmd: RulesCmd) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg = ctx.register()?;
    match cmd {
        // JSON with or without --json: the document is what an administrator reads and edits.
        RulesCmd::Show => print_json(&reg.rules()?),
        RulesCmd::CalendarGaps => {
            let gaps = reg.years_without_calendar()?;
            if json {
                return print_json(&gaps);
            }
            if gaps.is_empty() {
                println!("the holiday calendar covers every year deadlines need");
            }
            for g in gaps {
                println!(
                    "{}: no holiday calendar ({} open case(s) with a provisional deadline)",
                    g.year, g.open_cases
                );
            }
            Ok(())
        }
        RulesCmd::Set { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let config: RulesConfig = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a rules document", file.display()))?;
            reg.set_rules(config)?;
            if json {
                print_json(&serde_json::json!({ "ok": true }))
            } else {
                println!("rules updated");
                Ok(())
            }
        }
    }
}
