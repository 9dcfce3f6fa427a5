use anyhow::{Context, Result};
use hoso_tests::app::App;

/// Not a test: `make screenshot` runs it to refresh the README's picture of the app, signed in to
/// the demo register (HOSO_SCREENSHOT_REGISTER) and written to HOSO_SCREENSHOT_OUT.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by `make screenshot`"]
async fn readme_screenshot() -> Result<()> {
    let register = std::env::var("HOSO_SCREENSHOT_REGISTER").context("HOSO_SCREENSHOT_REGISTER")?;
    let out = std::env::var("HOSO_SCREENSHOT_OUT").context("HOSO_SCREENSHOT_OUT")?;
    let home = tempfile::tempdir()?;
    let app = App::launch(&["--register", &register], home.path()).await?;
    app.by_test_id("unlock-login")
        .await?
        .send_keys("demo")
        .await?;
    app.by_test_id("unlock-passphrase")
        .await?
        .send_keys("demo")
        .await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    app.by_test_id("case-table").await?;
    // Give WebKit time to paint the full table before the snapshot.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    std::fs::write(&out, app.client.screenshot().await?)?;
    // Optionally the sync tab too (HOSO_SCREENSHOT_SYNC_OUT), for the user guide.
    if let Ok(sync_out) = std::env::var("HOSO_SCREENSHOT_SYNC_OUT") {
        app.by_test_id("nav-sync").await?.click().await?;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        std::fs::write(&sync_out, app.client.screenshot().await?)?;
    }
    app.quit().await
}
