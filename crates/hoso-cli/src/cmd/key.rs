//! `hoso key show|fingerprint|export-age-identity` (helper G): this office's public keys, the
//! root fingerprint to read out at enrolment, and the emergency export of the age identity.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Duration, Utc};
use clap::Subcommand;
use hoso_core::trust::SignedEnrolment;
use hoso_core::trust::cert::MAX_TRUST_FILE;

use super::util::{Register, opt_date, print_json};
use crate::ctx::Ctx;

#[derive(Subcommand, Debug)]
pub enum KeyCmd {
    /// This office's minisign public key line, age recipient and the root fingerprint
    Show,
    /// The root key's fingerprint, to read out to (or compare with) the central office
    Fingerprint,
    /// Write this office's age identity to FILE (mode 0600), to open its bundles with
    /// `age -d -i FILE` in an emergency. Administrators only; audited
    ExportAgeIdentity {
        /// The file to create (never overwritten)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub fn run(ctx: &mut Ctx, cmd: KeyCmd) -> Result<()> {
    let json = ctx.json;
    let reg = ctx.register()?;
    match cmd {
        KeyCmd::Show => {
            let k = reg.key_info()?;
            if json {
                ctx.print_json(&k)
            } else {
                println!("Office:          {}", k.office);
                println!(
                    "Signing key:     {}  (minisign key id {})",
                    k.signing_key, k.key_id
                );
                println!("Key fingerprint: {}", k.key_fingerprint);
                println!("Age recipient:   {}", k.age_recipient);
                match &k.root_fingerprint {
                    Some(f) => println!("Root fingerprint: {f}"),
                    None => println!("Root fingerprint: not known yet (import the set-up bundle)"),
                }
                if k.holds_root {
                    println!("This register holds the root key (central office).");
                }
                Ok(())
            }
        }
        KeyCmd::Fingerprint => {
            let f = reg.root_fingerprint()?;
            if json {
                ctx.print_json(&serde_json::json!({ "root_fingerprint": f }))
            } else {
                println!("{f}");
                Ok(())
            }
        }
        KeyCmd::ExportAgeIdentity { out } => {
            // Create the file first (refusing to overwrite) so that the audit entry is only
            // written for an export that can happen; remove it if the export is refused.
            let mut file = create_private(&out)?;
            let text = match reg.export_age_identity(&out.display().to_string()) {
                Ok(t) => t,
                Err(e) => {
                    drop(file);
                    let _ = std::fs::remove_file(&out);
                    return Err(e.into());
                }
            };
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", out.display()))?;
            if json {
                ctx.print_json(
                    &serde_json::json!({ "result": "age-identity-exported", "file": out }),
                )
            } else {
                println!(
                    "Wrote the age identity to {} (keep it locked away: it opens every bundle sent to this office).",
                    out.display()
                );
                Ok(())
            }
        }
    }
}

/// A new file readable only by its owner; an existing file is an error.
fn create_private(path: &Path) -> Result<std::fs::File> {
    create_new(path, true)
}

/// Refuses early (before any work) when `path` exists: these commands never overwrite.
pub fn refuse_existing(path: &Path) -> Result<()> {
    if path.exists() {
        bail!("{} already exists; nothing was changed", path.display());
    }
    Ok(())
}

/// Writes `text` to a new file (never overwriting one).
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    let mut f = create_new(path, false)?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

/// `hoso init --enroll-out FILE`: this office's enrolment request for the central office.
pub fn write_enrolment(reg: &Register, out: &Path) -> Result<()> {
    let req = reg.enrolment_request()?;
    write_new(out, &req.to_json())
}

/// `hoso office certify REQUEST --out SETUP.hoso`, on the central office: certifies the office,
/// then writes a full bundle for it (the set-up bundle, carrying the root key and the roster)
/// and prints the root fingerprint to read out to the office.
pub fn certify(
    reg: &mut Register,
    json: bool,
    request: &Path,
    out: &Path,
    valid_until: Option<&str>,
    options: hoso_core::trust::CertifyOptions,
) -> Result<()> {
    refuse_existing(out)?;
    let text = read_small(request)?;
    let req = SignedEnrolment::from_json(&text)?;
    let now = Utc::now();
    let until = match valid_until {
        // The last day counts: valid until the start of the next one.
        Some(d) => opt_date("valid-until", Some(d))?
            .expect("given")
            .succ_opt()
            .context("--valid-until is out of range")?
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc(),
        None => now + Duration::days(DEFAULT_VALIDITY_DAYS),
    };
    let cert = reg.certify_opts(&req, now, until, options)?;
    let c = &cert.certificate;
    let key = req.key()?;
    let key_fingerprint = hoso_core::trust::fingerprint(&key);
    let bundle = super::bundle::export_to_file(reg, std::slice::from_ref(&c.office), true, out)
        .map_err(|e| {
            e.context(format!(
                "office {} was certified, but its set-up bundle could not be written (run `hoso bundle export --to {} --full --out FILE`)",
                c.office, c.office
            ))
        })?;
    let fingerprint = reg.root_fingerprint()?;
    if json {
        print_json(&serde_json::json!({
            "result": "certified",
            "office": c.office,
            "signing_key": c.signing_key,
            "key_id": key.key_id().to_string(),
            "key_fingerprint": key_fingerprint,
            "countersigned": req.countersignature.is_some(),
            "age_recipient": c.age_recipient,
            "valid_from": c.valid_from,
            "valid_until": c.valid_until,
            "certificate": cert,
            "file": out,
            "bundle": bundle,
            "root_fingerprint": fingerprint,
        }))
    } else {
        println!(
            "Certified office {} ({}) until {}",
            c.office,
            c.name,
            c.valid_until.date_naive().format("%d/%m/%Y")
        );
        println!(
            "Key {} of office {}, fingerprint: {key_fingerprint}",
            key.key_id(),
            c.office
        );
        println!(
            "    (confirm it by phone: the office reads it from `hoso key show`{})",
            if req.countersignature.is_some() {
                "; countersigned by its previous key"
            } else {
                ""
            }
        );
        println!(
            "Set-up bundle {} written to {} ({} operations)",
            bundle.bundle_id,
            out.display(),
            bundle.operations
        );
        println!("Read this root fingerprint out to office {}:", c.office);
        println!("    {fingerprint}");
        println!(
            "They import with: hoso bundle import {} --trust-root \"{fingerprint}\"",
            out.file_name().unwrap_or(out.as_os_str()).to_string_lossy()
        );
        Ok(())
    }
}

/// Default validity of a certificate: two years (then the office is re-certified).
const DEFAULT_VALIDITY_DAYS: i64 = 730;

fn read_small(path: &Path) -> Result<String> {
    let len = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if len > MAX_TRUST_FILE as u64 {
        bail!("{} is too large to be an enrolment request", path.display());
    }
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn create_new(path: &Path, private: bool) -> Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    opts.open(path).with_context(|| {
        if path.exists() {
            format!("{} already exists; nothing was written", path.display())
        } else {
            format!("creating {}", path.display())
        }
    })
}
