//! End-to-end tests: the real HoSo app, driven through tauri-driver + WebKitWebDriver.
//! Run with `make e2e` (builds the app, starts Xvfb).

mod admin;
mod cases;
mod casework;
mod plans;
mod print;
mod reports;
mod screenshot;
mod stick;
mod subjects;
mod sync;
mod welcome;
