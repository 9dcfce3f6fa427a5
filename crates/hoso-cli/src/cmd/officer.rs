//! `hoso officer add|list|role|deactivate|relate|relations` (helper A: key slots; the officer record is the domain's,
//! `Register::add_officer`).

use anyhow::{Result, bail};
use clap::Subcommand;
use hoso_core::Text;
use hoso_core::access::Role;
use hoso_core::register::{Relation, Relations};
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
    /// Change an officer's role (administrators; not their own)
    Role {
        login: String,
        /// administrator | committee-leader | inspector | letters-clerk | viewer
        role: String,
    },
    /// Deactivate an officer: they no longer sign in or join a team (administrators)
    Deactivate { login: String },
    /// Declare that an officer is related to a subject or to a case's denouncer: they cannot
    /// be on that case's team
    Relate {
        login: String,
        /// Subject id
        #[arg(
            long,
            conflicts_with = "denouncer_of",
            required_unless_present = "denouncer_of"
        )]
        subject: Option<String>,
        /// The case (id or number) whose denouncer the officer is related to
        #[arg(long)]
        denouncer_of: Option<String>,
    },
    /// The relations an officer declared
    Relations { login: String },
}

#[derive(Serialize)]
struct OfficerRow {
    login: String,
    name: Text,
    role: String,
    has_key: bool,
    active: bool,
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
                    active: o.active,
                    login: o.login,
                    name: o.name,
                    role: o.role,
                })
                .collect();
            if ctx.json {
                return ctx.print_json(&rows);
            }
            for r in rows {
                let key = if !r.active {
                    "  (deactivated)"
                } else if r.has_key {
                    ""
                } else {
                    "  (no key: cannot unlock)"
                };
                println!("{}\t{}\t{}{key}", r.login, r.role, r.name);
            }
            Ok(())
        }
        OfficerCmd::Role { login, role } => {
            let role: Role = role.parse()?;
            let o = ctx.register()?.set_officer_role(&login, role)?;
            if ctx.json {
                return ctx.print_json(&o);
            }
            println!("{}\t{}\t{}", o.login, o.role, o.name);
            Ok(())
        }
        OfficerCmd::Deactivate { login } => {
            let o = ctx.register()?.deactivate_officer(&login)?;
            if ctx.json {
                return ctx.print_json(&o);
            }
            println!("{} deactivated", o.login);
            Ok(())
        }
        OfficerCmd::Relate {
            login,
            subject,
            denouncer_of,
        } => {
            let relation = match (subject, denouncer_of) {
                (Some(s), None) => Relation::Subject(s),
                (None, Some(c)) => Relation::Denouncer(c),
                _ => bail!("give --subject or --denouncer-of"),
            };
            let r = ctx.register()?.declare_relation(&login, relation)?;
            print_relations(ctx, &login, &r)
        }
        OfficerCmd::Relations { login } => {
            let r = ctx.register()?.officer_relations(&login)?;
            print_relations(ctx, &login, &r)
        }
    }
}

fn print_relations(ctx: &mut Ctx, login: &str, r: &Relations) -> Result<()> {
    if ctx.json {
        return ctx.print_json(r);
    }
    for s in &r.subjects {
        println!("{}\trelated to subject {s}", login.trim());
    }
    for c in &r.denouncers {
        println!("{}\trelated to the denouncer of case {c}", login.trim());
    }
    Ok(())
}
