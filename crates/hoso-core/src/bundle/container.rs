//! The `.hoso` file: an uncompressed POSIX ustar archive holding exactly `manifest.json`,
//! `manifest.json.minisig` and `payload.age`, in that order, followed by the two zero blocks
//! that end a tar archive.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use hoso_crypto::seal::{self, EncryptingWriter};
use hoso_crypto::sign::Minisig;
use hoso_crypto::{AgeIdentity, CryptoError, KeyId, PublicKey, SigningKey};
use sha2::{Digest, Sha256};

use super::limits::Limits;
use super::manifest::{
    Claim, FORMAT_VERSION, Manifest, ManifestTrust, PayloadInfo, check_office_code,
};
use super::segment::{Segment, SegmentReader, SegmentWriter};
use crate::error::{Error, Result};
use crate::oplog::VersionVector;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.minisig";
pub const PAYLOAD: &str = "payload.age";
const MEMBERS: [&str; 3] = [MANIFEST, SIGNATURE, PAYLOAD];
const BLOCK: u64 = 512;
const ZSTD_LEVEL: i32 = 3;

// ---------------------------------------------------------------- writing

/// Hashes and counts what passes through to the inner writer.
struct HashingWriter<W> {
    inner: W,
    size: u64,
    blake3: blake3::Hasher,
    sha256: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.blake3.update(&buf[..n]);
        self.sha256.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            size: 0,
            blake3: blake3::Hasher::new(),
            sha256: Sha256::new(),
        }
    }
    fn info(&self) -> PayloadInfo {
        PayloadInfo {
            size: self.size,
            blake3: self.blake3.finalize().to_hex().to_string(),
            sha256: hex_lower(&self.sha256.clone().finalize()),
        }
    }
}

type PayloadPipe = zstd::Encoder<'static, EncryptingWriter<HashingWriter<File>>>;

/// Builds the encrypted payload in an anonymous temporary file (the tar header needs its size
/// before its bytes), streaming: memory stays bounded whatever the number of segments.
pub struct PayloadWriter {
    segments: SegmentWriter<PayloadPipe>,
}

impl PayloadWriter {
    /// `recipients`: age recipient strings (`age1…`) of every recipient office and the sender;
    /// `state`: the sender's version vector, which travels encrypted (format 2).
    pub fn new(recipients: &[&str], state: &VersionVector) -> Result<Self> {
        let file = tempfile::tempfile().map_err(|e| Error::BundleIo(e.to_string()))?;
        let enc = seal::encrypting_writer(recipients, HashingWriter::new(file))
            .map_err(|e| Error::invalid("recipients", e.to_string()))?;
        let z = zstd::Encoder::new(enc, ZSTD_LEVEL).map_err(|e| Error::BundleIo(e.to_string()))?;
        Ok(PayloadWriter {
            segments: SegmentWriter::new(z, state)?,
        })
    }

    /// Signs and appends this office's own segment.
    pub fn push(&mut self, key: &SigningKey, segment: &Segment) -> Result<()> {
        self.segments.push(key, segment)
    }

    /// Appends a segment signed by its origin, verbatim (relaying).
    pub fn push_signed(&mut self, origin: &str, json: &[u8], minisig: &str) -> Result<()> {
        self.segments.push_signed(origin, json, minisig)
    }

    /// Appends an attachment's contents (authentic through the BLAKE3 a signed op names).
    pub fn push_attachment(&mut self, content: &[u8]) -> Result<()> {
        self.segments.push_attachment(content)
    }

    pub fn finish(self) -> Result<SealedPayload> {
        let io = |e: io::Error| Error::BundleIo(e.to_string());
        let z = self.segments.finish()?;
        let enc = z.finish().map_err(io)?;
        let mut hashing = enc.finish().map_err(io)?;
        hashing.flush().map_err(io)?;
        let info = hashing.info();
        Ok(SealedPayload {
            file: hashing.inner,
            info,
        })
    }
}

/// An encrypted payload ready to be put in a bundle.
pub struct SealedPayload {
    file: File,
    info: PayloadInfo,
}

impl SealedPayload {
    /// Wraps an existing `payload.age` file (already encrypted), hashing it.
    pub fn from_file(mut file: File) -> Result<Self> {
        let io = |e: io::Error| Error::BundleIo(e.to_string());
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut h = HashingWriter::new(io::sink());
        io::copy(&mut file, &mut h).map_err(io)?;
        Ok(SealedPayload {
            file,
            info: h.info(),
        })
    }

    pub fn info(&self) -> &PayloadInfo {
        &self.info
    }
}

/// What the sender states about a new bundle.
#[derive(Clone, Debug)]
pub struct NewBundle {
    pub sender: String,
    pub recipients: Vec<String>,
    pub sequence: u64,
    pub created: chrono::DateTime<chrono::Utc>,
    pub expires: chrono::DateTime<chrono::Utc>,
    pub acknowledged: VersionVector,
    /// Per office: the bundle id of the `acknowledged` sequence.
    pub acknowledged_bundles: std::collections::BTreeMap<String, String>,
    pub trust: Option<ManifestTrust>,
}

/// Writes a complete `.hoso` bundle to `out`: signs the manifest (which binds the payload's
/// size and hashes) with the sender's key. Returns the manifest written.
pub fn write_bundle<W: Write>(
    out: W,
    bundle: NewBundle,
    payload: SealedPayload,
    key: &SigningKey,
) -> Result<Manifest> {
    check_office_code("sender", &bundle.sender)?;
    for r in &bundle.recipients {
        check_office_code("recipient", r)?;
    }
    if bundle.sequence == 0 {
        return Err(Error::invalid("sequence", "bundle sequences start at 1"));
    }
    let manifest = Manifest {
        format: FORMAT_VERSION,
        bundle_id: uuid::Uuid::now_v7().to_string(),
        sender: bundle.sender,
        recipients: bundle.recipients,
        created: bundle.created,
        sequence: bundle.sequence,
        expires: bundle.expires,
        // Format 2: in the encrypted payload (`PayloadWriter::new`), not in the clear.
        version_vector: VersionVector::new(),
        acknowledged: bundle.acknowledged,
        acknowledged_bundles: bundle.acknowledged_bundles,
        payload: payload.info.clone(),
        trust: bundle.trust,
    };
    let bytes = manifest.to_bytes();
    let sig = key
        .sign(&bytes, &manifest.claim().to_comment())
        .map_err(|e| Error::invalid("bundle", e.to_string()))?;
    let mtime = u64::try_from(manifest.created.timestamp()).unwrap_or(0);
    let io = |e: io::Error| Error::BundleIo(e.to_string());
    let mut tar = tar::Builder::new(out);
    let mut file = payload.file;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    append(&mut tar, MANIFEST, bytes.len() as u64, mtime, &bytes[..]).map_err(io)?;
    append(&mut tar, SIGNATURE, sig.len() as u64, mtime, sig.as_bytes()).map_err(io)?;
    append(
        &mut tar,
        PAYLOAD,
        payload.info.size,
        mtime,
        file.take(payload.info.size),
    )
    .map_err(io)?;
    let mut out = tar.into_inner().map_err(io)?;
    out.flush().map_err(io)?;
    Ok(manifest)
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    size: u64,
    mtime: u64,
    data: impl Read,
) -> io::Result<()> {
    let mut h = tar::Header::new_ustar();
    h.set_path(name)?;
    h.set_size(size);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    tar.append(&h, data)
}

// ---------------------------------------------------------------- reading

/// Failures inside the payload read pipeline (age → zstd → cap), carried through `io::Error`
/// so each surfaces as its own typed error.
#[derive(Debug)]
pub(crate) enum Fault {
    TooLarge { what: String, limit: u64 },
    Hash,
    Decrypt(String),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for Fault {}

impl Fault {
    pub(crate) fn of(e: &io::Error) -> Option<&Fault> {
        e.get_ref().and_then(|i| i.downcast_ref::<Fault>())
    }
}

pub(crate) fn io_to_error(e: io::Error) -> Error {
    match Fault::of(&e) {
        Some(Fault::TooLarge { what, limit }) => Error::BundleTooLarge {
            what: what.clone(),
            limit: *limit,
        },
        Some(Fault::Hash) => Error::BundleHash {
            what: "payload.age changed while it was read".into(),
        },
        Some(Fault::Decrypt(r)) => Error::BundleDecrypt {
            reason: format!("the encrypted payload is damaged ({r})"),
        },
        None => Error::BundleMalformed {
            reason: format!("the payload cannot be read: {e}"),
        },
    }
}

/// A bundle whose structure passed the limits, hashes computed, signature NOT yet checked.
///
/// Use: `read` → look at `claim()` (unauthenticated sender, bundle id, sequence, and the key id
/// of the signature) only to find the sender's public key in the trust roster → `verify(key)`.
/// Nothing of the manifest is parsed before the signature verifies.
pub struct UnverifiedBundle<R> {
    input: R,
    limits: Limits,
    manifest_bytes: Vec<u8>,
    minisig: String,
    key_id: KeyId,
    claim: Claim,
    payload_offset: u64,
    payload: PayloadInfo,
}

impl<R: Read + Seek + 'static> UnverifiedBundle<R> {
    /// Reads the tar structure with hard limits and hashes `payload.age` (streaming).
    pub fn read(mut input: R, limits: &Limits) -> Result<Self> {
        let io = |e: io::Error| Error::BundleIo(e.to_string());
        let len = input.seek(SeekFrom::End(0)).map_err(io)?;
        if len > limits.max_file {
            return Err(Error::BundleTooLarge {
                what: "the bundle file".into(),
                limit: limits.max_file,
            });
        }
        input.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut manifest_bytes = Vec::new();
        let mut sig_bytes = Vec::new();
        let mut payload: Option<(u64, PayloadInfo)> = None;
        {
            let mut archive = tar::Archive::new(&mut input);
            let entries = archive.entries().map_err(damaged)?;
            for (i, entry) in entries.enumerate() {
                let mut entry = entry.map_err(damaged)?;
                let name = entry.path_bytes().into_owned();
                let shown = String::from_utf8_lossy(&name).into_owned();
                check_member(i, &name, &shown, entry.header().entry_type())?;
                if entry.pax_extensions().map_err(damaged)?.is_some() {
                    return Err(malformed(format!("member {shown} has extended headers")));
                }
                let size = entry.size();
                let cap = match i {
                    0 => limits.max_manifest,
                    1 => limits.max_signature,
                    _ => limits.max_file,
                };
                if size > cap {
                    return Err(Error::BundleTooLarge {
                        what: shown,
                        limit: cap,
                    });
                }
                match i {
                    0 | 1 => {
                        let buf = if i == 0 {
                            &mut manifest_bytes
                        } else {
                            &mut sig_bytes
                        };
                        (&mut entry).take(size).read_to_end(buf).map_err(damaged)?;
                        if buf.len() as u64 != size {
                            return Err(truncated());
                        }
                    }
                    _ => {
                        let offset = entry.raw_file_position();
                        let mut h = HashingWriter::new(io::sink());
                        let n = io::copy(&mut (&mut entry).take(size), &mut h).map_err(damaged)?;
                        if n != size {
                            return Err(truncated());
                        }
                        payload = Some((offset, h.info()));
                    }
                }
            }
        }
        let Some((payload_offset, payload)) = payload else {
            return Err(malformed(format!(
                "member {} is missing (the file is truncated or incomplete)",
                MEMBERS[if manifest_bytes.is_empty() {
                    0
                } else if sig_bytes.is_empty() {
                    1
                } else {
                    2
                }]
            )));
        };
        // The archive must end with its two zero blocks and nothing but zeros after them.
        let end = payload_offset + payload.size.div_ceil(BLOCK) * BLOCK;
        if len < end + 2 * BLOCK {
            return Err(truncated());
        }
        input.seek(SeekFrom::Start(end)).map_err(io)?;
        let mut rest = (&mut input).take(len - end);
        let mut buf = [0u8; 8192];
        loop {
            let n = rest.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            if buf[..n].iter().any(|&b| b != 0) {
                return Err(malformed("data after the end of the archive".into()));
            }
        }
        let minisig = String::from_utf8(sig_bytes).map_err(|_| Error::BundleSignature {
            reason: "manifest.json.minisig is not text".into(),
        })?;
        let parsed = Minisig::parse(&minisig).map_err(|e| Error::BundleSignature {
            reason: format!("manifest.json.minisig: {e}"),
        })?;
        let claim = Claim::parse(parsed.trusted_comment())?;
        Ok(UnverifiedBundle {
            input,
            limits: limits.clone(),
            manifest_bytes,
            minisig,
            key_id: parsed.key_id(),
            claim,
            payload_offset,
            payload,
        })
    }

    /// The sender, bundle id and sequence as the signature's comment states them: NOT
    /// authenticated; only for choosing the key to verify with.
    pub fn claim(&self) -> &Claim {
        &self.claim
    }

    /// The key id the signature names (unauthenticated), e.g. to tell a rotated key.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The root key and roster the manifest carries, NOT authenticated: check the roster's
    /// root signature before using it to find the sender's key.
    pub fn unverified_trust(&self) -> Result<Option<ManifestTrust>> {
        Manifest::trust_of_unverified(&self.manifest_bytes)
    }

    /// BLAKE3 of `manifest.json` as stored (names this exact bundle, e.g. to tell a replay).
    pub fn manifest_hash(&self) -> String {
        blake3::hash(&self.manifest_bytes).to_hex().to_string()
    }

    /// Checks the manifest signature with the sender's key, then parses the manifest and
    /// checks that it matches the signed comment and the payload actually present.
    pub fn verify(self, sender_key: &PublicKey) -> Result<VerifiedBundle<R>> {
        sender_key
            .verify(&self.manifest_bytes, &self.minisig)
            .map_err(|e| Error::BundleSignature {
                reason: match e {
                    CryptoError::SignatureKeyMismatch { found, expected } => format!(
                        "it was signed with key {found}, not with office {}'s key {expected}",
                        self.claim.sender
                    ),
                    CryptoError::BadSignature => {
                        "the manifest or its signature was altered".to_string()
                    }
                    other => other.to_string(),
                },
            })?;
        let manifest = Manifest::from_signed_bytes(&self.manifest_bytes)?;
        if manifest.claim() != self.claim {
            return Err(malformed(
                "the manifest disagrees with its signature's comment".into(),
            ));
        }
        let (p, m) = (&self.payload, &manifest.payload);
        let what = if p.size != m.size {
            Some("payload size")
        } else if p.blake3 != m.blake3 {
            Some("payload BLAKE3")
        } else if p.sha256 != m.sha256 {
            Some("payload SHA-256")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(Error::BundleHash { what: what.into() });
        }
        Ok(VerifiedBundle {
            input: self.input,
            limits: self.limits,
            manifest,
            payload_offset: self.payload_offset,
        })
    }
}

/// A bundle whose manifest is authentic and whose payload matches it.
pub struct VerifiedBundle<R> {
    input: R,
    limits: Limits,
    manifest: Manifest,
    payload_offset: u64,
}

impl<R: Read + Seek + 'static> VerifiedBundle<R> {
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Decrypts with this office's age identity and stream-decompresses under
    /// `Limits::max_decompressed`; returns the segment reader. The payload is re-hashed while
    /// read, so a file swapped under us after `verify` fails at its end.
    pub fn open_payload(mut self, identity: &AgeIdentity) -> Result<SegmentReader<Box<dyn Read>>> {
        self.input
            .seek(SeekFrom::Start(self.payload_offset))
            .map_err(|e| Error::BundleIo(e.to_string()))?;
        let raw = Rehash {
            inner: self.input.take(self.manifest.payload.size),
            hasher: blake3::Hasher::new(),
            expected: self.manifest.payload.blake3.clone(),
        };
        let plain = seal::decrypting_reader(identity, raw).map_err(|e| Error::BundleDecrypt {
            reason: match e {
                CryptoError::Decrypt(r) => {
                    format!("it is not addressed to this office's key, or it is damaged ({r})")
                }
                other => other.to_string(),
            },
        })?;
        let tagged = Tagged(plain);
        let z = zstd::Decoder::new(tagged).map_err(|e| Error::BundleIo(e.to_string()))?;
        let capped = Cap {
            inner: z,
            left: self.limits.max_decompressed,
            limit: self.limits.max_decompressed,
        };
        let reader =
            SegmentReader::new(Box::new(capped) as Box<dyn Read>, self.limits.max_segment)?;
        // The signed manifest's format decides where the sender's version vector is: a
        // payload of the other format was swapped in, or the manifest lies.
        let in_payload = reader.state().is_some();
        let format_2 = self.manifest.format >= 2;
        if in_payload != format_2 || (format_2 && !self.manifest.version_vector.is_empty()) {
            return Err(Error::BundleMalformed {
                reason: format!(
                    "the payload does not have the form of a format-{} bundle",
                    self.manifest.format
                ),
            });
        }
        Ok(reader)
    }
}

/// Re-hashes the ciphertext; at its end, a mismatch becomes `Fault::Hash`.
struct Rehash<R> {
    inner: R,
    hasher: blake3::Hasher,
    expected: String,
}

impl<R: Read> Read for Rehash<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && self.hasher.finalize().to_hex().as_str() != self.expected {
            return Err(io::Error::other(Fault::Hash));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Marks errors from age's stream reader as decryption faults.
struct Tagged<R>(R);

impl<R: Read> Read for Tagged<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            if Fault::of(&e).is_some() {
                e
            } else {
                io::Error::other(Fault::Decrypt(e.to_string()))
            }
        })
    }
}

/// Fails once more than `limit` bytes would come out (a zstd bomb stops here).
struct Cap<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Cap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // Ask for one byte more than allowed so that exceeding is detected, not truncated.
        let want = buf
            .len()
            .min(usize::try_from(self.left + 1).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(io::Error::other(Fault::TooLarge {
                what: "the decompressed payload".into(),
                limit: self.limit,
            }));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn check_member(i: usize, name: &[u8], shown: &str, kind: tar::EntryType) -> Result<()> {
    if name.starts_with(b"/") {
        return Err(malformed(format!("member {shown:?} has an absolute path")));
    }
    if name.split(|&b| b == b'/').any(|c| c == b"..") {
        return Err(malformed(format!(
            "member {shown:?} points outside the bundle"
        )));
    }
    if name.contains(&b'/') || name.contains(&b'\\') {
        return Err(malformed(format!("member {shown:?} is in a folder")));
    }
    if i >= MEMBERS.len() {
        return Err(malformed(format!("unexpected extra member {shown:?}")));
    }
    if MEMBERS[..i].iter().any(|m| m.as_bytes() == name) {
        return Err(malformed(format!("member {shown:?} appears twice")));
    }
    if name != MEMBERS[i].as_bytes() {
        return Err(malformed(format!(
            "expected member {} at position {}, found {shown:?}",
            MEMBERS[i],
            i + 1
        )));
    }
    if kind != tar::EntryType::Regular {
        return Err(malformed(format!(
            "member {shown:?} is not a regular file (link or special file)"
        )));
    }
    Ok(())
}

fn malformed(reason: String) -> Error {
    Error::BundleMalformed { reason }
}

fn truncated() -> Error {
    malformed("the file ends early (truncated)".into())
}

fn damaged(e: io::Error) -> Error {
    malformed(format!("the archive structure is damaged ({e})"))
}

fn hex_lower(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The sender's version vector: from the payload (format 2), or the manifest (format 1).
pub fn sender_state<R: Read>(manifest: &Manifest, reader: &SegmentReader<R>) -> VersionVector {
    reader
        .state()
        .cloned()
        .unwrap_or_else(|| manifest.version_vector.clone())
}
