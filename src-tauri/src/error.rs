//! The one error that crosses IPC: `{ code, detail }`. The UI maps `code` (a closed union: the
//! core's codes plus the shell's own) to a message in the user's language and can show `detail`
//! (English, technical) on request. Never carries secrets.

use hoso_core::error::ErrorCode;
use serde::Serialize;

/// Failures that belong to the shell rather than the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum ShellErrorCode {
    /// No register is open: unlock first.
    Locked,
    /// A bug or an unexpected failure of the shell itself.
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(untagged)]
pub enum IpcErrorCode {
    Core(ErrorCode),
    Shell(ShellErrorCode),
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IpcError {
    pub code: IpcErrorCode,
    /// Technical detail in English, for the "details" disclosure and the log.
    pub detail: String,
    /// What the error is about, for forms to show it next to its field: the field of an
    /// `invalid` error (`title`, `opened`, `coordinator`…), the entity of a `not-found` one
    /// (`office`, `subject`…).
    pub field: Option<String>,
}

impl IpcError {
    pub fn locked() -> Self {
        IpcError {
            code: IpcErrorCode::Shell(ShellErrorCode::Locked),
            detail: "the register is locked".into(),
            field: None,
        }
    }
}

/// Every code the UI may receive, exported to the bindings so a UI test can check that each has
/// a message in every language.
pub fn all_codes() -> Vec<IpcErrorCode> {
    let core = ErrorCode::ALL.iter().copied().map(IpcErrorCode::Core);
    let shell = [ShellErrorCode::Locked, ShellErrorCode::Internal].map(IpcErrorCode::Shell);
    core.chain(shell).collect()
}

impl From<hoso_core::Error> for IpcError {
    fn from(e: hoso_core::Error) -> Self {
        let field = match &e {
            hoso_core::Error::Invalid { field, .. } => Some(field.clone()),
            hoso_core::Error::NotFound { entity, .. } => Some(entity.to_string()),
            _ => None,
        };
        IpcError {
            code: IpcErrorCode::Core(e.error_code()),
            detail: e.to_string(),
            field,
        }
    }
}

impl From<anyhow::Error> for IpcError {
    fn from(e: anyhow::Error) -> Self {
        IpcError {
            code: IpcErrorCode::Shell(ShellErrorCode::Internal),
            detail: format!("{e:#}"),
            field: None,
        }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
