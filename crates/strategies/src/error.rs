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
    /// The execution config is invalid.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl StrategyError {
    /// An [`StrategyError::Invalid`] for `key`.
    pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        StrategyError::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}
