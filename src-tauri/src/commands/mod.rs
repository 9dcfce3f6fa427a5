//! IPC commands. Each is a few lines: lock state, call the core, map the error.
pub mod admin;
pub mod app;
pub mod backup;
pub mod cases;
pub mod files;
pub mod picked;
pub mod plans;
pub mod print;
pub mod reports;
pub mod session;
pub mod subjects;
pub mod sync;
