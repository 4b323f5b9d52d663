//! Out of memory (issue 17 #15): the loader allocates the bar columns fallibly, the strategies
//! their big buffers (a formula's columns), the engine the run's per-bar curves and the report
//! its per-bar vectors, so a `ulimit -v` too small for the data, or enough for the data but not
//! for the run or its report, gives one `error: out of memory ...` line saying what and how
//! much, exit code 1 (the machine's limit, not bad input), and no output written.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, TimestampNanosecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Encoding;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use super::stderr;

/// One symbol, `batches` x 250,000 one-minute bars of constant prices: 12 MB of columns per
/// batch in memory once loaded, a few kB on disk (delta-encoded timestamps, dictionary prices).
fn write_minutes(path: &std::path::Path, batches: i64) {
    let rows = 250_000i64;
    let tz: Arc<str> = "UTC".into();
    let schema = Arc::new(Schema::new(
        [
            Field::new(
                "timestamp",
                DataType::Timestamp(TimeUnit::Nanosecond, Some(tz.clone())),
                false,
            ),
            Field::new("open", DataType::Float64, false),
            Field::new("high", DataType::Float64, false),
            Field::new("low", DataType::Float64, false),
            Field::new("close", DataType::Float64, false),
            Field::new("volume", DataType::Float64, false),
        ]
        .to_vec(),
    ));
    let props = WriterProperties::builder()
        .set_column_dictionary_enabled(ColumnPath::from("timestamp"), false)
        .set_column_encoding(ColumnPath::from("timestamp"), Encoding::DELTA_BINARY_PACKED)
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
    let px: ArrayRef = Arc::new(Float64Array::from(vec![100.0; rows as usize]));
    let vol: ArrayRef = Arc::new(Float64Array::from(vec![1000.0; rows as usize]));
    for b in 0..batches {
        let first = 1_600_000_000i64 + b * rows * 60;
        let ts = (0..rows).map(|i| (first + i * 60) * 1_000_000_000);
        let ts: ArrayRef =
            Arc::new(TimestampNanosecondArray::from_iter_values(ts).with_timezone(tz.clone()));
        let cols = vec![
            ts,
            px.clone(),
            px.clone(),
            px.clone(),
            px.clone(),
            vol.clone(),
        ];
        w.write(&RecordBatch::try_new(schema.clone(), cols).unwrap())
            .unwrap();
    }
    w.close().unwrap();
}

/// `rotor run` of buy-and-hold over `batches` x 250,000 minutes of one symbol under
/// `ulimit -v kb`, writing to `out`: the process's output.
fn run_under_ulimit(dir: &Path, batches: i64, kb: u64) -> std::process::Output {
    run_strategy_under_ulimit(dir, batches, kb, BUY_AND_HOLD, true)
}

/// The `[strategy]` table of buy-and-hold BIG.
const BUY_AND_HOLD: &str = "kind = \"buy_and_hold\"\nsymbols = [\"BIG\"]\n";

/// `rotor run` of the `[strategy]` table `strategy` over `batches` x 250,000 minutes of one
/// symbol (BIG) under `ulimit -v kb`, writing to `dir/out` when `out`: the process's output.
/// One worker thread and one malloc arena keep the process's own footprint (~40 MB) the same
/// on any machine.
fn run_strategy_under_ulimit(
    dir: &Path,
    batches: i64,
    kb: u64,
    strategy: &str,
    out: bool,
) -> std::process::Output {
    write_minutes(&dir.join("BIG.parquet"), batches);
    let config = dir.join("oom.toml");
    std::fs::write(
        &config,
        format!("name = \"oom\"\n[data]\nbars = \"BIG.parquet\"\n[strategy]\n{strategy}"),
    )
    .unwrap();
    let out = match out {
        true => format!("--out '{}'", dir.join("out").display()),
        false => String::new(),
    };
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {kb} && exec '{}' run '{}' {out} --quiet",
            env!("CARGO_BIN_EXE_rotor"),
            config.display(),
        ))
        .env("RAYON_NUM_THREADS", "1")
        .env("MALLOC_ARENA_MAX", "1")
        .output()
        .unwrap()
}

#[test]
fn loading_more_bars_than_memory_allows_is_one_error_line_exit_1_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    // 2,000,000 bars: 96 MB of columns, against an 80 MB address space.
    let o = run_under_ulimit(dir.path(), 8, 80_000);
    let out = dir.path().join("out");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error: out of memory: the bar columns of ")
            && lines[0].contains("BIG.parquet need 16.0 MB more"),
        "{err}"
    );
    let written = std::fs::read_dir(&out).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing may be written to --out");
}

/// An address space that holds the 2,000,000-bar market but not the run's curves beside it:
/// measured on the debug binary, the load needs about 165 MB and the run about 245 MB.
const CURVES_ULIMIT_KB: u64 = 200_000;

#[test]
fn a_run_whose_curves_do_not_fit_in_memory_is_one_error_line_exit_1_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    // 2,000,000 bars: the market's columns (~80 MB, no volume) fit in CURVES_ULIMIT_KB, but
    // not beside the run's seven per-bar curves (112 MB more).
    let o = run_under_ulimit(dir.path(), 8, CURVES_ULIMIT_KB);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error: out of memory: the run's per-bar curves (")
            && lines[0].contains(") need 112.0 MB; give rotor more memory"),
        "{err}"
    );
    let out = dir.path().join("out");
    let written = std::fs::read_dir(&out).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing may be written to --out");
}

/// The single stderr line of a process that must have failed with exit code 1; `None` (the
/// test is skipped) when it succeeded, i.e. `ulimit -v` is not honoured here.
fn the_one_error_line(o: &std::process::Output) -> Option<String> {
    let err = stderr(o);
    if o.status.success() {
        eprintln!("skipped: ulimit -v is not honoured here");
        return None;
    }
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    Some(lines[0].to_string())
}

/// A formula whose evaluation keeps seven of its 16 MB columns (2,000,000 bars x 1 member) live
/// at once: the five fields (each read again at the end), a running sum and a product.
const BIG_FORMULA: &str = "kind = \"formula\"\nuniverse = [\"BIG\"]\n\
    weights = \"(close + open + high + low) * (returns + 1) / (close * open * high * low)\"\n";

/// An address space that holds the 2,000,000-bar market (its load peaks at ~165 MB) but not
/// the formula's columns beside it (~112 MB at their peak): measured on the debug binary, the
/// formula's columns are what fails from 180 to 240 MB, the middle of which is taken.
const FORMULA_ULIMIT_KB: u64 = 210_000;

#[test]
fn a_formula_whose_columns_do_not_fit_in_memory_is_one_error_line_exit_1_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_strategy_under_ulimit(dir.path(), 8, FORMULA_ULIMIT_KB, BIG_FORMULA, true);
    let Some(line) = the_one_error_line(&o) else {
        return;
    };
    assert_eq!(
        line,
        "error: out of memory: the formula strategy's columns (strategy.weights: one value per \
         bar and universe symbol) need 16.0 MB; give rotor more memory (ulimit -v, the \
         container's limit), or run fewer symbols or a shorter date range",
    );
    let out = dir.path().join("out");
    let written = std::fs::read_dir(&out).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing may be written to --out");
}

/// An address space that holds the 2,000,000-bar market, the run and the report's copy of its
/// curves, but not the report's own per-bar vectors: measured on the debug binary (no `--out`),
/// they are what fails from 310 to 410 MB (returns, finite returns, then the bootstrap's 64 MB
/// of prefix sums), and the whole report fits from 420 MB; the middle is taken.
const REPORT_ULIMIT_KB: u64 = 360_000;

#[test]
fn a_report_whose_vectors_do_not_fit_in_memory_is_one_error_line_exit_1_and_no_report() {
    let dir = tempfile::tempdir().unwrap();
    // Without --out: the Parquet tables are written on a thread of their own, beside the
    // statistics, and their buffers are not the report's.
    let o = run_strategy_under_ulimit(dir.path(), 8, REPORT_ULIMIT_KB, BUY_AND_HOLD, false);
    let Some(line) = the_one_error_line(&o) else {
        return;
    };
    let named = [
        "the report's per-bar returns need 16.0 MB",
        "the report's finite returns need 16.0 MB",
        "the report's bootstrap prefix sums need 64.0 MB",
    ];
    assert!(
        named
            .iter()
            .any(|n| line == format!("error: out of memory: {n}; give rotor more memory (ulimit -v, the container's limit), or run fewer symbols or a shorter date range")),
        "{line}"
    );
    assert!(o.stdout.is_empty(), "no report may be printed");
}

/// `rotor sweep` of the big formula over two cash levels under `ulimit -v kb`, into `dir/out`
/// (with `--resume` when `resume`).
fn sweep_under_ulimit(dir: &Path, kb: u64, resume: bool) -> std::process::Output {
    let resume = if resume { "--resume" } else { "" };
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {kb} && exec '{}' sweep '{}' --grid portfolio.cash=100000,200000 \
             --out '{}' {resume} --quiet",
            env!("CARGO_BIN_EXE_rotor"),
            dir.join("oom.toml").display(),
            dir.join("out").display()
        ))
        .env("RAYON_NUM_THREADS", "1")
        .env("MALLOC_ARENA_MAX", "1")
        .output()
        .unwrap()
}

#[test]
fn a_sweep_set_out_of_memory_stops_the_sweep_and_is_not_saved_as_invalid() {
    let dir = tempfile::tempdir().unwrap();
    // Writes the market and the config (the run itself fails the same way).
    run_strategy_under_ulimit(dir.path(), 8, FORMULA_ULIMIT_KB, BIG_FORMULA, false);
    let expected = "error: out of memory: the formula strategy's columns (strategy.weights: one \
                    value per bar and universe symbol) need 16.0 MB; give rotor more memory \
                    (ulimit -v, the container's limit), or run fewer symbols or a shorter date \
                    range";
    let o = sweep_under_ulimit(dir.path(), FORMULA_ULIMIT_KB, false);
    let Some(line) = the_one_error_line(&o) else {
        return;
    };
    assert_eq!(line, expected);
    // Only the checkpoint (its header) is left: no results, no set recorded.
    let out = dir.path().join("out");
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["sweep.checkpoint"], "{names:?}");
    // Were the set saved as invalid, --resume would have nothing to run and finish (exit 0);
    // it runs the set again and stops the same way.
    let o = sweep_under_ulimit(dir.path(), FORMULA_ULIMIT_KB, true);
    assert_eq!(the_one_error_line(&o).as_deref(), Some(expected));
}
