//! `hoso passwd` and `hoso unlock --recovery-key` (helper A).

use anyhow::{Context, Result, bail};
use clap::Args;
use hoso_core::Store;
use hoso_core::register::Register;
use hoso_crypto::RecoveryKey;

use crate::ctx::{self, Ctx, RECOVERY_KEY_ENV};

/// Changes the passphrase of --officer (asks for the current one first).
pub fn passwd(ctx: &mut Ctx) -> Result<()> {
    let login = ctx.officer()?.to_owned();
    ctx.store()?;
    let new = ctx.new_passphrase(&format!("New passphrase for {login}: "))?;
    ctx.store()?.set_passphrase(&login, &new)?;
    report(ctx, "passphrase-changed", &login)
}

#[derive(Args, Debug)]
pub struct UnlockArgs {
    /// Use the recovery key printed by `hoso init` (from the terminal, or HOSO_RECOVERY_KEY) to
    /// set a new passphrase for --officer (from HOSO_NEW_PASSPHRASE or the terminal)
    #[arg(long, required = true)]
    pub recovery_key: bool,
}

pub fn unlock(ctx: &mut Ctx, _args: UnlockArgs) -> Result<()> {
    let login = ctx.officer()?.trim().to_owned();
    let typed = match std::env::var(RECOVERY_KEY_ENV) {
        Ok(v) => zeroize::Zeroizing::new(v),
        Err(_) => ctx::prompt("Recovery key: ")?,
    };
    let recovery: RecoveryKey = typed.parse().context("reading the recovery key")?;
    let store = Store::open_with_recovery_key(&ctx.register_path, &recovery)?;
    let has_slot = store.key_slot_logins()?.contains(&login);
    // Only an officer the register knows may get a key slot (their role decides what they
    // can do once in); Register::session checks that and gives the store back.
    let store = Register::session(store, &login)
        .with_context(|| format!("{login} is not an officer of this register"))?
        .into_store();
    let new = ctx.new_passphrase(&format!("New passphrase for {login}: "))?;
    if has_slot {
        store.set_passphrase(&login, &new)?;
    } else {
        store.add_key_slot(&login, &new, &ctx.kdf_params())?;
    }
    report(ctx, "passphrase-reset", &login)
}

fn report(ctx: &Ctx, what: &str, login: &str) -> Result<()> {
    if ctx.json {
        ctx.print_json(&serde_json::json!({ "result": what, "officer": login }))
    } else {
        match what {
            "passphrase-changed" => println!("Passphrase of {login} changed."),
            "passphrase-reset" => println!("Passphrase of {login} reset with the recovery key."),
            _ => bail!("unknown report {what}"),
        }
        Ok(())
    }
}
