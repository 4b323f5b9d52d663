//! The event loop: one clock, DESIGN §3's timing rule.
//!
//! Per bar `t`:
//! 0. news with timestamp in (close\[t-1\], session_open(t)] goes to `on_news` (for `t = 0`, every
//!    event up to session_open(0)); its orders fill at `t`'s open;
//! 1. pending orders fill at `t`'s open ([`crate::broker`]); `on_fill` for each fill;
//! 2. news with timestamp in (session_open(t), close\[t\]] goes to `on_news`; orders fill at `t+1`;
//! 3. the close: marks move to `t`'s closes (carried where a symbol has no bar), borrow accrues on
//!    short value, equity, cash and exposures are recorded; then `on_bar`, whose orders fill at
//!    `t+1`. (Recording before `on_bar` changes nothing, since `on_bar` cannot trade at `t`, and
//!    lets `ctx.equity()` in `on_bar` equal the recorded equity.)
//!
//! Events after the last close are never delivered: no bar could trade them.
//!
//! Invariant: an order submitted at clock time `x` fills only at the open of a bar whose session
//! starts after `x`. The loop allocates nothing per bar beyond appending fills and trades.

use rotor_data::Market;

use crate::broker::Broker;
use crate::config::ExecutionConfig;
use crate::context::Context;
use crate::portfolio::Portfolio;
use crate::result::RunResult;
use crate::strategy::Strategy;
use crate::trade::TradeLedger;

/// Runs `strategy` over `market` with `exec`'s account and costs. Deterministic; never fails
/// (validate `exec` with [`ExecutionConfig::validate`] first: invalid values give meaningless
/// numbers, not panics).
pub fn run<S: Strategy + ?Sized>(
    market: &Market,
    exec: &ExecutionConfig,
    strategy: &mut S,
) -> RunResult {
    let n = market.n_bars();
    let m = market.n_symbols();
    let ts = market.timestamps();
    let events = market.events();
    let borrow_rate = exec.costs.borrow_bps / 1e4 / market.periods_per_year();

    let mut portfolio = Portfolio::new(m, exec.portfolio.cash);
    let mut broker = Broker::new(&exec.costs);
    let mut ledger = TradeLedger::new(m);
    let mut out = RunResult {
        timestamps: ts.to_vec(),
        equity: Vec::with_capacity(n),
        cash: Vec::with_capacity(n),
        long_exposure: Vec::with_capacity(n),
        short_exposure: Vec::with_capacity(n),
        initial_cash: exec.portfolio.cash,
        periods_per_year: market.periods_per_year(),
        ..RunResult::default()
    };
    let mut next_event = 0;

    for (t, &close_ns) in ts.iter().enumerate() {
        let prev = t.checked_sub(1);

        // (0) news before the open.
        let open_cut = market.session_open(t);
        while next_event < events.len() && events[next_event].timestamp <= open_cut {
            let event = &events[next_event];
            let mut ctx = Context::new(market, &portfolio, &mut broker, prev, event.timestamp);
            strategy.on_news(&mut ctx, event);
            next_event += 1;
        }

        // (1) fills at the open.
        let first_fill = out.fills.len();
        broker.fill_at_open(market, t, &mut portfolio, &mut ledger, &mut out.fills);
        for i in first_fill..out.fills.len() {
            let fill = out.fills[i];
            out.commission_paid += fill.commission;
            out.slippage_paid += fill.slippage;
            let mut ctx = Context::new(market, &portfolio, &mut broker, prev, open_cut);
            strategy.on_fill(&mut ctx, &fill);
        }

        // (2) news during the session.
        while next_event < events.len() && events[next_event].timestamp <= close_ns {
            let event = &events[next_event];
            let mut ctx = Context::new(market, &portfolio, &mut broker, prev, event.timestamp);
            strategy.on_news(&mut ctx, event);
            next_event += 1;
        }

        // (3) the close, then the strategy's decision.
        let snap = portfolio.close_bar(
            |s| market.close(s)[t],
            borrow_rate,
            |s, fee| ledger.on_borrow(s, fee),
        );
        out.borrow_paid += snap.borrow;
        out.equity.push(snap.equity);
        out.cash.push(snap.cash);
        out.long_exposure.push(snap.long_exposure);
        out.short_exposure.push(snap.short_exposure);
        let mut ctx = Context::new(market, &portfolio, &mut broker, Some(t), close_ns);
        strategy.on_bar(&mut ctx);
    }

    let (last_bar, last_ts) = match n {
        0 => (0, 0),
        _ => (n - 1, ts[n - 1]),
    };
    let (trades, open_trades) =
        ledger.finish(portfolio.positions(), portfolio.marks(), last_bar, last_ts);
    out.trades = trades;
    out.open_trades = open_trades;
    out.final_positions = portfolio.positions().to_vec();
    out
}
