//! `rotor data inspect`: what a bar dataset holds, per symbol, and what looks wrong in it.
//!
//! Gaps are counted against the file's own calendar, the union of every symbol's bar
//! timestamps: a session is missing for a symbol when another symbol of the file has a bar
//! there, between the symbol's first and last bar. A holiday on which no symbol trades is not
//! a gap (and a one-symbol file has none by construction). Suspicious bars: see
//! [`crate::suspicious`].
//!
//! Invariant: inspection reads through the same loader as a backtest ([`load_bars`]), so a
//! dataset that inspects cleanly also loads cleanly, and any problem is the same error.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::fmt;
use std::path::{Path, PathBuf};

use crate::load::{load_bars, LoadOptions};
use crate::parquet_discover::discover;
use crate::parquet_open::schema_of;
use crate::suspicious::{self, Finding};
use crate::symbol_text::shown;
use crate::time::format_ns;
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
    /// Sessions of the file's calendar (the union of all its symbols' timestamps) missing
    /// between this symbol's first and last bar.
    pub gaps: usize,
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
    /// Sessions in the file's calendar (union of all symbols' timestamps).
    pub sessions: usize,
    /// Suspicious bars, by symbol then kind.
    pub suspicious: Vec<Finding>,
}

/// Reads a bar dataset (any layout [`load_bars`] accepts) and summarizes it.
pub fn inspect(path: &Path) -> Result<Inspection, DataError> {
    let sources = discover(path)?;
    let schema = match sources.first() {
        Some(s) => schema_of(&s.path)?,
        None => Vec::new(),
    };
    let (bars, daily, _) = load_bars(path, &LoadOptions::default())?;
    let mut calendar: Vec<i64> = bars
        .iter()
        .flat_map(|b| b.timestamps.iter().copied())
        .collect();
    calendar.sort_unstable();
    calendar.dedup();
    let symbols = bars
        .iter()
        .map(|b| {
            let (first, last) = (
                b.timestamps.first().copied().unwrap_or(0),
                b.timestamps.last().copied().unwrap_or(0),
            );
            // Timestamps are unique per symbol and all in the calendar: the sessions in
            // [first, last] it lacks are the difference of the counts.
            let span =
                calendar.partition_point(|&t| t <= last) - calendar.partition_point(|&t| t < first);
            SymbolSummary {
                symbol: b.symbol.clone(),
                rows: b.len(),
                first,
                last,
                gaps: span.saturating_sub(b.len()),
                close_only: b.close_only,
            }
        })
        .collect();
    Ok(Inspection {
        path: path.to_path_buf(),
        files: sources.len(),
        schema,
        daily,
        symbols,
        sessions: calendar.len(),
        suspicious: bars.iter().flat_map(suspicious::check).collect(),
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
        // As messages show them: "AAA " or an invisible character would print like another.
        let sw = self
            .symbols
            .iter()
            .map(|s| shown(&s.symbol).chars().count())
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
                shown(&s.symbol),
                s.rows,
                format_ns(s.first),
                format_ns(s.last),
                s.gaps,
                if s.close_only { "yes" } else { "no" }
            )?;
        }
        writeln!(
            f,
            "gaps: sessions of the file's calendar ({} sessions, the union of its symbols' bars) \
             missing between a symbol's first and last bar",
            self.sessions
        )?;
        if self.suspicious.is_empty() {
            return writeln!(f, "suspicious bars: none");
        }
        writeln!(f, "suspicious bars:")?;
        for x in &self.suspicious {
            let examples: Vec<String> = x
                .examples
                .iter()
                .map(|(t, d)| {
                    if d.is_empty() {
                        format_ns(*t)
                    } else {
                        format!("{} ({d})", format_ns(*t))
                    }
                })
                .collect();
            writeln!(
                f,
                "  {:<sw$}  {}: {}; first: {}",
                shown(&x.symbol),
                x.kind,
                x.count,
                examples.join(", ")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parquet_bars::test_util::{daily_cols, write};

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
        // 2026-01-06 is in no symbol's bars: not a session of this file, not a gap.
        assert_eq!(i.symbols[1].gaps, 0);
        assert_eq!(i.sessions, 3);
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

    #[test]
    fn gaps_follow_the_union_calendar_and_suspicious_bars_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        // New Year's Day (2026-01-01) is in neither file: a holiday, not a gap. SPY lacks
        // 2026-01-06, which QQQ traded: one gap. QQQ triples on 2026-01-07.
        write(
            &dir.path().join("SPY.parquet"),
            daily_cols(
                None,
                &["2025-12-31", "2026-01-02", "2026-01-05", "2026-01-07"],
                &[1.0; 4],
            ),
        );
        write(
            &dir.path().join("QQQ.parquet"),
            daily_cols(
                None,
                &[
                    "2025-12-31",
                    "2026-01-02",
                    "2026-01-05",
                    "2026-01-06",
                    "2026-01-07",
                ],
                &[2.0, 2.0, 2.0, 2.0, 6.0],
            ),
        );
        let i = inspect(dir.path()).unwrap();
        let gaps: Vec<(&str, usize)> = i
            .symbols
            .iter()
            .map(|s| (s.symbol.as_str(), s.gaps))
            .collect();
        assert_eq!(gaps, [("QQQ", 0), ("SPY", 1)]);
        assert_eq!(i.sessions, 5);
        assert_eq!(i.suspicious.len(), 1, "{:?}", i.suspicious);
        assert_eq!(
            (i.suspicious[0].symbol.as_str(), i.suspicious[0].count),
            ("QQQ", 1)
        );
        let text = i.to_string();
        assert!(
            text.contains(
                "one-bar moves beyond ±50% (unadjusted split?): 1; first: 2026-01-07 (+200.0%)"
            ),
            "{text}"
        );
    }
}
