//! Issue 12's sync from a USB stick and backup, on the real app through the dialogs' seam
//! (`e2e-dialogs`: HOSO_E2E_EXPORT_FOLDER, HOSO_E2E_OPEN_BUNDLES, HOSO_E2E_BACKUP_FOLDER,
//! HOSO_E2E_RESTORE_FOLDER): a province exports to a folder standing in for a stick, the
//! central office imports the files from it with progress and history; an administrator backs
//! the register up and restores it, which gives back the same digest.

use std::path::{Path, PathBuf};

use anyhow::Result;
use hoso_core::Text;
use hoso_core::model::CaseKind;
use hoso_core::register::{NewCase, Register};
use hoso_core::store::Store;
use hoso_tests::app::App;
use hoso_tests::offices::{CENTRAL, World};

const PASS: &str = "mật khẩu";
const TITLE: &str = "Kiểm tra dấu hiệu vi phạm tại Sở Tài nguyên và Môi trường Hà Nội";

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

async fn open_sync(register: &Path, home: &Path, env: &[(&str, &str)]) -> Result<App> {
    let app = App::launch_with_env(&["--register", s(register)], home, env).await?;
    app.sign_in("admin", PASS).await?;
    app.by_test_id("dashboard-screen").await?;
    app.click("nav-sync").await?;
    app.by_test_id("sync-screen").await?;
    Ok(app)
}

fn digest(register: &Path) -> Result<String> {
    let reg = Register::session(Store::open(register, "admin", PASS)?, "admin")?;
    Ok(reg.digest()?)
}

/// Every file in `dir` whose name starts with `prefix`, sorted.
fn files_in(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    v.sort();
    Ok(v)
}

#[tokio::test(flavor = "multi_thread")]
async fn bundles_go_by_stick_from_a_province_to_the_central_office_with_progress_and_history()
-> Result<()> {
    let mut world = World::new(&["HN"]);
    world.open_case("HN", TITLE, &[]);
    let hn = world.dir.path().join("HN.hoso-db");
    let tw = world.dir.path().join("TW.hoso-db");
    world.offices.clear();
    let home = tempfile::tempdir()?;
    let stick = home.path().join("usb");
    std::fs::create_dir(&stick)?;

    // The province writes two bundles for the central office onto the stick.
    let app = open_sync(&hn, home.path(), &[("HOSO_E2E_EXPORT_FOLDER", s(&stick))]).await?;
    // The history already holds the set-up bundle received from the central office.
    let before = app
        .wait_for_texts("sync-history-row", |r| r.len() == 1)
        .await?
        .len();
    assert_eq!(before, 1);
    for round in 0..2 {
        app.click("sync-export-open").await?;
        let recipient = app.by_test_id("sync-export-recipient").await?;
        assert_eq!(
            recipient.attr("data-office").await?.as_deref(),
            Some(CENTRAL)
        );
        let last = recipient.text().await?;
        assert!(last.contains("Gửi lần cuối"), "{last}");
        app.click("sync-export-choose").await?;
        app.click("sync-export-submit").await?;
        app.wait_for_attr("sync-progress", "data-state", "done")
            .await?;
        let file = app
            .attr_of("sync-export-result", "data-file")
            .await?
            .unwrap_or_default();
        assert!(file.starts_with("HoSo_HN_den_TW_"), "{file}");
        let rows = app
            .wait_for_texts("sync-history-row", |r| r.len() == before + round + 1)
            .await?;
        assert_eq!(rows.len(), before + round + 1, "{rows:?}");
    }
    let peers = app.client.execute(
        "return Array.from(document.querySelectorAll('[data-testid=sync-history-row]')).map(e => e.dataset.direction + ':' + e.dataset.peer)",
        vec![],
    ).await?;
    assert_eq!(
        peers,
        serde_json::json!(["sent:TW", "sent:TW", "received:TW"]),
        "newest first"
    );
    app.quit().await?;
    let written = files_in(&stick, "HoSo_HN_den_TW_")?;
    assert_eq!(written.len(), 2, "{written:?}");

    // The central office chooses both (listed newest first by the dialog: the screen sorts them
    // by sender and sequence) and imports them in order.
    let mut chosen = written.clone();
    chosen.reverse();
    let list = std::env::join_paths(&chosen)?;
    let app = open_sync(
        &tw,
        home.path(),
        &[("HOSO_E2E_OPEN_BUNDLES", list.to_str().expect("utf-8"))],
    )
    .await?;
    app.click("sync-import-choose").await?;
    let files = app
        .wait_for_texts("sync-import-file", |f| f.len() == 2)
        .await?;
    assert_eq!(files.len(), 2, "{files:?}");
    let order = app.client.execute(
        "return Array.from(document.querySelectorAll('[data-testid=sync-import-file]')).map(e => e.dataset.sender + ':' + e.dataset.status + ':' + e.innerText.split('\\n')[0])",
        vec![],
    ).await?;
    let order: Vec<String> = serde_json::from_value(order)?;
    assert!(order.iter().all(|o| o.starts_with("HN:ready")), "{order:?}");
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        files[0].contains(&names[0]) && files[1].contains(&names[1]),
        "{files:?}"
    );
    // The preview of the first says what comes, then everything is imported in order.
    app.click("sync-import-preview").await?;
    app.by_test_id("sync-preview").await?;
    app.click("sync-import-all").await?;
    app.wait_for_attr("sync-progress", "data-state", "done")
        .await?;
    let statuses = app
        .wait_for_texts("sync-import-file-status", |s| {
            s.len() == 2 && s.iter().all(|t| t == "Vừa nhập xong")
        })
        .await?;
    assert_eq!(statuses, ["Vừa nhập xong", "Vừa nhập xong"]);
    let rows = app
        .wait_for_texts("sync-history-row", |r| r.len() >= 3)
        .await?;
    assert!(rows.len() >= 3, "{rows:?}");
    // With HOSO_SCREENSHOT_DIR=docs/screenshots: the user guide's pictures of the sync screen
    // (sync.png, sync-history.png), at the smallest screen officers use, without horizontal
    // scrolling.
    if let Ok(dir) = std::env::var("HOSO_SCREENSHOT_DIR") {
        let _ = app.client.set_window_size(1366, 768).await;
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let wide = app
            .client
            .execute(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth",
                vec![],
            )
            .await?;
        assert_eq!(
            wide,
            serde_json::json!(false),
            "no horizontal scroll at 1366×768"
        );
        std::fs::write(format!("{dir}/sync.png"), app.client.screenshot().await?)?;
        app.client
            .execute(
                "document.querySelector('[data-testid=sync-history]').scrollIntoView()",
                vec![],
            )
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        std::fs::write(
            format!("{dir}/sync-history.png"),
            app.client.screenshot().await?,
        )?;
    }
    // Received from HN: the two bundles (the set-up bundle was sent to HN).
    app.client
        .execute(
            "const s = document.querySelector('[data-testid=sync-history-direction]'); s.value = 'received'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await?;
    let received = app
        .wait_for_texts("sync-history-row", |r| r.len() == 2)
        .await?;
    assert_eq!(received.len(), 2, "{received:?}");
    assert!(
        received
            .iter()
            .all(|r| r.contains("HN") && r.contains("Đã nhập")),
        "{received:?}"
    );
    app.quit().await?;

    let central = Register::session(Store::open(&tw, "admin", PASS)?, "admin")?;
    let titles: Vec<String> = central
        .list_cases(&Default::default())?
        .into_iter()
        .map(|c| c.title.as_str().to_string())
        .collect();
    assert!(titles.iter().any(|t| t == TITLE), "{titles:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_then_a_restore_gives_back_the_same_digest() -> Result<()> {
    let mut world = World::new(&["HN"]);
    world.open_case("HN", TITLE, &[]);
    let hn = world.dir.path().join("HN.hoso-db");
    world.offices.clear();
    let home = tempfile::tempdir()?;
    let backups = home.path().join("usb");
    std::fs::create_dir(&backups)?;

    let app = open_sync(&hn, home.path(), &[("HOSO_E2E_BACKUP_FOLDER", s(&backups))]).await?;
    // Backup and restore live in the settings' "Sao lưu" tab.
    app.click("nav-settings").await?;
    app.click("settings-tab-backup").await?;
    assert_eq!(
        app.wait_for_texts("backup-last", |t| !t.is_empty()).await?,
        ["Chưa sao lưu lần nào"]
    );
    app.click("backup-now").await?;
    app.by_test_id("backup-done").await?;
    let last = app
        .attr_of("backup-last", "data-at")
        .await?
        .unwrap_or_default();
    assert!(!last.is_empty(), "the last backup is recorded");
    // The dashboard shows it too.
    app.click("nav-dashboard").await?;
    let shown = app
        .wait_for_texts("dash-last-backup", |t| !t.is_empty())
        .await?;
    assert!(shown[0].starts_with("Sao lưu lần cuối:"), "{shown:?}");
    app.quit().await?;
    let saved = digest(&hn)?;
    let folders = files_in(&backups, "HoSo_saoluu_HN_")?;
    assert_eq!(folders.len(), 1, "{folders:?}");

    // Work after the backup changes the digest.
    {
        let mut reg = Register::session(Store::open(&hn, "admin", PASS)?, "admin")?;
        reg.add_case(NewCase {
            kind: CaseKind::InspectionOnSigns,
            title: Text::new("Vụ việc mở sau khi sao lưu"),
            lead: "HN".into(),
            coordinators: vec![],
            subjects: vec![],
            origin: None,
            opened: None,
            summary: Text::new(""),
            team: vec![],
        })?;
    }
    assert_ne!(digest(&hn)?, saved);

    let app = open_sync(
        &hn,
        home.path(),
        &[("HOSO_E2E_RESTORE_FOLDER", s(&folders[0]))],
    )
    .await?;
    app.click("nav-settings").await?;
    app.click("settings-tab-backup").await?;
    app.click("restore").await?;
    let warning = app
        .wait_for_texts("restore-warning", |t| !t.is_empty())
        .await?;
    assert!(
        warning[0].starts_with("Cảnh báo: sổ hồ sơ hiện nay sẽ được thay"),
        "{warning:?}"
    );
    let info = app
        .wait_for_texts("restore-info", |t| !t.is_empty())
        .await?;
    assert!(info[0].starts_with("Bản sao lưu của HN"), "{info:?}");
    app.by_test_id("restore-passphrase")
        .await?
        .send_keys(PASS)
        .await?;
    app.click("restore-confirm").await?;
    // Done: the confirmation form goes, the session goes on with the restored register.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !app.texts_of("restore-confirm-form").await?.is_empty() {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the restore never finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(app.texts_of("backup-error").await?.is_empty(), "no error");
    app.by_test_id("backup-now").await?;
    app.quit().await?;
    assert_eq!(digest(&hn)?, saved, "the restored register is the backup's");
    // The replaced register was kept aside.
    assert!(
        !files_in(world_dir(&hn), "HN.hoso-db.truoc-khoi-phuc-")?.is_empty(),
        "the replaced register is kept aside"
    );
    Ok(())
}

fn world_dir(register: &Path) -> &Path {
    register.parent().expect("a folder")
}
