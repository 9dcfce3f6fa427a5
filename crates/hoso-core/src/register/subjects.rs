//! Subjects: Party members and Party organisations, with duplicate detection.

use rusqlite::params;
use serde::Serialize;

use super::project::{name_key, read_subject, subject_ref};
use super::{Register, audit, new_id};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::model::{ManagementAuthority, MembershipStatus, Subject, SubjectKind};
use crate::oplog::ScopeUnit;
use crate::text::{Text, fold};

/// A new member or organisation. `post`, `membership` and `birth_year` apply to members only.
/// Deserialised as the app sends it: strings are `Text`, NFC from the moment they arrive.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewSubject {
    pub kind: SubjectKind,
    pub name: Text,
    pub birth_year: Option<i32>,
    pub unit: Option<Text>,
    pub post: Option<Text>,
    pub membership: Option<MembershipStatus>,
    pub authority: Option<ManagementAuthority>,
}

/// The result of [`Register::add_subject`]: added, or a warning that nothing was added because
/// the same normalised name, birth year and unit already exist (add again with `force`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum AddSubject {
    Added { id: String },
    PossibleDuplicates { existing: Vec<Subject> },
}

fn non_blank(t: Option<Text>) -> Option<Text> {
    t.filter(|t| !t.as_str().trim().is_empty())
        .map(|t| Text::new(t.as_str().trim()))
}

impl Register {
    /// Adds a subject. Unless `force`, a subject with the same normalised name (NFC, case,
    /// spacing), birth year and unit makes this return `PossibleDuplicates` and write nothing.
    pub fn add_subject(&mut self, mut n: NewSubject, force: bool) -> Result<AddSubject> {
        self.require(Permission::SubjectWrite)?;
        n.name = Text::new(
            n.name
                .as_str()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        if n.name.is_empty() {
            return Err(Error::invalid("subject name", "must not be empty"));
        }
        n.unit = non_blank(n.unit);
        n.post = non_blank(n.post);
        match n.kind {
            SubjectKind::Member => {
                n.membership.get_or_insert(MembershipStatus::Full);
            }
            SubjectKind::Organisation => {
                if n.post.is_some() {
                    return Err(Error::invalid(
                        "post",
                        "only a member holds a post, not an organisation",
                    ));
                }
                if n.membership.is_some() {
                    return Err(Error::invalid(
                        "membership",
                        "probationary/full applies to members only",
                    ));
                }
                if n.birth_year.is_some() {
                    return Err(Error::invalid("birth year", "applies to members only"));
                }
            }
        }
        if let Some(y) = n.birth_year
            && !(1900..=2100).contains(&y)
        {
            return Err(Error::invalid(
                "birth year",
                format!("{y} is not a plausible year"),
            ));
        }
        if !force {
            let existing = self.find_duplicates(&n)?;
            if !existing.is_empty() {
                return Ok(AddSubject::PossibleDuplicates { existing });
            }
        }
        let id = new_id();
        self.write(|txn, s| {
            let e = subject_ref(&id);
            let scope = ScopeUnit::new(format!("subject:{id}"));
            txn.create(&scope, &e)?;
            txn.put(&scope, &e, "kind", n.kind.code())?;
            txn.put(&scope, &e, "name", n.name.as_str())?;
            if let Some(y) = n.birth_year {
                txn.put(&scope, &e, "birth_year", y)?;
            }
            if let Some(u) = &n.unit {
                txn.put(&scope, &e, "unit", u.as_str())?;
            }
            if let Some(p) = &n.post {
                txn.put(&scope, &e, "post", p.as_str())?;
            }
            if let Some(m) = n.membership {
                txn.put(&scope, &e, "membership", m.code())?;
            }
            if let Some(a) = n.authority {
                txn.put(&scope, &e, "authority", a.code())?;
            }
            audit(
                txn,
                s,
                "subject.create",
                &format!("subject:{id}"),
                serde_json::json!({ "kind": n.kind, "forced": force }),
            )
        })?;
        Ok(AddSubject::Added { id })
    }

    fn find_duplicates(&self, n: &NewSubject) -> Result<Vec<Subject>> {
        let unit_key = n
            .unit
            .as_ref()
            .map(|u| name_key(u.as_str()))
            .unwrap_or_default();
        let ids: Vec<String> = {
            let mut st = self.conn().prepare(
                "SELECT id FROM subjects WHERE name_key = ?1 AND birth_year IS ?2 AND unit_key = ?3
                     AND kind = ?4 ORDER BY id",
            )?;
            st.query_map(
                params![
                    name_key(n.name.as_str()),
                    n.birth_year,
                    unit_key,
                    n.kind.code()
                ],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for id in ids {
            out.extend(read_subject(self.conn(), &id)?);
        }
        Ok(out)
    }

    /// One subject by id.
    pub fn subject(&self, id: &str) -> Result<Subject> {
        read_subject(self.conn(), id.trim())?.ok_or_else(|| Error::NotFound {
            entity: "subject",
            key: id.trim().into(),
        })
    }

    /// Members by given name then family name (as Vietnamese lists do), then organisations, in
    /// Vietnamese alphabetical order; `search` matches folded name or unit
    /// ("nguyen van duc" finds "Nguyễn Văn Đức").
    pub fn list_subjects(&self, search: Option<&str>) -> Result<Vec<Subject>> {
        self.require(Permission::CaseRead)?;
        let pattern = search
            .map(|q| format!("%{}%", fold(q.trim()).replace(['%', '_'], "")))
            .unwrap_or_else(|| "%".into());
        let ids: Vec<String> = {
            let mut st = self
                .conn()
                .prepare(
                    "SELECT id FROM subjects WHERE name_fold LIKE ?1 OR fold(coalesce(unit, '')) LIKE ?1
                     ORDER BY kind = 'organisation', CASE WHEN kind = 'member' THEN name END COLLATE VI_NAME,
                              name COLLATE VI, id",
                )?;
            st.query_map([pattern], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(read_subject(self.conn(), &id)?);
        }
        Ok(out)
    }
}
