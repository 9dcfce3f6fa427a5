//! Form definitions as data (`forms/*.json`, embedded): title, unit of count, merged column
//! headers, the numbering row, the rows, and for each column and row a query over the register
//! (a [`Filter`]). An administrator can replace any form, or the shared parts (`common.json`), by
//! putting a file with the same name in the directory named by the office setting
//! `reports.forms-dir`; a file there with a new code adds a form.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{
    AppealOutcome, CaseKind, CaseOrigin, CaseStatus, ConclusionOutcome, DisciplineForm, LetterKind,
    MembershipStatus, SubjectKind,
};

/// The embedded definitions, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("common.json", include_str!("forms/common.json")),
    ("ktdhvp-dv.json", include_str!("forms/ktdhvp-dv.json")),
    ("ktdhvp-tc.json", include_str!("forms/ktdhvp-tc.json")),
    ("kt-d30-dv.json", include_str!("forms/kt-d30-dv.json")),
    ("kt-d30-tc.json", include_str!("forms/kt-d30-tc.json")),
    ("gs-cu-dv.json", include_str!("forms/gs-cu-dv.json")),
    ("gs-cu-tc.json", include_str!("forms/gs-cu-tc.json")),
    ("gs-ubkt-dv.json", include_str!("forms/gs-ubkt-dv.json")),
    ("gs-ubkt-tc.json", include_str!("forms/gs-ubkt-tc.json")),
    ("kt-thnvkt.json", include_str!("forms/kt-thnvkt.json")),
    ("kt-thkl.json", include_str!("forms/kt-thkl.json")),
    ("kttc.json", include_str!("forms/kttc.json")),
    ("kt-kkts.json", include_str!("forms/kt-kkts.json")),
    ("thkl-dv-cu.json", include_str!("forms/thkl-dv-cu.json")),
    ("thkl-dv-ubkt.json", include_str!("forms/thkl-dv-ubkt.json")),
    ("thkl-tc.json", include_str!("forms/thkl-tc.json")),
    ("gqtc-dv.json", include_str!("forms/gqtc-dv.json")),
    ("gqtc-tc.json", include_str!("forms/gqtc-tc.json")),
    (
        "gqknkl-dv-ubkt.json",
        include_str!("forms/gqknkl-dv-ubkt.json"),
    ),
    ("gqknkl-tc.json", include_str!("forms/gqknkl-tc.json")),
    ("xldt.json", include_str!("forms/xldt.json")),
    ("dt-cb.json", include_str!("forms/dt-cb.json")),
];

/// A query over the register's (case, subject) facts: every condition given must hold; a list
/// matches any of its values. `{}` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Vec<CaseKind>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectKind>,
    /// Level codes of `common.json` `levels` (the lead office's level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Vec<String>>,
    /// Content categories of the subject on the case (findings, conclusion, the case's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Vec<String>>,
    /// Content categories of violations found (violated findings, a conclusion of violation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation_category: Option<Vec<String>>,
    /// The conclusion in force about the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Vec<ConclusionOutcome>>,
    /// A violation was found (a violated finding or a conclusion of violation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<bool>,
    /// Discipline required by the conclusion, or imposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discipline_required: Option<bool>,
    /// A discipline decision in force (not annulled on appeal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disciplined: Option<bool>,
    /// The form of the decision in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Vec<DisciplineForm>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_resolved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_outcome: Option<Vec<AppealOutcome>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Vec<CaseOrigin>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<CaseStatus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Vec<MembershipStatus>>,
    /// Management authority codes, or `none` for a subject without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<Vec<String>>,
    /// An inspection on signs of violation was opened on the subject after this supervision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turned_into_inspection: Option<bool>,
    /// The case is concluded (a conclusion in force) or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<bool>,
    /// The kind of the letter the case was opened from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<Vec<LetterKind>>,
    /// Lead office (after mergers: the office in force) — the per-office roll-up rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
}

/// A column in a definition: a leaf (`when` absent: not recorded in HoSo, printed blank), a
/// group with children, or a reference to a shared group (`use`, optionally relabelled).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Filter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ColumnDef>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    #[default]
    Detail,
    /// A heading (I, II…): no figures.
    Section,
    /// The grand total.
    Total,
    /// "Cộng (1+2+3)": the sum of the numbered rows it names.
    Sum,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    #[serde(default)]
    pub no: String,
    pub label: String,
    #[serde(default)]
    pub kind: RowKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Filter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sum: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rows {
    /// A shared row set of `common.json`.
    Set(String),
    Own(Vec<RowDef>),
}

/// What one unit of count is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum CountBy {
    /// One per (case, subject): members or organisations.
    Subject,
    /// One per case.
    Case,
}

/// Which date puts a (case, subject) in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The case was opened in the period.
    Opened,
    /// The subject's discipline decision in force was decided in the period.
    Decision,
}

/// One form as written in its file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub source: String,
    /// Not confirmed against the official form: an administrator should check it.
    #[serde(default)]
    pub provisional: bool,
    /// No column is computed from the register (the form's subject is not recorded here).
    #[serde(default)]
    pub structure_only: bool,
    pub count: CountBy,
    pub basis: Basis,
    #[serde(rename = "where")]
    pub base: Filter,
    pub stub: [String; 2],
    pub columns: Vec<ColumnDef>,
    pub rows: Rows,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelDef {
    pub code: String,
    pub office_kinds: Vec<crate::model::OfficeKind>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Common {
    #[serde(default)]
    pub note: String,
    pub levels: Vec<LevelDef>,
    pub groups: BTreeMap<String, ColumnDef>,
    pub row_sets: BTreeMap<String, Vec<RowDef>>,
}

/// A merged header cell: its label and the grid area it covers (0-based, header rows only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeaderCell {
    pub label: String,
    pub row: u32,
    pub col: u32,
    pub rows: u32,
    pub cols: u32,
}

/// A leaf column: what it counts (None: not recorded in HoSo).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub label: String,
    pub when: Option<Filter>,
}

/// A form ready to compute: resolved groups and rows, laid-out header.
#[derive(Debug, Clone)]
pub struct Form {
    pub def: FormDef,
    pub columns: Vec<Column>,
    pub rows: Vec<RowDef>,
    /// Header cells over the whole table (columns A and B included), `header_rows` deep.
    pub header: Vec<HeaderCell>,
    pub header_rows: u32,
}

/// The forms of one register: definitions plus the shared levels.
#[derive(Debug, Clone)]
pub struct FormSet {
    pub common: Common,
    pub forms: Vec<Form>,
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::invalid("report form", format!("{name}: {e}")))
}

fn resolve(common: &Common, c: &ColumnDef, depth: usize) -> Result<ColumnDef> {
    if depth > 8 {
        return Err(Error::invalid("report form", "column groups nest too deep"));
    }
    let mut c = c.clone();
    if let Some(g) = c.use_group.take() {
        let group = common
            .groups
            .get(&g)
            .ok_or_else(|| Error::invalid("report form", format!("unknown column group '{g}'")))?;
        let label = c.label.take();
        c = resolve(common, group, depth + 1)?;
        if label.is_some() {
            c.label = label;
        }
    }
    c.children = c
        .children
        .iter()
        .map(|ch| resolve(common, ch, depth + 1))
        .collect::<Result<_>>()?;
    if c.label.as_deref().unwrap_or("").trim().is_empty() {
        return Err(Error::invalid("report form", "a column has no label"));
    }
    Ok(c)
}

fn depth(c: &ColumnDef) -> u32 {
    1 + c.children.iter().map(depth).max().unwrap_or(0)
}

fn width(c: &ColumnDef) -> u32 {
    if c.children.is_empty() {
        1
    } else {
        c.children.iter().map(width).sum()
    }
}

fn lay_out(
    c: &ColumnDef,
    row: u32,
    col: u32,
    total_rows: u32,
    out: &mut Vec<HeaderCell>,
    leaves: &mut Vec<Column>,
) {
    let label = c.label.clone().unwrap_or_default();
    if c.children.is_empty() {
        out.push(HeaderCell {
            label: label.clone(),
            row,
            col,
            rows: total_rows - row,
            cols: 1,
        });
        leaves.push(Column {
            label,
            when: c.when.clone(),
        });
        return;
    }
    out.push(HeaderCell {
        label,
        row,
        col,
        rows: 1,
        cols: width(c),
    });
    let mut x = col;
    for ch in &c.children {
        lay_out(ch, row + 1, x, total_rows, out, leaves);
        x += width(ch);
    }
}

impl Form {
    fn build(common: &Common, def: FormDef) -> Result<Form> {
        let cols: Vec<ColumnDef> = def
            .columns
            .iter()
            .map(|c| resolve(common, c, 0))
            .collect::<Result<_>>()?;
        if cols.is_empty() {
            return Err(Error::invalid(
                "report form",
                format!("{}: no columns", def.code),
            ));
        }
        let header_rows = cols.iter().map(depth).max().unwrap_or(1);
        let mut header = vec![
            HeaderCell {
                label: def.stub[0].clone(),
                row: 0,
                col: 0,
                rows: header_rows,
                cols: 1,
            },
            HeaderCell {
                label: def.stub[1].clone(),
                row: 0,
                col: 1,
                rows: header_rows,
                cols: 1,
            },
        ];
        let mut columns = Vec::new();
        let mut x = 2;
        for c in &cols {
            lay_out(c, 0, x, header_rows, &mut header, &mut columns);
            x += width(c);
        }
        let rows = match &def.rows {
            Rows::Own(r) => r.clone(),
            Rows::Set(name) => common.row_sets.get(name).cloned().ok_or_else(|| {
                Error::invalid("report form", format!("unknown row set '{name}'"))
            })?,
        };
        for r in &rows {
            for n in &r.sum {
                if !rows.iter().any(|o| &o.no == n && o.kind == RowKind::Detail) {
                    return Err(Error::invalid(
                        "report form",
                        format!("{}: row '{}' sums unknown row {n}", def.code, r.label),
                    ));
                }
            }
        }
        Ok(Form {
            def,
            columns,
            rows,
            header,
            header_rows,
        })
    }

    /// The numbering row: A, B, then 1, 2… for the leaf columns.
    pub fn numbering(&self) -> Vec<String> {
        let mut v = vec!["A".to_string(), "B".to_string()];
        v.extend((1..=self.columns.len()).map(|i| i.to_string()));
        v
    }
}

impl FormSet {
    /// The built-in definitions.
    pub fn builtin() -> Result<FormSet> {
        FormSet::with_overrides(None)
    }

    /// The built-in definitions, with the files of `dir` replacing those of the same name (and
    /// adding new forms).
    pub fn with_overrides(dir: Option<&Path>) -> Result<FormSet> {
        let mut files: BTreeMap<String, String> = builtin_files();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                Error::invalid("report forms directory", format!("{}: {e}", dir.display()))
            })?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if !name.ends_with(".json") {
                    continue;
                }
                let text = std::fs::read_to_string(entry.path())
                    .map_err(|e| Error::invalid("report form", format!("{name}: {e}")))?;
                files.insert(name, text);
            }
        }
        let common: Common = parse(
            "common.json",
            files
                .get("common.json")
                .ok_or_else(|| Error::invalid("report form", "common.json is missing"))?,
        )?;
        // Built-in order first, then added files by name.
        let mut order: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        for n in files.keys() {
            if !order.contains(&n.as_str()) {
                order.push(n);
            }
        }
        let mut forms: Vec<Form> = Vec::new();
        for name in order {
            if name == "common.json" {
                continue;
            }
            let def: FormDef = parse(name, &files[name])?;
            if forms.iter().any(|f| f.def.code == def.code) {
                return Err(Error::invalid(
                    "report form",
                    format!("{name}: code {} is used twice", def.code),
                ));
            }
            forms.push(Form::build(&common, def)?);
        }
        Ok(FormSet { common, forms })
    }

    pub fn form(&self, code: &str) -> Result<&Form> {
        let c = code.trim();
        self.forms
            .iter()
            .find(|f| f.def.code.eq_ignore_ascii_case(c))
            .ok_or_else(|| {
                let codes: Vec<&str> = self.forms.iter().map(|f| f.def.code.as_str()).collect();
                Error::invalid(
                    "report form",
                    format!("unknown form '{c}'; forms: {}", codes.join(", ")),
                )
            })
    }

    /// The level code of an office kind (None: not mapped).
    pub fn level_of(&self, kind: crate::model::OfficeKind) -> Option<&str> {
        self.common
            .levels
            .iter()
            .find(|l| l.office_kinds.contains(&kind))
            .map(|l| l.code.as_str())
    }
}

fn builtin_files() -> BTreeMap<String, String> {
    BUILTIN
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_form_parses_and_lays_out() {
        let set = FormSet::builtin().unwrap();
        assert_eq!(set.forms.len(), BUILTIN.len() - 1);
        let f = set.form("ktdhvp-dv").unwrap();
        // 1 total + 5 levels + 11 contents + 3 conclusions = 20 numbered columns (as the
        // 22-form set's header tree has: cols 2..21 => 1..20).
        assert_eq!(f.columns.len(), 20);
        assert_eq!(f.header_rows, 3);
        assert_eq!(f.numbering()[..4], ["A", "B", "1", "2"]);
        let level = f.header.iter().find(|h| h.label == "Cấp kiểm tra").unwrap();
        assert_eq!((level.row, level.col, level.rows, level.cols), (0, 3, 1, 5));
        let total = &f.header[2];
        assert_eq!((total.row, total.rows, total.cols), (0, 3, 1));
        let ktdhvp_tc = set.form("KTDHVP-TC").unwrap();
        assert_eq!(ktdhvp_tc.columns.len(), 15);
        for f in &set.forms {
            // Header cells never overlap and cover the grid.
            let cols = f.columns.len() as u32 + 2;
            let mut grid = vec![0u8; (cols * f.header_rows) as usize];
            for h in &f.header {
                for r in h.row..h.row + h.rows {
                    for c in h.col..h.col + h.cols {
                        grid[(r * cols + c) as usize] += 1;
                    }
                }
            }
            assert!(grid.iter().all(|n| *n == 1), "{}", f.def.code);
        }
        assert!(
            set.form("nope")
                .unwrap_err()
                .to_string()
                .contains("KTDHVP-DV")
        );
    }

    #[test]
    fn an_override_directory_replaces_a_form() {
        let dir = tempfile::tempdir().unwrap();
        let mut def: serde_json::Value =
            serde_json::from_str(include_str!("forms/xldt.json")).unwrap();
        def["title"] = "ĐƠN THƯ (SỬA)".into();
        std::fs::write(dir.path().join("xldt.json"), def.to_string()).unwrap();
        let set = FormSet::with_overrides(Some(dir.path())).unwrap();
        assert_eq!(set.form("XLDT").unwrap().def.title, "ĐƠN THƯ (SỬA)");
        std::fs::write(dir.path().join("bad.json"), "{\"code\": 1}").unwrap();
        assert!(FormSet::with_overrides(Some(dir.path())).is_err());
    }
}
