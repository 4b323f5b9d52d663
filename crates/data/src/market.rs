//! The aligned, columnar market: one master timeline of bar closes and, per field, one
//! contiguous f64 column per symbol (NaN where that symbol has no bar at that time).
//!
//! Invariants: the timeline is strictly increasing; every column has `n_bars()` values per symbol;
//! where close is finite, open/high/low are finite and low <= open, close <= high; events are
//! sorted by timestamp (stable, so feed order breaks ties). Built once, then read-only.

use std::convert::Infallible;
use std::path::Path;

use crate::event::Event;
use crate::fallible::Site;
use crate::time::{DAILY_OPEN_UTC_NS, NS_PER_DAY, NS_PER_SEC};
use crate::DataError;

/// One symbol's bars, sorted by timestamp, as produced by a loader.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SymbolBars {
    /// Ticker.
    pub symbol: String,
    /// Bar close instants, ns UTC, strictly increasing.
    pub timestamps: Vec<i64>,
    /// Opening prices.
    pub open: Vec<f64>,
    /// Highs.
    pub high: Vec<f64>,
    /// Lows.
    pub low: Vec<f64>,
    /// Closes.
    pub close: Vec<f64>,
    /// Volumes (NaN when the source has none); empty when volumes were not loaded (see
    /// [`crate::load::Columns`]), which the market reads as unknown volume.
    pub volume: Vec<f64>,
    /// Split/dividend-adjusted closes, when the source has them.
    pub adj_close: Option<Vec<f64>>,
    /// True when the source had only a close (open = high = low = close were filled in).
    pub close_only: bool,
}

impl SymbolBars {
    /// Number of bars.
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    /// True when there are no bars.
    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }
}

/// Collects per-symbol bars and events, then aligns them into a [`Market`].
#[derive(Debug, Default)]
pub struct MarketBuilder {
    bars: Vec<SymbolBars>,
    /// Per added symbol: true when its instants are `shared` (its own timestamps are empty).
    on_shared: Vec<bool>,
    /// The timeline of the symbols added with [`MarketBuilder::add_on_shared`].
    shared: Vec<i64>,
    events: Vec<Event>,
    daily: bool,
}

impl MarketBuilder {
    /// A builder; `daily` says the bars were date-stamped (see [`crate::time`]).
    pub fn new(daily: bool) -> Self {
        MarketBuilder {
            daily,
            ..MarketBuilder::default()
        }
    }

    /// Adds one symbol's bars (must be sorted and free of duplicates).
    pub fn add(&mut self, bars: SymbolBars) -> &mut Self {
        self.bars.push(bars);
        self.on_shared.push(false);
        self
    }

    /// Sets the timeline of the symbols added with [`MarketBuilder::add_on_shared`] (strictly
    /// increasing).
    pub(crate) fn shared_timeline(&mut self, timeline: Vec<i64>) -> &mut Self {
        self.shared = timeline;
        self
    }

    /// Adds one symbol's bars whose instants are the shared timeline (its own `timestamps` are
    /// empty: the loader dropped that copy).
    pub(crate) fn add_on_shared(&mut self, bars: SymbolBars) -> &mut Self {
        self.bars.push(bars);
        self.on_shared.push(true);
        self
    }

    /// Adds the event feed.
    pub fn events(&mut self, events: Vec<Event>) -> &mut Self {
        self.events = events;
        self
    }

    /// Aligns everything on the union of timestamps. Symbols keep the order they were added in.
    ///
    /// Memory: each symbol's columns are moved into the market when its bars already lie on the
    /// whole timeline (one symbol, or an aligned panel: no copy at all); otherwise each is
    /// spread onto the timeline and its input freed before the next symbol, so the build never
    /// holds a second copy of the data, only one symbol's column at a time.
    pub fn build(self) -> Market {
        let Ok(market) = self.build_in(&Infallibly);
        market
    }

    /// [`MarketBuilder::build`] with fallible allocation of the aligned columns: running out of
    /// memory is a [`DataError::OutOfMemory`] naming `path` (the bars being loaded).
    pub(crate) fn try_build(self, path: &Path) -> Result<Market, DataError> {
        self.build_in(&Site {
            path,
            what: "the aligned market columns",
        })
    }

    fn build_in<A: Alloc>(mut self, alloc: &A) -> Result<Market, A::Err> {
        let bars = std::mem::take(&mut self.bars);
        let on_shared = std::mem::take(&mut self.on_shared);
        let shared = std::mem::take(&mut self.shared);
        let own = |k: usize| -> &[i64] {
            match on_shared[k] {
                true => &shared,
                false => &bars[k].timestamps,
            }
        };
        let aligned = !bars.is_empty() && (0..bars.len()).all(|k| own(k) == own(0));
        let timeline = if aligned {
            own(0).to_vec()
        } else {
            union_of((0..bars.len()).map(own), alloc)?
        };
        let n = timeline.len();
        let any_adj = bars.iter().any(|b| b.adj_close.is_some());
        let mut cols = Columns::with_capacity(bars.len());
        let mut need_nan = false;
        for (k, mut b) in bars.into_iter().enumerate() {
            cols.symbols.push(std::mem::take(&mut b.symbol));
            cols.close_only.push(b.close_only);
            let own: &[i64] = if on_shared[k] { &shared } else { &b.timestamps };
            // Where this symbol's bars sit on the timeline (none when aligned).
            let slots = (!aligned).then(|| slots_on(&timeline, own));
            let spread = |v: Vec<f64>| match &slots {
                None => Ok(v),
                Some(at) => spread_on(at, v, n, alloc),
            };
            let take = |v: &mut Vec<f64>| spread(std::mem::take(v));
            cols.open.push(take(&mut b.open)?);
            cols.high.push(take(&mut b.high)?);
            cols.low.push(take(&mut b.low)?);
            cols.close.push(take(&mut b.close)?);
            // An empty volume column means "not loaded" (see `SymbolBars::volume`).
            let volume = (!b.volume.is_empty())
                .then(|| take(&mut b.volume))
                .transpose()?;
            need_nan |= volume.is_none();
            cols.volume.push(volume);
            let adj = b.adj_close.take().map(spread).transpose()?;
            need_nan |= any_adj && adj.is_none();
            cols.adj.push(adj);
        }
        cols.any_adj = any_adj;
        if need_nan {
            cols.nan = alloc.filled(n, f64::NAN)?;
        }
        Ok(self.finish(timeline, cols))
    }

    fn finish(mut self, timeline: Vec<i64>, cols: Columns) -> Market {
        self.events.sort_by_key(|e| e.timestamp);
        let session_open = session_opens(&timeline, self.daily);
        let periods_per_year = infer_periods_per_year(&timeline, self.daily);
        Market {
            timeline,
            session_open,
            cols,
            events: self.events,
            daily: self.daily,
            periods_per_year,
            trading_start: 0,
            prev_close: None,
        }
    }
}

/// How [`MarketBuilder`] allocates the big vectors: infallibly (an abort when memory runs out,
/// as any `Vec`) or through a [`Site`] (an error).
trait Alloc {
    type Err;
    /// `n` copies of `value`.
    fn filled<T: Clone>(&self, n: usize, value: T) -> Result<Vec<T>, Self::Err>;
}

/// The infallible allocator of [`MarketBuilder::build`].
struct Infallibly;

impl Alloc for Infallibly {
    type Err = Infallible;
    fn filled<T: Clone>(&self, n: usize, value: T) -> Result<Vec<T>, Infallible> {
        Ok(vec![value; n])
    }
}

impl Alloc for Site<'_> {
    type Err = DataError;
    fn filled<T: Clone>(&self, n: usize, value: T) -> Result<Vec<T>, DataError> {
        Site::filled(self, n, value)
    }
}

/// The sorted union of every symbol's instants.
fn union_of<'a, A: Alloc>(
    each: impl Iterator<Item = &'a [i64]> + Clone,
    alloc: &A,
) -> Result<Vec<i64>, A::Err> {
    let total = each.clone().map(<[i64]>::len).sum();
    let mut t = alloc.filled(total, 0)?;
    for (d, &x) in t.iter_mut().zip(each.flatten()) {
        *d = x;
    }
    t.sort_unstable();
    t.dedup();
    Ok(t)
}

/// Where each of a symbol's instants `own` (a subset of `timeline`, both sorted) sits on it.
fn slots_on(timeline: &[i64], own: &[i64]) -> Vec<usize> {
    let mut t = 0;
    own.iter()
        .map(|&ts| {
            while timeline[t] < ts {
                t += 1;
            }
            t
        })
        .collect()
}

/// `v` spread onto a column of `n` bars at `slots`, NaN elsewhere.
fn spread_on<A: Alloc>(
    slots: &[usize],
    v: Vec<f64>,
    n: usize,
    alloc: &A,
) -> Result<Vec<f64>, A::Err> {
    let mut out = alloc.filled(n, f64::NAN)?;
    for (&k, x) in slots.iter().zip(v) {
        out[k] = x;
    }
    Ok(out)
}

/// Every symbol's columns over the whole timeline, one vector per symbol and field (so a
/// symbol's bars move in without a copy), NaN where the symbol has no bar.
#[derive(Debug, Clone, Default, PartialEq)]
struct Columns {
    symbols: Vec<String>,
    close_only: Vec<bool>,
    open: Vec<Vec<f64>>,
    high: Vec<Vec<f64>>,
    low: Vec<Vec<f64>>,
    close: Vec<Vec<f64>>,
    /// `None`: volumes not loaded (read as unknown: NaN).
    volume: Vec<Option<Vec<f64>>>,
    /// `None`: this symbol has no adjusted closes (read as NaN when another symbol has them).
    adj: Vec<Option<Vec<f64>>>,
    /// True when some symbol has adjusted closes.
    any_adj: bool,
    /// One all-NaN column of the timeline's length, shared by the columns that are `None`
    /// (empty when none is).
    nan: Vec<f64>,
}

impl Columns {
    fn with_capacity(m: usize) -> Self {
        Columns {
            symbols: Vec::with_capacity(m),
            close_only: Vec::with_capacity(m),
            open: Vec::with_capacity(m),
            high: Vec::with_capacity(m),
            low: Vec::with_capacity(m),
            close: Vec::with_capacity(m),
            volume: Vec::with_capacity(m),
            adj: Vec::with_capacity(m),
            any_adj: false,
            nan: Vec::new(),
        }
    }
}

/// For each bar, its open instant: news published before it may be traded at this bar's open
/// (strictly before: a price printed at the news' own instant cannot be traded on it).
///
/// Date-stamped daily bars open at 13:30 UTC of their date. An intraday bar opens one bar
/// duration before its timestamp (its close), the duration being the median spacing of the
/// bars of its session (a run of bars with no gap longer than [`session_break`]), so the first
/// bar of a day opens one duration before its close, never at the previous day's close; a
/// session of one bar takes the median spacing of the whole timeline. The duration is capped at
/// 6.5 hours (irregular bars a day or more apart open 6.5 hours before their close). An open
/// never precedes the previous bar's close.
fn session_opens(timeline: &[i64], daily: bool) -> Vec<i64> {
    let durations = if daily {
        Vec::new()
    } else {
        bar_durations(timeline)
    };
    timeline
        .iter()
        .enumerate()
        .map(|(t, &ts)| {
            let open = if daily {
                ts.div_euclid(NS_PER_DAY) * NS_PER_DAY + DAILY_OPEN_UTC_NS
            } else {
                ts - durations[t].min(SESSION_NS)
            };
            match t {
                0 => open,
                _ => open.max(timeline[t - 1]),
            }
        })
        .collect()
}

/// A gap longer than this ends a session: twice the timeline's median spacing, and at least
/// two hours (an overnight or weekend gap, never a missing bar or a lunch break of minute bars).
fn session_break(global_spacing: i64) -> i64 {
    global_spacing.saturating_mul(2).max(2 * 3600 * NS_PER_SEC)
}

/// Per bar, the duration of its session's bars: the median spacing within the session (see
/// [`session_opens`]).
fn bar_durations(timeline: &[i64]) -> Vec<i64> {
    let global = median_spacing(timeline);
    let cut = session_break(global);
    let mut out = Vec::with_capacity(timeline.len());
    let mut gaps = Vec::new();
    let mut start = 0;
    while start < timeline.len() {
        let mut end = start + 1;
        while end < timeline.len() && timeline[end] - timeline[end - 1] <= cut {
            end += 1;
        }
        gaps.clear();
        gaps.extend(timeline[start..end].windows(2).map(|w| w[1] - w[0]));
        let duration = if gaps.is_empty() {
            global
        } else {
            let mid = gaps.len() / 2;
            *gaps.select_nth_unstable(mid).1
        };
        out.resize(end, duration);
        start = end;
    }
    out
}

/// Length of a regular US equity session.
const SESSION_NS: i64 = (6 * 3600 + 30 * 60) * NS_PER_SEC;

fn median_spacing(timeline: &[i64]) -> i64 {
    if timeline.len() < 2 {
        return NS_PER_DAY;
    }
    let mut gaps: Vec<i64> = timeline.windows(2).map(|w| w[1] - w[0]).collect();
    // The element a full sort would put in the middle, in linear time.
    let mid = gaps.len() / 2;
    *gaps.select_nth_unstable(mid).1
}

/// 252 for daily bars; for intraday bars 252 times the bars in a 6.5-hour session; for bars
/// 4 days apart or more (the median spacing), the calendar's count: 52 for weekly, 12 for
/// monthly, 4 for quarterly, 2 for half-yearly, 1 for yearly bars, else 365.25 / the spacing
/// in days (a monthly curve read as 252 periods a year had a CAGR of 329% for 7%).
pub fn infer_periods_per_year(timeline: &[i64], daily: bool) -> f64 {
    let spacing = median_spacing(timeline);
    let days = spacing as f64 / NS_PER_DAY as f64;
    if days >= 4.0 {
        return calendar_periods_per_year(days);
    }
    if daily || spacing >= 20 * 3600 * NS_PER_SEC {
        return 252.0;
    }
    let per_session = (SESSION_NS as f64 / spacing as f64).round().max(1.0);
    252.0 * per_session
}

/// Periods a year of bars `days` apart (4 or more): the usual count for weekly, monthly,
/// quarterly, half-yearly and yearly spacings, else 365.25 / `days`.
fn calendar_periods_per_year(days: f64) -> f64 {
    const USUAL: [(f64, f64, f64); 5] = [
        (6.0, 8.0, 52.0),
        (27.0, 32.0, 12.0),
        (88.0, 93.0, 4.0),
        (180.0, 186.0, 2.0),
        (364.0, 367.0, 1.0),
    ];
    USUAL
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&days))
        .map_or(365.25 / days, |u| u.2)
}

/// Aligned columnar bars for every symbol, plus the event feed. Shared read-only via `Arc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    timeline: Vec<i64>,
    session_open: Vec<i64>,
    cols: Columns,
    events: Vec<Event>,
    daily: bool,
    periods_per_year: f64,
    trading_start: usize,
    prev_close: Option<i64>,
}

impl Market {
    /// Number of bars on the master timeline.
    pub fn n_bars(&self) -> usize {
        self.timeline.len()
    }

    /// Number of symbols.
    pub fn n_symbols(&self) -> usize {
        self.cols.symbols.len()
    }

    /// Symbols, in column order.
    pub fn symbols(&self) -> &[String] {
        &self.cols.symbols
    }

    /// Column index of `symbol`, if present.
    pub fn symbol_index(&self, symbol: &str) -> Option<usize> {
        self.cols.symbols.iter().position(|s| s == symbol)
    }

    /// Bar close instants (ns UTC), strictly increasing.
    pub fn timestamps(&self) -> &[i64] {
        &self.timeline
    }

    /// The open instant of bar `t`: 13:30 UTC of its date for date-stamped daily bars; for
    /// intraday bars its close minus the median bar spacing of its session (at most 6.5 hours,
    /// never before the previous bar's close). News published strictly before it may be traded
    /// at this bar's open.
    pub fn session_open(&self, t: usize) -> i64 {
        self.session_open[t]
    }

    /// Opens of symbol `s` over the whole timeline (NaN where no bar).
    pub fn open(&self, s: usize) -> &[f64] {
        &self.cols.open[s]
    }

    /// Highs of symbol `s`.
    pub fn high(&self, s: usize) -> &[f64] {
        &self.cols.high[s]
    }

    /// Lows of symbol `s`.
    pub fn low(&self, s: usize) -> &[f64] {
        &self.cols.low[s]
    }

    /// Closes of symbol `s`.
    pub fn close(&self, s: usize) -> &[f64] {
        &self.cols.close[s]
    }

    /// Volumes of symbol `s` (NaN where unknown, and everywhere when volumes were not loaded).
    pub fn volume(&self, s: usize) -> &[f64] {
        self.cols.volume[s].as_deref().unwrap_or(&self.cols.nan)
    }

    /// Adjusted closes of symbol `s`, when the data had them (NaN for a symbol without them
    /// when another symbol has them).
    pub fn adj_close(&self, s: usize) -> Option<&[f64]> {
        self.cols
            .any_adj
            .then(|| self.cols.adj[s].as_deref().unwrap_or(&self.cols.nan))
    }

    /// True if symbol `s` came from a close-only source.
    pub fn is_close_only(&self, s: usize) -> bool {
        self.cols.close_only[s]
    }

    /// The event feed, sorted by time.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// True when bars were date-stamped daily bars.
    pub fn is_daily(&self) -> bool {
        self.daily
    }

    /// Periods per year for annualizing: 252 for daily bars, inferred from spacing otherwise.
    pub fn periods_per_year(&self) -> f64 {
        self.periods_per_year
    }

    /// Index of the first traded bar: bars before it are warm-up history, which a strategy
    /// sees but never trades on (0 unless set by [`Market::with_trading_start`]).
    pub fn trading_start(&self) -> usize {
        self.trading_start
    }

    /// Close instant of the session before the first traded bar, when the data had one (even if
    /// that bar is not kept as warm-up): news published at or before it is history.
    pub fn prev_close(&self) -> Option<i64> {
        self.prev_close
    }

    /// This market cut to the `warmup` bars before bar `first` (fewer where the data has fewer)
    /// and everything from `first` on, trading from `first`. Columns are cut in place; session
    /// opens, events and the calendar inference of the whole market are kept.
    pub fn with_trading_start(mut self, first: usize, warmup: usize) -> Market {
        let n = self.timeline.len();
        let first = first.min(n);
        let from = first - warmup.min(first);
        self.prev_close = first.checked_sub(1).map(|i| self.timeline[i]);
        self.trading_start = first - from;
        if from == 0 {
            return self;
        }
        let c = &mut self.cols;
        for col in c
            .open
            .iter_mut()
            .chain(c.high.iter_mut())
            .chain(c.low.iter_mut())
            .chain(c.close.iter_mut())
            .chain(c.volume.iter_mut().flatten())
            .chain(c.adj.iter_mut().flatten())
        {
            col.drain(..from);
        }
        c.nan.truncate(c.nan.len().saturating_sub(from));
        self.timeline.drain(..from);
        self.session_open.drain(..from);
        self
    }

    /// Index of the first bar whose close is at or after `ns` (n_bars() if none).
    pub fn first_bar_at_or_after(&self, ns: i64) -> usize {
        self.timeline.partition_point(|&t| t < ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::daily_close_ns;
    use chrono::NaiveDate;

    fn bars(symbol: &str, days: &[u32], px: f64) -> SymbolBars {
        let ts: Vec<i64> = days
            .iter()
            .map(|&d| daily_close_ns(NaiveDate::from_ymd_opt(2026, 1, d).unwrap()))
            .collect();
        let n = ts.len();
        SymbolBars {
            symbol: symbol.into(),
            timestamps: ts,
            open: vec![px; n],
            high: vec![px; n],
            low: vec![px; n],
            close: vec![px; n],
            volume: vec![100.0; n],
            adj_close: None,
            close_only: false,
        }
    }

    #[test]
    fn aligns_on_union_with_nan_gaps() {
        let mut b = MarketBuilder::new(true);
        b.add(bars("A", &[5, 6, 8], 10.0))
            .add(bars("B", &[6, 7], 20.0));
        let m = b.build();
        assert_eq!(m.n_bars(), 4);
        assert_eq!(m.symbol_index("B"), Some(1));
        assert_eq!(m.close(0)[0], 10.0);
        assert!(m.close(0)[2].is_nan());
        assert!(m.close(1)[0].is_nan());
        assert_eq!(m.close(1)[2], 20.0);
        assert_eq!(m.periods_per_year(), 252.0);
        // Daily session opens at 13:30 UTC of the bar's date, after the previous close.
        assert!(m.session_open(1) > m.timestamps()[0]);
        assert!(m.session_open(1) < m.timestamps()[1]);
    }

    #[test]
    fn aligned_symbols_give_the_same_market_as_the_union_path() {
        // Same timestamps (the fast path) vs one extra bar on B (the union path, then cut).
        let mut b = MarketBuilder::new(true);
        let mut a = bars("A", &[5, 6, 7], 10.0);
        a.adj_close = Some(vec![9.0, 9.5, 9.9]);
        b.add(a.clone()).add(bars("B", &[5, 6, 7], 20.0));
        let m = b.build();
        assert_eq!(m.n_bars(), 3);
        assert_eq!(m.close(0), &[10.0; 3]);
        assert_eq!(m.close(1), &[20.0; 3]);
        assert_eq!(m.adj_close(0), Some(&[9.0, 9.5, 9.9][..]));
        assert!(m.adj_close(1).unwrap().iter().all(|v| v.is_nan()));
        let mut u = MarketBuilder::new(true);
        u.add(a).add(bars("B", &[5, 6, 7, 8], 20.0));
        let mu = u.build();
        assert_eq!(mu.n_bars(), 4);
        assert_eq!(&mu.close(1)[..3], m.close(1));
        assert_eq!(&mu.adj_close(0).unwrap()[..3], m.adj_close(0).unwrap());
        let mut one = MarketBuilder::new(true);
        one.add(bars("C", &[5, 6], 3.0));
        let m1 = one.build();
        assert_eq!((m1.n_symbols(), m1.close(0)), (1, &[3.0, 3.0][..]));
        assert_eq!(m1.periods_per_year(), 252.0);
    }

    /// Bars a week, a month or a quarter apart are annualized by the calendar (they were read as
    /// 252 a year: a monthly curve doubling in ten years showed a CAGR of 329%); daily bars with
    /// weekends and holidays stay 252, intraday bars 252 x bars a session.
    #[test]
    fn periods_a_year_follow_the_spacing() {
        let day = NS_PER_DAY;
        let every = |step: i64, n: i64| (0..n).map(|k| k * step).collect::<Vec<i64>>();
        // Month ends: 28 to 31 days apart.
        let months: Vec<i64> = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]
            .iter()
            .map(|d| d * day)
            .collect();
        let quarters: Vec<i64> = [0, 90, 181, 273, 365, 455]
            .iter()
            .map(|d| d * day)
            .collect();
        let weekdays: Vec<i64> = (0..60).filter(|k| k % 7 < 5).map(|k| k * day).collect();
        for (ts, daily, want) in [
            (every(7 * day, 30), true, 52.0),
            (months, true, 12.0),
            (quarters, false, 4.0),
            (every(365 * day, 5), true, 1.0),
            (every(14 * day, 10), true, 365.25 / 14.0),
            (weekdays, true, 252.0),
            (every(60 * NS_PER_SEC, 100), false, 252.0 * 390.0),
        ] {
            assert_eq!(infer_periods_per_year(&ts, daily), want, "{:?}", &ts[..3]);
        }
    }

    #[test]
    fn intraday_bars_open_one_bar_duration_before_their_close_within_each_session() {
        let min = 60 * NS_PER_SEC;
        let midnight =
            |d: u32| crate::time::date_to_ns(NaiveDate::from_ymd_opt(2026, 1, d).unwrap());
        let at = |d: u32, h: i64, m: i64| midnight(d) + h * 3600 * NS_PER_SEC + m * min;
        // Day 5: ten 1-minute bars closing 14:31..14:40 (one missing at 14:36); day 6: three
        // 5-minute bars closing 14:35..14:45; day 7: one bar closing 14:31.
        let mut ts: Vec<i64> = (1..=10)
            .filter(|&k| k != 6)
            .map(|k| at(5, 14, 30 + k))
            .collect();
        ts.extend([at(6, 14, 35), at(6, 14, 40), at(6, 14, 45), at(7, 14, 31)]);
        let mut b = MarketBuilder::new(false);
        b.add(SymbolBars {
            symbol: "A".into(),
            open: vec![1.0; ts.len()],
            high: vec![1.0; ts.len()],
            low: vec![1.0; ts.len()],
            close: vec![1.0; ts.len()],
            volume: vec![1.0; ts.len()],
            timestamps: ts.clone(),
            adj_close: None,
            close_only: false,
        });
        let m = b.build();
        let opens: Vec<i64> = (0..m.n_bars()).map(|t| m.session_open(t)).collect();
        let mut want: Vec<i64> = ts[..9].iter().map(|&c| c - min).collect();
        // The bar after the missing minute opens one minute before its close, not at the
        // previous close.
        assert_eq!(want[5], at(5, 14, 36));
        want.extend([at(6, 14, 30), at(6, 14, 35), at(6, 14, 40)]);
        // A one-bar session takes the timeline's median spacing (one minute).
        want.push(at(7, 14, 30));
        assert_eq!(opens, want);
    }
}
