//! `manifest.json` (format 1) and the signed trusted comment that names the bundle.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::trust::SignedRoster;

/// The bundle format this version writes.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest format this version still reads (format 1: the version vector in the clear
/// manifest, the payload without the sender's state).
pub const OLDEST_FORMAT: u32 = 1;

/// The signed description of a bundle. Field order is the JSON order (pretty-printed, one
/// trailing newline); new versions may only add optional fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// 2 (written now) or 1 (still read).
    pub format: u32,
    /// UUID (v7) of this bundle.
    pub bundle_id: String,
    /// Office code of the sender (the signer of this manifest).
    pub sender: String,
    /// Office codes the payload is encrypted to (besides the sender itself).
    pub recipients: Vec<String>,
    /// When the bundle was written (RFC 3339, UTC).
    pub created: DateTime<Utc>,
    /// The sender's bundle counter: 1, 2, 3… per sender, never reused.
    pub sequence: u64,
    /// After this instant the bundle must not be imported (RFC 3339, UTC).
    pub expires: DateTime<Utc>,
    /// Format 1 only: the sender's op-log version vector (origin office -> highest op seq) when
    /// written. Format 2 carries it inside the encrypted payload, so that a lost stick does not
    /// tell how many changes each office made.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub version_vector: BTreeMap<String, u64>,
    /// Per office: the newest of that office's bundle sequences the sender has imported (how a
    /// peer learns what it no longer needs to send).
    #[serde(default)]
    pub acknowledged: BTreeMap<String, u64>,
    /// Per office: the id of that same newest bundle. Acknowledgements name bundles by id: a
    /// register restored from a copy reuses sequences, and must not take the acknowledgement
    /// of a bundle it no longer remembers for one of its own. Optional (bundles written before
    /// it carry only `acknowledged`, whose sequences readers then compare).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub acknowledged_bundles: BTreeMap<String, String>,
    pub payload: PayloadInfo,
    /// The root key and the newest roster the sender holds (public keys only), so that a new
    /// certificate or a revocation reaches every office with the next bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<ManifestTrust>,
}

/// Trust material in the clear: authentic by the root's signature, whoever relays it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestTrust {
    /// The root's minisign public key line (its fingerprint is what offices confirm).
    pub root_key: String,
    pub roster: SignedRoster,
}

/// What `payload.age` must be, byte for byte (hashes of the encrypted file as stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadInfo {
    /// Size of `payload.age` in bytes.
    pub size: u64,
    /// Lower-case hex BLAKE3 of `payload.age` (`b3sum`).
    pub blake3: String,
    /// Lower-case hex SHA-256 of `payload.age` (`sha256sum`).
    pub sha256: String,
}

impl Manifest {
    /// The exact bytes that are stored and signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("manifest serialises");
        v.push(b'\n');
        v
    }

    /// Parses signed bytes: the format version first, so a newer bundle says so clearly.
    pub(crate) fn from_signed_bytes(bytes: &[u8]) -> Result<Manifest> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let v: Version = serde_json::from_slice(bytes).map_err(|e| Error::BundleMalformed {
            reason: format!("manifest.json is not valid: {e}"),
        })?;
        if !(OLDEST_FORMAT..=FORMAT_VERSION).contains(&v.format) {
            return Err(Error::BundleVersion {
                found: v.format,
                supported: FORMAT_VERSION,
            });
        }
        serde_json::from_slice(bytes).map_err(|e| Error::BundleMalformed {
            reason: format!("manifest.json is not valid: {e}"),
        })
    }

    /// Only the `trust` member of unverified manifest bytes (it is signed by the root, not by
    /// the sender, so it is checked on its own before the sender's key is looked up in it).
    pub(crate) fn trust_of_unverified(bytes: &[u8]) -> Result<Option<ManifestTrust>> {
        #[derive(Deserialize)]
        struct TrustOnly {
            #[serde(default)]
            trust: Option<ManifestTrust>,
        }
        serde_json::from_slice::<TrustOnly>(bytes)
            .map(|t| t.trust)
            .map_err(|e| Error::BundleMalformed {
                reason: format!("manifest.json is not valid: {e}"),
            })
    }

    pub(crate) fn claim(&self) -> Claim {
        Claim {
            bundle_id: self.bundle_id.clone(),
            sender: self.sender.clone(),
            sequence: self.sequence,
        }
    }
}

/// What the signature's trusted comment says about the bundle: `hoso-bundle format=1
/// id=<bundle id> sender=<office> seq=<sequence>`. Read before verification only to choose the
/// sender's key; authentic once `UnverifiedBundle::verify` succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub bundle_id: String,
    pub sender: String,
    pub sequence: u64,
}

impl Claim {
    pub(crate) fn to_comment(&self) -> String {
        format!(
            "hoso-bundle format={FORMAT_VERSION} id={} sender={} seq={}",
            self.bundle_id, self.sender, self.sequence
        )
    }

    pub(crate) fn parse(comment: &str) -> Result<Claim> {
        let bad = || Error::BundleSignature {
            reason: "the signature's trusted comment is not a HoSo bundle comment".into(),
        };
        let mut parts = comment.split(' ');
        if parts.next() != Some("hoso-bundle") {
            return Err(bad());
        }
        let mut field = |name: &str| {
            parts
                .next()
                .and_then(|p| p.strip_prefix(name))
                .and_then(|p| p.strip_prefix('='))
                .map(str::to_string)
                .ok_or_else(bad)
        };
        let format = field("format")?;
        let bundle_id = field("id")?;
        let sender = field("sender")?;
        let sequence = field("seq")?.parse().map_err(|_| bad())?;
        if parts.next().is_some() {
            return Err(bad());
        }
        let found: u32 = format.parse().map_err(|_| bad())?;
        if !(OLDEST_FORMAT..=FORMAT_VERSION).contains(&found) {
            return Err(Error::BundleVersion {
                found,
                supported: FORMAT_VERSION,
            });
        }
        Ok(Claim {
            bundle_id,
            sender,
            sequence,
        })
    }
}

/// Office codes travel in the trusted comment and in segment frames: short, no spaces.
pub(crate) fn check_office_code(field: &str, code: &str) -> Result<()> {
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{code:?} is not an office code (1-32 letters, digits, '-', '_' or '.')"),
        ))
    }
}
