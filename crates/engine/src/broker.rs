//! The broker: pending orders, and how they become fills at a bar's open, inside its range, or
//! at its close.
//!
//! Fill prices (before slippage), for a symbol whose bar at `t` is `(o, h, l, c)`:
//! market, market-on-open and target orders fill at `o`; market-on-close at `c`; a buy limit
//! `L` at `min(o, L)` when `l <= L` (a sell: `max(o, L)` when `h >= L`); a buy stop `S` at
//! `max(o, S)` when `h >= S` (a gap through the stop fills at the open; a sell: `min(o, S)` when
//! `l <= S`); a stop-limit triggers like a stop and then works as a limit; triggered inside the
//! bar (not at the open) it fills in that bar only if its limit is at or through the stop (at
//! the stop), since the path after the trigger is unknown. Every one of these is inside
//! `[l, h]`. A symbol without a bar at `t` fills nothing at `t`.
//!
//! Then, in order: the volume cap (`execution.volume_cap` of the bar's volume, shared by all
//! orders of the symbol in that bar); slippage (fixed bps, or half spread plus
//! `k * sigma * sqrt(q / ADV)` with sigma the sample std of close-to-close returns and ADV the
//! mean volume over the 20 bars before `t`, so nothing from bar `t` on); commission
//! `max(min, |q| * per_share + |q| * price * bps)`; the leverage and net-exposure caps, checked
//! on the book after the fill with every other position at this bar's price (open or close, the
//! last close where it has none), which scale the order down (bisection, whole shares unless
//! fractional) or reject it. A capped or scaled order is recorded in the rejections.
//!
//! A target-weight order for weight `w` becomes `trunc(w * E / p) - position` shares, where `E`
//! is equity at the open (cash + Σ position * open, last close where a symbol has no open;
//! computed once per pass before any fill) and `p` is the cash per share of trading in the
//! direction of `w` including every proportional cost:
//! `o * (1 + slip) * (1 + comm) + per_share` for `w > 0`,
//! `o * (1 - slip) * (1 - comm) - per_share` for `w < 0`. So a long of weight 1 never spends
//! more than `E` (the commission minimum excepted). When `E <= 0` every target is 0.
//!
//! Invariant: orders fill in submission order, each share at most once, and only at a fill
//! opportunity after the instant it was submitted. Allocates nothing but the pushes of fills and
//! rejections.

use crate::config::{Delisting, FillConfig, OnBreach, Remainder, SimulationConfig, SlippageModel};
use crate::fill::Fill;
use crate::order::{Order, OrderId, OrderKind, TimeInForce};
use crate::portfolio::Portfolio;
use crate::prices::Prices;
use crate::result::{RejectReason, Rejection};
use crate::trade::{LedgerFill, TradeLedger};

/// The instant a fill's base price was printed in bar `t`: the bar's open instant for a fill at
/// the open, its close for a market-on-close fill, and for a limit or stop filled inside the
/// range (printed at an unknown instant of the bar) the bar's close, the first instant by which
/// it surely was.
fn printed_at(prices: &Prices<'_>, t: usize, phase: Phase, at_open_price: bool) -> i64 {
    let market = prices.market();
    match phase {
        Phase::Open if at_open_price => market.session_open(t),
        _ => market.timestamps()[t],
    }
}

/// Bars of history behind the square-root impact model's sigma and ADV.
pub const IMPACT_WINDOW: usize = 20;

/// Where a fill pass happens in the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Open,
    Close,
}

/// The sinks a fill pass writes to.
pub(crate) struct Books<'b> {
    pub portfolio: &'b mut Portfolio,
    pub ledger: &'b mut TradeLedger,
    pub fills: &'b mut Vec<Fill>,
    pub rejections: &'b mut Vec<Rejection>,
}

/// Pending orders and the fill and cost model.
#[derive(Debug, Clone)]
pub struct Broker {
    pending: Vec<Order>,
    next_id: u64,
    slippage_model: SlippageModel,
    slippage: f64,
    half_spread: f64,
    impact_k: f64,
    commission: f64,
    per_share: f64,
    commission_min: f64,
    exec: FillConfig,
    /// Shares traded per symbol in bar `vol_bar[s]`.
    vol_used: Vec<f64>,
    vol_bar: Vec<usize>,
    /// Last bar where each symbol has a close (`None`: never).
    last_bar: Vec<Option<usize>>,
    /// Symbols ordered by last bar, and how many were delisted so far.
    by_last_bar: Vec<(usize, usize)>,
    delisted_upto: usize,
}

impl Broker {
    /// A broker with no pending orders for the symbols of `prices`, under `exec`.
    pub fn new(exec: &SimulationConfig, prices: &Prices<'_>) -> Self {
        let m = prices.market().n_symbols();
        let last_bar: Vec<Option<usize>> = (0..m)
            .map(|s| prices.close(s).iter().rposition(|c| c.is_finite()))
            .collect();
        let mut by_last_bar: Vec<(usize, usize)> = last_bar
            .iter()
            .enumerate()
            .filter_map(|(s, l)| l.map(|l| (l, s)))
            .collect();
        by_last_bar.sort_unstable();
        let c = &exec.costs;
        Broker {
            pending: Vec::with_capacity(64),
            next_id: 0,
            slippage_model: c.slippage_model,
            slippage: c.slippage_bps / 1e4,
            half_spread: c.half_spread_bps / 1e4,
            impact_k: c.impact_k,
            commission: c.commission_bps / 1e4,
            per_share: c.commission_per_share,
            commission_min: c.commission_min,
            exec: exec.execution.clone(),
            vol_used: vec![0.0; m],
            vol_bar: vec![usize::MAX; m],
            last_bar,
            by_last_bar,
            delisted_upto: 0,
        }
    }

    /// Queues an order, to fill only at prices printed at or after `not_before` (see
    /// [`Order::not_before`]). A market-on-open order is always a day order.
    pub fn submit(
        &mut self,
        symbol: usize,
        kind: OrderKind,
        tif: TimeInForce,
        submitted_after: Option<usize>,
        not_before: i64,
    ) -> OrderId {
        let id = OrderId(self.next_id);
        self.next_id += 1;
        let tif = match kind {
            OrderKind::MarketOnOpen { .. } => TimeInForce::Day,
            _ => tif,
        };
        self.pending.push(Order {
            id,
            symbol,
            kind,
            tif,
            submitted_after,
            triggered: false,
            first_bar: None,
            not_before,
        });
        id
    }

    /// Cancels order `id`; false if it is not pending (filled, expired or unknown).
    pub fn cancel(&mut self, id: OrderId) -> bool {
        match self.pending.iter().position(|o| o.id == id) {
            Some(i) => {
                self.pending.remove(i);
                true
            }
            None => false,
        }
    }

    /// Replaces what pending order `id` asks for, keeping its id, symbol, time in force and
    /// place in the queue (a stop-limit's trigger is reset; the new instructions count from
    /// `submitted_after` and `not_before`); false if it is not pending.
    pub fn replace(
        &mut self,
        id: OrderId,
        kind: OrderKind,
        submitted_after: Option<usize>,
        not_before: i64,
    ) -> bool {
        match self.pending.iter_mut().find(|o| o.id == id) {
            Some(o) => {
                o.kind = kind;
                o.triggered = false;
                o.submitted_after = submitted_after;
                o.not_before = not_before;
                true
            }
            None => false,
        }
    }

    /// Drops every pending order.
    pub fn cancel_all(&mut self) {
        self.pending.clear();
    }

    /// Orders not yet filled, in submission order.
    pub fn pending(&self) -> &[Order] {
        &self.pending
    }

    /// Before bar `t`'s open: symbols whose last bar was `t - 1` are delisted. Their pending
    /// orders are cancelled, and with `delisting = close` their positions are closed at their
    /// last close (a cost-free fill flagged `delisted`).
    #[inline]
    pub(crate) fn delist(&mut self, prices: &Prices<'_>, t: usize, books: &mut Books<'_>) {
        if self
            .by_last_bar
            .get(self.delisted_upto)
            .is_none_or(|&(last, _)| last >= t)
        {
            return; // nothing stopped trading at t - 1 (the usual bar)
        }
        self.delist_slow(prices, t, books);
    }

    fn delist_slow(&mut self, prices: &Prices<'_>, t: usize, books: &mut Books<'_>) {
        let timestamp = prices.market().timestamps()[t];
        while self.delisted_upto < self.by_last_bar.len()
            && self.by_last_bar[self.delisted_upto].0 < t
        {
            let (last, s) = self.by_last_bar[self.delisted_upto];
            // The fill's price is the symbol's last close, printed at its last bar's close.
            let printed = prices.market().timestamps()[last];
            self.delisted_upto += 1;
            let mut keep = 0;
            for i in 0..self.pending.len() {
                let o = self.pending[i];
                if o.symbol == s {
                    reject(books, t, timestamp, &o, 0.0, RejectReason::Delisted);
                } else {
                    self.pending[keep] = o;
                    keep += 1;
                }
            }
            self.pending.truncate(keep);
            let held = books.portfolio.positions()[s];
            if held == 0.0 || self.exec.delisting == Delisting::Hold {
                continue;
            }
            let (quantity, price) = books.portfolio.close_at_mark(s);
            books.ledger.on_fill(LedgerFill {
                symbol: s,
                bar: t,
                timestamp: printed,
                quantity,
                price,
                commission: 0.0,
                slippage: 0.0,
                before: held,
                after: 0.0,
                at_close: false,
                delisted: true,
            });
            books.fills.push(Fill {
                bar: t,
                timestamp: printed,
                symbol: s,
                quantity,
                price,
                base_price: price,
                commission: 0.0,
                slippage: 0.0,
                at_close: false,
                delisted: true,
                order: None,
            });
        }
    }

    /// Fills what can fill at bar `t`'s open or inside its range (every order but
    /// market-on-close).
    #[inline]
    pub(crate) fn fill_at_open(&mut self, prices: &Prices<'_>, t: usize, books: &mut Books<'_>) {
        self.pass(prices, t, Phase::Open, books);
    }

    /// Fills market-on-close orders at bar `t`'s close.
    #[inline]
    pub(crate) fn fill_at_close(&mut self, prices: &Prices<'_>, t: usize, books: &mut Books<'_>) {
        self.pass(prices, t, Phase::Close, books);
    }

    /// After bar `t`'s close: day orders whose session was `t` expire.
    #[inline]
    pub(crate) fn expire_day_orders(
        &mut self,
        prices: &Prices<'_>,
        t: usize,
        books: &mut Books<'_>,
    ) {
        if self.pending.is_empty() {
            return;
        }
        let timestamp = prices.market().timestamps()[t];
        let mut keep = 0;
        for i in 0..self.pending.len() {
            let o = self.pending[i];
            if o.tif == TimeInForce::Day && o.first_bar == Some(t) {
                reject(books, t, timestamp, &o, 0.0, RejectReason::Expired);
            } else {
                self.pending[keep] = o;
                keep += 1;
            }
        }
        self.pending.truncate(keep);
    }

    #[inline]
    fn pass(&mut self, prices: &Prices<'_>, t: usize, phase: Phase, books: &mut Books<'_>) {
        if self.pending.is_empty() {
            return;
        }
        self.pass_pending(prices, t, phase, books);
    }

    fn pass_pending(&mut self, prices: &Prices<'_>, t: usize, phase: Phase, books: &mut Books<'_>) {
        let timestamp = prices.market().timestamps()[t];
        // The instant this pass's prices start printing: an order may not use them before its
        // latency has run (range fills, printed later in the bar, are held back with the open).
        let pass_instant = match phase {
            Phase::Open => prices.market().session_open(t),
            Phase::Close => timestamp,
        };
        let at = |s: usize| match phase {
            Phase::Open => prices.open(s)[t],
            Phase::Close => prices.close(s)[t],
        };
        let mut equity_here: Option<f64> = None;
        let mut keep = 0;
        for i in 0..self.pending.len() {
            let mut order = self.pending[i];
            if order.kind.at_close() != (phase == Phase::Close) || pass_instant < order.not_before {
                self.pending[keep] = order;
                keep += 1;
                continue;
            }
            debug_assert!(
                order.submitted_after.is_none_or(|b| b < t),
                "order from the future"
            );
            order.first_bar.get_or_insert(t);
            let s = order.symbol;
            if self.last_bar[s].is_none_or(|l| t > l) {
                reject(books, t, timestamp, &order, 0.0, RejectReason::Delisted);
                continue;
            }
            let o = prices.open(s)[t];
            let c = prices.close(s)[t];
            let here = at(s);
            if !here.is_finite() {
                if matches!(order.kind, OrderKind::MarketOnOpen { .. }) {
                    reject(books, t, timestamp, &order, 0.0, RejectReason::Expired);
                } else {
                    self.pending[keep] = order;
                    keep += 1;
                }
                continue;
            }
            let (h, l) = range(o, prices.high(s)[t], prices.low(s)[t], c);
            let held = books.portfolio.positions()[s];
            let resolved = match order.kind {
                OrderKind::Market { quantity }
                | OrderKind::MarketOnOpen { quantity }
                | OrderKind::MarketOnClose { quantity } => Some((quantity, here)),
                OrderKind::Limit { quantity, limit } => {
                    limit_price(quantity, limit, o, h, l).map(|p| (quantity, p))
                }
                OrderKind::Stop { quantity, stop } => {
                    stop_price(quantity, stop, o, h, l).map(|p| (quantity, p))
                }
                OrderKind::StopLimit {
                    quantity,
                    stop,
                    limit,
                } => {
                    let price = if order.triggered {
                        limit_price(quantity, limit, o, h, l)
                    } else if through(quantity, o, stop) {
                        order.triggered = true;
                        limit_price(quantity, limit, o, h, l)
                    } else if stop_price(quantity, stop, o, h, l).is_some() {
                        order.triggered = true;
                        through(quantity, limit, stop).then_some(stop)
                    } else {
                        None
                    };
                    price.map(|p| (quantity, p))
                }
                OrderKind::TargetQuantity { quantity } => Some((quantity - held, here)),
                OrderKind::TargetWeight { weight } => {
                    let e = *equity_here.get_or_insert_with(|| {
                        books.portfolio.cash() + books.portfolio.positions_value(at)
                    });
                    let slip = self.sizing_slippage(prices, s, t, weight, e, here);
                    Some((self.target_shares(weight, e, here, slip) - held, here))
                }
            };
            let Some((quantity, base)) = resolved else {
                self.pending[keep] = order;
                keep += 1;
                continue;
            };
            if quantity == 0.0 || !quantity.is_finite() {
                continue;
            }

            // Volume cap.
            let mut q = quantity;
            let mut volume_capped = false;
            let volume = prices.volume(s)[t];
            if self.exec.volume_cap > 0.0 && volume.is_finite() {
                if self.vol_bar[s] != t {
                    self.vol_bar[s] = t;
                    self.vol_used[s] = 0.0;
                }
                let mut room = (self.exec.volume_cap * volume - self.vol_used[s]).max(0.0);
                if !self.exec.fractional {
                    room = room.floor();
                }
                if q.abs() > room {
                    q = room.copysign(quantity);
                    volume_capped = true;
                }
            }

            // Slippage, commission, caps.
            let mut filled = 0.0;
            let mut breach = None;
            if q != 0.0 {
                let slip = self.slippage_for(prices, s, t, q.abs());
                let price = if q > 0.0 {
                    base * (1.0 + slip)
                } else {
                    base * (1.0 - slip)
                };
                let (allowed, why) = self.within_caps(books.portfolio, &at, s, q, price);
                breach = why;
                if allowed != 0.0 {
                    let printed = printed_at(prices, t, phase, base == o);
                    self.book(
                        prices, books, &order, t, printed, allowed, price, base, phase,
                    );
                    self.vol_used[s] += allowed.abs();
                    filled = allowed;
                }
            }

            // What is left of it.
            if let Some(reason) = breach {
                reject(books, t, timestamp, &order, filled, reason);
                continue;
            }
            if !volume_capped {
                continue;
            }
            match self.exec.remainder {
                Remainder::Keep => {
                    order.kind = order.kind.with_quantity(quantity - filled);
                    self.pending[keep] = order;
                    keep += 1;
                }
                Remainder::Cancel => {
                    reject(books, t, timestamp, &order, filled, RejectReason::VolumeCap);
                }
            }
        }
        self.pending.truncate(keep);
    }

    #[allow(clippy::too_many_arguments)]
    fn book(
        &self,
        prices: &Prices<'_>,
        books: &mut Books<'_>,
        order: &Order,
        t: usize,
        timestamp: i64,
        quantity: f64,
        price: f64,
        base: f64,
        phase: Phase,
    ) {
        let commission = self.commission_for(quantity, price);
        let slippage = quantity.abs() * (price - base).abs();
        // Opening a position: its mark becomes the latest close visible before this fill
        // (bars before `t`), as if every flat symbol's mark had moved at every close.
        if books.portfolio.positions()[order.symbol] == 0.0 {
            let closes = &prices.close(order.symbol)[..t];
            let last = closes.iter().rev().find(|c| c.is_finite()).copied();
            books.portfolio.refresh_mark(order.symbol, last);
        }
        let (before, after) = books
            .portfolio
            .apply_fill(order.symbol, quantity, price, commission);
        let at_close = phase == Phase::Close;
        books.ledger.on_fill(LedgerFill {
            symbol: order.symbol,
            bar: t,
            timestamp,
            quantity,
            price,
            commission,
            slippage,
            before,
            after,
            at_close,
            delisted: false,
        });
        books.fills.push(Fill {
            bar: t,
            timestamp,
            symbol: order.symbol,
            quantity,
            price,
            base_price: base,
            commission,
            slippage,
            at_close,
            delisted: false,
            order: Some(order.id),
        });
    }

    /// Commission of a fill of `quantity` at `price`.
    fn commission_for(&self, quantity: f64, price: f64) -> f64 {
        if quantity == 0.0 {
            return 0.0;
        }
        let q = quantity.abs();
        (q * self.per_share + q * price * self.commission).max(self.commission_min)
    }

    /// Slippage fraction of a fill of `q` shares (> 0) of `s` in bar `t`.
    fn slippage_for(&self, prices: &Prices<'_>, s: usize, t: usize, q: f64) -> f64 {
        match self.slippage_model {
            SlippageModel::Fixed => self.slippage,
            SlippageModel::SqrtImpact => {
                let impact = match trailing_sigma_adv(prices, s, t) {
                    Some((sigma, adv)) => self.impact_k * sigma * (q / adv).sqrt(),
                    None => 0.0,
                };
                // Never 100% or more: a sale would pay to sell.
                (self.half_spread + impact).min(0.99)
            }
        }
    }

    /// Slippage fraction to size a target-weight order with: for the square-root model, the
    /// impact of the size the order would have without impact (an upper bound, so sizing never
    /// overspends).
    fn sizing_slippage(
        &self,
        prices: &Prices<'_>,
        s: usize,
        t: usize,
        weight: f64,
        equity: f64,
        price: f64,
    ) -> f64 {
        match self.slippage_model {
            SlippageModel::Fixed => self.slippage,
            SlippageModel::SqrtImpact => {
                let rough = (weight * equity / price).abs();
                if rough > 0.0 && rough.is_finite() {
                    self.slippage_for(prices, s, t, rough)
                } else {
                    self.half_spread
                }
            }
        }
    }

    /// Shares making `weight` of `equity`, sized at the all-in price of a trade in the
    /// direction of `weight`; whole shares unless fractional.
    fn target_shares(&self, weight: f64, equity: f64, price: f64, slip: f64) -> f64 {
        if weight == 0.0 || equity <= 0.0 || !weight.is_finite() {
            return 0.0;
        }
        let all_in = if weight > 0.0 {
            price * (1.0 + slip) * (1.0 + self.commission) + self.per_share
        } else {
            price * (1.0 - slip) * (1.0 - self.commission) - self.per_share
        };
        if all_in <= 0.0 {
            return 0.0;
        }
        let shares = weight * equity / all_in;
        if self.exec.fractional {
            shares
        } else {
            shares.trunc()
        }
    }

    /// The part of a fill of `q` shares of `s` at `price` that the leverage and exposure caps
    /// allow, and the cap that bound (if any). Other positions are valued at `at(s)` (their
    /// mark where NaN). An order that only shrinks a position is never held back, and an order
    /// that does not increase |net exposure| is never held back by the net cap.
    fn within_caps(
        &self,
        portfolio: &Portfolio,
        at: &impl Fn(usize) -> f64,
        s: usize,
        q: f64,
        price: f64,
    ) -> (f64, Option<RejectReason>) {
        let (gross_cap, net_cap) = (self.exec.max_gross_leverage, self.exec.max_net_exposure);
        if gross_cap.is_none() && net_cap.is_none() {
            return (q, None);
        }
        let (mut g_other, mut n_other) = (0.0, 0.0);
        let marks = portfolio.marks();
        for (k, &pos) in portfolio.positions().iter().enumerate() {
            if k == s || pos == 0.0 {
                continue;
            }
            let p = at(k);
            let v = pos * if p.is_nan() { marks[k] } else { p };
            g_other += v.abs();
            n_other += v;
        }
        let q0 = portfolio.positions()[s];
        let cash = portfolio.cash();
        let n_pre = n_other + q0 * price;
        let check = |dq: f64| -> Option<RejectReason> {
            let e =
                cash - dq * price - self.commission_for(dq, price) + n_other + (q0 + dq) * price;
            let tol = 1e-9 * e.abs().max(1.0);
            let g = g_other + ((q0 + dq) * price).abs();
            let n = n_other + (q0 + dq) * price;
            // Shrinking a position without flipping it is always allowed: exits never wait.
            let shrinks = q0 != 0.0 && dq.signum() != q0.signum() && dq.abs() <= q0.abs();
            if let Some(cap) = gross_cap {
                if g > cap * e + tol && !shrinks {
                    return Some(RejectReason::GrossLeverage);
                }
            }
            if let Some(cap) = net_cap {
                if n.abs() > cap * e + tol && n.abs() > n_pre.abs() + tol {
                    return Some(RejectReason::NetExposure);
                }
            }
            None
        };
        let Some(why) = check(q) else {
            return (q, None);
        };
        if self.exec.on_breach == OnBreach::Reject {
            return (0.0, Some(why));
        }
        let (mut lo, mut hi) = (0.0f64, q.abs());
        for _ in 0..64 {
            let mid = 0.5 * (lo + hi);
            if check(mid.copysign(q)).is_none() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if !self.exec.fractional {
            lo = lo.floor();
        }
        (lo.copysign(q), Some(why))
    }
}

fn reject(
    books: &mut Books<'_>,
    bar: usize,
    timestamp: i64,
    order: &Order,
    filled: f64,
    reason: RejectReason,
) {
    books.rejections.push(Rejection {
        bar,
        timestamp,
        symbol: order.symbol,
        order: order.id,
        kind: order.kind,
        filled,
        reason,
    });
}

/// High and low of a bar, falling back to the open/close span where the source lacks them.
fn range(o: f64, h: f64, l: f64, c: f64) -> (f64, f64) {
    let hi = if h.is_finite() { h } else { o.max(c) };
    let lo = if l.is_finite() { l } else { o.min(c) };
    (hi, lo)
}

/// True when `price` is at or beyond `level` in the direction that triggers a buy stop
/// (`quantity > 0`: price >= level) or a sell stop (price <= level).
fn through(quantity: f64, price: f64, level: f64) -> bool {
    if quantity > 0.0 {
        price >= level
    } else {
        price <= level
    }
}

/// Fill price of a limit order in a bar, if it fills.
fn limit_price(quantity: f64, limit: f64, o: f64, h: f64, l: f64) -> Option<f64> {
    if quantity > 0.0 {
        (l <= limit).then(|| o.min(limit))
    } else {
        (h >= limit).then(|| o.max(limit))
    }
}

/// Fill price of a stop order in a bar, if it triggers.
fn stop_price(quantity: f64, stop: f64, o: f64, h: f64, l: f64) -> Option<f64> {
    if quantity > 0.0 {
        (h >= stop).then(|| o.max(stop))
    } else {
        (l <= stop).then(|| o.min(stop))
    }
}

/// Sample std of close-to-close returns and mean volume of symbol `s` over the
/// [`IMPACT_WINDOW`] bars before `t` (bars without data skipped); `None` with fewer than two
/// returns or no positive volume.
fn trailing_sigma_adv(prices: &Prices<'_>, s: usize, t: usize) -> Option<(f64, f64)> {
    let from = t.saturating_sub(IMPACT_WINDOW);
    let (close, volume) = (prices.close(s), prices.volume(s));
    let (mut n, mut sum, mut sum2) = (0.0, 0.0, 0.0);
    let (mut nv, mut vsum) = (0.0, 0.0);
    let mut prev = f64::NAN;
    for k in from..t {
        let c = close[k];
        if c.is_finite() {
            if prev.is_finite() && prev > 0.0 {
                let r = c / prev - 1.0;
                n += 1.0;
                sum += r;
                sum2 += r * r;
            }
            prev = c;
        }
        if volume[k].is_finite() {
            nv += 1.0;
            vsum += volume[k];
        }
    }
    if n < 2.0 || nv == 0.0 || vsum <= 0.0 {
        return None;
    }
    let var = ((sum2 - sum * sum / n) / (n - 1.0)).max(0.0);
    Some((var.sqrt(), vsum / nv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_stop_prices() {
        // Bar o=10 h=12 l=8.
        assert_eq!(limit_price(1.0, 9.0, 10.0, 12.0, 8.0), Some(9.0));
        assert_eq!(limit_price(1.0, 11.0, 10.0, 12.0, 8.0), Some(10.0));
        assert_eq!(limit_price(1.0, 7.0, 10.0, 12.0, 8.0), None);
        assert_eq!(limit_price(-1.0, 11.0, 10.0, 12.0, 8.0), Some(11.0));
        assert_eq!(limit_price(-1.0, 9.0, 10.0, 12.0, 8.0), Some(10.0));
        assert_eq!(limit_price(-1.0, 13.0, 10.0, 12.0, 8.0), None);
        assert_eq!(stop_price(1.0, 11.0, 10.0, 12.0, 8.0), Some(11.0));
        assert_eq!(stop_price(1.0, 9.0, 10.0, 12.0, 8.0), Some(10.0)); // gapped through
        assert_eq!(stop_price(1.0, 13.0, 10.0, 12.0, 8.0), None);
        assert_eq!(stop_price(-1.0, 9.0, 10.0, 12.0, 8.0), Some(9.0));
        assert_eq!(stop_price(-1.0, 11.0, 10.0, 12.0, 8.0), Some(10.0));
        assert_eq!(stop_price(-1.0, 7.0, 10.0, 12.0, 8.0), None);
    }
}
