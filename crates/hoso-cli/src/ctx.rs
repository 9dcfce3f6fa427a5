//! What every command gets: the global options, secrets from the file / environment /
//! terminal, and the register opened lazily (a command that needs no register never asks for
//! a passphrase).
//!
//! For command modules:
//! - `ctx.register()? -> &mut Register` (opens the store as `--officer`, then the session)
//! - `ctx.store()? -> &mut Store` (key-level work only)
//! - `ctx.json` (print JSON to stdout), `ctx.print_json(&value)?`
//! - `ctx.officer()? -> &str`, `ctx.register_path`
//! - `ctx.new_passphrase(prompt)?` (HOSO_NEW_PASSPHRASE or the terminal, typed twice)
//! - `ctx.kdf_params()`: parameters for new key slots

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use hoso_core::Store;
use hoso_core::register::Register;
use hoso_crypto::KdfParams;
use zeroize::Zeroizing;

/// Passphrase for unlocking, for automation (documented in `--help`).
pub const PASSPHRASE_ENV: &str = "HOSO_PASSPHRASE";
/// New passphrase for `passwd`, `unlock` and `officer add`, for automation.
pub const NEW_PASSPHRASE_ENV: &str = "HOSO_NEW_PASSPHRASE";
/// The recovery key for `unlock --recovery-key`, for automation.
pub const RECOVERY_KEY_ENV: &str = "HOSO_RECOVERY_KEY";
/// Debug builds only: new key slots use cheap (still Argon2id) parameters, so test suites that
/// run hundreds of commands stay fast. Release builds ignore it.
pub const TEST_FAST_KDF_ENV: &str = "HOSO_TEST_FAST_KDF";

enum Opened {
    Closed,
    Store(Store),
    Register(Register),
}

pub struct Ctx {
    pub register_path: PathBuf,
    officer: Option<String>,
    passphrase_file: Option<PathBuf>,
    pub json: bool,
    opened: Opened,
}

impl Ctx {
    pub fn new(
        register: Option<PathBuf>,
        officer: Option<String>,
        passphrase_file: Option<PathBuf>,
        json: bool,
    ) -> Ctx {
        Ctx {
            register_path: register.unwrap_or_else(hoso_core::paths::default_register_path),
            officer,
            passphrase_file,
            json,
            opened: Opened::Closed,
        }
    }

    /// The `--officer` login; required by every command that unlocks the register.
    pub fn officer(&self) -> Result<&str> {
        self.officer
            .as_deref()
            .ok_or_else(|| anyhow!("no officer given: use --officer LOGIN (or HOSO_OFFICER)"))
    }

    /// The unlocking passphrase: `--passphrase-file`, else `$HOSO_PASSPHRASE`, else the terminal.
    pub fn passphrase(&self) -> Result<Zeroizing<String>> {
        if let Some(file) = &self.passphrase_file {
            let text = Zeroizing::new(
                std::fs::read_to_string(file)
                    .with_context(|| format!("reading passphrase file {}", file.display()))?,
            );
            // The first line, without its line end (files written by editors end with one).
            return Ok(Zeroizing::new(text.lines().next().unwrap_or("").to_owned()));
        }
        if let Some(p) = env_secret(PASSPHRASE_ENV)? {
            return Ok(p);
        }
        let who = self.officer.as_deref().unwrap_or("officer");
        prompt(&format!("Passphrase for {who}: "))
    }

    /// A passphrase being set for the first time (`init`): the same sources as `passphrase`,
    /// but typed twice at the terminal.
    pub fn first_passphrase(&self) -> Result<Zeroizing<String>> {
        if self.passphrase_file.is_some() || std::env::var_os(PASSPHRASE_ENV).is_some() {
            return self.passphrase();
        }
        prompt_twice("New passphrase: ")
    }

    /// A new passphrase: `$HOSO_NEW_PASSPHRASE`, else the terminal (typed twice).
    pub fn new_passphrase(&self, prompt_text: &str) -> Result<Zeroizing<String>> {
        if let Some(p) = env_secret(NEW_PASSPHRASE_ENV)? {
            return Ok(p);
        }
        prompt_twice(prompt_text)
    }

    /// Argon2id parameters for new key slots.
    pub fn kdf_params(&self) -> KdfParams {
        if cfg!(debug_assertions) && std::env::var_os(TEST_FAST_KDF_ENV).is_some() {
            hoso_core::store::FAST_KDF_FOR_TESTS
        } else {
            KdfParams::recommended()
        }
    }

    /// The store, opened with `--officer` and the passphrase on first use.
    pub fn store(&mut self) -> Result<&mut Store> {
        if let Opened::Closed = self.opened {
            let login = self.officer()?.to_owned();
            let passphrase = self.passphrase()?;
            let store = Store::open(&self.register_path, &login, &passphrase)?;
            self.opened = Opened::Store(store);
        }
        match &mut self.opened {
            Opened::Store(s) => Ok(s),
            Opened::Register(r) => Ok(r.store_mut()),
            Opened::Closed => unreachable!("opened above"),
        }
    }

    /// The register, as a session of `--officer` (whose role the core checks on every call).
    pub fn register(&mut self) -> Result<&mut Register> {
        if !matches!(self.opened, Opened::Register(_)) {
            self.store()?;
            let Opened::Store(store) = std::mem::replace(&mut self.opened, Opened::Closed) else {
                unreachable!("store() opened it")
            };
            let login = self.officer()?.to_owned();
            self.opened = Opened::Register(Register::session(store, &login)?);
        }
        match &mut self.opened {
            Opened::Register(r) => Ok(r),
            _ => unreachable!("set above"),
        }
    }

    /// Prints `value` as pretty JSON on stdout.
    pub fn print_json(&self, value: &impl serde::Serialize) -> Result<()> {
        println!("{}", serde_json::to_string_pretty(value)?);
        Ok(())
    }
}

fn env_secret(name: &str) -> Result<Option<Zeroizing<String>>> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(Zeroizing::new(v))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{name} is not valid UTF-8"),
    }
}

/// Reads a secret from the terminal without echo.
pub fn prompt(text: &str) -> Result<Zeroizing<String>> {
    rpassword::prompt_password(text).map(Zeroizing::new).map_err(|e| {
        anyhow!(
            "cannot read from the terminal ({e}); give the passphrase with --passphrase-file or \
             {PASSPHRASE_ENV} (or {NEW_PASSPHRASE_ENV} for a new one)"
        )
    })
}

fn prompt_twice(text: &str) -> Result<Zeroizing<String>> {
    let first = prompt(text)?;
    let again = prompt("Type it again: ")?;
    if *first != *again {
        bail!("the two passphrases differ; nothing was changed");
    }
    Ok(first)
}
