//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, never in shipped builds).
//! Each takes arbitrary bytes, runs one parser the way an import or a sign-in does, and must
//! return (an error is fine) without panicking, hanging or allocating without bound.

use std::io::Cursor;
use std::sync::OnceLock;

use hoso_crypto::{PublicKey, SigningKey};

use crate::bundle::{
    Claim, Limits, Manifest, PayloadItem, Segment, SegmentReader, SegmentWriter, UnverifiedBundle,
};
use crate::trust::{SignedCertificate, SignedEnrolment, SignedRoster};

/// One signing key for the whole fuzz run: lets targets sign what the fuzzer made up, so the
/// decoders behind the signature checks are reached too.
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().expect("a signing key"))
}

fn public() -> PublicKey {
    key().public_key()
}

/// The bundle file: tar members, limits, the manifest and its clear trust section.
pub fn bundle_file(data: &[u8]) {
    let limits = Limits::default();
    if let Ok(bundle) = UnverifiedBundle::read(Cursor::new(data.to_vec()), &limits) {
        let _ = bundle.unverified_trust();
        let _ = bundle.manifest_hash();
        let _ = bundle.verify(&public());
    }
}

/// The manifest's signed JSON and the trusted comment of its signature.
pub fn manifest(data: &[u8]) {
    let _ = Manifest::from_signed_bytes(data);
    let _ = Manifest::trust_of_unverified(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Claim::parse(text);
    }
}

/// A roster or a certificate as JSON; verified against the run's key after signing its body, so
/// the checks after the signature run on made-up rosters too.
pub fn roster(data: &[u8]) {
    if let Ok(mut signed) = serde_json::from_slice::<SignedRoster>(data) {
        let _ = signed.verify(&public());
        // Re-signed by the run's key: the checks after the signature see made-up rosters.
        signed.roster.root_key_id = public().key_id().to_string();
        if let Ok(body) = crate::trust::cert::canonical(&signed.roster)
            && let Ok(sig) = key().sign(body.as_bytes(), "roster")
        {
            signed.signature = sig;
            let _ = signed.verify(&public());
            let _ = signed.roster.central_office();
        }
    }
    if let Ok(signed) = serde_json::from_slice::<SignedCertificate>(data) {
        let _ = signed.verify(&public());
    }
}

/// The decrypted payload: the segment stream read as an import reads it, every segment's
/// signature checked against the run's key.
pub fn segment_stream(data: &[u8]) {
    let Ok(mut reader) = SegmentReader::new(Cursor::new(data), 1 << 20) else {
        return;
    };
    let key = public();
    while let Ok(Some(_)) = reader.next_item(&|_, _| Ok(key.clone())) {}
}

/// One segment's JSON (the op decoder) after a valid signature: framed, signed by the run's key
/// and read back, so the decoder and the segment's checks run on what the fuzzer wrote.
pub fn ops(data: &[u8]) {
    let _ = serde_json::from_slice::<Segment>(data).map(|s| {
        let _ = s.check();
        let _ = s.check_canonical(data);
    });
    let Ok(sig) = key().sign(data, &Segment::comment("HN")) else {
        return;
    };
    let mut stream = Vec::new();
    let Ok(mut writer) = SegmentWriter::new(&mut stream, &Default::default()) else {
        return;
    };
    if writer.push_signed("HN", data, &sig).is_err() || writer.finish().is_err() {
        return;
    }
    let Ok(mut reader) = SegmentReader::new(Cursor::new(stream), 1 << 20) else {
        return;
    };
    let key = public();
    if let Ok(Some(PayloadItem::Segment(s))) = reader.next_item(&|_, _| Ok(key.clone())) {
        assert_eq!(s.json, data, "a verified segment is the signed bytes");
    }
}

/// The officers' key file next to the register (`<register>.keys`).
pub fn key_file(data: &[u8]) {
    let _ = crate::store::KeyFile::parse(data);
}

/// An enrolment request as the central office reads it from a province's stick.
pub fn enrolment(data: &[u8]) {
    if let Ok(signed) = serde_json::from_slice::<SignedEnrolment>(data) {
        let _ = signed.verify();
        let _ = signed.key();
        let _ = signed.countersigner();
        let _ = signed.verify_countersignature(&public());
    }
}

/// What officers type into the command line: dates and every enumeration's code.
pub fn typed_values(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    use crate::model::*;
    let _ = parse_date("date", text);
    let _ = text.parse::<CaseKind>();
    let _ = text.parse::<CaseStatus>();
    let _ = text.parse::<CaseOrigin>();
    let _ = text.parse::<SubjectKind>();
    let _ = text.parse::<MembershipStatus>();
    let _ = text.parse::<ManagementAuthority>();
    let _ = text.parse::<DisciplineForm>();
    let _ = text.parse::<AppealOutcome>();
    let _ = text.parse::<OfficeKind>();
    let _ = text.parse::<LeadRole>();
    let _ = text.parse::<LetterKind>();
    let _ = text.parse::<TimelineKind>();
    let _ = text.parse::<crate::access::Role>();
    let _ = text.parse::<crate::access::Permission>();
    let _ = crate::text::fold(text);
}
