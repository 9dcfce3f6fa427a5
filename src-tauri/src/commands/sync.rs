//! Sync by bundle files: the dashboard, bundles chosen in a dialog (listed with their header),
//! preview and import of one, export into a chosen folder, and the history. Bundles can be
//! large, so the core calls run on a blocking thread, never the UI's. Files and folders are
//! named by the handles of `picked.rs`, never by a path from the window.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use hoso_core::register::Register;
use hoso_core::sync::{
    BundleHeader, BundleProblem, ExportReport, HistoryFilter, HistoryPage, ImportReport,
    PeerStatus, Progress,
};
use serde::Serialize;

use crate::commands::picked::{self, Picked, PickedPath, Purpose};
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

/// A bundle file chosen in the dialog: its handle and what its header says (or why it cannot
/// be read at all).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ChosenBundle {
    pub file: PickedPath,
    pub header: Option<BundleHeader>,
    /// The file could not be read as a bundle (header None).
    pub unreadable: Option<BundleProblem>,
}

/// Asks the officer for one or several bundle files (a dialog) and reads each one's header
/// without applying it; sorted by sender, then sequence (the order to import them in).
/// Empty if the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_bundles(app: AppHandle) -> IpcResult<Vec<ChosenBundle>> {
    let for_dialog = app.clone();
    let paths = tauri::async_runtime::spawn_blocking(move || {
        picked::pick_bundle_files(&for_dialog, "HoSo (.hoso)")
    })
    .await
    .map_err(|e| IpcError::from(anyhow::anyhow!("dialog task failed: {e}")))??;
    let files: Vec<PickedPath> = paths
        .iter()
        .map(|p| {
            app.state::<Picked>()
                .grant(Purpose::BundleToImport, p.clone())
        })
        .collect();
    on_register(app, move |r| {
        let mut chosen: Vec<ChosenBundle> = paths
            .iter()
            .zip(files)
            .map(|(path, file)| match r.inspect_bundle(path, None) {
                Ok(header) => ChosenBundle {
                    file,
                    header: Some(header),
                    unreadable: None,
                },
                Err(e) => ChosenBundle {
                    file,
                    header: None,
                    unreadable: Some(BundleProblem {
                        code: e.error_code(),
                        detail: e.to_string(),
                    }),
                },
            })
            .collect();
        chosen.sort_by(|a, b| {
            let key = |c: &ChosenBundle| {
                c.header
                    .as_ref()
                    .map(|h| (0, h.sender.clone(), h.sequence))
                    .unwrap_or((1, String::new(), 0))
            };
            key(a).cmp(&key(b)).then(a.file.name.cmp(&b.file.name))
        });
        Ok(chosen)
    })
    .await
}

/// Checks a chosen bundle completely and says what importing it would change; changes
/// nothing. `trust_root`: the root fingerprint the central office read out, for the set-up
/// bundle.
#[tauri::command]
#[specta::specta]
pub async fn preview_bundle(
    app: AppHandle,
    picked: State<'_, Picked>,
    file: String,
    trust_root: Option<String>,
) -> IpcResult<ImportReport> {
    let path = picked.path(&file, Purpose::BundleToImport)?;
    on_register(app, move |r| {
        let dry_run = true;
        Ok(r.import_bundle(&path, dry_run, trust_root.as_deref(), &mut |_| {})?)
    })
    .await
}

/// Imports a chosen bundle in one transaction (all of it or nothing), reporting progress.
/// `trust_root`: as for [`preview_bundle`].
#[tauri::command]
#[specta::specta]
pub async fn import_bundle(
    app: AppHandle,
    picked: State<'_, Picked>,
    file: String,
    trust_root: Option<String>,
    on_progress: Channel<Progress>,
) -> IpcResult<ImportReport> {
    let path = picked.path(&file, Purpose::BundleToImport)?;
    on_register(app, move |r| {
        let mut report = forward(&on_progress);
        Ok(r.import_bundle(&path, false, trust_root.as_deref(), &mut report)?)
    })
    .await
}

/// Asks the officer for the folder (the stick) bundles are written into; None if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_export_folder(app: AppHandle) -> IpcResult<Option<PickedPath>> {
    let for_dialog = app.clone();
    let folder = tauri::async_runtime::spawn_blocking(move || {
        picked::pick_folder(&for_dialog, "HOSO_E2E_EXPORT_FOLDER")
    })
    .await
    .map_err(|e| IpcError::from(anyhow::anyhow!("dialog task failed: {e}")))??;
    Ok(folder.map(|f| app.state::<Picked>().grant(Purpose::ExportFolder, f)))
}

/// What `export_bundle` wrote, and the new file's name in the chosen folder.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ExportDone {
    pub report: ExportReport,
    pub file_name: String,
    /// The whole path, for display.
    pub shown: String,
}

/// Writes a bundle for the offices `to` into the chosen `folder` under its standard name
/// (`HoSo_<from>_den_<to>_<date>_<seq>.hoso`, never overwriting), reporting progress.
#[tauri::command]
#[specta::specta]
pub async fn export_bundle(
    app: AppHandle,
    picked: State<'_, Picked>,
    to: Vec<String>,
    full: bool,
    folder: String,
    on_progress: Channel<Progress>,
) -> IpcResult<ExportDone> {
    let dir = picked.path(&folder, Purpose::ExportFolder)?;
    on_register(app, move |r| {
        let mut report = forward(&on_progress);
        let (report, path) = r.export_bundle_to_folder(&to, full, &dir, &mut report)?;
        Ok(ExportDone {
            report,
            file_name: picked::name_of(&path),
            shown: path.display().to_string(),
        })
    })
    .await
}

/// One page of the history of bundles sent, received and refused, newest first.
#[tauri::command]
#[specta::specta]
pub async fn sync_history(
    app: AppHandle,
    filter: HistoryFilter,
    offset: u32,
    limit: u32,
) -> IpcResult<HistoryPage> {
    on_register(app, move |r| Ok(r.sync_history(&filter, offset, limit)?)).await
}

/// Progress goes to the window; a window that stopped listening does not stop the work.
pub(crate) fn forward<T: Serialize + Clone>(channel: &Channel<T>) -> impl FnMut(&T) + '_ {
    move |p| {
        let _ = channel.send(p.clone());
    }
}
