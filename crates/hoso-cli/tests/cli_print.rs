//! `hoso print` on real registers, checked with poppler's tools (pdftotext, pdffonts, pdfinfo):
//! exact Vietnamese text, the denouncer redacted unless asked for and allowed, fonts embedded,
//! hostile titles printed verbatim, identical bytes for identical prints, pagination of a long
//! case, and the audit entry of every print. The poppler tools are required: a test that cannot
//! find one FAILS (install them with `make deps`, package poppler-utils).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const PASS: &str = "mật khẩu Hà Nội";
const DATE: &str = "2026-03-15";

/// A register of the one CLI test harness (`common::Reg`).
struct Reg(common::Reg);

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

impl Reg {
    /// Central office HN, administrator "lan".
    fn new() -> Reg {
        Reg(common::Reg::central_hn(PASS))
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.file(name)
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

    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    fn add_officer(&self, login: &str, name: &str, role: &str) {
        let o = self.run_as(
            "lan",
            &["officer", "add", login, "--name", name, "--role", role],
            &[("HOSO_NEW_PASSPHRASE", PASS)],
        );
        assert!(o.status.success(), "{}", err(&o));
    }

    fn member(&self, name: &str, post: &str, probationary: bool) -> String {
        let mut args = vec![
            "subject",
            "add",
            "--kind",
            "member",
            "--name",
            name,
            "--unit",
            "Công an quận Đống Đa",
            "--post",
            post,
        ];
        if probationary {
            args.push("--probationary");
        }
        self.ok(&args).trim().to_string()
    }

    /// Prints as `officer` into a new file in the register's folder; returns (path, --json).
    fn print_as(&self, officer: &str, name: &str, args: &[&str]) -> (PathBuf, Value) {
        let path = self.file(name);
        let p = path.to_str().unwrap().to_string();
        let mut a = vec!["--json", "print"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--date", DATE, "--out", &p]);
        let v = serde_json::from_str(&self.ok_as(officer, &a)).unwrap();
        (path, v)
    }
}

/// Runs a poppler tool (each test first requires poppler-utils through the test kit).
fn tool(name: &str, args: &[&str]) -> String {
    let o = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is required for this test ({e}): install poppler-utils (make deps)")
    });
    assert!(o.status.success(), "{name} {args:?}: {}", err(&o));
    out(&o)
}

/// The PDF's text with every run of white space made one space (lines wrap where they wrap).
fn text_of(pdf: &Path) -> String {
    flat(&raw_text_of(pdf))
}

fn raw_text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pages_of(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .expect("pdfinfo prints Pages")
}

const DENOUNCER: &str = "Đinh Thị Kín Đáo";

/// A denunciation case on two members whose names use every kind of Vietnamese mark (đ/Đ,
/// ă â ê ô ơ ư and the five tones), with a recorded denouncer, a coordinating office, a finding
/// and the letters clerk "thu" (who has denouncer.read on it).
fn denunciation_case(r: &Reg) -> String {
    r.ok(&[
        "office",
        "add",
        // Not on the 2025 list the central office starts with.
        "KV3",
        "--name",
        "Ủy ban Kiểm tra Đảng ủy Công an Đà Nẵng",
    ]);
    let a = r.member("Đặng Thị Hường", "Phó Trưởng phòng", false);
    let b = r.member("Trịnh Ngọc Ẩn Ưởng", "Đội trưởng", true);
    let id = r.json(&[
        "case",
        "add",
        "--kind",
        "denunciation",
        "--title",
        "Tố cáo về việc vi phạm quy định đất đai ở phường Ô Chợ Dừa",
        "--lead",
        "HN",
        "--coordinator",
        "KV3:Nơi cư trú của người bị tố cáo",
        "--subject",
        &a,
        "--subject",
        &b,
        "--opened",
        "2026-01-05",
        "--summary",
        "Đơn tố cáo đồng chí Đặng Thị Hường nhận tiền để hợp thức hóa quyền sử dụng đất.",
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    r.ok(&[
        "case",
        "finding",
        &id,
        "--subject",
        &a,
        "--violated",
        "--text",
        "Có dấu hiệu vi phạm quy định về quản lý đất đai.",
    ]);
    r.add_officer("thu", "Văn thư", "letters-clerk");
    r.ok_as(
        "thu",
        &[
            "case",
            "denouncer",
            &id,
            "--name",
            DENOUNCER,
            "--address",
            "Số 7 phố Hàng Đường",
        ],
    );
    id
}

#[test]
fn the_summary_prints_exact_vietnamese_and_redacts_the_denouncer() {
    if !hoso_testkit::require_tools(
        "cli_print::the_summary_prints_exact_vietnamese_and_redacts_the_denouncer",
        &[hoso_testkit::PDFTOTEXT],
    ) {
        return;
    }
    let r = Reg::new();
    let id = denunciation_case(&r);
    let (pdf, v) = r.print_as("lan", "summary.pdf", &[&id]);
    assert_eq!(v["document"], "case-summary");
    let text = text_of(&pdf);
    for needle in [
        "ĐẢNG ỦY CÔNG AN TRUNG ƯƠNG",
        "ỦY BAN KIỂM TRA",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hà Nội, ngày 15 tháng 3 năm 2026",
        "MẬT",
        "BÁO CÁO",
        "Tóm tắt hồ sơ vụ việc số HN-2026-0001",
        "Tố cáo về việc vi phạm quy định đất đai ở phường Ô Chợ Dừa",
        "Giải quyết tố cáo",
        "Tiếp nhận",
        "Ủy ban Kiểm tra Đảng ủy Công an Đà Nẵng",
        "Nơi cư trú của người bị tố cáo",
        "Đặng Thị Hường",
        "Trịnh Ngọc Ẩn Ưởng",
        "Phó Trưởng phòng",
        "Dự bị",
        "Chính thức",
        "05/01/2026",
        "nhận tiền để hợp thức hóa quyền sử dụng đất",
        "Có dấu hiệu vi phạm quy định về quản lý đất đai.",
        "Thông tin về người tố cáo được giữ bí mật",
        "T/M ỦY BAN KIỂM TRA",
        "CHỦ NHIỆM",
        "Nơi nhận:",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains("Kín Đáo"), "the denouncer printed:\n{text}");
    assert!(!text.contains("Hàng Đường"), "the address printed:\n{text}");

    // Asking without denouncer.read (the administrator) is refused and writes nothing.
    let refused = r.file("refused.pdf");
    let o = r.run_as(
        "lan",
        &[
            "print",
            &id,
            "--include-denouncer",
            "--out",
            refused.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(err(&o).contains("denouncer.read"), "{}", err(&o));
    assert!(!refused.exists());
    // Without asking, even an officer allowed to read it gets the redacted summary.
    let (plain, _) = r.print_as("thu", "thu-plain.pdf", &[&id]);
    assert!(!text_of(&plain).contains("Kín Đáo"));
    // The letters clerk asks explicitly and may.
    let (with, with_json) = r.print_as("thu", "thu.pdf", &[&id, "--include-denouncer"]);
    let text = text_of(&with);
    assert!(text.contains(DENOUNCER), "{text}");
    assert!(text.contains("Số 7 phố Hàng Đường"), "{text}");
    assert!(!text.contains("được giữ bí mật"), "{text}");

    // Every print is audited: what, which options, by whom (the refused one is not a print).
    let audit = r.json(&["audit", "list", "--action", "print"]);
    let prints: Vec<&Value> = audit.as_array().unwrap().iter().collect();
    assert_eq!(prints.len(), 3, "{audit:#}");
    assert_eq!(prints[0]["actor"], "lan");
    assert_eq!(prints[0]["entity"], format!("case:{id}"));
    assert_eq!(prints[0]["detail"]["document"], "case-summary");
    assert_eq!(prints[0]["detail"]["options"]["include_denouncer"], false);
    assert_eq!(prints[0]["detail"]["options"]["date"], DATE);
    assert_eq!(prints[2]["actor"], "thu");
    assert_eq!(prints[2]["detail"]["options"]["include_denouncer"], true);
    assert_eq!(prints[2]["detail"]["blake3"], with_json["blake3"]);
    // The denouncer read behind it is audited as such too (only that one: the redacted print
    // does not read it).
    let reads = r.json(&["audit", "list", "--action", "denouncer.read"]);
    let reads = reads.as_array().unwrap();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["actor"], "thu");
}

#[test]
fn fonts_are_embedded_and_the_file_is_never_overwritten() {
    if !hoso_testkit::require_tools(
        "cli_print::fonts_are_embedded_and_the_file_is_never_overwritten",
        &[hoso_testkit::PDFTOTEXT],
    ) {
        return;
    }
    let r = Reg::new();
    let id = denunciation_case(&r);
    let (pdf, _) = r.print_as("lan", "s.pdf", &[&id]);
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        // name type encoding emb sub uni object ID
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert!(
            n >= 7 && cols[n - 5] == "yes",
            "font not embedded: {row}\n{fonts}"
        );
        assert!(row.contains("LiberationSerif"), "unexpected font: {row}");
    }
    // PDF/A-2b is declared in the metadata.
    let meta = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    assert!(
        meta.contains("pdfaid:part") || meta.contains("<pdfaid:part>2"),
        "{meta}"
    );
    // An existing file is refused, untouched, and nothing is audited for it.
    let before = std::fs::read(&pdf).unwrap();
    let prints = r
        .json(&["audit", "list", "--action", "print"])
        .as_array()
        .unwrap()
        .len();
    let o = r.run_as("lan", &["print", &id, "--out", pdf.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("already exists"), "{}", err(&o));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    assert_eq!(
        r.json(&["audit", "list", "--action", "print"])
            .as_array()
            .unwrap()
            .len(),
        prints
    );
}

#[test]
fn typst_markup_prints_verbatim_and_overdue_is_marked() {
    if !hoso_testkit::require_tools(
        "cli_print::typst_markup_prints_verbatim_and_overdue_is_marked",
        &[hoso_testkit::PDFTOTEXT],
    ) {
        return;
    }
    let r = Reg::new();
    let title = "#read(\"/etc/passwd\") *bold* _em_ $x^2$ <lbl> @ref #set text(red) \\ ] [";
    let summary = "#eval(\"1 + 1\") `code` = Heading";
    let id = r.json(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        title,
        "--lead",
        "HN",
        "--summary",
        summary,
        "--opened",
        "2026-02-01",
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    // An open case past its deadline on the document's date is marked overdue.
    r.ok(&["case", "set", &id, "deadline", "2026-03-01"]);
    let (pdf, _) = r.print_as("lan", "markup.pdf", &[&id]);
    let text = text_of(&pdf);
    assert!(
        text.contains("Thời hạn giải quyết: 01/03/2026 — QUÁ HẠN"),
        "{text}"
    );
    assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");
    assert!(text.contains("*bold* _em_ $x^2$ <lbl> @ref"), "{text}");
    assert!(text.contains("#eval(\"1 + 1\") `code` = Heading"), "{text}");
    assert!(!text.contains("root:"), "a file was read:\n{text}");
    // Not a confidential kind: no "MẬT" mark.
    assert!(!text.contains("MẬT"), "{text}");
}

#[test]
fn two_prints_of_the_same_case_are_byte_identical() {
    if !hoso_testkit::require_tools(
        "cli_print::two_prints_of_the_same_case_are_byte_identical",
        &[hoso_testkit::PDFTOTEXT],
    ) {
        return;
    }
    let r = Reg::new();
    let id = denunciation_case(&r);
    let (a, va) = r.print_as("lan", "a.pdf", &[&id]);
    let (b, vb) = r.print_as("lan", "b.pdf", &[&id]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(va["blake3"], vb["blake3"]);
    let (fa, _) = r.print_as("lan", "fa.pdf", &[&id, "--file"]);
    let (fb, _) = r.print_as("lan", "fb.pdf", &[&id, "--file"]);
    assert_eq!(std::fs::read(&fa).unwrap(), std::fs::read(&fb).unwrap());
    // No clock in the file: its date (PDF/A requires one) is the document's date.
    let info = tool("pdfinfo", &["-isodates", a.to_str().unwrap()]);
    let created = info
        .lines()
        .find(|l| l.starts_with("CreationDate:"))
        .unwrap_or("");
    assert!(created.contains("2026-03-15T00:00:00"), "{info}");
}

#[test]
fn a_long_case_paginates_and_the_case_file_wraps_the_summary() {
    if !hoso_testkit::require_tools(
        "cli_print::a_long_case_paginates_and_the_case_file_wraps_the_summary",
        &[hoso_testkit::PDFTOTEXT],
    ) {
        return;
    }
    let r = Reg::new();
    let a = r.member("Lê Văn Đạt", "Trưởng Công an phường", false);
    let id = r.json(&[
        "case",
        "add",
        "--kind",
        "inspection-on-signs",
        "--title",
        "Kiểm tra khi có dấu hiệu vi phạm đối với đồng chí Lê Văn Đạt",
        "--lead",
        "HN",
        "--subject",
        &a,
        "--opened",
        "2026-01-10",
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (short, vs) = r.print_as("lan", "short.pdf", &[&id]);
    let short_pages = pages_of(&short);
    assert_eq!(vs["pages"], short_pages);
    for i in 1..=60 {
        let text = format!("Kết quả xác minh nội dung thứ {i}: đã đối chiếu hồ sơ, sổ sách.");
        r.ok(&["case", "finding", &id, "--subject", &a, "--text", &text]);
    }
    let (long, vl) = r.print_as("lan", "long.pdf", &[&id]);
    let pages = pages_of(&long);
    assert!(
        pages >= short_pages + 3,
        "60 findings and 61 timeline rows fit on {pages} page(s)"
    );
    assert_eq!(vl["pages"], pages);
    // pdftotext separates pages with form feeds: every page k ≥ 2 carries its number k at the
    // top, the last one the signature block.
    let text = raw_text_of(&long);
    let chunks: Vec<&str> = text
        .split('\u{c}')
        .filter(|c| !c.trim().is_empty())
        .collect();
    assert_eq!(chunks.len(), pages);
    for (k, chunk) in chunks.iter().enumerate().skip(1) {
        let first = chunk.lines().find(|l| !l.trim().is_empty()).unwrap().trim();
        assert_eq!(first, (k + 1).to_string(), "page {}:\n{chunk}", k + 1);
    }
    assert!(flat(chunks[pages - 1]).contains("T/M ỦY BAN KIỂM TRA"));
    assert!(flat(&text).contains("Kết quả xác minh nội dung thứ 60: đã đối chiếu hồ sơ, sổ sách."));

    // The case file: cover + index + the summary + closing sheet; the cover and the closing
    // sheet state the page count.
    let (file, vf) = r.print_as("lan", "file.pdf", &[&id, "--file"]);
    let file_pages = pages_of(&file);
    assert_eq!(file_pages, pages + 3);
    assert_eq!(vf["pages"], file_pages);
    let text = text_of(&file);
    for needle in [
        "HỒ SƠ",
        "Mã hồ sơ: HN-2026-0001",
        "Từ ngày 10/01/2026",
        &format!("Gồm: {file_pages} tờ"),
        "Thời hạn bảo quản: Vĩnh viễn",
        "MỤC LỤC VĂN BẢN",
        "Trích yếu nội dung",
        "Báo cáo tóm tắt hồ sơ vụ việc",
        "TỜ KẾT THÚC HỒ SƠ",
        &format!("{file_pages:02} tờ, được đánh số từ tờ 01 đến tờ {file_pages:02}"),
        "Nguyễn Thị Lan",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn office_settings_change_the_header_and_need_office_admin() {
    if !hoso_testkit::require_tools(
        "cli_print::office_settings_change_the_header_and_need_office_admin",
        &[hoso_testkit::PDFTOTEXT],
    ) {
        return;
    }
    let r = Reg::new();
    let id = denunciation_case(&r);
    r.ok(&[
        "settings",
        "set",
        "print.parent-body",
        "Đảng ủy Công an thành phố Đà Nẵng",
    ]);
    r.ok(&["settings", "set", "print.place", "Đà Nẵng"]);
    r.ok(&["settings", "set", "print.signatory-name", "Trần Quốc Đống"]);
    r.ok(&["settings", "set", "print.confidential-kinds", ""]);
    let (pdf, _) = r.print_as("lan", "s.pdf", &[&id, "--number", "12"]);
    let text = text_of(&pdf);
    assert!(text.contains("ĐẢNG ỦY CÔNG AN THÀNH PHỐ ĐÀ NẴNG"), "{text}");
    assert!(text.contains("Đà Nẵng, ngày 15 tháng 3 năm 2026"), "{text}");
    assert!(text.contains("Trần Quốc Đống"), "{text}");
    assert!(text.contains("Số 12-BC/UBKT"), "{text}");
    assert!(!text.contains("MẬT"), "{text}");
    let o = r.run_as("thu", &["settings", "set", "print.place", "X"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("office.admin"), "{}", err(&o));
    let o = r.run_as("lan", &["settings", "set", "print.nonsense", "X"], &[]);
    assert!(err(&o).contains("unknown setting"), "{}", err(&o));
    // A replacement template cannot reach files either.
    let tpl = r.file("evil.typ");
    std::fs::write(&tpl, "#read(\"/etc/passwd\")").unwrap();
    r.ok(&[
        "settings",
        "set",
        "print.template.summary",
        tpl.to_str().unwrap(),
    ]);
    let bad = r.file("bad.pdf");
    let o = r.run_as("lan", &["print", &id, "--out", bad.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!bad.exists());
    assert!(!err(&o).contains("root:"), "{}", err(&o));
}

/// Issue 10: a deadline counted into a year without a holiday calendar is printed as provisional.
#[test]
fn a_provisional_deadline_is_printed_as_such() {
    use chrono::Datelike;
    let r = Reg::new();
    let last_year = chrono::Local::now().date_naive().year() - 1;
    let mut rules: Value = serde_json::from_str(&r.ok(&["rules", "show"])).unwrap();
    rules["calendar"]["years"] = serde_json::json!([last_year]);
    let file = r.file("rules.json");
    std::fs::write(&file, rules.to_string()).unwrap();
    r.ok(&["rules", "set", "--file", file.to_str().unwrap()]);
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
        &format!("{last_year}-11-03"),
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (pdf, _) = r.print_as("lan", "provisional.pdf", &[&id]);
    let text = text_of(&pdf);
    assert!(
        text.contains(&format!(
            "(tạm tính: chưa có lịch nghỉ lễ năm {})",
            last_year + 1
        )),
        "{text}"
    );
}
