//! The national register generator (`hoso demo`) without the CLI: the same
//! `hoso_demo::create_demo` with the shipped key-derivation parameters, timed, for
//! docs/BENCHMARKS.md. Building it needs only the generator and the core (the CLI pulls in the
//! typst printer).
//!
//! `cargo run --release -p hoso-demo --example demo_bench -- OUT CASES [SUBJECTS] [SEED]`
//! (default subjects: CASES / 5, at least 300). Run it under `/usr/bin/time -v` for the CPU
//! time and peak RSS; it prints the wall time and the time per case.

use std::time::Instant;

use hoso_crypto::KdfParams;
use hoso_demo::DemoOptions;

/// The allocator `hoso` itself uses (crates/hoso-cli/src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: demo_bench OUT CASES [SUBJECTS] [SEED]");
    let cases: usize = args.next().map(|c| c.parse()).transpose()?.unwrap_or(2000);
    let subjects: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or((cases / 5).max(300));
    let seed: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(DemoOptions::default().seed);
    let started = Instant::now();
    let (_reg, _recovery, summary) = hoso_demo::create_demo(
        std::path::Path::new(&out),
        &DemoOptions {
            seed,
            subjects,
            cases,
        },
        &KdfParams::recommended(),
    )?;
    let wall = started.elapsed().as_secs_f64();
    println!(
        "demo_bench: {} cases, {} subjects, {} decisions in {:.1} s wall ({:.2} ms per case)",
        summary.cases,
        summary.subjects,
        summary.decisions,
        wall,
        wall * 1000.0 / summary.cases.max(1) as f64
    );
    Ok(())
}
