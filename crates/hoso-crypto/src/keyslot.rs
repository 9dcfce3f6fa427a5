//! Per-officer key slots: the register's data key wrapped under a key derived from the
//! officer's passphrase.
//!
//! API (helper A):
//! - `KdfParams { m_cost_kib, t_cost, p_cost }` (serde), `KdfParams::recommended()`,
//!   `KdfParams::validate(&self)`
//! - `KeySlot::seal(login: &str, passphrase: &str, key: &DataKey, params: &KdfParams)
//!   -> Result<KeySlot, CryptoError>`
//! - `KeySlot::open(&self, passphrase: &str) -> Result<DataKey, CryptoError>`
//!   (`CryptoError::WrongPassphrase` on a wrong passphrase or any tampering)
//! - `KeySlot::login(&self) -> &str`, `KeySlot::kdf(&self) -> &KdfParams`
//!
//! Construction: Argon2id (v1.3) over the passphrase's UTF-8 bytes with a random 16-byte salt
//! gives a 32-byte key-encryption key; XChaCha20-Poly1305 with a random 24-byte nonce wraps the
//! data key. The login is bound as associated data, so a slot copied under another officer's
//! login does not open. Callers normalise the passphrase (NFC) before it gets here.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{CryptoError, DATA_KEY_LEN, DataKey};

/// The only construction this version writes and reads.
pub const SLOT_ALGORITHM: &str = "argon2id-v19+xchacha20poly1305";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Domain separation for the associated data; the login follows it.
const AAD_PREFIX: &[u8] = b"hoso key slot v1\0";

/// Argon2id cost parameters, stored in each slot so they can be raised for new slots without
/// breaking old ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over the memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// Upper bounds: parameters are read from a file, and a doctored file must not make us
    /// allocate terabytes or loop for hours.
    pub const MAX_M_COST_KIB: u32 = 4 * 1024 * 1024;
    pub const MAX_T_COST: u32 = 64;
    pub const MAX_P_COST: u32 = 16;

    /// What new slots use: 128 MiB, 3 passes, 1 lane. Measured on the project's 2-core machine
    /// (argon2 optimised, as it is even in dev builds; `cargo run -p hoso-crypto --example
    /// kdf_time`): about 0.4 s per unlock, so each guess costs an attacker 128 MiB and a
    /// comparable time. One lane because this argon2 build computes lanes sequentially: more
    /// lanes would slow us without slowing an attacker with parallel hardware.
    pub fn recommended() -> KdfParams {
        KdfParams {
            m_cost_kib: 128 * 1024,
            t_cost: 3,
            p_cost: 1,
        }
    }

    pub fn validate(&self) -> Result<(), CryptoError> {
        let bad = |why: String| Err(CryptoError::InvalidKdfParams(why));
        if self.p_cost == 0 || self.p_cost > Self::MAX_P_COST {
            return bad(format!(
                "p_cost {} not in 1..={}",
                self.p_cost,
                Self::MAX_P_COST
            ));
        }
        if self.t_cost == 0 || self.t_cost > Self::MAX_T_COST {
            return bad(format!(
                "t_cost {} not in 1..={}",
                self.t_cost,
                Self::MAX_T_COST
            ));
        }
        let min_m = 8 * self.p_cost;
        if self.m_cost_kib < min_m || self.m_cost_kib > Self::MAX_M_COST_KIB {
            return bad(format!(
                "m_cost_kib {} not in {min_m}..={}",
                self.m_cost_kib,
                Self::MAX_M_COST_KIB
            ));
        }
        Ok(())
    }

    fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        self.validate()?;
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| CryptoError::InvalidKdfParams(e.to_string()))?;
        let mut kek = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, kek.as_mut())
            .map_err(|e| CryptoError::InvalidKdfParams(e.to_string()))?;
        Ok(kek)
    }
}

/// One officer's wrapped copy of the data key. Nothing in it is secret on its own; `Debug`
/// still shows only the login and parameters.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeySlot {
    login: String,
    algorithm: String,
    kdf: KdfParams,
    #[serde(with = "hex")]
    salt: Vec<u8>,
    #[serde(with = "hex")]
    nonce: Vec<u8>,
    #[serde(with = "hex")]
    wrapped: Vec<u8>,
}

impl KeySlot {
    /// Wraps `key` for `login` under `passphrase`. Costs one Argon2id run.
    pub fn seal(
        login: &str,
        passphrase: &str,
        key: &DataKey,
        params: &KdfParams,
    ) -> Result<KeySlot, CryptoError> {
        let mut salt = vec![0u8; SALT_LEN];
        let mut nonce = vec![0u8; NONCE_LEN];
        getrandom::getrandom(&mut salt).map_err(|_| CryptoError::Random)?;
        getrandom::getrandom(&mut nonce).map_err(|_| CryptoError::Random)?;
        let kek = params.derive(passphrase, &salt)?;
        let aad = aad(login);
        let wrapped = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()))
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::MalformedSlot("encryption failed".into()))?;
        Ok(KeySlot {
            login: login.to_owned(),
            algorithm: SLOT_ALGORITHM.to_owned(),
            kdf: *params,
            salt,
            nonce,
            wrapped,
        })
    }

    /// Unwraps the data key. Costs one Argon2id run with the slot's own parameters.
    pub fn open(&self, passphrase: &str) -> Result<DataKey, CryptoError> {
        if self.algorithm != SLOT_ALGORITHM {
            return Err(CryptoError::MalformedSlot(format!(
                "unknown algorithm {:?}",
                self.algorithm
            )));
        }
        if self.salt.len() != SALT_LEN
            || self.nonce.len() != NONCE_LEN
            || self.wrapped.len() != DATA_KEY_LEN + TAG_LEN
        {
            return Err(CryptoError::MalformedSlot("wrong field length".into()));
        }
        let kek = self.kdf.derive(passphrase, &self.salt)?;
        let aad = aad(&self.login);
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()))
                .decrypt(
                    XNonce::from_slice(&self.nonce),
                    Payload {
                        msg: &self.wrapped,
                        aad: &aad,
                    },
                )
                .map_err(|_| CryptoError::WrongPassphrase)?,
        );
        let mut bytes = Zeroizing::new([0u8; DATA_KEY_LEN]);
        bytes.copy_from_slice(&plain);
        Ok(DataKey::from_bytes(*bytes))
    }

    pub fn login(&self) -> &str {
        &self.login
    }

    pub fn kdf(&self) -> &KdfParams {
        &self.kdf
    }
}

impl std::fmt::Debug for KeySlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySlot")
            .field("login", &self.login)
            .field("algorithm", &self.algorithm)
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}

fn aad(login: &str) -> Vec<u8> {
    let mut v = AAD_PREFIX.to_vec();
    v.extend_from_slice(login.as_bytes());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real Argon2id, cheap enough for many unit tests.
    const LIGHT: KdfParams = KdfParams {
        m_cost_kib: 8 * 1024,
        t_cost: 1,
        p_cost: 1,
    };

    fn key() -> DataKey {
        DataKey::from_bytes(*b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn right_passphrase_opens_and_wrong_one_fails() {
        let slot = KeySlot::seal("lan", "mật khẩu của Lan", &key(), &LIGHT).unwrap();
        assert_eq!(slot.open("mật khẩu của Lan").unwrap(), key());
        assert!(matches!(
            slot.open("mật khẩu của lan"),
            Err(CryptoError::WrongPassphrase)
        ));
        assert!(matches!(slot.open(""), Err(CryptoError::WrongPassphrase)));
    }

    #[test]
    fn slot_renamed_to_another_login_does_not_open() {
        let slot = KeySlot::seal("lan", "secret", &key(), &LIGHT).unwrap();
        let mut json: serde_json::Value = serde_json::to_value(&slot).unwrap();
        json["login"] = "admin".into();
        let swapped: KeySlot = serde_json::from_value(json).unwrap();
        assert!(matches!(
            swapped.open("secret"),
            Err(CryptoError::WrongPassphrase)
        ));
    }

    #[test]
    fn tampered_slot_fails() {
        let slot = KeySlot::seal("lan", "secret", &key(), &LIGHT).unwrap();
        let mut flipped = slot.clone();
        flipped.wrapped[3] ^= 1;
        assert!(matches!(
            flipped.open("secret"),
            Err(CryptoError::WrongPassphrase)
        ));
        let mut salted = slot.clone();
        salted.salt[0] ^= 1;
        assert!(matches!(
            salted.open("secret"),
            Err(CryptoError::WrongPassphrase)
        ));
        let mut cheaper = slot.clone();
        cheaper.kdf.t_cost = 2;
        assert!(matches!(
            cheaper.open("secret"),
            Err(CryptoError::WrongPassphrase)
        ));
        let mut short = slot.clone();
        short.nonce.pop();
        assert!(matches!(
            short.open("secret"),
            Err(CryptoError::MalformedSlot(_))
        ));
        let mut other = slot;
        other.algorithm = "pbkdf2".into();
        assert!(matches!(
            other.open("secret"),
            Err(CryptoError::MalformedSlot(_))
        ));
    }

    #[test]
    fn absurd_parameters_from_a_file_are_refused_before_any_work() {
        let slot = KeySlot::seal("lan", "secret", &key(), &LIGHT).unwrap();
        let mut json: serde_json::Value = serde_json::to_value(&slot).unwrap();
        json["kdf"]["m_cost_kib"] = u32::MAX.into();
        let huge: KeySlot = serde_json::from_value(json).unwrap();
        assert!(matches!(
            huge.open("secret"),
            Err(CryptoError::InvalidKdfParams(_))
        ));
        assert!(
            KdfParams {
                m_cost_kib: 8,
                t_cost: 0,
                p_cost: 1
            }
            .validate()
            .is_err()
        );
        assert!(KdfParams::recommended().validate().is_ok());
    }

    #[test]
    fn serde_round_trip_keeps_the_slot_usable() {
        let slot = KeySlot::seal("lan", "secret", &key(), &LIGHT).unwrap();
        let text = serde_json::to_string(&slot).unwrap();
        let back: KeySlot = serde_json::from_str(&text).unwrap();
        assert_eq!(back, slot);
        assert_eq!(back.open("secret").unwrap(), key());
        assert!(!text.contains(&hex::encode(key().as_bytes())));
    }

    #[test]
    fn debug_never_prints_key_material() {
        let slot = KeySlot::seal("lan", "secret", &key(), &LIGHT).unwrap();
        let shown = format!("{slot:?}");
        assert!(shown.contains("lan"));
        assert!(!shown.contains(&hex::encode(&slot.wrapped)));
        assert!(!shown.contains(&hex::encode(&slot.salt)));
        assert!(!shown.contains("wrapped"));
    }
}
