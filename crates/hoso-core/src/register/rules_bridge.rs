//! The register's calls into `rules` (deadlines, discipline validation), kept in one place.
//! The rules are the register's own data (`rules_store`: reference data edited by an
//! administrator and synced), falling back section by section to the built-in defaults.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::rules_store;
use crate::error::Result;
use crate::model::{CaseKind, DisciplineForm, Subject};
use crate::rules::{self, SubjectFacts, ViolationFacts};

/// Default deadline of a new case; None when the kind has no time limit by rule (it is then
/// set from the inspection decision with `case set ID deadline`).
pub(crate) fn case_deadline(
    conn: &Connection,
    kind: CaseKind,
    central: bool,
    opened: NaiveDate,
) -> Result<Option<NaiveDate>> {
    match rules::rule_key_for_case(kind, central) {
        Some(key) => Ok(Some(rules_store::time_limits(conn)?.deadline(
            key,
            opened,
            0,
            &rules_store::calendar(conn)?,
        )?)),
        None => Ok(None),
    }
}

/// The deadline after one more extension (error when the rule allows no more). Kinds without a
/// regulated limit keep their deadline (the officer sets the new one).
pub(crate) fn extend_deadline(
    conn: &Connection,
    kind: CaseKind,
    central: bool,
    opened: NaiveDate,
    deadline: Option<NaiveDate>,
    extensions: u32,
) -> Result<Option<NaiveDate>> {
    match rules::rule_key_for_case(kind, central) {
        Some(key) => Ok(Some(rules_store::time_limits(conn)?.deadline(
            key,
            opened,
            extensions + 1,
            &rules_store::calendar(conn)?,
        )?)),
        None => Ok(deadline),
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
