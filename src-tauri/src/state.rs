//! What the shell keeps between commands: where the register is and, once unlocked, the open
//! session. Business state lives in the core.

use std::path::PathBuf;

pub struct AppState {
    pub register_path: PathBuf,
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
            register_path: register_path.unwrap_or_else(hoso_core::paths::default_register_path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_flag_overrides_default() {
        let s = AppState::from_args(["hoso-desktop", "--register", "/tmp/x.db"].map(String::from));
        assert_eq!(s.register_path, PathBuf::from("/tmp/x.db"));
        let s = AppState::from_args(["hoso-desktop", "--register=/tmp/y.db"].map(String::from));
        assert_eq!(s.register_path, PathBuf::from("/tmp/y.db"));
    }
}
