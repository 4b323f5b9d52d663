//! Every number right: the benchmark priced like the strategy, walk-forward cost lines, the JSON
//! report, `rotor stats` on levels, and the warnings that say what a number leaves out.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::{root, run, stderr, stdout};

/// `n` weekdays from 2020-01-01.
fn weekdays(n: usize) -> Vec<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        if d.weekday().number_from_monday() <= 5 {
            out.push(d);
        }
        d = d.succ_opt().unwrap();
    }
    out
}

/// A Yahoo-style daily CSV of a fund paying a 0.5% dividend every 63 sessions: the raw close
/// drops by the dividend on each ex-date, `Adj Close` does not (it is the close times the
/// product of `1 - d` over the later ex-dates, as Yahoo computes it). Each open is the previous
/// raw close less the dividend on an ex-date, so the only gap between bars is the payout.
/// Returns the CSV text and the adjusted closes.
fn dividend_fund_csv(n: usize) -> (String, Vec<f64>) {
    let div = 0.005;
    let mut close = Vec::with_capacity(n);
    let mut open = Vec::with_capacity(n);
    let mut px = 100.0;
    for i in 0..n {
        let ex = i > 0 && i % 63 == 0;
        let o = if ex { px * (1.0 - div) } else { px };
        // The first bar opens at its close, so buying at its open or at the next is the same.
        let step = if i == 0 {
            1.0
        } else {
            1.0 + 0.004 * ((i as f64) * 0.7).sin() + 0.0003
        };
        px = o * step;
        open.push(o);
        close.push(px);
    }
    // factor[t] = prod over ex-dates after t of (1 - div)
    let mut factor = vec![1.0; n];
    for t in (0..n.saturating_sub(1)).rev() {
        let ex_next = (t + 1) % 63 == 0;
        factor[t] = factor[t + 1] * if ex_next { 1.0 - div } else { 1.0 };
    }
    let adj: Vec<f64> = close.iter().zip(&factor).map(|(c, f)| c * f).collect();
    let mut s = String::from("Date,Open,High,Low,Close,Adj Close,Volume\n");
    for (i, d) in weekdays(n).iter().enumerate() {
        let (o, c) = (open[i], close[i]);
        s.push_str(&format!(
            "{d},{o:.6},{:.6},{:.6},{c:.6},{:.6},100000000\n",
            o.max(c) * 1.001,
            o.min(c) * 0.999,
            adj[i]
        ));
    }
    (s, adj)
}

/// Imports `csv` (a file) into `dir/bars`, returning the bars folder.
fn import(dir: &Path, csv: &Path) -> PathBuf {
    let bars = dir.join("bars");
    let o = run(&[
        "data",
        "import",
        csv.to_str().unwrap(),
        "--out",
        bars.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "import: {}", stderr(&o));
    bars
}

/// Buy-and-hold of `sym` benchmarked against itself, adjusted, frictionless and fractional.
fn self_benchmark_config(dir: &Path, bars: &Path, sym: &str) -> PathBuf {
    let cfg = dir.join("self.toml");
    std::fs::write(
        &cfg,
        format!(
            "name = \"self\"\n[data]\nbars = \"{}\"\n[portfolio]\ncash = 100000\n\
             [execution]\nadjust = true\nfractional = true\nvolume_cap = 0\n\
             [strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"{sym}\"]\n\
             [report]\nbenchmark = \"{sym}\"\n",
            bars.display()
        ),
    )
    .unwrap();
    cfg
}

fn run_stats(cfg: &Path) -> serde_json::Value {
    let o = run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn num(v: &serde_json::Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// Issue 13.2: with `execution.adjust = true` the benchmark is priced on the adjusted closes the
/// strategy trades, so a fund benchmarked against itself has no alpha, a beta of 1 and the same
/// total return (on main the benchmark used raw closes: alpha = the dividend yield, ~2%/yr).
#[test]
fn adjusted_run_benchmarks_against_adjusted_prices() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, adj) = dividend_fund_csv(504);
    let file = tmp.path().join("FUND.csv");
    std::fs::write(&file, csv).unwrap();
    let bars = import(tmp.path(), &file);
    let s = run_stats(&self_benchmark_config(tmp.path(), &bars, "FUND"));
    let (alpha, beta) = (num(&s, "alpha"), num(&s, "beta"));
    assert!(alpha.abs() < 1e-4, "alpha {alpha}");
    assert!((beta - 1.0).abs() < 1e-4, "beta {beta}");
    // The strategy buys at the first or second open, both equal to the first close here, so it
    // holds exactly the benchmark: equal total returns (up to the CSV's 6 decimals).
    let bench_total = adj[adj.len() - 1] / adj[0] - 1.0;
    let total = num(&s, "total_return");
    assert!(
        (total - bench_total).abs() < 1e-5,
        "strategy {total} vs adjusted benchmark {bench_total}"
    );
}

/// A benchmark symbol halted for three sessions the other symbols trade (NaN closes there)
/// earns the move across the halt at its first close after it, as holding it does: its total
/// return is its last close over its first. Before, each return next to a missing close was
/// dropped: a +20% reopening vanished from the benchmark (5.4% instead of 25.6% in one case)
/// and from its beta and alpha.
#[test]
fn a_benchmark_halted_for_sessions_keeps_the_move_across_the_halt() {
    let tmp = tempfile::tempdir().unwrap();
    let days = weekdays(60);
    let (mut fund, mut other) = (String::new(), String::new());
    let mut closes = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let o = 50.0 + i as f64 * 0.1;
        other += &format!("{d},{o},{o},{o},{o},1000\n");
        if (20..23).contains(&i) {
            continue;
        }
        let jump = if i >= 23 { 1.2 } else { 1.0 };
        let c = 100.0 * 1.001_f64.powi(i as i32) * jump;
        closes.push(c);
        fund += &format!("{d},{c},{c},{c},{c},1000\n");
    }
    let head = "Date,Open,High,Low,Close,Volume\n";
    for (name, body) in [("FUND.csv", &fund), ("OTHER.csv", &other)] {
        std::fs::write(tmp.path().join(name), format!("{head}{body}")).unwrap();
    }
    let bars = tmp.path().join("bars");
    let o = run(&[
        "data",
        "import",
        tmp.path().join("FUND.csv").to_str().unwrap(),
        tmp.path().join("OTHER.csv").to_str().unwrap(),
        "--out",
        bars.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "import: {}", stderr(&o));
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "name = \"halt\"\n[data]\nbars = \"{}\"\n[strategy]\nkind = \"buy_and_hold\"\n\
             symbols = [\"OTHER\", \"FUND\"]\n[report]\nbenchmark = \"FUND\"\n",
            bars.display()
        ),
    )
    .unwrap();
    let s = run_stats(&cfg);
    let want = closes[closes.len() - 1] / closes[0] - 1.0;
    let got = num(&s, "benchmark_total_return");
    assert!(
        (got - want).abs() < 1e-9,
        "benchmark total return {got}, held {want}"
    );
}

/// The report's `costs` line names the costs the run charges: it said "slippage 0 bps" of a
/// square-root impact run and nothing of per-share or minimum commissions or cash interest.
#[test]
fn the_costs_line_names_every_cost_charged() {
    let cfg = root().join("strategies/sma_cross.toml");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--set",
        "costs.slippage_model=sqrt_impact",
        "costs.commission_per_share=0.005",
        "costs.commission_min=1",
        "costs.cash_interest_rate=0.02",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The header wraps long values: compare with the whitespace folded.
    let text = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    let want = "costs commission 0.5 bps + 0.005 per share (min 1 a fill), slippage sqrt impact \
                (half spread 1 bps, k 1), borrow 0 bps/yr, cash interest 2%/yr capital";
    assert!(text.contains(want), "{text}");
}

/// The same on real SPY prices (Yahoo, 2000-2022, dividends in `adj_close`); skipped when the
/// shared real data is absent.
#[test]
fn adjusted_real_spy_benchmarked_against_itself_has_no_alpha() {
    let file = root().join("../shared/realdata/SPY.csv");
    if !file.is_file() {
        eprintln!("skipped: {} not found", file.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bars = import(tmp.path(), &file);
    let s = run_stats(&self_benchmark_config(tmp.path(), &bars, "SPY"));
    let (alpha, beta) = (num(&s, "alpha"), num(&s, "beta"));
    // Only the first held session differs (open-to-close against close-to-close).
    assert!(alpha.abs() < 1e-3, "alpha {alpha}");
    assert!((beta - 1.0).abs() < 1e-3, "beta {beta}");
    assert!(num(&s, "correlation") > 0.9999);
}

/// Issue 13.9: bars with an adj_close that differs from the close, run with raw prices, say
/// once that dividends are not credited (stderr and the report); adjusted runs do not.
#[test]
fn raw_prices_with_adj_close_warn_that_dividends_are_not_credited() {
    let tmp = tempfile::tempdir().unwrap();
    let (csv, _) = dividend_fund_csv(200);
    let file = tmp.path().join("FUND.csv");
    std::fs::write(&file, csv).unwrap();
    let bars = import(tmp.path(), &file);
    let cfg = self_benchmark_config(tmp.path(), &bars, "FUND");
    let raw = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--set",
        "execution.adjust=false",
    ]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    let err = stderr(&raw);
    let hits: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("dividends are not credited"))
        .collect();
    assert_eq!(hits.len(), 1, "{err}");
    assert!(
        hits[0].contains("adj_close") && hits[0].contains("FUND"),
        "{err}"
    );
    let text = stdout(&raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("dividends are not credited"), "{text}");
    let adjusted = run(&["run", cfg.to_str().unwrap()]);
    assert!(adjusted.status.success());
    assert!(
        !stderr(&adjusted).contains("dividends"),
        "{}",
        stderr(&adjusted)
    );
}

/// Reads one column of a Parquet file as display strings ("null" where null): utf8, float64,
/// int64, boolean or date32 (as YYYY-MM-DD), with its Arrow type.
fn parquet_column(path: &Path, name: &str) -> (arrow_schema::DataType, Vec<String>) {
    use arrow_array::{Array, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    let mut ty = arrow_schema::DataType::Null;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    for batch in b.build().unwrap() {
        let batch = batch.unwrap();
        let col = batch
            .column_by_name(name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()));
        ty = col.data_type().clone();
        let any = col.as_any();
        for i in 0..col.len() {
            out.push(if col.is_null(i) {
                "null".to_string()
            } else if let Some(a) = any.downcast_ref::<StringArray>() {
                a.value(i).to_string()
            } else if let Some(a) = any.downcast_ref::<Float64Array>() {
                a.value(i).to_string()
            } else if let Some(a) = any.downcast_ref::<Int64Array>() {
                a.value(i).to_string()
            } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
                a.value(i).to_string()
            } else if let Some(a) = any.downcast_ref::<Date32Array>() {
                (epoch + chrono::Days::new(a.value(i) as u64)).to_string()
            } else {
                panic!("{name}: unexpected type {ty:?}")
            });
        }
    }
    (ty, out)
}

/// Issue 13.8: a position closed because its symbol's data ends is listed in the warnings with
/// the symbol, the last date and the trade's P&L (the one trades.parquet records).
#[test]
fn delisting_closes_are_listed_in_the_warnings() {
    use arrow_array::Array;
    let tmp = tempfile::tempdir().unwrap();
    let bars = tmp.path().join("bars");
    std::fs::create_dir(&bars).unwrap();
    super::write_parquet(&bars.join("AAA.parquet"), super::standard_cols(0, None));
    let short: Vec<(&str, arrow_array::ArrayRef)> = super::standard_cols(1, None)
        .into_iter()
        .map(|(n, a)| (n, a.slice(0, 20)))
        .collect();
    super::write_parquet(&bars.join("BBB.parquet"), short);
    let cfg = super::bh_config(tmp.path(), bars.to_str().unwrap());
    let out = tmp.path().join("o");
    let o = run(&["run", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (_, syms) = parquet_column(&out.join("trades.parquet"), "symbol");
    let (_, pnl) = parquet_column(&out.join("trades.parquet"), "pnl");
    let (_, delisted) = parquet_column(&out.join("trades.parquet"), "delisted");
    let k = (0..syms.len())
        .find(|&i| syms[i] == "BBB" && delisted[i] == "true")
        .expect("a delisted BBB trade");
    let pnl: f64 = pnl[k].parse().unwrap();
    let report = std::fs::read_to_string(out.join("report.txt")).unwrap();
    // Bullets wrap at 100 columns: compare with the whitespace collapsed.
    let warnings = report[report.find("WARNINGS").expect("a warnings section")..]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // BBB's 20th bar is 2024-01-20 (day 19742).
    let want = "BBB: data ends on 2024-01-20";
    assert!(warnings.contains(want), "{warnings}");
    assert!(
        warnings.contains(&format!("trade P&L {pnl:.2}")),
        "{pnl} in {warnings}"
    );
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
}

/// Issue 13.6: `--format json` carries the report's content (every section, drawdowns,
/// monthly returns, warnings, the event study) on top of the stats.json keys, which keep their
/// values; stats.json has the benchmark column as `benchmark_*` keys.
#[test]
fn json_format_carries_the_whole_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let full: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stats.json")).unwrap()).unwrap();
    let keys: Vec<&String> = stats.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "total_return");
    for (k, v) in stats.as_object().unwrap() {
        assert_eq!(&full[k], v, "{k}");
    }
    // The benchmark column, as the text report shows it.
    let report = std::fs::read_to_string(out.join("report.txt")).unwrap();
    for (key, label) in [
        ("total_return", "Total return"),
        ("cagr", "CAGR"),
        ("sharpe", "Sharpe"),
        ("max_drawdown", "Max drawdown"),
    ] {
        let b = num(&stats, &format!("benchmark_{key}"));
        let shown = if key == "sharpe" {
            format!("{b:.2}")
        } else {
            format!("{:.2}%", b * 100.0)
        };
        let line = report
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{label} ")))
            .unwrap();
        assert!(
            line.trim_end().ends_with(&shown),
            "{key}: {shown} vs {line}"
        );
    }
    let titles: Vec<&str> = full["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    for t in [
        "Run",
        "Key statistics",
        "Top 5 drawdowns",
        "Monthly returns (%)",
        "Trades",
        "Costs",
        "Warnings",
        "Event study",
    ] {
        assert!(titles.contains(&t), "{t} missing from {titles:?}");
    }
    let dd = &full["drawdowns"][0];
    assert_eq!(dd["depth"], stats["max_drawdown"]);
    assert_eq!(dd["recovery"], serde_json::Value::Null); // "ongoing" in the text
    let compounded: f64 = full["monthly_returns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| 1.0 + m["return"].as_f64().unwrap())
        .product();
    assert!((compounded - 1.0 - num(&stats, "total_return")).abs() < 1e-9);
    let warnings = full["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty());
    let flat = report.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(warnings[0].as_str().unwrap()), "{warnings:?}");
}

/// Issue 13.4 and 13.17 on the command line: the walk-forward of a long/short rotation reports
/// its borrow fees, and walkforward.parquet types the swept keys like sweep.parquet (int64,
/// float64) and shows the same window dates as the text.
#[test]
fn walkforward_costs_types_and_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("wf");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let o = run(&[
        "walkforward",
        cfg.to_str().unwrap(),
        "--grid",
        "strategy.lookback=20,60",
        "--grid",
        "strategy.gross_exposure=0.5,1.0",
        "--set",
        "data.start=2019-01-01",
        "--train",
        "2y",
        "--test",
        "1y",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stats.json")).unwrap()).unwrap();
    let borrow = num(&stats, "borrow_paid");
    assert!(borrow > 0.0, "a long/short rotation pays borrow: {borrow}");
    let line = text.lines().find(|l| l.contains("Borrow fees")).unwrap();
    assert!(!line.contains(" 0.00 "), "{line}");
    let wf = out.join("walkforward.parquet");
    let (ty, lookbacks) = parquet_column(&wf, "strategy.lookback");
    assert_eq!(ty, arrow_schema::DataType::Int64);
    assert!(
        lookbacks.iter().all(|v| v == "20" || v == "60"),
        "{lookbacks:?}"
    );
    let (ty, _) = parquet_column(&wf, "strategy.gross_exposure");
    assert_eq!(ty, arrow_schema::DataType::Float64);
    let col = |n: &str| parquet_column(&wf, n).1;
    let (a, b, c, d) = (
        col("train_start"),
        col("train_end"),
        col("test_start"),
        col("test_end"),
    );
    assert!(!a.is_empty());
    for k in 0..a.len() {
        let row = format!("{}..{}  {}..{}", a[k], b[k], c[k], d[k]);
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", k + 1)) && l.contains(&row)),
            "window {} ({row}) not in the text:\n{text}",
            k + 1
        );
    }
}

/// Issue 13.18: one `--set` takes several assignments, and repeated `--set` still works.
#[test]
fn one_set_takes_several_assignments() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let resolved = |args: &[&str], name: &str| {
        let out = tmp.path().join(name);
        let mut a = vec!["run", cfg.to_str().unwrap()];
        a.extend_from_slice(args);
        a.extend([
            "--quiet",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ]);
        let o = run(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        (
            std::fs::read_to_string(out.join("config.toml")).unwrap(),
            num(&serde_json::from_slice(&o.stdout).unwrap(), "total_return"),
        )
    };
    let (one, r1) = resolved(
        &[
            "--set",
            "strategy.lookback=120",
            "strategy.rebalance=monthly",
        ],
        "one",
    );
    let (two, r2) = resolved(
        &[
            "--set",
            "strategy.lookback=120",
            "--set",
            "strategy.rebalance=monthly",
        ],
        "two",
    );
    for c in [&one, &two] {
        assert!(c.contains("lookback = 120"), "{c}");
        assert!(c.contains("rebalance = \"monthly\""), "{c}");
    }
    assert_eq!(r1, r2);
}
