//! The outcome of a run: plain, serializable data for the report.
//!
//! Invariant: the per-bar vectors all have one entry per bar of the market, and at every bar
//! `equity == cash + long_exposure - short_exposure`; `equity[last] - initial_cash` equals the
//! trades' P&L plus `interest_earned`.

use serde::{Deserialize, Serialize};

use crate::alloc::Reserve;
use crate::fill::Fill;
use crate::order::{OrderId, OrderKind};
use crate::trade::Trade;

/// Why (part of) an order did not fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Filling it whole would have taken gross exposure over `execution.max_gross_leverage`
    /// times equity: scaled down (`filled != 0`) or rejected.
    GrossLeverage,
    /// Likewise for |net exposure| and `execution.max_net_exposure`.
    NetExposure,
    /// The volume cap held part of it back and `execution.remainder = "cancel"`.
    VolumeCap,
    /// A day order (or market-on-open) whose session passed without it filling whole.
    Expired,
    /// Its symbol has no more bars.
    Delisted,
}

impl RejectReason {
    /// The snake_case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::GrossLeverage => "gross_leverage",
            RejectReason::NetExposure => "net_exposure",
            RejectReason::VolumeCap => "volume_cap",
            RejectReason::Expired => "expired",
            RejectReason::Delisted => "delisted",
        }
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An order (or the rest of one) that the broker scaled down, cancelled or rejected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// Bar at which it happened.
    pub bar: usize,
    /// That bar's timestamp.
    pub timestamp: i64,
    /// Symbol index.
    pub symbol: usize,
    /// The order.
    pub order: OrderId,
    /// What the order asked for at that moment.
    pub kind: OrderKind,
    /// Signed shares that did fill at that opportunity (0 when rejected whole).
    pub filled: f64,
    /// Why.
    pub reason: RejectReason,
}

/// Equity curve, fills, trades and cost totals of one backtest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunResult {
    /// Bar close instants, ns UTC (the market's timeline).
    pub timestamps: Vec<i64>,
    /// Equity at each close (after that bar's borrow fee).
    pub equity: Vec<f64>,
    /// Cash at each close.
    pub cash: Vec<f64>,
    /// Σ value of long positions at each close.
    pub long_exposure: Vec<f64>,
    /// Σ |value| of short positions at each close.
    pub short_exposure: Vec<f64>,
    /// Borrow fee charged at each close (0 where nothing is short); sums to `borrow_paid`.
    #[serde(default)]
    pub borrow: Vec<f64>,
    /// Net interest credited on cash at each close (< 0 where cash is negative); sums to
    /// `interest_earned`.
    #[serde(default)]
    pub interest: Vec<f64>,
    /// Every fill, in execution order.
    pub fills: Vec<Fill>,
    /// Closed round trips, in closing order.
    pub trades: Vec<Trade>,
    /// Positions still held at the end, marked at the last close (`open == true`), in symbol
    /// order. Not counted among `trades`.
    pub open_trades: Vec<Trade>,
    /// Signed shares of every symbol at the end.
    pub final_positions: Vec<f64>,
    /// Total commission.
    pub commission_paid: f64,
    /// Total slippage cost.
    pub slippage_paid: f64,
    /// Total borrow fees.
    pub borrow_paid: f64,
    /// Net interest on cash: credited (> 0) minus charged on negative cash.
    pub interest_earned: f64,
    /// Orders scaled down, cancelled, expired or rejected, in the order it happened.
    pub rejections: Vec<Rejection>,
    /// Realized P&L per symbol at fill prices (before commission and financing).
    pub realized_pnl: Vec<f64>,
    /// Average cost per share of the final positions (0 where flat).
    pub final_avg_cost: Vec<f64>,
    /// Starting cash.
    pub initial_cash: f64,
    /// Bars per year of the market, for annualizing.
    pub periods_per_year: f64,
}

impl RunResult {
    /// An empty result for a run over the bars of `timestamps`: those copied, and room for one
    /// point per bar reserved in every per-bar curve, so that the loop never grows them.
    pub(crate) fn for_bars<R: Reserve>(
        r: &R,
        timestamps: &[i64],
        initial_cash: f64,
        periods_per_year: f64,
    ) -> Result<RunResult, R::Error> {
        let n = timestamps.len();
        // timestamps and the six f64 curves, all 8 bytes a point.
        let bytes = n.saturating_mul(7 * 8);
        let what =
            "the run's per-bar curves (timestamps, equity, cash, exposures, borrow, interest)";
        let mut out = RunResult {
            initial_cash,
            periods_per_year,
            ..RunResult::default()
        };
        r.reserve(&mut out.timestamps, n, what, bytes)?;
        out.timestamps.extend_from_slice(timestamps);
        for v in [
            &mut out.equity,
            &mut out.cash,
            &mut out.long_exposure,
            &mut out.short_exposure,
            &mut out.borrow,
            &mut out.interest,
        ] {
            r.reserve(v, n, what, bytes)?;
        }
        Ok(out)
    }

    /// The first bar whose equity is not finite (an overflow from absurd prices or costs), if
    /// any: such a run must not be reported.
    pub fn first_non_finite_equity(&self) -> Option<usize> {
        self.equity.iter().position(|e| !e.is_finite())
    }

    /// Simple returns, one per bar: `equity[0] / initial_cash - 1`, then
    /// `equity[t] / equity[t-1] - 1`.
    pub fn returns(&self) -> Vec<f64> {
        let mut prev = self.initial_cash;
        self.equity
            .iter()
            .map(|&e| {
                let r = e / prev - 1.0;
                prev = e;
                r
            })
            .collect()
    }

    /// Equity at the last close (initial cash for an empty market).
    pub fn final_equity(&self) -> f64 {
        self.equity.last().copied().unwrap_or(self.initial_cash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_return_is_against_initial_cash() {
        let r = RunResult {
            equity: vec![110.0, 99.0],
            initial_cash: 100.0,
            ..RunResult::default()
        };
        let rets = r.returns();
        assert!((rets[0] - 0.1).abs() < 1e-12);
        assert!((rets[1] + 0.1).abs() < 1e-12);
        assert_eq!(r.final_equity(), 99.0);
    }
}
