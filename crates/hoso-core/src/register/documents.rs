//! Documents: contents stored encrypted inside the register, content-addressed by BLAKE3; an
//! append-only "documents" log carries the metadata.
//!
//! - Case documents: the case's log (unit `case:<id>`), synced to every office of the case.
//! - Denouncer documents (the letter's scan): the denouncer's log (entity kind `denouncer`,
//!   unit `denouncer:<case id>`), under the denouncer's rules — written by the lead office only
//!   (`denouncer.write`, and `authority`), synced only to the lead office, read with
//!   `denouncer.read`.
//!
//! Every read of a document's contents is audited (`case.document.read`,
//! `denouncer.document.read`), and so is every listing of the denouncer's documents.

use rusqlite::{OptionalExtension, params};

use super::project::{KIND_CASE, KIND_DENOUNCER, case_log, case_ref};
use super::{Register, Session, audit, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::{Case, CaseKind, DocumentMeta, TimelineEntry, TimelineKind};
use crate::oplog::{self, Change, EntityRef, Op, ScopeUnit};
use crate::text::Text;

/// Default largest attachment: 50 MB.
pub const DEFAULT_ATTACHMENT_LIMIT: u64 = 50 * 1000 * 1000;

/// The attachment a "documents" entry names (of a case or of a denouncer): what a bundle must
/// carry with the op, and the only attachments an import stores.
pub(crate) fn attachment_of(op: &Op) -> Option<String> {
    match &op.change {
        Change::Append { log, entry }
            if log == "documents"
                && matches!(op.entity.kind.as_str(), KIND_CASE | KIND_DENOUNCER) =>
        {
            entry.get("blake3")?.as_str().map(str::to_string)
        }
        _ => None,
    }
}

/// Checks a new document and builds its metadata.
fn new_meta(limit: u64, name: &Text, media_type: &str, content: &[u8]) -> Result<DocumentMeta> {
    let name = Text::new(name.as_str().trim());
    if name.is_empty() {
        return Err(Error::invalid("document name", "must not be empty"));
    }
    let size = content.len() as u64;
    if size > limit {
        return Err(Error::invalid(
            "attachment",
            format!("{name} is {size} bytes, over the limit of {limit} bytes"),
        ));
    }
    let media_type = match media_type.trim() {
        "" => "application/octet-stream".to_string(),
        m => m.to_string(),
    };
    Ok(DocumentMeta {
        blake3: blake3::hash(content).to_hex().to_string(),
        name,
        media_type,
        size,
        added: today(),
    })
}

/// Stores contents once (identical contents share one row).
fn store_blob(tx: &rusqlite::Connection, meta: &DocumentMeta, content: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO document_blobs(blake3, size, content) VALUES (?1, ?2, ?3)",
        params![meta.blake3, meta.size as i64, content],
    )?;
    Ok(())
}

/// The case log naming the documents taken off the case's list.
const DOCUMENT_REMOVALS: &str = "document_removals";

/// One document taken off a case's list.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct DocumentRemoval {
    blake3: String,
    date: chrono::NaiveDate,
    reason: Text,
}

/// The case's documents in the order they were attached, without those removed.
pub(crate) fn listed_documents(
    conn: &rusqlite::Connection,
    case_id: &str,
) -> Result<Vec<DocumentMeta>> {
    let removed: Vec<DocumentRemoval> = case_log(conn, case_id, DOCUMENT_REMOVALS)?;
    let mut docs: Vec<DocumentMeta> = case_log(conn, case_id, "documents")?;
    docs.retain(|d| !removed.iter().any(|r| r.blake3 == d.blake3));
    Ok(docs)
}

fn denouncer_ref(case_id: &str) -> EntityRef {
    EntityRef::new(KIND_DENOUNCER, case_id)
}

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
        let meta = new_meta(self.attachment_limit, name, media_type, content)?;
        let size = meta.size;
        let id = case.id.clone();
        self.write(|txn, s| {
            store_blob(txn.tx(), &meta, content)?;
            let e = case_ref(&id);
            let sc = ScopeUnit::new(format!("case:{id}"));
            txn.append(
                &sc,
                &e,
                "documents",
                serde_json::to_value(&meta).expect("serialises"),
            )?;
            let entry = TimelineEntry {
                kind: TimelineKind::Document,
                date: meta.added,
                author: s.login.clone(),
                from: None,
                to: None,
                note: meta.name.clone(),
            };
            txn.append(
                &sc,
                &e,
                "timeline",
                serde_json::to_value(entry).expect("serialises"),
            )?;
            audit(
                txn,
                s,
                "case.document",
                &format!("case:{id}"),
                serde_json::json!({
                    "blake3": meta.blake3, "size": size,
                }),
            )
        })?;
        Ok(meta)
    }

    /// The documents of a case (metadata), without those removed from it.
    pub fn documents(&self, key: &str) -> Result<Vec<DocumentMeta>> {
        let case = self.case(key)?;
        listed_documents(self.conn(), &case.id)
    }

    /// Takes a document off the case's list, with the reason: an entry of the case's
    /// `document_removals` log names it by hash, with a timeline entry and an audit entry. The
    /// contents and the entry that attached them stay (the history shows what the file held).
    /// The lead office's act: the authority module refuses it from a coordinating office.
    pub fn remove_document(&mut self, key: &str, blake3: &str, reason: &Text) -> Result<()> {
        let case = self.case(key)?;
        self.require_on(Permission::CaseEdit, &case)?;
        let reason = Text::new(reason.as_str().trim());
        if reason.is_empty() {
            return Err(Error::invalid("reason", "must not be empty"));
        }
        let Some(doc) = listed_documents(self.conn(), &case.id)?
            .into_iter()
            .find(|d| d.blake3 == blake3)
        else {
            return Err(Error::NotFound {
                entity: "document",
                key: blake3.to_string(),
            });
        };
        let id = case.id.clone();
        self.write(|txn, s| {
            let e = case_ref(&id);
            let sc = ScopeUnit::new(format!("case:{id}"));
            let removal = DocumentRemoval {
                blake3: doc.blake3.clone(),
                date: today(),
                reason: reason.clone(),
            };
            txn.append(
                &sc,
                &e,
                DOCUMENT_REMOVALS,
                serde_json::to_value(&removal).expect("serialises"),
            )?;
            let entry = TimelineEntry {
                kind: TimelineKind::DocumentRemoved,
                date: removal.date,
                author: s.login.clone(),
                from: None,
                to: None,
                note: Text::new(format!("{}: {}", doc.name.as_str(), reason.as_str())),
            };
            txn.append(
                &sc,
                &e,
                "timeline",
                serde_json::to_value(entry).expect("serialises"),
            )?;
            audit(
                txn,
                s,
                "case.document.remove",
                &format!("case:{id}"),
                serde_json::json!({ "blake3": doc.blake3, "reason": reason.as_str() }),
            )
        })
    }

    /// The contents of one of the case's documents; `None` when its contents have not arrived
    /// yet (a bundle carried the metadata only). Every read is audited.
    pub fn document_content(&self, key: &str, blake3: &str) -> Result<Option<Vec<u8>>> {
        let case = self.case(key)?;
        let docs = case_log::<DocumentMeta>(self.conn(), &case.id, "documents")?;
        self.read_blob(&case, &docs, blake3, "case.document.read")
    }

    /// Attaches a document to the denouncer of a denunciation case (the letter's scan): it
    /// lives in the denouncer's unit, never in the case, so it syncs only to the lead office.
    /// Needs `denouncer.write` on the case (the lead office's letters clerk or leadership).
    pub fn attach_denouncer_document(
        &mut self,
        key: &str,
        name: &Text,
        media_type: &str,
        content: &[u8],
    ) -> Result<DocumentMeta> {
        let case = self.case(key)?;
        self.require_on(Permission::DenouncerWrite, &case)?;
        if case.kind != CaseKind::Denunciation {
            return Err(Error::invalid(
                "case kind",
                format!("a {} case has no denouncer", case.kind),
            ));
        }
        let meta = new_meta(self.attachment_limit, name, media_type, content)?;
        let id = case.id.clone();
        self.write(|txn, s| {
            store_blob(txn.tx(), &meta, content)?;
            let e = denouncer_ref(&id);
            let sc = ScopeUnit::new(format!("denouncer:{id}"));
            if !oplog::entity_exists(txn.tx(), &e)? {
                txn.create(&sc, &e)?;
            }
            txn.append(
                &sc,
                &e,
                "documents",
                serde_json::to_value(&meta).expect("serialises"),
            )?;
            // Like the denouncer's identity: the audit entry says that it changed, not what.
            audit(
                txn,
                s,
                "denouncer.document",
                &format!("case:{id}"),
                serde_json::json!({
                    "blake3": meta.blake3, "size": meta.size,
                }),
            )
        })?;
        Ok(meta)
    }

    /// The denouncer's documents (metadata). Needs `denouncer.read` on the case; audited.
    pub fn denouncer_documents(&self, key: &str) -> Result<Vec<DocumentMeta>> {
        let case = self.case(key)?;
        self.require_on(Permission::DenouncerRead, &case)?;
        let docs = self.denouncer_log(&case.id)?;
        audit_read(
            self.conn(),
            &self.session,
            "denouncer.document.list",
            &case.id,
            serde_json::json!({ "documents": docs.len() }),
        )?;
        Ok(docs)
    }

    /// The contents of one of the denouncer's documents (`None`: not arrived yet). Needs
    /// `denouncer.read` on the case; every read is audited.
    pub fn denouncer_document_content(&self, key: &str, blake3: &str) -> Result<Option<Vec<u8>>> {
        let case = self.case(key)?;
        self.require_on(Permission::DenouncerRead, &case)?;
        let docs = self.denouncer_log(&case.id)?;
        self.read_blob(&case, &docs, blake3, "denouncer.document.read")
    }

    fn denouncer_log(&self, case_id: &str) -> Result<Vec<DocumentMeta>> {
        Ok(
            oplog::log_entries(self.conn(), &denouncer_ref(case_id), "documents")?
                .into_iter()
                .filter_map(|e| serde_json::from_value(e.entry).ok())
                .collect(),
        )
    }

    /// One of `docs`' contents, the read audited as `action`.
    fn read_blob(
        &self,
        case: &Case,
        docs: &[DocumentMeta],
        blake3: &str,
        action: &str,
    ) -> Result<Option<Vec<u8>>> {
        let hash = blake3.trim().to_ascii_lowercase();
        if !docs.iter().any(|d| d.blake3 == hash) {
            return Err(Error::NotFound {
                entity: "document",
                key: hash,
            });
        }
        let content: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT content FROM document_blobs WHERE blake3 = ?1",
                [&hash],
                |r| r.get(0),
            )
            .optional()?;
        audit_read(
            self.conn(),
            &self.session,
            action,
            &case.id,
            serde_json::json!({ "blake3": hash, "arrived": content.is_some() }),
        )?;
        Ok(content)
    }
}

/// Audits a read (its own small transaction: reads write nothing else).
fn audit_read(
    conn: &rusqlite::Connection,
    s: &Session,
    action: &str,
    case_id: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    crate::audit::append(
        &tx,
        &crate::audit::NewEntry::new(&s.login, action, format!("case:{case_id}"), detail),
    )?;
    Ok(tx.commit()?)
}
