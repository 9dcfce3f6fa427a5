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
    /// A case status move the workflow does not allow (model::workflow).
    #[error("illegal transition of a {kind} case from {from} to {to}; allowed: {allowed}")]
    IllegalTransition {
        kind: String,
        from: String,
        to: String,
        allowed: String,
    },
    // --- Store and keys (helper A). Authentication failures: see `is_authentication`.
    #[error("wrong passphrase for officer {login}")]
    WrongPassphrase { login: String },
    /// No key slot for this login in the key file.
    #[error("unknown officer {login}: no key for this login in the register's key file")]
    UnknownOfficer { login: String },
    #[error(
        "the recovery key does not open {path} (the key of another register, or not a HoSo register)"
    )]
    WrongRecoveryKey { path: String },
    #[error(
        "the key file {path} is missing; restore it from a backup, or use the recovery key (hoso unlock --recovery-key)"
    )]
    KeyFileMissing { path: String },
    #[error(
        "the key file {path} is damaged ({reason}); restore it from a backup, or use the recovery key"
    )]
    KeyFileCorrupt { path: String, reason: String },
    #[error(
        "{path} was written by a newer HoSo (schema version {found}; this version knows up to {supported}); update HoSo to open it"
    )]
    NewerSchema {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error("{path} is not a HoSo register ({reason})")]
    NotARegister { path: String, reason: String },
    #[error("{entity} already exists: {key}")]
    AlreadyExists { entity: &'static str, key: String },
    // --- Sync bundles (helper C). Each names the check that failed, for an officer.
    /// The file is not a well-formed bundle (tar structure, member names/types/order,
    /// truncation, manifest or payload framing).
    #[error("the bundle file is damaged or is not a HoSo bundle: {reason}")]
    BundleMalformed { reason: String },
    #[error(
        "the bundle is refused because it is too large: {what} exceeds the limit of {limit} bytes"
    )]
    BundleTooLarge { what: String, limit: u64 },
    /// The manifest's signature is missing, malformed, by another key, or does not match.
    #[error("the bundle's signature is not valid: {reason}")]
    BundleSignature { reason: String },
    /// The payload is not the one the signed manifest describes.
    #[error(
        "the bundle's content does not match its signed manifest ({what}): the file was altered or put together from different bundles"
    )]
    BundleHash { what: String },
    #[error("the bundle cannot be decrypted: {reason}")]
    BundleDecrypt { reason: String },
    #[error(
        "the bundle uses format version {found}, but this HoSo reads version {supported}; update HoSo"
    )]
    BundleVersion { found: u32, supported: u32 },
    /// A change set inside the payload lacks a valid signature of the office that wrote it.
    #[error("the changes from office {origin} in this bundle are not validly signed: {reason}")]
    SegmentSignature { origin: String, reason: String },
    #[error("cannot write or read the bundle file: {0}")]
    BundleIo(String),
}

impl Error {
    /// Stable, kebab-case code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not-found",
            Error::PermissionDenied(_) => "permission-denied",
            Error::Storage(_) => "storage",
            Error::IllegalTransition { .. } => "illegal-transition",
            Error::WrongPassphrase { .. } => "wrong-passphrase",
            Error::UnknownOfficer { .. } => "unknown-officer",
            Error::WrongRecoveryKey { .. } => "wrong-recovery-key",
            Error::KeyFileMissing { .. } => "key-file-missing",
            Error::KeyFileCorrupt { .. } => "key-file-corrupt",
            Error::NewerSchema { .. } => "newer-schema",
            Error::NotARegister { .. } => "not-a-register",
            Error::AlreadyExists { .. } => "already-exists",
            Error::BundleMalformed { .. } => "bundle-malformed",
            Error::BundleTooLarge { .. } => "bundle-too-large",
            Error::BundleSignature { .. } => "bundle-signature",
            Error::BundleHash { .. } => "bundle-hash",
            Error::BundleDecrypt { .. } => "bundle-decrypt",
            Error::BundleVersion { .. } => "bundle-version",
            Error::SegmentSignature { .. } => "segment-signature",
            Error::BundleIo(_) => "bundle-io",
        }
    }

    /// Whether the user failed to prove who they are (the CLI exits with 2 for these).
    pub fn is_authentication(&self) -> bool {
        matches!(
            self,
            Error::WrongPassphrase { .. }
                | Error::UnknownOfficer { .. }
                | Error::WrongRecoveryKey { .. }
        )
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

/// Database failures the caller cannot act on become `Storage` (helper A). Code that can tell
/// the user something better (a constraint naming a field) maps its errors itself.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Storage(e.to_string())
    }
}
