//! Warm-up: with the bars a strategy kind says it needs before the trading start, the first
//! decision fills at the first traded open, and history older than that changes nothing.

use rotor_engine::{RunResult, SimulationConfig};

use super::support::{market, Bar};
use crate::config::{
    BuyAndHoldConfig, Rebalance, RotationConfig, SectorRotationConfig, Signal, SmaCrossConfig,
    StrategyConfig, Weighting,
};
use crate::run;
use rotor_rng::SplitMix64;

/// Random walks without missing bars, `n` bars per symbol.
fn walks(rng: &mut SplitMix64, symbols: usize, n: usize) -> Vec<Vec<Bar>> {
    (0..symbols)
        .map(|_| {
            let mut px = 20.0 + 80.0 * rng.next_f64();
            (0..n)
                .map(|_| {
                    let o = px * (1.0 + 0.02 * (rng.next_f64() - 0.5));
                    let c = o * (1.0 + 0.08 * (rng.next_f64() - 0.5));
                    px = c;
                    Some((o, o.max(c) * 1.005, o.min(c) * 0.995, c))
                })
                .collect()
        })
        .collect()
}

/// Names S0, S1, ... for the walks.
fn named(bars: Vec<Vec<Bar>>) -> Vec<(String, Vec<Bar>)> {
    bars.into_iter()
        .enumerate()
        .map(|(k, b)| (format!("S{k}"), b))
        .collect()
}

fn go(m: &rotor_data::Market, c: &StrategyConfig) -> RunResult {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = 100_000.0;
    run(m, c, &e).unwrap()
}

fn rotation(signal: Signal, weighting: Weighting, lookback: usize) -> StrategyConfig {
    StrategyConfig::Rotation(RotationConfig {
        long: vec!["S0".into()],
        short: vec!["S1".into()],
        signal,
        weighting,
        lookback,
        skip: 3,
        window: 15,
        vol_window: 25,
        rebalance: Rebalance::Monthly,
        ..Default::default()
    })
}

fn configs() -> Vec<StrategyConfig> {
    vec![
        rotation(Signal::Momentum, Weighting::Equal, 120),
        rotation(Signal::Trend, Weighting::Equal, 60),
        rotation(Signal::Zscore, Weighting::InverseVolatility, 40),
        StrategyConfig::SectorRotation(SectorRotationConfig {
            symbols: vec!["S0".into(), "S1".into(), "S2".into()],
            lookback: 50,
            skip: 5,
            top_k: 1,
            bottom_k: 1,
            ..Default::default()
        }),
        StrategyConfig::SmaCross(SmaCrossConfig {
            symbol: "S2".into(),
            fast: 5,
            slow: 30,
        }),
        StrategyConfig::BuyAndHold(BuyAndHoldConfig {
            symbols: vec!["S1".into()],
            ..Default::default()
        }),
    ]
}

#[test]
fn a_120_bar_lookback_first_trades_at_the_first_traded_open() {
    let mut rng = SplitMix64::new(7);
    let bars = walks(&mut rng, 3, 400);
    let cfg = rotation(Signal::Momentum, Weighting::Equal, 120);
    assert_eq!(cfg.warmup_bars(), 124);
    let start = 250;
    // With its warm-up: trades at the first session's open, on the cut market's bar index of it.
    let m = market(&named(bars.clone())).with_trading_start(start, cfg.warmup_bars());
    let r = go(&m, &cfg);
    assert_eq!(m.trading_start(), 124);
    assert_eq!(r.fills[0].bar, 124);
    assert_eq!(r.timestamps[0], m.timestamps()[124]);
    assert_eq!(r.fills[0].price, m.open(r.fills[0].symbol)[124]);
    // Without history (the old behavior of data.start) the first trade waits for the lookback
    // and then for the next month's first bar.
    let cold = market(&named(bars)).with_trading_start(start, 0);
    let rc = go(&cold, &cfg);
    assert!(
        rc.fills[0].bar > 124,
        "first cold fill at {}",
        rc.fills[0].bar
    );
}

#[test]
fn bars_before_the_warm_up_window_never_change_a_run() {
    for seed in 0..8u64 {
        let mut rng = SplitMix64::new(seed);
        let n = 300;
        let bars = walks(&mut rng, 3, n);
        for cfg in configs() {
            let w = cfg.warmup_bars();
            let first = 200.min(n);
            let from = first - w.min(first);
            // Different prices before the warm-up window (another random history).
            let mut other = walks(&mut SplitMix64::new(seed + 1000), 3, n);
            for (o, b) in other.iter_mut().zip(&bars) {
                o[from..].copy_from_slice(&b[from..]);
            }
            let a = go(
                &market(&named(bars.clone())).with_trading_start(first, w),
                &cfg,
            );
            let b = go(&market(&named(other)).with_trading_start(first, w), &cfg);
            assert_eq!(a.fills, b.fills, "seed {seed} {cfg:?}");
            assert_eq!(a.equity, b.equity, "seed {seed} {cfg:?}");
            assert!(a.fills.iter().all(|f| f.bar >= w.min(first)));
        }
    }
}

#[test]
fn the_stated_warm_up_is_enough_history_for_stateless_signals() {
    // Momentum, trend, sector momentum, SMA cross and buy-and-hold read only their windows:
    // the stated warm-up gives the same run as all the history there is.
    for seed in 0..8u64 {
        let bars = walks(&mut SplitMix64::new(seed), 3, 320);
        for cfg in configs()
            .into_iter()
            .filter(|c| !matches!(c, StrategyConfig::Rotation(r) if r.signal == Signal::Zscore))
        {
            let w = cfg.warmup_bars();
            let first = 220;
            let stated = market(&named(bars.clone())).with_trading_start(first, w);
            let all = market(&named(bars.clone())).with_trading_start(first, first);
            let (a, b) = (go(&stated, &cfg), go(&all, &cfg));
            let shift = first - w;
            let moved: Vec<_> = a
                .fills
                .iter()
                .map(|f| (f.bar + shift, f.symbol, f.quantity, f.price))
                .collect();
            let full: Vec<_> = b
                .fills
                .iter()
                .map(|f| (f.bar, f.symbol, f.quantity, f.price))
                .collect();
            assert_eq!(moved, full, "seed {seed} {cfg:?}");
            assert_eq!(a.equity, b.equity, "seed {seed} {cfg:?}");
        }
    }
}
