//! `kind = "rotation"`: long basket vs short basket, chosen by a signal.

use serde::{Deserialize, Serialize};

use super::{check_basket, Rebalance};
use crate::error::StrategyError;

/// What decides the pair's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Relative momentum: long basket leads (`lookback`, `skip`) -> long it, short the other.
    #[default]
    Momentum,
    /// Spread mean reversion: z-score of `ln(long) - ln(short)` over `window`; beyond
    /// `+entry_z` sell the spread, below `-entry_z` buy it, back inside `exit_z` go flat.
    Zscore,
    /// Trend filter on the ratio: `ln(long) - ln(short)` above its `window`-bar SMA -> long the
    /// long basket, below -> the reverse.
    Trend,
}

/// How the gross exposure is split between (and within) the legs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Half the gross per leg, equal within a leg (dollar-neutral).
    #[default]
    Equal,
    /// Members weighted by 1/vol within a leg; legs sized so each carries the same volatility
    /// (vol = sample std of daily log returns over `vol_window`).
    InverseVolatility,
    /// Equal within a leg; legs sized so the pair's beta to `benchmark` is zero (betas are
    /// rolling OLS betas of daily returns over `vol_window`).
    BetaNeutral,
}

/// `kind = "rotation"`: long basket vs short basket on a signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RotationConfig {
    /// Symbols of the long basket. Required, no default.
    pub long: Vec<String>,
    /// Symbols of the short basket. Required, no default.
    pub short: Vec<String>,
    /// Signal: `momentum`, `zscore` or `trend`. Default `momentum`.
    pub signal: Signal,
    /// Momentum lookback in bars. Default `60`.
    pub lookback: usize,
    /// Most recent bars to skip before the lookback window. Default `0`.
    pub skip: usize,
    /// Window in bars of the z-score (`zscore`) or of the ratio's SMA (`trend`). Default `20`.
    pub window: usize,
    /// `zscore`: |z| at which a position opens. Default `2.0`.
    pub entry_z: f64,
    /// `zscore`: |z| below which an open position closes. Default `0.5`.
    pub exit_z: f64,
    /// Rebalance calendar. Default `weekly`.
    pub rebalance: Rebalance,
    /// Gross exposure as a fraction of equity, split between the legs. Default `1.0`.
    pub gross_exposure: f64,
    /// When the signal favours the short basket: `true` reverses the legs, `false` goes flat.
    /// Default `true`.
    pub flip: bool,
    /// `equal`, `inverse_volatility` or `beta_neutral`. Default `equal`.
    pub weighting: Weighting,
    /// Window in bars of the volatilities and betas used for weighting. Default `60`.
    pub vol_window: usize,
    /// Symbol the betas of `beta_neutral` are measured against (read, never traded). Required
    /// for `beta_neutral`; `report.benchmark` is the report's, not the strategy's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    /// Close the pair (and stay out until the signal changes) when its P&L since entry falls
    /// to `-stop_loss` of the equity at entry, e.g. `0.05`. Default none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_loss: Option<f64>,
    /// Close the pair (and stay out until the signal changes) when its P&L since entry reaches
    /// `take_profit` of the equity at entry. Default none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub take_profit: Option<f64>,
}

impl Default for RotationConfig {
    fn default() -> Self {
        RotationConfig {
            long: Vec::new(),
            short: Vec::new(),
            signal: Signal::Momentum,
            lookback: 60,
            skip: 0,
            window: 20,
            entry_z: 2.0,
            exit_z: 0.5,
            rebalance: Rebalance::Weekly,
            gross_exposure: 1.0,
            flip: true,
            weighting: Weighting::Equal,
            vol_window: 60,
            benchmark: None,
            stop_loss: None,
            take_profit: None,
        }
    }
}

pub(crate) fn positive(key: &str, v: f64) -> Result<(), StrategyError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(StrategyError::invalid(
            key,
            format!("{key} ({v}) must be a finite number greater than 0"),
        ))
    }
}

impl RotationConfig {
    pub(crate) fn validate(&self) -> Result<(), StrategyError> {
        check_basket("strategy.long", &self.long)?;
        check_basket("strategy.short", &self.short)?;
        if let Some(s) = self.long.iter().find(|s| self.short.contains(s)) {
            return Err(StrategyError::invalid(
                "strategy.short",
                format!("strategy.long and strategy.short both contain `{s}`"),
            ));
        }
        if self.lookback == 0 {
            return Err(StrategyError::invalid(
                "strategy.lookback",
                "strategy.lookback (0) must be at least 1",
            ));
        }
        positive("strategy.gross_exposure", self.gross_exposure)?;
        if self.window < 2 {
            return Err(StrategyError::invalid(
                "strategy.window",
                format!("strategy.window ({}) must be at least 2", self.window),
            ));
        }
        if self.vol_window < 2 {
            return Err(StrategyError::invalid(
                "strategy.vol_window",
                format!(
                    "strategy.vol_window ({}) must be at least 2",
                    self.vol_window
                ),
            ));
        }
        positive("strategy.entry_z", self.entry_z)?;
        if !(self.exit_z.is_finite() && self.exit_z >= 0.0 && self.exit_z < self.entry_z) {
            return Err(StrategyError::invalid(
                "strategy.exit_z",
                format!(
                    "strategy.exit_z ({}) must be >= 0 and less than strategy.entry_z ({})",
                    self.exit_z, self.entry_z
                ),
            ));
        }
        if let Some(v) = self.stop_loss {
            positive("strategy.stop_loss", v)?;
        }
        if let Some(v) = self.take_profit {
            positive("strategy.take_profit", v)?;
        }
        match (&self.benchmark, self.weighting) {
            (None, Weighting::BetaNeutral) => {
                return Err(StrategyError::invalid(
                    "strategy.benchmark",
                    "strategy.benchmark must be given when strategy.weighting = \"beta_neutral\"",
                ))
            }
            (Some(b), _) if self.long.contains(b) || self.short.contains(b) => {
                return Err(StrategyError::invalid(
                    "strategy.benchmark",
                    format!("strategy.benchmark `{b}` must not be in a traded basket"),
                ))
            }
            _ => {}
        }
        Ok(())
    }
}
