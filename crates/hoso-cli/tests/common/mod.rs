//! The one harness of the CLI tests: registers made with the real `hoso` binary, run with a
//! clean environment (no inherited HOSO_* variable), the test-only fast key derivation, and the
//! passphrase each call names.
#![allow(dead_code)] // each test file uses its own part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub const PASS: &str = "mật khẩu cũ";
pub const NEW_PASS: &str = "mật khẩu mới";

pub fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

pub struct Reg {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Reg {
    pub fn init(code: &str, extra: &[&str]) -> Reg {
        Reg::init_as(code, extra, PASS)
    }

    /// As [`Reg::init`], the administrator's passphrase being `pass`.
    pub fn init_as(code: &str, extra: &[&str], pass: &str) -> Reg {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{code}.hoso-db"));
        let reg = Reg { dir, path };
        let name = format!("Ủy ban Kiểm tra {code}");
        let mut args = vec![
            "init",
            "--office",
            code,
            "--office-name",
            &name,
            "--officer-name",
            "Nguyễn Thị Lan",
        ];
        args.extend_from_slice(extra);
        reg.ok(pass, &args);
        reg
    }

    /// The central office HN (`register.hoso-db`), administrator `lan` with passphrase `pass`:
    /// the register most CLI scripts run on (only the central office writes the office list).
    pub fn central_hn(pass: &str) -> Reg {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.hoso-db");
        let reg = Reg { dir, path };
        reg.ok_as(
            "lan",
            pass,
            &[
                "init",
                "--central",
                "--office",
                "HN",
                "--office-name",
                "Ủy ban Kiểm tra Đảng ủy Công an Hà Nội",
                "--officer-name",
                "Nguyễn Thị Lan",
            ],
        );
        reg
    }

    pub fn command(&self, pass: &str, args: &[&str]) -> Command {
        self.command_through(&[], pass, args)
    }

    /// As [`Reg::command`], signed in as `officer` instead of `lan`, with extra environment.
    pub fn command_as(
        &self,
        officer: &str,
        pass: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Command {
        let mut cmd = self.build(&[], officer, pass, args);
        cmd.envs(env.iter().copied());
        cmd
    }

    /// Runs `hoso` as `officer` (see [`Reg::command_as`]).
    pub fn run_as(&self, officer: &str, pass: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command_as(officer, pass, args, env).output().unwrap()
    }

    /// Runs `hoso` as `officer` and returns its standard output; fails the test on an error.
    pub fn ok_as(&self, officer: &str, pass: &str, args: &[&str]) -> String {
        let o = self.run_as(officer, pass, args, &[]);
        assert!(
            o.status.success(),
            "{officer} {args:?}: exit {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// A path in the register's folder (for files the test writes).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `hoso` started by `wrapper` (a program and its arguments that end by running the rest
    /// of the command line), with the same environment as [`Reg::command`].
    pub fn command_through(&self, wrapper: &[&str], pass: &str, args: &[&str]) -> Command {
        self.build(wrapper, "lan", pass, args)
    }

    fn build(&self, wrapper: &[&str], officer: &str, pass: &str, args: &[&str]) -> Command {
        let mut cmd = self.bare_through(wrapper);
        cmd.env("HOSO_PASSPHRASE", pass)
            .env("HOSO_NEW_PASSPHRASE", NEW_PASS)
            .arg("--officer")
            .arg(officer)
            .args(args);
        cmd
    }

    /// `hoso --register <path>` with no HOSO_* variable but the test-only fast key derivation:
    /// the caller gives the officer, the passphrases and the rest (set-up and unlock tests).
    pub fn bare(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = self.bare_through(&[]);
        cmd.args(args).envs(env.iter().copied());
        cmd
    }

    fn bare_through(&self, wrapper: &[&str]) -> Command {
        command_at(&self.path, wrapper)
    }

    pub fn run(&self, pass: &str, args: &[&str]) -> Output {
        self.command(pass, args).output().unwrap()
    }

    pub fn ok(&self, pass: &str, args: &[&str]) -> String {
        let o = self.run(pass, args);
        assert!(
            o.status.success(),
            "{args:?}: exit {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    pub fn json(&self, pass: &str, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(pass, &a)).unwrap()
    }

    pub fn digest(&self, pass: &str) -> String {
        self.ok(pass, &["digest"]).trim().to_string()
    }

    /// The register opens and its audit chain is whole.
    pub fn assert_sound(&self, pass: &str, context: &str) {
        let o = self.run(pass, &["audit", "verify"]);
        assert!(
            o.status.success(),
            "{context}: the register does not open or its audit chain is broken\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Every file of the register (database, key file, SQLite journal files).
    pub fn files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&*self.stem())
            })
            .collect()
    }

    pub fn stem(&self) -> String {
        self.path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// Copies the register's files into `dir` (nothing may have it open).
    pub fn save_to(&self, dir: &Path) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).unwrap();
        for f in self.files() {
            std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
        }
    }

    /// Puts back a copy taken with `save_to`.
    pub fn restore_from(&self, dir: &Path) {
        for f in self.files() {
            std::fs::remove_file(f).unwrap();
        }
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, self.dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// The central office TW and province HN, HN enrolled through the real flow (request → certify
/// into a set-up bundle → import with the root fingerprint); returns them and the stick.
pub fn enrolled_pair() -> (Reg, Reg, tempfile::TempDir) {
    let stick = tempfile::tempdir().unwrap();
    let req = stick.path().join("HN.enrol.json");
    let tw = Reg::init("TW", &["--central"]);
    let hn = Reg::init("HN", &["--enroll-out", s(&req)]);
    let setup = stick.path().join("HN.setup.hoso");
    tw.ok(PASS, &["office", "certify", s(&req), "--out", s(&setup)]);
    let fp = tw.ok(PASS, &["key", "fingerprint"]).trim().to_string();
    hn.ok(PASS, &["bundle", "import", s(&setup), "--trust-root", &fp]);
    std::fs::remove_file(&setup).unwrap();
    std::fs::remove_file(&req).unwrap();
    (tw, hn, stick)
}

/// `hoso --register <register>` (started by `wrapper`, if any) with no HOSO_* variable of the
/// test's environment but the test-only fast key derivation, output captured: every CLI test's
/// command starts here.
pub fn command_at(register: &Path, wrapper: &[&str]) -> Command {
    let hoso = env!("CARGO_BIN_EXE_hoso");
    let mut cmd = match wrapper.split_first() {
        None => Command::new(hoso),
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(hoso);
            c
        }
    };
    for (k, _) in std::env::vars() {
        if k.starts_with("HOSO_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOSO_TEST_FAST_KDF", "1")
        .arg("--register")
        .arg(register)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}
