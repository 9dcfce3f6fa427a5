//! The enumerations of GLOSSARY.md. Each value has a stable kebab-case code (CLI, JSON, op log)
//! and a Vietnamese label (what officers read). Parsing an unknown code names the allowed ones.

use crate::error::{Error, Result};

/// Declares a closed code-named enumeration: serde, `Display` and `FromStr` all use the code.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $vi:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the value is called in error messages ("case kind").
            pub const WHAT: &'static str = $what;

            /// The stable kebab-case code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Vietnamese label shown to officers.
            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),+ }
            }

            /// The allowed codes, comma-separated, for error messages and help texts.
            pub fn allowed() -> String {
                [$($code),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                let t = s.trim();
                match t {
                    $($code => Ok($name::$variant),)+
                    _ => Err(Error::invalid(
                        $what,
                        format!("unknown value '{}'; allowed: {}", t, $name::allowed()),
                    )),
                }
            }
        }
    };
}

code_enum! {
    /// Kinds of case (Party Statute art. 32 and the inspection regulation).
    CaseKind, "case kind" {
        InspectionOnSigns = "inspection-on-signs", "Kiểm tra khi có dấu hiệu vi phạm";
        RoutineSupervision = "routine-supervision", "Giám sát thường xuyên";
        ThematicSupervision = "thematic-supervision", "Giám sát chuyên đề";
        InspectionWorkAudit = "inspection-work-audit", "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật";
        FinanceInspection = "finance-inspection", "Kiểm tra tài chính";
        AssetDeclarationCheck = "asset-declaration-check", "Kiểm tra việc kê khai tài sản, thu nhập";
        Denunciation = "denunciation", "Giải quyết tố cáo";
        DisciplineAppeal = "discipline-appeal", "Giải quyết khiếu nại kỷ luật đảng";
        Discipline = "discipline", "Thi hành kỷ luật";
    }
}

impl CaseKind {
    /// Inspections proper (kiểm tra): what omissions look for when a subject has an open
    /// denunciation or signs of violation. Resolving a denunciation is not one.
    pub fn is_inspection(self) -> bool {
        matches!(
            self,
            CaseKind::InspectionOnSigns
                | CaseKind::InspectionWorkAudit
                | CaseKind::FinanceInspection
                | CaseKind::AssetDeclarationCheck
        )
    }
    /// Supervision (giám sát): finds signs of violation, never imposes discipline.
    pub fn is_supervision(self) -> bool {
        matches!(
            self,
            CaseKind::RoutineSupervision | CaseKind::ThematicSupervision
        )
    }
    /// Kinds that start from a letter (denunciation, appeal): only these can be withdrawn or
    /// transferred to another body.
    pub fn is_letter(self) -> bool {
        matches!(self, CaseKind::Denunciation | CaseKind::DisciplineAppeal)
    }
    /// Supervision does not impose discipline itself: signs found open an inspection.
    pub fn may_discipline(self) -> bool {
        !matches!(
            self,
            CaseKind::RoutineSupervision | CaseKind::ThematicSupervision
        )
    }
}

code_enum! {
    /// Workflow status: the main path chuẩn bị → tiến hành → kết thúc, then four side states.
    CaseStatus, "case status" {
        Received = "received", "Tiếp nhận";
        Classified = "classified", "Phân loại";
        Preparing = "preparing", "Chuẩn bị";
        Decided = "decided", "Có quyết định, kế hoạch";
        Announced = "announced", "Công bố quyết định";
        Verifying = "verifying", "Thẩm tra, xác minh";
        ReportDrafted = "report-drafted", "Báo cáo kết quả";
        CommitteeReview = "committee-review", "UBKT xem xét";
        Concluded = "concluded", "Kết luận";
        Disciplined = "disciplined", "Thi hành kỷ luật";
        ProposedUpward = "proposed-upward", "Đề nghị cấp trên";
        Notified = "notified", "Thông báo kết luận";
        FollowUp = "follow-up", "Theo dõi khắc phục";
        Archived = "archived", "Lưu trữ";
        Extended = "extended", "Gia hạn";
        Deferred = "deferred", "Tạm hoãn";
        Transferred = "transferred", "Chuyển đơn";
        Withdrawn = "withdrawn", "Rút đơn";
    }
}

code_enum! {
    /// How a case came to be opened.
    CaseOrigin, "case origin" {
        AnnualPlan = "annual-plan", "Theo chương trình, kế hoạch năm";
        AdHoc = "ad-hoc", "Đột xuất";
        FromDenunciation = "from-denunciation", "Từ tố cáo";
        AssignedFromAbove = "assigned-from-above", "Cấp trên giao";
        FoundBySupervision = "found-by-supervision", "Qua giám sát phát hiện";
    }
}

code_enum! {
    /// Who or what a case is about.
    SubjectKind, "subject kind" {
        Member = "member", "Đảng viên";
        Organisation = "organisation", "Tổ chức đảng";
    }
}

code_enum! {
    /// Party membership status (probationary members can only be reprimanded or warned).
    MembershipStatus, "membership status" {
        Full = "full", "Chính thức";
        Probationary = "probationary", "Dự bị";
    }
}

code_enum! {
    /// Cadre-management authority: decides who may inspect the subject.
    ManagementAuthority, "management authority" {
        Central = "central", "Trung ương quản lý";
        Province = "province", "Tỉnh quản lý";
        Both = "both", "Cả hai bên";
    }
}

code_enum! {
    /// Discipline forms of Quy định 69-QĐ/TW (suspension is not one).
    DisciplineForm, "discipline form" {
        Reprimand = "reprimand", "Khiển trách";
        Warning = "warning", "Cảnh cáo";
        RemovalFromPost = "removal-from-post", "Cách chức";
        Expulsion = "expulsion", "Khai trừ";
        Dissolution = "dissolution", "Giải tán";
    }
}

impl DisciplineForm {
    /// Rank in the severity order of Quy định 69-QĐ/TW (GLOSSARY "Severity order"): for members
    /// reprimand < warning < removal from post < expulsion, for organisations reprimand <
    /// warning < dissolution. The subject decides which order applies, so the two never meet.
    pub fn severity(self) -> u8 {
        match self {
            DisciplineForm::Reprimand => 1,
            DisciplineForm::Warning => 2,
            DisciplineForm::RemovalFromPost | DisciplineForm::Dissolution => 3,
            DisciplineForm::Expulsion => 4,
        }
    }
}

code_enum! {
    /// Outcome of a discipline appeal; "change" is split by direction for the statistics.
    AppealOutcome, "appeal outcome" {
        Uphold = "uphold", "Giữ nguyên";
        Increase = "increase", "Tăng hình thức kỷ luật";
        Reduce = "reduce", "Giảm hình thức kỷ luật";
        Annul = "annul", "Xóa kỷ luật";
    }
}

code_enum! {
    /// Level of an office (each office is one inspection committee).
    OfficeKind, "office kind" {
        Central = "central", "Trung ương";
        City = "city", "Thành phố trực thuộc trung ương";
        Province = "province", "Tỉnh";
        Other = "other", "Khác";
    }
}

code_enum! {
    /// An office's part in a case or plan item.
    LeadRole, "office role" {
        Lead = "lead", "Chủ trì";
        Coordinating = "coordinating", "Phối hợp";
    }
}

code_enum! {
    /// Whether a letter is signed: anonymous and impersonated letters are not resolved as
    /// denunciations (they may open an inspection on signs of violation).
    LetterKind, "letter kind" {
        Named = "named", "Đơn có tên";
        Anonymous = "anonymous", "Đơn giấu tên";
        Impersonated = "impersonated", "Đơn mạo tên";
    }
}

code_enum! {
    /// What a conclusion says about one subject (kết luận kiểm tra, giám sát).
    ConclusionOutcome, "conclusion outcome" {
        DoneWell = "done-well", "Thực hiện tốt";
        Shortcomings = "shortcomings", "Có hạn chế, khuyết điểm";
        Violation = "violation", "Có vi phạm";
    }
}

code_enum! {
    /// Where an item of an annual programme stands.
    PlanItemStatus, "plan item status" {
        Planned = "planned", "Theo kế hoạch";
        UnderWay = "under-way", "Đang thực hiện";
        Done = "done", "Đã thực hiện";
        /// Dropped from the programme, with the reason (the item stays on record).
        Dropped = "dropped", "Không thực hiện";
    }
}

// Written by hand: `code_enum!` declares the variants, so `#[default]` cannot mark one.
#[allow(clippy::derivable_impls)]
impl Default for PlanItemStatus {
    fn default() -> Self {
        PlanItemStatus::Planned
    }
}

code_enum! {
    /// What a timeline entry records.
    TimelineKind, "timeline entry kind" {
        Created = "created", "Tạo hồ sơ";
        Transition = "transition", "Chuyển trạng thái";
        Note = "note", "Ghi chú";
        Decision = "decision", "Quyết định kỷ luật";
        Finding = "finding", "Kết quả, vi phạm";
        Appeal = "appeal", "Khiếu nại";
        Document = "document", "Tài liệu";
        DocumentRemoved = "document-removed", "Gỡ tài liệu";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_str_and_serde() {
        for k in CaseKind::ALL {
            assert_eq!(k.code().parse::<CaseKind>().unwrap(), *k);
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.code()));
            assert_eq!(serde_json::from_str::<CaseKind>(&json).unwrap(), *k);
        }
        assert_eq!(CaseKind::ALL.len(), 9);
        for s in CaseStatus::ALL {
            assert_eq!(s.to_string().parse::<CaseStatus>().unwrap(), *s);
        }
        assert_eq!(
            "removal-from-post".parse::<DisciplineForm>().unwrap(),
            DisciplineForm::RemovalFromPost
        );
        assert_eq!(
            "committee-review".parse::<CaseStatus>().unwrap(),
            CaseStatus::CommitteeReview
        );
    }

    #[test]
    fn unknown_code_lists_allowed_values() {
        let e = "inspection".parse::<CaseKind>().unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("case kind"), "{msg}");
        assert!(msg.contains("'inspection'"), "{msg}");
        assert!(
            msg.contains("inspection-on-signs, routine-supervision"),
            "{msg}"
        );
        assert_eq!(e.code(), "invalid");
        // Codes are exact: no CamelCase, no Vietnamese label.
        assert!("InspectionOnSigns".parse::<CaseKind>().is_err());
        assert!("central ".parse::<ManagementAuthority>().is_ok());
    }
}
