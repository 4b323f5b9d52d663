//! The fast path of the Parquet bar reader, for the common file: one symbol per file (no
//! symbol column), every needed column free of nulls, float64 prices, float64 or int64
//! volume, timestamps (INT64 of the unit Arrow reads, or INT32 dates) strictly increasing,
//! and every kept row group wholly inside the date range.
//!
//! Each needed column is decoded on its own rayon task straight into the output column
//! ([`crate::parquet_columns`]), and the checks of [`crate::validate`] run as tight passes over
//! whole columns instead of row by row. This module also holds what the fast path for files
//! with a symbol column ([`crate::parquet_fast_symbols`]) shares: Arrow row-group readers,
//! instants from Arrow arrays, the column checks.
//!
//! Invariant: this path accepts exactly the files the row-by-row path accepts and produces the
//! same bars. It reports no error of its own but running out of memory for the output columns
//! (allocated fallibly, see [`crate::fallible`]): anything it does not handle (a null, an
//! integer or float32 column, a row group straddling the date range, unsorted or duplicate
//! timestamps, a value that fails a check, a decoder error) makes it return `None`, and the
//! caller reads the file row by row, which names the exact row and column.

use std::fs::File;
use std::path::Path;

use crate::arrow_values::TsKind;
use crate::fallible::Site;
use crate::market::SymbolBars;
use crate::parquet_columns::{self, Groups, Job, Prices};
use crate::parquet_file::ParquetFile;
use crate::time::{DAILY_CLOSE_UTC_HOUR, NS_PER_DAY, NS_PER_SEC};
use crate::validate::{MAX_PRICE, MIN_PRICE, REL_TOL};
use crate::DataError;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::Array;
use arrow_schema::{DataType, Schema, TimeUnit};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;

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
/// caller parsed once (re-parsing it per row group made files of many row groups quadratic to
/// load): `in_range` is the date filter on raw instants (the groups' statistics said every row
/// is inside it; the decoded values must agree). `Ok(None)` means "take the row-by-row path";
/// the only error is running out of memory for the columns.
///
/// The output columns are reserved once, never pre-filled, and each is decoded straight into
/// by Parquet's column reader on its own rayon task ([`crate::parquet_columns`]): no page of
/// the output is touched twice and no Arrow array sits in between.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read(
    path: &Path,
    meta: &ArrowReaderMetadata,
    symbol: &str,
    cols: &FastCols,
    kind: TsKind,
    keep: &[usize],
    group_rows: &[usize],
    in_range: impl Fn(i64) -> bool,
    skip_volume: bool,
) -> Result<Option<FastBars>, DataError> {
    let total: usize = group_rows.iter().sum();
    let groups = Groups::new(path, meta.metadata(), keep, group_rows);
    let Some(leaves) = Leaves::of(&groups, meta.schema(), cols) else {
        return Ok(None);
    };
    let site = Site {
        path,
        what: "the bar columns",
    };
    let mut b = columns(&site, symbol, &leaves, total, skip_volume)?;
    let Some(instants) = parquet_columns::run(&groups, leaves.jobs(&mut b, kind)) else {
        return Ok(None);
    };
    if leaves.ohlc.is_none() {
        for c in [&mut b.open, &mut b.high, &mut b.low] {
            c.extend_from_slice(&b.close);
        }
    }
    Ok(finish(b, kind, instants.midnight, in_range))
}

/// The Parquet leaf columns of the fields the fast path reads.
struct Leaves {
    ts: usize,
    close: usize,
    ohlc: Option<[usize; 3]>,
    /// The volume's leaf and whether it is stored as int64.
    volume: Option<(usize, bool)>,
    adj: Option<usize>,
}

impl Leaves {
    /// The leaves of `cols` (fields of `schema`), when each is a flat column.
    fn of(groups: &Groups, schema: &Schema, cols: &FastCols) -> Option<Leaves> {
        let int64 = |i: usize| schema.fields()[i].data_type() == &DataType::Int64;
        Some(Leaves {
            ts: groups.leaf(cols.ts)?,
            close: groups.leaf(cols.close)?,
            ohlc: match cols.ohlc {
                Some([o, h, l]) => Some([groups.leaf(o)?, groups.leaf(h)?, groups.leaf(l)?]),
                None => None,
            },
            volume: match cols.volume {
                Some(v) => Some((groups.leaf(v)?, int64(v))),
                None => None,
            },
            adj: match cols.adj {
                Some(a) => Some(groups.leaf(a)?),
                None => None,
            },
        })
    }

    /// One job per decoded column of `b` (open, high and low of a close-only file are copies
    /// of the close, made afterwards).
    fn jobs<'a>(&self, b: &'a mut SymbolBars, kind: TsKind) -> Vec<Job<'a>> {
        let prices = Prices {
            close: (self.close, &mut b.close),
            ohlc: self
                .ohlc
                .map(|[o, h, l]| [(o, &mut b.open), (h, &mut b.high), (l, &mut b.low)]),
        };
        let mut jobs = vec![
            Job::Instants(self.ts, kind, &mut b.timestamps),
            Job::Prices(prices),
        ];
        match self.volume {
            Some((v, true)) => jobs.push(Job::IntVolumes(v, &mut b.volume)),
            Some((v, false)) => jobs.push(Job::Volumes(v, &mut b.volume)),
            None => {}
        }
        if let (Some(a), Some(out)) = (self.adj, b.adj_close.as_mut()) {
            jobs.push(Job::Copy(a, out));
        }
        jobs
    }
}

/// The output columns of `total` bars, reserved once (fallibly: a file too big for memory is
/// an error, not an abort) and empty but for the volume of a file without one (NaN, when
/// volumes are read).
fn columns(
    site: &Site,
    symbol: &str,
    leaves: &Leaves,
    total: usize,
    skip_volume: bool,
) -> Result<SymbolBars, DataError> {
    let room = |n: usize| site.with_capacity::<f64>(n);
    Ok(SymbolBars {
        symbol: symbol.to_string(),
        timestamps: site.with_capacity(total)?,
        open: room(total)?,
        high: room(total)?,
        low: room(total)?,
        close: room(total)?,
        volume: match (leaves.volume, skip_volume) {
            (Some(_), _) => room(total)?,
            (None, false) => site.filled(total, f64::NAN)?,
            (None, true) => Vec::new(),
        },
        adj_close: leaves.adj.map(|_| room(total)).transpose()?,
        close_only: leaves.ohlc.is_none(),
    })
}

/// The checks across the columns (each was checked as it was decoded: prices, volumes,
/// instants increasing), then the daily closes.
fn finish(
    mut b: SymbolBars,
    kind: TsKind,
    all_midnight: bool,
    in_range: impl Fn(i64) -> bool,
) -> Option<FastBars> {
    let total = b.timestamps.len();
    let lens_agree = [&b.open, &b.high, &b.low, &b.close]
        .iter()
        .all(|c| c.len() == total)
        && (b.volume.is_empty() || b.volume.len() == total)
        && b.adj_close.as_ref().is_none_or(|a| a.len() == total);
    if !lens_agree {
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

/// A reader of the projected columns `wanted` of row groups `groups` of `path`, on the footer
/// `meta` parsed once for the whole file.
pub(crate) fn group_reader(
    path: &Path,
    meta: &ArrowReaderMetadata,
    wanted: &[usize],
    groups: Vec<usize>,
) -> Option<ParquetRecordBatchReader> {
    let file = ParquetFile::new(File::open(path).ok()?);
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
