//! Random schedules over a central office and three provinces: cases opened, edited (also the
//! same field at two offices between syncs), coordinators added; bundles carried in random
//! orders, duplicated, lost and imported out of order. Whatever happened, a few ordered rounds
//! of carrying make every province agree with the central office about its scope, and no write
//! is lost. Insiders also write what their office has no authority for (a province retitling a
//! case it does not lead, bypassing its own register's rules): such writes never take effect at
//! any other office, whatever the order they arrive in. Denunciations keep their denouncer at
//! the office that leads them (the former lead hands it to the new one after a transfer), team
//! members are named with their office, an edit clocked years ahead (as an older version or an
//! insider would write it) still converges and is flagged, and a province's certificate renewed
//! by the central office changes nothing for the bundles on the way.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use hoso_core::access::Role;
use hoso_core::model::CaseKind;
use hoso_core::oplog::{self, EntityRef, FieldState, NoProjection, ScopeUnit, Txn};
use hoso_core::register::{CaseLink, DomainProjector, NewCase};
use hoso_core::sync::ImportOutcome;
use hoso_core::{Error, Text};
use hoso_tests::offices::{CENTRAL, World};
use proptest::prelude::*;
use serde_json::Value;

const OFFICES: [&str; 4] = [CENTRAL, "HN", "HP", "DN"];
const PROVINCES: [&str; 3] = ["HN", "HP", "DN"];

#[derive(Debug, Clone, Copy)]
enum Delivery {
    /// Imported once.
    Once,
    /// Imported, then the same file again (a replay: nothing changes).
    Twice,
    /// Never imported (the stick got lost): later bundles must carry its content.
    Lose,
    /// Imported and kept on the stick: a later delivery is a replay.
    Keep,
}

#[derive(Debug, Clone)]
enum Step {
    /// An office opens a case, sometimes with a province coordinating.
    Open {
        at: usize,
        coordinator: Option<usize>,
    },
    /// An office holding the case edits its summary (refused unless it leads or is central).
    Edit { at: usize, case: usize },
    /// The lead office and the central office (brought up to date first) retitle it without a
    /// sync in between.
    Concurrent { with: usize, case: usize },
    /// The lead office adds a province as coordinator (the case enters its scope), or removes
    /// one that coordinates (it leaves: the province learns that, and nothing after it).
    Coordinate { case: usize, office: usize },
    /// A province exports to the central office (`up`) or the central office to it.
    Export { province: usize, up: bool },
    /// One bundle on the way (picked at random) is delivered.
    Deliver { pick: usize, how: Delivery },
    /// An insider at a province that holds a case but does not lead it retitles it, writing
    /// straight into its op log (no permission or authority check).
    Forge { at: usize, case: usize },
    /// The central office transfers the lead of a case to a province.
    Transfer { case: usize, to: usize },
    /// An office opens a denunciation (sometimes coordinated) and records the denouncer.
    Denounce {
        at: usize,
        coordinator: Option<usize>,
    },
    /// An office holding a case (the lead or a coordinator) puts its own officer on the team.
    Team { case: usize, at: usize },
    /// The lead writes a summary stamped in 2031, past the clock cap (as an older version or
    /// an insider bypassing its register would).
    Skew { case: usize },
    /// The central office certifies a province's key again (a renewed certificate).
    Recertify { province: usize },
}

/// 2031-01-01T00:00:00Z in ms.
const IN_2031_MS: u64 = 1_924_992_000_000;

fn step() -> impl Strategy<Value = Step> {
    let delivery = prop_oneof![
        4 => Just(Delivery::Once),
        1 => Just(Delivery::Twice),
        1 => Just(Delivery::Lose),
        1 => Just(Delivery::Keep),
    ];
    prop_oneof![
        3 => (0..4usize, proptest::option::of(1..4usize))
            .prop_map(|(at, coordinator)| Step::Open { at, coordinator }),
        3 => (0..4usize, 0..32usize).prop_map(|(at, case)| Step::Edit { at, case }),
        2 => (0..4usize, 0..32usize).prop_map(|(with, case)| Step::Concurrent { with, case }),
        1 => (0..32usize, 1..4usize).prop_map(|(case, office)| Step::Coordinate { case, office }),
        5 => (0..3usize, any::<bool>()).prop_map(|(province, up)| Step::Export { province, up }),
        5 => (0..64usize, delivery).prop_map(|(pick, how)| Step::Deliver { pick, how }),
        2 => (0..3usize, 0..32usize).prop_map(|(at, case)| Step::Forge { at, case }),
        1 => (0..32usize, 0..3usize).prop_map(|(case, to)| Step::Transfer { case, to }),
        1 => (0..4usize, proptest::option::of(1..4usize))
            .prop_map(|(at, coordinator)| Step::Denounce { at, coordinator }),
        1 => (0..32usize, 0..4usize).prop_map(|(case, at)| Step::Team { case, at }),
        1 => (0..32usize).prop_map(|case| Step::Skew { case }),
        1 => (0..3usize).prop_map(|province| Step::Recertify { province }),
    ]
}

struct Flight {
    path: PathBuf,
    from: String,
    to: String,
    sequence: u64,
}

/// What the test knows happened, to check the outcome against.
#[derive(Default)]
struct Model {
    /// Case ids in the order they were opened.
    cases: Vec<String>,
    /// Cases retitled concurrently, with the two titles.
    concurrent: HashMap<String, (String, String)>,
    /// The last value written (anywhere, in real time) of each (case, field): no later write
    /// can have replaced it, so it must survive everywhere.
    last_write: HashMap<(String, String), String>,
    in_flight: Vec<Flight>,
    /// Forged retitles: (case, forging office, title).
    forged: Vec<(String, String, String)>,
    /// Summaries a former lead wrote before it learnt that the lead was transferred: without
    /// effect once the transfer is known, (case, office, value).
    inert: Vec<(String, String, String)>,
    /// Per (recipient, sender): the sequences imported.
    imported: HashMap<(String, String), BTreeSet<u64>>,
    values: u64,
    /// Every office that ever led each case.
    leads_ever: HashMap<String, BTreeSet<String>>,
    /// Every office that ever led or coordinated each case.
    participants: HashMap<String, BTreeSet<String>>,
    /// Denunciations and their denouncer's name.
    denounced: HashMap<String, String>,
    /// Cases whose summary was stamped in 2031, and the offices that stamped them.
    skewed: BTreeSet<String>,
    skewed_by: BTreeSet<String>,
}

impl Model {
    fn expected(&self, f: &Flight) -> ImportOutcome {
        let seen = self.imported.get(&(f.to.clone(), f.from.clone()));
        match seen {
            Some(s) if s.contains(&f.sequence) => ImportOutcome::AlreadyImported,
            Some(s) if s.last().is_some_and(|&max| f.sequence < max) => ImportOutcome::Superseded,
            _ => ImportOutcome::Imported,
        }
    }

    fn led(&mut self, case: &str, office: &str) {
        self.leads_ever
            .entry(case.to_string())
            .or_default()
            .insert(office.to_string());
        self.joined(case, office);
    }

    fn joined(&mut self, case: &str, office: &str) {
        self.participants
            .entry(case.to_string())
            .or_default()
            .insert(office.to_string());
    }

    fn value(&mut self, what: &str, at: &str) -> String {
        self.values += 1;
        format!(
            "{what} số {} do {at} ghi – Đảng ủy phường Đống Đa",
            self.values
        )
    }
}

fn holds(w: &mut World, at: &str, case: &str) -> bool {
    w.reg(at).case(case).is_ok()
}

fn field(w: &World, at: &str, case: &str, name: &str) -> Option<FieldState> {
    oplog::field(
        w.office(at).register.store().conn(),
        &EntityRef::new("case", case),
        name,
    )
    .expect("field")
}

/// The surviving values of a field (visible one and concurrent ones).
fn surviving(s: &FieldState) -> BTreeSet<String> {
    std::iter::once(&s.value)
        .chain(s.concurrent.iter().map(|(_, v)| v))
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The office leading a case: as the central office sees it once it holds the case (leads are
/// transferred there), else the one that opened it.
fn lead_of(w: &mut World, id: &str) -> &'static str {
    if let Ok(c) = w.reg(CENTRAL).case(id) {
        return OFFICES
            .iter()
            .find(|o| **o == c.lead)
            .copied()
            .expect("a known office leads");
    }
    OFFICES
        .iter()
        .find(|o| w.reg(o).case(id).map(|c| c.lead == **o).unwrap_or(false))
        .copied()
        .expect("the lead holds its case")
}

/// The lead, brought up to date first if it has not learnt yet that it leads (a transfer).
fn lead_ready(w: &mut World, m: &mut Model, id: &str) -> &'static str {
    let lead = lead_of(w, id);
    let knows = w.reg(lead).case(id).is_ok_and(|c| c.lead == lead);
    if !knows {
        carry_recorded(w, m, CENTRAL, lead);
    }
    lead
}

/// An export imported at once (the newest of its sender there: always imported).
fn carry_recorded(w: &mut World, m: &mut Model, from: &str, to: &str) {
    let r = w.carry(from, to);
    assert_eq!(r.outcome, ImportOutcome::Imported);
    m.imported
        .entry((to.to_string(), from.to_string()))
        .or_default()
        .insert(r.sequence);
}

fn deliver(w: &mut World, m: &mut Model, pick: usize, how: Delivery) {
    if m.in_flight.is_empty() {
        return;
    }
    let i = pick % m.in_flight.len();
    if matches!(how, Delivery::Lose) {
        m.in_flight.remove(i);
        return;
    }
    let times = if matches!(how, Delivery::Twice) { 2 } else { 1 };
    for _ in 0..times {
        let f = &m.in_flight[i];
        let expected = m.expected(f);
        let before = w.digest(&f.to);
        let r = w
            .import(&f.to, &f.path)
            .unwrap_or_else(|e| panic!("{} -> {} #{}: {e:?}", f.from, f.to, f.sequence));
        assert_eq!(
            r.outcome, expected,
            "{} -> {} #{}: {r:?}",
            f.from, f.to, f.sequence
        );
        if expected == ImportOutcome::Imported {
            m.imported
                .entry((f.to.clone(), f.from.clone()))
                .or_default()
                .insert(f.sequence);
        } else {
            assert_eq!(w.digest(&f.to), before, "{:?} changed {}", r.outcome, f.to);
        }
    }
    if !matches!(how, Delivery::Keep) {
        m.in_flight.remove(i);
    }
}

/// The coordinating office a step names, unless it is the opening office itself.
fn coordinators_of(at: &str, coordinator: Option<usize>) -> Vec<&'static str> {
    coordinator
        .map(|c| OFFICES[c])
        .filter(|c| *c != at)
        .into_iter()
        .collect()
}

fn run(w: &mut World, m: &mut Model, s: &Step) {
    match *s {
        Step::Open { at, coordinator } => {
            let at = OFFICES[at];
            let coordinators = coordinators_of(at, coordinator);
            let title = m.value("Kiểm tra dấu hiệu vi phạm", at);
            let c = w.open_case(at, &title, &coordinators);
            m.last_write
                .insert((c.id.clone(), "title".into()), title.clone());
            m.led(&c.id, at);
            for co in coordinators {
                m.joined(&c.id, co);
            }
            m.cases.push(c.id);
        }
        Step::Edit { at, case } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            let at = OFFICES[at];
            if !holds(w, at, &id) {
                return;
            }
            let v = m.value("Tóm tắt", at);
            let lead = lead_of(w, &id);
            let thinks_it_leads = w.reg(at).case(&id).is_ok_and(|c| c.lead == at);
            if at != CENTRAL && at != lead && thinks_it_leads {
                // A former lead that has not learnt of the transfer: its edit is accepted in
                // its own register and has no effect anywhere once the transfer is known.
                w.reg(at)
                    .set_case_field(&id, "summary", &v)
                    .unwrap_or_else(|e| panic!("summary at {at}: {e:?}"));
                m.inert.push((id, at.to_string(), v));
                return;
            }
            if at == lead && at != CENTRAL && !thinks_it_leads {
                // Led again after a transfer back it has not heard of yet: its own register
                // still names another lead, so it refuses the edit and writes nothing.
                let digest = w.digest(at);
                let e = w.reg(at).set_case_field(&id, "summary", &v).unwrap_err();
                assert_eq!(e.code(), "op-not-authorised", "summary at {at}: {e}");
                assert_eq!(w.digest(at), digest);
                return;
            }
            if at != lead && at != CENTRAL {
                // A coordinating office has no authority over the case's fields: refused in
                // its own register, nothing written.
                let digest = w.digest(at);
                let e = w.reg(at).set_case_field(&id, "summary", &v).unwrap_err();
                assert_eq!(e.code(), "op-not-authorised", "summary at {at}: {e}");
                assert_eq!(w.digest(at), digest);
                return;
            }
            w.reg(at)
                .set_case_field(&id, "summary", &v)
                .unwrap_or_else(|e| panic!("summary at {at}: {e:?}"));
            // Against a summary stamped in 2031 a write of today loses: nothing to expect.
            if !m.skewed.contains(&id) {
                m.last_write.insert((id, "summary".into()), v);
            }
        }
        Step::Concurrent { with, case } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            if m.concurrent.contains_key(&id) {
                return;
            }
            let lead = lead_ready(w, m, &id);
            // The offices with authority over the case's fields: the lead and the centre.
            let others: Vec<String> = std::iter::once(CENTRAL.to_string())
                .filter(|o| o != lead)
                .collect();
            let Some(b) = others.get(with % others.len().max(1)).cloned() else {
                return;
            };
            // Bring the case to the other office first (lead → centre → province).
            if !holds(w, &b, &id) && lead != CENTRAL {
                carry_recorded(w, m, lead, CENTRAL);
            }
            if !holds(w, &b, &id) {
                carry_recorded(w, m, CENTRAL, &b);
            }
            assert!(holds(w, &b, &id), "{id} did not reach {b}");
            let va = m.value("Tiêu đề", lead);
            let vb = m.value("Tiêu đề", &b);
            w.reg(lead).set_case_field(&id, "title", &va).unwrap();
            w.reg(&b).set_case_field(&id, "title", &vb).unwrap();
            m.last_write.remove(&(id.clone(), "title".into()));
            m.concurrent.insert(id, (va, vb));
        }
        Step::Coordinate { case, office } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            let office = OFFICES[office];
            let lead = lead_ready(w, m, &id);
            let known = w.reg(lead).case(&id).unwrap();
            if lead == office {
                return;
            }
            if known.coordinators.iter().any(|c| c.office == office) {
                w.reg(lead)
                    .unlink(&id, CaseLink::Coordinator(office.into(), Text::default()))
                    .unwrap_or_else(|e| panic!("unlink at {lead}: {e:?}"));
            } else {
                w.add_coordinator(lead, &id, office);
                m.joined(&id, office);
            }
        }
        Step::Export { province, up } => {
            let p = PROVINCES[province];
            let (from, to) = if up { (p, CENTRAL) } else { (CENTRAL, p) };
            let (path, r) = w.export_report(from, &[to], false);
            m.in_flight.push(Flight {
                path,
                from: from.into(),
                to: to.into(),
                sequence: r.sequence,
            });
        }
        Step::Deliver { pick, how } => deliver(w, m, pick, how),
        Step::Transfer { case, to } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            let to = PROVINCES[to];
            let lead = lead_of(w, &id);
            if to == lead {
                return;
            }
            if !holds(w, CENTRAL, &id) {
                carry_recorded(w, m, lead, CENTRAL);
            }
            let c = w.reg(CENTRAL).case(&id).unwrap();
            if c.coordinators.iter().any(|co| co.office == to) {
                return; // a coordinating office is not made lead (the core refuses it)
            }
            w.reg(CENTRAL)
                .set_case_field(&id, "lead", to)
                .unwrap_or_else(|e| panic!("transfer to {to}: {e:?}"));
            m.led(&id, to);
            // The former lead, offline, goes on editing the case before it hears of it.
            if lead != CENTRAL && w.reg(lead).case(&id).is_ok_and(|c| c.lead == lead) {
                let v = m.value("Tóm tắt sau khi chuyển", lead);
                w.reg(lead)
                    .set_case_field(&id, "summary", &v)
                    .unwrap_or_else(|e| panic!("summary at {lead}: {e:?}"));
                m.inert.push((id, lead.to_string(), v));
            }
        }
        Step::Forge { at, case } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            let lead = lead_ready(w, m, &id);
            let at = PROVINCES[at];
            if at == lead {
                return;
            }
            // The insider's office coordinates the case and holds it (brought up to date).
            let known = w.reg(lead).case(&id).unwrap();
            if !known.coordinators.iter().any(|c| c.office == at) {
                w.add_coordinator(lead, &id, at);
                m.joined(&id, at);
            }
            if lead != CENTRAL {
                carry_recorded(w, m, lead, CENTRAL);
            }
            carry_recorded(w, m, CENTRAL, at);
            assert!(holds(w, at, &id), "{id} did not reach {at}");
            let v = m.value("Tiêu đề giả mạo", at);
            let conn = w.reg(at).store_mut().conn_mut();
            let mut txn = Txn::begin(conn, at, "admin").unwrap();
            txn.put(
                &ScopeUnit::new(format!("case:{id}")),
                &EntityRef::new("case", &id),
                "title",
                v.as_str(),
            )
            .unwrap();
            txn.commit(&NoProjection).unwrap();
            m.forged.push((id, at.to_string(), v));
        }
        Step::Denounce { at, coordinator } => {
            let at = OFFICES[at];
            let coordinators = coordinators_of(at, coordinator);
            let title = m.value("Giải quyết tố cáo", at);
            let name = m.value("Người tố cáo", at);
            w.continue_as(at, "lanhdao");
            let id = w.open_denunciation(at, &title, &coordinators);
            w.reg(at)
                .set_denouncer(&id, name.as_str().into(), None, None)
                .unwrap_or_else(|e| panic!("denouncer at {at}: {e:?}"));
            w.continue_as(at, "admin");
            m.last_write.insert((id.clone(), "title".into()), title);
            m.led(&id, at);
            for co in coordinators {
                m.joined(&id, co);
            }
            m.denounced.insert(id.clone(), name);
            m.cases.push(id);
        }
        Step::Team { case, at } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            let at = OFFICES[at];
            if !holds(w, at, &id) {
                return;
            }
            let lead = lead_of(w, &id);
            let digest = w.digest(at);
            match w.reg(at).link(&id, CaseLink::Team("lanhdao".into())) {
                Ok(()) => {}
                // The lead (as the central office records it) and the central office put their
                // officers on the team; an office that only coordinates, or a former lead not
                // yet told, may be refused, and then nothing is written.
                Err(e) if at != lead && at != CENTRAL => {
                    assert!(
                        matches!(e.code(), "op-not-authorised" | "permission-denied"),
                        "team at {at}: {e}"
                    );
                    assert_eq!(w.digest(at), digest);
                }
                Err(e) => panic!("team at {at} (lead {lead}): {e:?}"),
            }
        }
        Step::Skew { case } => {
            let Some(id) = m.cases.get(case % m.cases.len().max(1)).cloned() else {
                return;
            };
            let lead = lead_ready(w, m, &id);
            let v = m.value("Tóm tắt ghi khi đồng hồ sai", lead);
            let conn = w.reg(lead).store_mut().conn_mut();
            let mut txn = Txn::begin_at(conn, lead, "admin", IN_2031_MS).unwrap();
            txn.put(
                &ScopeUnit::new(format!("case:{id}")),
                &EntityRef::new("case", &id),
                "summary",
                v.as_str(),
            )
            .unwrap();
            txn.commit(&DomainProjector).unwrap();
            // A later write that saw it replaces it; one made without seeing it loses to 2031.
            // Which one survives depends on the carrying: the offices must only agree.
            m.last_write.remove(&(id.clone(), "summary".into()));
            m.skewed.insert(id);
            m.skewed_by.insert(lead.to_string());
        }
        Step::Recertify { province } => {
            let now = chrono::Utc::now();
            w.recertify(
                PROVINCES[province],
                now - chrono::Duration::minutes(5),
                now + chrono::Duration::days(730),
            );
        }
    }
}

/// Denouncers stay with the offices that led their case; team members carry their office, one
/// that took part in the case or the central office; the central office flags every office that stamped an edit in
/// 2031.
fn confidential_and_flagged(w: &mut World, m: &Model) {
    for o in OFFICES {
        let units: Vec<String> = {
            let conn = w.office(o).register.store().conn();
            let mut st = conn
                .prepare("SELECT DISTINCT scope FROM ops WHERE scope LIKE 'denouncer:%'")
                .unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        for unit in units {
            let case = unit.trim_start_matches("denouncer:");
            assert!(
                m.leads_ever.get(case).is_some_and(|l| l.contains(o)),
                "{o} holds the denouncer of {case}, which it never led"
            );
        }
    }
    for id in &m.cases {
        let Ok(c) = w.reg(CENTRAL).case_detail(id) else {
            continue;
        };
        for member in &c.team {
            let (office, _) = member
                .split_once('/')
                .unwrap_or_else(|| panic!("team member {member} of {id} names no office"));
            // The central office has authority over every case, its officers included.
            assert!(
                office == CENTRAL || m.participants.get(id).is_some_and(|p| p.contains(office)),
                "{member} on the team of {id}, an office that never took part"
            );
        }
    }
    let status = w.reg(CENTRAL).sync_status().unwrap();
    let flagged: BTreeSet<String> = status
        .iter()
        .flat_map(|p| p.clock_ahead.iter().map(|c| c.office.clone()))
        .collect();
    for o in m.skewed_by.iter().filter(|o| *o != CENTRAL) {
        assert!(
            flagged.contains(o),
            "{o}'s edit stamped 2031 is not flagged at TW"
        );
    }
}

/// After a transfer, the former lead's next bundle to the new lead carries the denouncer. After
/// several transfers each office that held it hands it to the lead it knows of: an office that
/// led the case only between two transfers still learns from the central office who took it
/// over, so the denouncer reaches the lead now in at most one hand-over per former lead.
fn denouncers_reach_their_lead(w: &mut World, m: &Model) {
    for (id, name) in &m.denounced {
        let lead = lead_of(w, id);
        let formers: Vec<String> = m.leads_ever[id]
            .iter()
            .filter(|o| *o != lead)
            .cloned()
            .collect();
        for _ in 0..formers.len() {
            for former in &formers {
                let holds = w.count(
                    former,
                    &format!("SELECT count(*) FROM ops WHERE scope = 'denouncer:{id}'"),
                ) > 0;
                let Ok(known) = w.reg(former).case(id).map(|c| c.lead) else {
                    continue;
                };
                if holds && known != *former {
                    w.carry(former, &known);
                }
            }
        }
        if formers.is_empty() {
            continue;
        }
        w.continue_as(lead, "lanhdao");
        let d = w.reg(lead).denouncer(id);
        w.continue_as(lead, "admin");
        let d = d.unwrap_or_else(|e| panic!("denouncer of {id} at {lead}: {e:?}"));
        assert_eq!(
            d.map(|d| d.name.as_str().to_string()).as_deref(),
            Some(name.as_str()),
            "the denouncer of {id} did not reach its lead {lead} (led before by {formers:?})"
        );
    }
}

/// `office`'s scope as the central office sees it, digested on `on`'s register, without the
/// cases `office` forged on (an insider's own register holds what it wrote).
fn honest_scope_digest(w: &World, m: &Model, office: &str, on: &str) -> String {
    let scope = hoso_core::sync::peer_scope(w.office(CENTRAL).register.store().conn(), office)
        .expect("scope");
    let forged: BTreeSet<String> = m
        .forged
        .iter()
        .filter(|(_, by, _)| by == office)
        .map(|(id, _, _)| format!("case:{id}"))
        .collect();
    oplog::digest_filtered(w.office(on).register.store().conn(), &|_, unit| {
        !unit.starts_with("denouncer:") && scope.contains(unit) && !forged.contains(unit)
    })
    .expect("digest")
}

/// Whether `office` leads or coordinates `case` as the central office sees it now.
fn in_scope(w: &mut World, office: &str, case: &str) -> bool {
    w.reg(CENTRAL)
        .case(case)
        .is_ok_and(|c| c.lead == office || c.coordinators.iter().any(|co| co.office == office))
}

/// No case that was never in a province's scope reached it. (One that left its scope may still
/// bring it changes the relaying office made before it learnt of the removal: offline, that is
/// unavoidable; once the removal is known nothing more is sent, `authority` tests that.)
fn nothing_reached_an_office_out_of_scope(w: &mut World) {
    for p in PROVINCES {
        let units: Vec<String> = {
            let conn = w.office(p).register.store().conn();
            let mut st = conn
                .prepare(
                    "SELECT DISTINCT scope FROM ops WHERE scope LIKE 'case:%' AND origin <> ?1",
                )
                .unwrap();
            st.query_map([p], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        for unit in units {
            let case = unit.trim_start_matches("case:").to_string();
            if in_scope(w, p, &case) {
                continue;
            }
            let left = hoso_core::authority::scope_exit(
                w.office(CENTRAL).register.store().conn(),
                &ScopeUnit::new(unit.clone()),
                &[p.to_string()],
            )
            .unwrap();
            assert!(
                left.is_some(),
                "{p} holds {unit}, which was never in its scope"
            );
        }
    }
}

fn check(w: &mut World, m: &Model) {
    nothing_reached_an_office_out_of_scope(w);
    confidential_and_flagged(w, m);
    denouncers_reach_their_lead(w, m);
    // What a former lead wrote after the transfer took effect nowhere, not even at itself now.
    for (id, by, v) in &m.inert {
        for o in OFFICES {
            if holds(w, o, id) {
                let summary = field(w, o, id, "summary");
                assert!(
                    summary.is_none_or(|s| !surviving(&s).contains(v)),
                    "{by}'s summary written after the transfer took effect at {o}"
                );
            }
        }
    }
    for p in PROVINCES {
        assert_eq!(
            honest_scope_digest(w, m, p, p),
            honest_scope_digest(w, m, p, CENTRAL),
            "{p} and the central office disagree about {p}'s scope"
        );
    }
    // A forged retitle is kept in the log but takes effect nowhere but at its forger, and the
    // officers see it listed.
    for (id, by, v) in &m.forged {
        for o in OFFICES.iter().filter(|o| **o != by.as_str()) {
            if !holds(w, o, id) {
                continue;
            }
            let title = field(w, o, id, "title").expect("title");
            assert!(
                !surviving(&title).contains(v),
                "{by}'s forged title took effect at {o}"
            );
        }
        let listed = oplog::effect::without_effect(w.office(CENTRAL).register.store().conn())
            .unwrap()
            .iter()
            .any(|x| x.op.origin == *by && x.scope.as_str() == format!("case:{id}"));
        assert!(listed, "{by}'s forged title on {id} is not listed at TW");
    }
    // Every change an office made reached the central office (its denouncers aside).
    for o in PROVINCES {
        let sql = format!(
            "SELECT count(*) FROM ops WHERE origin = '{o}' AND scope NOT LIKE 'denouncer:%'"
        );
        assert_eq!(w.count(o, &sql), w.count(CENTRAL, &sql), "ops of {o} lost");
    }
    for id in &m.cases {
        assert!(holds(w, CENTRAL, id), "case {id} never reached TW");
    }
    // The last write of each field survives at the central office and at every office
    // holding the case, which all see the same surviving writes.
    for ((id, name), v) in &m.last_write {
        let tw = field(w, CENTRAL, id, name).expect("field at TW");
        assert!(
            surviving(&tw).contains(v),
            "{id}/{name}: {v:?} lost at TW: {tw:?}"
        );
        for o in PROVINCES {
            let forger = m.forged.iter().any(|(f, by, _)| f == id && by == o);
            // An office removed from the case keeps what it had, nothing written since.
            if holds(w, o, id) && !forger && in_scope(w, o, id) {
                let here = field(w, o, id, name).expect("field");
                assert_eq!(surviving(&here), surviving(&tw), "{id}/{name} at {o}");
            }
        }
    }
    // Concurrent retitles are conflicts at the central office, holding both titles; no other
    // title is in conflict.
    let conflicts: BTreeSet<String> = oplog::conflicts(w.office(CENTRAL).register.store().conn())
        .unwrap()
        .into_iter()
        .filter(|(e, f)| e.kind == "case" && f == "title")
        .map(|(e, _)| e.id)
        .collect();
    let expected: BTreeSet<String> = m.concurrent.keys().cloned().collect();
    assert_eq!(conflicts, expected);
    for (id, (a, b)) in &m.concurrent {
        let tw = field(w, CENTRAL, id, "title").unwrap();
        assert!(tw.is_conflict());
        assert_eq!(surviving(&tw), BTreeSet::from([a.clone(), b.clone()]));
    }
}

fn world() -> World {
    let mut w = World::new(&PROVINCES);
    // Every province learns of the others from the central office's reference data.
    for p in PROVINCES {
        w.carry(CENTRAL, p);
    }
    // A committee leader at each office records denouncers; the rest is done as `admin`.
    for o in OFFICES {
        w.sign_in_as(o, "lanhdao", Role::CommitteeLeader);
        w.continue_as(o, "admin");
    }
    w
}

proptest! {
    // PROPTEST_CASES sets the number of schedules (`make test-long` runs many more).
    #![proptest_config(ProptestConfig {
        cases: hoso_testkit::proptest_cases(16),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_schedules_converge_without_losing_writes(
        steps in proptest::collection::vec(step(), 8..40)
    ) {
        let mut w = world();
        let mut m = Model::default();
        for s in &steps {
            run(&mut w, &mut m, s);
        }
        // Carry everything in order: each province to the centre, then back, twice.
        for _ in 0..2 {
            for p in PROVINCES {
                w.carry(p, CENTRAL);
            }
            for p in PROVINCES {
                w.carry(CENTRAL, p);
            }
        }
        check(&mut w, &m);
    }
}

#[test]
fn the_denouncer_stays_with_the_lead_office() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let case = w
        .reg("HN")
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Giải quyết tố cáo đối với đồng chí Bí thư Chi bộ".into(),
            lead: "HN".into(),
            coordinators: vec![("HP".into(), Text::from("nơi cư trú"))],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    w.reg("HN")
        .set_denouncer(
            &case.id,
            "Lê Thị Thu Hà".into(),
            Some("Số 5 phố Hàng Bạc".into()),
            None,
        )
        .unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    let denouncer_ops = "SELECT count(*) FROM ops WHERE scope LIKE 'denouncer:%'";
    assert!(w.count("HN", denouncer_ops) > 0);
    for o in [CENTRAL, "HP"] {
        assert_eq!(
            w.reg(o).case(&case.id).unwrap().title.as_str(),
            "Giải quyết tố cáo đối với đồng chí Bí thư Chi bộ",
            "the case reached {o}"
        );
        assert_eq!(w.count(o, denouncer_ops), 0, "denouncer ops at {o}");
        let raw = w.count(
            o,
            "SELECT count(*) FROM ops WHERE change LIKE '%Lê Thị Thu Hà%'",
        );
        assert_eq!(raw, 0, "the denouncer's name is stored at {o}");
    }
    // Even a committee leader there finds no denouncer.
    w.sign_in_as("HP", "lanhdao", Role::CommitteeLeader);
    match w.reg("HP").denouncer(&case.id) {
        Ok(None) | Err(Error::PermissionDenied { .. }) => {}
        Ok(Some(_)) => panic!("HP holds the denouncer"),
        Err(e) => panic!("{e:?}"),
    }
    let at_hn = w.reg("HN").denouncer(&case.id).unwrap().expect("at HN");
    assert_eq!(at_hn.name.as_str(), "Lê Thị Thu Hà");
}

#[test]
fn an_older_bundle_is_applied_when_a_newer_shared_one_lacked_its_changes() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let only_hn = w.open_case(CENTRAL, "Kiểm tra riêng Hà Nội", &["HN"]);
    let (for_hn, _) = w.export_report(CENTRAL, &["HN"], false);
    let shared = w.open_case(CENTRAL, "Giám sát chung", &["HN", "HP"]);
    // A bundle for both provinces carries only what they share.
    let (for_both, _) = w.export_report(CENTRAL, &["HN", "HP"], false);
    assert_eq!(
        w.import("HN", &for_both).unwrap().outcome,
        ImportOutcome::Imported
    );
    assert!(holds(&mut w, "HN", &shared.id));
    // The older bundle brings what the shared one could not carry: it is imported.
    let older = w.import("HN", &for_hn).unwrap();
    assert_eq!(older.outcome, ImportOutcome::Imported);
    assert!(holds(&mut w, "HN", &only_hn.id));
    // Imported again: the same file is recognised.
    assert_eq!(
        w.import("HN", &for_hn).unwrap().outcome,
        ImportOutcome::AlreadyImported
    );
    w.carry(CENTRAL, "HN");
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HN");
    assert_eq!(w.scope_digest("HN", "HN"), w.scope_digest("HN", CENTRAL));
}

#[test]
fn superseded_means_the_newer_bundle_carried_it() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    let first = w.open_case(CENTRAL, "Kiểm tra riêng Hà Nội", &["HN"]);
    let (older, _) = w.export_report(CENTRAL, &["HN"], false);
    let second = w.open_case(CENTRAL, "Giám sát Hà Nội", &["HN"]);
    // HN has not acknowledged the older bundle, so the newer one carries its case again.
    let (newer, _) = w.export_report(CENTRAL, &["HN"], false);
    assert_eq!(
        w.import("HN", &newer).unwrap().outcome,
        ImportOutcome::Imported
    );
    assert!(
        holds(&mut w, "HN", &first.id),
        "the newer bundle lacked the older case"
    );
    assert!(holds(&mut w, "HN", &second.id));
    let digest = w.scope_digest("HN", "HN");
    let late = w.import("HN", &older).unwrap();
    assert_eq!(late.outcome, ImportOutcome::Superseded);
    assert_eq!(
        w.scope_digest("HN", "HN"),
        digest,
        "a superseded bundle changed HN"
    );
}

#[test]
fn a_denunciation_case_handed_to_another_lead_office() {
    let mut w = World::new(&["HN", "HP"]);
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    w.sign_in_as("HN", "lanhdao", Role::CommitteeLeader);
    let case = w
        .reg("HN")
        .add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo chuyển nơi giải quyết".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: Text::default(),
            team: vec![],
        })
        .unwrap();
    w.reg("HN")
        .set_denouncer(&case.id, "Phạm Văn Đức".into(), None, None)
        .unwrap();
    w.reg("HN").set_case_field(&case.id, "lead", "HP").unwrap();
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    assert_eq!(w.reg("HP").case(&case.id).unwrap().lead, "HP");
    let denouncer_ops = "SELECT count(*) FROM ops WHERE scope LIKE 'denouncer:%'";
    assert_eq!(w.count(CENTRAL, denouncer_ops), 0);
    // The central office never holds another office's denouncer, so it cannot relay it to the
    // new lead: only a bundle straight from the former lead office carries it.
    assert_eq!(w.count("HP", denouncer_ops), 0);
    w.carry("HN", "HP");
    assert!(w.count("HP", denouncer_ops) > 0);
    w.sign_in_as("HP", "lanhdao", Role::CommitteeLeader);
    let d = w
        .reg("HP")
        .denouncer(&case.id)
        .unwrap()
        .expect("at the new lead");
    assert_eq!(d.name.as_str(), "Phạm Văn Đức");
}
