//! The `hoso` binary's set-up and key commands, run as a user would: init, unlocking errors and
//! their exit codes, passwd, recovery, officer keys, refusal of a newer register.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

const PASS: &str = "mật khẩu của Lan";
const OFFICE_NAME: &str = "Ủy ban Kiểm tra Tỉnh ủy Quảng Trị";

/// A register of the one CLI test harness (`common::Reg`), run with exactly the HOSO_*
/// variables each test gives.
struct Reg(common::Reg);

impl std::ops::Deref for Reg {
    type Target = common::Reg;
    fn deref(&self) -> &common::Reg {
        &self.0
    }
}

impl Reg {
    fn new() -> Reg {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.hoso-db");
        Reg(common::Reg { dir, path })
    }

    /// Runs `hoso --register <path> args…` with exactly the given HOSO_* variables (and the
    /// cheap but real Argon2id of debug builds for new slots, except where a test checks the
    /// default).
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.0.bare(args, env).output().unwrap()
    }

    fn init(&self) -> Output {
        let out = self.run(
            &[
                "--officer",
                "lan",
                "init",
                "--office",
                "QTR",
                "--office-name",
                OFFICE_NAME,
                "--officer-name",
                "Lê Thị Lan",
            ],
            &[("HOSO_PASSPHRASE", PASS)],
        );
        assert_ok(&out);
        out
    }

    fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(self.dir.path())
    }
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}
fn assert_fails(o: &Output, code: i32, message: &str) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    let err = stderr(o);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(message), "expected {message:?} in {err}");
}

/// The recovery key as printed by `init`: the groups after the warning.
fn printed_recovery_key(init_stdout: &str) -> String {
    let after = init_stdout
        .split("RECOVERY KEY")
        .nth(1)
        .expect("a recovery key section");
    let groups: Vec<&str> = after
        .lines()
        .filter(|l| l.starts_with("    "))
        .flat_map(|l| l.trim().split('-'))
        .collect();
    assert_eq!(groups.len(), 17, "{after}");
    groups.join("-")
}

fn officers_json(reg: &Reg, login: &str, pass: &str) -> serde_json::Value {
    let out = reg.run(
        &["--officer", login, "--json", "officer", "list"],
        &[("HOSO_PASSPHRASE", pass)],
    );
    assert_ok(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn version_and_help_work_and_usage_errors_exit_1() {
    let reg = Reg::new();
    let v = reg.run(&["--version"], &[]);
    assert_ok(&v);
    assert!(stdout(&v).starts_with("hoso "));
    let h = reg.run(&["--help"], &[]);
    assert_ok(&h);
    for word in [
        "init",
        "passwd",
        "unlock",
        "officer",
        "--register",
        "--passphrase-file",
        "HOSO_PASSPHRASE",
    ] {
        assert!(stdout(&h).contains(word), "{word} missing from --help");
    }
    let bad = reg.run(&["init", "--no-such-option"], &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).starts_with("error: "));
}

#[test]
fn init_creates_an_encrypted_register_and_prints_the_recovery_key_once() {
    let reg = Reg::new();
    // Default KDF parameters here: the real cost new registers get.
    let out = reg
        .bare(
            &[
                "--officer",
                "lan",
                "init",
                "--office",
                "QTR",
                "--office-name",
                OFFICE_NAME,
                "--officer-name",
                "Lê Thị Lan",
            ],
            &[("HOSO_PASSPHRASE", PASS)],
        )
        .env_remove("HOSO_TEST_FAST_KDF")
        .output()
        .unwrap();
    assert_ok(&out);
    let text = stdout(&out);
    assert!(text.contains("shown only this once"), "{text}");
    let key = printed_recovery_key(&text);

    let keys: serde_json::Value = serde_json::from_slice(
        &std::fs::read(reg.dir.path().join("register.hoso-db.keys")).unwrap(),
    )
    .unwrap();
    assert_eq!(keys["slots"][0]["login"], "lan");
    assert_eq!(
        keys["slots"][0]["kdf"]["m_cost_kib"], 131072,
        "recommended Argon2id cost"
    );

    let file = std::fs::read(&reg.path).unwrap();
    assert!(
        !file
            .windows(OFFICE_NAME.len())
            .any(|w| w == OFFICE_NAME.as_bytes())
    );
    assert!(!file.starts_with(b"SQLite format 3"));

    // The register works, and the recovery key is not shown again by anything.
    let list = reg.run(
        &["--officer", "lan", "officer", "list"],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_ok(&list);
    assert!(stdout(&list).contains("administrator"));
    assert!(!stdout(&list).contains(&key[..14]));
}

#[test]
fn init_with_json_and_bad_input_or_existing_register() {
    let reg = Reg::new();
    let bad = reg.run(
        &[
            "--officer",
            "lan",
            "init",
            "--office",
            "",
            "--office-name",
            OFFICE_NAME,
            "--officer-name",
            "Lan",
        ],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(
        reg.snapshot().is_empty(),
        "a refused init leaves no files: {:?}",
        reg.snapshot().keys()
    );
    let no_officer = reg.run(
        &[
            "init",
            "--office",
            "QTR",
            "--office-name",
            "x",
            "--officer-name",
            "y",
        ],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_fails(&no_officer, 1, "--officer");
    assert!(reg.snapshot().is_empty());

    let out = reg.run(
        &[
            "--json",
            "--officer",
            "lan",
            "init",
            "--office",
            "QTR",
            "--office-name",
            OFFICE_NAME,
            "--officer-name",
            "Lan",
        ],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["office"], "QTR");
    assert_eq!(v["officer"], "lan");
    let key = v["recovery_key"].as_str().unwrap();
    assert_eq!(key.split('-').count(), 17);

    let before = reg.snapshot();
    let again = reg.run(
        &[
            "--officer",
            "lan",
            "init",
            "--office",
            "HN",
            "--office-name",
            "x",
            "--officer-name",
            "y",
        ],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_fails(&again, 1, "already exists");
    assert_eq!(reg.snapshot(), before);
}

#[test]
fn wrong_passphrase_or_unknown_officer_exit_2_and_change_nothing() {
    let reg = Reg::new();
    reg.init();
    let before = reg.snapshot();
    let out = reg.run(
        &["--officer", "lan", "officer", "list"],
        &[("HOSO_PASSPHRASE", "mật khẩu của lan")],
    );
    assert_fails(&out, 2, "wrong passphrase for officer lan");
    assert!(out.stdout.is_empty());
    let out = reg.run(
        &["--officer", "hung", "officer", "list"],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_fails(&out, 2, "unknown officer hung");
    let out = reg.run(&["officer", "list"], &[("HOSO_PASSPHRASE", PASS)]);
    assert_fails(&out, 1, "--officer");
    assert_eq!(reg.snapshot(), before);

    // Missing key file: a distinct, non-authentication error that points to the remedy.
    let keys = reg.dir.path().join("register.hoso-db.keys");
    std::fs::rename(&keys, reg.dir.path().join("aside")).unwrap();
    let out = reg.run(
        &["--officer", "lan", "officer", "list"],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_fails(&out, 1, "recovery key");
    assert!(stderr(&out).contains("is missing"));
}

#[test]
fn passphrase_file_is_read_and_takes_precedence() {
    let reg = Reg::new();
    reg.init();
    let file = reg.dir.path().join("pass.txt");
    std::fs::write(&file, format!("{PASS}\nonly the first line counts\n")).unwrap();
    let out = reg.run(
        &[
            "--officer",
            "lan",
            "--passphrase-file",
            file.to_str().unwrap(),
            "officer",
            "list",
        ],
        &[("HOSO_PASSPHRASE", "wrong")],
    );
    assert_ok(&out);
}

#[test]
fn passwd_changes_the_passphrase() {
    let reg = Reg::new();
    reg.init();
    let out = reg.run(
        &["--officer", "lan", "passwd"],
        &[
            ("HOSO_PASSPHRASE", PASS),
            ("HOSO_NEW_PASSPHRASE", "Mới-2026"),
        ],
    );
    assert_ok(&out);
    assert!(stdout(&out).contains("changed"));
    let old = reg.run(
        &["--officer", "lan", "officer", "list"],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_fails(&old, 2, "wrong passphrase");
    officers_json(&reg, "lan", "Mới-2026");
    // passwd itself needs the current passphrase.
    let before = reg.snapshot();
    let out = reg.run(
        &["--officer", "lan", "passwd"],
        &[("HOSO_PASSPHRASE", PASS), ("HOSO_NEW_PASSPHRASE", "x")],
    );
    assert_fails(&out, 2, "wrong passphrase");
    assert_eq!(reg.snapshot(), before);
}

#[test]
fn recovery_key_resets_a_forgotten_passphrase() {
    let reg = Reg::new();
    let key = printed_recovery_key(&stdout(&reg.init()));

    // A typo is caught by the checksum before anything is tried.
    let mut typo = key.clone();
    let c = if typo.starts_with('0') { "1" } else { "0" };
    typo.replace_range(0..1, c);
    let before = reg.snapshot();
    let out = reg.run(
        &["--officer", "lan", "unlock", "--recovery-key"],
        &[("HOSO_RECOVERY_KEY", &typo), ("HOSO_NEW_PASSPHRASE", "mới")],
    );
    assert_fails(&out, 1, "checksum");
    // Another register's key (valid checksum) is an authentication failure.
    let other = Reg::new();
    let other_key = printed_recovery_key(&stdout(&other.init()));
    let out = reg.run(
        &["--officer", "lan", "unlock", "--recovery-key"],
        &[
            ("HOSO_RECOVERY_KEY", &other_key),
            ("HOSO_NEW_PASSPHRASE", "mới"),
        ],
    );
    assert_fails(&out, 2, "recovery key does not open");
    assert_eq!(reg.snapshot(), before);

    // Typed sloppily: lower case, spaces instead of dashes.
    let sloppy = key.to_lowercase().replace('-', " ");
    let out = reg.run(
        &["--officer", "lan", "unlock", "--recovery-key"],
        &[
            ("HOSO_RECOVERY_KEY", &sloppy),
            ("HOSO_NEW_PASSPHRASE", "mật khẩu mới"),
        ],
    );
    assert_ok(&out);
    assert_fails(
        &reg.run(
            &["--officer", "lan", "officer", "list"],
            &[("HOSO_PASSPHRASE", PASS)],
        ),
        2,
        "wrong passphrase",
    );
    officers_json(&reg, "lan", "mật khẩu mới");

    // With the key file lost, recovery writes a new one.
    std::fs::remove_file(reg.dir.path().join("register.hoso-db.keys")).unwrap();
    let out = reg.run(
        &["--officer", "lan", "unlock", "--recovery-key"],
        &[
            ("HOSO_RECOVERY_KEY", &key),
            ("HOSO_NEW_PASSPHRASE", "lần ba"),
        ],
    );
    assert_ok(&out);
    officers_json(&reg, "lan", "lần ba");
    // Only officers of the register get a slot.
    let out = reg.run(
        &["--officer", "stranger", "unlock", "--recovery-key"],
        &[("HOSO_RECOVERY_KEY", &key), ("HOSO_NEW_PASSPHRASE", "x")],
    );
    assert_fails(&out, 1, "not an officer");
}

#[test]
fn officer_add_gives_the_new_officer_a_key_and_checks_the_role() {
    let reg = Reg::new();
    reg.init();
    let out = reg.run(
        &[
            "--officer",
            "lan",
            "officer",
            "add",
            "hung",
            "--name",
            "Trần Văn Hùng",
            "--role",
            "inspector",
        ],
        &[
            ("HOSO_PASSPHRASE", PASS),
            ("HOSO_NEW_PASSPHRASE", "mật khẩu Hùng"),
        ],
    );
    assert_ok(&out);
    let list = officers_json(&reg, "hung", "mật khẩu Hùng");
    let hung = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["login"] == "hung")
        .unwrap();
    assert_eq!(hung["role"], "inspector");
    assert_eq!(hung["name"], "Trần Văn Hùng");
    assert_eq!(hung["has_key"], true);

    // An inspector may not add officers: refused, and no key slot appears either.
    let before = reg.snapshot();
    let out = reg.run(
        &[
            "--officer",
            "hung",
            "officer",
            "add",
            "mai",
            "--name",
            "Mai",
            "--role",
            "viewer",
        ],
        &[
            ("HOSO_PASSPHRASE", "mật khẩu Hùng"),
            ("HOSO_NEW_PASSPHRASE", "x"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("permission"), "{}", stderr(&out));
    assert_eq!(
        reg.snapshot()["register.hoso-db.keys"],
        before["register.hoso-db.keys"]
    );
    let out = reg.run(
        &[
            "--officer",
            "lan",
            "officer",
            "add",
            "mai",
            "--name",
            "Mai",
            "--role",
            "boss",
        ],
        &[("HOSO_PASSPHRASE", PASS), ("HOSO_NEW_PASSPHRASE", "x")],
    );
    assert_fails(&out, 1, "letters-clerk");
    let out = reg.run(
        &[
            "--officer",
            "lan",
            "officer",
            "add",
            "hung",
            "--name",
            "Hùng",
            "--role",
            "viewer",
        ],
        &[("HOSO_PASSPHRASE", PASS), ("HOSO_NEW_PASSPHRASE", "x")],
    );
    assert_fails(&out, 1, "already");
}

#[test]
fn a_register_from_a_newer_hoso_is_refused_untouched() {
    let reg = Reg::new();
    let key = printed_recovery_key(&stdout(&reg.init()));
    // Simulate a newer HoSo: bump user_version through SQLCipher with the recovery key.
    let hex: String = key
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    let conn = hoso_core::rusqlite::Connection::open(&reg.path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))
        .unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "user_version", v + 1).unwrap();
    drop(conn);

    let before = reg.snapshot();
    let out = reg.run(
        &["--officer", "lan", "officer", "list"],
        &[("HOSO_PASSPHRASE", PASS)],
    );
    assert_fails(&out, 1, "newer HoSo");
    let out = reg.run(
        &["--officer", "lan", "unlock", "--recovery-key"],
        &[("HOSO_RECOVERY_KEY", &key), ("HOSO_NEW_PASSPHRASE", "x")],
    );
    assert_fails(&out, 1, "newer HoSo");
    assert_eq!(reg.snapshot(), before);
}
