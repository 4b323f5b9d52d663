//! The one error type of rotor-data. Every variant names the file it came from and, where it
//! applies, the column, row, symbol or timestamp, so the CLI can print a single precise line.

use std::path::PathBuf;

/// What went wrong while reading, validating or writing market data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file or folder could not be opened or read.
    #[error("{path}: cannot read: {reason}")]
    Io { path: PathBuf, reason: String },
    /// The file is not a valid Parquet/CSV/JSON file (corrupt, truncated, wrong magic...).
    #[error("{path}: not a readable {format} file: {reason}")]
    Corrupt {
        path: PathBuf,
        format: &'static str,
        reason: String,
    },
    /// A required column is absent.
    #[error("{path}: missing column `{column}`{hint}")]
    MissingColumn {
        path: PathBuf,
        column: String,
        hint: String,
    },
    /// A column has a type rotor cannot read.
    #[error("{path}: column `{column}` has unsupported type {found} (expected {expected})")]
    UnsupportedType {
        path: PathBuf,
        column: String,
        found: String,
        expected: &'static str,
    },
    /// A value breaks a rule (NaN price, high < low, negative volume, null, bad date...).
    #[error("{path}: {what} at row {row}{symbol}{timestamp}: {detail}")]
    BadValue {
        path: PathBuf,
        what: String,
        /// 1-based row number within the file (data rows, header excluded).
        row: usize,
        /// Pre-formatted ", symbol X" or empty.
        symbol: String,
        /// Pre-formatted ", timestamp T" or empty.
        timestamp: String,
        detail: String,
    },
    /// The same (symbol, timestamp) appears twice.
    #[error(
        "{path}: duplicate bar for symbol {} at {timestamp} (rows {first_row} and {second_row})",
        crate::symbol_text::shown(.symbol)
    )]
    Duplicate {
        path: PathBuf,
        symbol: String,
        timestamp: String,
        first_row: usize,
        second_row: usize,
    },
    /// No rows at all, or none left after the date range / symbol filter.
    #[error("{path}: no data{detail}")]
    Empty { path: PathBuf, detail: String },
    /// A symbol was asked for that is not in the data.
    #[error(
        "{path}: symbol {} not found in the data (have: {available})",
        crate::symbol_text::shown(.symbol)
    )]
    UnknownSymbol {
        path: PathBuf,
        symbol: String,
        available: String,
    },
    /// The input as a whole breaks a rule that no single row does (daily bars in one file and
    /// intraday in another, a codec this build cannot read, an output that would overwrite its
    /// input...).
    #[error("{path}: {detail}")]
    Invalid { path: PathBuf, detail: String },
    /// Writing an output file failed.
    #[error("{path}: cannot write: {reason}")]
    Write { path: PathBuf, reason: String },
}

impl DataError {
    /// Shorthand for an I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        DataError::Io {
            path: path.into(),
            reason: err.to_string(),
        }
    }

    /// A bad value at a 1-based `row`, with optional symbol and timestamp context.
    pub fn bad_value(
        path: impl Into<PathBuf>,
        what: impl Into<String>,
        row: usize,
        symbol: Option<&str>,
        timestamp: Option<i64>,
        detail: impl Into<String>,
    ) -> Self {
        DataError::BadValue {
            path: path.into(),
            what: what.into(),
            row,
            symbol: symbol
                .map(|s| format!(", symbol {}", crate::symbol_text::shown(s)))
                .unwrap_or_default(),
            timestamp: timestamp
                .map(|t| format!(", timestamp {}", crate::time::format_ns(t)))
                .unwrap_or_default(),
            detail: detail.into(),
        }
    }
}
