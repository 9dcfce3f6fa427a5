//! What the shell keeps between commands: where the register is and, once unlocked, the open
//! session. Business state lives in the core.

use std::path::PathBuf;
use std::sync::Mutex;

use hoso_core::register::Register;

use crate::error::{IpcError, IpcResult};

pub struct AppState {
    register_path: Mutex<PathBuf>,
    session: Mutex<Option<Register>>,
}

impl AppState {
    /// The register path: `--register PATH` on the command line, else the core's default
    /// (`$HOSO_REGISTER` or the platform data directory).
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Self {
        let mut args = args.into_iter();
        let mut register_path = None;
        while let Some(arg) = args.next() {
            if arg == "--register" {
                register_path = args.next().map(PathBuf::from);
            } else if let Some(p) = arg.strip_prefix("--register=") {
                register_path = Some(PathBuf::from(p));
            }
        }
        AppState {
            register_path: Mutex::new(
                register_path.unwrap_or_else(hoso_core::paths::default_register_path),
            ),
            session: Mutex::new(None),
        }
    }

    /// The register file the next unlock opens.
    pub fn register_path(&self) -> PathBuf {
        self.register_path
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Another register file ("Mở sổ khác…"): only while no register is open.
    pub fn set_register_path(&self, path: PathBuf) -> IpcResult<()> {
        let session = self.lock_session();
        if session.is_some() {
            return Err(anyhow::anyhow!("lock the open register before opening another").into());
        }
        *self
            .register_path
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = path;
        Ok(())
    }

    pub fn set_session(&self, register: Register) {
        *self.lock_session() = Some(register);
    }

    pub fn clear_session(&self) {
        self.lock_session().take();
    }

    /// Runs `f` on the open register, or fails with `locked`.
    pub fn with_register<T>(&self, f: impl FnOnce(&mut Register) -> IpcResult<T>) -> IpcResult<T> {
        let mut guard = self.lock_session();
        let register = guard.as_mut().ok_or_else(IpcError::locked)?;
        f(register)
    }

    // A panic inside a command must not leave the register unusable for the next one.
    fn lock_session(&self) -> std::sync::MutexGuard<'_, Option<Register>> {
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_flag_overrides_default() {
        let s = AppState::from_args(["hoso-desktop", "--register", "/tmp/x.db"].map(String::from));
        assert_eq!(s.register_path(), PathBuf::from("/tmp/x.db"));
        let s = AppState::from_args(["hoso-desktop", "--register=/tmp/y.db"].map(String::from));
        assert_eq!(s.register_path(), PathBuf::from("/tmp/y.db"));
        s.set_register_path(PathBuf::from("/tmp/z.db")).unwrap();
        assert_eq!(s.register_path(), PathBuf::from("/tmp/z.db"));
    }
}
