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
    /// A `--shard I/N` argument is malformed or out of range.
    #[error("--shard {spec}: {reason}")]
    BadShard {
        /// The offending text.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A shard folder cannot be merged (unfinished, from another sweep, given twice).
    #[error("{}: {reason}", path.display())]
    Shard {
        /// The shard folder (or its manifest).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A set's buffers did not fit in memory: the sweep stops (the machine's limit, not the
    /// set's: it is not saved, so `--resume` runs it again).
    #[error(transparent)]
    OutOfMemory(Box<rotor_strategies::StrategyError>),
    /// Shards are missing from a merge.
    #[error(
        "missing {} {} of {count} (merging {dirs}): run {} and merge again",
        plural(*total, "shard"),
        list(missing, *total),
        if *total == 1 { "it" } else { "them" }
    )]
    MissingShards {
        /// The first missing shard indices (at most [`MISSING_LISTED`]), ascending.
        missing: Vec<usize>,
        /// How many shards are missing in all.
        total: usize,
        /// The shard count N.
        count: usize,
        /// The folders that were given, for the message.
        dirs: String,
    },
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        what.to_string()
    } else {
        format!("{what}s")
    }
}

/// Missing shards a merge error lists before it says how many there are in all.
pub const MISSING_LISTED: usize = 20;

/// `1, 3, 5`, or the first [`MISSING_LISTED`] then `... (1000 in all)`.
fn list(v: &[usize], total: usize) -> String {
    let mut s: Vec<String> = v
        .iter()
        .take(MISSING_LISTED)
        .map(|i| i.to_string())
        .collect();
    if total > s.len() {
        s.push(format!("... ({total} in all)"));
    }
    s.join(", ")
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
