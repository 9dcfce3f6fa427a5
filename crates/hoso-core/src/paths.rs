//! Where the register lives when the user does not say: the platform's data directory
//! (`~/.local/share/hoso` on Linux, `%APPDATA%\HoSo\data` on Windows, `~/Library/Application
//! Support/vn.hoso.HoSo` on macOS). The CLI and the app share this one rule.

use std::path::PathBuf;

/// File name of the register inside the data directory.
pub const REGISTER_FILE_NAME: &str = "register.hoso-db";

/// Environment variable that overrides the default register path (scripts, tests, `make run`).
pub const REGISTER_ENV: &str = "HOSO_REGISTER";

/// The register path: `$HOSO_REGISTER` if set, else the platform data directory.
pub fn default_register_path() -> PathBuf {
    if let Some(p) = std::env::var_os(REGISTER_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("vn", "hoso", "HoSo")
        .map(|d| d.data_dir().join(REGISTER_FILE_NAME))
        .unwrap_or_else(|| PathBuf::from(REGISTER_FILE_NAME))
}
