//! `hoso audit verify|list` and `hoso demo` run as a script would (helper R). Tampering is done
//! the way an insider holding the recovery key would: through SQLCipher, with the raw key.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use hoso_core::rusqlite::Connection;
use hoso_crypto::RecoveryKey;
use serde_json::Value;

const PASS: &str = "mật khẩu kiểm tra";

fn hoso(register: &Path, officer: &str, pass: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    common::command_at(register, &[])
        .env("HOSO_PASSPHRASE", pass)
        .arg("--officer")
        .arg(officer)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        out(&o),
        err(&o)
    );
    out(&o)
}

struct Reg {
    _dir: tempfile::TempDir,
    path: PathBuf,
    recovery: String,
}

impl Reg {
    fn new() -> Reg {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tw.hoso");
        let init = ok(hoso(
            &path,
            "admin",
            PASS,
            &[
                "--json",
                "init",
                "--office",
                "TW",
                "--office-name",
                "Ủy ban Kiểm tra Đảng ủy Công an Trung ương",
                "--officer-name",
                "Trần Minh Hùng",
                "--central",
            ],
            &[],
        ));
        let v: Value = serde_json::from_str(&init).unwrap();
        let recovery = v["recovery_key"].as_str().unwrap().to_string();
        Reg {
            _dir: dir,
            path,
            recovery,
        }
    }
    fn run(&self, args: &[&str]) -> Output {
        hoso(&self.path, "admin", PASS, args, &[])
    }
    /// Opens the file as an outsider with the recovery key would, in plain SQLCipher.
    fn raw(&self) -> Connection {
        let key = self
            .recovery
            .parse::<RecoveryKey>()
            .unwrap()
            .into_data_key();
        let conn = Connection::open(&self.path).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA key = \"{}\";",
            key.sqlcipher_raw_key().as_str()
        ))
        .unwrap();
        conn
    }
}

#[test]
fn audit_verify_passes_then_catches_edits_and_deletions() {
    let reg = Reg::new();
    // (The 2025 list is seeded at init: these two are new offices.)
    ok(reg.run(&[
        "office",
        "add",
        "KV1",
        "--name",
        "Khu vực Một",
        "--kind",
        "city",
    ]));
    ok(reg.run(&["office", "add", "KV2", "--name", "Khu vực Hai"]));
    let intact = ok(reg.run(&["audit", "verify"]));
    // init, then a sign-in per command (two office adds, this verify) and the two changes.
    assert!(
        intact.starts_with("audit log intact: 6 entries"),
        "{intact}"
    );

    let list: Value = serde_json::from_str(&ok(reg.run(&["--json", "audit", "list"]))).unwrap();
    let actions: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "register.init",
            "session.open",
            "office.create",
            "session.open",
            "office.create",
            "session.open",
            "session.open"
        ]
    );
    assert_eq!(list[1]["actor"], "admin");
    assert_eq!(list[1]["detail"]["unlocked_with"], "passphrase");
    assert_eq!(list[2]["prev_hash"], list[1]["hash"]);
    let only: Value = serde_json::from_str(&ok(reg.run(&[
        "--json",
        "audit",
        "list",
        "--entity",
        "office:KV2",
    ])))
    .unwrap();
    assert_eq!(only.as_array().unwrap().len(), 1);
    let text = ok(reg.run(&["audit", "list", "--action", "office."]));
    assert_eq!(text.lines().count(), 2, "{text}");

    // Plain SQL cannot rewrite history, even with the key...
    let conn = reg.raw();
    assert!(
        conn.execute("UPDATE audit_log SET actor = 'ke-gian' WHERE seq = 2", [])
            .is_err()
    );
    // ...but someone who drops the guard can; verify then names the entry.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         UPDATE audit_log SET actor = 'ke-gian' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let o = reg.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("entry 2 was edited"), "{}", err(&o));
    assert!(err(&o).contains("append-only were removed"), "{}", err(&o));

    let o = reg.run(&["--json", "audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "edited" && p["seq"] == 2)
    );

    reg.raw()
        .execute_batch("DELETE FROM audit_log WHERE seq = 1;")
        .unwrap();
    let o = reg.run(&["audit", "verify"]);
    assert!(err(&o).contains("entry 1 was deleted"), "{}", err(&o));
}

#[test]
fn audit_needs_the_audit_read_permission() {
    let reg = Reg::new();
    ok(hoso(
        &reg.path,
        "admin",
        PASS,
        &[
            "officer",
            "add",
            "xem",
            "--name",
            "Hoàng Quốc Sơn",
            "--role",
            "viewer",
        ],
        &[("HOSO_NEW_PASSPHRASE", "người xem")],
    ));
    for args in [&["audit", "verify"][..], &["audit", "list"][..]] {
        let o = hoso(&reg.path, "xem", "người xem", args, &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            err(&o).contains("audit.read") && err(&o).contains("viewer"),
            "{}",
            err(&o)
        );
    }
}

#[test]
fn demo_builds_a_register_that_opens_with_demo_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.hoso");
    let p = path.to_str().unwrap();
    let made: Value = serde_json::from_str(&ok(hoso(
        Path::new("/nonexistent"),
        "nobody",
        "",
        &[
            "--json",
            "demo",
            "--out",
            p,
            "--subjects",
            "25",
            "--cases",
            "50",
            "--seed",
            "11",
        ],
        &[],
    )))
    .unwrap();
    assert_eq!(made["officer"], "demo");
    assert!(made["summary"]["cases"].as_u64().unwrap() >= 50);
    assert_eq!(made["summary"]["offices"], 64);
    assert!(made["summary"]["overlaps"].as_u64().unwrap() >= 1);
    assert!(made["summary"]["omissions"].as_u64().unwrap() >= 1);

    let cases: Value = serde_json::from_str(&ok(hoso(
        &path,
        "demo",
        "demo",
        &["--json", "case", "list"],
        &[],
    )))
    .unwrap();
    assert!(cases.as_array().unwrap().len() >= 50);
    assert!(ok(hoso(&path, "demo", "demo", &["audit", "verify"], &[])).contains("intact"));
    // Searching folded Vietnamese finds demo cases.
    let found: Value = serde_json::from_str(&ok(hoso(
        &path,
        "demo",
        "demo",
        &["--json", "case", "list", "--search", "giai quyet to cao"],
        &[],
    )))
    .unwrap();
    assert!(!found.as_array().unwrap().is_empty());

    // Piped into a reader that stops early (`| head`): the listing ends quietly, exit 0.
    for args in [&["case", "list"][..], &["audit", "list"][..]] {
        let mut child = common::command_at(&path, &[])
            .env("HOSO_PASSPHRASE", "demo")
            .arg("--officer")
            .arg("demo")
            .args(args)
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone before the first line is written
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        assert!(err(&o).is_empty(), "{args:?}: {}", err(&o));
    }

    // The sync dashboard has a history: four enrolled provinces, three answered, one overdue.
    assert_eq!(made["summary"]["sync_peers"], 4);
    let peers: Value = serde_json::from_str(&ok(hoso(
        &path,
        "demo",
        "demo",
        &["--json", "sync", "status"],
        &[],
    )))
    .unwrap();
    let peers = peers.as_array().unwrap();
    assert_eq!(peers.len(), 4, "{peers:?}");
    assert_eq!(
        peers
            .iter()
            .filter(|p| p["last_received"].is_null())
            .count(),
        1
    );
    assert_eq!(peers.iter().filter(|p| p["overdue"] == true).count(), 1);

    // The printed recovery key opens the file in plain SQLCipher.
    let key = made["recovery_key"]
        .as_str()
        .unwrap()
        .parse::<RecoveryKey>()
        .unwrap()
        .into_data_key();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"{}\";",
        key.sqlcipher_raw_key().as_str()
    ))
    .unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(n > 100);
    drop(conn);

    // An existing file is never overwritten.
    let before = std::fs::read(&path).unwrap();
    let o = hoso(
        Path::new("/nonexistent"),
        "nobody",
        "",
        &["demo", "--out", p],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("already exists"), "{}", err(&o));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
