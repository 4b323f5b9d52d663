//! `kind = "sector_rotation"`: cross-sectional momentum.

use serde::{Deserialize, Serialize};

use super::rotation::positive;
use super::{check_basket, Rebalance};
use crate::error::StrategyError;

/// How a leg's gross is split among its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectorWeighting {
    /// Equal weight within a leg.
    #[default]
    Equal,
    /// Weight proportional to 1/vol within a leg, vol = sample std of daily log returns over
    /// the `vol_window` bars ending at the decision bar.
    InverseVolatility,
}

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
    /// `equal` or `inverse_volatility` within each leg. Default `equal`.
    pub weighting: SectorWeighting,
    /// Bars of daily returns behind the volatilities (`inverse_volatility`, `vol_target`).
    /// Default `60`.
    pub vol_window: usize,
    /// Annualized volatility target, e.g. `0.10`: the book is scaled by target / realized vol
    /// of the book's daily returns over `vol_window` bars (capped by `max_leverage`). Default
    /// none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vol_target: Option<f64>,
    /// Cap on the gross exposure after `vol_target` scaling, as a multiple of equity. Default
    /// `1.0`.
    pub max_leverage: f64,
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
            weighting: SectorWeighting::Equal,
            vol_window: 60,
            vol_target: None,
            max_leverage: 1.0,
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
        positive("strategy.gross_exposure", self.gross_exposure)?;
        let uses_vol =
            self.weighting == SectorWeighting::InverseVolatility || self.vol_target.is_some();
        if uses_vol && self.vol_window < 2 {
            return Err(StrategyError::invalid(
                "strategy.vol_window",
                format!(
                    "strategy.vol_window ({}) must be at least 2",
                    self.vol_window
                ),
            ));
        }
        if let Some(v) = self.vol_target {
            positive("strategy.vol_target", v)?;
        }
        positive("strategy.max_leverage", self.max_leverage)?;
        if self.vol_target.is_some() && self.max_leverage < self.gross_exposure {
            return Err(StrategyError::invalid(
                "strategy.max_leverage",
                format!(
                    "strategy.max_leverage ({}) must be at least strategy.gross_exposure ({})",
                    self.max_leverage, self.gross_exposure
                ),
            ));
        }
        Ok(())
    }
}
