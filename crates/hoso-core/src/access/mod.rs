//! Access control: officer roles × permissions, checked by the core on every call (never only in
//! the UI). The whole matrix is the one table `MATRIX` below, so it can be reviewed in one place.
//!
//! API (helper R):
//! - `Role` (administrator, committee-leader, inspector, letters-clerk, viewer): kebab-case
//!   serde / `FromStr` / `Display`, `Role::ALL`, `label_vi()`.
//! - `Permission` (`case.read`, `case.create`, …): dotted codes, serde / `FromStr` / `Display`.
//! - `Grant { No, Yes, Assigned, LeadOffice }`; `grant(role, perm) -> Grant`.
//! - `require(role, perm) -> Result<()>`: passes only for an unconditional `Yes`.
//! - `require_on_case(role, perm, &CaseAccess { assigned, local_office_leads }) -> Result<()>`:
//!   also honours `Assigned` / `LeadOffice`; the denouncer's identity additionally always needs
//!   the local office to lead the case (GLOSSARY.md, "Confidentiality rules").
//! - `permissions(role) -> Vec<(Permission, Grant)>` for the settings screen and `--json`.
//!
//! Denied checks return `Error::PermissionDenied` naming the permission and the role.
//! Deliberate choice: the administrator manages the system (offices, officers, keys, rules, sync)
//! and may do all case work, but does NOT see or edit the denouncer's identity: GLOSSARY.md
//! limits that to committee leadership, the assigned officer and the lead office's letters clerk.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An officer's role in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Administrator,
    CommitteeLeader,
    Inspector,
    LettersClerk,
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Administrator,
        Role::CommitteeLeader,
        Role::Inspector,
        Role::LettersClerk,
        Role::Viewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::CommitteeLeader => "committee-leader",
            Role::Inspector => "inspector",
            Role::LettersClerk => "letters-clerk",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Administrator => "Quản trị hệ thống",
            Role::CommitteeLeader => "Lãnh đạo Ủy ban Kiểm tra",
            Role::Inspector => "Cán bộ kiểm tra",
            Role::LettersClerk => "Cán bộ tiếp nhận đơn thư",
            Role::Viewer => "Người xem",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.code() == t)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                Error::invalid(
                    "role",
                    format!("unknown value '{t}'; allowed: {}", allowed.join(", ")),
                )
            })
    }
}

/// Declares `Permission` with its dotted code and a short English description.
macro_rules! permissions {
    ($( $(#[$m:meta])* $v:ident = $code:literal, $desc:literal; )+) => {
        /// Something an officer may do. Codes are stable (`case.decide`): they appear in errors,
        /// audit entries and the UI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Permission { $( $(#[$m])* #[serde(rename = $code)] $v, )+ }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$v),+];
            pub fn code(self) -> &'static str { match self { $(Permission::$v => $code),+ } }
            pub fn description(self) -> &'static str { match self { $(Permission::$v => $desc),+ } }
        }
    };
}

permissions! {
    CaseRead = "case.read", "see cases (without the denouncer's identity)";
    CaseCreate = "case.create", "open a case";
    CaseEdit = "case.edit", "edit a case's fields, subjects, coordinators, documents, notes";
    CaseTransition = "case.transition", "move a case through the workflow";
    /// Conclusions and discipline decisions (the committee's decisions).
    CaseDecide = "case.decide", "record conclusions and discipline decisions";
    DenouncerRead = "denouncer.read", "see the denouncer's identity";
    DenouncerWrite = "denouncer.write", "record or correct the denouncer's identity";
    SubjectWrite = "subject.write", "add or edit members and organisations";
    PlanWrite = "plan.write", "edit annual programmes and plans";
    OfficeAdmin = "office.admin", "edit the list of offices";
    OfficerAdmin = "officer.admin", "add officers, change roles";
    /// Time limits, holidays, content categories (GLOSSARY.md: editable by an administrator).
    RulesAdmin = "rules.admin", "edit time-limit rules, holidays and categories";
    AuditRead = "audit.read", "read and verify the audit log";
    BundleExport = "bundle.export", "export sync bundles";
    BundleImport = "bundle.import", "import sync bundles";
    KeyExport = "key.export", "export keys and the office certificate";
    ReportRead = "report.read", "produce statistics and reports";
    /// "Chốt số liệu": the committee's leadership signs off a period's figures.
    ReportLock = "report.lock", "lock a period's report figures (chốt số liệu)";
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Permission {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        Permission::ALL
            .iter()
            .copied()
            .find(|p| p.code() == t)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Permission::ALL.iter().map(|p| p.code()).collect();
                Error::invalid(
                    "permission",
                    format!("unknown value '{t}'; allowed: {}", allowed.join(", ")),
                )
            })
    }
}

/// How far a role holds a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grant {
    No,
    Yes,
    /// Only on cases the officer is assigned to (inspection team member).
    Assigned,
    /// Only on cases the local office leads.
    LeadOffice,
}

use Grant::{Assigned as A, LeadOffice as L, No as N, Yes as Y};

/// The matrix. Columns: administrator, committee-leader, inspector, letters-clerk, viewer.
#[rustfmt::skip]
const MATRIX: &[(Permission, [Grant; 5])] = &[
    //                             admin leader insp clerk viewer
    (Permission::CaseRead,        [Y,    Y,     Y,   Y,    Y]),
    (Permission::CaseCreate,      [Y,    Y,     Y,   Y,    N]),
    (Permission::CaseEdit,        [Y,    Y,     A,   L,    N]),
    (Permission::CaseTransition,  [Y,    Y,     A,   L,    N]),
    (Permission::CaseDecide,      [Y,    Y,     N,   N,    N]),
    (Permission::DenouncerRead,   [N,    Y,     A,   L,    N]),
    (Permission::DenouncerWrite,  [N,    Y,     N,   L,    N]),
    (Permission::SubjectWrite,    [Y,    Y,     Y,   Y,    N]),
    (Permission::PlanWrite,       [Y,    Y,     Y,   N,    N]),
    (Permission::OfficeAdmin,     [Y,    N,     N,   N,    N]),
    (Permission::OfficerAdmin,    [Y,    N,     N,   N,    N]),
    (Permission::RulesAdmin,      [Y,    N,     N,   N,    N]),
    (Permission::AuditRead,       [Y,    Y,     N,   N,    N]),
    (Permission::BundleExport,    [Y,    Y,     N,   Y,    N]),
    (Permission::BundleImport,    [Y,    Y,     N,   Y,    N]),
    (Permission::KeyExport,       [Y,    N,     N,   N,    N]),
    (Permission::ReportRead,      [Y,    Y,     Y,   Y,    Y]),
    (Permission::ReportLock,      [N,    Y,     N,   N,    N]),
];

fn column(role: Role) -> usize {
    match role {
        Role::Administrator => 0,
        Role::CommitteeLeader => 1,
        Role::Inspector => 2,
        Role::LettersClerk => 3,
        Role::Viewer => 4,
    }
}

/// What the matrix says for `role` and `perm`.
pub fn grant(role: Role, perm: Permission) -> Grant {
    MATRIX
        .iter()
        .find(|(p, _)| *p == perm)
        .map(|(_, row)| row[column(role)])
        .unwrap_or(Grant::No)
}

/// Every permission with the role's grant, in `Permission::ALL` order.
pub fn permissions(role: Role) -> Vec<(Permission, Grant)> {
    Permission::ALL
        .iter()
        .map(|p| (*p, grant(role, *p)))
        .collect()
}

fn denied(role: Role, perm: Permission, why: &str) -> Error {
    Error::PermissionDenied(format!(
        "{perm} ({}) is not granted to role {role}{why}",
        perm.description()
    ))
}

/// Checks a permission that does not depend on a particular case.
pub fn require(role: Role, perm: Permission) -> Result<()> {
    match grant(role, perm) {
        Grant::Yes => Ok(()),
        Grant::No => Err(denied(role, perm, "")),
        Grant::Assigned => Err(denied(
            role,
            perm,
            " except on cases assigned to the officer",
        )),
        Grant::LeadOffice => Err(denied(role, perm, " except on cases this office leads")),
    }
}

/// The facts about one case that conditional grants depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseAccess {
    /// The officer is on the case's inspection team (or is its assigned officer).
    pub assigned: bool,
    /// The local office is the case's lead office.
    pub local_office_leads: bool,
}

/// Checks a permission on one case, honouring `Assigned` and `LeadOffice` grants.
pub fn require_on_case(role: Role, perm: Permission, case: &CaseAccess) -> Result<()> {
    let confidential = matches!(perm, Permission::DenouncerRead | Permission::DenouncerWrite);
    if confidential && !case.local_office_leads {
        return Err(denied(role, perm, " on a case another office leads"));
    }
    match grant(role, perm) {
        Grant::Yes => Ok(()),
        Grant::No => Err(denied(role, perm, "")),
        Grant::Assigned if case.assigned => Ok(()),
        Grant::Assigned => Err(denied(
            role,
            perm,
            " on a case the officer is not assigned to",
        )),
        Grant::LeadOffice if case.local_office_leads => Ok(()),
        Grant::LeadOffice => Err(denied(role, perm, " on a case another office leads")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: CaseAccess = CaseAccess {
        assigned: true,
        local_office_leads: true,
    };
    const LEAD_ONLY: CaseAccess = CaseAccess {
        assigned: false,
        local_office_leads: true,
    };
    const FOREIGN: CaseAccess = CaseAccess {
        assigned: true,
        local_office_leads: false,
    };

    #[test]
    fn matrix_covers_every_permission_once() {
        for p in Permission::ALL {
            assert_eq!(MATRIX.iter().filter(|(q, _)| q == p).count(), 1, "{p}");
        }
        assert_eq!(MATRIX.len(), Permission::ALL.len());
    }

    #[test]
    fn viewer_reads_but_never_writes() {
        assert!(require(Role::Viewer, Permission::CaseRead).is_ok());
        assert!(require(Role::Viewer, Permission::ReportRead).is_ok());
        for p in Permission::ALL {
            if !matches!(p, Permission::CaseRead | Permission::ReportRead) {
                assert!(
                    require_on_case(Role::Viewer, *p, &OWN).is_err(),
                    "viewer has {p}"
                );
            }
        }
    }

    #[test]
    fn letters_clerk_writes_denouncer_but_does_not_decide() {
        assert!(
            require_on_case(Role::LettersClerk, Permission::DenouncerWrite, &LEAD_ONLY).is_ok()
        );
        assert!(require_on_case(Role::LettersClerk, Permission::DenouncerRead, &LEAD_ONLY).is_ok());
        let e = require_on_case(Role::LettersClerk, Permission::CaseDecide, &OWN).unwrap_err();
        assert_eq!(e.code(), "permission-denied");
        let msg = e.to_string();
        assert!(
            msg.contains("case.decide") && msg.contains("letters-clerk"),
            "{msg}"
        );
        // Not for a case that another office leads: the identity is not even synced there.
        assert!(require_on_case(Role::LettersClerk, Permission::DenouncerRead, &FOREIGN).is_err());
    }

    #[test]
    fn denouncer_identity_is_limited_to_the_glossary_roles() {
        assert!(
            require_on_case(Role::CommitteeLeader, Permission::DenouncerRead, &LEAD_ONLY).is_ok()
        );
        assert!(require_on_case(Role::Inspector, Permission::DenouncerRead, &OWN).is_ok());
        assert!(require_on_case(Role::Inspector, Permission::DenouncerRead, &LEAD_ONLY).is_err());
        assert!(require_on_case(Role::Administrator, Permission::DenouncerRead, &OWN).is_err());
        assert!(
            require_on_case(Role::CommitteeLeader, Permission::DenouncerRead, &FOREIGN).is_err()
        );
        // Without a case, a conditional grant is not enough, and the message says why.
        let msg = require(Role::Inspector, Permission::DenouncerRead)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("denouncer.read") && msg.contains("assigned"),
            "{msg}"
        );
    }

    #[test]
    fn inspector_edits_only_assigned_cases_and_never_decides() {
        assert!(require_on_case(Role::Inspector, Permission::CaseEdit, &OWN).is_ok());
        assert!(require_on_case(Role::Inspector, Permission::CaseTransition, &LEAD_ONLY).is_err());
        assert!(require(Role::Inspector, Permission::CaseCreate).is_ok());
        assert!(require_on_case(Role::Inspector, Permission::CaseDecide, &OWN).is_err());
    }

    #[test]
    fn only_the_administrator_manages_the_system() {
        for p in [
            Permission::OfficeAdmin,
            Permission::OfficerAdmin,
            Permission::RulesAdmin,
            Permission::KeyExport,
        ] {
            for r in Role::ALL {
                assert_eq!(require(*r, p).is_ok(), *r == Role::Administrator, "{r} {p}");
            }
        }
        assert!(require(Role::CommitteeLeader, Permission::CaseDecide).is_ok());
        assert!(require(Role::CommitteeLeader, Permission::AuditRead).is_ok());
        assert!(require(Role::Inspector, Permission::AuditRead).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), *r);
            assert_eq!(serde_json::to_string(r).unwrap(), format!("\"{r}\""));
        }
        for p in Permission::ALL {
            assert_eq!(p.code().parse::<Permission>().unwrap(), *p);
            assert_eq!(serde_json::to_string(p).unwrap(), format!("\"{p}\""));
        }
        assert_eq!(
            "committee-leader".parse::<Role>().unwrap(),
            Role::CommitteeLeader
        );
        let msg = "clerk".parse::<Role>().unwrap_err().to_string();
        assert!(
            msg.contains("'clerk'") && msg.contains("letters-clerk"),
            "{msg}"
        );
        assert!("case.delete".parse::<Permission>().is_err());
    }
}
