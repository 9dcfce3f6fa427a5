//! `hoso rules show|set` run as a script would: an administrator edits the rules document and
//! new cases follow it; an invalid document or a non-administrator changes nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const PASS: &str = "mật khẩu Hà Nội";

fn hoso(register: &Path, officer: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    common::command_at(register, &[])
        .env("HOSO_PASSPHRASE", PASS)
        .arg("--officer")
        .arg(officer)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn ok(register: &Path, args: &[&str]) -> String {
    let o = hoso(register, "lan", args, &[]);
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}

/// Fails with exit 1 and `needle` in the message; `hoso digest` unchanged.
fn fails(register: &Path, officer: &str, args: &[&str], needle: &str) {
    let before = ok(register, &["digest"]);
    let o = hoso(register, officer, args, &[]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
    assert!(
        e.starts_with("error: ") && e.contains(needle),
        "{args:?}: {e}"
    );
    assert_eq!(
        ok(register, &["digest"]),
        before,
        "{args:?} changed the register"
    );
}

fn deadline_of_new_denunciation(register: &Path) -> String {
    let created: Value = serde_json::from_str(&ok(
        register,
        &[
            "--json",
            "case",
            "add",
            "--kind",
            "denunciation",
            "--title",
            "Tố cáo về kê khai tài sản, thu nhập",
            "--lead",
            "HN",
            "--opened",
            "2026-03-02",
        ],
    ))
    .unwrap();
    let id = created["id"].as_str().unwrap();
    let show: Value = serde_json::from_str(&ok(register, &["--json", "case", "show", id])).unwrap();
    show["deadline"].as_str().unwrap().to_string()
}

fn write(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path
}

#[test]
fn an_administrator_edits_the_rules_and_new_cases_follow_them() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("register.hoso-db");
    ok(
        &reg,
        &[
            "init",
            // The rules are the central office's to edit.
            "--central",
            "--office",
            "HN",
            "--office-name",
            "Ủy ban Kiểm tra Đảng ủy Công an Hà Nội",
            "--officer-name",
            "Nguyễn Thị Lan",
        ],
    );
    let o = hoso(
        &reg,
        "lan",
        &[
            "officer",
            "add",
            "tra",
            "--name",
            "Trần Văn Tra",
            "--role",
            "inspector",
        ],
        &[("HOSO_NEW_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let before = deadline_of_new_denunciation(&reg);
    let doc: Value = serde_json::from_str(&ok(&reg, &["rules", "show"])).unwrap();
    assert_eq!(
        doc,
        serde_json::from_str::<Value>(&ok(&reg, &["--json", "rules", "show"])).unwrap()
    );

    // A day off on a working day inside the period: the deadline moves one working day.
    let mut edited = doc.clone();
    edited["calendar"]["holidays"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({ "date": "2026-03-04", "name": "Nghỉ bù" }));
    let file = write(dir.path(), "holiday.json", &edited);
    ok(&reg, &["rules", "set", "--file", file.to_str().unwrap()]);
    let shown: Value = serde_json::from_str(&ok(&reg, &["rules", "show"])).unwrap();
    assert!(
        shown["calendar"]["holidays"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["date"] == "2026-03-04")
    );
    let after = deadline_of_new_denunciation(&reg);
    assert!(after > before, "{after} is not after {before}");

    // A shorter time limit brings it forward (this register is the central office: its own
    // denunciations follow the central limit).
    let mut shorter = shown.clone();
    for r in shorter["time_limits"]["rules"].as_array_mut().unwrap() {
        if r["key"] == "denunciation.central" {
            r["amount"] = 30.into();
        }
    }
    let file = write(dir.path(), "shorter.json", &shorter);
    ok(&reg, &["rules", "set", "--file", file.to_str().unwrap()]);
    let short = deadline_of_new_denunciation(&reg);
    assert!(short < before, "{short} is not before {before}");
    let audit = ok(&reg, &["--json", "audit", "list"]);
    assert_eq!(audit.matches("rules.update").count(), 2, "{audit}");

    // Two rules for the same key in force at once: refused, naming the problem.
    let mut overlapping = shorter.clone();
    let rules = overlapping["time_limits"]["rules"].as_array_mut().unwrap();
    let dup = rules
        .iter()
        .find(|r| r["key"] == "denunciation.province")
        .unwrap()
        .clone();
    rules.push(dup);
    let file = write(dir.path(), "overlap.json", &overlapping);
    let f = file.to_str().unwrap();
    fails(
        &reg,
        "lan",
        &["rules", "set", "--file", f],
        "denunciation.province",
    );
    fails(
        &reg,
        "lan",
        &["rules", "set", "--file", f],
        "in force at once",
    );

    // Not JSON of the right shape, or a missing file: refused with the file named.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"calendar\": 3}").unwrap();
    fails(
        &reg,
        "lan",
        &["rules", "set", "--file", bad.to_str().unwrap()],
        "not a rules document",
    );
    fails(
        &reg,
        "lan",
        &["rules", "set", "--file", "/nonexistent/rules.json"],
        "reading /nonexistent/rules.json",
    );

    // A non-administrator may read the rules but not change them.
    let file = write(dir.path(), "back.json", &doc);
    fails(
        &reg,
        "tra",
        &["rules", "set", "--file", file.to_str().unwrap()],
        "permission denied",
    );
    let o = hoso(&reg, "tra", &["rules", "show"], &[]);
    assert!(o.status.success());
    assert_eq!(serde_json::from_slice::<Value>(&o.stdout).unwrap(), shorter);
}

/// Issue 10: a deadline counted into a year the holiday calendar lacks is shown as provisional
/// (`case show`, `case list`), `rules calendar-gaps` names the year, and once the year's
/// calendar is in the rules the deadline is recounted with its days off and is final.
#[test]
fn a_deadline_into_a_year_without_a_calendar_is_provisional_until_the_calendar_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("register.hoso-db");
    ok(
        &reg,
        &[
            "init",
            "--central",
            "--office",
            "TW",
            "--office-name",
            "Ủy ban Kiểm tra Đảng ủy Công an Trung ương",
            "--officer-name",
            "Nguyễn Thị Lan",
        ],
    );
    use chrono::Datelike;
    let this_year = chrono::Local::now().date_naive().year();
    let last_year = this_year - 1;
    // The calendar covers last year only, with no days off (plain counting).
    let mut doc: Value = serde_json::from_str(&ok(&reg, &["rules", "show"])).unwrap();
    doc["calendar"]["holidays"] = serde_json::json!([]);
    doc["calendar"]["extra_working_days"] = serde_json::json!([]);
    doc["calendar"]["years"] = serde_json::json!([last_year]);
    let file = write(dir.path(), "rules.json", &doc);
    ok(&reg, &["rules", "set", "--file", file.to_str().unwrap()]);

    let opened = format!("{last_year}-11-03");
    let created: Value = serde_json::from_str(&ok(
        &reg,
        &[
            "--json",
            "case",
            "add",
            "--kind",
            "denunciation",
            "--title",
            "Tố cáo về kê khai tài sản, thu nhập",
            "--lead",
            "HN",
            "--opened",
            &opened,
        ],
    ))
    .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let shown = ok(&reg, &["case", "show", &id]);
    assert!(
        shown.contains(&format!("PROVISIONAL (no holiday calendar for {this_year}")),
        "{shown}"
    );
    let json: Value = serde_json::from_str(&ok(&reg, &["--json", "case", "show", &id])).unwrap();
    assert_eq!(
        json["deadline_provisional_years"],
        serde_json::json!([this_year])
    );
    let provisional = json["deadline"].as_str().unwrap().to_string();
    assert!(ok(&reg, &["case", "list"]).contains("PROVISIONAL"));
    let gaps = ok(&reg, &["rules", "calendar-gaps"]);
    assert!(
        gaps.contains(&format!(
            "{this_year}: no holiday calendar (1 open case(s) with a provisional deadline)"
        )),
        "{gaps}"
    );

    // The year's calendar arrives with a day off on the first Monday of February.
    let mut feb = chrono::NaiveDate::from_ymd_opt(this_year, 2, 1).unwrap();
    while feb.weekday() != chrono::Weekday::Mon {
        feb = feb.succ_opt().unwrap();
    }
    doc["calendar"]["years"] = serde_json::json!([last_year, this_year]);
    doc["calendar"]["holidays"] =
        serde_json::json!([{ "date": feb.to_string(), "name": "Nghỉ bù" }]);
    let file = write(dir.path(), "rules.json", &doc);
    ok(&reg, &["rules", "set", "--file", file.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&ok(&reg, &["--json", "case", "show", &id])).unwrap();
    assert_eq!(json["deadline_provisional_years"], serde_json::json!([]));
    let recounted = json["deadline"].as_str().unwrap();
    assert!(
        recounted > provisional.as_str(),
        "{recounted} {provisional}"
    );
    assert!(!ok(&reg, &["case", "show", &id]).contains("PROVISIONAL"));
    assert!(!ok(&reg, &["case", "list"]).contains("PROVISIONAL"));
    let gaps: Value =
        serde_json::from_str(&ok(&reg, &["--json", "rules", "calendar-gaps"])).unwrap();
    assert!(
        gaps.as_array()
            .unwrap()
            .iter()
            .all(|g| g["year"] != this_year),
        "{gaps}"
    );
}
