//! The files of `rotor run --out DIR`: report.txt, stats.json, equity.parquet, fills.parquet,
//! trades.parquet, config.toml. Every file is written atomically (temp file, then rename); the
//! folder's checks, lock and marker are out_dir.rs's.

use rotor_data::table::write_atomic;
use rotor_data::{Column, Market, Table};
use rotor_engine::RunResult;

use crate::config::LoadedConfig;
use crate::error::{bad, Result};
use crate::out_dir::{OutDir, RUN_FILES};

/// The Parquet files of a run (equity, fills, trades and the `extra` tables, e.g. the
/// per-event P&L): the first half of a run's outputs, which needs no statistics, so it can be
/// written while they are computed. The folder has no marker until [`finish_run`].
pub fn write_tables(
    out: &OutDir,
    market: &Market,
    result: &RunResult,
    extra: &[(&str, Table)],
) -> Result<()> {
    out.begin()?;
    let p = |name: &str| out.path().join(name);
    equity_table(result)
        .write_parquet(&p("equity.parquet"))
        .map_err(bad)?;
    fills_table(market, result)
        .write_parquet(&p("fills.parquet"))
        .map_err(bad)?;
    trades_table(market, result)
        .write_parquet(&p("trades.parquet"))
        .map_err(bad)?;
    for (name, table) in extra {
        table.write_parquet(&p(name)).map_err(bad)?;
    }
    Ok(())
}

/// The text files of a run after its [`write_tables`]: report.txt, stats.json, config.toml,
/// then the marker (stale rotor files removed).
pub fn finish_run(
    out: &mut OutDir,
    loaded: &LoadedConfig,
    report: &str,
    stats_json: &str,
    extra: &[(&str, Table)],
) -> Result<()> {
    let p = |name: &str| out.path().join(name);
    write_atomic(&p("report.txt"), report.as_bytes()).map_err(bad)?;
    write_atomic(&p("stats.json"), format!("{stats_json}\n").as_bytes()).map_err(bad)?;
    write_atomic(&p("config.toml"), loaded.resolved_toml()?.as_bytes()).map_err(bad)?;
    let files: Vec<&str> = RUN_FILES
        .iter()
        .copied()
        .chain(extra.iter().map(|(name, _)| *name))
        .collect();
    out.finish(&files, "rotor run output")
}

fn equity_table(r: &RunResult) -> Table {
    Table::new(vec![
        Column::Timestamp("timestamp".into(), r.timestamps.clone()),
        Column::F64("equity".into(), r.equity.clone()),
        Column::F64("cash".into(), r.cash.clone()),
        Column::F64("long_exposure".into(), r.long_exposure.clone()),
        Column::F64("short_exposure".into(), r.short_exposure.clone()),
        Column::F64("returns".into(), r.returns()),
    ])
}

fn fills_table(m: &Market, r: &RunResult) -> Table {
    let f = &r.fills;
    Table::new(vec![
        Column::Timestamp("timestamp".into(), f.iter().map(|x| x.timestamp).collect()),
        Column::Str(
            "symbol".into(),
            f.iter().map(|x| m.symbols()[x.symbol].clone()).collect(),
        ),
        Column::Str(
            "side".into(),
            f.iter()
                .map(|x| if x.quantity > 0.0 { "buy" } else { "sell" }.to_string())
                .collect(),
        ),
        Column::F64(
            "quantity".into(),
            f.iter().map(|x| x.quantity.abs()).collect(),
        ),
        Column::F64("price".into(), f.iter().map(|x| x.price).collect()),
        Column::F64(
            "commission".into(),
            f.iter().map(|x| x.commission).collect(),
        ),
        Column::F64("slippage".into(), f.iter().map(|x| x.slippage).collect()),
        Column::F64(
            "base_price".into(),
            f.iter().map(|x| x.base_price).collect(),
        ),
        Column::Bool("at_close".into(), f.iter().map(|x| x.at_close).collect()),
        Column::Bool("delisted".into(), f.iter().map(|x| x.delisted).collect()),
    ])
}

fn trades_table(m: &Market, r: &RunResult) -> Table {
    let all: Vec<(&rotor_engine::Trade, bool)> = r
        .trades
        .iter()
        .map(|t| (t, false))
        .chain(r.open_trades.iter().map(|t| (t, true)))
        .collect();
    Table::new(vec![
        Column::Str(
            "symbol".into(),
            all.iter()
                .map(|(t, _)| m.symbols()[t.symbol].clone())
                .collect(),
        ),
        Column::Timestamp(
            "entry_time".into(),
            all.iter().map(|(t, _)| t.entry_timestamp).collect(),
        ),
        Column::Timestamp(
            "exit_time".into(),
            all.iter().map(|(t, _)| t.exit_timestamp).collect(),
        ),
        Column::F64(
            "quantity".into(),
            all.iter().map(|(t, _)| t.quantity).collect(),
        ),
        Column::F64(
            "entry_price".into(),
            all.iter().map(|(t, _)| t.entry_price).collect(),
        ),
        Column::F64(
            "exit_price".into(),
            all.iter().map(|(t, _)| t.exit_price).collect(),
        ),
        Column::F64("pnl".into(), all.iter().map(|(t, _)| t.pnl).collect()),
        Column::F64(
            "return".into(),
            all.iter().map(|(t, _)| t.trade_return).collect(),
        ),
        Column::I64(
            "holding_bars".into(),
            all.iter().map(|(t, _)| t.holding_bars as i64).collect(),
        ),
        Column::F64(
            "commission".into(),
            all.iter().map(|(t, _)| t.commission).collect(),
        ),
        Column::F64(
            "slippage".into(),
            all.iter().map(|(t, _)| t.slippage).collect(),
        ),
        Column::F64("borrow".into(), all.iter().map(|(t, _)| t.borrow).collect()),
        Column::F64("mae".into(), all.iter().map(|(t, _)| t.mae).collect()),
        Column::F64("mfe".into(), all.iter().map(|(t, _)| t.mfe).collect()),
        Column::Bool("open".into(), all.iter().map(|(_, o)| *o).collect()),
        Column::Bool(
            "delisted".into(),
            all.iter().map(|(t, _)| t.delisted).collect(),
        ),
    ])
}
