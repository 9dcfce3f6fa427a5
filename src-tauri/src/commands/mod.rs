//! IPC commands. Each is a few lines: lock state, call the core, map the error.
pub mod app;
pub mod cases;
pub mod files;
pub mod print;
pub mod reports;
pub mod session;
pub mod subjects;
pub mod sync;
