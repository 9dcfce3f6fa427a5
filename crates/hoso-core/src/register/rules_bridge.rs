//! The register's calls into `rules` (deadlines, discipline validation), kept in one place.
//! The rules are the register's own data (`rules_store`: reference data edited by an
//! administrator and synced), falling back section by section to the built-in defaults.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use super::rules_store;
use crate::error::Result;
use crate::model::{CaseKind, DisciplineForm, Subject};
use crate::rules::{self, SubjectFacts, ViolationFacts};

/// How a case's deadline was counted by rule (case field `deadline_basis`, written with the
/// deadline): the rule, the day it runs from, the extensions, and the years it ran through
/// that had no holiday calendar when it was counted. While `provisional` is not empty the
/// deadline is read as recounted from the rules in force, so it moves when the central office
/// publishes that year's calendar and is final once every year counted is covered. A deadline
/// set by hand (`case set ID deadline`) writes no basis (null) and is never recounted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeadlineBasis {
    pub rule: String,
    pub from: NaiveDate,
    pub extensions: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisional: Vec<i32>,
}

/// The years of the holiday calendar every register had before deadlines recorded their basis
/// (the built-in 2024–2026 calendar): a case written then is read as counted with it.
const LEGACY_CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 2024..=2026;

impl DeadlineBasis {
    /// The basis of a deadline written before bases were recorded: the case kind's rule from
    /// the opening, provisional for the years the legacy calendar lacked.
    pub(crate) fn legacy(
        kind: CaseKind,
        central: bool,
        opened: NaiveDate,
        extensions: u32,
        deadline: Option<NaiveDate>,
    ) -> Option<DeadlineBasis> {
        let rule = rules::rule_key_for_case(kind, central)?;
        let deadline = deadline?;
        Some(DeadlineBasis {
            rule: rule.to_string(),
            from: opened,
            extensions,
            provisional: (opened.year()..=deadline.year())
                .filter(|y| !LEGACY_CALENDAR_YEARS.contains(y))
                .collect(),
        })
    }
}

/// Default deadline of a new case (after `extensions` extensions) with how it was counted;
/// None when the kind has no time limit by rule (it is then set from the inspection decision
/// with `case set ID deadline`).
pub(crate) fn case_deadline(
    conn: &Connection,
    kind: CaseKind,
    central: bool,
    opened: NaiveDate,
    extensions: u32,
) -> Result<Option<(NaiveDate, DeadlineBasis)>> {
    let Some(key) = rules::rule_key_for_case(kind, central) else {
        return Ok(None);
    };
    let (date, provisional) = rules_store::time_limits(conn)?.deadline_checked(
        key,
        opened,
        extensions,
        &rules_store::calendar(conn)?,
    )?;
    Ok(Some((
        date,
        DeadlineBasis {
            rule: key.to_string(),
            from: opened,
            extensions,
            provisional,
        },
    )))
}

/// The deadline in force for a stored deadline counted on `basis`: the stored date when it was
/// final when counted; otherwise recounted with the rules now in force, with the years still
/// lacking a calendar (empty: the deadline is now final).
pub(crate) fn deadline_in_force(
    conn: &Connection,
    stored: Option<NaiveDate>,
    basis: &DeadlineBasis,
) -> Result<(Option<NaiveDate>, Vec<i32>)> {
    if basis.provisional.is_empty() {
        return Ok((stored, Vec::new()));
    }
    let cal = rules_store::calendar(conn)?;
    match rules_store::time_limits(conn)?.deadline_checked(
        &basis.rule,
        basis.from,
        basis.extensions,
        &cal,
    ) {
        Ok((date, years)) => Ok((Some(date), years)),
        // The rule is gone from the rules in force: keep the date, still marked.
        Err(_) => Ok((
            stored,
            stored.map_or(Vec::new(), |d| cal.uncovered_years(basis.from, d)),
        )),
    }
}

/// Checks a discipline form against the subject and, when the violation date is known, the
/// limitation period.
pub(crate) fn validate_discipline(
    conn: &Connection,
    subject: &Subject,
    form: DisciplineForm,
    violation: &ViolationFacts,
    decided: NaiveDate,
) -> Result<()> {
    rules::validate_discipline_form(form, &SubjectFacts::from(subject))?;
    // Always checked: without a violation date the rules refuse a form that has a limitation
    // period, unless the violation's area has none (internal politics, security, foreign
    // affairs: the common case for police Party organisations).
    rules::check_limitation(
        &rules_store::limitation(conn)?,
        subject.kind,
        form,
        violation,
        decided,
    )
}

/// The last day to file an appeal against a decision received on `received`.
pub(crate) fn appeal_filing_deadline(conn: &Connection, received: NaiveDate) -> Result<NaiveDate> {
    rules_store::time_limits(conn)?.deadline(
        rules::deadlines::keys::APPEAL_FILING,
        received,
        0,
        &rules_store::calendar(conn)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Issue 10's reproduction: a denunciation opened on 29/11/2026 got 02/04/2027 counted
    /// without Tết 2027. Written before bases were recorded, it reads as provisional for 2027
    /// (recounted once a calendar covers it); a deadline within the built-in calendar is final;
    /// kinds without a regulated limit have none.
    #[test]
    fn a_deadline_written_before_bases_is_read_as_counted_with_the_built_in_calendar() {
        let b = DeadlineBasis::legacy(
            CaseKind::Denunciation,
            false,
            d("2026-11-29"),
            0,
            Some(d("2027-04-02")),
        )
        .unwrap();
        assert_eq!(b.rule, rules::deadlines::keys::DENUNCIATION_PROVINCE);
        assert_eq!(b.provisional, [2027]);
        let central = DeadlineBasis::legacy(
            CaseKind::DisciplineAppeal,
            true,
            d("2026-01-05"),
            0,
            Some(d("2026-09-30")),
        )
        .unwrap();
        assert_eq!(central.rule, rules::deadlines::keys::APPEAL_CENTRAL);
        assert!(central.provisional.is_empty());
        assert!(
            DeadlineBasis::legacy(
                CaseKind::InspectionOnSigns,
                false,
                d("2026-11-29"),
                0,
                Some(d("2027-04-02"))
            )
            .is_none()
        );
    }
}
