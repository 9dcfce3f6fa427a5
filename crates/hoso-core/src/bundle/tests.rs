//! Bundle container tests: round trip, interop with Debian's `minisign` and `age`, and
//! adversarial files (each rejected with its own error).

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use hoso_crypto::{AgeIdentity, PublicKey, SigningKey};
use serde_json::json;

use super::*;
use crate::error::Error;
use crate::oplog::{Change, EntityRef, Hlc, Op, OpId, ScopeUnit};

struct Office {
    code: &'static str,
    sign: SigningKey,
    age: AgeIdentity,
}

impl Office {
    fn new(code: &'static str) -> Office {
        Office {
            code,
            sign: SigningKey::generate().unwrap(),
            age: AgeIdentity::generate(),
        }
    }
}

fn segment(origin: &str, txn: u64, case: &str, title: &str) -> Segment {
    let scope = ScopeUnit::new(format!("case:{case}"));
    let entity = EntityRef::new("case", case);
    let op = |seq: u64, change: Change| Op {
        id: OpId::new(origin, seq),
        hlc: Hlc {
            ms: 1_767_225_600_000 + seq,
            counter: 0,
        },
        author: "an.nv".into(),
        txn,
        scope: scope.clone(),
        entity: entity.clone(),
        change,
    };
    Segment {
        origin: origin.into(),
        scope: scope.clone(),
        ops: vec![
            op(txn, Change::Create),
            op(
                txn + 1,
                Change::Put {
                    field: "title".into(),
                    value: json!(title),
                    replaces: vec![],
                },
            ),
        ],
    }
}

fn new_bundle(sender: &Office, recipients: &[&Office], seq: u64) -> NewBundle {
    NewBundle {
        sender: sender.code.into(),
        recipients: recipients.iter().map(|o| o.code.to_string()).collect(),
        sequence: seq,
        created: Utc.with_ymd_and_hms(2026, 1, 5, 8, 30, 0).unwrap(),
        expires: Utc.with_ymd_and_hms(2026, 4, 5, 8, 30, 0).unwrap(),
        acknowledged: BTreeMap::new(),
        acknowledged_bundles: BTreeMap::new(),
        trust: None,
    }
}

/// A bundle from `sender` to `to` holding its own two segments and one relayed from `relayed`.
fn make_bundle(sender: &Office, to: &Office, relayed: &Office, seq: u64) -> (Vec<u8>, Manifest) {
    let state = BTreeMap::from([(sender.code.to_string(), 4)]);
    let mut p =
        PayloadWriter::new(&[&to.age.recipient(), &sender.age.recipient()], &state).unwrap();
    p.push(
        &sender.sign,
        &segment(sender.code, 1, "c1", "Kiểm tra Đảng ủy xã"),
    )
    .unwrap();
    p.push(&sender.sign, &segment(sender.code, 3, "c2", "Giám sát"))
        .unwrap();
    let foreign = segment(relayed.code, 1, "c9", "relayed");
    let json = foreign.to_signed_bytes();
    let sig = relayed
        .sign
        .sign(
            &json,
            &format!("hoso-segment format=1 origin={}", relayed.code),
        )
        .unwrap();
    p.push_signed(relayed.code, &json, &sig).unwrap();
    let sealed = p.finish().unwrap();
    let mut out = Vec::new();
    let m = write_bundle(
        &mut out,
        new_bundle(sender, &[to], seq),
        sealed,
        &sender.sign,
    )
    .unwrap();
    (out, m)
}

struct World {
    hn: Office,
    tw: Office,
    dn: Office,
}

fn world() -> World {
    World {
        hn: Office::new("HN"),
        tw: Office::new("TW"),
        dn: Office::new("DN"),
    }
}

impl World {
    fn key_of(&self, code: &str) -> Option<PublicKey> {
        [&self.hn, &self.tw, &self.dn]
            .into_iter()
            .find(|o| o.code == code)
            .map(|o| o.sign.public_key())
    }
}

/// The whole reading pipeline as an importer runs it; returns the verified segments.
fn open_all(
    bytes: Vec<u8>,
    limits: &Limits,
    w: &World,
    me: &AgeIdentity,
) -> Result<(Manifest, Vec<VerifiedSegment>), Error> {
    let b = UnverifiedBundle::read(Cursor::new(bytes), limits)?;
    let key = w.key_of(&b.claim().sender).expect("known sender");
    let v = b.verify(&key)?;
    let mut m = v.manifest().clone();
    let mut r = v.open_payload(me)?;
    // Format 2 carries the sender's version vector in the payload: shown as the manifest's.
    m.version_vector = crate::bundle::sender_state(&m, &r);
    let mut segs = Vec::new();
    while let Some(s) = r.next_segment(&|o| w.key_of(o))? {
        segs.push(s);
    }
    Ok((m, segs))
}

fn code_of<T: std::fmt::Debug>(r: Result<T, Error>) -> (&'static str, String) {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => (e.code(), e.to_string()),
    }
}

fn members(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = tar::Archive::new(bytes);
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
            let mut d = Vec::new();
            e.read_to_end(&mut d).unwrap();
            (name, d)
        })
        .collect()
}

/// A tar written header by header, so that names the `tar` crate refuses can be produced.
type RawEntry<'a> = (&'a [u8], tar::EntryType, &'a [u8]);

fn raw_tar(entries: &[RawEntry]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, data) in entries {
        let mut h = tar::Header::new_ustar();
        h.as_mut_bytes()[..100].fill(0);
        h.as_mut_bytes()[..name.len()].copy_from_slice(name);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(*kind);
        if *kind == tar::EntryType::Symlink {
            h.set_link_name("/etc/passwd").unwrap();
            h.set_size(0);
        }
        h.set_cksum();
        let body: &[u8] = if *kind == tar::EntryType::Symlink {
            &[]
        } else {
            data
        };
        b.append(&h, body).unwrap();
    }
    b.into_inner().unwrap()
}

fn rebuild(m: &[(String, Vec<u8>)]) -> Vec<u8> {
    let e: Vec<RawEntry> = m
        .iter()
        .map(|(n, d)| (n.as_bytes(), tar::EntryType::Regular, &d[..]))
        .collect();
    raw_tar(&e)
}

#[test]
fn round_trip_keeps_every_segment_and_the_manifest() {
    let w = world();
    let (bytes, written) = make_bundle(&w.hn, &w.tw, &w.dn, 7);
    let names: Vec<String> = members(&bytes).into_iter().map(|m| m.0).collect();
    assert_eq!(names, [MANIFEST, SIGNATURE, PAYLOAD]);
    // The recipient and the sender itself can both open it.
    for me in [&w.tw.age, &w.hn.age] {
        let (m, segs) = open_all(bytes.clone(), &Limits::default(), &w, me).unwrap();
        // The version vector travels in the payload (format 2), not in the clear manifest.
        assert!(written.version_vector.is_empty());
        assert_eq!(
            Manifest {
                version_vector: Default::default(),
                ..m.clone()
            },
            written
        );
        assert_eq!(m.sender, "HN");
        assert_eq!(m.recipients, ["TW"]);
        assert_eq!(m.sequence, 7);
        assert_eq!(m.version_vector["HN"], 4);
        let origins: Vec<&str> = segs.iter().map(|s| s.origin.as_str()).collect();
        assert_eq!(origins, ["HN", "HN", "DN"]);
        assert_eq!(
            segs[0].segment,
            segment("HN", 1, "c1", "Kiểm tra Đảng ủy xã")
        );
        assert_eq!(segs[2].segment, segment("DN", 1, "c9", "relayed"));
    }
    // The manifest is readable JSON with the documented fields.
    let manifest: serde_json::Value = serde_json::from_slice(&members(&bytes)[0].1).unwrap();
    assert_eq!(manifest["format"], 2);
    assert!(
        manifest.get("version_vector").is_none(),
        "a lost stick does not tell how many changes each office made"
    );
    assert_eq!(manifest["created"], "2026-01-05T08:30:00Z");
    assert_eq!(manifest["payload"]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_stranger_cannot_decrypt() {
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let (code, msg) = code_of(open_all(bytes, &Limits::default(), &w, &w.dn.age));
    assert_eq!(code, "bundle-decrypt", "{msg}");
    assert!(msg.contains("not addressed to this office"), "{msg}");
}

fn unpack(bytes: &[u8], dir: &Path) {
    for (name, data) in members(bytes) {
        std::fs::write(dir.join(name), data).unwrap();
    }
}

#[test]
fn minisign_tool_verifies_the_manifest() {
    if !hoso_testkit::require_tools(
        "bundle::minisign_tool_verifies_the_manifest",
        &[hoso_testkit::MINISIGN],
    ) {
        return;
    }
    let w = world();
    let (bytes, m) = make_bundle(&w.hn, &w.tw, &w.dn, 3);
    let dir = tempfile::tempdir().unwrap();
    unpack(&bytes, dir.path());
    let out = Command::new("minisign")
        .current_dir(dir.path())
        .args(["-Vm", MANIFEST, "-P", &w.hn.sign.public_key().to_base64()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("id={} sender=HN seq=3", m.bundle_id)),
        "{stdout}"
    );
    // A tampered manifest does not verify with the tool either.
    let path = dir.path().join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"TW\"", "\"DN\"");
    std::fs::write(&path, text).unwrap();
    let pubfile = dir.path().join("hn.pub");
    std::fs::write(&pubfile, w.hn.sign.public_key().to_minisign_file()).unwrap();
    let out = Command::new("minisign")
        .current_dir(dir.path())
        .args(["-Vm", MANIFEST, "-p", "hn.pub"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn age_tool_decrypts_the_payload() {
    if !hoso_testkit::require_tools(
        "bundle::age_tool_decrypts_the_payload",
        &[hoso_testkit::AGE],
    ) {
        return;
    }
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 3);
    let dir = tempfile::tempdir().unwrap();
    unpack(&bytes, dir.path());
    let id = dir.path().join("tw.key");
    std::fs::write(&id, format!("{}\n", *w.tw.age.to_secret_string())).unwrap();
    let out = Command::new("age")
        .current_dir(dir.path())
        .args(["-d", "-i", "tw.key", "-o", "payload.zst", PAYLOAD])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let zst = std::fs::read(dir.path().join("payload.zst")).unwrap();
    let plain = zstd::decode_all(&zst[..]).unwrap();
    assert!(plain.starts_with(b"HOSOSEG2"));
    let text = String::from_utf8_lossy(&plain);
    assert!(text.contains("Kiểm tra Đảng ủy xã"));
}

#[test]
fn truncation_anywhere_is_rejected_as_malformed() {
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let mut cuts: Vec<usize> = (0..bytes.len()).step_by(173).collect();
    // Around every block boundary of the three members and the end blocks.
    for b in (0..bytes.len()).step_by(512) {
        cuts.extend([b.saturating_sub(1), b, b + 1]);
    }
    cuts.extend([bytes.len() - 1, bytes.len() - 512, bytes.len() - 1024]);
    cuts.sort();
    cuts.dedup();
    for cut in cuts.into_iter().filter(|&c| c < bytes.len()) {
        let (code, msg) = code_of(open_all(
            bytes[..cut].to_vec(),
            &Limits::default(),
            &w,
            &w.tw.age,
        ));
        assert_eq!(code, "bundle-malformed", "cut at {cut}: {msg}");
    }
}

#[test]
fn a_flipped_byte_in_each_member_is_caught() {
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let m = members(&bytes);
    let flip = |member: usize, at: usize| {
        let mut m = m.clone();
        m[member].1[at] ^= 0x01;
        code_of(open_all(rebuild(&m), &Limits::default(), &w, &w.tw.age))
    };
    // The manifest: its signature no longer matches.
    let (code, msg) = flip(0, 40);
    assert_eq!(code, "bundle-signature", "{msg}");
    assert!(msg.contains("altered"), "{msg}");
    // The signature line (second line of the .minisig).
    let sig_line = m[1].1.iter().position(|&b| b == b'\n').unwrap() + 30;
    assert_eq!(flip(1, sig_line).0, "bundle-signature");
    // The trusted comment.
    let text = String::from_utf8(m[1].1.clone()).unwrap();
    let tc = text.find("seq=").unwrap();
    assert_eq!(flip(1, tc + 4).0, "bundle-signature");
    // The payload, at its start, middle and end.
    let n = m[2].1.len();
    for at in [0, 100, n / 2, n - 1] {
        let (code, msg) = flip(2, at);
        assert_eq!(code, "bundle-hash", "{msg}");
    }
    // A tar header byte (its checksum no longer matches).
    let mut b = bytes.clone();
    b[3] ^= 0x01;
    assert_eq!(
        code_of(open_all(b, &Limits::default(), &w, &w.tw.age)).0,
        "bundle-malformed"
    );
}

#[test]
fn swapped_payloads_between_two_valid_bundles_are_caught() {
    let w = world();
    let (a, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let (b, _) = make_bundle(&w.hn, &w.tw, &w.dn, 2);
    let mut ma = members(&a);
    ma[2] = members(&b)[2].clone();
    let (code, msg) = code_of(open_all(rebuild(&ma), &Limits::default(), &w, &w.tw.age));
    assert_eq!(code, "bundle-hash", "{msg}");
}

#[test]
fn a_manifest_re_signed_by_an_unknown_key_is_refused() {
    let w = world();
    let (bytes, m) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let mut mem = members(&bytes);
    let comment = format!("hoso-bundle format=1 id={} sender=HN seq=1", m.bundle_id);
    let forger = SigningKey::generate().unwrap();
    mem[1].1 = forger.sign(&mem[0].1, &comment).unwrap().into_bytes();
    let (code, msg) = code_of(open_all(rebuild(&mem), &Limits::default(), &w, &w.tw.age));
    assert_eq!(code, "bundle-signature", "{msg}");
    assert!(msg.contains("not with office HN's key"), "{msg}");
    // The forger also copies HN's key id into the signature: the signature itself fails.
    let forged = forger.sign(&mem[0].1, &comment).unwrap();
    let mut lines: Vec<String> = forged.lines().map(str::to_string).collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut raw = b64.decode(&lines[1]).unwrap();
    let hn_pk = b64.decode(w.hn.sign.public_key().to_base64()).unwrap();
    raw[2..10].copy_from_slice(&hn_pk[2..10]);
    lines[1] = b64.encode(raw);
    mem[1].1 = (lines.join("\n") + "\n").into_bytes();
    let (code, msg) = code_of(open_all(rebuild(&mem), &Limits::default(), &w, &w.tw.age));
    assert_eq!(code, "bundle-signature", "{msg}");
}

#[test]
fn a_zstd_bomb_stops_at_the_cap() {
    let w = world();
    // A segment header announcing 60 MiB of JSON, then 60 MiB of zeros: a few KiB compressed.
    let mut enc = zstd::Encoder::new(Vec::new(), 19).unwrap();
    // Format 2: the magic, an empty sender state ("{}"), then a segment that never ends.
    enc.write_all(b"HOSOSEG2\x00\x00\x00\x02{}\x01\x02HN")
        .unwrap();
    enc.write_all(&(60u32 << 20).to_be_bytes()).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..60 {
        enc.write_all(&zeros).unwrap();
    }
    let compressed = enc.finish().unwrap();
    assert!(compressed.len() < 64 << 10);
    let mut ct = tempfile::tempfile().unwrap();
    hoso_crypto::seal::encrypt_to(&[&w.tw.age.recipient()], &compressed[..], &mut ct).unwrap();
    let sealed = SealedPayload::from_file(ct).unwrap();
    let mut out = Vec::new();
    write_bundle(&mut out, new_bundle(&w.hn, &[&w.tw], 1), sealed, &w.hn.sign).unwrap();
    let limits = Limits {
        max_decompressed: 8 << 20,
        ..Limits::default()
    };
    let (code, msg) = code_of(open_all(out, &limits, &w, &w.tw.age));
    assert_eq!(code, "bundle-too-large", "{msg}");
    assert!(msg.contains("decompressed payload"), "{msg}");
}

#[test]
fn hostile_tar_members_are_each_refused() {
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let m = members(&bytes);
    let (man, sig, pay) = (&m[0].1[..], &m[1].1[..], &m[2].1[..]);
    let reg = tar::EntryType::Regular;
    let cases: Vec<(Vec<RawEntry>, &str)> = vec![
        (
            vec![
                (b"../x", reg, man),
                (b"manifest.json.minisig", reg, sig),
                (b"payload.age", reg, pay),
            ],
            "outside the bundle",
        ),
        (
            vec![
                (b"/manifest.json", reg, man),
                (b"manifest.json.minisig", reg, sig),
                (b"payload.age", reg, pay),
            ],
            "absolute path",
        ),
        (
            vec![
                (b"manifest.json", reg, man),
                (b"manifest.json", reg, man),
                (b"payload.age", reg, pay),
            ],
            "appears twice",
        ),
        (
            vec![
                (b"manifest.json", reg, man),
                (b"manifest.json.minisig", tar::EntryType::Symlink, sig),
                (b"payload.age", reg, pay),
            ],
            "not a regular file",
        ),
        (
            vec![
                (b"manifest.json", reg, man),
                (b"manifest.json.minisig", reg, sig),
                (b"payload.age", reg, pay),
                (b"extra.txt", reg, b"hello"),
            ],
            "extra member",
        ),
        (
            vec![
                (b"manifest.json.minisig", reg, sig),
                (b"manifest.json", reg, man),
                (b"payload.age", reg, pay),
            ],
            "expected member manifest.json",
        ),
        (
            vec![
                (b"docs/manifest.json", reg, man),
                (b"manifest.json.minisig", reg, sig),
                (b"payload.age", reg, pay),
            ],
            "in a folder",
        ),
    ];
    // The honest rebuild of the same members is accepted: the refusals are about the members.
    assert!(open_all(rebuild(&m), &Limits::default(), &w, &w.tw.age).is_ok());
    for (entries, reason) in cases {
        let (code, msg) = code_of(open_all(
            raw_tar(&entries),
            &Limits::default(),
            &w,
            &w.tw.age,
        ));
        assert_eq!(code, "bundle-malformed", "{reason}: {msg}");
        assert!(msg.contains(reason), "expected {reason:?} in {msg:?}");
    }
}

#[test]
fn oversized_members_and_files_are_refused_before_reading() {
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let small = |f: fn(&mut Limits)| {
        let mut l = Limits::default();
        f(&mut l);
        code_of(open_all(bytes.clone(), &l, &w, &w.tw.age))
    };
    assert_eq!(small(|l| l.max_file = 1000).0, "bundle-too-large");
    assert_eq!(small(|l| l.max_manifest = 100).0, "bundle-too-large");
    assert_eq!(small(|l| l.max_signature = 100).0, "bundle-too-large");
    assert_eq!(small(|l| l.max_segment = 100).0, "bundle-too-large");
}

#[test]
fn segments_need_their_origins_signature() {
    let w = world();
    let (bytes, _) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    // The importer's roster has another key for DN (e.g. DN's key was replaced).
    let imposter = SigningKey::generate().unwrap().public_key();
    let b = UnverifiedBundle::read(Cursor::new(bytes.clone()), &Limits::default()).unwrap();
    let mut r = b
        .verify(&w.hn.sign.public_key())
        .unwrap()
        .open_payload(&w.tw.age)
        .unwrap();
    let key_of = |o: &str| {
        if o == "DN" {
            Some(imposter.clone())
        } else {
            w.key_of(o)
        }
    };
    assert!(r.next_segment(&key_of).unwrap().is_some());
    assert!(r.next_segment(&key_of).unwrap().is_some());
    let (code, msg) = code_of(r.next_segment(&key_of));
    assert_eq!(code, "segment-signature", "{msg}");
    assert!(msg.contains("office DN"), "{msg}");
    // An office the importer does not know at all.
    let b = UnverifiedBundle::read(Cursor::new(bytes), &Limits::default()).unwrap();
    let mut r = b
        .verify(&w.hn.sign.public_key())
        .unwrap()
        .open_payload(&w.tw.age)
        .unwrap();
    let (code, msg) = code_of(r.next_segment(&|_| None));
    assert_eq!(code, "segment-signature", "{msg}");
    assert!(msg.contains("no signing key"), "{msg}");
    // A writer refuses to sign ops of another office into its segment.
    let mut seg = segment("HN", 1, "c1", "x");
    seg.ops[1].id.origin = "DN".into();
    let mut sw = SegmentWriter::new(Vec::new(), &BTreeMap::new()).unwrap();
    assert_eq!(sw.push(&w.hn.sign, &seg).unwrap_err().code(), "invalid");
}

#[test]
fn a_relayed_segment_claiming_another_origin_is_refused() {
    let w = world();
    // HN signs a segment of its own ops but frames it as coming from DN.
    let seg = segment("HN", 1, "c1", "x");
    let json = serde_json::to_vec(&seg).unwrap();
    let sig =
        w.hn.sign
            .sign(&json, "hoso-segment format=1 origin=DN")
            .unwrap();
    let mut sw = SegmentWriter::new(Vec::new(), &BTreeMap::new()).unwrap();
    sw.push_signed("DN", &json, &sig).unwrap();
    let buf = sw.finish().unwrap();
    let mut r = SegmentReader::new(&buf[..], 1 << 20).unwrap();
    let (code, _) = code_of(r.next_segment(&|o| w.key_of(o)));
    assert_eq!(code, "segment-signature");
}

#[test]
fn a_newer_format_says_update_hoso() {
    let w = world();
    let (bytes, m) = make_bundle(&w.hn, &w.tw, &w.dn, 1);
    let mut mem = members(&bytes);
    let comment = format!("hoso-bundle format=3 id={} sender=HN seq=1", m.bundle_id);
    mem[1].1 = w.hn.sign.sign(&mem[0].1, &comment).unwrap().into_bytes();
    let (code, msg) = code_of(open_all(rebuild(&mem), &Limits::default(), &w, &w.tw.age));
    assert_eq!(code, "bundle-version", "{msg}");
    assert!(msg.contains("update HoSo"));
}

/// Reads one segment signed by HN over `json` (HN's valid key: an insider's forgery).
fn read_signed(w: &World, json: &[u8]) -> Result<VerifiedSegment, Error> {
    let sig =
        w.hn.sign
            .sign(json, "hoso-segment format=1 origin=HN")
            .unwrap();
    let mut sw = SegmentWriter::new(Vec::new(), &BTreeMap::new()).unwrap();
    sw.push_signed("HN", json, &sig).unwrap();
    let buf = sw.finish().unwrap();
    let mut r = SegmentReader::new(&buf[..], 1 << 20).unwrap();
    r.next_segment(&|o| w.key_of(o))
        .map(|s| s.expect("a segment"))
}

#[test]
fn a_signed_segment_holding_a_float_is_refused_naming_origin_and_op() {
    let w = world();
    for float in [
        "8.519489903165045e-41",
        "1.5",
        "-0",
        "1e3",
        "18446744073709551616",
    ] {
        let mut seg = segment("HN", 1, "c1", "x");
        let mut json = String::from_utf8(seg.to_signed_bytes()).unwrap();
        json = json.replace(
            "\"value\":\"x\"",
            &format!("\"value\":{{\"ref\":[{float}]}}"),
        );
        let (code, msg) = code_of(read_signed(&w, json.as_bytes()));
        assert_eq!(code, "bundle-malformed", "{float}: {msg}");
        assert!(msg.contains("operation HN#2 of office HN"), "{msg}");
        assert!(msg.contains("not a whole number"), "{msg}");
        // The same segment with an integer is fine.
        seg.ops[1].change = Change::Put {
            field: "title".into(),
            value: json!({"ref": [i64::MIN, u64::MAX]}),
            replaces: vec![],
        };
        read_signed(&w, &seg.to_signed_bytes()).unwrap();
    }
}

#[test]
fn a_signed_segment_in_non_canonical_form_is_refused() {
    let w = world();
    let seg = segment("HN", 1, "c1", "Đảng ủy");
    let canonical = seg.to_signed_bytes();
    // The fast writer gives the generic canonical JSON.
    let generic = crate::oplog::canonical_json(&serde_json::to_value(&seg).unwrap());
    assert_eq!(String::from_utf8(canonical.clone()).unwrap(), generic);
    assert_eq!(read_signed(&w, &canonical).unwrap().json, canonical);
    let text = String::from_utf8(canonical.clone()).unwrap();
    let variants: Vec<Vec<u8>> = vec![
        // Struct order, not sorted keys.
        serde_json::to_vec(&seg).unwrap(),
        // Whitespace.
        serde_json::to_vec_pretty(&serde_json::to_value(&seg).unwrap()).unwrap(),
        text.replacen('{', "{ ", 1).into_bytes(),
        // An escape where none is needed.
        text.replace("Đảng", "\\u0110\u{1ea3}ng").into_bytes(),
        // A field left to its default (`replaces`).
        text.replace(",\"replaces\":[]", "").into_bytes(),
        // A duplicated key in a value (serde keeps the last one).
        text.replace("\"value\":\"Đảng ủy\"", "\"value\":{\"a\":1,\"a\":1}")
            .into_bytes(),
        // An unknown field.
        text.replacen("{\"author\"", "{\"a\":1,\"author\"", 1)
            .into_bytes(),
    ];
    for bytes in variants {
        assert_ne!(bytes, canonical);
        let (code, msg) = code_of(read_signed(&w, &bytes));
        assert_eq!(code, "bundle-malformed", "{msg}");
        assert!(
            msg.contains(
                "segment of office HN on case:c1 (operations HN#1 to HN#2) is not in canonical form"
            ),
            "{msg}"
        );
    }
}
