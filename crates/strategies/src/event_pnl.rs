//! Per-event P&L of a `news_event` run: how much each headline made, when several overlap on
//! one basket and the engine holds their net.
//!
//! Each event virtually holds `size_k / net` of every position while it is open (`net` = the
//! summed signed size of the open events; the strategy's targets are exactly `net` spread over
//! the basket, and `-net` on the hedge), i.e. its own share of the book. For each symbol and
//! bar `t` (closes `c`, forward-filled; the run's own prices, adjusted when the run was):
//! - the carried position's move `Q(t-1) (c_t - c_{t-1})` goes to the events open at `t - 1`;
//! - each fill's `q (c_t - p) - commission` goes to the events entering or exiting at `t`
//!   (split by |size|), else to those open at `t`, else to those open at `t - 1`;
//! - the borrow charged on a short position at `t`'s close goes to the events open at `t` (each
//!   symbol's total borrow, from its trades, spread over its bars by short value, as charged).
//!
//! An event is open from its entry bar up to (not including) its exit bar. Where no event is
//! open the P&L is "unattributed" (e.g. a volume-capped remainder traded later). When the open
//! events' sizes cancel out, shares are by |size|.
//!
//! Invariant: the terms telescope to each symbol's cash flows plus final mark, minus costs,
//! i.e. to the sum of its trades' P&L, so `Σ pnl + unattributed + interest = final equity -
//! initial cash` (up to rounding).

use rotor_engine::{Market, Prices, RunResult};

use crate::alloc::Alloc;
use crate::error::StrategyError;
use crate::news_event::EventTrade;

/// What a failed reservation of the per-bar tables names in its error.
const TABLES: &str = "the per-event P&L's per-bar tables (news_event)";

/// The attribution.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventPnl {
    /// P&L per event, aligned with the events given: net of commission, slippage and borrow.
    pub pnl: Vec<f64>,
    /// Trading P&L while no event was open.
    pub unattributed: f64,
    /// `(fill index into RunResult::fills, event index, share of the fill)`; a fill no event
    /// owns is absent.
    pub fill_events: Vec<(usize, usize, f64)>,
}

/// Events open at the close of bar `u`.
fn open_at(events: &[EventTrade], u: usize) -> Vec<usize> {
    (0..events.len())
        .filter(|&k| events[k].entry <= u && u < events[k].exit)
        .collect()
}

/// Shares of a set of events: signed `size / net`, or `|size| / gross` when `by_abs` or when
/// the sizes cancel out.
fn shares(events: &[EventTrade], set: &[usize], by_abs: bool) -> Vec<(usize, f64)> {
    let net: f64 = set.iter().map(|&k| events[k].size).sum();
    let gross: f64 = set.iter().map(|&k| events[k].size.abs()).sum();
    if gross.is_nan() || gross <= 0.0 {
        return Vec::new();
    }
    if !by_abs && net.abs() > 1e-9 * gross {
        set.iter().map(|&k| (k, events[k].size / net)).collect()
    } else {
        set.iter()
            .map(|&k| (k, events[k].size.abs() / gross))
            .collect()
    }
}

/// Attributes the trading P&L of `result` (a run on `market`, prices adjusted when `adjust`)
/// to `events`. No memory for the per-bar tables (or the adjusted prices) is an error
/// ([`StrategyError::is_out_of_memory`]); nothing else can fail.
pub fn attribute_events(
    market: &Market,
    adjust: bool,
    result: &RunResult,
    events: &[EventTrade],
) -> Result<EventPnl, StrategyError> {
    let n = market.n_bars();
    let alloc = Alloc::Fallibly;
    let prices = Prices::try_new(market, adjust)?;
    let mut owners: Vec<Vec<usize>> = alloc.with_capacity(n, TABLES)?;
    owners.extend((0..n).map(|u| open_at(events, u)));
    let mut changers: Vec<Vec<usize>> = alloc.with_capacity(n, TABLES)?;
    changers.extend((0..n).map(|t| {
        (0..events.len())
            .filter(|&k| events[k].entry == t || events[k].exit == t)
            .collect()
    }));
    // Each traded symbol's closes (forward-filled) and positions at each close.
    let mut c = alloc.with_capacity(n, TABLES)?;
    let mut q_end = alloc.filled(n, 0.0, TABLES)?;
    let mut out = EventPnl {
        pnl: vec![0.0; events.len()],
        ..EventPnl::default()
    };
    let give = |out: &mut EventPnl, split: &[(usize, f64)], amount: f64| {
        if split.is_empty() {
            out.unattributed += amount;
        }
        for &(k, w) in split {
            out.pnl[k] += w * amount;
        }
    };
    let mut symbols: Vec<usize> = result.fills.iter().map(|f| f.symbol).collect();
    symbols.sort_unstable();
    symbols.dedup();
    for s in symbols {
        c.clear();
        c.extend_from_slice(prices.close(s));
        for t in 1..c.len() {
            if !c[t].is_finite() {
                c[t] = c[t - 1];
            }
        }
        let fills: Vec<usize> = (0..result.fills.len())
            .filter(|&i| result.fills[i].symbol == s)
            .collect();
        // Positions at each close, and the short value borrow is charged on.
        let (mut q, mut next) = (0.0, 0);
        for (t, slot) in q_end.iter_mut().enumerate() {
            while next < fills.len() && result.fills[fills[next]].bar == t {
                q += result.fills[fills[next]].quantity;
                next += 1;
            }
            *slot = q;
        }
        let short_value = |t: usize| {
            if q_end[t] < 0.0 && c[t].is_finite() {
                -q_end[t] * c[t]
            } else {
                0.0
            }
        };
        let total_short: f64 = (0..n).map(short_value).sum();
        let borrow: f64 = result
            .trades
            .iter()
            .chain(&result.open_trades)
            .filter(|tr| tr.symbol == s)
            .map(|tr| tr.borrow)
            .sum();
        let mut next = 0;
        for t in 0..n {
            if t > 0 && q_end[t - 1] != 0.0 {
                let carried = q_end[t - 1] * (c[t] - c[t - 1]);
                give(&mut out, &shares(events, &owners[t - 1], false), carried);
            }
            while next < fills.len() && result.fills[fills[next]].bar == t {
                let i = fills[next];
                let f = &result.fills[i];
                let amount = f.quantity * (c[t] - f.price) - f.commission;
                let split = if !changers[t].is_empty() {
                    shares(events, &changers[t], true)
                } else if !owners[t].is_empty() {
                    shares(events, &owners[t], false)
                } else if t > 0 {
                    shares(events, &owners[t - 1], false)
                } else {
                    Vec::new()
                };
                out.fill_events
                    .extend(split.iter().map(|&(k, w)| (i, k, w)));
                give(&mut out, &split, amount);
                next += 1;
            }
            if borrow > 0.0 && total_short > 0.0 && short_value(t) > 0.0 {
                let fee = borrow * short_value(t) / total_short;
                give(&mut out, &shares(events, &owners[t], false), -fee);
            }
        }
    }
    out.fill_events.sort_by_key(|&(i, k, _)| (i, k));
    Ok(out)
}
