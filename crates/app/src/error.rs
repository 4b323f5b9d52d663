//! The application layer's one error type. [`AppError::BadInput`] is the user's mistake (exit
//! code 2 in the CLI, the message names the file); [`AppError::Interrupted`] a sweep stopped by
//! its cancel flag; everything else an internal failure whose cause stays reachable through
//! [`std::error::Error::source`].

use std::fmt;

use rotor_data::DataError;
use rotor_strategies::StrategyError;
use rotor_sweep::SweepError;

/// Why a command could not finish.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A user mistake (config, data, arguments); the message names the file.
    #[error("{0}")]
    BadInput(String),
    /// A sweep stopped by its cancel flag after saving the sets that completed.
    #[error("interrupted")]
    Interrupted,
    /// Reading or writing data failed (boxed: the variant stays small).
    #[error(transparent)]
    Data(Box<DataError>),
    /// A run (or its report) had no memory for its buffers (the machine's limit; boxed: the
    /// variant stays small).
    #[error(transparent)]
    Run(Box<StrategyError>),
    /// The sweep machinery failed.
    #[error(transparent)]
    Sweep(Box<SweepError>),
    /// A step failed; `context` says which, `source` why.
    #[error("{context}")]
    Step {
        /// What was being done, e.g. `serializing stats`.
        context: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An invariant of a finished run does not hold (a bug, not the user's input).
    #[error("{0}")]
    Internal(String),
}

impl From<DataError> for AppError {
    fn from(e: DataError) -> Self {
        AppError::Data(Box::new(e))
    }
}

impl From<SweepError> for AppError {
    fn from(e: SweepError) -> Self {
        AppError::Sweep(Box::new(e))
    }
}

/// The result type of the application layer.
pub type Result<T> = std::result::Result<T, AppError>;

/// Wraps any displayable error as bad input.
pub fn bad(err: impl fmt::Display) -> AppError {
    AppError::BadInput(err.to_string())
}

/// A data error as the user should see it: bad input (exit code 2), except running out of
/// memory, which is the machine's limit, not the user's mistake (an internal failure, exit 1).
pub fn data_error(err: DataError) -> AppError {
    if err.is_out_of_memory() {
        AppError::from(err)
    } else {
        bad(err)
    }
}

/// A failed run of the config at `config` as the user should see it: bad input naming the
/// config (exit code 2), except running out of memory (an internal failure, exit 1).
pub fn run_error(config: &std::path::Path, err: StrategyError) -> AppError {
    if err.is_out_of_memory() {
        AppError::Run(Box::new(err))
    } else {
        bad(format!("{}: {err}", config.display()))
    }
}

/// Adds what was being done to a failure (the cause is kept as its source).
pub trait Context<T> {
    /// `Err(e)` becomes [`AppError::Step`] with `context` and source `e`.
    fn context(self, context: &str) -> Result<T>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Context<T> for std::result::Result<T, E> {
    fn context(self, context: &str) -> Result<T> {
        self.map_err(|e| AppError::Step {
            context: context.to_string(),
            source: Box::new(e),
        })
    }
}
