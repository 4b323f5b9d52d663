//! Load-only timing: reads a bars path into a `Market` with `rotor_data::load::load_market`
//! (every column, no events) and prints the wall time of the load and the market's size.
//! Run under `/usr/bin/time -v` for CPU time and peak RSS (benches/README.md, "Scale").
//!
//! ```sh
//! cargo run --release -p rotor-data --example load_time -- BARS_PATH
//! ```
#![allow(unused_crate_dependencies)]

use std::path::PathBuf;
use std::time::Instant;

use rotor_data::load::{load_market, LoadOptions};

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: load_time BARS_PATH");
        std::process::exit(2);
    };
    let t0 = Instant::now();
    match load_market(&path, None, &LoadOptions::default()) {
        Ok(loaded) => {
            let m = &loaded.market;
            println!(
                "loaded {} symbols x {} bars in {:.3} s",
                m.symbols().len(),
                m.timestamps().len(),
                t0.elapsed().as_secs_f64()
            );
            // Skip the market's drop: only the load is timed.
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
