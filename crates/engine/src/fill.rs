//! A fill: one executed trade, with its costs broken out.
//!
//! Invariant: `base_price` is a price the fill's bar printed (its open, its close, or a limit or
//! stop price inside its [low, high]; for a delisting, the symbol's last close), `price` is
//! `base_price` moved against the trader by the slippage, and cash moved by exactly
//! `-quantity * price - commission`.

use serde::{Deserialize, Serialize};

/// One executed trade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    /// Index of the bar in which it filled.
    pub bar: usize,
    /// The instant `base_price` was printed (ns UTC): the bar's open instant
    /// ([`rotor_data::Market::session_open`]) for a fill at the open, its close for a
    /// market-on-close fill or a limit/stop filled inside the bar's range (the first instant by
    /// which that price surely printed), the symbol's last close for a delisting.
    pub timestamp: i64,
    /// Symbol index into the market.
    pub symbol: usize,
    /// Signed shares: > 0 bought, < 0 sold.
    pub quantity: f64,
    /// Price per share after slippage.
    pub price: f64,
    /// Price per share before slippage: what the bar printed.
    pub base_price: f64,
    /// Commission paid, in currency (>= 0).
    pub commission: f64,
    /// Slippage cost, in currency (>= 0): `|quantity| * |price - base_price|`.
    pub slippage: f64,
    /// True when it filled at the bar's close (market-on-close), false for the open or
    /// intrabar (limit/stop).
    pub at_close: bool,
    /// True for the forced close of a position whose symbol stopped trading (no order, no
    /// costs, at the last close).
    pub delisted: bool,
    /// The order it came from (`None` for a delisting).
    pub order: Option<crate::order::OrderId>,
}

impl Fill {
    /// Absolute traded value at the fill price.
    pub fn notional(&self) -> f64 {
        self.quantity.abs() * self.price
    }
}
