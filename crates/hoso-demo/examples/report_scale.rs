//! Compute time of the statistics forms and of the Reports screen's charts as the register grows
//! (docs/BENCHMARKS.md, "Statistics forms at 20,000 cases"). The core and the generator only: no
//! PDF or XLSX (those are `hoso-print`'s `report_bench`), so it builds without typst.
//!
//! ```text
//! cargo run --release -p hoso-demo --example report_scale -- /tmp/big.hoso-db 20000 2026-9m
//! ```
//!
//! Arguments: register (made with the demo generator, `CASES` cases and `CASES / 5` subjects,
//! seed 2026, when it does not exist yet), `CASES`, period. Opening the register runs any
//! migration it lacks (timed). Every form is computed over every office, once to warm up, then
//! timed; then the charts. Nothing is audited.

use std::time::Instant;

use hoso_core::register::Register;
use hoso_core::reports::{Period, ReportScope};
use hoso_core::store::{FAST_KDF_FOR_TESTS, Store};
use hoso_demo::{DEMO_LOGIN, DEMO_PASSPHRASE, DemoOptions, create_demo};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = std::path::PathBuf::from(&args[1]);
    let cases: usize = args.get(2).map_or(20_000, |c| c.parse().expect("CASES"));
    let period = Period::parse(args.get(3).map_or("2026-9m", String::as_str), None).unwrap();
    if !path.exists() {
        let t = Instant::now();
        let opts = DemoOptions {
            seed: 2026,
            subjects: (cases / 5).max(5),
            cases,
        };
        create_demo(&path, &opts, &FAST_KDF_FOR_TESTS).expect("demo register");
        println!(
            "generated {cases} cases in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let store = Store::open(&path, DEMO_LOGIN, DEMO_PASSPHRASE).expect("open the register");
    let reg = Register::session(store, DEMO_LOGIN).expect("session");
    println!(
        "opened (with migrations) in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "{:<16} {:>10} {:>7} {:>7}",
        "form", "compute", "figure", "read"
    );
    for f in reg.report_form_list().unwrap() {
        reg.report(&f.code, &period, &ReportScope::All).unwrap();
        let mut read = 0;
        let t = Instant::now();
        let r = reg
            .report_with_progress(&f.code, &period, &ReportScope::All, &mut |_, total| {
                read = total
            })
            .unwrap();
        let compute = t.elapsed();
        let total = r.rows[0].cells.first().and_then(|c| c.value);
        println!(
            "{:<16} {:>8.1}ms {:>7} {:>7}",
            f.code,
            compute.as_secs_f64() * 1e3,
            total.map_or("—".to_string(), |v| v.to_string()),
            read
        );
    }
    reg.report_charts(&period, &ReportScope::All).unwrap();
    let t = Instant::now();
    let c = reg.report_charts(&period, &ReportScope::All).unwrap();
    println!(
        "{:<16} {:>8.1}ms {:>7} (opened {}, disciplined {}, overdue {})",
        "charts",
        t.elapsed().as_secs_f64() * 1e3,
        "",
        c.opened.value.unwrap_or(0),
        c.disciplined.value.unwrap_or(0),
        c.overdue_total.value.unwrap_or(0)
    );
}
