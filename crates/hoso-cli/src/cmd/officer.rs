//! `hoso officer add|list` (helper A: key slots; the officer record is the domain's,
//! `Register::add_officer`).

use anyhow::{Result, bail};
use clap::Subcommand;
use hoso_core::Text;
use hoso_core::access::Role;
use serde::Serialize;

use crate::ctx::Ctx;

#[derive(Subcommand, Debug)]
pub enum OfficerCmd {
    /// Add an officer of this office and their key slot (administrators only). The new
    /// officer's passphrase comes from HOSO_NEW_PASSPHRASE or the terminal.
    Add {
        /// Login: letters, digits, '.', '_' or '-'
        login: String,
        /// Full name
        #[arg(long)]
        name: String,
        /// administrator | committee-leader | inspector | letters-clerk | viewer
        #[arg(long)]
        role: String,
    },
    /// List the officers of this office and whether each can unlock the register
    List,
}

#[derive(Serialize)]
struct OfficerRow {
    login: String,
    name: Text,
    role: String,
    has_key: bool,
}

pub fn run(ctx: &mut Ctx, cmd: OfficerCmd) -> Result<()> {
    match cmd {
        OfficerCmd::Add { login, name, role } => {
            let role: Role = role.parse()?;
            let params = ctx.kdf_params();
            let reg = ctx.register()?;
            // Check everything that could fail before the first write.
            if reg
                .store()
                .key_slot_logins()?
                .iter()
                .any(|l| l.as_str() == login.trim())
            {
                bail!(
                    "{} already has a key slot; nothing was changed",
                    login.trim()
                );
            }
            let new = ctx.new_passphrase(&format!("Passphrase for the new officer {login}: "))?;
            let reg = ctx.register()?;
            let officer = reg.add_officer(&login, &Text::new(&name), role)?;
            reg.store()
                .add_key_slot(&officer.login, &new, &params)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "officer {} was added but their key slot could not be written ({e}); \
                     run `hoso unlock --recovery-key --officer {}` to give them one",
                        officer.login,
                        officer.login
                    )
                })?;
            if ctx.json {
                ctx.print_json(&officer)
            } else {
                println!("{}", officer.login);
                Ok(())
            }
        }
        OfficerCmd::List => {
            let reg = ctx.register()?;
            let keys = reg.store().key_slot_logins()?;
            let rows: Vec<OfficerRow> = reg
                .list_officers()?
                .into_iter()
                .map(|o| OfficerRow {
                    has_key: keys.contains(&o.login),
                    login: o.login,
                    name: o.name,
                    role: o.role,
                })
                .collect();
            if ctx.json {
                return ctx.print_json(&rows);
            }
            for r in rows {
                let key = if r.has_key {
                    ""
                } else {
                    "  (no key: cannot unlock)"
                };
                println!("{}\t{}\t{}{key}", r.login, r.role, r.name);
            }
            Ok(())
        }
    }
}
