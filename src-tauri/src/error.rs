//! The one error that crosses IPC. The UI maps `code` to a message in the user's language and
//! can show `detail` (English, technical) on request. Never carries secrets.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IpcError {
    /// Stable kebab-case code: the core's error codes plus the shell's own (`locked`, `internal`).
    pub code: String,
    /// Technical detail in English, for the "details" disclosure and the log.
    pub detail: String,
}

impl IpcError {
    pub fn locked() -> Self {
        IpcError {
            code: "locked".into(),
            detail: "the register is locked".into(),
        }
    }
}

impl From<hoso_core::Error> for IpcError {
    fn from(e: hoso_core::Error) -> Self {
        IpcError {
            code: e.code().to_string(),
            detail: e.to_string(),
        }
    }
}

impl From<anyhow::Error> for IpcError {
    fn from(e: anyhow::Error) -> Self {
        IpcError {
            code: "internal".into(),
            detail: format!("{e:#}"),
        }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
