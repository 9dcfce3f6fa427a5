//! File dialogs the shell opens for the UI. WebDriver cannot drive native dialogs, so debug
//! builds with the `e2e-dialogs` feature answer from `HOSO_E2E_OPEN_FILE` (a document) and
//! `HOSO_E2E_OPEN_REGISTER` (a register) instead; release builds refuse to compile with that
//! feature.

use tauri::{AppHandle, State};

use crate::commands::app::AppInfo;
use crate::error::IpcResult;
use crate::state::AppState;

#[cfg(all(feature = "e2e-dialogs", not(debug_assertions)))]
compile_error!(
    "the e2e-dialogs feature answers file dialogs from the environment: never in a release build"
);

/// Asks the officer for a document to attach; None if the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn pick_document(app: AppHandle) -> IpcResult<Option<String>> {
    pick(&app, "HOSO_E2E_OPEN_FILE")
}

/// "Mở sổ khác…": asks for another register file and makes it the one the next unlock opens
/// (only while no register is open). None if the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_register(app: AppHandle, state: State<'_, AppState>) -> IpcResult<Option<AppInfo>> {
    let chosen = pick(&app, "HOSO_E2E_OPEN_REGISTER")?;
    match chosen {
        Some(path) => {
            state.set_register_path(path.into())?;
            Ok(Some(crate::commands::app::info(&state)))
        }
        None => Ok(None),
    }
}

/// A file chosen in the system dialog (or, in `e2e-dialogs` builds, from `env_var`).
fn pick(app: &AppHandle, env_var: &str) -> IpcResult<Option<String>> {
    #[cfg(feature = "e2e-dialogs")]
    if let Ok(path) = std::env::var(env_var) {
        return Ok(Some(path));
    }
    let _ = env_var;
    use tauri_plugin_dialog::DialogExt;
    let picked = app.dialog().file().blocking_pick_file();
    Ok(match picked {
        Some(p) => Some(
            p.into_path()
                .map_err(|e| anyhow::anyhow!("the chosen file has no local path: {e}"))?
                .to_string_lossy()
                .into_owned(),
        ),
        None => None,
    })
}
