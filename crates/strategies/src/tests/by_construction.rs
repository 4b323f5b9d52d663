//! Markets built so that the right trades are known in advance.

use std::collections::BTreeMap;

use rotor_engine::{RunResult, SimulationConfig};

use super::support::{from_closes, market, named};
use crate::config::{BuyAndHoldConfig, Rebalance, RotationConfig, SmaCrossConfig, StrategyConfig};
use crate::run;

fn cash(c: f64) -> SimulationConfig {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = c;
    e
}

fn sma(symbol: &str, fast: usize, slow: usize) -> StrategyConfig {
    StrategyConfig::SmaCross(SmaCrossConfig {
        symbol: symbol.into(),
        fast,
        slow,
    })
}

/// Down 1 a bar from 100 to 90, up 3 a bar to 120, down 2 a bar to 98.
fn v_then_fall() -> Vec<f64> {
    let mut c: Vec<f64> = (0..11).map(|i| 100.0 - i as f64).collect();
    c.extend((1..11).map(|i| 90.0 + 3.0 * i as f64));
    c.extend((1..12).map(|i| 120.0 - 2.0 * i as f64));
    c
}

#[test]
fn sma_cross_enters_once_on_the_upturn_and_leaves_on_the_downturn() {
    // SMA3 vs SMA6 (checked by hand): SMA3 crosses above at bar 12's close (93 vs 92.5) and
    // below at bar 23's close (116 vs 116.5). Opens equal the previous close.
    let m = market(&named(vec![("X", from_closes(&v_then_fall()))]));
    let r = run(&m, &sma("X", 3, 6), &cash(10_000.0)).unwrap();
    assert_eq!(r.fills.len(), 2);
    let (buy, sell) = (r.fills[0], r.fills[1]);
    assert_eq!((buy.bar, buy.price, buy.quantity), (13, 96.0, 104.0)); // trunc(10000 / 96)
    assert_eq!((sell.bar, sell.price, sell.quantity), (24, 114.0, -104.0));
    assert_eq!(r.trades.len(), 1);
    assert_eq!(r.trades[0].pnl, 104.0 * 18.0);
    assert_eq!(r.final_equity(), 10_000.0 + 104.0 * 18.0);
    assert!(r.open_trades.is_empty());
}

#[test]
fn sma_cross_needs_a_strict_cross() {
    // Up 2 a bar after the trough: SMA3 == SMA6 at bar 12, so neither bar 12 nor bar 13 is a
    // strict cross (backtesting.py's `crossover` rule), and nothing trades.
    let mut c: Vec<f64> = (0..11).map(|i| 100.0 - i as f64).collect();
    c.extend((1..16).map(|i| 90.0 + 2.0 * i as f64));
    let m = market(&named(vec![("X", from_closes(&c))]));
    let r = run(&m, &sma("X", 3, 6), &cash(10_000.0)).unwrap();
    assert!(r.fills.is_empty());
}

#[test]
fn sma_cross_position_stays_open_at_the_end() {
    let c: Vec<f64> = v_then_fall()[..20].to_vec();
    let m = market(&named(vec![("X", from_closes(&c))]));
    let r = run(&m, &sma("X", 3, 6), &cash(10_000.0)).unwrap();
    assert_eq!(r.fills.len(), 1);
    assert!(r.trades.is_empty());
    assert_eq!(r.open_trades.len(), 1);
    assert!(r.open_trades[0].open);
    assert_eq!(r.final_positions, vec![104.0]);
}

fn hold(cfg: BuyAndHoldConfig) -> RunResult {
    let m = market(&named(vec![
        ("A", from_closes(&[8.0, 10.0, 11.0, 12.0])),
        ("B", from_closes(&[25.0, 30.0, 27.0, 33.0])),
    ]));
    run(&m, &StrategyConfig::BuyAndHold(cfg), &cash(10_000.0)).unwrap()
}

#[test]
fn buy_and_hold_buys_whole_shares_at_the_first_open_and_holds() {
    // Bar 0 opens: A 8, B 25 (the README's "bought at the first open").
    let r = hold(BuyAndHoldConfig {
        symbols: vec!["A".into(), "B".into()],
        ..Default::default()
    });
    let got: Vec<(usize, usize, f64)> = r
        .fills
        .iter()
        .map(|f| (f.bar, f.symbol, f.quantity))
        .collect();
    assert_eq!(got, vec![(0, 0, 625.0), (0, 1, 200.0)]);

    let r = hold(BuyAndHoldConfig {
        weights: BTreeMap::from([("A".into(), 0.6), ("B".into(), 0.3)]),
        ..Default::default()
    });
    let got: Vec<(usize, usize, f64)> = r
        .fills
        .iter()
        .map(|f| (f.bar, f.symbol, f.quantity))
        .collect();
    assert_eq!(got, vec![(0, 0, 750.0), (0, 1, 120.0)]);
    assert_eq!(
        r.final_equity(),
        10_000.0 - 6000.0 - 3000.0 + 750.0 * 12.0 + 120.0 * 33.0
    );
}

#[test]
fn buy_and_hold_with_a_negative_weight_is_a_static_long_short_book() {
    // 130/30: A +1.3, B -0.3 of 10,000 at the fill bar's opens (A 8, B 25 on bars 0 and 1):
    // A trunc(13,000 / 8) = 1625 shares, B trunc(-3,000 / 25) = -120; cash 10,000 - 13,000 +
    // 3,000 = 0; final equity 1625 x 12 - 120 x 33 = 15,540.
    let cfg = BuyAndHoldConfig {
        weights: BTreeMap::from([("A".into(), 1.3), ("B".into(), -0.3)]),
        ..Default::default()
    };
    assert_eq!(cfg.book(), (1.6, 1.0));
    StrategyConfig::BuyAndHold(cfg.clone()).validate().unwrap();
    let r = hold(cfg);
    let got: Vec<(usize, f64)> = r.fills.iter().map(|f| (f.symbol, f.quantity)).collect();
    assert_eq!(got, vec![(0, 1625.0), (1, -120.0)]);
    assert_eq!(r.final_positions, vec![1625.0, -120.0]);
    assert_eq!(r.final_equity(), 1625.0 * 12.0 - 120.0 * 33.0);
    // Sanity bounds: net at most 1 long or 1 short, gross at most 4.
    for (w, ok) in [
        (vec![("A", 1.0), ("B", -1.0)], true),
        (vec![("A", 0.7), ("B", 0.7)], false),
        (vec![("A", -0.6), ("B", -0.6)], false),
        (vec![("A", 2.5), ("B", -2.0)], false),
    ] {
        let c = StrategyConfig::BuyAndHold(BuyAndHoldConfig {
            weights: w.iter().map(|(s, x)| (s.to_string(), *x)).collect(),
            ..Default::default()
        });
        assert_eq!(c.validate().is_ok(), ok, "{w:?}");
    }
}

/// A rises 1% a bar for 30 bars then falls 1% a bar; B does the opposite.
fn seesaw(n: usize) -> Vec<(String, Vec<super::support::Bar>)> {
    let path = |up: bool| -> Vec<f64> {
        let mut px = 100.0;
        (0..n)
            .map(|i| {
                if i > 0 {
                    let rising = (i < 30) == up;
                    px *= if rising { 1.01 } else { 0.99 };
                }
                px
            })
            .collect()
    };
    named(vec![
        ("A", from_closes(&path(true))),
        ("B", from_closes(&path(false))),
    ])
}

fn rotation(rebalance: Rebalance, flip: bool, skip: usize) -> StrategyConfig {
    StrategyConfig::Rotation(RotationConfig {
        long: vec!["A".into()],
        short: vec!["B".into()],
        lookback: 5,
        skip,
        rebalance,
        flip,
        ..Default::default()
    })
}

/// Positions after the fills of bar `t`.
fn positions_after(r: &RunResult, t: usize) -> [f64; 2] {
    let mut p = [0.0; 2];
    for f in r.fills.iter().filter(|f| f.bar <= t) {
        p[f.symbol] += f.quantity;
    }
    p
}

#[test]
fn rotation_goes_long_the_leader_and_flips_when_leadership_turns() {
    let m = market(&seesaw(45));
    let r = run(&m, &rotation(Rebalance::Daily, true, 0), &cash(100_000.0)).unwrap();
    // First defined signal at bar 5's close (5 bars of history back), filled at bar 6's open.
    assert_eq!(r.fills[0].bar, 6);
    let [a, b] = positions_after(&r, 6);
    assert!(a > 0.0 && b < 0.0);
    // Dollar-neutral: each leg is half the equity, to within a share.
    let (oa, ob) = (m.open(0)[6], m.open(1)[6]);
    assert!((a * oa - 50_000.0).abs() <= oa && (-b * ob - 50_000.0).abs() <= ob);
    // A's 5-bar momentum turns negative (and B's positive) at bar 32's close: 0.99^3 * 1.01^2 < 1.
    let [a, b] = positions_after(&r, 32);
    assert!(a > 0.0 && b < 0.0);
    let [a, b] = positions_after(&r, 33);
    assert!(a < 0.0 && b > 0.0, "{a} {b}");

    let r = run(&m, &rotation(Rebalance::Daily, false, 0), &cash(100_000.0)).unwrap();
    assert_eq!(positions_after(&r, 33), [0.0, 0.0]);
    assert_eq!(r.final_positions, vec![0.0, 0.0]);
    assert_eq!(r.trades.len(), 2);
    assert!(r.trades.iter().all(|t| t.pnl > 0.0 && t.exit_bar == 33));
}

#[test]
fn rotation_skip_delays_the_first_signal() {
    let m = market(&seesaw(45));
    let r = run(&m, &rotation(Rebalance::Daily, true, 3), &cash(100_000.0)).unwrap();
    assert_eq!(r.fills[0].bar, 9);
    // The reversal is seen 3 bars later too.
    assert!(positions_after(&r, 35)[0] > 0.0);
    assert!(positions_after(&r, 36)[0] < 0.0);
}

fn fill_bars(r: &RunResult) -> Vec<usize> {
    let mut bars: Vec<usize> = r.fills.iter().map(|f| f.bar).collect();
    bars.dedup();
    bars
}

#[test]
fn rotation_rebalances_at_the_first_bar_of_each_week_and_month() {
    // Bars are consecutive calendar days from Monday 2026-01-05: every 7th bar is a Monday.
    let m = market(&seesaw(60));
    let r = run(&m, &rotation(Rebalance::Weekly, true, 0), &cash(100_000.0)).unwrap();
    assert_eq!(fill_bars(&r), vec![8, 15, 22, 29, 36, 43, 50, 57]);
    // 2026-02-01 is bar 27 and 2026-03-01 is bar 55; bar 0 (January) is still in warm-up.
    let r = run(&m, &rotation(Rebalance::Monthly, true, 0), &cash(100_000.0)).unwrap();
    assert_eq!(fill_bars(&r), vec![28, 56]);
}

#[test]
fn unknown_symbol_is_an_error_naming_it() {
    let m = market(&named(vec![("X", from_closes(&[1.0, 2.0]))]));
    let e = run(&m, &sma("ZZZ", 2, 3), &cash(1000.0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "strategy.symbol: unknown symbol `ZZZ` (not in the market data)"
    );
    let e = run(&m, &rotation(Rebalance::Daily, true, 0), &cash(1000.0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "strategy.long: unknown symbol `A` (not in the market data)"
    );
    let e = run(&m, &sma("X", 3, 2), &cash(1000.0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "strategy.fast (3) must be less than strategy.slow (2)"
    );
    let e = run(&m, &sma("X", 2, 3), &cash(-1.0)).unwrap_err();
    assert!(e.to_string().starts_with("portfolio.cash (-1)"));
}
