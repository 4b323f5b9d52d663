//! Fill prices, costs, sizing, shorts and borrow on markets where every number is known.

use super::support::{close_to, market, oc, Probe};
use crate::{run, Context, Market, SimulationConfig};

fn exec(cash: f64, commission_bps: f64, slippage_bps: f64, borrow_bps: f64) -> SimulationConfig {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = cash;
    e.costs.commission_bps = commission_bps;
    e.costs.slippage_bps = slippage_bps;
    e.costs.borrow_bps = borrow_bps;
    e.validate().unwrap();
    e
}

/// A: opens 10, 12, 13, 14; closes 10, 12.5, 13.5, 11.
fn one_symbol() -> Market {
    market(
        &[(
            "A",
            vec![
                oc(10.0, 10.0),
                oc(12.0, 12.5),
                oc(13.0, 13.5),
                oc(14.0, 11.0),
            ],
        )],
        vec![],
    )
}

fn on_bar(
    f: impl FnMut(&mut Context<'_>),
) -> Probe<impl FnMut(&mut Context<'_>), impl FnMut(&mut Context<'_>, &crate::Event)> {
    Probe::new(f, |_, _| {})
}

#[test]
fn market_order_fills_at_next_open_without_costs() {
    let m = one_symbol();
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 100.0);
        }
        if ctx.bar() == Some(2) {
            ctx.market_order(0, -100.0);
        }
    });
    let r = run(&m, &exec(10_000.0, 0.0, 0.0, 0.0), &mut s);
    assert_eq!(r.fills.len(), 2);
    let f = r.fills[0];
    assert_eq!(
        (
            f.bar,
            f.symbol,
            f.quantity,
            f.price,
            f.commission,
            f.slippage
        ),
        (1, 0, 100.0, 12.0, 0.0, 0.0)
    );
    // Stamped with the instant its price printed: bar 1's open (13:30 UTC), not its close.
    assert_eq!(
        f.timestamp,
        m.timestamps()[1] - 6 * 3600 * 1_000_000_000 - 1_800_000_000_000
    );
    assert_eq!(r.fills[1].price, 14.0);
    assert_eq!(r.equity, vec![10_000.0, 10_050.0, 10_150.0, 10_200.0]);
    assert_eq!(r.cash, vec![10_000.0, 8_800.0, 8_800.0, 10_200.0]);
    assert_eq!(r.long_exposure, vec![0.0, 1250.0, 1350.0, 0.0]);
    assert_eq!(s.fills_seen.len(), 2);
    assert_eq!(r.trades.len(), 1);
    let t = r.trades[0];
    assert_eq!(
        (t.entry_bar, t.exit_bar, t.holding_bars, t.quantity),
        (1, 3, 2, 100.0)
    );
    assert_eq!((t.entry_price, t.exit_price, t.pnl), (12.0, 14.0, 200.0));
    close_to(t.trade_return, 200.0 / 1200.0, 1e-12);
    assert!(r.open_trades.is_empty());
    assert_eq!(r.final_positions, vec![0.0]);
}

#[test]
fn commission_and_slippage_are_charged_exactly() {
    let m = one_symbol();
    let mut s = on_bar(|ctx| match ctx.bar() {
        Some(0) => {
            ctx.market_order(0, 100.0);
        }
        Some(1) => {
            ctx.market_order(0, -100.0);
        }
        _ => {}
    });
    // 10 bps slippage, 5 bps commission.
    let r = run(&m, &exec(10_000.0, 5.0, 10.0, 0.0), &mut s);
    let buy = r.fills[0];
    close_to(buy.price, 12.012, 1e-12);
    close_to(buy.slippage, 1.2, 1e-12);
    close_to(buy.commission, 1201.2 * 0.0005, 1e-12);
    let sell = r.fills[1];
    close_to(sell.price, 13.0 * 0.999, 1e-12);
    close_to(sell.slippage, 1.3, 1e-12);
    close_to(sell.commission, 1298.7 * 0.0005, 1e-12);
    close_to(r.equity[1], 10_000.0 - 1201.2 - 0.6006 + 1250.0, 1e-12);
    let final_cash = 10_000.0 - 1201.2 - 0.6006 + 1298.7 - 0.64935;
    close_to(r.equity[3], final_cash, 1e-12);
    close_to(r.commission_paid, 0.6006 + 0.64935, 1e-12);
    close_to(r.slippage_paid, 2.5, 1e-12);
    close_to(r.trades[0].pnl, final_cash - 10_000.0, 1e-12);
    close_to(r.trades[0].commission, r.commission_paid, 1e-12);
}

#[test]
fn short_pnl_and_borrow_accrual() {
    let m = one_symbol();
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, -100.0);
        }
    });
    // 252 * 100 bps a year = 1% a bar on daily bars.
    let r = run(&m, &exec(10_000.0, 0.0, 0.0, 25_200.0), &mut s);
    assert_eq!(r.short_exposure, vec![0.0, 1250.0, 1350.0, 1100.0]);
    close_to(r.equity[1], 10_000.0 + 1200.0 - 12.5 - 1250.0, 1e-12);
    close_to(r.equity[2], 10_000.0 + 1200.0 - 12.5 - 13.5 - 1350.0, 1e-12);
    close_to(
        r.equity[3],
        10_000.0 + 1200.0 - 12.5 - 13.5 - 11.0 - 1100.0,
        1e-12,
    );
    close_to(r.borrow_paid, 37.0, 1e-12);
    // Per close: 1% of the short value, so a window's borrow is the sum over its bars.
    assert_eq!(r.borrow.len(), 4);
    for (fee, want) in r.borrow.iter().zip([0.0, 12.5, 13.5, 11.0]) {
        close_to(*fee, want, 1e-12);
    }
    assert_eq!(r.interest, vec![0.0; 4]);
    assert!(r.trades.is_empty());
    let o = r.open_trades[0];
    assert!(o.open);
    assert_eq!(
        (o.quantity, o.entry_price, o.exit_price),
        (-100.0, 12.0, 11.0)
    );
    close_to(o.pnl, 100.0 - 37.0, 1e-12);
    close_to(o.borrow, 37.0, 1e-12);
    assert_eq!(r.final_positions, vec![-100.0]);
}

#[test]
fn target_weight_sizes_whole_shares_at_the_fill_price_with_costs() {
    let m = market(
        &[
            ("A", vec![oc(10.0, 10.0), oc(12.0, 12.0), oc(12.0, 12.0)]),
            ("B", vec![oc(20.0, 20.0), oc(30.0, 30.0), oc(30.0, 30.0)]),
        ],
        vec![],
    );
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.target_weights(&[(0, 1.0), (1, -0.5)]);
        }
    });
    let r = run(&m, &exec(10_000.0, 5.0, 10.0, 0.0), &mut s);
    // Long: 10000 / (12 * 1.001 * 1.0005) = 832.08; short: 5000 / (30 * 0.999 * 0.9995) = 166.9.
    assert_eq!(r.fills[0].quantity, 832.0);
    assert_eq!(r.fills[1].quantity, -166.0);
    // Both sized on the same equity at the open (10000), not on cash after the first fill.
    let spent = r.fills[0].notional() + r.fills[0].commission;
    assert!(spent <= 10_000.0);

    // Without costs: exactly trunc(w * E / open).
    let r = run(&m, &exec(10_000.0, 0.0, 0.0, 0.0), &mut s);
    assert_eq!(r.fills[0].quantity, 833.0);
    assert_eq!(r.fills[1].quantity, -166.0);
}

#[test]
fn target_weight_rebalances_against_the_held_position_and_flips() {
    let m = one_symbol();
    let mut s = on_bar(|ctx| match ctx.bar() {
        Some(0) => {
            ctx.target_weight(0, 0.5);
        }
        Some(1) => {
            ctx.target_weight(0, -0.5);
        }
        _ => {
            ctx.target_weight(0, 0.0);
        }
    });
    let r = run(&m, &exec(10_000.0, 0.0, 0.0, 0.0), &mut s);
    // Bar 1: 5000 / 12 -> 416. Bar 2: equity at open 13 = 10000 + 416 * 1 = 10416 -> -400.6 -> -400.
    assert_eq!(r.fills[0].quantity, 416.0);
    assert_eq!(r.fills[1].quantity, -816.0);
    // Bar 3: back to flat.
    assert_eq!(r.fills[2].quantity, 400.0);
    assert_eq!(r.trades.len(), 2);
    assert_eq!(r.trades[0].quantity, 416.0);
    assert_eq!(r.trades[1].quantity, -400.0);
    assert_eq!(r.trades[1].entry_bar, 2);
    let pnl: f64 = r.trades.iter().map(|t| t.pnl).sum();
    close_to(pnl, r.equity[3] - 10_000.0, 1e-12);
}

#[test]
fn orders_wait_for_a_bar_of_their_symbol() {
    let m = market(
        &[
            (
                "A",
                vec![
                    oc(10.0, 10.0),
                    oc(10.0, 10.0),
                    oc(10.0, 10.0),
                    oc(10.0, 10.0),
                ],
            ),
            ("B", vec![oc(5.0, 5.0), None, None, oc(7.0, 8.0)]),
        ],
        vec![],
    );
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(1, 10.0);
            ctx.market_order(0, 1.0);
        }
        if ctx.bar() == Some(1) {
            assert_eq!(ctx.pending_orders().len(), 1);
            assert!(ctx.close(1)[1].is_nan());
        }
    });
    let r = run(&m, &exec(1000.0, 0.0, 0.0, 0.0), &mut s);
    assert_eq!(r.fills.len(), 2);
    assert_eq!((r.fills[0].symbol, r.fills[0].bar), (0, 1));
    assert_eq!(
        (r.fills[1].symbol, r.fills[1].bar, r.fills[1].price),
        (1, 3, 7.0)
    );
    assert_eq!(r.equity[3], 1000.0 - 10.0 - 70.0 + 10.0 + 80.0);
}

#[test]
fn a_position_is_marked_at_its_last_close_over_gaps() {
    let m = market(
        &[
            (
                "A",
                vec![
                    oc(10.0, 10.0),
                    oc(10.0, 10.0),
                    oc(10.0, 10.0),
                    oc(10.0, 10.0),
                ],
            ),
            ("B", vec![oc(5.0, 5.0), oc(6.0, 6.5), None, oc(7.0, 8.0)]),
        ],
        vec![],
    );
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(1, 10.0);
        }
    });
    let r = run(&m, &exec(1000.0, 0.0, 0.0, 0.0), &mut s);
    assert_eq!(r.equity, vec![1000.0, 1005.0, 1005.0, 1020.0]);
}

#[test]
fn cancel_all_drops_pending_orders() {
    let m = one_symbol();
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 100.0);
            ctx.cancel_all();
            ctx.market_order(0, 1.0);
        }
    });
    let r = run(&m, &exec(10_000.0, 0.0, 0.0, 0.0), &mut s);
    assert_eq!(r.fills.len(), 1);
    assert_eq!(r.fills[0].quantity, 1.0);
}

#[test]
fn context_equity_in_on_bar_equals_recorded_equity() {
    let m = one_symbol();
    let mut seen = Vec::new();
    let mut s = on_bar(|ctx| {
        seen.push(ctx.equity());
        if ctx.bar() == Some(0) {
            ctx.market_order(0, -3.0);
        }
    });
    let r = run(&m, &exec(100.0, 1.0, 1.0, 1000.0), &mut s);
    drop(s);
    assert_eq!(seen, r.equity);
}

#[test]
fn empty_market_gives_an_empty_result() {
    let m = market(&[("A", vec![])], vec![]);
    let mut s = on_bar(|_| unreachable!());
    let r = run(&m, &SimulationConfig::default(), &mut s);
    assert!(r.equity.is_empty() && r.fills.is_empty());
    assert_eq!(r.final_equity(), 1_000_000.0);
}

#[test]
fn runs_through_a_trait_object() {
    let m = one_symbol();
    let mut probe = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 1.0);
        }
    });
    let dynamic: &mut dyn crate::Strategy = &mut probe;
    let r = run(&m, &SimulationConfig::default(), dynamic);
    assert_eq!(r.fills.len(), 1);
}

/// Records `ctx.equity()` at every fill; trades A and B on a fixed script.
struct ReopenAfterGap {
    equity_at_fills: Vec<(usize, f64)>,
}

impl crate::Strategy for ReopenAfterGap {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        match ctx.bar() {
            Some(0) => {
                ctx.market_order(0, 10.0);
                ctx.market_order(1, 5.0);
            }
            Some(1) => {
                ctx.market_order(1, -5.0);
            }
            Some(3) => {
                ctx.market_order(1, 5.0);
            }
            _ => {}
        }
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &crate::Fill) {
        self.equity_at_fills.push((fill.bar, ctx.equity()));
    }
}

/// Only held symbols are marked at each close; a symbol reopened after being flat (here
/// across a bar it did not trade) is marked at its latest visible close, exactly as if every
/// symbol's mark had moved at every close.
#[test]
fn a_reopened_position_is_marked_at_its_latest_visible_close() {
    let a = (0..6)
        .map(|i| oc(10.0 + i as f64, 10.0 + i as f64))
        .collect();
    let b = vec![
        oc(20.0, 20.0),
        oc(21.0, 21.0),
        oc(22.0, 22.0),
        None,
        oc(24.0, 25.0),
        oc(26.0, 26.0),
    ];
    let m = market(&[("A", a), ("B", b)], vec![]);
    let mut s = ReopenAfterGap {
        equity_at_fills: Vec::new(),
    };
    let r = run(&m, &exec(10_000.0, 0.0, 0.0, 0.0), &mut s);
    // Cash: 10,000 - 10 x 11 - 5 x 21 + 5 x 22 - 5 x 24 = 9,775.
    assert_eq!(r.cash[4], 9_775.0);
    // At the reopening fill (open of bar 4): A at its close of bar 3 (13), B at its last
    // close before bar 4, bar 2's 22 (it had no bar 3).
    assert_eq!(
        s.equity_at_fills.last(),
        Some(&(4, 9_775.0 + 130.0 + 110.0))
    );
    assert_eq!(r.equity[4], 9_775.0 + 140.0 + 125.0);
    assert_eq!(r.equity[3], 9_895.0 + 130.0); // B flat: only A counts
    for t in 0..6 {
        let held: f64 = (0..2)
            .map(|k| {
                let q = if t == 0 {
                    0.0
                } else {
                    r.fills
                        .iter()
                        .filter(|f| f.bar <= t && f.symbol == k)
                        .map(|f| f.quantity)
                        .sum()
                };
                let closes = m.close(k);
                let last = closes[..=t].iter().rev().find(|c| c.is_finite()).unwrap();
                q * last
            })
            .sum();
        assert_eq!(r.equity[t], r.cash[t] + held, "bar {t}");
    }
}
