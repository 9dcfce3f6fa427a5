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
