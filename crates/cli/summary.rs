//! Engine result -> the report's plain-data view (rotor-report knows nothing of the engine).

use rotor_data::time::format_ns;
use rotor_data::Market;
use rotor_engine::RunResult;
use rotor_report::{Benchmark, RunSummary, TradeRecord};

use crate::config::Loaded;

/// The report's input for one run.
pub fn build(
    loaded: &Loaded,
    market: &Market,
    result: &RunResult,
    _warnings: &[String],
) -> RunSummary {
    let cfg = &loaded.config;
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
    let benchmark = cfg.report.benchmark.as_ref().and_then(|b| {
        market.symbol_index(b).map(|s| Benchmark {
            name: b.clone(),
            prices: market.close(s).to_vec(),
        })
    });
    RunSummary {
        name: cfg.name.clone(),
        timestamps: result.timestamps.clone(),
        equity: result.equity.clone(),
        initial_equity: result.initial_cash,
        long_exposure: result.long_exposure.clone(),
        short_exposure: result.short_exposure.clone(),
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
        periods_per_year: cfg
            .report
            .periods_per_year
            .unwrap_or_else(|| market.periods_per_year()),
        risk_free_annual: cfg.report.risk_free,
        benchmark,
    }
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
