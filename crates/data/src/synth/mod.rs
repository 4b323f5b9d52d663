//! The shipped sample market: a deterministic, synthetic daily market plus news/policy feed.
//!
//! Invariant: [`generate`] and [`write()`] are pure functions of the seed: the same seed gives
//! equal [`SynthMarket`]s and byte-identical files on every run and machine (the seeded
//! generators of rotor-rng, fixed iteration order, no locale- or platform-dependent
//! formatting). The data is synthetic: it tells the January 2026 rotation story but is not a
//! record of any real market.

// DataError carries path/row context by value, as across the crate.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod feed;
pub mod files;
pub mod model;
pub mod universe;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::event::Event;
use crate::market::SymbolBars;
use crate::time::daily_close_ns;
use crate::DataError;

/// The seed of the committed sample data under `data/`.
pub const DEFAULT_SEED: u64 = 2026;

/// First session of the scripted closing rotation out of tech into small caps.
pub const ROTATION_START: (i32, u32, u32) = (2025, 12, 15);

/// A generated market: bars per symbol (ETFs first, then single names) and the event feed.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthMarket {
    /// One entry per symbol, all on the same sessions.
    pub bars: Vec<SymbolBars>,
    /// The event feed, sorted by time.
    pub events: Vec<Event>,
}

/// What [`write()`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSummary {
    /// The seed used.
    pub seed: u64,
    /// Number of symbols (one Parquet file each).
    pub symbols: usize,
    /// Number of sessions per symbol.
    pub sessions: usize,
    /// First session.
    pub first: NaiveDate,
    /// Last session.
    pub last: NaiveDate,
    /// Number of events in the feed.
    pub events: usize,
    /// Every file written, in write order.
    pub files: Vec<PathBuf>,
    /// Total bytes written.
    pub bytes: u64,
}

/// Generates the synthetic market for `seed`.
pub fn generate(seed: u64) -> SynthMarket {
    let sessions = calendar::sample_sessions();
    let closes: Vec<i64> = sessions.iter().map(|&d| daily_close_ns(d)).collect();
    let stocks = universe::stocks();
    let baskets = universe::baskets(&stocks);
    let (events, effects) = feed::build(seed, &sessions);
    let (y, m, d) = ROTATION_START;
    let rotation = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MAX);
    let rotation_start = sessions.partition_point(|&s| s < rotation);
    let bars = model::simulate(seed, &stocks, &baskets, &closes, rotation_start, &effects);
    SynthMarket { bars, events }
}

/// Generates the market for `seed` and writes `out_dir/bars/<SYMBOL>.parquet` (columns `symbol`,
/// `timestamp` date32, `open`, `high`, `low`, `close`, `volume` int64) and `out_dir/events.csv`
/// (`timestamp,headline,tags,sentiment,symbols`). Creates the folders; overwrites atomically.
pub fn write(seed: u64, out_dir: &Path) -> Result<SynthSummary, DataError> {
    let market = generate(seed);
    let bars_dir = out_dir.join("bars");
    std::fs::create_dir_all(&bars_dir).map_err(|e| DataError::Write {
        path: bars_dir.clone(),
        reason: e.to_string(),
    })?;
    let mut written = Vec::with_capacity(market.bars.len() + 1);
    let mut bytes = 0u64;
    for b in &market.bars {
        let path = bars_dir.join(format!("{}.parquet", b.symbol));
        bytes += files::write_bars(&path, b)?;
        written.push(path);
    }
    let events_path = out_dir.join("events.csv");
    bytes += files::write_events(&events_path, &market.events)?;
    written.push(events_path);
    let first_bar = market.bars.first();
    let day = |ns: Option<&i64>| {
        ns.map(|&t| crate::time::ns_to_date(t))
            .unwrap_or(NaiveDate::MIN)
    };
    Ok(SynthSummary {
        seed,
        symbols: market.bars.len(),
        sessions: first_bar.map_or(0, |b| b.len()),
        first: day(first_bar.and_then(|b| b.timestamps.first())),
        last: day(first_bar.and_then(|b| b.timestamps.last())),
        events: market.events.len(),
        files: written,
        bytes,
    })
}

#[cfg(test)]
mod tests;
