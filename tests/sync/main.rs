//! Sync between offices through real bundle files: enrolment, delta export, relays through the
//! central office, replays, and convergence over random schedules.

mod adversarial;
mod authority;
mod canon;
mod flow;
mod golden;
mod revocation;
mod scenarios;
