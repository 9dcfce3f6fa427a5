//! Administration in the app ("Cài đặt"): the central office certifies an enrolment request made
//! with the CLI and revokes the office with a reason (its bundles are then refused with that
//! reason); an administrator adds an officer who then signs in; the idle time is stored.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use hoso_core::register::Register;
use hoso_core::store::Store;
use hoso_tests::app::{App, app_binary};
use hoso_tests::offices::{CENTRAL, create};

const ADMIN_PASS: &str = "mật khẩu";
const HN_PASS: &str = "mật khẩu Hà Nội 2026";
const REASON: &str = "Máy tính của cơ quan bị mất cắp";

/// The `hoso` CLI built next to the app by `make app`.
fn hoso() -> Result<PathBuf> {
    let bin = app_binary()?.with_file_name("hoso");
    ensure!(bin.exists(), "{} not found: run `make app`", bin.display());
    Ok(bin)
}

/// Runs the CLI with the test's fast key derivation; returns (success, stdout, stderr).
fn run_hoso(args: &[&str], passphrase: &str) -> Result<(bool, String, String)> {
    let out = Command::new(hoso()?)
        .args(args)
        .env("HOSO_PASSPHRASE", passphrase)
        .env("HOSO_TEST_FAST_KDF", "1")
        .env("LANG", "C.UTF-8")
        .output()
        .context("running hoso")?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The element `inner` inside the row `row` whose `attr` is `value`.
async fn in_row(
    app: &App,
    row: &str,
    attr: &str,
    value: &str,
    inner: &str,
) -> Result<fantoccini::elements::Element> {
    let css = format!("[data-testid=\"{row}\"][{attr}=\"{value}\"] [data-testid=\"{inner}\"]");
    app.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(&css))
        .await
        .with_context(|| format!("{css} did not appear"))
}

/// Waits until `inner` of that row shows text satisfying `done`.
async fn wait_row_text(
    app: &App,
    (row, attr, value, inner): (&str, &str, &str, &str),
    done: impl Fn(&str) -> bool,
) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let css = format!("[data-testid=\"{row}\"][{attr}=\"{value}\"] [data-testid=\"{inner}\"]");
    let script =
        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';";
    loop {
        let text = app
            .client
            .execute(script, vec![serde_json::Value::String(css.clone())])
            .await
            .with_context(|| format!("reading {css}"))?
            .as_str()
            .unwrap_or_default()
            .to_string();
        if done(&text) {
            return Ok(text);
        }
        if Instant::now() > deadline {
            bail!("{row}[{attr}={value}] {inner} never showed the expected text; last: {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until the input `id` holds `expected` (a bound value is a property, not an attribute).
async fn wait_value(app: &App, id: &str, expected: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = app.by_test_id(id).await?.prop("value").await?;
        if value.as_deref() == Some(expected) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("[data-testid={id}] holds {value:?}, not {expected:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn open_settings_tab(app: &App, tab: &str) -> Result<()> {
    app.click("nav-settings").await?;
    app.by_test_id("settings-screen").await?;
    app.click(&format!("settings-tab-{tab}")).await?;
    Ok(())
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[tokio::test(flavor = "multi_thread")]
async fn central_office_certifies_a_request_and_revokes_the_office_whose_bundles_are_then_refused()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    drop(create(dir.path(), CENTRAL, true));
    let tw = dir.path().join("TW.hoso-db");
    let hn = dir.path().join("HN.hoso-db");
    let request = dir.path().join("HN.enrol");
    let setup = dir.path().join("HN-thiet-lap.hoso");

    // The province creates its register and its enrolment request with the CLI.
    let (ok, _, err) = run_hoso(
        &[
            "init",
            "--register",
            path_str(&hn),
            "--officer",
            "admin",
            "--office",
            "HN",
            "--office-name",
            "Ủy ban Kiểm tra Thành ủy Hà Nội",
            "--officer-name",
            "Lê Thị Hoa",
            "--enroll-out",
            path_str(&request),
        ],
        HN_PASS,
    )?;
    ensure!(ok, "hoso init failed: {err}");

    let home = tempfile::tempdir()?;
    let app = App::launch_with_env(
        &["--register", path_str(&tw)],
        home.path(),
        &[
            ("HOSO_E2E_ENROLMENT_REQUEST", path_str(&request)),
            ("HOSO_E2E_ADMIN_SAVE", path_str(&setup)),
        ],
    )
    .await
    .context("launching the app")?;
    app.sign_in("admin", ADMIN_PASS).await?;
    app.by_test_id("dashboard-screen").await?;
    open_settings_tab(&app, "offices")
        .await
        .context("opening the offices tab")?;

    // The office list shows the 2025 merger.
    let merged = app
        .wait_for_texts("office-predecessors", |t| !t.is_empty())
        .await
        .context("reading the merger")?;
    ensure!(
        merged.iter().any(|t| t.starts_with("Hợp nhất từ")),
        "no merged office shown: {merged:?}"
    );

    // Certify: the request file, then where to write the set-up bundle (the dialogs' seam).
    app.click("office-certify").await.context("certify")?;
    app.click("office-certify-choose")
        .await
        .context("choosing the request")?;
    let certified = app
        .wait_for_attr("office-certify-result", "data-office", "HN")
        .await?;
    ensure!(
        certified.as_deref() == Some("HN"),
        "not certified: {certified:?}"
    );
    ensure!(setup.exists(), "the set-up bundle was not written");
    let root = app
        .attr_of("office-certify-root", "data-value")
        .await
        .context("reading the root fingerprint")?
        .context("no root fingerprint shown")?;
    let until = wait_row_text(
        &app,
        ("office-row", "data-office", "HN", "office-certified"),
        |t| t.starts_with("Đến "),
    )
    .await?;
    ensure!(until.len() > 4, "{until}");

    // The province imports its set-up bundle with the fingerprint read out by phone.
    {
        let store = Store::open(&hn, "admin", HN_PASS)?;
        let mut reg = Register::session(store, "admin")?;
        reg.import_bundle(&setup, false, Some(&root), &mut |_| {})?;
        assert_eq!(
            reg.key_info()?.root_fingerprint.as_deref(),
            Some(root.as_str())
        );
    }

    // Revoke HN with a reason, confirmed in a dialog (the list filtered to bring it into view).
    app.by_test_id("office-search")
        .await?
        .send_keys("HN")
        .await?;
    app.wait_for_texts("office-row", |t| t.len() <= 3).await?;
    // Retried: the certify dialog's overlay and the toast may still cover the row.
    let deadline = Instant::now() + Duration::from_secs(8);
    while let Err(e) = in_row(&app, "office-row", "data-office", "HN", "office-revoke")
        .await?
        .click()
        .await
    {
        if Instant::now() > deadline {
            return Err(e).context("clicking revoke");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.by_test_id("office-revoke-reason")
        .await?
        .send_keys(REASON)
        .await?;
    app.click("office-revoke-confirm").await?;
    let revoked = wait_row_text(
        &app,
        ("office-row", "data-office", "HN", "office-revoked"),
        |t| t.contains(REASON),
    )
    .await?;
    assert_eq!(revoked, format!("Đã thu hồi: {REASON}"));
    app.quit().await?;

    // A bundle the revoked office writes afterwards is refused by the central office, with the
    // reason.
    let bundle = dir.path().join("HN-den-TW.hoso");
    let (ok, _, err) = run_hoso(
        &[
            "bundle",
            "export",
            "--register",
            path_str(&hn),
            "--officer",
            "admin",
            "--to",
            CENTRAL,
            "--out",
            path_str(&bundle),
        ],
        HN_PASS,
    )?;
    ensure!(ok, "export at HN failed: {err}");
    let (ok, out, err) = run_hoso(
        &[
            "bundle",
            "import",
            path_str(&bundle),
            "--register",
            path_str(&tw),
            "--officer",
            "admin",
        ],
        ADMIN_PASS,
    )?;
    ensure!(!ok, "the revoked office's bundle was accepted: {out}");
    ensure!(
        err.contains(REASON) && err.to_lowercase().contains("revoked"),
        "refused without its reason: {err}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_officer_added_in_the_app_signs_in_and_the_idle_time_is_stored() -> Result<()> {
    let dir = tempfile::tempdir()?;
    drop(create(dir.path(), "HN", false));
    let register = dir.path().join("HN.hoso-db");
    let home = tempfile::tempdir()?;
    let app = App::launch_with_env(
        &["--register", path_str(&register)],
        home.path(),
        &[("HOSO_TEST_FAST_KDF", "1")],
    )
    .await?;
    app.sign_in("admin", ADMIN_PASS).await?;
    app.by_test_id("dashboard-screen").await?;

    // General: the idle time.
    open_settings_tab(&app, "general").await?;
    wait_value(&app, "settings-idle-minutes", "10").await?;
    let minutes = app.by_test_id("settings-idle-minutes").await?;
    minutes.clear().await?;
    minutes.send_keys("3").await?;
    app.click("settings-idle-save").await?;
    app.wait_for_texts("toast", |t| t.iter().any(|s| s.contains("3 phút")))
        .await?;

    // Officers: add Bình, an inspector, with a first passphrase.
    app.click("settings-tab-officers").await?;
    app.click("officer-new").await?;
    for (id, text) in [
        ("officer-new-login", "binh"),
        ("officer-new-name", "Lê Văn Bình"),
        ("officer-new-passphrase", "mật khẩu của Bình"),
        ("officer-new-repeat", "mật khẩu của Bình"),
    ] {
        app.by_test_id(id).await?.send_keys(text).await?;
    }
    app.by_test_id("officer-new-role")
        .await?
        .select_by_value("inspector")
        .await?;
    app.click("officer-new-submit").await?;
    let rows = app
        .wait_for_texts("officer-row", |t| {
            t.iter().any(|r| r.contains("Lê Văn Bình"))
        })
        .await?;
    ensure!(
        rows.iter()
            .any(|r| r.contains("binh") && r.contains("Lê Văn Bình")),
        "the new officer is not listed: {rows:?}"
    );

    // Bình signs in with that passphrase; an inspector is offered no officer administration.
    app.click("lock").await?;
    app.by_test_id("session-locked").await?;
    app.sign_in("binh", "mật khẩu của Bình").await?;
    app.by_test_id("dashboard-screen").await?;
    let role = app.by_test_id("session-role").await?.text().await?;
    assert_eq!(role, "Kiểm tra viên");
    open_settings_tab(&app, "officers").await?;
    app.wait_for_texts("officer-row", |t| t.len() == 2).await?;
    ensure!(
        app.texts_of("officer-new").await?.is_empty(),
        "an inspector is offered to add officers"
    );
    // The stored idle time is what every officer sees.
    app.click("settings-tab-general").await?;
    wait_value(&app, "settings-idle-minutes", "3").await?;
    app.quit().await?;

    let store = Store::open(&register, "binh", "mật khẩu của Bình")?;
    let reg = Register::session(store, "binh")?;
    assert_eq!(reg.idle_seconds()?, 180);
    Ok(())
}

/// A day off added in the app first lists the open case whose provisional deadline it moves
/// (case number, deadline now, new deadline); saving then stores exactly that deadline.
#[tokio::test(flavor = "multi_thread")]
async fn a_holiday_added_in_the_app_shows_the_deadline_it_moves_before_saving() -> Result<()> {
    use chrono::{Datelike, Days, NaiveDate, Weekday};
    use hoso_core::model::CaseKind;
    use hoso_core::register::NewCase;

    let dir = tempfile::tempdir()?;
    let (number, id, before) = {
        let mut tw = create(dir.path(), CENTRAL, true);
        // Opened today, 90 working days run into next year, whose days off are not entered:
        // the deadline is provisional and is counted again when the calendar changes.
        let created = tw.add_case(NewCase {
            kind: CaseKind::Denunciation,
            title: "Tố cáo về kê khai tài sản".into(),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: hoso_core::Text::default(),
            team: vec![],
        })?;
        let case = tw.case(&created.id)?;
        ensure!(
            !case.deadline_provisional_years.is_empty(),
            "the fixture's deadline is not provisional: {case:?}"
        );
        (
            case.number,
            created.id,
            case.deadline.context("no deadline")?,
        )
    };
    // A working day ten days or more from now becomes a day off.
    let mut day: NaiveDate = hoso_core::register::today() + Days::new(10);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day = day.succ_opt().context("date")?;
    }
    let typed = day.format("%d/%m/%Y").to_string();

    let register = dir.path().join("TW.hoso-db");
    let home = tempfile::tempdir()?;
    let app = App::launch(&["--register", path_str(&register)], home.path()).await?;
    app.sign_in("admin", ADMIN_PASS).await?;
    app.by_test_id("dashboard-screen").await?;
    open_settings_tab(&app, "rules").await?;
    app.wait_for_texts("rule-row", |t| !t.is_empty()).await?;
    app.by_test_id("holiday-date")
        .await?
        .send_keys(&typed)
        .await?;
    app.by_test_id("holiday-name")
        .await?
        .send_keys("Ngày nghỉ thử")
        .await?;
    app.click("holiday-add").await?;
    let rows = app
        .wait_for_texts("holiday-row", |t| t.iter().any(|r| r.contains(&typed)))
        .await?;
    ensure!(
        rows.iter().any(|r| r.contains(&typed)),
        "the day off is not listed: {rows:?}"
    );
    app.click("holiday-save").await?;
    app.by_test_id("rules-preview-move").await?;
    let moved_number = app
        .attr_of("rules-preview-move", "data-number")
        .await?
        .context("no number")?;
    let old = app
        .attr_of("rules-preview-move", "data-old")
        .await?
        .context("no old deadline")?;
    let new = app
        .attr_of("rules-preview-move", "data-new")
        .await?
        .context("no new deadline")?;
    assert_eq!(moved_number, number);
    assert_eq!(old, before.to_string());
    let new: NaiveDate = new.parse()?;
    ensure!(
        new > before,
        "a day off moves the deadline later: {old} -> {new}"
    );
    app.click("rules-preview-confirm").await?;
    app.wait_for_texts("toast", |t| t.iter().any(|s| s.contains("1 hạn")))
        .await?;
    app.quit().await?;

    let store = Store::open(&register, "admin", ADMIN_PASS)?;
    let reg = Register::session(store, "admin")?;
    // Saving did what the preview showed.
    assert_eq!(reg.case(&id)?.deadline, Some(new));
    Ok(())
}
