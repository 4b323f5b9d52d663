//! Benchmark data shared by the criterion benches (benches/rotor_bench.rs), the generator
//! (benches/gen/bench_data.rs) and, through the files it writes, the peers (benches/peers/).
//!
//! Deterministic: the same bytes of data for the same constants, whatever the machine (a fixed
//! SplitMix64 stream of rotor-rng, Box-Muller normals, no thread-dependent order).
//!
//! - `single/BENCH.parquet`: 1 symbol x 1,000,000 one-minute bars (390 a session, weekdays,
//!   14:31..21:00 UTC, from 2010-01-04; ~10 years). Daily bars that many would pass year 2262,
//!   the end of i64 nanoseconds. rotor infers 252 x 390 periods a year from the spacing.
//! - `panel/S000.parquet .. S099.parquet`: 100 symbols x 5,000 daily bars (weekdays from
//!   2006-01-02, date32), all on the same dates.
//!
//! Columns: `timestamp` (timestamp[ns, UTC]) or `date` (date32), then `open`, `high`, `low`,
//! `close`, `volume`, all float64. Snappy, 131,072-row row groups (8 in the 1M-bar file), no
//! dictionary for the price columns (random floats never dictionary-encode well).

#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, RecordBatch, TimestampNanosecondArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;
use rotor_rng::SplitMix64;

/// Bars in the single-symbol file.
pub const SINGLE_BARS: usize = 1_000_000;
/// Symbols in the panel.
pub const PANEL_SYMBOLS: usize = 100;
/// Bars per panel symbol.
pub const PANEL_BARS: usize = 5_000;
/// Rows per Parquet row group.
pub const ROW_GROUP: usize = 131_072;
/// Bumped whenever the generated data changes (the marker file records it).
pub const DATA_VERSION: u32 = 1;

const NS_PER_SEC: i64 = 1_000_000_000;
const NS_PER_DAY: i64 = 86_400 * NS_PER_SEC;
/// 2010-01-04 (a Monday), days since 1970-01-01.
const SINGLE_START_DAY: i64 = 14_613;
/// 2006-01-02 (a Monday), days since 1970-01-01.
const PANEL_START_DAY: i64 = 13_150;

/// Where the data goes by default: `<workspace>/target/bench-data`.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// The single-symbol file under `dir`.
pub fn single_path(dir: &Path) -> PathBuf {
    dir.join("single/BENCH.parquet")
}

/// The panel folder under `dir`.
pub fn panel_dir(dir: &Path) -> PathBuf {
    dir.join("panel")
}

/// Panel symbol names, in order.
pub fn panel_symbols() -> Vec<String> {
    (0..PANEL_SYMBOLS).map(|k| format!("S{k:03}")).collect()
}

/// Uniform in (0, 1) (the midpoint of each of the 2^53 steps, so never 0: safe for `ln`).
fn uniform(rng: &mut SplitMix64) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Standard normal (Box-Muller, one value per call).
fn normal(rng: &mut SplitMix64) -> f64 {
    let (u, v) = (uniform(rng), uniform(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// OHLCV columns of a geometric random walk with a small drift.
pub struct Ohlcv {
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

fn walk(seed: u64, n: usize, start: f64, drift: f64, sigma: f64) -> Ohlcv {
    let mut rng = SplitMix64::new(seed);
    let mut out = Ohlcv {
        open: Vec::with_capacity(n),
        high: Vec::with_capacity(n),
        low: Vec::with_capacity(n),
        close: Vec::with_capacity(n),
        volume: Vec::with_capacity(n),
    };
    let mut prev = start;
    for _ in 0..n {
        let o = prev * (0.2 * sigma * normal(&mut rng)).exp();
        let c = o * (drift + sigma * normal(&mut rng)).exp();
        let h = o.max(c) * (1.0 + 0.5 * sigma * uniform(&mut rng));
        let l = o.min(c) * (1.0 - 0.5 * sigma * uniform(&mut rng));
        let v = (1_000_000.0 * (1.0 + uniform(&mut rng))).round();
        out.open.push(o);
        out.high.push(h);
        out.low.push(l);
        out.close.push(c);
        out.volume.push(v);
        prev = c;
    }
    out
}

/// Weekdays from `start_day` (a Monday), `n` of them, as days since 1970.
fn weekdays(start_day: i64, n: usize) -> impl Iterator<Item = i64> {
    (start_day..)
        .filter(move |d| (d - start_day).rem_euclid(7) < 5)
        .take(n)
}

/// One-minute bar close instants: 390 a weekday, closing 14:31 .. 21:00 UTC.
pub fn minute_timestamps(n: usize) -> Vec<i64> {
    let sessions = n.div_ceil(390);
    let first_close = (14 * 3600 + 31 * 60) * NS_PER_SEC;
    weekdays(SINGLE_START_DAY, sessions)
        .flat_map(|d| (0..390).map(move |m| d * NS_PER_DAY + first_close + m * 60 * NS_PER_SEC))
        .take(n)
        .collect()
}

/// The single symbol's bars.
pub fn single_bars() -> (Vec<i64>, Ohlcv) {
    (
        minute_timestamps(SINGLE_BARS),
        walk(2026_0007, SINGLE_BARS, 100.0, 0.0, 0.0008),
    )
}

/// Panel symbol `k`'s bars (dates as days since 1970).
pub fn panel_bars(k: usize) -> (Vec<i32>, Ohlcv) {
    let dates = weekdays(PANEL_START_DAY, PANEL_BARS)
        .map(|d| d as i32)
        .collect();
    // Drifts from -5% to +15% a year, vols 15% to 45%: momentum has something to rank.
    let u = k as f64 / (PANEL_SYMBOLS - 1) as f64;
    let drift = (-0.05 + 0.20 * ((k * 37) % PANEL_SYMBOLS) as f64 / 99.0) / 252.0;
    let sigma = (0.15 + 0.30 * u) / 252f64.sqrt();
    let start = 20.0 + 2.0 * k as f64;
    (
        dates,
        walk(7_000 + k as u64, PANEL_BARS, start, drift, sigma),
    )
}

fn write_file(path: &Path, time: (&str, ArrayRef), bars: Ohlcv) -> Result<(), String> {
    let f = |v: Vec<f64>| -> ArrayRef { Arc::new(Float64Array::from(v)) };
    let batch = RecordBatch::try_from_iter(vec![
        time,
        ("open", f(bars.open)),
        ("high", f(bars.high)),
        ("low", f(bars.low)),
        ("close", f(bars.close)),
        ("volume", f(bars.volume)),
    ])
    .map_err(|e| e.to_string())?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_dictionary_enabled(false)
        .build();
    let tmp = path.with_extension("parquet.tmp");
    let file = File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let mut w =
        ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(|e| e.to_string())?;
    w.write(&batch).map_err(|e| e.to_string())?;
    w.close().map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn marker(dir: &Path) -> PathBuf {
    dir.join(".bench-data-version")
}

/// True when `dir` holds complete data of this [`DATA_VERSION`].
pub fn is_ready(dir: &Path) -> bool {
    std::fs::read_to_string(marker(dir)).is_ok_and(|s| s.trim() == DATA_VERSION.to_string())
}

/// Writes all benchmark files under `dir` (unless already there and `force` is false).
pub fn generate(dir: &Path, force: bool) -> Result<(), String> {
    if is_ready(dir) && !force {
        return Ok(());
    }
    let _ = std::fs::remove_file(marker(dir));
    std::fs::create_dir_all(dir.join("single")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(panel_dir(dir)).map_err(|e| e.to_string())?;
    let (ts, bars) = single_bars();
    let ts: ArrayRef = Arc::new(TimestampNanosecondArray::from(ts).with_timezone("UTC"));
    write_file(&single_path(dir), ("timestamp", ts), bars)?;
    for (k, sym) in panel_symbols().iter().enumerate() {
        let (dates, bars) = panel_bars(k);
        let d: ArrayRef = Arc::new(Date32Array::from(dates));
        write_file(
            &panel_dir(dir).join(format!("{sym}.parquet")),
            ("date", d),
            bars,
        )?;
    }
    std::fs::write(marker(dir), DATA_VERSION.to_string()).map_err(|e| e.to_string())
}

/// The bench data directory: `$ROTOR_BENCH_DATA` or [`default_dir`], generated if missing.
pub fn ensure() -> PathBuf {
    let dir = std::env::var_os("ROTOR_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(default_dir);
    if let Err(e) = generate(&dir, false) {
        panic!("cannot write benchmark data to {}: {e}", dir.display());
    }
    dir
}

/// The SMA grid of the sweep benchmark: fast 5..=50 step 5 x slow 20..=200 step 20, fast < slow
/// (90 pairs).
pub fn sma_grid() -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for fast in (5..=50).step_by(5) {
        for slow in (20..=200).step_by(20) {
            if fast < slow {
                out.push((fast, slow));
            }
        }
    }
    out
}

/// The floor rotor's loader is compared with: the same six columns of the same file decoded to
/// Arrow, one rayon task per row group, nothing else (no validation, no Market). Returns rows.
pub fn bare_arrow_read(path: &Path) -> usize {
    let open = || {
        let f = File::open(path).expect("bench file");
        ParquetRecordBatchReaderBuilder::try_new(f).expect("a Parquet file")
    };
    let groups = open().metadata().num_row_groups();
    (0..groups)
        .into_par_iter()
        .map(|g| {
            let b = open();
            let mask = ProjectionMask::roots(b.parquet_schema(), 0..6);
            b.with_row_groups(vec![g])
                .with_projection(mask)
                .with_batch_size(65_536)
                .build()
                .expect("reader")
                .map(|r| r.expect("batch").num_rows())
                .sum::<usize>()
        })
        .sum()
}
