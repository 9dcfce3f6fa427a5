//! A full or read-only stick: export, print and backup fail with a clear message, leave nothing under
//! the final name (nor a temporary file), record nothing as sent, and work once the officer
//! picks a good target. The stick is a real filesystem: a tmpfs mounted, full or read-only, in
//! a private mount namespace (`unshare`, util-linux; no root needed where user namespaces are
//! allowed), so the kernel's own ENOSPC and EROFS are what HoSo meets.

use std::path::Path;
use std::process::Output;

mod common;
use common::{PASS, Reg, s};

/// Runs `hoso args` with `stick` replaced by a fresh tmpfs mounted with `options`.
fn on_stick(reg: &Reg, stick: &Path, options: &str, args: &[&str]) -> Output {
    let script = format!("mount -t tmpfs -o {options} hoso-stick \"$0\" && exec \"$@\"");
    let wrapper = [
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "bash",
        "-c",
        &script,
        s(stick),
    ];
    let out = reg
        .command_through(&wrapper, PASS, args)
        .output()
        .unwrap_or_else(|e| panic!("unshare (util-linux) is required for this test: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("unshare:") && !stderr.contains("mount:"),
        "could not mount a test stick (user namespaces disabled?): {stderr}"
    );
    out
}

fn assert_clear_failure(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(needle),
        "the message should say {needle:?}: {stderr}"
    );
}

/// A case with a 256 KiB document of random bytes, so its bundle cannot fit a small stick.
fn case_with_large_document(tw: &Reg, dir: &Path) {
    tw.ok(
        PASS,
        &[
            "case",
            "add",
            "--kind",
            "inspection-on-signs",
            "--title",
            "Kiểm tra dấu hiệu vi phạm tại Công an phường Ba Đình",
            "--lead",
            "HN",
        ],
    );
    let mut bytes = vec![0u8; 256 * 1024];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in bytes.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let file = dir.join("bien-ban.bin");
    std::fs::write(&file, bytes).unwrap();
    let number = tw.json(PASS, &["case", "list"])[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    tw.ok(PASS, &["case", "attach", &number, s(&file)]);
}

#[test]
fn an_export_to_a_full_or_read_only_stick_fails_clearly_and_leaves_nothing() {
    let (tw, _hn, stick) = common::enrolled_pair();
    let work = tempfile::tempdir().unwrap();
    case_with_large_document(&tw, work.path());
    let mount_point = stick.path().join("usb");
    std::fs::create_dir(&mount_point).unwrap();
    let out = mount_point.join("HoSo_TW_den_HN.hoso");
    let export = ["bundle", "export", "--to", "HN", "--out", s(&out)];
    let status_before = tw.json(PASS, &["sync", "status"]);
    let digest = tw.digest(PASS);

    let full = on_stick(&tw, &mount_point, "size=64k", &export);
    assert_clear_failure(&full, "No space left on device");
    let read_only = on_stick(&tw, &mount_point, "ro", &export);
    assert_clear_failure(&read_only, "Read-only file system");

    // The mounts lived only in their namespaces: what is left here is the empty directory,
    // and the register recorded nothing as sent.
    assert_eq!(std::fs::read_dir(&mount_point).unwrap().count(), 0);
    assert_eq!(tw.json(PASS, &["sync", "status"]), status_before);
    assert_eq!(tw.digest(PASS), digest);
    tw.assert_sound(PASS, "after the failed exports");

    // A stick with room takes the bundle, numbered right after the set-up bundle (1): the
    // failed exports used no sequence number.
    let good = on_stick(
        &tw,
        &mount_point,
        "size=4m",
        &["bundle", "export", "--to", "HN", "--out", s(&out)],
    );
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        String::from_utf8_lossy(&good.stdout).contains("sequence 2"),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
}

#[test]
fn a_print_to_a_full_or_read_only_stick_fails_clearly_and_leaves_nothing() {
    let tw = Reg::init("TW", &["--central"]);
    let work = tempfile::tempdir().unwrap();
    case_with_large_document(&tw, work.path());
    let number = tw.json(PASS, &["case", "list"])[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let mount_point = work.path().join("usb");
    std::fs::create_dir(&mount_point).unwrap();
    let out = mount_point.join("tom-tat.pdf");
    let print = ["print", number.as_str(), "--out", s(&out)];
    let full = on_stick(&tw, &mount_point, "size=4k", &print);
    assert_clear_failure(&full, "No space left on device");
    let read_only = on_stick(&tw, &mount_point, "ro", &print);
    assert_clear_failure(&read_only, "Read-only file system");
    assert_eq!(std::fs::read_dir(&mount_point).unwrap().count(), 0);
    tw.assert_sound(PASS, "after the failed prints");
}

#[test]
fn a_backup_to_a_full_or_read_only_stick_fails_clearly_and_leaves_nothing() {
    let tw = Reg::init("TW", &["--central"]);
    let work = tempfile::tempdir().unwrap();
    case_with_large_document(&tw, work.path());
    let mount_point = work.path().join("usb");
    std::fs::create_dir(&mount_point).unwrap();
    let backup = ["backup", "--out", s(&mount_point)];
    let digest = tw.digest(PASS);

    let full = on_stick(&tw, &mount_point, "size=64k", &backup);
    assert_clear_failure(&full, "the backup could not be written");
    assert_clear_failure(&full, "code: backup-io");
    let read_only = on_stick(&tw, &mount_point, "ro", &backup);
    assert_clear_failure(&read_only, "Read-only file system");
    assert_clear_failure(&read_only, "code: backup-io");
    assert_eq!(std::fs::read_dir(&mount_point).unwrap().count(), 0);
    assert_eq!(tw.digest(PASS), digest);
    tw.assert_sound(PASS, "after the failed backups");

    // A stick with room takes it.
    let good = on_stick(
        &tw,
        &mount_point,
        "size=16m",
        &["backup", "--out", s(&mount_point)],
    );
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
}
