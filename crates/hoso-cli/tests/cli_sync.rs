//! Sync between offices as officers run it with the real `hoso` binary: enrolment (request →
//! certify into a set-up bundle → import with the root fingerprint), bundles carried on a
//! "stick" directory, verify / dry run / import / re-import, sync status, revocation, and the
//! rotation of a province's signing key.

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

const PASS: &str = "mật khẩu Hà Nội";

/// A register of the one CLI test harness (`common::Reg`); the new passphrase of officers it adds
/// is PASS too.
struct Reg(common::Reg);

impl std::ops::Deref for Reg {
    type Target = common::Reg;
    fn deref(&self) -> &common::Reg {
        &self.0
    }
}

impl Reg {
    /// `hoso init` of a new register; `extra` adds --central or --enroll-out.
    fn init(code: &str, extra: &[&str]) -> Reg {
        Reg(common::Reg::init_as(code, extra, PASS))
    }

    fn run(&self, args: &[&str]) -> Output {
        self.0
            .run_as("lan", PASS, args, &[("HOSO_NEW_PASSPHRASE", PASS)])
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: exit {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    /// Runs a command that must fail with exit 1; returns its stderr.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{args:?} should fail\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stderr).unwrap()
    }

    fn digest(&self) -> String {
        self.ok(&["digest"]).trim().to_string()
    }

    fn case_titles(&self) -> Vec<String> {
        let list = self.json(&["case", "list"]);
        let mut t: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    }

    fn add_case(&self, lead: &str, title: &str) {
        self.ok(&[
            "case",
            "add",
            "--kind",
            "inspection-on-signs",
            "--title",
            title,
            "--lead",
            lead,
        ]);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The central office TW and province HN, enrolled through the CLI; returns the root
/// fingerprint and the stick directory.
fn enrol() -> (Reg, Reg, tempfile::TempDir, String) {
    let stick = tempfile::tempdir().unwrap();
    let req = stick.path().join("HN.enrol.json");
    let tw = Reg::init("TW", &["--central"]);
    let hn = Reg::init("HN", &["--enroll-out", s(&req)]);
    // HN is on the office list the central office starts with: certifying links it.
    let setup = stick.path().join("HN.setup.hoso");
    let text = tw.ok(&["office", "certify", s(&req), "--out", s(&setup)]);
    let fp = tw.ok(&["key", "fingerprint"]).trim().to_string();
    assert!(text.contains(&fp), "certify prints the fingerprint: {text}");
    assert!(setup.exists());

    // A wrong fingerprint is refused and HN still trusts no root.
    let wrong = "12345 67890 12345 67890 12345";
    let err = hn.fails(&["bundle", "import", s(&setup), "--trust-root", wrong]);
    assert!(err.contains("trust-unknown-signer"), "{err}");
    assert!(
        !err.contains(&fp),
        "never shows the bundle's fingerprint (it could be copied from there): {err}"
    );
    assert!(err.contains("not the one given"), "{err}");
    assert_eq!(hn.json(&["key", "show"])["root_fingerprint"], Value::Null);
    // Without a fingerprint, the set-up bundle cannot be trusted either.
    let err = hn.fails(&["bundle", "import", s(&setup)]);
    assert!(err.contains("trust-root-missing"), "{err}");

    let r = hn.json(&["bundle", "import", s(&setup), "--trust-root", &fp]);
    assert_eq!(r["outcome"], "imported");
    assert_eq!(r["trust_root_set"], true);
    assert_eq!(r["sender"], "TW");
    (tw, hn, stick, fp)
}

#[test]
fn enrolment_export_verify_import_status_and_revocation() {
    let (tw, hn, stick, fp) = enrol();
    let bundle = |name: &str| stick.path().join(name);

    // After the set-up import, `key show` names HN's keys and the root it now trusts.
    let k = hn.json(&["key", "show"]);
    assert_eq!(k["root_fingerprint"], fp.as_str());
    assert_eq!(hn.ok(&["key", "fingerprint"]).trim(), fp);
    let text = hn.ok(&["key", "show"]);
    for v in [&k["signing_key"], &k["age_recipient"]] {
        let v = v.as_str().unwrap();
        assert!(text.contains(v), "{v} missing from {text}");
    }
    assert!(k["age_recipient"].as_str().unwrap().starts_with("age1"));
    assert!(text.contains(&fp), "{text}");

    // HN opens a case and sends it to TW.
    hn.add_case(
        "HN",
        "Kiểm tra dấu hiệu vi phạm tại Đảng ủy phường Hoàn Kiếm",
    );
    let b1 = bundle("HN-1.hoso");
    let out = hn.ok(&["bundle", "export", "--to", "TW", "--out", s(&b1)]);
    assert!(out.contains("sequence 1"), "{out}");
    // An existing file is never overwritten.
    std::fs::write(bundle("taken.hoso"), "keep me").unwrap();
    let err = hn.fails(&[
        "bundle",
        "export",
        "--to",
        "TW",
        "--out",
        s(&bundle("taken.hoso")),
    ]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(bundle("taken.hoso")).unwrap(),
        "keep me"
    );
    // No temporary files left on the stick.
    let names: Vec<String> = std::fs::read_dir(stick.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".part")), "{names:?}");

    // At TW: verify and a dry run show the case without changing anything.
    let digest = tw.digest();
    let cases = tw.case_titles();
    let v = tw.json(&["bundle", "verify", s(&b1)]);
    assert_eq!(v["outcome"], "preview");
    assert_eq!(v["cases_new"], 1);
    let text = tw.ok(&["bundle", "verify", s(&b1)]);
    assert!(text.contains("preview (nothing changed)"), "{text}");
    let d = tw.ok(&["bundle", "import", s(&b1), "--dry-run"]);
    assert!(
        d.contains("preview (nothing changed)") && d.contains("1 new"),
        "{d}"
    );
    assert_eq!(tw.digest(), digest);
    assert_eq!(tw.case_titles(), cases);

    // The import brings the case; a second import says so and changes nothing (exit 0).
    let r = tw.json(&["bundle", "import", s(&b1)]);
    assert_eq!(r["outcome"], "imported");
    assert_eq!(r["cases_new"], 1);
    assert!(
        tw.case_titles()
            .contains(&"Kiểm tra dấu hiệu vi phạm tại Đảng ủy phường Hoàn Kiếm".to_string())
    );
    let after = tw.digest();
    assert_ne!(after, digest);
    let again = tw.ok(&["bundle", "import", s(&b1)]);
    assert!(
        again.contains("already imported (nothing changed)"),
        "{again}"
    );
    assert_eq!(tw.digest(), after);

    // Sync status: each side knows what it sent and received.
    let st = tw.json(&["sync", "status"]);
    let hn_at_tw = st
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office"] == "HN")
        .unwrap_or_else(|| panic!("HN missing: {st}"));
    assert_eq!(hn_at_tw["last_received"]["sequence"], 1);
    assert_eq!(hn_at_tw["last_sent"]["sequence"], 1); // the set-up bundle
    let st = hn.json(&["sync", "status"]);
    let tw_at_hn = st
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office"] == "TW")
        .unwrap_or_else(|| panic!("TW missing: {st}"));
    assert_eq!(tw_at_hn["last_sent"]["sequence"], 1);
    assert_eq!(tw_at_hn["last_received"]["sequence"], 1);
    assert_eq!(tw_at_hn["overdue"], false);
    let table = hn.ok(&["sync", "status"]);
    assert!(table.contains("TW") && table.contains("#1"), "{table}");
    tw.ok(&["sync", "period", "HN", "30"]);
    let st = tw.json(&["sync", "status"]);
    assert!(st.to_string().contains("\"period_days\":30"), "{st}");

    // TW revokes HN: HN's next bundle is refused with its reason, and nothing changes.
    let err = hn.fails(&["office", "revoke", "TW"]);
    assert!(
        err.contains("root key"),
        "only the central office revokes: {err}"
    );
    tw.ok(&["office", "revoke", "HN", "--reason", "máy tính bị mất"]);
    hn.add_case("HN", "Giám sát chuyên đề");
    let b2 = bundle("HN-2.hoso");
    hn.ok(&["bundle", "export", "--to", "TW", "--out", s(&b2)]);
    let err = tw.fails(&["bundle", "import", s(&b2)]);
    assert!(
        err.contains("trust-revoked") && err.contains("máy tính bị mất"),
        "{err}"
    );
    assert_eq!(tw.digest(), after);
    let audit = tw.json(&["audit", "list", "--action", "office.revoke"]);
    assert_eq!(audit.as_array().unwrap().len(), 1);

    // The revoked key never comes back: its request is refused, with or without --replace-key.
    let again = bundle("HN.again.hoso");
    let req = s(&bundle("HN.enrol.json")).to_string();
    for extra in [&[][..], &["--replace-key"][..]] {
        let mut args = vec!["office", "certify", &req, "--out", s(&again)];
        args.extend_from_slice(extra);
        let err = tw.fails(&args);
        assert!(err.contains("trust-revoked"), "{err}");
    }
    assert!(!again.exists());
    // HN's new register is certified (no --replace-key: HN holds no valid key); the stolen
    // register's bundle stays refused.
    let new_req = bundle("HN.new.json");
    let new_hn = Reg::init("HN", &["--enroll-out", s(&new_req)]);
    let new_setup = bundle("HN.new.hoso");
    tw.ok(&["office", "certify", s(&new_req), "--out", s(&new_setup)]);
    let err = tw.fails(&["bundle", "import", s(&b2)]);
    assert!(err.contains("trust-revoked"), "{err}");
    let r = new_hn.json(&["bundle", "import", s(&new_setup), "--trust-root", &fp]);
    assert_eq!(r["outcome"], "imported");
    let err = hn.fails(&["bundle", "import", s(&new_setup)]);
    assert!(!err.is_empty());
}

/// The enrolment request in `path`, as the central office reads it.
fn request(path: &Path) -> hoso_core::trust::SignedEnrolment {
    hoso_core::trust::SignedEnrolment::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn certify_refuses_the_central_code_and_rekeys_only_a_countersigned_request_with_replace_key() {
    let (tw, hn, stick, _fp) = enrol();
    let path = |name: &str| stick.path().join(name);
    let certify = |req: &Path, out: &str, replace: bool| {
        let out = path(out);
        let mut args = vec!["office", "certify", s(req), "--out", s(&out)];
        if replace {
            args.push("--replace-key");
        }
        tw.run(&args)
    };
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).to_string();

    // `key show` prints the fingerprint of the office's own key, to read back by phone.
    let k = hn.json(&["key", "show"]);
    let fp = k["key_fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp.len(), 29, "{fp}");
    assert!(hn.ok(&["key", "show"]).contains(&fp));

    // A request carrying the central office's own code is refused.
    let tw_req = path("TW.enrol.json");
    let _impostor = Reg::init("TW", &["--enroll-out", s(&tw_req)]);
    for replace in [false, true] {
        let o = certify(&tw_req, "TW.setup.hoso", replace);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("central office"), "{}", stderr(&o));
    }

    // HN rotates: without --replace-key, the request is refused and the new key's fingerprint
    // shown to confirm by phone.
    let req = path("HN.rotate.json");
    hn.ok(&["office", "rotate-key", "--enroll-out", s(&req)]);
    let new_fp = hoso_core::trust::fingerprint(&request(&req).key().unwrap());
    let o = certify(&req, "HN.rotated.hoso", false);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--replace-key") && stderr(&o).contains(&new_fp),
        "{}",
        stderr(&o)
    );
    assert!(!path("HN.rotated.hoso").exists());

    // Without HN's countersignature (stripped, or a request from another register with HN's
    // code), even --replace-key is refused.
    let mut stripped = request(&req);
    stripped.countersignature = None;
    let stripped_path = path("HN.stripped.json");
    std::fs::write(&stripped_path, stripped.to_json()).unwrap();
    let other_req = path("HN.other.json");
    let _other = Reg::init("HN", &["--enroll-out", s(&other_req)]);
    for r in [&stripped_path, &other_req] {
        let o = certify(r, "HN.bad.hoso", true);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("trust-bad-signature") && stderr(&o).contains("countersigned"),
            "{}",
            stderr(&o)
        );
    }
    assert!(!path("HN.bad.hoso").exists());
    let certified = tw.json(&["audit", "list", "--action", "office.certify"]);
    assert_eq!(
        certified.as_array().unwrap().len(),
        1,
        "only HN's enrolment"
    );

    // With --replace-key: certified, the fingerprint printed, and HN signs with the new key.
    let out = certify(&req, "HN.rotated.hoso", true);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&new_fp), "{text}");
    let imp = hn.json(&["bundle", "import", s(&path("HN.rotated.hoso"))]);
    assert_eq!(imp["roster_updated"], true);
    assert_eq!(
        hn.json(&["key", "show"])["key_fingerprint"],
        new_fp.as_str()
    );
}

#[test]
fn a_province_rotates_its_signing_key_through_the_central_office() {
    let (tw, hn, stick, _fp) = enrol();
    let old = hn.json(&["key", "show"])["key_id"].clone();
    hn.add_case("HN", "Trước khi đổi khóa");
    let before = stick.path().join("before.hoso");
    hn.ok(&["bundle", "export", "--to", "TW", "--out", s(&before)]);
    // Certificates count whole seconds: the old one ends where the new one starts.
    std::thread::sleep(std::time::Duration::from_millis(1100));

    // A province must say where the request goes; nothing changes without it.
    let err = hn.fails(&["office", "rotate-key"]);
    assert!(err.contains("--enroll-out"), "{err}");
    let req = stick.path().join("HN.rotate.json");
    let r = hn.json(&["office", "rotate-key", "--enroll-out", s(&req)]);
    assert_eq!(r["result"], "pending");
    assert_ne!(r["key_id"], old);
    assert_eq!(
        hn.json(&["key", "show"])["key_id"],
        old,
        "still the old key"
    );

    let setup = stick.path().join("HN.rotated.hoso");
    tw.ok(&[
        "office",
        "certify",
        s(&req),
        "--out",
        s(&setup),
        "--replace-key",
    ]);
    let imp = hn.json(&["bundle", "import", s(&setup)]);
    assert_eq!(imp["roster_updated"], true);
    assert_eq!(hn.json(&["key", "show"])["key_id"], r["key_id"]);

    // The bundle written before the rotation still imports, and so does a new one.
    let i = tw.json(&["bundle", "import", s(&before)]);
    assert_eq!(i["outcome"], "imported");
    hn.add_case("HN", "Sau khi đổi khóa");
    let after = stick.path().join("after.hoso");
    hn.ok(&["bundle", "export", "--to", "TW", "--out", s(&after)]);
    let i = tw.json(&["bundle", "import", s(&after)]);
    assert_eq!(i["outcome"], "imported");
    assert_eq!(i["cases_new"], 1);
    let audit = hn.json(&["audit", "list", "--action", "key.rotate"]);
    assert_eq!(audit.as_array().unwrap().len(), 2);

    // The central office rotates its own key at once.
    let r = tw.json(&["office", "rotate-key"]);
    assert_eq!(r["result"], "active");
    assert_eq!(tw.json(&["key", "show"])["key_id"], r["key_id"]);
}

/// Issue 9 ("Offices"): a new central office holds the 2025 office list, certifying links an
/// office to its entry (creating it when missing), and the set-up bundle carries the list, so
/// right after set-up HN names QB (enrolled earlier, never added by hand) and QTR (on the list)
/// as coordinators. A code that names a closed office is certified only with --closed-office.
#[test]
fn after_set_up_a_province_names_any_office_as_coordinator() {
    let stick = tempfile::tempdir().unwrap();
    let tw = Reg::init("TW", &["--central"]);
    let list = tw.json(&["office", "list"]);
    let qbi = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "QBI")
        .expect("Quảng Bình is on the list");
    assert_eq!(qbi["valid_to"], "2025-07-01");
    assert!(tw.ok(&["office", "list"]).contains("merged from QBI"));

    let mut setups = Vec::new();
    for code in ["QB", "HN"] {
        let req = stick.path().join(format!("{code}.enrol.json"));
        let reg = Reg::init(code, &["--enroll-out", s(&req)]);
        let setup = stick.path().join(format!("{code}.setup.hoso"));
        tw.ok(&["office", "certify", s(&req), "--out", s(&setup)]);
        setups.push((reg, setup));
    }
    let qb = tw
        .json(&["office", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "QB")
        .cloned()
        .expect("certify created the entry");
    assert_eq!(qb["name"], "Ủy ban Kiểm tra QB");
    let fp = tw.ok(&["key", "fingerprint"]).trim().to_string();
    let (hn, setup) = setups.pop().unwrap();
    hn.ok(&["bundle", "import", s(&setup), "--trust-root", &fp]);
    hn.ok(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Kiểm tra phối hợp",
        "--lead",
        "HN",
        "--coordinator",
        "QB:cùng địa bàn",
        "--coordinator",
        "QTR:nơi công tác của đối tượng",
    ]);

    // Quảng Bình closed on 1 July 2025: its code is refused unless the officer means it.
    let req = stick.path().join("QBI.enrol.json");
    Reg::init("QBI", &["--enroll-out", s(&req)]);
    let out = stick.path().join("QBI.setup.hoso");
    let err = tw.fails(&["office", "certify", s(&req), "--out", s(&out)]);
    assert!(err.contains("closed") && err.contains("QTR"), "{err}");
    assert!(err.contains("--closed-office"), "{err}");
    tw.ok(&[
        "office",
        "certify",
        s(&req),
        "--out",
        s(&out),
        "--closed-office",
    ]);
}

/// Opens `reg`'s register file directly (as the officer the CLI runs as), for what the CLI
/// cannot do: a workstation clock set wrong, or a change an older version let in.
fn open_store(reg: &Reg) -> hoso_core::store::Store {
    hoso_core::store::Store::open(&reg.path, "lan", PASS).unwrap()
}

#[test]
fn a_clock_far_ahead_is_printed_by_import_and_sync_status_and_a_unit_left_out_by_export() {
    let (tw, hn, stick, _fp) = enrol();
    hn.add_case(
        "HN",
        "Kiểm tra dấu hiệu vi phạm tại Đảng ủy phường Hoàn Kiếm",
    );
    hn.add_case("HN", "Giám sát chuyên đề");
    let list = hn.json(&["case", "list"]);
    let id = |title: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"] == title)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (first, second) = (
        id("Kiểm tra dấu hiệu vi phạm tại Đảng ủy phường Hoàn Kiếm"),
        id("Giám sát chuyên đề"),
    );
    {
        let mut store = open_store(&hn);
        // One edit made while HN's workstation clock read 2031-01-01.
        let mut t =
            hoso_core::oplog::Txn::begin_at(store.conn_mut(), "HN", "lan", 1_924_992_000_000)
                .unwrap();
        t.put(
            &hoso_core::oplog::ScopeUnit::new(format!("case:{first}")),
            &hoso_core::oplog::EntityRef::new("case", first.as_str()),
            "summary",
            "sửa khi đồng hồ sai",
        )
        .unwrap();
        t.commit(&hoso_core::register::DomainProjector).unwrap();
        // And a float that an older version let into the other case.
        let n = store
            .conn()
            .execute(
                "UPDATE ops SET change = replace(change, '\"value\":\"Giám sát chuyên đề\"',
                                                 '\"value\":0.1')
                 WHERE origin = 'HN' AND scope = ?1",
                [format!("case:{second}")],
            )
            .unwrap();
        assert!(n > 0);
    }
    let b = stick.path().join("HN-1.hoso");
    let out = hn.ok(&["bundle", "export", "--to", "TW", "--out", s(&b)]);
    assert!(
        out.contains("Left out of this bundle (could not be exported: 1;")
            && out.contains(&format!("changes of HN on case:{second}:"))
            && out.contains("holds the number 0.1"),
        "{out}"
    );

    let text = tw.ok(&["bundle", "import", s(&b), "--dry-run"]);
    assert!(
        text.contains("Clock ahead: changes of HN are dated up to ")
            && text.contains("/2031")
            && text.contains("Ask HN to check its clock"),
        "{text}"
    );
    let r = tw.json(&["bundle", "import", s(&b)]);
    assert_eq!(r["outcome"], "imported");
    assert_eq!(r["cases_new"], 1);
    assert_eq!(r["clock_ahead"][0]["office"], "HN");
    assert!(
        r["clock_ahead"][0]["furthest"]
            .as_str()
            .unwrap()
            .starts_with("2031-01-01T00:00:00"),
        "{r}"
    );
    let table = tw.ok(&["sync", "status"]);
    assert!(
        table.contains("Clock ahead: changes of HN are dated up to ") && table.contains("/2031"),
        "{table}"
    );
    let st = tw.json(&["sync", "status"]);
    let at_tw = st
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office"] == "HN")
        .unwrap();
    assert_eq!(at_tw["clock_ahead"][0]["office"], "HN", "{st}");
    // Nothing far ahead at HN itself.
    assert!(!hn.ok(&["sync", "status"]).contains("Clock ahead"));
}

/// The register file and its key file, copied to `to` (or back from it).
fn copy_register(reg: &Reg, from_dir: &Path, to_dir: &Path) {
    let name = reg.path.file_name().unwrap().to_str().unwrap().to_string();
    for f in [name.clone(), format!("{name}.keys")] {
        std::fs::copy(from_dir.join(&f), to_dir.join(&f)).unwrap();
    }
    for f in [format!("{name}-wal"), format!("{name}-shm")] {
        let _ = std::fs::remove_file(to_dir.join(&f));
    }
}

#[test]
fn a_register_restored_from_a_copy_says_how_to_recover_and_refuses_to_write_until_then() {
    let (tw, hn, stick, _fp) = enrol();
    let bundle = |name: &str| s(&stick.path().join(name)).to_string();
    let carry = |from: &Reg, to: &Reg, name: &str, full: bool| {
        let to_code = to.path.file_stem().unwrap().to_str().unwrap().to_string();
        let mut args = vec!["bundle", "export", "--to", &to_code, "--out"];
        let out = bundle(name);
        args.push(&out);
        if full {
            args.push("--full");
        }
        from.ok(&args);
        to.ok(&["bundle", "import", &out]);
    };
    hn.add_case("HN", "Trước khi sao lưu");
    carry(&hn, &tw, "1.hoso", false);
    carry(&tw, &hn, "2.hoso", false);
    let dir = hn.path.parent().unwrap().to_path_buf();
    let backup = tempfile::tempdir().unwrap();
    copy_register(&hn, &dir, backup.path());
    hn.add_case("HN", "Làm sau khi sao lưu");
    carry(&hn, &tw, "3.hoso", false);
    copy_register(&hn, backup.path(), &dir);

    // The restored register does not know yet; the central office's bundle tells it.
    let status = hn.ok(&["sync", "status"]);
    assert!(!status.contains("WRITING PAUSED"), "{status}");
    tw.ok(&["bundle", "export", "--to", "HN", "--out", &bundle("4.hoso")]);
    let imported = hn.ok(&["bundle", "import", &bundle("4.hoso")]);
    assert!(imported.contains("WRITING PAUSED"), "{imported}");
    let status = hn.ok(&["sync", "status"]);
    assert!(status.contains("WRITING PAUSED"), "{status}");
    assert!(
        status.contains("hoso bundle export --full --to HN"),
        "{status}"
    );
    let err = hn.fails(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Bị từ chối",
        "--lead",
        "HN",
    ]);
    assert!(err.contains("register-restored"), "{err}");
    assert!(err.contains("--full --to HN"), "{err}");

    // The central office's full export brings HN's history back; writing resumes.
    carry(&tw, &hn, "5.hoso", true);
    let status = hn.ok(&["sync", "status"]);
    assert!(!status.contains("WRITING PAUSED"), "{status}");
    assert!(
        hn.case_titles()
            .contains(&"Làm sau khi sao lưu".to_string())
    );
    hn.add_case("HN", "Sau khi phục hồi");
    carry(&hn, &tw, "6.hoso", false);
    assert!(tw.case_titles().contains(&"Sau khi phục hồi".to_string()));
}
