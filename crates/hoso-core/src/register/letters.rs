//! Letters (đơn thư): what an office receives — named, anonymous or impersonated — with the
//! date, the channel and the content. A named letter may open a denunciation case (the
//! denouncer's identity then goes into the case's confidential denouncer record, never into
//! the letter); an anonymous or impersonated letter is not resolved as a denunciation but may
//! open an inspection on signs of violation (GLOSSARY "Records around a case").
//!
//! A letter is its own scope unit (`letter:<id>`), written by the office that received it and
//! the central office (authority); it syncs to the central office, to the office that received
//! it and to the offices of a case opened from it. The case names its letter (field `letter`).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::project::{Fields, exec};
use super::{CaseCreated, NewCase, Register, audit, new_id, today};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::{CaseKind, CaseOrigin, Letter, LetterKind};
use crate::oplog::{self, EntityRef, ScopeUnit};
use crate::text::Text;

pub(crate) const KIND_LETTER: &str = "letter";

/// A letter as received.
#[derive(Debug, Clone)]
pub struct NewLetter {
    pub kind: LetterKind,
    /// Default: today.
    pub received: Option<NaiveDate>,
    pub channel: Text,
    pub content: Text,
}

fn letter_ref(id: &str) -> EntityRef {
    EntityRef::new(KIND_LETTER, id)
}

fn letter_scope(id: &str) -> ScopeUnit {
    ScopeUnit::new(format!("letter:{id}"))
}

impl Register {
    /// Records a letter received by this office (anyone who opens cases: the letters clerk).
    pub fn record_letter(&mut self, l: NewLetter) -> Result<Letter> {
        self.require(Permission::CaseCreate)?;
        let content = Text::new(l.content.as_str().trim());
        let channel = Text::new(l.channel.as_str().trim());
        if content.is_empty() {
            return Err(Error::invalid("letter", "the content must not be empty"));
        }
        if channel.is_empty() {
            return Err(Error::invalid(
                "channel",
                "say how the letter arrived (post, in person, …)",
            ));
        }
        let received = l.received.unwrap_or_else(today);
        if received > today() {
            return Err(Error::invalid(
                "received",
                format!("{received} is in the future"),
            ));
        }
        let id = new_id();
        self.write(|txn, s| {
            let e = letter_ref(&id);
            let sc = letter_scope(&id);
            txn.create(&sc, &e)?;
            txn.put(&sc, &e, "office", s.office.as_str())?;
            txn.put(&sc, &e, "kind", l.kind.code())?;
            txn.put(&sc, &e, "received", received.to_string())?;
            txn.put(&sc, &e, "channel", channel.as_str())?;
            txn.put(&sc, &e, "content", content.as_str())?;
            audit(
                txn,
                s,
                "letter.create",
                &format!("letter:{id}"),
                serde_json::json!({ "kind": l.kind, "received": received }),
            )
        })?;
        self.letter(&id)
    }

    /// One letter, with the cases opened from it.
    pub fn letter(&self, id: &str) -> Result<Letter> {
        self.require(Permission::CaseRead)?;
        let row: Option<(String, String, String, String, String)> = self
            .conn()
            .query_row(
                "SELECT office, kind, received, channel, content FROM letters WHERE id = ?1",
                [id.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((office, kind, received, channel, content)) = row else {
            return Err(Error::NotFound {
                entity: "letter",
                key: id.trim().to_string(),
            });
        };
        let cases: Vec<String> = {
            let mut st = self
                .conn()
                .prepare_cached("SELECT number FROM cases WHERE letter = ?1 ORDER BY number")?;
            st.query_map([id.trim()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        Ok(Letter {
            id: id.trim().to_string(),
            office,
            kind: kind.parse()?,
            received: crate::model::parse_date("received", &received)?,
            channel: Text::new(channel),
            content: Text::new(content),
            cases,
        })
    }

    /// Letters in this register, newest first.
    pub fn list_letters(&self) -> Result<Vec<Letter>> {
        self.require(Permission::CaseRead)?;
        let ids: Vec<String> = {
            let mut st = self
                .conn()
                .prepare("SELECT id FROM letters ORDER BY received DESC, id")?;
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        ids.iter().map(|id| self.letter(id)).collect()
    }

    /// Opens a case from a letter, in one transaction: a named letter a denunciation (origin:
    /// from a denunciation) or an inspection on signs; an anonymous or impersonated letter only
    /// an inspection on signs of violation (it is not resolved as a denunciation). The case
    /// names the letter; it is opened no earlier than the letter was received.
    pub fn open_case_from_letter(&mut self, letter: &str, mut n: NewCase) -> Result<CaseCreated> {
        let l = self.letter(letter)?;
        match (l.kind, n.kind) {
            (LetterKind::Named, CaseKind::Denunciation | CaseKind::InspectionOnSigns) => {}
            (LetterKind::Anonymous | LetterKind::Impersonated, CaseKind::InspectionOnSigns) => {}
            (LetterKind::Anonymous | LetterKind::Impersonated, CaseKind::Denunciation) => {
                return Err(Error::invalid(
                    "case kind",
                    format!(
                        "an {} letter is not resolved as a denunciation; it may open an inspection on signs of violation",
                        l.kind.code()
                    ),
                ));
            }
            (_, other) => {
                return Err(Error::invalid(
                    "case kind",
                    format!(
                        "a letter opens a denunciation or an inspection on signs of violation, not a {other}"
                    ),
                ));
            }
        }
        if n.opened.is_some_and(|o| o < l.received) {
            return Err(Error::invalid(
                "opened",
                format!("the letter was received on {}", l.received),
            ));
        }
        n.opened = Some(n.opened.unwrap_or_else(today));
        if n.origin.is_none() {
            n.origin = Some(if n.kind == CaseKind::Denunciation {
                CaseOrigin::FromDenunciation
            } else {
                CaseOrigin::AdHoc
            });
        }
        self.open_case(n, Some(&l.id), None)
    }
}

pub(crate) fn project_letter(tx: &Connection, id: &str) -> Result<()> {
    exec(tx, "DELETE FROM letters WHERE id = ?1", [id])?;
    let e = letter_ref(id);
    if !oplog::entity_exists(tx, &e)? {
        return Ok(());
    }
    let f = Fields::load(tx, &e)?;
    let (Some(office), Some(kind), Some(received)) = (
        f.get::<String>("office"),
        f.get::<LetterKind>("kind"),
        f.get::<NaiveDate>("received"),
    ) else {
        return Ok(());
    };
    exec(
        tx,
        "INSERT INTO letters(id, office, kind, received, channel, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            office,
            kind.code(),
            received.to_string(),
            f.text("channel").unwrap_or_default().as_str(),
            f.text("content").unwrap_or_default().as_str(),
        ],
    )?;
    Ok(())
}
