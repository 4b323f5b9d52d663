//! When the engine may act, end to end: stale headlines are history, `data.start` starts trading
//! after a warm-up on earlier bars, and fills are stamped with the instant their price printed.

use std::fs::File;
use std::path::Path;

use arrow_array::{Array, TimestampNanosecondArray};
use chrono::{DateTime, NaiveDate, Utc};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{root, run, stderr};

/// The values of timestamp column `col` of a Parquet output file.
pub(super) fn instants(path: &Path, col: &str) -> Vec<DateTime<Utc>> {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for batch in b.build().unwrap() {
        let batch = batch.unwrap();
        let a = batch.column_by_name(col).unwrap();
        let ts = a
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .expect("ns timestamps");
        out.extend((0..ts.len()).map(|i| DateTime::from_timestamp_nanos(ts.value(i))));
    }
    out
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `rotor run CONFIG --out DIR --quiet` plus `--set` pairs; panics unless it succeeds.
fn run_out(cfg: &Path, out: &Path, sets: &[&str]) -> String {
    let mut args = vec!["run", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()];
    for s in sets {
        args.extend(["--set", s]);
    }
    let r = run(&args);
    assert!(r.status.success(), "{}", stderr(&r));
    stderr(&r)
}

#[test]
fn shipped_defense_config_does_not_trade_2010_2011_headlines_on_the_first_day() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    run_out(
        &root().join("strategies/defense_on_policy_news.toml"),
        &out,
        &[],
    );
    let fills = instants(&out.join("fills.parquet"), "timestamp");
    assert!(!fills.is_empty());
    let first_day = fills
        .iter()
        .filter(|t| t.date_naive() == date("2012-01-03"))
        .count();
    assert_eq!(
        first_day, 0,
        "fills on the first session from stale headlines"
    );
}

#[test]
fn warm_up_trades_a_120_bar_lookback_at_the_first_session_open() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let warn = run_out(
        &cfg,
        &out,
        &[
            "strategy.lookback=120",
            "strategy.rebalance=monthly",
            "data.start=2013-06-03",
        ],
    );
    assert!(
        !warn.contains("warm-up"),
        "enough history, no warning: {warn}"
    );
    let fills = instants(&out.join("fills.parquet"), "timestamp");
    // The first decision is at the close of 2013-05-31; it fills at 2013-06-03's open, stamped
    // with the open instant (13:30 UTC for date-stamped bars).
    assert_eq!(fills[0].to_rfc3339(), "2013-06-03T13:30:00+00:00");
    // The equity curve (and so every statistic) starts at data.start.
    let curve = instants(&out.join("equity.parquet"), "timestamp");
    assert_eq!(curve[0].to_rfc3339(), "2013-06-03T20:00:00+00:00");
    let trades = instants(&out.join("trades.parquet"), "entry_time");
    assert!(trades.iter().all(|t| t.date_naive() >= date("2013-06-03")));
    assert_eq!(
        trades.iter().min().unwrap().to_rfc3339(),
        "2013-06-03T13:30:00+00:00"
    );

    // Without warm-up the same config waits for its lookback and the next month: months later.
    let cold = tmp.path().join("cold");
    run_out(
        &cfg,
        &cold,
        &[
            "strategy.lookback=120",
            "strategy.rebalance=monthly",
            "data.start=2013-06-03",
            "data.warmup=0",
        ],
    );
    let fills = instants(&cold.join("fills.parquet"), "timestamp");
    assert!(fills[0].date_naive() >= date("2013-12-01"), "{}", fills[0]);
}

#[test]
fn too_little_history_is_one_warning_with_the_missing_bars() {
    let tmp = tempfile::tempdir().unwrap();
    // data.start before the shipped data's first bar: a 120-bar lookback (+1) has no history.
    let warn = run_out(
        &root().join("strategies/smallcap_vs_tech.toml"),
        &tmp.path().join("o"),
        &["strategy.lookback=120", "data.start=2000-01-03"],
    );
    let lines: Vec<&str> = warn.lines().filter(|l| l.contains("warm-up")).collect();
    assert_eq!(lines.len(), 1, "{warn}");
    assert!(lines[0].contains("121 bars missing"), "{warn}");
}

/// Imports real daily CSVs from ../shared/realdata into `dir`; false when they are absent.
fn import_real(symbols: &[&str], dir: &Path) -> bool {
    let real = root().join("../shared/realdata");
    if !symbols
        .iter()
        .all(|s| real.join(format!("{s}.csv")).is_file())
    {
        eprintln!("skipping: {} not present", real.display());
        return false;
    }
    let files: Vec<String> = symbols
        .iter()
        .map(|s| real.join(format!("{s}.csv")).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["data", "import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--out", dir.to_str().unwrap()]);
    let r = run(&args);
    assert!(r.status.success(), "{}", stderr(&r));
    true
}

#[test]
fn real_data_defense_config_ignores_headlines_before_the_previous_close() {
    let tmp = tempfile::tempdir().unwrap();
    let bars = tmp.path().join("bars");
    if !import_real(&["LMT", "NOC", "KTOS", "ITA", "SPY"], &bars) {
        return;
    }
    // The shipped feed's headlines up to 2019, all before data.start = 2020-01-02.
    let feed = std::fs::read_to_string(root().join("data/events.csv")).unwrap();
    let mut lines = feed.lines();
    let mut stale = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| &l[..4] < "2020") {
        stale.push_str(l);
        stale.push('\n');
    }
    std::fs::write(tmp.path().join("stale.csv"), &stale).unwrap();
    // Plus one headline after the close of 2019-12-31, the session before data.start: news.
    let fresh = format!(
        "{stale}2020-01-01T18:00:00-05:00,Congress passes defense budget,defense_budget,0.9,LMT\n"
    );
    std::fs::write(tmp.path().join("fresh.csv"), fresh).unwrap();
    let config = |events: &str| {
        let cfg = tmp.path().join(format!("{events}.toml"));
        let shipped =
            std::fs::read_to_string(root().join("strategies/defense_on_policy_news.toml")).unwrap();
        let body = shipped
            .replace("\"../data/bars\"", "\"bars\"")
            .replace("\"../data/events.csv\"", &format!("\"{events}.csv\""))
            .replace("start = \"2012-01-01\"", "start = \"2020-01-02\"")
            .replace("end = \"2026-01-09\"", "end = \"2020-06-30\"");
        std::fs::write(&cfg, body).unwrap();
        cfg
    };
    let out = tmp.path().join("stale_out");
    run_out(&config("stale"), &out, &[]);
    assert!(
        instants(&out.join("fills.parquet"), "timestamp").is_empty(),
        "stale headlines were traded"
    );
    let out = tmp.path().join("fresh_out");
    run_out(&config("fresh"), &out, &[]);
    let fills = instants(&out.join("fills.parquet"), "timestamp");
    assert_eq!(fills[0].to_rfc3339(), "2020-01-02T13:30:00+00:00");
}
