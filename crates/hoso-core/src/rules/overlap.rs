//! Which kinds of work by different offices on the same subject in overlapping periods count as
//! overlap (trùng dẫm, chồng chéo): a matrix of kind pairs, data an administrator edits, not
//! code. Two pieces of work of the same kind always count; the defaults add the pairs that
//! examine the same conduct in the same months (a supervision and an inspection on signs of
//! violation of the same Party member, for instance).

use serde::{Deserialize, Serialize};

use crate::model::CaseKind;

/// Two kinds of work that overlap when they concern the same subject at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindPair {
    pub a: CaseKind,
    pub b: CaseKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlapRules {
    /// Pairs of different kinds that overlap (symmetric: the order does not matter).
    pub pairs: Vec<KindPair>,
    pub source: String,
}

impl Default for OverlapRules {
    fn default() -> Self {
        Self::defaults()
    }
}

impl OverlapRules {
    pub fn defaults() -> Self {
        use CaseKind::*;
        let pair = |a, b| KindPair { a, b };
        OverlapRules {
            pairs: vec![
                pair(ThematicSupervision, InspectionOnSigns),
                pair(RoutineSupervision, InspectionOnSigns),
                pair(ThematicSupervision, RoutineSupervision),
                pair(FinanceInspection, InspectionOnSigns),
                pair(AssetDeclarationCheck, InspectionOnSigns),
                pair(Denunciation, InspectionOnSigns),
            ],
            source: "Quy chế phối hợp giữa Đảng ủy Công an Trung ương và các tỉnh ủy, thành ủy \
                     (default of HoSo: correct it to the coordination rules in force)"
                .into(),
        }
    }

    /// Whether work of kinds `a` and `b` on one subject at one time is overlap.
    pub fn overlap(&self, a: CaseKind, b: CaseKind) -> bool {
        a == b
            || self
                .pairs
                .iter()
                .any(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_is_symmetric_and_same_kinds_always_overlap() {
        let r = OverlapRules::defaults();
        assert!(r.overlap(CaseKind::InspectionOnSigns, CaseKind::ThematicSupervision));
        assert!(r.overlap(CaseKind::ThematicSupervision, CaseKind::InspectionOnSigns));
        assert!(r.overlap(CaseKind::Discipline, CaseKind::Discipline));
        assert!(!r.overlap(CaseKind::Discipline, CaseKind::ThematicSupervision));
    }
}
