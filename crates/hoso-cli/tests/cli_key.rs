//! `hoso key show|fingerprint|export-age-identity` as a script runs them: the keys a new register
//! gets, the root fingerprint on the central office, and the administrator-only, audited export
//! of the age identity (which then opens what was sealed to the office, also with `age -d`).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const PASS: &str = "mật khẩu Hà Nội";

/// A register of the one CLI test harness (`common::Reg`); officers it adds get PASS too.
struct Reg(common::Reg);

impl std::ops::Deref for Reg {
    type Target = common::Reg;
    fn deref(&self) -> &common::Reg {
        &self.0
    }
}

impl Reg {
    fn new(code: &str, central: bool) -> Reg {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.hoso-db");
        let reg = Reg(common::Reg { dir, path });
        let mut args = vec![
            "init",
            "--office",
            code,
            "--office-name",
            "Ủy ban Kiểm tra",
            "--officer-name",
            "Nguyễn Thị Lan",
        ];
        if central {
            args.push("--central");
        }
        reg.ok("lan", &args);
        reg
    }

    fn run(&self, officer: &str, args: &[&str]) -> Output {
        self.0
            .run_as(officer, PASS, args, &[("HOSO_NEW_PASSPHRASE", PASS)])
    }

    fn ok(&self, officer: &str, args: &[&str]) -> String {
        let o = self.run(officer, args);
        assert!(
            o.status.success(),
            "{args:?}: exit {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    fn json(&self, officer: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(officer, &a)).unwrap()
    }

    fn audit_count(&self) -> usize {
        self.json(
            "lan",
            &["audit", "list", "--action", "key.export-age-identity"],
        )
        .as_array()
        .map(Vec::len)
        .unwrap_or_else(|| panic!("audit list is not an array"))
    }
}

#[test]
fn key_show_and_fingerprint_on_the_central_office() {
    let tw = Reg::new("TW", true);
    let k = tw.json("lan", &["key", "show"]);
    assert_eq!(k["office"], "TW");
    let line = k["signing_key"].as_str().unwrap();
    hoso_crypto::PublicKey::from_base64(line).unwrap();
    assert!(k["age_recipient"].as_str().unwrap().starts_with("age1"));
    assert_eq!(k["holds_root"], true);
    let fp = tw.ok("lan", &["key", "fingerprint"]);
    let fp = fp.trim();
    assert_eq!(k["root_fingerprint"].as_str().unwrap(), fp);
    assert!(
        fp.split(' ')
            .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit())),
        "{fp}"
    );
    // Stable across runs; the human form shows the same values.
    assert_eq!(tw.json("lan", &["key", "show"]), k);
    let text = tw.ok("lan", &["key", "show"]);
    assert!(text.contains(line) && text.contains(fp), "{text}");

    // A province has keys of its own but no root yet.
    let hn = Reg::new("HN", false);
    let h = hn.json("lan", &["key", "show"]);
    assert_ne!(h["signing_key"], k["signing_key"]);
    assert_eq!(h["root_fingerprint"], Value::Null);
    let o = hn.run("lan", &["key", "fingerprint"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("set-up bundle"));
}

#[test]
fn export_age_identity_is_private_audited_and_opens_sealed_data() {
    let hn = Reg::new("HN", false);
    hn.ok(
        "lan",
        &[
            "officer",
            "add",
            "binh",
            "--name",
            "Trần Bình",
            "--role",
            "committee-leader",
        ],
    );
    let recipient = hn.json("lan", &["key", "show"])["age_recipient"]
        .as_str()
        .unwrap()
        .to_string();
    let sealed_path = hn.dir.path().join("sealed.age");
    let mut sealed = Vec::new();
    hoso_crypto::seal::encrypt_to(&[&recipient], &b"quyet dinh ky luat"[..], &mut sealed).unwrap();
    std::fs::write(&sealed_path, &sealed).unwrap();

    // Refused for a committee leader: no file, no audit entry.
    let out = hn.dir.path().join("hn.identity");
    let o = hn.run(
        "binh",
        &["key", "export-age-identity", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("key.export"));
    assert!(!out.exists());
    assert_eq!(hn.audit_count(), 0);

    hn.ok(
        "lan",
        &["key", "export-age-identity", "--out", out.to_str().unwrap()],
    );
    assert_eq!(hn.audit_count(), 1);
    assert_mode_0600(&out);
    let text = std::fs::read_to_string(&out).unwrap();
    let identity: hoso_crypto::AgeIdentity = text.parse().unwrap();
    assert_eq!(identity.recipient(), recipient);
    let mut plain = Vec::new();
    hoso_crypto::seal::decrypt(&identity, &sealed[..], &mut plain).unwrap();
    assert_eq!(plain, b"quyet dinh ky luat");
    // The standard tool opens it too.
    if hoso_testkit::require_tools(
        "cli_key::export_age_identity_is_private_audited_and_opens_sealed_data",
        &[hoso_testkit::AGE],
    ) {
        let o = Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&out)
            .arg(&sealed_path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.stdout, b"quyet dinh ky luat");
    }

    // Never overwrites: the file and the audit log stay as they were.
    let o = hn.run(
        "lan",
        &["key", "export-age-identity", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    assert_eq!(hn.audit_count(), 1);
}

#[cfg(unix)]
fn assert_mode_0600(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}

#[cfg(not(unix))]
fn assert_mode_0600(_: &Path) {}

#[test]
fn enrolment_request_is_certified_by_the_central_office() {
    let tw = Reg::new("TW", true);
    let dir = tempfile::tempdir().unwrap();
    let req = dir.path().join("HN.enrol.json");
    let hn = Reg(common::Reg {
        path: dir.path().join("hn.hoso-db"),
        dir,
    });
    let init = |extra: &[&str]| {
        let mut a = vec![
            "init",
            "--office",
            "HN",
            "--office-name",
            "Ủy ban Kiểm tra Hà Nội",
            "--officer-name",
            "Lê Văn Hùng",
        ];
        a.extend_from_slice(extra);
        hn.run("hung", &a)
    };
    // An existing request file is refused before anything is created.
    std::fs::write(&req, "keep me").unwrap();
    let o = init(&["--enroll-out", req.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!hn.path.exists());
    std::fs::remove_file(&req).unwrap();
    let o = init(&["--enroll-out", req.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hn_keys = hn.json("hung", &["key", "show"]);

    // A province cannot certify (no root key); the central office can, once.
    let cert_path = tw.dir.path().join("HN.setup.hoso");
    let cp = cert_path.to_str().unwrap();
    let o = hn.run(
        "hung",
        &["office", "certify", req.to_str().unwrap(), "--out", cp],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("root key"));
    assert!(!cert_path.exists());
    let r = tw.json(
        "lan",
        &[
            "office",
            "certify",
            req.to_str().unwrap(),
            "--out",
            cp,
            "--valid-until",
            "2030-12-31",
        ],
    );
    assert_eq!(r["office"], "HN");
    assert_eq!(r["valid_until"], "2031-01-01T00:00:00Z");
    let o = tw.run(
        "lan",
        &["office", "certify", req.to_str().unwrap(), "--out", cp],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));

    // The certificate binds HN's keys and verifies against the root TW reads out.
    let tw_keys = tw.json("lan", &["key", "show"]);
    let root = hoso_crypto::PublicKey::from_base64(tw_keys["root_key"].as_str().unwrap()).unwrap();
    assert_eq!(
        hoso_core::trust::fingerprint(&root),
        tw.ok("lan", &["key", "fingerprint"]).trim()
    );
    // The set-up bundle was written; the certificate itself is in the output.
    assert!(cert_path.exists());
    assert_eq!(r["bundle"]["full"], true);
    assert_eq!(r["root_fingerprint"], tw_keys["root_fingerprint"]);
    let cert: hoso_core::trust::SignedCertificate =
        serde_json::from_value(r["certificate"].clone()).unwrap();
    let c = cert.check(&root, chrono::Utc::now(), &[]).unwrap();
    assert_eq!(c.signing_key, hn_keys["signing_key"].as_str().unwrap());
    assert_eq!(c.age_recipient, hn_keys["age_recipient"].as_str().unwrap());
    // minisign itself accepts the signature over the certificate's canonical JSON.
    let body = hoso_core::oplog::canonical_json(&serde_json::to_value(&cert.certificate).unwrap());
    let body_path = tw.dir.path().join("cert-body.json");
    std::fs::write(&body_path, body).unwrap();
    std::fs::write(
        tw.dir.path().join("cert-body.json.minisig"),
        &cert.signature,
    )
    .unwrap();
    if hoso_testkit::require_tools(
        "cli_key::enrolment_request_is_certified_by_the_central_office",
        &[hoso_testkit::MINISIGN],
    ) {
        let o = Command::new("minisign")
            .arg("-Vm")
            .arg(&body_path)
            .arg("-P")
            .arg(root.to_base64())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}
