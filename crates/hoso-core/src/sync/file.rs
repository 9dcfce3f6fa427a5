//! Writing a bundle file: through a temporary file in the destination's directory, synced,
//! then renamed without replacing anything, so a stick pulled out mid-write never holds a
//! complete-looking bundle and an existing file is never overwritten.

use std::io::{BufWriter, Write};
use std::path::Path;

use super::{ExportReport, Progress};
use crate::error::{Error, Result};
use crate::register::Register;

fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::BundleIo(format!("{}: {e}", path.display()))
}

fn exists(path: &Path) -> Error {
    Error::AlreadyExists {
        entity: "file",
        key: path.display().to_string(),
    }
}

/// Runs `write` into a new file at `out` (see the module docs); on any error nothing is left.
pub fn write_new_file<T>(out: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    if out.exists() {
        return Err(exists(out));
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".hoso-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, e))?;
    let value = {
        let mut w = BufWriter::new(tmp.as_file_mut());
        let value = write(&mut w)?;
        w.flush().map_err(|e| io_error(out, e))?;
        value
    };
    tmp.as_file().sync_all().map_err(|e| io_error(out, e))?;
    tmp.persist_noclobber(out).map_err(|e| {
        if out.exists() {
            exists(out)
        } else {
            io_error(out, e.error)
        }
    })?;
    // The rename reaches the disk only with the directory.
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error(dir, e))?;
    Ok(value)
}

impl Register {
    /// [`Register::export_bundle`] into the new file `out` (never overwritten). If the file
    /// cannot be completed nothing is recorded: the export's transaction commits only after
    /// the bundle was written; a failure of the final rename leaves its sequence number used.
    pub fn export_bundle_to_file(
        &mut self,
        to: &[String],
        full: bool,
        out: &Path,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<ExportReport> {
        write_new_file(out, |w| self.export_bundle(to, full, w, progress))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_never_replaced_and_a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a.hoso");
        write_new_file(&out, |w| {
            w.write_all(b"first").map_err(|e| io_error(&out, e))
        })
        .unwrap();
        let err = write_new_file(&out, |w| {
            w.write_all(b"second").map_err(|e| io_error(&out, e))
        })
        .unwrap_err();
        assert_eq!(err.code(), "already-exists");
        assert_eq!(std::fs::read(&out).unwrap(), b"first");
        let other = dir.path().join("b.hoso");
        let failed: Result<()> = write_new_file(&other, |w| {
            w.write_all(b"half").map_err(|e| io_error(&other, e))?;
            Err(Error::BundleIo("the stick was pulled out".into()))
        });
        assert!(failed.is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only a.hoso: no temporary or partial file");
    }
}
