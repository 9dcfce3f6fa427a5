//! Plans and coordination in the app (issue 12): two provinces plan the same inspection of one
//! subject in overlapping periods; after their bundles pass through the central office the
//! overlap shows at all three with the other office named; settled in the app at one province,
//! it clears at all three after the next exchange. An omission is added to the plan and a plan
//! item becomes a case, both in the app.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::Locator;
use hoso_core::Text;
use hoso_core::model::{CaseKind, MembershipStatus, SubjectKind};
use hoso_core::register::{AddSubject, NewCase, NewPlan, NewPlanItem, NewSubject, Register};
use hoso_core::store::Store;
use hoso_tests::app::App;
use hoso_tests::offices::{CENTRAL, Office, World};
use hoso_tests::planning::{day, plan_one, shared_subject, this_year};

const OVERLAP_SUBJECT: &str = "Đảng ủy Tổng công ty Đường sắt";
const OMISSION_SUBJECT: &str = "Nguyễn Văn Tâm";

fn register_path(w: &World, code: &str) -> PathBuf {
    w.dir.path().join(format!("{code}.hoso-db"))
}

/// Opens the registers again (the app had them) so that bundles can be carried.
fn reopen(w: &mut World, codes: &[&str]) -> Result<()> {
    for code in codes {
        let store = Store::open(register_path(w, code), "admin", "mật khẩu")?;
        w.offices.push(Office {
            code: code.to_string(),
            register: Register::session(store, "admin")?,
        });
    }
    Ok(())
}

/// The app on `code`'s register, signed in, on the Plans screen showing `year`.
async fn plans_at(w: &World, code: &str, home: &Path, year: i32) -> Result<App> {
    let register = register_path(w, code);
    let app = App::launch(&["--register", register.to_str().expect("utf-8")], home).await?;
    let _ = app.client.set_window_size(1366, 768).await;
    app.sign_in("admin", "mật khẩu").await?;
    app.by_test_id("dashboard-screen").await?;
    app.click("nav-plans").await?;
    app.by_test_id("plans-screen").await?;
    set_year(&app, year).await?;
    Ok(app)
}

/// Chooses the year in the Plans screen's year selector.
async fn set_year(app: &App, year: i32) -> Result<()> {
    app.by_test_id("plan-year").await?;
    app.client
        .execute(
            "const s = document.querySelector('[data-testid=plan-year]'); \
             s.value = String(arguments[0]); s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::json!(year)],
        )
        .await?;
    Ok(())
}

/// The given attribute of every element with this `data-testid`.
async fn attrs_of(app: &App, id: &str, attr: &str) -> Result<Vec<String>> {
    let v = app
        .client
        .execute(
            "return Array.from(document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`)).map(e => e.getAttribute(arguments[1]) ?? '');",
            vec![serde_json::json!(id), serde_json::json!(attr)],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// Waits until the attributes of `id` satisfy `check`; fails with the last seen.
async fn wait_attrs(
    app: &App,
    id: &str,
    attr: &str,
    check: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let v = attrs_of(app, id, attr).await?;
        if check(&v) {
            return Ok(v);
        }
        if Instant::now() > deadline {
            bail!("[data-testid={id}] {attr}: never as expected; last {v:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Clicks the element `css` finds, retrying while a closing dialog's overlay still takes the
/// click (as `App::click` does for test ids).
async fn click_css(app: &App, css: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let element = app
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await?;
        match element.click().await {
            Ok(()) => return Ok(()),
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => bail!("clicking {css}: {e}"),
        }
    }
}

/// The overlaps tab: the `data-office` of each overlap (the other offices), once there is one.
async fn overlaps_shown(app: &App) -> Result<Vec<String>> {
    app.click("plans-tab-overlaps").await?;
    wait_attrs(app, "plan-overlap", "data-office", |v| !v.is_empty()).await
}

/// Saves a screenshot under HOSO_SCREENSHOT_DIR when it is set (the user guide's pictures).
async fn screenshot(app: &App, name: &str) -> Result<()> {
    if let Ok(dir) = std::env::var("HOSO_SCREENSHOT_DIR") {
        tokio::time::sleep(Duration::from_secs(2)).await;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(format!("{dir}/{name}"), app.client.screenshot().await?)?;
    }
    Ok(())
}

/// More of the central office's own programme, so the year view has several offices' rows.
fn central_programme(w: &mut World, year: i32) {
    let tw = w.reg(CENTRAL);
    let plan = tw
        .add_plan(NewPlan {
            office: None,
            year,
            title: Text::new(format!("Chương trình kiểm tra, giám sát năm {year}")),
        })
        .expect("plan");
    for (name, kind, start, end, coordinators) in [
        (
            "Đảng ủy Khối Doanh nghiệp Trung ương",
            CaseKind::ThematicSupervision,
            "02-10",
            "04-30",
            vec!["HN"],
        ),
        (
            "Ban Thường vụ Tỉnh ủy Quảng Ninh",
            CaseKind::InspectionWorkAudit,
            "06-01",
            "08-15",
            vec![],
        ),
        (
            "Đảng ủy Ngân hàng Nhà nước",
            CaseKind::AssetDeclarationCheck,
            "09-01",
            "11-30",
            vec!["HP"],
        ),
    ] {
        let AddSubject::Added { id } = tw
            .add_subject(
                NewSubject {
                    kind: SubjectKind::Organisation,
                    name: Text::new(name),
                    birth_year: None,
                    unit: None,
                    post: None,
                    membership: None,
                    authority: None,
                },
                false,
            )
            .expect("subject")
        else {
            panic!("a new subject")
        };
        tw.add_plan_item(
            &plan,
            NewPlanItem {
                subject: id,
                kind,
                start: day(year, start),
                end: day(year, end),
                lead: None,
                coordinators: coordinators.into_iter().map(String::from).collect(),
                note: Text::default(),
            },
        )
        .expect("item");
    }
}

const CENTRAL_NOTE: &str = "Điều chỉnh theo chỉ đạo của Ủy ban Kiểm tra Trung ương";

#[tokio::test(flavor = "multi_thread")]
async fn overlaps_reach_every_office_and_settling_in_the_app_clears_them_everywhere() -> Result<()>
{
    let mut w = World::new(&["HN", "HP"]);
    let next = this_year() + 1;
    let subject = shared_subject(&mut w, OVERLAP_SUBJECT, &["HN", "HP"]);
    let kind = CaseKind::FinanceInspection;
    let (_, hn_item) = plan_one(&mut w, "HN", next, &subject, kind, "03-01", "05-31");
    let (_, hp_item) = plan_one(&mut w, "HP", next, &subject, kind, "05-15", "07-31");
    central_programme(&mut w, next);
    // At HN, a denunciation about a member nobody plans to inspect: an omission.
    let AddSubject::Added { id: member } = w.reg("HN").add_subject(
        NewSubject {
            kind: SubjectKind::Member,
            name: Text::new(OMISSION_SUBJECT),
            birth_year: Some(1972),
            unit: Some(Text::new("Chi bộ Phòng Tài chính")),
            post: None,
            membership: Some(MembershipStatus::Full),
            authority: None,
        },
        false,
    )?
    else {
        bail!("a new subject")
    };
    w.reg("HN").add_case(NewCase {
        kind: CaseKind::Denunciation,
        title: Text::new("Giải quyết đơn tố cáo đồng chí Nguyễn Văn Tâm"),
        lead: "HN".into(),
        coordinators: vec![],
        subjects: vec![member.clone()],
        origin: None,
        opened: None,
        summary: Text::default(),
        team: vec![],
    })?;
    w.carry("HN", CENTRAL);
    w.carry("HP", CENTRAL);
    // The offices' names as the central office's list gives them (every register holds it).
    let hn_name = w.reg(CENTRAL).office("HN")?.name.to_string();
    let hp_name = w.reg(CENTRAL).office("HP")?.name.to_string();
    w.offices.clear();

    // The central office sees both provinces' plans: one overlap naming both, and notifies them.
    let home = tempfile::tempdir()?;
    let app = plans_at(&w, CENTRAL, home.path(), next).await?;
    let items = wait_attrs(&app, "plan-item", "data-subject", |v| v.len() >= 5).await?;
    assert_eq!(
        items.iter().filter(|s| **s == subject).count(),
        2,
        "{items:?}"
    );
    let warned = wait_attrs(&app, "plan-item-overlap", "data-office", |v| v.len() == 2).await?;
    assert_eq!(
        warned,
        ["HP", "HN"],
        "both items carry the warning naming the other office"
    );
    // The year view: one row per item.
    let rows = attrs_of(&app, "plan-timeline-row", "data-subject").await?;
    assert_eq!(rows.len(), items.len(), "{rows:?}");
    screenshot(&app, "plans.png").await?;
    app.client
        .execute(
            "document.querySelector('[data-testid=plan-timeline]').scrollIntoView({ block: 'end' });",
            vec![],
        )
        .await?;
    screenshot(&app, "plans-timeline.png").await?;
    assert_eq!(overlaps_shown(&app).await?, ["HN HP"]);
    let named = app.texts_of("plan-overlap-offices").await?;
    assert!(
        named[0].starts_with("Trùng với: ")
            && named[0].contains(&format!("{hn_name} (HN)"))
            && named[0].contains(&format!("{hp_name} (HP)")),
        "both offices named: {named:?}"
    );
    // Each item links to the item in its plan (the central office holds both plans).
    assert_eq!(
        attrs_of(&app, "plan-overlap-work", "data-office").await?,
        ["HN", "HP"]
    );
    assert_eq!(app.texts_of("plan-overlap-work-link").await?.len(), 2);
    // The first (HN's, from March) opens HN's item in the year's plans.
    app.click("plan-overlap-work-link").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = app
            .client
            .execute(
                "const r = document.querySelector('tr.highlight'); return r ? r.getAttribute('data-item-id') : null;",
                vec![],
            )
            .await?;
        if shown.as_str() == Some(hn_item.as_str()) {
            break;
        }
        if Instant::now() > deadline {
            bail!("HN's item was not brought into view: {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    overlaps_shown(&app).await?;
    app.click("plan-overlap-notify").await?;
    let sent = app
        .wait_for_texts("plan-overlap-notice", |t| t.len() == 1)
        .await?;
    assert_eq!(sent, ["Đã thông báo cho các đơn vị liên quan."]);
    screenshot(&app, "plans-overlaps.png").await?;
    // The central office may edit any office's plan: it notes a change on HP's item.
    app.click("plans-tab-items").await?;
    click_css(
        &app,
        &format!(
            "[data-testid=\"plan-item\"][data-item-id=\"{hp_item}\"] [data-testid=\"plan-item-edit\"]"
        ),
    )
    .await?;
    app.by_test_id("plan-item-dialog").await?;
    app.by_test_id("plan-item-form-note")
        .await?
        .send_keys(CENTRAL_NOTE)
        .await?;
    app.click("plan-item-form-submit").await?;
    app.wait_for_texts("plan-item", |t| t.iter().any(|r| r.contains(CENTRAL_NOTE)))
        .await?;
    app.quit().await?;

    reopen(&mut w, &[CENTRAL, "HN", "HP"])?;
    w.carry(CENTRAL, "HN");
    w.carry(CENTRAL, "HP");
    // HP's item carries the central office's note.
    let hp_plan = w.reg("HP").plans_of_year(next)?[0].id.clone();
    let page = w.reg("HP").plan_item_page(&hp_plan, 0, 50)?;
    let noted = page
        .items
        .iter()
        .find(|i| i.id == hp_item)
        .expect("HP's item");
    assert_eq!(noted.note.as_str(), CENTRAL_NOTE);
    w.offices.clear();

    // HP sees the overlap with HN named, though it cannot see HN's plan.
    let app = plans_at(&w, "HP", home.path(), next).await?;
    assert_eq!(overlaps_shown(&app).await?, ["HN"]);
    let named = app.texts_of("plan-overlap-offices").await?;
    assert!(named[0].contains(&format!("{hn_name} (HN)")), "{named:?}");
    let notice = app.texts_of("plan-overlap-notice").await?;
    assert!(
        notice[0].contains("Theo thông báo của Ủy ban Kiểm tra Trung ương"),
        "{notice:?}"
    );
    // The dashboard's overlap opens the Plans screen on the overlaps.
    app.click("nav-dashboard").await?;
    click_css(&app, "[data-testid=dash-overlaps] [data-testid=dash-item]").await?;
    assert_eq!(
        wait_attrs(&app, "plan-overlap", "data-office", |v| !v.is_empty()).await?,
        ["HN"]
    );
    assert_eq!(
        app.attr_of("plans-tab-overlaps", "data-state")
            .await?
            .as_deref(),
        Some("active")
    );

    // HP adds an item of its own from "Thêm nội dung kế hoạch": a subject found by typing.
    set_year(&app, next).await?;
    app.click("plans-tab-items").await?;
    // Its own item and the central office's three (it coordinates one of them).
    wait_attrs(&app, "plan-item", "data-subject", |v| v.len() == 4).await?;
    app.click("plan-item-new").await?;
    app.by_test_id("plan-item-dialog").await?;
    app.by_test_id("plan-item-form-subject-search")
        .await?
        .send_keys("ngan hang")
        .await?;
    app.click("plan-item-form-subject-hit").await?;
    app.by_test_id("plan-item-form-start")
        .await?
        .send_keys(&format!("05/01/{next}"))
        .await?;
    app.by_test_id("plan-item-form-end")
        .await?
        .send_keys(&format!("25/01/{next}"))
        .await?;
    app.click("plan-item-form-submit").await?;
    // HP's programme comes first, January first.
    let names = wait_attrs(&app, "plan-item", "data-subject-name", |v| v.len() == 5).await?;
    assert_eq!(
        names[..2],
        ["Đảng ủy Ngân hàng Nhà nước", OVERLAP_SUBJECT],
        "{names:?}"
    );
    app.quit().await?;

    // HN sees it with HP named; adds the omission to its plan; opens a case from that item;
    // settles the overlap.
    let app = plans_at(&w, "HN", home.path(), next).await?;
    wait_attrs(&app, "plan-item", "data-subject", |v| v.contains(&subject)).await?;
    assert_eq!(
        wait_attrs(&app, "plan-item-overlap", "data-office", |v| !v.is_empty()).await?,
        ["HP"]
    );
    assert_eq!(overlaps_shown(&app).await?, ["HP"]);

    app.click("plans-tab-omissions").await?;
    assert_eq!(
        wait_attrs(&app, "omission-row", "data-subject", |v| !v.is_empty()).await?,
        std::slice::from_ref(&member)
    );
    let row = app.texts_of("omission-row").await?;
    assert!(
        row[0].contains(OMISSION_SUBJECT) && row[0].contains("Thêm vào kế hoạch"),
        "{row:?}"
    );
    screenshot(&app, "plans-omissions.png").await?;
    app.click("omission-add").await?;
    app.by_test_id("plan-item-dialog").await?;
    assert_eq!(
        app.attr_of("plan-item-form-subject", "data-subject")
            .await?
            .as_deref(),
        Some(member.as_str()),
        "the subject is filled in"
    );
    app.by_test_id("plan-item-form-start")
        .await?
        .send_keys(&format!("02/02/{next}"))
        .await?;
    app.by_test_id("plan-item-form-end")
        .await?
        .send_keys(&format!("27/02/{next}"))
        .await?;
    screenshot(&app, "plans-item-dialog.png").await?;
    app.click("plan-item-form-submit").await?;
    app.by_test_id("omissions-empty").await?;

    app.click("plans-tab-items").await?;
    wait_attrs(&app, "plan-item", "data-subject", |v| v.contains(&member)).await?;
    // Edited: a note.
    let edit = format!(
        "[data-testid=\"plan-item\"][data-subject=\"{member}\"] [data-testid=\"plan-item-edit\"]"
    );
    click_css(&app, &edit).await?;
    app.by_test_id("plan-item-dialog").await?;
    app.by_test_id("plan-item-form-note")
        .await?
        .send_keys("Theo đơn tố cáo")
        .await?;
    app.click("plan-item-form-submit").await?;
    let rows = app
        .wait_for_texts("plan-item", |t| {
            t.iter().any(|r| r.contains("Theo đơn tố cáo"))
        })
        .await?;
    assert!(
        rows.iter().any(|r| r.contains("Theo đơn tố cáo")),
        "{rows:?}"
    );
    let open = format!(
        "[data-testid=\"plan-item\"][data-subject=\"{member}\"] [data-testid=\"plan-item-open-case\"]"
    );
    click_css(&app, &open).await?;
    app.by_test_id("case-detail").await?;
    let title = app.texts_of("case-detail-title").await?;
    assert!(
        title[0].starts_with("Kiểm tra khi có dấu hiệu vi phạm")
            && title[0].contains(OMISSION_SUBJECT),
        "{title:?}"
    );
    let subjects = app.texts_of("case-subject").await?;
    assert!(
        subjects.iter().any(|s| s.contains(OMISSION_SUBJECT)),
        "{subjects:?}"
    );

    app.click("nav-plans").await?;
    overlaps_shown(&app).await?;
    app.click("plan-overlap-settle").await?;
    app.by_test_id("plan-overlap-settle-dialog").await?;
    app.by_test_id("plan-overlap-reason")
        .await?
        .send_keys("Hà Nội chủ trì, Hải Phòng phối hợp")
        .await?;
    app.click("plan-overlap-settle-submit").await?;
    app.by_test_id("plan-overlaps-empty").await?;
    assert!(
        attrs_of(&app, "plan-item-overlap", "data-office")
            .await?
            .is_empty()
    );
    app.quit().await?;

    // The next exchange: HN → the central office → HP. Cleared at all three.
    reopen(&mut w, &[CENTRAL, "HN", "HP"])?;
    w.carry("HN", CENTRAL);
    w.carry(CENTRAL, "HP");
    for at in [CENTRAL, "HN", "HP"] {
        let left = w.reg(at).overlaps()?;
        assert!(left.is_empty(), "cleared at {at}: {left:#?}");
    }
    // HN's case carries out the item added for the omission.
    let plans = w.reg("HN").plans_of_year(next)?;
    let page = w.reg("HN").plan_item_page(&plans[0].id, 0, 50)?;
    let added = page
        .items
        .iter()
        .find(|i| i.subject == member)
        .expect("the omission's item");
    assert_eq!(added.kind, CaseKind::InspectionOnSigns);
    assert_eq!(added.cases.len(), 1);
    assert!(w.reg("HN").omissions()?.is_empty());
    w.offices.clear();

    // HP's app shows it cleared too.
    let app = plans_at(&w, "HP", home.path(), next).await?;
    app.click("plans-tab-overlaps").await?;
    app.by_test_id("plan-overlaps-empty").await?;
    app.quit().await?;
    Ok(())
}
