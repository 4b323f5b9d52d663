//! `rotor data inspect`: what a bar dataset holds, per symbol.
//!
//! Invariant: inspection reads through the same loader as a backtest ([`load_bars`]), so a
//! dataset that inspects cleanly also loads cleanly, and any problem is the same error.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::load::{load_bars, LoadOptions};
use crate::parquet_bars::{discover, schema_of};
use crate::time::{format_ns, ns_to_date};
use crate::DataError;

/// One symbol's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolSummary {
    /// Ticker.
    pub symbol: String,
    /// Number of bars.
    pub rows: usize,
    /// First bar close (ns UTC).
    pub first: i64,
    /// Last bar close (ns UTC).
    pub last: i64,
    /// Weekdays missing between consecutive daily bars (holidays count); `None` for intraday.
    pub gaps: Option<usize>,
    /// True when the source had only closes.
    pub close_only: bool,
}

/// What `inspect` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// The inspected path.
    pub path: PathBuf,
    /// Number of Parquet files read.
    pub files: usize,
    /// Column names and types of the first file.
    pub schema: Vec<(String, String)>,
    /// True for date-stamped daily bars.
    pub daily: bool,
    /// Per symbol, sorted by name.
    pub symbols: Vec<SymbolSummary>,
}

/// Weekdays strictly between two dates.
fn weekdays_between(a: NaiveDate, b: NaiveDate) -> usize {
    a.iter_days()
        .skip(1)
        .take_while(|d| *d < b)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count()
}

/// Reads a bar dataset (any layout [`load_bars`] accepts) and summarizes it.
pub fn inspect(path: &Path) -> Result<Inspection, DataError> {
    let sources = discover(path)?;
    let schema = match sources.first() {
        Some(s) => schema_of(&s.path)?,
        None => Vec::new(),
    };
    let (bars, daily, _) = load_bars(path, &LoadOptions::default())?;
    let symbols = bars
        .iter()
        .map(|b| SymbolSummary {
            symbol: b.symbol.clone(),
            rows: b.len(),
            first: b.timestamps.first().copied().unwrap_or(0),
            last: b.timestamps.last().copied().unwrap_or(0),
            gaps: daily.then(|| {
                b.timestamps
                    .windows(2)
                    .map(|w| weekdays_between(ns_to_date(w[0]), ns_to_date(w[1])))
                    .sum()
            }),
            close_only: b.close_only,
        })
        .collect();
    Ok(Inspection {
        path: path.to_path_buf(),
        files: sources.len(),
        schema,
        daily,
        symbols,
    })
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} file{}, {} bars, {} symbol{}",
            self.path.display(),
            self.files,
            if self.files == 1 { "" } else { "s" },
            if self.daily { "daily" } else { "intraday" },
            self.symbols.len(),
            if self.symbols.len() == 1 { "" } else { "s" },
        )?;
        writeln!(
            f,
            "schema{}:",
            if self.files > 1 { " (first file)" } else { "" }
        )?;
        let w = self.schema.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, ty) in &self.schema {
            writeln!(f, "  {name:<w$}  {ty}")?;
        }
        let sw = self
            .symbols
            .iter()
            .map(|s| s.symbol.len())
            .max()
            .unwrap_or(0)
            .max(6);
        writeln!(
            f,
            "{:<sw$}  {:>8}  {:<20}  {:<20}  {:>5}  close-only",
            "symbol", "rows", "first", "last", "gaps"
        )?;
        for s in &self.symbols {
            writeln!(
                f,
                "{:<sw$}  {:>8}  {:<20}  {:<20}  {:>5}  {}",
                s.symbol,
                s.rows,
                format_ns(s.first),
                format_ns(s.last),
                s.gaps.map_or("n/a".to_string(), |g| g.to_string()),
                if s.close_only { "yes" } else { "no" }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parquet_bars::test_util::{d, daily_cols, write};

    #[test]
    fn weekday_gaps_count_missing_sessions_only() {
        assert_eq!(weekdays_between(d("2026-01-02"), d("2026-01-05")), 0); // Fri -> Mon
        assert_eq!(weekdays_between(d("2026-01-05"), d("2026-01-08")), 2);
    }

    #[test]
    fn summarizes_schema_and_symbols() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join("SPY.parquet"),
            daily_cols(
                None,
                &["2026-01-02", "2026-01-05", "2026-01-07"],
                &[1.0, 1.0, 1.0],
            ),
        );
        write(
            &dir.path().join("QQQ.parquet"),
            daily_cols(None, &["2026-01-05"], &[2.0]),
        );
        let i = inspect(dir.path()).unwrap();
        assert_eq!(i.files, 2);
        assert_eq!(i.symbols[1].symbol, "SPY");
        assert_eq!(i.symbols[1].gaps, Some(1));
        assert_eq!(i.symbols[1].rows, 3);
        let text = i.to_string();
        assert!(
            text.contains("timestamp") && text.contains("Date32"),
            "{text}"
        );
        assert!(
            text.contains("SPY") && text.contains("2026-01-02") && text.contains("2026-01-07"),
            "{text}"
        );
        assert!(text.contains("daily"), "{text}");
    }
}
