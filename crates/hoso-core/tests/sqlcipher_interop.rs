//! The recovery key must open the register in an independent SQLCipher 4 client: Python's
//! `sqlcipher3` (`pip install sqlcipher3-binary`), which bundles its own SQLCipher build.
//! Without python3 + sqlcipher3 this test fails (a developer may opt out: HOSO_SKIP_INTEROP=1).

use std::process::Command;

use hoso_core::Store;
use hoso_core::store::FAST_KDF_FOR_TESTS;

const TITLE: &str = "Thi hành kỷ luật Chi bộ thôn Đồng Xuân, xã Hưng Đạo";

const SCRIPT: &str = r#"
import json, sys, sqlcipher3
path, key = sys.argv[1], sys.argv[2]
con = sqlcipher3.connect(path)
con.execute('PRAGMA key = "' + key + '"')
fmt, version = con.execute("SELECT format, schema_version FROM register_meta").fetchone()
title = con.execute("SELECT title FROM interop").fetchone()[0]
cipher = con.execute("PRAGMA cipher_version").fetchone()[0]
print(json.dumps({"format": fmt, "schema_version": version, "title": title, "cipher": cipher}))
"#;

#[test]
fn recovery_key_opens_the_register_in_python_sqlcipher3() {
    if !hoso_testkit::require_tools(
        "sqlcipher_interop::recovery_key_opens_the_register_in_python_sqlcipher3",
        &[hoso_testkit::PYTHON_SQLCIPHER3],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.hoso-db");
    let (store, recovery) = Store::create(&path, "lan", "mật khẩu", &FAST_KDF_FOR_TESTS).unwrap();
    store
        .conn()
        .execute_batch("CREATE TABLE interop (title TEXT NOT NULL)")
        .unwrap();
    store
        .conn()
        .execute("INSERT INTO interop (title) VALUES (?1)", [TITLE])
        .unwrap();
    drop(store);

    // What the user types: the printed recovery key, its first 64 hex digits as the raw key.
    let printed = recovery.to_string();
    let hex: String = printed
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(&path)
        .arg(format!("x'{hex}'"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "hoso-register");
    assert_eq!(v["schema_version"], hoso_core::store::schema_version());
    assert_eq!(v["title"], TITLE);
    assert!(v["cipher"].as_str().unwrap().starts_with('4'), "{v}");

    // And a wrong key is refused by the same client (so the success above is not vacuous).
    let wrong = format!("x'{}'", "0".repeat(64));
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(&path)
        .arg(wrong)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("file is not a database"));
}
