use serde::Serialize;
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// What the welcome screen shows before anything is unlocked.
#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub register_path: String,
    pub register_exists: bool,
}

#[tauri::command(async)]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    Ok(info(&state))
}

pub(crate) fn info(state: &AppState) -> AppInfo {
    let path = state.register_path();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        register_path: path.display().to_string(),
        register_exists: path.exists(),
    }
}
