//! Limits (issue 9): an attachment that no signed entry of its bundle names is refused with the
//! whole bundle, nothing stored; the export never writes a segment or an attachment over the
//! importer's caps — it leaves it out, reports it and sends the rest.

use std::fs::File;
use std::path::{Path, PathBuf};

use hoso_core::bundle::{
    Limits, NewBundle, PayloadItem, PayloadWriter, UnverifiedBundle, write_bundle,
};
use hoso_core::trust::OfficeKeys;
use hoso_tests::offices::{CENTRAL, World};

/// `bundle` (written by `from` for `to`) rebuilt with the real writer APIs and `from`'s keys,
/// with `extra` added as an attachment before everything else: every segment is still signed
/// by its origin, the manifest by the sender.
fn with_stray_attachment(w: &World, from: &str, to: &str, bundle: &Path, extra: &[u8]) -> PathBuf {
    let keys = OfficeKeys::load(w.office(from).register.store().conn()).unwrap();
    let to_keys = OfficeKeys::load(w.office(to).register.store().conn()).unwrap();
    let pk = keys.signing.public_key();
    let verified = UnverifiedBundle::read(File::open(bundle).unwrap(), &Limits::default())
        .unwrap()
        .verify(&pk)
        .unwrap();
    let m = verified.manifest().clone();
    let mut reader = verified.open_payload(&keys.age).unwrap();
    let state = hoso_core::bundle::sender_state(&m, &reader);
    let mut payload =
        PayloadWriter::new(&[&to_keys.age.recipient(), &keys.age.recipient()], &state).unwrap();
    payload.push_attachment(extra).unwrap();
    while let Some(item) = reader.next_item(&|_, _| Ok(pk.clone())).unwrap() {
        match item {
            PayloadItem::Segment(s) => payload.push_signed(&s.origin, &s.json, &s.minisig),
            PayloadItem::Attachment { content, .. } => payload.push_attachment(&content),
        }
        .unwrap();
    }
    let out = w.dir.path().join("forged.hoso");
    write_bundle(
        File::create(&out).unwrap(),
        NewBundle {
            sender: m.sender,
            recipients: m.recipients,
            sequence: m.sequence,
            created: m.created,
            expires: m.expires,
            acknowledged: m.acknowledged,
            acknowledged_bundles: m.acknowledged_bundles,
            trust: m.trust,
        },
        payload.finish().unwrap(),
        &keys.signing,
    )
    .unwrap();
    out
}

fn blobs(w: &World, at: &str, content: &[u8]) -> i64 {
    let hex: String = content.iter().map(|b| format!("{b:02x}")).collect();
    w.count(
        at,
        &format!("SELECT count(*) FROM document_blobs WHERE content = x'{hex}'"),
    )
}

#[test]
fn a_bundle_carrying_an_unreferenced_attachment_is_refused_whole() {
    let mut w = World::new(&["HN"]);
    let c = w.open_case("HN", "Kiểm tra dấu hiệu vi phạm", &[]);
    let named: &[u8] = b"bien ban da ky";
    w.reg("HN")
        .attach_document(&c.id, &"Biên bản.txt".into(), "text/plain", named)
        .unwrap();
    let real = w.export("HN", &[CENTRAL], false);
    let stray: &[u8] = b"a file no signed change names";
    let forged = with_stray_attachment(&w, "HN", CENTRAL, &real, stray);

    let before = w.untouched_state(CENTRAL);
    let e = w.import(CENTRAL, &forged).unwrap_err();
    assert_eq!(e.code(), "bundle-unnamed-attachment", "{e}");
    assert!(e.to_string().contains("no signed change"), "{e}");
    assert_eq!(w.untouched_state(CENTRAL), before, "nothing of it applied");
    assert_eq!(
        blobs(&w, CENTRAL, stray),
        0,
        "the stray attachment is not stored"
    );
    assert_eq!(blobs(&w, CENTRAL, named), 0, "nor the named one");
    assert!(w.reg(CENTRAL).case(&c.id).is_err());

    // The genuine bundle still imports, with its named attachment.
    w.import(CENTRAL, &real).unwrap();
    assert_eq!(blobs(&w, CENTRAL, named), 1);
    assert!(w.reg(CENTRAL).case(&c.id).is_ok());
}

#[test]
fn an_export_over_the_importers_caps_skips_and_reports_and_sends_the_rest() {
    let mut w = World::new(&["HN"]);
    let small = Limits {
        max_segment: 20_000,
        ..Limits::default()
    };
    w.reg("HN").set_bundle_limits(small.clone());
    w.reg(CENTRAL).set_bundle_limits(small);
    let ok = w.open_case("HN", "Kiểm tra bình thường", &[]);
    // A case whose attachment is over the cap (its changes are small).
    let with_scan = w.open_case("HN", "Kiểm tra có bản chụp lớn", &[]);
    let big_file = vec![7u8; 25_000];
    let meta = w
        .reg("HN")
        .attach_document(
            &with_scan.id,
            &"Bản chụp.tif".into(),
            "image/tiff",
            &big_file,
        )
        .unwrap();
    // A case whose changes are over the cap.
    let huge = w.open_case("HN", "Kiểm tra có tóm tắt rất dài", &[]);
    w.reg("HN")
        .set_case_field(&huge.id, "summary", &"Nội dung tóm tắt. ".repeat(2_000))
        .unwrap();

    let (bundle, report) = w.export_report("HN", &[CENTRAL], false);
    let mut skipped: Vec<(String, bool)> = report
        .skipped
        .iter()
        .map(|k| (k.unit.clone(), k.reason.starts_with("attachment")))
        .collect();
    skipped.sort();
    let mut expected = vec![
        (format!("case:{}", with_scan.id), true),
        (format!("case:{}", huge.id), false),
    ];
    expected.sort();
    assert_eq!(skipped, expected, "{:?}", report.skipped);
    assert!(
        report.skipped.iter().all(|k| k.office == "HN"
            && k.reason
                .contains("over the importer's limit of 20000 bytes")),
        "{:?}",
        report.skipped
    );
    assert_eq!(report.attachments, 0);

    // The rest arrives and imports under the same caps.
    w.import(CENTRAL, &bundle).unwrap();
    let tw = w.reg(CENTRAL);
    assert!(tw.case(&ok.id).is_ok());
    assert!(tw.case(&with_scan.id).is_ok());
    assert_eq!(
        tw.document_content(&with_scan.id, &meta.blake3).unwrap(),
        None,
        "its metadata arrived, its contents did not"
    );
    // The case's creation and its summary are one segment (naming a new case's lead does not
    // end one): none of it arrived.
    assert!(tw.case(&huge.id).is_err());

    // What was left out is offered again (and reported again) by the next export, after the
    // central office acknowledged the bundle.
    w.carry(CENTRAL, "HN");
    let (_, again) = w.export_report("HN", &[CENTRAL], false);
    let units: Vec<&str> = again.skipped.iter().map(|k| k.unit.as_str()).collect();
    assert!(
        units.contains(&format!("case:{}", huge.id).as_str()),
        "{units:?}"
    );
    assert!(
        units.contains(&format!("case:{}", with_scan.id).as_str()),
        "{units:?}"
    );
}

#[test]
fn an_export_keeps_the_whole_stream_under_the_importers_cap() {
    let mut w = World::new(&["HN"]);
    let caps = Limits {
        max_decompressed: 80_000,
        ..Limits::default()
    };
    w.reg("HN").set_bundle_limits(caps.clone());
    w.reg(CENTRAL).set_bundle_limits(caps);
    let mut cases = Vec::new();
    for i in 0..4u8 {
        let c = w.open_case("HN", &format!("Kiểm tra số {i}"), &[]);
        w.reg("HN")
            .attach_document(&c.id, &"Bản chụp.tif".into(), "image/tiff", &[i; 30_000])
            .unwrap();
        cases.push(c);
    }
    let (bundle, report) = w.export_report("HN", &[CENTRAL], false);
    assert!(
        !report.skipped.is_empty(),
        "four 30 kB files do not fit in 80 kB"
    );
    assert!(
        report
            .skipped
            .iter()
            .all(|k| k.reason.contains("limit of 80000 bytes")),
        "{:?}",
        report.skipped
    );
    assert!(report.attachments >= 1);
    // Under the same caps, the importer reads it (over them it would refuse it whole).
    w.import(CENTRAL, &bundle).unwrap();
    assert!(w.reg(CENTRAL).case(&cases[0].id).is_ok());
}
