//! `rotor run`: config -> market -> backtest -> stats -> report on stdout (and files with --out).

use std::sync::Arc;

use anyhow::Context as _;
use rotor_data::load::{load_market_columns, Columns, LoadOptions};
use rotor_report::{compute_stats, render_markdown, render_text, ReportOptions};

use crate::args::{Format, RunArgs};
use crate::config;
use crate::error::bad;
use crate::outputs::OutputDir;
use crate::summary;

/// Runs one backtest and prints its report.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let loaded = config::load(&args.config, &args.set)?;
    // Refuse a bad --out before doing any work.
    let out = match &args.out {
        Some(dir) => Some(OutputDir::prepare(dir, args.force)?),
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
    // Only the columns the fills read (no built-in strategy reads volumes).
    let columns = Columns {
        volume: loaded.execution().reads_volume(),
    };
    let data = load_market_columns(&cfg.data.bars, cfg.data.events.as_deref(), &opts, columns)
        .map_err(bad)?;
    if !args.quiet {
        for w in &data.warnings {
            eprintln!("warning: {w}");
        }
    }
    let market = Arc::new(data.market);
    let result = rotor_strategies::run(&market, &cfg.strategy, &loaded.execution())
        .map_err(|e| bad(format!("{}: {e}", loaded.path.display())))?;
    let run = summary::build(&loaded, &market, &result, &data.warnings);
    let stats = compute_stats(&run);
    let report_opts = ReportOptions {
        ascii: args.ascii,
        width: 100,
        header: summary::header(&loaded, &market),
        warnings: data.warnings.clone(),
    };
    let mut text = render_text(&run, &stats, &report_opts);
    // The event study of the feed, when the config has one (see events_cmd).
    let study = crate::events_cmd::study_for_run(&loaded, args.quiet)?;
    if let Some(study) = &study {
        text.push('\n');
        text.push_str(study);
    }
    let json = serde_json::to_string_pretty(&stats.to_json()).context("serializing stats")?;
    let shown = match args.format {
        Format::Text => text.clone(),
        Format::Json => json.clone(),
        Format::Markdown => {
            let mut md = render_markdown(&run, &stats, &report_opts);
            if let Some(study) = &study {
                md.push_str(&format!("\n## Event study\n\n```text\n{study}```\n"));
            }
            md
        }
    };
    if let Some(out) = out {
        out.write_run(&loaded, &market, &result, &text, &json)?;
        if !args.quiet {
            eprintln!("wrote {}", out.path().display());
        }
    }
    print!("{shown}");
    if !shown.ends_with('\n') {
        println!();
    }
    Ok(())
}
