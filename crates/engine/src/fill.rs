//! A fill: one executed trade, with its costs broken out.
//!
//! Invariant: `price` is the bar's open moved against the trader by the slippage, so
//! `price / (1 ± slippage_bps/1e4)` lies within that bar's [low, high]; cash moved by exactly
//! `-quantity * price - commission`.

use serde::{Deserialize, Serialize};

/// One executed trade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    /// Index of the bar at whose open it filled.
    pub bar: usize,
    /// That bar's timestamp (its close instant, ns UTC: the key of the equity curve row).
    pub timestamp: i64,
    /// Symbol index into the market.
    pub symbol: usize,
    /// Signed shares: > 0 bought, < 0 sold.
    pub quantity: f64,
    /// Price per share after slippage.
    pub price: f64,
    /// Commission paid, in currency (>= 0).
    pub commission: f64,
    /// Slippage cost, in currency (>= 0): `|quantity| * |price - open|`.
    pub slippage: f64,
    /// The order it came from.
    pub order: crate::order::OrderId,
}

impl Fill {
    /// Absolute traded value at the fill price.
    pub fn notional(&self) -> f64 {
        self.quantity.abs() * self.price
    }
}
