//! `hoso print CASE --out FILE.pdf` (the case summary, or with `--file` the whole case file) and
//! `hoso settings list|set|unset` (the office's print settings: header lines, place, signatory,
//! template paths). Printing needs `case.read`; `--include-denouncer` needs `denouncer.read` on
//! the case and is refused otherwise. Every print is audited (action `print`). The PDF is written
//! atomically to a new file: an existing file is never overwritten.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use hoso_print::{PrintError, PrintOptions, settings::KEYS};

use crate::cmd::key::refuse_existing;
use crate::cmd::util;
use crate::ctx::Ctx;

#[derive(Args, Debug)]
pub struct PrintArgs {
    /// The case (number such as HN-2026-0001, or id)
    pub case: String,
    /// The whole case file for the archive (cover, document index, summary, closing sheet)
    #[arg(long)]
    pub file: bool,
    /// Print the denouncer's identity (needs denouncer.read on the case; redacted by default)
    #[arg(long)]
    pub include_denouncer: bool,
    /// Mark the document "MẬT" even if its kind is not in print.confidential-kinds
    #[arg(long)]
    pub confidential: bool,
    /// The document's date, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The document's number in the outgoing register (blank to fill in by hand if omitted)
    #[arg(long, value_name = "N")]
    pub number: Option<String>,
    /// The PDF to write (must not exist)
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
}

fn print_error(e: PrintError) -> anyhow::Error {
    match e {
        // Keep the core error itself in the chain (its code, the exit status).
        PrintError::Core(core) => anyhow::Error::from(core),
        other => anyhow!(other),
    }
}

pub fn run(ctx: &mut Ctx, args: PrintArgs) -> Result<()> {
    refuse_existing(&args.out)?;
    let opts = PrintOptions {
        case_file: args.file,
        include_denouncer: args.include_denouncer,
        confidential: args.confidential,
        date: util::opt_date("date", args.date.as_deref())?,
        number: args.number.clone(),
    };
    let json = ctx.json;
    let reg = ctx.register()?;
    let printed = hoso_print::save_case(reg, &args.case, &opts, &args.out).map_err(print_error)?;
    if json {
        ctx.print_json(&serde_json::json!({
            "result": "printed",
            "file": args.out,
            "case": printed.case_number,
            "document": if args.file { "case-file" } else { "case-summary" },
            "pages": printed.pages,
            "blake3": printed.blake3,
        }))
    } else {
        println!(
            "Wrote {} ({} of {}, {} page(s)).",
            args.out.display(),
            if args.file {
                "the case file"
            } else {
                "the summary"
            },
            printed.case_number,
            printed.pages
        );
        Ok(())
    }
}

#[derive(Subcommand, Debug)]
pub enum SettingsCmd {
    /// Every print setting with its value (or default)
    List,
    /// Set one setting (office.admin), e.g. `hoso settings set print.place "Đà Nẵng"`
    Set { key: String, value: String },
    /// Remove one setting: its default applies again (office.admin)
    Unset { key: String },
}

pub fn settings(ctx: &mut Ctx, cmd: SettingsCmd) -> Result<()> {
    let json = ctx.json;
    let reg = ctx.register()?;
    let known = |key: &str| -> Result<()> {
        // Besides the print settings: the app's auto-lock time (minutes, default 10).
        if KEYS.iter().any(|(k, _, _)| *k == key.trim())
            || key.trim() == hoso_core::register::casework::IDLE_MINUTES_SETTING
            || key.trim() == hoso_core::reports::FORMS_DIR_SETTING
        {
            Ok(())
        } else {
            let mut names: Vec<&str> = KEYS.iter().map(|(k, _, _)| *k).collect();
            names.push(hoso_core::register::casework::IDLE_MINUTES_SETTING);
            names.push(hoso_core::reports::FORMS_DIR_SETTING);
            Err(anyhow!(
                "unknown setting '{}'; known: {}",
                key.trim(),
                names.join(", ")
            ))
        }
    };
    match cmd {
        SettingsCmd::List => {
            let stored = reg.office_settings()?;
            let rows: Vec<serde_json::Value> = KEYS
                .iter()
                .map(|(k, default, about)| {
                    let value = stored.iter().find(|(s, _)| s == k).map(|(_, v)| v.clone());
                    serde_json::json!({
                        "key": k, "value": value, "default": default, "about": about,
                    })
                })
                .collect();
            if json {
                return ctx.print_json(&rows);
            }
            for r in rows {
                let (value, note) = match r["value"].as_str() {
                    Some(v) => (v.to_string(), ""),
                    None => (
                        r["default"].as_str().unwrap_or("").to_string(),
                        " (default)",
                    ),
                };
                println!(
                    "{} = {:?}{note}\n    {}",
                    r["key"].as_str().unwrap_or(""),
                    value,
                    r["about"].as_str().unwrap_or("")
                );
            }
            Ok(())
        }
        SettingsCmd::Set { key, value } => {
            known(&key)?;
            reg.set_office_setting(&key, Some(&value))?;
            if !json {
                println!("{} set.", key.trim());
            }
            Ok(())
        }
        SettingsCmd::Unset { key } => {
            known(&key)?;
            reg.set_office_setting(&key, None)?;
            if !json {
                println!("{} removed: its default applies.", key.trim());
            }
            Ok(())
        }
    }
}
