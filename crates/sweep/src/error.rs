//! Errors of the sweep machinery. Every variant says what to fix in one line.

use std::path::PathBuf;

/// A sweep failure.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A `--grid` argument or `[sweep]` entry is malformed.
    #[error("grid `{spec}`: {reason}")]
    Grid {
        /// The offending text.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a sweep file failed.
    #[error("{}: {reason}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error or format problem.
        reason: String,
    },
    /// The checkpoint belongs to another sweep.
    #[error("{}: {reason}", path.display())]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// Why it cannot be resumed.
        reason: String,
    },
}

impl SweepError {
    pub(crate) fn grid(spec: &str, reason: impl Into<String>) -> Self {
        SweepError::Grid {
            spec: spec.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, e: impl std::fmt::Display) -> Self {
        SweepError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}
