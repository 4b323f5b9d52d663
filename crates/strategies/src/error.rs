//! Errors of strategy configs. Every variant names the config key, as a user would write it
//! with `--set` (e.g. `strategy.fast`).

use rotor_engine::EngineError;
use thiserror::Error;

/// Why a strategy config cannot run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StrategyError {
    /// A value out of range or inconsistent with another key; `message` names the key(s).
    #[error("{message}")]
    Invalid {
        /// Dotted key, e.g. `strategy.fast`.
        key: String,
        /// Full sentence, e.g. `strategy.fast (50) must be less than strategy.slow (20)`.
        message: String,
    },
    /// A symbol the config names is not in the market.
    #[error("{key}: unknown symbol `{symbol}` (not in the market data)")]
    UnknownSymbol {
        /// Dotted key that named it, e.g. `strategy.long`.
        key: String,
        /// The symbol.
        symbol: String,
    },
    /// The equity went non-finite (overflow from absurd prices or costs): the run is stopped
    /// rather than reported.
    #[error("the equity is {value} at bar {bar} ({timestamp}): the prices or the costs are out of any sane range")]
    NonFiniteEquity {
        /// 0-based bar of the first non-finite equity.
        bar: usize,
        /// That bar's timestamp.
        timestamp: String,
        /// The equity there (inf, -inf or NaN).
        value: f64,
    },
    /// The execution config is invalid, or the run had no memory for its buffers.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl StrategyError {
    /// True when the run had no memory for its buffers: the machine's limit, not a fault of
    /// the config.
    pub fn is_out_of_memory(&self) -> bool {
        matches!(self, StrategyError::Engine(e) if e.is_out_of_memory())
    }

    /// An [`StrategyError::Invalid`] for `key`.
    pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        StrategyError::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}
