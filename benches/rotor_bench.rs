//! Criterion benches of issue 7: load, one SMA cross on 1M bars, rotations over a 100-symbol
//! panel, and the SMA grid sweep on 1 and 2 threads. Data: benches/common/mod.rs (generated on
//! first use into target/bench-data, or `$ROTOR_BENCH_DATA`).
//!
//! `cargo bench --bench rotor_bench` (all) or `cargo bench --bench rotor_bench -- sweep`.
//! CI only builds these (`cargo bench --no-run`); nothing here passes or fails on time.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use rotor_data::load::{load_market, LoadOptions};
use rotor_data::Market;
use rotor_engine::SimulationConfig;
use rotor_strategies::{
    Rebalance, RotationConfig, SectorRotationConfig, SmaCrossConfig, StrategyConfig,
};

/// No costs, no volume cap: the peers' setting (all-in whole shares at the next open).
fn exec() -> SimulationConfig {
    let mut e = SimulationConfig::default();
    e.execution.volume_cap = 0.0;
    e
}

fn load(path: &Path) -> Market {
    load_market(path, None, &LoadOptions::default())
        .expect("benchmark data loads")
        .market
}

fn sma(symbol: &str, fast: usize, slow: usize) -> StrategyConfig {
    StrategyConfig::SmaCross(SmaCrossConfig {
        symbol: symbol.into(),
        fast,
        slow,
    })
}

fn bench_load(c: &mut Criterion) {
    let dir = common::ensure();
    let single = common::single_path(&dir);
    let panel = common::panel_dir(&dir);
    let mut g = c.benchmark_group("load");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(common::SINGLE_BARS as u64));
    g.bench_function("market_1x1M", |b| b.iter(|| black_box(load(&single))));
    g.bench_function("bare_arrow_parallel_1x1M", |b| {
        b.iter(|| black_box(common::bare_arrow_read(&single)))
    });
    g.throughput(Throughput::Elements(
        (common::PANEL_SYMBOLS * common::PANEL_BARS) as u64,
    ));
    g.bench_function("market_100x5000", |b| b.iter(|| black_box(load(&panel))));
    g.finish();
}

fn bench_sma_cross(c: &mut Criterion) {
    let dir = common::ensure();
    let market = load(&common::single_path(&dir));
    let (cfg, ex) = (sma("BENCH", 10, 50), exec());
    let mut g = c.benchmark_group("sma_cross");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(market.n_bars() as u64));
    g.bench_function("run_1x1M", |b| {
        b.iter(|| black_box(rotor_strategies::run(&market, &cfg, &ex).unwrap()))
    });
    g.finish();
}

fn bench_rotation(c: &mut Criterion) {
    let dir = common::ensure();
    let market = load(&common::panel_dir(&dir));
    let syms = common::panel_symbols();
    let ex = exec();
    let pair = StrategyConfig::Rotation(RotationConfig {
        long: syms[..50].to_vec(),
        short: syms[50..].to_vec(),
        lookback: 60,
        rebalance: Rebalance::Daily,
        ..RotationConfig::default()
    });
    let top = StrategyConfig::SectorRotation(SectorRotationConfig {
        symbols: syms.clone(),
        lookback: 126,
        top_k: 10,
        bottom_k: 10,
        rebalance: Rebalance::Daily,
        ..SectorRotationConfig::default()
    });
    let mut g = c.benchmark_group("rotation");
    g.sample_size(20).measurement_time(Duration::from_secs(6));
    // Bar-events: one bar of one symbol.
    g.throughput(Throughput::Elements(
        (market.n_bars() * market.n_symbols()) as u64,
    ));
    g.bench_function("pair_50v50_daily_100x5000", |b| {
        b.iter(|| black_box(rotor_strategies::run(&market, &pair, &ex).unwrap()))
    });
    g.bench_function("top10_bottom10_daily_100x5000", |b| {
        b.iter(|| black_box(rotor_strategies::run(&market, &top, &ex).unwrap()))
    });
    g.finish();
}

/// The SMA grid over every panel symbol: 90 pairs x 100 symbols = 9,000 backtests of 5,000 bars.
/// A rayon loop over `rotor_strategies::run` on one shared Market (what rotor-sweep's runner
/// does per set, without its checkpoint and metrics; `rotor sweep` end to end is timed by
/// benches/peers/run_all.sh).
fn sweep(market: &Market, jobs: &[StrategyConfig], ex: &SimulationConfig) -> f64 {
    jobs.par_iter()
        .map(|cfg| {
            let r = rotor_strategies::run(market, cfg, ex).unwrap();
            *r.equity.last().unwrap()
        })
        .sum()
}

fn bench_sweep(c: &mut Criterion) {
    let dir = common::ensure();
    let market = load(&common::panel_dir(&dir));
    let ex = exec();
    let jobs: Vec<StrategyConfig> = common::panel_symbols()
        .iter()
        .flat_map(|s| {
            common::sma_grid()
                .into_iter()
                .map(move |(f, l)| sma(s, f, l))
        })
        .collect();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    // Elements = backtests; bar-evaluations/s = this x 5,000 (printed by benches/peers/run_all.sh).
    g.throughput(Throughput::Elements(jobs.len() as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("sma_grid_9000x5000_threads{threads}"), |b| {
            b.iter(|| pool.install(|| black_box(sweep(&market, &jobs, &ex))))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_load,
    bench_sma_cross,
    bench_rotation,
    bench_sweep
);
criterion_main!(benches);
