//! `news_event` on a flat market: every entry and exit bar is known from the timing rule.

use rotor_data::time::{daily_close_ns, NS_PER_SEC};
use rotor_data::{Event, Market, MarketBuilder, SymbolBars};
use rotor_engine::{RunResult, SimulationConfig};

use super::support::{day, from_closes, Bar};
use crate::config::{Direction, MatchMode, NewsEventConfig, StrategyConfig};
use crate::run;

const HOUR: i64 = 3600 * NS_PER_SEC;

fn flat_market(n: usize, events: Vec<Event>) -> Market {
    let mut b = MarketBuilder::new(true);
    for name in ["A", "B", "H"] {
        let bars: Vec<Bar> = from_closes(&vec![100.0; n]);
        let mut sb = SymbolBars {
            symbol: name.into(),
            ..SymbolBars::default()
        };
        for (i, bar) in bars.iter().enumerate() {
            let (o, h, l, c) = bar.unwrap();
            sb.timestamps.push(daily_close_ns(day(i)));
            sb.open.push(o);
            sb.high.push(h);
            sb.low.push(l);
            sb.close.push(c);
            sb.volume.push(1e12); // never binds a volume cap
        }
        b.add(sb);
    }
    b.events(events);
    b.build()
}

fn ev(ns: i64, tags: &[&str], sentiment: f64) -> Event {
    Event {
        timestamp: ns,
        headline: "h".into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        sentiment: Some(sentiment),
        symbols: Vec::new(),
    }
}

/// Evening of bar `i` (23:00 UTC, after its 20:00 close) and intraday (16:00 UTC).
fn evening(i: usize) -> i64 {
    daily_close_ns(day(i)) + 3 * HOUR
}
fn intraday(i: usize) -> i64 {
    daily_close_ns(day(i)) - 4 * HOUR
}

fn cfg() -> NewsEventConfig {
    NewsEventConfig {
        tags: vec!["defense".into()],
        symbols: vec!["A".into(), "B".into()],
        hold: 3,
        size_per_event: 0.5,
        min_abs_sentiment: 0.3,
        ..Default::default()
    }
}

fn go(m: &Market, c: NewsEventConfig) -> RunResult {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = 100_000.0;
    run(m, &StrategyConfig::NewsEvent(c), &e).unwrap()
}

fn fills(r: &RunResult) -> Vec<(usize, usize, f64)> {
    r.fills
        .iter()
        .map(|f| (f.bar, f.symbol, f.quantity))
        .collect()
}

#[test]
fn evening_news_fills_at_the_next_open_intraday_news_a_session_later() {
    let m = flat_market(
        20,
        vec![
            ev(evening(3), &["defense"], 0.9), // -> long at bar 4's open, out at bar 7's
            ev(evening(5), &["other"], 0.9),   // wrong tag
            ev(evening(6), &["defense"], 0.1), // |sentiment| below 0.3
            ev(intraday(10), &["defense"], -0.5), // during bar 10 -> short at bar 11, out at 14
        ],
    );
    let mut c = cfg();
    c.hedge = Some("H".into());
    let r = go(&m, c);
    assert_eq!(
        fills(&r),
        vec![
            (4, 0, 250.0),
            (4, 1, 250.0),
            (4, 2, -500.0),
            (7, 0, -250.0),
            (7, 1, -250.0),
            (7, 2, 500.0),
            (11, 0, -250.0),
            (11, 1, -250.0),
            (11, 2, 500.0),
            (14, 0, 250.0),
            (14, 1, 250.0),
            (14, 2, -500.0),
        ]
    );
    assert_eq!(r.final_positions, vec![0.0, 0.0, 0.0]);
}

#[test]
fn direction_match_all_and_the_exposure_cap() {
    let events = vec![
        ev(evening(2), &["defense", "budget"], -0.9),
        ev(evening(2) + 1, &["defense"], 0.9), // all: lacks `budget`
        ev(evening(2) + 2, &["budget", "defense"], 0.9),
        ev(evening(2) + 3, &["defense", "budget"], 0.9), // no room left
    ];
    let m = flat_market(12, events);
    let mut c = cfg();
    c.tags = vec!["defense".into(), "budget".into()];
    c.match_mode = MatchMode::All;
    c.direction = Direction::Long;
    c.max_exposure = 0.75;
    let r = go(&m, c);
    // First event 0.5, second scaled to the 0.25 left, third skipped: 0.75 of equity, split.
    assert_eq!(fills(&r)[..2], [(3, 0, 375.0), (3, 1, 375.0)]);
    let after: Vec<_> = fills(&r)[2..].to_vec();
    assert_eq!(after, vec![(6, 0, -375.0), (6, 1, -375.0)]);
}

#[test]
fn overlapping_events_add_up_and_leave_one_at_a_time() {
    let m = flat_market(
        15,
        vec![
            ev(evening(1), &["defense"], 0.9),
            ev(evening(3), &["defense"], 0.9),
        ],
    );
    let mut c = cfg();
    c.size_per_event = 0.2;
    c.hold = 4;
    let r = go(&m, c);
    // Entries at bars 2 and 4 (0.1 each per symbol), exits at bars 6 and 8.
    assert_eq!(
        fills(&r),
        vec![
            (2, 0, 100.0),
            (2, 1, 100.0),
            (4, 0, 100.0),
            (4, 1, 100.0),
            (6, 0, -100.0),
            (6, 1, -100.0),
            (8, 0, -100.0),
            (8, 1, -100.0),
        ]
    );
}
