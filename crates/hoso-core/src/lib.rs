//! HoSo's core: the encrypted register, its domain, the operation log, sync bundles, search,
//! audit and access control. Knows nothing of Tauri; the CLI and the desktop app both call it.

pub mod error;
pub mod paths;
pub mod text;

pub use error::{Error, Result};
pub use text::Text;
