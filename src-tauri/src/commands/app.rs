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
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        register_path: state.register_path.display().to_string(),
        register_exists: state.register_path.exists(),
    })
}
