//! Files and folders the officer picked in a dialog, handed to the UI as opaque handles.
//!
//! No command takes a file-system path from the window: the shell opens the dialog itself,
//! keeps what it returned here under a handle (`f1`, `f2`…), and the window names a file by
//! its handle only. A handle is good for the purpose it was picked for (a bundle to import is
//! not a folder to write into) and only in this run of the app, so a compromised or confused
//! window cannot make the shell read or write anywhere the officer did not choose.
//!
//! In `e2e-dialogs` builds (debug only, see `files.rs`) the dialogs are answered from
//! environment variables: `HOSO_E2E_OPEN_BUNDLES` (bundle files, separated like `PATH`),
//! `HOSO_E2E_EXPORT_FOLDER`, `HOSO_E2E_BACKUP_FOLDER` and `HOSO_E2E_RESTORE_FOLDER`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use tauri::AppHandle;

use crate::error::IpcResult;

/// What a picked path may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A bundle file to preview and import.
    BundleToImport,
    /// A folder to write bundles into.
    ExportFolder,
    /// A folder to write a backup into.
    BackupFolder,
    /// A backup folder to restore from.
    BackupToRestore,
    /// A document to attach to a case.
    DocumentToAttach,
}

/// The paths picked in this run, by handle.
#[derive(Default)]
pub struct Picked {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    paths: HashMap<String, (Purpose, PathBuf)>,
}

/// A picked file or folder as the window sees it: its handle and its name (for display).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PickedPath {
    pub handle: String,
    pub name: String,
    /// The whole path, for display only (the window cannot use it).
    pub shown: String,
}

impl Picked {
    /// Records a path the dialog returned; the handle names it from now on.
    pub fn grant(&self, purpose: Purpose, path: PathBuf) -> PickedPath {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.next += 1;
        let handle = format!("f{}", inner.next);
        let shown = PickedPath {
            handle: handle.clone(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
            shown: path.display().to_string(),
        };
        inner.paths.insert(handle, (purpose, path));
        shown
    }

    /// The path picked under `handle` for `purpose`; anything else is refused.
    pub fn path(&self, handle: &str, purpose: Purpose) -> IpcResult<PathBuf> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match inner.paths.get(handle) {
            Some((p, path)) if *p == purpose => Ok(path.clone()),
            Some(_) => Err(hoso_core::Error::invalid(
                "file",
                "this file was chosen for something else: choose it again",
            )
            .into()),
            None => Err(hoso_core::Error::invalid(
                "file",
                "not a file chosen in this session's dialog: choose it again",
            )
            .into()),
        }
    }
}

fn local(p: tauri_plugin_dialog::FilePath) -> IpcResult<PathBuf> {
    Ok(p.into_path()
        .map_err(|e| anyhow::anyhow!("the chosen file has no local path: {e}"))?)
}

/// Bundle files chosen in the system's dialog (several at once); empty if cancelled.
pub fn pick_bundle_files(app: &AppHandle, filter_name: &str) -> IpcResult<Vec<PathBuf>> {
    #[cfg(feature = "e2e-dialogs")]
    if let Some(list) = std::env::var_os("HOSO_E2E_OPEN_BUNDLES") {
        return Ok(std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect());
    }
    use tauri_plugin_dialog::DialogExt;
    let picked = app
        .dialog()
        .file()
        .add_filter(filter_name, &["hoso"])
        .blocking_pick_files();
    picked.unwrap_or_default().into_iter().map(local).collect()
}

/// A folder chosen in the system's dialog (or, in `e2e-dialogs` builds, from `env_var`).
pub fn pick_folder(app: &AppHandle, env_var: &str) -> IpcResult<Option<PathBuf>> {
    #[cfg(feature = "e2e-dialogs")]
    if let Some(path) = std::env::var_os(env_var) {
        return Ok(Some(PathBuf::from(path)));
    }
    let _ = env_var;
    use tauri_plugin_dialog::DialogExt;
    match app.dialog().file().blocking_pick_folder() {
        Some(p) => Ok(Some(local(p)?)),
        None => Ok(None),
    }
}

/// The name shown for a path (its last component).
pub fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: IpcResult<PathBuf>) -> String {
        let e = r.unwrap_err();
        serde_json::to_value(e.code)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn only_a_picked_path_under_its_handle_and_purpose_is_given_back() {
        let picked = Picked::default();
        let a = picked.grant(Purpose::BundleToImport, PathBuf::from("/media/usb/a.hoso"));
        let b = picked.grant(Purpose::ExportFolder, PathBuf::from("/media/usb"));
        assert_ne!(a.handle, b.handle);
        assert_eq!(a.name, "a.hoso");
        assert_eq!(
            picked.path(&a.handle, Purpose::BundleToImport).unwrap(),
            PathBuf::from("/media/usb/a.hoso")
        );
        assert_eq!(
            picked.path(&b.handle, Purpose::ExportFolder).unwrap(),
            PathBuf::from("/media/usb")
        );
        // A path typed by the window, an unknown handle, or a handle for another purpose.
        assert_eq!(
            code(picked.path("/etc/passwd", Purpose::BundleToImport)),
            "invalid"
        );
        assert_eq!(code(picked.path("f99", Purpose::BundleToImport)), "invalid");
        assert_eq!(
            code(picked.path(&a.handle, Purpose::ExportFolder)),
            "invalid"
        );
        assert_eq!(
            code(picked.path(&b.handle, Purpose::BackupFolder)),
            "invalid"
        );
    }
}
