//! One parameter set: its resolved spec, its backtest and its statistics.
//!
//! Invariant: [`evaluate`] is a pure function of (market, spec): the same inputs give
//! bit-identical metrics on any thread, which is what makes a sweep's output independent of the
//! thread count. The report view ([`summarize`]) mirrors what `rotor run` builds, so a sweep row
//! equals the stats.json of `rotor run --set ...` with the same values.

use rotor_data::Market;
use rotor_engine::{RunResult, SimulationConfig};
use rotor_report::alloc::{never_fails, Grow, Reserve};
use rotor_report::stats::{compute_stats_with, Intervals, INTERVAL_METRICS};
use rotor_report::{Benchmark, RunSummary, Stats, TradeRecord};
use rotor_strategies::{SharedIndicators, StrategyConfig, StrategyError};

/// Everything a run needs from a resolved config.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Strategy name for reports.
    pub name: String,
    /// What to trade.
    pub strategy: StrategyConfig,
    /// Capital and costs.
    pub simulation: SimulationConfig,
    /// Benchmark symbol, if any.
    pub benchmark: Option<String>,
    /// Annual risk-free rate.
    pub risk_free: f64,
    /// Periods per year override.
    pub periods_per_year: Option<f64>,
    /// Bars of warm-up history the run wants before its trading start (`data.warmup`, else
    /// what the strategy needs).
    pub warmup: usize,
}

impl Spec {
    /// Symbols this spec needs in the market: the strategy's, then the benchmark.
    pub fn symbols(&self) -> Vec<String> {
        let mut s = self.strategy.symbols();
        if let Some(b) = &self.benchmark {
            if !s.contains(b) {
                s.push(b.clone());
            }
        }
        s
    }
}

/// What a parameter set produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The set ran: its metrics in [`metric_columns`] order (NaN = undefined), its per-bar
    /// returns when kept (for PBO) and its equity curve when kept (`--keep-curves`).
    Done {
        /// Metric values.
        metrics: Vec<f64>,
        /// Per-bar simple returns, f32, when kept.
        returns: Option<Vec<f32>>,
        /// Equity at each close, when kept.
        equity: Option<Vec<f64>>,
    },
    /// The set's config is invalid (e.g. fast >= slow): skipped, with the reason.
    Invalid(String),
}

/// A finished run in report form.
#[derive(Debug, Clone)]
pub struct TrialResult {
    /// The report's view of the run.
    pub summary: RunSummary,
    /// Its statistics.
    pub stats: Stats,
}

/// The sweep's metric columns: every stats.json key, in stats.json order.
pub fn metric_columns() -> Vec<&'static str> {
    let mut v = Stats::metric_names().to_vec();
    v.push("periods");
    v.push("fills");
    v
}

/// The metrics of `stats` in [`metric_columns`] order, NaN where undefined.
pub fn metric_values(stats: &Stats) -> Vec<f64> {
    let mut v: Vec<f64> = stats.values().map(|x| x.unwrap_or(f64::NAN)).collect();
    v.push(stats.periods as f64);
    v.push(stats.fills as f64);
    v
}

/// The columns of the bootstrap interval metrics in [`metric_columns`] order.
pub fn interval_columns() -> Vec<usize> {
    let cols = metric_columns();
    INTERVAL_METRICS
        .iter()
        .filter_map(|k| cols.iter().position(|c| c == k))
        .collect()
}

/// Re-runs `spec` (deterministic) and returns its bootstrap interval metrics, in
/// [`interval_columns`] order (NaN where undefined).
pub fn interval_values(market: &Market, spec: &Spec) -> Result<Vec<f64>, String> {
    let (_, t) = evaluate(market, spec, Intervals::Bootstrap)?;
    Ok(INTERVAL_METRICS
        .iter()
        .map(|k| t.stats.get(k).unwrap_or(f64::NAN))
        .collect())
}

/// The report's plain-data view of one run (what `rotor run` reports).
pub fn summarize(spec: &Spec, market: &Market, result: &RunResult) -> RunSummary {
    never_fails(summarize_in(spec, market, result, &Grow))
}

/// [`summarize`], its copies of the four per-bar series (32 bytes a bar) reserved by `r`.
pub fn summarize_in<R: Reserve>(
    spec: &Spec,
    market: &Market,
    result: &RunResult,
    r: &R,
) -> Result<RunSummary, R::Error> {
    let what = "the report's copy of the run's per-bar curves";
    let copy = |v: &[f64]| -> Result<Vec<f64>, R::Error> {
        let mut c = r.with_capacity(v.len(), what)?;
        c.extend_from_slice(v);
        Ok(c)
    };
    let mut timestamps = r.with_capacity(result.timestamps.len(), what)?;
    timestamps.extend_from_slice(&result.timestamps);
    Ok(RunSummary {
        timestamps,
        equity: copy(&result.equity)?,
        long_exposure: copy(&result.long_exposure)?,
        short_exposure: copy(&result.short_exposure)?,
        ..summary_without_series(spec, market, result)
    })
}

/// [`summarize`] taking the per-bar series out of `result` instead of copying them.
pub fn into_summary(spec: &Spec, market: &Market, mut result: RunResult) -> RunSummary {
    RunSummary {
        timestamps: std::mem::take(&mut result.timestamps),
        equity: std::mem::take(&mut result.equity),
        long_exposure: std::mem::take(&mut result.long_exposure),
        short_exposure: std::mem::take(&mut result.short_exposure),
        ..summary_without_series(spec, market, &result)
    }
}

/// [`summarize`] with the four per-bar series (timestamps, equity, exposures) left empty.
fn summary_without_series(spec: &Spec, market: &Market, result: &RunResult) -> RunSummary {
    let symbols = market.symbols();
    let trades = result
        .trades
        .iter()
        .map(|t| TradeRecord {
            symbol: symbols[t.symbol].clone(),
            entry_ts: t.entry_timestamp,
            exit_ts: t.exit_timestamp,
            quantity: t.quantity,
            entry_price: t.entry_price,
            exit_price: t.exit_price,
            pnl: t.pnl,
            ret: t.trade_return,
            holding_bars: t.holding_bars,
        })
        .collect();
    let benchmark = spec.benchmark.as_ref().and_then(|b| {
        market.symbol_index(b).map(|s| Benchmark {
            name: b.clone(),
            // Priced like the strategy's holdings: adjusted when the run adjusts; from the
            // trading start, like the curve.
            prices: rotor_engine::prices::closes(market, s, spec.simulation.execution.adjust)
                [market.trading_start()..]
                .to_vec(),
            // Held from the first close: the first bar has no benchmark return.
            base: None,
        })
    });
    RunSummary {
        name: spec.name.clone(),
        timestamps: Vec::new(),
        equity: Vec::new(),
        initial_equity: result.initial_cash,
        long_exposure: Vec::new(),
        short_exposure: Vec::new(),
        trades,
        fills: result.fills.len(),
        traded_notional: result
            .fills
            .iter()
            .map(|f| (f.quantity * f.price).abs())
            .sum(),
        commission_paid: result.commission_paid,
        slippage_paid: result.slippage_paid,
        borrow_paid: result.borrow_paid,
        interest_earned: result.interest_earned,
        periods_per_year: spec
            .periods_per_year
            .unwrap_or_else(|| market.periods_per_year()),
        risk_free_annual: spec.risk_free,
        benchmark,
    }
}

/// Runs `spec` on `market` and computes its statistics (with the bootstrap intervals when
/// `intervals` says so). `Err` carries the strategy's own validation message (an invalid
/// combination).
pub fn evaluate(
    market: &Market,
    spec: &Spec,
    intervals: Intervals,
) -> Result<(RunResult, TrialResult), String> {
    evaluate_shared(market, spec, intervals, None)
}

/// [`evaluate`] with a sweep's shared indicator columns (the same result, bit for bit).
pub fn evaluate_shared(
    market: &Market,
    spec: &Spec,
    intervals: Intervals,
    shared: Option<&SharedIndicators<'_>>,
) -> Result<(RunResult, TrialResult), String> {
    let result = rotor_strategies::run_shared(market, &spec.strategy, &spec.simulation, shared)
        .map_err(|e| e.to_string())?;
    let summary = summarize(spec, market, &result);
    let stats = compute_stats_with(&summary, intervals);
    Ok((result, TrialResult { summary, stats }))
}

/// The bootstrap intervals a ranking by `metric` needs for every set: all of them when it
/// ranks by an interval bound, else none (they are computed only for the sets shown).
pub fn intervals_to_rank_by(metric: &str) -> Intervals {
    if INTERVAL_METRICS.contains(&metric) {
        Intervals::Bootstrap
    } else {
        Intervals::Skip
    }
}

/// Runs one set and keeps what the sweep asked for: every point metric, the interval columns
/// NaN (the output stage fills them for the sets it shows, see [`interval_values`]). No memory
/// for the run's buffers is `Err` ([`StrategyError::is_out_of_memory`]), never an
/// [`Outcome::Invalid`]: the machine's limit, not the set's.
pub fn outcome(
    market: &Market,
    spec: &Spec,
    shared: Option<&SharedIndicators<'_>>,
    keep_returns: bool,
    keep_equity: bool,
) -> Result<Outcome, StrategyError> {
    let run = rotor_strategies::try_run_shared(market, &spec.strategy, &spec.simulation, shared);
    let result = match run {
        Ok(r) => r,
        Err(e) if e.is_out_of_memory() => return Err(e),
        Err(e) => return Ok(Outcome::Invalid(e.to_string())),
    };
    let returns = keep_returns.then(|| result.returns().iter().map(|&r| r as f32).collect());
    let summary = into_summary(spec, market, result);
    let stats = compute_stats_with(&summary, Intervals::Skip);
    Ok(Outcome::Done {
        metrics: metric_values(&stats),
        returns,
        equity: keep_equity.then_some(summary.equity),
    })
}
