//! The aligned, columnar market: one master timeline of bar closes and, per field, one
//! contiguous f64 column per symbol (NaN where that symbol has no bar at that time).
//!
//! Invariants: the timeline is strictly increasing; every column has `n_bars()` values per symbol;
//! where close is finite, open/high/low are finite and low <= open, close <= high; events are
//! sorted by timestamp (stable, so feed order breaks ties). Built once, then read-only.

use crate::event::Event;
use crate::time::{DAILY_OPEN_UTC_NS, NS_PER_DAY, NS_PER_SEC};

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
    /// Volumes (NaN when the source has none).
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
    events: Vec<Event>,
    daily: bool,
}

impl MarketBuilder {
    /// A builder; `daily` says the bars were date-stamped (see [`crate::time`]).
    pub fn new(daily: bool) -> Self {
        MarketBuilder {
            bars: Vec::new(),
            events: Vec::new(),
            daily,
        }
    }

    /// Adds one symbol's bars (must be sorted and free of duplicates).
    pub fn add(&mut self, bars: SymbolBars) -> &mut Self {
        self.bars.push(bars);
        self
    }

    /// Adds the event feed.
    pub fn events(&mut self, events: Vec<Event>) -> &mut Self {
        self.events = events;
        self
    }

    /// Aligns everything on the union of timestamps. Symbols keep the order they were added in.
    pub fn build(self) -> Market {
        // Every symbol on the same timestamps (one symbol, or an aligned panel): the columns
        // are the inputs laid end to end, no union, no NaN fill, no scatter.
        let aligned = self
            .bars
            .first()
            .is_some_and(|first| self.bars.iter().all(|b| b.timestamps == first.timestamps));
        if aligned {
            return self.build_aligned();
        }
        let mut timeline: Vec<i64> = self
            .bars
            .iter()
            .flat_map(|b| b.timestamps.iter().copied())
            .collect();
        timeline.sort_unstable();
        timeline.dedup();
        let n = timeline.len();
        let m = self.bars.len();
        let mut open = vec![f64::NAN; n * m];
        let mut high = vec![f64::NAN; n * m];
        let mut low = vec![f64::NAN; n * m];
        let mut close = vec![f64::NAN; n * m];
        let mut volume = vec![f64::NAN; n * m];
        let any_adj = self.bars.iter().any(|b| b.adj_close.is_some());
        let mut adj = if any_adj {
            Some(vec![f64::NAN; n * m])
        } else {
            None
        };
        for (s, b) in self.bars.iter().enumerate() {
            let base = s * n;
            // Both sequences are sorted: walk them together.
            let mut t = 0;
            for (i, &ts) in b.timestamps.iter().enumerate() {
                while timeline[t] < ts {
                    t += 1;
                }
                let k = base + t;
                open[k] = b.open[i];
                high[k] = b.high[i];
                low[k] = b.low[i];
                close[k] = b.close[i];
                volume[k] = b.volume[i];
                if let (Some(dst), Some(src)) = (adj.as_mut(), b.adj_close.as_ref()) {
                    dst[k] = src[i];
                }
            }
        }
        self.finish(timeline, [open, high, low, close, volume], adj)
    }

    /// [`Self::build`] when every symbol has the same (sorted, distinct) timestamps.
    fn build_aligned(mut self) -> Market {
        let mut bars = std::mem::take(&mut self.bars);
        let m = bars.len();
        let n = bars[0].timestamps.len();
        let any_adj = bars.iter().any(|b| b.adj_close.is_some());
        let timeline = std::mem::take(&mut bars[0].timestamps);
        let cols: [Vec<f64>; 5] = if m == 1 {
            let b = &mut bars[0];
            [
                std::mem::take(&mut b.open),
                std::mem::take(&mut b.high),
                std::mem::take(&mut b.low),
                std::mem::take(&mut b.close),
                std::mem::take(&mut b.volume),
            ]
        } else {
            let stack = |f: fn(&SymbolBars) -> &[f64]| {
                let mut v = Vec::with_capacity(n * m);
                for b in &bars {
                    v.extend_from_slice(f(b));
                }
                v
            };
            [
                stack(|b| &b.open),
                stack(|b| &b.high),
                stack(|b| &b.low),
                stack(|b| &b.close),
                stack(|b| &b.volume),
            ]
        };
        let adj = any_adj.then(|| {
            let mut v = Vec::with_capacity(n * m);
            for b in &bars {
                match &b.adj_close {
                    Some(a) => v.extend_from_slice(a),
                    None => v.resize(v.len() + n, f64::NAN),
                }
            }
            v
        });
        self.bars = bars;
        self.finish(timeline, cols, adj)
    }

    fn finish(mut self, timeline: Vec<i64>, cols: [Vec<f64>; 5], adj: Option<Vec<f64>>) -> Market {
        let [open, high, low, close, volume] = cols;
        self.events.sort_by_key(|e| e.timestamp);
        let session_open = session_opens(&timeline, self.daily);
        let periods_per_year = infer_periods_per_year(&timeline, self.daily);
        Market {
            symbols: self.bars.iter().map(|b| b.symbol.clone()).collect(),
            close_only: self.bars.iter().map(|b| b.close_only).collect(),
            timeline,
            session_open,
            open,
            high,
            low,
            close,
            volume,
            adj_close: adj,
            events: self.events,
            daily: self.daily,
            periods_per_year,
        }
    }
}

/// For each bar, the last instant that counts as "before its open": news stamped after the
/// previous bar's close and at or before this instant may be traded at this bar's open.
fn session_opens(timeline: &[i64], daily: bool) -> Vec<i64> {
    let spacing = median_spacing(timeline);
    timeline
        .iter()
        .enumerate()
        .map(|(t, &ts)| {
            let open = if daily {
                ts.div_euclid(NS_PER_DAY) * NS_PER_DAY + DAILY_OPEN_UTC_NS
            } else {
                // An intraday bar opens one spacing before it closes, at most a session
                // (6.5 h) before: the first bar of a day opens after an overnight gap.
                ts - spacing.min(SESSION_NS)
            };
            match t {
                0 => open,
                _ => open.max(timeline[t - 1]),
            }
        })
        .collect()
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

/// 252 for daily bars; for intraday bars 252 times the bars in a 6.5-hour session.
pub fn infer_periods_per_year(timeline: &[i64], daily: bool) -> f64 {
    let spacing = median_spacing(timeline);
    if daily || spacing >= 20 * 3600 * NS_PER_SEC {
        return 252.0;
    }
    let per_session = (SESSION_NS as f64 / spacing as f64).round().max(1.0);
    252.0 * per_session
}

/// Aligned columnar bars for every symbol, plus the event feed. Shared read-only via `Arc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    symbols: Vec<String>,
    close_only: Vec<bool>,
    timeline: Vec<i64>,
    session_open: Vec<i64>,
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
    volume: Vec<f64>,
    adj_close: Option<Vec<f64>>,
    events: Vec<Event>,
    daily: bool,
    periods_per_year: f64,
}

impl Market {
    /// Number of bars on the master timeline.
    pub fn n_bars(&self) -> usize {
        self.timeline.len()
    }

    /// Number of symbols.
    pub fn n_symbols(&self) -> usize {
        self.symbols.len()
    }

    /// Symbols, in column order.
    pub fn symbols(&self) -> &[String] {
        &self.symbols
    }

    /// Column index of `symbol`, if present.
    pub fn symbol_index(&self, symbol: &str) -> Option<usize> {
        self.symbols.iter().position(|s| s == symbol)
    }

    /// Bar close instants (ns UTC), strictly increasing.
    pub fn timestamps(&self) -> &[i64] {
        &self.timeline
    }

    /// For bar `t`, the last instant counted as before its open (see `session_opens`).
    pub fn session_open(&self, t: usize) -> i64 {
        self.session_open[t]
    }

    fn col<'a>(&self, data: &'a [f64], s: usize) -> &'a [f64] {
        let n = self.timeline.len();
        &data[s * n..(s + 1) * n]
    }

    /// Opens of symbol `s` over the whole timeline (NaN where no bar).
    pub fn open(&self, s: usize) -> &[f64] {
        self.col(&self.open, s)
    }

    /// Highs of symbol `s`.
    pub fn high(&self, s: usize) -> &[f64] {
        self.col(&self.high, s)
    }

    /// Lows of symbol `s`.
    pub fn low(&self, s: usize) -> &[f64] {
        self.col(&self.low, s)
    }

    /// Closes of symbol `s`.
    pub fn close(&self, s: usize) -> &[f64] {
        self.col(&self.close, s)
    }

    /// Volumes of symbol `s` (NaN where unknown).
    pub fn volume(&self, s: usize) -> &[f64] {
        self.col(&self.volume, s)
    }

    /// Adjusted closes of symbol `s`, when the data had them.
    pub fn adj_close(&self, s: usize) -> Option<&[f64]> {
        self.adj_close.as_deref().map(|a| self.col(a, s))
    }

    /// True if symbol `s` came from a close-only source.
    pub fn is_close_only(&self, s: usize) -> bool {
        self.close_only[s]
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
}
