//! Backup and restore of the register (core: `hoso_core::backup`): into and from folders the
//! officer picked in a dialog (`picked.rs`). The core refuses both to officers who are not
//! administrators.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use zeroize::Zeroizing;

use hoso_core::backup::{BackupInfo, BackupProgress, BackupReport, RestoreReport};
use hoso_core::register::Register;
use hoso_core::store::Store;
use serde::Serialize;

use crate::commands::picked::{self, Picked, PickedPath, Purpose};
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

fn task_failed(e: impl std::fmt::Display) -> IpcError {
    IpcError::from(anyhow::anyhow!("backup task failed: {e}"))
}

/// When the register was last backed up from this workstation (RFC 3339), if ever.
#[tauri::command(async)]
#[specta::specta]
pub fn last_backup(state: State<'_, AppState>) -> IpcResult<Option<String>> {
    state.with_register(|r| Ok(r.last_backup()?))
}

/// Asks the officer for the folder (a stick, a drive) the backup goes into; None if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_backup_folder(app: AppHandle) -> IpcResult<Option<PickedPath>> {
    let for_dialog = app.clone();
    let folder = tauri::async_runtime::spawn_blocking(move || {
        picked::pick_folder(&for_dialog, "HOSO_E2E_BACKUP_FOLDER")
    })
    .await
    .map_err(task_failed)??;
    Ok(folder.map(|f| app.state::<Picked>().grant(Purpose::BackupFolder, f)))
}

/// Backs the register up into a new folder inside the chosen `folder`, reporting progress.
#[tauri::command]
#[specta::specta]
pub async fn backup_register(
    app: AppHandle,
    picked: State<'_, Picked>,
    folder: String,
    on_progress: Channel<BackupProgress>,
) -> IpcResult<BackupReport> {
    let dir = picked.path(&folder, Purpose::BackupFolder)?;
    tauri::async_runtime::spawn_blocking(move || {
        app.state::<AppState>().with_register(|r| {
            let mut report = crate::commands::sync::forward(&on_progress);
            Ok(r.backup_to(&dir, &mut report)?)
        })
    })
    .await
    .map_err(task_failed)?
}

/// A backup folder chosen to restore from, with what its description says.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ChosenBackup {
    pub folder: PickedPath,
    pub info: BackupInfo,
}

/// Asks the officer for a backup folder (`HoSo_saoluu_…`) and reads its description; None if
/// cancelled. Nothing is changed.
#[tauri::command]
#[specta::specta]
pub async fn choose_backup_to_restore(app: AppHandle) -> IpcResult<Option<ChosenBackup>> {
    let for_dialog = app.clone();
    let folder = tauri::async_runtime::spawn_blocking(move || {
        picked::pick_folder(&for_dialog, "HOSO_E2E_RESTORE_FOLDER")
    })
    .await
    .map_err(task_failed)??;
    let Some(folder) = folder else {
        return Ok(None);
    };
    let info = hoso_core::backup::read_backup(&folder)?;
    Ok(Some(ChosenBackup {
        folder: app
            .state::<Picked>()
            .grant(Purpose::BackupToRestore, folder),
        info,
    }))
}

/// Replaces the open register with the chosen backup, as the signed-in officer whose
/// passphrase is given again (the confirmation): the register closes, the current file is kept
/// aside, the backup takes its place, and the officer is signed in to it again.
#[tauri::command]
#[specta::specta]
pub async fn restore_register(
    app: AppHandle,
    picked: State<'_, Picked>,
    folder: String,
    passphrase: String,
) -> IpcResult<RestoreReport> {
    let folder = picked.path(&folder, Purpose::BackupToRestore)?;
    let passphrase = Zeroizing::new(passphrase);
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        // Refused before anything closes: administrators only (the core checks again in the
        // backup itself).
        let login = state.with_register(|r| {
            r.check_may_back_up()?;
            Ok(r.session_info().login.clone())
        })?;
        let register = state.register_path();
        // The passphrase is checked before the register closes: a typo keeps the session.
        drop(Store::open(&register, &login, &passphrase)?);
        state.clear_session();
        let report = hoso_core::backup::restore_backup(&register, &folder, &login, &passphrase)?;
        let store = Store::open(&register, &login, &passphrase)?;
        state.set_session(Register::session(store, &login)?);
        Ok(report)
    })
    .await
    .map_err(task_failed)?
}
