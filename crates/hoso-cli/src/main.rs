//! `hoso`: the HoSo register from the command line.
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "hoso",
    version,
    about = "HoSo: the register of Party inspection, supervision and discipline cases"
)]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}
