//! Per-event P&L of a `news_event` run (see `rotor_strategies::event_pnl`): a report section
//! with one row per headline acted on, and the tables `event_pnl.parquet` (one row per event)
//! and `event_fills.parquet` (the event id on each fill, with its share of the fill).

use rotor_data::time::{format_ns, ns_to_datetime};
use rotor_data::{Column, Market, Table};
use rotor_engine::{FillConfig, RunResult};
use rotor_report::{money, Block, Section};
use rotor_strategies::{
    attribute_events, BuiltStrategy, EventPnl, EventTrade, NewsEvent, StrategyError,
};

/// What `rotor run` shows and writes for a `news_event` config.
pub struct EventPnlOutput {
    /// The report section.
    pub section: Section,
    /// The "Reaction" section: publication, fill and delay per headline (see
    /// [`crate::reaction_report`]).
    pub reaction: Section,
    /// `(file name, table)` for `--out`.
    pub tables: Vec<(&'static str, Table)>,
}

/// Headlines are cut to 28 characters so the table fits 100 columns (the Parquet file has
/// them whole).
fn headline(h: &str) -> String {
    if h.chars().count() <= 28 {
        h.to_string()
    } else {
        let mut s: String = h.chars().take(25).collect();
        s.push_str("...");
        s
    }
}

/// `YYYY-MM-DD HH:MM` (UTC).
fn minute(ns: i64) -> String {
    ns_to_datetime(ns).format("%Y-%m-%d %H:%M").to_string()
}

/// The per-event P&L of a run whose strategy is a `news_event`; `None` for any other strategy.
/// No memory for its per-bar tables is an error ([`StrategyError::is_out_of_memory`]).
pub fn build(
    market: &Market,
    result: &RunResult,
    strategy: &BuiltStrategy,
    fill_rules: &FillConfig,
) -> Result<Option<EventPnlOutput>, StrategyError> {
    let BuiltStrategy::NewsEvent(news) = strategy else {
        return Ok(None);
    };
    let events: &[EventTrade] = &news.log;
    let pnl = attribute_events(market, fill_rules.adjust, result, events)?;
    let returns = event_returns(market, result, news, &pnl);
    let section = pnl_section(market, result, news, &pnl, &returns);
    let per_event = per_event_table(market, events, &pnl, returns);
    let per_fill = per_fill_table(market, result, &pnl);
    let reaction =
        crate::reaction_report::section(market, fill_rules, result, events, &pnl.fill_events);
    Ok(Some(EventPnlOutput {
        section,
        reaction,
        tables: vec![
            ("event_pnl.parquet", per_event),
            ("event_fills.parquet", per_fill),
        ],
    }))
}

/// Each event's return: its P&L over the gross it committed at entry (size x gross per unit x
/// equity at the previous close); NaN when nothing was committed.
fn event_returns(
    market: &Market,
    result: &RunResult,
    news: &NewsEvent,
    pnl: &EventPnl,
) -> Vec<f64> {
    // The curve starts at the trading start (bar indices are the market's).
    let start = market.trading_start();
    let equity_before = |t: usize| {
        t.checked_sub(1)
            .and_then(|p| p.checked_sub(start))
            .and_then(|p| result.equity.get(p).copied())
            .unwrap_or(result.initial_cash)
    };
    news.log
        .iter()
        .map(|e| e.size.abs() * news.gross_per_unit() * equity_before(e.entry))
        .zip(&pnl.pnl)
        .map(|(c, p)| if c > 0.0 { p / c } else { f64::NAN })
        .collect()
}

/// The "Per-event P&L" report section: one row per headline acted on, the lines that add the
/// rows up to the run's P&L, and how many headlines were skipped.
fn pnl_section(
    market: &Market,
    result: &RunResult,
    news: &NewsEvent,
    pnl: &EventPnl,
    returns: &[f64],
) -> Section {
    let events = &news.log;
    let total: f64 = pnl.pnl.iter().sum();
    let final_equity = result.final_equity();
    let table = if events.is_empty() {
        Block::Text("No headline was acted on.".into())
    } else {
        Block::Table(rotor_report::render::Table {
            headers: [
                "#",
                "event (UTC)",
                "headline",
                "entry",
                "exit",
                "P&L",
                "return",
            ]
            .map(String::from)
            .to_vec(),
            rows: event_rows(market, events, pnl, returns),
        })
    };
    let mut blocks = vec![
        Block::Text(
            "One row per headline acted on. While open, an event holds its share of every \
             position (its size over the summed size of the open events) and pays the costs of \
             the fills its entry and exit cause; entry and exit are the sessions whose opens \
             fill them; return is P&L over the gross committed at entry (size x equity at the \
             previous close). The rows add up to the run's P&L with the lines below."
                .into(),
        ),
        table,
        Block::KeyValues(vec![
            ("Sum over events".into(), money(total)),
            (
                "Not attributed (no event open)".into(),
                money(pnl.unattributed),
            ),
            ("Interest".into(), money(result.interest_earned)),
            (
                "Final - initial equity".into(),
                money(final_equity - result.initial_cash),
            ),
        ]),
    ];
    if news.skipped > 0 {
        blocks.push(Block::Text(format!(
            "{} matching headline{} skipped: max_exposure was used up.",
            news.skipped,
            if news.skipped == 1 { " was" } else { "s were" }
        )));
    }
    Section {
        title: "Per-event P&L".into(),
        blocks,
    }
}

/// The rows of the section's table: number, time, headline, entry and exit sessions, P&L and
/// return of each event.
fn event_rows(
    market: &Market,
    events: &[EventTrade],
    pnl: &EventPnl,
    returns: &[f64],
) -> Vec<Vec<String>> {
    let ts = market.timestamps();
    let date = |t: usize| ts.get(t).map_or("open".to_string(), |&x| format_ns(x));
    events
        .iter()
        .enumerate()
        .map(|(k, e)| {
            vec![
                (k + 1).to_string(),
                minute(e.timestamp),
                headline(&e.headline),
                date(e.entry),
                date(e.exit),
                money(pnl.pnl[k]),
                if returns[k].is_finite() {
                    format!("{:+.2}%", returns[k] * 100.0)
                } else {
                    "n/a".into()
                },
            ]
        })
        .collect()
}

/// `event_pnl.parquet`: one row per event (an event still open at the end exits at the last
/// bar's time, flagged `open`).
fn per_event_table(
    market: &Market,
    events: &[EventTrade],
    pnl: &EventPnl,
    returns: Vec<f64>,
) -> Table {
    let ts = market.timestamps();
    let n = ts.len();
    let last = ts.last().copied().unwrap_or(0);
    Table::new(vec![
        Column::I64("event_id".into(), (1..=events.len() as i64).collect()),
        Column::Timestamp(
            "event_time".into(),
            events.iter().map(|e| e.timestamp).collect(),
        ),
        Column::Str(
            "headline".into(),
            events.iter().map(|e| e.headline.clone()).collect(),
        ),
        Column::Timestamp(
            "entry_time".into(),
            events
                .iter()
                .map(|e| ts.get(e.entry).copied().unwrap_or(last))
                .collect(),
        ),
        Column::Timestamp(
            "exit_time".into(),
            events
                .iter()
                .map(|e| ts.get(e.exit).copied().unwrap_or(last))
                .collect(),
        ),
        Column::Bool("open".into(), events.iter().map(|e| e.exit >= n).collect()),
        Column::F64("size".into(), events.iter().map(|e| e.size).collect()),
        Column::F64("pnl".into(), pnl.pnl.clone()),
        Column::F64("return".into(), returns),
    ])
}

/// `event_fills.parquet`: the event id on each fill an event caused, with its share of it.
fn per_fill_table(market: &Market, result: &RunResult, pnl: &EventPnl) -> Table {
    let fe = &pnl.fill_events;
    let fill = |i: usize| &result.fills[i];
    Table::new(vec![
        Column::I64("fill".into(), fe.iter().map(|x| x.0 as i64).collect()),
        Column::I64(
            "event_id".into(),
            fe.iter().map(|x| x.1 as i64 + 1).collect(),
        ),
        Column::Timestamp(
            "timestamp".into(),
            fe.iter().map(|x| fill(x.0).timestamp).collect(),
        ),
        Column::Str(
            "symbol".into(),
            fe.iter()
                .map(|x| market.symbols()[fill(x.0).symbol].clone())
                .collect(),
        ),
        Column::F64("share".into(), fe.iter().map(|x| x.2).collect()),
        Column::F64(
            "quantity".into(),
            fe.iter().map(|x| x.2 * fill(x.0).quantity).collect(),
        ),
        Column::F64("price".into(), fe.iter().map(|x| fill(x.0).price).collect()),
    ])
}
