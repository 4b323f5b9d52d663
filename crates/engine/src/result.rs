//! The outcome of a run: plain, serializable data for the report.
//!
//! Invariant: the per-bar vectors all have one entry per bar of the market, and at every bar
//! `equity == cash + long_exposure - short_exposure`.

use serde::{Deserialize, Serialize};

use crate::fill::Fill;
use crate::trade::Trade;

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
    /// Starting cash.
    pub initial_cash: f64,
    /// Bars per year of the market, for annualizing.
    pub periods_per_year: f64,
}

impl RunResult {
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
