//! Content categories of violations, as the statistics forms count them (REPORT-FORMS.md):
//! 11 for members, 7 for organisations. Data with effective dates: the 2022 form set
//! (Quyết định 885-QĐ/UBKTTW) may have changed them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::SubjectKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContentCategory {
    /// Stable code, e.g. `member.ethics-lifestyle`.
    pub code: String,
    pub label_vi: String,
    pub applies_to: SubjectKind,
    /// Column order on the forms.
    pub order: u32,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub source: String,
}

impl ContentCategory {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|t| date < t)
    }
}

const MEMBER: &[(&str, &str)] = &[
    (
        "member.democratic-centralism",
        "Nguyên tắc tập trung dân chủ, quy chế, chế độ công tác",
    ),
    ("member.ethics-lifestyle", "Đạo đức, lối sống"),
    ("member.internal-unity", "Đoàn kết nội bộ"),
    (
        "member.prohibited-acts",
        "Những điều đảng viên không được làm",
    ),
    (
        "member.population-family-planning",
        "Dân số – kế hoạch hóa gia đình",
    ),
    ("member.corruption", "Tham nhũng, cố ý làm trái"),
    (
        "member.irresponsibility",
        "Thiếu trách nhiệm, buông lỏng lãnh đạo",
    ),
    ("member.land-resources", "Đất đai, tài nguyên, khoáng sản"),
    (
        "member.finance-investment",
        "Tài chính, ngân hàng, đầu tư, xây dựng cơ bản",
    ),
    ("member.asset-declaration", "Kê khai tài sản, thu nhập"),
    ("member.other", "Khác"),
];

const ORGANISATION: &[(&str, &str)] = &[
    (
        "organisation.party-resolutions",
        "Chấp hành nghị quyết, chỉ thị, quy định, kết luận của Đảng",
    ),
    (
        "organisation.policy-law",
        "Chính sách, pháp luật của Nhà nước",
    ),
    (
        "organisation.working-rules",
        "Quy chế làm việc, nguyên tắc tập trung dân chủ, đoàn kết nội bộ",
    ),
    ("organisation.cadre-work", "Công tác cán bộ"),
    (
        "organisation.thrift-waste",
        "Thực hành tiết kiệm, chống lãng phí",
    ),
    (
        "organisation.complaints-denunciations",
        "Giải quyết khiếu nại, tố cáo",
    ),
    ("organisation.other", "Khác"),
];

/// The categories of the statistics forms (Quyết định 357-QĐ/UBKTTW of 2016; assumed unchanged
/// by 885-QĐ/UBKTTW of 2022 until an administrator confirms).
pub fn default_categories() -> Vec<ContentCategory> {
    let from = NaiveDate::from_ymd_opt(2016, 1, 1).expect("valid date");
    let source = "Biểu mẫu thống kê, Quyết định 357-QĐ/UBKTTW (2016); to confirm against 885-QĐ/UBKTTW (2022)";
    let mk = |list: &[(&str, &str)], kind| {
        list.iter()
            .enumerate()
            .map(|(i, (code, label))| ContentCategory {
                code: (*code).into(),
                label_vi: (*label).into(),
                applies_to: kind,
                order: i as u32 + 1,
                effective_from: from,
                effective_to: None,
                source: source.into(),
            })
            .collect::<Vec<_>>()
    };
    let mut all = mk(MEMBER, SubjectKind::Member);
    all.extend(mk(ORGANISATION, SubjectKind::Organisation));
    all
}

/// The categories for `kind` in force on `date`, in form order.
pub fn in_force(
    list: &[ContentCategory],
    kind: SubjectKind,
    date: NaiveDate,
) -> Vec<&ContentCategory> {
    let mut v: Vec<&ContentCategory> = list
        .iter()
        .filter(|c| c.applies_to == kind && c.in_force_on(date))
        .collect();
    v.sort_by_key(|c| c.order);
    v
}

/// Checks that `code` is a category for `kind` in force on `date`.
pub fn validate_category(
    list: &[ContentCategory],
    code: &str,
    kind: SubjectKind,
    date: NaiveDate,
) -> Result<()> {
    let code = code.trim();
    let matching: Vec<&ContentCategory> = list.iter().filter(|c| c.code == code).collect();
    if matching.is_empty() {
        let allowed: Vec<&str> = in_force(list, kind, date)
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        return Err(Error::invalid(
            "content category",
            format!("unknown category '{code}'; allowed: {}", allowed.join(", ")),
        ));
    }
    if !matching.iter().any(|c| c.applies_to == kind) {
        return Err(Error::invalid(
            "content category",
            format!(
                "'{code}' is a category for {}, not for a {}",
                matching[0].applies_to.label_vi(),
                kind.code()
            ),
        ));
    }
    if !matching
        .iter()
        .any(|c| c.applies_to == kind && c.in_force_on(date))
    {
        return Err(Error::invalid(
            "content category",
            format!("'{code}' is not in force on {date}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn eleven_for_members_seven_for_organisations() {
        let all = default_categories();
        let on = d(2025, 1, 1);
        let members = in_force(&all, SubjectKind::Member, on);
        assert_eq!(members.len(), 11);
        assert_eq!(members[1].label_vi, "Đạo đức, lối sống");
        assert_eq!(members.last().unwrap().code, "member.other");
        assert_eq!(in_force(&all, SubjectKind::Organisation, on).len(), 7);
        let mut codes: Vec<&str> = all.iter().map(|c| c.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 18);
    }

    #[test]
    fn validation_names_the_problem() {
        let mut all = default_categories();
        let on = d(2025, 1, 1);
        validate_category(&all, "member.corruption", SubjectKind::Member, on).unwrap();
        let e = validate_category(&all, "member.corruption", SubjectKind::Organisation, on)
            .unwrap_err();
        assert!(e.to_string().contains("Đảng viên"), "{e}");
        let e = validate_category(&all, "bribery", SubjectKind::Member, on).unwrap_err();
        assert!(e.to_string().contains("member.ethics-lifestyle"), "{e}");
        // An administrator retires a category from 2026: earlier cases keep it.
        all.iter_mut()
            .find(|c| c.code == "member.population-family-planning")
            .unwrap()
            .effective_to = Some(d(2026, 1, 1));
        assert!(
            validate_category(
                &all,
                "member.population-family-planning",
                SubjectKind::Member,
                on
            )
            .is_ok()
        );
        let e = validate_category(
            &all,
            "member.population-family-planning",
            SubjectKind::Member,
            d(2026, 3, 1),
        );
        assert!(e.unwrap_err().to_string().contains("not in force"));
        assert_eq!(in_force(&all, SubjectKind::Member, d(2026, 3, 1)).len(), 10);
    }
}
