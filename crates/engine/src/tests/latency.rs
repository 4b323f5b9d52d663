//! Reaction latency (`execution.latency`, `execution.order_latency`): an event published at `T`
//! is traded only at prices printed strictly after `T` and at or after `T + latency`; with an
//! order latency, an order sent from `on_bar` after a close `C` likewise from `C`.

use std::collections::HashMap;

use proptest::prelude::*;
use rotor_data::time::{date_to_ns, NS_PER_SEC};
use rotor_data::{Event, Market, MarketBuilder, SymbolBars};

use rotor_rng::SplitMix64;

use super::support::{below, day, event, market, oc};
use crate::{run, Context, OrderId, SimulationConfig, Strategy};

const MIN: i64 = 60 * NS_PER_SEC;

/// Buys one share at market on every headline (and, with `at_close`, one at the close too),
/// and with `every_bar` one share from each `on_bar`; remembers what each order reacted to.
#[derive(Default)]
struct Reactor {
    at_close: bool,
    every_bar: bool,
    /// Order -> the instant it reacted to (the event's timestamp, or the bar's close).
    sent_on: HashMap<OrderId, i64>,
    /// Order -> true when sent from `on_news`.
    from_news: HashMap<OrderId, bool>,
}

impl Strategy for Reactor {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        if self.every_bar {
            let id = ctx.market_order(0, 1.0);
            self.sent_on.insert(id, ctx.time());
            self.from_news.insert(id, false);
        }
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, e: &Event) {
        let mut ids = vec![ctx.market_order(0, 1.0)];
        if self.at_close {
            ids.push(ctx.market_on_close(0, 1.0));
        }
        for id in ids {
            self.sent_on.insert(id, e.timestamp);
            self.from_news.insert(id, true);
        }
    }
}

fn exec(latency: Option<&str>, order_latency: Option<&str>) -> SimulationConfig {
    let mut x = SimulationConfig::default();
    x.execution.latency = latency.map(String::from);
    x.execution.order_latency = order_latency.map(String::from);
    x
}

/// The bar of the one fill of a market order sent on a headline at `ns` (daily bars).
fn news_fill_bar(ns: i64, latency: Option<&str>) -> Option<usize> {
    let bars = vec![
        oc(10.0, 10.5),
        oc(11.0, 11.5),
        oc(12.0, 12.5),
        oc(13.0, 13.5),
    ];
    let m = market(&[("A", bars)], vec![event(ns, "x")]);
    let mut s = Reactor::default();
    let r = run(&m, &exec(latency, None), &mut s);
    r.fills.first().map(|f| f.bar)
}

#[test]
fn latency_moves_a_headline_past_the_open_it_cannot_reach() {
    // Daily bars open at 13:30 UTC: a headline at 13:00 on day 1 trades at day 1's open with
    // up to 30 minutes of latency, at day 2's with more.
    let t = date_to_ns(day(1)) + 13 * 60 * MIN;
    assert_eq!(news_fill_bar(t, None), Some(1));
    assert_eq!(news_fill_bar(t, Some("30m")), Some(1));
    assert_eq!(news_fill_bar(t, Some("1801s")), Some(2));
    assert_eq!(news_fill_bar(t, Some("24h")), Some(2));
    // A reaction instant past the last bar's close: never traded.
    let last = date_to_ns(day(3)) + 19 * 60 * MIN;
    assert_eq!(news_fill_bar(last, Some("2h")), None);
}

#[test]
fn order_latency_applies_the_rule_to_orders_from_on_bar() {
    let bars = vec![
        oc(10.0, 10.5),
        oc(11.0, 11.5),
        oc(12.0, 12.5),
        oc(13.0, 13.5),
    ];
    let m = market(&[("A", bars)], vec![]);
    let bars_of = |order_latency: Option<&str>| {
        let mut s = Reactor {
            every_bar: true,
            ..Reactor::default()
        };
        let r = run(&m, &exec(None, order_latency), &mut s);
        r.fills.iter().map(|f| f.bar).collect::<Vec<_>>()
    };
    // Without it: the next open, whatever its instant.
    assert_eq!(bars_of(None), vec![1, 2, 3]);
    // The close is 20:00 UTC, the next open 13:30: 17.5 hours later.
    assert_eq!(bars_of(Some("0")), vec![1, 2, 3]);
    assert_eq!(bars_of(Some("17h")), vec![1, 2, 3]);
    // 18 hours: each order skips the next open and fills at the one after (the last bar's
    // order would need a bar after the data).
    assert_eq!(bars_of(Some("18h")), vec![2, 3]);
}

/// One symbol of minute (or `step`-minute) bars over `sessions` days of `per` bars each, the
/// first closing at 14:31 UTC.
fn minute_market(
    rng: &mut SplitMix64,
    sessions: usize,
    per: usize,
    step: i64,
    events: Vec<Event>,
) -> Market {
    let mut ts = Vec::new();
    for d in 0..sessions {
        let open = date_to_ns(day(d)) + (14 * 60 + 30) * MIN;
        ts.extend((1..=per as i64).map(|k| open + k * step * MIN));
    }
    let n = ts.len();
    let mut px: f64 = 100.0;
    let (mut o, mut h, mut l, mut c) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let open = px * (1.0 + 0.01 * (rng.next_f64() - 0.5));
        px = open * (1.0 + 0.01 * (rng.next_f64() - 0.5));
        o.push(open);
        c.push(px);
        h.push(open.max(px) * 1.001);
        l.push(open.min(px) * 0.999);
    }
    let mut b = MarketBuilder::new(false);
    b.add(SymbolBars {
        symbol: "A".into(),
        timestamps: ts,
        open: o,
        high: h,
        low: l,
        close: c,
        volume: vec![1e9; n],
        adj_close: None,
        close_only: false,
    });
    b.events(events);
    b.build()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_fill_prints_at_or_before_what_it_reacted_to_nor_within_the_latency(
        seed in any::<u64>(),
        sessions in 1usize..4,
        per in 1usize..40,
        step in prop::sample::select(vec![1i64, 5]),
        latency in prop::sample::select(vec![None, Some("0"), Some("1ns"), Some("250ms"), Some("5s"), Some("1m"), Some("5m"), Some("90m")]),
        order_latency in prop::sample::select(vec![None, Some("0"), Some("30s"), Some("1m"), Some("7m")]),
        n_events in 0usize..12,
    ) {
        let mut rng = SplitMix64::new(seed);
        let probe = minute_market(&mut rng, sessions, per, step, vec![]);
        let ts = probe.timestamps();
        // Headlines on bar closes, on open instants, just around them, and anywhere.
        let events: Vec<Event> = (0..n_events)
            .map(|_| {
                let t = below(&mut rng, ts.len());
                let ns = match rng.below(5) {
                    0 => ts[t],
                    1 => probe.session_open(t),
                    2 => probe.session_open(t) - 1,
                    3 => ts[t] + 1,
                    _ => ts[0] - 60 * MIN + (rng.next_f64() * (ts[ts.len() - 1] - ts[0] + 120 * MIN) as f64) as i64,
                };
                event(ns, "x")
            })
            .collect();
        let m = minute_market(&mut SplitMix64::new(seed), sessions, per, step, events);
        let x = exec(latency, order_latency);
        let mut s = Reactor { at_close: true, every_bar: true, ..Reactor::default() };
        let r = run(&m, &x, &mut s);
        for f in &r.fills {
            let id = f.order.expect("every fill comes from an order");
            let sent = s.sent_on[&id];
            let news = s.from_news[&id];
            prop_assert!(f.timestamp >= m.session_open(f.bar) && f.timestamp <= m.timestamps()[f.bar]);
            if news {
                prop_assert!(f.timestamp > sent, "fill at {} on news at {sent}", f.timestamp);
                prop_assert!(f.timestamp >= sent + x.execution.latency_ns());
            } else if let Some(l) = x.execution.order_latency_ns() {
                prop_assert!(f.timestamp > sent && f.timestamp >= sent + l);
            } else {
                // The next-open convention: the next bar's open may print at the close itself.
                prop_assert!(f.timestamp >= sent);
            }
        }
    }
}
