//! The `hoso` binary's domain commands run as a script would: offices, subjects, cases and their
//! workflow, search, plans, overlaps and omissions; every bad input fails with a message naming
//! the problem and leaves `hoso digest` unchanged.

mod common;

use std::process::Output;

use serde_json::Value;

const PASS: &str = "mật khẩu Hà Nội";

/// A register of the one CLI test harness (`common::Reg`).
struct Reg(common::Reg);

impl Reg {
    /// A new register for office HN, officer "lan" (administrator). It is set up as the central
    /// office: only the central office writes the office list these scripts edit.
    fn new() -> Reg {
        Reg(common::Reg::central_hn(PASS))
    }

    fn run_as(&self, officer: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.0.run_as(officer, PASS, args, env)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_as("lan", args, &[])
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: exit {:?}\nstdout: {}\nstderr: {}",
            o.status.code(),
            out(&o),
            err(&o)
        );
        out(&o)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    fn digest(&self) -> String {
        self.ok(&["digest"]).trim().to_string()
    }

    /// Expects a failure (exit 1) whose message contains `needle`, with the register unchanged.
    fn fails(&self, officer: &str, args: &[&str], needle: &str) {
        let before = self.digest();
        let o = self.run_as(officer, args, &[]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{args:?}\nstdout: {}\nstderr: {}",
            out(&o),
            err(&o)
        );
        let e = err(&o);
        assert!(e.starts_with("error: "), "{e}");
        assert!(e.contains(needle), "{args:?}: expected {needle:?} in {e}");
        assert_eq!(self.digest(), before, "{args:?} changed the register");
    }
}

fn as_args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Issue 9, reproduction 1: a province's administrator cannot rewrite the office list (here:
/// create a "central" office that closes another province).
#[test]
fn a_province_cannot_edit_the_office_list() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Reg(common::Reg {
        path: dir.path().join("province.hoso-db"),
        dir,
    });
    reg.ok(&[
        "init",
        "--office",
        "HP",
        "--office-name",
        "Ủy ban Kiểm tra Đảng ủy Công an Hải Phòng",
        "--officer-name",
        "Nguyễn Thị Lan",
    ]);
    reg.fails(
        "lan",
        &[
            "office",
            "add",
            "XX",
            "--name",
            "Giả mạo",
            "--kind",
            "central",
        ],
        "op-not-authorised",
    );
    // Its own office is still known by name before the central office's list arrives.
    assert!(reg.ok(&["office", "list"]).contains("Hải Phòng"));
}

#[test]
fn offices_with_a_merger() {
    let r = Reg::new();
    // A new central office lists the 2025 units and the former provinces merged into them.
    let list = r.json(&["office", "list"]);
    let list = list.as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|o| o["name"].as_str().unwrap()).collect();
    let at = |n: &str| {
        names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert!(at("Đà Nẵng") < at("Quảng Bình"));
    assert!(at("Quảng Bình") < at("Quảng Trị"));
    assert!(at("Quảng Trị") < at("Ủy ban Kiểm tra Đảng ủy Công an Hà Nội"));
    let qb = list.iter().find(|o| o["code"] == "QBI").unwrap();
    assert_eq!(qb["valid_to"], "2025-07-01");
    let text = r.ok(&["office", "list"]);
    assert!(
        text.contains("QTR") && text.contains("merged from QBI"),
        "{text}"
    );
    // A later merger, recorded by hand: the predecessor closes the day the new office starts.
    r.ok(&["office", "add", "KV1", "--name", "Khu vực Một"]);
    r.ok(&[
        "office",
        "add",
        "kv2",
        "--name",
        "Khu vực Hai",
        "--predecessor",
        "KV1",
        "--valid-from",
        "2026-01-01",
    ]);
    let list = r.json(&["office", "list"]);
    let kv1 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "KV1")
        .unwrap();
    assert_eq!(kv1["valid_to"], "2026-01-01");
    assert!(r.ok(&["office", "list"]).contains("merged from KV1"));

    r.fails(
        "lan",
        &["office", "add", "QBI", "--name", "Lần hai"],
        "already exists",
    );
    r.fails(
        "lan",
        &["office", "add", "XY", "--name", "X", "--kind", "district"],
        "office kind",
    );
    r.fails(
        "lan",
        &[
            "office",
            "add",
            "XY",
            "--name",
            "X",
            "--valid-from",
            "1/7/2025",
        ],
        "YYYY-MM-DD",
    );
    r.fails(
        "lan",
        &["office", "add", "XY", "--name", "X", "--parent", "ZZ"],
        "office not found: ZZ",
    );
    // A 2026 case cannot be led by the merged-away office.
    r.fails(
        "lan",
        &[
            "case",
            "add",
            "--kind",
            "discipline",
            "--title",
            "X",
            "--lead",
            "QBI",
            "--opened",
            "2026-01-05",
        ],
        "QTR",
    );
}

#[test]
fn subjects_warn_about_duplicates() {
    let r = Reg::new();
    let id = r.ok(&[
        "subject",
        "add",
        "--kind",
        "member",
        "--name",
        "Nguyễn Văn Đức",
        "--unit",
        "Phòng PC01",
        "--post",
        "Trưởng phòng",
        "--authority",
        "province",
    ]);
    let id = id.trim();
    assert_eq!(id.len(), 32, "{id}");
    // The same name typed decomposed (NFD) is a possible duplicate: nothing added.
    let nfd = "Nguye\u{302}\u{303}n Va\u{306}n \u{110}u\u{31b}\u{301}c";
    r.fails(
        "lan",
        &[
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            nfd,
            "--unit",
            "Phòng PC01",
        ],
        "possible duplicate",
    );
    let forced = r.json(&[
        "subject",
        "add",
        "--kind",
        "member",
        "--name",
        nfd,
        "--unit",
        "Phòng PC01",
        "--force",
    ]);
    assert_ne!(forced["id"].as_str().unwrap(), id);
    let found = r.json(&["subject", "list", "--search", "nguyen van duc"]);
    assert_eq!(found.as_array().unwrap().len(), 2);
    assert_eq!(found[0]["name"], "Nguyễn Văn Đức", "stored as NFC");
    r.fails(
        "lan",
        &["subject", "add", "--kind", "person", "--name", "X"],
        "allowed: member, organisation",
    );
    r.fails(
        "lan",
        &[
            "subject",
            "add",
            "--kind",
            "organisation",
            "--name",
            "Chi bộ",
            "--post",
            "Bí thư",
        ],
        "post",
    );
    r.fails(
        "lan",
        &[
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            "X",
            "--authority",
            "district",
        ],
        "allowed: central, province, both",
    );
}

#[test]
fn cases_workflow_search_and_decisions() {
    let r = Reg::new();
    // DNG (Đà Nẵng) is on the office list a central office starts with.
    let full = r
        .ok(&[
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            "Trần Văn Bình",
            "--unit",
            "Công an huyện",
            "--post",
            "Phó trưởng",
        ])
        .trim()
        .to_string();
    let prob = r
        .ok(&[
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            "Lê Thị Cúc",
            "--probationary",
        ])
        .trim()
        .to_string();

    let created = r.json(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Kiểm tra dấu hiệu vi phạm của Đảng ủy Công an tỉnh",
        "--lead",
        "HN",
        "--coordinator",
        "DNG:Đối tượng công tác tại Đà Nẵng",
        "--subject",
        &full,
        "--subject",
        &prob,
        "--opened",
        "2026-03-02",
        "--summary",
        "Theo đơn phản ánh",
    ]);
    assert_eq!(created["number"], "HN-2026-0001");
    let id = created["id"].as_str().unwrap().to_string();
    let plain = r.ok(&[
        "case",
        "add",
        "--kind",
        "denunciation",
        "--title",
        "Tố cáo cán bộ xã",
        "--lead",
        "HN",
        "--opened",
        "2026-01-10",
    ]);
    assert!(plain.trim().ends_with("HN-2026-0002"), "{plain}");

    // Search without diacritics, and NFD input, find the case; lists are newest first.
    let hits = r.json(&["case", "list", "--search", "dang uy tinh"]);
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["id"], id.as_str());
    let nfd = r.json(&[
        "case",
        "list",
        "--search",
        "tra\u{302}\u{300}n va\u{306}n bi\u{300}nh",
    ]);
    assert_eq!(
        nfd[0]["id"],
        id.as_str(),
        "subject names are searchable, NFD too"
    );
    let all = r.json(&["case", "list"]);
    assert_eq!(all[0]["number"], "HN-2026-0001");
    assert_eq!(all[1]["number"], "HN-2026-0002");
    assert_eq!(
        r.json(&["case", "list", "--office", "DNG"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        r.json(&["case", "list", "--kind", "denunciation", "--year", "2026"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        r.json(&["case", "list", "--overdue"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "the January denunciation is past 90 working days"
    );
    let text = r.ok(&["case", "list", "--status", "received"]);
    assert!(
        text.contains("HN-2026-0002") && text.contains("OVERDUE"),
        "{text}"
    );

    // Workflow by number; an illegal move names what is allowed.
    r.fails(
        "lan",
        &["case", "transition", "HN-2026-0001", "concluded"],
        "allowed: classified",
    );
    r.fails(
        "lan",
        &["case", "transition", "HN-2026-0001", "finished"],
        "unknown value 'finished'",
    );
    for s in [
        "classified",
        "preparing",
        "decided",
        "announced",
        "verifying",
        "report-drafted",
        "committee-review",
    ] {
        r.ok(&[
            "case",
            "transition",
            "HN-2026-0001",
            s,
            "--note",
            "đúng tiến độ",
            "--date",
            "2026-04-01",
        ]);
    }
    // Discipline: disallowed forms fail, allowed ones are recorded.
    r.fails(
        "lan",
        &[
            "case",
            "decide",
            &id,
            "--form",
            "expulsion",
            "--subject",
            &prob,
            "--date",
            "2026-04-02",
        ],
        "probationary",
    );
    r.fails(
        "lan",
        &[
            "case",
            "decide",
            &id,
            "--form",
            "sack",
            "--subject",
            &prob,
            "--date",
            "2026-04-02",
        ],
        "allowed: reprimand",
    );
    r.fails(
        "lan",
        &[
            "case",
            "decide",
            &id,
            "--form",
            "warning",
            "--subject",
            &prob,
            "--date",
            "2026-02-30",
        ],
        "YYYY-MM-DD",
    );
    r.fails(
        "lan",
        &[
            "case",
            "decide",
            &id,
            "--form",
            "reprimand",
            "--subject",
            &full,
            "--date",
            "2026-04-02",
            "--violation-date",
            "2019-01-01",
        ],
        "limitation",
    );
    // Without the violation's date the limitation check is not skipped: refused. A 2019
    // security violation has no limitation period: in time.
    r.fails(
        "lan",
        &[
            "case",
            "decide",
            &id,
            "--form",
            "warning",
            "--subject",
            &prob,
            "--date",
            "2026-04-02",
        ],
        "when the violation was committed",
    );
    r.ok(&[
        "case",
        "decide",
        &id,
        "--form",
        "warning",
        "--subject",
        &prob,
        "--date",
        "2026-04-02",
        "--violation-date",
        "2019-01-01",
        "--area",
        "defence-security",
    ]);
    r.ok(&[
        "case",
        "decide",
        "hn-2026-0001",
        "--form",
        "removal-from-post",
        "--subject",
        &full,
        "--date",
        "2026-04-02",
        "--violation-date",
        "2025-01-01",
    ]);
    r.ok(&[
        "case",
        "transition",
        &id,
        "concluded",
        "--date",
        "2026-04-03",
    ]);
    let base = [
        "case",
        "appeal",
        id.as_str(),
        "--subject",
        prob.as_str(),
        "--received",
        "2026-04-05",
    ];
    let appeal = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let a1 = appeal(&["--filed", "2026-06-01"]);
    r.fails("lan", &as_args(&a1), "outside the time to appeal");
    let a2 = appeal(&["--filed", "2026-04-20", "--outcome", "cancel"]);
    r.fails("lan", &as_args(&a2), "allowed: uphold");
    let a3 = appeal(&["--filed", "2026-04-20"]);
    r.ok(&as_args(&a3));
    let a4 = appeal(&["--filed", "2026-04-20", "--outcome", "uphold"]);
    r.ok(&as_args(&a4));

    let show = r.json(&["case", "show", "HN-2026-0001"]);
    assert_eq!(show["status"], "concluded");
    assert_eq!(show["kind"], "inspection-on-signs");
    assert_eq!(show["coordinators"][0]["office"], "DNG");
    assert_eq!(show["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(show["decisions"][1]["form"], "removal-from-post");
    assert_eq!(show["appeals"][1]["outcome"], "uphold");
    assert_eq!(
        show["allowed_transitions"],
        serde_json::json!(["disciplined", "proposed-upward", "notified"])
    );
    let timeline = show["timeline"].as_array().unwrap();
    assert_eq!(
        timeline
            .iter()
            .filter(|t| t["kind"] == "transition")
            .count(),
        8
    );
    assert_eq!(timeline[1]["note"], "đúng tiến độ");
    let text = r.ok(&["case", "show", &id]);
    assert!(
        text.contains("Đối tượng công tác tại Đà Nẵng")
            && text.contains("committee-review → concluded"),
        "{text}"
    );

    // Fields.
    r.ok(&["case", "set", &id, "deadline", "2026-06-30"]);
    r.fails(
        "lan",
        &["case", "set", &id, "deadline", "30/06/2026"],
        "YYYY-MM-DD",
    );
    r.fails(
        "lan",
        &["case", "set", &id, "status", "archived"],
        "transition",
    );
    r.fails(
        "lan",
        &["case", "set", &id, "lead", "ZZ"],
        "office not found: ZZ",
    );
    r.fails("lan", &["case", "show", "HN-2026-0099"], "case not found");

    // Bad input to case add.
    r.fails(
        "lan",
        &[
            "case",
            "add",
            "--kind",
            "inspection",
            "--title",
            "X",
            "--lead",
            "HN",
        ],
        "allowed: inspection-on-signs",
    );
    r.fails(
        "lan",
        &[
            "case",
            "add",
            "--kind",
            "discipline",
            "--title",
            "X",
            "--lead",
            "ZZ",
        ],
        "office not found: ZZ",
    );
    r.fails(
        "lan",
        &[
            "case",
            "add",
            "--kind",
            "discipline",
            "--title",
            "X",
            "--lead",
            "HN",
            "--opened",
            "2026-13-01",
        ],
        "YYYY-MM-DD",
    );
    r.fails(
        "lan",
        &[
            "case",
            "add",
            "--kind",
            "discipline",
            "--title",
            "X",
            "--lead",
            "HN",
            "--subject",
            "nope",
        ],
        "subject not found",
    );
}

#[test]
fn permissions_are_enforced_for_the_cli() {
    let r = Reg::new();
    let o = r.run_as(
        "lan",
        &[
            "officer",
            "add",
            "xem",
            "--name",
            "Người Xem",
            "--role",
            "viewer",
        ],
        &[("HOSO_NEW_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", err(&o));
    r.fails(
        "xem",
        &[
            "case",
            "add",
            "--kind",
            "discipline",
            "--title",
            "X",
            "--lead",
            "HN",
        ],
        "permission denied",
    );
    r.fails(
        "xem",
        &["office", "add", "QB", "--name", "Quảng Bình"],
        "office.admin",
    );
    r.fails(
        "xem",
        &["subject", "add", "--kind", "member", "--name", "X"],
        "subject.write",
    );
    // Reading is allowed.
    let o = r.run_as("xem", &["--json", "case", "list"], &[]);
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn plans_overlaps_and_omissions() {
    let r = Reg::new();
    // Overlaps are current and future work: the plans are for next year.
    let next = chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1;
    let y0 = next.to_string();
    let date = |s: &str| {
        s.replace("2027-", &format!("{}-", next + 1))
            .replace("2026-", &format!("{next}-"))
    };
    let (d1, d2, d3, d4) = (
        date("2026-03-01"),
        date("2026-04-30"),
        date("2026-04-15"),
        date("2026-06-30"),
    );
    let (d5, d6, d7, d8) = (
        date("2027-01-01"),
        date("2027-02-01"),
        date("2026-01-01"),
        date("2026-02-01"),
    );
    // DNG (Đà Nẵng) is on the office list a central office starts with.
    let x = r
        .ok(&[
            "subject",
            "add",
            "--kind",
            "organisation",
            "--name",
            "Đảng ủy Phòng PC01",
        ])
        .trim()
        .to_string();
    let y = r
        .ok(&["subject", "add", "--kind", "member", "--name", "Võ Văn Tài"])
        .trim()
        .to_string();
    let p1 = r
        .ok(&[
            "plan",
            "add",
            "--year",
            &y0,
            "--title",
            "Chương trình kiểm tra năm 2026",
        ])
        .trim()
        .to_string();
    let p2 = r
        .ok(&[
            "plan",
            "add",
            "--year",
            &y0,
            "--title",
            "Kế hoạch của Đà Nẵng",
            "--office",
            "DNG",
        ])
        .trim()
        .to_string();
    r.ok(&[
        "plan",
        "add-item",
        &p1,
        "--subject",
        &x,
        "--kind",
        "finance-inspection",
        "--start",
        &d1,
        "--end",
        &d2,
        "--coordinator",
        "DNG",
    ]);
    r.ok(&[
        "plan",
        "add-item",
        &p2,
        "--subject",
        &x,
        "--kind",
        "finance-inspection",
        "--start",
        &d3,
        "--end",
        &d4,
    ]);
    r.fails(
        "lan",
        &[
            "plan",
            "add-item",
            &p1,
            "--subject",
            &x,
            "--kind",
            "finance-inspection",
            "--start",
            &d5,
            "--end",
            &d6,
        ],
        "outside the plan's year",
    );
    r.fails(
        "lan",
        &[
            "plan",
            "add-item",
            &p1,
            "--subject",
            &x,
            "--kind",
            "audit",
            "--start",
            &d7,
            "--end",
            &d8,
        ],
        "case kind",
    );
    let plans = r.json(&["plan", "list"]);
    assert_eq!(plans.as_array().unwrap().len(), 2);
    // Items name their subject; `plan show` prints one plan.
    assert!(r.ok(&["plan", "list"]).contains("Đảng ủy Phòng PC01"));
    let shown = r.ok(&["plan", "show", &p2]);
    assert!(
        shown.contains("Kế hoạch của Đà Nẵng") && shown.contains("Đảng ủy Phòng PC01"),
        "{shown}"
    );

    let ov = r.json(&["overlaps"]);
    assert_eq!(ov.as_array().unwrap().len(), 1);
    assert_eq!(ov[0]["subject"], x.as_str());
    assert_eq!(ov[0]["offices"], serde_json::json!(["DNG", "HN"]));
    assert!(r.ok(&["overlaps"]).contains("Đảng ủy Phòng PC01"));

    assert!(r.json(&["omissions"]).as_array().unwrap().is_empty());
    r.ok(&[
        "case",
        "add",
        "--kind",
        "denunciation",
        "--title",
        "Tố cáo đồng chí Tài",
        "--lead",
        "HN",
        "--subject",
        &y,
        "--opened",
        "2026-10-01",
    ]);
    let om = r.json(&["omissions"]);
    assert_eq!(om[0]["subject"], y.as_str());
    assert_eq!(om[0]["reasons"][0], "open denunciation HN-2026-0001");
    assert!(r.ok(&["omissions"]).contains("Võ Văn Tài"));
}

#[test]
fn links_and_the_confidential_denouncer() {
    let r = Reg::new();
    // DNG (Đà Nẵng) is on the office list a central office starts with.
    let s = r
        .ok(&["subject", "add", "--kind", "member", "--name", "Hồ Văn Sơn"])
        .trim()
        .to_string();
    let id = r.json(&[
        "case",
        "add",
        "--kind",
        "denunciation",
        "--title",
        "Tố cáo",
        "--lead",
        "HN",
        "--opened",
        "2026-02-01",
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    r.ok(&["case", "link", &id, "--subject", &s]);
    r.ok(&[
        "case",
        "link",
        &id,
        "--coordinator",
        "DNG:Nơi cư trú của đối tượng",
    ]);
    assert_eq!(
        r.json(&["case", "list", "--search", "ho van son"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    r.fails(
        "lan",
        &["case", "link", &id, "--coordinator", "HN"],
        "lead office",
    );
    r.fails("lan", &["case", "link", &id], "--subject");
    r.ok(&["case", "unlink", &id, "--coordinator", "DNG"]);
    assert!(
        r.json(&["case", "list", "--office", "DNG"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The administrator may not see the denouncer; the letters clerk of the lead office may.
    let o = r.run_as(
        "lan",
        &[
            "officer",
            "add",
            "thu",
            "--name",
            "Văn thư",
            "--role",
            "letters-clerk",
        ],
        &[("HOSO_NEW_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", err(&o));
    r.fails("lan", &["case", "denouncer", &id], "denouncer.read");
    r.fails(
        "lan",
        &["case", "denouncer", &id, "--name", "Đinh Thị Kín"],
        "denouncer.write",
    );
    let o = r.run_as(
        "thu",
        &[
            "case",
            "denouncer",
            &id,
            "--name",
            "Đinh Thị Kín",
            "--address",
            "Hà Nội",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = r.run_as("thu", &["--json", "case", "denouncer", &id], &[]);
    assert!(o.status.success(), "{}", err(&o));
    let d: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(d["name"], "Đinh Thị Kín");
    assert!(
        !r.ok(&["--json", "case", "show", &id])
            .contains("Đinh Thị Kín")
    );
}

#[test]
fn attachments_round_trip_and_respect_the_size_limit() {
    let r = Reg::new();
    let id = r.json(&[
        "case",
        "add",
        "--kind",
        "discipline",
        "--title",
        "Thi hành kỷ luật",
        "--lead",
        "HN",
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("biên bản.txt");
    std::fs::write(&file, "Biên bản họp Chi bộ").unwrap();
    let meta = r.json(&[
        "case",
        "attach",
        &id,
        file.to_str().unwrap(),
        "--media-type",
        "text/plain",
    ]);
    assert_eq!(meta["name"], "biên bản.txt");
    let hash = meta["blake3"].as_str().unwrap().to_string();
    let back = dir.path().join("back.txt");
    r.ok(&[
        "case",
        "document",
        &id,
        &hash,
        "--out",
        back.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(&back).unwrap(),
        "Biên bản họp Chi bộ"
    );
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 50_000_001]).unwrap();
    r.fails(
        "lan",
        &["case", "attach", &id, big.to_str().unwrap()],
        "over the limit",
    );
    r.fails(
        "lan",
        &["case", "attach", &id, "/nonexistent/file"],
        "reading /nonexistent/file",
    );
}

/// Issue 9 ("Confidential documents"): the letter's scan is attached to the denouncer, not to
/// the case: the letters clerk of the lead office writes and reads it, the administrator cannot,
/// the case's documents do not list it, and every read is audited.
#[test]
fn the_letters_scan_is_a_denouncer_document() {
    let r = Reg::new();
    let id = r.json(&[
        "case",
        "add",
        "--kind",
        "denunciation",
        "--title",
        "Tố cáo",
        "--lead",
        "HN",
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = r.run_as(
        "lan",
        &[
            "officer",
            "add",
            "thu",
            "--name",
            "Văn thư",
            "--role",
            "letters-clerk",
        ],
        &[("HOSO_NEW_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", err(&o));
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("đơn tố cáo.pdf");
    std::fs::write(&scan, "%PDF bản chụp đơn").unwrap();
    let scan = scan.to_str().unwrap();
    r.fails(
        "lan",
        &["case", "denouncer-attach", &id, scan],
        "denouncer.write",
    );
    let o = r.run_as(
        "thu",
        &["--json", "case", "denouncer-attach", &id, scan],
        &[],
    );
    assert!(o.status.success(), "{}", err(&o));
    let meta: Value = serde_json::from_str(&out(&o)).unwrap();
    let hash = meta["blake3"].as_str().unwrap().to_string();
    assert!(!r.ok(&["--json", "case", "show", &id]).contains(&hash));

    let o = r.run_as("thu", &["case", "denouncer-documents", &id], &[]);
    assert!(out(&o).contains("đơn tố cáo.pdf"), "{}", err(&o));
    let back = dir.path().join("back.pdf");
    let o = r.run_as(
        "thu",
        &[
            "case",
            "denouncer-document",
            &id,
            &hash,
            "--out",
            back.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(std::fs::read_to_string(&back).unwrap(), "%PDF bản chụp đơn");
    r.fails(
        "lan",
        &["case", "denouncer-documents", &id],
        "denouncer.read",
    );
    let reads = r.json(&["audit", "list", "--action", "denouncer.document."]);
    let actions: Vec<&str> = reads
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["denouncer.document.list", "denouncer.document.read"]
    );
}

/// Issue 10: plan items edited, given a status, linked to the case that carries them out, and
/// removed; identical items refused.
#[test]
fn plan_items_are_edited_given_a_status_linked_to_a_case_and_removed() {
    let r = Reg::new();
    let next = chrono::Datelike::year(&chrono::Local::now().date_naive()) + 1;
    let (start, end) = (format!("{next}-03-01"), format!("{next}-05-31"));
    let x = r
        .ok(&[
            "subject",
            "add",
            "--kind",
            "organisation",
            "--name",
            "Đảng ủy Phòng PC01",
        ])
        .trim()
        .to_string();
    let plan = r
        .ok(&[
            "plan",
            "add",
            "--year",
            &next.to_string(),
            "--title",
            "Chương trình",
        ])
        .trim()
        .to_string();
    let add = |kind: &str| {
        vec![
            "plan".to_string(),
            "add-item".into(),
            plan.clone(),
            "--subject".into(),
            x.clone(),
            "--kind".into(),
            kind.into(),
            "--start".into(),
            start.clone(),
            "--end".into(),
            end.clone(),
        ]
    };
    let a = r
        .ok(&as_args(&add("inspection-on-signs")))
        .trim()
        .to_string();
    r.fails(
        "lan",
        &as_args(&add("inspection-on-signs")),
        "already has this item",
    );
    let b = r
        .ok(&as_args(&add("finance-inspection")))
        .trim()
        .to_string();
    let edited = r.ok(&[
        "plan",
        "edit-item",
        &b,
        "--end",
        &format!("{next}-06-30"),
        "--note",
        "Bổ sung",
    ]);
    assert!(
        edited.contains(&format!("{next}-06-30")) && edited.contains("[planned]"),
        "{edited}"
    );
    r.fails("lan", &["plan", "item-status", &b, "dropped"], "reason");
    let dropped = r.ok(&[
        "plan",
        "item-status",
        &b,
        "dropped",
        "--reason",
        "Trùng kế hoạch",
    ]);
    assert!(dropped.contains("[dropped (Trùng kế hoạch)]"), "{dropped}");

    let case = r.json(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Kiểm tra theo chương trình",
        "--lead",
        "HN",
        "--subject",
        &x,
    ]);
    let number = case["number"].as_str().unwrap().to_string();
    r.fails("lan", &["plan", "link", &b, &number], "plans a");
    assert!(
        r.ok(&["plan", "link", &a, &number])
            .contains("carries out plan item")
    );
    let shown = r.json(&["case", "show", &number]);
    assert_eq!(shown["plan_item"], a.as_str());
    assert_eq!(shown["origin"], "annual-plan");
    let plan_shown = r.ok(&["plan", "show", &plan]);
    assert!(
        plan_shown.contains(&format!("case {number}")),
        "{plan_shown}"
    );
    r.fails("lan", &["plan", "remove-item", &a], "mark it dropped");
    r.ok(&["plan", "remove-item", &b]);
    r.ok(&["plan", "unlink", &number]);
    r.ok(&["plan", "remove-item", &a]);
    let p = r.json(&["plan", "show", &plan]);
    assert_eq!(p["items"].as_array().unwrap().len(), 0, "{p}");
}

/// Issue 10: people (subject edit, officer role, deactivation, declared relations, the
/// coordinator's reason, the lead's management authority) and the records around a case
/// (categories, conclusion, suspension, transfer, notices) through the command line.
#[test]
fn people_and_records_around_a_case() {
    let r = Reg::new();
    let a = r
        .ok(&[
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            "Hồ Văn Lâm",
            "--probationary",
        ])
        .trim()
        .to_string();
    let shown = r.ok(&[
        "subject",
        "edit",
        &a,
        "--post",
        "Phó Trưởng phòng",
        "--membership",
        "full",
        "--authority",
        "province",
        "--unit",
        "Phòng PC01",
    ]);
    assert!(
        shown.contains("post:       Phó Trưởng phòng")
            && shown.contains("membership: full")
            && shown.contains("authority:  province")
            && shown.contains("unit:       Phòng PC01"),
        "{shown}"
    );
    // HN is set up as the central office here: a subject on the provinces' list is a warning.
    let o = r.run(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Kiểm tra",
        "--lead",
        "HN",
        "--subject",
        &a,
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("warning: the lead office HN has no management authority"),
        "{}",
        err(&o)
    );
    let number = out(&o).split_whitespace().nth(1).unwrap().to_string();
    assert!(
        r.ok(&["case", "show", &number])
            .contains("WARNING:     the lead office HN")
    );
    r.fails(
        "lan",
        &["case", "link", &number, "--coordinator", "DNG"],
        "coordinator reason",
    );

    // Officers: a role changes; a related officer stays off the team; a deactivated one too.
    let add_officer = |login: &str| {
        let o = r.run_as(
            "lan",
            &[
                "officer",
                "add",
                login,
                "--name",
                "Cán bộ",
                "--role",
                "inspector",
            ],
            &[("HOSO_NEW_PASSPHRASE", PASS)],
        );
        assert!(o.status.success(), "{}", err(&o));
    };
    add_officer("tam");
    add_officer("vu");
    assert!(
        r.ok(&["officer", "role", "tam", "committee-leader"])
            .contains("committee-leader")
    );
    assert!(
        r.ok(&["officer", "relate", "tam", "--subject", &a])
            .contains(&a)
    );
    r.fails(
        "lan",
        &["case", "link", &number, "--team", "tam"],
        "declared a relation",
    );
    r.ok(&["officer", "deactivate", "vu"]);
    assert!(r.ok(&["officer", "list"]).contains("(deactivated)"));
    r.fails(
        "lan",
        &["case", "link", &number, "--team", "vu"],
        "deactivated",
    );
    let o = r.run_as("vu", &["case", "list"], &[]);
    assert!(
        !o.status.success() && err(&o).contains("deactivated"),
        "{}",
        err(&o)
    );

    // Records: a category, the conclusion, a suspension, notices.
    r.fails(
        "lan",
        &["case", "category", &number, "organisation.cadre-work"],
        "not for a member",
    );
    assert!(
        r.ok(&["case", "category", &number, "member.corruption"])
            .contains("member.corruption")
    );
    r.fails(
        "lan",
        &[
            "case",
            "conclude",
            &number,
            "--number",
            "7-KL/UBKT",
            "--text",
            "Kết luận",
            "--subject",
            &format!("{a}:violation"),
        ],
        "names its content categories",
    );
    r.ok(&[
        "case",
        "conclude",
        &number,
        "--number",
        "7-KL/UBKT",
        "--text",
        "Kết luận kiểm tra",
        "--subject",
        &format!("{a}:violation:member.corruption:discipline"),
    ]);
    let suspended = r.ok(&["case", "suspend", &number, "--subject", &a]);
    assert!(suspended.contains("suspended"), "{suspended}");
    r.ok(&["case", "notify", &number, "--to", "Đảng ủy Công an tỉnh"]);
    r.fails(
        "lan",
        &["case", "notify", &number, "--denouncer"],
        "no denouncer",
    );
    let shown = r.ok(&["case", "show", &number]);
    for needle in [
        "categories:  member.corruption",
        "conclusion:  7-KL/UBKT",
        "violation (member.corruption), discipline required",
        "suspension:  ",
        "notice:      ",
    ] {
        assert!(shown.contains(needle), "{needle} not in {shown}");
    }

    // A denunciation is transferred only with its receiving body.
    let den = r.json(&[
        "case",
        "add",
        "--kind",
        "denunciation",
        "--title",
        "Đơn không thuộc thẩm quyền",
        "--lead",
        "HN",
    ]);
    let den = den["number"].as_str().unwrap().to_string();
    r.fails(
        "lan",
        &["case", "transition", &den, "transferred"],
        "case transfer",
    );
    assert!(
        r.ok(&["case", "transfer", &den, "--to", "UBKT Tỉnh ủy Bắc Ninh"])
            .contains("transferred")
    );
    assert!(
        r.ok(&["case", "show", &den])
            .contains("to UBKT Tỉnh ủy Bắc Ninh")
    );
}

/// Issue 10: letters through the command line; an anonymous letter opens no denunciation.
#[test]
fn letters_are_recorded_and_open_cases() {
    let r = Reg::new();
    let named = r
        .ok(&[
            "letter",
            "add",
            "--kind",
            "named",
            "--channel",
            "Bưu điện",
            "--content",
            "Tố cáo đảng viên",
        ])
        .trim()
        .to_string();
    let anon = r
        .ok(&[
            "letter",
            "add",
            "--kind",
            "anonymous",
            "--channel",
            "Hòm thư",
            "--content",
            "Phản ánh",
        ])
        .trim()
        .to_string();
    r.fails(
        "lan",
        &[
            "letter",
            "open",
            &anon,
            "--kind",
            "denunciation",
            "--title",
            "Tố cáo",
            "--lead",
            "HN",
        ],
        "not resolved as a denunciation",
    );
    let opened = r.ok(&[
        "letter",
        "open",
        &named,
        "--kind",
        "denunciation",
        "--title",
        "Giải quyết tố cáo",
        "--lead",
        "HN",
    ]);
    let number = opened.split_whitespace().nth(1).unwrap().to_string();
    assert!(
        r.ok(&["letter", "show", &named])
            .contains(&format!("→ {number}"))
    );
    assert_eq!(r.json(&["case", "show", &number])["letter"], named.as_str());
    let list = r.ok(&["letter", "list"]);
    assert!(
        list.contains("anonymous") && list.contains("named"),
        "{list}"
    );
}
