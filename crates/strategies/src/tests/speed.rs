//! Throughput probe (ignored by default): run with
//! `cargo test --release -p rotor-strategies -- --ignored --nocapture speed`.

use std::time::Instant;

use rotor_data::time::NS_PER_SEC;
use rotor_data::{MarketBuilder, SymbolBars};
use rotor_engine::SimulationConfig;

use crate::config::{SmaCrossConfig, StrategyConfig};
use crate::run;
use rotor_rng::SplitMix64;

#[test]
#[ignore]
fn speed_sma_cross_on_a_long_series() {
    let n: usize = std::env::var("SPEED_BARS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000);
    let mut rng = SplitMix64::new(7);
    let mut bars = SymbolBars {
        symbol: "X".into(),
        ..SymbolBars::default()
    };
    // Mean-reverting log price, so 5M bars stay in a tradable range (a plain random walk drifts
    // to prices where all-in sizing buys zero shares and the strategy stops trading).
    let mut log_px: f64 = 0.0;
    let mut px = 100.0;
    for i in 0..n {
        let o = px;
        log_px = 0.999 * log_px + 0.02 * (rng.next_f64() - 0.5);
        px = 100.0 * log_px.exp();
        // Minute bars: 5M daily bars would overflow i64 nanoseconds (~292 years).
        bars.timestamps.push(i as i64 * 60 * NS_PER_SEC);
        bars.open.push(o);
        bars.high.push(o.max(px));
        bars.low.push(o.min(px));
        bars.close.push(px);
        bars.volume.push(1e6);
    }
    let mut b = MarketBuilder::new(false);
    b.add(bars);
    let m = b.build();
    let cfg = StrategyConfig::SmaCross(SmaCrossConfig {
        symbol: "X".into(),
        fast: 10,
        slow: 20,
    });
    let exec = SimulationConfig::default();
    let mut best = f64::INFINITY;
    let mut trades = 0;
    let mut fills = 0;
    let mut equity = 0.0;
    for _ in 0..3 {
        let t0 = Instant::now();
        let r = run(&m, &cfg, &exec).unwrap();
        best = best.min(t0.elapsed().as_secs_f64());
        trades = r.trades.len();
        fills = r.fills.len();
        equity = r.final_equity();
    }
    assert!(
        trades > n / 100,
        "the probe must exercise fills, not only the SMAs"
    );
    eprintln!(
        "sma_cross 10/20: {n} bars, {fills} fills, {trades} trades, final equity {equity:.0}, \
         best of 3: {:.3} s = {:.1} M bars/s",
        best,
        n as f64 / best / 1e6
    );
}
