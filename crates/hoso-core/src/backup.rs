//! Backup and restore of the register.
//!
//! A backup is a folder `HoSo_saoluu_<office>_<yyyy-mm-dd>_<hhmmss>` in a folder the officer
//! chose, holding `register.hoso-db` (a consistent copy of the open register made with SQLite's
//! online backup API, encrypted with the register's own key), `register.hoso-db.keys` (the key
//! file: the copy opens with the same passphrases) and `backup.json` (what it is, of which
//! office, when). It is written in a hidden temporary folder (`.hoso-backup-*.part`) beside
//! it, synced, then renamed: nothing ever appears under the final name unless complete. A
//! full or read-only drive fails with [`Error::BackupIo`] and leaves nothing.
//!
//! Restore replaces the register with a backup: the backup is copied next to the register,
//! opened with the officer's passphrase (an administrator of the backup's office), and only
//! then does the current register (with its key file) move aside, to
//! `<register>.truoc-khoi-phuc-<yyyymmdd-hhmmss>`, never deleted. The restore is audited in the
//! restored register.
//!
//! Both are for administrators (`office.admin`): a backup holds every case and denouncer, and
//! a restore throws away what was written since the backup (it comes back from the other
//! offices only as far as they hold it).

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::store::{Store, key_file_path};

/// The register file's name inside a backup folder.
pub const BACKUP_REGISTER: &str = "register.hoso-db";
/// The description file inside a backup folder.
pub const BACKUP_MANIFEST: &str = "backup.json";
const FORMAT: &str = "hoso-backup";
const VERSION: u32 = 1;
/// `office_settings` keys where the last backup is recorded (local, never synced).
const LAST_AT: &str = "backup.last-at";
const LAST_FOLDER: &str = "backup.last-folder";

/// `backup.json`: what a backup folder holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub format: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub version: u32,
    /// The office whose register it is.
    pub office: String,
    /// When the copy was made (RFC 3339, UTC).
    pub created: String,
    /// Who made it.
    pub by: String,
    /// The register's schema version at the time.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub schema_version: u32,
    /// Size of the register copy in bytes.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub bytes: u64,
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupReport {
    /// The backup folder (complete).
    pub folder: String,
    pub info: BackupInfo,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    pub info: BackupInfo,
    /// Where the register that was replaced went (None: there was none).
    pub set_aside: Option<String>,
}

/// Progress of a backup, in pages of the register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupProgress {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub done: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
}

fn backup_io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::BackupIo {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Failures of the store while writing into the backup folder are the drive's.
fn on_drive(path: &Path, e: Error) -> Error {
    match e {
        Error::Storage(reason) => backup_io(path, reason),
        other => other,
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(|e| backup_io(path, e))?;
    f.write_all(bytes).map_err(|e| backup_io(path, e))?;
    f.sync_all().map_err(|e| backup_io(path, e))
}

/// The backup folder's name for `office` at `now` (local time: what the officer reads).
fn folder_name(office: &str, now: chrono::DateTime<chrono::Local>) -> String {
    format!("HoSo_saoluu_{office}_{}", now.format("%Y-%m-%d_%H%M%S"))
}

impl Register {
    /// Whether the signed-in officer may back the register up and restore it (administrators).
    pub fn check_may_back_up(&self) -> Result<()> {
        self.require(Permission::OfficeAdmin)
    }

    /// Backs the register up into a new folder inside `parent` (see the module docs).
    /// Administrators only; audited; the date is kept for [`Register::last_backup`].
    pub fn backup_to(
        &mut self,
        parent: &Path,
        progress: &mut dyn FnMut(&BackupProgress),
    ) -> Result<BackupReport> {
        self.require(Permission::OfficeAdmin)?;
        let office = self.session_info().office.clone();
        let login = self.session_info().login.clone();
        if !parent.is_dir() {
            return Err(backup_io(parent, "not a folder that exists"));
        }
        let local_now = chrono::Local::now();
        let mut name = folder_name(&office, local_now);
        let mut n = 1;
        while parent.join(&name).exists() {
            n += 1;
            name = format!("{}_{n}", folder_name(&office, local_now));
        }
        let final_dir = parent.join(&name);
        let tmp = tempfile::Builder::new()
            .prefix(".hoso-backup-")
            .suffix(".part")
            .tempdir_in(parent)
            .map_err(|e| backup_io(parent, e))?;
        let db_path = tmp.path().join(BACKUP_REGISTER);
        self.store()
            .backup_into(&db_path, &mut |done, total| {
                progress(&BackupProgress { done, total })
            })
            .map_err(|e| on_drive(&final_dir, e))?;
        let bytes = std::fs::metadata(&db_path)
            .map_err(|e| backup_io(&db_path, e))?
            .len();
        let info = BackupInfo {
            format: FORMAT.into(),
            version: VERSION,
            office: office.clone(),
            created: crate::trust::time_text(&Utc::now()),
            by: login.clone(),
            schema_version: crate::store::schema_version(),
            bytes,
        };
        let json = serde_json::to_vec_pretty(&info).expect("serialises");
        write_synced(&tmp.path().join(BACKUP_MANIFEST), &json)?;
        sync_dir(tmp.path()).map_err(|e| backup_io(&final_dir, e))?;
        // The folder appears under its final name complete, or not at all.
        let tmp_path = tmp.keep();
        if let Err(e) = std::fs::rename(&tmp_path, &final_dir) {
            let _ = std::fs::remove_dir_all(&tmp_path);
            return Err(backup_io(&final_dir, e));
        }
        sync_dir(parent).map_err(|e| backup_io(parent, e))?;
        let folder = final_dir.display().to_string();
        let tx = self.store_mut().conn_mut().transaction()?;
        for (key, value) in [(LAST_AT, info.created.as_str()), (LAST_FOLDER, &folder)] {
            tx.execute(
                "INSERT INTO office_settings(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "register.backup",
                format!("office:{office}"),
                serde_json::json!({ "folder": name, "bytes": bytes }),
            ),
        )?;
        tx.commit()?;
        Ok(BackupReport { folder, info })
    }

    /// When this register was last backed up (RFC 3339, UTC), if ever (from this workstation).
    pub fn last_backup(&self) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        self.store()
            .conn()
            .query_row(
                "SELECT value FROM office_settings WHERE key = ?1",
                [LAST_AT],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::from)
    }
}

/// Reads and checks a backup folder's description and files (nothing is opened or written).
pub fn read_backup(folder: &Path) -> Result<BackupInfo> {
    let not_backup = |reason: &str| Error::Invalid {
        field: "backup".into(),
        reason: format!("{} is not a HoSo backup: {reason}", folder.display()),
    };
    let manifest = folder.join(BACKUP_MANIFEST);
    let bytes = match std::fs::read(&manifest) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_backup("it has no backup.json"));
        }
        Err(e) => return Err(backup_io(&manifest, e)),
    };
    if bytes.len() > 64 * 1024 {
        return Err(not_backup("its backup.json is far too large"));
    }
    let info: BackupInfo =
        serde_json::from_slice(&bytes).map_err(|e| not_backup(&format!("backup.json: {e}")))?;
    if info.format != FORMAT || info.version != VERSION {
        return Err(not_backup("backup.json names another format or version"));
    }
    let db_path = folder.join(BACKUP_REGISTER);
    let len = std::fs::metadata(&db_path)
        .map_err(|_| not_backup("the register copy is missing"))?
        .len();
    if len != info.bytes {
        return Err(not_backup(
            "the register copy is not the size backup.json records (incomplete or altered)",
        ));
    }
    if !key_file_path(&db_path).is_file() {
        return Err(not_backup("the key file is missing"));
    }
    Ok(info)
}

fn copy_synced(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(|e| backup_io(from, e))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut dst = options.open(to).map_err(|e| backup_io(to, e))?;
    std::io::copy(&mut src, &mut dst).map_err(|e| backup_io(to, e))?;
    dst.sync_all().map_err(|e| backup_io(to, e))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Replaces the register at `register` (closed: no session may hold it) with the backup in
/// `folder`, as the officer `login` (an administrator in the backup) — see the module docs.
/// Returns the restored register's report; sign in again afterwards.
pub fn restore_backup(
    register: &Path,
    folder: &Path,
    login: &str,
    passphrase: &str,
) -> Result<RestoreReport> {
    let info = read_backup(folder)?;
    if info.schema_version > crate::store::schema_version() {
        return Err(Error::NewerSchema {
            path: folder.display().to_string(),
            found: info.schema_version,
            supported: crate::store::schema_version(),
        });
    }
    let dir = match register.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::Storage(format!("{}: {e}", dir.display())))?;
    // 1. A copy of the backup beside the register (the backup itself is never written to).
    let staging = tempfile::Builder::new()
        .prefix(".hoso-restore-")
        .suffix(".part")
        .tempdir_in(&dir)
        .map_err(|e| Error::Storage(format!("{}: {e}", dir.display())))?;
    let staged = staging.path().join(BACKUP_REGISTER);
    let src = folder.join(BACKUP_REGISTER);
    copy_synced(&src, &staged)?;
    copy_synced(&key_file_path(&src), &key_file_path(&staged))?;
    Store::check_key_file(&staged)?;
    // 2. It opens with this officer's passphrase, is the backup's office, and the officer may
    //    restore it.
    {
        let store = Store::open(&staged, login, passphrase)?;
        let reg = Register::session(store, login)?;
        reg.require(Permission::OfficeAdmin)?;
        if reg.session_info().office != info.office {
            return Err(Error::invalid(
                "backup",
                format!(
                    "backup.json names office {} but the copy is office {}",
                    info.office,
                    reg.session_info().office
                ),
            ));
        }
        // Closing checkpoints the copy's WAL into the file: one file to move.
        reg.into_store().close()?;
    }
    // 3. The current register moves aside (never deleted), the copy takes its place.
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let aside = with_suffix(register, &format!(".truoc-khoi-phuc-{stamp}"));
    let mut set_aside = None;
    if register.exists() || key_file_path(register).exists() {
        if aside.exists() {
            return Err(Error::AlreadyExists {
                entity: "file",
                key: aside.display().to_string(),
            });
        }
        for suffix in ["", "-wal", "-shm", ".keys"] {
            let from = with_suffix(register, suffix);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&aside, suffix))
                    .map_err(|e| Error::Storage(format!("{}: {e}", from.display())))?;
            }
        }
        set_aside = Some(aside.display().to_string());
    }
    for suffix in ["", ".keys"] {
        let from = with_suffix(&staged, suffix);
        std::fs::rename(&from, with_suffix(register, suffix))
            .map_err(|e| Error::Storage(format!("{}: {e}", from.display())))?;
    }
    sync_dir(&dir).map_err(|e| Error::Storage(format!("{}: {e}", dir.display())))?;
    // 4. Audited in the restored register.
    let store = Store::open(register, login, passphrase)?;
    let mut reg = Register::session(store, login)?;
    let tx = reg.store_mut().conn_mut().transaction()?;
    crate::audit::append(
        &tx,
        &crate::audit::NewEntry::new(
            login,
            "register.restore",
            format!("office:{}", info.office),
            serde_json::json!({
                "backup_created": info.created,
                "folder": folder.file_name().map(|n| n.to_string_lossy().into_owned()),
                "set_aside": aside.file_name().map(|n| n.to_string_lossy().into_owned()),
            }),
        ),
    )?;
    tx.commit()?;
    Ok(RestoreReport { info, set_aside })
}

#[cfg(test)]
mod tests;
