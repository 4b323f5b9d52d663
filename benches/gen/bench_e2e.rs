//! rotor's side of the peer comparison, end to end in one process: start, Parquet -> Market,
//! the backtests, one JSON line of results (no report: the peers' timings compute none either;
//! `rotor run` / `rotor sweep` with their full reports are timed separately by run_all.sh).
//!
//! ```text
//! bench_e2e sma   --bars FILE [--symbol S] [--fast 10] [--slow 50] [--prefix N]
//! bench_e2e sweep --bars DIR  [--threads N] [--split 1] [--formula 1]
//! bench_e2e load  --bars FILE [--repeat 5]
//! bench_e2e rotation --bars DIR [--repeat 5]
//! ```
//! `load`: best-of-N in-process times of `load_market` and of a bare parallel Parquet -> Arrow
//! read of the same columns. `rotation`: best-of-N run times of a 50-vs-50 momentum pair and a
//! top-10/bottom-10 cross-sectional rotation, both rebalancing daily, over the 100-symbol panel.
//! `sma`: one SMA cross (long-only, all-in whole shares, next-open fills, no costs, no volume
//! cap); `--prefix N` keeps the first N bars (the slow peers' check). `sweep`: the SMA grid
//! fast 5..=50:5 x slow 20..=200:20 (fast < slow) on every symbol of the folder, in parallel on
//! one shared Market (`--split 1`: on one single-symbol Market per symbol instead, a diagnostic
//! of how much of a run's cost scales with the market's symbol count). `--formula 1` runs the same
//! grid as `kind = "formula"` sets (`ts_mean(close, fast) > ts_mean(close, slow)`, the params
//! swept, `on_signal_change`): each set compiles and evaluates its formula, then backtests.

#[path = "../common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use rotor_data::load::{load_market, LoadOptions};
use rotor_data::{Market, MarketBuilder, SymbolBars};
use rotor_engine::SimulationConfig;
use rotor_strategies::{
    FormulaConfig, Rebalance, RotationConfig, SectorRotationConfig, SmaCrossConfig, StrategyConfig,
};

/// Best wall time of `n` calls, in seconds.
fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

struct Args {
    mode: String,
    bars: PathBuf,
    symbol: Option<String>,
    fast: usize,
    slow: usize,
    prefix: Option<usize>,
    threads: Option<usize>,
    repeat: usize,
    split: bool,
    formula: bool,
}

fn parse() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mode = it
        .next()
        .ok_or("usage: bench_e2e sma|sweep --bars PATH [...]")?;
    let mut a = Args {
        mode,
        bars: PathBuf::new(),
        symbol: None,
        fast: 10,
        slow: 50,
        prefix: None,
        threads: None,
        repeat: 5,
        split: false,
        formula: false,
    };
    while let Some(k) = it.next() {
        let v = it.next().ok_or(format!("{k} needs a value"))?;
        let num = |v: &str| v.parse::<usize>().map_err(|e| format!("{k} {v}: {e}"));
        match k.as_str() {
            "--bars" => a.bars = PathBuf::from(v),
            "--symbol" => a.symbol = Some(v),
            "--fast" => a.fast = num(&v)?,
            "--slow" => a.slow = num(&v)?,
            "--prefix" => a.prefix = Some(num(&v)?),
            "--threads" => a.threads = Some(num(&v)?),
            "--repeat" => a.repeat = num(&v)?.max(1),
            "--split" => a.split = num(&v)? != 0,
            "--formula" => a.formula = num(&v)? != 0,
            _ => return Err(format!("unknown argument {k}")),
        }
    }
    if a.bars.as_os_str().is_empty() {
        return Err("--bars is required".into());
    }
    Ok(a)
}

fn exec() -> SimulationConfig {
    let mut e = SimulationConfig::default();
    e.execution.volume_cap = 0.0;
    e
}

/// The SMA cross as a formula: long while the fast mean is above the slow one.
fn sma_formula(symbol: &str, fast: usize, slow: usize) -> StrategyConfig {
    StrategyConfig::Formula(FormulaConfig {
        universe: vec![symbol.into()],
        weights: "ts_mean(close, fast) > ts_mean(close, slow)".into(),
        rebalance: Rebalance::OnSignalChange,
        params: [
            ("fast".to_string(), fast as f64),
            ("slow".to_string(), slow as f64),
        ]
        .into(),
        ..FormulaConfig::default()
    })
}

fn sma(symbol: &str, fast: usize, slow: usize) -> StrategyConfig {
    StrategyConfig::SmaCross(SmaCrossConfig {
        symbol: symbol.into(),
        fast,
        slow,
    })
}

/// The first `n` bars of symbol `s` as a market of its own.
fn prefix(m: &Market, s: usize, n: usize) -> Market {
    let n = n.min(m.n_bars());
    let mut b = MarketBuilder::new(m.is_daily());
    b.add(SymbolBars {
        symbol: m.symbols()[s].clone(),
        timestamps: m.timestamps()[..n].to_vec(),
        open: m.open(s)[..n].to_vec(),
        high: m.high(s)[..n].to_vec(),
        low: m.low(s)[..n].to_vec(),
        close: m.close(s)[..n].to_vec(),
        volume: m.volume(s)[..n].to_vec(),
        adj_close: None,
        close_only: false,
    });
    b.build()
}

fn main() -> ExitCode {
    let t0 = Instant::now();
    let a = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .expect("one global pool");
    }
    let market = match load_market(&a.bars, None, &LoadOptions::default()) {
        Ok(l) => l.market,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let load_s = t0.elapsed().as_secs_f64();
    let ex = exec();
    let t1 = Instant::now();
    match a.mode.as_str() {
        "sma" => {
            let sym = a.symbol.unwrap_or_else(|| market.symbols()[0].clone());
            let s = market.symbol_index(&sym).expect("symbol in the market");
            let m = match a.prefix {
                Some(n) => prefix(&market, s, n),
                None => market,
            };
            let r = rotor_strategies::run(&m, &sma(&sym, a.fast, a.slow), &ex).unwrap();
            let run_s = t1.elapsed().as_secs_f64();
            println!(
                "{{\"mode\":\"sma\",\"bars\":{},\"trades\":{},\"open_trades\":{},\"fills\":{},\
                 \"final_equity\":{},\"load_s\":{load_s},\"run_s\":{run_s},\"total_s\":{}}}",
                m.n_bars(),
                r.trades.len(),
                r.open_trades.len(),
                r.fills.len(),
                r.equity.last().copied().unwrap_or(f64::NAN),
                t0.elapsed().as_secs_f64()
            );
        }
        "sweep" => {
            let make = if a.formula { sma_formula } else { sma };
            let jobs: Vec<StrategyConfig> = market
                .symbols()
                .iter()
                .flat_map(|s| {
                    common::sma_grid()
                        .into_iter()
                        .map(move |(f, l)| make(s, f, l))
                })
                .collect();
            let per_symbol: Vec<Market> = if a.split {
                (0..market.n_symbols())
                    .map(|s| prefix(&market, s, market.n_bars()))
                    .collect()
            } else {
                Vec::new()
            };
            let per_set = common::sma_grid().len();
            // (closed + open trades, final equity) per job, in job order.
            let out: Vec<(usize, f64)> = jobs
                .par_iter()
                .enumerate()
                .map(|(j, cfg)| {
                    let m = per_symbol.get(j / per_set).unwrap_or(&market);
                    let r = rotor_strategies::run(m, cfg, &ex).unwrap();
                    (
                        r.trades.len() + r.open_trades.len(),
                        *r.equity.last().unwrap(),
                    )
                })
                .collect();
            let run_s = t1.elapsed().as_secs_f64();
            let trades: usize = out.iter().map(|o| o.0).sum();
            let equity: f64 = out.iter().map(|o| o.1).sum();
            println!(
                "{{\"mode\":\"sweep\",\"kind\":\"{}\",\"backtests\":{},\"bars\":{},\"symbols\":{},\
                 \"trades_incl_open\":{trades},\"sum_final_equity\":{equity},\
                 \"threads\":{},\"split\":{},\"load_s\":{load_s},\"run_s\":{run_s},\
                 \"total_s\":{}}}",
                if a.formula { "formula" } else { "sma_cross" },
                jobs.len(),
                market.n_bars(),
                market.n_symbols(),
                rayon::current_num_threads(),
                a.split,
                t0.elapsed().as_secs_f64()
            );
        }
        "load" => {
            let opts = LoadOptions::default();
            let load = best_of(a.repeat, || load_market(&a.bars, None, &opts).unwrap());
            let bare = best_of(a.repeat, || common::bare_arrow_read(&a.bars));
            println!(
                "{{\"mode\":\"load\",\"bars\":{},\"load_market_s\":{load},\"bare_arrow_s\":{bare},\
                 \"threads\":{}}}",
                market.n_bars() * market.n_symbols(),
                rayon::current_num_threads()
            );
        }
        "rotation" => {
            let syms = market.symbols().to_vec();
            let half = syms.len() / 2;
            let pair = StrategyConfig::Rotation(RotationConfig {
                long: syms[..half].to_vec(),
                short: syms[half..].to_vec(),
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
            let pair_s = best_of(a.repeat, || {
                rotor_strategies::run(&market, &pair, &ex).unwrap()
            });
            let top_s = best_of(a.repeat, || {
                rotor_strategies::run(&market, &top, &ex).unwrap()
            });
            println!(
                "{{\"mode\":\"rotation\",\"bar_events\":{},\"pair_s\":{pair_s},\"top_s\":{top_s}}}",
                market.n_bars() * market.n_symbols()
            );
        }
        m => {
            eprintln!("error: unknown mode {m} (sma, sweep, load or rotation)");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
