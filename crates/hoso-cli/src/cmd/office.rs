//! `hoso office add|list` (helper D).

use clap::Subcommand;
use hoso_core::model::OfficeKind;
use hoso_core::register::NewOffice;

use crate::ctx::Ctx;

use super::util::{Register, code, opt_date, print_json};

#[derive(Subcommand, Debug)]
pub enum OfficeCmd {
    /// Add an office (an inspection committee). With --predecessor and --valid-from, the
    /// predecessors are closed on that day (a merger, as on 1 July 2025).
    Add {
        /// Short code, letters and digits (HN, QTR)
        code: String,
        #[arg(long)]
        name: String,
        /// central | city | province | other
        #[arg(long, default_value = "province")]
        kind: String,
        #[arg(long)]
        parent: Option<String>,
        /// An office merged into this one (repeatable)
        #[arg(long = "predecessor")]
        predecessors: Vec<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        valid_from: Option<String>,
        /// YYYY-MM-DD (exclusive)
        #[arg(long)]
        valid_to: Option<String>,
    },
    /// List offices in Vietnamese alphabetical order
    List,
    /// Central office: certify an office from its enrolment request (`hoso init --enroll-out`)
    Certify {
        /// The enrolment request file
        request: std::path::PathBuf,
        /// The certificate file to write (never overwritten)
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// Last day of validity, YYYY-MM-DD [default: two years from now]
        #[arg(long, value_name = "DATE")]
        valid_until: Option<String>,
    },
}

pub fn run(ctx: &mut Ctx, cmd: OfficeCmd) -> anyhow::Result<()> {
    let json = ctx.json;
    exec(ctx.register()?, json, cmd)
}

fn exec(reg: &mut Register, json: bool, cmd: OfficeCmd) -> anyhow::Result<()> {
    match cmd {
        OfficeCmd::Add {
            code: c,
            name,
            kind,
            parent,
            predecessors,
            valid_from,
            valid_to,
        } => {
            let o = reg.add_office(NewOffice {
                code: c,
                name: name.into(),
                kind: code::<OfficeKind>(&kind)?,
                parent,
                predecessors,
                valid_from: opt_date("valid-from", valid_from.as_deref())?,
                valid_to: opt_date("valid-to", valid_to.as_deref())?,
            })?;
            if json {
                print_json(&o)
            } else {
                println!("{}", o.code);
                Ok(())
            }
        }
        OfficeCmd::Certify {
            request,
            out,
            valid_until,
        } => super::key::certify(reg, json, &request, &out, valid_until.as_deref()),
        OfficeCmd::List => {
            let offices = reg.list_offices()?;
            if json {
                return print_json(&offices);
            }
            for o in offices {
                let validity = match (o.valid_from, o.valid_to) {
                    (None, None) => String::new(),
                    (f, t) => format!(
                        "  [{} – {}]",
                        f.map(|d| d.to_string()).unwrap_or_default(),
                        t.map(|d| d.to_string()).unwrap_or_default()
                    ),
                };
                let preds = if o.predecessors.is_empty() {
                    String::new()
                } else {
                    format!("  (merged from {})", o.predecessors.join(", "))
                };
                println!(
                    "{:<6} {:<9} {}{validity}{preds}",
                    o.code,
                    o.kind.code(),
                    o.name
                );
            }
            Ok(())
        }
    }
}
