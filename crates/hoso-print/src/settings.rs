//! The office's print settings: read from the register's local settings
//! (`Register::office_settings`, keys `print.*`), each with a default. An administrator sets them
//! with `hoso settings set KEY VALUE` (permission `office.admin`).

use std::path::PathBuf;

use hoso_core::register::Register;

/// Every key this crate reads, with its default and what it is (for `hoso settings list`).
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "print.parent-body",
        "ĐẢNG ỦY CÔNG AN TRUNG ƯƠNG",
        "parent body, top left (upper case)",
    ),
    (
        "print.issuing-body",
        "ỦY BAN KIỂM TRA",
        "issuing body under it, bold (upper case)",
    ),
    ("print.place", "Hà Nội", "place before the date"),
    (
        "print.number-symbol",
        "BC/UBKT",
        "symbol after the number (\"Số 12-BC/UBKT\")",
    ),
    (
        "print.signatory-authority",
        "T/M ỦY BAN KIỂM TRA",
        "signature block: on whose behalf",
    ),
    (
        "print.signatory-title",
        "CHỦ NHIỆM",
        "signature block: title",
    ),
    (
        "print.signatory-name",
        "",
        "signature block: name (empty: left to sign)",
    ),
    (
        "print.recipients",
        "Thường trực Đảng ủy (để báo cáo)\nCác đồng chí Ủy viên UBKT\nLưu VT, hồ sơ vụ việc",
        "\"Nơi nhận\", one per line",
    ),
    (
        "print.confidential-kinds",
        "denunciation",
        "case kinds printed \"MẬT\", comma-separated codes",
    ),
    (
        "print.retention",
        "Vĩnh viễn",
        "retention period on the case-file cover",
    ),
    (
        "print.template.summary",
        "",
        "path of a replacement summary.typ (empty: the built-in one)",
    ),
    (
        "print.template.case-file",
        "",
        "path of a replacement case-file.typ (empty: the built-in one)",
    ),
    (
        "print.template.report",
        "",
        "path of a replacement report.typ for the statistics forms (empty: the built-in one)",
    ),
];

#[derive(Debug, Clone)]
pub struct PrintSettings {
    pub parent_body: String,
    pub issuing_body: String,
    pub place: String,
    pub number_symbol: String,
    pub signatory_authority: String,
    pub signatory_title: String,
    pub signatory_name: String,
    pub recipients: Vec<String>,
    pub confidential_kinds: Vec<String>,
    pub retention: String,
    pub summary_template: Option<PathBuf>,
    pub case_file_template: Option<PathBuf>,
    pub report_template: Option<PathBuf>,
}

impl PrintSettings {
    /// The settings from `(key, value)` pairs; absent keys take their defaults.
    pub fn from_pairs(pairs: &[(String, String)]) -> PrintSettings {
        let get = |key: &str| -> String {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    KEYS.iter()
                        .find(|(k, _, _)| *k == key)
                        .map(|(_, d, _)| d.to_string())
                })
                .unwrap_or_default()
        };
        let path = |key: &str| -> Option<PathBuf> {
            let v = get(key);
            let v = v.trim();
            (!v.is_empty()).then(|| PathBuf::from(v))
        };
        PrintSettings {
            parent_body: get("print.parent-body"),
            issuing_body: get("print.issuing-body"),
            place: get("print.place"),
            number_symbol: get("print.number-symbol"),
            signatory_authority: get("print.signatory-authority"),
            signatory_title: get("print.signatory-title"),
            signatory_name: get("print.signatory-name"),
            recipients: get("print.recipients")
                .lines()
                .map(|l| l.trim().trim_start_matches('-').trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
            confidential_kinds: get("print.confidential-kinds")
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
            retention: get("print.retention"),
            summary_template: path("print.template.summary"),
            case_file_template: path("print.template.case-file"),
            report_template: path("print.template.report"),
        }
    }

    /// This office's settings from the register.
    pub fn load(reg: &Register) -> hoso_core::Result<PrintSettings> {
        Ok(PrintSettings::from_pairs(&reg.office_settings()?))
    }
}

impl Default for PrintSettings {
    fn default() -> Self {
        PrintSettings::from_pairs(&[])
    }
}
