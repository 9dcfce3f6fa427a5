use anyhow::Result;
use hoso_core::model::CaseKind;
use hoso_tests::app::App;
use hoso_tests::fixtures::{OFFICER, PASSPHRASE, register_with_cases};

const TITLE: &str = "Kiểm tra dấu hiệu vi phạm của Đảng ủy Phòng Cảnh sát kinh tế";
const OTHER: &str = "Giám sát chuyên đề công tác cán bộ năm 2026";

async fn visible_titles(app: &App) -> Result<Vec<String>> {
    app.texts_of("case-title").await
}

/// Waits until the case table shows exactly `expected` titles (search is debounced).
async fn wait_for_titles(app: &App, expected: &[&str]) -> Result<Vec<String>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let titles = visible_titles(app).await?;
        if titles == expected || std::time::Instant::now() > deadline {
            return Ok(titles);
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

/// An officer unlocks the register, sees its cases, and finds one by typing its words
/// decomposed (NFD, as some input methods send them) and without diacritics.
#[tokio::test(flavor = "multi_thread")]
async fn unlock_then_find_a_case_typed_decomposed() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("nghe-an.hoso-db");
    register_with_cases(
        &register,
        &[
            (CaseKind::InspectionOnSigns, TITLE),
            (CaseKind::ThematicSupervision, OTHER),
        ],
    )?;
    let app = App::launch(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
    )
    .await?;

    // A wrong passphrase is refused with a Vietnamese message; nothing opens.
    app.by_test_id("unlock-login")
        .await?
        .send_keys(OFFICER)
        .await?;
    app.by_test_id("unlock-passphrase")
        .await?
        .send_keys("sai mật khẩu")
        .await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    let message = app.by_test_id("error-message").await?.text().await?;
    assert_eq!(message, "Tên đăng nhập hoặc mật khẩu không đúng.");

    let field = app.by_test_id("unlock-passphrase").await?;
    field.clear().await?;
    field.send_keys(PASSPHRASE).await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    // The dashboard is the first screen after unlocking; the cases are one click away.
    app.by_test_id("dashboard-screen").await?;
    app.by_test_id("nav-cases").await?.click().await?;
    app.by_test_id("cases-screen").await?;
    let officer = app.by_test_id("session-officer").await?.text().await?;
    assert!(officer.contains("Trần Văn Hùng"), "header shows {officer}");
    let mut both = wait_for_titles(&app, &[OTHER, TITLE]).await?;
    both.sort();
    let mut expected = vec![OTHER.to_string(), TITLE.to_string()];
    expected.sort();
    assert_eq!(both, expected);

    // "Đảng ủy" typed decomposed: D-stroke, a + hook above, ... u + hook above.
    let search = app.by_test_id("case-search").await?;
    search.send_keys("\u{110}a\u{309}ng u\u{309}y").await?;
    assert_eq!(wait_for_titles(&app, &[TITLE]).await?, [TITLE]);

    // The same words without any diacritics, and đ typed as d.
    search.clear().await?;
    search.send_keys("dang uy phong canh sat").await?;
    assert_eq!(wait_for_titles(&app, &[TITLE]).await?, [TITLE]);
    let kind = app.by_test_id("case-kind").await?.text().await?;
    assert_eq!(kind, "Kiểm tra khi có dấu hiệu vi phạm");

    // Locking returns to the unlock screen.
    app.by_test_id("lock").await?.click().await?;
    app.by_test_id("unlock-screen").await?;
    app.quit().await?;
    Ok(())
}
