//! `rotation` signals, weightings, `on_signal_change` and stops on hand-built markets.

use rotor_engine::{RunResult, SimulationConfig};

use super::support::{from_closes, market, named, Bar};
use crate::config::{Rebalance, RotationConfig, Signal, StrategyConfig, Weighting};
use crate::run;

fn exp_path(log_returns: impl Fn(usize) -> f64, n: usize) -> Vec<f64> {
    let mut lp = 100f64.ln();
    (0..n)
        .map(|i| {
            if i > 0 {
                lp += log_returns(i);
            }
            lp.exp()
        })
        .collect()
}

fn go(m: &rotor_data::Market, c: RotationConfig) -> RunResult {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = 100_000.0;
    run(m, &StrategyConfig::Rotation(c), &e).unwrap()
}

fn pair(long: &str, short: &str) -> RotationConfig {
    RotationConfig {
        long: vec![long.into()],
        short: vec![short.into()],
        rebalance: Rebalance::Daily,
        ..Default::default()
    }
}

fn positions_after(r: &RunResult, t: usize, k: usize) -> Vec<f64> {
    let mut p = vec![0.0; k];
    for f in r.fills.iter().filter(|f| f.bar <= t) {
        p[f.symbol] += f.quantity;
    }
    p
}

fn fill_bars(r: &RunResult) -> Vec<usize> {
    let mut b: Vec<usize> = r.fills.iter().map(|f| f.bar).collect();
    b.dedup();
    b
}

fn seesaw(n: usize, turn: usize) -> Vec<(String, Vec<Bar>)> {
    let up = |i: usize| {
        if i < turn {
            0.01f64.ln_1p()
        } else {
            (-0.01f64).ln_1p()
        }
    };
    named(vec![
        ("A", from_closes(&exp_path(up, n))),
        ("B", from_closes(&exp_path(|i| -up(i), n))),
    ])
}

#[test]
fn zscore_sells_a_spread_spike_and_closes_when_it_reverts() {
    // B wiggles by 0.1% around 100, drops 10% for bars 30..=34 and comes back at 35.
    let b: Vec<f64> = (0..50)
        .map(|i| {
            let base = if (30..35).contains(&i) { 90.0 } else { 100.0 };
            base * if i % 2 == 0 { 1.001 } else { 0.999 }
        })
        .collect();
    let m = market(&named(vec![
        ("A", from_closes(&[100.0; 50])),
        ("B", from_closes(&b)),
    ]));
    let mut c = pair("A", "B");
    c.signal = Signal::Zscore;
    c.window = 10;
    c.rebalance = Rebalance::OnSignalChange;
    let r = go(&m, c);
    // Spread ln(A) - ln(B) jumps at bar 30 (z about 2.85 > 2): short A, long B at bar 31's open;
    // back at bar 35 (z about -0.95, inside exit_z after the spike): flat at bar 36.
    assert_eq!(fill_bars(&r), vec![31, 36]);
    let p = positions_after(&r, 31, 2);
    assert!(p[0] < 0.0 && p[1] > 0.0, "{p:?}");
    assert_eq!(positions_after(&r, 36, 2), vec![0.0, 0.0]);
    assert!(r.final_equity() > 100_000.0);
}

#[test]
fn trend_follows_the_ratio_above_its_sma_and_flips_below() {
    let m = market(&seesaw(45, 30));
    let mut c = pair("A", "B");
    c.signal = Signal::Trend;
    c.window = 5;
    c.rebalance = Rebalance::OnSignalChange;
    let r = go(&m, c);
    // SMA(5) of the log ratio is defined at bar 4: the ratio rises, so long A at bar 5. It falls
    // from bar 30; at bar 31 it is below its SMA (27 < 27.8 steps): reversed at bar 32.
    assert_eq!(fill_bars(&r), vec![5, 32]);
    let p = positions_after(&r, 5, 2);
    assert!(p[0] > 0.0 && p[1] < 0.0);
    let p = positions_after(&r, 32, 2);
    assert!(p[0] < 0.0 && p[1] > 0.0);
}

#[test]
fn on_signal_change_trades_only_at_the_turns() {
    let m = market(&seesaw(45, 30));
    let mut c = pair("A", "B");
    c.lookback = 5;
    c.rebalance = Rebalance::OnSignalChange;
    assert_eq!(fill_bars(&go(&m, c)), vec![6, 33]);
}

/// Two-thirds / one-third split in dollars at bar `t`'s open, within a share.
fn assert_split(m: &rotor_data::Market, r: &RunResult, t: usize, long_usd: f64, short_usd: f64) {
    let p = positions_after(r, t, m.n_symbols());
    let (oa, ob) = (m.open(0)[t], m.open(1)[t]);
    let eq = 100_000.0;
    assert!(
        (p[0] * oa - long_usd * eq).abs() <= oa * 2.0,
        "{} vs {}",
        p[0] * oa,
        long_usd * eq
    );
    assert!(
        (-p[1] * ob - short_usd * eq).abs() <= ob * 2.0,
        "{} vs {}",
        -p[1] * ob,
        short_usd * eq
    );
}

#[test]
fn inverse_volatility_gives_the_calmer_leg_more_dollars() {
    // Log returns: A alternates +3% / -1% (vol twice B's), B alternates +1% / -1%.
    let a = exp_path(|i| if i % 2 == 1 { 0.03 } else { -0.01 }, 30);
    let b = exp_path(|i| if i % 2 == 1 { 0.01 } else { -0.01 }, 30);
    let m = market(&named(vec![("A", from_closes(&a)), ("B", from_closes(&b))]));
    let mut c = pair("A", "B");
    c.lookback = 4;
    c.vol_window = 4;
    c.weighting = Weighting::InverseVolatility;
    c.rebalance = Rebalance::OnSignalChange;
    let r = go(&m, c);
    // Vols need 4 returns (bar 4); momentum needs bar 4 too: decided at 4, filled at 5.
    assert_eq!(fill_bars(&r), vec![5]);
    assert_split(&m, &r, 5, 1.0 / 3.0, 2.0 / 3.0);
}

#[test]
fn beta_neutral_sizes_legs_inversely_to_their_betas() {
    // M alternates +1% / -1% (log); A = 2 M + 0.5% drift (beta 2), B = M (beta 1).
    let rm = |i: usize| if i % 2 == 1 { 0.01 } else { -0.01 };
    let a = exp_path(|i| 2.0 * rm(i) + 0.005, 30);
    let b = exp_path(rm, 30);
    let mk = exp_path(rm, 30);
    let m = market(&named(vec![
        ("A", from_closes(&a)),
        ("B", from_closes(&b)),
        ("M", from_closes(&mk)),
    ]));
    let mut c = pair("A", "B");
    c.lookback = 4;
    c.vol_window = 4;
    c.weighting = Weighting::BetaNeutral;
    c.benchmark = Some("M".into());
    c.rebalance = Rebalance::OnSignalChange;
    let r = go(&m, c);
    assert_eq!(fill_bars(&r), vec![5]);
    assert_split(&m, &r, 5, 1.0 / 3.0, 2.0 / 3.0);
    assert!(
        r.fills.iter().all(|f| f.symbol != 2),
        "the benchmark is never traded"
    );
}

#[test]
fn take_profit_exits_and_waits_for_the_signal_to_change() {
    let m = market(&seesaw(45, 30));
    let mut c = pair("A", "B");
    c.lookback = 5;
    c.take_profit = Some(0.045);
    c.rebalance = Rebalance::OnSignalChange;
    let r = go(&m, c);
    // Entered at bar 6 (equity at bar 5's close is the reference); about +1% a bar, so +5%
    // at bar 10's close: out at bar 11; re-entered reversed when the signal turns (bar 33),
    // which earns +1% a bar again and is taken out the same way five bars later.
    assert_eq!(fill_bars(&r), vec![6, 11, 33, 38]);
    assert_eq!(positions_after(&r, 11, 2), vec![0.0, 0.0]);
    let p = positions_after(&r, 33, 2);
    assert!(p[0] < 0.0 && p[1] > 0.0);
}

#[test]
fn stop_loss_cuts_a_losing_pair() {
    // A rises for 10 bars then falls; lookback 10 keeps the signal long for a while.
    let m = market(&seesaw(40, 11));
    let mut c = pair("A", "B");
    c.lookback = 10;
    c.stop_loss = Some(0.025);
    c.rebalance = Rebalance::OnSignalChange;
    let r = go(&m, c);
    // Long A / short B at bar 11; -1%, -2%, -3% at closes 11, 12, 13: out at bar 14; the
    // signal stays long until momentum turns (A's 10-bar return < B's), then reversed.
    let bars = fill_bars(&r);
    assert_eq!(bars[..2], [11, 14]);
    assert_eq!(positions_after(&r, 14, 2), vec![0.0, 0.0]);
    assert_eq!(bars.len(), 3);
    let p = positions_after(&r, bars[2], 2);
    assert!(p[0] < 0.0 && p[1] > 0.0);
    assert!(bars[2] > 15);
}

#[test]
fn rolling_windows_without_memory_are_an_out_of_memory_error_naming_them() {
    let huge = RotationConfig {
        vol_window: usize::MAX / 64,
        ..pair("A", "B")
    };
    let err = crate::Rotation::new(vec![0], vec![1], None, huge.clone(), true).unwrap_err();
    assert!(err.is_out_of_memory());
    assert_eq!(
        err.to_string(),
        "out of memory: the rotation strategy's rolling windows (strategy.vol_window per member, \
         strategy.window) need 2305843009.21 GB; give rotor more memory (ulimit -v, the \
         container's limit), or run fewer symbols or a shorter date range"
    );
    let small = RotationConfig {
        vol_window: 20,
        ..huge
    };
    assert!(crate::Rotation::new(vec![0], vec![1], None, small, true).is_ok());
}
