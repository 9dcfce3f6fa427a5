//! Backup and restore on real SQLCipher registers.

use std::path::Path;

use super::*;
use crate::access::Role;
use crate::model::CaseKind;
use crate::register::{InitParams, NewCase};
use crate::store::FAST_KDF_FOR_TESTS;
use crate::text::Text;

const PASS: &str = "mật khẩu thử";
const TITLE: &str = "Kiểm tra dấu hiệu vi phạm của Đảng ủy xã Quỳnh Lưu";

fn init(path: &Path) -> Register {
    let (store, _) = Store::create(path, "admin", PASS, &FAST_KDF_FOR_TESTS).unwrap();
    Register::initialise(
        store,
        InitParams {
            office_code: "HN".into(),
            office_name: Text::new("Ủy ban Kiểm tra Thành ủy Hà Nội"),
            officer_login: "admin".into(),
            officer_name: Text::new("Nguyễn Văn An"),
            central: false,
        },
    )
    .unwrap()
}

fn add_case(r: &mut Register, title: &str) {
    r.add_case(NewCase {
        kind: CaseKind::InspectionOnSigns,
        title: Text::new(title),
        lead: "HN".into(),
        coordinators: vec![],
        subjects: vec![],
        origin: None,
        opened: None,
        summary: Text::new(""),
        team: vec![],
    })
    .unwrap();
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn open(path: &Path, login: &str) -> Register {
    Register::session(Store::open(path, login, PASS).unwrap(), login).unwrap()
}

#[test]
fn a_backup_is_encrypted_opens_with_the_passphrase_and_restores_the_same_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("so").join("register.hoso-db");
    let stick = dir.path().join("usb");
    std::fs::create_dir_all(&stick).unwrap();
    let mut reg = init(&path);
    add_case(&mut reg, TITLE);
    assert_eq!(reg.last_backup().unwrap(), None);
    let mut steps = Vec::new();
    let report = reg.backup_to(&stick, &mut |p| steps.push(*p)).unwrap();
    let digest = reg.digest().unwrap();
    assert!(!steps.is_empty() && steps.last().unwrap().done == steps.last().unwrap().total);
    assert_eq!(
        reg.last_backup().unwrap().as_deref(),
        Some(report.info.created.as_str())
    );
    let folder = Path::new(&report.folder);
    assert!(
        folder
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("HoSo_saoluu_HN_")
    );
    // Only the complete folder in the stick: no temporary one left.
    let entries: Vec<_> = std::fs::read_dir(&stick).unwrap().collect();
    assert_eq!(entries.len(), 1);

    // Encrypted like the register: no SQLite header, not the case title in plain text.
    let bytes = std::fs::read(folder.join(BACKUP_REGISTER)).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3\0"));
    assert!(!contains(&bytes, TITLE.as_bytes()));
    assert!(!contains(&bytes, "Quỳnh Lưu".as_bytes()));
    assert_eq!(read_backup(folder).unwrap(), report.info);

    // A change after the backup, then a restore: the digest of the backup's moment.
    add_case(&mut reg, "Vụ việc viết sau bản sao lưu");
    let after = reg.digest().unwrap();
    assert_ne!(after, digest);
    drop(reg);
    let restored = restore_backup(&path, folder, "admin", PASS).unwrap();
    let aside = restored
        .set_aside
        .clone()
        .expect("the old register was set aside");
    let reg = open(&path, "admin");
    assert_eq!(reg.digest().unwrap(), digest);
    assert!(
        crate::audit::verify(reg.store().conn())
            .unwrap()
            .is_intact()
    );
    let restores: i64 = reg
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'register.restore'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(restores, 1);
    drop(reg);
    // The replaced register is kept aside, whole, with its key file.
    let old = open(Path::new(&aside), "admin");
    assert_eq!(old.digest().unwrap(), after);
    // The backup itself was not written to.
    assert_eq!(std::fs::read(folder.join(BACKUP_REGISTER)).unwrap(), bytes);
}

#[test]
fn only_an_administrator_backs_up_or_restores() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.hoso-db");
    let stick = dir.path().join("usb");
    std::fs::create_dir_all(&stick).unwrap();
    let mut reg = init(&path);
    reg.add_officer("lan", &Text::new("Trần Thị Lan"), Role::CommitteeLeader)
        .unwrap();
    reg.store()
        .add_key_slot("lan", PASS, &FAST_KDF_FOR_TESTS)
        .unwrap();
    let report = reg.backup_to(&stick, &mut |_| {}).unwrap();
    drop(reg);
    let mut lan = open(&path, "lan");
    let err = lan.backup_to(&stick, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "permission-denied");
    assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 1);
    let digest = lan.digest().unwrap();
    drop(lan);
    let err = restore_backup(&path, Path::new(&report.folder), "lan", PASS).unwrap_err();
    assert_eq!(err.code(), "permission-denied");
    // Refused before anything moved: the register is still there, nothing set aside, no
    // staging folder left.
    assert_eq!(open(&path, "admin").digest().unwrap(), digest);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("truoc-khoi-phuc") && !n.contains(".part")),
        "{names:?}"
    );
    // A wrong passphrase is refused the same way.
    let err = restore_backup(&path, Path::new(&report.folder), "admin", "sai").unwrap_err();
    assert_eq!(err.code(), "wrong-passphrase");
}

#[test]
fn an_incomplete_or_foreign_folder_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.hoso-db");
    let stick = dir.path().join("usb");
    std::fs::create_dir_all(&stick).unwrap();
    let mut reg = init(&path);
    let report = reg.backup_to(&stick, &mut |_| {}).unwrap();
    drop(reg);
    let folder = Path::new(&report.folder);
    // Cut short: the copy no longer has the size backup.json records.
    let db = folder.join(BACKUP_REGISTER);
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let err = restore_backup(&path, folder, "admin", PASS).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("size"), "{err}");
    let err = restore_backup(&path, dir.path(), "admin", PASS).unwrap_err();
    assert!(err.to_string().contains("backup.json"), "{err}");
    // The register is untouched.
    open(&path, "admin");
}

#[test]
fn a_backup_into_a_missing_folder_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.hoso-db");
    let mut reg = init(&path);
    let err = reg
        .backup_to(&dir.path().join("khong-co"), &mut |_| {})
        .unwrap_err();
    assert_eq!(err.code(), "backup-io");
    assert_eq!(reg.last_backup().unwrap(), None);
}
