//! The statistics of one run: one `Option<f64>` per metric, computed from plain data.
//!
//! Invariant: every `Some` value is finite; `None` means "undefined" (null in JSON, "n/a" in
//! text); the metric keys and their order are those of issue 5 and never change silently.

use serde_json::{Map, Value};

use crate::alloc::{never_fails, Grow, Reserve};
use crate::input::RunSummary;
use crate::metrics::onepass::ReturnPass;
use crate::metrics::util::per_period_rate;
use crate::metrics::{
    benchmark as bm, bootstrap, drawdown as dd, periods, returns as rt, trades as tr,
};

/// How a metric's value is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// A fraction shown as a percentage.
    Percent,
    /// A plain ratio with two decimals.
    Ratio,
    /// A count or a number of sessions (integer).
    Count,
    /// An amount of money (account currency).
    Money,
}

macro_rules! define_stats {
    ($( $key:ident : $kind:ident, $label:literal, $doc:literal; )*) => {
        /// Statistics of one run. Each metric is `None` when undefined; see the module docs of
        /// [`crate::metrics`] for every formula and its source.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Stats {
            $( #[doc = $doc] pub $key: Option<f64>, )*
            /// Number of bars (returns) in the run.
            pub periods: usize,
            /// Number of fills.
            pub fills: usize,
        }

        const METRICS: &[(&str, MetricKind, &str)] = &[ $( (stringify!($key), MetricKind::$kind, $label), )* ];
        const NAMES: &[&str] = &[ $( stringify!($key), )* ];

        impl Stats {
            /// The value of the metric `key` (a stats.json key); `None` when undefined or unknown.
            /// The counts are available as `"periods"` and `"fills"`.
            pub fn get(&self, key: &str) -> Option<f64> {
                match key {
                    $( stringify!($key) => self.$key, )*
                    "periods" => Some(self.periods as f64),
                    "fills" => Some(self.fills as f64),
                    _ => None,
                }
            }

            /// Every metric's value, in [`Stats::metric_names`] order (the counts not included).
            pub fn values(&self) -> impl Iterator<Item = Option<f64>> {
                [ $( self.$key, )* ].into_iter()
            }

            fn set(&mut self, key: &str, v: Option<f64>) {
                // `+ 0.0` makes -0.0 (an empty f64 sum is -0.0) the 0 it is: "-0.00" and
                // `-0.0` in stats.json read as a tiny negative figure.
                let v = v.filter(|x| x.is_finite()).map(|x| x + 0.0);
                match key {
                    $( stringify!($key) => self.$key = v, )*
                    _ => {}
                }
            }
        }
    };
}

define_stats! {
    total_return: Percent, "Total return", "Total return `prod(1 + r) - 1`.";
    cagr: Percent, "CAGR", "Compound annual growth rate by the number of periods.";
    annual_volatility: Percent, "Annual volatility", "`std(r, ddof=1) * sqrt(A)`.";
    sharpe: Ratio, "Sharpe", "Annualized Sharpe ratio of `r - rf`, ddof 1.";
    sortino: Ratio, "Sortino", "Annualized Sortino ratio, downside deviation over all observations.";
    calmar: Ratio, "Calmar", "CAGR / |max drawdown|.";
    omega: Ratio, "Omega", "Omega ratio at threshold 0.";
    max_drawdown: Percent, "Max drawdown", "Maximum drawdown, a negative fraction.";
    max_drawdown_duration: Count, "Max drawdown length (sessions)", "Longest drawdown, peak to recovery, in sessions.";
    avg_drawdown: Percent, "Avg drawdown", "Mean depth of the drawdown episodes.";
    ulcer_index: Percent, "Ulcer index", "`sqrt(sum(dd^2) / (n - 1))`.";
    skew: Ratio, "Skew", "Sample skewness (pandas).";
    kurtosis: Ratio, "Excess kurtosis", "Sample excess kurtosis (pandas).";
    var_95: Percent, "VaR 95% (daily)", "Historical 95% value at risk, as a return.";
    cvar_95: Percent, "CVaR 95% (daily)", "Historical 95% conditional value at risk, as a return.";
    tail_ratio: Ratio, "Tail ratio", "`|p95| / |p5|` of the returns.";
    best_day: Percent, "Best day", "Best single-period return.";
    worst_day: Percent, "Worst day", "Worst single-period return.";
    best_month: Percent, "Best month", "Best calendar-month return.";
    worst_month: Percent, "Worst month", "Worst calendar-month return.";
    win_rate_days: Percent, "Winning days", "Share of positive periods among non-flat periods.";
    stability: Ratio, "Stability (R^2)", "R^2 of log wealth on time.";
    alpha: Percent, "Alpha (annual)", "Annualized alpha against the benchmark.";
    beta: Ratio, "Beta", "Beta against the benchmark.";
    information_ratio: Ratio, "Information ratio", "Annualized information ratio.";
    tracking_error: Percent, "Tracking error", "Annualized tracking error.";
    correlation: Ratio, "Correlation", "Correlation with the benchmark's returns.";
    up_capture: Ratio, "Up capture", "Up-market capture ratio.";
    down_capture: Ratio, "Down capture", "Down-market capture ratio.";
    trades: Count, "Trades", "Number of closed round trips.";
    win_rate: Percent, "Win rate", "Share of trades with a positive pnl.";
    profit_factor: Ratio, "Profit factor", "Gross profit / gross loss.";
    expectancy: Money, "Expectancy", "Mean pnl per trade.";
    avg_win: Money, "Avg win", "Mean pnl of winning trades.";
    avg_loss: Money, "Avg loss", "Mean pnl of losing trades.";
    avg_holding_sessions: Ratio, "Avg holding (sessions)", "Mean holding period in sessions.";
    turnover: Ratio, "Turnover (x/year)", "Annualized turnover: traded notional / mean equity / years.";
    avg_gross_exposure: Percent, "Avg gross exposure", "Mean (long + short) / equity.";
    avg_net_exposure: Percent, "Avg net exposure", "Mean (long - short) / equity.";
    commission_paid: Money, "Commission", "Commission paid.";
    slippage_paid: Money, "Slippage", "Slippage paid.";
    borrow_paid: Money, "Borrow fees", "Borrow fees paid.";
    interest_earned: Money, "Interest on cash", "Net interest credited on cash (negative: paid on negative cash).";
    sharpe_se: Ratio, "Sharpe SE, Lo (autocorrelation-adj.)", "Standard error of the annual Sharpe (Lo 2002, autocorrelation-adjusted).";
    sharpe_se_iid: Ratio, "Sharpe SE, Mertens iid (used by PSR)", "Standard error of the annual Sharpe for non-normal iid returns (Mertens 2002), the one the PSR uses.";
    psr: Percent, "Prob. Sharpe > 0 (PSR)", "Probabilistic Sharpe Ratio against 0, with the iid (Mertens) standard error.";
    sharpe_ci_low: Ratio, "Sharpe 95% CI low", "Bootstrap 2.5% percentile of the Sharpe.";
    sharpe_ci_high: Ratio, "Sharpe 95% CI high", "Bootstrap 97.5% percentile of the Sharpe.";
    cagr_ci_low: Percent, "CAGR 95% CI low", "Bootstrap 2.5% percentile of the CAGR.";
    cagr_ci_high: Percent, "CAGR 95% CI high", "Bootstrap 97.5% percentile of the CAGR.";
}

impl Stats {
    /// The stats.json keys, in the order of issue 5.
    pub fn metric_names() -> &'static [&'static str] {
        NAMES
    }

    /// Display kind and human label of a metric key.
    pub fn metric_info(key: &str) -> Option<(MetricKind, &'static str)> {
        METRICS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, kind, label)| (*kind, *label))
    }

    /// Flat JSON object: every metric in [`Stats::metric_names`] order (null when undefined;
    /// `trades` and `max_drawdown_duration` as integers), then `periods` and `fills`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (key, kind, _) in METRICS {
            m.insert((*key).to_string(), json_value(self.get(key), *kind));
        }
        m.insert("periods".into(), Value::from(self.periods as u64));
        m.insert("fills".into(), Value::from(self.fills as u64));
        Value::Object(m)
    }
}

/// A metric's JSON value: null when undefined, an integer for whole counts, else a number.
pub(crate) fn json_value(v: Option<f64>, kind: MetricKind) -> Value {
    match (v, kind) {
        (Some(x), MetricKind::Count) if x.fract() == 0.0 && x.abs() < 9e15 => Value::from(x as i64),
        (Some(x), _) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
        (None, _) => Value::Null,
    }
}

/// Per-period risk-free rate of a run, `(1 + rf)^(1/A) - 1`.
fn rf_per_period(run: &RunSummary) -> f64 {
    per_period_rate(run.risk_free_annual, run.periods_per_year)
}

/// The metrics from the bootstrap (the only ones [`Intervals::Skip`] leaves out).
pub const INTERVAL_METRICS: [&str; 4] = [
    "sharpe_ci_low",
    "sharpe_ci_high",
    "cagr_ci_low",
    "cagr_ci_high",
];

/// Whether [`compute_stats_with`] computes the bootstrap confidence intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intervals {
    /// Every metric, with the bootstrap intervals (`rotor run`, the sweep's top sets).
    Bootstrap,
    /// Every point metric; the four `*_ci_*` metrics stay `None` (a sweep's other sets).
    Skip,
}

/// The returns-based and confidence metrics of a return series (NaN = no return that bar),
/// from a few passes over it (see [`crate::metrics::onepass`]).
fn fill_return_metrics<R: Reserve>(
    s: &mut Stats,
    r: &[f64],
    timestamps: &[i64],
    (a, rf): (f64, f64),
    intervals: Intervals,
    res: &R,
) -> Result<(), R::Error> {
    let finite = res.with_capacity(r.len(), "the report's finite returns")?;
    let mut p = ReturnPass::in_buffer(r, rf, a, finite);
    let cagr = p.cagr();
    let dd = dd::summary(r);
    let mdd = dd.max_drawdown;
    s.set("total_return", p.total_return());
    s.set("cagr", cagr);
    s.set("annual_volatility", p.annual_volatility());
    s.set("sharpe", p.sharpe());
    s.set("sortino", p.sortino());
    s.set(
        "calmar",
        match (cagr, mdd) {
            (Some(c), Some(m)) if m < 0.0 => Some(c / m.abs()),
            _ => None,
        },
    );
    s.set("omega", p.omega());
    s.set("max_drawdown", mdd);
    s.set("max_drawdown_duration", dd.max_duration);
    s.set("avg_drawdown", dd.avg_drawdown);
    s.set("ulcer_index", dd.ulcer_index);
    s.set("skew", p.skew());
    s.set("kurtosis", p.kurtosis());
    s.set("best_day", p.best());
    s.set("worst_day", p.worst());
    let months = periods::month_range(timestamps, r);
    s.set("best_month", months.map(|m| m.1));
    s.set("worst_month", months.map(|m| m.0));
    s.set("win_rate_days", p.win_rate_days());
    s.set("sharpe_se", p.sharpe_se());
    s.set("sharpe_se_iid", p.sharpe_se_iid());
    s.set("psr", p.psr());
    if intervals == Intervals::Bootstrap {
        // Before the tails: the bootstrap reads the finite returns in their order.
        let (ci, stability) = bootstrap::intervals_and_stability_in(p.finite(), rf, a, res)?;
        s.set("stability", stability);
        s.set("sharpe_ci_low", ci.sharpe.map(|c| c.0));
        s.set("sharpe_ci_high", ci.sharpe.map(|c| c.1));
        s.set("cagr_ci_low", ci.cagr.map(|c| c.0));
        s.set("cagr_ci_high", ci.cagr.map(|c| c.1));
    } else {
        s.set("stability", rt::stability_finite(p.finite()));
    }
    let tails = p.tails();
    s.set("var_95", tails.var_95);
    s.set("cvar_95", tails.cvar_95);
    s.set("tail_ratio", tails.tail_ratio);
    Ok(())
}

/// The run's per-bar simple returns (see [`crate::metrics::returns::simple_returns`]).
pub fn run_returns(run: &RunSummary) -> Vec<f64> {
    rt::simple_returns(run.initial_equity, &run.equity)
}

/// The benchmark's per-bar returns aligned to the run (first bar NaN unless its `base` is known),
/// if there is a benchmark.
pub fn benchmark_returns(run: &RunSummary) -> Option<Vec<f64>> {
    never_fails(benchmark_returns_in(run, &Grow))
}

/// [`benchmark_returns`], reserved by `r`.
fn benchmark_returns_in<R: Reserve>(run: &RunSummary, r: &R) -> Result<Option<Vec<f64>>, R::Error> {
    let Some(b) = run.benchmark.as_ref() else {
        return Ok(None);
    };
    let n = b.prices.len().max(run.equity.len());
    let mut v = r.with_capacity(n, "the report's benchmark returns")?;
    rt::extend_price_returns_from(&mut v, b.base, &b.prices);
    v.resize(run.equity.len(), f64::NAN);
    Ok(Some(v))
}

/// Computes every metric of the run. Never panics: empty series, NaN and zero equity give `None`
/// for the metrics they leave undefined.
pub fn compute_stats(run: &RunSummary) -> Stats {
    compute_stats_with(run, Intervals::Bootstrap)
}

/// [`compute_stats`], with or without the bootstrap intervals (the costly part of a short
/// run's statistics; every other metric is the same either way).
pub fn compute_stats_with(run: &RunSummary, intervals: Intervals) -> Stats {
    never_fails(compute_stats_in(run, intervals, &Grow))
}

/// [`compute_stats_with`], its per-bar vectors (returns, finite returns, bootstrap prefix sums,
/// benchmark returns: up to 56 bytes a bar) reserved by `res`, whose error is returned when
/// one does not fit. The same statistics, bit for bit.
pub fn compute_stats_in<R: Reserve>(
    run: &RunSummary,
    intervals: Intervals,
    res: &R,
) -> Result<Stats, R::Error> {
    let a = run.periods_per_year;
    let rf = rf_per_period(run);
    let mut r = res.with_capacity(run.equity.len(), "the report's per-bar returns")?;
    rt::extend_simple_returns(&mut r, run.initial_equity, &run.equity);
    let mut s = Stats {
        periods: r.len(),
        fills: run.fills,
        ..Default::default()
    };
    fill_return_metrics(&mut s, &r, &run.timestamps, (a, rf), intervals, res)?;
    if let Some(b) = benchmark_returns_in(run, res)? {
        s.set("alpha", bm::alpha(&r, &b, rf, a));
        s.set("beta", bm::beta(&r, &b));
        s.set("information_ratio", bm::information_ratio(&r, &b, a));
        s.set("tracking_error", bm::tracking_error(&r, &b, a));
        s.set("correlation", bm::correlation(&r, &b));
        s.set("up_capture", bm::up_capture(&r, &b, a));
        s.set("down_capture", bm::down_capture(&r, &b, a));
    }
    let t = &run.trades;
    s.set("trades", Some(t.len() as f64));
    s.set("win_rate", tr::win_rate(t));
    s.set("profit_factor", tr::profit_factor(t));
    s.set("expectancy", tr::expectancy(t));
    s.set("avg_win", tr::avg_win(t));
    s.set("avg_loss", tr::avg_loss(t));
    s.set("avg_holding_sessions", tr::avg_holding_sessions(t));
    s.set(
        "turnover",
        tr::turnover(run.traded_notional, &run.equity, a),
    );
    s.set(
        "avg_gross_exposure",
        tr::avg_gross_exposure(&run.equity, &run.long_exposure, &run.short_exposure),
    );
    s.set(
        "avg_net_exposure",
        tr::avg_net_exposure(&run.equity, &run.long_exposure, &run.short_exposure),
    );
    s.set("commission_paid", Some(run.commission_paid));
    s.set("slippage_paid", Some(run.slippage_paid));
    s.set("borrow_paid", Some(run.borrow_paid));
    s.set("interest_earned", Some(run.interest_earned));
    Ok(s)
}

/// The benchmark's own returns-based statistics (as if it were the strategy: total return,
/// CAGR, Sharpe, drawdowns, confidence...), for the report's benchmark column. Relative, trade
/// and cost metrics stay `None`. `None` without a benchmark.
pub fn compute_benchmark_stats(run: &RunSummary) -> Option<Stats> {
    let b = benchmark_returns(run)?;
    let mut s = Stats {
        periods: b.iter().filter(|x| x.is_finite()).count(),
        ..Default::default()
    };
    never_fails(fill_return_metrics(
        &mut s,
        &b,
        &run.timestamps,
        (run.periods_per_year, rf_per_period(run)),
        Intervals::Bootstrap,
        &Grow,
    ));
    Some(s)
}
