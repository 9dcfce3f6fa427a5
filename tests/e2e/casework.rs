//! Case work in the app (issue 11): dashboard, case page, workflow, decisions, documents, the
//! denouncer panel, new cases and the idle auto-lock, on the real app.

use std::time::Duration;

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use hoso_tests::app::App;
use hoso_tests::fixtures::{Casework, LEADER, OFFICER, PASSPHRASE, casework_register};

async fn start(
    idle: Option<&str>,
    env: &[(&str, &str)],
) -> Result<(App, Casework, tempfile::TempDir)> {
    let home = tempfile::tempdir()?;
    let register = home.path().join("nghe-an.hoso-db");
    let fixture = casework_register(&register, idle)?;
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        env,
    )
    .await?;
    app.sign_in(OFFICER, PASSPHRASE).await?;
    app.by_test_id("dashboard-screen").await?;
    Ok((app, fixture, home))
}

/// Opens a case by number through the list's search.
async fn open_case(app: &App, number: &str) -> Result<()> {
    app.click("nav-cases").await?;
    let search = app.by_test_id("case-search").await?;
    search.clear().await?;
    search.send_keys(number).await?;
    let css = format!("[data-testid=\"case-row\"][data-case-number=\"{number}\"]");
    app.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(&css))
        .await?
        .click()
        .await?;
    ensure!(
        app.wait_for_attr("case-detail", "data-case-number", number)
            .await?
            .as_deref()
            == Some(number),
        "case {number} did not open"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_lists_an_overdue_case_and_opens_it() -> Result<()> {
    let (app, f, _home) = start(None, &[]).await?;
    let overdue = app.by_test_id("dash-overdue").await?;
    let item = overdue
        .find(fantoccini::Locator::Css(&format!(
            "[data-case-number=\"{}\"]",
            f.overdue
        )))
        .await?;
    let text = item.text().await?;
    assert!(text.contains("Quá hạn 12 ngày"), "{text}");
    item.click().await?;
    assert_eq!(
        app.wait_for_attr("case-detail", "data-case-number", &f.overdue)
            .await?
            .as_deref(),
        Some(f.overdue.as_str())
    );
    assert_eq!(
        app.by_test_id("case-detail-title").await?.text().await?,
        f.overdue_title
    );
    app.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workflow_offers_only_what_the_core_allows() -> Result<()> {
    let (app, f, _home) = start(None, &[]).await?;
    open_case(&app, &f.overdue).await?;
    assert_eq!(
        app.attr_of("case-detail-status", "data-status")
            .await?
            .as_deref(),
        Some("received")
    );
    for (to, then) in [("classified", "classified"), ("preparing", "preparing")] {
        app.click("case-transition").await?;
        app.click(&format!("case-transition-{to}")).await?;
        // A move the workflow does not allow from here is not offered at all.
        assert!(app.texts_of("case-transition-concluded").await?.is_empty());
        assert!(app.texts_of("case-transition-archived").await?.is_empty());
        app.click("case-transition-confirm").await?;
        assert_eq!(
            app.wait_for_attr("case-detail-status", "data-status", then)
                .await?
                .as_deref(),
            Some(then)
        );
    }
    // Editing: an empty title is refused under the title; a new one is saved.
    app.click("case-edit").await?;
    let field = app.by_test_id("case-edit-title").await?;
    // Select all and delete, as an officer would (fires the input events `clear` does not).
    field
        .send_keys(&format!("{}a{}{}", Key::Control, Key::Null, Key::Backspace))
        .await?;
    app.click("case-edit-save").await?;
    let error = app.by_test_id("case-edit-error").await?;
    assert_eq!(error.attr("data-field").await?.as_deref(), Some("title"));
    field
        .send_keys("Kiểm tra dấu hiệu vi phạm của Chi bộ Xóm Tây")
        .await?;
    app.click("case-edit-save").await?;
    app.wait_for_texts("case-detail-title", |t| {
        t == ["Kiểm tra dấu hiệu vi phạm của Chi bộ Xóm Tây"]
    })
    .await?;
    assert_eq!(
        app.by_test_id("case-detail-title").await?.text().await?,
        "Kiểm tra dấu hiệu vi phạm của Chi bộ Xóm Tây"
    );
    // Both moves are in the timeline.
    app.click("case-tab-timeline").await?;
    let entries = app
        .wait_for_texts("case-timeline-entry", |t| t.len() >= 3)
        .await?;
    assert!(
        entries.iter().any(|e| e.contains("Phân loại → Chuẩn bị")),
        "{entries:?}"
    );
    // And in the case's audit trail, with who did them.
    app.click("case-tab-audit").await?;
    let trail = app
        .wait_for_texts("case-audit-entry", |t| t.len() >= 3)
        .await?;
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.contains("Chuyển trạng thái") && e.contains(OFFICER))
            .count(),
        2,
        "{trail:?}"
    );
    app.quit().await
}

/// A transfer names the body that takes the case over: without it the core refuses (its message
/// under the form), with it the case is transferred and the timeline names the body.
#[tokio::test(flavor = "multi_thread")]
async fn a_denunciation_is_transferred_to_the_body_named() -> Result<()> {
    let (app, f, _home) = start(None, &[]).await?;
    open_case(&app, &f.denunciation).await?;
    app.click("case-transition").await?;
    app.click("case-transition-transferred").await?;
    app.click("case-transition-confirm").await?;
    let error = app
        .by_test_id("case-transition-error")
        .await?
        .text()
        .await?;
    assert!(error.contains("receiving body"), "{error}");
    app.by_test_id("case-transition-receiving-body")
        .await?
        .send_keys("Ủy ban Kiểm tra Huyện ủy Nghi Lộc")
        .await?;
    app.click("case-transition-confirm").await?;
    assert_eq!(
        app.wait_for_attr("case-detail-status", "data-status", "transferred")
            .await?
            .as_deref(),
        Some("transferred")
    );
    app.click("case-tab-timeline").await?;
    let entries = app
        .wait_for_texts("case-timeline-entry", |t| {
            t.iter().any(|e| e.contains("Nghi Lộc"))
        })
        .await?;
    assert!(
        entries
            .iter()
            .any(|e| e.contains("Chuyển đến Ủy ban Kiểm tra Huyện ủy Nghi Lộc")),
        "{entries:?}"
    );
    app.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_decision_the_core_refuses_shows_why_and_one_it_accepts_is_listed() -> Result<()> {
    let (app, f, _home) = start(None, &[]).await?;
    open_case(&app, &f.discipline).await?;
    app.click("case-tab-discipline").await?;
    app.click("case-decision-add").await?;
    // Removal from post for a member who holds none: refused by the core, with its reason.
    app.by_test_id("case-decision-form-select")
        .await?
        .select_by_value("removal-from-post")
        .await?;
    app.click("case-decision-submit").await?;
    let error = app.by_test_id("case-decision-error").await?;
    let message = error.text().await?;
    assert!(message.contains("Dữ liệu nhập không hợp lệ."), "{message}");
    assert!(
        message.contains("post"),
        "the core's reason is shown: {message}"
    );
    assert!(app.texts_of("case-decision").await?.is_empty());
    // A reprimand is accepted.
    app.by_test_id("case-decision-form-select")
        .await?
        .select_by_value("reprimand")
        .await?;
    app.by_test_id("case-decision-note")
        .await?
        .send_keys("Quyết định số 12-QĐ/UBKT")
        .await?;
    // The limitation period runs from the violation: the core needs its date.
    let violated = (chrono::Local::now().date_naive() - chrono::Duration::days(200))
        .format("%d/%m/%Y")
        .to_string();
    app.by_test_id("case-decision-violation-date")
        .await?
        .send_keys(&violated)
        .await?;
    app.click("case-decision-submit").await?;
    let rows = app
        .wait_for_texts("case-decision", |t| t.len() == 1)
        .await?;
    assert_eq!(
        rows.len(),
        1,
        "{rows:?} {:?}",
        app.texts_of("case-decision-error").await?
    );
    assert!(
        rows[0].contains("Khiển trách") && rows[0].contains("12-QĐ/UBKT"),
        "{rows:?}"
    );
    // An appeal against it, filed the day the decision was received.
    app.click("case-tab-appeals").await?;
    app.click("case-appeal-add").await?;
    let today = chrono::Local::now()
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    app.by_test_id("case-appeal-received")
        .await?
        .send_keys(&today)
        .await?;
    app.click("case-appeal-submit").await?;
    let appeals = app.wait_for_texts("case-appeal", |t| t.len() == 1).await?;
    assert!(appeals[0].contains("Lê Văn Bình"), "{appeals:?}");
    app.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attached_document_shows_its_hash() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("Biên bản làm việc.txt");
    let content = "Biên bản làm việc với Chi bộ Xóm Đông.\n".repeat(40);
    std::fs::write(&file, &content)?;
    let expected = blake3::hash(content.as_bytes()).to_hex().to_string();
    let (app, f, _home) = start(
        None,
        &[
            ("HOSO_E2E_OPEN_FILE", file.to_str().expect("utf-8")),
            ("HOSO_E2E_NO_VIEWER", "1"),
        ],
    )
    .await?;
    open_case(&app, &f.overdue).await?;
    app.click("case-tab-documents").await?;
    app.click("case-document-add").await?;
    let hashes = app
        .wait_for_texts("case-document-hash", |t| !t.is_empty())
        .await?;
    assert_eq!(hashes, [expected]);
    assert_eq!(
        app.texts_of("case-document-name").await?,
        ["Biên bản làm việc.txt"]
    );
    // Opened: a decrypted temporary copy with the same content.
    app.click("case-document-open").await?;
    let copy = app
        .wait_for_texts("case-document-opened", |t| !t.is_empty())
        .await?;
    ensure!(!copy.is_empty(), "no copy was opened");
    let path = app
        .attr_of("case-document-opened", "data-path")
        .await?
        .expect("a path");
    assert!(path.ends_with("Biên bản làm việc.txt"), "{path}");
    assert_eq!(std::fs::read_to_string(&path)?, content);
    let home = app.home.clone();
    app.quit().await?;
    // The copy does not outlive the app: removed when it exits, or (the WebDriver session ends
    // the app without a clean exit) by the next start.
    let pid = path
        .split("hoso-documents-")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the copies folder names its process")
        .to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    // Ended means gone or a zombie its parent has not reaped.
    let running = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_some_and(|state| state != "Z" && state != "X")
        })
    };
    while running(&pid) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if running(&pid) {
        // WebKit sometimes hangs on its way out under WebDriver: end it as a crash would, which
        // leaves the copy to the next start's sweep.
        std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status()?;
        while running(&pid) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let again = App::launch(&[], &home).await?;
    again.by_test_id("unlock-screen").await?;
    assert!(
        !std::path::Path::new(&path).exists(),
        "{path} outlived the app"
    );
    again.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_denouncer_panel_needs_denouncer_read_and_a_deliberate_reveal() -> Result<()> {
    let (app, f, _home) = start(None, &[]).await?;
    // The administrator has no denouncer.read: no panel.
    open_case(&app, &f.denunciation).await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(app.texts_of("case-denouncer").await?.is_empty());
    assert!(app.texts_of("case-denouncer-reveal").await?.is_empty());
    // The committee leader sees the panel; the identity only after asking.
    app.click("lock").await?;
    app.by_test_id("session-locked").await?;
    app.sign_in(LEADER, PASSPHRASE).await?;
    app.by_test_id("dashboard-screen").await?;
    open_case(&app, &f.denunciation).await?;
    app.by_test_id("case-denouncer").await?;
    assert!(app.texts_of("case-denouncer-name").await?.is_empty());
    app.click("case-denouncer-reveal").await?;
    assert_eq!(
        app.by_test_id("case-denouncer-name").await?.text().await?,
        f.denouncer_name
    );
    app.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_case_with_a_field_error_first_then_found_by_unaccented_search() -> Result<()> {
    let (app, _f, _home) = start(None, &[]).await?;
    // Keyboard only: Ctrl+N opens the form with the kind focused.
    let body = app.client.find(fantoccini::Locator::Css("body")).await?;
    body.send_keys(&format!("{}n{}", Key::Control, Key::Null))
        .await?;
    app.by_test_id("case-new").await?;
    let title_text = "Kiểm tra việc chấp hành của Đảng ủy xã Đông Vĩnh";
    // Submitting without a title: the core's refusal appears next to the title field.
    app.by_test_id("case-form-summary")
        .await?
        .send_keys("Theo đơn phản ánh")
        .await?;
    app.click("case-form-submit").await?;
    let error = app.by_test_id("case-form-error").await?;
    assert_eq!(error.attr("data-field").await?.as_deref(), Some("title"));
    // The deadline shown is the core's (a denunciation has one by rule).
    app.by_test_id("case-form-kind")
        .await?
        .select_by_value("denunciation")
        .await?;
    let deadline = app
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(
            "[data-testid=\"case-form-deadline\"][data-deadline^=\"20\"]",
        ))
        .await?;
    assert_eq!(
        deadline.attr("data-deadline").await?.map(|d| d.len()),
        Some(10)
    );
    let title = app.by_test_id("case-form-title").await?;
    title.send_keys(title_text).await?;
    title.send_keys(&Key::Enter.to_string()).await?;
    let detail = app.by_test_id("case-detail").await?;
    let number = detail.attr("data-case-number").await?.expect("a number");
    assert_eq!(
        app.by_test_id("case-detail-title").await?.text().await?,
        title_text
    );
    // Found again without diacritics.
    app.click("nav-cases").await?;
    let search = app.by_test_id("case-search").await?;
    search.send_keys("dang uy xa dong vinh").await?;
    let titles = app.wait_for_texts("case-title", |t| t.len() == 1).await?;
    assert_eq!(titles, [title_text]);
    app.click("case-row").await?;
    assert_eq!(
        app.wait_for_attr("case-detail", "data-case-number", &number)
            .await?,
        Some(number)
    );
    app.quit().await
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_auto_lock_keeps_a_half_filled_form() -> Result<()> {
    // 0.1 minute: six seconds without input.
    let (app, _f, _home) = start(Some("0.1"), &[]).await?;
    app.click("nav-cases").await?;
    app.click("case-new-open").await?;
    app.by_test_id("case-form-title")
        .await?
        .send_keys("Vụ việc đang nhập dở")
        .await?;
    let locked = app
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(fantoccini::Locator::Css("[data-testid=\"session-locked\"]"))
        .await?;
    assert_eq!(locked.attr("data-auto").await?.as_deref(), Some("true"));
    app.sign_in(OFFICER, PASSPHRASE).await?;
    let title = app.by_test_id("case-form-title").await?;
    assert_eq!(
        title.prop("value").await?.as_deref(),
        Some("Vụ việc đang nhập dở")
    );
    app.quit().await
}

/// A conflict made by two registers (the lead HN and the central office move the same case
/// differently, offline, then exchange bundles) is resolved in the app: the choice is a new
/// operation (the digest changes) and the losing move stays in the history.
#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_between_two_offices_is_resolved_in_the_app() -> Result<()> {
    use hoso_core::model::CaseStatus;
    use hoso_tests::offices::World;

    let mut w = World::new(&["HN"]);
    let case = w.open_case("HN", "Kiểm tra dấu hiệu vi phạm liên tỉnh", &[]);
    w.carry("HN", "TW");
    w.reg("HN")
        .transition(&case.id, CaseStatus::Classified, None, None)?;
    w.reg("TW").transition(
        &case.id,
        CaseStatus::Deferred,
        Some("Chờ ý kiến".into()),
        None,
    )?;
    w.carry("HN", "TW");
    w.carry("TW", "HN");
    let before = w.digest("HN");
    let dir = w.close();
    let register = dir.path().join("HN.hoso-db");

    let home = tempfile::tempdir()?;
    let app = App::launch(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
    )
    .await?;
    app.sign_in("admin", "mật khẩu").await?;
    // The dashboard names the case; it opens on the conflict.
    let item = app
        .by_test_id("dash-conflicts")
        .await?
        .find(fantoccini::Locator::Css(&format!(
            "[data-case-number=\"{}\"]",
            case.number
        )))
        .await?;
    item.click().await?;
    let conflict = app.by_test_id("case-conflict").await?;
    assert_eq!(
        conflict.attr("data-field").await?.as_deref(),
        Some("status")
    );
    let values = app.texts_of("case-conflict-value").await?;
    assert_eq!(values.len(), 2, "{values:?}");
    assert!(
        values
            .iter()
            .any(|v| v.contains("Phân loại") && v.contains("HN")),
        "{values:?}"
    );
    assert!(
        values
            .iter()
            .any(|v| v.contains("Tạm hoãn") && v.contains("TW")),
        "{values:?}"
    );
    // Choose the lead's move.
    app.client
        .find(fantoccini::Locator::Css(
            "[data-testid=\"case-conflict-choose\"][data-value=\"classified\"]",
        ))
        .await?
        .click()
        .await?;
    assert_eq!(
        app.wait_for_attr("case-detail-status", "data-status", "classified")
            .await?
            .as_deref(),
        Some("classified")
    );
    assert!(
        app.wait_for_texts("case-conflict", |t| t.is_empty())
            .await?
            .is_empty()
    );
    // The losing move is still in the timeline.
    app.click("case-tab-timeline").await?;
    let entries = app
        .wait_for_texts("case-timeline-entry", |t| t.len() >= 3)
        .await?;
    assert!(
        entries.iter().any(|e| e.contains("Tạm hoãn")),
        "{entries:?}"
    );
    app.quit().await?;

    // The resolution is an operation of its own.
    let store = hoso_core::store::Store::open(&register, "admin", "mật khẩu")?;
    let after = hoso_core::register::Register::session(store, "admin")?.digest()?;
    assert_ne!(before, after);
    Ok(())
}

/// Keyboard only: Ctrl+N, Tab to the title, type it, Enter; then `/` to search, arrows, Enter.
#[tokio::test(flavor = "multi_thread")]
async fn a_case_is_created_and_reopened_without_the_mouse() -> Result<()> {
    let (app, _f, _home) = start(None, &[]).await?;
    let keys = |text: String| {
        let client = app.client.clone();
        async move { client.active_element().await?.send_keys(&text).await }
    };
    keys(format!("{}n{}", Key::Control, Key::Null)).await?;
    app.by_test_id("case-new").await?;
    let title = "Giám sát chuyên đề Chi bộ Bản Mường";
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Kind (focused) → origin → title.
    keys(format!("{}{}", Key::Tab, Key::Tab)).await?;
    keys(format!("{title}{}", Key::Enter)).await?;
    let number = app
        .by_test_id("case-detail")
        .await?
        .attr("data-case-number")
        .await?
        .expect("a number");
    assert_eq!(
        app.by_test_id("case-detail-title").await?.text().await?,
        title
    );
    // Alt+2: the cases; `/` focuses the search; arrows and Enter open the row.
    keys(format!("{}2{}", Key::Alt, Key::Null)).await?;
    app.by_test_id("cases-screen").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    keys("/".into()).await?;
    keys("ban muong".into()).await?;
    let found = app.wait_for_texts("case-title", |t| t == [title]).await?;
    assert_eq!(found, [title]);
    // The list takes the keys once focused: Down then Up stay on the only row, Enter opens it.
    let list = app.by_test_id("case-list").await?;
    list.send_keys(&format!("{}{}{}", Key::Down, Key::Up, Key::Enter))
        .await?;
    assert_eq!(
        app.wait_for_attr("case-detail", "data-case-number", &number)
            .await?,
        Some(number)
    );
    app.quit().await
}

/// A subject's page lists its cases; each opens the case.
#[tokio::test(flavor = "multi_thread")]
async fn a_subject_lists_its_cases() -> Result<()> {
    let (app, f, home) = start(None, &[]).await?;
    // A plan item for the discipline case's member, written while the app is open.
    let year = chrono::Local::now().date_naive().format("%Y").to_string();
    {
        use hoso_core::register::{NewPlan, NewPlanItem, Register};
        let store = hoso_core::store::Store::open(
            home.path().join("nghe-an.hoso-db"),
            OFFICER,
            PASSPHRASE,
        )?;
        let mut reg = Register::session(store, OFFICER)?;
        let member = reg.case(&f.discipline)?.subjects[0].clone();
        let plan = reg.add_plan(NewPlan {
            office: None,
            year: year.parse()?,
            title: "Chương trình kiểm tra, giám sát".into(),
        })?;
        reg.add_plan_item(
            &plan,
            NewPlanItem {
                subject: member,
                kind: hoso_core::model::CaseKind::ThematicSupervision,
                start: format!("{year}-11-02").parse()?,
                end: format!("{year}-11-27").parse()?,
                lead: None,
                coordinators: vec![],
                note: "".into(),
            },
        )?;
    }
    app.click("nav-subjects").await?;
    app.click("subject-open").await?;
    let items = app
        .wait_for_texts("subject-plan-item", |t| !t.is_empty())
        .await?;
    assert!(
        items[0].contains("Chương trình kiểm tra, giám sát")
            && items[0].contains("Giám sát chuyên đề"),
        "{items:?}"
    );
    let css = format!(
        "[data-testid=\"subject-case\"][data-case-number=\"{}\"]",
        f.discipline
    );
    app.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(&css))
        .await?
        .click()
        .await?;
    assert_eq!(
        app.wait_for_attr("case-detail", "data-case-number", &f.discipline)
            .await?,
        Some(f.discipline.clone())
    );
    app.quit().await
}

/// "Mở sổ khác…" opens another register file, chosen in the (here simulated) file dialog.
#[tokio::test(flavor = "multi_thread")]
async fn another_register_is_opened_from_the_unlock_screen() -> Result<()> {
    let home = tempfile::tempdir()?;
    let first = home.path().join("mot.hoso-db");
    let other = home.path().join("hai.hoso-db");
    hoso_tests::fixtures::register_with_cases(
        &first,
        &[(
            hoso_core::model::CaseKind::Discipline,
            "Vụ việc ở sổ thứ nhất",
        )],
    )?;
    let fixture = casework_register(&other, None)?;
    let app = App::launch_with_env(
        &["--register", first.to_str().expect("utf-8")],
        home.path(),
        &[("HOSO_E2E_OPEN_REGISTER", other.to_str().expect("utf-8"))],
    )
    .await?;
    app.click("unlock-open-other").await?;
    let shown = app
        .wait_for_texts("register-path", |t| {
            t.first().is_some_and(|p| p.ends_with("hai.hoso-db"))
        })
        .await?;
    assert!(shown[0].ends_with("hai.hoso-db"), "{shown:?}");
    app.sign_in(OFFICER, PASSPHRASE).await?;
    let overdue = app.by_test_id("dash-overdue").await?;
    overdue
        .find(fantoccini::Locator::Css(&format!(
            "[data-case-number=\"{}\"]",
            fixture.overdue
        )))
        .await?;
    app.quit().await
}

/// Issue 11: a conflict settled with a value neither office wrote (typed as dd/mm/yyyy).
#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_is_resolved_with_a_value_of_ones_own() -> Result<()> {
    use hoso_tests::offices::World;

    let mut w = World::new(&["HN"]);
    let case = w.open_case("HN", "Kiểm tra tài chính Đảng ủy phường", &[]);
    w.carry("HN", "TW");
    let year = chrono::Local::now().date_naive().format("%Y").to_string();
    w.reg("HN")
        .set_case_field(&case.id, "deadline", &format!("{year}-12-10"))?;
    w.reg("TW")
        .set_case_field(&case.id, "deadline", &format!("{year}-12-20"))?;
    w.carry("HN", "TW");
    w.carry("TW", "HN");
    let dir = w.close();
    let register = dir.path().join("HN.hoso-db");

    let home = tempfile::tempdir()?;
    let app = App::launch(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
    )
    .await?;
    app.sign_in("admin", "mật khẩu").await?;
    app.click("nav-cases").await?;
    app.click("case-row").await?;
    let conflict = app.by_test_id("case-conflict").await?;
    assert_eq!(
        conflict.attr("data-field").await?.as_deref(),
        Some("deadline")
    );
    app.click("case-conflict-other").await?;
    app.by_test_id("case-conflict-other-value")
        .await?
        .send_keys(&format!("31/12/{year}"))
        .await?;
    app.click("case-conflict-other-save").await?;
    assert!(
        app.wait_for_texts("case-conflict", |t| t.is_empty())
            .await?
            .is_empty()
    );
    app.quit().await?;
    let store = hoso_core::store::Store::open(&register, "admin", "mật khẩu")?;
    let reg = hoso_core::register::Register::session(store, "admin")?;
    assert_eq!(
        reg.case(&case.id)?.deadline.map(|d| d.to_string()),
        Some(format!("{year}-12-31"))
    );
    Ok(())
}

/// Issue 11: the new-case form adds a subject inline (without leaving the form) and records
/// the content categories with the case; a document attached by mistake is taken off with a
/// reason.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_case_gets_an_inline_subject_and_categories_and_a_document_is_removed() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("Nhầm hồ sơ.txt");
    std::fs::write(&file, "không thuộc vụ việc này")?;
    let (app, _f, home) = start(
        None,
        &[("HOSO_E2E_OPEN_FILE", file.to_str().expect("utf-8"))],
    )
    .await?;
    app.click("nav-cases").await?;
    app.click("case-new-open").await?;
    app.by_test_id("case-form-title")
        .await?
        .send_keys("Kiểm tra dấu hiệu vi phạm của đồng chí Hoàng Thị Én")
        .await?;
    app.click("case-form-subject-new").await?;
    app.by_test_id("case-form-new-subject-form-name")
        .await?
        .send_keys("Hoàng Thị Én")
        .await?;
    app.by_test_id("case-form-new-subject-form-unit")
        .await?
        .send_keys("Phòng Cảnh sát kinh tế")
        .await?;
    app.click("case-form-new-subject-form-submit").await?;
    let chips = app
        .wait_for_texts("case-form-subject", |t| !t.is_empty())
        .await?;
    assert!(chips[0].contains("Hoàng Thị Én"), "{chips:?}");
    // The dialog closes once the subject is added (its overlay must be gone before clicking).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !app.texts_of("case-form-subject-dialog").await?.is_empty() {
        ensure!(
            std::time::Instant::now() < deadline,
            "the subject dialog stayed open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let category = app
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=\"case-form-category\"][data-code=\"member.corruption\"]",
        ))
        .await?;
    app.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&category)?],
        )
        .await?;
    category.click().await?;
    app.click("case-form-submit").await?;
    let number = app
        .by_test_id("case-detail")
        .await?
        .attr("data-case-number")
        .await?
        .expect("a number");

    app.click("case-tab-documents").await?;
    app.click("case-document-add").await?;
    app.wait_for_texts("case-document-name", |t| t.len() == 1)
        .await?;
    app.click("case-document-remove").await?;
    // A reason is required: the core's refusal is shown and nothing is removed.
    app.click("case-document-remove-confirm").await?;
    app.by_test_id("case-document-remove-error").await?;
    app.by_test_id("case-document-remove-reason")
        .await?
        .send_keys("Đính kèm nhầm hồ sơ")
        .await?;
    app.click("case-document-remove-confirm").await?;
    app.by_test_id("case-documents-empty").await?;
    let register = home.path().join("nghe-an.hoso-db");
    app.quit().await?;

    let store = hoso_core::store::Store::open(&register, OFFICER, PASSPHRASE)?;
    let reg = hoso_core::register::Register::session(store, OFFICER)?;
    let case = reg.case(&number)?;
    assert_eq!(case.categories, ["member.corruption"]);
    let subject = reg.subject(&case.subjects[0])?;
    assert_eq!(subject.name.as_str(), "Hoàng Thị Én");
    assert!(reg.documents(&number)?.is_empty());
    Ok(())
}
