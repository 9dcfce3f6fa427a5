//! Store tests: every register here is a real SQLCipher file with real Argon2id slots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

const P: KdfParams = FAST_KDF_FOR_TESTS;
/// A title no encryption-less file could hide: Vietnamese with tones, đ and a rare word.
const SECRET_TITLE: &str = "Kiểm tra dấu hiệu vi phạm của Đảng ủy xã Quỳnh Lưu — nghiêm trọng";

fn new_register(dir: &Path) -> (PathBuf, Store, RecoveryKey) {
    let path = dir.join("register.hoso-db");
    let (store, rk) = Store::create(&path, "lan", "mật khẩu Lan", &P).unwrap();
    (path, store, rk)
}

/// Every file in `dir` with its bytes: what "nothing was written" compares.
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

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A fresh rusqlite connection keyed only with `PRAGMA key = "x'…'"`, as any SQLCipher tool.
fn raw_connection(path: &Path, rk: &RecoveryKey) -> Connection {
    let conn = Connection::open(path).unwrap();
    let hex: String = rk
        .to_string()
        .chars()
        .filter(|c| *c != '-')
        .take(64)
        .collect();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))
        .unwrap();
    conn
}

#[test]
fn migrations_validate() {
    migrations::validate().unwrap();
    assert_eq!(schema_version(), migrations::MIGRATIONS.len() as u32);
}

#[test]
fn create_then_open_with_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    assert_eq!(store.login(), Some("lan"));
    drop(store);
    let store = Store::open(&path, "lan", "mật khẩu Lan").unwrap();
    let (format, version): (String, u32) = store
        .conn()
        .query_row(
            "SELECT format, schema_version FROM register_meta",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(format, "hoso-register");
    assert_eq!(version, schema_version());
    assert_eq!(store.key_slot_logins().unwrap(), ["lan"]);
    assert!(key_file_path(&path).exists());
    // The key file is JSON naming its format, and holds no key in clear.
    let json = std::fs::read_to_string(key_file_path(&path)).unwrap();
    assert!(json.contains("\"format\": \"hoso-keys\""));
    let raw = store.key.sqlcipher_raw_key();
    assert!(!json.contains(&raw[2..66]));
}

#[test]
fn register_is_encrypted_on_disk_including_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store, _rk) = new_register(dir.path());
    store
        .conn()
        .execute_batch("CREATE TABLE notes (body TEXT NOT NULL)")
        .unwrap();
    let tx = store.conn_mut().transaction().unwrap();
    for _ in 0..50 {
        tx.execute("INSERT INTO notes (body) VALUES (?1)", [SECRET_TITLE])
            .unwrap();
    }
    tx.commit().unwrap();
    let needle = SECRET_TITLE.as_bytes();
    let wal = wal_path(&path, "-wal");
    let wal_bytes = std::fs::read(&wal).unwrap();
    assert!(wal_bytes.len() > 4096, "the write went to the WAL");
    assert!(!contains(&wal_bytes, needle));
    assert!(!contains(&wal_bytes, "Quỳnh Lưu".as_bytes()));
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let main = std::fs::read(&path).unwrap();
    assert!(!contains(&main, needle));
    assert!(!contains(&main, "Quỳnh Lưu".as_bytes()));
    assert!(!contains(&main, b"SQLite format 3"));
    assert!(
        !contains(&main, b"register_meta"),
        "the schema is encrypted too"
    );
    // And it is really there, readable through the store.
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM notes WHERE body = ?1",
            [SECRET_TITLE],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 50);
}

#[test]
fn pragmas_are_in_effect() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    drop(store);
    let store = Store::open(&path, "lan", "mật khẩu Lan").unwrap();
    let c = store.conn();
    let get = |p: &str| {
        c.query_row(&format!("PRAGMA {p}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .unwrap()
    };
    use rusqlite::types::Value::{Integer, Text as T};
    assert_eq!(get("journal_mode"), T("wal".into()));
    assert_eq!(get("synchronous"), Integer(2), "FULL");
    assert_eq!(get("foreign_keys"), Integer(1));
    assert_eq!(get("secure_delete"), Integer(1));
    assert_eq!(get("cache_size"), Integer(-65536));
    assert_eq!(
        get("cipher_page_size"),
        T("4096".into()),
        "SQLCipher 4 default"
    );
    assert_eq!(
        get("cipher_hmac_algorithm"),
        T("HMAC_SHA512".into()),
        "SQLCipher 4 default"
    );
    // The collation and fold() of text.rs are installed on the store's connection.
    let folded: String = c
        .query_row("SELECT fold('Đảng ủy')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(folded, "dang uy");
}

#[test]
fn recovery_key_opens_the_file_with_a_raw_pragma_key() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, rk) = new_register(dir.path());
    store
        .conn()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    store
        .conn()
        .execute("INSERT INTO notes VALUES (?1)", [SECRET_TITLE])
        .unwrap();
    drop(store);
    // Round trip through the printed form, as a user would type it back.
    let typed: RecoveryKey = rk
        .to_string()
        .to_lowercase()
        .replace('-', " ")
        .parse()
        .unwrap();
    let conn = raw_connection(&path, &typed);
    let format: String = conn
        .query_row("SELECT format FROM register_meta", [], |r| r.get(0))
        .unwrap();
    assert_eq!(format, "hoso-register");
    let body: String = conn
        .query_row("SELECT body FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(body, SECRET_TITLE);
    drop(conn);
    let store = Store::open_with_recovery_key(&path, &typed).unwrap();
    assert_eq!(store.unlocked_by(), &Unlock::RecoveryKey);
    assert_eq!(store.login(), None);
}

#[test]
fn wrong_recovery_key_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    drop(store);
    let before = snapshot(dir.path());
    let other = RecoveryKey::new(DataKey::generate().unwrap());
    let e = Store::open_with_recovery_key(&path, &other).unwrap_err();
    assert_eq!(e.code(), "wrong-recovery-key", "{e}");
    assert!(e.is_authentication());
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn wrong_passphrase_and_unknown_officer_are_distinct_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    drop(store);
    let before = snapshot(dir.path());

    let e = Store::open(&path, "lan", "mật khẩu lan").unwrap_err();
    assert_eq!(e.code(), "wrong-passphrase");
    assert!(e.is_authentication());
    assert_eq!(e.to_string(), "wrong passphrase for officer lan");

    let e = Store::open(&path, "hung", "mật khẩu Lan").unwrap_err();
    assert_eq!(e.code(), "unknown-officer");
    assert!(e.is_authentication());
    assert!(e.to_string().contains("hung"), "{e}");

    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn passphrase_typed_decomposed_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    drop(store);
    // "mật khẩu Lan" as an NFD input method sends it.
    let nfd = "ma\u{302}\u{323}t kha\u{302}\u{309}u Lan";
    assert_ne!(nfd, "mật khẩu Lan");
    Store::open(&path, " lan ", nfd).unwrap();
}

#[test]
fn missing_and_damaged_key_files_are_distinct_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    drop(store);
    let keys = key_file_path(&path);
    let good = std::fs::read(&keys).unwrap();

    std::fs::remove_file(&keys).unwrap();
    let before = snapshot(dir.path());
    let e = Store::open(&path, "lan", "mật khẩu Lan").unwrap_err();
    assert_eq!(e.code(), "key-file-missing", "{e}");
    assert!(e.to_string().contains("recovery key"), "{e}");
    assert_eq!(snapshot(dir.path()), before);

    let good_text = String::from_utf8(good.clone()).unwrap();
    let damaged: Vec<Vec<u8>> = vec![
        b"\x00\x01garbage".to_vec(),
        good[..good.len() / 2].to_vec(),
        good_text.replace("hoso-keys", "other-keys").into_bytes(),
        good_text
            .replace("\"version\": 1", "\"version\": 7")
            .into_bytes(),
        // A doctored slot asking for 4 TiB of memory is refused, not attempted.
        good_text
            .replace("\"m_cost_kib\": 8192", "\"m_cost_kib\": 4294967295")
            .into_bytes(),
    ];
    for bytes in damaged {
        std::fs::write(&keys, &bytes).unwrap();
        let before = snapshot(dir.path());
        let e = Store::open(&path, "lan", "mật khẩu Lan").unwrap_err();
        assert_eq!(e.code(), "key-file-corrupt", "{e}");
        assert_eq!(snapshot(dir.path()), before);
    }
    std::fs::write(&keys, &good).unwrap();
    Store::open(&path, "lan", "mật khẩu Lan").unwrap();
}

#[test]
fn newer_schema_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, rk) = new_register(dir.path());
    drop(store);
    let conn = raw_connection(&path, &rk);
    conn.pragma_update(None, "user_version", schema_version() + 1)
        .unwrap();
    drop(conn);
    let before = snapshot(dir.path());
    let e = Store::open(&path, "lan", "mật khẩu Lan").unwrap_err();
    assert_eq!(e.code(), "newer-schema", "{e}");
    assert!(e.to_string().contains("newer HoSo"), "{e}");
    assert_eq!(snapshot(dir.path()), before);
    let e = Store::open_with_recovery_key(&path, &rk).unwrap_err();
    assert_eq!(e.code(), "newer-schema");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn files_that_are_not_registers_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.hoso-db");
    let key = DataKey::generate().unwrap();
    let slot = KeySlot::seal("lan", "pw", &key, &P).unwrap();
    KeyFile::new(vec![slot])
        .save(&key_file_path(&path))
        .unwrap();
    let check = |what: &str| {
        let before = snapshot(dir.path());
        let e = Store::open(&path, "lan", "pw").unwrap_err();
        assert_eq!(e.code(), "not-a-register", "{what}: {e}");
        assert_eq!(snapshot(dir.path()), before, "{what}");
        e
    };

    std::fs::write(&path, b"").unwrap();
    check("empty file");
    std::fs::write(
        &path,
        (0..40_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let e = check("random bytes");
    assert!(e.to_string().contains("does not decrypt"), "{e}");

    // A plain SQLite database: exactly what the register must never be.
    std::fs::remove_file(&path).unwrap();
    let plain = Connection::open(&path).unwrap();
    plain
        .execute_batch("CREATE TABLE register_meta (id INTEGER, format TEXT)")
        .unwrap();
    drop(plain);
    let e = check("plain SQLite");
    assert!(e.to_string().contains("unencrypted"), "{e}");

    // A SQLCipher file with the right key but no register_meta: some other application's.
    std::fs::remove_file(&path).unwrap();
    let other = Connection::open(&path).unwrap();
    apply_key(&other, &key).unwrap();
    other
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(other);
    let e = check("SQLCipher without register_meta");
    assert!(e.to_string().contains("register_meta"), "{e}");

    let e = Store::open(dir.path().join("absent.hoso-db"), "lan", "pw").unwrap_err();
    assert_eq!(e.code(), "not-found");
    assert!(
        !dir.path().join("absent.hoso-db").exists(),
        "opening never creates a file"
    );
}

#[test]
fn create_refuses_an_existing_file_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    drop(store);
    let before = snapshot(dir.path());
    let e = Store::create(&path, "hung", "x", &P).unwrap_err();
    assert_eq!(e.code(), "already-exists");
    // A stray key file without a register also blocks creation (it may be someone's only copy).
    let other = dir.path().join("other.hoso-db");
    std::fs::copy(key_file_path(&path), key_file_path(&other)).unwrap();
    let before_other = snapshot(dir.path());
    let e = Store::create(&other, "hung", "x", &P).unwrap_err();
    assert_eq!(e.code(), "already-exists");
    assert_eq!(snapshot(dir.path()), before_other);
    std::fs::remove_file(key_file_path(&other)).unwrap();
    assert_eq!(snapshot(dir.path()), before);
    let e = Store::create(dir.path().join("new.hoso-db"), "  ", "x", &P).unwrap_err();
    assert_eq!(e.code(), "invalid");
    let e = Store::create(dir.path().join("new.hoso-db"), "hung", "", &P).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "failed creates leave no files"
    );
}

#[test]
fn key_slots_add_change_remove() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _rk) = new_register(dir.path());
    store.add_key_slot("hung", "mật khẩu Hùng", &P).unwrap();
    assert_eq!(store.key_slot_logins().unwrap(), ["hung", "lan"]);
    let e = store.add_key_slot("hung", "other", &P).unwrap_err();
    assert_eq!(e.code(), "already-exists");
    drop(store);

    let hung = Store::open(&path, "hung", "mật khẩu Hùng").unwrap();
    assert_eq!(hung.login(), Some("hung"));
    hung.set_passphrase("hung", "mới").unwrap();
    drop(hung);
    assert_eq!(
        Store::open(&path, "hung", "mật khẩu Hùng")
            .unwrap_err()
            .code(),
        "wrong-passphrase"
    );
    let lan_store = Store::open(&path, "lan", "mật khẩu Lan").unwrap();
    Store::open(&path, "hung", "mới").unwrap();

    lan_store.remove_key_slot("hung").unwrap();
    assert_eq!(
        Store::open(&path, "hung", "mới").unwrap_err().code(),
        "unknown-officer"
    );
    assert_eq!(
        lan_store.remove_key_slot("hung").unwrap_err().code(),
        "unknown-officer"
    );
    assert_eq!(
        lan_store.set_passphrase("hung", "x").unwrap_err().code(),
        "unknown-officer"
    );
    let e = lan_store.remove_key_slot("lan").unwrap_err();
    assert!(e.to_string().contains("last key slot"), "{e}");
    Store::open(&path, "lan", "mật khẩu Lan").unwrap();
    // Atomic writes leave no temporary files behind.
    let names: Vec<String> = snapshot(dir.path()).into_keys().collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn recovery_without_a_key_file_recreates_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, rk) = new_register(dir.path());
    drop(store);
    std::fs::remove_file(key_file_path(&path)).unwrap();
    let store = Store::open_with_recovery_key(&path, &rk).unwrap();
    assert!(store.key_slot_logins().unwrap().is_empty());
    store.add_key_slot("lan", "mật khẩu mới", &P).unwrap();
    drop(store);
    Store::open(&path, "lan", "mật khẩu mới").unwrap();
}

#[test]
fn debug_shows_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, store, rk) = new_register(dir.path());
    let shown = format!("{store:?} {rk:?}");
    let raw = store.key.sqlcipher_raw_key();
    assert!(!shown.contains(&raw[2..10]), "{shown}");
    assert!(
        !shown
            .to_lowercase()
            .contains(&rk.to_string()[..9].to_lowercase()),
        "{shown}"
    );
}

/// Key slots live outside the register, so every change to them is in the audit log: who did
/// it, to whose slot, and whether the recovery key was used.
#[test]
fn key_slot_changes_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, rk) = new_register(dir.path());
    let key_changes = |conn: &Connection| {
        let filter = crate::audit::AuditFilter {
            action: Some("key.".into()),
            ..Default::default()
        };
        crate::audit::list(conn, &filter)
            .unwrap()
            .into_iter()
            .map(|e| (e.actor, e.action, e.entity))
            .collect::<Vec<_>>()
    };
    store.add_key_slot("hung", "mật khẩu Hùng", &P).unwrap();
    store.set_passphrase("lan", "mật khẩu mới").unwrap();
    // A refused change (duplicate slot) records nothing.
    assert!(store.add_key_slot("hung", "khác", &P).is_err());
    store.remove_key_slot("hung").unwrap();
    drop(store);
    let recovered = Store::open_with_recovery_key(&path, &rk).unwrap();
    recovered
        .set_passphrase("lan", "mật khẩu khôi phục")
        .unwrap();

    let s = |x: &str| x.to_string();
    assert_eq!(
        key_changes(recovered.conn()),
        vec![
            (s("lan"), s("key.slot-add"), s("key-slot:hung")),
            (s("lan"), s("key.passphrase-change"), s("key-slot:lan")),
            (s("lan"), s("key.slot-remove"), s("key-slot:hung")),
            (s(""), s("key.passphrase-change"), s("key-slot:lan")),
        ]
    );
    assert!(crate::audit::verify(recovered.conn()).unwrap().is_intact());
}
