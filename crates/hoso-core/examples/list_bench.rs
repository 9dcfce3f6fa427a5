//! The case list as the app pages it, and search top-50, on a large register: p50 and p95 per
//! query, written as a Markdown table for docs/BENCHMARKS.md.
//!
//! `cargo run --release -p hoso-core --example list_bench -- REGISTER [RUNS]` on a register made by
//! `hoso demo --cases 100000 --subjects 20000 --out REGISTER` (officer demo, passphrase demo).

use std::time::{Duration, Instant};

use hoso_core::model::{CaseKind, CaseStatus};
use hoso_core::register::Register;
use hoso_core::search::{CaseFilter, CaseSort};
use hoso_core::store::Store;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: list_bench REGISTER [RUNS]");
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(200);
    let opened = Instant::now();
    let reg = Register::session(Store::open(&path, "demo", "demo")?, "demo")?;
    let unlock = opened.elapsed();
    let total = reg.case_page(&CaseFilter::default())?.total;

    let page = |f: CaseFilter| CaseFilter {
        limit: Some(50),
        ..f
    };
    let queries: Vec<(&str, CaseFilter)> = vec![
        (
            "list: first page, newest first",
            page(CaseFilter::default()),
        ),
        (
            "list: kind filter, sorted by deadline",
            page(CaseFilter {
                kind: Some(CaseKind::InspectionOnSigns),
                sort: Some(CaseSort::Deadline),
                ..CaseFilter::default()
            }),
        ),
        (
            "list: status filter, page 100, by number",
            page(CaseFilter {
                status: Some(CaseStatus::Preparing),
                sort: Some(CaseSort::Number),
                offset: Some(50 * 99),
                ..CaseFilter::default()
            }),
        ),
        (
            "list: overdue, sorted by deadline",
            page(CaseFilter {
                overdue: true,
                sort: Some(CaseSort::Deadline),
                ..CaseFilter::default()
            }),
        ),
        (
            "search: common word (\"kiểm tra\")",
            page(CaseFilter {
                search: Some("kiểm tra".into()),
                ..CaseFilter::default()
            }),
        ),
        (
            "search: rare word (\"karaoke\")",
            page(CaseFilter {
                search: Some("karaoke".into()),
                ..CaseFilter::default()
            }),
        ),
        (
            "search: two words (\"đảng ủy công an\")",
            page(CaseFilter {
                search: Some("đảng ủy công an".into()),
                ..CaseFilter::default()
            }),
        ),
        (
            "search: no diacritics (\"dang uy\")",
            page(CaseFilter {
                search: Some("dang uy".into()),
                ..CaseFilter::default()
            }),
        ),
    ];

    println!("register: {path}: {total} cases; open and unlock {unlock:.2?}; {runs} runs each");
    println!();
    println!("| query (50-row page with its total) | rows | total | p50 ms | p95 ms |");
    println!("|---|---|---|---|---|");
    for (name, filter) in &queries {
        let first = reg.case_page(filter)?; // warm the page cache as an officer's second look
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let page = reg.case_page(filter)?;
            times.push(t.elapsed());
            std::hint::black_box(page);
        }
        times.sort();
        println!(
            "| {name} | {} | {} | {:.1} | {:.1} |",
            first.rows.len(),
            first.total,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
    Ok(())
}
