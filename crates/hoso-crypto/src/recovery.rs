//! The recovery key: the data key itself, printed once at set-up for safekeeping on paper.
//!
//! API (helper A):
//! - `RecoveryKey::new(DataKey)`, `data_key(&self) -> &DataKey`, `into_data_key(self) -> DataKey`
//! - `Display` / `to_grouped(&self) -> Zeroizing<String>`: 17 groups of 4 upper-case hex digits
//!   separated by `-`: 16 groups are the 32 key bytes, the last is a CRC-16 of them.
//! - `FromStr`: ignores spaces, dashes, line breaks and case; rejects a wrong length, a non-hex
//!   character or a checksum mismatch (`CryptoError::InvalidRecoveryKey`).
//!
//! Because it is the raw key, the same 64 hex digits open the register in any SQLCipher 4 tool
//! with `PRAGMA key = "x'<64 hex>'"`. The checksum is CRC-16/CCITT: it detects every error
//! confined to 16 consecutive bits, hence every single mistyped digit and every swap of two
//! neighbouring digits, which a truncated hash would only catch with high probability.

use std::str::FromStr;

use zeroize::Zeroizing;

use crate::{CryptoError, DATA_KEY_LEN, DataKey};

const CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);
/// Hex digits in a recovery key: the key plus two checksum bytes.
const DIGITS: usize = 2 * (DATA_KEY_LEN + 2);
const GROUP: usize = 4;

pub struct RecoveryKey(DataKey);

impl RecoveryKey {
    pub fn new(key: DataKey) -> RecoveryKey {
        RecoveryKey(key)
    }

    pub fn data_key(&self) -> &DataKey {
        &self.0
    }

    pub fn into_data_key(self) -> DataKey {
        self.0
    }

    /// The printable form (see the module doc), zeroized when dropped.
    pub fn to_grouped(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(DATA_KEY_LEN + 2));
        bytes.extend_from_slice(self.0.as_bytes());
        bytes.extend_from_slice(&CRC.checksum(self.0.as_bytes()).to_be_bytes());
        let digits = Zeroizing::new(hex::encode_upper(&*bytes));
        let mut out = Zeroizing::new(String::with_capacity(DIGITS + DIGITS / GROUP));
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % GROUP == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }
}

impl std::fmt::Display for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_grouped())
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

impl FromStr for RecoveryKey {
    type Err = CryptoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: String| Err(CryptoError::InvalidRecoveryKey(why));
        let mut digits = Zeroizing::new(String::with_capacity(DIGITS));
        for c in s.chars() {
            if c.is_ascii_hexdigit() {
                digits.push(c.to_ascii_lowercase());
            } else if !(c.is_whitespace() || c == '-') {
                return bad(format!(
                    "unexpected character {c:?}: only 0-9 and A-F are used"
                ));
            }
        }
        if digits.len() != DIGITS {
            return bad(format!(
                "expected {DIGITS} hex digits, found {}",
                digits.len()
            ));
        }
        let mut bytes = Zeroizing::new([0u8; DATA_KEY_LEN + 2]);
        hex::decode_to_slice(digits.as_bytes(), bytes.as_mut())
            .map_err(|e| CryptoError::InvalidRecoveryKey(e.to_string()))?;
        let (key, sum) = bytes.split_at(DATA_KEY_LEN);
        if CRC.checksum(key).to_be_bytes() != sum {
            return bad("checksum does not match: a digit is mistyped".into());
        }
        let mut k = Zeroizing::new([0u8; DATA_KEY_LEN]);
        k.copy_from_slice(key);
        Ok(RecoveryKey(DataKey::from_bytes(*k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RecoveryKey {
        let mut b = [0u8; DATA_KEY_LEN];
        for (i, x) in b.iter_mut().enumerate() {
            *x = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        RecoveryKey::new(DataKey::from_bytes(b))
    }

    #[test]
    fn round_trip_through_the_printed_form() {
        let rk = RecoveryKey::new(DataKey::generate().unwrap());
        let text = rk.to_string();
        assert_eq!(text.len(), 17 * 4 + 16);
        assert_eq!(text.split('-').count(), 17);
        assert!(text.split('-').all(|g| g.len() == 4));
        let back: RecoveryKey = text.parse().unwrap();
        assert_eq!(back.data_key(), rk.data_key());
        // The first 64 digits are exactly SQLCipher's raw key.
        let hex: String = text.chars().filter(|c| *c != '-').take(64).collect();
        assert_eq!(
            format!("x'{}'", hex.to_lowercase()),
            *rk.data_key().sqlcipher_raw_key()
        );
    }

    #[test]
    fn spaces_dashes_line_breaks_and_case_are_tolerated() {
        let rk = sample();
        let text = rk.to_string();
        let sloppy: String = text
            .to_lowercase()
            .split('-')
            .enumerate()
            .map(|(i, g)| {
                if i % 4 == 3 {
                    format!("{g}\n")
                } else {
                    format!("{g}  ")
                }
            })
            .collect();
        let back: RecoveryKey = format!("  {sloppy} ").parse().unwrap();
        assert_eq!(back.into_data_key(), sample().into_data_key());
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let text = sample().to_string();
        for (i, c) in text.char_indices().filter(|(_, c)| *c != '-') {
            for typo in "0123456789ABCDEF".chars().filter(|t| *t != c) {
                let mut wrong = text.clone();
                wrong.replace_range(i..i + 1, &typo.to_string());
                let err = wrong.parse::<RecoveryKey>().unwrap_err();
                assert!(err.to_string().contains("checksum"), "{err}");
            }
        }
    }

    #[test]
    fn swapped_neighbouring_digits_are_caught() {
        let digits: Vec<char> = sample().to_string().chars().filter(|c| *c != '-').collect();
        for i in 0..digits.len() - 1 {
            if digits[i] == digits[i + 1] {
                continue;
            }
            let mut d = digits.clone();
            d.swap(i, i + 1);
            let s: String = d.into_iter().collect();
            assert!(s.parse::<RecoveryKey>().is_err(), "swap at {i} not caught");
        }
    }

    #[test]
    fn wrong_length_and_foreign_characters_are_explained() {
        let text = sample().to_string();
        let e = text[..text.len() - 5]
            .parse::<RecoveryKey>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected 68 hex digits"), "{e}");
        let e = format!("O{}", &text[1..])
            .parse::<RecoveryKey>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("unexpected character 'O'"), "{e}");
        let e = "".parse::<RecoveryKey>().unwrap_err().to_string();
        assert!(e.contains("found 0"), "{e}");
    }

    #[test]
    fn debug_never_prints_key_bytes() {
        let rk = sample();
        let shown = format!("{rk:?} {:?}", rk.data_key());
        let hex = hex::encode(rk.data_key().as_bytes());
        assert!(!shown.to_lowercase().contains(&hex[..8]), "{shown}");
        assert!(shown.contains("redacted"));
    }
}
