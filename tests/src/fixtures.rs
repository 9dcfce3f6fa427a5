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
