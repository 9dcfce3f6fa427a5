//! `hoso init`: creates the register, its key file and first officer, and prints the recovery
//! key once (helper A).

use anyhow::{Result, bail};
use clap::Args;
use hoso_core::Store;
use hoso_core::register::{InitParams, Register};
use hoso_core::store::key_file_path;
use hoso_crypto::RecoveryKey;

use crate::ctx::Ctx;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Code of this office (HN, QTR, TW for the central office)
    #[arg(long, value_name = "CODE")]
    pub office: String,
    /// Full name of this office's inspection committee
    #[arg(long, value_name = "NAME")]
    pub office_name: String,
    /// Full name of the first officer (the administrator, whose login is --officer)
    #[arg(long, value_name = "NAME")]
    pub officer_name: String,
    /// This register belongs to the central office
    #[arg(long)]
    pub central: bool,
    /// Also write this office's enrolment request (its public keys) to FILE, for the central
    /// office's `hoso office certify`
    #[arg(long, value_name = "FILE")]
    pub enroll_out: Option<std::path::PathBuf>,
}

pub fn run(ctx: &mut Ctx, args: InitArgs) -> Result<()> {
    let login = ctx.officer()?.to_owned();
    let path = ctx.register_path.clone();
    if path.exists() {
        bail!("{} already exists; nothing was changed", path.display());
    }
    if let Some(out) = &args.enroll_out {
        super::key::refuse_existing(out)?;
    }
    let passphrase = ctx.first_passphrase()?;
    let (store, recovery) = Store::create(&path, &login, &passphrase, &ctx.kdf_params())?;
    let params = InitParams {
        office_code: args.office,
        office_name: args.office_name.into(),
        officer_login: login.clone(),
        officer_name: args.officer_name.into(),
        central: args.central,
    };
    let register = match Register::initialise(store, params) {
        Ok(r) => r,
        Err(e) => {
            // Bad input (an invalid office code...) must leave nothing behind: the files were
            // created a moment ago by this command, and the store is closed by now.
            remove_new_register(&path);
            return Err(e.into());
        }
    };
    let office = register.session_info().office.clone();
    if let Some(out) = &args.enroll_out {
        // The register exists by now: say so if only the request could not be written.
        super::key::write_enrolment(&register, out).map_err(|e| {
            e.context(format!(
                "the register was created, but the enrolment request could not be written to {}",
                out.display()
            ))
        })?;
    }
    drop(register);

    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "register": path,
            "key_file": key_file_path(&path),
            "office": office,
            "officer": login,
            "recovery_key": recovery.to_grouped().as_str(),
        }))?;
    } else {
        println!("Created the register of {office} at {}", path.display());
        println!("Key file: {}", key_file_path(&path).display());
        println!("Administrator: {login}");
        print_recovery_key(&recovery);
    }
    Ok(())
}

fn remove_new_register(path: &std::path::Path) {
    let mut files = vec![path.to_owned(), key_file_path(path)];
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        files.push(p.into());
    }
    for f in files {
        let _ = std::fs::remove_file(f);
    }
}

/// The recovery key in four lines of groups, with the warning it deserves.
fn print_recovery_key(recovery: &RecoveryKey) {
    let grouped = recovery.to_grouped();
    let groups: Vec<&str> = grouped.split('-').collect();
    println!();
    println!("RECOVERY KEY - shown only this once. Write it down and keep it locked away.");
    println!("It opens the register without any passphrase (hoso unlock --recovery-key), and in");
    println!("any SQLCipher 4 tool with PRAGMA key = \"x'<first 64 digits>'\". Anyone holding it");
    println!("can read every case; without it, a lost key file or forgotten passphrase loses the");
    println!("register. The last group is a checksum.");
    println!();
    for line in groups.chunks(6) {
        println!("    {}", line.join("-"));
    }
    println!();
}
