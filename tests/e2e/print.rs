//! "In" on the case page (issue 13): the preview of the summary, "Lưu PDF…" through the save
//! dialog seam, and the denouncer option offered only with `denouncer.read`.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use hoso_tests::app::App;
use hoso_tests::fixtures::{OFFICER, PASSPHRASE, casework_register};

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_summary_is_previewed_and_saved_as_a_pdf() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("nghe-an.hoso-db");
    let f = casework_register(&register, None)?;
    let out = home.path().join("Tóm tắt.pdf");
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        &[("HOSO_E2E_SAVE_FILE", out.to_str().expect("utf-8"))],
    )
    .await?;
    app.sign_in(OFFICER, PASSPHRASE).await?;
    app.by_test_id("dashboard-screen").await?;

    // Open the overdue case through the list's search.
    app.click("nav-cases").await?;
    app.by_test_id("case-search")
        .await?
        .send_keys(&f.overdue)
        .await?;
    let css = format!(
        "[data-testid=\"case-row\"][data-case-number=\"{}\"]",
        f.overdue
    );
    app.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(&css))
        .await?
        .click()
        .await?;
    app.by_test_id("case-detail").await?;

    app.click("case-print").await?;
    app.by_test_id("case-print-dialog").await?;
    // The administrator has no denouncer.read: the option is not offered.
    assert!(app.texts_of("case-print-denouncer").await?.is_empty());
    // The preview: the first pages rendered by the core.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let pages = app.attr_of("case-print-pages", "data-pages").await?;
        if pages.is_some() || Instant::now() > deadline {
            ensure!(pages.is_some(), "no preview appeared");
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    ensure!(
        !app.texts_of("case-print-page").await?.is_empty(),
        "the preview shows no page"
    );

    app.click("case-print-save").await?;
    let deadline = Instant::now() + Duration::from_secs(90);
    while !out.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let toasts = app
        .wait_for_texts("toast", |t| t.iter().any(|s| s.contains("Tóm tắt.pdf")))
        .await?;
    ensure!(
        toasts.iter().any(|s| s.contains("Tóm tắt.pdf")),
        "no toast: {toasts:?}"
    );
    let bytes = std::fs::read(&out)?;
    ensure!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let text = std::process::Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()?;
    ensure!(text.status.success(), "pdftotext failed");
    let text = words(&String::from_utf8_lossy(&text.stdout));
    ensure!(
        text.contains(&words(f.overdue_title)),
        "the title is not in the PDF: {text}"
    );
    app.quit().await
}

/// The document's date and number reach the printout; "In…" hands an audited copy to the
/// system viewer (not started under test: HOSO_E2E_NO_VIEWER).
#[tokio::test(flavor = "multi_thread")]
async fn the_document_date_and_number_print_and_in_opens_the_viewer() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("nghe-an.hoso-db");
    let f = casework_register(&register, None)?;
    let out = home.path().join("so-27.pdf");
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        &[
            ("HOSO_E2E_SAVE_FILE", out.to_str().expect("utf-8")),
            ("HOSO_E2E_NO_VIEWER", "1"),
        ],
    )
    .await?;
    app.sign_in(OFFICER, PASSPHRASE).await?;
    app.by_test_id("dashboard-screen").await?;
    app.click("nav-cases").await?;
    app.by_test_id("case-search")
        .await?
        .send_keys(&f.overdue)
        .await?;
    let css = format!(
        "[data-testid=\"case-row\"][data-case-number=\"{}\"]",
        f.overdue
    );
    app.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(&css))
        .await?
        .click()
        .await?;
    app.by_test_id("case-detail").await?;
    app.click("case-print").await?;
    app.by_test_id("case-print-dialog").await?;
    app.by_test_id("case-print-date")
        .await?
        .send_keys("05/10/2026")
        .await?;
    app.by_test_id("case-print-number")
        .await?
        .send_keys("27")
        .await?;
    let deadline = Instant::now() + Duration::from_secs(90);
    while app
        .attr_of("case-print-pages", "data-pages")
        .await?
        .is_none()
    {
        ensure!(Instant::now() < deadline, "no preview appeared");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.click("case-print-system").await?;
    let toasts = app
        .wait_for_texts("toast", |t| t.iter().any(|s| s.contains("trình xem PDF")))
        .await?;
    ensure!(
        toasts.iter().any(|s| s.contains("trình xem PDF")),
        "no toast: {toasts:?}; error: {:?}",
        app.client
            .execute(
                "const e = document.querySelector('[data-testid=\"case-print-error\"]'); return e ? e.textContent : null;",
                vec![]
            )
            .await?
    );
    // Saving waits for the preview of the new number.
    let deadline = Instant::now() + Duration::from_secs(90);
    while !out.exists() && Instant::now() < deadline {
        let _ = app.click("case-print-save").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let text = std::process::Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()?;
    let text = words(&String::from_utf8_lossy(&text.stdout));
    ensure!(text.contains("Số 27-BC/UBKT"), "no number: {text}");
    ensure!(
        text.contains("ngày 05 tháng 10 năm 2026"),
        "no date: {text}"
    );
    app.quit().await
}
