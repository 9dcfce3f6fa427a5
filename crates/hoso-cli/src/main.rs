//! `hoso`: the HoSo register from the command line: everything the app does, headless, for
//! scripts, batch work, tests and benchmarks.
//!
//! Exit codes: 0 success; 2 authentication failure (wrong passphrase, unknown officer, wrong
//! recovery key); 1 any other error, usage errors included. Errors go to stderr as
//! `error: <message>`; with `--json`, results go to stdout as JSON.

mod cmd;
mod ctx;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::cmd::{init, keys, officer};
use crate::ctx::Ctx;

/// glibc's malloc spent about 20 % of the generator's time at 100k cases in `_int_malloc` and
/// `malloc_consolidate`; mimalloc takes 10 % off it (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hoso",
    version,
    about = "HoSo: the register of Party inspection, supervision and discipline cases",
    after_help = "Secrets for automation: HOSO_PASSPHRASE (unlocking; --passphrase-file takes \
                  precedence), HOSO_NEW_PASSPHRASE (passwd, unlock, officer add), \
                  HOSO_RECOVERY_KEY (unlock --recovery-key). Otherwise they are read from the \
                  terminal without echo.\nExit status: 0 ok, 1 error, 2 authentication failed."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// The register file [default: $HOSO_REGISTER, else the platform data directory]
    #[arg(long, global = true, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Login of the officer at work
    #[arg(long, global = true, value_name = "LOGIN", env = "HOSO_OFFICER")]
    officer: Option<String>,
    /// Read the passphrase from this file (first line) instead of HOSO_PASSPHRASE or the terminal
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Print results as JSON on stdout
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new register for this office with its first officer (an administrator,
    /// --officer) and print the recovery key once
    Init(init::InitArgs),
    /// Change the passphrase of --officer (new one from HOSO_NEW_PASSPHRASE or the terminal)
    Passwd,
    /// Reset the passphrase of --officer with the recovery key
    Unlock(keys::UnlockArgs),
    /// Officers of this office and their keys
    #[command(subcommand)]
    Officer(officer::OfficerCmd),
    /// The hash-chained audit log: verify it, list entries
    #[command(subcommand)]
    Audit(cmd::audit::AuditCmd),
    /// Create a demo register with realistic data (officer demo, passphrase demo)
    Demo(cmd::demo::DemoArgs),
    /// Offices (inspection committees): add, list
    #[command(subcommand)]
    Office(cmd::office::OfficeCmd),
    /// Party members and organisations that cases are about
    #[command(subcommand)]
    Subject(cmd::subject::SubjectCmd),
    /// Cases: add, list, show, set, transition, decide
    #[command(subcommand)]
    Case(cmd::case::CaseCmd),
    /// Annual programmes and their items
    #[command(subcommand)]
    Plan(cmd::plan::PlanCmd),
    /// Letters received (named, anonymous, impersonated) and the cases opened from them
    #[command(subcommand)]
    Letter(cmd::letter::LetterCmd),
    /// Offices with overlapping work on the same subject at the same time: list, notify, settle
    Overlaps {
        #[command(subcommand)]
        cmd: Option<cmd::overlap::OverlapCmd>,
    },
    /// Subjects with an open denunciation or signs of violation and no inspection planned or open
    Omissions,
    /// Print the canonical hash of the shared domain state
    Digest,
    /// This office's keys: show, root fingerprint, emergency export of the age identity
    #[command(subcommand)]
    Key(cmd::key::KeyCmd),
    /// The rules: time limits, holidays, limitation periods, content categories (JSON)
    #[command(subcommand)]
    Rules(cmd::rules::RulesCmd),
    /// Sync bundles between offices: export, verify, import
    #[command(subcommand)]
    Bundle(cmd::bundle::BundleCmd),
    /// The exchange of bundles with each peer office: status
    #[command(subcommand)]
    Sync(cmd::sync::SyncCmd),
    /// Print a case to PDF: the summary, or with --file the whole case file for the archive
    Print(cmd::print::PrintArgs),
    /// This office's local settings: what printed documents say (header, place, signatory)
    #[command(subcommand)]
    Settings(cmd::print::SettingsCmd),
    /// Back the register up (an encrypted copy and its key file) into a new folder in --out
    Backup(cmd::backup::BackupArgs),
    /// Replace the register with a backup folder (the current one is kept aside; --yes)
    Restore(cmd::backup::RestoreArgs),
    /// Statistics forms: list, compute and export (pdf, xlsx, json), lock a period
    Report(cmd::report::ReportArgs),
    // Other command groups go here (one variant each), with one arm in `dispatch`.
}

fn dispatch(ctx: &mut Ctx, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Passwd => keys::passwd(ctx),
        Command::Unlock(args) => keys::unlock(ctx, args),
        Command::Officer(c) => officer::run(ctx, c),
        Command::Audit(c) => cmd::audit::run(ctx, c),
        Command::Demo(args) => cmd::demo::run(ctx, args),
        Command::Office(c) => cmd::office::run(ctx, c),
        Command::Subject(c) => cmd::subject::run(ctx, c),
        Command::Case(c) => cmd::case::run(ctx, c),
        Command::Plan(c) => cmd::plan::run(ctx, c),
        Command::Letter(c) => cmd::letter::run(ctx, c),
        Command::Overlaps { cmd } => cmd::overlap::overlaps(ctx, cmd),
        Command::Omissions => cmd::overlap::omissions(ctx),
        Command::Digest => cmd::overlap::digest(ctx),
        Command::Key(c) => cmd::key::run(ctx, c),
        Command::Rules(c) => cmd::rules::run(ctx, c),
        Command::Bundle(c) => cmd::bundle::run(ctx, c),
        Command::Sync(c) => cmd::sync::run(ctx, c),
        Command::Print(args) => cmd::print::run(ctx, args),
        Command::Settings(c) => cmd::print::settings(ctx, c),
        Command::Backup(args) => cmd::backup::backup(ctx, args),
        Command::Restore(args) => cmd::backup::restore(ctx, args),
        Command::Report(args) => cmd::report::run(ctx, args),
    }
}

/// Output piped into a reader that stopped early (`hoso case list | head`): the rest is simply
/// not wanted, so the command ends quietly with success instead of panicking on the closed pipe.
fn end_quietly_when_the_reader_goes_away() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    end_quietly_when_the_reader_goes_away();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; usage errors exit 1 (2 means authentication).
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let g = cli.global;
    let mut ctx = Ctx::new(g.register, g.officer, g.passphrase_file, g.json);
    match dispatch(&mut ctx, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The machine code of a core error, for scripts and for reporting a problem.
            match e.chain().find_map(|c| c.downcast_ref::<hoso_core::Error>()) {
                Some(core) => eprintln!("error: {e:#} (code: {})", core.code()),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// 2 when the user failed to authenticate, 1 for everything else.
fn exit_code(e: &anyhow::Error) -> u8 {
    let auth = e
        .chain()
        .filter_map(|c| c.downcast_ref::<hoso_core::Error>())
        .any(hoso_core::Error::is_authentication);
    if auth { 2 } else { 1 }
}
