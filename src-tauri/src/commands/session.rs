use tauri::State;
use zeroize::Zeroizing;

use hoso_core::register::{Register, SignedIn};
use hoso_core::store::Store;

use crate::error::IpcResult;
use crate::state::AppState;

/// Opens the register with the officer's passphrase and keeps the session until `lock`.
#[tauri::command(async)]
#[specta::specta]
pub fn unlock(
    state: State<'_, AppState>,
    login: String,
    passphrase: String,
) -> IpcResult<SignedIn> {
    let passphrase = Zeroizing::new(passphrase);
    let store = Store::open(state.register_path(), &login, &passphrase)?;
    let register = Register::session(store, &login)?;
    let signed_in = register.whoami()?;
    state.set_session(register);
    Ok(signed_in)
}

/// Closes the register; its keys are dropped and zeroized.
#[tauri::command(async)]
#[specta::specta]
pub fn lock(state: State<'_, AppState>) -> IpcResult<()> {
    state.clear_session();
    Ok(())
}

/// Seconds without input before the app locks itself (office setting in minutes, default 10).
#[tauri::command(async)]
#[specta::specta]
pub fn idle_seconds(state: State<'_, AppState>) -> IpcResult<u32> {
    state.with_register(|r| Ok(r.idle_seconds()?))
}
