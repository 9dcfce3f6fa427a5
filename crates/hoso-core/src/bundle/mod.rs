//! Sync bundles, lower layer (helper C): the `.hoso` container, its signed manifest, the
//! encrypted and compressed payload, and the per-origin signed segments inside. Trust (which
//! key belongs to which office), recipients/expiry/sequence policy and applying ops are the
//! caller's. The format is specified in docs/bundle-format.md (version 1).
//!
//! # Writing
//! - `PayloadWriter::new(recipients: &[&str] /* age1… incl. the sender's */) -> Result<Self>`;
//!   `push(&SigningKey, &Segment)` (sign own changes), `push_signed(origin, json, minisig)`
//!   (relay verbatim); `finish() -> Result<SealedPayload>` (temp file, size + hashes).
//! - `write_bundle(out: impl Write, NewBundle { sender, recipients, sequence, created, expires,
//!   version_vector }, SealedPayload, &SigningKey) -> Result<Manifest>`.
//!
//! # Reading (each step fails with its own `Error` variant; nothing is trusted before its check)
//! 1. `UnverifiedBundle::read(file: impl Read + Seek, &Limits) -> Result<UnverifiedBundle>`:
//!    tar structure and limits (exactly the three members, in order, regular files, no paths,
//!    size caps, zero-block end), payload hashed while streamed.
//! 2. `bundle.claim() -> &Claim { bundle_id, sender, sequence }` and `key_id()`: read from the
//!    signature's trusted comment, NOT authenticated: use them only to look up the sender's key.
//! 3. `bundle.verify(&PublicKey) -> Result<VerifiedBundle>`: signature first, then the manifest
//!    JSON (format version, agreement with the claim, payload size/BLAKE3/SHA-256).
//! 4. `verified.manifest() -> &Manifest`; the caller checks recipients, expiry and sequence.
//! 5. `verified.open_payload(&AgeIdentity) -> Result<SegmentReader<Box<dyn Read>>>`: age →
//!    zstd with `Limits::max_decompressed`; then `reader.next_segment(&|origin| key) ->
//!    Result<Option<VerifiedSegment { origin, json, minisig, segment: Segment }>>` verifies
//!    each segment's origin signature; `Ok(None)` only after a clean end marker.
//!
//! Error codes: `bundle-malformed`, `bundle-too-large`, `bundle-signature`, `bundle-hash`,
//! `bundle-decrypt`, `bundle-version`, `segment-signature`, `bundle-io`.

mod container;
mod limits;
mod manifest;
mod segment;
#[cfg(test)]
mod tests;

pub use container::{
    MANIFEST, NewBundle, PAYLOAD, PayloadWriter, SIGNATURE, SealedPayload, UnverifiedBundle,
    VerifiedBundle, sender_state, write_bundle,
};
pub use limits::Limits;
pub use manifest::{Claim, FORMAT_VERSION, Manifest, ManifestTrust, OLDEST_FORMAT, PayloadInfo};
pub use segment::{PayloadItem, Segment, SegmentReader, SegmentWriter, VerifiedSegment};
