//! The register's data key: 32 random bytes that SQLCipher uses as its raw key.
//!
//! API (helper A):
//! - `DataKey::generate() -> DataKey` (OS randomness), `DataKey::from_bytes([u8; 32])`
//! - `as_bytes(&self) -> &[u8; 32]`
//! - `sqlcipher_raw_key(&self) -> Zeroizing<String>`: `x'<64 lower-case hex>'`, to be used as
//!   `PRAGMA key = "x'…'"` so SQLCipher skips its own passphrase KDF.
//!
//! The bytes are wiped on drop and never shown by `Debug`. There is deliberately no `Clone`:
//! every copy of the key is one more place it can leak from.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::CryptoError;

/// Length of the data key in bytes (SQLCipher's raw key size).
pub const DATA_KEY_LEN: usize = 32;

#[derive(Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DataKey([u8; DATA_KEY_LEN]);

impl DataKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<DataKey, CryptoError> {
        let mut key = DataKey([0; DATA_KEY_LEN]);
        getrandom::getrandom(&mut key.0).map_err(|_| CryptoError::Random)?;
        Ok(key)
    }

    pub fn from_bytes(bytes: [u8; DATA_KEY_LEN]) -> DataKey {
        DataKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }

    /// The key in SQLCipher's raw-key syntax, `x'<64 hex>'` (without the outer double quotes of
    /// the PRAGMA). Zeroized when dropped.
    pub fn sqlcipher_raw_key(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(3 + 2 * DATA_KEY_LEN));
        s.push_str("x'");
        let hex = Zeroizing::new(hex::encode(self.0));
        s.push_str(&hex);
        s.push('\'');
        s
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_differ_and_raw_key_has_sqlcipher_syntax() {
        let a = DataKey::generate().unwrap();
        let b = DataKey::generate().unwrap();
        assert_ne!(a, b);
        let raw = a.sqlcipher_raw_key();
        assert_eq!(raw.len(), 67);
        assert!(raw.starts_with("x'") && raw.ends_with('\''));
        assert_eq!(&raw[2..66], hex::encode(a.as_bytes()));
    }

    #[test]
    fn debug_does_not_print_key_bytes() {
        let key = DataKey::from_bytes([0xAB; DATA_KEY_LEN]);
        let shown = format!("{key:?} {key:#?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
        assert!(!shown.contains("171"), "{shown}");
    }
}
