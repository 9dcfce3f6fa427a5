//! `hoso case add|list|show|set|transition|decide|link|unlink|denouncer|finding` (helper D),
//! `category|conclude|suspend|transfer|notify` (the records around a case, issue 10),
//! `attach|document` and the denouncer's `denouncer-attach|denouncer-documents|denouncer-document`.

use clap::Subcommand;
use hoso_core::Text;
use hoso_core::model::{
    Appeal, AppealOutcome, CaseKind, CaseOrigin, CaseStatus, Conclusion, ConclusionOutcome,
    DisciplineForm, Finding, Notice, SubjectConclusion,
};
use hoso_core::register::{CaseLink, NewCase, NewDecision};
use hoso_core::search::CaseFilter;

use crate::ctx::Ctx;

use super::util::{Register, code, date, opt_code, opt_date, print_json};

#[derive(Subcommand, Debug)]
pub enum CaseCmd {
    /// Open a case; prints its id and number
    Add {
        /// inspection-on-signs, routine-supervision, thematic-supervision, inspection-work-audit,
        /// finance-inspection, asset-declaration-check, denunciation, discipline-appeal, discipline
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: String,
        /// Lead office code
        #[arg(long)]
        lead: String,
        /// Coordinating office: CODE or CODE:reason (repeatable)
        #[arg(long = "coordinator")]
        coordinators: Vec<String>,
        /// Subject id (repeatable)
        #[arg(long = "subject")]
        subjects: Vec<String>,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        opened: Option<String>,
        #[arg(long)]
        summary: Option<String>,
        /// annual-plan | ad-hoc | from-denunciation | assigned-from-above | found-by-supervision
        #[arg(long)]
        origin: Option<String>,
        /// Officer login on the inspection team (repeatable)
        #[arg(long = "team")]
        team: Vec<String>,
    },
    /// List cases, newest first
    List {
        /// Words to find (without diacritics is fine: "dang uy tinh")
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        status: Option<String>,
        /// Lead or coordinating office (including offices merged into it)
        #[arg(long)]
        office: Option<String>,
        #[arg(long)]
        year: Option<i32>,
        /// Subject id
        #[arg(long)]
        subject: Option<String>,
        /// Only open cases past their deadline
        #[arg(long)]
        overdue: bool,
        #[arg(long, default_value_t = 1000)]
        limit: u32,
    },
    /// Show a case by id or number
    Show { case: String },
    /// Set a field: title, summary, origin, lead, opened, deadline
    Set {
        case: String,
        field: String,
        value: String,
    },
    /// Move a case to another status of the workflow
    Transition {
        case: String,
        status: String,
        #[arg(long)]
        note: Option<String>,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
    },
    /// Record a discipline decision on one of the case's subjects
    Decide {
        case: String,
        /// reprimand | warning | removal-from-post | expulsion | dissolution
        #[arg(long)]
        form: String,
        #[arg(long)]
        subject: String,
        /// Date of the decision, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// Date of the violation (limitation period), YYYY-MM-DD
        #[arg(long)]
        violation_date: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Why this decision replaces the one in force on the subject (required then)
        #[arg(long)]
        change_reason: Option<String>,
        /// Area of the violation with no limitation period (repeatable): internal-politics,
        /// defence-security, foreign-affairs, illegal-diplomas
        #[arg(long = "area")]
        areas: Vec<String>,
    },
    /// Add a subject, a coordinating office (CODE or CODE:reason) or a team member to a case
    Link {
        case: String,
        #[arg(long, group = "link")]
        subject: Option<String>,
        #[arg(long, group = "link")]
        coordinator: Option<String>,
        #[arg(long, group = "link")]
        team: Option<String>,
    },
    /// Remove a subject, coordinating office or team member from a case
    Unlink {
        case: String,
        #[arg(long, group = "unlink")]
        subject: Option<String>,
        #[arg(long, group = "unlink")]
        coordinator: Option<String>,
        #[arg(long, group = "unlink")]
        team: Option<String>,
    },
    /// Show the denouncer's identity (confidential: needs denouncer.read, every read is audited);
    /// with --name, record or correct it instead (denouncer.write)
    Denouncer {
        case: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, requires = "name")]
        address: Option<String>,
        #[arg(long, requires = "name")]
        contact: Option<String>,
    },
    /// Record an appeal against a discipline decision, or with --outcome its resolution
    Appeal {
        case: String,
        #[arg(long)]
        subject: String,
        /// Date the appeal was filed, YYYY-MM-DD
        #[arg(long)]
        filed: String,
        /// Date the subject received the decision, YYYY-MM-DD
        #[arg(long)]
        received: String,
        /// uphold | increase | reduce | annul
        #[arg(long)]
        outcome: Option<String>,
        /// The new form when the outcome is increase or reduce
        #[arg(long)]
        new_form: Option<String>,
    },
    /// Attach a file to a case (stored encrypted in the register; default limit 50 MB)
    Attach {
        case: String,
        file: std::path::PathBuf,
        /// Name to show (default: the file name)
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "")]
        media_type: String,
    },
    /// Take a document (by its BLAKE3 hash) off the case's list, with the reason (the lead
    /// office; the history keeps it)
    Detach {
        case: String,
        blake3: String,
        #[arg(long)]
        reason: String,
    },
    /// Write one of a case's documents (by its BLAKE3 hash) to a file
    Document {
        case: String,
        blake3: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Attach a document to the denouncer (the letter's scan): kept with the denouncer's
    /// identity, never with the case; written by the lead office only (denouncer.write) and
    /// synced only to the lead office
    DenouncerAttach {
        case: String,
        file: std::path::PathBuf,
        /// Name to show (default: the file name)
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "")]
        media_type: String,
    },
    /// List the denouncer's documents (denouncer.read; audited)
    DenouncerDocuments { case: String },
    /// Write one of the denouncer's documents (by its BLAKE3 hash) to a file (denouncer.read;
    /// every read is audited)
    DenouncerDocument {
        case: String,
        blake3: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Record a finding about a subject (--violated: a violation or signs of one)
    Finding {
        case: String,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        violated: bool,
        #[arg(long)]
        text: String,
        /// Area of the violation with no limitation period (repeatable): internal-politics,
        /// defence-security, foreign-affairs, illegal-diplomas
        #[arg(long = "area")]
        areas: Vec<String>,
        /// Content category of the violation (a code of the rules' lists, e.g. member.corruption)
        #[arg(long)]
        category: Option<String>,
    },
    /// Add a content category to a case (a code of the rules' lists), or --remove it
    Category {
        case: String,
        code: String,
        #[arg(long)]
        remove: bool,
    },
    /// Record the case's conclusion: number, date, text and the outcome per subject
    Conclude {
        case: String,
        #[arg(long)]
        number: String,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        text: String,
        /// SUBJECT:OUTCOME[:CATEGORY,CATEGORY…][:discipline] (repeatable); OUTCOME is
        /// done-well, shortcomings or violation
        #[arg(long = "subject", required = true)]
        subjects: Vec<String>,
    },
    /// Suspend a subject from Party activities (the rules' time limit), or --extend the
    /// suspension in force within the maximum
    Suspend {
        case: String,
        #[arg(long)]
        subject: String,
        /// YYYY-MM-DD (default: today)
        #[arg(long, conflicts_with = "extend")]
        start: Option<String>,
        #[arg(long)]
        extend: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Transfer the case to the body that receives it (status transferred)
    Transfer {
        case: String,
        /// The receiving body
        #[arg(long)]
        to: String,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record a notice of the outcome: to whom (repeatable --to, --denouncer) and when
    Notify {
        case: String,
        #[arg(long = "to")]
        to: Vec<String>,
        #[arg(long)]
        denouncer: bool,
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

/// `SUBJECT:OUTCOME[:CATEGORY,…][:discipline]`.
fn subject_conclusion(spec: &str) -> anyhow::Result<SubjectConclusion> {
    let mut parts = spec.split(':').map(str::trim);
    let (Some(subject), Some(outcome)) = (parts.next(), parts.next()) else {
        anyhow::bail!("invalid subject: '{spec}' is not SUBJECT:OUTCOME[:CATEGORIES][:discipline]");
    };
    let mut categories = Vec::new();
    let mut discipline_required = false;
    for p in parts {
        if p == "discipline" {
            discipline_required = true;
        } else {
            categories.extend(
                p.split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(String::from),
            );
        }
    }
    Ok(SubjectConclusion {
        subject: subject.to_string(),
        outcome: code::<ConclusionOutcome>(outcome)?,
        categories,
        discipline_required,
    })
}

/// `--area` values as the rules name them.
fn violation_areas(areas: &[String]) -> anyhow::Result<Vec<hoso_core::rules::ViolationArea>> {
    areas
        .iter()
        .map(|a| {
            serde_json::from_value(serde_json::Value::String(a.trim().to_string())).map_err(|_| {
                anyhow::anyhow!(
                    "invalid area: unknown value '{a}'; allowed: internal-politics, defence-security, foreign-affairs, illegal-diplomas"
                )
            })
        })
        .collect()
}

/// `CODE` or `CODE:reason`.
fn coordinator(c: &str) -> (String, Text) {
    match c.split_once(':') {
        Some((code, reason)) => (code.trim().to_string(), Text::new(reason.trim())),
        None => (c.trim().to_string(), Text::default()),
    }
}

fn link_of(
    subject: Option<String>,
    coord: Option<String>,
    team: Option<String>,
) -> anyhow::Result<CaseLink> {
    match (subject, coord, team) {
        (Some(s), None, None) => Ok(CaseLink::Subject(s)),
        (None, Some(c), None) => {
            let (code, reason) = coordinator(&c);
            Ok(CaseLink::Coordinator(code, reason))
        }
        (None, None, Some(t)) => Ok(CaseLink::Team(t)),
        _ => anyhow::bail!("give one of --subject, --coordinator or --team"),
    }
}

pub fn run(ctx: &mut Ctx, cmd: CaseCmd) -> anyhow::Result<()> {
    let json = ctx.json;
    exec(ctx.register()?, json, cmd)
}

fn exec(reg: &mut Register, json: bool, cmd: CaseCmd) -> anyhow::Result<()> {
    match cmd {
        CaseCmd::Add {
            kind,
            title,
            lead,
            coordinators,
            subjects,
            opened,
            summary,
            origin,
            team,
        } => {
            let coordinators = coordinators
                .iter()
                .map(|c| coordinator(c))
                .collect::<Vec<_>>();
            let created = reg.add_case(NewCase {
                kind: code::<CaseKind>(&kind)?,
                title: title.into(),
                lead,
                coordinators,
                subjects,
                origin: opt_code::<CaseOrigin>(origin.as_deref())?,
                opened: opt_date("opened", opened.as_deref())?,
                summary: summary.map(Text::new).unwrap_or_default(),
                team,
            })?;
            // What officers should look at (the lead's management authority): on stderr, so
            // that scripts reading the id and number are not disturbed.
            for w in reg.case_detail(&created.id)?.warnings {
                eprintln!("warning: {w}");
            }
            if json {
                print_json(&created)
            } else {
                println!("{} {}", created.id, created.number);
                Ok(())
            }
        }
        CaseCmd::List {
            search,
            kind,
            status,
            office,
            year,
            subject,
            overdue,
            limit,
        } => {
            let rows = reg.list_cases(&CaseFilter {
                search,
                kind: opt_code::<CaseKind>(kind.as_deref())?,
                status: opt_code::<CaseStatus>(status.as_deref())?,
                office,
                year,
                subject,
                overdue,
                limit: Some(limit),
                ..Default::default()
            })?;
            if json {
                return print_json(&rows);
            }
            for r in rows {
                let deadline = r
                    .deadline
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into());
                let flags = format!(
                    "{}{}{}",
                    if r.deadline_provisional {
                        " PROVISIONAL"
                    } else {
                        ""
                    },
                    if r.overdue { " OVERDUE" } else { "" },
                    if r.conflict { " CONFLICT" } else { "" }
                );
                println!(
                    "{:<14} {:<17} {:<24} {} {:<10} {:<5} {}{flags}",
                    r.number,
                    r.status.code(),
                    r.kind.code(),
                    r.opened,
                    deadline,
                    r.lead,
                    r.title
                );
            }
            Ok(())
        }
        CaseCmd::Show { case } => {
            let d = reg.case_detail(&case)?;
            if json {
                return print_json(&d);
            }
            let c = &d.case;
            println!("{}  {}", c.number, c.title);
            println!("id:          {}", c.id);
            println!("kind:        {} ({})", c.kind, c.kind.label_vi());
            println!(
                "status:      {} ({}){}",
                c.status,
                c.status.label_vi(),
                c.resume_status
                    .map(|r| format!(", paused at {r}"))
                    .unwrap_or_default()
            );
            println!("origin:      {}", c.origin);
            println!("lead:        {}", c.lead);
            for co in &c.coordinators {
                println!(
                    "coordinator: {}{}",
                    co.office,
                    if co.reason.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", co.reason)
                    }
                );
            }
            println!("opened:      {}", c.opened);
            println!(
                "deadline:    {}{}{}{}",
                c.deadline
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into()),
                if c.extensions > 0 {
                    format!(" (extended {}×)", c.extensions)
                } else {
                    String::new()
                },
                if c.deadline_provisional_years.is_empty() {
                    String::new()
                } else {
                    let years: Vec<String> = c
                        .deadline_provisional_years
                        .iter()
                        .map(|y| y.to_string())
                        .collect();
                    format!(
                        " PROVISIONAL (no holiday calendar for {}: recounted when it arrives)",
                        years.join(", ")
                    )
                },
                if d.overdue { " OVERDUE" } else { "" }
            );
            if let Some(closed) = c.closed {
                println!("closed:      {closed}");
            }
            if !c.summary.is_empty() {
                println!("summary:     {}", c.summary);
            }
            for s in &d.subject_details {
                println!("subject:     {} {} ({})", s.id, s.name, s.kind);
            }
            if !d.team.is_empty() {
                println!("team:        {}", d.team.join(", "));
            }
            if !c.conflicts.is_empty() {
                println!("CONFLICT in: {}", c.conflicts.join(", "));
            }
            if let Some(item) = &c.plan_item {
                println!("plan item:   {item}");
            }
            for w in &d.warnings {
                println!("WARNING:     {w}");
            }
            if !c.categories.is_empty() {
                println!("categories:  {}", c.categories.join(", "));
            }
            if let Some(k) = d.conclusions.last() {
                println!("conclusion:  {} of {}: {}", k.number, k.date, k.text);
                for sc in &k.subjects {
                    println!(
                        "             {} {}{}{}",
                        sc.subject,
                        sc.outcome,
                        if sc.categories.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", sc.categories.join(", "))
                        },
                        if sc.discipline_required {
                            ", discipline required"
                        } else {
                            ""
                        }
                    );
                }
            }
            for s in &d.suspensions {
                println!(
                    "suspension:  {} {} – {}{}",
                    s.subject,
                    s.start,
                    s.end,
                    if s.extensions > 0 { " (extended)" } else { "" }
                );
            }
            for t in &d.transfers {
                println!("transferred: {} to {}", t.date, t.receiving_body);
            }
            for n in &d.notices {
                let mut to: Vec<String> = n.recipients.iter().map(|r| r.to_string()).collect();
                if n.denouncer {
                    to.push("the denouncer".into());
                }
                println!("notice:      {} to {}", n.date, to.join(", "));
            }
            let next: Vec<&str> = d.allowed_transitions.iter().map(|s| s.code()).collect();
            println!(
                "next:        {}",
                if next.is_empty() {
                    "-".to_string()
                } else {
                    next.join(", ")
                }
            );
            for dec in &d.decisions {
                println!("decision:    {} {} {}", dec.date, dec.subject, dec.form);
            }
            for p in &d.penalties {
                if p.in_force != Some(p.decided) {
                    let now = p.in_force.map(|f| f.to_string());
                    println!(
                        "in force:    {} {} (after appeal)",
                        p.subject,
                        now.as_deref().unwrap_or("annulled")
                    );
                }
            }
            for t in &d.timeline {
                let moved = match (t.from, t.to) {
                    (Some(f), Some(to)) => format!("{f} → {to}"),
                    (None, Some(to)) => to.to_string(),
                    _ => t.kind.to_string(),
                };
                println!(
                    "  {} {:<10} {}{}",
                    t.date,
                    t.author,
                    moved,
                    if t.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", t.note)
                    }
                );
            }
            Ok(())
        }
        CaseCmd::Set { case, field, value } => {
            let c = reg.set_case_field(&case, &field, &value)?;
            if json {
                print_json(&c)
            } else {
                println!("{} {field} set", c.number);
                Ok(())
            }
        }
        CaseCmd::Transition {
            case,
            status,
            note,
            date,
        } => {
            let to = code::<CaseStatus>(&status)?;
            let c = reg.transition(
                &case,
                to,
                note.map(Text::new),
                opt_date("date", date.as_deref())?,
            )?;
            if json {
                print_json(&c)
            } else {
                println!("{} {}", c.number, c.status);
                Ok(())
            }
        }
        CaseCmd::Decide {
            case,
            form,
            subject,
            date: d,
            violation_date,
            note,
            change_reason,
            areas,
        } => {
            let dec = reg.decide(
                &case,
                NewDecision {
                    subject,
                    form: code::<DisciplineForm>(&form)?,
                    date: date("date", &d)?,
                    violation_date: opt_date("violation-date", violation_date.as_deref())?,
                    note: note.map(Text::new).unwrap_or_default(),
                    change_reason: change_reason.map(Text::new),
                    violation_areas: violation_areas(&areas)?,
                },
            )?;
            if json {
                print_json(&dec)
            } else {
                println!("{} {} {}", dec.date, dec.subject, dec.form);
                Ok(())
            }
        }
        CaseCmd::Link {
            case,
            subject,
            coordinator,
            team,
        } => {
            reg.link(&case, link_of(subject, coordinator, team)?)?;
            println!("linked");
            Ok(())
        }
        CaseCmd::Unlink {
            case,
            subject,
            coordinator,
            team,
        } => {
            reg.unlink(&case, link_of(subject, coordinator, team)?)?;
            println!("unlinked");
            Ok(())
        }
        CaseCmd::Denouncer {
            case,
            name: Some(name),
            address,
            contact,
        } => {
            reg.set_denouncer(
                &case,
                name.into(),
                address.map(Text::new),
                contact.map(Text::new),
            )?;
            println!("denouncer recorded");
            Ok(())
        }
        CaseCmd::Denouncer {
            case, name: None, ..
        } => {
            let d = reg.denouncer(&case)?;
            if json {
                return print_json(&d);
            }
            match d {
                None => println!("no denouncer recorded"),
                Some(d) => {
                    println!("name:    {}", d.name);
                    if let Some(a) = d.address {
                        println!("address: {a}");
                    }
                    if let Some(c) = d.contact {
                        println!("contact: {c}");
                    }
                }
            }
            Ok(())
        }
        CaseCmd::Appeal {
            case,
            subject,
            filed,
            received,
            outcome,
            new_form,
        } => {
            let a = reg.record_appeal(
                &case,
                Appeal {
                    subject,
                    filed: date("filed", &filed)?,
                    decision_received: date("received", &received)?,
                    outcome: opt_code::<AppealOutcome>(outcome.as_deref())?,
                    new_form: opt_code::<DisciplineForm>(new_form.as_deref())?,
                },
            )?;
            if json {
                print_json(&a)
            } else {
                println!("appeal recorded");
                Ok(())
            }
        }
        CaseCmd::Attach {
            case,
            file,
            name,
            media_type,
        } => {
            let content = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
            let name = name.unwrap_or_else(|| {
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let meta = reg.attach_document(&case, &Text::new(name), &media_type, &content)?;
            if json {
                print_json(&meta)
            } else {
                println!("{} {}", meta.blake3, meta.name);
                Ok(())
            }
        }
        CaseCmd::Detach {
            case,
            blake3,
            reason,
        } => {
            reg.remove_document(&case, &blake3, &Text::new(reason))?;
            println!("document {blake3} removed from {case}");
            Ok(())
        }
        CaseCmd::DenouncerAttach {
            case,
            file,
            name,
            media_type,
        } => {
            let content = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
            let name = name.unwrap_or_else(|| {
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let meta =
                reg.attach_denouncer_document(&case, &Text::new(name), &media_type, &content)?;
            if json {
                print_json(&meta)
            } else {
                println!("{} {}", meta.blake3, meta.name);
                Ok(())
            }
        }
        CaseCmd::DenouncerDocuments { case } => {
            let docs = reg.denouncer_documents(&case)?;
            if json {
                return print_json(&docs);
            }
            if docs.is_empty() {
                println!("no denouncer documents");
            }
            for d in docs {
                println!(
                    "{} {} ({} bytes, {})",
                    d.blake3, d.name, d.size, d.media_type
                );
            }
            Ok(())
        }
        CaseCmd::DenouncerDocument { case, blake3, out } => {
            let content = reg
                .denouncer_document_content(&case, &blake3)?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the contents of document {blake3} have not arrived in this register yet"
                    )
                })?;
            std::fs::write(&out, content)
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
            Ok(())
        }
        CaseCmd::Document { case, blake3, out } => {
            let content = reg.document_content(&case, &blake3)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "the contents of document {blake3} have not arrived in this register yet"
                )
            })?;
            std::fs::write(&out, content)
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
            Ok(())
        }
        CaseCmd::Finding {
            case,
            subject,
            violated,
            text,
            areas,
            category,
        } => {
            let f = reg.record_finding(
                &case,
                Finding {
                    subject,
                    category,
                    violated,
                    violation_date: None,
                    text: text.into(),
                    violation_areas: violation_areas(&areas)?,
                },
            )?;
            if json {
                print_json(&f)
            } else {
                println!("finding recorded");
                Ok(())
            }
        }
        CaseCmd::Category { case, code, remove } => {
            let c = reg.set_case_category(&case, &code, !remove)?;
            if json {
                return print_json(&c);
            }
            println!("{}: {}", c.number, c.categories.join(", "));
            Ok(())
        }
        CaseCmd::Conclude {
            case,
            number,
            date,
            text,
            subjects,
        } => {
            let c = reg.record_conclusion(
                &case,
                Conclusion {
                    number: number.into(),
                    date: opt_date("date", date.as_deref())?
                        .unwrap_or_else(hoso_core::register::today),
                    text: text.into(),
                    subjects: subjects
                        .iter()
                        .map(|s| subject_conclusion(s))
                        .collect::<anyhow::Result<_>>()?,
                },
            )?;
            if json {
                return print_json(&c);
            }
            println!("conclusion {} of {} recorded", c.number, c.date);
            Ok(())
        }
        CaseCmd::Suspend {
            case,
            subject,
            start,
            extend,
            note,
        } => {
            let s = reg.suspend(
                &case,
                &subject,
                opt_date("start", start.as_deref())?,
                extend,
                note.map(Text::new).unwrap_or_default(),
            )?;
            if json {
                return print_json(&s);
            }
            println!("{} suspended {} – {}", s.subject, s.start, s.end);
            Ok(())
        }
        CaseCmd::Transfer {
            case,
            to,
            date,
            note,
        } => {
            let c = reg.transfer(
                &case,
                to.into(),
                opt_date("date", date.as_deref())?,
                note.map(Text::new).unwrap_or_default(),
            )?;
            if json {
                return print_json(&c);
            }
            println!("{} {}", c.number, c.status);
            Ok(())
        }
        CaseCmd::Notify {
            case,
            to,
            denouncer,
            date,
            note,
        } => {
            let n = reg.record_notice(
                &case,
                Notice {
                    date: opt_date("date", date.as_deref())?
                        .unwrap_or_else(hoso_core::register::today),
                    recipients: to.into_iter().map(Text::new).collect(),
                    denouncer,
                    note: note.map(Text::new).unwrap_or_default(),
                },
            )?;
            if json {
                return print_json(&n);
            }
            println!("notice of {} recorded", n.date);
            Ok(())
        }
    }
}
