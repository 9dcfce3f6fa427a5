//! IPC commands. Each is a few lines: lock state, call the core, map the error.
pub mod app;
pub mod backup;
pub mod cases;
pub mod files;
pub mod picked;
pub mod print;
pub mod session;
pub mod subjects;
pub mod sync;
