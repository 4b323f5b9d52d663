//! Errors of the engine. Every variant names the config key it is about, in the dotted form a
//! user writes with `--set` (e.g. `portfolio.cash`).

use thiserror::Error;

/// What can go wrong before a backtest starts: a bad config, or no memory for the run's
/// buffers. The loop itself cannot fail.
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
    /// A big buffer of the run (its per-bar curves, its adjusted prices) could not be
    /// allocated. Not bad input: the machine's limit (the CLI exits 1).
    #[error(
        "out of memory: {what} need {}; give rotor more memory (ulimit -v, the container's \
         limit), or run fewer symbols or a shorter date range",
        rotor_data::fallible::human_bytes(*.bytes)
    )]
    OutOfMemory {
        /// What was being allocated, e.g. "the run's per-bar curves".
        what: &'static str,
        /// Bytes of the whole allocation.
        bytes: usize,
    },
}

impl EngineError {
    /// True for [`EngineError::OutOfMemory`]: the machine's limit, not a fault of the input.
    pub fn is_out_of_memory(&self) -> bool {
        matches!(self, EngineError::OutOfMemory { .. })
    }
}
