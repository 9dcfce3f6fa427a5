//! Start-up benchmark (issue 11, docs/BENCHMARKS.md): the app's cold start to the unlock
//! screen and its unlock (Argon2id with the shipped parameters) to the dashboard, against the
//! smallest Tauri app from the same crate (`src-tauri/examples/minimal_window.rs`) started the
//! same way: a new WebDriver session (tauri-driver, WebKitWebDriver) until the first element
//! of the page can be found. Run by `make bench` under Xvfb:
//!
//! ```sh
//! cargo build -p hoso-desktop --example minimal_window && make app
//! xvfb-run -a cargo run -p hoso-tests --features e2e --example startup_bench -- 10 \
//!     $CARGO_TARGET_DIR/debug/examples/minimal_window
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hoso_core::model::CaseKind;
use hoso_tests::app::{App, app_binary};
use hoso_tests::fixtures::{OFFICER, PASSPHRASE, register_with_cases};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 and p95 of the runs (nearest rank), in milliseconds.
fn summary(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1];
    (ms(at(0.5)), ms(at(0.95)))
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let minimal = PathBuf::from(
        args.next()
            .context("usage: startup_bench RUNS PATH-TO-minimal_window")?,
    );
    let app = app_binary()?;
    let dir = tempfile::tempdir()?;
    let register = dir.path().join("bench.hoso-db");
    register_with_cases(
        &register,
        &[(CaseKind::Denunciation, "Đơn tố cáo cán bộ xã")],
    )?;
    let register = register.to_str().context("a UTF-8 path")?.to_string();

    let (mut yardstick, mut cold, mut unlock) = (Vec::new(), Vec::new(), Vec::new());
    // A launch that never reaches its page (once, under Xvfb, the app could not initialise GTK
    // and WebKitWebDriver waited for it for good) is dropped, which stops its driver, and the
    // run is made again; the summary says how many were.
    let mut failed = 0;
    while yardstick.len() < runs {
        match tokio::time::timeout(RUN_LIMIT, one_run(&minimal, &app, &register)).await {
            Ok(Ok((y, c, u))) => {
                yardstick.push(y);
                cold.push(c);
                unlock.push(u);
                eprintln!("run {}/{runs} done", yardstick.len());
            }
            outcome => {
                failed += 1;
                match outcome {
                    Ok(Err(e)) => eprintln!("a run failed and is made again: {e:#}"),
                    _ => eprintln!("a run took over {RUN_LIMIT:?} and is made again"),
                }
                anyhow::ensure!(failed <= MAX_FAILED_RUNS, "{failed} runs failed");
            }
        }
    }
    let (y50, y95) = summary(yardstick);
    let (c50, c95) = summary(cold);
    let (u50, u95) = summary(unlock);
    println!("| measure ({runs} runs) | p50 ms | p95 ms |");
    println!("|---|---|---|");
    println!("| minimal Tauri window: start to its page | {y50:.0} | {y95:.0} |");
    println!("| HoSo: start to the unlock screen | {c50:.0} | {c95:.0} |");
    println!("| HoSo: unlock to the dashboard | {u50:.0} | {u95:.0} |");
    println!(
        "| HoSo start / minimal window (p50) | {:.2}× | |",
        c50 / y50
    );
    println!("({failed} failed runs made again)");
    Ok(())
}

/// How long one run (both programs) may take before it is dropped.
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// Failed runs tolerated before the bench gives up.
const MAX_FAILED_RUNS: usize = 3;

/// One run: the minimal window to its page, then HoSo to its unlock screen and, signed in, to
/// its dashboard.
async fn one_run(
    minimal: &std::path::Path,
    app: &std::path::Path,
    register: &str,
) -> Result<(Duration, Duration, Duration)> {
    let home = tempfile::tempdir()?;
    let t = Instant::now();
    let w = App::launch_binary(minimal, &[], home.path(), &[]).await?;
    w.by_test_id("ready").await?;
    let yardstick = t.elapsed();
    w.quit().await?;

    let home = tempfile::tempdir()?;
    let t = Instant::now();
    let a = App::launch_binary(app, &["--register", register], home.path(), &[]).await?;
    a.by_test_id("unlock-screen").await?;
    let cold = t.elapsed();
    let t = Instant::now();
    a.sign_in(OFFICER, PASSPHRASE).await?;
    a.by_test_id("dashboard-screen").await?;
    let unlock = t.elapsed();
    a.quit().await?;
    Ok((yardstick, cold, unlock))
}
