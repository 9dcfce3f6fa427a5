//! `hoso subject add|edit|list|show` (helper D).

use clap::Subcommand;
use hoso_core::model::{ManagementAuthority, MembershipStatus, SubjectKind};
use hoso_core::register::{AddSubject, NewSubject, SubjectEdit};

use crate::ctx::Ctx;

use super::util::{Register, code, opt_code, print_json};

#[derive(Subcommand, Debug)]
pub enum SubjectCmd {
    /// Add a Party member or organisation; prints its id. A subject with the same name, birth
    /// year and unit is refused as a possible duplicate unless --force.
    Add {
        /// member | organisation
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        post: Option<String>,
        #[arg(long)]
        probationary: bool,
        /// central | province | both
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        birth_year: Option<i32>,
        /// Add even if it looks like a duplicate
        #[arg(long)]
        force: bool,
    },
    /// Edit a subject: post, membership status, management authority, unit (only the options
    /// given change; an empty value clears a post, unit or authority)
    Edit {
        id: String,
        #[arg(long)]
        post: Option<String>,
        /// full | probationary
        #[arg(long)]
        membership: Option<String>,
        /// central | province | both (empty: unknown)
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        unit: Option<String>,
    },
    /// List subjects in Vietnamese order; --search matches name or unit without diacritics
    List {
        #[arg(long)]
        search: Option<String>,
    },
    /// Show one subject
    Show { id: String },
}

pub fn run(ctx: &mut Ctx, cmd: SubjectCmd) -> anyhow::Result<()> {
    let json = ctx.json;
    exec(ctx.register()?, json, cmd)
}

fn exec(reg: &mut Register, json: bool, cmd: SubjectCmd) -> anyhow::Result<()> {
    match cmd {
        SubjectCmd::Add {
            kind,
            name,
            unit,
            post,
            probationary,
            authority,
            birth_year,
            force,
        } => {
            let kind = code::<SubjectKind>(&kind)?;
            let membership = match (kind, probationary) {
                (_, true) => Some(MembershipStatus::Probationary),
                (SubjectKind::Member, false) => Some(MembershipStatus::Full),
                (SubjectKind::Organisation, false) => None,
            };
            let n = NewSubject {
                kind,
                name: name.into(),
                birth_year,
                unit: unit.map(Into::into),
                post: post.map(Into::into),
                membership,
                authority: opt_code::<ManagementAuthority>(authority.as_deref())?,
            };
            match reg.add_subject(n, force)? {
                AddSubject::Added { id } => {
                    if json {
                        print_json(&serde_json::json!({ "id": id }))
                    } else {
                        println!("{id}");
                        Ok(())
                    }
                }
                AddSubject::PossibleDuplicates { existing } => {
                    let list: Vec<String> = existing
                        .iter()
                        .map(|s| {
                            format!(
                                "{} {}{}",
                                s.id,
                                s.name,
                                s.unit
                                    .as_ref()
                                    .map(|u| format!(" ({u})"))
                                    .unwrap_or_default()
                            )
                        })
                        .collect();
                    anyhow::bail!(
                        "possible duplicate subject: {} already exists with the same name, birth year and unit; nothing was added (use --force to add anyway)",
                        list.join("; ")
                    )
                }
            }
        }
        SubjectCmd::List { search } => {
            let subjects = reg.list_subjects(search.as_deref())?;
            if json {
                return print_json(&subjects);
            }
            for s in subjects {
                println!(
                    "{}  {:<12} {}{}",
                    s.id,
                    s.kind.code(),
                    s.name,
                    s.unit
                        .as_ref()
                        .map(|u| format!(" — {u}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        SubjectCmd::Edit {
            id,
            post,
            membership,
            authority,
            unit,
        } => {
            let clearable = |v: Option<String>| -> Option<Option<hoso_core::Text>> {
                v.map(|v| (!v.trim().is_empty()).then(|| v.into()))
            };
            let authority = match authority {
                None => None,
                Some(a) if a.trim().is_empty() => Some(None),
                Some(a) => Some(Some(code::<ManagementAuthority>(&a)?)),
            };
            let s = reg.edit_subject(
                &id,
                SubjectEdit {
                    post: clearable(post),
                    membership: opt_code::<MembershipStatus>(membership.as_deref())?,
                    authority,
                    unit: clearable(unit),
                },
            )?;
            show(&s, json)
        }
        SubjectCmd::Show { id } => show(&reg.subject(&id)?, json),
    }
}

fn show(s: &hoso_core::model::Subject, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(s);
    }
    println!("id:         {}", s.id);
    println!("kind:       {}", s.kind);
    println!("name:       {}", s.name);
    if let Some(y) = s.birth_year {
        println!("born:       {y}");
    }
    if let Some(u) = &s.unit {
        println!("unit:       {u}");
    }
    if let Some(p) = &s.post {
        println!("post:       {p}");
    }
    if let Some(m) = s.membership {
        println!("membership: {m}");
    }
    if let Some(a) = s.authority {
        println!("authority:  {a}");
    }
    Ok(())
}
