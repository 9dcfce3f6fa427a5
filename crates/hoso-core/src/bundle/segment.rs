//! The payload's plaintext (before zstd): a stream of segments, each the ops of one office on
//! one scope unit over a range of its transactions, signed by the office that wrote them, so a
//! relayed bundle still proves who wrote each change. Framing (integers big-endian):
//!
//! ```text
//! "HOSOSEG1"                                   magic, 8 bytes
//! repeated:  0x01  u8 origin_len  origin        office code (ASCII)
//!                  u32 json_len   json          the segment JSON (signed bytes)
//!                  u16 sig_len    minisig       the origin's .minisig text over `json`
//!       or:  0x02  [32] blake3                  an attachment's contents, named by the
//!                  u32 len        bytes         BLAKE3 a signed "documents" op carries
//! end:       0x00                               then end of stream
//! ```
//!
//! The segment JSON is canonical (sorted keys, no spaces, strings escaped only where JSON
//! requires, numbers only integers), so an office that relays a segment can rebuild the exact
//! signed bytes from the ops it stored. The reader refuses a segment whose bytes are not
//! canonical or that holds a number that is not an integer ([`Segment::check_canonical`]).

use std::io::{self, Read, Write};

use hoso_crypto::sign::Minisig;
use hoso_crypto::{KeyId, PublicKey, SigningKey};
use serde::{Deserialize, Serialize};

use super::container::{Fault, io_to_error};
use super::manifest::check_office_code;
use crate::error::{Error, Result};
use crate::oplog::{Op, ScopeUnit};

/// Format 1: segments and attachments only.
const MAGIC_1: &[u8; 8] = b"HOSOSEG1";
/// Format 2: the sender's state (its version vector) first, then segments and attachments. The
/// version vector says how many operations each office wrote: inside the encrypted payload, a
/// lost stick does not tell it.
const MAGIC_2: &[u8; 8] = b"HOSOSEG2";
/// The state record's cap (a version vector of a few hundred offices is a few kilobytes).
const MAX_STATE: u32 = 1 << 20;
const TAG_SEGMENT: u8 = 1;
const TAG_ATTACHMENT: u8 = 2;
const TAG_END: u8 = 0;
const MAX_SIG: u16 = 4096;

/// One signed unit: every op of `origin` on one scope unit whose transaction lies between the
/// first op's and the last op's (whole transactions, in sequence order). An office that relays
/// the segment rebuilds exactly these ops from its store by that range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub origin: String,
    pub scope: ScopeUnit,
    pub ops: Vec<Op>,
}

impl Segment {
    /// A segment may only carry ops of its own origin and scope unit, in increasing sequence.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.ops.is_empty() {
            return Err("the segment holds no operation".into());
        }
        let mut previous: Option<u64> = None;
        for op in &self.ops {
            if op.id.origin != self.origin {
                return Err(format!(
                    "operation {}:{} was written by another office",
                    op.id.origin, op.id.seq
                ));
            }
            if op.scope != self.scope {
                return Err(format!(
                    "operation {}:{} belongs to another scope",
                    op.id.origin, op.id.seq
                ));
            }
            if previous.is_some_and(|p| p >= op.id.seq) {
                return Err(format!(
                    "operation {}:{} is out of order",
                    op.id.origin, op.id.seq
                ));
            }
            previous = Some(op.id.seq);
        }
        Ok(())
    }

    /// The decoded segment is exactly what its origin signed: every number is an integer, and
    /// re-serialising it gives `signed` byte for byte (so any office can rebuild these bytes
    /// from its stored ops to relay them, and every office stores the same ops). A bundle
    /// holding a segment that fails this is refused whole.
    pub fn check_canonical(&self, signed: &[u8]) -> Result<()> {
        for op in &self.ops {
            if let Some(n) = op.change.non_integer() {
                return Err(malformed(&format!(
                    "operation {} of office {} (on {}) carries the number {n}, which is not a \
                     whole number: bundles carry only whole numbers and text",
                    op.id, self.origin, op.entity
                )));
            }
        }
        if self.to_signed_bytes() != signed {
            return Err(malformed(&format!(
                "a segment of office {} on {} (operations {} to {}) is not in canonical form: \
                 its signed bytes are not what re-encoding its operations gives",
                self.origin,
                self.scope,
                self.ops
                    .first()
                    .map_or_else(String::new, |o| o.id.to_string()),
                self.ops
                    .last()
                    .map_or_else(String::new, |o| o.id.to_string()),
            )));
        }
        Ok(())
    }

    /// The transactions the segment covers, first and last (`check` passed).
    pub fn txn_range(&self) -> (u64, u64) {
        let first = self.ops.first().map_or(0, |o| o.txn);
        let last = self.ops.last().map_or(0, |o| o.txn);
        (first, last)
    }

    pub(crate) fn comment(origin: &str) -> String {
        format!("hoso-segment format=1 origin={origin}")
    }

    /// The signed bytes: canonical JSON (what a relay rebuilds from stored ops).
    pub fn to_signed_bytes(&self) -> Vec<u8> {
        // `{"ops":[…],"origin":…,"scope":…}`: keys in bytewise order, each op written by the
        // op log's canonical writer (a test checks this equals the generic canonical JSON).
        let mut out = Vec::with_capacity(64 + 320 * self.ops.len());
        out.extend_from_slice(b"{\"ops\":[");
        for (i, op) in self.ops.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            crate::oplog::write_canonical_op(op, &mut out);
        }
        out.extend_from_slice(b"],\"origin\":");
        serde_json::to_writer(&mut out, &self.origin).expect("writing to a Vec cannot fail");
        out.extend_from_slice(b",\"scope\":");
        serde_json::to_writer(&mut out, self.scope.as_str()).expect("writing to a Vec cannot fail");
        out.push(b'}');
        out
    }

    /// Signs the segment as its origin (`key` must be the origin's current key).
    pub fn sign(&self, key: &SigningKey) -> Result<(Vec<u8>, String)> {
        let json = self.to_signed_bytes();
        let sig = key
            .sign(&json, &Segment::comment(&self.origin))
            .map_err(|e| Error::invalid("segment", e.to_string()))?;
        Ok((json, sig))
    }
}

/// One record of the payload.
#[derive(Clone, Debug)]
pub enum PayloadItem {
    Segment(VerifiedSegment),
    /// Contents whose BLAKE3 matched `blake3` (lower-case hex).
    Attachment {
        blake3: String,
        content: Vec<u8>,
    },
}

/// Writes the segment stream into any writer (the bundle's zstd + age pipeline).
pub struct SegmentWriter<W: Write> {
    out: W,
    count: u64,
}

impl<W: Write> SegmentWriter<W> {
    /// Starts a format-2 stream with the sender's state (its version vector).
    pub fn new(mut out: W, state: &crate::oplog::VersionVector) -> Result<Self> {
        out.write_all(MAGIC_2).map_err(write_err)?;
        let json = crate::oplog::canonical_json(&serde_json::to_value(state).expect("serialises"));
        let len = u32::try_from(json.len()).map_err(|_| Error::invalid("state", "too large"))?;
        out.write_all(&len.to_be_bytes()).map_err(write_err)?;
        out.write_all(json.as_bytes()).map_err(write_err)?;
        Ok(SegmentWriter { out, count: 0 })
    }

    /// Signs `segment` with the origin's key (this office writing its own changes) and appends it.
    pub fn push(&mut self, key: &SigningKey, segment: &Segment) -> Result<()> {
        check_office_code("segment origin", &segment.origin)?;
        segment.check().map_err(|r| Error::invalid("segment", r))?;
        let (json, sig) = segment.sign(key)?;
        self.push_signed(&segment.origin, &json, &sig)
    }

    /// Appends an attachment's contents.
    pub fn push_attachment(&mut self, content: &[u8]) -> Result<()> {
        let len = u32::try_from(content.len())
            .map_err(|_| Error::invalid("attachment", "larger than 4 GiB"))?;
        let hash = blake3::hash(content);
        let w = &mut self.out;
        (|| -> io::Result<()> {
            w.write_all(&[TAG_ATTACHMENT])?;
            w.write_all(hash.as_bytes())?;
            w.write_all(&len.to_be_bytes())?;
            w.write_all(content)
        })()
        .map_err(write_err)
    }

    /// Appends an already signed segment verbatim (relaying another office's changes).
    pub fn push_signed(&mut self, origin: &str, json: &[u8], minisig: &str) -> Result<()> {
        check_office_code("segment origin", origin)?;
        let json_len = u32::try_from(json.len())
            .map_err(|_| Error::invalid("segment", "a segment larger than 4 GiB"))?;
        let sig_len = u16::try_from(minisig.len())
            .ok()
            .filter(|&l| l <= MAX_SIG)
            .ok_or_else(|| Error::invalid("segment", "signature text too long"))?;
        let w = &mut self.out;
        (|| -> io::Result<()> {
            w.write_all(&[TAG_SEGMENT, origin.len() as u8])?;
            w.write_all(origin.as_bytes())?;
            w.write_all(&json_len.to_be_bytes())?;
            w.write_all(json)?;
            w.write_all(&sig_len.to_be_bytes())?;
            w.write_all(minisig.as_bytes())
        })()
        .map_err(write_err)?;
        self.count += 1;
        Ok(())
    }

    pub fn segments_written(&self) -> u64 {
        self.count
    }

    /// Writes the end marker (a stream without it reads as truncated) and returns the writer.
    pub fn finish(mut self) -> Result<W> {
        self.out.write_all(&[TAG_END]).map_err(write_err)?;
        Ok(self.out)
    }
}

fn write_err(e: io::Error) -> Error {
    Error::BundleIo(e.to_string())
}

/// A segment whose origin signature verified; `json` are the signed bytes (forward them
/// verbatim with `SegmentWriter::push_signed`, with `minisig`).
#[derive(Clone, Debug)]
pub struct VerifiedSegment {
    pub origin: String,
    pub json: Vec<u8>,
    pub minisig: String,
    pub segment: Segment,
}

/// Reads and verifies segments one at a time (bounded memory: one segment).
pub struct SegmentReader<R: Read> {
    input: R,
    max_segment: u32,
    done: bool,
    /// The sender's version vector (format 2; format 1 carries it in the manifest).
    state: Option<crate::oplog::VersionVector>,
}

impl<R: Read> SegmentReader<R> {
    pub fn new(mut input: R, max_segment: u32) -> Result<Self> {
        let mut magic = [0u8; 8];
        read_exact(&mut input, &mut magic)?;
        let state = match &magic {
            m if m == MAGIC_1 => None,
            m if m == MAGIC_2 => {
                let mut len4 = [0u8; 4];
                read_exact(&mut input, &mut len4)?;
                let len = u32::from_be_bytes(len4);
                if len > MAX_STATE {
                    return Err(malformed("the sender's state is too large"));
                }
                let mut json = Vec::new();
                (&mut input)
                    .take(len.into())
                    .read_to_end(&mut json)
                    .map_err(io_to_error)?;
                if json.len() != len as usize {
                    return Err(malformed(
                        "the payload ends in the sender's state (truncated)",
                    ));
                }
                let vv: crate::oplog::VersionVector = serde_json::from_slice(&json)
                    .map_err(|e| malformed(&format!("the sender's state is not valid: {e}")))?;
                Some(vv)
            }
            _ => return Err(malformed("the payload is not a HoSo segment stream")),
        };
        Ok(SegmentReader {
            input,
            max_segment,
            done: false,
            state,
        })
    }

    /// The sender's version vector carried in the payload (format 2), if any.
    pub fn state(&self) -> Option<&crate::oplog::VersionVector> {
        self.state.as_ref()
    }

    /// The next segment, verified with `key_of(origin)`; an attachment here is an error (see
    /// [`Self::next_item`]).
    pub fn next_segment(
        &mut self,
        key_of: &dyn Fn(&str) -> Option<PublicKey>,
    ) -> Result<Option<VerifiedSegment>> {
        match self.next_item(&|origin, _| key_of(origin).ok_or_else(unknown_key))? {
            None => Ok(None),
            Some(PayloadItem::Segment(s)) => Ok(Some(s)),
            Some(PayloadItem::Attachment { .. }) => Err(malformed("unexpected attachment")),
        }
    }

    /// The next record: a segment verified with `key_of(origin, key id)` (the origin's signing
    /// key as the trust roster knows it, or why it is not trusted), or an attachment whose
    /// contents match its hash. `Ok(None)` after the end marker, once the stream is confirmed
    /// to end there.
    pub fn next_item(
        &mut self,
        key_of: &dyn Fn(&str, KeyId) -> std::result::Result<PublicKey, String>,
    ) -> Result<Option<PayloadItem>> {
        if self.done {
            return Ok(None);
        }
        let mut tag = [0u8; 1];
        read_exact(&mut self.input, &mut tag)?;
        match tag[0] {
            TAG_END => {
                // Trailing bytes after the end marker mean a damaged or spliced stream.
                let mut extra = [0u8; 1];
                let n = read_some(&mut self.input, &mut extra)?;
                if n != 0 {
                    return Err(malformed("data after the end of the segment stream"));
                }
                self.done = true;
                return Ok(None);
            }
            TAG_SEGMENT => {}
            TAG_ATTACHMENT => return self.read_attachment().map(Some),
            _ => return Err(malformed("unknown record in the segment stream")),
        }
        let mut len = [0u8; 1];
        read_exact(&mut self.input, &mut len)?;
        let mut origin = vec![0u8; len[0] as usize];
        read_exact(&mut self.input, &mut origin)?;
        let origin = String::from_utf8(origin)
            .ok()
            .filter(|o| check_office_code("origin", o).is_ok())
            .ok_or_else(|| malformed("a segment names an invalid office code"))?;
        let mut len4 = [0u8; 4];
        read_exact(&mut self.input, &mut len4)?;
        let json_len = u32::from_be_bytes(len4);
        if json_len > self.max_segment {
            return Err(Error::BundleTooLarge {
                what: format!("a change set from office {origin}"),
                limit: self.max_segment.into(),
            });
        }
        // Grows as bytes arrive: a lying length cannot make us allocate up front.
        let mut json = Vec::new();
        (&mut self.input)
            .take(json_len.into())
            .read_to_end(&mut json)
            .map_err(io_to_error)?;
        if json.len() != json_len as usize {
            return Err(malformed(
                "the payload ends in the middle of a segment (truncated)",
            ));
        }
        let mut len2 = [0u8; 2];
        read_exact(&mut self.input, &mut len2)?;
        let sig_len = u16::from_be_bytes(len2);
        if sig_len > MAX_SIG {
            return Err(malformed("a segment signature is too long"));
        }
        let mut sig = vec![0u8; sig_len as usize];
        read_exact(&mut self.input, &mut sig)?;
        let seg_err = |reason: String| Error::SegmentSignature {
            origin: origin.clone(),
            reason,
        };
        let minisig = String::from_utf8(sig).map_err(|_| seg_err("malformed signature".into()))?;
        let key_id = Minisig::parse(&minisig)
            .map_err(|e| seg_err(e.to_string()))?
            .key_id();
        let key = key_of(&origin, key_id).map_err(seg_err)?;
        let comment = key
            .verify(&json, &minisig)
            .map_err(|e| seg_err(e.to_string()))?;
        if comment.as_str() != Segment::comment(&origin) {
            return Err(seg_err("the signature was made for another office".into()));
        }
        let segment: Segment = serde_json::from_slice(&json)
            .map_err(|e| malformed(&format!("a signed segment is not valid: {e}")))?;
        if segment.origin != origin {
            return Err(seg_err(format!(
                "the segment claims office {} inside",
                segment.origin
            )));
        }
        segment.check().map_err(|r| malformed(&r))?;
        segment.check_canonical(&json)?;
        Ok(Some(PayloadItem::Segment(VerifiedSegment {
            origin,
            json,
            minisig,
            segment,
        })))
    }

    fn read_attachment(&mut self) -> Result<PayloadItem> {
        let mut hash = [0u8; 32];
        read_exact(&mut self.input, &mut hash)?;
        let mut len4 = [0u8; 4];
        read_exact(&mut self.input, &mut len4)?;
        let len = u32::from_be_bytes(len4);
        if len > self.max_segment {
            return Err(Error::BundleTooLarge {
                what: "an attachment".into(),
                limit: self.max_segment.into(),
            });
        }
        let mut content = Vec::new();
        (&mut self.input)
            .take(len.into())
            .read_to_end(&mut content)
            .map_err(io_to_error)?;
        if content.len() != len as usize {
            return Err(malformed(
                "the payload ends in the middle of an attachment (truncated)",
            ));
        }
        if blake3::hash(&content).as_bytes() != &hash {
            return Err(Error::BundleHash {
                what: "an attachment's contents".into(),
            });
        }
        Ok(PayloadItem::Attachment {
            blake3: blake3::Hash::from_bytes(hash).to_hex().to_string(),
            content,
        })
    }
}

fn unknown_key() -> String {
    "no signing key is known for this office".into()
}

fn malformed(reason: &str) -> Error {
    Error::BundleMalformed {
        reason: reason.to_string(),
    }
}

fn read_exact(r: &mut impl Read, buf: &mut [u8]) -> Result<()> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof && Fault::of(&e).is_none() {
            malformed("the payload ends in the middle of a segment (truncated)")
        } else {
            io_to_error(e)
        }
    })
}

fn read_some(r: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    loop {
        match r.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_to_error(e)),
        }
    }
}
