//! Parquet column chunks decoded straight into a symbol's output columns, for the fast path of
//! per-symbol files ([`crate::parquet_fast`]).
//!
//! Each needed column is decoded on its own rayon task, row group after row group in file
//! order, by Parquet's typed column reader writing into the output vector itself: the vector
//! was reserved once for every row (fallibly, see [`crate::fallible`]) and is never pre-filled,
//! so each page of the output is touched by the decoder only, with no Arrow array in between.
//! The per-column checks (timestamps strictly increasing, volumes finite and non-negative)
//! run on each decoded batch while it is still in cache.
//!
//! Anything this module does not handle (a physical or logical type other than the expected
//! one, a null, a nested column, fewer values than the footer promised, a decoder error or
//! panic) gives `None`, and the caller reads the file row by row, which names the row.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{LogicalType, TimeUnit};
use parquet::column::reader::{get_column_reader, ColumnReaderImpl};
use parquet::data_type::{DataType as ParquetType, DoubleType, Int32Type, Int64Type};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::serialized_reader::SerializedPageReader;
use parquet::schema::types::{ColumnDescriptor, SchemaDescriptor};
use rayon::prelude::*;

use crate::arrow_values::TsKind;
use crate::parquet_fast::{bars_pass_checks, strictly_increasing, volumes_pass_checks};
use crate::parquet_file::ParquetFile;
use crate::parquet_open::quietly;
use crate::time::NS_PER_DAY;

/// Rows decoded per call of the column reader: the definition levels and any conversion
/// buffer stay this small. Tiny in tests, so small files take several batches per row group.
const BATCH_ROWS: usize = if cfg!(test) { 7 } else { 65_536 };

/// The row groups to decode, on the footer parsed once for the file.
pub(crate) struct Groups<'a> {
    /// The file; each column opens it for itself (see [`Cursor`]).
    pub path: &'a Path,
    /// Its footer.
    pub meta: &'a ParquetMetaData,
    /// The row groups, in file order.
    pub keep: &'a [usize],
    /// Rows of each row group of `keep`.
    pub rows: &'a [usize],
}

impl<'a> Groups<'a> {
    /// Row groups `keep` (of `rows` rows each) of `path`, whose footer is `meta`.
    pub(crate) fn new(
        path: &'a Path,
        meta: &'a ParquetMetaData,
        keep: &'a [usize],
        rows: &'a [usize],
    ) -> Self {
        Groups {
            path,
            meta,
            keep,
            rows,
        }
    }

    /// The leaf column of root column `root`, when it is a flat, non-repeated column.
    pub(crate) fn leaf(&self, root: usize) -> Option<usize> {
        let schema: &SchemaDescriptor = self.meta.file_metadata().schema_descr();
        let mut leaves =
            (0..schema.num_columns()).filter(|&l| schema.get_column_root_idx(l) == root);
        let leaf = leaves.next()?;
        let flat = leaves.next().is_none() && schema.column(leaf).max_rep_level() == 0;
        flat.then_some(leaf)
    }

    fn descr(&self, leaf: usize) -> Arc<ColumnDescriptor> {
        self.meta.file_metadata().schema_descr().column(leaf)
    }

    /// The typed reader of column `leaf` in row group `g`, reading `file`; `None` if its
    /// physical type is not `T`'s.
    fn reader<T: ParquetType>(
        &self,
        file: &Arc<ParquetFile>,
        g: usize,
        leaf: usize,
    ) -> Option<ColumnReaderImpl<T>> {
        let group = self.meta.row_groups().get(g)?;
        let chunk = group.columns().get(leaf)?;
        let rows = usize::try_from(group.num_rows()).ok()?;
        let pages = SerializedPageReader::new(Arc::clone(file), chunk, rows, None).ok()?;
        T::get_column_reader(get_column_reader(chunk.column_descr_ptr(), Box::new(pages)))
    }

    /// Decodes column `leaf` of every row group into `buf`, batch by batch, calling `batch`
    /// with `buf` and where the batch starts in it after each. `None` on a null, fewer values
    /// than the footer says, a decoder error, or `batch` refusing.
    fn decode<T: ParquetType>(
        &self,
        leaf: usize,
        buf: &mut Vec<T::T>,
        mut batch: impl FnMut(&mut Vec<T::T>, usize) -> Option<()>,
    ) -> Option<()> {
        let mut cursor = Cursor::<T>::new(self, leaf)?;
        loop {
            let start = buf.len();
            if cursor.next(self, buf)? == 0 {
                return Some(());
            }
            batch(buf, start)?;
        }
    }
}

/// One column read row group after row group, a batch at a time, through its own handle of
/// the file: Parquet's page reader seeks a duplicate of the handle it is given, and duplicates
/// share one file offset, so columns read on different threads through one handle would read
/// each other's pages.
struct Cursor<T: ParquetType> {
    file: Arc<ParquetFile>,
    leaf: usize,
    /// The column may hold nulls (has definition levels).
    optional: bool,
    levels: Vec<i16>,
    /// The next row group to open (an index into `keep`).
    next_group: usize,
    reader: Option<ColumnReaderImpl<T>>,
    /// Rows left in the open row group.
    left: usize,
}

impl<T: ParquetType> Cursor<T> {
    /// `None` if the file cannot be opened again.
    fn new(groups: &Groups, leaf: usize) -> Option<Self> {
        Some(Cursor {
            file: Arc::new(ParquetFile::new(File::open(groups.path).ok()?)),
            leaf,
            optional: groups.descr(leaf).max_def_level() > 0,
            levels: Vec::new(),
            next_group: 0,
            reader: None,
            left: 0,
        })
    }

    /// Appends the next batch (at most [`BATCH_ROWS`] rows, never across row groups) to
    /// `buf`: its rows, 0 after the last row group. `None` on a null, fewer values than the
    /// footer says, or a decoder error.
    fn next(&mut self, groups: &Groups, buf: &mut Vec<T::T>) -> Option<usize> {
        while self.left == 0 {
            let Some(&g) = groups.keep.get(self.next_group) else {
                return Some(0);
            };
            self.reader = Some(groups.reader::<T>(&self.file, g, self.leaf)?);
            self.left = *groups.rows.get(self.next_group)?;
            self.next_group += 1;
        }
        let reader = self.reader.as_mut()?;
        let start = buf.len();
        self.levels.clear();
        let def = self.optional.then_some(&mut self.levels);
        let (records, values, _) = reader
            .read_records(self.left.min(BATCH_ROWS), def, None, buf)
            .ok()?;
        // A null leaves a value out: the row-by-row path names it.
        if records == 0 || values != records || buf.len() != start + records {
            return None;
        }
        self.left -= records;
        Some(records)
    }
}

/// The price columns, decoded in step a batch at a time so the checks of
/// [`crate::validate::check_ohlc`] run on each batch while it is in cache.
pub(crate) struct Prices<'a> {
    /// The close's leaf and output.
    pub close: (usize, &'a mut Vec<f64>),
    /// Open, high and low (None: close-only, checked as open = high = low = close).
    pub ohlc: Option<[(usize, &'a mut Vec<f64>); 3]>,
}

impl Prices<'_> {
    fn decode(self, groups: &Groups) -> Option<()> {
        let (leaf, close) = self.close;
        let mut cursor = Cursor::<DoubleType>::new(groups, leaf)?;
        let mut others = match self.ohlc {
            Some([(o, open), (h, high), (l, low)]) => Some([
                (Cursor::<DoubleType>::new(groups, o)?, open),
                (Cursor::<DoubleType>::new(groups, h)?, high),
                (Cursor::<DoubleType>::new(groups, l)?, low),
            ]),
            None => None,
        };
        loop {
            let start = close.len();
            let n = cursor.next(groups, close)?;
            if n == 0 {
                return Some(());
            }
            let c = &close[start..];
            let ok = match others.as_mut() {
                Some([(co, o), (ch, h), (cl, l)]) => {
                    let same = [
                        co.next(groups, o)?,
                        ch.next(groups, h)?,
                        cl.next(groups, l)?,
                    ];
                    same == [n; 3] && bars_pass_checks(&o[start..], &h[start..], &l[start..], c)
                }
                None => bars_pass_checks(c, c, c, c),
            };
            if !ok {
                return None;
            }
        }
    }
}

/// How a timestamp column's stored values become instants (ns UTC).
#[derive(Debug, Clone, Copy)]
enum Stored {
    /// INT64 timestamps of this many ns per unit.
    Int64(i64),
    /// INT32 days since the epoch.
    Days,
}

/// How column `leaf` stores the instants of `kind`, when its Parquet type says exactly what
/// Arrow reads as `kind` (same unit: no rescaling by a stored Arrow schema).
fn stored(descr: &ColumnDescriptor, kind: TsKind) -> Option<Stored> {
    match (descr.logical_type_ref()?, kind) {
        (LogicalType::Timestamp(t), TsKind::Instant(f)) => {
            let per_unit = match t.unit {
                TimeUnit::MILLIS => 1_000_000,
                TimeUnit::MICROS => 1_000,
                TimeUnit::NANOS => 1,
            };
            (per_unit == f).then_some(Stored::Int64(f))
        }
        // Arrow reads a Date64 stored as days as days x 86,400,000 ms: the same instants.
        (LogicalType::Date, TsKind::Date32 | TsKind::Date64) => Some(Stored::Days),
        _ => None,
    }
}

/// What the timestamp column held, beyond its values.
pub(crate) struct Instants {
    /// Every instant is a UTC midnight.
    pub midnight: bool,
}

/// Checks of the instants as they are decoded: strictly increasing, midnights.
struct InstantChecks {
    last: Option<i64>,
    midnight: bool,
}

impl InstantChecks {
    fn check(&mut self, ts: &[i64]) -> Option<()> {
        let (&first, &last) = (ts.first()?, ts.last()?);
        if self.last.is_some_and(|p| p >= first) || !strictly_increasing(ts) {
            return None;
        }
        self.last = Some(last);
        self.midnight &= ts.iter().all(|t| t.rem_euclid(NS_PER_DAY) == 0);
        Some(())
    }
}

/// Writes `values` times `factor` to `out` (same length); `None` on overflow.
fn scale(values: impl Iterator<Item = i64>, factor: i64, out: &mut [i64]) -> Option<()> {
    let limit = (i64::MAX / factor).unsigned_abs();
    let mut ok = true;
    for (d, v) in out.iter_mut().zip(values) {
        ok &= v.unsigned_abs() <= limit;
        *d = v.wrapping_mul(factor);
    }
    ok.then_some(())
}

/// Decodes the timestamp column `leaf` (of `kind`) into `out` as instants (ns UTC), checking
/// they strictly increase.
fn decode_instants(
    groups: &Groups,
    leaf: usize,
    kind: TsKind,
    out: &mut Vec<i64>,
) -> Option<Instants> {
    let mut checks = InstantChecks {
        last: None,
        midnight: true,
    };
    match stored(&groups.descr(leaf), kind)? {
        Stored::Int64(factor) => groups.decode::<Int64Type>(leaf, out, |buf, start| {
            let new = &mut buf[start..];
            if factor != 1 {
                for t in new.iter_mut() {
                    *t = t.checked_mul(factor)?;
                }
            }
            checks.check(new)
        })?,
        Stored::Days => {
            let mut days: Vec<i32> = Vec::new();
            groups.decode::<Int32Type>(leaf, &mut days, |buf, _| {
                let start = out.len();
                out.resize(start + buf.len(), 0);
                scale(buf.drain(..).map(i64::from), NS_PER_DAY, &mut out[start..])?;
                checks.check(&out[start..])
            })?;
        }
    }
    Some(Instants {
        midnight: checks.midnight,
    })
}

/// One output column to decode.
pub(crate) enum Job<'a> {
    /// The prices, checked.
    Prices(Prices<'a>),
    /// float64 adjusted closes, copied as stored.
    Copy(usize, &'a mut Vec<f64>),
    /// float64 volumes, checked.
    Volumes(usize, &'a mut Vec<f64>),
    /// int64 volumes, converted to float64 as the row-by-row path converts them, checked.
    IntVolumes(usize, &'a mut Vec<f64>),
    /// The timestamp column, of this kind.
    Instants(usize, TsKind, &'a mut Vec<i64>),
}

impl Job<'_> {
    /// Decodes this column; the instants' findings for the timestamp column.
    fn run(self, groups: &Groups) -> Option<Option<Instants>> {
        match self {
            Job::Prices(prices) => prices.decode(groups)?,
            Job::Copy(leaf, out) => groups.decode::<DoubleType>(leaf, out, |_, _| Some(()))?,
            Job::Volumes(leaf, out) => groups.decode::<DoubleType>(leaf, out, |buf, start| {
                volumes_pass_checks(&buf[start..]).then_some(())
            })?,
            Job::IntVolumes(leaf, out) => {
                let mut ints: Vec<i64> = Vec::new();
                groups.decode::<Int64Type>(leaf, &mut ints, |buf, _| {
                    let start = out.len();
                    out.extend(buf.drain(..).map(|x| x as f64));
                    volumes_pass_checks(&out[start..]).then_some(())
                })?;
            }
            Job::Instants(leaf, kind, out) => {
                return decode_instants(groups, leaf, kind, out).map(Some)
            }
        }
        Some(None)
    }
}

/// Runs every job, in parallel; the timestamp column's findings, or `None` when any column
/// is left to the row-by-row path. Deterministic: each job writes only its own column.
pub(crate) fn run(groups: &Groups, jobs: Vec<Job<'_>>) -> Option<Instants> {
    let done: Option<Vec<Option<Instants>>> = jobs
        .into_par_iter()
        .map(|job| quietly(|| job.run(groups)).flatten())
        .collect();
    done?.into_iter().flatten().next()
}
