//! Plain-data input of the report: what one backtest run produced.
//!
//! Invariant: these types carry no behaviour and no link to the other rotor crates; every series is
//! indexed by bar (aligned with `timestamps`). Inconsistent lengths, NaN or zero equity are allowed
//! here and handled (never with a panic) by the statistics and the renderers.

use serde::{Deserialize, Serialize};

/// Everything the report needs about one run, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Strategy name.
    pub name: String,
    /// Bar closes, nanoseconds since the Unix epoch, UTC (daily bars close at 20:00 UTC).
    pub timestamps: Vec<i64>,
    /// Portfolio equity at each close.
    pub equity: Vec<f64>,
    /// Cash before the first bar: the first return is `equity[0] / initial_equity - 1`.
    pub initial_equity: f64,
    /// Market value of the long positions at each close (>= 0).
    pub long_exposure: Vec<f64>,
    /// Absolute market value of the short positions at each close (>= 0).
    pub short_exposure: Vec<f64>,
    /// Closed round trips.
    pub trades: Vec<TradeRecord>,
    /// Number of fills.
    pub fills: usize,
    /// Sum of `|quantity * price|` over all fills.
    pub traded_notional: f64,
    /// Total commission paid (currency).
    pub commission_paid: f64,
    /// Total slippage paid (currency).
    pub slippage_paid: f64,
    /// Total borrow fees paid on shorts (currency).
    pub borrow_paid: f64,
    /// Net interest credited on cash (currency; negative when paid on negative cash).
    #[serde(default)]
    pub interest_earned: f64,
    /// Periods per year (252 for daily bars).
    pub periods_per_year: f64,
    /// Annual risk-free rate (0 unless configured); per period it is `(1 + rf)^(1/A) - 1`.
    pub risk_free_annual: f64,
    /// Optional benchmark, aligned to `timestamps`.
    pub benchmark: Option<Benchmark>,
}

/// A benchmark price series aligned to the run's timestamps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// Display name (e.g. the symbol).
    pub name: String,
    /// Close prices aligned to `RunSummary::timestamps`; NaN where missing. Its returns are
    /// `prices[t] / prices[t-1] - 1` (across a missing price, from the last one before it), so
    /// the first bar has no benchmark return unless `base` is known.
    pub prices: Vec<f64>,
    /// The price at the instant the run's equity starts from (`initial_equity`, before
    /// `timestamps[0]`), when known: the first return is then `prices[0] / base - 1`, as the
    /// run's own. `rotor stats` knows it (the level on the series' first row); a backtest's
    /// benchmark is held from its first close (`None`).
    #[serde(default)]
    pub base: Option<f64>,
}

/// One closed round trip.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TradeRecord {
    /// Instrument symbol.
    pub symbol: String,
    /// Entry fill time, ns UTC.
    pub entry_ts: i64,
    /// Exit fill time, ns UTC.
    pub exit_ts: i64,
    /// Signed quantity: > 0 long, < 0 short.
    pub quantity: f64,
    /// Average entry price.
    pub entry_price: f64,
    /// Average exit price.
    pub exit_price: f64,
    /// Realized profit and loss, net of costs (currency).
    pub pnl: f64,
    /// Return of the trade as a fraction of its entry notional.
    pub ret: f64,
    /// Number of bars the position was held.
    pub holding_bars: usize,
}
