// placeholder until the Rust test generates it
