//! How much history each strategy kind needs before its first decision.
//!
//! Invariant: with [`StrategyConfig::warmup_bars`] bars before the trading start, the decision
//! taken at the close of the last of them reads every indicator fully formed, so the first
//! traded session can already hold the strategy's positions.

use crate::config::{Signal, StrategyConfig, Weighting};

impl StrategyConfig {
    /// Bars of history the strategy needs before its first decision (the decision bar
    /// included): momentum over `lookback` bars ending `skip` bars ago needs `lookback + skip +
    /// 1` closes; a `window`-bar z-score or SMA needs `window`; `vol_window` daily returns need
    /// `vol_window + 1` closes; an SMA cross needs `slow + 1` (its previous bar's SMAs too).
    /// A formula needs its expressions' longest window chain plus the decision bar (see
    /// [`crate::FormulaConfig::warmup_bars`]). News and buy-and-hold need none. `data.warmup`
    /// overrides it.
    pub fn warmup_bars(&self) -> usize {
        match self {
            StrategyConfig::Rotation(c) => {
                let signal = match c.signal {
                    Signal::Momentum => c.lookback.saturating_add(c.skip).saturating_add(1),
                    Signal::Zscore | Signal::Trend => c.window,
                };
                let weighting = match c.weighting {
                    Weighting::Equal => 0,
                    Weighting::InverseVolatility | Weighting::BetaNeutral => {
                        c.vol_window.saturating_add(1)
                    }
                };
                signal.max(weighting)
            }
            StrategyConfig::SectorRotation(c) => {
                c.lookback.saturating_add(c.skip).saturating_add(1)
            }
            StrategyConfig::SmaCross(c) => c.slow.saturating_add(1),
            // Its first weight is defined after `warmup_bars` bars; the decision bar is one more.
            // An invalid formula is refused when the strategy is built.
            StrategyConfig::Formula(c) => c.warmup_bars().map_or(0, |w| w.saturating_add(1)),
            StrategyConfig::NewsEvent(_) | StrategyConfig::BuyAndHold(_) => 0,
            StrategyConfig::Custom(c) => c.warmup_bars(),
        }
    }
}
