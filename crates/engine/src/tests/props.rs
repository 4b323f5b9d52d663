//! Property tests over random markets and random order streams: books balance against an
//! independent replay of the fills, fills happen at the open, runs are deterministic, and no
//! decision depends on a bar after it.

use proptest::prelude::*;
use rotor_data::time::{daily_close_ns, date_to_ns, NS_PER_SEC};
use rotor_data::{Event, Market};

use super::support::{day, event, market_of, named, random_bars, Rng};
use crate::{run, Context, ExecutionConfig, RunResult, Strategy};

#[derive(Debug, Clone, Copy)]
enum Action {
    Market(usize, f64),
    Target(usize, f64),
    CancelAll,
}

fn random_action(rng: &mut Rng, n_symbols: usize) -> Action {
    let s = rng.below(n_symbols);
    match rng.below(20) {
        0 => Action::CancelAll,
        1..=9 => Action::Market(s, rng.below(101) as f64 - 50.0),
        _ => Action::Target(s, (rng.below(31) as f64 - 15.0) / 10.0),
    }
}

/// Plays scripted actions; records the clock and visible bar of each order it sends.
struct Script {
    per_bar: Vec<Vec<Action>>,
    per_news: Vec<Action>,
    /// (order id, ctx.time() at submission)
    sent: Vec<(u64, i64)>,
    news_count: usize,
}

impl Script {
    fn play(&mut self, ctx: &mut Context<'_>, a: Action) {
        let id = match a {
            Action::Market(s, q) => ctx.market_order(s, q),
            Action::Target(s, w) => ctx.target_weight(s, w),
            Action::CancelAll => {
                ctx.cancel_all();
                return;
            }
        };
        self.sent.push((id.0, ctx.time()));
    }
}

impl Strategy for Script {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let t = ctx.bar().unwrap();
        for i in 0..self.per_bar[t].len() {
            let a = self.per_bar[t][i];
            self.play(ctx, a);
        }
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, _event: &Event) {
        let a = self.per_news[self.news_count % self.per_news.len()];
        self.news_count += 1;
        self.play(ctx, a);
    }
}

struct Case {
    market: Market,
    exec: ExecutionConfig,
    script: Script,
}

fn case(seed: u64, n_symbols: usize, n_bars: usize, costs: bool) -> Case {
    let mut rng = Rng(seed);
    let bars = random_bars(&mut rng, n_symbols, n_bars, None);
    let events: Vec<Event> = (0..rng.below(5))
        .map(|_| {
            let d = rng.below(n_bars + 2) as i64 - 1;
            let ns = date_to_ns(day(0))
                + d * 86_400 * NS_PER_SEC
                + (rng.unit() * 86_400.0) as i64 * NS_PER_SEC;
            event(ns, "random")
        })
        .collect();
    let market = market_of(&named(bars), events);
    let per_bar = (0..n_bars)
        .map(|_| {
            (0..rng.below(4))
                .map(|_| random_action(&mut rng, n_symbols))
                .collect()
        })
        .collect();
    let per_news = (0..4).map(|_| random_action(&mut rng, n_symbols)).collect();
    let mut exec = ExecutionConfig::default();
    exec.portfolio.cash = 10_000.0;
    if costs {
        exec.costs.commission_bps = 3.0;
        exec.costs.slippage_bps = 7.0;
        exec.costs.borrow_bps = 300.0;
    }
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
fn check_books(m: &Market, exec: &ExecutionConfig, r: &RunResult) {
    let ns = m.n_symbols();
    let rate = exec.costs.borrow_bps / 1e4 / m.periods_per_year();
    let mut pos = vec![0.0; ns];
    let mut last = vec![f64::NAN; ns];
    let mut cash = exec.portfolio.cash;
    let mut fi = 0;
    for t in 0..m.n_bars() {
        while fi < r.fills.len() && r.fills[fi].bar == t {
            let f = r.fills[fi];
            cash -= f.quantity * f.price + f.commission;
            pos[f.symbol] += f.quantity;
            fi += 1;
        }
        let mut value = 0.0;
        for s in 0..ns {
            let c = m.close(s)[t];
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
        (traded - gained).abs() <= 1e-6 * exec.portfolio.cash,
        "trades {traded} vs equity {gained}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn books_balance_fills_are_at_the_open_and_runs_are_deterministic(
        seed in any::<u64>(),
        n_symbols in 1usize..5,
        n_bars in 1usize..60,
        costs in any::<bool>(),
    ) {
        let mut c = case(seed, n_symbols, n_bars, costs);
        let r = run(&c.market, &c.exec, &mut c.script);
        check_books(&c.market, &c.exec, &r);

        let slip = c.exec.costs.slippage_bps / 1e4;
        for f in &r.fills {
            let open = c.market.open(f.symbol)[f.bar];
            let before_slippage = f.price / if f.quantity > 0.0 { 1.0 + slip } else { 1.0 - slip };
            prop_assert!((before_slippage - open).abs() <= 1e-9 * open);
            prop_assert!(open >= c.market.low(f.symbol)[f.bar] && open <= c.market.high(f.symbol)[f.bar]);
            // Never at a price the strategy had seen: submitted before that bar's open.
            let sent_at = c.script.sent.iter().find(|(id, _)| *id == f.order.0).unwrap().1;
            prop_assert!(sent_at <= c.market.session_open(f.bar), "order sent at {sent_at} filled at bar {}", f.bar);
        }

        let mut again = case(seed, n_symbols, n_bars, costs);
        let r2 = run(&again.market, &again.exec, &mut again.script);
        prop_assert_eq!(r, r2);
    }

    #[test]
    fn reactive_strategy_never_sees_past_a_cut(
        seed in any::<u64>(),
        n_symbols in 1usize..4,
        n_bars in 2usize..50,
        cut_frac in 0.0f64..1.0,
    ) {
        let cut = ((n_bars - 1) as f64 * cut_frac) as usize;
        let mut rng = Rng(seed);
        let bars = random_bars(&mut rng, n_symbols, n_bars, None);
        let mut other = Rng(seed ^ 0xDEAD_BEEF);
        let perturbed = random_bars(&mut other, n_symbols, n_bars, Some((&bars, cut + 1)));
        let mut exec = ExecutionConfig::default();
        exec.costs.slippage_bps = 5.0;
        exec.costs.borrow_bps = 100.0;
        let (ma, mb) = (market_of(&named(bars), vec![]), market_of(&named(perturbed), vec![]));
        let (mut sa, mut sb) = (Momentum::default(), Momentum::default());
        let a = run(&ma, &exec, &mut sa);
        let b = run(&mb, &exec, &mut sb);
        // Days where no symbol trades are not bars: cut at bar index, not day index.
        let cut_ns = daily_close_ns(day(cut));
        let kept = ma.first_bar_at_or_after(cut_ns + 1);
        prop_assert_eq!(kept, mb.first_bar_at_or_after(cut_ns + 1));
        prop_assert_eq!(&a.equity[..kept], &b.equity[..kept]);
        // Orders sent at the cut fill after it: compare them too, or a one-bar peek goes unseen.
        prop_assert_eq!(&sa.orders[..kept], &sb.orders[..kept]);
        let upto = |r: &RunResult| r.fills.iter().filter(|f| f.bar < kept).copied().collect::<Vec<_>>();
        prop_assert_eq!(upto(&a), upto(&b));
    }
}

/// Trades every symbol on its last move, sized on equity: touches every part of the context.
/// Records the pending orders after each bar.
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
        for s in 0..ctx.symbols().len() {
            let c = ctx.close(s);
            if c.len() < 2 || c[c.len() - 1].is_nan() || c[c.len() - 2].is_nan() {
                continue;
            }
            let up = c[c.len() - 1] > c[c.len() - 2];
            let w = if up { 0.4 } else { -0.3 } * (ctx.equity() / 1e6).min(1.0);
            ctx.target_weight(s, w);
        }
    }
}
