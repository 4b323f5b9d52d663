//! The `--out DIR` folder: report.txt, stats.json, equity.parquet, fills.parquet,
//! trades.parquet, config.toml. Every file is written atomically (temp file, then rename), and a
//! folder that holds anything but an earlier rotor output is refused unless `--force`, so nothing
//! the user has is overwritten silently. The marker file is written last: a folder without it
//! never looks like a complete run.

use std::path::{Path, PathBuf};

use rotor_data::table::write_atomic;
use rotor_data::{Column, Market, Table};
use rotor_engine::RunResult;

use crate::config::Loaded;
use crate::error::bad;

/// Name of the marker that says "this folder is a rotor output".
const MARKER: &str = ".rotor-output";

/// A validated output folder.
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Creates the folder, or checks that an existing one may be written.
    pub fn prepare(path: &Path, force: bool) -> anyhow::Result<Self> {
        if path.exists() {
            if !path.is_dir() {
                return Err(bad(format!(
                    "{}: --out exists and is not a folder",
                    path.display()
                )));
            }
            let names: Vec<String> = std::fs::read_dir(path)
                .map_err(|e| bad(format!("{}: cannot read folder: {e}", path.display())))?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            if !names.iter().all(|n| is_interrupted_run_file(n))
                && !path.join(MARKER).exists()
                && !force
            {
                return Err(bad(format!(
                    "{}: --out folder is not empty and is not an earlier rotor output (use --force to write into it anyway)",
                    path.display()
                )));
            }
            // An earlier output is about to be replaced: drop its marker first so an interrupted
            // rewrite never looks complete.
            let _ = std::fs::remove_file(path.join(MARKER));
        } else {
            std::fs::create_dir_all(path)
                .map_err(|e| bad(format!("{}: cannot create folder: {e}", path.display())))?;
        }
        Ok(OutputDir {
            path: path.to_path_buf(),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes every output of one run, plus `extra` Parquet tables (e.g. the per-event P&L).
    pub fn write_run(
        &self,
        loaded: &Loaded,
        market: &Market,
        result: &RunResult,
        report: &str,
        stats_json: &str,
        extra: &[(&str, Table)],
    ) -> anyhow::Result<()> {
        let p = |name: &str| self.path.join(name);
        write_atomic(&p("report.txt"), report.as_bytes())?;
        write_atomic(&p("stats.json"), format!("{stats_json}\n").as_bytes())?;
        equity_table(result).write_parquet(&p("equity.parquet"))?;
        fills_table(market, result).write_parquet(&p("fills.parquet"))?;
        trades_table(market, result).write_parquet(&p("trades.parquet"))?;
        write_atomic(&p("config.toml"), loaded.resolved_toml()?.as_bytes())?;
        for (name, table) in extra {
            table.write_parquet(&p(name))?;
        }
        self.finish("rotor run output")
    }

    /// Writes the marker (last): the folder now holds a complete output of `what`.
    pub fn finish(&self, what: &str) -> anyhow::Result<()> {
        write_atomic(&self.path.join(MARKER), format!("{what}\n").as_bytes())?;
        Ok(())
    }
}

/// The files of one run (and their temp files, `.NAME.tmp-PID`): a folder holding only these is
/// a run interrupted before its marker (Ctrl-C), which may be written over without `--force`.
fn is_interrupted_run_file(name: &str) -> bool {
    const RUN_FILES: &[&str] = &[
        "report.txt",
        "stats.json",
        "equity.parquet",
        "fills.parquet",
        "trades.parquet",
        "config.toml",
        "event_pnl.parquet",
        "event_fills.parquet",
        "event_study.txt",
        "event_study.parquet",
        "event_study.csv",
        "event_cars.parquet",
        "event_cars.csv",
    ];
    let base = name
        .strip_prefix('.')
        .and_then(|n| n.rsplit_once(".tmp-"))
        .map_or(name, |(b, _)| b);
    RUN_FILES.contains(&base)
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
