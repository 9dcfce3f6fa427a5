//! The 2025 office list as data: the 34 provincial-level units in force from 1 July 2025
//! (`data/provinces-2025.csv`) and the 63 former provinces they were formed from. A former
//! province that kept its name continues under the unit's code; the 29 that were absorbed get
//! their own (closed) entries, named as predecessors of the unit that absorbed them, so a 2024
//! case of "Quảng Bình" (QBI) belongs to today's "Quảng Trị" (QTR).
//!
//! `hoso init --central` seeds the register's office list from here
//! ([`write_office_list`]), and the demo generator (`hoso-demo`) uses the same source.
//!
//! - `provinces() -> Vec<Province>`: the embedded CSV.
//! - `FORMER_CODES`: the absorbed former provinces' HoSo codes.
//! - `office_list(central) -> Vec<NewOffice>`: the entries, absorbed provinces first (closed on
//!   [`merger_day`]), then the 34 units naming them as predecessors.

use chrono::NaiveDate;

use super::offices::{NewOffice, write_office};
use crate::error::Result;
use crate::model::OfficeKind;
use crate::oplog::{self, Txn};
use crate::text::Text;

const PROVINCES_CSV: &str = include_str!("../../data/provinces-2025.csv");

/// One row of the embedded provinces file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    pub code: String,
    pub name: String,
    pub kind: OfficeKind,
    pub effective_from: NaiveDate,
    /// Former units (of the 63) that formed it; empty when not merged.
    pub merged_from: Vec<String>,
}

/// Former provinces (before 1 July 2025) absorbed into one of the 34 current units, with HoSo's
/// short codes for them. The units that kept their name continue under the current code.
pub const FORMER_CODES: &[(&str, &str)] = &[
    ("Hà Giang", "HGI"),
    ("Yên Bái", "YBA"),
    ("Bắc Kạn", "BKA"),
    ("Vĩnh Phúc", "VPH"),
    ("Hòa Bình", "HBI"),
    ("Bắc Giang", "BGI"),
    ("Thái Bình", "TBI"),
    ("Hải Dương", "HDU"),
    ("Hà Nam", "HNA"),
    ("Nam Định", "NDI"),
    ("Quảng Bình", "QBI"),
    ("Quảng Nam", "QNA"),
    ("Kon Tum", "KTU"),
    ("Bình Định", "BDI"),
    ("Ninh Thuận", "NTH"),
    ("Đắk Nông", "DNO"),
    ("Bình Thuận", "BTH"),
    ("Phú Yên", "PYE"),
    ("Bình Dương", "BDU"),
    ("Bà Rịa - Vũng Tàu", "BRV"),
    ("Bình Phước", "BPH"),
    ("Long An", "LAN"),
    ("Sóc Trăng", "STR"),
    ("Hậu Giang", "HGA"),
    ("Bến Tre", "BTR"),
    ("Trà Vinh", "TVI"),
    ("Tiền Giang", "TGI"),
    ("Bạc Liêu", "BLI"),
    ("Kiên Giang", "KGI"),
];

/// The day the 63 provinces became 34.
pub fn merger_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date")
}

/// The 34 provincial-level units in force from 1 July 2025.
pub fn provinces() -> Vec<Province> {
    PROVINCES_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Province {
                code: f[0].to_string(),
                name: f[1].to_string(),
                kind: f[2].parse().unwrap_or(OfficeKind::Province),
                effective_from: NaiveDate::parse_from_str(f[3], "%Y-%m-%d")
                    .expect("dates of the embedded provinces file are valid"),
                merged_from: f
                    .get(4)
                    .map(|m| {
                        m.split(';')
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The HoSo code of an absorbed former province, by its name.
pub fn former_code(name: &str) -> Option<&'static str> {
    FORMER_CODES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// The office list of the 2025 reform, every entry under `central`: the absorbed former
/// provinces first (closed on [`merger_day`]), then the 34 units, which name them as
/// predecessors.
pub fn office_list(central: &str) -> Vec<NewOffice> {
    let provs = provinces();
    let mut out = Vec::new();
    for prov in &provs {
        for former in prov.merged_from.iter().filter(|f| **f != prov.name) {
            let code = former_code(former).expect("every absorbed province has a code");
            out.push(NewOffice {
                code: code.into(),
                name: Text::new(former),
                kind: OfficeKind::Province,
                parent: Some(central.into()),
                predecessors: vec![],
                valid_from: None,
                valid_to: Some(merger_day()),
            });
        }
    }
    for prov in &provs {
        let predecessors = prov
            .merged_from
            .iter()
            .filter(|f| **f != prov.name)
            .filter_map(|f| former_code(f).map(String::from))
            .collect();
        out.push(NewOffice {
            code: prov.code.clone(),
            name: Text::new(&prov.name),
            kind: prov.kind,
            parent: Some(central.into()),
            predecessors,
            valid_from: None,
            valid_to: None,
        });
    }
    out
}

/// Writes the entries of [`office_list`] this register does not hold yet (never the central
/// office's own code). Returns how many were written.
pub(crate) fn write_office_list(txn: &mut Txn<'_>, central: &str) -> Result<usize> {
    let mut n = 0;
    for o in office_list(central) {
        if o.code == central
            || oplog::entity_exists(txn.tx(), &super::project::office_ref(&o.code))?
        {
            continue;
        }
        write_office(txn, &o)?;
        n += 1;
    }
    Ok(n)
}
