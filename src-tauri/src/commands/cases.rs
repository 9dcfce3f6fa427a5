use tauri::State;

use hoso_core::search::{CaseFilter, CaseRow};

use crate::error::IpcResult;
use crate::state::AppState;

/// Cases matching the filter, newest first (search folds diacritics and đ).
#[tauri::command(async)]
#[specta::specta]
pub fn list_cases(state: State<'_, AppState>, filter: CaseFilter) -> IpcResult<Vec<CaseRow>> {
    state.with_register(|r| Ok(r.list_cases(&filter)?))
}
