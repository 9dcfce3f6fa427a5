//! `hoso report`: the committees' statistics forms (issue 13, REPORT-FORMS.md).
//!
//! - `hoso report list [--json]` (also `hoso report --list`): the forms, provisional ones marked.
//! - `hoso report FORM --period 2026-9m [--office CODE | --all] --format pdf|xlsx|json --out
//!   FILE [--date YYYY-MM-DD] [--number N]`: a locked period prints its locked figures.
//!   Without `--out`, the JSON goes to stdout. Every export is audited.
//! - `hoso report lock FORM --period …` ("chốt số liệu", report.lock: committee leadership; a
//!   synced record that reaches the central office), `hoso report relock FORM --period …
//!   --reason TEXT` (chốt lại: the figures computed now replace the locked ones, history kept),
//!   `hoso report locks` (the locks this register holds) and `hoso report locks --form F
//!   --period P` (which offices locked that period: every office at the central office).

use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use hoso_core::reports::{Period, ReportScope};
use hoso_print::{PrintError, ReportFormat, ReportPrintOptions};

use crate::cmd::key::refuse_existing;
use crate::cmd::util;
use crate::ctx::Ctx;

#[derive(Args, Debug, Clone)]
pub struct Which {
    /// Period: YYYY-mMM (month, cumulative from January), YYYY-q1, YYYY-6m, YYYY-9m, YYYY
    /// (year), term-YYYY-YYYY (Party term); with --year, just 9m, q1, m03…
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// The year of a period given without one
    #[arg(long)]
    pub year: Option<i32>,
    /// Another office's cases (central office only)
    #[arg(long, value_name = "CODE", conflicts_with = "all")]
    pub office: Option<String>,
    /// Every office, with one roll-up row per lead office (central office only)
    #[arg(long)]
    pub all: bool,
}

impl Which {
    fn resolve(&self) -> Result<(Period, ReportScope)> {
        let Some(code) = &self.period else {
            bail!("--period is required (e.g. --period 2026-9m)");
        };
        let period = Period::parse(code, self.year)?;
        let scope = match (&self.office, self.all) {
            (_, true) => ReportScope::All,
            (Some(o), false) => ReportScope::Office(o.clone()),
            (None, false) => ReportScope::This,
        };
        Ok((period, scope))
    }
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub cmd: Option<ReportCmd>,
    /// List the forms (same as `hoso report list`)
    #[arg(long)]
    pub list: bool,
    /// The form's code (see `hoso report list`), e.g. KTDHVP-DV
    pub form: Option<String>,
    #[command(flatten)]
    pub which: Which,
    /// pdf, xlsx or json [default: json]
    #[arg(long, default_value = "json")]
    pub format: String,
    /// The file to write (must not exist); without it the JSON goes to stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The document's date on a PDF, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The document's number in the outgoing register (PDF)
    #[arg(long, value_name = "N")]
    pub number: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// The forms, with their unit of count; provisional ones are marked
    List,
    /// Lock a period's figures (chốt số liệu; committee leadership)
    Lock {
        form: String,
        #[command(flatten)]
        which: Which,
    },
    /// Renew a lock (chốt lại; committee leadership): the figures computed now, with a reason
    Relock {
        form: String,
        #[command(flatten)]
        which: Which,
        /// Why the locked figures are replaced
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// The locks this register holds; with --form and --period, which offices locked it
    Locks {
        /// The form's code (with --period: which offices locked it)
        #[arg(long, value_name = "FORM", requires = "period")]
        form: Option<String>,
        /// The period (with --form), e.g. 2026-9m
        #[arg(long, value_name = "PERIOD", requires = "form")]
        period: Option<String>,
        /// The year of a period given without one
        #[arg(long)]
        year: Option<i32>,
    },
}

fn print_error(e: PrintError) -> anyhow::Error {
    match e {
        PrintError::Core(core) => anyhow::Error::from(core),
        other => anyhow!(other),
    }
}

fn list(ctx: &mut Ctx) -> Result<()> {
    let json = ctx.json;
    let forms = ctx.register()?.report_form_list()?;
    if json {
        return util::print_json(&forms);
    }
    for f in forms {
        let mark = match (f.structure_only, f.provisional) {
            (true, _) => " [structure only]",
            (false, true) => " [provisional]",
            _ => "",
        };
        println!("{:<16} {} (ĐVT: {}){mark}", f.code, f.title, f.unit);
    }
    Ok(())
}

pub fn run(ctx: &mut Ctx, args: ReportArgs) -> Result<()> {
    let json = ctx.json;
    match args.cmd {
        Some(ReportCmd::List) => return list(ctx),
        Some(ReportCmd::Locks {
            form: Some(form),
            period: Some(period),
            year,
        }) => {
            let period = Period::parse(&period, year)?;
            let o = ctx.register()?.report_lock_overview(&form, &period)?;
            if json {
                return util::print_json(&o);
            }
            println!(
                "{} — {}: {} of {} locked.",
                o.form,
                o.period.label,
                o.locked,
                o.offices.len()
            );
            for r in &o.offices {
                let code = if r.office == "*" {
                    "(all)"
                } else {
                    r.office.as_str()
                };
                if r.locked {
                    let mut note = String::new();
                    if r.version > 1 {
                        note.push_str(&format!(
                            " [relocked {}×: {}]",
                            r.version - 1,
                            r.reason.as_deref().unwrap_or("")
                        ));
                    }
                    if !r.synced {
                        note.push_str(" [local lock]");
                    } else if !r.digest_ok {
                        note.push_str(" [DIGEST MISMATCH]");
                    }
                    println!(
                        "{code:<8} locked   {} by {}, total {}, digest {}{note}  {}",
                        r.locked_at.as_deref().unwrap_or(""),
                        r.locked_by.as_deref().unwrap_or(""),
                        r.total.map_or("-".to_string(), |t| t.to_string()),
                        r.digest.as_deref().map_or("-", |d| &d[..d.len().min(16)]),
                        r.name
                    );
                } else {
                    println!("{code:<8} not locked  {}", r.name);
                }
            }
            return Ok(());
        }
        Some(ReportCmd::Locks { .. }) => {
            let locks = ctx.register()?.report_locks()?;
            if json {
                return util::print_json(&locks);
            }
            if locks.is_empty() {
                println!("No locked period.");
            }
            for l in locks {
                println!(
                    "{:<16} {:<16} {:<4} locked {} by {}/{}{}",
                    l.form,
                    l.period,
                    l.scope,
                    l.locked_at,
                    l.office,
                    l.locked_by,
                    if l.version > 1 {
                        format!(" (version {})", l.version)
                    } else {
                        String::new()
                    }
                );
            }
            return Ok(());
        }
        Some(cmd @ (ReportCmd::Lock { .. } | ReportCmd::Relock { .. })) => {
            let r = match cmd {
                ReportCmd::Lock { form, which } => {
                    let (period, scope) = which.resolve()?;
                    ctx.register()?.lock_report(&form, &period, &scope)?
                }
                ReportCmd::Relock {
                    form,
                    which,
                    reason,
                } => {
                    let (period, scope) = which.resolve()?;
                    ctx.register()?
                        .relock_report(&form, &period, &scope, &reason)?
                }
                _ => unreachable!("matched above"),
            };
            if json {
                return util::print_json(&serde_json::json!({
                    "result": "locked", "form": r.form, "period": r.period.code,
                    "scope": r.scope.code, "lock": r.lock,
                }));
            }
            let lock = r.lock.as_ref().expect("a locked report");
            println!(
                "Locked {} for {} ({}){}; digest {}.",
                r.form,
                r.period.label,
                r.scope.name,
                if lock.version > 1 {
                    format!(", version {}", lock.version)
                } else {
                    String::new()
                },
                lock.digest
            );
            return Ok(());
        }
        None => {}
    }
    if args.list {
        return list(ctx);
    }
    let Some(form) = args.form else {
        bail!("name a form (see `hoso report list`) or use `hoso report list`");
    };
    let (period, scope) = args.which.resolve()?;
    let format: ReportFormat = util::code(&args.format)?;
    let opts = ReportPrintOptions {
        date: util::opt_date("date", args.date.as_deref())?,
        number: args.number.clone(),
    };
    let reg = ctx.register()?;
    let report = reg.report(&form, &period, &scope)?;
    match args.out {
        None => {
            if format != ReportFormat::Json {
                bail!("--out FILE is needed for {}", format.extension());
            }
            reg.audit_report_export(&report, "json")?;
            util::print_json(&report)
        }
        Some(out) => {
            refuse_existing(&out)?;
            let bytes =
                hoso_print::save_report(reg, &report, format, &opts, &out).map_err(print_error)?;
            if json {
                util::print_json(&serde_json::json!({
                    "result": "written", "file": out, "form": report.form,
                    "period": report.period.code, "scope": report.scope.code,
                    "format": format.extension(), "bytes": bytes,
                    "locked": report.lock.is_some(), "changed_since_lock": report.changed_since_lock,
                }))
            } else {
                println!(
                    "Wrote {} ({} — {}, {}).{}",
                    out.display(),
                    report.form,
                    report.period.label,
                    report.scope.name,
                    if report.changed_since_lock {
                        " Locked figures: cases changed since the lock."
                    } else if report.lock.is_some() {
                        " Locked figures."
                    } else {
                        ""
                    }
                );
                Ok(())
            }
        }
    }
}
