//! The case workflow as a pure function: which statuses a case may move to.
//!
//! Main path (GLOSSARY.md): received → classified → preparing → decided → announced → verifying →
//! report-drafted → committee-review → concluded → {disciplined | proposed-upward | notified} →
//! notified → follow-up → archived. Rules beyond the plain path, chosen to match practice:
//! - Steps back: report-drafted → verifying and committee-review → verifying (the committee asks
//!   for more verification). No other backward moves.
//! - concluded → notified directly when no discipline is needed; proposed-upward → disciplined
//!   (the upper level decided) or notified; notified → archived when there is nothing to follow up.
//! - Supervision kinds never go to `disciplined` (signs found in supervision open an inspection).
//! - `extended` (gia hạn) and `deferred` (tạm hoãn) pause an open case (received ..=
//!   committee-review) and remember the status they paused (`resume`). From `deferred` the case
//!   goes back to `resume` (or, for letters, is withdrawn/transferred). From `extended` the work
//!   continues: back to `resume` or anywhere `resume` could go (except another side state).
//! - `transferred` (chuyển đơn) only for letter kinds (denunciation, discipline appeal) and only
//!   before the inspection is prepared (received, classified); `withdrawn` (rút đơn) only for
//!   letter kinds while open. Both lead only to `archived`. A classified letter (e.g. anonymous)
//!   may also be archived directly.
//! - `archived` is final.

use super::enums::{CaseKind, CaseStatus};
use crate::error::{Error, Result};

use CaseStatus::*;

/// Open statuses of the main path: a deadline runs, a case may be paused or withdrawn.
pub fn is_open_main(s: CaseStatus) -> bool {
    matches!(
        s,
        Received
            | Classified
            | Preparing
            | Decided
            | Announced
            | Verifying
            | ReportDrafted
            | CommitteeReview
    )
}

/// A case still needs work (not concluded yet): used by overdue, overlaps and omissions.
pub fn is_open(s: CaseStatus) -> bool {
    is_open_main(s) || matches!(s, Extended | Deferred)
}

/// Side states that remember which status they paused.
pub fn is_pause(s: CaseStatus) -> bool {
    matches!(s, Extended | Deferred)
}

/// Main-path and side moves out of a main status.
fn from_main(kind: CaseKind, from: CaseStatus) -> Vec<CaseStatus> {
    let mut next: Vec<CaseStatus> = match from {
        Received => vec![Classified],
        Classified => vec![Preparing],
        Preparing => vec![Decided],
        Decided => vec![Announced],
        Announced => vec![Verifying],
        Verifying => vec![ReportDrafted],
        ReportDrafted => vec![CommitteeReview, Verifying],
        CommitteeReview => vec![Concluded, Verifying],
        Concluded => vec![Disciplined, ProposedUpward, Notified],
        Disciplined => vec![Notified],
        ProposedUpward => vec![Disciplined, Notified],
        Notified => vec![FollowUp, Archived],
        FollowUp => vec![Archived],
        Archived | Extended | Deferred | Transferred | Withdrawn => vec![],
    };
    if !kind.may_discipline() {
        next.retain(|s| *s != Disciplined);
    }
    if is_open_main(from) {
        next.push(Extended);
        next.push(Deferred);
        if kind.is_letter() {
            next.push(Withdrawn);
        }
    }
    if kind.is_letter() && matches!(from, Received | Classified) {
        next.push(Transferred);
    }
    if kind.is_letter() && from == Classified {
        next.push(Archived);
    }
    next
}

/// The statuses a case of `kind` in status `from` may move to. `resume` is the status a paused
/// case (extended/deferred) left; it is ignored otherwise.
pub fn allowed_transitions(
    kind: CaseKind,
    from: CaseStatus,
    resume: Option<CaseStatus>,
) -> Vec<CaseStatus> {
    match from {
        Extended | Deferred => {
            let Some(r) = resume.filter(|r| is_open_main(*r)) else {
                return vec![];
            };
            let mut next = vec![r];
            if from == Extended {
                next.extend(from_main(kind, r).into_iter().filter(|s| !is_pause(*s)));
            } else if kind.is_letter() {
                next.push(Withdrawn);
                if matches!(r, Received | Classified) {
                    next.push(Transferred);
                }
            }
            next.dedup();
            next
        }
        Transferred | Withdrawn => vec![Archived],
        _ => from_main(kind, from),
    }
}

/// Checks one move; the error names both statuses and what is allowed instead.
pub fn check_transition(
    kind: CaseKind,
    from: CaseStatus,
    resume: Option<CaseStatus>,
    to: CaseStatus,
) -> Result<()> {
    let allowed = allowed_transitions(kind, from, resume);
    if allowed.contains(&to) {
        return Ok(());
    }
    let list: Vec<&str> = allowed.iter().map(|s| s.code()).collect();
    Err(Error::IllegalTransition {
        kind: kind.code().to_string(),
        from: from.code().to_string(),
        to: to.code().to_string(),
        allowed: if list.is_empty() {
            "none".into()
        } else {
            list.join(", ")
        },
    })
}

/// The `resume` status to store after a legal move from `from` (with its own `resume`) to `to`.
pub fn resume_after(
    from: CaseStatus,
    resume: Option<CaseStatus>,
    to: CaseStatus,
) -> Option<CaseStatus> {
    if !is_pause(to) {
        None
    } else if is_pause(from) {
        resume
    } else {
        Some(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: CaseKind = CaseKind::InspectionOnSigns;

    #[test]
    fn main_path_walks_end_to_end() {
        let path = [
            Received,
            Classified,
            Preparing,
            Decided,
            Announced,
            Verifying,
            ReportDrafted,
            CommitteeReview,
            Concluded,
            Disciplined,
            Notified,
            FollowUp,
            Archived,
        ];
        for w in path.windows(2) {
            check_transition(K, w[0], None, w[1]).unwrap();
        }
        assert!(allowed_transitions(K, Archived, None).is_empty());
    }

    #[test]
    fn skipping_steps_is_rejected_with_the_allowed_list() {
        let e = check_transition(K, Received, None, Concluded).unwrap_err();
        assert_eq!(e.code(), "illegal-transition");
        let m = e.to_string();
        assert!(m.contains("received") && m.contains("concluded"), "{m}");
        assert!(m.contains("classified"), "{m}");
        assert!(check_transition(K, Verifying, None, Verifying).is_err());
        assert!(check_transition(K, Concluded, None, Verifying).is_err());
    }

    #[test]
    fn committee_may_send_back_to_verification() {
        check_transition(K, CommitteeReview, None, Verifying).unwrap();
        check_transition(K, ReportDrafted, None, Verifying).unwrap();
    }

    #[test]
    fn supervision_cannot_discipline() {
        let s = CaseKind::ThematicSupervision;
        assert!(check_transition(s, Concluded, None, Disciplined).is_err());
        check_transition(s, Concluded, None, Notified).unwrap();
        check_transition(K, Concluded, None, Disciplined).unwrap();
    }

    #[test]
    fn withdraw_and_transfer_only_for_letters() {
        let d = CaseKind::Denunciation;
        check_transition(d, Verifying, None, Withdrawn).unwrap();
        check_transition(d, Received, None, Transferred).unwrap();
        assert!(check_transition(d, Verifying, None, Transferred).is_err());
        assert!(check_transition(K, Verifying, None, Withdrawn).is_err());
        assert!(check_transition(K, Received, None, Transferred).is_err());
        assert!(check_transition(d, Concluded, None, Withdrawn).is_err());
        assert_eq!(allowed_transitions(d, Withdrawn, None), vec![Archived]);
        assert_eq!(allowed_transitions(d, Transferred, None), vec![Archived]);
        // An anonymous letter may be filed after classification.
        check_transition(d, Classified, None, Archived).unwrap();
        assert!(check_transition(K, Classified, None, Archived).is_err());
    }

    #[test]
    fn deferred_resumes_where_it_paused() {
        check_transition(K, Verifying, None, Deferred).unwrap();
        assert_eq!(resume_after(Verifying, None, Deferred), Some(Verifying));
        assert_eq!(
            allowed_transitions(K, Deferred, Some(Verifying)),
            vec![Verifying]
        );
        assert!(check_transition(K, Deferred, Some(Verifying), ReportDrafted).is_err());
        assert!(check_transition(K, Concluded, None, Deferred).is_err());
        // A deferred letter can still be withdrawn.
        check_transition(CaseKind::Denunciation, Deferred, Some(Verifying), Withdrawn).unwrap();
    }

    #[test]
    fn extended_continues_the_work() {
        check_transition(K, Verifying, None, Extended).unwrap();
        check_transition(K, Extended, Some(Verifying), Verifying).unwrap();
        check_transition(K, Extended, Some(Verifying), ReportDrafted).unwrap();
        assert!(check_transition(K, Extended, Some(Verifying), Deferred).is_err());
        assert!(check_transition(K, Extended, Some(Verifying), Concluded).is_err());
        assert_eq!(resume_after(Extended, Some(Verifying), Verifying), None);
        // Without a recorded resume status a paused case cannot move (never guess).
        assert!(allowed_transitions(K, Extended, None).is_empty());
    }

    #[test]
    fn open_and_pause_classification() {
        assert!(
            is_open(Deferred) && is_open(Received) && !is_open(Concluded) && !is_open(Archived)
        );
        assert!(is_pause(Extended) && !is_pause(Withdrawn));
    }
}
