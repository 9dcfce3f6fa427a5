//! A central office and provinces with real SQLCipher registers, enrolled through the real
//! flow (enrolment request → certify → set-up bundle imported with the root fingerprint), and
//! bundles carried between them as files.

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use hoso_core::access::Role;
use hoso_core::model::CaseKind;
use hoso_core::register::{CaseCreated, CaseLink, InitParams, NewCase, Register};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_core::sync::{ExportReport, ImportReport, PeerScope};
use hoso_core::{Text, oplog};

pub const CENTRAL: &str = "TW";

pub struct Office {
    pub code: String,
    pub register: Register,
}

/// Offices sharing one temporary directory for registers and bundle files.
pub struct World {
    pub dir: tempfile::TempDir,
    pub offices: Vec<Office>,
    bundles: u64,
}

/// A new register of office `code` in `dir` (officer `admin`), not enrolled.
pub fn create(dir: &Path, code: &str, central: bool) -> Register {
    let path = dir.join(format!("{code}.hoso-db"));
    let (store, _rk) = Store::create(&path, "admin", "mật khẩu", &FAST_KDF_FOR_TESTS)
        .unwrap_or_else(|e| panic!("creating the {code} register failed: {e:?}"));
    Register::initialise(
        store,
        InitParams {
            office_code: code.into(),
            office_name: format!("Ủy ban Kiểm tra {code}").as_str().into(),
            officer_login: "admin".into(),
            officer_name: "Nguyễn Thị Lan".into(),
            central,
        },
    )
    .unwrap_or_else(|e| panic!("initialising {code} failed: {e:?}"))
}

impl World {
    /// The central office `TW` and the given provinces, each enrolled and set up.
    pub fn new(provinces: &[&str]) -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        let central = create(dir.path(), CENTRAL, true);
        let mut w = World {
            dir,
            offices: vec![Office {
                code: CENTRAL.into(),
                register: central,
            }],
            bundles: 0,
        };
        for p in provinces {
            w.enrol(p);
        }
        w
    }

    /// Creates a province register and runs the enrolment flow with the central office
    /// (certifying links the office to its entry in the office list, creating it if missing).
    pub fn enrol(&mut self, code: &str) -> ImportReport {
        let mut reg = create(self.dir.path(), code, false);
        let request = reg.enrolment_request().expect("enrolment request");
        let now = Utc::now();
        let central = &mut self.office_mut(CENTRAL).register;
        central
            .certify(
                &request,
                now - Duration::minutes(5),
                now + Duration::days(730),
            )
            .expect("certify");
        let fp = central.root_fingerprint().expect("fingerprint");
        let setup = self.export(CENTRAL, &[code], true);
        let report = reg
            .import_bundle(&setup, false, Some(&fp), &mut |_| {})
            .unwrap_or_else(|e| panic!("importing the set-up bundle at {code}: {e:?}"));
        self.offices.push(Office {
            code: code.into(),
            register: reg,
        });
        report
    }

    /// Closes every register and hands over the directory that holds them (for the app to open
    /// one of them).
    pub fn close(self) -> tempfile::TempDir {
        drop(self.offices);
        self.dir
    }

    pub fn office(&self, code: &str) -> &Office {
        self.offices
            .iter()
            .find(|o| o.code == code)
            .expect("office")
    }

    pub fn office_mut(&mut self, code: &str) -> &mut Office {
        self.offices
            .iter_mut()
            .find(|o| o.code == code)
            .expect("office")
    }

    pub fn reg(&mut self, code: &str) -> &mut Register {
        &mut self.office_mut(code).register
    }

    /// A new bundle file path.
    pub fn bundle_path(&mut self) -> PathBuf {
        self.bundles += 1;
        self.dir.path().join(format!("b{}.hoso", self.bundles))
    }

    /// Exports a bundle from `from` to `to` and returns its file.
    pub fn export(&mut self, from: &str, to: &[&str], full: bool) -> PathBuf {
        let path = self.bundle_path();
        let mut file = std::fs::File::create(&path).expect("bundle file");
        let to: Vec<String> = to.iter().map(|s| s.to_string()).collect();
        self.reg(from)
            .export_bundle(&to, full, &mut file, &mut |_| {})
            .unwrap_or_else(|e| panic!("export {from} -> {to:?}: {e:?}"));
        path
    }

    pub fn import(&mut self, to: &str, bundle: &Path) -> hoso_core::Result<ImportReport> {
        self.reg(to).import_bundle(bundle, false, None, &mut |_| {})
    }

    /// Export from `from` to `to` and import it there.
    pub fn carry(&mut self, from: &str, to: &str) -> ImportReport {
        let b = self.export(from, &[to], false);
        self.import(to, &b)
            .unwrap_or_else(|e| panic!("import {from} -> {to}: {e:?}"))
    }

    /// The whole op-log digest of an office.
    pub fn digest(&self, code: &str) -> String {
        oplog::digest(self.office(code).register.store().conn()).expect("digest")
    }

    /// The digest of `office`'s scope as the central office sees it, computed on `on`'s register
    /// (denouncer units excluded: they never reach the central office unless it leads).
    pub fn scope_digest(&self, office: &str, on: &str) -> String {
        let scope: PeerScope =
            hoso_core::sync::peer_scope(self.office(CENTRAL).register.store().conn(), office)
                .expect("scope");
        oplog::digest_filtered(self.office(on).register.store().conn(), &|_, unit| {
            !unit.starts_with("denouncer:") && scope.contains(unit)
        })
        .expect("digest")
    }

    /// Opens a case led by `lead` at office `at`.
    pub fn open_case(&mut self, at: &str, title: &str, coordinators: &[&str]) -> CaseCreated {
        let lead = at.to_string();
        self.reg(at)
            .add_case(NewCase {
                kind: CaseKind::InspectionOnSigns,
                title: title.into(),
                lead,
                coordinators: coordinators
                    .iter()
                    .map(|c| (c.to_string(), Text::from("phối hợp")))
                    .collect(),
                subjects: vec![],
                origin: None,
                opened: None,
                summary: Text::default(),
                team: vec![],
            })
            .unwrap_or_else(|e| panic!("case at {at}: {e:?}"))
    }

    pub fn add_coordinator(&mut self, at: &str, case: &str, office: &str) {
        self.reg(at)
            .link(
                case,
                CaseLink::Coordinator(office.into(), "phối hợp".into()),
            )
            .unwrap_or_else(|e| panic!("coordinator at {at}: {e:?}"));
    }

    /// Like [`World::export`], also returning what the export reported (its sequence).
    pub fn export_report(
        &mut self,
        from: &str,
        to: &[&str],
        full: bool,
    ) -> (PathBuf, ExportReport) {
        let path = self.bundle_path();
        let mut file = std::fs::File::create(&path).expect("bundle file");
        let to: Vec<String> = to.iter().map(|s| s.to_string()).collect();
        let report = self
            .reg(from)
            .export_bundle(&to, full, &mut file, &mut |_| {})
            .unwrap_or_else(|e| panic!("export {from} -> {to:?}: {e:?}"));
        (path, report)
    }

    /// One integer from a query on an office's register (counts in tests).
    pub fn count(&self, code: &str, sql: &str) -> i64 {
        self.office(code)
            .register
            .store()
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql} at {code}: {e}"))
    }

    /// What a rejected import must leave untouched: the op-log digest, the audit log's length
    /// (but for the entry recording the refusal itself, `bundle.rejected`) and the replay
    /// guard's rows.
    pub fn untouched_state(&self, code: &str) -> (String, i64, i64) {
        (
            self.digest(code),
            self.count(
                code,
                "SELECT count(*) FROM audit_log WHERE action <> 'bundle.rejected'",
            ),
            self.count(code, "SELECT count(*) FROM sync_received"),
        )
    }

    /// Adds an officer with `role` at `code` (with a key slot, passphrase "mật khẩu") and
    /// continues the office's session as that officer.
    pub fn sign_in_as(&mut self, code: &str, login: &str, role: Role) {
        self.reg(code)
            .add_officer(login, &Text::from("Trần Văn Hùng"), role)
            .unwrap_or_else(|e| panic!("officer at {code}: {e:?}"));
        self.reg(code)
            .store()
            .add_key_slot(login, "mật khẩu", &FAST_KDF_FOR_TESTS)
            .expect("key slot");
        self.continue_as(code, login);
    }

    /// Continues `code`'s session as its existing officer `login`.
    pub fn continue_as(&mut self, code: &str, login: &str) {
        let idx = self
            .offices
            .iter()
            .position(|o| o.code == code)
            .expect("office");
        let office = self.offices.remove(idx);
        let register = Register::session(office.register.into_store(), login).expect("session");
        self.offices.insert(
            idx,
            Office {
                code: code.into(),
                register,
            },
        );
    }

    /// Opens a denunciation case led by `at`, with `coordinators` (reason "cùng địa bàn").
    pub fn open_denunciation(&mut self, at: &str, title: &str, coordinators: &[&str]) -> String {
        self.reg(at)
            .add_case(NewCase {
                kind: CaseKind::Denunciation,
                title: title.into(),
                lead: at.into(),
                coordinators: coordinators
                    .iter()
                    .map(|c| (c.to_string(), Text::from("cùng địa bàn")))
                    .collect(),
                subjects: vec![],
                origin: None,
                opened: None,
                summary: Text::default(),
                team: vec![],
            })
            .unwrap_or_else(|e| panic!("denunciation at {at}: {e:?}"))
            .id
    }

    /// The enrolment flow up to the set-up bundle, not imported: the new register, the set-up
    /// bundle and the root fingerprint the officer would type.
    pub fn enrol_pending(&mut self, code: &str) -> (Register, PathBuf, String) {
        let reg = create(self.dir.path(), code, false);
        let request = reg.enrolment_request().expect("enrolment request");
        let now = Utc::now();
        let central = &mut self.office_mut(CENTRAL).register;
        central
            .certify(
                &request,
                now - Duration::minutes(5),
                now + Duration::days(730),
            )
            .expect("certify");
        let fp = central.root_fingerprint().expect("fingerprint");
        let setup = self.export(CENTRAL, &[code], true);
        (reg, setup, fp)
    }

    /// The central office certifies `code`'s current keys again, valid from `from` to `until`
    /// (the same key certified again: the new certificate replaces the old one).
    pub fn recertify(
        &mut self,
        code: &str,
        from: chrono::DateTime<Utc>,
        until: chrono::DateTime<Utc>,
    ) {
        let request = self.reg(code).enrolment_request().expect("request");
        self.reg(CENTRAL)
            .certify(&request, from, until)
            .expect("certify");
    }
}

/// The members of a bundle file (an uncompressed ustar archive): (name, offset of the data in
/// the file, data).
pub fn bundle_members(bytes: &[u8]) -> Vec<(String, usize, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() && bytes[at] != 0 {
        let h = &bytes[at..at + 512];
        let name_len = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let name = String::from_utf8(h[..name_len].to_vec()).expect("member name");
        let size = std::str::from_utf8(&h[124..136]).expect("member size");
        let size = usize::from_str_radix(size.trim_matches(|c: char| c == '\0' || c == ' '), 8)
            .expect("member size");
        out.push((name, at + 512, bytes[at + 512..at + 512 + size].to_vec()));
        at += 512 + size.div_ceil(512) * 512;
    }
    out
}
