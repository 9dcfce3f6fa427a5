use anyhow::Result;
use hoso_tests::app::App;

const TITLE_VI: &str = "HoSo — Sổ hồ sơ kiểm tra, giám sát, kỷ luật đảng";
const TITLE_EN: &str = "HoSo — Register of Party inspection, supervision and discipline cases";

/// The app opens in Vietnamese, shows the register it would open, switches to English on
/// request, and remembers the choice after a restart.
#[tokio::test(flavor = "multi_thread")]
async fn opens_in_vietnamese_and_switches_to_english() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("so-ho-so.hoso-db");
    let register_arg = register.to_str().expect("utf-8 path");

    let app = App::launch(&["--register", register_arg], home.path()).await?;
    assert_eq!(app.wait_for_title(TITLE_VI).await?, TITLE_VI);
    let heading = app.by_test_id("unlock-heading").await?.text().await?;
    assert_eq!(heading, "Mở sổ hồ sơ");
    let shown_path = app.by_test_id("register-path").await?.text().await?;
    assert_eq!(shown_path, register_arg);
    // No register there yet: the screen says so and does not offer to unlock.
    app.by_test_id("register-missing").await?;
    assert!(!app.by_test_id("unlock-submit").await?.is_enabled().await?);
    let version = app.by_test_id("app-version").await?.text().await?;
    assert_eq!(version, format!("Phiên bản {}", env!("CARGO_PKG_VERSION")));

    app.by_test_id("locale-en").await?.click().await?;
    assert_eq!(app.wait_for_title(TITLE_EN).await?, TITLE_EN);
    assert_eq!(
        app.by_test_id("unlock-heading").await?.text().await?,
        "Open the register"
    );
    app.quit().await?;

    // Same data home: the English choice persists.
    let app = App::launch(&["--register", register_arg], home.path()).await?;
    assert_eq!(app.wait_for_title(TITLE_EN).await?, TITLE_EN);
    app.by_test_id("locale-vi").await?.click().await?;
    assert_eq!(app.wait_for_title(TITLE_VI).await?, TITLE_VI);
    app.quit().await?;
    Ok(())
}
