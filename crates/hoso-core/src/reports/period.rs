//! Report periods. Periods are cumulative from the start of the year (REPORT-FORMS.md): a
//! 9-month report counts January–September. A Party term (nhiệm kỳ) runs over whole calendar
//! years, from the first of January of its first year to the last of December of its last.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A report period: its code (`2026-9m`), label and inclusive dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Period {
    pub code: String,
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::invalid("period", "date out of range"))
}

fn month_end(y: i32, m: u32) -> Result<NaiveDate> {
    let next = if m == 12 {
        ymd(y + 1, 1, 1)?
    } else {
        ymd(y, m + 1, 1)?
    };
    Ok(next.pred_opt().expect("not the first day"))
}

const HELP: &str = "expected YYYY-mMM (month, cumulative), YYYY-q1, YYYY-6m, YYYY-9m, YYYY (year) or term-YYYY-YYYY";

impl Period {
    /// Parses a period code; `year` completes a code without one (`9m`, `m03`, `q1`, `year`).
    pub fn parse(code: &str, year: Option<i32>) -> Result<Period> {
        let c = code.trim().to_ascii_lowercase();
        let bad = || Error::invalid("period", format!("'{}': {HELP}", code.trim()));
        if let Some(rest) = c.strip_prefix("term-") {
            let (a, b) = rest.split_once('-').ok_or_else(bad)?;
            let (a, b): (i32, i32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
            if !(1930..=2200).contains(&a) || b <= a || b - a > 10 {
                return Err(bad());
            }
            return Ok(Period {
                code: format!("term-{a}-{b}"),
                label: format!("Nhiệm kỳ {a} - {b}"),
                start: ymd(a, 1, 1)?,
                end: ymd(b, 12, 31)?,
            });
        }
        let (y, part) = match c.split_once('-') {
            Some((y, p)) if y.len() == 4 && y.chars().all(|ch| ch.is_ascii_digit()) => {
                (y.parse::<i32>().map_err(|_| bad())?, p.to_string())
            }
            _ if c.len() == 4 && c.chars().all(|ch| ch.is_ascii_digit()) => {
                (c.parse::<i32>().map_err(|_| bad())?, "year".to_string())
            }
            _ => (year.ok_or_else(bad)?, c.clone()),
        };
        if !(1930..=2200).contains(&y) {
            return Err(bad());
        }
        let start = ymd(y, 1, 1)?;
        let (code, label, end) = match part.as_str() {
            "q1" => (format!("{y}-q1"), format!("Quý I năm {y}"), ymd(y, 3, 31)?),
            "6m" => (
                format!("{y}-6m"),
                format!("6 tháng đầu năm {y}"),
                ymd(y, 6, 30)?,
            ),
            "9m" => (
                format!("{y}-9m"),
                format!("9 tháng đầu năm {y}"),
                ymd(y, 9, 30)?,
            ),
            "year" | "12m" | "y" => (format!("{y}"), format!("Năm {y}"), ymd(y, 12, 31)?),
            m if m.starts_with('m') => {
                let n: u32 = m[1..].parse().map_err(|_| bad())?;
                if !(1..=12).contains(&n) {
                    return Err(bad());
                }
                (
                    format!("{y}-m{n:02}"),
                    format!("Tháng {n}/{y} (lũy kế từ đầu năm)"),
                    month_end(y, n)?,
                )
            }
            _ => return Err(bad()),
        };
        Ok(Period {
            code,
            label,
            start,
            end,
        })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// The periods offered for a year (the app's period list).
    pub fn choices(year: i32) -> Vec<Period> {
        let mut v: Vec<Period> = (1..=12)
            .filter_map(|m| Period::parse(&format!("{year}-m{m:02}"), None).ok())
            .collect();
        for p in ["q1", "6m", "9m", "year"] {
            v.extend(Period::parse(&format!("{year}-{p}"), None).ok());
        }
        let term_start = 2020 + ((year - 2020).div_euclid(5)) * 5;
        v.extend(Period::parse(&format!("term-{term_start}-{}", term_start + 5), None).ok());
        v
    }
}

/// The current year (for defaults).
pub fn this_year() -> i32 {
    crate::register::today().year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_cumulative_from_january() {
        let p = Period::parse("2026-9m", None).unwrap();
        assert_eq!(
            (p.start.to_string(), p.end.to_string()),
            ("2026-01-01".into(), "2026-09-30".into())
        );
        assert_eq!(Period::parse("9m", Some(2025)).unwrap().code, "2025-9m");
        let m = Period::parse("2024-m02", None).unwrap();
        assert_eq!(m.end.to_string(), "2024-02-29");
        assert_eq!(m.start.to_string(), "2024-01-01");
        assert_eq!(
            Period::parse("2026", None).unwrap().end.to_string(),
            "2026-12-31"
        );
        assert_eq!(
            Period::parse("2026-q1", None).unwrap().label,
            "Quý I năm 2026"
        );
        let t = Period::parse("term-2020-2025", None).unwrap();
        assert_eq!(
            (t.start.to_string(), t.end.to_string()),
            ("2020-01-01".into(), "2025-12-31".into())
        );
        for bad in ["2026-q3", "m13", "2026-m00", "term-2025-2020", "9m", "abc"] {
            assert!(Period::parse(bad, None).is_err(), "{bad}");
        }
        assert_eq!(Period::choices(2026).len(), 17);
    }
}
