use serde::Deserialize;
use tauri::State;

use hoso_core::Text;
use hoso_core::model::{ManagementAuthority, MembershipStatus, Subject, SubjectKind};
use hoso_core::register::{AddSubject, NewSubject};

use crate::error::IpcResult;
use crate::state::AppState;

/// A new member or organisation as the UI sends it. Strings arrive as `Text`, which normalises
/// to NFC while deserialising, so decomposed input from an input method never reaches the core.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct NewSubjectInput {
    pub kind: SubjectKind,
    pub name: Text,
    pub birth_year: Option<i32>,
    pub unit: Option<Text>,
    pub post: Option<Text>,
    pub membership: Option<MembershipStatus>,
    pub authority: Option<ManagementAuthority>,
}

impl From<NewSubjectInput> for NewSubject {
    fn from(i: NewSubjectInput) -> Self {
        NewSubject {
            kind: i.kind,
            name: i.name,
            birth_year: i.birth_year,
            unit: i.unit,
            post: i.post,
            membership: i.membership,
            authority: i.authority,
        }
    }
}

/// Subjects in Vietnamese alphabetical order (members by given name first), optionally filtered
/// by folded name or unit.
#[tauri::command(async)]
#[specta::specta]
pub fn list_subjects(
    state: State<'_, AppState>,
    search: Option<String>,
) -> IpcResult<Vec<Subject>> {
    state.with_register(|r| Ok(r.list_subjects(search.as_deref())?))
}

/// Adds a subject, or (unless `force`) returns the existing subjects with the same normalised
/// name, birth year and unit without writing anything.
#[tauri::command(async)]
#[specta::specta]
pub fn add_subject(
    state: State<'_, AppState>,
    input: NewSubjectInput,
    force: bool,
) -> IpcResult<AddSubject> {
    state.with_register(|r| Ok(r.add_subject(input.into(), force)?))
}
