//! age encryption (helper C): each office has an X25519 age identity; bundles are encrypted to
//! every recipient office and to the sender. Standard age v1 files, so `age -d -i FILE` opens
//! them by hand.
//!
//! # API
//! - `AgeIdentity::generate()`, `to_secret_string() -> Zeroizing<String>` (`AGE-SECRET-KEY-1…`,
//!   the format of an `age -i` identity file), `AgeIdentity::from_str`, `recipient() -> String`
//!   (`age1…`). Zeroized on drop (x25519-dalek), no Debug of the secret.
//! - `encrypt_to(recipients: &[&str], reader, writer) -> Result<u64, CryptoError>` and
//!   `decrypt(&AgeIdentity, reader, writer) -> Result<u64, CryptoError>` copy streams.
//! - `encrypting_writer(recipients, writer) -> Result<EncryptingWriter<W>>` (`finish() ->
//!   io::Result<W>`) and `decrypting_reader(&AgeIdentity, reader) -> Result<impl Read>` for
//!   pipelines (zstd on top) with bounded memory.

use std::fmt;
use std::io::{self, Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::error::CryptoError;

/// An office's age (X25519) identity.
#[derive(Clone)]
pub struct AgeIdentity(age::x25519::Identity);

impl fmt::Debug for AgeIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgeIdentity({}, secret redacted)", self.recipient())
    }
}

impl AgeIdentity {
    pub fn generate() -> Self {
        AgeIdentity(age::x25519::Identity::generate())
    }

    /// `AGE-SECRET-KEY-1…`: the content of an identity file for `age -d -i`.
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.to_string().expose_secret().to_string())
    }

    /// The public recipient string `age1…`.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }
}

impl FromStr for AgeIdentity {
    type Err = CryptoError;
    /// Accepts the key alone or an identity file (comment lines starting with `#` ignored).
    fn from_str(s: &str) -> Result<Self, CryptoError> {
        let line = s
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or_else(|| CryptoError::MalformedKey("no age identity found".into()))?;
        age::x25519::Identity::from_str(line)
            .map(AgeIdentity)
            .map_err(|e| CryptoError::MalformedKey(format!("invalid age identity: {e}")))
    }
}

/// Checks a recipient string (`age1…`).
pub fn parse_recipient(s: &str) -> Result<age::x25519::Recipient, CryptoError> {
    age::x25519::Recipient::from_str(s.trim())
        .map_err(|e| CryptoError::MalformedKey(format!("invalid age recipient {s:?}: {e}")))
}

/// A writer that encrypts to the recipients; call `finish` to write the final chunk.
pub struct EncryptingWriter<W: Write>(age::stream::StreamWriter<W>);

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write> EncryptingWriter<W> {
    /// Writes the last chunk; without it the file does not decrypt (truncation is detected).
    pub fn finish(self) -> io::Result<W> {
        self.0.finish()
    }
}

pub fn encrypting_writer<W: Write>(
    recipients: &[&str],
    out: W,
) -> Result<EncryptingWriter<W>, CryptoError> {
    if recipients.is_empty() {
        return Err(CryptoError::Encrypt("no recipients".into()));
    }
    let parsed = recipients
        .iter()
        .map(|r| parse_recipient(r))
        .collect::<Result<Vec<_>, _>>()?;
    let enc = age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| CryptoError::Encrypt(e.to_string()))?;
    enc.wrap_output(out)
        .map(EncryptingWriter)
        .map_err(|e| CryptoError::Encrypt(e.to_string()))
}

/// Encrypts everything `reader` yields to `recipients`; returns the plaintext length.
pub fn encrypt_to<R: Read, W: Write>(
    recipients: &[&str],
    mut reader: R,
    writer: W,
) -> Result<u64, CryptoError> {
    let mut w = encrypting_writer(recipients, writer)?;
    let n = io::copy(&mut reader, &mut w).map_err(|e| CryptoError::Encrypt(e.to_string()))?;
    w.finish()
        .map_err(|e| CryptoError::Encrypt(e.to_string()))?;
    Ok(n)
}

/// A reader of the plaintext. A damaged or truncated ciphertext yields an `io::Error`
/// (`InvalidData`) from `read`, never wrong plaintext at the end of the stream.
pub fn decrypting_reader<R: Read>(
    identity: &AgeIdentity,
    input: R,
) -> Result<impl Read + use<R>, CryptoError> {
    let dec = age::Decryptor::new(input).map_err(|e| CryptoError::Decrypt(e.to_string()))?;
    dec.decrypt(std::iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|e| CryptoError::Decrypt(e.to_string()))
}

/// Decrypts `reader` into `writer`; returns the plaintext length.
pub fn decrypt<R: Read, W: Write>(
    identity: &AgeIdentity,
    reader: R,
    mut writer: W,
) -> Result<u64, CryptoError> {
    let mut r = decrypting_reader(identity, reader)?;
    io::copy(&mut r, &mut writer).map_err(|e| CryptoError::Decrypt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_to_two_recipients() {
        let a = AgeIdentity::generate();
        let b = AgeIdentity::generate();
        let data = vec![7u8; 200_000];
        let mut ct = Vec::new();
        encrypt_to(&[&a.recipient(), &b.recipient()], &data[..], &mut ct).unwrap();
        for id in [&a, &b] {
            let mut pt = Vec::new();
            decrypt(id, &ct[..], &mut pt).unwrap();
            assert_eq!(pt, data);
        }
        let stranger = AgeIdentity::generate();
        assert!(matches!(
            decrypt(&stranger, &ct[..], &mut Vec::new()),
            Err(CryptoError::Decrypt(_))
        ));
        // Truncated ciphertext never yields the whole plaintext silently.
        let cut = &ct[..ct.len() - 10];
        assert!(decrypt(&a, cut, &mut Vec::new()).is_err());
    }

    #[test]
    fn identity_text_round_trips_and_is_not_debug_printed() {
        let a = AgeIdentity::generate();
        let s = a.to_secret_string();
        assert!(s.starts_with("AGE-SECRET-KEY-1"));
        let file = format!("# created: now\n# public key: {}\n{}\n", a.recipient(), *s);
        let b: AgeIdentity = file.parse().unwrap();
        assert_eq!(a.recipient(), b.recipient());
        assert!(!format!("{a:?}").contains(s.as_str()));
        assert!("AGE-SECRET-KEY-1XYZ".parse::<AgeIdentity>().is_err());
        assert!(parse_recipient("age1nope").is_err());
    }
}
