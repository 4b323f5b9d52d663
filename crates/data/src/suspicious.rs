//! Bars that are legal but look wrong, for `rotor data inspect`: flat bars that still traded
//! (open = high = low = close with volume > 0: often a stale or filled-in quote), runs of
//! zero-range bars (high = low for [`MIN_FLAT_RUN`] or more bars in a row: a frozen feed), and
//! one-bar close-to-close moves beyond ±[`BIG_MOVE`] (often an unadjusted split).
//!
//! Close-only symbols are skipped for the first two checks: their bars are flat by
//! construction.

use crate::market::SymbolBars;

/// One-bar moves beyond this fraction are flagged.
pub const BIG_MOVE: f64 = 0.5;
/// Zero-range runs of at least this many bars are flagged.
pub const MIN_FLAT_RUN: usize = 3;
/// Examples kept per finding.
pub const EXAMPLES: usize = 3;

/// One kind of suspicious bar in one symbol: how many, and the first few (bar close instant
/// and a short detail).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Ticker.
    pub symbol: String,
    /// What was found, in plain words.
    pub kind: &'static str,
    /// How many (bars, or runs).
    pub count: usize,
    /// The first [`EXAMPLES`] occurrences: bar close instant (ns UTC) and detail.
    pub examples: Vec<(i64, String)>,
}

struct Collect {
    count: usize,
    examples: Vec<(i64, String)>,
}

impl Collect {
    fn new() -> Self {
        Collect {
            count: 0,
            examples: Vec::new(),
        }
    }

    fn add(&mut self, ts: i64, detail: String) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push((ts, detail));
        }
    }

    fn finding(self, symbol: &str, kind: &'static str) -> Option<Finding> {
        (self.count > 0).then(|| Finding {
            symbol: symbol.to_string(),
            kind,
            count: self.count,
            examples: self.examples,
        })
    }
}

/// The suspicious bars of one symbol, one finding per kind that occurs.
pub fn check(b: &SymbolBars) -> Vec<Finding> {
    let n = b.len();
    let mut flat = Collect::new();
    let mut runs = Collect::new();
    let mut moves = Collect::new();
    let zero_range = |i: usize| b.high[i] == b.low[i];
    let mut run_start: Option<usize> = None;
    for i in 0..=n {
        let traded_flat = |i: usize| {
            zero_range(i) && b.open[i] == b.close[i] && b.high[i] == b.close[i] && b.volume[i] > 0.0
        };
        if !b.close_only && i < n && traded_flat(i) {
            flat.add(b.timestamps[i], String::new());
        }
        // Zero-range runs close at the first bar with a range (or the end).
        let in_run = !b.close_only && i < n && zero_range(i);
        match (in_run, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                if i - s >= MIN_FLAT_RUN {
                    runs.add(b.timestamps[s], format!("{} bars", i - s));
                }
                run_start = None;
            }
            _ => {}
        }
        if i >= 1 && i < n {
            let r = b.close[i] / b.close[i - 1] - 1.0;
            if r.abs() > BIG_MOVE {
                moves.add(b.timestamps[i], format!("{:+.1}%", r * 100.0));
            }
        }
    }
    [
        flat.finding(&b.symbol, "flat bars with volume (O=H=L=C, volume > 0)"),
        runs.finding(&b.symbol, "zero-range runs (high = low, 3+ bars in a row)"),
        moves.finding(&b.symbol, "one-bar moves beyond ±50% (unadjusted split?)"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(ohlcv: &[(f64, f64, f64, f64, f64)]) -> SymbolBars {
        SymbolBars {
            symbol: "X".into(),
            timestamps: (0..ohlcv.len() as i64).collect(),
            open: ohlcv.iter().map(|b| b.0).collect(),
            high: ohlcv.iter().map(|b| b.1).collect(),
            low: ohlcv.iter().map(|b| b.2).collect(),
            close: ohlcv.iter().map(|b| b.3).collect(),
            volume: ohlcv.iter().map(|b| b.4).collect(),
            adj_close: None,
            close_only: false,
        }
    }

    #[test]
    fn finds_flat_bars_runs_and_big_moves() {
        let ok = (10.0, 11.0, 9.0, 10.0, 100.0);
        let flat = (10.0, 10.0, 10.0, 10.0, 100.0);
        let flat_no_volume = (10.0, 10.0, 10.0, 10.0, 0.0);
        let split = (5.0, 5.5, 4.5, 5.0, 100.0);
        let b = bars(&[
            ok,
            flat,
            flat,
            flat_no_volume, // a run of 3 zero-range bars, 2 of them traded
            ok,
            flat, // a single flat bar: flagged, but no run
            split,
            (20.0, 21.0, 19.0, 20.0, 100.0), // +300%
        ]);
        let f = check(&b);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!((f[0].count, f[0].examples[0].0), (3, 1));
        assert_eq!(
            (f[1].count, f[1].examples[0].clone()),
            (1, (1, "3 bars".to_string()))
        );
        // -50% exactly is not beyond ±50%; +300% is.
        assert_eq!(f[2].count, 1);
        assert_eq!(f[2].examples[0], (7, "+300.0%".to_string()));
        let mut close_only = b.clone();
        close_only.close_only = true;
        assert_eq!(check(&close_only).len(), 1); // only the move
    }
}
