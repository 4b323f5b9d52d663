//! The broker: pending orders, and how they become fills at a bar's open.
//!
//! Fill rules (first version): every pending order for a symbol that has a bar at `t` fills at
//! bar `t`'s open; a symbol without a bar keeps its orders pending. Buys pay
//! `open * (1 + slippage_bps/1e4)`, sells receive `open * (1 - slippage_bps/1e4)`; commission is
//! `|quantity| * price * commission_bps/1e4`. A target-weight order for weight `w` becomes
//! `trunc(w * E / p) - position` shares, where `E` is equity at bar `t`'s open (cash + Σ
//! position * open, last close where a symbol has no open; computed once per bar before any
//! fill) and `p` is the cash per share of trading in the direction of `w` including every cost:
//! `open * (1 + slip) * (1 + comm)` for `w > 0`, `open * (1 - slip) * (1 - comm)` for `w < 0`.
//! So a long of weight 1 never spends more than `E`, and a short of weight -1 raises at most `E`.
//! When `E <= 0` every target is 0 (the account is wiped out: only closing is allowed).
//!
//! Invariant: orders fill in submission order, each at most once, and only at the open of a bar
//! after the one that was visible when it was submitted.

use rotor_data::Market;

use crate::config::CostsConfig;
use crate::fill::Fill;
use crate::order::{Order, OrderId, OrderKind};
use crate::portfolio::Portfolio;
use crate::trade::{LedgerFill, TradeLedger};

/// Pending orders and the cost model.
#[derive(Debug, Clone)]
pub struct Broker {
    pending: Vec<Order>,
    next_id: u64,
    slippage: f64,
    commission: f64,
}

impl Broker {
    /// A broker with no pending orders, charging `costs`.
    pub fn new(costs: &CostsConfig) -> Self {
        Broker {
            pending: Vec::with_capacity(64),
            next_id: 0,
            slippage: costs.slippage_bps / 1e4,
            commission: costs.commission_bps / 1e4,
        }
    }

    /// Queues an order; it fills at the next open of a bar where `symbol` trades.
    pub fn submit(
        &mut self,
        symbol: usize,
        kind: OrderKind,
        submitted_after: Option<usize>,
    ) -> OrderId {
        let id = OrderId(self.next_id);
        self.next_id += 1;
        self.pending.push(Order {
            id,
            symbol,
            kind,
            submitted_after,
        });
        id
    }

    /// Drops every pending order.
    pub fn cancel_all(&mut self) {
        self.pending.clear();
    }

    /// Orders not yet filled, in submission order.
    pub fn pending(&self) -> &[Order] {
        &self.pending
    }

    /// Fills what can fill at bar `t`'s open, appending to `fills` and the ledger. Orders for
    /// symbols without a bar at `t` stay pending, in order. Allocates nothing but the pushes.
    pub fn fill_at_open(
        &mut self,
        market: &Market,
        t: usize,
        portfolio: &mut Portfolio,
        ledger: &mut TradeLedger,
        fills: &mut Vec<Fill>,
    ) {
        if self.pending.is_empty() {
            return;
        }
        let timestamp = market.timestamps()[t];
        let mut equity_at_open: Option<f64> = None;
        let mut keep = 0;
        for i in 0..self.pending.len() {
            let order = self.pending[i];
            debug_assert!(
                order.submitted_after.is_none_or(|b| b < t),
                "order from the future"
            );
            let open = market.open(order.symbol)[t];
            if !open.is_finite() {
                self.pending[keep] = order;
                keep += 1;
                continue;
            }
            let held = portfolio.positions()[order.symbol];
            let quantity = match order.kind {
                OrderKind::Market { quantity } => quantity,
                OrderKind::TargetWeight { weight } => {
                    let e = *equity_at_open.get_or_insert_with(|| {
                        portfolio.cash() + portfolio.positions_value(|s| market.open(s)[t])
                    });
                    self.target_shares(weight, e, open) - held
                }
            };
            if quantity == 0.0 || !quantity.is_finite() {
                continue;
            }
            let price = if quantity > 0.0 {
                open * (1.0 + self.slippage)
            } else {
                open * (1.0 - self.slippage)
            };
            let commission = quantity.abs() * price * self.commission;
            let slippage = quantity.abs() * (price - open).abs();
            let (before, after) = portfolio.apply_fill(order.symbol, quantity, price, commission);
            ledger.on_fill(LedgerFill {
                symbol: order.symbol,
                bar: t,
                timestamp,
                quantity,
                price,
                commission,
                slippage,
                before,
                after,
            });
            fills.push(Fill {
                bar: t,
                timestamp,
                symbol: order.symbol,
                quantity,
                price,
                commission,
                slippage,
                order: order.id,
            });
        }
        self.pending.truncate(keep);
    }

    /// Whole shares making `weight` of `equity`, sized at the all-in price of a trade in the
    /// direction of `weight`.
    fn target_shares(&self, weight: f64, equity: f64, open: f64) -> f64 {
        if weight == 0.0 || equity <= 0.0 || !weight.is_finite() {
            return 0.0;
        }
        let all_in = if weight > 0.0 {
            open * (1.0 + self.slippage) * (1.0 + self.commission)
        } else {
            open * (1.0 - self.slippage) * (1.0 - self.commission)
        };
        (weight * equity / all_in).trunc()
    }
}
