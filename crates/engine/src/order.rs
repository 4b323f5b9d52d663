//! Orders as the strategy submits them, before the broker resolves them into fills.
//!
//! Invariant: an order carries the bar after whose visible data it was submitted
//! ([`Order::submitted_after`]) and is only ever looked at by the broker at a fill opportunity
//! (an open, a bar's range, a close) that comes after its submission, so no order can trade at
//! a price the strategy had already seen.

use serde::{Deserialize, Serialize};

/// Identifies an order within one run (assigned in submission order, starting at 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrderId(pub u64);

/// What an order asks for. Quantities are signed shares: > 0 buys, < 0 sells.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OrderKind {
    /// At the next open where the symbol trades.
    Market {
        /// Signed number of shares.
        quantity: f64,
    },
    /// At the open of the next session only: if the symbol has no bar then, it is cancelled
    /// (whatever its time in force).
    MarketOnOpen {
        /// Signed number of shares.
        quantity: f64,
    },
    /// At a close: the close of the session it was submitted before or during (from `on_news`),
    /// or the next close (from `on_bar`, which runs after its bar's close).
    MarketOnClose {
        /// Signed number of shares.
        quantity: f64,
    },
    /// At `limit` or better: a buy fills at `min(open, limit)` when `low <= limit`, a sell at
    /// `max(open, limit)` when `high >= limit`.
    Limit {
        /// Signed number of shares.
        quantity: f64,
        /// Worst acceptable price.
        limit: f64,
    },
    /// Becomes a market order once the price trades through `stop`: a buy stop fills at
    /// `max(open, stop)` when `high >= stop` (a gap through the stop fills at the open), a sell
    /// stop at `min(open, stop)` when `low <= stop`.
    Stop {
        /// Signed number of shares.
        quantity: f64,
        /// Trigger price.
        stop: f64,
    },
    /// Becomes a limit order at `limit` once the price trades through `stop`.
    StopLimit {
        /// Signed number of shares.
        quantity: f64,
        /// Trigger price.
        stop: f64,
        /// Limit once triggered.
        limit: f64,
    },
    /// Trade whatever makes the position `quantity` shares at the next open.
    TargetQuantity {
        /// Signed target position.
        quantity: f64,
    },
    /// Trade whatever makes the position `weight` of equity at the fill bar's open, in whole
    /// shares (or fractional, `execution.fractional`) sized at the fill price including costs
    /// (see [`crate::broker`]).
    TargetWeight {
        /// Signed fraction of equity (`-0.5` = short half the equity).
        weight: f64,
    },
}

impl OrderKind {
    /// True for orders that can only fill at a close.
    pub fn at_close(&self) -> bool {
        matches!(self, OrderKind::MarketOnClose { .. })
    }

    /// The signed share quantity of a quantity order (`None` for target orders).
    pub fn quantity(&self) -> Option<f64> {
        match *self {
            OrderKind::Market { quantity }
            | OrderKind::MarketOnOpen { quantity }
            | OrderKind::MarketOnClose { quantity }
            | OrderKind::Limit { quantity, .. }
            | OrderKind::Stop { quantity, .. }
            | OrderKind::StopLimit { quantity, .. } => Some(quantity),
            OrderKind::TargetQuantity { .. } | OrderKind::TargetWeight { .. } => None,
        }
    }

    /// The same order for `quantity` shares (a partial fill's remainder). Targets are
    /// unchanged: they re-resolve against the position at every opportunity.
    pub(crate) fn with_quantity(self, q: f64) -> OrderKind {
        match self {
            OrderKind::Market { .. } => OrderKind::Market { quantity: q },
            OrderKind::MarketOnOpen { .. } => OrderKind::MarketOnOpen { quantity: q },
            OrderKind::MarketOnClose { .. } => OrderKind::MarketOnClose { quantity: q },
            OrderKind::Limit { limit, .. } => OrderKind::Limit { quantity: q, limit },
            OrderKind::Stop { stop, .. } => OrderKind::Stop { quantity: q, stop },
            OrderKind::StopLimit { stop, limit, .. } => OrderKind::StopLimit {
                quantity: q,
                stop,
                limit,
            },
            k @ (OrderKind::TargetQuantity { .. } | OrderKind::TargetWeight { .. }) => k,
        }
    }
}

/// How long an order works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TimeInForce {
    /// Until filled or cancelled.
    #[default]
    Gtc,
    /// One session: the first bar after submission (for market-on-close, the first close).
    /// Whatever has not filled by that bar's close is cancelled (recorded as expired).
    Day,
}

/// A pending order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Its id.
    pub id: OrderId,
    /// Symbol index into the market.
    pub symbol: usize,
    /// What to trade (for a partly filled order: what is left).
    pub kind: OrderKind,
    /// Time in force.
    pub tif: TimeInForce,
    /// The latest bar visible when it was submitted (`None`: before the first bar).
    pub submitted_after: Option<usize>,
    /// A stop-limit whose stop has traded (it now works as a limit order).
    pub triggered: bool,
    /// The first bar at which the broker considered it (a day order expires after it).
    pub first_bar: Option<usize>,
    /// The earliest instant whose price it may fill at (see [`crate::latency`]): it fills at a
    /// bar's open only when that bar's open instant is at or after this, at a close only when
    /// the close is; `i64::MIN` when only [`Order::submitted_after`] limits it.
    #[serde(default = "unrestricted")]
    pub not_before: i64,
}

fn unrestricted() -> i64 {
    i64::MIN
}
