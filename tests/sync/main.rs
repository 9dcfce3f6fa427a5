//! Sync between offices through real bundle files: enrolment, delta export, relays through the
//! central office, replays, and convergence over random schedules.

mod adversarial;
mod authority;
mod canon;
mod confidential;
mod flow;
mod golden;
mod history;
mod limits;
mod offices;
mod permissions;
mod records;
mod report_locks;
mod revocation;
mod rollback;
mod scenarios;
