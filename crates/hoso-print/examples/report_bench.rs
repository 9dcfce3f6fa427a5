//! Render time per statistics form (compute + PDF + XLSX), for docs/BENCHMARKS.md:
//!
//! ```text
//! hoso demo --out /tmp/demo.hoso-db
//! cargo run --release -p hoso-print --example report_bench -- /tmp/demo.hoso-db demo demo 2026-9m
//! ```
//!
//! Arguments: register, officer, passphrase, period. Every form is computed over every office
//! (the central office's roll-up), once to warm up, then timed; nothing is audited.

use std::time::Instant;

use hoso_core::register::Register;
use hoso_core::reports::{Period, ReportScope};
use hoso_core::store::Store;
use hoso_print::{PrintSettings, ReportPrintOptions, report_pdf, report_xlsx};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, login, pass) = (&args[1], &args[2], &args[3]);
    let period = Period::parse(args.get(4).map_or("2026-9m", String::as_str), None).unwrap();
    let store = Store::open(path, login, pass).expect("open the register");
    let reg = Register::session(store, login).expect("session");
    let settings = PrintSettings::load(&reg).unwrap();
    let opts = ReportPrintOptions {
        date: chrono::NaiveDate::from_ymd_opt(2026, 10, 5),
        number: None,
    };
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>7} {:>6}",
        "form", "compute", "pdf", "xlsx", "figure", "pages"
    );
    for f in reg.report_form_list().unwrap() {
        let r = reg.report(&f.code, &period, &ReportScope::All).unwrap();
        report_pdf(&r, &settings, &opts).unwrap();
        let t = Instant::now();
        let r = reg.report(&f.code, &period, &ReportScope::All).unwrap();
        let compute = t.elapsed();
        let t = Instant::now();
        let (_, pages) = report_pdf(&r, &settings, &opts).unwrap();
        let pdf = t.elapsed();
        let t = Instant::now();
        report_xlsx(&r).unwrap();
        let xlsx = t.elapsed();
        let total = r.rows[0].cells.first().and_then(|c| c.value);
        println!(
            "{:<16} {:>7.1}ms {:>7.1}ms {:>7.1}ms {:>7} {:>6}",
            f.code,
            compute.as_secs_f64() * 1e3,
            pdf.as_secs_f64() * 1e3,
            xlsx.as_secs_f64() * 1e3,
            total.map_or("—".to_string(), |v| v.to_string()),
            pages
        );
    }
}
