//! Engine result -> the report's plain-data view (rotor-report knows nothing of the engine).

use rotor_data::time::format_ns;
use rotor_data::Market;
use rotor_engine::RunResult;
use rotor_report::RunSummary;
use rotor_strategies::StrategyConfig;
use rotor_sweep::trial::{summarize_in, Spec};

use crate::config::LoadedConfig;

/// The report's input for one run: the same view a sweep builds for each parameter set
/// (`rotor_sweep::trial::summarize`), so `rotor run` and a sweep row agree by construction. No
/// memory for its copies of the per-bar curves is an error (exit code 1).
pub fn build(
    loaded: &LoadedConfig,
    market: &Market,
    result: &RunResult,
    _warnings: &[String],
) -> crate::error::Result<RunSummary> {
    let cfg = &loaded.config;
    let spec = Spec {
        warmup: cfg.warmup(),
        name: cfg.name.clone(),
        strategy: cfg.strategy.clone(),
        simulation: loaded.simulation(),
        benchmark: cfg.report.benchmark.clone(),
        risk_free: cfg.report.risk_free,
        periods_per_year: cfg.report.periods_per_year,
    };
    summarize_in(&spec, market, result, &crate::alloc::Fallibly)
}

/// Warnings about what the run's numbers leave out, for stderr and the report: positions closed
/// (or held) because a symbol's data ended (issue 13.8) and dividends not credited when the bars
/// carry `adj_close` but the run uses raw prices (issue 13.9).
pub fn run_warnings(loaded: &LoadedConfig, market: &Market, result: &RunResult) -> Vec<String> {
    let mut w = Vec::new();
    let simulation = loaded.simulation();
    if !simulation.execution.adjust {
        let differ: Vec<&str> = (0..market.n_symbols())
            .filter(|&s| {
                market.adj_close(s).is_some_and(|adj| {
                    adj.iter().zip(market.close(s)).any(|(a, c)| {
                        a.is_finite() && c.is_finite() && (a - c).abs() > 1e-9 * c.abs()
                    })
                })
            })
            .map(|s| market.symbols()[s].as_str())
            .collect();
        if !differ.is_empty() {
            w.push(format!(
                "The bars carry adj_close ({}) but execution.adjust = false: the run trades raw prices and dividends are not credited; set execution.adjust = true to count them.",
                differ.join(" ")
            ));
        }
    }
    let symbols = market.symbols();
    let last_bar = |s: usize| market.close(s).iter().rposition(|c| c.is_finite());
    for t in result.trades.iter().filter(|t| t.delisted) {
        let day =
            last_bar(t.symbol).map_or_else(|| "?".into(), |b| format_ns(market.timestamps()[b]));
        w.push(format!(
            "{}: data ends on {day}; the position of {} shares was closed at that close ({:.4}), no costs: trade P&L {:.2}.",
            symbols[t.symbol], t.quantity, t.exit_price, t.pnl
        ));
    }
    let n = market.n_bars();
    for t in result.open_trades.iter() {
        if let Some(b) = last_bar(t.symbol).filter(|&b| b + 1 < n) {
            w.push(format!(
                "{}: data ends on {}; the position of {} shares is held at that close ({:.4}) to the end (execution.delisting = \"hold\"): unrealized P&L {:.2}.",
                symbols[t.symbol],
                format_ns(market.timestamps()[b]),
                t.quantity,
                t.exit_price,
                t.pnl
            ));
        }
    }
    w
}

/// Header lines of the report: config, data span, symbols, costs.
pub fn header(loaded: &LoadedConfig, market: &Market) -> Vec<(String, String)> {
    let cfg = &loaded.config;
    let ts = &market.timestamps()[market.trading_start()..];
    let span = match (ts.first(), ts.last()) {
        (Some(a), Some(b)) => {
            let warm = match market.trading_start() {
                0 => String::new(),
                w => format!(", after {w} warm-up bars"),
            };
            format!(
                "{} .. {} ({} bars{warm})",
                format_ns(*a),
                format_ns(*b),
                ts.len()
            )
        }
        _ => "empty".into(),
    };
    let c = &cfg.costs;
    let mut lines = vec![
        (
            "strategy".into(),
            format!("{} ({})", cfg.name, cfg.strategy.kind_name()),
        ),
        ("config".into(), loaded.path.display().to_string()),
        ("data".into(), span),
        ("symbols".into(), market.symbols().join(" ")),
        ("costs".into(), costs_line(c)),
        ("capital".into(), format!("{:.0}", cfg.portfolio.cash)),
    ];
    // A static book with shorts: its weights, gross and net.
    if let StrategyConfig::BuyAndHold(b) = &cfg.strategy {
        if b.weights.values().any(|w| *w < 0.0) {
            let (gross, net) = b.book();
            let legs: Vec<String> = b
                .weights
                .iter()
                .map(|(s, w)| format!("{s} {:+.1}%", w * 100.0))
                .collect();
            lines.push((
                "book".into(),
                format!(
                    "{}: gross {:.1}%, net {:+.1}%",
                    legs.join(", "),
                    gross * 100.0,
                    net * 100.0
                ),
            ));
        }
    }
    lines
}

/// The report's `costs` line: every cost the run charges, as configured. It said "slippage 0 bps"
/// of a square-root impact run and nothing of per-share and minimum commissions.
fn costs_line(c: &rotor_engine::CostsConfig) -> String {
    let mut commission = format!("commission {} bps", c.commission_bps);
    if c.commission_per_share > 0.0 {
        commission += &format!(" + {} per share", c.commission_per_share);
    }
    if c.commission_min > 0.0 {
        commission += &format!(" (min {} a fill)", c.commission_min);
    }
    let slippage = match c.slippage_model {
        rotor_engine::SlippageModel::Fixed => format!("slippage {} bps", c.slippage_bps),
        rotor_engine::SlippageModel::SqrtImpact => format!(
            "slippage sqrt impact (half spread {} bps, k {})",
            c.half_spread_bps, c.impact_k
        ),
    };
    let mut line = format!("{commission}, {slippage}, borrow {} bps/yr", c.borrow_bps);
    if c.cash_interest_rate != 0.0 {
        line += &format!(", cash interest {}%/yr", c.cash_interest_rate * 100.0);
    }
    line
}
