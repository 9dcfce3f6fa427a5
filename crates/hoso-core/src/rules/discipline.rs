//! Discipline decisions checked against the subject (Quy định 69-QĐ/TW) and the limitation
//! period (thời hiệu), which is data with effective dates.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{DisciplineForm, MembershipStatus, Subject, SubjectKind};

/// What the form check needs to know about the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectFacts {
    pub kind: SubjectKind,
    /// Members only; `None` when not recorded.
    pub membership: Option<MembershipStatus>,
    /// The member holds a post (cách chức needs one).
    pub holds_post: bool,
}

impl From<&Subject> for SubjectFacts {
    fn from(s: &Subject) -> Self {
        SubjectFacts {
            kind: s.kind,
            membership: s.membership,
            holds_post: s
                .post
                .as_ref()
                .is_some_and(|p| !p.as_str().trim().is_empty()),
        }
    }
}

fn refuse(form: DisciplineForm, why: &str) -> Error {
    Error::invalid(
        "discipline form",
        format!("{} ({}) {why}", form.code(), form.label_vi()),
    )
}

/// Whether `form` may be imposed on this subject (GLOSSARY.md, "Discipline").
pub fn validate_discipline_form(form: DisciplineForm, s: &SubjectFacts) -> Result<()> {
    use DisciplineForm::*;
    match (s.kind, form) {
        (SubjectKind::Organisation, Reprimand | Warning | Dissolution) => Ok(()),
        (SubjectKind::Organisation, RemovalFromPost | Expulsion) => Err(refuse(
            form,
            "applies to Party members, not to an organisation",
        )),
        (SubjectKind::Member, Dissolution) => Err(refuse(
            form,
            "applies only to Party organisations, not to a member",
        )),
        (SubjectKind::Member, Reprimand | Warning) => Ok(()),
        (SubjectKind::Member, RemovalFromPost | Expulsion) => match s.membership {
            Some(MembershipStatus::Probationary) => Err(refuse(
                form,
                "cannot be imposed on a probationary member: only reprimand or warning",
            )),
            None => Err(refuse(
                form,
                "needs a full member: the member's status (full or probationary) is not recorded",
            )),
            Some(MembershipStatus::Full) if form == RemovalFromPost && !s.holds_post => {
                Err(refuse(
                    form,
                    "needs a post to remove the member from: none is recorded",
                ))
            }
            Some(MembershipStatus::Full) => Ok(()),
        },
    }
}

/// Violations with no limitation period whatever the form (exceptions of Quy định 69-QĐ/TW).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ViolationArea {
    /// chính trị nội bộ
    InternalPolitics,
    /// quốc phòng, an ninh
    DefenceSecurity,
    /// đối ngoại
    ForeignAffairs,
    /// sử dụng văn bằng, chứng chỉ không hợp pháp
    IllegalDiplomas,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitationRule {
    pub subject: SubjectKind,
    pub form: DisciplineForm,
    /// `None`: no limitation period.
    pub years: Option<u32>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptArea {
    pub area: ViolationArea,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitationRules {
    pub rules: Vec<LimitationRule>,
    pub exempt_areas: Vec<ExemptArea>,
}

/// The violation a decision is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ViolationFacts {
    pub committed: Option<NaiveDate>,
    /// Later violations by the same subject: one committed while the period runs restarts it.
    pub later_violations: Vec<NaiveDate>,
    pub areas: Vec<ViolationArea>,
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|t| on < t)
}

impl LimitationRules {
    /// GLOSSARY.md: 5 years for a reprimand, 10 for a warning or removal from post, none for
    /// expulsion or dissolution, and none for the exempt areas.
    pub fn defaults() -> Self {
        let from = NaiveDate::from_ymd_opt(2022, 7, 6).expect("valid date");
        let src = "Quy định 69-QĐ/TW (06/7/2022), thời hiệu xử lý kỷ luật; amended 2025: confirm";
        let mut rules = Vec::new();
        for (subject, form, years) in [
            (SubjectKind::Member, DisciplineForm::Reprimand, Some(5)),
            (SubjectKind::Member, DisciplineForm::Warning, Some(10)),
            (
                SubjectKind::Member,
                DisciplineForm::RemovalFromPost,
                Some(10),
            ),
            (SubjectKind::Member, DisciplineForm::Expulsion, None),
            (
                SubjectKind::Organisation,
                DisciplineForm::Reprimand,
                Some(5),
            ),
            (SubjectKind::Organisation, DisciplineForm::Warning, Some(10)),
            (SubjectKind::Organisation, DisciplineForm::Dissolution, None),
        ] {
            rules.push(LimitationRule {
                subject,
                form,
                years,
                effective_from: from,
                effective_to: None,
                source: src.into(),
            });
        }
        let exempt_areas = [
            ViolationArea::InternalPolitics,
            ViolationArea::DefenceSecurity,
            ViolationArea::ForeignAffairs,
            ViolationArea::IllegalDiplomas,
        ]
        .into_iter()
        .map(|area| ExemptArea {
            area,
            effective_from: from,
            effective_to: None,
            source: src.into(),
        })
        .collect();
        LimitationRules {
            rules,
            exempt_areas,
        }
    }

    /// The last day a decision may be taken (`None`: no limitation applies), by the rules in
    /// force on `on` (the decision date).
    pub fn limitation_expiry(
        &self,
        subject: SubjectKind,
        form: DisciplineForm,
        v: &ViolationFacts,
        on: NaiveDate,
    ) -> Result<Option<NaiveDate>> {
        let rule = self
            .rules
            .iter()
            .find(|r| {
                r.subject == subject
                    && r.form == form
                    && in_force(r.effective_from, r.effective_to, on)
            })
            .ok_or_else(|| {
                Error::invalid(
                    "discipline form",
                    format!(
                        "no limitation rule for {} of a {} is in force on {on}",
                        form.code(),
                        subject.code()
                    ),
                )
            })?;
        let exempt = v.areas.iter().any(|a| {
            self.exempt_areas
                .iter()
                .any(|e| e.area == *a && in_force(e.effective_from, e.effective_to, on))
        });
        let Some(years) = rule.years.filter(|_| !exempt) else {
            return Ok(None);
        };
        let Some(committed) = v.committed else {
            return Err(Error::invalid(
                "violation date",
                format!(
                    "a {} is subject to a {years}-year limitation period: record when the violation was committed",
                    form.code()
                ),
            ));
        };
        let period = Months::new(years * 12);
        let add = |d: NaiveDate| {
            d.checked_add_months(period)
                .ok_or_else(|| Error::invalid("violation date", format!("{d} is out of range")))
        };
        // A new violation within the running period restarts it from the new violation.
        let mut start = committed;
        let mut later = v.later_violations.clone();
        later.sort();
        for d in later {
            if d > start && d <= add(start)? {
                start = d;
            }
        }
        Ok(Some(add(start)?))
    }
}

/// Refuses a decision taken after the limitation period ran out, saying when it did.
pub fn check_limitation(
    rules: &LimitationRules,
    subject: SubjectKind,
    form: DisciplineForm,
    v: &ViolationFacts,
    decided: NaiveDate,
) -> Result<()> {
    match rules.limitation_expiry(subject, form, v, decided)? {
        Some(expiry) if decided > expiry => Err(Error::invalid(
            "discipline decision",
            format!(
                "the limitation period for {} ({}) ran out on {expiry}; the decision is dated {decided}",
                form.code(),
                form.label_vi()
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DisciplineForm::*;

    const FULL_WITH_POST: SubjectFacts = SubjectFacts {
        kind: SubjectKind::Member,
        membership: Some(MembershipStatus::Full),
        holds_post: true,
    };
    const FULL_NO_POST: SubjectFacts = SubjectFacts {
        holds_post: false,
        ..FULL_WITH_POST
    };
    const PROBATIONARY: SubjectFacts = SubjectFacts {
        kind: SubjectKind::Member,
        membership: Some(MembershipStatus::Probationary),
        holds_post: true,
    };
    const ORG: SubjectFacts = SubjectFacts {
        kind: SubjectKind::Organisation,
        membership: None,
        holds_post: false,
    };

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn refused(form: DisciplineForm, s: &SubjectFacts) -> String {
        let e = validate_discipline_form(form, s).unwrap_err();
        assert_eq!(e.code(), "invalid");
        e.to_string()
    }

    #[test]
    fn forms_allowed_for_each_kind_of_subject() {
        for f in DisciplineForm::ALL {
            assert_eq!(
                validate_discipline_form(*f, &FULL_WITH_POST).is_ok(),
                *f != Dissolution,
                "{f}"
            );
            assert_eq!(
                validate_discipline_form(*f, &PROBATIONARY).is_ok(),
                matches!(f, Reprimand | Warning),
                "{f}"
            );
            assert_eq!(
                validate_discipline_form(*f, &ORG).is_ok(),
                matches!(f, Reprimand | Warning | Dissolution),
                "{f}"
            );
        }
    }

    #[test]
    fn refusals_say_why() {
        assert!(refused(RemovalFromPost, &FULL_NO_POST).contains("post"));
        assert!(validate_discipline_form(Expulsion, &FULL_NO_POST).is_ok());
        assert!(refused(Expulsion, &PROBATIONARY).contains("probationary"));
        assert!(refused(Dissolution, &FULL_WITH_POST).contains("only to Party organisations"));
        assert!(refused(Expulsion, &ORG).contains("not to an organisation"));
        let unknown = SubjectFacts {
            membership: None,
            ..FULL_WITH_POST
        };
        assert!(refused(Expulsion, &unknown).contains("not recorded"));
        assert!(refused(RemovalFromPost, &FULL_NO_POST).contains("removal-from-post (Cách chức)"));
    }

    #[test]
    fn facts_from_a_subject_record() {
        let s = Subject {
            id: "s1".into(),
            kind: SubjectKind::Member,
            name: "Nguyễn Văn An".into(),
            birth_year: Some(1975),
            unit: Some("Phòng Cảnh sát hình sự, Công an tỉnh Nghệ An".into()),
            post: Some("  ".into()),
            membership: Some(MembershipStatus::Full),
            authority: None,
        };
        let f = SubjectFacts::from(&s);
        assert!(!f.holds_post, "a blank post is no post");
        assert!(validate_discipline_form(RemovalFromPost, &f).is_err());
    }

    #[test]
    fn limitation_periods_by_form() {
        let rules = LimitationRules::defaults();
        let v = ViolationFacts {
            committed: Some(d(2018, 3, 1)),
            ..Default::default()
        };
        let m = SubjectKind::Member;
        assert_eq!(
            rules
                .limitation_expiry(m, Reprimand, &v, d(2024, 1, 1))
                .unwrap(),
            Some(d(2023, 3, 1))
        );
        assert_eq!(
            rules
                .limitation_expiry(m, Warning, &v, d(2024, 1, 1))
                .unwrap(),
            Some(d(2028, 3, 1))
        );
        assert_eq!(
            rules
                .limitation_expiry(m, Expulsion, &v, d(2024, 1, 1))
                .unwrap(),
            None
        );
        assert!(check_limitation(&rules, m, Warning, &v, d(2024, 1, 1)).is_ok());
        let e = check_limitation(&rules, m, Reprimand, &v, d(2024, 1, 1)).unwrap_err();
        assert!(e.to_string().contains("ran out on 2023-03-01"), "{e}");
        assert!(check_limitation(&rules, m, Reprimand, &v, d(2023, 3, 1)).is_ok());
        let org = SubjectKind::Organisation;
        assert_eq!(
            rules
                .limitation_expiry(org, Dissolution, &v, d(2024, 1, 1))
                .unwrap(),
            None
        );
    }

    #[test]
    fn exempt_areas_and_restarts() {
        let rules = LimitationRules::defaults();
        let m = SubjectKind::Member;
        let security = ViolationFacts {
            committed: Some(d(2005, 1, 1)),
            areas: vec![ViolationArea::DefenceSecurity],
            ..Default::default()
        };
        assert!(check_limitation(&rules, m, Reprimand, &security, d(2025, 1, 1)).is_ok());
        // A new violation in 2021, inside the first period, restarts the 5 years.
        let restarted = ViolationFacts {
            committed: Some(d(2018, 3, 1)),
            later_violations: vec![d(2021, 6, 1)],
            areas: vec![],
        };
        assert_eq!(
            rules
                .limitation_expiry(m, Reprimand, &restarted, d(2025, 1, 1))
                .unwrap(),
            Some(d(2026, 6, 1))
        );
        // A missing violation date is an error when a period applies, not a silent pass.
        let e = check_limitation(
            &rules,
            m,
            Warning,
            &ViolationFacts::default(),
            d(2025, 1, 1),
        );
        assert!(e.unwrap_err().to_string().contains("10-year"));
        // Before the rules' effective date there is no rule: say so.
        assert!(
            rules
                .limitation_expiry(m, Warning, &restarted, d(2020, 1, 1))
                .is_err()
        );
    }
}
