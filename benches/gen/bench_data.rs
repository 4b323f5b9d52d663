//! Writes the benchmark data (see benches/common/mod.rs for what and why).
//!
//! `cargo run --release --example bench_data -- [--out DIR] [--force]`
//! (default DIR: target/bench-data; existing data of the same version is kept unless --force).

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut out = common::default_dir();
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => match args.next() {
                Some(d) => out = PathBuf::from(d),
                None => {
                    eprintln!("error: --out needs a directory");
                    return ExitCode::from(2);
                }
            },
            "--force" => force = true,
            "-h" | "--help" => {
                println!("usage: bench_data [--out DIR] [--force]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!(
                    "error: unknown argument {other} (usage: bench_data [--out DIR] [--force])"
                );
                return ExitCode::from(2);
            }
        }
    }
    let t = std::time::Instant::now();
    match common::generate(&out, force) {
        Ok(()) => {
            println!(
                "bench data in {} ({} x {} bars, {} x {} bars) in {:.1?}",
                out.display(),
                1,
                common::SINGLE_BARS,
                common::PANEL_SYMBOLS,
                common::PANEL_BARS,
                t.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
