//! File dialogs the shell opens for the UI. WebDriver cannot drive native dialogs, so debug
//! builds with the `e2e-dialogs` feature answer from `HOSO_E2E_OPEN_FILE` instead; release
//! builds refuse to compile with that feature.

use tauri::AppHandle;

use crate::error::IpcResult;

#[cfg(all(feature = "e2e-dialogs", not(debug_assertions)))]
compile_error!(
    "the e2e-dialogs feature answers file dialogs from the environment: never in a release build"
);

/// Asks the officer for a document to attach; None if the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn pick_document(app: AppHandle) -> IpcResult<Option<String>> {
    #[cfg(feature = "e2e-dialogs")]
    if let Ok(path) = std::env::var("HOSO_E2E_OPEN_FILE") {
        let _ = &app;
        return Ok(Some(path));
    }
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
