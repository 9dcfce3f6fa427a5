use tauri::State;

use hoso_core::model::Subject;
use hoso_core::register::{AddSubject, NewSubject, SubjectPlanItem};

use crate::error::IpcResult;
use crate::state::AppState;

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
    input: NewSubject,
    force: bool,
) -> IpcResult<AddSubject> {
    state.with_register(|r| Ok(r.add_subject(input, force)?))
}

/// A subject's plan items in every plan this register holds, each with its plan.
#[tauri::command(async)]
#[specta::specta]
pub fn subject_plan_items(
    state: State<'_, AppState>,
    subject: String,
) -> IpcResult<Vec<SubjectPlanItem>> {
    state.with_register(|r| Ok(r.subject_plan_items(&subject)?))
}
