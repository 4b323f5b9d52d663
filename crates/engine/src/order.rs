//! Orders as the strategy submits them, before the broker resolves them into fills.
//!
//! Invariant: an order carries the bar after whose visible data it was submitted
//! ([`Order::submitted_after`]); the broker only fills it at the open of a later bar, so no order
//! can trade at a price the strategy had already seen.

use serde::{Deserialize, Serialize};

/// Identifies an order within one run (assigned in submission order, starting at 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrderId(pub u64);

/// What an order asks for. Grows with more order types (limit, stop, market-on-close).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OrderKind {
    /// Trade `quantity` shares (signed: > 0 buys, < 0 sells) at the next open.
    Market {
        /// Signed number of shares.
        quantity: f64,
    },
    /// Trade whatever makes the position `weight` of equity at the fill bar's open, in whole
    /// shares sized at the fill price including costs (see [`crate::broker`]).
    TargetWeight {
        /// Signed fraction of equity (`-0.5` = short half the equity).
        weight: f64,
    },
}

/// A pending order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Its id.
    pub id: OrderId,
    /// Symbol index into the market.
    pub symbol: usize,
    /// What to trade.
    pub kind: OrderKind,
    /// The latest bar visible when it was submitted (`None`: before the first bar).
    pub submitted_after: Option<usize>,
}
