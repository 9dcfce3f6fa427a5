//! The demo register: realistic Vietnamese data for trying HoSo, screenshots and the app's
//! end-to-end tests. Deterministic: the same seed gives the same offices, people, titles,
//! dates and statuses (ids and clocks differ: they are random / time-based by design).
//!
//! API (helper R):
//! - `create_demo(path, &DemoOptions, &KdfParams) -> Result<(Register, RecoveryKey,
//!   DemoSummary)>`: a new register (officer `demo`, passphrase `demo`, central office `TW`)
//!   filled by `populate`.
//! - `populate(&mut Register, &DemoOptions) -> Result<DemoSummary>`: offices (the 34 current
//!   units of `hoso-core/data/provinces-2025.csv` and the 29 absorbed former provinces, closed on
//!   1/7/2025 as their predecessors: `hoso_core::register::office_list`, seeded by `initialise`
//!   of a central office), officers, subjects, cases through the workflow, discipline
//!   decisions, findings, deadlines, annual plans with an overlap and an omission.
//! - `provinces() -> Vec<Province>`: the embedded CSV (re-exported from
//!   `hoso_core::register::office_list`).
//!
//! Everything goes through the public `Register` API, so permissions, validation, the op log
//! and the audit log are exercised exactly as in real use. Dates run from January 2024 to
//! October 2026 at the latest (never after today).
//!
//! A crate of its own (issue 14): the core ships without the generator, and the crate boundary
//! keeps it to the core's public API.

mod pools;
mod rng;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};
use hoso_crypto::{KdfParams, RecoveryKey};
use serde::Serialize;

use hoso_core::access::Role;
use hoso_core::error::{Error, Result};
use hoso_core::model::workflow::allowed_transitions;
use hoso_core::model::{
    CaseKind, CaseOrigin, CaseStatus, DisciplineForm, Finding, ManagementAuthority,
    MembershipStatus, OfficeKind, SubjectKind,
};
use hoso_core::register::office_list;
use hoso_core::register::{
    AddSubject, InitParams, NewCase, NewDecision, NewPlan, NewPlanItem, NewSubject, Register,
};
use hoso_core::rules::{self, SubjectFacts};
use hoso_core::search::CaseFilter;
use hoso_core::store::Store;
use hoso_core::text::Text;

use rng::Rng;

pub const DEMO_LOGIN: &str = "demo";
pub const DEMO_PASSPHRASE: &str = "demo";
pub const CENTRAL_CODE: &str = "TW";
pub const CENTRAL_NAME: &str = "Ủy ban Kiểm tra Đảng ủy Công an Trung ương";

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    pub subjects: usize,
    pub cases: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: 2026,
            subjects: 300,
            cases: 400,
        }
    }
}

/// What was generated, for the CLI and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub offices: usize,
    pub officers: usize,
    pub subjects: usize,
    pub cases: usize,
    pub cases_by_kind: BTreeMap<String, usize>,
    pub cases_by_status: BTreeMap<String, usize>,
    pub decisions: usize,
    pub findings: usize,
    pub plans: usize,
    pub plan_items: usize,
    pub overdue: usize,
    pub overlaps: usize,
    pub omissions: usize,
    /// Denunciation cases led here whose denouncer the letters clerk recorded.
    pub denouncers: usize,
    /// Provinces enrolled through the real flow and sent a set-up bundle (all but the last
    /// answered with a bundle of their own), so the sync dashboard has a history.
    pub sync_peers: usize,
}

/// The 2025 office list is shared with `hoso init --central` (`hoso_core::register::office_list`).
pub use hoso_core::register::office_list::{Province, provinces};

/// Creates a new demo register at `path` (officer `demo`, passphrase `demo`) and fills it.
pub fn create_demo(
    path: &Path,
    opts: &DemoOptions,
    kdf: &KdfParams,
) -> Result<(Register, RecoveryKey, DemoSummary)> {
    let (store, recovery) = Store::create(path, DEMO_LOGIN, DEMO_PASSPHRASE, kdf)?;
    let mut reg = Register::initialise(
        store,
        InitParams {
            office_code: CENTRAL_CODE.into(),
            office_name: Text::new(CENTRAL_NAME),
            officer_login: DEMO_LOGIN.into(),
            officer_name: Text::new("Cán bộ trình diễn"),
            central: true,
        },
    )?;
    reg.store().set_bulk_load(true)?;
    let mut summary = populate(&mut reg, opts)?;
    // The denouncer's identity is not the administrator's to see or write (access matrix): the
    // letters clerk records it, in a session of their own.
    let clerk = Register::session(reg.into_store(), LETTERS_CLERK)?;
    let (clerk, n) = add_denouncers(clerk, opts.seed)?;
    summary.denouncers = n;
    let mut reg = Register::session(clerk.into_store(), DEMO_LOGIN)?;
    summary.sync_peers = exchange_with_provinces(&mut reg, kdf)?;
    reg.store().set_bulk_load(false)?;
    Ok((reg, recovery, summary))
}

/// Writes per SQL transaction while generating (`Register::batch`).
const BATCH: usize = 500;

/// Provinces the demo enrols; the last one is certified and sent its set-up bundle but never
/// answers, so the dashboard shows an overdue peer.
const DEMO_PEERS: usize = 4;

/// Enrols a few provinces through the real flow (registers in a temporary directory, thrown
/// away afterwards): enrolment request, certificate, set-up bundle imported with the root
/// fingerprint, and a bundle back to the central office.
fn exchange_with_provinces(reg: &mut Register, kdf: &KdfParams) -> Result<usize> {
    let io = |e: std::io::Error| Error::Storage(e.to_string());
    let dir = tempfile::tempdir().map_err(io)?;
    let fingerprint = reg.root_fingerprint()?;
    let now = chrono::Utc::now();
    let provinces: Vec<_> = reg
        .list_offices()?
        .into_iter()
        .filter(|o| o.kind == OfficeKind::Province && o.valid_to.is_none())
        .take(DEMO_PEERS)
        .collect();
    for (i, o) in provinces.iter().enumerate() {
        let (store, _) = Store::create(
            dir.path().join(format!("{}.hoso-db", o.code)),
            DEMO_LOGIN,
            DEMO_PASSPHRASE,
            kdf,
        )?;
        let mut province = Register::initialise(
            store,
            InitParams {
                office_code: o.code.clone(),
                office_name: o.name.clone(),
                officer_login: DEMO_LOGIN.into(),
                officer_name: Text::new("Cán bộ trình diễn"),
                central: false,
            },
        )?;
        let request = province.enrolment_request()?;
        reg.certify(&request, now, now + chrono::Duration::days(730))?;
        let setup = dir.path().join(format!("setup-{}.hoso", o.code));
        reg.export_bundle_to_file(std::slice::from_ref(&o.code), true, &setup, &mut |_| {})?;
        if i + 1 == provinces.len() {
            break;
        }
        province.import_bundle(&setup, false, Some(&fingerprint), &mut |_| {})?;
        let reply = dir.path().join(format!("{}-{CENTRAL_CODE}.hoso", o.code));
        province.export_bundle_to_file(&[CENTRAL_CODE.into()], false, &reply, &mut |_| {})?;
        reg.import_bundle(&reply, false, None, &mut |_| {})?;
    }
    Ok(provinces.len())
}

/// The demo office's letters clerk (one of `pools::OFFICERS`).
pub const LETTERS_CLERK: &str = "thao.vt";

fn add_denouncers(mut reg: Register, seed: u64) -> Result<(Register, usize)> {
    let mut rng = Rng::new(seed ^ 0x00de_0a0c_e000);
    let cases = reg.list_cases(&CaseFilter {
        kind: Some(CaseKind::Denunciation),
        limit: Some(100_000),
        ..Default::default()
    })?;
    let mut n = 0;
    let mut cases: Vec<_> = cases
        .into_iter()
        .filter(|c| c.lead == CENTRAL_CODE)
        .collect();
    cases.sort_by(|a, b| a.number.cmp(&b.number));
    for c in cases {
        let street = rng.pick(pools::STREETS);
        let address = format!(
            "Số {}, đường {street}, {}",
            1 + rng.below(200),
            rng.pick(pools::WARDS)
        );
        let phone = format!(
            "09{} {:03} {:03}",
            rng.below(10),
            rng.below(1000),
            rng.below(1000)
        );
        reg.set_denouncer(
            &c.id,
            Text::new(person_name(&mut rng)),
            Some(Text::new(address)),
            Some(Text::new(phone)),
        )?;
        n += 1;
    }
    Ok((reg, n))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// The day the 63 provinces became 34.
fn merger_day() -> NaiveDate {
    office_list::merger_day()
}

/// Where a subject belongs: its current unit, and the former province it was in if that one
/// was absorbed in 2025.
#[derive(Debug, Clone)]
struct Place {
    current_code: String,
    former_code: Option<String>,
    /// "tỉnh Nghệ An", "thành phố Hà Nội" (as written in unit names).
    label: String,
}

impl Place {
    /// The office responsible on `day`.
    fn office_on(&self, day: NaiveDate) -> &str {
        match &self.former_code {
            Some(f) if day < merger_day() => f,
            _ => &self.current_code,
        }
    }
}

#[derive(Debug, Clone)]
struct DemoSubject {
    id: String,
    name: String,
    kind: SubjectKind,
    post: Option<String>,
    facts: SubjectFacts,
    authority: ManagementAuthority,
    place: Place,
}

fn places(p: &[Province]) -> Vec<Place> {
    let mut out = Vec::new();
    for prov in p {
        let word = if prov.kind == OfficeKind::City {
            "thành phố"
        } else {
            "tỉnh"
        };
        out.push(Place {
            current_code: prov.code.clone(),
            former_code: None,
            label: format!("{word} {}", prov.name),
        });
        for former in prov.merged_from.iter().filter(|f| **f != prov.name) {
            if let Some(code) = office_list::former_code(former) {
                out.push(Place {
                    current_code: prov.code.clone(),
                    former_code: Some(code.to_string()),
                    label: format!("tỉnh {former}"),
                });
            }
        }
    }
    out
}

/// Fills an initialised register (its officer must be an administrator).
pub fn populate(reg: &mut Register, opts: &DemoOptions) -> Result<DemoSummary> {
    let mut rng = Rng::new(opts.seed);
    let mut summary = DemoSummary::default();
    let provs = provinces();

    // Offices: the 2025 list, seeded when the central office was initialised (entries missing
    // from an older register are added here, from the same data).
    reg.add_office_list()?;
    summary.offices = reg.list_offices()?.len();

    for (login, name, role) in pools::OFFICERS {
        reg.add_officer(login, &Text::new(name), role.parse::<Role>()?)?;
    }
    summary.officers = pools::OFFICERS.len() + 1;
    let inspectors: Vec<&str> = pools::OFFICERS
        .iter()
        .filter(|(_, _, r)| *r == "inspector")
        .map(|(l, _, _)| *l)
        .collect();

    let all_places = places(&provs);
    let subjects = add_subjects(reg, &mut rng, &all_places, opts.subjects)?;
    summary.subjects = subjects.len();
    let members: Vec<&DemoSubject> = subjects
        .iter()
        .filter(|s| s.kind == SubjectKind::Member)
        .collect();
    let orgs: Vec<&DemoSubject> = subjects
        .iter()
        .filter(|s| s.kind == SubjectKind::Organisation)
        .collect();
    if members.is_empty() || orgs.is_empty() {
        return Err(Error::invalid(
            "demo subjects",
            "need at least one member and one organisation",
        ));
    }

    let today = hoso_core::register::today();
    let cutoff = date(2026, 10, 31).min(today - Days::new(20));
    let first = date(2024, 1, 2);
    if cutoff <= first {
        return Err(Error::invalid(
            "demo",
            format!("the system date {today} is before the demo period"),
        ));
    }

    // The first cases cover every status (twice) and every kind, whatever the seed.
    let statuses = CaseStatus::ALL.len();
    // Several cases per SQL transaction: a commit costs more than a case.
    for chunk in (0..opts.cases).collect::<Vec<_>>().chunks(BATCH) {
        reg.batch(|reg| {
            for &i in chunk {
                let forced = (i < statuses * 2).then(|| CaseStatus::ALL[i % statuses]);
                let forced_kind = i
                    .checked_sub(statuses * 2)
                    .and_then(|k| CaseKind::ALL.get(k).copied());
                add_case(
                    reg,
                    &mut rng,
                    &mut summary,
                    &members,
                    &orgs,
                    &inspectors,
                    (forced, forced_kind),
                    first,
                    cutoff,
                )?;
            }
            Ok(())
        })?;
    }

    add_plans(reg, &mut rng, &mut summary, &orgs, &members, cutoff)?;

    summary.overdue = reg
        .list_cases(&CaseFilter {
            overdue: true,
            limit: Some(100_000),
            ..Default::default()
        })?
        .len();
    summary.overlaps = reg.overlaps()?.len();
    summary.omissions = reg.omissions()?.len();
    Ok(summary)
}

fn person_name(rng: &mut Rng) -> String {
    let family = rng.weighted(pools::FAMILY);
    if rng.chance(0.3) {
        format!(
            "{family} {} {}",
            rng.pick(pools::MIDDLE_FEMALE),
            rng.pick(pools::GIVEN_FEMALE)
        )
    } else {
        format!(
            "{family} {} {}",
            rng.pick(pools::MIDDLE_MALE),
            rng.pick(pools::GIVEN_MALE)
        )
    }
}

/// Organisations per place at most (see `add_subjects`).
const ORGANISATIONS_PER_PLACE: usize = 100;

fn add_subjects(
    reg: &mut Register,
    rng: &mut Rng,
    places: &[Place],
    n: usize,
) -> Result<Vec<DemoSubject>> {
    let mut out: Vec<DemoSubject> = Vec::with_capacity(n);
    let mut seen = BTreeSet::new();
    let mut attempts = 0;
    let mut organisations = 0;
    // Several subjects per SQL transaction: a commit costs more than a subject.
    while out.len() < n {
        let target = (out.len() + BATCH).min(n);
        reg.batch(|reg| {
            while out.len() < target {
                attempts += 1;
                if attempts > n * 20 {
                    return Err(Error::invalid(
                        "demo subjects",
                        "could not make enough distinct names",
                    ));
                }
                let place = rng.pick(places).clone();
                let dept = *rng.pick(pools::DEPARTMENTS);
                let police = format!("Công an {}", place.label);
                // One subject in five is an organisation; always at least a few of each. A
                // place has about 200 distinct organisation names: past 100 per place (a
                // national-scale register) the rest are people.
                let organisation =
                    out.len() % 5 == 4 && organisations < places.len() * ORGANISATIONS_PER_PLACE;
                let (new, facts, authority, post, name) = if organisation {
                    let tpl = *rng.pick(pools::ORGANISATIONS);
                    let name = tpl
                        .replace("{dept}", dept)
                        .replace("{prov}", &place.label)
                        .replace("{n}", &(1 + rng.below(9)).to_string());
                    let authority = if name.starts_with("Ban Thường vụ") {
                        ManagementAuthority::Both
                    } else {
                        ManagementAuthority::Province
                    };
                    let new = NewSubject {
                        kind: SubjectKind::Organisation,
                        name: Text::new(&name),
                        birth_year: None,
                        unit: Some(Text::new(format!("Đảng bộ {police}"))),
                        post: None,
                        membership: None,
                        authority: Some(authority),
                    };
                    let facts = SubjectFacts {
                        kind: SubjectKind::Organisation,
                        membership: None,
                        holds_post: false,
                    };
                    (new, facts, authority, None, name)
                } else {
                    let name = person_name(rng);
                    let probationary = rng.chance(0.08);
                    let post = if probationary {
                        None
                    } else {
                        *rng.weighted(pools::POSTS)
                    };
                    let post = post.map(|p| {
                        if p.ends_with("Công an") {
                            format!("{p} {}", place.label)
                        } else {
                            p.to_string()
                        }
                    });
                    let authority = match post.as_deref() {
                        Some(p) if p.starts_with("Phó Giám đốc") => {
                            ManagementAuthority::Central
                        }
                        Some("Trưởng phòng") => ManagementAuthority::Both,
                        _ => ManagementAuthority::Province,
                    };
                    let membership = if probationary {
                        MembershipStatus::Probationary
                    } else {
                        MembershipStatus::Full
                    };
                    let unit = if post.as_deref().is_some_and(|p| p.contains("Giám đốc")) {
                        police.clone()
                    } else {
                        format!("{dept}, {police}")
                    };
                    let new = NewSubject {
                        kind: SubjectKind::Member,
                        name: Text::new(&name),
                        birth_year: Some(1968 + rng.below(33) as i32),
                        unit: Some(Text::new(unit)),
                        post: post.as_deref().map(Text::new),
                        membership: Some(membership),
                        authority: Some(authority),
                    };
                    let facts = SubjectFacts {
                        kind: SubjectKind::Member,
                        membership: Some(membership),
                        holds_post: post.is_some(),
                    };
                    (new, facts, authority, post, name)
                };
                if !seen.insert((name.clone(), new.unit.clone())) {
                    continue;
                }
                match reg.add_subject(new, false)? {
                    AddSubject::Added { id } => {
                        organisations += usize::from(organisation);
                        out.push(DemoSubject {
                            id,
                            name,
                            kind: facts.kind,
                            post,
                            facts,
                            authority,
                            place,
                        })
                    }
                    AddSubject::PossibleDuplicates { .. } => continue,
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// The shortest way through the workflow from `received` to `target`, through `via` if given.
fn path(kind: CaseKind, via: Option<CaseStatus>, target: CaseStatus) -> Option<Vec<CaseStatus>> {
    fn bfs(
        kind: CaseKind,
        from: (CaseStatus, Option<CaseStatus>),
        to: CaseStatus,
    ) -> Option<Vec<(CaseStatus, Option<CaseStatus>)>> {
        let mut prev: BTreeMap<(CaseStatus, Option<CaseStatus>), (CaseStatus, Option<CaseStatus>)> =
            BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(cur) = queue.pop_front() {
            if cur.0 == to {
                let mut out = vec![cur];
                let mut c = cur;
                while let Some(p) = prev.get(&c) {
                    out.push(*p);
                    c = *p;
                }
                out.reverse();
                return Some(out[1..].to_vec());
            }
            for next in allowed_transitions(kind, cur.0, cur.1) {
                let resume = hoso_core::model::workflow::resume_after(cur.0, cur.1, next);
                let state = (next, resume);
                if seen.insert(state) {
                    prev.insert(state, cur);
                    queue.push_back(state);
                }
            }
        }
        None
    }
    let start = (CaseStatus::Received, None);
    let mut steps = Vec::new();
    let mut at = start;
    if let Some(v) = via.filter(|v| *v != CaseStatus::Received) {
        let p = bfs(kind, at, v)?;
        at = *p.last()?;
        steps.extend(p);
    }
    if at.0 != target {
        steps.extend(bfs(kind, at, target)?);
    }
    Some(steps.into_iter().map(|s| s.0).collect())
}

fn kind_for(rng: &mut Rng, forced: Option<CaseStatus>) -> CaseKind {
    use CaseKind::*;
    const WEIGHTS: &[(CaseKind, u32)] = &[
        (InspectionOnSigns, 14),
        (RoutineSupervision, 9),
        (ThematicSupervision, 10),
        (InspectionWorkAudit, 7),
        (FinanceInspection, 8),
        (AssetDeclarationCheck, 7),
        (Denunciation, 22),
        (DisciplineAppeal, 7),
        (Discipline, 16),
    ];
    match forced {
        Some(CaseStatus::Transferred | CaseStatus::Withdrawn) => {
            if rng.chance(0.75) {
                Denunciation
            } else {
                DisciplineAppeal
            }
        }
        Some(CaseStatus::Disciplined) => *rng.pick(&[InspectionOnSigns, Denunciation, Discipline]),
        _ => *rng.weighted(WEIGHTS),
    }
}

/// A plausible final status for a case opened `age` days before the cut-off.
fn status_for_age(rng: &mut Rng, kind: CaseKind, age: i64) -> CaseStatus {
    use CaseStatus::*;
    let letter = kind.is_letter();
    let s = if age > 420 {
        *rng.weighted(&[
            (Archived, 45),
            (FollowUp, 15),
            (Notified, 12),
            (Disciplined, 8),
            (ProposedUpward, 3),
            (Withdrawn, if letter { 4 } else { 0 }),
            (Transferred, if letter { 3 } else { 0 }),
            (Deferred, 2),
            (Verifying, 3),
        ])
    } else if age > 150 {
        *rng.weighted(&[
            (Verifying, 12),
            (ReportDrafted, 10),
            (CommitteeReview, 10),
            (Concluded, 10),
            (Disciplined, 8),
            (Notified, 12),
            (FollowUp, 10),
            (Archived, 10),
            (Extended, 5),
            (Deferred, 3),
            (Announced, 4),
        ])
    } else {
        *rng.weighted(&[
            (Received, 12),
            (Classified, 12),
            (Preparing, 14),
            (Decided, 12),
            (Announced, 10),
            (Verifying, 14),
            (Extended, 3),
            (Deferred, 2),
            (Transferred, if letter { 4 } else { 0 }),
        ])
    };
    match s {
        Disciplined if !kind.may_discipline() => Notified,
        Withdrawn | Transferred if !letter => Archived,
        Extended if kind == CaseKind::DisciplineAppeal => Deferred,
        other => other,
    }
}

fn title_for(rng: &mut Rng, kind: CaseKind, s: &DemoSubject, year: i32) -> (String, String) {
    let who = match &s.post {
        Some(p) => format!("đồng chí {}, {p}", s.name),
        None => format!("đồng chí {}, đảng viên", s.name),
    };
    let org = &s.name;
    use CaseKind::*;
    match kind {
        InspectionOnSigns if s.kind == SubjectKind::Organisation => (
            format!("Kiểm tra khi có dấu hiệu vi phạm đối với {org}"),
            format!("Qua giám sát phát hiện dấu hiệu vi phạm trong {}.", rng.pick(pools::TOPICS)),
        ),
        InspectionOnSigns => (
            format!("Kiểm tra khi có dấu hiệu vi phạm đối với {who}"),
            format!("Dấu hiệu vi phạm: {}.", rng.pick(pools::ALLEGATIONS)),
        ),
        RoutineSupervision => (
            format!("Giám sát thường xuyên đối với {org} năm {year}"),
            "Theo dõi hoạt động của cấp ủy, việc chấp hành Điều lệ Đảng và quy chế làm việc.".into(),
        ),
        ThematicSupervision => {
            let topic = rng.pick(pools::TOPICS);
            (format!("Giám sát chuyên đề {topic} tại {org}"), format!("Giám sát chuyên đề năm {year}: {topic}."))
        }
        InspectionWorkAudit => (
            format!("Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật đảng của {org}"),
            format!("Thời kỳ kiểm tra: từ 01/01/{} đến 31/12/{}.", year - 2, year - 1),
        ),
        FinanceInspection => (
            format!("Kiểm tra tài chính đảng tại {org}"),
            format!("Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí năm {}.", year - 1),
        ),
        AssetDeclarationCheck => (
            format!("Kiểm tra việc kê khai tài sản, thu nhập năm {} của {who}", year - 1),
            "Xác minh tính trung thực của bản kê khai và biến động tài sản.".into(),
        ),
        Denunciation => (
            format!("Giải quyết tố cáo đối với {who}"),
            format!("Đơn tố cáo có tên phản ánh đảng viên {}.", rng.pick(pools::ALLEGATIONS)),
        ),
        DisciplineAppeal => (
            format!("Giải quyết khiếu nại kỷ luật đảng của {who}"),
            "Đảng viên khiếu nại quyết định thi hành kỷ luật, đề nghị xem xét lại hình thức kỷ luật.".into(),
        ),
        Discipline => (
            format!("Xem xét, thi hành kỷ luật đối với {}", if s.kind == SubjectKind::Member { who } else { org.clone() }),
            format!("Vi phạm: {}.", rng.pick(pools::ALLEGATIONS)),
        ),
    }
}

fn choose_form(rng: &mut Rng, facts: &SubjectFacts) -> Option<DisciplineForm> {
    use DisciplineForm::*;
    let weights: Vec<(DisciplineForm, u32)> = [
        (Reprimand, 10),
        (Warning, 6),
        (RemovalFromPost, 2),
        (Expulsion, 2),
        (Dissolution, 1),
    ]
    .into_iter()
    .filter(|(f, _)| rules::validate_discipline_form(*f, facts).is_ok())
    .collect();
    (!weights.is_empty()).then(|| *rng.weighted(&weights))
}

#[allow(clippy::too_many_arguments)]
fn add_case(
    reg: &mut Register,
    rng: &mut Rng,
    summary: &mut DemoSummary,
    members: &[&DemoSubject],
    orgs: &[&DemoSubject],
    inspectors: &[&str],
    (forced, forced_kind): (Option<CaseStatus>, Option<CaseKind>),
    first: NaiveDate,
    cutoff: NaiveDate,
) -> Result<()> {
    let kind = forced_kind.unwrap_or_else(|| kind_for(rng, forced));
    let wants_member = match kind {
        CaseKind::InspectionOnSigns => rng.chance(0.75),
        CaseKind::Discipline => rng.chance(0.85) || forced == Some(CaseStatus::Disciplined),
        CaseKind::AssetDeclarationCheck | CaseKind::Denunciation | CaseKind::DisciplineAppeal => {
            true
        }
        _ => false,
    };
    let subject = if wants_member {
        *rng.pick(members)
    } else {
        *rng.pick(orgs)
    };
    let span = (cutoff - first).num_days().max(1) as u64;
    let opened = first + Days::new(rng.below(span));
    let age = (cutoff - opened).num_days();
    let target = match forced {
        Some(CaseStatus::Extended) if kind == CaseKind::DisciplineAppeal => CaseStatus::Deferred,
        Some(s) => s,
        None => status_for_age(rng, kind, age),
    };
    // Side states pause some open status of the main path, not always the first one.
    let via = match target {
        CaseStatus::Extended | CaseStatus::Deferred | CaseStatus::Withdrawn => Some(*rng.pick(&[
            CaseStatus::Classified,
            CaseStatus::Preparing,
            CaseStatus::Verifying,
            CaseStatus::ReportDrafted,
        ])),
        CaseStatus::Transferred => Some(CaseStatus::Classified),
        _ => None,
    };
    let steps = path(kind, via, target)
        .or_else(|| path(kind, None, target))
        .ok_or_else(|| {
            Error::invalid("demo workflow", format!("no path to {target} for {kind}"))
        })?;

    // The central committee resolves many denunciations itself (cadres it manages, letters
    // sent to it directly); other work is mostly the province's.
    let central_share = if kind == CaseKind::Denunciation {
        0.5
    } else {
        0.25
    };
    let central = subject.authority == ManagementAuthority::Central || rng.chance(central_share);
    let province = subject.place.office_on(opened).to_string();
    let (lead, coordinators) = if central {
        let coord = rng.chance(0.5).then(|| {
            (
                province.clone(),
                Text::new(*rng.pick(pools::COORDINATION_REASONS)),
            )
        });
        (CENTRAL_CODE.to_string(), coord.into_iter().collect())
    } else {
        let coord = rng.chance(0.2).then(|| {
            (
                CENTRAL_CODE.to_string(),
                Text::new(*rng.pick(pools::COORDINATION_REASONS)),
            )
        });
        (province, coord.into_iter().collect())
    };
    let origin = match kind {
        CaseKind::Denunciation => CaseOrigin::FromDenunciation,
        CaseKind::RoutineSupervision
        | CaseKind::ThematicSupervision
        | CaseKind::InspectionWorkAudit
        | CaseKind::FinanceInspection => *rng.weighted(&[
            (CaseOrigin::AnnualPlan, 8),
            (CaseOrigin::AssignedFromAbove, 2),
        ]),
        CaseKind::InspectionOnSigns => *rng.weighted(&[
            (CaseOrigin::FoundBySupervision, 4),
            (CaseOrigin::AdHoc, 3),
            (CaseOrigin::FromDenunciation, 2),
        ]),
        _ => *rng.weighted(&[(CaseOrigin::AdHoc, 3), (CaseOrigin::AssignedFromAbove, 1)]),
    };
    let (title, summary_text) = title_for(rng, kind, subject, opened.year());
    let team: Vec<String> = if lead == CENTRAL_CODE {
        let mut t = vec![rng.pick(inspectors).to_string()];
        if rng.chance(0.4) {
            let other = rng.pick(inspectors).to_string();
            if !t.contains(&other) {
                t.push(other);
            }
        }
        t
    } else {
        vec![]
    };
    let created = reg.add_case(NewCase {
        kind,
        title: Text::new(&title),
        lead,
        coordinators,
        subjects: vec![subject.id.clone()],
        origin: Some(origin),
        opened: Some(opened),
        summary: Text::new(&summary_text),
        team,
    })?;
    summary.cases += 1;
    *summary
        .cases_by_kind
        .entry(kind.code().to_string())
        .or_default() += 1;

    // Walk the workflow: recent cases move fast, older ones spread over up to ~14 months.
    let end = (opened + Days::new(30 + rng.below(400))).min(cutoff);
    let gap = ((end - opened).num_days().max(0) as u64) / (steps.len() as u64 + 1);
    let mut day = opened;
    let mut status = CaseStatus::Received;
    for next in steps {
        day = (day + Days::new(gap.max(1) - rng.below(gap.max(1) / 2 + 1)))
            .min(cutoff)
            .max(day);
        if next == CaseStatus::ReportDrafted
            && (subject.kind == SubjectKind::Member || rng.chance(0.5))
        {
            let violated = rng.chance(0.55);
            let category =
                rules::categories::in_force(&rules::default_categories(), subject.kind, day)
                    .get(rng.below(if subject.kind == SubjectKind::Member {
                        11
                    } else {
                        7
                    }) as usize)
                    .map(|c| c.code.clone());
            let text = if violated {
                rng.pick(pools::FINDINGS_VIOLATION)
            } else {
                rng.pick(pools::FINDINGS_OK)
            };
            reg.record_finding(
                &created.id,
                Finding {
                    subject: subject.id.clone(),
                    category,
                    violated,
                    violation_date: violated.then(|| opened - Days::new(60 + rng.below(500))),
                    text: Text::new(*text),
                    violation_areas: vec![],
                },
            )?;
            summary.findings += 1;
        }
        if next == CaseStatus::Disciplined
            && kind.may_discipline()
            && let Some(form) = choose_form(rng, &subject.facts)
        {
            reg.decide(
                &created.id,
                NewDecision {
                    subject: subject.id.clone(),
                    form,
                    date: day,
                    violation_date: Some(opened - Days::new(30 + rng.below(700))),
                    note: Text::new(format!(
                        "Quyết định thi hành kỷ luật {}",
                        form.label_vi().to_lowercase()
                    )),
                    change_reason: None,
                    violation_areas: vec![],
                },
            )?;
            summary.decisions += 1;
        }
        if next == CaseStatus::Transferred {
            reg.transfer(
                &created.id,
                Text::new("Ủy ban Kiểm tra cấp dưới có thẩm quyền"),
                Some(day),
                Text::default(),
            )?;
        } else {
            reg.transition(&created.id, next, None, Some(day))?;
        }
        status = next;
    }
    *summary
        .cases_by_status
        .entry(status.code().to_string())
        .or_default() += 1;

    // Kinds without a regulated time limit get one from their plan once decided; some are late.
    let open = hoso_core::model::workflow::is_open(status);
    if open
        && !kind.is_letter()
        && !matches!(
            status,
            CaseStatus::Received | CaseStatus::Classified | CaseStatus::Preparing
        )
    {
        let deadline = opened + Days::new(45 + rng.below(200));
        reg.set_case_field(&created.id, "deadline", &deadline.to_string())?;
    }
    Ok(())
}

fn add_plans(
    reg: &mut Register,
    rng: &mut Rng,
    summary: &mut DemoSummary,
    orgs: &[&DemoSubject],
    members: &[&DemoSubject],
    cutoff: NaiveDate,
) -> Result<()> {
    use CaseKind::*;
    let kinds = [
        ThematicSupervision,
        InspectionWorkAudit,
        FinanceInspection,
        RoutineSupervision,
    ];
    let mut tw_items: Vec<(String, CaseKind, NaiveDate, NaiveDate)> = Vec::new();
    for year in [2025, 2026] {
        let plan = reg.add_plan(NewPlan {
            office: Some(CENTRAL_CODE.into()),
            year,
            title: Text::new(format!(
                "Chương trình kiểm tra, giám sát năm {year} của {CENTRAL_NAME}"
            )),
        })?;
        summary.plans += 1;
        for q in 0..4u32 {
            for _ in 0..3 {
                let s = *rng.pick(orgs);
                let kind = *rng.pick(&kinds);
                let start = date(year, 1 + q * 3, 1);
                let end = date(year, 3 + q * 3, if q == 0 || q == 3 { 31 } else { 30 });
                let coordinators = if rng.chance(0.5) {
                    vec![s.place.current_code.clone()]
                } else {
                    vec![]
                };
                // A plan holds no identical items: the same draw again is skipped.
                if tw_items
                    .iter()
                    .any(|t| t.0 == s.id && t.1 == kind && t.2 == start && t.3 == end)
                {
                    continue;
                }
                reg.add_plan_item(
                    &plan,
                    NewPlanItem {
                        subject: s.id.clone(),
                        kind,
                        start,
                        end,
                        lead: Some(CENTRAL_CODE.into()),
                        coordinators,
                        note: Text::new(format!("Quý {} năm {year}", q + 1)),
                    },
                )?;
                summary.plan_items += 1;
                tw_items.push((s.id.clone(), kind, start, end));
            }
        }
    }
    // Provincial programmes; the first item of each repeats a central one in an overlapping
    // period (the overlap officers must sort out), the others are the province's own.
    let mut provinces_done = BTreeSet::new();
    for (subject_id, kind, start, end) in tw_items.iter().step_by(4) {
        let Some(s) = orgs.iter().find(|o| o.id == *subject_id) else {
            continue;
        };
        let office = s.place.current_code.clone();
        let year = start.year();
        if !provinces_done.insert((office.clone(), year)) {
            continue;
        }
        let name = reg.office(&office)?.name;
        let plan = reg.add_plan(NewPlan {
            office: Some(office.clone()),
            year,
            title: Text::new(format!(
                "Chương trình kiểm tra, giám sát năm {year} của Ủy ban Kiểm tra {} {name}",
                if reg.office(&office)?.kind == OfficeKind::City {
                    "Thành ủy"
                } else {
                    "Tỉnh ủy"
                }
            )),
        })?;
        summary.plans += 1;
        let shifted_start = (*start + Days::new(30)).min(*end);
        reg.add_plan_item(
            &plan,
            NewPlanItem {
                subject: subject_id.clone(),
                kind: *kind,
                start: shifted_start,
                end: (*end + Days::new(45)).min(date(year, 12, 31)),
                lead: Some(office.clone()),
                coordinators: vec![],
                note: Text::new("Theo chương trình của Tỉnh ủy"),
            },
        )?;
        summary.plan_items += 1;
        let mut local_items = BTreeSet::new();
        local_items.insert((subject_id.clone(), *kind, shifted_start));
        for _ in 0..3 {
            let local: Vec<&&DemoSubject> = orgs
                .iter()
                .filter(|o| o.place.current_code == office)
                .collect();
            let Some(o) = (!local.is_empty()).then(|| *rng.pick(&local)) else {
                break;
            };
            let q = rng.below(4) as u32;
            let item = NewPlanItem {
                subject: o.id.clone(),
                kind: *rng.pick(&kinds),
                start: date(year, 1 + q * 3, 1),
                end: date(year, 1 + q * 3, 28),
                lead: Some(office.clone()),
                coordinators: vec![],
                note: Text::default(),
            };
            // A plan holds no identical items: the same draw again is skipped.
            if !local_items.insert((item.subject.clone(), item.kind, item.start)) {
                continue;
            }
            reg.add_plan_item(&plan, item)?;
            summary.plan_items += 1;
        }
    }
    // At least one omission: an open denunciation against a member with nothing planned.
    if reg.omissions()?.is_empty() {
        let s = members[rng.below(members.len() as u64) as usize];
        let opened = cutoff - Days::new(40);
        let c = reg.add_case(NewCase {
            kind: Denunciation,
            title: Text::new(format!("Giải quyết tố cáo đối với đồng chí {}", s.name)),
            lead: s.place.office_on(opened).to_string(),
            coordinators: vec![],
            subjects: vec![s.id.clone()],
            origin: Some(CaseOrigin::FromDenunciation),
            opened: Some(opened),
            summary: Text::new(format!(
                "Đơn tố cáo phản ánh đảng viên {}.",
                pools::ALLEGATIONS[0]
            )),
            team: vec![],
        })?;
        reg.transition(
            &c.id,
            CaseStatus::Classified,
            None,
            Some(opened + Days::new(3)),
        )?;
        summary.cases += 1;
        *summary
            .cases_by_kind
            .entry(Denunciation.code().into())
            .or_default() += 1;
        *summary
            .cases_by_status
            .entry(CaseStatus::Classified.code().into())
            .or_default() += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
