//! `hoso report` on a real register: the form list, a form's figures as JSON (with the cases
//! behind them), PDF and XLSX files (never replacing one), locking by committee leadership only.

mod common;

use std::process::Output;

use serde_json::Value;

const PASS: &str = "mật khẩu Hà Nội";

/// The central office HN's register (the one harness of the CLI tests, `common::Reg`).
struct Reg(common::Reg);

impl Reg {
    fn new() -> Reg {
        Reg(common::Reg::central_hn(PASS))
    }

    fn run_as(&self, officer: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.0.run_as(officer, PASS, args, env)
    }

    fn ok_as(&self, officer: &str, args: &[&str]) -> String {
        self.0.ok_as(officer, PASS, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_as("lan", args)
    }

    fn file(&self, name: &str) -> std::path::PathBuf {
        self.0.file(name)
    }
}

#[test]
fn report_lists_computes_exports_and_locks() {
    let r = Reg::new();
    let subject = r
        .ok(&[
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            "Đặng Văn Đức",
            "--unit",
            "Công an quận Đống Đa",
        ])
        .trim()
        .to_string();
    let created: Value = serde_json::from_str(&r.ok(&[
        "--json",
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Kiểm tra khi có dấu hiệu vi phạm",
        "--lead",
        "HN",
        "--subject",
        &subject,
        "--opened",
        "2026-02-03",
    ]))
    .unwrap();
    let number = created["number"].as_str().unwrap().to_string();

    let list: Value = serde_json::from_str(&r.ok(&["--json", "report", "list"])).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "KTDHVP-DV")
    );
    assert!(r.ok(&["report", "--list"]).contains("THKL-DV-UBKT"));

    let json: Value = serde_json::from_str(&r.ok(&[
        "report",
        "KTDHVP-DV",
        "--period",
        "9m",
        "--year",
        "2026",
        "--format",
        "json",
    ]))
    .unwrap();
    let total = &json["rows"][0]["cells"][0];
    assert_eq!(total["value"], 1);
    let id = total["cases"][0].as_str().unwrap();
    assert_eq!(json["cases"][id]["number"], number.as_str());
    // Another year counts nothing.
    let json: Value = serde_json::from_str(&r.ok(&[
        "report",
        "KTDHVP-DV",
        "--period",
        "2025",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["rows"][0]["cells"][0]["value"], 0);

    for (name, format, magic) in [
        ("b.pdf", "pdf", &b"%PDF-"[..]),
        ("b.xlsx", "xlsx", &b"PK"[..]),
    ] {
        let out = r.file(name);
        let o = out.to_str().unwrap();
        r.ok(&[
            "report",
            "KTDHVP-DV",
            "--period",
            "2026-9m",
            "--format",
            format,
            "--out",
            o,
        ]);
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{format}");
        // Never replaced.
        let again = r.run_as(
            "lan",
            &[
                "report",
                "KTDHVP-DV",
                "--period",
                "2026-9m",
                "--format",
                format,
                "--out",
                o,
            ],
            &[],
        );
        assert!(!again.status.success());
    }
    // Exports are audited.
    assert!(
        r.ok(&["audit", "list", "--action", "print"])
            .contains("report:KTDHVP-DV")
    );

    // Locking: not the administrator; the committee's leader.
    let o = r.run_as(
        "lan",
        &["report", "lock", "KTDHVP-DV", "--period", "2026-9m"],
        &[],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("report.lock"));
    let o = r.run_as(
        "lan",
        &[
            "officer",
            "add",
            "hoa",
            "--name",
            "Phạm Thị Hoa",
            "--role",
            "committee-leader",
        ],
        &[("HOSO_NEW_PASSPHRASE", PASS)],
    );
    assert!(o.status.success());
    r.ok_as(
        "hoa",
        &["report", "lock", "KTDHVP-DV", "--period", "2026-9m"],
    );
    let locks: Value = serde_json::from_str(&r.ok(&["--json", "report", "locks"])).unwrap();
    assert_eq!(locks[0]["form"], "KTDHVP-DV");
    assert_eq!(locks[0]["locked_by"], "hoa");
    // Bad input is named.
    let o = r.run_as("lan", &["report", "KTDHVP-DV", "--period", "2026-q3"], &[]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("2026-q3"));
}

/// `hoso report locks --form F --period P`: a province's lock reaches the central office, which
/// sees which offices locked the period; a province sees its own office only.
#[test]
fn report_locks_shows_which_offices_locked_a_period() {
    use common::{NEW_PASS, PASS as P, s};
    let (tw, hn, stick) = common::enrolled_pair();
    let member = hn
        .ok(
            P,
            &[
                "subject",
                "add",
                "--kind",
                "member",
                "--name",
                "Đặng Văn Đức",
                "--unit",
                "Công an quận Đống Đa",
            ],
        )
        .trim()
        .to_string();
    hn.ok(
        P,
        &[
            "case",
            "add",
            "--kind",
            "inspection-on-signs",
            "--title",
            "Kiểm tra khi có dấu hiệu vi phạm",
            "--lead",
            "HN",
            "--subject",
            &member,
            "--opened",
            "2026-02-03",
        ],
    );
    hn.ok(
        P,
        &[
            "officer",
            "add",
            "hoa",
            "--name",
            "Phạm Thị Hoa",
            "--role",
            "committee-leader",
        ],
    );
    let locked: Value = serde_json::from_str(&hn.ok_as(
        "hoa",
        NEW_PASS,
        &[
            "--json",
            "report",
            "lock",
            "KTDHVP-DV",
            "--period",
            "2026-9m",
        ],
    ))
    .unwrap();
    let digest = locked["lock"]["digest"].as_str().unwrap().to_string();
    assert_eq!(digest.len(), 64);
    assert_eq!(locked["lock"]["office"], "HN");

    // The province: its own office, locked.
    let o = hn.json(
        P,
        &[
            "report",
            "locks",
            "--form",
            "KTDHVP-DV",
            "--period",
            "2026-9m",
        ],
    );
    assert_eq!(o["central"], false);
    assert_eq!(o["offices"].as_array().unwrap().len(), 1);
    assert_eq!(o["offices"][0]["locked_by"], "hoa");

    // Carried to the central office.
    let bundle = stick.path().join("HN-TW.hoso");
    hn.ok(P, &["bundle", "export", "--to", "TW", "--out", s(&bundle)]);
    tw.ok(P, &["bundle", "import", s(&bundle)]);
    let o = tw.json(
        P,
        &[
            "report",
            "locks",
            "--form",
            "ktdhvp-dv",
            "--period",
            "9m",
            "--year",
            "2026",
        ],
    );
    assert_eq!(o["central"], true);
    assert_eq!(o["form"], "KTDHVP-DV");
    assert_eq!(o["locked"], 1);
    let rows = o["offices"].as_array().unwrap();
    assert_eq!(rows[0]["office"], "*");
    let hn_row = rows
        .iter()
        .find(|r| r["office"] == "HN")
        .expect("HN listed");
    assert_eq!(hn_row["locked"], true);
    assert_eq!(hn_row["locked_by"], "hoa");
    assert_eq!(hn_row["digest"], digest.as_str());
    assert_eq!(hn_row["total"], 1);
    assert!(
        rows.iter()
            .any(|r| r["office"] == "TW" && r["locked"] == false)
    );
    let text = tw.ok(
        P,
        &[
            "report",
            "locks",
            "--form",
            "KTDHVP-DV",
            "--period",
            "2026-9m",
        ],
    );
    assert!(text.contains("1 of"), "{text}");
    assert!(
        text.contains(&format!("digest {}", &digest[..16])),
        "{text}"
    );
    assert!(text.contains("not locked"), "{text}");
    // Every lock the central office holds.
    let all: Value = serde_json::from_str(&tw.ok(P, &["--json", "report", "locks"])).unwrap();
    assert_eq!(all[0]["office"], "HN");
    assert_eq!(all[0]["synced"], true);

    // Errors: --form without --period is a usage error; an unknown form is named.
    let o = tw.run(P, &["report", "locks", "--form", "KTDHVP-DV"]);
    assert_eq!(o.status.code(), Some(1));
    let o = tw.run(
        P,
        &[
            "report", "locks", "--form", "KHONG-CO", "--period", "2026-9m",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("KHONG-CO") && err.contains("(code: invalid)"),
        "{err}"
    );
    // Renewing is leadership's, with a reason.
    let o = hn.run(
        P,
        &[
            "report",
            "relock",
            "KTDHVP-DV",
            "--period",
            "2026-9m",
            "--reason",
            "Bổ sung",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("permission-denied"));
    let out = hn.ok_as(
        "hoa",
        NEW_PASS,
        &[
            "report",
            "relock",
            "KTDHVP-DV",
            "--period",
            "2026-9m",
            "--reason",
            "Bổ sung",
        ],
    );
    assert!(out.contains("version 2"), "{out}");
}
