//! Rules that come from Party regulations, all of them data with effective dates and a source
//! (GLOSSARY.md: "every time limit and rule is data with an effective date, editable by an
//! administrator, never a constant in code"). The defaults here are what a new register starts
//! with; the register stores its own edited copies (they are all serde).
//!
//! API (helper R):
//! - `calendar`: `HolidayCalendar { holidays, extra_working_days, source }`,
//!   `HolidayCalendar::vietnam_default()`, `is_working_day(d)`, `add_working_days(start, n)`,
//!   `working_days_between(from, to)`, `uncovered_years(from, to)`.
//! - `deadlines`: `TimeLimitRule`, `RuleSet::defaults()`, `in_force(key, date)`,
//!   `deadline(key, start, extensions, &calendar)`, `validate()`,
//!   `rule_key_for_case(CaseKind, central) -> Option<&str>`, `keys::*`.
//! - `discipline`: `SubjectFacts { kind, membership, holds_post }` (`From<&model::Subject>`),
//!   `validate_discipline_form(form, &facts)`, `LimitationRules::defaults()`,
//!   `limitation_expiry(kind, form, &ViolationFacts, on)`, `check_limitation(...)`.
//! - `categories`: `ContentCategory`, `default_categories()`, `in_force(list, kind, date)`,
//!   `validate_category(list, code, kind, date)`.
//! - `overlap`: `OverlapRules { pairs }` (which kinds of work overlap), `overlap(a, b)`.
//! - `RulesConfig { time_limits, calendar, limitation, categories, overlap }`: all of the above as one
//!   serde document for the register to store and an administrator to edit;
//!   `RulesConfig::defaults()`, `validate()`.

pub mod calendar;
pub mod categories;
pub mod deadlines;
pub mod discipline;
pub mod overlap;

pub use calendar::{Holiday, HolidayCalendar};
pub use categories::{ContentCategory, default_categories};
pub use deadlines::{Confidence, DurationUnit, RuleSet, TimeLimitRule, rule_key_for_case};
pub use discipline::{
    LimitationRules, SubjectFacts, ViolationArea, ViolationFacts, check_limitation,
    validate_discipline_form,
};
pub use overlap::{KindPair, OverlapRules};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Every rule a register works with, as one document: what the settings screen edits and the
/// register stores (replacing the defaults once an administrator has changed something).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesConfig {
    pub time_limits: RuleSet,
    pub calendar: HolidayCalendar,
    pub limitation: LimitationRules,
    pub categories: Vec<ContentCategory>,
    /// Which kinds of work overlap (documents without the section: the defaults).
    #[serde(default)]
    pub overlap: OverlapRules,
}

impl RulesConfig {
    pub fn defaults() -> Self {
        RulesConfig {
            time_limits: RuleSet::defaults(),
            calendar: HolidayCalendar::vietnam_default(),
            limitation: LimitationRules::defaults(),
            categories: default_categories(),
            overlap: OverlapRules::defaults(),
        }
    }

    /// Refuses an edited document that would make rules ambiguous, naming the problem.
    pub fn validate(&self) -> Result<()> {
        self.time_limits.validate()?;
        for h in &self.calendar.holidays {
            if self
                .calendar
                .extra_working_days
                .iter()
                .any(|w| w.date == h.date)
            {
                return Err(Error::invalid(
                    "holiday calendar",
                    format!("{} is both a day off and a working day", h.date),
                ));
            }
        }
        let overlapping = |a_from, a_to: Option<_>, b_from, b_to: Option<_>| {
            a_to.is_none_or(|t| b_from < t) && b_to.is_none_or(|t| a_from < t)
        };
        let l = &self.limitation.rules;
        for (i, a) in l.iter().enumerate() {
            for b in &l[i + 1..] {
                if a.subject == b.subject
                    && a.form == b.form
                    && overlapping(
                        a.effective_from,
                        a.effective_to,
                        b.effective_from,
                        b.effective_to,
                    )
                {
                    return Err(Error::invalid(
                        "limitation period",
                        format!(
                            "two rules for {} of a {} are in force at once",
                            a.form, a.subject
                        ),
                    ));
                }
            }
        }
        let c = &self.categories;
        for (i, a) in c.iter().enumerate() {
            if a.code.trim().is_empty() || a.label_vi.trim().is_empty() {
                return Err(Error::invalid(
                    "content category",
                    "every category needs a code and a label",
                ));
            }
            for b in &c[i + 1..] {
                if a.code == b.code
                    && overlapping(
                        a.effective_from,
                        a.effective_to,
                        b.effective_from,
                        b.effective_to,
                    )
                {
                    return Err(Error::invalid(
                        "content category",
                        format!("'{}' is defined twice for the same period", a.code),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_one_valid_document() {
        let config = RulesConfig::defaults();
        config.validate().unwrap();
        let json = serde_json::to_string_pretty(&config).unwrap();
        assert!(json.contains("Quy định 69-QĐ/TW") && json.contains("Tết Nguyên đán"));
        assert_eq!(serde_json::from_str::<RulesConfig>(&json).unwrap(), config);
    }

    #[test]
    fn ambiguous_edits_are_refused_with_a_reason() {
        let mut config = RulesConfig::defaults();
        let day = config.calendar.holidays[0].clone();
        config.calendar.extra_working_days.push(day);
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("both a day off")
        );

        let mut config = RulesConfig::defaults();
        let dup = config.categories[0].clone();
        config.categories.push(dup);
        let e = config.validate().unwrap_err().to_string();
        assert!(e.contains("member.democratic-centralism"), "{e}");

        let mut config = RulesConfig::defaults();
        let dup = config.limitation.rules[0].clone();
        config.limitation.rules.push(dup);
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("reprimand of a member")
        );
    }
}
