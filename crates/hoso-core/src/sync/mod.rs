//! Sync between offices (DESIGN "Sync bundles"): export the delta of a peer's scope into a
//! signed, encrypted bundle, import bundles atomically, and report each peer's sync state.
//!
//! How "what the peer already has" is known: every op records the local arrival epoch
//! (`ops.arrival`); an export takes the current epoch as its cut-off and starts a new one.
//! Per peer and scope unit, `sync_units` keeps the last bundle that carried the unit and its
//! cut-off; when the peer's next bundle acknowledges that bundle (manifest `acknowledged`),
//! the unit's acknowledged cut-off advances. The next export sends each unit's ops stored
//! after its acknowledged cut-off, and a unit's whole history when it is new to the peer (a
//! case entering its scope). Version vectors alone cannot say this: a province holds only the
//! ops of its scope, never a prefix of another office's sequence.

mod export;
mod file;
mod history;
mod import;
mod recovery;
pub mod scope;
mod status;

use serde::Serialize;

pub use export::{BUNDLE_LIFETIME_DAYS, ExportReport, SkippedUnit};
pub use file::write_new_file;
pub use history::{HistoryDirection, HistoryEntry, HistoryFilter, HistoryPage, bundle_file_name};
pub use import::{BundleHeader, BundleProblem, ImportOutcome, ImportReport};
pub use recovery::RecoveryNeeded;
pub(crate) use recovery::check_writable;
pub use scope::{PeerScope, peer_scope};
pub use status::{ClockWarning, DEFAULT_PERIOD_DAYS, PeerStatus};

pub(crate) use crate::trust::now_text;

/// Progress of a long export or import, for the UI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    // Declared to TypeScript as `number` (specta refuses u64): exact up to 2^53, beyond any count.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub segments: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub operations: u64,
}
