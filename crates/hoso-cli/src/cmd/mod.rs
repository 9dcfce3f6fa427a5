//! One module per command group. Each has a clap `Subcommand` (or `Args`) type and a `run`
//! function; main.rs holds the `Command` enum and the dispatch. To add a group: a `pub mod`
//! line here, a variant in `main.rs`'s `Command`, one arm in `dispatch`.

// Helper A: set-up and keys.
pub mod init;
pub mod keys;
pub mod officer;

// Helper R: audit log and demo register.
pub mod audit;
pub mod demo;

// Helper D: the domain register.
pub mod case;
pub mod letter;
pub mod office;
pub mod overlap;
pub mod plan;
pub mod subject;
pub mod util;

// Helper F: the rules as register data.
pub mod rules;

// Helper G: office keys and trust.
pub mod key;

// Helper S: sync bundles between offices.
pub mod bundle;
pub mod sync;

// Issue 13: printed documents (case summary, case file) and the office's print settings.
pub mod print;

// Issue 12: backup and restore of the register.
pub mod backup;
// Issue 13: the statistics forms.
pub mod report;
