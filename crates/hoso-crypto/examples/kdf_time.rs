//! Measures what unlocking costs with `KdfParams::recommended()`:
//! `cargo run -p hoso-crypto --example kdf_time` (argon2 is optimised even in dev builds).
use std::time::Instant;

use hoso_crypto::{DataKey, KdfParams, KeySlot};

fn main() {
    let params = KdfParams::recommended();
    let key = DataKey::generate().expect("randomness");
    let slot = KeySlot::seal("demo", "a passphrase", &key, &params).expect("seal");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        slot.open("a passphrase").expect("open");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{params:?}: median {:.0} ms, min {:.0} ms, max {:.0} ms",
        times[2], times[0], times[4]
    );
}
