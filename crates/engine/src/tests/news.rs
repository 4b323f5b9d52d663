//! News timing: which bar's open an order sent from `on_news` fills at.

use rotor_data::time::{date_only_event_ns, date_to_ns, NS_PER_SEC};

use super::support::{day, event, market, oc, Probe};
use crate::{run, SimulationConfig};

const HOUR: i64 = 3600 * NS_PER_SEC;

/// Delivers one event at `ns` to a strategy that buys 1 share on any news; returns
/// (ctx.bar() seen by on_news, bar of the fill), or None if never delivered.
fn trade_on(ns: i64) -> Option<(Option<usize>, usize)> {
    let m = market(
        &[(
            "A",
            vec![
                oc(10.0, 10.5),
                oc(11.0, 11.5),
                oc(12.0, 12.5),
                oc(13.0, 13.5),
            ],
        )],
        vec![event(ns, "x")],
    );
    let mut s = Probe::new(
        |_| {},
        |ctx, e| {
            assert_eq!(ctx.time(), e.timestamp);
            ctx.market_order(0, 1.0);
        },
    );
    let r = run(&m, &SimulationConfig::default(), &mut s);
    assert!(s.news_seen.len() <= 1);
    let (_, seen_bar, _) = s.news_seen.first()?.clone();
    assert_eq!(r.fills.len(), 1);
    let f = r.fills[0];
    assert_eq!(f.price, m.open(0)[f.bar]);
    Some((seen_bar, f.bar))
}

fn at(d: usize, hour: i64) -> i64 {
    date_to_ns(day(d)) + hour * HOUR
}

#[test]
fn event_after_the_close_trades_at_the_next_open() {
    assert_eq!(trade_on(at(1, 21)), Some((Some(1), 2)));
    // Still before the next open (13:30 UTC).
    assert_eq!(trade_on(at(2, 13)), Some((Some(1), 2)));
}

#[test]
fn event_during_the_session_trades_at_the_next_open_not_this_one() {
    assert_eq!(trade_on(at(1, 15)), Some((Some(0), 2)));
    // Exactly at the close: that close printed at the headline's own instant, so the strategy
    // acts after it (seeing it) and trades at the next open.
    assert_eq!(trade_on(at(1, 20)), Some((Some(1), 2)));
}

#[test]
fn event_before_the_open_trades_at_that_open() {
    assert_eq!(trade_on(at(1, 12)), Some((Some(0), 1)));
    // Strictly before: a headline stamped at the open instant itself cannot trade at that
    // open's price, only at the next one.
    let m = market(&[("A", vec![oc(1.0, 1.0), oc(1.0, 1.0)])], vec![]);
    assert_eq!(trade_on(m.session_open(1) - 1), Some((Some(0), 1)));
    assert_eq!(trade_on(m.session_open(1)), Some((Some(0), 2)));
    assert_eq!(trade_on(m.session_open(1) + 1), Some((Some(0), 2)));
}

#[test]
fn date_only_event_is_after_that_days_close() {
    assert_eq!(trade_on(date_only_event_ns(day(1))), Some((Some(1), 2)));
}

#[test]
fn events_before_the_first_open_are_history() {
    // No earlier session in the data: anything before the first open is stale, never traded.
    assert_eq!(trade_on(at(0, 8)), None);
    assert_eq!(trade_on(at(0, 8) - 400 * 24 * HOUR), None);
    // From the first open on it is news of the first session.
    assert_eq!(trade_on(at(0, 15)), Some((None, 1)));
}

#[test]
fn event_after_the_last_close_is_never_delivered() {
    assert_eq!(trade_on(at(3, 21)), None);
}

#[test]
fn news_is_delivered_in_feed_order_with_the_right_history() {
    let events = vec![
        event(at(0, 9), "a"),
        event(at(0, 15), "b"),
        event(at(1, 22), "c"),
    ];
    let m = market(
        &[("A", vec![oc(10.0, 10.5), oc(11.0, 11.5), oc(12.0, 12.5)])],
        events,
    );
    let mut s = Probe::new(|_| {}, |_, _| {});
    run(&m, &SimulationConfig::default(), &mut s);
    let seen: Vec<(String, Option<usize>)> = s
        .news_seen
        .iter()
        .map(|(h, b, _)| (h.clone(), *b))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("b headline".to_string(), None),
            ("c headline".to_string(), Some(1)),
        ]
    );
}
