//! Joining one symbol's bars read from one or several files into its final columns: sorted by
//! timestamp, a duplicate timestamp refused naming both rows (see [`crate::load`]).

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::path::PathBuf;

use crate::fallible::Site;
use crate::market::SymbolBars;
use crate::parquet_bars::RawSymbol;
use crate::DataError;

/// Joins one symbol's parts (from one or several files), sorts by timestamp and rejects
/// duplicate timestamps, naming both rows. Parts on the shared timeline `shared` (see
/// [`crate::timeline`]) get their timestamps back only when they must be merged; the flag
/// returned says the bars' timestamps are `shared` (and left empty).
pub(crate) fn finish_symbol(
    mut parts: Vec<(PathBuf, RawSymbol)>,
    shared: &[i64],
) -> Result<(SymbolBars, bool), DataError> {
    // One part already strictly increasing (the usual per-symbol file): nothing to sort, no
    // duplicate possible, and the general path below would only copy it.
    if parts.len() == 1
        && (parts[0].1.on_shared || parts[0].1.bars.timestamps.windows(2).all(|w| w[0] < w[1]))
    {
        let (_, raw) = parts.pop().expect("one part");
        return Ok((raw.bars, raw.on_shared));
    }
    for (_, raw) in &mut parts {
        if raw.on_shared {
            raw.bars.timestamps = shared.to_vec();
            raw.on_shared = false;
        }
    }
    let Some(path) = parts.first().map(|(p, _)| p.clone()) else {
        return Ok((SymbolBars::default(), false));
    };
    let site = Site {
        path: &path,
        what: "the merged bar columns",
    };
    let total: usize = parts.iter().map(|(_, r)| r.bars.len()).sum();
    // (timestamp, part, index)
    let mut order: Vec<(i64, usize, usize)> = site.with_capacity(total)?;
    for (p, (_, raw)) in parts.iter().enumerate() {
        order.extend(
            raw.bars
                .timestamps
                .iter()
                .enumerate()
                .map(|(i, &t)| (t, p, i)),
        );
    }
    order.sort_by_key(|&(t, p, i)| (t, p, i));
    for w in order.windows(2) {
        let ((t, p1, i1), (t2, p2, i2)) = (w[0], w[1]);
        if t != t2 {
            continue;
        }
        let symbol = parts[p1].1.bars.symbol.clone();
        let (r1, r2) = (parts[p1].1.rows.get(i1), parts[p2].1.rows.get(i2));
        if p1 == p2 || parts[p1].0 == parts[p2].0 {
            return Err(DataError::Duplicate {
                path: parts[p1].0.clone(),
                symbol,
                timestamp: crate::time::format_ns(t),
                first_row: r1.min(r2),
                second_row: r1.max(r2),
            });
        }
        return Err(DataError::bad_value(
            &parts[p2].0,
            "duplicate bar",
            r2,
            Some(&symbol),
            Some(t),
            format!(
                "the same symbol and timestamp is at row {r1} of {}",
                parts[p1].0.display()
            ),
        ));
    }
    let first = parts.first().map(|(_, r)| &r.bars);
    let any_adj = parts.iter().any(|(_, r)| r.bars.adj_close.is_some());
    let any_volume = parts.iter().any(|(_, r)| !r.bars.volume.is_empty());
    let col = |on: bool| site.with_capacity::<f64>(if on { total } else { 0 });
    let mut out = SymbolBars {
        symbol: first.map(|b| b.symbol.clone()).unwrap_or_default(),
        timestamps: site.with_capacity(total)?,
        open: col(true)?,
        high: col(true)?,
        low: col(true)?,
        close: col(true)?,
        volume: col(any_volume)?,
        adj_close: any_adj.then(|| col(true)).transpose()?,
        close_only: parts.iter().any(|(_, r)| r.bars.close_only),
    };
    for &(t, p, i) in &order {
        let b = &parts[p].1.bars;
        out.timestamps.push(t);
        out.open.push(b.open[i]);
        out.high.push(b.high[i]);
        out.low.push(b.low[i]);
        out.close.push(b.close[i]);
        // Empty when volumes were not loaded (then for every part).
        if let Some(&v) = b.volume.get(i) {
            out.volume.push(v);
        }
        if let Some(dst) = out.adj_close.as_mut() {
            dst.push(b.adj_close.as_ref().map_or(f64::NAN, |a| a[i]));
        }
    }
    Ok((out, false))
}
