//! HoSo's key material and envelopes: the register's data key, officers' key slots, the printed
//! recovery key, Ed25519 signatures in the minisign format and age encryption. No I/O, no unsafe.
#![forbid(unsafe_code)]

// Helper A: data key, key slots, recovery key, and the crate's error type.
mod datakey;
mod error;
mod keyslot;
mod recovery;
// Helper C: minisign-format signatures and age sealing.
pub mod seal;
pub mod sign;

pub use datakey::{DATA_KEY_LEN, DataKey};
pub use error::CryptoError;
pub use keyslot::{KdfParams, KeySlot, SLOT_ALGORITHM};
pub use recovery::RecoveryKey;
pub use seal::AgeIdentity;
pub use sign::{KeyId, PublicKey, SigningKey, TrustedComment};
