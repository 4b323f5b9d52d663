//! The one error type of rotor-data. Every variant names the file it came from and, where it
//! applies, the column, row, symbol or timestamp, so the CLI can print a single precise line.

use std::path::PathBuf;

/// What went wrong while reading, validating or writing market data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file or folder could not be opened or read.
    #[error("{path}: cannot read: {reason}")]
    Io {
        /// The file or folder that could not be read.
        path: PathBuf,
        /// What the operating system said.
        reason: String,
    },
    /// The file is not a valid Parquet/CSV/JSON file (corrupt, truncated, wrong magic...).
    #[error("{path}: not a readable {format} file: {reason}")]
    Corrupt {
        /// The file or folder the fault is in.
        path: PathBuf,
        /// The format it was read as ("Parquet", "CSV", ...).
        format: &'static str,
        /// What the operating system or the decoder said.
        reason: String,
    },
    /// A required column is absent.
    #[error("{path}: missing column `{column}`{hint}")]
    MissingColumn {
        /// The file or folder the fault is in.
        path: PathBuf,
        /// The column, as named in the file (or the field rotor looked for).
        column: String,
        /// Pre-formatted suggestion (a close column name), or empty.
        hint: String,
    },
    /// A column has a type rotor cannot read.
    #[error("{path}: column `{column}` has unsupported type {found} (expected {expected})")]
    UnsupportedType {
        /// The file or folder the fault is in.
        path: PathBuf,
        /// The column, as named in the file (or the field rotor looked for).
        column: String,
        /// The type found in the file.
        found: String,
        /// The types rotor reads for this column.
        expected: &'static str,
    },
    /// A value breaks a rule (NaN price, high < low, negative volume, null, bad date...).
    #[error("{path}: {what} at row {row}{symbol}{timestamp}: {detail}")]
    BadValue {
        /// The file or folder the fault is in.
        path: PathBuf,
        /// The rule broken, in words ("NaN close", "high < low", ...).
        what: String,
        /// 1-based row number within the file (data rows, header excluded).
        row: usize,
        /// Pre-formatted ", symbol X" or empty.
        symbol: String,
        /// Pre-formatted ", timestamp T" or empty.
        timestamp: String,
        /// Details for the reader.
        detail: String,
    },
    /// The same (symbol, timestamp) appears twice.
    #[error(
        "{path}: duplicate bar for symbol {} at {timestamp} (rows {first_row} and {second_row})",
        crate::symbol_text::shown(.symbol)
    )]
    Duplicate {
        /// The file or folder the fault is in.
        path: PathBuf,
        /// The symbol concerned, as written in the data.
        symbol: String,
        /// The timestamp concerned, formatted.
        timestamp: String,
        /// 1-based row of the first occurrence.
        first_row: usize,
        /// 1-based row of the second occurrence.
        second_row: usize,
    },
    /// No rows at all, or none left after the date range / symbol filter.
    #[error("{path}: no data{detail}")]
    Empty {
        /// The file or folder that held no data.
        path: PathBuf,
        /// Pre-formatted context (the range or filter that left nothing), or empty.
        detail: String,
    },
    /// A symbol was asked for that is not in the data.
    #[error(
        "{path}: symbol {} not found in the data (have: {available})",
        crate::symbol_text::shown(.symbol)
    )]
    UnknownSymbol {
        /// The file or folder the fault is in.
        path: PathBuf,
        /// The symbol concerned, as written in the data.
        symbol: String,
        /// The symbols the data has, comma-separated (possibly cut).
        available: String,
    },
    /// The input as a whole breaks a rule that no single row does (daily bars in one file and
    /// intraday in another, a codec this build cannot read, an output that would overwrite its
    /// input...).
    #[error("{path}: {detail}")]
    Invalid {
        /// The input concerned.
        path: PathBuf,
        /// The rule broken.
        detail: String,
    },
    /// Writing an output file failed.
    #[error("{path}: cannot write: {reason}")]
    Write {
        /// The output that could not be written.
        path: PathBuf,
        /// What the operating system or the encoder said.
        reason: String,
    },
    /// The data does not fit in memory: a big allocation (a file's columns, the market's)
    /// failed. Not bad input: the CLI exits 1 (see [`DataError::is_out_of_memory`]).
    #[error(
        "out of memory: {what} of {path} need {} more; load fewer symbols or a shorter date \
         range, or free memory",
        crate::fallible::human_bytes(*.bytes)
    )]
    OutOfMemory {
        /// The file (or bars folder) being loaded.
        path: PathBuf,
        /// What was being allocated, e.g. "the bar columns".
        what: &'static str,
        /// Bytes asked for.
        bytes: usize,
    },
}

impl DataError {
    /// True for [`DataError::OutOfMemory`]: the machine's limit, not a fault of the input.
    pub fn is_out_of_memory(&self) -> bool {
        matches!(self, DataError::OutOfMemory { .. })
    }

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
