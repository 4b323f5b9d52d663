//! Per-event P&L attribution (`event_pnl`) on hand-built markets: the events always add up to
//! the run's P&L, whatever the overlap, signs, hedge, borrow or volume cap.

use rotor_data::time::{daily_close_ns, NS_PER_SEC};
use rotor_data::{Event, Market, MarketBuilder, SymbolBars};
use rotor_engine::SimulationConfig;

use super::support::{day, from_closes};
use crate::config::{NewsEventConfig, StrategyConfig};
use crate::{attribute_events, run_keep, BuiltStrategy, EventPnl, EventTrade};

/// A, B and hedge H with trending, wiggling closes; `volume` per bar.
fn market(n: usize, volume: f64, events: Vec<Event>) -> Market {
    let mut b = MarketBuilder::new(true);
    for (k, name) in ["A", "B", "H"].iter().enumerate() {
        let closes: Vec<f64> = (0..n)
            .map(|i| 100.0 + (k as f64 + 1.0) * i as f64 * 0.3 + ((i * (k + 3)) % 7) as f64)
            .collect();
        let mut sb = SymbolBars {
            symbol: name.to_string(),
            ..SymbolBars::default()
        };
        for (i, bar) in from_closes(&closes).iter().enumerate() {
            let (o, h, l, c) = bar.unwrap();
            sb.timestamps.push(daily_close_ns(day(i)));
            sb.open.push(o);
            sb.high.push(h);
            sb.low.push(l);
            sb.close.push(c);
            sb.volume.push(volume);
        }
        b.add(sb);
    }
    b.events(events);
    b.build()
}

/// A headline the evening of bar `i`.
fn ev(i: usize, sentiment: f64, headline: &str) -> Event {
    Event {
        timestamp: daily_close_ns(day(i)) + 3 * 3600 * NS_PER_SEC,
        headline: headline.into(),
        tags: vec!["oil".into()],
        sentiment: Some(sentiment),
        symbols: Vec::new(),
    }
}

fn attribute(m: &Market, c: NewsEventConfig, borrow_bps: f64) -> (EventPnl, Vec<EventTrade>, f64) {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = 100_000.0;
    e.costs.borrow_bps = borrow_bps;
    e.costs.commission_bps = 1.0;
    e.costs.slippage_bps = 2.0;
    let (r, built) = run_keep(m, &StrategyConfig::NewsEvent(c), &e).unwrap();
    let BuiltStrategy::NewsEvent(news) = built else {
        panic!("not a news_event")
    };
    let pnl = attribute_events(m, false, &r, &news.log).unwrap();
    let total = r.final_equity() - r.initial_cash - r.interest_earned;
    (pnl, news.log, total)
}

fn cfg() -> NewsEventConfig {
    NewsEventConfig {
        tags: vec!["oil".into()],
        symbols: vec!["A".into(), "B".into()],
        hold: 6,
        size_per_event: 0.4,
        ..Default::default()
    }
}

#[test]
fn one_event_owns_the_whole_run() {
    let m = market(20, 1e9, vec![ev(3, 0.8, "only")]);
    let (p, log, total) = attribute(&m, cfg(), 0.0);
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].entry, log[0].exit), (4, 10));
    assert!(total.abs() > 1.0);
    assert!((p.pnl[0] - total).abs() < 1e-6, "{p:?} vs {total}");
    assert_eq!(p.unattributed, 0.0);
}

#[test]
fn overlapping_mixed_sign_hedged_events_add_up_with_borrow() {
    // Long, short and long again, overlapping on one basket with a hedge and borrow.
    let events = vec![ev(3, 0.8, "a"), ev(5, -0.6, "b"), ev(7, 0.5, "c")];
    let m = market(30, 1e9, events);
    let mut c = cfg();
    c.hedge = Some("H".into());
    c.max_exposure = 3.0;
    let (p, log, total) = attribute(&m, c, 300.0);
    assert_eq!(log.len(), 3);
    assert!(p.pnl.iter().all(|x| x.abs() > 1.0), "{p:?}");
    let sum: f64 = p.pnl.iter().sum::<f64>() + p.unattributed;
    assert!((sum - total).abs() < 1e-6, "{sum} vs {total}");
    assert!(p.unattributed.abs() < 1e-6, "{p:?}");
}

#[test]
fn a_volume_capped_remainder_after_the_exit_is_unattributed() {
    // 100 shares a bar at most (10% of 1,000) for about 200 wanted: the positions take two
    // bars to build and to unwind, so shares are still sold after the event's exit session.
    let m = market(40, 1_000.0, vec![ev(3, 0.8, "a")]);
    let (p, _, total) = attribute(&m, cfg(), 0.0);
    assert!(p.unattributed.abs() > 1e-6, "{p:?}");
    assert!((p.pnl[0] + p.unattributed - total).abs() < 1e-6);
}
