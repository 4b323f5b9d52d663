//! The custom-strategy example (examples/custom_strategy): a kind written in Rust, registered
//! in the strategy registry, gets `run` with the full report and every output file and `sweep`
//! over its own keys, through the same command line (`rotor_cli::run_with`) its binary runs.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arrow_array::{Array, BooleanArray, TimestampNanosecondArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rotor_data::load::{load_market, LoadOptions};
use rotor_strategies::Registry;

use super::sweep::column_f64;
use super::{assert_bad_input, root, run};

#[path = "../examples/custom_strategy/buy_the_dip.rs"]
mod buy_the_dip;

fn config() -> PathBuf {
    root().join("examples/custom_strategy/buy_the_dip.toml")
}

/// The example binary's command line, in process.
fn custom(args: &[&str]) -> ExitCode {
    let registry = Registry::builtin()
        .register::<buy_the_dip::BuyTheDipConfig>()
        .unwrap();
    let argv = std::iter::once("custom_strategy").chain(args.iter().copied());
    rotor_cli::run_with(&registry, argv)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// trades.parquet's (entry_time, open) rows.
fn trade_entries(trades: &Path) -> Vec<(i64, bool)> {
    let r = ParquetRecordBatchReaderBuilder::try_new(File::open(trades).unwrap()).unwrap();
    let mut out = Vec::new();
    for b in r.build().unwrap() {
        let b = b.unwrap();
        let c = b.column_by_name("entry_time").unwrap();
        let ts = c
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .unwrap();
        let c = b.column_by_name("open").unwrap();
        let open = c.as_any().downcast_ref::<BooleanArray>().unwrap();
        out.extend((0..ts.len()).map(|i| (ts.value(i), open.value(i))));
    }
    out
}

#[test]
fn custom_kind_runs_with_the_full_report_and_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let cfg = config();
    let code = custom(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, ExitCode::SUCCESS);
    for f in [
        "report.txt",
        "stats.json",
        "equity.parquet",
        "fills.parquet",
        "trades.parquet",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let report = std::fs::read_to_string(out.join("report.txt")).unwrap();
    assert!(report.contains("buy-the-dip (buy_the_dip)"), "{report}");
    let resolved = std::fs::read_to_string(out.join("config.toml")).unwrap();
    for line in [
        "kind = \"buy_the_dip\"",
        "drop = 0.02",
        "hold = 5",
        "symbol = \"SPY\"",
    ] {
        assert!(resolved.contains(line), "{line}: {resolved}");
    }
    // Every trade entered at the open after a session that closed more than 2% down, read
    // from the SPY closes directly.
    let opts = LoadOptions {
        start: None,
        end: None,
        symbols: Some(vec!["SPY".into()]),
    };
    let market = load_market(&root().join("data/bars"), None, &opts)
        .unwrap()
        .market;
    let close = market.close(0);
    let entries = trade_entries(&out.join("trades.parquet"));
    assert!(entries.len() > 20, "{} trades", entries.len());
    for (ns, _) in &entries {
        let i = market.first_bar_at_or_after(*ns);
        let fall = close[i - 1] / close[i - 2] - 1.0;
        assert!(fall < -0.02, "entry at bar {i} after a {fall} session");
    }
    // The report counts closed trades; one still open at the end is listed, not counted.
    let closed = entries.iter().filter(|(_, open)| !open).count();
    let stats = json(&out.join("stats.json"));
    assert_eq!(stats["trades"].as_f64(), Some(closed as f64));

    // The resolved config reloads to the same run.
    let again = tmp.path().join("again");
    let resolved_path = out.join("config.toml");
    let code = custom(&[
        "run",
        resolved_path.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert_eq!(json(&again.join("stats.json")), stats);
}

#[test]
fn custom_kind_sweeps_its_own_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let (s, r) = (tmp.path().join("sweep"), tmp.path().join("run"));
    let cfg = config();
    let c = cfg.to_str().unwrap();
    let grid = [
        "--grid",
        "strategy.drop=0.015,0.02",
        "--grid",
        "strategy.hold=3,5",
    ];
    let mut args = vec!["sweep", c];
    args.extend_from_slice(&grid);
    args.extend_from_slice(&["--out", s.to_str().unwrap(), "--quiet"]);
    assert_eq!(custom(&args), ExitCode::SUCCESS);
    let p = s.join("sweep.parquet");
    assert_eq!(column_f64(&p, "set").len(), 4);
    // Set 3 = drop 0.02, hold 5 (first axis slowest): the config's own values, so its row is
    // the plain run's stats.
    assert_eq!(
        custom(&["run", c, "--out", r.to_str().unwrap(), "--quiet"]),
        ExitCode::SUCCESS
    );
    let stats = json(&r.join("stats.json"));
    for m in ["total_return", "sharpe", "max_drawdown", "trades"] {
        assert_eq!(column_f64(&p, m)[3], stats[m].as_f64(), "{m}");
    }
    assert!(std::fs::read_to_string(s.join("sweep.txt"))
        .unwrap()
        .contains("strategy.drop"));
    // A typo in a swept key of the user kind is bad input, as for a built-in kind.
    let bad = custom(&["sweep", c, "--grid", "strategy.dropp=0.01,0.02"]);
    assert_eq!(bad, ExitCode::from(2));
}

#[test]
fn the_builtin_binary_names_the_unknown_kind() {
    let cfg = config();
    let o = run(&["run", cfg.to_str().unwrap()]);
    assert_bad_input(&o, "buy_the_dip.toml", "unknown variant `buy_the_dip`");
}

/// The example binary installs `rotor_cli::exit_on_oom!()`: out of memory (all 1e8 sets of a
/// grid under `ulimit -v`) is one `error:` line and exit code 1, as with `rotor`, not Rust's
/// abort (134). `cargo test` builds the examples; skipped when it was not built.
#[test]
fn the_example_binary_reports_out_of_memory_as_one_error_line() {
    let deps = std::env::current_exe().unwrap();
    let example = deps
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples")
        .join(format!("custom_strategy{}", std::env::consts::EXE_SUFFIX));
    if !example.exists() {
        eprintln!("skipped: {} not built", example.display());
        return;
    }
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1000000 && exec '{}' sweep '{}' --grid portfolio.cash=1..10000 --grid costs.slippage_bps=1..10000 --force",
            example.display(),
            config().display(),
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error: out of memory (allocating "),
        "{err}"
    );
}
