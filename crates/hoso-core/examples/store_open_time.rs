//! Measures unlocking a register with the recommended KDF parameters (helper A):
//! `cargo run -p hoso-core --example store_open_time`.
use std::time::Instant;

use hoso_core::Store;
use hoso_crypto::KdfParams;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("register.hoso-db");
    let t = Instant::now();
    let (store, _recovery) =
        Store::create(&path, "demo", "demo passphrase", &KdfParams::recommended()).expect("create");
    println!(
        "Store::create: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    drop(store);
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(&path, "demo", "demo passphrase").expect("open");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(store);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "Store::open: median {:.0} ms (min {:.0}, max {:.0})",
        times[2], times[0], times[4]
    );
}
