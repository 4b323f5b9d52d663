//! CSV import: arbitrary bytes as a Yahoo/Stooq-style daily CSV. Besides "no panic", one
//! property: whatever the importer accepts and writes, the Parquet loader must load back.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use rotor_data::csv_import::import_csv;
use rotor_data::load::{load_bars, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let file = common::write("SPY.csv", data);
    let out = common::empty_dir("out");
    if let Ok(summary) = import_csv(&file, &out) {
        if let Err(e) = load_bars(&summary.output, &LoadOptions::default()) {
            panic!("imported file does not load back: {e}");
        }
    }
});
