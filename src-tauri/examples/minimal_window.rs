//! The yardstick of the start-up benchmark (`make bench`, docs/BENCHMARKS.md): the smallest
//! Tauri app built from the same crate and configuration as HoSo, whose one window shows a
//! static page and nothing else. HoSo's cold start is measured against it, started the same way.

use tauri::{WebviewUrl, WebviewWindowBuilder};

/// A static page shipped with the UI (`ui/public/`), served like HoSo's own pages.
const PAGE: &str = "startup-yardstick.html";

fn main() {
    let mut context = tauri::generate_context!();
    // No windows from the configuration (they would load HoSo's UI): one static page only.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            WebviewWindowBuilder::new(app, "main", WebviewUrl::App(PAGE.into()))
                .title("minimal")
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("the minimal window runs");
}
