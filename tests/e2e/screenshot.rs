use anyhow::{Context, Result};
use hoso_tests::app::App;

/// Not a test: `make screenshot` runs it to refresh the README's pictures of the app, signed in
/// to the demo register (HOSO_SCREENSHOT_REGISTER): the dashboard to HOSO_SCREENSHOT_OUT and,
/// when HOSO_SCREENSHOT_DIR is set, the dashboard, case list, a case and the new-case form
/// there (the user guide's pictures), and the settings tabs (`settings-<tab>.png`).
/// HOSO_SCREENSHOT_SYNC_OUT: the sync screen.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by `make screenshot`"]
async fn readme_screenshot() -> Result<()> {
    let register = std::env::var("HOSO_SCREENSHOT_REGISTER").context("HOSO_SCREENSHOT_REGISTER")?;
    let out = std::env::var("HOSO_SCREENSHOT_OUT").context("HOSO_SCREENSHOT_OUT")?;
    let dir = std::env::var("HOSO_SCREENSHOT_DIR").ok();
    let home = tempfile::tempdir()?;
    let app = App::launch(&["--register", &register], home.path()).await?;
    // The smallest screen officers use.
    let _ = app.client.set_window_size(1366, 768).await;
    app.sign_in("demo", "demo").await?;
    app.by_test_id("dash-overdue").await?;
    let settle = || tokio::time::sleep(std::time::Duration::from_secs(3));
    settle().await;
    let shot = app.client.screenshot().await?;
    std::fs::write(&out, &shot)?;
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir)?;
        std::fs::write(format!("{dir}/dashboard.png"), &shot)?;
        app.click("nav-cases").await?;
        app.by_test_id("case-row").await?;
        settle().await;
        std::fs::write(
            format!("{dir}/case-list.png"),
            app.client.screenshot().await?,
        )?;
        app.click("case-row").await?;
        app.by_test_id("case-detail").await?;
        settle().await;
        std::fs::write(
            format!("{dir}/case-detail.png"),
            app.client.screenshot().await?,
        )?;
        app.click("nav-cases").await?;
        app.click("case-new-open").await?;
        app.by_test_id("case-new").await?;
        settle().await;
        std::fs::write(
            format!("{dir}/new-case.png"),
            app.client.screenshot().await?,
        )?;
    }
    // The settings tabs (the user guide's "Quản trị"), when HOSO_SCREENSHOT_DIR is set.
    if let Some(dir) = &dir {
        app.click("nav-settings").await?;
        app.by_test_id("settings-screen").await?;
        for (tab, ready) in [
            ("general", "settings-idle-minutes"),
            ("offices", "office-row"),
            ("officers", "officer-row"),
            ("rules", "rule-row"),
        ] {
            app.click(&format!("settings-tab-{tab}")).await?;
            app.by_test_id(ready).await?;
            settle().await;
            std::fs::write(
                format!("{dir}/settings-{tab}.png"),
                app.client.screenshot().await?,
            )?;
        }
    }
    // Optionally the sync tab too (HOSO_SCREENSHOT_SYNC_OUT), for the user guide.
    if let Ok(sync_out) = std::env::var("HOSO_SCREENSHOT_SYNC_OUT") {
        app.click("nav-sync").await?;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        std::fs::write(&sync_out, app.client.screenshot().await?)?;
    }
    app.quit().await
}
