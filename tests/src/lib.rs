//! Shared helpers for HoSo's cross-crate scenarios and end-to-end tests.

pub mod app;
pub mod fixtures;
pub mod offices;
