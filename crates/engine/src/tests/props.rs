//! Property tests over random markets and random order streams: books balance against an
//! independent replay of the fills, fills happen at the open, runs are deterministic, and no
//! decision depends on a bar after it.

use proptest::prelude::*;
use rotor_data::time::{daily_close_ns, date_to_ns, NS_PER_SEC};
use rotor_data::{Event, Market};

use super::support::{below, day, event, market_with, named, random_bars, Bar};
use crate::config::{Delisting, OnBreach, Remainder, SlippageModel};
use crate::{
    run, Context, OrderId, OrderKind, Prices, RunResult, SimulationConfig, Strategy, TimeInForce,
};
use rotor_rng::SplitMix64;

#[derive(Debug, Clone, Copy)]
enum Action {
    /// An order of `kind` (prices as fractions of the last close: resolved when played).
    Order(usize, OrderKind, TimeInForce),
    CancelAll,
    CancelLast,
    ReplaceLast(f64),
}

fn random_action(rng: &mut SplitMix64, n_symbols: usize) -> Action {
    let s = below(rng, n_symbols);
    let q = below(rng, 101) as f64 - 50.0;
    let off = 1.0 + 0.04 * (rng.next_f64() - 0.5);
    let off2 = 1.0 + 0.04 * (rng.next_f64() - 0.5);
    let tif = if below(rng, 3) == 0 {
        TimeInForce::Day
    } else {
        TimeInForce::Gtc
    };
    let kind = match below(rng, 24) {
        0 => return Action::CancelAll,
        1 => return Action::CancelLast,
        2 => return Action::ReplaceLast(off),
        3..=6 => OrderKind::Market { quantity: q },
        7 => OrderKind::MarketOnOpen { quantity: q },
        8..=9 => OrderKind::MarketOnClose { quantity: q },
        10..=11 => OrderKind::Limit {
            quantity: q,
            limit: off,
        },
        12..=13 => OrderKind::Stop {
            quantity: q,
            stop: off,
        },
        14..=15 => OrderKind::StopLimit {
            quantity: q,
            stop: off,
            limit: off2,
        },
        16..=17 => OrderKind::TargetQuantity { quantity: q },
        _ => OrderKind::TargetWeight {
            weight: (below(rng, 31) as f64 - 15.0) / 10.0,
        },
    };
    Action::Order(s, kind, tif)
}

/// Scales the relative prices of an order by the symbol's last visible close.
fn resolve(kind: OrderKind, px: f64) -> OrderKind {
    match kind {
        OrderKind::Limit { quantity, limit } => OrderKind::Limit {
            quantity,
            limit: limit * px,
        },
        OrderKind::Stop { quantity, stop } => OrderKind::Stop {
            quantity,
            stop: stop * px,
        },
        OrderKind::StopLimit {
            quantity,
            stop,
            limit,
        } => OrderKind::StopLimit {
            quantity,
            stop: stop * px,
            limit: limit * px,
        },
        k => k,
    }
}

/// Plays scripted actions; records when, and from which callback, each order was sent.
struct Script {
    per_bar: Vec<Vec<Action>>,
    per_news: Vec<Action>,
    /// (order id, ctx.time() at submission, Some(t) when sent from on_bar(t))
    sent: Vec<(OrderId, i64, Option<usize>)>,
    news_count: usize,
}

impl Script {
    fn play(&mut self, ctx: &mut Context<'_>, a: Action, from_bar: Option<usize>) {
        let last_close = |ctx: &Context<'_>, s: usize| {
            ctx.close(s)
                .iter()
                .rev()
                .find(|c| c.is_finite())
                .copied()
                .unwrap_or(50.0)
        };
        match a {
            Action::Order(s, kind, tif) => {
                let px = last_close(ctx, s);
                let id = ctx.submit(s, resolve(kind, px), tif);
                self.sent.push((id, ctx.time(), from_bar));
            }
            Action::CancelAll => ctx.cancel_all(),
            Action::CancelLast => {
                if let Some(&(id, _, _)) = self.sent.last() {
                    ctx.cancel(id);
                }
            }
            Action::ReplaceLast(off) => {
                let Some(&(id, _, _)) = self.sent.last() else {
                    return;
                };
                let Some(o) = ctx.pending_orders().iter().find(|o| o.id == id).copied() else {
                    return;
                };
                let px = last_close(ctx, o.symbol);
                let q = o.kind.quantity().unwrap_or(1.0);
                if ctx.replace(
                    id,
                    OrderKind::Limit {
                        quantity: q,
                        limit: off * px,
                    },
                ) {
                    // Replaced now: the fill must come after this instant.
                    self.sent.push((id, ctx.time(), from_bar));
                }
            }
        }
    }
}

impl Strategy for Script {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let t = ctx.bar().unwrap();
        for i in 0..self.per_bar[t].len() {
            let a = self.per_bar[t][i];
            self.play(ctx, a, Some(t));
        }
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, _event: &Event) {
        let a = self.per_news[self.news_count % self.per_news.len()];
        self.news_count += 1;
        self.play(ctx, a, None);
    }
}

struct Case {
    market: Market,
    exec: SimulationConfig,
    script: Script,
}

/// Volumes that make a 10% cap bind on orders of tens of shares, now and then.
fn volume(k: usize, i: usize) -> f64 {
    100.0 + ((k * 7919 + i * 104_729) % 400) as f64
}

fn case(seed: u64, n_symbols: usize, n_bars: usize, variant: u8) -> Case {
    let mut rng = SplitMix64::new(seed);
    let bars = random_bars(&mut rng, n_symbols, n_bars, None);
    let events: Vec<Event> = (0..below(&mut rng, 5))
        .map(|_| {
            let d = below(&mut rng, n_bars + 2) as i64 - 1;
            let ns = date_to_ns(day(0))
                + d * 86_400 * NS_PER_SEC
                + (rng.next_f64() * 86_400.0) as i64 * NS_PER_SEC;
            event(ns, "random")
        })
        .collect();
    let adj = variant & 8 != 0;
    let names = named(bars);
    let refs: Vec<(&str, Vec<Bar>)> = names.iter().map(|(s, b)| (s.as_str(), b.clone())).collect();
    let market = market_with(&refs, events, volume, |k, i| {
        adj.then(|| {
            let c = names[k].1[i].map_or(f64::NAN, |b| b.3);
            c * (0.5 + 0.01 * ((k + i) % 7) as f64)
        })
    });
    let per_bar = (0..n_bars)
        .map(|_| {
            (0..below(&mut rng, 4))
                .map(|_| random_action(&mut rng, n_symbols))
                .collect()
        })
        .collect();
    let per_news = (0..4).map(|_| random_action(&mut rng, n_symbols)).collect();
    let mut exec = SimulationConfig::default();
    exec.portfolio.cash = 10_000.0;
    let c = &mut exec.costs;
    if variant & 1 != 0 {
        c.commission_bps = 3.0;
        c.commission_per_share = 0.01;
        c.commission_min = 0.5;
        c.slippage_bps = 7.0;
        c.borrow_bps = 300.0;
        c.cash_interest_rate = 0.05;
    }
    if variant & 2 != 0 {
        c.slippage_model = SlippageModel::SqrtImpact;
        c.half_spread_bps = 2.0;
    }
    let x = &mut exec.execution;
    x.adjust = adj;
    x.fractional = variant & 16 != 0;
    if variant & 4 != 0 {
        x.max_gross_leverage = Some(1.0);
        x.max_net_exposure = Some(0.8);
    }
    if variant & 32 != 0 {
        x.remainder = Remainder::Cancel;
        x.on_breach = OnBreach::Reject;
        x.delisting = Delisting::Hold;
    }
    if variant & 64 != 0 {
        x.volume_cap = 0.0;
    }
    exec.validate().unwrap();
    Case {
        market,
        exec,
        script: Script {
            per_bar,
            per_news,
            sent: Vec::new(),
            news_count: 0,
        },
    }
}

/// Recomputes cash and equity from the fills alone and compares with the run's books.
fn check_books(m: &Market, exec: &SimulationConfig, r: &RunResult) {
    let prices = Prices::new(m, exec.execution.adjust);
    let ns = m.n_symbols();
    let rate = exec.costs.borrow_bps / 1e4 / m.periods_per_year();
    let interest_rate = exec.costs.cash_interest_rate / m.periods_per_year();
    let mut pos = vec![0.0; ns];
    let mut last = vec![f64::NAN; ns];
    let mut cash = exec.portfolio.cash;
    let mut fi = 0;
    for t in 0..m.n_bars() {
        while fi < r.fills.len() && r.fills[fi].bar == t {
            let f = r.fills[fi];
            cash -= f.quantity * f.price + f.commission;
            pos[f.symbol] += f.quantity;
            if f.delisted {
                assert_eq!(f.price, last[f.symbol], "delisting at the last close");
                assert!(prices.close(f.symbol)[t..].iter().all(|c| c.is_nan()));
            }
            fi += 1;
        }
        cash += cash * interest_rate;
        let mut value = 0.0;
        for s in 0..ns {
            let c = prices.close(s)[t];
            if c.is_finite() {
                last[s] = c;
            }
            if pos[s].abs() > 1e-9 {
                if pos[s] < 0.0 {
                    cash -= -pos[s] * last[s] * rate;
                }
                value += pos[s] * last[s];
            }
        }
        let eq = cash + value;
        let tol = 1e-6 * eq.abs().max(1.0);
        assert!(
            (r.equity[t] - eq).abs() <= tol,
            "bar {t}: equity {} vs replay {eq}",
            r.equity[t]
        );
        assert!((r.cash[t] - cash).abs() <= tol, "bar {t}: cash");
        let books = r.cash[t] + r.long_exposure[t] - r.short_exposure[t];
        assert!(
            (r.equity[t] - books).abs() <= tol,
            "bar {t}: cash + Σ q·close != equity"
        );
    }
    assert_eq!(fi, r.fills.len(), "fills out of bar order");
    let traded: f64 = r.trades.iter().chain(&r.open_trades).map(|t| t.pnl).sum();
    let gained = r.final_equity() - exec.portfolio.cash;
    assert!(
        (traded + r.interest_earned - gained).abs() <= 1e-6 * exec.portfolio.cash,
        "trades {traded} + interest {} vs equity {gained}",
        r.interest_earned
    );
    for t in r.trades.iter().chain(&r.open_trades) {
        assert!(t.mae <= 0.0 && t.mfe >= 0.0, "{t:?}");
    }
}

/// Every fill at a price its bar printed, costs as configured, never before it was sent.
fn check_fills(c: &Case, r: &RunResult) -> Result<(), TestCaseError> {
    let prices = Prices::new(&c.market, c.exec.execution.adjust);
    let costs = &c.exec.costs;
    let cap = c.exec.execution.volume_cap;
    let mut used: Vec<(usize, usize, f64)> = Vec::new();
    for f in &r.fills {
        if f.delisted {
            prop_assert!(f.order.is_none() && f.commission == 0.0 && f.slippage == 0.0);
            continue;
        }
        let (s, t) = (f.symbol, f.bar);
        let (o, h, l, cl) = (
            prices.open(s)[t],
            prices.high(s)[t],
            prices.low(s)[t],
            prices.close(s)[t],
        );
        let tol = 1e-9 * o.abs();
        prop_assert!(
            f.base_price >= l - tol && f.base_price <= h + tol,
            "{f:?} outside [{l}, {h}]"
        );
        if f.at_close {
            prop_assert_eq!(f.base_price, cl, "{:?}", f);
        }
        let buy = f.quantity > 0.0;
        match costs.slippage_model {
            SlippageModel::Fixed => {
                let k = costs.slippage_bps / 1e4;
                let want = f.base_price * if buy { 1.0 + k } else { 1.0 - k };
                prop_assert!((f.price - want).abs() <= 1e-9 * want);
            }
            SlippageModel::SqrtImpact => {
                let spread = costs.half_spread_bps / 1e4 * f.base_price;
                let ok = if buy {
                    f.price >= f.base_price + spread * (1.0 - 1e-9)
                } else {
                    f.price <= f.base_price - spread * (1.0 - 1e-9)
                };
                prop_assert!(ok, "{f:?} pays less than the half spread");
            }
        }
        prop_assert!(
            (f.slippage - f.quantity.abs() * (f.price - f.base_price).abs()).abs()
                <= 1e-9 * f.notional().max(1.0)
        );
        let q = f.quantity.abs();
        let comm = (q * costs.commission_per_share + q * f.price * costs.commission_bps / 1e4)
            .max(costs.commission_min);
        prop_assert!((f.commission - comm).abs() <= 1e-9 * comm.max(1.0));
        if !c.exec.execution.fractional {
            // Quantities here are whole: scripted orders, whole-share targets and caps.
            prop_assert_eq!(f.quantity, f.quantity.round(), "{:?}", f);
        }
        // Volume cap, summed over the bar's fills of the symbol.
        match used.iter_mut().find(|(us, ut, _)| *us == s && *ut == t) {
            Some(u) => u.2 += q,
            None => used.push((s, t, q)),
        }
        let v = prices.volume(s)[t];
        if cap > 0.0 {
            let total = used
                .iter()
                .find(|(us, ut, _)| *us == s && *ut == t)
                .unwrap()
                .2;
            prop_assert!(
                total <= cap * v * (1.0 + 1e-9),
                "{total} shares > {cap} of {v}"
            );
        }
        // Never at a price the strategy had seen: submitted before the fill opportunity (a
        // replacement is booked as a later entry; a partial fill may precede it).
        let id = f.order.unwrap();
        let &(_, sent_at, from_bar) = c.script.sent.iter().find(|(i, _, _)| *i == id).unwrap();
        if f.at_close {
            prop_assert!(sent_at <= c.market.timestamps()[t] && from_bar != Some(t));
        } else {
            prop_assert!(
                sent_at <= c.market.session_open(t),
                "order sent at {sent_at} filled at bar {t}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn books_balance_fills_are_inside_the_bar_and_runs_are_deterministic(
        seed in any::<u64>(),
        n_symbols in 1usize..5,
        n_bars in 1usize..60,
        variant in any::<u8>(),
    ) {
        let mut c = case(seed, n_symbols, n_bars, variant);
        let r = run(&c.market, &c.exec, &mut c.script);
        check_books(&c.market, &c.exec, &r);
        check_fills(&c, &r)?;
        let x = &c.exec.execution;
        if x.max_gross_leverage.is_some_and(|g| g <= 1.0) {
            // No leverage allowed: cash never goes below zero (fees on a wiped-out book aside).
            for (t, &cash) in r.cash.iter().enumerate() {
                prop_assert!(cash >= -1e-6 * c.exec.portfolio.cash || r.equity[t] <= 0.0, "bar {t}: cash {cash}");
            }
        }
        for j in &r.rejections {
            prop_assert!(j.filled.abs() <= j.kind.quantity().map_or(f64::INFINITY, f64::abs));
        }

        let mut again = case(seed, n_symbols, n_bars, variant);
        let r2 = run(&again.market, &again.exec, &mut again.script);
        prop_assert_eq!(r, r2);
    }

    #[test]
    fn reactive_strategy_never_sees_past_a_cut(
        seed in any::<u64>(),
        n_symbols in 1usize..4,
        n_bars in 2usize..50,
        cut_frac in 0.0f64..1.0,
        variant in 0u8..4,
    ) {
        let cut = ((n_bars - 1) as f64 * cut_frac) as usize;
        let mut rng = SplitMix64::new(seed);
        let bars = random_bars(&mut rng, n_symbols, n_bars, None);
        let mut other = SplitMix64::new(seed ^ 0xDEAD_BEEF);
        let mut perturbed = random_bars(&mut other, n_symbols, n_bars, Some((&bars, cut + 1)));
        keep_listing(&bars, &mut perturbed, cut, &mut other);
        let mut exec = SimulationConfig::default();
        exec.costs.slippage_bps = 5.0;
        exec.costs.borrow_bps = 100.0;
        exec.costs.cash_interest_rate = 0.03;
        if variant & 1 != 0 {
            exec.costs.slippage_model = SlippageModel::SqrtImpact;
            exec.execution.max_gross_leverage = Some(1.2);
            exec.execution.max_net_exposure = Some(0.5);
        }
        if variant & 2 != 0 {
            exec.costs.commission_min = 1.0;
            exec.execution.remainder = Remainder::Cancel;
            exec.execution.fractional = true;
        }
        // Volumes follow the bars, so perturbed bars have perturbed volumes.
        let with_volume = |b: Vec<Vec<Bar>>| {
            let names = named(b);
            let refs: Vec<(&str, Vec<Bar>)> = names.iter().map(|(s, b)| (s.as_str(), b.clone())).collect();
            market_with(&refs, vec![], |k, i| names[k].1[i].map_or(f64::NAN, |b| (b.3 * 97.0).floor() * 20.0), |_, _| None)
        };
        let (ma, mb) = (with_volume(bars), with_volume(perturbed));
        let (mut sa, mut sb) = (Momentum::default(), Momentum::default());
        let a = run(&ma, &exec, &mut sa);
        let b = run(&mb, &exec, &mut sb);
        // Days where no symbol trades are not bars: cut at bar index, not day index.
        let cut_ns = daily_close_ns(day(cut));
        let kept = ma.first_bar_at_or_after(cut_ns + 1);
        prop_assert_eq!(kept, mb.first_bar_at_or_after(cut_ns + 1));
        prop_assert_eq!(&a.equity[..kept], &b.equity[..kept]);
        prop_assert_eq!(&a.cash[..kept], &b.cash[..kept]);
        // Orders sent at the cut fill after it: compare them too, or a one-bar peek goes unseen.
        prop_assert_eq!(&sa.orders[..kept], &sb.orders[..kept]);
        let upto = |r: &RunResult| r.fills.iter().filter(|f| f.bar < kept).copied().collect::<Vec<_>>();
        prop_assert_eq!(upto(&a), upto(&b));
        let rejected = |r: &RunResult| r.rejections.iter().filter(|j| j.bar < kept).copied().collect::<Vec<_>>();
        prop_assert_eq!(rejected(&a), rejected(&b));
    }
}

/// The listing calendar (whether a symbol has any bar after the cut) is data about the symbol,
/// not a price: perturb prices and gaps after the cut, but keep that fact, since a delisting
/// at `L + 1 <= cut` is booked from it (README "Execution model", delisting).
fn keep_listing(base: &[Vec<Bar>], perturbed: &mut [Vec<Bar>], cut: usize, rng: &mut SplitMix64) {
    for (b, p) in base.iter().zip(perturbed.iter_mut()) {
        let listed = |bars: &[Bar]| bars[cut + 1..].iter().any(|x| x.is_some());
        match (listed(b), listed(p)) {
            (true, false) => {
                let px = b[..=cut]
                    .iter()
                    .rev()
                    .find_map(|x| x.map(|x| x.3))
                    .unwrap_or(50.0);
                let o = px * (1.0 + 0.02 * (rng.next_f64() - 0.5));
                let last = p.len() - 1;
                p[last] = Some((o, o * 1.01, o * 0.99, o));
            }
            (false, true) => p[cut + 1..].iter_mut().for_each(|x| *x = None),
            _ => {}
        }
    }
}

/// Trades every symbol on its last move with every order type, sized on equity: touches every
/// part of the context. Records the pending orders after each bar.
#[derive(Default)]
struct Momentum {
    orders: Vec<Vec<crate::Order>>,
}

impl Strategy for Momentum {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        self.decide(ctx);
        self.orders.push(ctx.pending_orders().to_vec());
    }
}

impl Momentum {
    fn decide(&mut self, ctx: &mut Context<'_>) {
        let t = ctx.bar().unwrap();
        for s in 0..ctx.symbols().len() {
            let c = ctx.close(s);
            if c.len() < 2 || c[c.len() - 1].is_nan() || c[c.len() - 2].is_nan() {
                continue;
            }
            let last = c[c.len() - 1];
            let up = last > c[c.len() - 2];
            let w = if up { 0.4 } else { -0.3 } * (ctx.equity() / 1e6).min(1.0);
            match (t + s) % 4 {
                0 => {
                    ctx.target_weight(s, w);
                }
                1 => {
                    let id = ctx.limit_order(s, if up { 50.0 } else { -50.0 }, last * 0.995);
                    if ctx.position(s) > 0.0 {
                        ctx.replace(
                            id,
                            OrderKind::Stop {
                                quantity: -ctx.position(s),
                                stop: last * 0.98,
                            },
                        );
                    }
                }
                2 => {
                    ctx.submit(
                        s,
                        OrderKind::StopLimit {
                            quantity: 30.0,
                            stop: last * 1.005,
                            limit: last * 1.01,
                        },
                        TimeInForce::Day,
                    );
                    ctx.market_on_close(s, if up { -20.0 } else { 20.0 });
                }
                _ => {
                    ctx.target_quantity(s, if up { 100.0 } else { 0.0 });
                    if ctx.unrealized_pnl(s) < -100.0 {
                        ctx.market_on_open(s, -ctx.position(s));
                    }
                }
            }
        }
    }
}
