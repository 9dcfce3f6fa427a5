//! Registers built through the public core API, as `hoso init` and `hoso case add` would.

use std::path::Path;

use anyhow::Result;
use hoso_core::Text;
use hoso_core::model::{CaseKind, SubjectKind};
use hoso_core::register::{AddSubject, InitParams, NewCase, NewSubject, Register};
use hoso_core::store::Store;
use hoso_crypto::KdfParams;

pub const OFFICER: &str = "tranhung";
pub const PASSPHRASE: &str = "mật khẩu thử nghiệm 2026";

/// A new, empty provincial office register (Nghệ An); the officer is an administrator.
fn new_register(path: &Path) -> Result<Register> {
    let (store, _recovery) = Store::create(path, OFFICER, PASSPHRASE, &KdfParams::recommended())?;
    Ok(Register::initialise(
        store,
        InitParams {
            office_code: "NAN".into(),
            office_name: Text::new("Ủy ban Kiểm tra Tỉnh ủy Nghệ An"),
            officer_login: OFFICER.into(),
            officer_name: Text::new("Trần Văn Hùng"),
            central: false,
        },
    )?)
}

/// A provincial office register (Nghệ An) holding the given cases `(kind, title)`.
pub fn register_with_cases(path: &Path, cases: &[(CaseKind, &str)]) -> Result<()> {
    let mut register = new_register(path)?;
    for (kind, title) in cases {
        register.add_case(NewCase {
            kind: *kind,
            title: Text::new(title),
            lead: "NAN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })?;
    }
    Ok(())
}

/// A member `(name, birth year, unit)` for [`register_with_subjects`].
pub type MemberFixture<'a> = (&'a str, Option<i32>, Option<&'a str>);

/// A provincial office register (Nghệ An) holding the given Party members, added as `hoso
/// subject add` would (each must be new: a possible duplicate fails the fixture).
pub fn register_with_subjects(path: &Path, members: &[MemberFixture<'_>]) -> Result<()> {
    let mut register = new_register(path)?;
    for (name, birth_year, unit) in members {
        let added = register.add_subject(
            NewSubject {
                kind: SubjectKind::Member,
                name: Text::new(name),
                birth_year: *birth_year,
                unit: unit.map(Text::new),
                post: None,
                membership: None,
                authority: None,
            },
            false,
        )?;
        anyhow::ensure!(
            matches!(added, AddSubject::Added { .. }),
            "fixture subject {name} is a duplicate"
        );
    }
    Ok(())
}

/// A committee leader of the same office (has `denouncer.read` on the office's cases).
pub const LEADER: &str = "lanhdao";

/// What [`casework_register`] made, by case number.
pub struct Casework {
    /// An inspection past its deadline (status received).
    pub overdue: String,
    pub overdue_title: &'static str,
    /// A discipline case in committee review, about a member who holds no post.
    pub discipline: String,
    /// A denunciation case whose denouncer is recorded.
    pub denunciation: String,
    pub denouncer_name: &'static str,
}

/// A provincial register for the case-work screens: an overdue case, a discipline case ready
/// for a decision, a denunciation with its denouncer, the administrator `OFFICER` (no
/// `denouncer.read`) and the committee leader `LEADER` (same passphrase). `idle_minutes` sets
/// the office's auto-lock time.
pub fn casework_register(path: &Path, idle_minutes: Option<&str>) -> Result<Casework> {
    use chrono::{Duration, Local};
    use hoso_core::access::Role;
    use hoso_core::model::{CaseStatus, MembershipStatus};

    let mut register = new_register(path)?;
    let today = Local::now().date_naive();
    let case = |kind, title: &str, opened, subjects: Vec<String>| NewCase {
        kind,
        title: Text::new(title),
        lead: "NAN".into(),
        coordinators: vec![],
        subjects,
        origin: None,
        opened: Some(opened),
        summary: Text::new("Nội dung tóm tắt của vụ việc."),
        team: vec![],
    };
    let overdue_title = "Kiểm tra dấu hiệu vi phạm của Chi bộ Xóm Đông";
    let overdue = register.add_case(case(
        CaseKind::InspectionOnSigns,
        overdue_title,
        today - Duration::days(90),
        vec![],
    ))?;
    register.set_case_field(
        &overdue.id,
        "deadline",
        &(today - Duration::days(12)).to_string(),
    )?;

    let member = match register.add_subject(
        NewSubject {
            kind: SubjectKind::Member,
            name: Text::new("Lê Văn Bình"),
            birth_year: Some(1970),
            unit: Some(Text::new("Chi bộ Xóm Đông")),
            post: None,
            membership: Some(MembershipStatus::Full),
            authority: None,
        },
        false,
    )? {
        AddSubject::Added { id } => id,
        other => anyhow::bail!("fixture subject: {other:?}"),
    };
    let discipline = register.add_case(case(
        CaseKind::Discipline,
        "Xem xét thi hành kỷ luật đồng chí Lê Văn Bình",
        today - Duration::days(30),
        vec![member],
    ))?;
    for to in [
        CaseStatus::Classified,
        CaseStatus::Preparing,
        CaseStatus::Decided,
        CaseStatus::Announced,
        CaseStatus::Verifying,
        CaseStatus::ReportDrafted,
        CaseStatus::CommitteeReview,
    ] {
        register.transition(&discipline.id, to, None, None)?;
    }

    let denunciation = register.add_case(case(
        CaseKind::Denunciation,
        "Giải quyết đơn tố cáo đồng chí Trưởng ban",
        today - Duration::days(5),
        vec![],
    ))?;
    register.add_officer(LEADER, &Text::new("Phạm Thị Hoa"), Role::CommitteeLeader)?;
    register
        .store()
        .add_key_slot(LEADER, PASSPHRASE, &KdfParams::recommended())?;
    if let Some(m) = idle_minutes {
        register.set_office_setting("session.idle-minutes", Some(m))?;
    }
    let denouncer_name = "Đỗ Thị Tố Nga";
    let mut leader = Register::session(register.into_store(), LEADER)?;
    leader.set_denouncer(&denunciation.id, Text::new(denouncer_name), None, None)?;
    Ok(Casework {
        overdue: overdue.number,
        overdue_title,
        discipline: discipline.number,
        denunciation: denunciation.number,
        denouncer_name,
    })
}
