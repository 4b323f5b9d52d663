//! What a strategy sees and can do during a callback.
//!
//! Invariant: every market slice a [`Context`] hands out ends at the latest bar whose close has
//! happened ([`Context::bar`]); nothing after it is reachable, so a strategy cannot look ahead
//! even by mistake. Orders it submits are queued and fill at a later fill opportunity (see
//! [`crate::broker`] for each order type). Prices are the run's price view
//! ([`crate::prices`]): adjusted when `execution.adjust` is on.

use rotor_data::Market;

use crate::broker::Broker;
use crate::order::{Order, OrderId, OrderKind, TimeInForce};
use crate::portfolio::Portfolio;
use crate::prices::Prices;

/// A strategy's window on the run: history up to now, the account, and order entry.
///
/// Slices returned by [`close`](Context::close) and friends borrow the market, not the
/// context, so they may be held while submitting orders.
pub struct Context<'a> {
    market: &'a Market,
    prices: &'a Prices<'a>,
    portfolio: &'a Portfolio,
    broker: &'a mut Broker,
    bar: Option<usize>,
    now: i64,
    not_before: i64,
}

impl<'a> Context<'a> {
    /// A context whose latest visible bar is `bar` at clock time `now`.
    pub(crate) fn new(
        prices: &'a Prices<'a>,
        portfolio: &'a Portfolio,
        broker: &'a mut Broker,
        bar: Option<usize>,
        now: i64,
    ) -> Self {
        Context {
            market: prices.market(),
            prices,
            portfolio,
            broker,
            bar,
            now,
            not_before: i64::MIN,
        }
    }

    /// This context with orders restricted to prices printed at or after `instant` (see
    /// [`crate::latency`]).
    pub(crate) fn not_before(mut self, instant: i64) -> Self {
        self.not_before = instant;
        self
    }

    /// Index of the latest bar whose close has happened; `None` before the first close (news
    /// delivered before the first bar's open or during its session).
    pub fn bar(&self) -> Option<usize> {
        self.bar
    }

    /// The clock: the close of [`bar`](Context::bar) in `on_bar`, in `on_news` the instant the
    /// strategy reacts (the event's timestamp plus `execution.latency`), the bar's open instant
    /// in `on_fill`. ns UTC.
    pub fn time(&self) -> i64 {
        self.now
    }

    /// The earliest instant whose price an order sent now may fill at (`i64::MIN` when only
    /// the bar rule applies: orders from `on_bar` without `execution.order_latency`). From
    /// `on_news` it is strictly after the event's timestamp and at or after it plus
    /// `execution.latency`.
    pub fn earliest_fill(&self) -> i64 {
        self.not_before
    }

    /// The first bar at whose open a market order sent now can fill: the first bar after the
    /// visible ones whose open instant is at or after [`earliest_fill`](Context::earliest_fill)
    /// (the number of bars when there is none).
    pub fn next_fill_bar(&self) -> usize {
        let n = self.market.n_bars();
        let from = self.visible().min(n);
        from + (from..n)
            .position(|u| self.market.session_open(u) >= self.not_before)
            .unwrap_or(n - from)
    }

    fn visible(&self) -> usize {
        self.bar.map_or(0, |b| b + 1)
    }

    /// Close instants of the visible bars.
    pub fn timestamps(&self) -> &'a [i64] {
        &self.market.timestamps()[..self.visible()]
    }

    /// Closes of symbol `s` over the visible bars (NaN where it had no bar).
    pub fn close(&self, s: usize) -> &'a [f64] {
        &self.prices.close(s)[..self.visible()]
    }

    /// Opens of symbol `s` over the visible bars.
    pub fn open(&self, s: usize) -> &'a [f64] {
        &self.prices.open(s)[..self.visible()]
    }

    /// Highs of symbol `s` over the visible bars.
    pub fn high(&self, s: usize) -> &'a [f64] {
        &self.prices.high(s)[..self.visible()]
    }

    /// Lows of symbol `s` over the visible bars.
    pub fn low(&self, s: usize) -> &'a [f64] {
        &self.prices.low(s)[..self.visible()]
    }

    /// Volumes of symbol `s` over the visible bars.
    pub fn volume(&self, s: usize) -> &'a [f64] {
        &self.prices.volume(s)[..self.visible()]
    }

    /// Every symbol, in index order.
    pub fn symbols(&self) -> &'a [String] {
        self.market.symbols()
    }

    /// Index of `symbol`, if the market has it.
    pub fn symbol_index(&self, symbol: &str) -> Option<usize> {
        self.market.symbol_index(symbol)
    }

    /// Signed shares held of symbol `s` (orders still pending are not counted).
    pub fn position(&self, s: usize) -> f64 {
        self.portfolio.positions()[s]
    }

    /// Signed shares of every symbol.
    pub fn positions(&self) -> &[f64] {
        self.portfolio.positions()
    }

    /// Average cost per share of the position in `s` (NaN when flat).
    pub fn avg_cost(&self, s: usize) -> f64 {
        self.portfolio.avg_cost()[s]
    }

    /// Realized P&L of `s` so far, at fill prices (before commission and financing).
    pub fn realized_pnl(&self, s: usize) -> f64 {
        self.portfolio.realized()[s]
    }

    /// Unrealized P&L of `s` at its latest visible close.
    pub fn unrealized_pnl(&self, s: usize) -> f64 {
        self.portfolio.unrealized(s)
    }

    /// Cash.
    pub fn cash(&self) -> f64 {
        self.portfolio.cash()
    }

    /// Cash plus positions marked at the latest visible closes.
    pub fn equity(&self) -> f64 {
        self.portfolio.equity()
    }

    /// Bars per year, for annualizing (252 for daily bars).
    pub fn periods_per_year(&self) -> f64 {
        self.market.periods_per_year()
    }

    /// Orders not yet filled, in submission order.
    pub fn pending_orders(&self) -> &[Order] {
        self.broker.pending()
    }

    /// Submits any order with a time in force; the typed helpers below are shorthands.
    ///
    /// # Panics
    /// If `s` is not a symbol index of the market.
    pub fn submit(&mut self, s: usize, kind: OrderKind, tif: TimeInForce) -> OrderId {
        assert!(s < self.market.n_symbols(), "symbol index {s} out of range");
        self.broker.submit(s, kind, tif, self.bar, self.not_before)
    }

    /// Buys (`quantity > 0`) or sells (`< 0`) shares of symbol `s` at the next open where it
    /// trades (good till cancelled). A zero or non-finite quantity is accepted and never fills.
    ///
    /// # Panics
    /// If `s` is not a symbol index of the market.
    pub fn market_order(&mut self, s: usize, quantity: f64) -> OrderId {
        self.submit(s, OrderKind::Market { quantity }, TimeInForce::Gtc)
    }

    /// Trades at the next session's open only; cancelled if `s` has no bar then.
    pub fn market_on_open(&mut self, s: usize, quantity: f64) -> OrderId {
        self.submit(s, OrderKind::MarketOnOpen { quantity }, TimeInForce::Day)
    }

    /// Trades at a close: this session's close when called from `on_news` before or during a
    /// session, the next bar's close when called from `on_bar` (good till cancelled: it waits
    /// for a close where `s` trades).
    pub fn market_on_close(&mut self, s: usize, quantity: f64) -> OrderId {
        self.submit(s, OrderKind::MarketOnClose { quantity }, TimeInForce::Gtc)
    }

    /// A limit order at `limit`, good till cancelled.
    pub fn limit_order(&mut self, s: usize, quantity: f64, limit: f64) -> OrderId {
        self.submit(s, OrderKind::Limit { quantity, limit }, TimeInForce::Gtc)
    }

    /// A stop order at `stop`, good till cancelled.
    pub fn stop_order(&mut self, s: usize, quantity: f64, stop: f64) -> OrderId {
        self.submit(s, OrderKind::Stop { quantity, stop }, TimeInForce::Gtc)
    }

    /// A stop-limit order, good till cancelled.
    pub fn stop_limit_order(&mut self, s: usize, quantity: f64, stop: f64, limit: f64) -> OrderId {
        self.submit(
            s,
            OrderKind::StopLimit {
                quantity,
                stop,
                limit,
            },
            TimeInForce::Gtc,
        )
    }

    /// Trades symbol `s` to a position of `quantity` shares at the next open where it trades.
    /// A non-finite target is taken as 0.
    pub fn target_quantity(&mut self, s: usize, quantity: f64) -> OrderId {
        let quantity = if quantity.is_finite() { quantity } else { 0.0 };
        self.submit(s, OrderKind::TargetQuantity { quantity }, TimeInForce::Gtc)
    }

    /// Trades symbol `s` to `weight` of equity (signed) at the next open where it trades,
    /// in whole shares (fractional with `execution.fractional`) sized at that fill price
    /// including costs (see [`crate::broker`]). A non-finite weight is taken as 0.
    ///
    /// # Panics
    /// If `s` is not a symbol index of the market.
    pub fn target_weight(&mut self, s: usize, weight: f64) -> OrderId {
        let weight = if weight.is_finite() { weight } else { 0.0 };
        self.submit(s, OrderKind::TargetWeight { weight }, TimeInForce::Gtc)
    }

    /// [`target_weight`](Context::target_weight) for each `(symbol, weight)`, in order.
    /// Symbols not listed keep their positions.
    pub fn target_weights(&mut self, weights: &[(usize, f64)]) {
        for &(s, w) in weights {
            self.target_weight(s, w);
        }
    }

    /// Cancels pending order `id`; false if it already filled, expired or was cancelled.
    pub fn cancel(&mut self, id: OrderId) -> bool {
        self.broker.cancel(id)
    }

    /// Replaces what pending order `id` asks for (same id, symbol, time in force and queue
    /// place); false if it is no longer pending.
    pub fn replace(&mut self, id: OrderId, kind: OrderKind) -> bool {
        self.broker.replace(id, kind, self.bar, self.not_before)
    }

    /// Cancels every pending order.
    pub fn cancel_all(&mut self) {
        self.broker.cancel_all();
    }
}
