//! Case documents: contents stored encrypted inside the register, content-addressed by BLAKE3;
//! the case's append-only "documents" log carries the metadata.

use rusqlite::{OptionalExtension, params};

use super::project::{case_log, case_ref, db};
use super::{Register, audit, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::{DocumentMeta, TimelineEntry, TimelineKind};
use crate::oplog::ScopeUnit;
use crate::text::Text;

/// Default largest attachment: 50 MB.
pub const DEFAULT_ATTACHMENT_LIMIT: u64 = 50 * 1000 * 1000;

impl Register {
    /// The largest attachment this session accepts (default [`DEFAULT_ATTACHMENT_LIMIT`]).
    pub fn set_attachment_limit(&mut self, bytes: u64) {
        self.attachment_limit = bytes;
    }

    /// Attaches a document to a case. Identical contents are stored once.
    pub fn attach_document(
        &mut self,
        key: &str,
        name: &Text,
        media_type: &str,
        content: &[u8],
    ) -> Result<DocumentMeta> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let name = Text::new(name.as_str().trim());
        if name.is_empty() {
            return Err(Error::invalid("document name", "must not be empty"));
        }
        let size = content.len() as u64;
        if size > self.attachment_limit {
            return Err(Error::invalid(
                "attachment",
                format!(
                    "{name} is {size} bytes, over the limit of {} bytes",
                    self.attachment_limit
                ),
            ));
        }
        let media_type = match media_type.trim() {
            "" => "application/octet-stream".to_string(),
            m => m.to_string(),
        };
        let meta = DocumentMeta {
            blake3: blake3::hash(content).to_hex().to_string(),
            name,
            media_type,
            size,
            added: today(),
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            txn.tx()
                .execute(
                    "INSERT OR IGNORE INTO document_blobs(blake3, size, content) VALUES (?1, ?2, ?3)",
                    params![meta.blake3, size as i64, content],
                )
                .map_err(db)?;
            let e = case_ref(&id);
            let sc = ScopeUnit::new(format!("case:{id}"));
            txn.append(&sc, &e, "documents", serde_json::to_value(&meta).expect("serialises"))?;
            let entry = TimelineEntry {
                kind: TimelineKind::Document,
                date: meta.added,
                author: s.login.clone(),
                from: None,
                to: None,
                note: meta.name.clone(),
            };
            txn.append(&sc, &e, "timeline", serde_json::to_value(entry).expect("serialises"))?;
            audit(txn, s, "case.document", &format!("case:{id}"), serde_json::json!({
                "blake3": meta.blake3, "size": size,
            }))
        })?;
        Ok(meta)
    }

    /// The documents of a case (metadata).
    pub fn documents(&self, key: &str) -> Result<Vec<DocumentMeta>> {
        let case = self.case(key)?;
        case_log(self.conn(), &case.id, "documents")
    }

    /// The contents of one of the case's documents; `None` when its contents have not arrived
    /// yet (a bundle carried the metadata only).
    pub fn document_content(&self, key: &str, blake3: &str) -> Result<Option<Vec<u8>>> {
        let docs = self.documents(key)?;
        let hash = blake3.trim().to_ascii_lowercase();
        if !docs.iter().any(|d| d.blake3 == hash) {
            return Err(Error::NotFound {
                entity: "document",
                key: hash,
            });
        }
        self.conn()
            .query_row(
                "SELECT content FROM document_blobs WHERE blake3 = ?1",
                [&hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }
}
