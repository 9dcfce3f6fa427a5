//! The one error type of the core. Every variant has a stable machine `code` (the UI maps codes
//! to Vietnamese messages; the CLI prints the English `Display`). Never put secrets in a variant.

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input the user gave is malformed or violates a rule; `field` names what was wrong.
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{entity} not found: {key}")]
    NotFound { entity: &'static str, key: String },
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    #[error("storage error: {0}")]
    Storage(String),
}

impl Error {
    /// Stable, kebab-case code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not-found",
            Error::PermissionDenied(_) => "permission-denied",
            Error::Storage(_) => "storage",
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What crosses process boundaries (IPC, `--json`): the code plus the English message.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub code: String,
    pub message: String,
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        ErrorReport {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}
