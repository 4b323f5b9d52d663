//! Well-formed bar files built from the input, so that the loader's decode paths (not its
//! footer checks) are what gets fuzzed, with an exact check of what comes back:
//! - a file with a symbol column (symbols A-D as plain or dictionary strings, rows in time
//!   order or grouped by symbol): the one-pass symbol-column fast path;
//! - or a folder of per-symbol files `A.parquet` .. `D.parquet` (no symbol column): the
//!   per-symbol fast path;
//! - float64 prices take the fast paths; float32 prices (exact for the values written) make the
//!   loader read row by row, so both decoders see the same bars.
//!
//! Stamps are date32 days that never go back; prices are valid OHLC; volumes float64 or int64;
//! row groups hold 1 to 8 rows. The load fails only when a (symbol, date) repeats (the error
//! says "duplicate"), and otherwise gives back, per symbol and in date order, exactly the rows
//! written.
#![no_main]

mod common;

use std::path::Path;
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, Date32Array, DictionaryArray, Float32Array, Float64Array, Int64Array, RecordBatch,
    StringArray,
};
use libfuzzer_sys::fuzz_target;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use rotor_data::load::{load_market, LoadOptions};

const SYMBOLS: [&str; 4] = ["A", "B", "C", "D"];

/// Day 0 of date32.
const EPOCH: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");

/// One row: symbol index, day, open, high, low, close, volume.
#[derive(Debug, Clone, Copy)]
struct Row {
    sym: usize,
    day: i32,
    ohlc: [f64; 4],
    volume: i64,
}

/// The files' shape, from the first byte.
struct Shape {
    dictionary: bool,
    by_symbol: bool,
    int_volume: bool,
    per_symbol_files: bool,
    f32_prices: bool,
    group_rows: usize,
}

fn rows_of(data: &[u8]) -> (Shape, Vec<Row>) {
    let flags = data.first().copied().unwrap_or(0);
    let shape = Shape {
        dictionary: flags & 1 != 0,
        by_symbol: flags & 2 != 0,
        int_volume: flags & 4 != 0,
        per_symbol_files: flags & 8 != 0,
        f32_prices: flags & 16 != 0,
        group_rows: usize::from(flags >> 5) + 1,
    };
    let mut day = 19_723; // 2024-01-01
    let rows = data
        .get(1..)
        .unwrap_or(&[])
        .chunks_exact(4)
        .map(|b| {
            day += i32::from(b[0] >> 6);
            let open = 10.0 + f64::from(b[1]);
            let close = 10.0 + f64::from(b[2]);
            let spread = f64::from(b[3] & 7) * 0.25;
            Row {
                sym: usize::from(b[0] & 3),
                day,
                ohlc: [
                    open,
                    open.max(close) + spread,
                    open.min(close) - spread,
                    close,
                ],
                volume: i64::from(b[3] >> 3) * 100,
            }
        })
        .collect();
    (shape, rows)
}

/// Writes `rows` to `path`, with a symbol column unless the shape is per-symbol files.
fn write(path: &Path, shape: &Shape, rows: &[Row]) {
    let mut cols: Vec<(&str, ArrayRef)> = Vec::new();
    if !shape.per_symbol_files {
        let names: Vec<&str> = rows.iter().map(|r| SYMBOLS[r.sym]).collect();
        let symbol: ArrayRef = if shape.dictionary {
            Arc::new(names.into_iter().collect::<DictionaryArray<Int32Type>>())
        } else {
            Arc::new(StringArray::from(names))
        };
        cols.push(("symbol", symbol));
    }
    let day = Date32Array::from_iter_values(rows.iter().map(|r| r.day));
    cols.push(("date", Arc::new(day)));
    for (k, name) in ["open", "high", "low", "close"].into_iter().enumerate() {
        let values = rows.iter().map(|r| r.ohlc[k]);
        let col: ArrayRef = if shape.f32_prices {
            Arc::new(Float32Array::from_iter_values(values.map(|v| v as f32)))
        } else {
            Arc::new(Float64Array::from_iter_values(values))
        };
        cols.push((name, col));
    }
    let volume: ArrayRef = if shape.int_volume {
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.volume)))
    } else {
        Arc::new(Float64Array::from_iter_values(
            rows.iter().map(|r| r.volume as f64),
        ))
    };
    cols.push(("volume", volume));
    let batch = RecordBatch::try_from_iter(cols).expect("batch");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(shape.group_rows))
        .build();
    let file = std::fs::File::create(path).expect("create");
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

fuzz_target!(|data: &[u8]| {
    let (shape, mut rows) = rows_of(data);
    if rows.is_empty() {
        return;
    }
    if shape.by_symbol {
        rows.sort_by_key(|r| r.sym); // stable: dates stay in order within a symbol
    }
    let mut per_symbol: Vec<Vec<Row>> = vec![Vec::new(); SYMBOLS.len()];
    for r in &rows {
        per_symbol[r.sym].push(*r);
    }
    let path = if shape.per_symbol_files {
        let dir = common::empty_dir("bars");
        for (sym, mine) in SYMBOLS.iter().zip(&per_symbol) {
            if !mine.is_empty() {
                write(&dir.join(format!("{sym}.parquet")), &shape, mine);
            }
        }
        dir
    } else {
        let path = common::scratch().join("panel.parquet");
        write(&path, &shape, &rows);
        path
    };
    let loaded = load_market(&path, None, &LoadOptions::default());

    let duplicate = per_symbol
        .iter()
        .any(|v| v.windows(2).any(|w| w[0].day == w[1].day));
    let market = match (loaded, duplicate) {
        (Err(e), true) => {
            assert!(e.to_string().contains("duplicate"), "{e}");
            return;
        }
        (Ok(_), true) => panic!("a repeated (symbol, date) was accepted"),
        (Err(e), false) => panic!("a valid file was refused: {e}"),
        (Ok(l), false) => l.market,
    };
    let present = per_symbol.iter().filter(|v| !v.is_empty()).count();
    assert_eq!(market.n_symbols(), present);
    for (name, want) in SYMBOLS.iter().zip(&per_symbol) {
        let Some(s) = market.symbol_index(name) else {
            assert!(want.is_empty(), "symbol {name} is missing");
            continue;
        };
        let cols = [
            market.open(s),
            market.high(s),
            market.low(s),
            market.close(s),
        ];
        let at: Vec<usize> = (0..market.n_bars())
            .filter(|&t| cols[3][t].is_finite())
            .collect();
        assert_eq!(at.len(), want.len(), "bars of {name}");
        for (&t, r) in at.iter().zip(want) {
            let date = rotor_data::time::ns_to_date(market.timestamps()[t]);
            assert_eq!(
                date,
                EPOCH + chrono::Days::new(r.day as u64),
                "{name} bar {t} date"
            );
            for k in 0..4 {
                assert_eq!(cols[k][t], r.ohlc[k], "{name} bar {t} column {k}");
            }
            assert_eq!(
                market.volume(s)[t],
                r.volume as f64,
                "{name} bar {t} volume"
            );
        }
    }
});
