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
//! orders of the symbol in that bar); slippage and commission (the cost model of
//! [`crate::costs`], which reads nothing from bar `t` on); the leverage and net-exposure caps, checked
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

use crate::config::{Delisting, FillConfig, OnBreach, Remainder, SimulationConfig};
use crate::costs::CostModel;
use crate::fill::Fill;
use crate::order::{Order, OrderId, OrderKind, TimeInForce};
use crate::portfolio::Portfolio;
use crate::prices::Prices;
use crate::result::{RejectReason, Rejection};
use crate::trade::{LedgerFill, TradeLedger};

/// Where a fill pass happens in the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Open,
    Close,
}

/// One fill pass: bar `t` at its open (fills at the open or inside the range) or at its close.
struct Pass<'p> {
    prices: &'p Prices<'p>,
    t: usize,
    phase: Phase,
    /// The bar's close instant (the timestamp of rejections).
    timestamp: i64,
    /// The instant this pass's prices start printing: an order may not use them before its
    /// latency has run (range fills, printed later in the bar, are held back with the open).
    instant: i64,
}

impl<'p> Pass<'p> {
    fn new(prices: &'p Prices<'p>, t: usize, phase: Phase) -> Self {
        let timestamp = prices.market().timestamps()[t];
        let instant = match phase {
            Phase::Open => prices.market().session_open(t),
            Phase::Close => timestamp,
        };
        Pass {
            prices,
            t,
            phase,
            timestamp,
            instant,
        }
    }

    /// The price of `s` this pass marks at: bar `t`'s open, or its close.
    fn at(&self, s: usize) -> f64 {
        match self.phase {
            Phase::Open => self.prices.open(s)[self.t],
            Phase::Close => self.prices.close(s)[self.t],
        }
    }

    /// The instant a fill's base price was printed: the bar's open instant for a fill at the
    /// open, its close for a market-on-close fill, and for a limit or stop filled inside the
    /// range (printed at an unknown instant of the bar) the bar's close, the first instant by
    /// which it surely was.
    fn printed_at(&self, at_open_price: bool) -> i64 {
        match self.phase {
            Phase::Open if at_open_price => self.prices.market().session_open(self.t),
            _ => self.timestamp,
        }
    }
}

/// Whether an order stays pending after a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disposition {
    /// It keeps working (not fillable yet, or a remainder the volume cap held back).
    Keep,
    /// Filled, rejected or expired: it leaves the queue.
    Done,
}

/// What a pass did with an order that could fill.
struct Worked {
    /// Shares the order asked for in this pass (signed).
    wanted: f64,
    /// Shares filled (signed; 0 when nothing filled).
    filled: f64,
    /// The leverage or exposure cap that bound, if any.
    breach: Option<RejectReason>,
    /// True when the volume cap held some of `wanted` back.
    volume_capped: bool,
}

/// The sinks a fill pass writes to.
pub(crate) struct Books<'b> {
    pub portfolio: &'b mut Portfolio,
    pub ledger: &'b mut TradeLedger,
    pub fills: &'b mut Vec<Fill>,
    pub rejections: &'b mut Vec<Rejection>,
}

/// Pending orders, the fill rules and the cost model.
#[derive(Debug, Clone)]
pub struct Broker {
    pending: Vec<Order>,
    next_id: u64,
    costs: CostModel,
    /// The `[execution]` table.
    rules: FillConfig,
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
    /// A broker with no pending orders for the symbols of `prices`, under the costs and fill
    /// rules of `sim`.
    pub fn new(sim: &SimulationConfig, prices: &Prices<'_>) -> Self {
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
        Broker {
            pending: Vec::with_capacity(64),
            next_id: 0,
            costs: CostModel::new(&sim.costs),
            rules: sim.execution.clone(),
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
            if held == 0.0 || self.rules.delisting == Delisting::Hold {
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
        let pass = Pass::new(prices, t, phase);
        // Equity at this pass's prices for target weights: computed once, before any fill.
        let mut equity_here: Option<f64> = None;
        let mut keep = 0;
        for i in 0..self.pending.len() {
            let mut order = self.pending[i];
            if self.work(&pass, &mut order, books, &mut equity_here) == Disposition::Keep {
                self.pending[keep] = order;
                keep += 1;
            }
        }
        self.pending.truncate(keep);
    }

    /// Works one pending order in a pass: fills what it can and says whether it stays pending
    /// (`order` is updated in place: its first bar, a stop-limit's trigger, a remainder).
    fn work(
        &mut self,
        pass: &Pass<'_>,
        order: &mut Order,
        books: &mut Books<'_>,
        equity_here: &mut Option<f64>,
    ) -> Disposition {
        let t = pass.t;
        if order.kind.at_close() != (pass.phase == Phase::Close) || pass.instant < order.not_before
        {
            return Disposition::Keep;
        }
        debug_assert!(
            order.submitted_after.is_none_or(|b| b < t),
            "order from the future"
        );
        order.first_bar.get_or_insert(t);
        let s = order.symbol;
        if self.last_bar[s].is_none_or(|l| t > l) {
            reject(books, t, pass.timestamp, order, 0.0, RejectReason::Delisted);
            return Disposition::Done;
        }
        if !pass.at(s).is_finite() {
            if matches!(order.kind, OrderKind::MarketOnOpen { .. }) {
                reject(books, t, pass.timestamp, order, 0.0, RejectReason::Expired);
                return Disposition::Done;
            }
            return Disposition::Keep;
        }
        let Some((wanted, base)) = self.resolve(pass, order, books.portfolio, equity_here) else {
            return Disposition::Keep;
        };
        if wanted == 0.0 || !wanted.is_finite() {
            return Disposition::Done;
        }
        let (q, volume_capped) = self.volume_room(pass, s, wanted);
        let (filled, breach) = self.fill_within_caps(pass, order, books, q, base);
        let worked = Worked {
            wanted,
            filled,
            breach,
            volume_capped,
        };
        self.settle(pass, order, books, &worked)
    }

    /// The shares `order` trades in this pass and their base price (before slippage), or
    /// `None` when its price was not reached; a stop-limit's trigger is recorded on `order`.
    fn resolve(
        &self,
        pass: &Pass<'_>,
        order: &mut Order,
        portfolio: &Portfolio,
        equity_here: &mut Option<f64>,
    ) -> Option<(f64, f64)> {
        let (prices, s, t) = (pass.prices, order.symbol, pass.t);
        let o = prices.open(s)[t];
        let (h, l) = range(o, prices.high(s)[t], prices.low(s)[t], prices.close(s)[t]);
        let here = pass.at(s);
        let held = portfolio.positions()[s];
        match order.kind {
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
            } => stop_limit_price(&mut order.triggered, quantity, (stop, limit), o, h, l)
                .map(|p| (quantity, p)),
            OrderKind::TargetQuantity { quantity } => Some((quantity - held, here)),
            OrderKind::TargetWeight { weight } => {
                let e = *equity_here.get_or_insert_with(|| {
                    portfolio.cash() + portfolio.positions_value(|k| pass.at(k))
                });
                let slip = self.costs.sizing_slippage(prices, s, t, weight, e, here);
                Some((self.target_shares(weight, e, here, slip) - held, here))
            }
        }
    }

    /// The part of `wanted` shares of `s` the volume cap leaves room for in this pass's bar
    /// (the room is shared by every order of the symbol in the bar), and whether it held some
    /// back.
    fn volume_room(&mut self, pass: &Pass<'_>, s: usize, wanted: f64) -> (f64, bool) {
        let t = pass.t;
        let volume = pass.prices.volume(s)[t];
        if !(self.rules.volume_cap > 0.0 && volume.is_finite()) {
            return (wanted, false);
        }
        if self.vol_bar[s] != t {
            self.vol_bar[s] = t;
            self.vol_used[s] = 0.0;
        }
        let mut room = (self.rules.volume_cap * volume - self.vol_used[s]).max(0.0);
        if !self.rules.fractional {
            room = room.floor();
        }
        if wanted.abs() > room {
            (room.copysign(wanted), true)
        } else {
            (wanted, false)
        }
    }

    /// Fills up to `q` shares of `order` at `base` moved against it by slippage, as far as the
    /// leverage and exposure caps allow: the shares filled (0 when none) and the cap that
    /// bound, if any.
    fn fill_within_caps(
        &mut self,
        pass: &Pass<'_>,
        order: &Order,
        books: &mut Books<'_>,
        q: f64,
        base: f64,
    ) -> (f64, Option<RejectReason>) {
        if q == 0.0 {
            return (0.0, None);
        }
        let s = order.symbol;
        let slip = self.costs.slippage(pass.prices, s, pass.t, q.abs());
        let price = if q > 0.0 {
            base * (1.0 + slip)
        } else {
            base * (1.0 - slip)
        };
        let (allowed, breach) = self.within_caps(books.portfolio, &|k| pass.at(k), s, q, price);
        if allowed == 0.0 {
            return (0.0, breach);
        }
        self.book(pass, books, order, allowed, price, base);
        self.vol_used[s] += allowed.abs();
        (allowed, breach)
    }

    /// What becomes of `order` after its fill: rejected (with what filled) when a cap bound;
    /// when the volume cap held part of it back, that part keeps working or is cancelled
    /// (`execution.remainder`); otherwise it is done.
    fn settle(
        &self,
        pass: &Pass<'_>,
        order: &mut Order,
        books: &mut Books<'_>,
        worked: &Worked,
    ) -> Disposition {
        let (t, timestamp, filled) = (pass.t, pass.timestamp, worked.filled);
        if let Some(reason) = worked.breach {
            reject(books, t, timestamp, order, filled, reason);
            return Disposition::Done;
        }
        if !worked.volume_capped {
            return Disposition::Done;
        }
        match self.rules.remainder {
            Remainder::Keep => {
                order.kind = order.kind.with_quantity(worked.wanted - filled);
                Disposition::Keep
            }
            Remainder::Cancel => {
                reject(books, t, timestamp, order, filled, RejectReason::VolumeCap);
                Disposition::Done
            }
        }
    }

    /// Records a fill of `quantity` shares of `order` at `price` (`base` before slippage) in
    /// the portfolio, the trade ledger and the fills.
    fn book(
        &self,
        pass: &Pass<'_>,
        books: &mut Books<'_>,
        order: &Order,
        quantity: f64,
        price: f64,
        base: f64,
    ) {
        let (prices, t) = (pass.prices, pass.t);
        let timestamp = pass.printed_at(base == prices.open(order.symbol)[t]);
        let commission = self.costs.commission(quantity, price);
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
        let at_close = pass.phase == Phase::Close;
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

    /// Shares making `weight` of `equity`, sized at the all-in price of a trade in the
    /// direction of `weight`; whole shares unless fractional.
    fn target_shares(&self, weight: f64, equity: f64, price: f64, slip: f64) -> f64 {
        if weight == 0.0 || equity <= 0.0 || !weight.is_finite() {
            return 0.0;
        }
        let all_in = self.costs.all_in_price(weight, price, slip);
        if all_in <= 0.0 {
            return 0.0;
        }
        let shares = weight * equity / all_in;
        if self.rules.fractional {
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
        let (gross_cap, net_cap) = (self.rules.max_gross_leverage, self.rules.max_net_exposure);
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
                cash - dq * price - self.costs.commission(dq, price) + n_other + (q0 + dq) * price;
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
        if self.rules.on_breach == OnBreach::Reject {
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
        if !self.rules.fractional {
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

/// Fill price of a stop-limit order in a bar, if it fills, recording in `triggered` when its
/// stop triggers: triggered before the bar or at its open it works as a limit; triggered
/// inside the bar it fills there only if its limit is at or through the stop (at the stop),
/// since the path after the trigger is unknown.
fn stop_limit_price(
    triggered: &mut bool,
    quantity: f64,
    (stop, limit): (f64, f64),
    o: f64,
    h: f64,
    l: f64,
) -> Option<f64> {
    if *triggered {
        limit_price(quantity, limit, o, h, l)
    } else if through(quantity, o, stop) {
        *triggered = true;
        limit_price(quantity, limit, o, h, l)
    } else if stop_price(quantity, stop, o, h, l).is_some() {
        *triggered = true;
        through(quantity, limit, stop).then_some(stop)
    } else {
        None
    }
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
