//! `hoso backup --out DIR` and `hoso restore BACKUP`: a consistent, still encrypted copy of the
//! register and its key file into a new folder inside DIR, and the register replaced by such a
//! copy (the current one is kept aside). Administrators only (the core checks).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::util::print_json;
use crate::ctx::Ctx;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The folder (e.g. a USB stick) in which the backup folder
    /// HoSo_saoluu_<office>_<date>_<time> is created
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup folder (HoSo_saoluu_…) written by `hoso backup`
    #[arg(value_name = "BACKUP")]
    pub backup: PathBuf,
    /// Confirm that the register is replaced by the backup (what was written since is lost
    /// here; the current register is kept aside as <register>.truoc-khoi-phuc-<time>)
    #[arg(long)]
    pub yes: bool,
}

pub fn backup(ctx: &mut Ctx, args: BackupArgs) -> Result<()> {
    let json = ctx.json;
    let reg = ctx.register()?;
    let report = reg.backup_to(&args.out, &mut |_| {})?;
    if json {
        return print_json(&report);
    }
    println!(
        "Backup of office {} written to {} ({} bytes)",
        report.info.office, report.folder, report.info.bytes
    );
    Ok(())
}

pub fn restore(ctx: &mut Ctx, args: RestoreArgs) -> Result<()> {
    let info = hoso_core::backup::read_backup(&args.backup)?;
    if !args.yes {
        anyhow::bail!(
            "restoring replaces the register {} with the backup of office {} made {} by {}; \
             what was written since is lost here. Run again with --yes to confirm",
            ctx.register_path.display(),
            info.office,
            info.created,
            info.by
        );
    }
    let login = ctx.officer()?.to_string();
    let passphrase = ctx.passphrase()?;
    let report =
        hoso_core::backup::restore_backup(&ctx.register_path, &args.backup, &login, &passphrase)?;
    if ctx.json {
        return print_json(&report);
    }
    println!(
        "Register restored from the backup of {} made {}",
        report.info.office, report.info.created
    );
    if let Some(aside) = report.set_aside {
        println!("The register it replaced is kept as {aside}");
    }
    Ok(())
}
