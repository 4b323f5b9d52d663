//! `rotor events CONFIG`: the event study of a config's event feed, without trading; and the
//! same study appended to the report of `rotor run` when the config has an event feed.
//!
//! What is studied: for a `news_event` strategy, the events it would trade (its tags, match mode
//! and sentiment threshold), per tag, on its traded basket, abnormal returns signed the way it
//! trades them (+1 long, -1 short); for any other strategy, every tag of the feed on each
//! event's own `symbols` (those in the bars), signed by the sign of its sentiment. Always
//! against `report.benchmark`, which the study requires. Day 0 is the first session whose close
//! is after the event.
//!
//! Invariant: the study loads its own market (the symbols it needs, over the config's date
//! range), so it never changes the symbols, and thus the timeline, of the backtest itself.

use std::collections::BTreeMap;

use rotor_data::load::{load_market, LoadOptions};
use rotor_data::Event;
use rotor_report::{
    event_study, render_event_study, EventStudyInput, EventWindows, StudyEvent, StudyGroup,
};
use rotor_strategies::{NewsEvent, StrategyConfig};

use crate::args::EventsArgs;
use crate::config::{self, Loaded};
use crate::error::bad;

/// Per tag: the basket (None = each event's own symbols) and `(event, sign)` pairs.
struct Plan {
    basket: Option<Vec<String>>,
    groups: BTreeMap<String, Vec<(Event, f64)>>,
}

fn plan(strategy: &StrategyConfig, events: &[Event]) -> Plan {
    let mut groups: BTreeMap<String, Vec<(Event, f64)>> = BTreeMap::new();
    match strategy {
        StrategyConfig::NewsEvent(c) => {
            for e in events {
                let Some(sign) = NewsEvent::direction(c, e) else {
                    continue;
                };
                for tag in &c.tags {
                    if e.has_tag(tag) {
                        groups
                            .entry(tag.to_lowercase())
                            .or_default()
                            .push((e.clone(), sign));
                    }
                }
            }
            Plan {
                basket: Some(c.symbols.clone()),
                groups,
            }
        }
        _ => {
            for e in events {
                let s = e.sentiment.unwrap_or(0.0);
                let sign = if s < 0.0 { -1.0 } else { 1.0 };
                for tag in &e.tags {
                    groups
                        .entry(tag.clone())
                        .or_default()
                        .push((e.clone(), sign));
                }
            }
            Plan {
                basket: None,
                groups,
            }
        }
    }
}

/// The event-study section of `rotor run`'s report: `None` without an event feed; a one-line
/// note instead of the study when `report.benchmark` is not set.
pub fn study_for_run(loaded: &Loaded, quiet: bool) -> anyhow::Result<Option<String>> {
    let cfg = &loaded.config;
    if cfg.data.events.is_none() {
        return Ok(None);
    }
    if cfg.report.benchmark.is_none() {
        return Ok(Some(
            "EVENT STUDY\nskipped: set report.benchmark to study the event feed\n".into(),
        ));
    }
    study(loaded, quiet)
}

/// The event-study text for a loaded config, or `Ok(None)` when it has no event feed.
pub fn study(loaded: &Loaded, quiet: bool) -> anyhow::Result<Option<String>> {
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
    // Pass 1: the feed alone, to learn which symbols the study needs.
    let feed = rotor_data::events_io::load_events(events_path).map_err(bad)?;
    let p = plan(&cfg.strategy, &feed);
    let mut symbols: Vec<String> = vec![bench.clone()];
    let mut want = |s: &String| {
        if !symbols.contains(s) {
            symbols.push(s.clone());
        }
    };
    match &p.basket {
        Some(b) => b.iter().for_each(&mut want),
        None => p
            .groups
            .values()
            .flatten()
            .flat_map(|(e, _)| &e.symbols)
            .for_each(&mut want),
    }
    let data = load_market(
        &cfg.data.bars,
        None,
        &LoadOptions {
            start: cfg.data.start,
            end: cfg.data.end,
            symbols: Some(symbols.clone()),
        },
    );
    let data = match data {
        Ok(d) => d,
        Err(_) if p.basket.is_none() => {
            // An event names a ticker the bars lack: keep the symbols that load, one by one.
            let mut keep = vec![bench.clone()];
            for s in symbols.iter().skip(1) {
                let one = LoadOptions {
                    start: cfg.data.start,
                    end: cfg.data.end,
                    symbols: Some(vec![s.clone()]),
                };
                if load_market(&cfg.data.bars, None, &one).is_ok() {
                    keep.push(s.clone());
                } else if !quiet {
                    eprintln!("warning: event study: symbol `{s}` is not in the bars; skipped");
                }
            }
            load_market(
                &cfg.data.bars,
                None,
                &LoadOptions {
                    start: cfg.data.start,
                    end: cfg.data.end,
                    symbols: Some(keep),
                },
            )
            .map_err(bad)?
        }
        Err(e) => return Err(bad(e)),
    };
    let market = data.market;
    let prices: Vec<Vec<f64>> = (0..market.n_symbols())
        .map(|s| market.close(s).to_vec())
        .collect();
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
    let groups: Vec<StudyGroup> = p
        .groups
        .iter()
        .map(|(tag, evs)| StudyGroup {
            label: tag.clone(),
            basket: match &p.basket {
                Some(bk) => bk.join(" "),
                None => "each event's symbols".into(),
            },
            events: evs
                .iter()
                .filter_map(|(e, sign)| {
                    let members = match &p.basket {
                        Some(bk) => index(bk),
                        None => index(&e.symbols),
                    };
                    // Day 0: the first session whose close is after the event.
                    let day0 = market.first_bar_at_or_after(e.timestamp.saturating_add(1));
                    (!members.is_empty()).then_some(StudyEvent {
                        day0,
                        members,
                        sign: *sign,
                    })
                })
                .collect(),
        })
        .filter(|g| !g.events.is_empty())
        .collect();
    let input = EventStudyInput {
        timestamps: market.timestamps(),
        prices: &prices,
        benchmark: &prices[b],
    };
    let windows = EventWindows::default();
    let results = event_study(&input, &groups, &windows);
    let note = match &cfg.strategy {
        StrategyConfig::NewsEvent(_) => {
            "Abnormal returns signed as the strategy trades them (short trades flipped)."
        }
        _ => "Abnormal returns signed by sentiment (negative news flipped).",
    };
    Ok(Some(render_event_study(
        &results, &bench, &windows, note, 100,
    )))
}

/// `rotor events CONFIG`.
pub fn run(args: &EventsArgs) -> anyhow::Result<()> {
    let loaded = config::load(&args.config, &args.set)?;
    match study(&loaded, args.quiet)? {
        Some(text) => {
            print!("{text}");
            Ok(())
        }
        None => Err(bad(format!(
            "{}: data.events is not set: there is no event feed to study",
            loaded.path.display()
        ))),
    }
}
