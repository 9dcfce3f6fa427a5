//! The store's half of a backup: a consistent copy of the open register made with SQLite's
//! online backup API (not a file copy: the register may be written to meanwhile and holds a
//! WAL), into a new file keyed with the same data key, so the copy is encrypted exactly like
//! the register and opens with the same key slots; plus a copy of the key file.

use std::path::Path;

use rusqlite::OpenFlags;
use rusqlite::backup::{Backup, StepResult};

use super::{KeyFile, Store, key_file_path, keyed_connection};
use crate::{Error, Result};

/// Pages copied per step of the backup (4 KiB pages: 1 MiB per step).
const PAGES_PER_STEP: i32 = 256;

impl Store {
    /// Copies the register into the new file `dst` (which must not exist) and its key file next
    /// to it (`<dst>.keys`). `progress(done, total)` counts pages. Both files are synced to disk
    /// before this returns; the caller renames them into place.
    pub(crate) fn backup_into(&self, dst: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let storage = |e: rusqlite::Error| Error::Storage(format!("{}: {e}", dst.display()));
        let io = |e: std::io::Error| Error::Storage(format!("{}: {e}", dst.display()));
        // The key file first: a register without the slots that open it is no backup.
        let keys = self.load_keys()?;
        if keys.slots.is_empty() {
            return Err(Error::KeyFileMissing {
                path: self.keys_path().display().to_string(),
            });
        }
        keys.save(&key_file_path(dst))?;
        {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let mut out = keyed_connection(dst, flags, &self.key)?;
            // No journal file beside the copy: it is written once, then synced and closed.
            out.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
                .map_err(storage)?;
            let backup = Backup::new(&self.conn, &mut out).map_err(storage)?;
            loop {
                let step = backup.step(PAGES_PER_STEP).map_err(storage)?;
                let p = backup.progress();
                let total = p.pagecount.max(0) as u64;
                progress(total.saturating_sub(p.remaining.max(0) as u64), total);
                match step {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // Another connection (another process) holds a lock: wait a little.
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
            drop(backup);
            // The copy carries the source's WAL flag in its header; the register that is
            // restored from it switches to WAL again when it opens.
            out.close().map_err(|(_, e)| storage(e))?;
        }
        std::fs::File::open(dst)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        Ok(())
    }

    /// Whether `path`'s key file parses (a backup's check before anything is replaced).
    pub(crate) fn check_key_file(register: &Path) -> Result<()> {
        KeyFile::load_existing(&key_file_path(register)).map(drop)
    }
}
