//! What the app's administration screens ask of the register, each checked here whatever the
//! screen shows:
//!
//! - `offices_overview()`: the office list with each office's certificate and revocation (the
//!   roster this register holds);
//! - `officers_overview()`: the officers of this office and whether each has a key slot;
//! - `add_officer_with_passphrase(login, name, role, passphrase, kdf)`: the officer and their
//!   key slot (`officer.admin`); `change_own_passphrase(current, new)` (any officer, for
//!   themself); `reset_passphrase_with_recovery_key(login, recovery, new, kdf)`
//!   (`officer.admin`, and the recovery key of this register);
//! - `set_idle_minutes(minutes)` (`office.admin`, audited as a setting);
//! - `preview_rules_edit(edit)` / `edit_rules(edit)`: a change of the time limits or the holiday
//!   calendar; the preview lists the open cases whose deadline it moves, computed by running the
//!   very same write and rolling it back;
//! - `certify_request_file(request, out, valid_until)`: central office, an enrolment request
//!   file into a set-up bundle (what `hoso office certify` does); `revoke_office_with_reason`.

use std::path::Path;

use chrono::{Duration, NaiveDate, Utc};
use hoso_crypto::{KdfParams, RecoveryKey};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Register;
use super::project::DomainProjector;
use crate::access::{Permission, Role};
use crate::error::{Error, Result};
use crate::model::{Office, Officer};
use crate::oplog::Txn;
use crate::rules::{HolidayCalendar, RuleSet, RulesConfig};
use crate::text::Text;
use crate::trust::SignedEnrolment;

/// One office of the list with what the roster says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OfficeOverview {
    pub office: Office,
    /// This register's own office.
    pub is_self: bool,
    /// The office is in force today (not closed by a merger).
    pub in_force: bool,
    /// The offices merged into it are listed in `office.predecessors`; this is the office that
    /// absorbed this one, when it was closed by a merger.
    pub successor: Option<String>,
    /// The last day of its newest certificate not revoked (YYYY-MM-DD), if any.
    pub certified_until: Option<NaiveDate>,
    /// The revocation that left the office without a valid key.
    pub revoked: Option<RevokedOffice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevokedOffice {
    /// RFC 3339, UTC.
    pub at: String,
    pub reason: String,
}

/// An officer of this office as the officers screen lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OfficerOverview {
    pub login: String,
    pub name: Text,
    pub role: Role,
    pub active: bool,
    /// Has a key slot: can unlock the register with a passphrase.
    pub has_key: bool,
    /// The officer signed in now.
    pub is_self: bool,
}

/// A change of the rules from the settings screen: the sections given replace the ones in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RulesEdit {
    pub time_limits: Option<RuleSet>,
    pub calendar: Option<HolidayCalendar>,
}

/// An open case whose deadline a rules change moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeadlineMove {
    pub case_id: String,
    pub number: String,
    pub title: String,
    pub old_deadline: Option<NaiveDate>,
    pub new_deadline: Option<NaiveDate>,
}

/// What certifying an enrolment request wrote and what to read out to the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertifiedOffice {
    pub office: String,
    pub name: String,
    /// Last day of validity.
    pub valid_until: NaiveDate,
    /// The office's key fingerprint, to confirm with the office by phone.
    pub key_fingerprint: String,
    /// The root fingerprint to read out to the office (it types it when importing).
    pub root_fingerprint: String,
    /// The set-up bundle written.
    pub bundle_path: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub operations: u64,
}

/// What the signed-in officer may administer and what kind of office this is: the settings
/// screen hides what the role cannot do (the core refuses it anyway).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdminCapabilities {
    /// Settings, offices, certify and revoke (central office), sync periods.
    pub office_admin: bool,
    /// Add officers, change roles, deactivate, reset passphrases.
    pub officer_admin: bool,
    /// Edit time limits and holidays.
    pub rules_admin: bool,
    /// Rotate this office's key.
    pub key_admin: bool,
    /// This register holds the root key (the central office).
    pub holds_root: bool,
    /// This office's signing key fingerprint, and the trusted root's (grouped for reading aloud).
    pub key_fingerprint: String,
    pub root_fingerprint: Option<String>,
    /// A new signing key waits for its certificate (province, after a rotation).
    pub pending_key: Option<String>,
}

/// The rules the settings screen edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EditableRules {
    pub time_limits: RuleSet,
    pub calendar: HolidayCalendar,
}

/// Default validity of a certificate: two years (then the office is certified again).
pub const DEFAULT_CERTIFICATE_DAYS: i64 = 730;

/// Bounds of the idle auto-lock time an administrator may set, in minutes.
pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=240;

/// An open case as the preview reads it: id, number, title, deadline (YYYY-MM-DD).
type OpenDeadline = (String, String, String, Option<String>);

/// Open cases with a provisional deadline: the only deadlines a rules change can move (a final
/// deadline never moves with a later edit of the rules).
fn movable_deadlines(conn: &Connection) -> Result<Vec<OpenDeadline>> {
    let mut st = conn.prepare(
        "SELECT id, number, title, deadline FROM cases
             WHERE is_open AND deadline_provisional = 1 ORDER BY deadline, number",
    )?;
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::from)
}

fn deadlines_of(conn: &Connection, ids: &[String]) -> Result<Vec<Option<String>>> {
    let mut st = conn.prepare_cached("SELECT deadline FROM cases WHERE id = ?1")?;
    ids.iter()
        .map(|id| {
            st.query_row([id], |r| r.get::<_, Option<String>>(0))
                .map_err(Error::from)
        })
        .collect()
}

fn parse_day(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

impl Register {
    /// The office list (Vietnamese order) with each office's certificate and revocation as the
    /// roster held here says (any officer: nothing in it is secret).
    pub fn offices_overview(&self) -> Result<Vec<OfficeOverview>> {
        let roster = self.roster()?;
        let today = super::today();
        let me = self.session_info().office.clone();
        let offices = self.list_offices()?;
        let mut out = Vec::with_capacity(offices.len());
        for office in offices {
            let (certified_until, revoked) = match &roster {
                None => (None, None),
                Some(r) => {
                    let until = r
                        .certificates
                        .iter()
                        .map(|c| &c.certificate)
                        .filter(|c| c.office == office.code && r.key_revocation(c).is_none())
                        .map(|c| (c.valid_until - Duration::seconds(1)).date_naive())
                        .max();
                    let revoked = r.revocation(&office.code).map(|rev| RevokedOffice {
                        at: crate::trust::time_text(&rev.revoked_at),
                        reason: rev.reason.clone(),
                    });
                    (until, revoked)
                }
            };
            let in_force = office.valid_on(today);
            let successor = if in_force {
                None
            } else {
                self.successor(&office.code)?
            };
            out.push(OfficeOverview {
                is_self: office.code == me,
                in_force,
                successor,
                certified_until,
                revoked,
                office,
            });
        }
        Ok(out)
    }

    /// What the signed-in officer may administer here.
    pub fn admin_capabilities(&self) -> Result<AdminCapabilities> {
        let role = self.session_info().role;
        let may = |p| crate::access::require(role, p).is_ok();
        let keys = self.key_info()?;
        Ok(AdminCapabilities {
            office_admin: may(Permission::OfficeAdmin),
            officer_admin: may(Permission::OfficerAdmin),
            rules_admin: may(Permission::RulesAdmin),
            key_admin: may(Permission::KeyExport),
            holds_root: keys.holds_root,
            key_fingerprint: keys.key_fingerprint,
            root_fingerprint: keys.root_fingerprint,
            pending_key: self.pending_signing_key()?,
        })
    }

    /// The time limits and the holiday calendar in force (any officer may read them).
    pub fn editable_rules(&self) -> Result<EditableRules> {
        let r = self.rules()?;
        Ok(EditableRules {
            time_limits: r.time_limits,
            calendar: r.calendar,
        })
    }

    /// The officers of this office with whether each can unlock the register.
    pub fn officers_overview(&self) -> Result<Vec<OfficerOverview>> {
        let keys = self.store().key_slot_logins()?;
        let me = self.session_info().login.clone();
        self.list_officers()?
            .into_iter()
            .map(|o: Officer| {
                Ok(OfficerOverview {
                    has_key: keys.contains(&o.login),
                    is_self: o.login == me,
                    role: o.role.parse()?,
                    active: o.active,
                    name: o.name,
                    login: o.login,
                })
            })
            .collect()
    }

    /// Adds an officer of this office with their first passphrase (administrators only): the
    /// officer record, then their key slot. Everything that could be refused is checked first.
    pub fn add_officer_with_passphrase(
        &mut self,
        login: &str,
        name: &Text,
        role: Role,
        passphrase: &str,
        kdf: &KdfParams,
    ) -> Result<Officer> {
        self.require(Permission::OfficerAdmin)?;
        let login = crate::model::normalise_login(login)?;
        if self.store().key_slot_logins()?.contains(&login) {
            return Err(Error::AlreadyExists {
                entity: "key slot",
                key: login,
            });
        }
        if passphrase.trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(short_passphrase());
        }
        let officer = self.add_officer(&login, name, role)?;
        self.store().add_key_slot(&officer.login, passphrase, kdf)?;
        Ok(officer)
    }

    /// "Đổi mật khẩu": the signed-in officer replaces their own passphrase, giving the current
    /// one (a workstation left unlocked does not let a passer-by change it).
    pub fn change_own_passphrase(&mut self, current: &str, new: &str) -> Result<()> {
        let login = self.session_info().login.clone();
        if new.trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(short_passphrase());
        }
        self.store().verify_passphrase(&login, current)?;
        self.store().set_passphrase(&login, new)
    }

    /// An administrator sets a new passphrase for an officer of this office who forgot theirs,
    /// with the register's recovery key (printed at set-up); an officer without a key slot
    /// gets one. Deactivated officers get none.
    pub fn reset_passphrase_with_recovery_key(
        &mut self,
        login: &str,
        recovery: &RecoveryKey,
        new: &str,
        kdf: &KdfParams,
    ) -> Result<()> {
        self.require(Permission::OfficerAdmin)?;
        let officer = self.own_officer(login)?;
        if !officer.active {
            return Err(Error::invalid(
                "officer",
                format!("{} is deactivated", officer.login),
            ));
        }
        if new.trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(short_passphrase());
        }
        // The recovery key must be the one of this very register.
        self.store().check_recovery_key(recovery)?;
        if self.store().key_slot_logins()?.contains(&officer.login) {
            self.store().set_passphrase(&officer.login, new)
        } else {
            self.store().add_key_slot(&officer.login, new, kdf)
        }
    }

    /// Sets the idle time before the app locks itself (office setting
    /// `session.idle-minutes`; administrators, audited).
    pub fn set_idle_minutes(&mut self, minutes: u32) -> Result<()> {
        if !IDLE_MINUTES_RANGE.contains(&minutes) {
            return Err(Error::invalid(
                "idle time",
                format!(
                    "must be between {} and {} minutes",
                    IDLE_MINUTES_RANGE.start(),
                    IDLE_MINUTES_RANGE.end()
                ),
            ));
        }
        self.set_office_setting(
            super::casework::IDLE_MINUTES_SETTING,
            Some(&minutes.to_string()),
        )
    }

    /// The idle time in whole minutes (what the settings screen shows).
    pub fn idle_minutes(&self) -> Result<u32> {
        Ok(self.idle_seconds()?.div_ceil(60))
    }

    fn edited_rules(&self, edit: RulesEdit) -> Result<RulesConfig> {
        let mut config = self.rules()?;
        if let Some(t) = edit.time_limits {
            config.time_limits = t;
        }
        if let Some(c) = edit.calendar {
            config.calendar = c;
        }
        Ok(config)
    }

    /// The open cases whose deadline `edit` would move, with the deadline before and after:
    /// the change is written and projected in a transaction that is then rolled back, so the
    /// preview is what [`Self::edit_rules`] does. Administrators only; changes nothing.
    pub fn preview_rules_edit(&mut self, edit: RulesEdit) -> Result<Vec<DeadlineMove>> {
        let config = self.edited_rules(edit)?;
        self.preview_rules_change(config)
    }

    /// [`Self::preview_rules_edit`] for a whole rules document.
    pub fn preview_rules_change(&mut self, config: RulesConfig) -> Result<Vec<DeadlineMove>> {
        self.require(Permission::RulesAdmin)?;
        config.validate()?;
        let before = movable_deadlines(self.conn())?;
        let ids: Vec<String> = before.iter().map(|c| c.0.clone()).collect();
        let session = self.session_info().clone();
        let mut txn = Txn::begin(self.store_mut().conn_mut(), &session.office, &session.login)?;
        super::rules_store::write(&mut txn, &config)?;
        let after = txn.dry_run(&DomainProjector, |tx| deadlines_of(tx, &ids))?;
        Ok(before
            .into_iter()
            .zip(after)
            .filter(|((_, _, _, old), new)| old != new)
            .map(|((case_id, number, title, old), new)| DeadlineMove {
                case_id,
                number,
                title,
                old_deadline: parse_day(old),
                new_deadline: parse_day(new),
            })
            .collect())
    }

    /// Saves a change of the time limits or the holiday calendar (administrators; validated,
    /// synced as reference data, audited by [`Self::set_rules`]).
    pub fn edit_rules(&mut self, edit: RulesEdit) -> Result<()> {
        let config = self.edited_rules(edit)?;
        self.set_rules(config)
    }

    /// Central office: revokes every key of `office` with a reason the app requires (it travels
    /// in the roster and is shown when the office's bundles are refused).
    pub fn revoke_office_with_reason(&mut self, office: &str, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "a revocation needs a reason (it is shown when the office's bundles are refused)",
            ));
        }
        self.revoke_office(office, reason).map(|_| ())
    }

    /// Central office: certifies the office whose enrolment request is in the file `request`
    /// (`hoso init --enroll-out`) until `valid_until` (default two years), then writes its
    /// set-up bundle to the new file `out` (never overwritten).
    pub fn certify_request_file(
        &mut self,
        request: &Path,
        out: &Path,
        valid_until: Option<NaiveDate>,
    ) -> Result<CertifiedOffice> {
        self.require(Permission::OfficeAdmin)?;
        if out.exists() {
            return Err(Error::AlreadyExists {
                entity: "file",
                key: out.display().to_string(),
            });
        }
        let len = std::fs::metadata(request)
            .map_err(|e| Error::Storage(format!("reading {}: {e}", request.display())))?
            .len();
        if len > crate::trust::cert::MAX_TRUST_FILE as u64 {
            return Err(Error::TrustMalformed {
                what: "enrolment request".into(),
                reason: format!("{} is too large", request.display()),
            });
        }
        let text = std::fs::read_to_string(request)
            .map_err(|e| Error::Storage(format!("reading {}: {e}", request.display())))?;
        let req = SignedEnrolment::from_json(&text)?;
        let now = Utc::now();
        let until = match valid_until {
            // The last day counts: valid until the start of the next one.
            Some(d) => d
                .succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .ok_or_else(|| Error::invalid("valid until", "out of range"))?
                .and_utc(),
            None => now + Duration::days(DEFAULT_CERTIFICATE_DAYS),
        };
        let cert = self.certify_opts(&req, now, until, Default::default())?;
        let c = cert.certificate;
        let key_fingerprint = crate::trust::fingerprint(&req.key()?);
        let report =
            self.export_bundle_to_file(std::slice::from_ref(&c.office), true, out, &mut |_| {})?;
        Ok(CertifiedOffice {
            office: c.office,
            name: c.name,
            valid_until: (c.valid_until - Duration::seconds(1)).date_naive(),
            key_fingerprint,
            root_fingerprint: self.root_fingerprint()?,
            bundle_path: out.display().to_string(),
            operations: report.operations,
        })
    }
}

/// Shortest passphrase the app accepts for an officer.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

fn short_passphrase() -> Error {
    Error::invalid(
        "passphrase",
        format!("must have at least {MIN_PASSPHRASE_CHARS} characters"),
    )
}
