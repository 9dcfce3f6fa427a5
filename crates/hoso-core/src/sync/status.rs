//! `Register::sync_status`: per peer, the last bundle sent and received, what waits to be sent,
//! and whether the exchange is overdue.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::scope::{acked_cutoffs, is_central, peer_scope};
use crate::error::Result;
use crate::oplog::{self, Hlc};
use crate::register::Register;
use crate::trust::roster::stored_roster;

/// Default sync period between a province and the central office.
pub const DEFAULT_PERIOD_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BundleSummary {
    pub at: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sequence: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub operations: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeerStatus {
    pub office: String,
    /// The office's name as the reference data knows it (None until it arrived).
    pub office_name: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub period_days: i64,
    pub last_sent: Option<BundleSummary>,
    pub last_received: Option<BundleSummary>,
    /// Operations in the peer's scope it has not acknowledged (the next export's size).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub waiting_operations: u64,
    /// Cases whose denouncer this office holds and must hand to this peer, their lead now
    /// (after a lead transfer), in its next bundle to it: until then the new lead cannot see it.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub denouncers_to_hand_over: u64,
    /// No bundle sent to it, or none received from it, within the period.
    pub overdue: bool,
    /// Offices (this peer or others it relayed) whose changes it brought are dated far ahead
    /// of this workstation's clock, still in the future: their clock is wrong.
    pub clock_ahead: Vec<ClockWarning>,
}

/// An office whose changes are dated beyond this workstation's clock plus the tolerance
/// ([`oplog::MAX_CLOCK_AHEAD_MS`], one day): its clock is (or was) wrong. The changes were
/// accepted (refusing them would make offices diverge), but until real time reaches `furthest`
/// they win every concurrent edit and sort last in timelines; someone should check that
/// office's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClockWarning {
    /// The office that wrote the changes.
    pub office: String,
    /// The furthest time its changes carry (RFC 3339, UTC).
    pub furthest: String,
}

impl ClockWarning {
    pub(crate) fn new(office: &str, hlc: Hlc) -> ClockWarning {
        let furthest = DateTime::from_timestamp_millis(hlc.ms as i64)
            .map(|t| crate::trust::time_text(&t))
            .unwrap_or_else(|| hlc.to_string());
        ClockWarning {
            office: office.to_string(),
            furthest,
        }
    }
}

/// Longest sync period an administrator may set (a year).
pub const MAX_PERIOD_DAYS: i64 = 366;

impl Register {
    /// Sets how often bundles should be exchanged with `office` (in days); `sync_status` flags
    /// the peer as overdue after that. Administrators only; audited.
    pub fn set_sync_period(&mut self, office: &str, days: i64) -> Result<()> {
        self.require(crate::access::Permission::OfficeAdmin)?;
        let office = crate::model::normalise_office_code(office)?;
        if office == self.session_info().office {
            return Err(crate::Error::invalid(
                "office",
                "this office does not sync with itself",
            ));
        }
        if !(1..=MAX_PERIOD_DAYS).contains(&days) {
            return Err(crate::Error::invalid(
                "sync period",
                format!("must be between 1 and {MAX_PERIOD_DAYS} days"),
            ));
        }
        let login = self.session_info().login.clone();
        let tx = self.store_mut().conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO sync_peers(office, period_days) VALUES (?1, ?2)
             ON CONFLICT(office) DO UPDATE SET period_days = excluded.period_days",
            params![office, days],
        )?;
        crate::audit::append(
            &tx,
            &crate::audit::NewEntry::new(
                &login,
                "sync.period",
                format!("office:{office}"),
                serde_json::json!({ "days": days }),
            ),
        )?;
        Ok(tx.commit()?)
    }

    /// The sync state with every peer: offices we exchanged bundles with, and (on any office)
    /// the offices a certificate in the roster names that are central, or (on the central
    /// office) every certified office.
    pub fn sync_status(&self) -> Result<Vec<PeerStatus>> {
        let conn = self.store().conn();
        let me = &self.session_info().office;
        let central_here = is_central(conn, me)?;
        let mut peers: BTreeSet<String> = BTreeSet::new();
        {
            let mut stmt = conn.prepare("SELECT office FROM sync_peers")?;
            for r in stmt.query_map([], |r| r.get::<_, String>(0))? {
                peers.insert(r?);
            }
        }
        // Offices that now lead a case whose denouncer this office holds: it must hand it over.
        {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT c.lead FROM cases c WHERE c.lead <> ?1
                     AND EXISTS (SELECT 1 FROM ops o WHERE o.scope = 'denouncer:' || c.id)",
            )?;
            for r in stmt.query_map([me], |r| r.get::<_, String>(0))? {
                peers.insert(r?);
            }
        }
        if let Some((_, roster)) = stored_roster(conn)? {
            for c in &roster.certificates {
                let office = &c.certificate.office;
                if roster.revocation(office).is_some() || office == me {
                    continue;
                }
                if central_here || is_central(conn, office)? {
                    peers.insert(office.clone());
                }
            }
        }
        // Every op's origin, bringer, unit and arrival, read once for all peers (what export
        // would send: not the peer's own ops, nor those it brought here).
        let mut ops: Vec<(String, Option<String>, String, i64)> = Vec::new();
        {
            let mut stmt = conn.prepare("SELECT origin, via, scope, arrival FROM ops")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            for r in rows {
                ops.push(r?);
            }
        }
        let now = Utc::now();
        // Far-ahead origins whose furthest op is still in the future, each shown on the row of
        // the peer that brought that op (or its own row).
        let mut clock_ahead: Vec<(String, ClockWarning)> = Vec::new();
        for flag in oplog::clock_ahead_origins(conn)? {
            if flag.hlc.ms as i64 <= now.timestamp_millis() {
                continue;
            }
            let via: Option<String> = conn
                .query_row(
                    "SELECT via FROM ops WHERE origin = ?1 AND hlc = ?2 LIMIT 1",
                    params![flag.origin, flag.hlc.to_packed()],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let by = via.unwrap_or_else(|| flag.origin.clone());
            if &by == me {
                continue;
            }
            peers.insert(by.clone());
            clock_ahead.push((by, ClockWarning::new(&flag.origin, flag.hlc)));
        }
        let mut out = Vec::new();
        for p in peers {
            let row = conn
                .query_row(
                    "SELECT period_days, sent_seq, sent_at, sent_ops, received_seq, received_at,
                            received_ops
                     FROM sync_peers WHERE office = ?1",
                    [&p],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, i64>(3)?,
                            r.get::<_, i64>(4)?,
                            r.get::<_, Option<String>>(5)?,
                            r.get::<_, i64>(6)?,
                        ))
                    },
                )
                .optional()?;
            let (period, sent_seq, sent_at, sent_ops, rec_seq, rec_at, rec_ops) =
                row.unwrap_or((DEFAULT_PERIOD_DAYS, 0, None, 0, 0, None, 0));
            let summary = |at: Option<String>, seq: i64, n: i64| {
                at.map(|at| BundleSummary {
                    at,
                    sequence: seq as u64,
                    operations: n as u64,
                })
            };
            let last_sent = summary(sent_at, sent_seq, sent_ops);
            let last_received = summary(rec_at, rec_seq, rec_ops);
            let stale = |s: &Option<BundleSummary>| {
                s.as_ref()
                    .and_then(|s| DateTime::parse_from_rfc3339(&s.at).ok())
                    .is_none_or(|t| now - t.with_timezone(&Utc) > Duration::days(period))
            };
            let overdue = stale(&last_sent) || stale(&last_received);
            let scope = peer_scope(conn, &p)?;
            let acked = acked_cutoffs(conn, &p)?;
            let waiting_ops: Vec<&str> = ops
                .iter()
                .filter(|(origin, via, unit, arrival)| {
                    origin != &p
                        && via.as_ref() != Some(&p)
                        && scope.contains(unit)
                        && *arrival > acked.get(unit).copied().unwrap_or(0)
                })
                .map(|(_, _, unit, _)| unit.as_str())
                .collect();
            let waiting = waiting_ops.len() as u64;
            let denouncers_to_hand_over = waiting_ops
                .iter()
                .filter(|u| u.starts_with("denouncer:"))
                .collect::<BTreeSet<_>>()
                .len() as u64;
            let office_name: Option<String> = conn
                .query_row("SELECT name FROM offices WHERE code = ?1", [&p], |r| {
                    r.get(0)
                })
                .optional()?;
            let flags = clock_ahead
                .iter()
                .filter(|(by, _)| by == &p)
                .map(|(_, w)| w.clone())
                .collect();
            out.push(PeerStatus {
                office: p,
                office_name,
                period_days: period,
                last_sent,
                last_received,
                waiting_operations: waiting,
                denouncers_to_hand_over,
                overdue,
                clock_ahead: flags,
            });
        }
        Ok(out)
    }
}
