//! Sync by bundle files: the dashboard, preview and import of a bundle, export to a new file.
//! Bundles can be large, so the core calls run on a blocking thread, never the UI's.

use std::path::{Path, PathBuf};

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use hoso_core::register::Register;
use hoso_core::sync::{ExportReport, ImportReport, PeerStatus, Progress};

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Runs `f` on the open register on a blocking thread.
async fn on_register<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Register) -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with_register(f))
        .await
        .map_err(|e| IpcError::from(anyhow::anyhow!("sync task failed: {e}")))?
}

/// Per peer office: the last bundle sent and received, operations waiting, overdue or not.
#[tauri::command]
#[specta::specta]
pub async fn sync_status(app: AppHandle) -> IpcResult<Vec<PeerStatus>> {
    on_register(app, |r| Ok(r.sync_status()?)).await
}

/// Changes from other offices kept without effect: their office had no authority for them.
#[tauri::command]
#[specta::specta]
pub async fn changes_without_effect(
    app: AppHandle,
) -> IpcResult<Vec<hoso_core::authority::ChangeWithoutEffect>> {
    on_register(app, |r| Ok(r.changes_without_effect()?)).await
}

/// The fingerprint of the central office's root key this register trusts (none before the
/// set-up bundle): what officers compare when they read it out by phone.
#[tauri::command]
#[specta::specta]
pub async fn root_fingerprint(app: AppHandle) -> IpcResult<Option<String>> {
    on_register(app, |r| Ok(r.key_info()?.root_fingerprint)).await
}

/// Checks a bundle completely and says what importing it would change; changes nothing.
/// `trust_root`: the root fingerprint the central office read out, for the set-up bundle.
#[tauri::command]
#[specta::specta]
pub async fn preview_bundle(
    app: AppHandle,
    path: String,
    trust_root: Option<String>,
) -> IpcResult<ImportReport> {
    on_register(app, move |r| {
        let dry_run = true;
        Ok(r.import_bundle(
            Path::new(&path),
            dry_run,
            trust_root.as_deref(),
            &mut |_| {},
        )?)
    })
    .await
}

/// Imports a bundle in one transaction (all of it or nothing), reporting progress.
/// `trust_root`: as for [`preview_bundle`].
#[tauri::command]
#[specta::specta]
pub async fn import_bundle(
    app: AppHandle,
    path: String,
    trust_root: Option<String>,
    on_progress: Channel<Progress>,
) -> IpcResult<ImportReport> {
    on_register(app, move |r| {
        let mut report = forward(&on_progress);
        Ok(r.import_bundle(Path::new(&path), false, trust_root.as_deref(), &mut report)?)
    })
    .await
}

/// Writes a bundle for the offices `to` into the new file `path` (never overwritten),
/// reporting progress.
#[tauri::command]
#[specta::specta]
pub async fn export_bundle(
    app: AppHandle,
    to: Vec<String>,
    full: bool,
    path: String,
    on_progress: Channel<Progress>,
) -> IpcResult<ExportReport> {
    let out = PathBuf::from(path);
    on_register(app, move |r| {
        let mut report = forward(&on_progress);
        Ok(r.export_bundle_to_file(&to, full, &out, &mut report)?)
    })
    .await
}

/// Progress goes to the window; a window that stopped listening does not stop the work.
fn forward(channel: &Channel<Progress>) -> impl FnMut(&Progress) + '_ {
    move |p| {
        let _ = channel.send(*p);
    }
}
