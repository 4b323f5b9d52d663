//! `sector_rotation` on symbols with constant, distinct growth rates.

use rotor_engine::{RunResult, SimulationConfig};

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
    let mut e = SimulationConfig::default();
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
    let r = run(&m, &cfg, &SimulationConfig::default()).unwrap();
    let mut bars: Vec<usize> = r.fills.iter().map(|f| f.bar).collect();
    bars.dedup();
    // S1 leads from the first defined momentum (bar 5); S0 overtakes once its 5-bar window
    // has one 2% day (decided at bar 45's close: 1.02 * 1.001^4 > 1.003^5).
    assert_eq!(bars, vec![6, 46]);
}

/// Closes from log returns: `lr(i)` is the log return into bar `i`.
fn log_path(n: usize, lr: impl Fn(usize) -> f64) -> Vec<Bar> {
    let mut lp = 100f64.ln();
    let c: Vec<f64> = (0..n)
        .map(|i| {
            if i > 0 {
                lp += lr(i);
            }
            lp.exp()
        })
        .collect();
    from_closes(&c)
}

/// S0 log returns alternate 0.02, 0; S1 0.025, -0.01 (less drift, a wider swing); S2 falls.
fn vol_market() -> rotor_data::Market {
    let alt = |a: f64, b: f64| move |i: usize| if i % 2 == 1 { a } else { b };
    market(&named(vec![
        ("S0", log_path(12, alt(0.02, 0.0))),
        ("S1", log_path(12, alt(0.025, -0.01))),
        ("S2", log_path(12, alt(-0.01, -0.012))),
    ]))
}

/// Weight of each symbol after the first fill bar: position value at that bar's open over the
/// equity then (fractional shares, no costs: exactly the target weight).
fn first_weights(cfg: SectorRotationConfig) -> (usize, Vec<f64>) {
    let m = vol_market();
    let mut e = SimulationConfig::default();
    e.portfolio.cash = 100_000.0;
    e.execution.fractional = true;
    let r = run(&m, &StrategyConfig::SectorRotation(cfg), &e).unwrap();
    let bar = r.fills[0].bar;
    let p = positions_after(&r, bar, 3);
    let w = (0..3).map(|s| p[s] * m.open(s)[bar] / 100_000.0).collect();
    (bar, w)
}

fn vol_cfg() -> SectorRotationConfig {
    SectorRotationConfig {
        symbols: vec!["S0".into(), "S1".into(), "S2".into()],
        lookback: 2,
        top_k: 2,
        rebalance: Rebalance::Daily,
        vol_window: 2,
        ..Default::default()
    }
}

#[test]
fn inverse_volatility_weights_a_leg_by_one_over_vol() {
    // Over 2 log returns {0.02, 0} the sample std is 0.02 / sqrt 2; over {0.025, -0.01} it is
    // 0.035 / sqrt 2. 1/vol shares: 1/0.02 : 1/0.035 = 7 : 4 -> S0 7/11, S1 4/11 of the gross
    // 1. First decision at bar 2 (2 returns), filled at bar 3's open.
    let (bar, w) = first_weights(SectorRotationConfig {
        weighting: crate::config::SectorWeighting::InverseVolatility,
        ..vol_cfg()
    });
    assert_eq!(bar, 3);
    assert!((w[0] - 7.0 / 11.0).abs() < 1e-12, "{w:?}");
    assert!((w[1] - 4.0 / 11.0).abs() < 1e-12, "{w:?}");
    assert_eq!(w[2], 0.0);
    // Equal weighting for comparison.
    let (_, w) = first_weights(vol_cfg());
    assert!(
        (w[0] - 0.5).abs() < 1e-12 && (w[1] - 0.5).abs() < 1e-12,
        "{w:?}"
    );
}

#[test]
fn vol_target_scales_the_book_by_target_over_realized_vol_capped() {
    // Top 1 = S0 (momentum e^0.02 - 1 against e^0.015 - 1). Its simple returns over bars 1..=2:
    // e^0.02 - 1 and 0: sample std (e^0.02 - 1) / sqrt 2 a day, times sqrt 252 a year.
    let sigma = (0.02f64.exp() - 1.0) / 2f64.sqrt() * 252f64.sqrt();
    let cfg = SectorRotationConfig {
        top_k: 1,
        vol_target: Some(0.10),
        ..vol_cfg()
    };
    let (bar, w) = first_weights(cfg.clone());
    assert_eq!(bar, 3);
    assert!(
        (w[0] - 0.10 / sigma).abs() < 1e-12,
        "{w:?} vs {}",
        0.10 / sigma
    );
    assert!(w[0] < 1.0 && w[1] == 0.0 && w[2] == 0.0);
    // A target above the realized vol would lever up: capped at max_leverage.
    let (_, w) = first_weights(SectorRotationConfig {
        vol_target: Some(1.0),
        max_leverage: 2.0,
        ..cfg
    });
    assert!(1.0 / sigma > 2.0);
    assert!((w[0] - 2.0).abs() < 1e-12, "{w:?}");
}

#[test]
fn vol_settings_are_validated() {
    let bad = |c: SectorRotationConfig| {
        StrategyConfig::SectorRotation(c)
            .validate()
            .unwrap_err()
            .to_string()
    };
    let e = bad(SectorRotationConfig {
        vol_target: Some(0.1),
        vol_window: 1,
        ..vol_cfg()
    });
    assert!(e.contains("strategy.vol_window"), "{e}");
    let e = bad(SectorRotationConfig {
        vol_target: Some(-0.1),
        ..vol_cfg()
    });
    assert!(e.contains("strategy.vol_target"), "{e}");
    let e = bad(SectorRotationConfig {
        vol_target: Some(0.1),
        gross_exposure: 1.5,
        ..vol_cfg()
    });
    assert!(e.contains("strategy.max_leverage"), "{e}");
}
