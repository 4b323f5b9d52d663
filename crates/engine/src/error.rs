//! Errors of the engine. Every variant names the config key it is about, in the dotted form a
//! user writes with `--set` (e.g. `portfolio.cash`).

use thiserror::Error;

/// What can go wrong before a backtest starts. The loop itself cannot fail.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EngineError {
    /// A config value is out of its allowed range.
    #[error("{key} ({value}) {requirement}")]
    InvalidConfig {
        /// Dotted config key, e.g. `costs.slippage_bps`.
        key: &'static str,
        /// The offending value.
        value: f64,
        /// What the value must be, e.g. `must be a finite number greater than 0`.
        requirement: &'static str,
    },
    /// A duration key (`execution.latency`, `execution.order_latency`) that is not a duration.
    #[error("{key} ({value:?}) {requirement}")]
    InvalidDuration {
        /// Dotted config key, e.g. `execution.latency`.
        key: &'static str,
        /// The text given.
        value: String,
        /// What the value must be.
        requirement: &'static str,
    },
}
