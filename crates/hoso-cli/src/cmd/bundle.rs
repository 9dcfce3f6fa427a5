//! `hoso bundle export|verify|import`: signed, encrypted sync bundles carried between offices.
//!
//! Bundle files are written next to their destination under a temporary name, synced to disk,
//! then renamed into place without ever replacing an existing file: a half-written bundle never
//! carries the final name (a stick pulled out too early leaves no bundle that looks complete).

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Local};
use clap::Subcommand;
use hoso_core::sync::{ExportReport, ImportOutcome, ImportReport};

use super::util::{Register, print_json};
use crate::ctx::Ctx;

#[derive(Subcommand, Debug)]
pub enum BundleCmd {
    /// Write what the recipients do not have yet (everything in their scope with --full)
    Export {
        /// Recipient office codes, comma-separated (HN or HN,QTR)
        #[arg(
            long,
            value_name = "CODE[,CODE…]",
            value_delimiter = ',',
            required = true
        )]
        to: Vec<String>,
        /// The bundle file to write (never overwritten)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Everything in the recipients' scope, not only what they have not acknowledged
        #[arg(long)]
        full: bool,
    },
    /// Check a bundle completely (signatures, trust, decryption, every change) and say what
    /// importing it would do; changes nothing
    Verify { file: PathBuf },
    /// Import a bundle in one transaction (all of it or nothing)
    Import {
        file: PathBuf,
        /// Check and show what would change, then change nothing
        #[arg(long)]
        dry_run: bool,
        /// The central office's root fingerprint, read out by it (only for the set-up bundle)
        #[arg(long, value_name = "FINGERPRINT")]
        trust_root: Option<String>,
    },
}

pub fn run(ctx: &mut Ctx, cmd: BundleCmd) -> Result<()> {
    let json = ctx.json;
    if let BundleCmd::Export { out, .. } = &cmd {
        // Before asking for a passphrase or doing any work.
        super::key::refuse_existing(out)?;
    }
    let reg = ctx.register()?;
    match cmd {
        BundleCmd::Export { to, out, full } => {
            let report = export_to_file(reg, &to, full, &out)?;
            if json {
                print_json(&report)
            } else {
                print_export(&report, &out);
                Ok(())
            }
        }
        BundleCmd::Verify { file } => {
            let report = reg.verify_bundle(&file)?;
            if json {
                print_json(&report)
            } else {
                print_import(&report, true);
                Ok(())
            }
        }
        BundleCmd::Import {
            file,
            dry_run,
            trust_root,
        } => {
            let report = reg.import_bundle(&file, dry_run, trust_root.as_deref(), &mut |_| {})?;
            if json {
                print_json(&report)
            } else {
                print_import(&report, false);
                // This import showed the register was restored from a copy (or replaced).
                if !dry_run && let Some(r) = reg.sync_recovery()? {
                    println!();
                    super::sync::print_recovery(&r);
                }
                Ok(())
            }
        }
    }
}

/// Exports a bundle for `to` into the new file `out` (temporary file, fsync, rename).
pub fn export_to_file(
    reg: &mut Register,
    to: &[String],
    full: bool,
    out: &Path,
) -> Result<ExportReport> {
    Ok(reg.export_bundle_to_file(to, full, out, &mut |_| {})?)
}

/// `dd/mm/yyyy hh:mm` in local time (RFC 3339 text as the core stores it).
pub fn local_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&Local).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn print_export(r: &ExportReport, out: &Path) {
    println!(
        "Wrote bundle {} to {}{}",
        r.bundle_id,
        out.display(),
        if r.full { " (full)" } else { "" }
    );
    println!(
        "From {} to {}, sequence {}",
        r.sender,
        r.recipients.join(", "),
        r.sequence
    );
    println!(
        "Operations: {} in {} segments; attachments: {}",
        r.operations, r.segments, r.attachments
    );
    println!("Import it before {}", local_time(&r.expires));
    if !r.skipped.is_empty() {
        println!(
            "Left out of this bundle (could not be exported: {}; everything else is in it):",
            r.skipped.len()
        );
        for s in &r.skipped {
            println!("  changes of {} on {}: {}", s.office, s.unit, s.reason);
        }
    }
}

/// The warning for offices whose changes are dated far beyond this workstation's clock.
/// `via`: the peer that brought them, when it is not the office itself.
pub fn print_clock_ahead(warnings: &[hoso_core::sync::ClockWarning], via: Option<&str>) {
    for w in warnings {
        let brought = match via {
            Some(v) if v != w.office => format!(" (brought by {v})"),
            _ => String::new(),
        };
        println!(
            "Clock ahead: changes of {}{brought} are dated up to {}, beyond this workstation's \
             clock; until then they win every concurrent edit. Ask {} to check its clock.",
            w.office,
            local_time(&w.furthest),
            w.office
        );
    }
}

fn outcome_words(o: &ImportOutcome) -> &'static str {
    match o {
        ImportOutcome::Imported => "imported",
        ImportOutcome::Preview => "preview (nothing changed)",
        ImportOutcome::AlreadyImported => "already imported (nothing changed)",
        ImportOutcome::Superseded => "older than one already imported (nothing changed)",
    }
}

fn print_import(r: &ImportReport, verify: bool) {
    println!(
        "Bundle {} from {}, sequence {}, written {}",
        r.bundle_id,
        r.sender,
        r.sequence,
        local_time(&r.created)
    );
    if verify {
        println!("Verified: signatures, trust, decryption and every change check out.");
    }
    println!("Outcome: {}", outcome_words(&r.outcome));
    if matches!(
        r.outcome,
        ImportOutcome::AlreadyImported | ImportOutcome::Superseded
    ) {
        return;
    }
    let would = if matches!(r.outcome, ImportOutcome::Preview) {
        "would be "
    } else {
        ""
    };
    println!("Changes ({would}applied):");
    println!(
        "  cases:     {} new, {} updated",
        r.cases_new, r.cases_updated
    );
    println!(
        "  plans:     {} new, {} updated",
        r.plans_new, r.plans_updated
    );
    println!(
        "  subjects:  {} new, {} updated",
        r.subjects_new, r.subjects_updated
    );
    println!("  documents: {} new", r.documents_new);
    println!(
        "  operations: {} new, {} already known",
        r.new_operations, r.known_operations
    );
    println!("  conflicts: {}", r.conflicts.len());
    for c in &r.conflicts {
        println!("    {c}");
    }
    if r.text_normalised > 0 {
        println!(
            "  {} text values arrived decomposed and are shown normalised",
            r.text_normalised
        );
    }
    if r.without_effect > 0 {
        println!(
            "  {} changes kept without effect: their office had no authority for them (hoso sync without-effect)",
            r.without_effect
        );
    }
    print_clock_ahead(&r.clock_ahead, None);
    if r.roster_updated {
        println!("The roster of certified offices was updated.");
    }
    if r.trust_root_set {
        println!("This office now trusts the central office's root key.");
    }
}
