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
    /// A backup could not be written, or a backup to restore from could not be read (a full,
    /// read-only or pulled-out drive); nothing was left under the backup's final name.
    #[error("the backup could not be written or read at {path}: {reason}")]
    BackupIo { path: String, reason: String },
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
    /// An attachment that no signed change of the same bundle names (planted contents).
    #[error(
        "the bundle carries an attachment ({blake3}) that no signed change in it names: the bundle is refused and nothing of it is stored"
    )]
    BundleUnnamedAttachment { blake3: String },
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
    /// The bundle is addressed to other offices (or was written by this office itself).
    #[error("the bundle is not addressed to this office ({office}): {reason}")]
    BundleNotForUs { office: String, reason: String },
    #[error("the bundle expired at {expires}; ask office {sender} for a new one")]
    BundleExpired { sender: String, expires: String },
    /// The sender signed two different bundles with the same sequence number.
    #[error(
        "office {sender} already sent a different bundle with sequence {sequence}: this one is refused"
    )]
    BundleSequenceReused { sender: String, sequence: u64 },
    /// No root key is trusted yet: the first import must confirm the root fingerprint.
    #[error(
        "this register does not trust a central office yet: import the set-up bundle with --trust-root and the fingerprint the central office reads out"
    )]
    TrustRootMissing,
    // --- Trust: office certificates and the roster (helper G).
    /// The signer is not one this office trusts: no certificate for it, or signed by another root.
    #[error("{who} is not a signer this office trusts: {reason}")]
    TrustUnknownSigner { who: String, reason: String },
    /// A certificate used outside its validity period.
    #[error(
        "the certificate of office {office} is not valid at {at} (valid from {valid_from} until {valid_until})"
    )]
    TrustExpired {
        office: String,
        at: String,
        valid_from: String,
        valid_until: String,
    },
    #[error("office {office} was revoked by the central office at {revoked_at}: {reason}")]
    TrustRevoked {
        office: String,
        revoked_at: String,
        reason: String,
    },
    /// The signature does not match the content: it was altered after signing.
    #[error("the signature on {what} is not valid: it was altered after signing")]
    TrustBadSignature { what: String },
    /// A certificate, roster or enrolment file that cannot be read.
    #[error("{what} is damaged or is not a HoSo trust file: {reason}")]
    TrustMalformed { what: String, reason: String },
    // --- Authority (DESIGN "Authority"): signed is not the same as allowed.
    /// An operation its origin office has no authority for: a local write is refused; an
    /// imported bundle holding one that no history could allow is refused whole.
    #[error("office {origin} is not allowed to write {field} of {entity}: {reason}")]
    OpNotAuthorised {
        origin: String,
        entity: String,
        field: String,
        reason: String,
    },
    // --- Rollback safety (DESIGN "Authority"): a register restored from a copy.
    /// A peer holds more of this office's own changes than this register: it was restored
    /// from a copy (or replaced). Writing waits until the office's history is back.
    #[error(
        "writing is paused: office {peer} holds changes of this office up to no. {theirs}, this register only up to no. {held}, so it was restored from a copy or replaced; ask the central office for `hoso bundle export --full --to {office}` and import it, then work resumes"
    )]
    RegisterRestored {
        office: String,
        peer: String,
        theirs: u64,
        held: u64,
    },
}

impl Error {
    /// Stable, kebab-case code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

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

/// Declares every error code once: the closed [`ErrorCode`] enumeration (typed over IPC, so the
/// UI's catalogue test covers each), its stable string, and which [`Error`] variant has it (the
/// match is exhaustive: a new variant without a code does not compile).
macro_rules! error_codes {
    ($($variant:ident = $code:literal,)+) => {
        /// Every error code, closed: front-ends map each to a message in the user's language (a UI test
        /// checks that both catalogues have one for every code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ErrorCode {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }
        }

        impl Error {
            /// The code as a closed enumeration (typed over IPC).
            pub fn error_code(&self) -> ErrorCode {
                match self {
                    $(Error::$variant { .. } => ErrorCode::$variant,)+
                }
            }
        }
    };
}

error_codes! {
    Invalid = "invalid",
    NotFound = "not-found",
    PermissionDenied = "permission-denied",
    Storage = "storage",
    IllegalTransition = "illegal-transition",
    WrongPassphrase = "wrong-passphrase",
    UnknownOfficer = "unknown-officer",
    WrongRecoveryKey = "wrong-recovery-key",
    KeyFileMissing = "key-file-missing",
    KeyFileCorrupt = "key-file-corrupt",
    NewerSchema = "newer-schema",
    NotARegister = "not-a-register",
    AlreadyExists = "already-exists",
    BackupIo = "backup-io",
    BundleMalformed = "bundle-malformed",
    BundleTooLarge = "bundle-too-large",
    BundleSignature = "bundle-signature",
    BundleHash = "bundle-hash",
    BundleUnnamedAttachment = "bundle-unnamed-attachment",
    BundleDecrypt = "bundle-decrypt",
    BundleVersion = "bundle-version",
    SegmentSignature = "segment-signature",
    BundleIo = "bundle-io",
    BundleNotForUs = "bundle-not-for-us",
    BundleExpired = "bundle-expired",
    BundleSequenceReused = "bundle-sequence-reused",
    TrustRootMissing = "trust-root-missing",
    TrustUnknownSigner = "trust-unknown-signer",
    TrustExpired = "trust-expired",
    TrustRevoked = "trust-revoked",
    TrustBadSignature = "trust-bad-signature",
    TrustMalformed = "trust-malformed",
    OpNotAuthorised = "op-not-authorised",
    RegisterRestored = "register-restored",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_strings() {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().into())
            );
        }
    }
}
