//! Ed25519 signatures in the minisign format (helper C), so that `minisign -Vm FILE -P KEY`
//! verifies what HoSo signs. Built on `ed25519-dalek` + BLAKE2b-512 (minisign's "ED" prehashed
//! algorithm); this module only writes and parses minisign's text framing.
//!
//! # API
//! - `SigningKey::generate() -> Result<SigningKey, CryptoError>`, `key_id() -> KeyId`,
//!   `public_key() -> PublicKey`, `sign(data: &[u8], trusted_comment: &str) -> Result<String,
//!   CryptoError>` (the text of a `.minisig` file),
//!   `to_secret_string() -> Zeroizing<String>` / `from_secret_str(&str)` (storage inside the
//!   encrypted register; never a minisign secret-key file). Zeroized on drop, no Debug of secrets.
//! - `PublicKey::from_base64(&str)` (the second line of a minisign `.pub` file, as `-P` takes it),
//!   `PublicKey::from_minisign(&str)` (the whole `.pub` text or just its key line),
//!   `to_base64()`, `to_minisign_file()`, `key_id()`,
//!   `verify(data, minisig_text) -> Result<TrustedComment, CryptoError>`.
//! - `Minisig::parse(&str)`: a signature's parts before verification (`key_id()`,
//!   `trusted_comment()`, unauthenticated until `PublicKey::verify` succeeds).
//!
//! Formats (all base64 standard with padding):
//! - public key: `"Ed" || key id (8) || ed25519 public key (32)`
//! - signature line: `"ED" || key id (8) || ed25519 sig over BLAKE2b-512(data) (64)`
//! - global signature: ed25519 sig over `signature (64) || trusted comment bytes`

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use blake2::{Blake2b512, Digest};
use ed25519_dalek::Signer;
use zeroize::{Zeroize, Zeroizing};

use crate::error::CryptoError;

const PK_ALG: &[u8; 2] = b"Ed";
const SIG_ALG_PREHASHED: &[u8; 2] = b"ED";
const UNTRUSTED_PREFIX: &str = "untrusted comment: ";
const TRUSTED_PREFIX: &str = "trusted comment: ";
const SECRET_PREFIX: &str = "hoso-ed25519-secret-v1:";
/// minisign refuses longer comments; stay well inside.
pub const MAX_COMMENT_LEN: usize = 1024;
/// A `.minisig` text longer than this is not one (4 short lines).
pub const MAX_MINISIG_LEN: usize = 4096;

/// minisign's 8-byte key id; displayed as minisign prints it (16 upper-case hex digits of the
/// little-endian integer).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 8]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// The verified trusted comment of a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedComment(pub String);

impl TrustedComment {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An Ed25519 signing key with its minisign key id. Zeroized on drop (ed25519-dalek).
pub struct SigningKey {
    key_id: KeyId,
    key: ed25519_dalek::SigningKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, secret redacted)", self.key_id)
    }
}

impl SigningKey {
    pub fn generate() -> Result<Self, CryptoError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut()).map_err(|_| CryptoError::Random)?;
        let mut id = [0u8; 8];
        getrandom::getrandom(&mut id).map_err(|_| CryptoError::Random)?;
        Ok(SigningKey {
            key_id: KeyId(id),
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        })
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// Signs `data`; returns the `.minisig` text. The trusted comment is signed too (one line,
    /// at most [`MAX_COMMENT_LEN`] bytes).
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String, CryptoError> {
        check_comment(trusted_comment)?;
        let prehash = Blake2b512::digest(data);
        let sig = self.key.sign(&prehash).to_bytes();
        let mut global_input = Vec::with_capacity(64 + trusted_comment.len());
        global_input.extend_from_slice(&sig);
        global_input.extend_from_slice(trusted_comment.as_bytes());
        let global = self.key.sign(&global_input).to_bytes();
        let mut line = Vec::with_capacity(74);
        line.extend_from_slice(SIG_ALG_PREHASHED);
        line.extend_from_slice(&self.key_id.0);
        line.extend_from_slice(&sig);
        Ok(format!(
            "{UNTRUSTED_PREFIX}signature from HoSo key {}\n{}\n{TRUSTED_PREFIX}{trusted_comment}\n{}\n",
            self.key_id,
            B64.encode(&line),
            B64.encode(global)
        ))
    }

    /// The secret key as text for storage inside the encrypted register (key id + seed).
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; 40]);
        raw[..8].copy_from_slice(&self.key_id.0);
        raw[8..].copy_from_slice(self.key.as_bytes());
        Zeroizing::new(format!("{SECRET_PREFIX}{}", B64.encode(&raw[..])))
    }

    pub fn from_secret_str(s: &str) -> Result<Self, CryptoError> {
        let b64 = s
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or_else(|| CryptoError::MalformedKey("not a HoSo signing key".into()))?;
        let mut raw =
            Zeroizing::new(B64.decode(b64).map_err(|_| {
                CryptoError::MalformedKey("signing key is not valid base64".into())
            })?);
        if raw.len() != 40 {
            raw.zeroize();
            return Err(CryptoError::MalformedKey(
                "signing key has the wrong length".into(),
            ));
        }
        let mut id = [0u8; 8];
        id.copy_from_slice(&raw[..8]);
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&raw[8..]);
        Ok(SigningKey {
            key_id: KeyId(id),
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
        })
    }
}

/// A minisign public key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key_id: KeyId,
    key: ed25519_dalek::VerifyingKey,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_base64())
    }
}

impl PublicKey {
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key line (what `minisign -P` takes).
    pub fn to_base64(&self) -> String {
        let mut raw = Vec::with_capacity(42);
        raw.extend_from_slice(PK_ALG);
        raw.extend_from_slice(&self.key_id.0);
        raw.extend_from_slice(self.key.as_bytes());
        B64.encode(raw)
    }

    /// The text of a minisign `.pub` file.
    pub fn to_minisign_file(&self) -> String {
        format!(
            "{UNTRUSTED_PREFIX}minisign public key {}\n{}\n",
            self.key_id,
            self.to_base64()
        )
    }

    pub fn from_base64(s: &str) -> Result<Self, CryptoError> {
        let raw = B64
            .decode(s.trim())
            .map_err(|_| CryptoError::MalformedKey("public key is not valid base64".into()))?;
        if raw.len() != 42 || &raw[..2] != PK_ALG {
            return Err(CryptoError::MalformedKey(
                "not a minisign Ed25519 public key".into(),
            ));
        }
        let mut id = [0u8; 8];
        id.copy_from_slice(&raw[2..10]);
        let mut pk = [0u8; 32];
        pk.copy_from_slice(&raw[10..]);
        let key = ed25519_dalek::VerifyingKey::from_bytes(&pk)
            .map_err(|_| CryptoError::MalformedKey("invalid Ed25519 public key".into()))?;
        Ok(PublicKey {
            key_id: KeyId(id),
            key,
        })
    }

    /// Accepts a whole `.pub` file (comment line + key line) or just the key line.
    pub fn from_minisign(text: &str) -> Result<Self, CryptoError> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with(UNTRUSTED_PREFIX.trim_end()))
            .ok_or_else(|| CryptoError::MalformedKey("no public key line".into()))?;
        Self::from_base64(line)
    }

    /// Verifies a `.minisig` text over `data`: key id, signature over BLAKE2b-512(data), and the
    /// global signature over the trusted comment. Returns the (now authentic) trusted comment.
    pub fn verify(&self, data: &[u8], minisig: &str) -> Result<TrustedComment, CryptoError> {
        let sig = Minisig::parse(minisig)?;
        if sig.key_id != self.key_id {
            return Err(CryptoError::SignatureKeyMismatch {
                expected: self.key_id.to_string(),
                found: sig.key_id.to_string(),
            });
        }
        let prehash = Blake2b512::digest(data);
        let s = ed25519_dalek::Signature::from_bytes(&sig.signature);
        self.key
            .verify_strict(&prehash, &s)
            .map_err(|_| CryptoError::BadSignature)?;
        let mut global_input = Vec::with_capacity(64 + sig.trusted_comment.len());
        global_input.extend_from_slice(&sig.signature);
        global_input.extend_from_slice(sig.trusted_comment.as_bytes());
        let g = ed25519_dalek::Signature::from_bytes(&sig.global);
        self.key
            .verify_strict(&global_input, &g)
            .map_err(|_| CryptoError::BadSignature)?;
        Ok(TrustedComment(sig.trusted_comment))
    }
}

/// A parsed, NOT yet verified `.minisig`.
#[derive(Clone, Debug)]
pub struct Minisig {
    key_id: KeyId,
    signature: [u8; 64],
    trusted_comment: String,
    global: [u8; 64],
}

impl Minisig {
    /// Strict parse: exactly four lines (a final newline allowed), prehashed algorithm only.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let bad = |why: &str| CryptoError::MalformedSignature(why.to_string());
        if text.len() > MAX_MINISIG_LEN {
            return Err(bad("too long"));
        }
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        if lines.len() != 4 {
            return Err(bad("expected four lines"));
        }
        if !lines[0].starts_with(UNTRUSTED_PREFIX) {
            return Err(bad("first line is not an untrusted comment"));
        }
        let line = B64
            .decode(lines[1])
            .map_err(|_| bad("signature line is not base64"))?;
        if line.len() != 74 {
            return Err(bad("signature line has the wrong length"));
        }
        if &line[..2] != SIG_ALG_PREHASHED {
            return Err(bad("unsupported signature algorithm (legacy minisign)"));
        }
        let trusted_comment = lines[2]
            .strip_prefix(TRUSTED_PREFIX)
            .ok_or_else(|| bad("third line is not a trusted comment"))?
            .to_string();
        let global = B64
            .decode(lines[3])
            .map_err(|_| bad("global signature is not base64"))?;
        if global.len() != 64 {
            return Err(bad("global signature has the wrong length"));
        }
        let mut key_id = [0u8; 8];
        key_id.copy_from_slice(&line[2..10]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&line[10..]);
        let mut g = [0u8; 64];
        g.copy_from_slice(&global);
        Ok(Minisig {
            key_id: KeyId(key_id),
            signature,
            trusted_comment,
            global: g,
        })
    }

    /// The key id the signature claims (unauthenticated: use it to pick a key).
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The trusted comment as written (unauthenticated until verified).
    pub fn trusted_comment(&self) -> &str {
        &self.trusted_comment
    }
}

fn check_comment(c: &str) -> Result<(), CryptoError> {
    if c.len() > MAX_COMMENT_LEN || c.contains(['\n', '\r']) {
        return Err(CryptoError::MalformedSignature(
            "a trusted comment must be one line of at most 1024 bytes".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_round_trip_and_tamper() {
        let k = SigningKey::generate().unwrap();
        let sig = k.sign(b"hello", "id=1 seq=2").unwrap();
        let pk = PublicKey::from_base64(&k.public_key().to_base64()).unwrap();
        assert_eq!(pk.verify(b"hello", &sig).unwrap().as_str(), "id=1 seq=2");
        assert!(matches!(
            pk.verify(b"hellp", &sig),
            Err(CryptoError::BadSignature)
        ));
        let forged = sig.replace("id=1 seq=2", "id=1 seq=3");
        assert!(matches!(
            pk.verify(b"hello", &forged),
            Err(CryptoError::BadSignature)
        ));
        let other = SigningKey::generate().unwrap().public_key();
        assert!(matches!(
            other.verify(b"hello", &sig),
            Err(CryptoError::SignatureKeyMismatch { .. })
        ));
        assert!(matches!(
            pk.verify(b"hello", "garbage"),
            Err(CryptoError::MalformedSignature(_))
        ));
    }

    #[test]
    fn secret_key_text_round_trips_and_debug_hides_it() {
        let k = SigningKey::generate().unwrap();
        let s = k.to_secret_string();
        let k2 = SigningKey::from_secret_str(&s).unwrap();
        assert_eq!(k.public_key(), k2.public_key());
        assert!(!format!("{k:?}").contains(&s[SECRET_PREFIX.len()..]));
        assert!(SigningKey::from_secret_str("hoso-ed25519-secret-v1:AAAA").is_err());
        let file = k.public_key().to_minisign_file();
        assert_eq!(PublicKey::from_minisign(&file).unwrap(), k.public_key());
    }

    #[test]
    fn multiline_trusted_comment_is_refused() {
        let k = SigningKey::generate().unwrap();
        assert!(k.sign(b"x", "a\ntrusted comment: b").is_err());
    }
}
