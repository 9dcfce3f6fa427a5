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

/// Asks the officer for a document to attach; returns its handle for `attach_document` (see
/// `picked.rs`), None if the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn pick_document(
    app: AppHandle,
    picked: State<'_, crate::commands::picked::Picked>,
) -> IpcResult<Option<String>> {
    Ok(pick_open(&app, "HOSO_E2E_OPEN_FILE")?.map(|path| {
        picked
            .grant(
                crate::commands::picked::Purpose::DocumentToAttach,
                path.into(),
            )
            .handle
    }))
}

/// "Mở sổ khác…": asks for another register file and makes it the one the next unlock opens
/// (only while no register is open). None if the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn choose_register(app: AppHandle, state: State<'_, AppState>) -> IpcResult<Option<AppInfo>> {
    let chosen = pick_open(&app, "HOSO_E2E_OPEN_REGISTER")?;
    match chosen {
        Some(path) => {
            state.set_register_path(path.into())?;
            Ok(Some(crate::commands::app::info(&state)))
        }
        None => Ok(None),
    }
}

/// A file chosen in the system dialog (or, in `e2e-dialogs` builds, from `env_var`).
pub(crate) fn pick_open(app: &AppHandle, env_var: &str) -> IpcResult<Option<String>> {
    #[cfg(feature = "e2e-dialogs")]
    if let Ok(path) = std::env::var(env_var) {
        return Ok(Some(path));
    }
    let _ = env_var;
    use tauri_plugin_dialog::DialogExt;
    local_path(app.dialog().file().blocking_pick_file())
}

/// A new file to save to, chosen in the system dialog with `suggested` as its name (or, in
/// `e2e-dialogs` builds, from `env_var`); None if the dialog was cancelled.
pub fn pick_save(app: &AppHandle, suggested: &str, env_var: &str) -> IpcResult<Option<String>> {
    pick_save_as(app, suggested, env_var, ("PDF", &["pdf"]))
}

/// [`pick_save`] with the dialog's file filter (name, extensions).
pub fn pick_save_as(
    app: &AppHandle,
    suggested: &str,
    env_var: &str,
    filter: (&str, &[&str]),
) -> IpcResult<Option<String>> {
    #[cfg(feature = "e2e-dialogs")]
    if let Ok(path) = std::env::var(env_var) {
        return Ok(Some(path));
    }
    let _ = env_var;
    use tauri_plugin_dialog::DialogExt;
    let picked = app
        .dialog()
        .file()
        .set_file_name(safe_file_name(suggested))
        .add_filter(filter.0, filter.1)
        .blocking_save_file();
    local_path(picked)
}

/// The local path of what a dialog returned (None if it was cancelled).
fn local_path(picked: Option<tauri_plugin_dialog::FilePath>) -> IpcResult<Option<String>> {
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

/// Where decrypted copies of documents go while the app runs: a private folder of this process,
/// removed when the app closes ([`remove_document_copies`]).
fn copies_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("hoso-documents-{}", std::process::id()))
}

/// Removes the decrypted copies (called when the app exits).
pub fn remove_document_copies() {
    let _ = std::fs::remove_dir_all(copies_dir());
}

/// Removes copies left by an instance that ended without exiting cleanly (killed, crashed):
/// on start, every copies folder whose process no longer runs (Linux: no `/proc/<pid>`).
pub fn sweep_stale_document_copies() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("hoso-documents-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = if cfg!(target_os = "linux") {
            running_on_linux(pid)
        } else {
            // Without a cheap liveness check, only this process's own leftovers go.
            pid != std::process::id()
        };
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` still runs: a zombie (ended, not yet reaped by a parent that may
/// never reap it) has ended too.
fn running_on_linux(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) state …": the command name may hold spaces and parentheses.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, Some("Z") | Some("X") | None)
}

/// A file name that stays inside the copies folder whatever the document was called.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_string();
    if trimmed.is_empty() {
        "tai-lieu".into()
    } else {
        trimmed
    }
}

/// Opens a document of a case with the system's viewer: the core decrypts it (and audits the
/// read), the shell writes a temporary copy readable only by this user and hands it to the
/// viewer. Returns the copy's path.
#[tauri::command(async)]
#[specta::specta]
pub fn open_document(state: State<'_, AppState>, key: String, blake3: String) -> IpcResult<String> {
    let (name, content) = state.with_register(|r| {
        let name = r
            .documents(&key)?
            .into_iter()
            .find(|d| d.blake3 == blake3)
            .map(|d| d.name.to_string())
            .unwrap_or_default();
        Ok((name, r.document_content(&key, &blake3)?))
    })?;
    let content = content.ok_or_else(|| {
        anyhow::anyhow!("the document's content has not arrived at this office yet")
    })?;
    let dir = copies_dir().join(&blake3[..blake3.len().min(16)]);
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    let path = dir.join(safe_file_name(&name));
    write_private(&path, &content)?;
    #[cfg(feature = "e2e-dialogs")]
    if std::env::var_os("HOSO_E2E_NO_VIEWER").is_some() {
        return Ok(path.to_string_lossy().into_owned());
    }
    open_with_system_viewer(&path)?;
    Ok(path.to_string_lossy().into_owned())
}

fn write_private(path: &std::path::Path, content: &[u8]) -> IpcResult<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    file.write_all(content)
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    Ok(())
}

/// Writes `content` as `name` into this process's private folder of copies (removed when the app
/// closes), readable only by this user.
pub(crate) fn private_copy(id: &str, name: &str, content: &[u8]) -> IpcResult<std::path::PathBuf> {
    let dir = copies_dir().join(&id[..id.len().min(16)]);
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    let path = dir.join(safe_file_name(name));
    write_private(&path, content)?;
    Ok(path)
}

pub(crate) fn open_with_system_viewer(path: &std::path::Path) -> IpcResult<()> {
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]).arg(path);
        c
    };
    #[cfg(target_os = "macos")]
    let mut command = {
        let mut c = std::process::Command::new("open");
        c.arg(path);
        c
    };
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let mut command = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(path);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting the system viewer: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn copies_keep_inside_their_folder() {
        assert_eq!(safe_file_name("Biên bản.pdf"), "Biên bản.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name(".."), "tai-lieu");
        assert_eq!(safe_file_name("a\u{0}b"), "a_b");
    }
}
