//! `hoso letter add|list|show|open` (issue 10): letters received by this office, and the case
//! opened from one (a denunciation only from a named letter).

use clap::Subcommand;
use hoso_core::Text;
use hoso_core::model::{CaseKind, LetterKind};
use hoso_core::register::{NewCase, NewLetter};

use crate::ctx::Ctx;

use super::util::{Register, code, opt_date, print_json};

#[derive(Subcommand, Debug)]
pub enum LetterCmd {
    /// Record a letter received by this office; prints its id
    Add {
        /// named | anonymous | impersonated
        #[arg(long)]
        kind: String,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        received: Option<String>,
        /// How it arrived (post, in person, the reception office…)
        #[arg(long)]
        channel: String,
        #[arg(long)]
        content: String,
    },
    /// Letters in this register, newest first
    List,
    /// One letter and the cases opened from it
    Show { letter: String },
    /// Open a case from a letter (named: denunciation or inspection-on-signs; anonymous or
    /// impersonated: inspection-on-signs only); prints the case's id and number
    Open {
        letter: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        lead: String,
        /// Subject id (repeatable)
        #[arg(long = "subject")]
        subjects: Vec<String>,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        opened: Option<String>,
        #[arg(long)]
        summary: Option<String>,
    },
}

pub fn run(ctx: &mut Ctx, cmd: LetterCmd) -> anyhow::Result<()> {
    let json = ctx.json;
    exec(ctx.register()?, json, cmd)
}

fn print_letter(l: &hoso_core::model::Letter) {
    println!(
        "{}  {}  {:<12} {}  {}{}",
        l.id,
        l.received,
        l.kind.code(),
        l.channel,
        l.content,
        if l.cases.is_empty() {
            String::new()
        } else {
            format!("  → {}", l.cases.join(", "))
        }
    );
}

fn exec(reg: &mut Register, json: bool, cmd: LetterCmd) -> anyhow::Result<()> {
    match cmd {
        LetterCmd::Add {
            kind,
            received,
            channel,
            content,
        } => {
            let l = reg.record_letter(NewLetter {
                kind: code::<LetterKind>(&kind)?,
                received: opt_date("received", received.as_deref())?,
                channel: channel.into(),
                content: content.into(),
            })?;
            if json {
                return print_json(&l);
            }
            println!("{}", l.id);
            Ok(())
        }
        LetterCmd::List => {
            let letters = reg.list_letters()?;
            if json {
                return print_json(&letters);
            }
            for l in &letters {
                print_letter(l);
            }
            Ok(())
        }
        LetterCmd::Show { letter } => {
            let l = reg.letter(&letter)?;
            if json {
                return print_json(&l);
            }
            print_letter(&l);
            Ok(())
        }
        LetterCmd::Open {
            letter,
            kind,
            title,
            lead,
            subjects,
            opened,
            summary,
        } => {
            let created = reg.open_case_from_letter(
                &letter,
                NewCase {
                    kind: code::<CaseKind>(&kind)?,
                    title: title.into(),
                    lead,
                    coordinators: vec![],
                    subjects,
                    origin: None,
                    opened: opt_date("opened", opened.as_deref())?,
                    summary: summary.map(Text::new).unwrap_or_default(),
                    team: vec![],
                },
            )?;
            if json {
                return print_json(&created);
            }
            println!("{} {}", created.id, created.number);
            Ok(())
        }
    }
}
