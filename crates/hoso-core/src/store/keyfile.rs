//! The key file (`<register>.keys`): the officers' key slots, as JSON, next to the register.
//! Written atomically (temp file in the same directory, fsync, rename, fsync of the directory),
//! so a crash leaves either the old or the new file, never a torn one.

use std::io::Write;
use std::path::{Path, PathBuf};

use hoso_crypto::KeySlot;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

const FORMAT: &str = "hoso-keys";
const VERSION: u32 = 1;
/// A key file holds a few hundred bytes per officer; refuse to parse anything absurd.
const MAX_LEN: u64 = 1024 * 1024;

/// `<register path>.keys`, e.g. `register.hoso-db.keys`.
pub fn key_file_path(register: &Path) -> PathBuf {
    let mut name = register.as_os_str().to_owned();
    name.push(".keys");
    PathBuf::from(name)
}

#[derive(Serialize, Deserialize)]
pub(crate) struct KeyFile {
    format: String,
    version: u32,
    pub(crate) slots: Vec<KeySlot>,
}

impl KeyFile {
    pub(crate) fn new(slots: Vec<KeySlot>) -> KeyFile {
        KeyFile {
            format: FORMAT.into(),
            version: VERSION,
            slots,
        }
    }

    /// Reads and checks the key file. `Ok(None)` when it does not exist.
    pub(crate) fn load(path: &Path) -> Result<Option<KeyFile>> {
        let corrupt = |reason: String| Error::KeyFileCorrupt {
            path: path.display().to_string(),
            reason,
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Storage(format!("{}: {e}", path.display()))),
        };
        if meta.len() > MAX_LEN {
            return Err(corrupt(format!("{} bytes is far too large", meta.len())));
        }
        let bytes =
            std::fs::read(path).map_err(|e| Error::Storage(format!("{}: {e}", path.display())))?;
        KeyFile::parse(&bytes).map(Some).map_err(corrupt)
    }

    /// Checks the key file's bytes; the error says what is wrong with them.
    pub(crate) fn parse(bytes: &[u8]) -> std::result::Result<KeyFile, String> {
        let file: KeyFile = serde_json::from_slice(bytes).map_err(|e| format!("not valid: {e}"))?;
        if file.format != FORMAT {
            return Err(format!("format {:?} is not {FORMAT:?}", file.format));
        }
        if file.version != VERSION {
            return Err(format!(
                "version {} is not supported by this HoSo (expects {VERSION})",
                file.version
            ));
        }
        let mut logins: Vec<&str> = file.slots.iter().map(|s| s.login()).collect();
        logins.sort_unstable();
        if let Some(w) = logins.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("two key slots for {}", w[0]));
        }
        Ok(file)
    }

    /// Like `load`, but a missing file is `KeyFileMissing`.
    pub(crate) fn load_existing(path: &Path) -> Result<KeyFile> {
        KeyFile::load(path)?.ok_or_else(|| Error::KeyFileMissing {
            path: path.display().to_string(),
        })
    }

    pub(crate) fn slot(&self, login: &str) -> Option<&KeySlot> {
        self.slots.iter().find(|s| s.login() == login)
    }

    /// Replaces the file at `path` atomically.
    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        let io = |e: std::io::Error| Error::Storage(format!("writing {}: {e}", path.display()));
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Storage(e.to_string()))?;
        // tempfile creates the file with mode 0600 on unix: slots are not secret on their own,
        // but nobody else needs to read them.
        let mut tmp = tempfile::Builder::new()
            .prefix(".hoso-keys-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io)?;
        tmp.write_all(&json).map_err(io)?;
        tmp.write_all(b"\n").map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        sync_dir(dir).map_err(io)?;
        Ok(())
    }
}

/// Makes the rename durable: on unix the directory entry lives in the directory's own blocks.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Windows has no directory fsync; `MoveFileEx` (used by `persist`) is durable enough there.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
