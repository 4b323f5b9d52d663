//! Guards of `run` against values no validated market has (a hand-built market skips the
//! loaders' price bounds): a non-finite equity stops the run with an error naming the bar, and
//! windows longer than the data are refused before anything is allocated.

use rotor_data::time::daily_close_ns;
use rotor_data::{MarketBuilder, SymbolBars};
use rotor_engine::SimulationConfig;

use super::support::day;
use crate::config::{BuyAndHoldConfig, SmaCrossConfig, StrategyConfig};
use crate::error::StrategyError;
use crate::run;

/// One symbol with these closes (open = high = low = close).
fn market(closes: &[f64]) -> rotor_data::Market {
    let mut sb = SymbolBars {
        symbol: "A".into(),
        ..SymbolBars::default()
    };
    for (i, &c) in closes.iter().enumerate() {
        sb.timestamps.push(daily_close_ns(day(i)));
        sb.open.push(c);
        sb.high.push(c);
        sb.low.push(c);
        sb.close.push(c);
        sb.volume.push(f64::NAN);
    }
    let mut b = MarketBuilder::new(true);
    b.add(sb);
    b.build()
}

#[test]
fn non_finite_equity_stops_the_run_naming_the_bar() {
    // Bought at 1e-300 (1e306 shares for 1e6 of cash), marked at 1e300: the equity overflows.
    let m = market(&[1e-300, 1e-300, 1e300, 1e300]);
    let bh = StrategyConfig::BuyAndHold(BuyAndHoldConfig {
        symbols: vec!["A".into()],
        ..BuyAndHoldConfig::default()
    });
    let mut exec = SimulationConfig::default();
    exec.execution.volume_cap = 0.0;
    match run(&m, &bh, &exec) {
        Err(StrategyError::NonFiniteEquity { bar, value, .. }) => {
            assert_eq!(bar, 2);
            assert_eq!(value, f64::INFINITY);
        }
        other => panic!("expected NonFiniteEquity, got {other:?}"),
    }
    // The same strategy on sane prices runs.
    assert!(run(&market(&[10.0, 10.0, 11.0, 12.0]), &bh, &exec).is_ok());
}

#[test]
fn a_window_longer_than_the_data_is_refused_before_allocating() {
    let m = market(&[10.0; 30]);
    let sma = |slow| {
        StrategyConfig::SmaCross(SmaCrossConfig {
            symbol: "A".into(),
            fast: 2,
            slow,
        })
    };
    let exec = SimulationConfig::default();
    // 1e11 bars would be an 800 GB buffer: refused by length, nothing allocated.
    let e = run(&m, &sma(100_000_000_000), &exec).unwrap_err();
    assert_eq!(
        e.to_string(),
        "strategy.slow (100000000000) is longer than the data (30 bars)"
    );
    assert!(run(&m, &sma(30), &exec).is_ok());
}
