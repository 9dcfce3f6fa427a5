//! Sync between offices through real bundle files: enrolment, delta export, relays through the
//! central office, replays, and convergence over random schedules.

mod adversarial;
mod authority;
mod flow;
mod golden;
mod revocation;
mod rollback;
mod scenarios;
