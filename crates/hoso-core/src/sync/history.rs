//! The sync history (every bundle written here, imported here, or refused here, newest first,
//! by pages), the bundles refused at import, and the names of bundle files.
//!
//! File names: `HoSo_<from>_den_<to>_<yyyy-mm-dd>_<seq>.hoso` ("den": "đến", to), e.g.
//! `HoSo_TW_den_HN_2026-11-29_5.hoso`. A bundle for several offices joins their codes with
//! `-` in alphabetical order (`HoSo_TW_den_HCM-HN_2026-11-29_6.hoso`); the date is the local
//! date the bundle was written, the sequence the sender's bundle counter.

use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{ExportReport, Progress, now_text};
use crate::bundle::Claim;
use crate::error::{Error, Result};
use crate::register::Register;

/// The file name of a bundle from `from` to `to` (see the module docs).
pub fn bundle_file_name(from: &str, to: &[String], date: chrono::NaiveDate, seq: u64) -> String {
    let mut to: Vec<&str> = to.iter().map(String::as_str).collect();
    to.sort_unstable();
    to.dedup();
    format!(
        "HoSo_{from}_den_{}_{}_{seq}.hoso",
        to.join("-"),
        date.format("%Y-%m-%d")
    )
}

/// Which bundles a history page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum HistoryDirection {
    Sent,
    Received,
    Rejected,
}

impl HistoryDirection {
    fn as_str(self) -> &'static str {
        match self {
            HistoryDirection::Sent => "sent",
            HistoryDirection::Received => "received",
            HistoryDirection::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> HistoryDirection {
        match s {
            "sent" => HistoryDirection::Sent,
            "received" => HistoryDirection::Received,
            _ => HistoryDirection::Rejected,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryFilter {
    /// Only bundles to or from this office.
    pub peer: Option<String>,
    pub direction: Option<HistoryDirection>,
}

/// One bundle of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryEntry {
    pub direction: HistoryDirection,
    /// Empty for a refused file that could not be read.
    pub bundle_id: String,
    /// The recipients of a bundle sent; the sender of one received or refused.
    pub peers: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub sequence: Option<u64>,
    /// When it was written (sent) or imported / refused here (RFC 3339, UTC).
    pub at: String,
    /// Operations it carried (received: new and already known ones).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub operations: u64,
    /// Received: the operations that were new here.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub new_operations: Option<u64>,
    /// Refused: the error's code and detail, and the file's name.
    pub problem: Option<super::BundleProblem>,
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// Entries matching the filter, all pages together.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
}

/// The most rows one page may ask for.
const MAX_PAGE: u32 = 500;

const HISTORY: &str = "
    SELECT direction, bundle_id, peers, sequence, at, ops, new_ops, code, reason, file_name
    FROM (
        SELECT 'sent' AS direction, bundle_id, recipients AS peers, sequence, created_at AS at,
               ops, NULL AS new_ops, NULL AS code, NULL AS reason, NULL AS file_name
        FROM sync_sent
        UNION ALL
        SELECT 'received', bundle_id, json_array(sender), sequence, imported_at,
               new_ops + known_ops, new_ops, NULL, NULL, NULL
        FROM sync_received
        UNION ALL
        SELECT 'rejected', coalesce(bundle_id, ''), iif(sender IS NULL, '[]', json_array(sender)),
               sequence, at, 0, NULL, code, reason, file_name
        FROM sync_rejected
    )
    WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM json_each(peers) WHERE value = ?1))
      AND (?2 IS NULL OR direction = ?2)";

impl Register {
    /// One page of the sync history, newest first (`offset`, at most `limit` rows).
    pub fn sync_history(
        &self,
        filter: &HistoryFilter,
        offset: u32,
        limit: u32,
    ) -> Result<HistoryPage> {
        let conn = self.store().conn();
        let peer = filter
            .peer
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(crate::model::normalise_office_code)
            .transpose()?;
        let direction = filter.direction.map(HistoryDirection::as_str);
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM ({HISTORY})"),
            params![peer, direction],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(&format!(
            "{HISTORY} ORDER BY at DESC, sequence DESC LIMIT ?3 OFFSET ?4"
        ))?;
        let rows = stmt.query_map(params![peer, direction, limit.min(MAX_PAGE), offset], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (direction, bundle_id, peers, sequence, at, ops, new_ops, code, reason, file) =
                row?;
            let problem = code.map(|code| super::BundleProblem {
                code: serde_json::from_value(serde_json::Value::String(code))
                    .unwrap_or(crate::error::ErrorCode::BundleMalformed),
                detail: reason.unwrap_or_default(),
            });
            entries.push(HistoryEntry {
                direction: HistoryDirection::parse(&direction),
                bundle_id,
                peers: serde_json::from_str(&peers).unwrap_or_default(),
                sequence: sequence.map(|s| s as u64),
                at,
                operations: ops as u64,
                new_operations: new_ops.map(|n| n as u64),
                problem,
                file_name: file,
            });
        }
        Ok(HistoryPage {
            entries,
            total: total as u64,
        })
    }

    /// [`Register::export_bundle_to_file`] into the folder `dir`, under the bundle's standard
    /// name (module docs). The name carries the sequence the export will take; should another
    /// process have exported meanwhile, the file is renamed to the sequence it got.
    pub fn export_bundle_to_folder(
        &mut self,
        to: &[String],
        full: bool,
        dir: &Path,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(ExportReport, PathBuf)> {
        self.require(crate::access::Permission::BundleExport)?;
        let me = self.session_info().office.clone();
        let today = crate::register::today();
        let next = super::recovery::next_bundle_sequence(self.store().conn())?;
        let out = dir.join(bundle_file_name(&me, to, today, next));
        let report = self.export_bundle_to_file(to, full, &out, progress)?;
        if report.sequence == next {
            return Ok((report, out));
        }
        let right = dir.join(bundle_file_name(&me, to, today, report.sequence));
        if !right.exists() && std::fs::rename(&out, &right).is_ok() {
            return Ok((report, right));
        }
        Ok((report, out))
    }
}

/// Whether an import error is the bundle's refusal (recorded in the history) rather than a
/// failure to read the file or of this register.
pub(crate) fn is_rejection(e: &Error) -> bool {
    let code = e.code();
    code != "bundle-io"
        && (code.starts_with("bundle-")
            || code.starts_with("trust-")
            || code.starts_with("segment-")
            || code == "op-not-authorised")
}

/// Records a refused bundle (history and audit).
pub(crate) fn record_rejection(
    reg: &mut Register,
    path: &Path,
    claim: Option<&Claim>,
    e: &Error,
) -> Result<()> {
    let login = reg.session_info().login.clone();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tx = reg.store_mut().conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO sync_rejected(at, file_name, sender, sequence, bundle_id, code, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            now_text(),
            file_name,
            claim.map(|c| c.sender.clone()),
            claim.map(|c| c.sequence as i64),
            claim.map(|c| c.bundle_id.clone()),
            e.code(),
            e.to_string()
        ],
    )?;
    crate::audit::append(
        &tx,
        &crate::audit::NewEntry::new(
            &login,
            "bundle.rejected",
            format!(
                "bundle:{}",
                claim.map(|c| c.bundle_id.as_str()).unwrap_or("?")
            ),
            serde_json::json!({
                "file": file_name,
                "sender": claim.map(|c| c.sender.clone()),
                "code": e.code(),
            }),
        ),
    )?;
    Ok(tx.commit()?)
}
