//! The fast path of the Parquet bar reader, for the common file: one symbol per file (no
//! symbol column), every needed column free of nulls, float64 prices, float64 or int64
//! volume, timestamps
//! strictly increasing, and every kept row group wholly inside the date range.
//!
//! Kept row groups are decoded in parallel (one reader per row group, rayon), and the checks
//! of [`crate::validate`] run as tight passes over whole columns instead of row by row.
//!
//! Invariant: this path accepts exactly the files the row-by-row path accepts and produces the
//! same bars. It reports no error of its own but running out of memory for the output columns
//! (allocated fallibly, see [`crate::fallible`]): anything it does not handle (a null, an
//! integer or float32 column, a row group straddling the date range, unsorted or duplicate
//! timestamps, a value that fails a check, a decoder error) makes it return `None`, and the
//! caller reads the file row by row, which names the exact row and column.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float64Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::Array;
use arrow_schema::{DataType, Schema, TimeUnit};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use rayon::prelude::*;

use crate::fallible::Site;
use crate::market::SymbolBars;
use crate::parquet_bars::{quietly, TsKind};
use crate::time::{DAILY_CLOSE_UTC_HOUR, NS_PER_DAY, NS_PER_SEC};
use crate::validate::{MAX_PRICE, MIN_PRICE, REL_TOL};
use crate::DataError;

/// Schema positions of the columns the fast path reads (file column indices).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastCols {
    /// Timestamp or date column.
    pub ts: usize,
    /// Open, high, low (None: a close-only series).
    pub ohlc: Option<[usize; 3]>,
    /// Close column.
    pub close: usize,
    /// Volume column, if any.
    pub volume: Option<usize>,
    /// Adjusted close column, if any.
    pub adj: Option<usize>,
}

/// What the fast path read: one symbol's bars in file order, and whether they are daily.
pub(crate) struct FastBars {
    /// The bars (timestamps already mapped to bar closes).
    pub bars: SymbolBars,
    /// True when every timestamp was a UTC midnight (or the column is a date type).
    pub daily: bool,
}

/// True when every price and adjusted-close column is float64 and the volume float64 or
/// int64, the types the fast path decodes.
pub(crate) fn eligible(schema: &Schema, cols: &FastCols) -> bool {
    let ty = |i: usize| schema.fields()[i].data_type();
    let f64_col = |i: usize| ty(i) == &DataType::Float64;
    cols.ohlc.iter().flatten().all(|&i| f64_col(i))
        && f64_col(cols.close)
        && cols
            .volume
            .is_none_or(|v| matches!(ty(v), DataType::Float64 | DataType::Int64))
        && cols.adj.is_none_or(f64_col)
}

/// Reads row groups `keep` (of `group_rows` rows each) of `path`, whose footer `meta` the
/// caller parsed once (each worker reuses it: re-parsing it per row group made files of many
/// row groups quadratic to load): `wanted` are the projected
/// columns in file order, `in_range` the date filter on raw instants (the groups' statistics
/// said every row is inside it; the decoded values must agree). `Ok(None)` means "take the
/// row-by-row path"; the only error is running out of memory for the columns.
///
/// The output columns are allocated once (zeroed by the kernel, so untouched until written)
/// and each row group is decoded, batch by batch, straight into its own slice of them on a
/// rayon worker: Arrow's batch buffers are reused from batch to batch, and no page of the
/// output is touched twice.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read(
    path: &Path,
    meta: &ArrowReaderMetadata,
    symbol: &str,
    cols: &FastCols,
    kind: TsKind,
    wanted: &[usize],
    keep: &[usize],
    group_rows: &[usize],
    in_range: impl Fn(i64) -> bool,
    skip_volume: bool,
) -> Result<Option<FastBars>, DataError> {
    let total: usize = group_rows.iter().sum();
    let Some(at) = Positions::of(cols, wanted) else {
        return Ok(None);
    };
    let site = Site {
        path,
        what: "the bar columns",
    };
    let mut b = columns(&site, symbol, &at, total, skip_volume)?;
    let chunks = chunk_groups(keep, group_rows);
    let lens: Vec<usize> = chunks.iter().map(|c| c.1).collect();
    let dests = split_dest(&mut b, &lens, at.volume.is_some());
    let midnight: Option<Vec<bool>> = dests
        .into_par_iter()
        .zip(chunks.into_par_iter())
        .map(|(dest, (groups, _))| decode_groups(path, meta, wanted, groups, kind, &at, dest))
        .collect();
    Ok(midnight.and_then(|m| finish(b, kind, m.iter().all(|&m| m), in_range)))
}

/// The output columns of `total` bars, allocated once (fallibly: a file too big for memory is
/// an error, not an abort). The volume is NaN when the file has none (and is read).
fn columns(
    site: &Site,
    symbol: &str,
    at: &Positions,
    total: usize,
    skip_volume: bool,
) -> Result<SymbolBars, DataError> {
    let zeros = |n: usize| site.filled(n, 0.0);
    Ok(SymbolBars {
        symbol: symbol.to_string(),
        timestamps: site.filled(total, 0)?,
        open: zeros(total)?,
        high: zeros(total)?,
        low: zeros(total)?,
        close: zeros(total)?,
        volume: match (at.volume, skip_volume) {
            (Some(_), _) => zeros(total)?,
            (None, false) => site.filled(total, f64::NAN)?,
            (None, true) => Vec::new(),
        },
        adj_close: at.adj.map(|_| zeros(total)).transpose()?,
        close_only: at.ohlc.is_none(),
    })
}

/// The checks across row groups (each group was checked by its worker), then the daily closes.
fn finish(
    mut b: SymbolBars,
    kind: TsKind,
    all_midnight: bool,
    in_range: impl Fn(i64) -> bool,
) -> Option<FastBars> {
    if !strictly_increasing(&b.timestamps) {
        return None;
    }
    // Sorted: the first and last instants bound the rest.
    let (first, last) = (b.timestamps.first()?, b.timestamps.last()?);
    if !in_range(*first) || !in_range(*last) {
        return None;
    }
    let daily = is_daily(kind, all_midnight);
    if daily {
        to_daily_closes(&mut b.timestamps)?;
    }
    #[cfg(test)]
    TAKEN.with(|n| n.set(n.get() + 1));
    Some(FastBars { bars: b, daily })
}

#[cfg(test)]
thread_local! {
    /// Files this thread read by the fast path (tests check which path ran).
    pub(crate) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Positions of the needed columns in a projected batch.
pub(crate) struct Positions {
    /// Timestamp or date column.
    pub ts: usize,
    /// Close column.
    pub close: usize,
    /// Open, high, low (None: close-only).
    pub ohlc: Option<[usize; 3]>,
    /// Volume column, if read.
    pub volume: Option<usize>,
    /// Adjusted close column, if any.
    pub adj: Option<usize>,
}

impl Positions {
    /// Where the file columns `cols` sit among the projected columns `wanted` (file order);
    /// `None` if one is not projected.
    pub(crate) fn of(cols: &FastCols, wanted: &[usize]) -> Option<Positions> {
        let pos = |i: usize| wanted.iter().position(|&w| w == i);
        Some(Positions {
            ts: pos(cols.ts)?,
            close: pos(cols.close)?,
            ohlc: match cols.ohlc {
                Some([o, h, l]) => Some([pos(o)?, pos(h)?, pos(l)?]),
                None => None,
            },
            volume: match cols.volume {
                Some(v) => Some(pos(v)?),
                None => None,
            },
            adj: match cols.adj {
                Some(a) => Some(pos(a)?),
                None => None,
            },
        })
    }
}

/// One row group's share of the output columns.
struct Dest<'a> {
    ts: &'a mut [i64],
    open: &'a mut [f64],
    high: &'a mut [f64],
    low: &'a mut [f64],
    close: &'a mut [f64],
    volume: Option<&'a mut [f64]>,
    adj: Option<&'a mut [f64]>,
}

/// Cuts every output column into consecutive pieces of `lens` rows (the volume only when it
/// is decoded: without a volume column it is NaN already).
fn split_dest<'a>(b: &'a mut SymbolBars, lens: &[usize], volume: bool) -> Vec<Dest<'a>> {
    fn cut<'a, T>(mut rest: &'a mut [T], lens: &[usize]) -> Vec<&'a mut [T]> {
        let mut out = Vec::with_capacity(lens.len());
        for &n in lens {
            let (head, tail) = rest.split_at_mut(n);
            out.push(head);
            rest = tail;
        }
        out
    }
    let ts = cut(&mut b.timestamps, lens);
    let open = cut(&mut b.open, lens);
    let high = cut(&mut b.high, lens);
    let low = cut(&mut b.low, lens);
    let close = cut(&mut b.close, lens);
    let mut volume = volume.then(|| cut(&mut b.volume, lens).into_iter());
    let mut adj = b.adj_close.as_mut().map(|a| cut(a, lens).into_iter());
    ts.into_iter()
        .zip(open)
        .zip(high)
        .zip(low)
        .zip(close)
        .map(|((((ts, open), high), low), close)| Dest {
            ts,
            open,
            high,
            low,
            close,
            volume: volume.as_mut().and_then(Iterator::next),
            adj: adj.as_mut().and_then(Iterator::next),
        })
        .collect()
}

/// Decodes row groups `groups` (consecutive, in file order) into `dest` and checks them
/// (values, strictly increasing instants); `Some(all instants are UTC midnights)`, or `None` on
/// anything the fast path leaves to the row-by-row reader (including a decoder error or
/// panic). The footer `meta` was parsed once for the whole file.
fn decode_groups(
    path: &Path,
    meta: &ArrowReaderMetadata,
    wanted: &[usize],
    groups: Vec<usize>,
    kind: TsKind,
    at: &Positions,
    mut dest: Dest<'_>,
) -> Option<bool> {
    quietly(move || {
        let reader = group_reader(path, meta, wanted, groups)?;
        let mut row = 0;
        for batch in reader {
            let batch = batch.ok()?;
            let n = batch.num_rows();
            if row + n > dest.ts.len() || batch.columns().iter().any(|c| c.null_count() > 0) {
                return None;
            }
            let r = row..row + n;
            let f = |k: usize| {
                batch
                    .column(k)
                    .as_primitive_opt::<Float64Type>()
                    .map(|a| a.values())
            };
            write_instants(batch.column(at.ts).as_ref(), kind, &mut dest.ts[r.clone()])?;
            let close = f(at.close)?;
            dest.close[r.clone()].copy_from_slice(close);
            match at.ohlc {
                Some([o, h, l]) => {
                    dest.open[r.clone()].copy_from_slice(f(o)?);
                    dest.high[r.clone()].copy_from_slice(f(h)?);
                    dest.low[r.clone()].copy_from_slice(f(l)?);
                }
                None => {
                    dest.open[r.clone()].copy_from_slice(close);
                    dest.high[r.clone()].copy_from_slice(close);
                    dest.low[r.clone()].copy_from_slice(close);
                }
            }
            if let (Some(dst), Some(v)) = (dest.volume.as_deref_mut(), at.volume) {
                let volume = &mut dst[r.clone()];
                match batch.column(v).as_primitive_opt::<Int64Type>() {
                    // As the row-by-row path converts it.
                    Some(ints) => {
                        for (d, &x) in volume.iter_mut().zip(ints.values().iter()) {
                            *d = x as f64;
                        }
                    }
                    None => volume.copy_from_slice(f(v)?),
                }
            }
            if let (Some(dst), Some(a)) = (dest.adj.as_deref_mut(), at.adj) {
                dst[r.clone()].copy_from_slice(f(a)?);
            }
            row += n;
        }
        if row != dest.ts.len() || !strictly_increasing(dest.ts) {
            return None;
        }
        let ok = bars_pass_checks(dest.open, dest.high, dest.low, dest.close)
            && dest.volume.as_deref().is_none_or(volumes_pass_checks);
        ok.then(|| dest.ts.iter().all(|t| t.rem_euclid(NS_PER_DAY) == 0))
    })
    .flatten()
}

/// A reader of the projected columns `wanted` of row groups `groups` of `path`, on the footer
/// `meta` parsed once for the whole file.
pub(crate) fn group_reader(
    path: &Path,
    meta: &ArrowReaderMetadata,
    wanted: &[usize],
    groups: Vec<usize>,
) -> Option<ParquetRecordBatchReader> {
    let file = File::open(path).ok()?;
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta.clone());
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.iter().copied());
    builder
        .with_row_groups(groups)
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .ok()
}

/// Rows per decoded batch: small enough that Arrow's buffers stay in cache and are reused.
const BATCH_ROWS: usize = 16_384;

/// Fewest rows one reader decodes (consecutive row groups are joined up to this); tiny in
/// tests, so small files exercise the joining of chunks.
const CHUNK_ROWS: usize = if cfg!(test) { 16 } else { 65_536 };

/// Row groups `keep` (of `group_rows` rows each) cut into runs of consecutive groups of at
/// least [`CHUNK_ROWS`] rows (the last may be shorter), each with its number of rows: one reader
/// per run, so a file of many tiny row groups costs one reader per chunk, not one per group.
pub(crate) fn chunk_groups(keep: &[usize], group_rows: &[usize]) -> Vec<(Vec<usize>, usize)> {
    let mut chunks: Vec<(Vec<usize>, usize)> = Vec::new();
    for (&g, &n) in keep.iter().zip(group_rows) {
        match chunks.last_mut() {
            Some((groups, rows)) if *rows < CHUNK_ROWS => {
                groups.push(g);
                *rows += n;
            }
            _ => chunks.push((vec![g], n)),
        }
    }
    chunks
}

/// Writes the instants (ns UTC) of a timestamp or date column into `out` (same length);
/// `None` on overflow or an unexpected type.
pub(crate) fn write_instants(arr: &dyn Array, kind: TsKind, out: &mut [i64]) -> Option<()> {
    fn scaled(values: impl Iterator<Item = i64>, factor: i64, out: &mut [i64]) -> Option<()> {
        let limit = i64::MAX / factor;
        let mut ok = true;
        for (d, v) in out.iter_mut().zip(values) {
            ok &= v.abs() <= limit;
            *d = v.wrapping_mul(factor);
        }
        ok.then_some(())
    }
    if arr.len() != out.len() {
        return None;
    }
    match (kind, arr.data_type()) {
        (TsKind::Instant(f), DataType::Timestamp(unit, _)) => {
            let values: &[i64] = match unit {
                TimeUnit::Second => arr.as_primitive_opt::<TimestampSecondType>()?.values(),
                TimeUnit::Millisecond => {
                    arr.as_primitive_opt::<TimestampMillisecondType>()?.values()
                }
                TimeUnit::Microsecond => {
                    arr.as_primitive_opt::<TimestampMicrosecondType>()?.values()
                }
                TimeUnit::Nanosecond => arr.as_primitive_opt::<TimestampNanosecondType>()?.values(),
            };
            if f == 1 {
                out.copy_from_slice(values);
                return Some(());
            }
            scaled(values.iter().copied(), f, out)
        }
        (TsKind::Date32, DataType::Date32) => {
            let days = arr.as_primitive_opt::<Date32Type>()?.values();
            scaled(days.iter().map(|&d| i64::from(d)), NS_PER_DAY, out)
        }
        (TsKind::Date64, DataType::Date64) => {
            let ms = arr.as_primitive_opt::<Date64Type>()?.values();
            scaled(ms.iter().map(|m| m.div_euclid(86_400_000)), NS_PER_DAY, out)
        }
        _ => None,
    }
}

/// True when the bars are daily: a date column, or instants that were all UTC midnights.
pub(crate) fn is_daily(kind: TsKind, all_midnight: bool) -> bool {
    match kind {
        TsKind::Instant(_) => all_midnight,
        TsKind::Date32 | TsKind::Date64 => true,
    }
}

/// Moves UTC midnights to the daily close instant, as the row-by-row path does; `None` on
/// overflow.
pub(crate) fn to_daily_closes(ts: &mut [i64]) -> Option<()> {
    let close_offset = DAILY_CLOSE_UTC_HOUR * 3600 * NS_PER_SEC;
    for t in ts {
        *t = t.checked_add(close_offset)?;
    }
    Some(())
}

pub(crate) fn strictly_increasing(ts: &[i64]) -> bool {
    ts.windows(2).all(|w| w[0] < w[1])
}

/// The checks of [`crate::validate::check_volume`] over a whole volume column.
pub(crate) fn volumes_pass_checks(volume: &[f64]) -> bool {
    // `0 <= v < inf` is "finite and non-negative" (NaN fails it).
    volume
        .iter()
        .fold(true, |ok, &v| ok & (0.0..f64::INFINITY).contains(&v))
}

/// The checks of [`crate::validate::check_ohlc`] over every bar at once, with the same
/// tolerance: false when any bar would be rejected.
pub(crate) fn bars_pass_checks(open: &[f64], high: &[f64], low: &[f64], close: &[f64]) -> bool {
    // Branch-free over fixed chunks so the compiler vectorizes it; a price in
    // [MIN_PRICE, MAX_PRICE] is finite and positive (NaN fails both comparisons).
    let rows = open
        .iter()
        .zip(high)
        .zip(low)
        .zip(close)
        .map(|(((&o, &h), &l), &c)| (o, h, l, c));
    let mut ok = true;
    for (o, h, l, c) in rows {
        let price_ok = |x: f64| (MIN_PRICE..=MAX_PRICE).contains(&x);
        let slack = |a: f64, b: f64| REL_TOL * a.abs().max(b.abs());
        ok &= price_ok(o) & price_ok(h) & price_ok(l) & price_ok(c);
        ok &= h >= l - slack(h, l);
        ok &= (o >= l - slack(o, l)) & (o <= h + slack(o, h));
        ok &= (c >= l - slack(c, l)) & (c <= h + slack(c, h));
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(o: f64, h: f64, l: f64, c: f64, v: f64) -> [f64; 5] {
        [o, h, l, c, v]
    }

    fn pass([o, h, l, c, v]: &[f64; 5]) -> bool {
        bars_pass_checks(&[*o], &[*h], &[*l], &[*c]) && volumes_pass_checks(&[*v])
    }

    #[test]
    fn checks_agree_with_the_row_by_row_rules() {
        assert!(pass(&bars(10.0, 11.0, 9.0, 10.5, 100.0)));
        assert!(pass(&bars(10.0, 11.0, 9.0, 10.5, 0.0)));
        // Within the relative tolerance.
        assert!(pass(&bars(11.0 + 1e-12, 11.0, 9.0, 10.5, 0.0)));
        for bad in [
            bars(10.0, 9.0, 9.5, 9.6, 1.0),            // high < low
            bars(12.0, 11.0, 9.0, 10.5, 1.0),          // open above high
            bars(10.0, 11.0, 9.0, 8.0, 1.0),           // close below low
            bars(0.0, 11.0, 9.0, 10.0, 1.0),           // non-positive
            bars(f64::NAN, 11.0, 9.0, 10.0, 1.0),      // NaN price
            bars(10.0, f64::INFINITY, 9.0, 10.0, 1.0), // infinite price
            bars(10.0, 11.0, 9.0, 10.0, -1.0),         // negative volume
            bars(10.0, 11.0, 9.0, 10.0, f64::INFINITY),
            bars(10.0, 11.0, 9.0, 10.0, f64::NAN), // NaN volume, like inf
        ] {
            assert!(!pass(&bad), "{bad:?}");
        }
    }

    #[test]
    fn instants_scale_and_refuse_overflow() {
        let mut out = vec![0; 2];
        let a = arrow_array::TimestampSecondArray::from(vec![1, 2]);
        write_instants(&a, TsKind::Instant(NS_PER_SEC), &mut out).unwrap();
        assert_eq!(out, vec![NS_PER_SEC, 2 * NS_PER_SEC]);
        let big = arrow_array::TimestampSecondArray::from(vec![1, i64::MAX / 10]);
        assert!(write_instants(&big, TsKind::Instant(NS_PER_SEC), &mut out).is_none());
        let mut one = vec![0; 1];
        let d = arrow_array::Date32Array::from(vec![1]);
        write_instants(&d, TsKind::Date32, &mut one).unwrap();
        assert_eq!(one, vec![NS_PER_DAY]);
        let far = arrow_array::Date32Array::from(vec![i32::MAX]);
        assert!(write_instants(&far, TsKind::Date32, &mut one).is_none());
        // A length mismatch is refused, not truncated.
        assert!(write_instants(&d, TsKind::Date32, &mut out).is_none());
    }
}
