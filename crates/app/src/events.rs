//! `rotor events CONFIG`: the event study of a config's event feed, without trading; and the
//! same study appended to the report of `rotor run` when the config has an event feed.
//!
//! What is studied and how it is grouped is [`crate::event_plan`]; the windows are
//! `[report] event_window` / `estimation_window`. Always against `report.benchmark`, which the
//! study requires. Day 0 is the first session whose close is after the event.
//!
//! Invariant: the study loads its own market (the symbols it needs, over the config's date
//! range), so it never changes the symbols, and thus the timeline, of the backtest itself.

use crate::error::Context as _;
use rotor_data::load::{load_market, LoadOptions};
use rotor_data::Market;
use rotor_data::{DataError, Event};
use rotor_report::{
    event_study_in, render_sections_markdown, render_sections_text, Block, EventStudyInput,
    EventStudyReport, Report, ReportOptions, Section, StudyEvent, StudyGroup,
};
use rotor_strategies::{Registry, StrategyConfig};

use crate::config::{self, LoadedConfig};
use crate::error::{bad, data_error, Result};
use crate::event_plan::{plan, tag_warnings, Plan};
use crate::events_output;
use crate::out_dir::OutDir;
use crate::reporter::Reporter;
use crate::run::{ConfigCommand, Format};

/// A computed event study and what the per-event tables need.
pub struct Study {
    /// The study as reported.
    pub report: EventStudyReport,
    /// Per group (aligned with `report.groups` and their `outcomes`): the events and signs.
    pub events: Vec<Vec<(Event, f64)>>,
    /// Bar close instants of the study's market (day 0 of an outcome indexes them).
    pub timestamps: Vec<i64>,
}

/// The warnings about configured tags that match nothing in the feed (see
/// [`crate::event_plan::tag_warnings`]), for the feed `feed` of `loaded`.
pub fn tag_warnings_for(loaded: &LoadedConfig, feed: &[Event]) -> Vec<String> {
    let cfg = &loaded.config;
    let Some(path) = cfg.data.events.as_deref() else {
        return Vec::new();
    };
    tag_warnings(
        &cfg.strategy,
        &cfg.report.event_tags,
        feed,
        &path.display().to_string(),
    )
}

/// The event-study sections of `rotor run`'s report: none without an event feed; a one-line
/// note instead of the study when `report.benchmark` is not set. Its caveats are notes to
/// `reporter`.
pub fn study_for_run(loaded: &LoadedConfig, reporter: &dyn Reporter) -> Result<Vec<Section>> {
    let cfg = &loaded.config;
    if cfg.data.events.is_none() {
        return Ok(Vec::new());
    }
    if cfg.report.benchmark.is_none() {
        return Ok(vec![Section {
            title: "Event study".into(),
            blocks: vec![Block::Text(
                "Skipped: set report.benchmark to study the event feed.".into(),
            )],
        }]);
    }
    let Some(s) = study(loaded, reporter)? else {
        return Ok(Vec::new());
    };
    for w in s.report.all_warnings() {
        reporter.note(&format!("warning: event study: {w}"));
    }
    Ok(s.report.sections())
}

/// Loads the study's market: the benchmark and the symbols the plan needs. For a study on each
/// event's own symbols, tickers the bars lack are skipped (with a warning) instead of failing.
fn load_study_market(
    loaded: &LoadedConfig,
    p: &Plan,
    feed: &[Event],
    bench: &str,
    reporter: &dyn Reporter,
) -> Result<Market> {
    let cfg = &loaded.config;
    let mut symbols: Vec<String> = vec![bench.to_string()];
    let mut want = |s: &String| {
        if !symbols.contains(s) {
            symbols.push(s.clone());
        }
    };
    match &p.basket {
        Some(b) => b.iter().for_each(&mut want),
        None => p
            .groups
            .iter()
            .flat_map(|g| &g.events)
            .flat_map(|&(i, _)| &feed[i].symbols)
            .for_each(&mut want),
    }
    let opts = |symbols: Vec<String>| LoadOptions {
        start: cfg.data.start,
        end: cfg.data.end,
        symbols: Some(symbols),
    };
    match load_market(&cfg.data.bars, None, &opts(symbols.clone())) {
        Ok(d) => Ok(d.market),
        Err(e) if p.basket.is_none() && absent(&e).is_some() => {
            let mut keep = vec![bench.to_string()];
            for s in symbols.iter().skip(1) {
                match load_market(&cfg.data.bars, None, &opts(vec![s.clone()])) {
                    Ok(_) => keep.push(s.clone()),
                    Err(e) => {
                        // Only a symbol the bars lack is skipped: bad bars stay an error.
                        let why = absent(&e).ok_or_else(|| data_error(e))?;
                        reporter.note(&format!(
                            "warning: event study: symbol `{s}` {why}; skipped"
                        ));
                    }
                }
            }
            Ok(load_market(&cfg.data.bars, None, &opts(keep))
                .map_err(data_error)?
                .market)
        }
        Err(e) => Err(data_error(e)),
    }
}

/// Why a symbol asked of the bars is absent from them, when that is the error (not in the bars,
/// or no bar in the date range); `None` for any other error (bad or unreadable bars).
fn absent(e: &DataError) -> Option<&'static str> {
    match e {
        DataError::UnknownSymbol { .. } => Some("is not in the bars"),
        DataError::Empty { .. } => Some("has no bars in the date range"),
        _ => None,
    }
}

/// The event study of a loaded config, or `Ok(None)` when it has no event feed. The report's
/// study-wide warnings are left empty (the caller decides where tag warnings go).
pub fn study(loaded: &LoadedConfig, reporter: &dyn Reporter) -> Result<Option<Study>> {
    let cfg = &loaded.config;
    let Some(events_path) = cfg.data.events.as_deref() else {
        return Ok(None);
    };
    let shown = loaded.path.display();
    let Some(bench) = cfg.report.benchmark.clone() else {
        return Err(bad(format!(
            "{shown}: an event study needs report.benchmark (the market model's index)"
        )));
    };
    let windows = cfg
        .report
        .event_windows()
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    // Pass 1: the feed alone, to learn which symbols the study needs.
    let feed = rotor_data::events_io::load_events(events_path).map_err(bad)?;
    let p = plan(&cfg.strategy, &feed, &cfg.report.event_tags);
    let market = load_study_market(loaded, &p, &feed, &bench, reporter)?;
    // The market's own close columns, borrowed (no per-symbol copy of the bars).
    let prices: Vec<&[f64]> = (0..market.n_symbols()).map(|s| market.close(s)).collect();
    let Some(b) = market.symbol_index(&bench) else {
        return Err(bad(format!(
            "{shown}: report.benchmark `{bench}` is not in the bars"
        )));
    };
    let index = |names: &[String]| -> Vec<usize> {
        names
            .iter()
            .filter_map(|n| market.symbol_index(n))
            .filter(|&i| i != b || p.basket.is_some())
            .collect()
    };
    let mut groups: Vec<StudyGroup> = Vec::new();
    let mut events: Vec<Vec<(Event, f64)>> = Vec::new();
    for g in &p.groups {
        let mut study_events = Vec::new();
        let mut kept = Vec::new();
        for &(i, sign) in &g.events {
            let e = &feed[i];
            let members = match &p.basket {
                Some(bk) => index(bk),
                None => index(&e.symbols),
            };
            if members.is_empty() {
                continue;
            }
            // Day 0: the first session whose close is after the event.
            let day0 = market.first_bar_at_or_after(e.timestamp.saturating_add(1));
            study_events.push(StudyEvent {
                day0,
                members,
                sign,
            });
            kept.push((e.clone(), sign));
        }
        if study_events.is_empty() {
            continue;
        }
        groups.push(StudyGroup {
            label: g.label.clone(),
            basket: match &p.basket {
                Some(bk) => bk.join(" "),
                None => "each event's symbols".into(),
            },
            events: study_events,
        });
        events.push(kept);
    }
    let input = EventStudyInput {
        timestamps: market.timestamps(),
        prices: &prices,
        benchmark: prices[b],
    };
    // Its table of abnormal returns (events x window days) fails as an error naming it.
    let results = event_study_in(&input, &groups, &windows, &crate::alloc::Fallibly)?;
    let note = match &cfg.strategy {
        StrategyConfig::NewsEvent(_) => {
            "Abnormal returns signed as the strategy trades them (short trades flipped)."
        }
        _ => "Abnormal returns signed by sentiment (negative news flipped).",
    };
    Ok(Some(Study {
        report: EventStudyReport {
            benchmark: bench,
            windows,
            note: note.into(),
            groups: results,
            warnings: Vec::new(),
        },
        events,
        timestamps: market.timestamps().to_vec(),
    }))
}

/// `rotor events CONFIG`: the study in `args.format` (for stdout); warnings and "wrote DIR" go
/// to `reporter`.
pub fn run(args: &ConfigCommand, registry: &Registry, reporter: &dyn Reporter) -> Result<String> {
    let loaded = config::load(&args.config, &args.set, registry)?;
    let out = match &args.out {
        Some(dir) => Some(OutDir::open(dir, args.force, false, reporter)?),
        None => None,
    };
    let Some(mut s) = study(&loaded, reporter)? else {
        return Err(bad(format!(
            "{}: data.events is not set: there is no event feed to study",
            loaded.path.display()
        )));
    };
    if let Some(path) = loaded.config.data.events.as_deref() {
        let feed = rotor_data::events_io::load_events(path).map_err(bad)?;
        s.report.warnings = tag_warnings_for(&loaded, &feed);
    }
    for w in s.report.all_warnings() {
        reporter.note(&format!("warning: {w}"));
    }
    let opts = ReportOptions {
        ascii: args.ascii,
        ..ReportOptions::default()
    };
    let report = Report {
        title: format!("rotor event study: {}", loaded.config.name),
        sections: s.report.sections(),
    };
    let text = render_sections_text(&report, &opts);
    let shown = match args.format {
        Format::Text => text.clone(),
        Format::Markdown => render_sections_markdown(&report, &opts),
        Format::Json => serde_json::to_string_pretty(&events_output::json(&loaded, &s))
            .context("serializing the event study")?,
    };
    if let Some(mut out) = out {
        events_output::write(&mut out, &s, &text)?;
        reporter.note(&format!("wrote {}", out.path().display()));
    }
    Ok(shown)
}
