//! The event loop: one clock, the timing rule of ARCHITECTURE.md and the README's
//! execution model.
//!
//! Bars before [`Market::trading_start`] are warm-up history: for each, `on_bar` is called (the
//! strategy sees the prices and updates its indicators) but orders sent from it are dropped,
//! except those from the last warm-up bar, which fill at the first traded session's open. No
//! fill, mark, cost or equity point is recorded before the trading start. Then
//! [`Strategy::on_start`] is called once, before the first traded open. News published at or
//! before the close of the session before the trading start ([`Market::prev_close`]), or
//! before the first bar's open when the data has no earlier session, is history: never
//! delivered to `on_news`.
//!
//! Per traded bar `t`:
//! -. symbols whose bars stopped at `t - 1` are delisted: pending orders cancelled, positions
//!    closed at their last close (or held, `execution.delisting`);
//! 0. news whose reaction instant `T + max(latency, 1ns)` ([`crate::latency`]) is at or
//!    before `t`'s open instant goes to `on_news`; its orders fill at `t`'s open;
//! 1. pending orders fill at `t`'s open or inside its range ([`crate::broker`]); `on_fill` for
//!    each fill;
//! 2. news whose reaction instant is after `t`'s open instant and at or before its close goes
//!    to `on_news`; its orders fill from `t+1` on, except market-on-close orders, which fill at
//!    `t`'s close;
//! 3. market-on-close orders fill at `t`'s close (`on_fill` for each), day orders whose session
//!    was `t` expire; the close: marks move to `t`'s closes (carried where a symbol has no
//!    bar), interest accrues on cash and borrow on short value, trades record the bar's range
//!    (MAE/MFE), equity, cash and exposures are recorded; then `on_bar`, whose orders fill at
//!    `t+1` (with `execution.order_latency`, at the first open or close at or after `t`'s close
//!    plus that latency, and strictly after that close). (Recording before `on_bar` changes nothing, since `on_bar` cannot trade at `t`, and
//!    lets `ctx.equity()` in `on_bar` equal the recorded equity.)
//!
//! Events after the last close are never delivered: no bar could trade them.
//!
//! Invariant: an order submitted at clock time `x` fills only at a price printed after `x`: the
//! open or range of a bar whose session starts after `x`, or a close after `x`; an order sent
//! on news published at `T` only at prices printed strictly after `T` and at or after
//! `T + latency`. The loop
//! allocates nothing per bar beyond appending fills, trades and rejections.

use rotor_data::Market;

use crate::alloc::{never_fails, Fallibly, Grow, Reserve};
use crate::broker::{Books, Broker};
use crate::config::SimulationConfig;
use crate::context::Context;
use crate::error::EngineError;
use crate::latency::earliest_price;
use crate::portfolio::{CloseSnapshot, Portfolio};
use crate::prices::Prices;
use crate::result::RunResult;
use crate::strategy::Strategy;
use crate::trade::TradeLedger;

/// Runs `strategy` over `market` with the account, costs and fill rules of `sim`.
/// Deterministic; never fails (validate `sim` with [`SimulationConfig::validate`] first: invalid
/// values give meaningless numbers, not panics). Running out of memory for the run's buffers
/// is left to the global allocator; [`try_run`] reports it.
pub fn run<S: Strategy + ?Sized>(
    market: &Market,
    sim: &SimulationConfig,
    strategy: &mut S,
) -> RunResult {
    never_fails(run_with(&Grow, market, sim, strategy))
}

/// [`run`], with no memory for the run's big buffers (the per-bar curves, the adjusted
/// prices; all allocated before the first bar) an [`EngineError::OutOfMemory`] saying which
/// and how much, before the strategy sees any bar.
pub fn try_run<S: Strategy + ?Sized>(
    market: &Market,
    sim: &SimulationConfig,
    strategy: &mut S,
) -> Result<RunResult, EngineError> {
    run_with(&Fallibly, market, sim, strategy)
}

fn run_with<R: Reserve, S: Strategy + ?Sized>(
    r: &R,
    market: &Market,
    sim: &SimulationConfig,
    strategy: &mut S,
) -> Result<RunResult, R::Error> {
    let prices = Prices::with(market, sim.execution.adjust, r)?;
    let n = market.n_bars();
    let m = market.n_symbols();
    let ts = market.timestamps();
    let events = market.events();
    let ppy = market.periods_per_year();
    let borrow_rate = sim.costs.borrow_bps / 1e4 / ppy;
    let interest_rate = sim.costs.cash_interest_rate / ppy;
    let latency = sim.execution.latency_ns();
    let order_latency = sim.execution.order_latency_ns();
    // The first instant whose price may act on news published at `T`.
    let reaction = |e: &rotor_data::Event| earliest_price(e.timestamp, latency);
    // The same for orders sent from `on_bar` after a close (no limit without order_latency).
    let after_close = |close: i64| order_latency.map_or(i64::MIN, |l| earliest_price(close, l));

    let first = market.trading_start().min(n);

    let mut portfolio = Portfolio::new(m, sim.portfolio.cash);
    let mut broker = Broker::new(sim, &prices);
    let mut ledger = TradeLedger::new(m);
    let mut out = RunResult::for_bars(r, &ts[first..], sim.portfolio.cash, ppy)?;
    let mut rejections = Vec::new();
    let mut next_event = first_news(market, first);
    // Running totals kept in registers, stored into `out` once at the end.
    let mut paid = Paid::default();

    // Steps (0) and (2): every event not yet delivered whose reaction instant is at or before
    // `$cut` goes to `on_news`, its context clocked at publication + latency.
    macro_rules! deliver_news {
        ($prev:expr, $cut:expr) => {
            while next_event < events.len() && reaction(&events[next_event]) <= $cut {
                let event = &events[next_event];
                let mut ctx = Context::new(
                    &prices,
                    &portfolio,
                    &mut broker,
                    $prev,
                    event.timestamp.saturating_add(latency),
                )
                .not_before(reaction(event));
                strategy.on_news(&mut ctx, event);
                next_event += 1;
            }
        };
    }

    macro_rules! books {
        () => {
            &mut Books {
                portfolio: &mut portfolio,
                ledger: &mut ledger,
                fills: &mut out.fills,
                rejections: &mut rejections,
            }
        };
    }

    // The strategy's fills of this pass (from `$first`), their costs summed, each to `on_fill`
    // clocked at `$now`.
    macro_rules! report_fills {
        ($first:expr, $prev:expr, $now:expr) => {
            for i in $first..out.fills.len() {
                let fill = out.fills[i];
                paid.commission += fill.commission;
                paid.slippage += fill.slippage;
                let mut ctx = Context::new(&prices, &portfolio, &mut broker, $prev, $now);
                strategy.on_fill(&mut ctx, &fill);
            }
        };
    }

    warm_up(
        &prices,
        &portfolio,
        &mut broker,
        strategy,
        first,
        after_close,
    );

    for (t, &close_ns) in ts.iter().enumerate().skip(first) {
        let prev = t.checked_sub(1);
        let open_cut = market.session_open(t);

        // Symbols that stopped trading at t - 1.
        let first_fill = out.fills.len();
        broker.delist(&prices, t, books!());

        // (0) news the open may act on: published strictly before it, latency included.
        deliver_news!(prev, open_cut);

        // (1) fills at the open and inside the bar's range.
        broker.fill_at_open(&prices, t, books!());
        report_fills!(first_fill, prev, open_cut);

        // (2) news the close may act on (its other orders fill from the next open).
        deliver_news!(prev, close_ns);

        // (3) market-on-close fills, then the close and the strategy's decision.
        let first_fill = out.fills.len();
        broker.fill_at_close(&prices, t, books!());
        report_fills!(first_fill, prev, close_ns);
        broker.expire_day_orders(&prices, t, books!());
        let snap = portfolio.close_bar(
            |s| prices.close(s)[t],
            borrow_rate,
            interest_rate,
            |s, fee| ledger.on_borrow(s, fee),
        );
        track_ranges(&mut ledger, &portfolio, &prices, t);
        paid.borrow += snap.borrow;
        paid.interest += snap.interest;
        record_close(&mut out, &snap);
        let mut ctx = Context::new(&prices, &portfolio, &mut broker, Some(t), close_ns)
            .not_before(after_close(close_ns));
        strategy.on_bar(&mut ctx);
    }

    out.rejections = rejections;
    finish(&mut out, market, portfolio, ledger, paid);
    Ok(out)
}

/// Costs and interest summed over the run.
#[derive(Debug, Default, Clone, Copy)]
struct Paid {
    commission: f64,
    slippage: f64,
    borrow: f64,
    interest: f64,
}

/// The first event of the feed not yet history at the trading start `first`.
fn first_news(market: &Market, first: usize) -> usize {
    let n = market.n_bars();
    // News up to the previous session's close (or before the first open) is history.
    let stale = |e: &rotor_data::Event| match market.prev_close() {
        Some(close) => e.timestamp <= close,
        None => first < n && e.timestamp < market.session_open(first),
    };
    market.events().partition_point(stale)
}

/// Warm-up: the strategy sees the bars before `first` (only the last warm-up bar's orders
/// survive); then, when there is a bar to trade, `on_start`.
fn warm_up<S: Strategy + ?Sized>(
    prices: &Prices<'_>,
    portfolio: &Portfolio,
    broker: &mut Broker,
    strategy: &mut S,
    first: usize,
    after_close: impl Fn(i64) -> i64,
) {
    let market = prices.market();
    let ts = market.timestamps();
    for (t, &close_ns) in ts.iter().enumerate().take(first) {
        broker.cancel_all();
        let mut ctx = Context::new(prices, portfolio, broker, Some(t), close_ns)
            .not_before(after_close(close_ns));
        strategy.on_bar(&mut ctx);
    }
    if first < market.n_bars() {
        let (prev, now) = match first.checked_sub(1) {
            Some(p) => (Some(p), ts[p]),
            None => (None, market.session_open(first)),
        };
        let mut ctx = Context::new(prices, portfolio, broker, prev, now);
        strategy.on_start(&mut ctx);
    }
}

/// Each held symbol's bar `t` range (high and low, the open/close span where the source lacks
/// them) and close, for its open trade's excursions.
fn track_ranges(ledger: &mut TradeLedger, portfolio: &Portfolio, prices: &Prices<'_>, t: usize) {
    for &s in portfolio.held() {
        if prices.close(s)[t].is_finite() {
            let (o, c) = (prices.open(s)[t], prices.close(s)[t]);
            let (h, l) = (prices.high(s)[t], prices.low(s)[t]);
            let h = if h.is_finite() { h } else { o.max(c) };
            let l = if l.is_finite() { l } else { o.min(c) };
            ledger.on_bar(s, t, h, l, c);
        }
    }
}

/// Appends a close's account snapshot to the curves.
fn record_close(out: &mut RunResult, snap: &CloseSnapshot) {
    out.equity.push(snap.equity);
    out.cash.push(snap.cash);
    out.long_exposure.push(snap.long_exposure);
    out.short_exposure.push(snap.short_exposure);
    out.borrow.push(snap.borrow);
    out.interest.push(snap.interest);
}

/// After the last bar: the closed and still-open trades and the final book.
fn finish(
    out: &mut RunResult,
    market: &Market,
    portfolio: Portfolio,
    ledger: TradeLedger,
    paid: Paid,
) {
    out.commission_paid = paid.commission;
    out.slippage_paid = paid.slippage;
    out.borrow_paid = paid.borrow;
    out.interest_earned = paid.interest;
    let (n, ts) = (market.n_bars(), market.timestamps());
    let (last_bar, last_ts) = match n {
        0 => (0, 0),
        _ => (n - 1, ts[n - 1]),
    };
    let (trades, open_trades) =
        ledger.finish(portfolio.positions(), portfolio.marks(), last_bar, last_ts);
    out.trades = trades;
    out.open_trades = open_trades;
    out.final_positions = portfolio.positions().to_vec();
    out.realized_pnl = portfolio.realized().to_vec();
    out.final_avg_cost = portfolio
        .avg_cost()
        .iter()
        .map(|a| if a.is_nan() { 0.0 } else { *a })
        .collect();
}
