//! One timeline for the symbols whose bars sit on the same instants, so a loaded market does
//! not keep a timestamp per bar per symbol (8 bytes a bar, as much as a price column) until it
//! is aligned.
//!
//! Invariant: a symbol is marked as on the shared timeline only when its timestamps are equal
//! to it, and the shared timeline is strictly increasing; so restoring them gives back exactly
//! what the reader produced. Which file sets the timeline depends on thread timing, but not the
//! result: a symbol on it and a symbol with its own equal copy align the same way.

use std::sync::OnceLock;

use crate::parquet_bars::FileBars;
use crate::parquet_fast::strictly_increasing;

/// The timeline shared by the files read in parallel: set by the first symbol read whose
/// timestamps are strictly increasing.
#[derive(Debug, Default)]
pub(crate) struct SharedTimeline(OnceLock<Vec<i64>>);

impl SharedTimeline {
    /// Drops the timestamps of every symbol of `f` that sit on the shared timeline (setting it
    /// from the first such symbol), marking them [`crate::parquet_bars::RawSymbol::on_shared`].
    pub(crate) fn share(&self, f: &mut FileBars) {
        for raw in &mut f.symbols {
            let ts = &raw.bars.timestamps;
            let shared = match self.0.get() {
                Some(shared) => shared,
                None if strictly_increasing(ts) => self.0.get_or_init(|| ts.clone()),
                None => continue,
            };
            if shared == ts {
                raw.bars.timestamps = Vec::new();
                raw.on_shared = true;
            }
        }
    }

    /// The shared timeline (empty when no symbol set it).
    pub(crate) fn into_inner(self) -> Vec<i64> {
        self.0.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::Float32Array;

    use crate::load::{load_bars, load_bars_shared, load_market, Columns, LoadOptions};
    use crate::market::MarketBuilder;
    use crate::parquet_bars::test_util::{daily_cols, with_col, write};

    #[test]
    fn symbols_on_one_timeline_keep_no_copy_of_it_and_align_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let dates = ["2026-01-05", "2026-01-06", "2026-01-07"];
        let px = [10.0, 11.0, 12.0];
        write(&dir.path().join("A.parquet"), daily_cols(None, &dates, &px));
        // Float32 closes: read row by row, and shared all the same.
        let f32s: Arc<Float32Array> = Arc::new(Float32Array::from(vec![10.0f32, 11.0, 12.0]));
        write(
            &dir.path().join("B.parquet"),
            with_col(daily_cols(None, &dates, &px), "close", f32s),
        );
        write(&dir.path().join("C.parquet"), daily_cols(None, &dates, &px));
        // Another set of dates: keeps its own timestamps.
        write(
            &dir.path().join("D.parquet"),
            daily_cols(None, &["2026-01-06", "2026-01-08"], &[20.0, 21.0]),
        );
        let opts = LoadOptions::default();
        let shared = load_bars_shared(dir.path(), &opts, Columns::default()).unwrap();
        let flags: Vec<(String, bool, usize)> = shared
            .bars
            .iter()
            .map(|(b, on)| (b.symbol.clone(), *on, b.timestamps.len()))
            .collect();
        let expect = |s: &str, on: bool, n: usize| (s.to_string(), on, n);
        assert_eq!(
            flags,
            vec![
                expect("A", true, 0),
                expect("B", true, 0),
                expect("C", true, 0),
                expect("D", false, 2)
            ]
        );
        assert_eq!(shared.timeline.len(), 3);

        // The public bars carry every timestamp, and a market built from them is the market
        // the loader builds on the shared timeline.
        let (bars, daily, _) = load_bars(dir.path(), &opts).unwrap();
        assert!(bars.iter().all(|b| b.timestamps.len() == b.close.len()));
        assert_eq!(bars[0].timestamps, shared.timeline);
        let mut builder = MarketBuilder::new(daily);
        for b in bars {
            builder.add(b);
        }
        let by_copies = builder.build();
        let loaded = load_market(dir.path(), None, &opts).unwrap().market;
        // Debug text: NaN gaps compare unequal under PartialEq.
        assert_eq!(format!("{loaded:?}"), format!("{by_copies:?}"));
        assert_eq!(loaded.n_bars(), 4);
        assert!(loaded.close(3)[0].is_nan());
        assert_eq!(loaded.close(3)[1], 20.0);
    }
}
