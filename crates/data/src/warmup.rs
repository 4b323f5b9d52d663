//! Loading a market with warm-up history: `data.start` is when trading and statistics start,
//! not when a strategy may first look at prices.
//!
//! [`load_market_with_warmup`] loads the bars from a little before `start`, keeps the `warmup`
//! bars before the first bar on or after `start` (see [`crate::Market::with_trading_start`]) and
//! records the close of the session before it, so news published up to that close is history.
//!
//! Invariant: the market returned never holds more than `warmup` bars before its trading start,
//! so bars older than the warm-up window cannot change a run.

// DataError carries path, column, row, symbol and timestamp by design.
#![allow(clippy::result_large_err)]

use std::path::Path;

use chrono::Days;

use crate::load::{load_market_columns, Columns, LoadOptions, Loaded};
use crate::time::date_to_ns;
use crate::DataError;

/// Calendar days loaded before `start` for `bars` bars of warm-up: enough for daily sessions
/// (about 252 a year, long holidays included); a shortfall is retried with all the history.
fn calendar_days_for(bars: usize) -> u64 {
    (bars as u64).saturating_mul(3) / 2 + 10
}

/// Loads like [`load_market_columns`], then makes bar `first` (the first whose close falls on or after
/// `opts.start`) the trading start with up to `warmup` bars of history before it. Without
/// `opts.start` nothing is cut: trading starts at the first bar. Where the data holds fewer
/// than `warmup` bars before `start`, one warning says how many are missing.
pub fn load_market_with_warmup(
    bars: &Path,
    events: Option<&Path>,
    opts: &LoadOptions,
    columns: Columns,
    warmup: usize,
) -> Result<Loaded, DataError> {
    let load_market =
        |bars, events, opts: &LoadOptions| load_market_columns(bars, events, opts, columns);
    let Some(start) = opts.start else {
        return load_market(bars, events, opts);
    };
    // One bar more than the warm-up: the previous session's close dates stale news.
    let wanted = warmup + 1;
    let early = LoadOptions {
        start: start.checked_sub_days(Days::new(calendar_days_for(wanted))),
        ..opts.clone()
    };
    // Errors name the user's range: a failure (or a symbol without bars from `start` on) is
    // reported by loading that range alone.
    let user_error = |e| load_market(bars, events, opts).err().unwrap_or(e);
    let mut loaded = load_market(bars, events, &early).map_err(user_error)?;
    let start_ns = date_to_ns(start);
    let mut first = loaded.market.first_bar_at_or_after(start_ns);
    if first < wanted && early.start.is_some() {
        let all = LoadOptions {
            start: None,
            ..opts.clone()
        };
        loaded = load_market(bars, events, &all)?;
        first = loaded.market.first_bar_at_or_after(start_ns);
    }
    let m = &loaded.market;
    if (0..m.n_symbols()).any(|s| m.close(s)[first..].iter().all(|c| c.is_nan())) {
        load_market(bars, events, opts)?;
    }
    if first < warmup {
        loaded.warnings.push(format!(
            "{}: warm-up: {} bars of history wanted before data.start {start}, the data has {}: \
             {} bars missing, so the first decisions see less history",
            bars.display(),
            warmup,
            first,
            warmup - first
        ));
    }
    let Loaded { market, warnings } = loaded;
    Ok(Loaded {
        market: market.with_trading_start(first, warmup),
        warnings,
    })
}
