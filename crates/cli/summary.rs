//! Engine result -> the report's plain-data view (rotor-report knows nothing of the engine).

use rotor_data::time::format_ns;
use rotor_data::Market;
use rotor_engine::RunResult;
use rotor_report::RunSummary;
use rotor_sweep::trial::{summarize, Spec};

use crate::config::Loaded;

/// The report's input for one run: the same view a sweep builds for each parameter set
/// (`rotor_sweep::trial::summarize`), so `rotor run` and a sweep row agree by construction.
pub fn build(
    loaded: &Loaded,
    market: &Market,
    result: &RunResult,
    _warnings: &[String],
) -> RunSummary {
    let cfg = &loaded.config;
    let spec = Spec {
        name: cfg.name.clone(),
        strategy: cfg.strategy.clone(),
        execution: loaded.execution(),
        benchmark: cfg.report.benchmark.clone(),
        risk_free: cfg.report.risk_free,
        periods_per_year: cfg.report.periods_per_year,
    };
    summarize(&spec, market, result)
}

/// Header lines of the report: config, data span, symbols, costs.
pub fn header(loaded: &Loaded, market: &Market) -> Vec<(String, String)> {
    let cfg = &loaded.config;
    let ts = market.timestamps();
    let span = match (ts.first(), ts.last()) {
        (Some(a), Some(b)) => format!("{} .. {} ({} bars)", format_ns(*a), format_ns(*b), ts.len()),
        _ => "empty".into(),
    };
    let c = &cfg.costs;
    vec![
        (
            "strategy".into(),
            format!("{} ({})", cfg.name, cfg.strategy.kind_name()),
        ),
        ("config".into(), loaded.path.display().to_string()),
        ("data".into(), span),
        ("symbols".into(), market.symbols().join(" ")),
        (
            "costs".into(),
            format!(
                "commission {} bps, slippage {} bps, borrow {} bps/yr",
                c.commission_bps, c.slippage_bps, c.borrow_bps
            ),
        ),
        ("capital".into(), format!("{:.0}", cfg.portfolio.cash)),
    ]
}
