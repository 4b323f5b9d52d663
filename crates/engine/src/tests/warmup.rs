//! The trading start: warm-up bars are seen but never traded, stale news is history, and the
//! first decision fills at the first traded open.

use rotor_data::time::{date_to_ns, NS_PER_SEC};

use super::support::{day, event, market, oc, Probe};
use crate::{run, Context, SimulationConfig, Strategy};

const HOUR: i64 = 3600 * NS_PER_SEC;

fn at(d: usize, hour: i64) -> i64 {
    date_to_ns(day(d)) + hour * HOUR
}

fn five_bars(events: Vec<rotor_data::Event>) -> rotor_data::Market {
    market(
        &[(
            "A",
            vec![
                oc(10.0, 10.5),
                oc(11.0, 11.5),
                oc(12.0, 12.5),
                oc(13.0, 13.5),
                oc(14.0, 14.5),
            ],
        )],
        events,
    )
}

/// Buys one share on every headline; returns the headlines seen and the fills' bars.
fn news_buys(m: &rotor_data::Market) -> (Vec<String>, Vec<usize>) {
    let mut s = Probe::new(
        |_| {},
        |ctx, _| {
            ctx.market_order(0, 1.0);
        },
    );
    let r = run(m, &SimulationConfig::default(), &mut s);
    let seen = s.news_seen.iter().map(|(h, _, _)| h.clone()).collect();
    (seen, r.fills.iter().map(|f| f.bar).collect())
}

#[test]
fn news_before_the_first_open_is_history_without_earlier_data() {
    let m = five_bars(vec![
        event(at(0, 8) - 400 * 24 * HOUR, "old"),
        event(at(0, 8), "premarket"),
        event(at(0, 15), "session"),
    ]);
    // Only the headline published during the first session is news; it trades at bar 1.
    assert_eq!(
        news_buys(&m),
        (vec!["session headline".to_string()], vec![1])
    );
}

#[test]
fn news_up_to_the_previous_close_is_history_when_trading_starts_later() {
    let events = vec![
        event(at(0, 15), "during-bar-0"),
        event(at(1, 20), "at-close-1"),
        event(at(1, 21), "after-close-1"),
        event(at(2, 9), "premarket-2"),
    ];
    // Trading starts at bar 2 with one warm-up bar (bar 1); bar 0 is cut.
    let m = five_bars(events).with_trading_start(2, 1);
    assert_eq!(m.trading_start(), 1);
    assert_eq!(m.prev_close(), Some(at(1, 20)));
    let (seen, fills) = news_buys(&m);
    assert_eq!(
        seen,
        vec![
            "after-close-1 headline".to_string(),
            "premarket-2 headline".to_string()
        ]
    );
    // Both fill at the first traded open (bar 2 of the original, 1 of the cut market).
    assert_eq!(fills, vec![1, 1]);
}

/// Orders every bar; records the bars it was called for.
struct EveryBar {
    seen: Vec<usize>,
    started: Vec<Option<usize>>,
}

impl Strategy for EveryBar {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let t = ctx.bar().unwrap();
        self.seen.push(t);
        ctx.market_order(0, (t + 1) as f64);
    }

    fn on_start(&mut self, ctx: &mut Context<'_>) {
        self.started.push(ctx.bar());
    }
}

#[test]
fn warm_up_bars_are_seen_but_only_the_last_decision_trades() {
    let m = five_bars(vec![]).with_trading_start(3, 3);
    let mut s = EveryBar {
        seen: Vec::new(),
        started: Vec::new(),
    };
    let r = run(&m, &SimulationConfig::default(), &mut s);
    assert_eq!(s.seen, vec![0, 1, 2, 3, 4]);
    assert_eq!(s.started, vec![Some(2)]);
    // The orders of bars 0 and 1 were dropped; bar 2's (3 shares) fills at bar 3's open.
    let fills: Vec<(usize, f64, f64)> = r
        .fills
        .iter()
        .map(|f| (f.bar, f.quantity, f.price))
        .collect();
    assert_eq!(fills, vec![(3, 3.0, 13.0), (4, 4.0, 14.0)]);
    // Curve and costs start at the trading start.
    assert_eq!(r.timestamps, m.timestamps()[3..].to_vec());
    assert_eq!(r.equity.len(), 2);
    assert_eq!(r.equity[0], 1e6 - 3.0 * 13.0 + 3.0 * 13.5);
}

#[test]
fn on_start_without_warm_up_sees_no_bar_and_fills_at_the_first_open() {
    struct Start;
    impl Strategy for Start {
        fn on_bar(&mut self, _ctx: &mut Context<'_>) {}
        fn on_start(&mut self, ctx: &mut Context<'_>) {
            assert_eq!(ctx.bar(), None);
            assert!(ctx.close(0).is_empty());
            ctx.market_order(0, 2.0);
        }
    }
    let m = five_bars(vec![]);
    let r = run(&m, &SimulationConfig::default(), &mut Start);
    assert_eq!((r.fills[0].bar, r.fills[0].price), (0, 10.0));
    assert_eq!(r.equity.len(), 5);
}
