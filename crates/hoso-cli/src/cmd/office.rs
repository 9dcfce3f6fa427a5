//! `hoso office add|list` (helper D), `certify|revoke|rotate-key` (trust).

use clap::Subcommand;
use hoso_core::model::OfficeKind;
use hoso_core::register::NewOffice;
use hoso_core::trust::rotate::KeyRotation;

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
    /// Central office: certify an office from its enrolment request (`hoso init --enroll-out`
    /// or `hoso office rotate-key`), write its set-up bundle and print the root fingerprint and
    /// the office's key fingerprint (confirm it with the office by phone)
    Certify {
        /// The enrolment request file
        request: std::path::PathBuf,
        /// The set-up bundle to write for the office (never overwritten)
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// Last day of validity, YYYY-MM-DD [default: two years from now]
        #[arg(long, value_name = "DATE")]
        valid_until: Option<String>,
        /// Replace the key of an office that already holds a valid one (a rotation request
        /// countersigned by that key), once its fingerprint was confirmed with the office
        #[arg(long)]
        replace_key: bool,
        /// Certify a code that names a closed office (merged into another since); without it
        /// such a code is refused
        #[arg(long)]
        closed_office: bool,
    },
    /// Central office: revoke an office's keys (all of them not revoked yet, or one with
    /// --key). Bundles they sign, and changes they sign dated after now, are refused from now
    /// on; a revoked key never becomes valid again, certifying the office again adds a new key
    Revoke {
        code: String,
        #[arg(long, default_value = "")]
        reason: String,
        /// Revoke only this key (its key id, as `hoso key show` prints it)
        #[arg(long, value_name = "KEY_ID")]
        key: Option<String>,
    },
    /// Replace this office's signing key. A province writes an enrolment request for the new
    /// key (--enroll-out) to certify at the central office and keeps signing with the old key
    /// until the certificate comes back in a bundle; the central office switches at once
    RotateKey {
        /// Where to write the enrolment request (provinces; never overwritten)
        #[arg(long, value_name = "FILE")]
        enroll_out: Option<std::path::PathBuf>,
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
            replace_key,
            closed_office,
        } => super::key::certify(
            reg,
            json,
            &request,
            &out,
            valid_until.as_deref(),
            hoso_core::trust::CertifyOptions {
                replace_key,
                closed_office,
            },
        ),
        OfficeCmd::Revoke {
            code: c,
            reason,
            key,
        } => {
            let (roster, revoked) = reg.revoke_keys(&c, key.as_deref(), &reason)?;
            let key_ids: Vec<String> = revoked.iter().filter_map(|r| r.key_id()).collect();
            if json {
                print_json(&serde_json::json!({
                    "result": "revoked",
                    "revocations": revoked,
                    "key_ids": key_ids,
                    "roster_serial": roster.serial,
                }))
            } else {
                println!(
                    "Revoked key {} of office {}; the new roster (serial {}) travels with the next bundles.",
                    key_ids.join(", "),
                    revoked
                        .first()
                        .map(|r| r.office.as_str())
                        .unwrap_or(c.as_str()),
                    roster.serial
                );
                println!(
                    "Changes these keys signed until now keep flowing; a new key for the office is certified with `hoso office certify`."
                );
                Ok(())
            }
        }
        OfficeCmd::RotateKey { enroll_out } => rotate_key(reg, json, enroll_out.as_deref()),
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

fn rotate_key(reg: &mut Register, json: bool, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    if let Some(out) = out {
        super::key::refuse_existing(out)?;
    }
    if !reg.key_info()?.holds_root && out.is_none() {
        anyhow::bail!(
            "give --enroll-out FILE: the new key's enrolment request goes to the central office; nothing was changed"
        );
    }
    match reg.rotate_signing_key()? {
        KeyRotation::Active { key_id, .. } => {
            if json {
                print_json(&serde_json::json!({ "result": "active", "key_id": key_id }))
            } else {
                println!(
                    "New signing key {key_id} certified and in use; the new roster travels with the next bundles."
                );
                Ok(())
            }
        }
        KeyRotation::Pending { key_id, request } => {
            let out = out.expect("checked above");
            super::key::write_new(out, &request.to_json()).map_err(|e| {
                e.context("the new key was created, but its request could not be written; run rotate-key again")
            })?;
            if json {
                print_json(&serde_json::json!({
                    "result": "pending", "key_id": key_id, "request": out,
                }))
            } else {
                println!(
                    "New signing key {key_id} created; request written to {}.",
                    out.display()
                );
                println!(
                    "Have the central office run `hoso office certify` on it; this office keeps signing with its current key until the bundle carrying the certificate is imported."
                );
                Ok(())
            }
        }
    }
}
