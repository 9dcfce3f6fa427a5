//! Errors of hoso-crypto. No variant ever carries key material or a passphrase.

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The AEAD tag did not verify: the passphrase is wrong, or the slot (its login, salt,
    /// parameters or ciphertext) was altered. Indistinguishable by design.
    #[error("wrong passphrase (or the key slot was altered)")]
    WrongPassphrase,
    /// A key slot that cannot even be tried: unknown algorithm, wrong field lengths.
    #[error("malformed key slot: {0}")]
    MalformedSlot(String),
    /// Argon2 parameters outside the accepted bounds (too weak to be valid, or so large that
    /// reading them from a file could exhaust memory).
    #[error("invalid key derivation parameters: {0}")]
    InvalidKdfParams(String),
    #[error("invalid recovery key: {0}")]
    InvalidRecoveryKey(String),
    #[error("the operating system's random number generator failed")]
    Random,
    // --- Signatures and sealing (helper C).
    #[error("malformed key: {0}")]
    MalformedKey(String),
    #[error("malformed signature: {0}")]
    MalformedSignature(String),
    /// The signature names another key than the one it is checked against.
    #[error("signed by key {found}, not by the expected key {expected}")]
    SignatureKeyMismatch { expected: String, found: String },
    /// The signature does not match the data (altered data, comment or signature).
    #[error("the signature does not match: the signed data or the signature was altered")]
    BadSignature,
    #[error("encryption failed: {0}")]
    Encrypt(String),
    /// Not addressed to this identity, or the ciphertext is damaged.
    #[error("decryption failed: {0}")]
    Decrypt(String),
}
