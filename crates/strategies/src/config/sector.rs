//! `kind = "sector_rotation"`: cross-sectional momentum.

use serde::{Deserialize, Serialize};

use super::rotation::positive;
use super::{check_basket, Rebalance};
use crate::error::StrategyError;

/// `kind = "sector_rotation"`: rank `symbols` by momentum, long the `top_k`, short the
/// `bottom_k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SectorRotationConfig {
    /// The universe ranked. Required, at least 2.
    pub symbols: Vec<String>,
    /// Momentum lookback in bars. Default `126` (six months).
    pub lookback: usize,
    /// Most recent bars skipped. Default `0`.
    pub skip: usize,
    /// How many leaders to hold long (equal weight). Default `3`.
    pub top_k: usize,
    /// How many laggards to short (equal weight). Default `0`.
    pub bottom_k: usize,
    /// Rebalance calendar. Default `monthly`.
    pub rebalance: Rebalance,
    /// Gross exposure; split evenly between legs when `bottom_k > 0`. Default `1.0`.
    pub gross_exposure: f64,
}

impl Default for SectorRotationConfig {
    fn default() -> Self {
        SectorRotationConfig {
            symbols: Vec::new(),
            lookback: 126,
            skip: 0,
            top_k: 3,
            bottom_k: 0,
            rebalance: Rebalance::Monthly,
            gross_exposure: 1.0,
        }
    }
}

impl SectorRotationConfig {
    pub(crate) fn validate(&self) -> Result<(), StrategyError> {
        check_basket("strategy.symbols", &self.symbols)?;
        if self.lookback == 0 {
            return Err(StrategyError::invalid(
                "strategy.lookback",
                "strategy.lookback (0) must be at least 1",
            ));
        }
        if self.top_k == 0 {
            return Err(StrategyError::invalid(
                "strategy.top_k",
                "strategy.top_k (0) must be at least 1",
            ));
        }
        if self.top_k + self.bottom_k > self.symbols.len() {
            return Err(StrategyError::invalid(
                "strategy.top_k",
                format!(
                    "strategy.top_k ({}) + strategy.bottom_k ({}) must not exceed the {} symbols",
                    self.top_k,
                    self.bottom_k,
                    self.symbols.len()
                ),
            ));
        }
        positive("strategy.gross_exposure", self.gross_exposure)
    }
}
