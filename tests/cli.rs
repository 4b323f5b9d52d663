//! End-to-end tests of the `rotor` binary: real files, real processes. Small Parquet inputs are
//! written by the tests themselves in every supported layout and type; bad inputs must give exit
//! code 2 and exactly one `error:` line naming the file, never a panic.

mod catalogue;
mod clock;
mod custom_strategy;
mod events;
mod formula;
mod latency;
mod library;
mod memory;
mod reliability;
mod shard;
mod stats;
mod strategies;
mod sweep;
mod trust;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Date32Array, Date64Array, Float32Array, Float64Array, Int64Array, RecordBatch,
    StringArray, TimestampMillisecondArray, TimestampNanosecondArray,
};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

fn rotor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    rotor().args(args).output().expect("spawn rotor")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit 2, one `error:` line that names `needle` (usually the file) and `also`, no panic.
fn assert_bad_input(o: &Output, needle: &str, also: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2, stderr: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {err}");
    assert!(
        lines[0].contains(needle),
        "error should name `{needle}`: {err}"
    );
    assert!(
        lines[0].contains(also),
        "error should mention `{also}`: {err}"
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.contains("RUST_BACKTRACE"), "backtrace hint: {err}");
}

fn write_parquet(path: &Path, cols: Vec<(&str, ArrayRef)>) {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect())
        .expect("batch");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(7))
        .build();
    let mut w = ArrowWriter::try_new(File::create(path).expect("create"), schema, Some(props))
        .expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

/// 40 weekday-ish sessions (consecutive days are fine for tests) starting 2024-01-01.
const N: usize = 40;

fn days() -> Vec<i32> {
    // 2024-01-01 is day 19723 since the epoch.
    (0..N as i32).map(|i| 19723 + i).collect()
}

/// A deterministic, valid OHLCV path for symbol number `k`.
/// open, high, low, close, volume.
type Ohlcv = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

fn ohlcv(k: usize) -> Ohlcv {
    let mut o = Vec::new();
    let mut h = Vec::new();
    let mut l = Vec::new();
    let mut c = Vec::new();
    let mut v = Vec::new();
    let mut px = 100.0 + 10.0 * k as f64;
    for i in 0..N {
        let step = ((i * 7 + k * 3) % 11) as f64 - 4.6;
        let open = px;
        let close = (px + step).max(1.0);
        o.push(open);
        c.push(close);
        h.push(open.max(close) + 1.0);
        l.push(open.min(close) - 1.0);
        v.push(1000.0 + i as f64);
        px = close;
    }
    (o, h, l, c, v)
}

fn f64s(v: Vec<f64>) -> ArrayRef {
    Arc::new(Float64Array::from(v))
}

fn standard_cols(k: usize, with_symbol: Option<&str>) -> Vec<(&'static str, ArrayRef)> {
    let (o, h, l, c, v) = ohlcv(k);
    let mut cols: Vec<(&'static str, ArrayRef)> = Vec::new();
    if let Some(s) = with_symbol {
        cols.push(("symbol", Arc::new(StringArray::from(vec![s; N]))));
    }
    cols.push(("timestamp", Arc::new(Date32Array::from(days()))));
    cols.push(("open", f64s(o)));
    cols.push(("high", f64s(h)));
    cols.push(("low", f64s(l)));
    cols.push(("close", f64s(c)));
    cols.push(("volume", f64s(v)));
    cols
}

fn write_config(dir: &Path, bars: &str, extra_strategy: &str) -> PathBuf {
    let cfg = dir.join("bh.toml");
    std::fs::write(
        &cfg,
        format!(
            "name = \"t\"\n[data]\nbars = \"{bars}\"\n[portfolio]\ncash = 100000\n[strategy]\nkind = \"buy_and_hold\"\n{extra_strategy}\n"
        ),
    )
    .expect("write config");
    cfg
}

fn bh_config(dir: &Path, bars: &str) -> PathBuf {
    write_config(dir, bars, "symbols = [\"AAA\", \"BBB\"]")
}

fn total_return(o: &Output) -> f64 {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json stdout");
    v["total_return"].as_f64().expect("total_return")
}

fn run_json(cfg: &Path) -> Output {
    run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"])
}

// ---------------------------------------------------------------- shipped data

#[test]
fn quick_start_prints_a_report_on_shipped_data() {
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let o = run(&["run", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("smallcap-vs-tech"), "{out}");
    assert!(out.to_lowercase().contains("sharpe"), "{out}");
}

#[test]
fn out_dir_gets_every_output_with_one_equity_row_per_session() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "report.txt",
        "stats.json",
        "equity.parquet",
        "fills.parquet",
        "trades.parquet",
        "config.toml",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stats.json")).unwrap()).unwrap();
    for key in [
        "total_return",
        "cagr",
        "annual_volatility",
        "sharpe",
        "sortino",
        "max_drawdown",
        "calmar",
        "trades",
    ] {
        assert!(stats.get(key).is_some(), "stats.json lacks {key}");
    }
    // One equity row per session of the bars in the configured range.
    let rows = parquet_rows(&out.join("equity.parquet"));
    let sessions = sessions_in_range(
        &root().join("data/bars/SPY.parquet"),
        "2012-01-01",
        "2026-01-09",
    );
    assert_eq!(rows, sessions);
    assert!(parquet_rows(&out.join("fills.parquet")) > 10);
    // The resolved config re-runs to the same numbers.
    let again = run(&[
        "run",
        out.join("config.toml").to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(v["total_return"], stats["total_return"]);
    // Re-running into the same folder is allowed (it is an earlier rotor output).
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn parquet_rows(path: &Path) -> usize {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let r = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
    r.metadata().file_metadata().num_rows() as usize
}

fn sessions_in_range(path: &Path, start: &str, end: &str) -> usize {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let s = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
    let e = chrono::NaiveDate::parse_from_str(end, "%Y-%m-%d").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let (s, e) = ((s - epoch).num_days() as i32, (e - epoch).num_days() as i32);
    let mut n = 0;
    for batch in b.build().unwrap() {
        let batch = batch.unwrap();
        let col = batch.column_by_name("timestamp").unwrap();
        let d = col
            .as_any()
            .downcast_ref::<Date32Array>()
            .expect("date32 timestamps");
        n += d.values().iter().filter(|&&x| x >= s && x <= e).count();
    }
    n
}

#[test]
fn set_overrides_a_key_and_lands_in_the_resolved_config() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let base = run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"]);
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--set",
        "strategy.lookback=120",
        "--set",
        "strategy.rebalance=monthly",
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(total_return(&base), total_return(&o));
    let resolved = std::fs::read_to_string(out.join("config.toml")).unwrap();
    assert!(resolved.contains("lookback = 120"), "{resolved}");
    assert!(resolved.contains("rebalance = \"monthly\""), "{resolved}");
}

#[test]
fn markdown_and_json_formats() {
    let cfg = root().join("strategies/buy_and_hold_spy.toml");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--format",
        "markdown",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains('|'));
    let o = run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"]);
    assert!(total_return(&o) > 0.0);
}

#[test]
fn same_input_same_output() {
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let a = run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"]);
    let b = run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn refuses_a_foreign_non_empty_out_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("precious.txt"), "keep me").unwrap();
    let cfg = root().join("strategies/buy_and_hold_spy.toml");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert_bad_input(&o, tmp.path().to_str().unwrap(), "--force");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("precious.txt")).unwrap(),
        "keep me"
    );
    assert!(!tmp.path().join("stats.json").exists());
}

#[test]
fn synth_regenerates_the_shipped_data_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[
        "data",
        "synth",
        "--seed",
        "2026",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shipped = root().join("data");
    let mut n = 0;
    for entry in std::fs::read_dir(shipped.join("bars")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap();
        let fresh = std::fs::read(tmp.path().join("bars").join(name)).unwrap();
        assert!(
            fresh == std::fs::read(&p).unwrap(),
            "{} differs",
            p.display()
        );
        n += 1;
    }
    assert!(n >= 50, "only {n} symbol files");
    assert_eq!(
        std::fs::read(tmp.path().join("events.csv")).unwrap(),
        std::fs::read(shipped.join("events.csv")).unwrap()
    );
    // A second synth into the same folder refuses to overwrite without --force.
    let o = run(&["data", "synth", "--out", tmp.path().to_str().unwrap()]);
    assert_bad_input(&o, tmp.path().to_str().unwrap(), "--force");
}

#[test]
fn inspect_lists_symbols_and_range() {
    let o = run(&[
        "data",
        "inspect",
        root().join("data/bars").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("SPY") && out.contains("QQQ") && out.contains("2026-01-09"),
        "{out}"
    );
}

// ---------------------------------------------------------------- layouts and types

#[test]
fn every_layout_gives_the_same_backtest() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // (a) one file with a symbol column.
    let mut cols = standard_cols(0, Some("AAA"));
    let other = standard_cols(1, Some("BBB"));
    cols = cols
        .into_iter()
        .zip(other)
        .map(|((n, a), (_, b))| (n, arrow_select_concat(&a, &b)))
        .collect();
    write_parquet(&d.join("one.parquet"), cols);
    // (b) a folder of per-symbol files without a symbol column.
    std::fs::create_dir(d.join("dir")).unwrap();
    write_parquet(&d.join("dir/AAA.parquet"), standard_cols(0, None));
    write_parquet(&d.join("dir/BBB.parquet"), standard_cols(1, None));
    // (c) hive folders.
    for (k, s) in [(0, "AAA"), (1, "BBB")] {
        let p = d.join(format!("hive/symbol={s}"));
        std::fs::create_dir_all(&p).unwrap();
        write_parquet(&p.join("part-0.parquet"), standard_cols(k, None));
    }
    let mut results = Vec::new();
    for bars in ["one.parquet", "dir", "hive"] {
        let sub = d.join(format!("cfg-{}", bars.replace('.', "_")));
        std::fs::create_dir(&sub).unwrap();
        let cfg = bh_config(&sub, &format!("../{bars}"));
        let o = run_json(&cfg);
        assert!(o.status.success(), "{bars}: {}", stderr(&o));
        results.push(total_return(&o));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
    assert!(results[0] != 0.0);
}

/// Concatenates two arrays of the same type (tests only; avoids pulling arrow-select).
fn arrow_select_concat(a: &ArrayRef, b: &ArrayRef) -> ArrayRef {
    use arrow_array::Array;
    if let (Some(x), Some(y)) = (
        a.as_any().downcast_ref::<StringArray>(),
        b.as_any().downcast_ref::<StringArray>(),
    ) {
        return Arc::new(StringArray::from_iter(x.iter().chain(y.iter())));
    }
    if let (Some(x), Some(y)) = (
        a.as_any().downcast_ref::<Date32Array>(),
        b.as_any().downcast_ref::<Date32Array>(),
    ) {
        return Arc::new(Date32Array::from_iter(x.iter().chain(y.iter())));
    }
    let x = a.as_any().downcast_ref::<Float64Array>().unwrap();
    let y = b.as_any().downcast_ref::<Float64Array>().unwrap();
    assert_eq!(x.len() + y.len(), 2 * N);
    Arc::new(Float64Array::from_iter(x.iter().chain(y.iter())))
}

/// Writes AAA and BBB per-symbol files in `dir` with the given timestamp and price encodings.
fn write_variant(dir: &Path, ts: &dyn Fn() -> ArrayRef, price: &dyn Fn(Vec<f64>) -> ArrayRef) {
    std::fs::create_dir_all(dir).unwrap();
    for (k, s) in [(0, "AAA"), (1, "BBB")] {
        let (o, h, l, c, v) = ohlcv(k);
        write_parquet(
            &dir.join(format!("{s}.parquet")),
            vec![
                ("Date", ts()),
                ("Open", price(o)),
                ("HIGH", price(h)),
                ("low", price(l)),
                ("Close", price(c)),
                (
                    "Volume",
                    Arc::new(Int64Array::from(
                        v.iter().map(|x| *x as i64).collect::<Vec<_>>(),
                    )),
                ),
            ],
        );
    }
}

#[test]
fn timestamp_and_price_type_variants_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let ms: Vec<i64> = days().iter().map(|d| *d as i64 * 86_400_000).collect();
    let ns: Vec<i64> = ms.iter().map(|m| m * 1_000_000).collect();
    type MakeTs = Box<dyn Fn() -> ArrayRef>;
    let variants: Vec<(&str, MakeTs)> = vec![
        (
            "date32",
            Box::new(|| Arc::new(Date32Array::from(days())) as ArrayRef),
        ),
        (
            "date64",
            Box::new({
                let ms = ms.clone();
                move || Arc::new(Date64Array::from(ms.clone())) as ArrayRef
            }),
        ),
        (
            "ms_utc",
            Box::new({
                let ms = ms.clone();
                move || {
                    Arc::new(TimestampMillisecondArray::from(ms.clone()).with_timezone("UTC"))
                        as ArrayRef
                }
            }),
        ),
        (
            "ns_naive_midnight",
            Box::new({
                let ns = ns.clone();
                move || Arc::new(TimestampNanosecondArray::from(ns.clone())) as ArrayRef
            }),
        ),
    ];
    let mut results = Vec::new();
    for (name, ts) in &variants {
        let dir = tmp.path().join(name);
        write_variant(&dir, ts.as_ref(), &|v| {
            Arc::new(Float64Array::from(v)) as ArrayRef
        });
        let cfg = bh_config(&dir, ".");
        let o = run_json(&cfg);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        results.push(total_return(&o));
    }
    // float32 prices (exact for these half-integers) and integer prices (rounded path).
    let dir = tmp.path().join("f32");
    write_variant(&dir, &|| Arc::new(Date32Array::from(days())), &|v| {
        Arc::new(Float32Array::from(
            v.iter().map(|x| *x as f32).collect::<Vec<_>>(),
        )) as ArrayRef
    });
    let o = run_json(&bh_config(&dir, "."));
    assert!(o.status.success(), "f32: {}", stderr(&o));
    assert!((total_return(&o) - results[0]).abs() < 1e-6);
    let dir = tmp.path().join("int");
    write_variant(&dir, &|| Arc::new(Date32Array::from(days())), &|v| {
        Arc::new(Int64Array::from(
            v.iter().map(|x| x.round() as i64).collect::<Vec<_>>(),
        )) as ArrayRef
    });
    let o = run_json(&bh_config(&dir, "."));
    assert!(o.status.success(), "int: {}", stderr(&o));
    for r in &results {
        assert_eq!(*r, results[0]);
    }
}

#[test]
fn close_only_data_runs_with_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    for (k, s) in [(0, "AAA"), (1, "BBB")] {
        let (_, _, _, c, _) = ohlcv(k);
        write_parquet(
            &tmp.path().join(format!("{s}.parquet")),
            vec![
                ("date", Arc::new(Date32Array::from(days())) as ArrayRef),
                ("close", f64s(c)),
            ],
        );
    }
    let cfg = bh_config(tmp.path(), ".");
    let o = run(&["run", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let warnings = stderr(&o)
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .count();
    assert_eq!(warnings, 1, "{}", stderr(&o));
}

// ---------------------------------------------------------------- validation errors

/// Writes AAA (valid) and BBB with `mutate` applied to its columns, runs, expects bad input.
fn bad_bbb(mutate: impl Fn(&mut Vec<(&'static str, ArrayRef)>), also: &str) {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    let mut cols = standard_cols(1, None);
    mutate(&mut cols);
    write_parquet(&tmp.path().join("BBB.parquet"), cols);
    let cfg = bh_config(tmp.path(), ".");
    let o = run_json(&cfg);
    assert_bad_input(&o, "BBB.parquet", also);
}

fn set_f64(cols: &mut [(&'static str, ArrayRef)], name: &str, row: usize, value: f64) {
    let col = cols.iter_mut().find(|(n, _)| *n == name).unwrap();
    let mut v: Vec<f64> = col
        .1
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap()
        .values()
        .to_vec();
    v[row] = value;
    col.1 = f64s(v);
}

#[test]
fn error_missing_column() {
    bad_bbb(|c| c.retain(|(n, _)| *n != "high"), "high");
}

#[test]
fn error_unsupported_type() {
    bad_bbb(
        |c| {
            let col = c.iter_mut().find(|(n, _)| *n == "close").unwrap();
            col.1 = Arc::new(StringArray::from(vec!["1.0"; N]));
        },
        "close",
    );
}

#[test]
fn error_nan_price() {
    bad_bbb(|c| set_f64(c, "close", 5, f64::NAN), "close");
}

#[test]
fn error_infinite_price() {
    bad_bbb(|c| set_f64(c, "open", 5, f64::INFINITY), "open");
}

#[test]
fn error_non_positive_price() {
    bad_bbb(
        |c| {
            set_f64(c, "low", 3, 0.0);
        },
        "low",
    );
}

#[test]
fn error_high_below_low() {
    bad_bbb(|c| set_f64(c, "high", 4, 1.5), "high");
}

#[test]
fn error_open_outside_range() {
    bad_bbb(|c| set_f64(c, "open", 6, 10_000.0), "open");
}

#[test]
fn error_negative_volume() {
    bad_bbb(|c| set_f64(c, "volume", 2, -5.0), "volume");
}

#[test]
fn error_duplicate_bar() {
    bad_bbb(
        |c| {
            let col = c.iter_mut().find(|(n, _)| *n == "timestamp").unwrap();
            let mut d = days();
            d[9] = d[8];
            col.1 = Arc::new(Date32Array::from(d));
        },
        "duplicate",
    );
}

#[test]
fn error_empty_file() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    let empty: Vec<(&str, ArrayRef)> = standard_cols(1, None)
        .into_iter()
        .map(|(n, a)| (n, a.slice(0, 0)))
        .collect();
    write_parquet(&tmp.path().join("BBB.parquet"), empty);
    let o = run_json(&bh_config(tmp.path(), "."));
    assert_bad_input(&o, "BBB.parquet", "no data");
}

#[test]
fn error_corrupt_file() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    std::fs::write(
        tmp.path().join("BBB.parquet"),
        b"this is not parquet at all",
    )
    .unwrap();
    let o = run_json(&bh_config(tmp.path(), "."));
    assert_bad_input(&o, "BBB.parquet", "BBB");
}

#[test]
fn error_truncated_file() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    write_parquet(&tmp.path().join("BBB.parquet"), standard_cols(1, None));
    let bytes = std::fs::read(tmp.path().join("BBB.parquet")).unwrap();
    std::fs::write(tmp.path().join("BBB.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    let o = run_json(&bh_config(tmp.path(), "."));
    assert_bad_input(&o, "BBB.parquet", "BBB");
}

#[test]
fn error_unknown_symbol() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    let cfg = write_config(tmp.path(), ".", "symbols = [\"AAA\", \"ZZZ\"]");
    let o = run_json(&cfg);
    assert_bad_input(&o, tmp.path().to_str().unwrap(), "ZZZ");
}

#[test]
fn error_missing_bars_path() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = bh_config(tmp.path(), "nowhere");
    let o = run_json(&cfg);
    assert_bad_input(&o, "nowhere", "nowhere");
}

#[test]
fn error_date_range_without_data() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    write_parquet(&tmp.path().join("BBB.parquet"), standard_cols(1, None));
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        "name = \"t\"\n[data]\nbars = \".\"\nstart = \"2030-01-01\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    let o = run_json(&cfg);
    assert_bad_input(&o, tmp.path().to_str().unwrap(), "no data");
}

#[test]
fn error_config_unknown_key_with_did_you_mean() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        "name = \"t\"\n[data]\nbars = \".\"\n[strategy]\nkind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nlookbak = 5\n",
    )
    .unwrap();
    let o = run_json(&cfg);
    assert_bad_input(&o, "c.toml", "lookback");
}

#[test]
fn error_config_wrong_type_and_bad_values() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("[portfolio]\ncash = \"lots\"\n", "cash"),
        ("[portfolio]\ncash = -5\n", "cash"),
    ];
    for (i, (extra, also)) in cases.iter().enumerate() {
        let cfg = tmp.path().join(format!("c{i}.toml"));
        std::fs::write(
            &cfg,
            format!("name = \"t\"\n[data]\nbars = \".\"\n{extra}[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"A\"]\n"),
        )
        .unwrap();
        assert_bad_input(&run_json(&cfg), &format!("c{i}.toml"), also);
    }
    let cfg = tmp.path().join("sma.toml");
    std::fs::write(
        &cfg,
        "name = \"t\"\n[data]\nbars = \".\"\n[strategy]\nkind = \"sma_cross\"\nsymbol = \"A\"\nfast = 50\nslow = 20\n",
    )
    .unwrap();
    assert_bad_input(&run_json(&cfg), "sma.toml", "slow");
    let cfg = tmp.path().join("rot.toml");
    std::fs::write(
        &cfg,
        "name = \"t\"\n[data]\nbars = \".\"\n[strategy]\nkind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nlookback = 0\n",
    )
    .unwrap();
    assert_bad_input(&run_json(&cfg), "rot.toml", "lookback");
}

#[test]
fn error_missing_config_file() {
    let o = run(&["run", "/definitely/not/here.toml"]);
    assert_bad_input(&o, "/definitely/not/here.toml", "cannot read");
}

#[test]
fn error_bad_set_override() {
    let cfg = root().join("strategies/buy_and_hold_spy.toml");
    let o = run(&["run", cfg.to_str().unwrap(), "--set", "strategy.nonsense=3"]);
    assert_bad_input(&o, "buy_and_hold_spy.toml", "nonsense");
}

#[test]
fn error_event_sentiment_out_of_range() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    write_parquet(&tmp.path().join("BBB.parquet"), standard_cols(1, None));
    std::fs::write(
        tmp.path().join("ev.csv"),
        "timestamp,headline,tags,sentiment\n2024-01-05,Fine,fed,0.5\n2024-01-06,Too happy,fed,2.0\n",
    )
    .unwrap();
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        "name = \"t\"\n[data]\nbars = \".\"\nevents = \"ev.csv\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    assert_bad_input(&run_json(&cfg), "ev.csv", "sentiment");
}

#[test]
fn error_event_bad_timestamp() {
    let tmp = tempfile::tempdir().unwrap();
    write_parquet(&tmp.path().join("AAA.parquet"), standard_cols(0, None));
    std::fs::write(
        tmp.path().join("ev.csv"),
        "timestamp,headline,tags\nyesterday,Oops,fed\n",
    )
    .unwrap();
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        "name = \"t\"\n[data]\nbars = \".\"\nevents = \"ev.csv\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    assert_bad_input(&run_json(&cfg), "ev.csv", "timestamp");
}

// ---------------------------------------------------------------- CSV import and real data

#[test]
fn import_yahoo_csv_then_run() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("AAA.csv");
    let mut text = String::from("Date,Open,High,Low,Close,Adj Close,Volume\n");
    let (o, h, l, c, v) = ohlcv(0);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    for (i, d) in days().iter().enumerate() {
        let date = epoch + chrono::Duration::days(*d as i64);
        text += &format!(
            "{date},{},{},{},{},{},{}\n",
            o[i], h[i], l[i], c[i], c[i], v[i]
        );
    }
    std::fs::write(&csv, text).unwrap();
    let out = tmp.path().join("bars");
    let r = run(&[
        "data",
        "import",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(out.join("AAA.parquet").is_file());
    let cfg = write_config(tmp.path(), "bars", "symbols = [\"AAA\"]");
    let r = run_json(&cfg);
    assert!(r.status.success(), "{}", stderr(&r));
}

#[test]
fn import_rejects_ragged_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("BAD.csv");
    std::fs::write(
        &csv,
        "Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,1,2\n",
    )
    .unwrap();
    let r = run(&[
        "data",
        "import",
        csv.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert_bad_input(&r, "BAD.csv", "row");
}

/// Imports the real Yahoo CSVs in ../shared/realdata and runs buy-and-hold on them.
/// Skips cleanly when that folder is absent (it is never copied into the project).
#[test]
fn real_data_import_and_buy_and_hold() {
    let real = root().join("../shared/realdata");
    if !real.join("SPY.csv").is_file() {
        eprintln!("skipping: {} not present", real.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bars");
    let files: Vec<String> = ["SPY", "QQQ", "IWM"]
        .iter()
        .map(|s| real.join(format!("{s}.csv")).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["data", "import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    let r = run(&args);
    assert!(r.status.success(), "{}", stderr(&r));
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        "name = \"real\"\n[data]\nbars = \"bars\"\nstart = \"2010-01-01\"\nend = \"2020-12-31\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"SPY\"]\n[report]\nbenchmark = \"QQQ\"\n",
    )
    .unwrap();
    let r = run_json(&cfg);
    assert!(r.status.success(), "{}", stderr(&r));
    // SPY's price (not total-return) rose from about 113 to about 374 over 2010-2020.
    let tr = total_return(&r);
    assert!(tr > 1.8 && tr < 2.6, "total return {tr}");
}
