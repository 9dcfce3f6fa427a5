//! The Reports screen (issue 13) on a demo register: a form computed by the core, a figure
//! drilled into (the cases behind it, exactly those the core counts), a case opened from it,
//! the export to Excel through the save-dialog seam, and the charts: drawn by the chart library
//! with the core's totals in their accessible summaries, a bar drilled into.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use chrono::Datelike;
use hoso_core::reports::{Period, ReportScope};
use hoso_core::store::FAST_KDF_FOR_TESTS;
use hoso_demo::{DemoOptions, create_demo};
use hoso_tests::app::App;

async fn element(app: &App, css: &str) -> Result<fantoccini::elements::Element> {
    app.client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(fantoccini::Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reports_screen_shows_a_form_and_drills_into_a_figure() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("demo.hoso-db");
    let year = chrono::Local::now().year();
    // What the core counts: KTDHVP-DV, 9 months of this year, every office.
    let (want_value, mut want_numbers, charts) = {
        let (reg, _, _) = create_demo(
            &register,
            &DemoOptions {
                seed: 2026,
                subjects: 80,
                cases: 160,
            },
            &FAST_KDF_FOR_TESTS,
        )?;
        let r = reg.report(
            "KTDHVP-DV",
            &Period::parse(&format!("{year}-9m"), None)?,
            &ReportScope::All,
        )?;
        let total = &r.rows[0].cells[0];
        let numbers: Vec<String> = total
            .cases
            .iter()
            .map(|id| r.cases[id].number.clone())
            .collect();
        let charts = reg.report_charts(
            &Period::parse(&format!("{year}-9m"), None)?,
            &ReportScope::All,
        )?;
        (total.value.unwrap_or(0), numbers, charts)
    };
    ensure!(
        want_value > 0,
        "the demo register has no inspection in {year}"
    );
    let out = home.path().join("Biểu KTDHVP.xlsx");
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        &[("HOSO_E2E_SAVE_FILE", out.to_str().expect("utf-8"))],
    )
    .await?;
    let _ = app.client.set_window_size(1366, 768).await;
    app.sign_in("demo", "demo").await?;
    app.by_test_id("dashboard-screen").await?;

    app.click("nav-reports").await?;
    app.by_test_id("reports-screen").await?;
    ensure!(
        app.wait_for_attr("report-table", "data-form", "KTDHVP-DV")
            .await?
            .as_deref()
            == Some("KTDHVP-DV"),
        "the first form is not shown"
    );
    let label = app.texts_of("report-period-label").await?;
    ensure!(
        label.first().map(String::as_str) == Some(&*format!("9 tháng đầu năm {year}")),
        "period: {label:?}"
    );
    // The grand total, as the core computed it.
    let total = element(
        &app,
        "[data-testid=\"report-cell\"][data-row=\"0\"][data-col=\"1\"]",
    )
    .await?;
    ensure!(
        total.text().await?.trim() == want_value.to_string(),
        "total {} on screen, {want_value} in the core",
        total.text().await?
    );
    total.click().await?;
    app.by_test_id("report-cases").await?;
    let mut listed: Vec<String> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while listed.len() != want_numbers.len() && Instant::now() < deadline {
        let script = "return Array.from(document.querySelectorAll('[data-testid=\"report-case\"]')).map(e => e.getAttribute('data-case-number'));";
        listed = serde_json::from_value(app.client.execute(script, vec![]).await?)?;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    listed.sort();
    want_numbers.sort();
    ensure!(
        listed == want_numbers,
        "listed {listed:?}, core {want_numbers:?}"
    );

    // Export to Excel through the dialog seam.
    app.click("report-export-xlsx").await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !out.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    ensure!(out.exists(), "no XLSX written");
    ensure!(std::fs::read(&out)?.starts_with(b"PK"), "not an XLSX (zip)");

    let shots = std::env::var("HOSO_REPORTS_SCREENSHOT_DIR").ok();
    if let Some(dir) = &shots {
        tokio::time::sleep(Duration::from_secs(2)).await;
        std::fs::write(format!("{dir}/reports.png"), app.client.screenshot().await?)?;
    }

    // The charts, drawn (SVG) with the core's totals in their accessible summaries.
    let opened = charts.opened.value.unwrap_or(0);
    ensure!(opened > 0, "the demo register opened no case in {year}");
    let kinds = element(&app, "[data-testid=\"report-chart-kinds-canvas\"]").await?;
    let said = kinds.attr("aria-label").await?.unwrap_or_default();
    ensure!(
        said.contains(&format!("Tổng số: {}", vi_number(opened))),
        "kinds chart says {said:?}, the core counts {opened}"
    );
    // Drawn by the chart library: an SVG with the bars as paths.
    let drawn = "const c = document.querySelector('[data-testid=\"report-chart-kinds-canvas\"]');
        return c.querySelector('svg path') ? '' : (c.parentElement.outerHTML.slice(0, 2000));";
    let mut left = serde_json::Value::Null;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        left = app.client.execute(drawn, vec![]).await?;
        if left == "" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    ensure!(left == "", "the kinds chart was not drawn: {left}");
    let disciplined = charts.disciplined.value.unwrap_or(0);
    if disciplined > 0 {
        let said = element(&app, "[data-testid=\"report-chart-discipline-canvas\"]")
            .await?
            .attr("aria-label")
            .await?
            .unwrap_or_default();
        ensure!(
            said.contains(&format!("Tổng số: {}", vi_number(disciplined))),
            "discipline chart says {said:?}, the core counts {disciplined}"
        );
    } else {
        app.by_test_id("report-chart-discipline-empty").await?;
    }

    // A bar of the overdue chart lists the cases behind it: the office with most overdue cases.
    let mut to_open = listed[0].clone();
    if let Some(top) = charts.overdue.first() {
        let said = element(&app, "[data-testid=\"report-chart-overdue-canvas\"]")
            .await?
            .attr("aria-label")
            .await?
            .unwrap_or_default();
        let total = charts.overdue_total.value.unwrap_or(0);
        ensure!(
            said.contains(&format!("Tổng số: {}", vi_number(total))),
            "overdue chart says {said:?}, the core counts {total}"
        );
        // The bars are the chart's largest paths; mark the topmost (the first office) to click it.
        let script = r#"
            const paths = Array.from(document.querySelectorAll('[data-testid="report-chart-overdue-canvas"] svg path'))
              .map(p => [p, p.getBoundingClientRect()])
              .filter(([, r]) => r.width > 4 && r.height > 8 && r.height < 40);
            paths.sort((a, b) => a[1].top - b[1].top);
            if (!paths.length) return false;
            paths[0][0].setAttribute('data-e2e-bar', '1');
            paths[0][0].scrollIntoView({block: 'center'});
            return true;"#;
        ensure!(
            app.client.execute(script, vec![]).await? == serde_json::Value::Bool(true),
            "no bar drawn in the overdue chart"
        );
        element(&app, "[data-e2e-bar]").await?.click().await?;
        let want: Vec<String> = {
            let mut v: Vec<String> = top
                .cell
                .cases
                .iter()
                .map(|id| charts.cases[id].number.clone())
                .collect();
            v.sort();
            v
        };
        let mut shown: Vec<String> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while shown != want && Instant::now() < deadline {
            let script = "return Array.from(document.querySelectorAll('[data-testid=\"report-case\"]')).map(e => e.getAttribute('data-case-number'));";
            shown = serde_json::from_value(app.client.execute(script, vec![]).await?)?;
            shown.sort();
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        ensure!(
            shown == want,
            "bar of {} lists {shown:?}, the core {want:?}",
            top.office
        );
        to_open = want[0].clone();
    }
    if let Some(dir) = &shots {
        let script = "document.querySelector('[data-testid=\"report-charts\"]').scrollIntoView()";
        app.client.execute(script, vec![]).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        std::fs::write(
            format!("{dir}/reports-chart.png"),
            app.client.screenshot().await?,
        )?;
    }

    // A case behind the figure (or the bar) opens.
    let first = &to_open;
    element(
        &app,
        &format!("[data-testid=\"report-case\"][data-case-number=\"{first}\"]"),
    )
    .await?
    .click()
    .await?;
    ensure!(
        app.wait_for_attr("case-detail", "data-case-number", first)
            .await?
            .as_deref()
            == Some(first.as_str()),
        "case {first} did not open"
    );
    app.quit().await
}

/// "Chốt số liệu" from the screen: the committee's leader locks the period of every office at the
/// central office, the report shows it locked, and the lock overview lists the roll-up as
/// locked, by that leader.
#[tokio::test(flavor = "multi_thread")]
async fn a_leader_locks_a_period_and_the_lock_overview_shows_it() -> Result<()> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("demo.hoso-db");
    {
        let (reg, _, _) = create_demo(
            &register,
            &DemoOptions {
                seed: 2026,
                subjects: 40,
                cases: 60,
            },
            &FAST_KDF_FOR_TESTS,
        )?;
        // The demo's committee leader may sign in.
        reg.store()
            .add_key_slot("hung.tm", "lanh dao 2026", &FAST_KDF_FOR_TESTS)?;
    }
    let app = App::launch(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
    )
    .await?;
    let _ = app.client.set_window_size(1366, 768).await;
    app.sign_in("hung.tm", "lanh dao 2026").await?;
    app.by_test_id("dashboard-screen").await?;
    app.click("nav-reports").await?;
    app.wait_for_attr("report-table", "data-form", "KTDHVP-DV")
        .await?;
    // Not locked yet: the overview says so.
    let overview = app.by_test_id("lock-overview").await?;
    overview
        .find(fantoccini::Locator::Css("summary"))
        .await?
        .click()
        .await?;
    let roll_up = "[data-testid=\"lock-overview-row\"][data-office=\"*\"]";
    ensure!(
        element(&app, roll_up)
            .await?
            .attr("data-locked")
            .await?
            .as_deref()
            == Some("false"),
        "locked before the lock"
    );

    app.click("report-lock").await?;
    app.click("report-lock-confirm-button").await?;
    app.by_test_id("report-locked").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut locked = None;
    while Instant::now() < deadline {
        locked = element(&app, roll_up).await?.attr("data-locked").await?;
        if locked.as_deref() == Some("true") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ensure!(
        locked.as_deref() == Some("true"),
        "the overview does not show the lock"
    );
    let row = element(&app, roll_up).await?.text().await?;
    ensure!(
        row.contains("hung.tm") && row.contains("Đã chốt"),
        "row: {row}"
    );
    let count = app.texts_of("lock-overview-count").await?;
    ensure!(
        count.first().is_some_and(|c| c.contains("đơn vị đã chốt")),
        "count: {count:?}"
    );
    // "Chốt lại" with a reason: the overview shows the renewal and the reason.
    app.click("report-relock").await?;
    app.by_test_id("report-relock-reason")
        .await?
        .send_keys("Bo sung vu viec nhap muon")
        .await?;
    app.click("report-relock-submit").await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut row = String::new();
    while Instant::now() < deadline {
        row = element(&app, roll_up).await?.text().await?;
        if row.contains("Bo sung vu viec nhap muon") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ensure!(
        row.contains("Đã chốt lại") && row.contains("Bo sung vu viec nhap muon"),
        "after relocking: {row}"
    );
    if let Ok(dir) = std::env::var("HOSO_REPORTS_SCREENSHOT_DIR") {
        tokio::time::sleep(Duration::from_secs(1)).await;
        std::fs::write(
            format!("{dir}/reports-locks.png"),
            app.client.screenshot().await?,
        )?;
    }
    app.quit().await
}

/// A count as the screen writes it: "." between thousands.
fn vi_number(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
