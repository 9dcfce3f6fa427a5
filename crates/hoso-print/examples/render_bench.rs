//! Render time per case summary (and per case file), for docs/BENCHMARKS.md:
//!
//! ```text
//! hoso demo --out /tmp/demo.hoso-db
//! cargo run --release -p hoso-print --example render_bench -- /tmp/demo.hoso-db demo demo 20
//! ```
//!
//! Arguments: register, officer, passphrase, number of cases (the newest). Each case is rendered
//! once to warm up, then timed; nothing is audited (`render_case`).

use std::time::Instant;

use hoso_core::register::Register;
use hoso_core::search::CaseFilter;
use hoso_core::store::Store;
use hoso_print::{PrintOptions, render_case};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, login, pass) = (&args[1], &args[2], &args[3]);
    let n: usize = args.get(4).map(|s| s.parse().unwrap()).unwrap_or(20);
    let store = Store::open(path, login, pass).expect("open the register");
    let mut reg = Register::session(store, login).expect("session");
    let cases: Vec<String> = reg
        .list_cases(&CaseFilter::default())
        .expect("cases")
        .into_iter()
        .take(n)
        .map(|c| c.number)
        .collect();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 29);
    for case_file in [false, true] {
        let opts = PrintOptions {
            case_file,
            date,
            ..PrintOptions::default()
        };
        let first = Instant::now();
        render_case(&mut reg, &cases[0], &opts).expect("render");
        let cold = first.elapsed();
        let mut times = Vec::new();
        let mut pages = 0;
        for c in &cases {
            let t = Instant::now();
            let p = render_case(&mut reg, c, &opts).expect("render");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            pages += p.pages;
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "{}: first render {:.1} ms; {} cases ({} pages): mean {:.1} ms, median {:.1} ms, max {:.1} ms",
            if case_file { "case file" } else { "summary" },
            cold.as_secs_f64() * 1000.0,
            times.len(),
            pages,
            mean,
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}
