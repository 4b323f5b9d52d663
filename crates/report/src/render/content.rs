//! The report's content, independent of the output format: sections of key/value lines, tables,
//! preformatted charts and bullet lists, built once and rendered by `text` and `markdown`.
//!
//! Invariant: both renderers receive the same `Report`, so the text and markdown reports carry
//! exactly the same numbers; every undefined value is already "n/a" here.

use super::chart::{self, Fill};
use super::format::{self, compact, format_date_opt, metric, money, NA};
use super::ReportOptions;
use crate::input::RunSummary;
use crate::metrics::util::positive;
use crate::metrics::{drawdown, periods};
use crate::stats::{benchmark_returns, compute_benchmark_stats, run_returns, MetricKind, Stats};

/// A table: the first column is left-aligned, the others right-aligned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells (same length as the headers).
    pub rows: Vec<Vec<String>>,
}

/// One block of content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `key: value` lines.
    KeyValues(Vec<(String, String)>),
    /// A table.
    Table(Table),
    /// Preformatted lines (charts), already within the width.
    Pre(Vec<String>),
    /// Bullet points of plain text.
    Bullets(Vec<String>),
    /// A paragraph of plain text.
    Text(String),
}

/// A titled section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Section title.
    pub title: String,
    /// Its blocks, in order.
    pub blocks: Vec<Block>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Report title.
    pub title: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

/// Title of the warnings section.
pub(crate) const WARNINGS: &str = "Warnings";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Rows of the key statistics table (returns, risk, confidence): also the metrics of the
/// benchmark column.
pub(crate) const KEY_ROWS: &[&str] = &[
    "total_return",
    "cagr",
    "annual_volatility",
    "sharpe",
    "sortino",
    "calmar",
    "omega",
    "max_drawdown",
    "max_drawdown_duration",
    "avg_drawdown",
    "ulcer_index",
    "skew",
    "kurtosis",
    "var_95",
    "cvar_95",
    "tail_ratio",
    "best_day",
    "worst_day",
    "best_month",
    "worst_month",
    "win_rate_days",
    "stability",
    "sharpe_se",
    "sharpe_se_iid",
    "psr",
];
const RELATIVE_ROWS: &[&str] = &[
    "alpha",
    "beta",
    "information_ratio",
    "tracking_error",
    "correlation",
    "up_capture",
    "down_capture",
];

fn label(key: &str) -> String {
    Stats::metric_info(key).map_or(key, |(_, l)| l).to_string()
}

fn interval(s: &Stats, lo: &str, hi: &str) -> String {
    match (s.get(lo), s.get(hi)) {
        (Some(_), Some(_)) => format!("{} .. {}", metric(s, lo), metric(s, hi)),
        _ => NA.to_string(),
    }
}

/// Builds the report content: one function per section, in the report's order, then the
/// sections supplied by the caller (the event study, the per-event P&L).
pub fn build(run: &RunSummary, stats: &Stats, opts: &ReportOptions) -> Report {
    let bench = compute_benchmark_stats(run);
    let bench_name = run.benchmark.as_ref().map(|b| b.name.as_str());
    let r = run_returns(run);
    let mut sections = vec![
        run_section(run, &r, bench_name, opts),
        key_statistics_section(stats, bench.as_ref(), bench_name),
        equity_section(run, opts),
        drawdown_chart_section(run, &r, opts),
        top_drawdowns_section(run, &r),
        monthly_returns_section(run, &r),
        trades_section(run, stats),
        costs_section(run),
    ];
    let warnings = warnings(run, stats, &r, benchmark_returns(run).as_deref(), opts);
    if !warnings.is_empty() {
        sections.push(Section {
            title: WARNINGS.into(),
            blocks: vec![Block::Bullets(warnings)],
        });
    }
    sections.extend(opts.sections.iter().cloned());
    Report {
        title: format!("rotor report: {}", run.name),
        sections,
    }
}

/// "Run": the strategy, the caller's header lines, the sessions, equity and benchmark.
fn run_section(
    run: &RunSummary,
    r: &[f64],
    bench_name: Option<&str>,
    opts: &ReportOptions,
) -> Section {
    let mut kv = Vec::new();
    if !opts
        .header
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("strategy"))
    {
        kv.push(("Strategy".to_string(), run.name.clone()));
    }
    kv.extend(opts.header.iter().cloned());
    kv.push((
        "Sessions".into(),
        format!(
            "{} ({} to {}), {} periods a year",
            r.len(),
            format_date_opt(run.timestamps.first().copied()),
            format_date_opt(run.timestamps.get(r.len().saturating_sub(1)).copied()),
            run.periods_per_year
        ),
    ));
    kv.push(("Initial equity".into(), money(run.initial_equity)));
    kv.push((
        "Final equity".into(),
        run.equity.last().map_or(NA.to_string(), |e| money(*e)),
    ));
    if let Some(b) = bench_name {
        kv.push(("Benchmark".into(), b.to_string()));
    }
    if run.risk_free_annual != 0.0 {
        kv.push((
            "Risk-free rate".into(),
            format::value(Some(run.risk_free_annual), MetricKind::Percent),
        ));
    }
    Section {
        title: "Run".into(),
        blocks: vec![Block::KeyValues(kv)],
    }
}

/// "Key statistics": the key rows, the bootstrap intervals and, with a benchmark, its column
/// and the relative metrics.
fn key_statistics_section(
    stats: &Stats,
    bench: Option<&Stats>,
    bench_name: Option<&str>,
) -> Section {
    let mut headers = vec!["Metric".to_string(), "Strategy".to_string()];
    if let Some(b) = bench_name {
        headers.push(format!("Benchmark ({b})"));
    }
    let mut rows = Vec::new();
    for key in KEY_ROWS {
        let mut row = vec![label(key), metric(stats, key)];
        if let Some(bs) = bench {
            row.push(metric(bs, key));
        }
        rows.push(row);
    }
    let mut ci_rows = vec![
        vec![
            "Sharpe 95% CI (bootstrap)".to_string(),
            interval(stats, "sharpe_ci_low", "sharpe_ci_high"),
        ],
        vec![
            "CAGR 95% CI (bootstrap)".to_string(),
            interval(stats, "cagr_ci_low", "cagr_ci_high"),
        ],
    ];
    if let Some(bs) = bench {
        ci_rows[0].push(interval(bs, "sharpe_ci_low", "sharpe_ci_high"));
        ci_rows[1].push(interval(bs, "cagr_ci_low", "cagr_ci_high"));
    }
    rows.extend(ci_rows);
    if bench.is_some() {
        for key in RELATIVE_ROWS {
            rows.push(vec![label(key), metric(stats, key), String::new()]);
        }
    }
    Section {
        title: "Key statistics".into(),
        blocks: vec![Block::Table(Table { headers, rows })],
    }
}

/// "Equity curve": the equity as an area chart.
fn equity_section(run: &RunSummary, opts: &ReportOptions) -> Section {
    let chart = chart::area(
        &run.equity,
        &run.timestamps,
        opts.width,
        10,
        opts.ascii,
        &|x| compact(x),
        Fill::Up,
    );
    Section {
        title: "Equity curve".into(),
        blocks: vec![Block::Pre(chart)],
    }
}

/// "Drawdown": the drawdown of the returns `r` as an area chart hanging from zero.
fn drawdown_chart_section(run: &RunSummary, r: &[f64], opts: &ReportOptions) -> Section {
    let dd = drawdown::drawdown_series(r);
    let chart = chart::area(
        &dd,
        &run.timestamps,
        opts.width,
        6,
        opts.ascii,
        &|x| format!("{:.1}%", x * 100.0),
        Fill::Down,
    );
    Section {
        title: "Drawdown".into(),
        blocks: vec![Block::Pre(chart)],
    }
}

/// "Top 5 drawdowns": peak, trough, recovery, depth and length of the deepest episodes.
fn top_drawdowns_section(run: &RunSummary, r: &[f64]) -> Section {
    let date = |i: usize| format_date_opt(run.timestamps.get(i).copied());
    let rows: Vec<Vec<String>> = top_drawdowns(r)
        .iter()
        .enumerate()
        .map(|(k, e)| {
            vec![
                format!("{}", k + 1),
                e.peak.map_or_else(|| "start".to_string(), date),
                date(e.trough),
                e.recovery.map_or_else(|| "ongoing".to_string(), date),
                format::value(Some(e.depth), MetricKind::Percent),
                e.length.to_string(),
            ]
        })
        .collect();
    let block = if rows.is_empty() {
        Block::Text("No drawdowns.".into())
    } else {
        Block::Table(Table {
            headers: [
                "#",
                "Peak",
                "Trough",
                "Recovery",
                "Depth",
                "Length (sessions)",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        })
    };
    Section {
        title: "Top 5 drawdowns".into(),
        blocks: vec![block],
    }
}

/// "Monthly returns (%)": one row per year, one column per month, then the year's return.
fn monthly_returns_section(run: &RunSummary, r: &[f64]) -> Section {
    let ts = &run.timestamps;
    let months = periods::monthly_returns(ts, r);
    let years = periods::yearly_returns(ts, r);
    let mut headers = vec!["Year".to_string()];
    headers.extend(MONTHS.iter().map(|m| m.to_string()));
    headers.push("Year".into());
    let rows: Vec<Vec<String>> = years
        .iter()
        .map(|(y, total)| {
            let mut row = vec![y.to_string()];
            for m in 1..=12u32 {
                row.push(
                    months
                        .iter()
                        .find(|((yy, mm), _)| yy == y && *mm == m)
                        .map_or(String::new(), |(_, v)| pct1(*v)),
                );
            }
            row.push(pct1(*total));
            row
        })
        .collect();
    let block = if rows.is_empty() {
        Block::Text("No returns.".into())
    } else {
        Block::Table(Table { headers, rows })
    };
    Section {
        title: "Monthly returns (%)".into(),
        blocks: vec![block],
    }
}

/// "Trades": counts, win rate, payoffs, best and worst trade, fills, notional and exposure.
fn trades_section(run: &RunSummary, stats: &Stats) -> Section {
    let longs = run.trades.iter().filter(|t| t.quantity > 0.0).count();
    let shorts = run.trades.iter().filter(|t| t.quantity < 0.0).count();
    let pnl = |f: fn(f64, f64) -> f64| {
        run.trades
            .iter()
            .map(|t| t.pnl)
            .filter(|p| p.is_finite())
            .reduce(f)
    };
    let mut rows: Vec<Vec<String>> = [
        "trades",
        "win_rate",
        "profit_factor",
        "expectancy",
        "avg_win",
        "avg_loss",
        "avg_holding_sessions",
    ]
    .iter()
    .map(|k| vec![label(k), metric(stats, k)])
    .collect();
    rows.insert(
        1,
        vec!["Long / short trades".into(), format!("{longs} / {shorts}")],
    );
    rows.push(vec![
        "Best trade".into(),
        format::value(pnl(f64::max), MetricKind::Money),
    ]);
    rows.push(vec![
        "Worst trade".into(),
        format::value(pnl(f64::min), MetricKind::Money),
    ]);
    rows.push(vec!["Fills".into(), run.fills.to_string()]);
    rows.push(vec!["Traded notional".into(), money(run.traded_notional)]);
    for k in ["turnover", "avg_gross_exposure", "avg_net_exposure"] {
        rows.push(vec![label(k), metric(stats, k)]);
    }
    Section {
        title: "Trades".into(),
        blocks: vec![Block::Table(Table {
            headers: vec!["Trade statistic".into(), "Value".into()],
            rows,
        })],
    }
}

/// "Costs": commission, slippage, borrow and their total, in money, % of initial equity and
/// bps of traded notional; interest on cash below the total when there is any.
fn costs_section(run: &RunSummary) -> Section {
    let costs = [
        ("Commission", run.commission_paid),
        ("Slippage", run.slippage_paid),
        ("Borrow fees", run.borrow_paid),
    ];
    let total: f64 = costs.iter().map(|c| c.1).sum();
    let of_equity = |x: f64| (run.initial_equity > 0.0).then(|| x / run.initial_equity);
    let bps = |x: f64| (run.traded_notional > 0.0).then(|| x / run.traded_notional * 1e4);
    let mut rows: Vec<Vec<String>> = costs
        .iter()
        .chain(std::iter::once(&("Total", total)))
        .map(|(name, x)| {
            vec![
                name.to_string(),
                money(*x),
                format::value(of_equity(*x), MetricKind::Percent),
                format::value(bps(*x), MetricKind::Ratio),
            ]
        })
        .collect();
    // Interest is a credit, not a cost: its own line below the total, when there is any.
    if run.interest_earned != 0.0 {
        rows.push(vec![
            "Interest on cash (net credit)".into(),
            money(run.interest_earned),
            format::value(of_equity(run.interest_earned), MetricKind::Percent),
            NA.to_string(),
        ]);
    }
    Section {
        title: "Costs".into(),
        blocks: vec![Block::Table(Table {
            headers: [
                "Cost",
                "Amount",
                "% of initial equity",
                "bps of traded notional",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        })],
    }
}

/// The five deepest drawdown episodes, deepest first (the report's "Top 5 drawdowns").
pub(crate) fn top_drawdowns(r: &[f64]) -> Vec<drawdown::Episode> {
    let mut eps = drawdown::episodes(r);
    eps.sort_by(|a, b| a.depth.total_cmp(&b.depth));
    eps.truncate(5);
    eps
}

fn pct1(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}", x * 100.0)
    } else {
        NA.to_string()
    }
}

/// Plain-words warnings about the reliability of the numbers.
fn warnings(
    run: &RunSummary,
    stats: &Stats,
    r: &[f64],
    b: Option<&[f64]>,
    opts: &ReportOptions,
) -> Vec<String> {
    let mut w = Vec::new();
    let n = run.equity.len();
    if run.timestamps.len() != n || run.long_exposure.len() != n || run.short_exposure.len() != n {
        w.push(format!(
            "The input series have different lengths (timestamps {}, equity {}, long exposure {}, short exposure {}); only the bars present in both are used.",
            run.timestamps.len(), n, run.long_exposure.len(), run.short_exposure.len()
        ));
    }
    let a = run.periods_per_year;
    if n > 0 && (n as f64) < a {
        w.push(format!(
            "Only {n} sessions, less than one year: annualized figures are extrapolated."
        ));
    }
    if let Some(i) = run.equity.iter().position(|e| !positive(*e)) {
        w.push(format!(
            "Equity reached zero or below (or was not a number) on {}: the returns after that bar are undefined.",
            format_date_opt(run.timestamps.get(i).copied())
        ));
    }
    if r.iter().filter(|x| x.is_finite()).count() >= 2 && stats.sharpe.is_none() {
        w.push("The Sharpe ratio is undefined: the equity curve has no variation.".into());
    }
    let t = run.trades.len();
    if t < 30 {
        w.push(format!(
            "Only {t} closed trade{} (fewer than 30): win rate, profit factor and the other trade statistics are not reliable.",
            if t == 1 { "" } else { "s" }
        ));
    }
    if let (Some(lo), Some(hi)) = (stats.sharpe_ci_low, stats.sharpe_ci_high) {
        if lo <= 0.0 && hi >= 0.0 {
            w.push(format!(
                "The 95% bootstrap interval of the Sharpe ratio ({lo:.2} to {hi:.2}) includes zero: the result is not distinguishable from no edge."
            ));
        }
    }
    if let Some(b) = b {
        let missing = b.iter().skip(1).filter(|x| !x.is_finite()).count();
        if missing > 0 {
            w.push(format!("The benchmark has no return on {missing} bar(s) (missing prices); those bars are left out of the relative metrics."));
        }
    }
    w.extend(opts.warnings.iter().cloned());
    w
}
