//! The settings screen's administration: offices and trust, officers and passphrases, rules and
//! holidays, the idle time and sync periods. Every permission is checked by the core.
//!
//! File dialogs: in `e2e-dialogs` builds, `HOSO_E2E_ENROLMENT_REQUEST` answers "choose a
//! request file" and `HOSO_E2E_ADMIN_SAVE` answers "save as" (the set-up bundle, the enrolment
//! request), like `files.rs` does for documents.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tauri::{AppHandle, Manager, State};
use zeroize::Zeroizing;

use hoso_core::access::Role;
use hoso_core::register::{
    AdminCapabilities, CertifiedOffice, DeadlineMove, EditableRules, OfficeOverview,
    OfficerOverview, Register, RulesEdit,
};
use hoso_core::store::{kdf_params_for_new_slots, parse_recovery_key};
use hoso_core::text::Text;
use hoso_core::trust::rotate::KeyRotation;

use crate::commands::files;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Runs `f` on the open register on a blocking thread (key derivation and bundles are slow).
async fn on_register<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Register) -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with_register(f))
        .await
        .map_err(|e| IpcError::from(anyhow::anyhow!("administration task failed: {e}")))?
}

/// What the signed-in officer may administer, and this office's key fingerprints.
#[tauri::command(async)]
#[specta::specta]
pub fn admin_capabilities(state: State<'_, AppState>) -> IpcResult<AdminCapabilities> {
    state.with_register(|r| Ok(r.admin_capabilities()?))
}

/// The office list with validity, predecessors, certificates and revocations.
#[tauri::command(async)]
#[specta::specta]
pub fn offices_overview(state: State<'_, AppState>) -> IpcResult<Vec<OfficeOverview>> {
    state.with_register(|r| Ok(r.offices_overview()?))
}

/// Central office: asks for an enrolment request file, then where to save the set-up bundle,
/// certifies the office and writes the bundle. None if a dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn certify_office(
    app: AppHandle,
    valid_until: Option<NaiveDate>,
) -> IpcResult<Option<CertifiedOffice>> {
    let Some(request) = files::pick_open(&app, "HOSO_E2E_ENROLMENT_REQUEST")? else {
        return Ok(None);
    };
    let Some(out) = files::pick_save_as(
        &app,
        "thiet-lap.hoso",
        "HOSO_E2E_ADMIN_SAVE",
        ("hoso", &["hoso"]),
    )?
    else {
        return Ok(None);
    };
    on_register(app, move |r| {
        Ok(Some(r.certify_request_file(
            Path::new(&request),
            Path::new(&out),
            valid_until,
        )?))
    })
    .await
}

/// Central office: revokes every key of `office` with the reason; bundles it signs are refused
/// from now on.
#[tauri::command(async)]
#[specta::specta]
pub fn revoke_office(state: State<'_, AppState>, office: String, reason: String) -> IpcResult<()> {
    state.with_register(|r| Ok(r.revoke_office_with_reason(&office, &reason)?))
}

/// Result of "Đổi khoá": the central office's new key is in use at once; a province's waits
/// for its certificate and its request file was written to `request_path`.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct RotatedKey {
    pub key_id: String,
    pub pending: bool,
    pub request_path: Option<String>,
}

/// Rotates this office's signing key; a province first chooses where to write the request for
/// the central office (None if cancelled).
#[tauri::command]
#[specta::specta]
pub async fn rotate_office_key(app: AppHandle) -> IpcResult<Option<RotatedKey>> {
    let central = app
        .state::<AppState>()
        .with_register(|r| Ok(r.admin_capabilities()?.holds_root))?;
    let out = if central {
        None
    } else {
        match files::pick_save_as(
            &app,
            "yeu-cau-doi-khoa.json",
            "HOSO_E2E_ADMIN_SAVE",
            ("json", &["json"]),
        )? {
            Some(p) => Some(PathBuf::from(p)),
            None => return Ok(None),
        }
    };
    if let Some(out) = &out
        && out.exists()
    {
        return Err(
            anyhow::anyhow!("{} already exists; nothing was changed", out.display()).into(),
        );
    }
    on_register(app, move |r| match r.rotate_signing_key()? {
        KeyRotation::Active { key_id, .. } => Ok(Some(RotatedKey {
            key_id,
            pending: false,
            request_path: None,
        })),
        KeyRotation::Pending { key_id, request } => {
            let out = out.expect("a province chose a file");
            write_new(&out, &request.to_json())?;
            Ok(Some(RotatedKey {
                key_id,
                pending: true,
                request_path: Some(out.display().to_string()),
            }))
        }
    })
    .await
}

/// Province: writes this office's enrolment request to a new file chosen in the dialog (None if
/// cancelled), to carry to the central office.
#[tauri::command]
#[specta::specta]
pub async fn write_enrolment_request(app: AppHandle) -> IpcResult<Option<String>> {
    let Some(out) = files::pick_save_as(
        &app,
        "yeu-cau-dang-ky.json",
        "HOSO_E2E_ADMIN_SAVE",
        ("json", &["json"]),
    )?
    else {
        return Ok(None);
    };
    on_register(app, move |r| {
        let request = r.enrolment_request()?;
        write_new(Path::new(&out), &request.to_json())?;
        Ok(Some(out))
    })
    .await
}

/// The officers of this office.
#[tauri::command(async)]
#[specta::specta]
pub fn officers_overview(state: State<'_, AppState>) -> IpcResult<Vec<OfficerOverview>> {
    state.with_register(|r| Ok(r.officers_overview()?))
}

/// Adds an officer with their first passphrase (administrators).
#[tauri::command]
#[specta::specta]
pub async fn add_officer(
    app: AppHandle,
    login: String,
    name: String,
    role: Role,
    passphrase: String,
) -> IpcResult<()> {
    let passphrase = Zeroizing::new(passphrase);
    on_register(app, move |r| {
        r.add_officer_with_passphrase(
            &login,
            &Text::new(&name),
            role,
            &passphrase,
            &kdf_params_for_new_slots(),
        )?;
        Ok(())
    })
    .await
}

/// Changes an officer's role (administrators; not their own).
#[tauri::command(async)]
#[specta::specta]
pub fn set_officer_role(state: State<'_, AppState>, login: String, role: Role) -> IpcResult<()> {
    state.with_register(|r| {
        r.set_officer_role(&login, role)?;
        Ok(())
    })
}

/// Deactivates an officer (administrators; not themselves).
#[tauri::command(async)]
#[specta::specta]
pub fn deactivate_officer(state: State<'_, AppState>, login: String) -> IpcResult<()> {
    state.with_register(|r| {
        r.deactivate_officer(&login)?;
        Ok(())
    })
}

/// An administrator sets a new passphrase for an officer with the register's recovery key.
#[tauri::command]
#[specta::specta]
pub async fn reset_officer_passphrase(
    app: AppHandle,
    login: String,
    recovery_key: String,
    passphrase: String,
) -> IpcResult<()> {
    let recovery_key = Zeroizing::new(recovery_key);
    let passphrase = Zeroizing::new(passphrase);
    on_register(app, move |r| {
        let rk = parse_recovery_key(&recovery_key)?;
        r.reset_passphrase_with_recovery_key(
            &login,
            &rk,
            &passphrase,
            &kdf_params_for_new_slots(),
        )?;
        Ok(())
    })
    .await
}

/// "Đổi mật khẩu": the signed-in officer changes their own passphrase.
#[tauri::command]
#[specta::specta]
pub async fn change_own_passphrase(
    app: AppHandle,
    current: String,
    passphrase: String,
) -> IpcResult<()> {
    let current = Zeroizing::new(current);
    let passphrase = Zeroizing::new(passphrase);
    on_register(app, move |r| {
        Ok(r.change_own_passphrase(&current, &passphrase)?)
    })
    .await
}

/// The time limits and the holiday calendar in force.
#[tauri::command(async)]
#[specta::specta]
pub fn editable_rules(state: State<'_, AppState>) -> IpcResult<EditableRules> {
    state.with_register(|r| Ok(r.editable_rules()?))
}

/// The open cases whose deadline the edit would move (changes nothing).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_rules_edit(
    state: State<'_, AppState>,
    edit: RulesEdit,
) -> IpcResult<Vec<DeadlineMove>> {
    state.with_register(|r| Ok(r.preview_rules_edit(edit)?))
}

/// Saves the edit of the time limits or the holiday calendar (administrators; audited).
#[tauri::command(async)]
#[specta::specta]
pub fn save_rules_edit(state: State<'_, AppState>, edit: RulesEdit) -> IpcResult<()> {
    state.with_register(|r| Ok(r.edit_rules(edit)?))
}

/// The idle time before the app locks, in minutes.
#[tauri::command(async)]
#[specta::specta]
pub fn idle_minutes(state: State<'_, AppState>) -> IpcResult<u32> {
    state.with_register(|r| Ok(r.idle_minutes()?))
}

/// Sets the idle time before the app locks (administrators; audited).
#[tauri::command(async)]
#[specta::specta]
pub fn set_idle_minutes(state: State<'_, AppState>, minutes: u32) -> IpcResult<()> {
    state.with_register(|r| Ok(r.set_idle_minutes(minutes)?))
}

/// Sets how often bundles should be exchanged with `office` (administrators; audited).
#[tauri::command(async)]
#[specta::specta]
pub fn set_sync_period(state: State<'_, AppState>, office: String, days: u32) -> IpcResult<()> {
    state.with_register(|r| Ok(r.set_sync_period(&office, i64::from(days))?))
}

/// Writes `text` to a new file, never replacing one.
fn write_new(path: &Path, text: &str) -> IpcResult<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    Ok(())
}
