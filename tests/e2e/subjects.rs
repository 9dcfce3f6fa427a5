use std::time::{Duration, Instant};

use anyhow::Result;
use fantoccini::Locator;
use hoso_core::Store;
use hoso_core::register::Register;
use hoso_core::text::is_nfc;
use hoso_tests::app::App;
use hoso_tests::fixtures::{OFFICER, PASSPHRASE, register_with_subjects};

const DUC: &str = "Nguyễn Văn Đức";
const UNIT: &str = "Chi bộ Phòng Cảnh sát kinh tế";
// The same two strings decomposed (NFD), as some input methods send them: e + circumflex +
// tilde, a + breve, u + horn + acute; Đ has no decomposition.
const DUC_NFD: &str = "Nguye\u{302}\u{303}n Va\u{306}n \u{110}u\u{31b}\u{301}c";
const UNIT_NFD: &str =
    "Chi bo\u{323}\u{302} Pho\u{300}ng Ca\u{309}nh sa\u{301}t kinh te\u{302}\u{301}";

/// Members in Vietnamese list order: by given name (a < á, d < đ, u < ư), then family name.
const IN_ORDER: [&str; 7] = [
    "Đặng Văn Anh",
    "Bùi Thị Ánh",
    "Lê Văn Dũng",
    "Trần Thị Đào",
    DUC,
    "Phạm Thị Uyên",
    "Hoàng Văn Ưng",
];

/// The names in the subject list, read in one script so a list being re-rendered (search, reload)
/// never yields a stale element.
async fn visible_names(app: &App) -> Result<Vec<String>> {
    let names = app
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=subject-name]'), \
             (cell) => cell.innerText.trim())",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// Waits until the subject list satisfies `done`; returns the last names seen.
async fn wait_for_names(app: &App, done: impl Fn(&[String]) -> bool) -> Result<Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let names = visible_names(app).await?;
        if done(&names) || Instant::now() > deadline {
            return Ok(names);
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until no element has `test_id`; false if one is still there after 10 s.
async fn gone(app: &App, test_id: &str) -> Result<bool> {
    let css = format!("[data-testid={test_id}]");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if app.client.find_all(Locator::Css(&css)).await?.is_empty() {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(false)
}

async fn field_value(app: &App, test_id: &str) -> Result<String> {
    let script = format!("return document.querySelector('[data-testid={test_id}]').value");
    Ok(app
        .client
        .execute(&script, vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Fills the add-subject form with Nguyễn Văn Đức typed decomposed and submits it.
async fn submit_decomposed_duc(app: &App) -> Result<()> {
    for (field, text) in [
        ("subject-form-name", DUC_NFD),
        ("subject-form-birth-year", "1975"),
        ("subject-form-unit", UNIT_NFD),
    ] {
        let input = app.by_test_id(field).await?;
        input.clear().await?;
        input.send_keys(text).await?;
    }
    // The field really holds decomposed text: the NFC conversion is the app's doing.
    let typed = field_value(app, "subject-form-name").await?;
    assert!(
        !is_nfc(&typed),
        "the name field holds NFC already: {typed:?}"
    );
    app.by_test_id("subject-form-submit").await?.click().await?;
    Ok(())
}

fn count(names: &[String], name: &str) -> usize {
    names.iter().filter(|n| *n == name).count()
}

/// An officer adds a member typed decomposed whose precomposed twin (same birth year and unit)
/// is already in the register: the app warns in Vietnamese, Cancel writes nothing, "Vẫn thêm"
/// adds the second one. The list is in Vietnamese alphabetical order throughout.
#[tokio::test(flavor = "multi_thread")]
async fn decomposed_twin_warns_and_list_sorts_vietnamese() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("nghe-an.hoso-db");
    register_with_subjects(
        &register,
        &[
            ("Hoàng Văn Ưng", Some(1972), Some("Chi bộ Văn phòng")),
            (DUC, Some(1975), Some(UNIT)),
            ("Phạm Thị Uyên", Some(1985), Some("Chi bộ Văn phòng")),
            ("Trần Thị Đào", Some(1980), Some(UNIT)),
            ("Bùi Thị Ánh", Some(1990), None),
            ("Lê Văn Dũng", Some(1968), Some(UNIT)),
            ("Đặng Văn Anh", Some(1979), None),
        ],
    )?;
    let app = App::launch(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
    )
    .await?;
    app.by_test_id("unlock-login")
        .await?
        .send_keys(OFFICER)
        .await?;
    app.by_test_id("unlock-passphrase")
        .await?
        .send_keys(PASSPHRASE)
        .await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    // The dashboard is the first screen after unlocking.
    app.by_test_id("dashboard-screen").await?;

    app.by_test_id("nav-subjects").await?.click().await?;
    app.by_test_id("subjects-screen").await?;
    let names = wait_for_names(&app, |n| n.len() == IN_ORDER.len()).await?;
    assert_eq!(names, IN_ORDER, "Đ after D, Ư after U, Ánh after Anh");

    // Duplicate warning, then Cancel: nothing is written.
    submit_decomposed_duc(&app).await?;
    let warning = app.by_test_id("subject-duplicate-warning").await?;
    assert!(
        warning.text().await?.contains("Có thể trùng đối tượng"),
        "warning reads {:?}",
        warning.text().await?
    );
    let twin = app.by_test_id("subject-duplicate").await?.text().await?;
    assert_eq!(twin, format!("{DUC}, sinh năm 1975, {UNIT}"));
    assert_eq!(
        app.by_test_id("subject-add-anyway").await?.text().await?,
        "Vẫn thêm"
    );
    app.by_test_id("subject-add-cancel").await?.click().await?;
    assert!(
        gone(&app, "subject-duplicate-warning").await?,
        "the warning stays after Cancel"
    );
    // Reload the list from the register (leave and come back).
    app.by_test_id("nav-cases").await?.click().await?;
    app.by_test_id("cases-screen").await?;
    app.by_test_id("nav-subjects").await?.click().await?;
    app.by_test_id("subjects-screen").await?;
    let names = wait_for_names(&app, |n| n.len() == IN_ORDER.len()).await?;
    assert_eq!(names, IN_ORDER, "Cancel must not add anything");
    assert_eq!(count(&names, DUC), 1);

    // Again, and this time confirm: the second Đức is stored and shown precomposed.
    submit_decomposed_duc(&app).await?;
    app.by_test_id("subject-duplicate-warning").await?;
    app.by_test_id("subject-add-anyway").await?.click().await?;
    let names = wait_for_names(&app, |n| n.len() == IN_ORDER.len() + 1).await?;
    assert_eq!(count(&names, DUC), 2, "list after confirming: {names:?}");
    let mut expected: Vec<&str> = IN_ORDER.to_vec();
    expected.insert(4, DUC);
    assert_eq!(names, expected);
    let added = app.by_test_id("subject-added").await?.text().await?;
    assert_eq!(added, format!("Đã thêm đối tượng {DUC}."));

    // Search folds diacritics and đ: "dao" finds Đào only.
    app.by_test_id("subject-search")
        .await?
        .send_keys("dao")
        .await?;
    let names = wait_for_names(&app, |n| n.len() == 1).await?;
    assert_eq!(names, ["Trần Thị Đào"]);
    app.quit().await?;

    // The register itself holds two subjects with the same NFC name, birth year and unit.
    let r = Register::session(Store::open(&register, OFFICER, PASSPHRASE)?, OFFICER)?;
    let twins: Vec<_> = r
        .list_subjects(Some("nguyen van duc"))?
        .into_iter()
        .filter(|s| s.name.as_str() == DUC)
        .collect();
    assert_eq!(twins.len(), 2);
    for s in &twins {
        assert_eq!(s.birth_year, Some(1975));
        assert_eq!(s.unit.as_ref().map(|u| u.as_str()), Some(UNIT));
    }
    Ok(())
}
