//! Time limits as data: each rule has a key, an amount and unit, extensions, an effective period,
//! the regulation it comes from and how sure we are of it. A case uses the rule in force on the
//! day it was received (a later regulation does not move a running deadline).

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::HolidayCalendar;
use crate::error::{Error, Result};
use crate::model::CaseKind;

/// Rule keys of the defaults.
pub mod keys {
    pub const DENUNCIATION_PROVINCE: &str = "denunciation.province";
    pub const DENUNCIATION_CENTRAL: &str = "denunciation.central";
    pub const APPEAL_PROVINCE: &str = "appeal.province";
    pub const APPEAL_CENTRAL: &str = "appeal.central";
    /// Filing an appeal, counted from receipt of the discipline decision.
    pub const APPEAL_FILING: &str = "appeal.filing";
    /// Suspension from Party activity (not a discipline form).
    pub const SUSPENSION: &str = "suspension";
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DurationUnit {
    WorkingDays,
    CalendarDays,
    Months,
}

/// How sure we are that the rule is the one in force.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Read in the regulation in force.
    Confirmed,
    /// Established practice under an earlier regulation; not checked against the current one.
    Practice,
    Unconfirmed,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimitRule {
    pub key: String,
    pub label_vi: String,
    pub amount: u32,
    pub unit: DurationUnit,
    /// Length of one extension, in `unit`; 0 when the limit cannot be extended.
    pub extension: u32,
    pub max_extensions: u32,
    pub effective_from: NaiveDate,
    /// Exclusive end; `None` while in force.
    pub effective_to: Option<NaiveDate>,
    pub source: String,
    pub confidence: Confidence,
}

impl TimeLimitRule {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|t| date < t)
    }

    fn add(&self, start: NaiveDate, amount: u32, cal: &HolidayCalendar) -> Result<NaiveDate> {
        let out = match self.unit {
            DurationUnit::WorkingDays => Some(cal.add_working_days(start, amount)),
            DurationUnit::CalendarDays => start.checked_add_days(Days::new(amount.into())),
            DurationUnit::Months => start.checked_add_months(Months::new(amount)),
        };
        out.ok_or_else(|| Error::invalid("date", format!("{start} plus {amount} is out of range")))
    }
}

/// The set of time-limit rules of a register.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    pub rules: Vec<TimeLimitRule>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid default date")
}

impl RuleSet {
    /// The defaults of GLOSSARY.md's "Time limits" table.
    pub fn defaults() -> Self {
        let qd30 = "Quy định 30-QĐ/TW (26/7/2016) and practice; not confirmed for Quy định 22-QĐ/TW \
                    (2021) or Quy định 296-QĐ/TW (30/5/2025)";
        let from = date(2016, 7, 26);
        let rule = |key: &str, label: &str, amount, unit, extension, max_ext, source: &str, c| {
            TimeLimitRule {
                key: key.into(),
                label_vi: label.into(),
                amount,
                unit,
                extension,
                max_extensions: max_ext,
                effective_from: from,
                effective_to: None,
                source: source.into(),
                confidence: c,
            }
        };
        use Confidence::*;
        use DurationUnit::*;
        RuleSet {
            rules: vec![
                rule(
                    keys::DENUNCIATION_PROVINCE,
                    "Giải quyết tố cáo (cấp tỉnh)",
                    90,
                    WorkingDays,
                    30,
                    1,
                    qd30,
                    Practice,
                ),
                rule(
                    keys::DENUNCIATION_CENTRAL,
                    "Giải quyết tố cáo (cấp Trung ương)",
                    180,
                    WorkingDays,
                    30,
                    1,
                    qd30,
                    Practice,
                ),
                rule(
                    keys::APPEAL_PROVINCE,
                    "Giải quyết khiếu nại kỷ luật (cấp tỉnh)",
                    90,
                    WorkingDays,
                    0,
                    0,
                    qd30,
                    Practice,
                ),
                rule(
                    keys::APPEAL_CENTRAL,
                    "Giải quyết khiếu nại kỷ luật (cấp Trung ương)",
                    180,
                    WorkingDays,
                    0,
                    0,
                    qd30,
                    Practice,
                ),
                rule(
                    keys::APPEAL_FILING,
                    "Thời hạn khiếu nại kỷ luật",
                    1,
                    Months,
                    0,
                    0,
                    "Điều lệ Đảng, Điều 39 (one month from receipt of the decision)",
                    Confirmed,
                ),
                rule(
                    keys::SUSPENSION,
                    "Đình chỉ sinh hoạt đảng",
                    90,
                    CalendarDays,
                    90,
                    1,
                    "Inspection regulation: 90 days, at most 180",
                    Practice,
                ),
            ],
        }
    }

    /// The rule `key` in force on `date`.
    pub fn in_force(&self, key: &str, date: NaiveDate) -> Result<&TimeLimitRule> {
        self.rules
            .iter()
            .find(|r| r.key == key && r.in_force_on(date))
            .ok_or_else(|| {
                if self.rules.iter().any(|r| r.key == key) {
                    Error::invalid(
                        "time limit",
                        format!("no rule '{key}' is in force on {date}"),
                    )
                } else {
                    Error::NotFound {
                        entity: "time-limit rule",
                        key: key.to_string(),
                    }
                }
            })
    }

    /// The deadline of rule `key` for something started on `start`, after `extensions`
    /// extensions. The rule in force on `start` applies.
    pub fn deadline(
        &self,
        key: &str,
        start: NaiveDate,
        extensions: u32,
        cal: &HolidayCalendar,
    ) -> Result<NaiveDate> {
        let rule = self.in_force(key, start)?;
        if extensions > rule.max_extensions {
            return Err(Error::invalid(
                "extensions",
                match rule.max_extensions {
                    0 => format!("the time limit '{key}' cannot be extended"),
                    n => format!("the time limit '{key}' can be extended at most {n} time(s)"),
                },
            ));
        }
        rule.add(start, rule.amount + rule.extension * extensions, cal)
    }

    /// [`RuleSet::deadline`] and the years it runs through that `cal` has no holidays for. Only
    /// a limit in working days depends on the calendar; while any year is listed the date is
    /// provisional (counted without that year's days off, so possibly early).
    pub fn deadline_checked(
        &self,
        key: &str,
        start: NaiveDate,
        extensions: u32,
        cal: &HolidayCalendar,
    ) -> Result<(NaiveDate, Vec<i32>)> {
        let date = self.deadline(key, start, extensions, cal)?;
        let uncovered = match self.in_force(key, start)?.unit {
            // The start day itself does not count: a limit from 31/12 starts in the next year.
            DurationUnit::WorkingDays => cal.uncovered_years(start + Days::new(1), date),
            DurationUnit::CalendarDays | DurationUnit::Months => Vec::new(),
        };
        Ok((date, uncovered))
    }

    /// Checks that amounts are positive and that no two rules of one key are in force at once.
    pub fn validate(&self) -> Result<()> {
        for (i, a) in self.rules.iter().enumerate() {
            if a.key.trim().is_empty() || a.amount == 0 {
                return Err(Error::invalid(
                    "time limit",
                    format!("rule '{}' needs a key and an amount", a.key),
                ));
            }
            if a.effective_to.is_some_and(|t| t <= a.effective_from) {
                return Err(Error::invalid(
                    "time limit",
                    format!("rule '{}' ends before it starts", a.key),
                ));
            }
            for b in &self.rules[i + 1..] {
                let overlap = a.key == b.key
                    && a.effective_to.is_none_or(|t| b.effective_from < t)
                    && b.effective_to.is_none_or(|t| a.effective_from < t);
                if overlap {
                    return Err(Error::invalid(
                        "time limit",
                        format!(
                            "two rules '{}' are in force at once (from {} and from {})",
                            a.key, a.effective_from, b.effective_from
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Which resolution time limit applies to a case kind; `central` when the lead office is the
/// central one. Other kinds have no regulated time limit (their plan sets one).
pub fn rule_key_for_case(kind: CaseKind, central: bool) -> Option<&'static str> {
    match (kind, central) {
        (CaseKind::Denunciation, false) => Some(keys::DENUNCIATION_PROVINCE),
        (CaseKind::Denunciation, true) => Some(keys::DENUNCIATION_CENTRAL),
        (CaseKind::DisciplineAppeal, false) => Some(keys::APPEAL_PROVINCE),
        (CaseKind::DisciplineAppeal, true) => Some(keys::APPEAL_CENTRAL),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn defaults_match_the_glossary_and_are_consistent() {
        let rules = RuleSet::defaults();
        rules.validate().unwrap();
        let on = date(2025, 6, 1);
        let r = rules.in_force(keys::DENUNCIATION_PROVINCE, on).unwrap();
        assert_eq!(
            (r.amount, r.unit, r.extension),
            (90, DurationUnit::WorkingDays, 30)
        );
        assert_eq!(r.confidence, Confidence::Practice);
        assert!(r.source.contains("296"));
        assert_eq!(
            rules
                .in_force(keys::DENUNCIATION_CENTRAL, on)
                .unwrap()
                .amount,
            180
        );
        assert_eq!(
            rules.in_force(keys::APPEAL_CENTRAL, on).unwrap().amount,
            180
        );
        let json = serde_json::to_string(&rules).unwrap();
        assert!(json.contains("\"working-days\""));
        assert_eq!(serde_json::from_str::<RuleSet>(&json).unwrap(), rules);
    }

    #[test]
    fn denunciation_deadline_in_working_days_with_one_extension() {
        let rules = RuleSet::defaults();
        let cal = HolidayCalendar::vietnam_default();
        let received = date(2025, 3, 3);
        assert_eq!(
            rules
                .deadline(keys::DENUNCIATION_PROVINCE, received, 0, &cal)
                .unwrap(),
            date(2025, 7, 10)
        );
        let extended = rules
            .deadline(keys::DENUNCIATION_PROVINCE, received, 1, &cal)
            .unwrap();
        assert_eq!(cal.working_days_between(received, extended), 120);
        let e = rules
            .deadline(keys::DENUNCIATION_PROVINCE, received, 2, &cal)
            .unwrap_err();
        assert!(e.to_string().contains("at most 1"), "{e}");
        let e = rules
            .deadline(keys::APPEAL_PROVINCE, received, 1, &cal)
            .unwrap_err();
        assert!(e.to_string().contains("cannot be extended"), "{e}");
    }

    #[test]
    fn calendar_limits_and_suspension_cap() {
        let rules = RuleSet::defaults();
        let cal = HolidayCalendar::vietnam_default();
        // One month from receipt, by the calendar: 31/1 → 28/2 (chrono clamps to month end).
        assert_eq!(
            rules
                .deadline(keys::APPEAL_FILING, date(2025, 1, 31), 0, &cal)
                .unwrap(),
            date(2025, 2, 28)
        );
        let s = date(2025, 1, 1);
        assert_eq!(
            rules.deadline(keys::SUSPENSION, s, 0, &cal).unwrap(),
            date(2025, 4, 1)
        );
        assert_eq!(
            rules.deadline(keys::SUSPENSION, s, 1, &cal).unwrap(),
            date(2025, 6, 30)
        );
        assert!(rules.deadline(keys::SUSPENSION, s, 2, &cal).is_err());
    }

    #[test]
    fn the_rule_in_force_on_the_start_date_applies() {
        let mut rules = RuleSet::defaults();
        // An administrator records a new regulation: 60 working days from 1/7/2026.
        let change = date(2026, 7, 1);
        let old = rules
            .rules
            .iter_mut()
            .find(|r| r.key == keys::DENUNCIATION_PROVINCE)
            .unwrap();
        old.effective_to = Some(change);
        let mut new = old.clone();
        new.amount = 60;
        new.effective_from = change;
        new.effective_to = None;
        new.confidence = Confidence::Confirmed;
        rules.rules.push(new);
        rules.validate().unwrap();
        let cal = HolidayCalendar::vietnam_default();
        assert_eq!(
            rules
                .in_force(keys::DENUNCIATION_PROVINCE, date(2026, 6, 30))
                .unwrap()
                .amount,
            90
        );
        assert_eq!(
            rules
                .in_force(keys::DENUNCIATION_PROVINCE, change)
                .unwrap()
                .amount,
            60
        );
        let d = rules
            .deadline(keys::DENUNCIATION_PROVINCE, date(2026, 8, 3), 0, &cal)
            .unwrap();
        assert_eq!(cal.working_days_between(date(2026, 8, 3), d), 60);

        // Overlapping periods for one key are refused, naming the key.
        rules.rules.last_mut().unwrap().effective_from = date(2026, 1, 1);
        let e = rules.validate().unwrap_err();
        assert!(e.to_string().contains("denunciation.province"), "{e}");
    }

    #[test]
    fn a_working_day_limit_into_a_year_without_holidays_is_provisional() {
        let rules = RuleSet::defaults();
        let mut cal = HolidayCalendar::vietnam_default();
        cal.years = vec![2025];
        // 90 working days from 3/3/2025 end in July 2025: every day counted is known.
        let (d, years) = rules
            .deadline_checked(keys::DENUNCIATION_PROVINCE, date(2025, 3, 3), 0, &cal)
            .unwrap();
        assert_eq!((d, years), (date(2025, 7, 10), vec![]));
        // From 3/11/2025 they run into 2026, which this calendar does not cover.
        let (d, years) = rules
            .deadline_checked(keys::DENUNCIATION_PROVINCE, date(2025, 11, 3), 1, &cal)
            .unwrap();
        assert_eq!(years, [2026]);
        assert_eq!(d.year(), 2026);
        // Counted from 31/12/2024 (a year this calendar lacks), every day counted is in 2025.
        let (_, years) = rules
            .deadline_checked(keys::DENUNCIATION_PROVINCE, date(2024, 12, 31), 0, &cal)
            .unwrap();
        assert!(years.is_empty(), "the start day is not counted: {years:?}");
        // Calendar days and months do not depend on holidays: never provisional.
        let (_, years) = rules
            .deadline_checked(keys::SUSPENSION, date(2025, 12, 1), 1, &cal)
            .unwrap();
        assert!(years.is_empty());
    }

    #[test]
    fn unknown_rules_and_dates_before_any_rule_are_errors() {
        let rules = RuleSet::defaults();
        assert_eq!(
            rules.in_force("nope", date(2025, 1, 1)).unwrap_err().code(),
            "not-found"
        );
        let e = rules
            .in_force(keys::SUSPENSION, date(2010, 1, 1))
            .unwrap_err();
        assert!(e.to_string().contains("2010-01-01"), "{e}");
    }

    #[test]
    fn case_kinds_map_to_rules() {
        assert_eq!(
            rule_key_for_case(CaseKind::Denunciation, true),
            Some(keys::DENUNCIATION_CENTRAL)
        );
        assert_eq!(
            rule_key_for_case(CaseKind::DisciplineAppeal, false),
            Some(keys::APPEAL_PROVINCE)
        );
        assert_eq!(
            rule_key_for_case(CaseKind::ThematicSupervision, false),
            None
        );
    }
}
