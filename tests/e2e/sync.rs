use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use hoso_core::register::Register;
use hoso_core::store::Store;
use hoso_core::sync::ImportOutcome;
use hoso_tests::app::App;
use hoso_tests::offices::{CENTRAL, World};

const TITLE: &str = "Kiểm tra Ban Thường vụ Thành ủy Hà Nội";

/// The visible text of the first element with `test_id`, or "" while there is none.
async fn text_of(app: &App, test_id: &str) -> Result<String> {
    let script = format!(
        "const e = document.querySelector('[data-testid={test_id}]'); \
         return e ? e.innerText.trim() : ''"
    );
    Ok(app
        .client
        .execute(&script, vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Waits until the element `test_id` shows text satisfying `done`; fails with the last text.
async fn wait_for_text(app: &App, test_id: &str, done: impl Fn(&str) -> bool) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = text_of(app, test_id).await?;
        if done(&text) {
            return Ok(text);
        }
        if Instant::now() > deadline {
            bail!("[data-testid={test_id}] never showed the expected text; last: {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Chooses the bundles the app was launched with (`HOSO_E2E_OPEN_BUNDLES`, the dialog's seam)
/// and previews the first one listed.
async fn choose_and_preview(app: &App) -> Result<()> {
    app.click("sync-import-choose").await?;
    app.by_test_id("sync-import-file").await?;
    app.click("sync-import-preview").await?;
    Ok(())
}

/// A province officer imports, from the Sync tab, a bundle the central office sent with a new
/// case: the dashboard names the central office, the preview counts one new case, the case
/// appears in the case list, and importing the same file again changes nothing and says so.
#[tokio::test(flavor = "multi_thread")]
async fn province_previews_and_imports_a_bundle_from_the_central_office() -> Result<()> {
    let mut world = World::new(&["HN"]);
    world.open_case(CENTRAL, TITLE, &["HN"]);
    let (bundle, report) = world.export_report(CENTRAL, &["HN"], false);
    let report_sequence = report.sequence;
    let register = world.dir.path().join("HN.hoso-db");
    // Close every register: the app opens the province's on its own.
    world.offices.clear();

    let home = tempfile::tempdir()?;
    let stick = home.path().join("usb");
    std::fs::create_dir(&stick)?;
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        &[
            ("HOSO_E2E_OPEN_BUNDLES", bundle.to_str().expect("utf-8")),
            ("HOSO_E2E_EXPORT_FOLDER", stick.to_str().expect("utf-8")),
        ],
    )
    .await?;
    app.by_test_id("unlock-login")
        .await?
        .send_keys("admin")
        .await?;
    app.by_test_id("unlock-passphrase")
        .await?
        .send_keys("mật khẩu")
        .await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    // The dashboard is the first screen after unlocking; the case list is empty.
    app.by_test_id("dashboard-screen").await?;
    app.by_test_id("nav-cases").await?.click().await?;
    app.by_test_id("case-empty").await?;
    assert_eq!(
        text_of(&app, "case-empty").await?,
        "Không có vụ việc nào phù hợp."
    );

    app.by_test_id("nav-sync").await?.click().await?;
    app.by_test_id("sync-screen").await?;
    let office = wait_for_text(&app, "sync-peer-office", |t| !t.is_empty()).await?;
    assert_eq!(office, CENTRAL, "the dashboard lists the central office");
    assert_eq!(
        text_of(&app, "sync-peer-name").await?,
        "Ủy ban Kiểm tra TW",
        "by its name too"
    );
    let received_before = text_of(&app, "sync-peer-last-received").await?;

    choose_and_preview(&app).await?;
    assert_eq!(
        app.attr_of("sync-import-file", "data-sender")
            .await?
            .as_deref(),
        Some(CENTRAL)
    );
    let cases = wait_for_text(&app, "sync-preview-cases", |t| !t.is_empty()).await?;
    assert_eq!(cases, "Vụ việc: 1 mới, 0 cập nhật");
    assert_eq!(
        text_of(&app, "sync-preview-outcome").await?,
        "Gói dữ liệu hợp lệ. Nếu nhập sẽ có các thay đổi sau:"
    );
    app.by_test_id("sync-import-confirm").await?.click().await?;
    let result = wait_for_text(&app, "sync-import-result", |t| !t.is_empty()).await?;
    assert!(result.starts_with("Đã nhập gói dữ liệu."), "{result}");
    // The dashboard now shows the bundle received from the central office.
    let received = wait_for_text(&app, "sync-peer-last-received", |t| t != received_before).await?;
    let bundle_no = format!("số {}", report_sequence);
    assert!(received.contains(&bundle_no), "{received}");

    // The same file again: listed as imported before, nothing to import, and the screen says
    // why.
    app.click("sync-import-choose").await?;
    app.wait_for_attr("sync-import-file", "data-status", "already")
        .await?;
    app.click("sync-import-preview").await?;
    let outcome = wait_for_text(&app, "sync-preview-outcome", |t| !t.is_empty()).await?;
    assert_eq!(
        outcome,
        "Gói dữ liệu này đã được nhập trước đây; không có gì thay đổi."
    );
    assert!(
        text_of(&app, "sync-import-confirm").await?.is_empty(),
        "no Import button when there is nothing to import"
    );

    app.by_test_id("sync-import-cancel").await?.click().await?;

    // Export for the central office into the folder chosen in the dialog (the stick): the file
    // is named for sender, recipient, date and sequence, nothing temporary is left.
    app.by_test_id("sync-export-open").await?.click().await?;
    let to_tw = app.by_test_id("sync-export-to-TW").await?;
    assert!(to_tw.is_selected().await?, "the only peer is preselected");
    app.click("sync-export-choose").await?;
    wait_for_text(&app, "sync-export-folder", |t| t.ends_with("usb")).await?;
    app.click("sync-export-submit").await?;
    let done = wait_for_text(&app, "sync-export-result", |t| !t.is_empty()).await?;
    assert!(done.contains("gửi TW"), "{done}");
    let file_name = app
        .attr_of("sync-export-result", "data-file")
        .await?
        .unwrap_or_default();
    assert!(
        file_name.starts_with("HoSo_HN_den_TW_") && file_name.ends_with(".hoso"),
        "{file_name}"
    );
    let out = stick.join(&file_name);
    assert!(out.is_file(), "{} written", out.display());
    let leftovers: Vec<_> = std::fs::read_dir(&stick)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    app.by_test_id("nav-cases").await?.click().await?;
    let title = wait_for_text(&app, "case-title", |t| !t.is_empty()).await?;
    assert_eq!(title, TITLE);
    app.quit().await?;

    let central = Store::open(world.dir.path().join("TW.hoso-db"), "admin", "mật khẩu")?;
    let mut central = Register::session(central, "admin")?;
    let report = central.import_bundle(&out, false, None, &mut |_| {})?;
    assert_eq!(report.outcome, ImportOutcome::Imported);
    assert_eq!(report.sender, "HN");
    Ok(())
}

/// Enrolment from the app: a freshly initialised province opens the central office's set-up
/// bundle, is asked for the root fingerprint read out by phone, refuses a wrong one (nothing
/// imported) and, with the right one typed with dashes, imports the bundle: the dashboard then
/// lists the central office and the register trusts its root key.
#[tokio::test(flavor = "multi_thread")]
async fn province_sets_up_trust_with_the_fingerprint_read_out_by_the_central_office() -> Result<()>
{
    let mut world = World::new(&[]);
    let (province, setup, fingerprint) = world.enrol_pending("HN");
    let register = world.dir.path().join("HN.hoso-db");
    // Close every register: the app opens the province's on its own.
    drop(province);
    world.offices.clear();
    // The same shape, one digit off: what a misheard digit (or a forged bundle) gives.
    let mut wrong: Vec<char> = fingerprint.chars().collect();
    let last = wrong.last_mut().expect("digits");
    *last = char::from_digit((last.to_digit(10).expect("digit") + 1) % 10, 10).expect("digit");
    let wrong: String = wrong.into_iter().collect();

    let home = tempfile::tempdir()?;
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        &[("HOSO_E2E_OPEN_BUNDLES", setup.to_str().expect("utf-8"))],
    )
    .await?;
    app.by_test_id("unlock-login")
        .await?
        .send_keys("admin")
        .await?;
    app.by_test_id("unlock-passphrase")
        .await?
        .send_keys("mật khẩu")
        .await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    // The dashboard is the first screen after unlocking.
    app.by_test_id("dashboard-screen").await?;
    app.by_test_id("nav-sync").await?.click().await?;
    app.by_test_id("sync-screen").await?;
    let none = wait_for_text(&app, "sync-no-peers", |t| !t.is_empty()).await?;
    assert_eq!(none, "Chưa có cơ quan nào để đồng bộ.");
    assert!(
        text_of(&app, "sync-root-fingerprint").await?.is_empty(),
        "no trusted root yet"
    );

    // The set-up bundle without a fingerprint: the screen asks for one, it is not an error.
    choose_and_preview(&app).await?;
    assert_eq!(
        app.attr_of("sync-import-file", "data-status")
            .await?
            .as_deref(),
        Some("setup"),
        "listed as the set-up bundle"
    );
    let explain = wait_for_text(&app, "sync-setup-explain", |t| !t.is_empty()).await?;
    assert!(
        explain.starts_with("Đây là gói khởi tạo từ Ủy ban Kiểm tra cấp trung ương."),
        "{explain}"
    );
    assert!(text_of(&app, "error-notice").await?.is_empty());

    // A wrong fingerprint: refused with the reason, nothing imported, the field still there.
    app.by_test_id("sync-setup-fingerprint")
        .await?
        .send_keys(&wrong)
        .await?;
    app.by_test_id("sync-setup-preview").await?.click().await?;
    let refused = app.by_test_id("error-notice").await?;
    assert_eq!(
        refused.attr("data-code").await?.as_deref(),
        Some("trust-unknown-signer")
    );
    let message = text_of(&app, "error-message").await?;
    assert!(
        message.contains("dấu vân tay khóa gốc không khớp")
            && message.contains("Không có thay đổi nào được ghi."),
        "{message}"
    );
    assert!(
        text_of(&app, "sync-preview").await?.is_empty(),
        "no preview"
    );
    assert_eq!(text_of(&app, "sync-no-peers").await?, none);

    // The right one, typed with dashes: the preview says it matches, then the import.
    let field = app.by_test_id("sync-setup-fingerprint").await?;
    field.clear().await?;
    field.send_keys(&fingerprint.replace(' ', "-")).await?;
    app.by_test_id("sync-setup-preview").await?.click().await?;
    let matches = wait_for_text(&app, "sync-preview-trust-root", |t| !t.is_empty()).await?;
    assert!(
        matches.starts_with("Dấu vân tay khóa gốc khớp."),
        "{matches}"
    );
    assert!(text_of(&app, "error-notice").await?.is_empty());
    let from = text_of(&app, "sync-preview-bundle").await?;
    assert!(from.starts_with("Gói dữ liệu của TW"), "{from}");
    app.by_test_id("sync-import-confirm").await?.click().await?;
    let result = wait_for_text(&app, "sync-import-result", |t| !t.is_empty()).await?;
    assert!(result.starts_with("Đã nhập gói dữ liệu."), "{result}");
    assert_eq!(
        text_of(&app, "sync-result-trust-root").await?,
        "Đã xác lập tin cậy với Ủy ban Kiểm tra cấp trung ương."
    );
    let office = wait_for_text(&app, "sync-peer-office", |t| !t.is_empty()).await?;
    assert_eq!(office, CENTRAL, "the dashboard lists the central office");
    assert!(text_of(&app, "sync-setup").await?.is_empty(), "set-up done");
    // Shown as the central office reads it out, for the next comparison by phone.
    let shown = wait_for_text(&app, "sync-root-fingerprint", |t| !t.is_empty()).await?;
    assert_eq!(shown, format!("Dấu vân tay khóa gốc: {fingerprint}"));
    app.quit().await?;

    let store = Store::open(&register, "admin", "mật khẩu")?;
    let province = Register::session(store, "admin")?;
    assert_eq!(
        province.key_info()?.root_fingerprint.as_deref(),
        Some(fingerprint.as_str()),
        "the province trusts the central office's root key"
    );
    Ok(())
}

/// An edit the central office made with its workstation clock in 2031 reaches a province: the
/// import preview and result warn (in Vietnamese) that the central office's clock runs ahead,
/// and the dashboard flags it on the central office's row, with the date.
#[tokio::test(flavor = "multi_thread")]
async fn a_clock_far_ahead_is_shown_in_the_preview_the_result_and_on_the_dashboard() -> Result<()> {
    use hoso_core::oplog::{EntityRef, ScopeUnit, Txn};
    let mut world = World::new(&["HN"]);
    let case = world.open_case(CENTRAL, TITLE, &["HN"]);
    {
        // 2031-06-15T12:00:00Z: the same day in any time zone.
        let conn = world.reg(CENTRAL).store_mut().conn_mut();
        let mut t = Txn::begin_at(conn, CENTRAL, "admin", 1_939_291_200_000)?;
        t.put(
            &ScopeUnit::new(format!("case:{}", case.id)),
            &EntityRef::new("case", case.id.as_str()),
            "summary",
            "sửa khi đồng hồ sai",
        )?;
        t.commit(&hoso_core::register::DomainProjector)?;
    }
    let bundle = world.export(CENTRAL, &["HN"], false);
    let register = world.dir.path().join("HN.hoso-db");
    world.offices.clear();

    let home = tempfile::tempdir()?;
    let app = App::launch_with_env(
        &["--register", register.to_str().expect("utf-8")],
        home.path(),
        &[("HOSO_E2E_OPEN_BUNDLES", bundle.to_str().expect("utf-8"))],
    )
    .await?;
    app.by_test_id("unlock-login")
        .await?
        .send_keys("admin")
        .await?;
    app.by_test_id("unlock-passphrase")
        .await?
        .send_keys("mật khẩu")
        .await?;
    app.by_test_id("unlock-submit").await?.click().await?;
    // The dashboard is the first screen after unlocking.
    app.by_test_id("dashboard-screen").await?;
    app.by_test_id("nav-sync").await?.click().await?;
    app.by_test_id("sync-screen").await?;
    wait_for_text(&app, "sync-peer-office", |t| !t.is_empty()).await?;
    assert_eq!(
        text_of(&app, "sync-clock-ahead").await?,
        "",
        "no warning yet"
    );

    choose_and_preview(&app).await?;
    let warning = wait_for_text(&app, "sync-preview-clock-ahead", |t| !t.is_empty()).await?;
    assert_eq!(
        warning,
        "Đồng hồ của TW chạy trước: các thay đổi của cơ quan này ghi thời điểm đến 15/06/2031. \
         Các thay đổi vẫn được nhập; đề nghị TW kiểm tra lại ngày giờ trên máy tính."
    );
    app.by_test_id("sync-import-confirm").await?.click().await?;
    let result = wait_for_text(&app, "sync-result-clock-ahead", |t| !t.is_empty()).await?;
    assert_eq!(result, warning);
    let flagged = wait_for_text(&app, "sync-clock-ahead", |t| !t.is_empty()).await?;
    assert!(
        flagged.starts_with("Các thay đổi của TW ghi thời điểm đến 15/06/2031")
            && flagged.contains("Đề nghị TW kiểm tra lại ngày giờ"),
        "{flagged}"
    );
    assert_eq!(
        text_of(&app, "sync-peer-clock-ahead").await?,
        "Đồng hồ lệch"
    );
    app.quit().await?;
    Ok(())
}
