//! `hoso demo --out PATH` (helper R): a new register full of realistic Vietnamese demo data.
//! Officer `demo`, passphrase `demo`; `--register` and the passphrase options are not used.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use hoso_core::store::key_file_path;
use hoso_demo::DemoOptions;

use crate::ctx::Ctx;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where to create the demo register (must not exist)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Seed: the same seed gives the same data
    #[arg(long, default_value_t = DemoOptions::default().seed)]
    pub seed: u64,
    #[arg(long, default_value_t = DemoOptions::default().subjects)]
    pub subjects: usize,
    #[arg(long, default_value_t = DemoOptions::default().cases)]
    pub cases: usize,
}

pub fn run(ctx: &mut Ctx, args: DemoArgs) -> Result<()> {
    if args.out.exists() || key_file_path(&args.out).exists() {
        bail!("{} already exists; nothing was changed", args.out.display());
    }
    if args.subjects < 5 {
        bail!("--subjects must be at least 5 (got {})", args.subjects);
    }
    let opts = DemoOptions {
        seed: args.seed,
        subjects: args.subjects,
        cases: args.cases,
    };
    let (summary, recovery) = match hoso_demo::create_demo(&args.out, &opts, &ctx.kdf_params()) {
        Ok((_register, recovery, summary)) => (summary, recovery),
        Err(e) => {
            // A half-made demo is useless: leave nothing behind.
            let mut files = vec![args.out.clone(), key_file_path(&args.out)];
            for suffix in ["-wal", "-shm"] {
                let mut p = args.out.as_os_str().to_owned();
                p.push(suffix);
                files.push(p.into());
            }
            for f in files {
                let _ = std::fs::remove_file(f);
            }
            return Err(e.into());
        }
    };
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "register": args.out,
            "officer": hoso_demo::DEMO_LOGIN,
            "passphrase": hoso_demo::DEMO_PASSPHRASE,
            // Demo data only: printed so the file can be opened in any SQLCipher 4 tool.
            "recovery_key": recovery.to_grouped().as_str(),
            "summary": summary,
        }))
    } else {
        println!("Created the demo register {}", args.out.display());
        println!(
            "Officer: {}   Passphrase: {}",
            hoso_demo::DEMO_LOGIN,
            hoso_demo::DEMO_PASSPHRASE
        );
        println!(
            "{} offices, {} officers, {} subjects, {} cases ({} overdue), {} discipline decisions, \
             {} plans with {} items, {} overlap(s), {} omission(s)",
            summary.offices,
            summary.officers,
            summary.subjects,
            summary.cases,
            summary.overdue,
            summary.decisions,
            summary.plans,
            summary.plan_items,
            summary.overlaps,
            summary.omissions
        );
        println!(
            "{} provinces enrolled with bundles exchanged (see: hoso sync status)",
            summary.sync_peers
        );
        println!(
            "Recovery key (demo data only): {}",
            recovery.to_grouped().as_str()
        );
        Ok(())
    }
}
