//! Shared helpers for HoSo's cross-crate scenarios and end-to-end tests.

// The WebDriver client builds only for the end-to-end suite.
#[cfg(feature = "e2e")]
pub mod app;
pub mod fixtures;
pub mod offices;
pub mod planning;
