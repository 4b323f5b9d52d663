//! Every order type, the volume cap, slippage models, commission, caps, delisting, adjusted
//! prices and interest, on markets where every number is known.

use super::support::{close_to, market, market_with, Probe};
use crate::config::{Delisting, OnBreach, Remainder, SlippageModel};
use crate::{run, Context, Market, OrderKind, RejectReason, SimulationConfig, TimeInForce};

fn exec(cash: f64) -> SimulationConfig {
    let mut e = SimulationConfig::default();
    e.portfolio.cash = cash;
    e
}

fn on_bar(
    f: impl FnMut(&mut Context<'_>),
) -> Probe<impl FnMut(&mut Context<'_>), impl FnMut(&mut Context<'_>, &crate::Event)> {
    Probe::new(f, |_, _| {})
}

/// A: bars (o, h, l, c): (10,11,9,10), (10,12,8,11), (13,14,12,13.5), (12,13,10,11).
fn bars() -> Market {
    market(
        &[(
            "A",
            vec![
                Some((10.0, 11.0, 9.0, 10.0)),
                Some((10.0, 12.0, 8.0, 11.0)),
                Some((13.0, 14.0, 12.0, 13.5)),
                Some((12.0, 13.0, 10.0, 11.0)),
            ],
        )],
        vec![],
    )
}

fn fills_of(kind: OrderKind) -> Vec<(usize, f64, f64)> {
    let m = bars();
    let mut s = on_bar(move |ctx| {
        if ctx.bar() == Some(0) {
            ctx.submit(0, kind, TimeInForce::Gtc);
        }
    });
    let r = run(&m, &exec(10_000.0), &mut s);
    r.fills
        .iter()
        .map(|f| (f.bar, f.quantity, f.price))
        .collect()
}

#[test]
fn each_order_type_fills_where_the_bar_allows() {
    let q = 10.0;
    assert_eq!(
        fills_of(OrderKind::Market { quantity: q }),
        vec![(1, q, 10.0)]
    );
    assert_eq!(
        fills_of(OrderKind::MarketOnOpen { quantity: q }),
        vec![(1, q, 10.0)]
    );
    // From on_bar(0): the next close, bar 1's.
    assert_eq!(
        fills_of(OrderKind::MarketOnClose { quantity: q }),
        vec![(1, q, 11.0)]
    );
    // Buy limit 9: bar 1 trades down to 8, fills at the limit.
    assert_eq!(
        fills_of(OrderKind::Limit {
            quantity: q,
            limit: 9.0
        }),
        vec![(1, q, 9.0)]
    );
    // Buy limit 13.5 is above bar 1's open: fills at the better open.
    assert_eq!(
        fills_of(OrderKind::Limit {
            quantity: q,
            limit: 13.5
        }),
        vec![(1, q, 10.0)]
    );
    // Sell limit 13.5 waits for bar 2 (high 14), opening at 13 < 13.5: at the limit.
    assert_eq!(
        fills_of(OrderKind::Limit {
            quantity: -q,
            limit: 13.5
        }),
        vec![(2, -q, 13.5)]
    );
    // Buy stop 11.5: bar 1 reaches 12 -> at the stop.
    assert_eq!(
        fills_of(OrderKind::Stop {
            quantity: q,
            stop: 11.5
        }),
        vec![(1, q, 11.5)]
    );
    // Buy stop 12.5: bar 2 gaps through it (open 13) -> at the open.
    assert_eq!(
        fills_of(OrderKind::Stop {
            quantity: q,
            stop: 12.5
        }),
        vec![(2, q, 13.0)]
    );
    // Sell stop 9.5: bar 1's low 8 -> 9.5.
    assert_eq!(
        fills_of(OrderKind::Stop {
            quantity: -q,
            stop: 9.5
        }),
        vec![(1, -q, 9.5)]
    );
    // Stop-limit buy stop 12.5 limit 13.2: gaps through at 13 <= 13.2 -> 13.
    assert_eq!(
        fills_of(OrderKind::StopLimit {
            quantity: q,
            stop: 12.5,
            limit: 13.2
        }),
        vec![(2, q, 13.0)]
    );
    // Stop-limit buy stop 12.5 limit 12.8: triggered at bar 2's open 13 > 12.8; bar 2's low 12
    // reaches the limit -> 12.8.
    assert_eq!(
        fills_of(OrderKind::StopLimit {
            quantity: q,
            stop: 12.5,
            limit: 12.8
        }),
        vec![(2, q, 12.8)]
    );
    // Stop-limit buy stop 11.5 limit 11: triggered inside bar 1 with its limit below the stop:
    // no fill there (path unknown); bar 2 never trades down to 11, bar 3 does (low 10), and
    // opens at 12 -> 11.
    assert_eq!(
        fills_of(OrderKind::StopLimit {
            quantity: q,
            stop: 11.5,
            limit: 11.0
        }),
        vec![(3, q, 11.0)]
    );
    assert_eq!(
        fills_of(OrderKind::TargetQuantity { quantity: q }),
        vec![(1, q, 10.0)]
    );
}

#[test]
fn market_on_close_from_news_fills_at_that_sessions_close() {
    use super::support::{day, event};
    use rotor_data::time::{date_to_ns, NS_PER_SEC};
    let during = date_to_ns(day(1)) + 15 * 3600 * NS_PER_SEC;
    let before = date_to_ns(day(2)) + 8 * 3600 * NS_PER_SEC;
    let m = {
        let b = bars();
        let bars: Vec<_> = (0..4)
            .map(|t| Some((b.open(0)[t], b.high(0)[t], b.low(0)[t], b.close(0)[t])))
            .collect();
        market(&[("A", bars)], vec![event(during, "x"), event(before, "y")])
    };
    let mut s = Probe::new(
        |_| {},
        |ctx, _| {
            ctx.market_on_close(0, 1.0);
        },
    );
    let r = run(&m, &exec(1000.0), &mut s);
    let got: Vec<_> = r
        .fills
        .iter()
        .map(|f| (f.bar, f.price, f.at_close))
        .collect();
    assert_eq!(got, vec![(1, 11.0, true), (2, 13.5, true)]);
}

#[test]
fn day_orders_expire_and_cancel_replace_work() {
    let m = bars();
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            // Never reached in bar 1 (low 8): expires at bar 1's close.
            ctx.submit(
                0,
                OrderKind::Limit {
                    quantity: 1.0,
                    limit: 7.0,
                },
                TimeInForce::Day,
            );
            let id = ctx.limit_order(0, 2.0, 7.0);
            assert!(ctx.replace(
                id,
                OrderKind::Limit {
                    quantity: 3.0,
                    limit: 8.5
                }
            ));
            let gone = ctx.limit_order(0, 4.0, 100.0);
            assert!(ctx.cancel(gone));
            assert!(!ctx.cancel(gone));
        }
    });
    let r = run(&m, &exec(1000.0), &mut s);
    let got: Vec<_> = r
        .fills
        .iter()
        .map(|f| (f.bar, f.quantity, f.price))
        .collect();
    assert_eq!(got, vec![(1, 3.0, 8.5)]);
    assert_eq!(r.rejections.len(), 1);
    assert_eq!(
        (r.rejections[0].bar, r.rejections[0].reason),
        (1, RejectReason::Expired)
    );
}

#[test]
fn volume_cap_keeps_or_cancels_the_remainder() {
    let closes = [10.0, 10.0, 10.0, 10.0];
    let bars: Vec<_> = closes.iter().map(|&c| Some((c, c, c, c))).collect();
    let m = market_with(&[("A", bars)], vec![], |_, _| 1000.0, |_, _| None);
    let strat = || {
        on_bar(|ctx| {
            if ctx.bar() == Some(0) {
                ctx.market_order(0, 250.0);
            }
        })
    };
    let r = run(&m, &exec(100_000.0), &mut strat());
    let got: Vec<_> = r.fills.iter().map(|f| (f.bar, f.quantity)).collect();
    assert_eq!(got, vec![(1, 100.0), (2, 100.0), (3, 50.0)]);
    let mut e = exec(100_000.0);
    e.execution.remainder = Remainder::Cancel;
    let r = run(&m, &e, &mut strat());
    assert_eq!(r.fills.len(), 1);
    assert_eq!(r.rejections[0].reason, RejectReason::VolumeCap);
    assert_eq!(r.rejections[0].filled, 100.0);
    e.execution.volume_cap = 0.0;
    assert_eq!(run(&m, &e, &mut strat()).fills[0].quantity, 250.0);
}

#[test]
fn commission_per_share_with_minimum_and_bps() {
    let m = bars();
    let mut e = exec(100_000.0);
    e.costs.commission_per_share = 0.005;
    e.costs.commission_min = 1.0;
    e.costs.commission_bps = 1.0;
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 10.0); // 0.05 + 0.01 -> minimum 1
            ctx.market_order(0, 90.0); // 0.45 + 0.09 -> 1 (still the minimum)
        }
        if ctx.bar() == Some(1) {
            ctx.market_order(0, 100.0); // at 13: 0.5 + 0.13 -> 1; not binding below
        }
    });
    let r = run(&m, &e, &mut s);
    let c: Vec<f64> = r.fills.iter().map(|f| f.commission).collect();
    assert_eq!(c, vec![1.0, 1.0, 1.0]);
    e.costs.commission_min = 0.0;
    let r = run(&m, &e, &mut s);
    close_to(r.fills[2].commission, 100.0 * 0.005 + 1300.0 * 1e-4, 1e-12);
}

#[test]
fn sqrt_impact_uses_only_trailing_bars() {
    // 21 bars alternating 100/102 closes, volume 1e6; order of 10 000 shares at bar 21.
    let n = 23;
    let closes: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { 100.0 } else { 102.0 })
        .collect();
    let bars: Vec<_> = closes.iter().map(|&c| Some((c, c, c, c))).collect();
    let m = market_with(
        &[("A", bars)],
        vec![],
        |_, i| if i < 21 { 1e6 } else { 1e12 },
        |_, _| None,
    );
    let mut e = exec(1e7);
    e.costs.slippage_model = SlippageModel::SqrtImpact;
    e.costs.half_spread_bps = 2.0;
    e.costs.impact_k = 0.5;
    e.execution.volume_cap = 0.0;
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(20) {
            ctx.market_order(0, 10_000.0);
        }
    });
    let r = run(&m, &e, &mut s);
    let f = r.fills[0];
    assert_eq!(f.bar, 21);
    // Returns over bars 1..=20: +2% and -1.9608% alternating (20 returns).
    let rets: Vec<f64> = (1..21).map(|k| closes[k] / closes[k - 1] - 1.0).collect();
    let mean = rets.iter().sum::<f64>() / 20.0;
    let sd = (rets.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / 19.0).sqrt();
    let slip = 2e-4 + 0.5 * sd * (10_000.0f64 / 1e6).sqrt();
    close_to(f.price, closes[21] * (1.0 + slip), 1e-12);
    close_to(f.slippage, 10_000.0 * closes[21] * slip, 1e-9);
}

#[test]
fn leverage_caps_scale_or_reject_and_are_recorded() {
    let m = bars();
    let mut e = exec(10_000.0);
    e.execution.max_gross_leverage = Some(1.0);
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 1500.0); // 15 000 at the open of 10 > 10 000 of equity
        }
    });
    let r = run(&m, &e, &mut s);
    assert_eq!(r.fills[0].quantity, 1000.0);
    assert_eq!(r.rejections[0].reason, RejectReason::GrossLeverage);
    assert_eq!(r.rejections[0].filled, 1000.0);
    assert!(r.cash.iter().all(|&c| c >= 0.0));
    e.execution.on_breach = OnBreach::Reject;
    let r = run(&m, &e, &mut s);
    assert!(r.fills.is_empty());
    assert_eq!(r.rejections[0].filled, 0.0);
    // Net cap 0.5 on a short: at most 500 shares short at 10.
    let mut e = exec(10_000.0);
    e.execution.max_net_exposure = Some(0.5);
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, -800.0);
        }
        if ctx.bar() == Some(1) {
            ctx.market_order(0, 500.0); // an exit is never held back
        }
    });
    let r = run(&m, &e, &mut s);
    assert_eq!(r.fills[0].quantity, -500.0);
    assert_eq!(r.rejections[0].reason, RejectReason::NetExposure);
    assert_eq!(r.fills[1].quantity, 500.0);
}

#[test]
fn delisted_positions_close_at_the_last_close_or_are_held() {
    let m = market(
        &[
            ("A", vec![Some((10.0, 10.0, 10.0, 10.0)); 5]),
            (
                "B",
                vec![
                    Some((20.0, 20.0, 20.0, 20.0)),
                    Some((21.0, 22.0, 20.0, 22.0)),
                    Some((23.0, 24.0, 22.0, 24.0)),
                    None,
                    None,
                ],
            ),
        ],
        vec![],
    );
    let strat = || {
        on_bar(|ctx| {
            if ctx.bar() == Some(0) {
                ctx.market_order(1, 10.0);
            }
            if ctx.bar() == Some(3) {
                ctx.market_order(1, 5.0); // never fills: B is gone
            }
        })
    };
    let r = run(&m, &exec(1000.0), &mut strat());
    assert_eq!(r.fills.len(), 2);
    let d = r.fills[1];
    assert!(d.delisted && d.order.is_none());
    assert_eq!(
        (d.bar, d.quantity, d.price, d.commission),
        (3, -10.0, 24.0, 0.0)
    );
    assert_eq!(r.trades.len(), 1);
    assert!(r.trades[0].delisted);
    assert_eq!(r.trades[0].pnl, 30.0);
    assert_eq!(r.final_positions, vec![0.0, 0.0]);
    assert_eq!(r.equity, vec![1000.0, 1010.0, 1030.0, 1030.0, 1030.0]);
    assert_eq!(r.cash[3], 1030.0);
    assert_eq!(r.rejections.last().unwrap().reason, RejectReason::Delisted);
    let mut e = exec(1000.0);
    e.execution.delisting = Delisting::Hold;
    let r = run(&m, &e, &mut strat());
    assert_eq!(r.fills.len(), 1);
    assert_eq!(r.final_positions, vec![0.0, 10.0]);
    assert_eq!(r.open_trades[0].exit_price, 24.0);
    assert_eq!(r.equity[4], 1030.0);
}

#[test]
fn adjusted_prices_scale_ohlc_and_volume_once() {
    // A 2:1 split between bar 1 and 2: raw closes 100, 100, 50, 50; adj_close 50, 50, 50, 50.
    let raw = [100.0, 100.0, 50.0, 50.0];
    let bars: Vec<_> = raw
        .iter()
        .map(|&c| Some((c, c + 2.0, c - 2.0, c)))
        .collect();
    let m = market_with(
        &[("A", bars)],
        vec![],
        |_, _| 1000.0,
        |_, i| Some(raw[i].min(50.0)),
    );
    let mut seen = Vec::new();
    let mut s = on_bar(|ctx| {
        seen.push(*ctx.close(0).last().unwrap());
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 100.0);
        }
    });
    let mut e = exec(10_000.0);
    e.execution.adjust = true;
    let r = run(&m, &e, &mut s);
    drop(s);
    assert_eq!(seen, vec![50.0, 50.0, 50.0, 50.0]);
    // Bar 1 adjusted: open 50, high 51, low 49; volume 2000 -> cap 200 shares.
    assert_eq!((r.fills[0].price, r.fills[0].quantity), (50.0, 100.0));
    assert_eq!(r.equity, vec![10_000.0; 4]); // no phantom 50% loss at the split
                                             // Unadjusted, the split looks like a crash.
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.market_order(0, 50.0);
        }
    });
    let r = run(&m, &exec(10_000.0), &mut s);
    assert_eq!(r.equity[2], 10_000.0 - 2500.0);
}

#[test]
fn interest_accrues_on_cash_per_bar() {
    let m = bars();
    let mut e = exec(10_000.0);
    e.costs.cash_interest_rate = 0.0252; // 0.01% a bar on daily bars
    let mut s = on_bar(|_| {});
    let r = run(&m, &e, &mut s);
    close_to(r.equity[3], 10_000.0 * 1.0001f64.powi(4), 1e-12);
    close_to(r.interest_earned, r.equity[3] - 10_000.0, 1e-12);
    close_to(r.interest.iter().sum(), r.interest_earned, 1e-12);
    close_to(r.interest[1], r.equity[0] * 0.0001, 1e-12);
}

#[test]
fn fractional_target_weights_and_average_cost() {
    let m = bars();
    let mut e = exec(1000.0);
    e.execution.fractional = true;
    let mut s = on_bar(|ctx| {
        if ctx.bar() == Some(0) {
            ctx.target_weight(0, 0.333);
        }
        if ctx.bar() == Some(2) {
            assert!((ctx.avg_cost(0) - 10.0).abs() < 1e-12);
            assert!((ctx.unrealized_pnl(0) - 33.3 * 3.5).abs() < 1e-9);
        }
    });
    let r = run(&m, &e, &mut s);
    close_to(r.fills[0].quantity, 33.3, 1e-12);
    assert_eq!(r.final_avg_cost, vec![10.0]);
}

/// The worked example of README "Execution model", number for number.
#[test]
fn readme_worked_example() {
    let m = market_with(
        &[(
            "A",
            vec![
                Some((100.0, 100.0, 100.0, 100.0)),
                Some((101.0, 103.0, 100.0, 102.0)),
                Some((98.0, 99.0, 97.0, 98.5)),
            ],
        )],
        vec![],
        |_, _| 1e6,
        |_, _| None,
    );
    let mut e = exec(10_000.0);
    e.costs.commission_per_share = 0.005;
    e.costs.commission_min = 1.0;
    e.costs.slippage_bps = 5.0;
    let mut s = on_bar(|ctx| match ctx.bar() {
        Some(0) => {
            ctx.target_weight(0, 0.5);
        }
        Some(1) => {
            ctx.stop_order(0, -49.0, 99.0);
        }
        _ => {}
    });
    let r = run(&m, &e, &mut s);
    let (buy, sell) = (r.fills[0], r.fills[1]);
    assert_eq!(buy.quantity, 49.0);
    close_to(buy.price, 101.0505, 1e-12);
    close_to(buy.slippage, 2.4745, 1e-9);
    assert_eq!(buy.commission, 1.0);
    close_to(r.cash[1], 5047.5255, 1e-12);
    close_to(r.equity[1], 10045.5255, 1e-12);
    close_to(sell.price, 97.951, 1e-12);
    close_to(r.cash[2], 9846.1245, 1e-12);
    let t = r.trades[0];
    close_to(t.pnl, -153.8755, 1e-9);
    close_to(t.mae, 97.951 / 101.0505 - 1.0, 1e-12);
    close_to(t.mfe, 103.0 / 101.0505 - 1.0, 1e-12);
}
