//! `sector_rotation` on symbols with constant, distinct growth rates.

use rotor_engine::{ExecutionConfig, RunResult};

use super::support::{from_closes, market, named, Bar};
use crate::config::{Rebalance, SectorRotationConfig, StrategyConfig};
use crate::run;

fn path(n: usize, rate: impl Fn(usize) -> f64) -> Vec<Bar> {
    let mut px = 100.0;
    let c: Vec<f64> = (0..n)
        .map(|i| {
            if i > 0 {
                px *= 1.0 + rate(i);
            }
            px
        })
        .collect();
    from_closes(&c)
}

fn positions_after(r: &RunResult, t: usize, k: usize) -> Vec<f64> {
    let mut p = vec![0.0; k];
    for f in r.fills.iter().filter(|f| f.bar <= t) {
        p[f.symbol] += f.quantity;
    }
    p
}

#[test]
fn holds_the_leaders_shorts_the_laggard_and_rotates_monthly() {
    let n = 60;
    // S0 slow until bar 45, then the fastest; S1 +0.3%; S2 falling; S3 +0.2%.
    let m = market(&named(vec![
        ("S0", path(n, |i| if i < 45 { 0.001 } else { 0.02 })),
        ("S1", path(n, |_| 0.003)),
        ("S2", path(n, |_| -0.002)),
        ("S3", path(n, |_| 0.002)),
    ]));
    let cfg = StrategyConfig::SectorRotation(SectorRotationConfig {
        symbols: vec!["S0".into(), "S1".into(), "S2".into(), "S3".into()],
        lookback: 5,
        top_k: 2,
        bottom_k: 1,
        ..Default::default()
    });
    let mut e = ExecutionConfig::default();
    e.portfolio.cash = 100_000.0;
    let r = run(&m, &cfg, &e).unwrap();
    // Monthly: decisions at the first bars of February (27) and March (55), filled a bar later.
    let mut bars: Vec<usize> = r.fills.iter().map(|f| f.bar).collect();
    bars.dedup();
    assert_eq!(bars, vec![28, 56]);
    let p = positions_after(&r, 28, 4);
    assert!(
        p[0] == 0.0 && p[1] > 0.0 && p[2] < 0.0 && p[3] > 0.0,
        "{p:?}"
    );
    let opens = |s: usize| m.open(s)[28];
    assert!((p[1] * opens(1) - 25_000.0).abs() <= opens(1));
    assert!((-p[2] * opens(2) - 50_000.0).abs() <= opens(2));
    let p = positions_after(&r, 56, 4);
    assert!(
        p[0] > 0.0 && p[1] > 0.0 && p[2] < 0.0 && p[3] == 0.0,
        "{p:?}"
    );
}

#[test]
fn on_signal_change_trades_only_when_the_sets_change() {
    let n = 60;
    let m = market(&named(vec![
        ("S0", path(n, |i| if i < 45 { 0.001 } else { 0.02 })),
        ("S1", path(n, |_| 0.003)),
        ("S2", path(n, |_| 0.002)),
    ]));
    let cfg = StrategyConfig::SectorRotation(SectorRotationConfig {
        symbols: vec!["S0".into(), "S1".into(), "S2".into()],
        lookback: 5,
        top_k: 1,
        rebalance: Rebalance::OnSignalChange,
        ..Default::default()
    });
    let r = run(&m, &cfg, &ExecutionConfig::default()).unwrap();
    let mut bars: Vec<usize> = r.fills.iter().map(|f| f.bar).collect();
    bars.dedup();
    // S1 leads from the first defined momentum (bar 5); S0 overtakes once its 5-bar window
    // has one 2% day (decided at bar 45's close: 1.02 * 1.001^4 > 1.003^5).
    assert_eq!(bars, vec![6, 46]);
}
