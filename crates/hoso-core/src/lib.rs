//! HoSo's core: the encrypted register, its domain, the operation log, sync bundles, search,
//! audit and access control. Knows nothing of Tauri; the CLI and the desktop app both call it.

pub mod access;
pub mod audit;
pub mod authority;
pub mod backup;
pub mod bundle;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod model;
pub mod oplog;
pub mod paths;
pub mod register;
pub mod reports;
pub mod rules;
pub mod search;
pub mod store;
pub mod sync;
pub mod text;
pub mod trust;

pub use error::{Error, Result};
/// The rusqlite the store uses (SQLCipher build), for callers that need its types.
pub use rusqlite;
pub use store::Store;
pub use text::Text;
