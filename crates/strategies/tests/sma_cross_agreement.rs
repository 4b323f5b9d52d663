//! Agreement with two independent engines: rotor's `sma_cross` (README, built-in strategies: long-only, all-in
//! whole shares sized at the fill price, next-open fills, no costs) on the GOOG daily series
//! shipped by the `backtesting` package gives the same trades as backtesting.py 0.6.6 and
//! backtrader 1.9.78 for fast/slow = 10/20 and 20/50, and the same final equity within 0.01%.
//!
//! The peers' numbers are in tests/fixtures/sma_cross_peers.json, produced by
//! tests/fixtures/make_sma_cross_fixture.py (only numbers are kept, never the peers' code).
//! backtesting.py leaves the last trade open (`finalize_trades=False`): its closed trades are
//! compared with rotor's closed trades, and its open position with rotor's open trade.

// An integration test sees every dev-dependency of its crate and may unwrap: a panic is a failure.
#![allow(unused_crate_dependencies, clippy::unwrap_used)]

use std::path::PathBuf;

use chrono::NaiveDate;
use rotor_data::time::{daily_close_ns, ns_to_date};
use rotor_data::{Market, MarketBuilder, SymbolBars};
use rotor_engine::{RunResult, SimulationConfig};
use rotor_strategies::SmaCross;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// GOOG.csv (`,Open,High,Low,Close,Volume`, one row per trading day) as a one-symbol market.
fn goog() -> Market {
    let text = std::fs::read_to_string(fixtures().join("GOOG.csv")).unwrap();
    let mut bars = SymbolBars {
        symbol: "GOOG".into(),
        ..SymbolBars::default()
    };
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let date = NaiveDate::parse_from_str(f[0], "%Y-%m-%d").unwrap();
        let num = |i: usize| f[i].parse::<f64>().unwrap();
        bars.timestamps.push(daily_close_ns(date));
        bars.open.push(num(1));
        bars.high.push(num(2));
        bars.low.push(num(3));
        bars.close.push(num(4));
        bars.volume.push(num(5));
    }
    let mut b = MarketBuilder::new(true);
    b.add(bars);
    b.build()
}

fn run(market: &Market, fast: usize, slow: usize, cash: f64) -> RunResult {
    let mut exec = SimulationConfig::default();
    exec.portfolio.cash = cash;
    exec.validate().unwrap();
    rotor_engine::run(market, &exec, &mut SmaCross::new(0, fast, slow))
}

fn date(ns: i64) -> String {
    ns_to_date(ns).format("%Y-%m-%d").to_string()
}

#[test]
fn sma_cross_agrees_with_backtesting_py_and_backtrader() {
    let peers: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sma_cross_peers.json")).unwrap(),
    )
    .unwrap();
    let cash = peers["cash"].as_f64().unwrap();
    let market = goog();
    assert_eq!(market.n_bars(), 2148);
    let runs = peers["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for r in runs {
        let fast = r["fast"].as_u64().unwrap() as usize;
        let slow = r["slow"].as_u64().unwrap() as usize;
        let result = run(&market, fast, slow, cash);
        let ours: Vec<(String, String)> = result
            .trades
            .iter()
            .map(|t| (date(t.entry_timestamp), date(t.exit_timestamp)))
            .collect();

        // backtesting.py: closed trades, sizes and prices, the open position, final equity.
        let bt = &r["backtesting_py"];
        let theirs = bt["trades"].as_array().unwrap();
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{fast}/{slow}: trade count vs backtesting.py"
        );
        for (k, (t, p)) in result.trades.iter().zip(theirs).enumerate() {
            let want = (p["entry"].as_str().unwrap(), p["exit"].as_str().unwrap());
            assert_eq!(
                (ours[k].0.as_str(), ours[k].1.as_str()),
                want,
                "{fast}/{slow} trade {k}"
            );
            assert_eq!(
                t.quantity,
                p["size"].as_f64().unwrap(),
                "{fast}/{slow} trade {k} size"
            );
            assert!((t.entry_price - p["entry_price"].as_f64().unwrap()).abs() < 1e-9);
            assert!((t.exit_price - p["exit_price"].as_f64().unwrap()).abs() < 1e-9);
        }
        let open: f64 = result.open_trades.iter().map(|t| t.quantity).sum();
        assert_eq!(
            open,
            bt["open_position"].as_f64().unwrap(),
            "{fast}/{slow} open position"
        );
        assert_eq!(result.final_positions, vec![open]);
        let ours_final = result.final_equity();
        let want = bt["final_equity"].as_f64().unwrap();
        assert!(
            (ours_final / want - 1.0).abs() < 1e-4,
            "{fast}/{slow}: final equity {ours_final} vs backtesting.py {want}"
        );

        // backtrader: closed trades (dates and P&L) and final equity.
        let bk = &r["backtrader"];
        let theirs = bk["trades"].as_array().unwrap();
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{fast}/{slow}: trade count vs backtrader"
        );
        for (k, (t, p)) in result.trades.iter().zip(theirs).enumerate() {
            let want = (p["entry"].as_str().unwrap(), p["exit"].as_str().unwrap());
            assert_eq!(
                (ours[k].0.as_str(), ours[k].1.as_str()),
                want,
                "{fast}/{slow} trade {k}"
            );
            assert!(
                (t.pnl - p["pnl"].as_f64().unwrap()).abs() < 1e-6,
                "{fast}/{slow} trade {k} pnl"
            );
        }
        let want = bk["final_equity"].as_f64().unwrap();
        assert!(
            (ours_final / want - 1.0).abs() < 1e-4,
            "{fast}/{slow}: final equity {ours_final} vs backtrader {want}"
        );
        eprintln!(
            "sma_cross {fast}/{slow}: {} closed trades, open {open}, final equity {ours_final:.2} \
             (backtesting.py {:.2}, backtrader {want:.2})",
            ours.len(),
            bt["final_equity"].as_f64().unwrap()
        );
    }
}
