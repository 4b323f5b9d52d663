//! `rotor run`: config -> market -> backtest -> stats -> report text (and files with --out).

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::Context as _;
use rotor_data::load::{Columns, LoadOptions};
use rotor_data::warmup::load_market_with_warmup;
use rotor_data::{Market, Table};
use rotor_engine::RunResult;
use rotor_report::{
    compute_stats_in, render_json, render_markdown, render_text, stats_json, Intervals,
    ReportOptions, RunSummary, Stats,
};
use rotor_strategies::Registry;

use crate::config;
use crate::error::{data_error, run_error, AppError, Result};
use crate::out_dir::OutDir;
use crate::reporter::Reporter;
use crate::summary;

/// Format of the report a command returns for stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text, 100 columns.
    #[default]
    Text,
    /// The stats.json object (or the study's full content).
    Json,
    /// Markdown.
    Markdown,
}

/// A command on one config file: `rotor run` and `rotor events`.
#[derive(Debug, Clone, Default)]
pub struct ConfigCommand {
    /// Strategy config (TOML).
    pub config: PathBuf,
    /// `--set KEY=VALUE` overrides.
    pub set: Vec<String>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Write into a non-empty folder that is not an earlier rotor output.
    pub force: bool,
    /// Format of the returned report.
    pub format: Format,
    /// Pure-ASCII charts and tables.
    pub ascii: bool,
}

/// The run's statistics and, with an `out` folder, its Parquet files: they need no statistics,
/// so a second thread writes them while the statistics (the bootstrap, in parallel) are
/// computed.
fn stats_and_tables(
    run: &RunSummary,
    out: Option<&OutDir>,
    market: &Market,
    result: &RunResult,
    extra: &[(&str, Table)],
) -> Result<Stats> {
    let (stats, tables) = std::thread::scope(|s| {
        let tables =
            out.map(|o| s.spawn(|| crate::outputs::write_tables(o, market, result, extra)));
        // The report's per-bar vectors fail as an error naming them when memory runs out.
        let stats = compute_stats_in(run, Intervals::Bootstrap, &crate::alloc::Fallibly);
        let tables = tables.map(|h| {
            h.join().unwrap_or_else(|_| {
                Err(AppError::Internal(
                    "writing the Parquet files panicked".into(),
                ))
            })
        });
        (stats, tables)
    });
    tables.transpose()?;
    stats
}

/// Runs one backtest; returns its report in `cmd.format` (for stdout). Warnings and "wrote
/// DIR" go to `reporter`.
pub fn run(cmd: &ConfigCommand, registry: &Registry, reporter: &dyn Reporter) -> Result<String> {
    let loaded = config::load(&cmd.config, &cmd.set, registry)?;
    // Refuse a bad --out before doing any work.
    let out = match &cmd.out {
        Some(dir) => Some(OutDir::open(dir, cmd.force, false, reporter)?),
        None => None,
    };
    let cfg = &loaded.config;
    let mut symbols = cfg.strategy.symbols();
    if let Some(b) = &cfg.report.benchmark {
        if !symbols.contains(b) {
            symbols.push(b.clone());
        }
    }
    let opts = LoadOptions {
        start: cfg.data.start,
        end: cfg.data.end,
        symbols: Some(symbols),
    };
    // Only the columns the run reads: the fills' (volume cap, impact) and the strategy's (a
    // formula whose expressions use `volume`; no other built-in strategy reads it).
    let columns = Columns {
        volume: loaded.simulation().reads_volume() || cfg.strategy.reads_volume(),
    };
    let mut data = load_market_with_warmup(
        &cfg.data.bars,
        cfg.data.events.as_deref(),
        &opts,
        columns,
        cfg.warmup(),
    )
    .map_err(data_error)?;
    // Configured tags that match nothing in the feed (a typo trades nothing): say so.
    let tag_warnings = crate::events::tag_warnings_for(&loaded, data.market.events());
    data.warnings.extend(tag_warnings);
    for w in &data.warnings {
        reporter.note(&format!("warning: {w}"));
    }
    let market = Arc::new(data.market);
    let simulation = loaded.simulation();
    let (result, built) = rotor_strategies::run_keep(&market, &cfg.strategy, &simulation)
        .map_err(|e| run_error(&loaded.path, e))?;
    // A news_event run: what each headline made (see event_pnl_report).
    let per_event = crate::event_pnl_report::build(&market, &result, &built, &simulation.execution)
        .map_err(|e| run_error(&loaded.path, e))?;
    let run = summary::build(&loaded, &market, &result, &data.warnings)?;
    // The event study of the feed, when the config has one (see events_cmd); before any file is
    // written, as it can fail on bad input.
    let study = crate::events::study_for_run(&loaded, reporter)?;
    let extra = per_event.as_ref().map_or(&[][..], |p| &p.tables[..]);
    let stats = stats_and_tables(&run, out.as_ref(), &market, &result, extra)?;
    let mut warnings = data.warnings.clone();
    let run_warnings = summary::run_warnings(&loaded, &market, &result);
    for w in &run_warnings {
        reporter.note(&format!("warning: {w}"));
    }
    warnings.extend(run_warnings);
    let report_opts = ReportOptions {
        ascii: cmd.ascii,
        width: 100,
        header: summary::header(&loaded, &market),
        warnings,
        sections: per_event
            .iter()
            .flat_map(|p| [p.section.clone(), p.reaction.clone()])
            .chain(study)
            .collect(),
    };
    let text = render_text(&run, &stats, &report_opts);
    let json =
        serde_json::to_string_pretty(&stats_json(&run, &stats)).context("serializing stats")?;
    let shown = match cmd.format {
        Format::Text => text.clone(),
        Format::Json => serde_json::to_string_pretty(&render_json(&run, &stats, &report_opts))
            .context("serializing the report")?,
        Format::Markdown => render_markdown(&run, &stats, &report_opts),
    };
    if let Some(mut out) = out {
        crate::outputs::finish_run(&mut out, &loaded, &text, &json, extra)?;
        reporter.note(&format!("wrote {}", out.path().display()));
    }
    Ok(shown)
}
