//! Parquet bars: arbitrary bytes as one `.parquet` file, loaded with and without a date range
//! and symbol filter (which take different paths: row-group skipping by statistics, the
//! unknown-symbol rescan), and inspected. Any panic that escapes is a finding; an `Err` is the
//! expected answer to garbage.
#![no_main]

mod common;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use rotor_data::load::{load_market, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let path = common::write("AAA.parquet", data);
    let _ = load_market(&path, None, &LoadOptions::default());
    let ranged = LoadOptions {
        start: NaiveDate::from_ymd_opt(2024, 1, 3),
        end: NaiveDate::from_ymd_opt(2024, 1, 20),
        symbols: Some(vec!["AAA".into(), "BBB".into()]),
    };
    let _ = load_market(&path, None, &ranged);
    let _ = rotor_data::inspect::inspect(&path);
});
