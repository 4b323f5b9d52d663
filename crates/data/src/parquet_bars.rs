//! Reading OHLCV bars from Parquet: one file, a directory of per-symbol files, or hive folders
//! `symbol=XYZ/`.
//!
//! Invariant: every bar this module hands out has passed the checks of [`crate::validate`], and
//! per-symbol bars come out sorted by timestamp with no duplicate (symbol, timestamp). Only the
//! needed columns are decoded, row groups wholly outside the date range are never decoded, and
//! rows outside the range or of unwanted symbols are dropped before validation (what is not
//! loaded is not judged). Everything here is crate-private: Arrow and Parquet types never leave
//! rotor-data; callers use [`crate::load`] and [`crate::inspect`].
//!
//! This module holds the reader's types, finds the columns and plans which row groups to decode;
//! the files behind a path come from `parquet_discover`, each is opened (its footer
//! checked) by `parquet_open`, decoded by the fast paths (`parquet_fast`,
//! `parquet_fast_symbols`) or row by row (`parquet_rows`, with the column
//! values of `arrow_values`), and a symbol's parts are joined by
//! `symbol_merge`.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use arrow_schema::Schema;
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use parquet::arrow::ProjectionMask;
use parquet::file::metadata::RowGroupMetaData;
use parquet::file::statistics::Statistics;

use crate::arrow_values::{is_numeric, is_string, string_values, ts_kind, TsKind};
use crate::columns::find_unique;
use crate::market::SymbolBars;
use crate::parquet_discover::BarSource;
use crate::parquet_fast::{self, FastCols};
use crate::parquet_fast_symbols;
use crate::parquet_file::ParquetFile;
use crate::parquet_open::{check_codec, corrupt, open, open_meta, quietly};
use crate::parquet_rows;
use crate::symbol_text;
use crate::time::{date_to_ns, NS_PER_DAY};
use crate::validate;
use crate::DataError;

/// Accepted names (normalized: lower case, spaces as `_`) of the symbol column.
pub(crate) const SYMBOL_ALIASES: &[&str] = &["symbol", "ticker"];
/// Accepted names of the timestamp column.
pub(crate) const TIMESTAMP_ALIASES: &[&str] = &["timestamp", "date", "datetime", "time", "ts"];
/// Accepted names of the adjusted-close column.
pub(crate) const ADJ_CLOSE_ALIASES: &[&str] = &["adj_close", "adjclose"];
const OPEN: &[&str] = &["open"];
const HIGH: &[&str] = &["high"];
const LOW: &[&str] = &["low"];
const CLOSE: &[&str] = &["close"];
const VOLUME: &[&str] = &["volume"];

/// The types a price column may have, for messages.
pub(crate) const PRICE_TYPES: &str = "float64, float32 or an integer type";

/// A column name as compared with the aliases: trimmed, lower case, spaces and dashes as `_`.
pub(crate) fn normalize_name(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Index of the first field matching the aliases (alias order is priority order).
pub(crate) fn find_column(schema: &Schema, aliases: &[&str]) -> Option<usize> {
    let names: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| normalize_name(f.name()))
        .collect();
    aliases
        .iter()
        .find_map(|a| names.iter().position(|n| n == a))
}

/// Which rows to keep: a date range on the bar's UTC date, and a set of symbols.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowFilter {
    /// First instant kept (midnight UTC of the start date).
    pub start_ns: Option<i64>,
    /// First instant no longer kept (midnight UTC after the end date).
    pub end_ns_excl: Option<i64>,
    /// Symbols to keep (all when `None`).
    pub symbols: Option<HashSet<String>>,
    /// Leave the volume column unread (the bars get an empty volume vector).
    pub skip_volume: bool,
}

impl RowFilter {
    /// A filter for an inclusive date range and optional symbols.
    pub(crate) fn new(
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
        symbols: Option<&[String]>,
    ) -> Self {
        RowFilter {
            start_ns: start.map(date_to_ns),
            end_ns_excl: end.map(|d| date_to_ns(d).saturating_add(NS_PER_DAY)),
            symbols: symbols.map(|s| s.iter().cloned().collect()),
            skip_volume: false,
        }
    }

    pub(crate) fn in_range(&self, ns: i64) -> bool {
        self.start_ns.is_none_or(|s| ns >= s) && self.end_ns_excl.is_none_or(|e| ns < e)
    }

    fn overlaps(&self, min: i64, max: i64) -> bool {
        self.start_ns.is_none_or(|s| max >= s) && self.end_ns_excl.is_none_or(|e| min < e)
    }

    /// True when `symbol` is wanted.
    pub(crate) fn wants(&self, symbol: &str) -> bool {
        self.symbols.as_ref().is_none_or(|s| s.contains(symbol))
    }
}

/// One symbol's rows from one file, in file order, with their 1-based row numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawSymbol {
    /// The bars (timestamps already mapped to bar closes; not yet sorted).
    pub bars: SymbolBars,
    /// 1-based row of each bar in its file.
    pub rows: RowNumbers,
    /// True when `bars.timestamps` was dropped because it equals the loader's shared timeline
    /// (see [`crate::timeline`]).
    pub on_shared: bool,
}

/// The 1-based file row of each bar of a [`RawSymbol`].
#[derive(Debug, Clone)]
pub(crate) enum RowNumbers {
    /// Listed one by one (rows were filtered).
    Listed(Vec<usize>),
    /// Every row of these row groups, in order: (first row of the group, 0-based; rows).
    Groups(Vec<(usize, usize)>),
    /// Arithmetic runs, in order: (first row, 0-based; rows; step between rows). A file sorted
    /// by symbol gives one run per chunk of rows, a panel sorted by time then symbol one run of
    /// step = number of symbols: a few numbers where a list would take 8 bytes per bar.
    Strided(Vec<(usize, usize, usize)>),
}

impl Default for RowNumbers {
    fn default() -> Self {
        RowNumbers::Listed(Vec::new())
    }
}

impl RowNumbers {
    /// The 1-based row of bar `i`.
    pub(crate) fn get(&self, i: usize) -> usize {
        match self {
            RowNumbers::Listed(rows) => rows[i],
            RowNumbers::Groups(groups) => {
                let mut left = i;
                for &(first, n) in groups {
                    if left < n {
                        return first + left + 1;
                    }
                    left -= n;
                }
                0
            }
            RowNumbers::Strided(runs) => {
                let mut left = i;
                for &(first, n, step) in runs {
                    if left < n {
                        return first + left * step + 1;
                    }
                    left -= n;
                }
                0
            }
        }
    }

    /// Appends 0-based file row `row` to a [`RowNumbers::Strided`] (other variants: no-op).
    pub(crate) fn push_strided(&mut self, row: usize) {
        let RowNumbers::Strided(runs) = self else {
            return;
        };
        match runs.last_mut() {
            Some((first, n, step)) if *n == 1 && row > *first => {
                *step = row - *first;
                *n = 2;
            }
            Some((first, n, step)) if *n > 1 && row == *first + *n * *step => *n += 1,
            _ => runs.push((row, 1, 1)),
        }
    }
}

/// What one file gave.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileBars {
    /// The file.
    pub path: PathBuf,
    /// `Some(true)` for date-stamped bars, `Some(false)` for intraday, `None` when no row was
    /// decoded and the column type does not say.
    pub daily: Option<bool>,
    /// The kept bars, per symbol in first-seen order.
    pub symbols: Vec<RawSymbol>,
    /// Every symbol seen in decoded rows (before the symbol and date filters).
    pub seen: BTreeSet<String>,
    /// Row groups in the file.
    pub row_groups: usize,
    /// Row groups skipped by their statistics.
    pub skipped_row_groups: usize,
    /// True when the file has a symbol column.
    pub has_symbol_column: bool,
}

/// Min and max of the timestamp column in a row group, in ns, from its statistics.
fn row_group_range(rg: &RowGroupMetaData, col: usize, kind: TsKind) -> Option<(i64, i64)> {
    let stats = rg.columns().get(col)?.statistics()?;
    let (min, max, factor) = match (stats, kind) {
        (Statistics::Int32(s), TsKind::Date32 | TsKind::Date64) => (
            i64::from(*s.min_opt()?),
            i64::from(*s.max_opt()?),
            NS_PER_DAY,
        ),
        (Statistics::Int64(s), TsKind::Instant(f)) => (*s.min_opt()?, *s.max_opt()?, f),
        (Statistics::Int64(s), TsKind::Date64) => (
            s.min_opt()?.div_euclid(86_400_000),
            s.max_opt()?.div_euclid(86_400_000),
            NS_PER_DAY,
        ),
        _ => return None,
    };
    Some((min.saturating_mul(factor), max.saturating_mul(factor)))
}

/// Where each field's column is in a file (schema positions).
pub(crate) struct Cols {
    /// The symbol column, if any.
    pub symbol: Option<usize>,
    /// The timestamp or date column.
    pub ts: usize,
    /// Open, high, low (None: a close-only series).
    pub ohlc: Option<[usize; 3]>,
    /// The close column.
    pub close: usize,
    /// The volume column, if any (and read).
    pub volume: Option<usize>,
    /// The adjusted-close column, if any.
    pub adj: Option<usize>,
}

fn resolve_columns(path: &Path, schema: &Schema, need_symbol: bool) -> Result<Cols, DataError> {
    let found: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let find = |field: &str, aliases: &[&str]| find_unique(path, &found, field, aliases);
    let req = |canon: &str, aliases: &[&str]| {
        find(canon, aliases)?.ok_or_else(|| validate::missing_column(path, canon, aliases, &found))
    };
    let symbol = find("symbol", SYMBOL_ALIASES)?;
    if symbol.is_none() && need_symbol {
        return Err(validate::missing_column(
            path,
            "symbol",
            SYMBOL_ALIASES,
            &found,
        ));
    }
    let ts = req("timestamp", TIMESTAMP_ALIASES)?;
    let close = req("close", CLOSE)?;
    let o = find("open", OPEN)?;
    let h = find("high", HIGH)?;
    let l = find("low", LOW)?;
    let ohlc = match (o, h, l) {
        (Some(o), Some(h), Some(l)) => Some([o, h, l]),
        (None, None, None) => None,
        _ => {
            // Some but not all: a half-present bar is a mistake, not a close-only series.
            req("open", OPEN)?;
            req("high", HIGH)?;
            req("low", LOW)?;
            None
        }
    };
    let cols = Cols {
        symbol,
        ts,
        ohlc,
        close,
        volume: find("volume", VOLUME)?,
        adj: find("adjusted close", ADJ_CLOSE_ALIASES)?,
    };
    let field = |i: usize| &schema.fields()[i];
    let unsupported = |i: usize, expected: &'static str| DataError::UnsupportedType {
        path: path.to_path_buf(),
        column: field(i).name().to_string(),
        found: field(i).data_type().to_string(),
        expected,
    };
    if let Some(s) = cols.symbol {
        if !is_string(field(s).data_type()) {
            return Err(unsupported(
                s,
                "utf8, large utf8 or a dictionary of strings",
            ));
        }
    }
    if ts_kind(field(cols.ts).data_type()).is_none() {
        return Err(unsupported(
            cols.ts,
            "a timestamp (any unit, with or without time zone), date32 or date64",
        ));
    }
    let numeric = cols
        .ohlc
        .iter()
        .flatten()
        .copied()
        .chain([cols.close])
        .chain(cols.volume)
        .chain(cols.adj);
    for i in numeric {
        if !is_numeric(field(i).data_type()) {
            return Err(unsupported(i, PRICE_TYPES));
        }
    }
    Ok(cols)
}

/// Reads, filters and validates one file. Never panics on a bad file: a decoder panic is
/// reported as a corrupt file.
pub(crate) fn read_file(src: &BarSource, filter: &RowFilter) -> Result<FileBars, DataError> {
    quietly(|| read_file_inner(src, filter, true)).unwrap_or_else(|| {
        Err(DataError::Corrupt {
            path: src.path.clone(),
            format: "Parquet",
            reason: "the decoder failed on this file's contents (corrupt data pages?)".into(),
        })
    })
}

/// `fast`: allow [`parquet_fast`] (tests turn it off to compare the two paths).
fn read_file_inner(src: &BarSource, filter: &RowFilter, fast: bool) -> Result<FileBars, DataError> {
    let mut out = FileBars {
        path: src.path.clone(),
        ..FileBars::default()
    };
    let Some((file, plan)) = discover_file(src, filter, &mut out)? else {
        return Ok(out);
    };
    if fast && decode_fast(src, filter, &plan, &mut out)? {
        return Ok(out);
    }
    parquet_rows::decode(src, filter, file, &plan, &mut out)?;
    Ok(out)
}

/// What [`discover_file`] found in one file: its footer (parsed once), the columns to read and
/// the row groups that may hold wanted rows.
pub(crate) struct Plan {
    /// The file's footer.
    pub meta: ArrowReaderMetadata,
    /// Where the fields are.
    pub cols: Cols,
    /// The timestamp column's kind.
    pub kind: TsKind,
    /// The projected columns, in file order.
    pub wanted: Vec<usize>,
    /// The kept row groups.
    pub keep: Vec<usize>,
    /// (first 0-based file row, rows) of each kept row group.
    pub group_rows: Vec<(usize, usize)>,
}

impl Plan {
    /// The file's name of column `i`.
    pub(crate) fn name(&self, i: usize) -> String {
        self.meta.schema().fields()[i].name().to_string()
    }
}

/// Discover: opens the file and its footer, resolves the columns and picks the row groups to
/// decode. `None` when nothing of the file is to be decoded (`out` then says what was seen).
fn discover_file(
    src: &BarSource,
    filter: &RowFilter,
    out: &mut FileBars,
) -> Result<Option<(ParquetFile, Plan)>, DataError> {
    let path = src.path.as_path();
    let (file, meta) = open_meta(path)?;
    let schema = meta.schema().clone();
    // Without a symbol column the file name says the symbol: an unwanted file is not read
    // further (nor judged).
    if let (None, Some(sym)) = (find_column(&schema, SYMBOL_ALIASES), &src.implied_symbol) {
        if !filter.wants(sym) {
            out.seen.insert(sym.clone());
            return Ok(None);
        }
    }
    let mut cols = resolve_columns(path, &schema, src.implied_symbol.is_none())?;
    if filter.skip_volume {
        cols.volume = None;
    }
    let kind = ts_kind(schema.fields()[cols.ts].data_type()).unwrap_or(TsKind::Instant(1));
    out.daily = match kind {
        TsKind::Instant(_) => None,
        _ => Some(true),
    };
    out.has_symbol_column = cols.symbol.is_some();
    if meta.metadata().file_metadata().num_rows() == 0 {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            detail: ": the file has no rows".into(),
        });
    }
    if let (None, Some(sym)) = (cols.symbol, &src.implied_symbol) {
        out.seen.insert(sym.clone());
        if !filter.wants(sym) {
            return Ok(None);
        }
        let from = if src.hive {
            " (from its symbol= folder)"
        } else {
            " (from the file name)"
        };
        symbol_text::check(path, sym, from)?;
    }
    let mut plan = Plan {
        meta,
        wanted: wanted_columns(&cols),
        cols,
        kind,
        keep: Vec::new(),
        group_rows: Vec::new(),
    };
    keep_row_groups(path, filter, &mut plan, out)?;
    Ok((!plan.keep.is_empty()).then_some((file, plan)))
}

/// Columns: every column a field is read from, in file order.
fn wanted_columns(cols: &Cols) -> Vec<usize> {
    let mut wanted: Vec<usize> = [
        Some(cols.ts),
        Some(cols.close),
        cols.symbol,
        cols.volume,
        cols.adj,
    ]
    .into_iter()
    .flatten()
    .chain(cols.ohlc.iter().flatten().copied())
    .collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// Row groups: keeps those that may overlap the date range (by their statistics), with where
/// each starts; refuses a codec this build cannot read in a kept group.
fn keep_row_groups(
    path: &Path,
    filter: &RowFilter,
    plan: &mut Plan,
    out: &mut FileBars,
) -> Result<(), DataError> {
    let meta = plan.meta.metadata().clone();
    out.row_groups = meta.num_row_groups();
    let mut first_row = 0usize;
    for (g, rg) in meta.row_groups().iter().enumerate() {
        let n = usize::try_from(rg.num_rows()).unwrap_or(0);
        let skip = row_group_range(rg, plan.cols.ts, plan.kind)
            .is_some_and(|(lo, hi)| !filter.overlaps(lo, hi));
        if skip {
            out.skipped_row_groups += 1;
        } else {
            for &c in &plan.wanted {
                if let Some(cc) = rg.columns().get(c) {
                    check_codec(path, &plan.name(c), cc.compression())?;
                }
            }
            plan.keep.push(g);
            plan.group_rows.push((first_row, n));
        }
        first_row += n;
    }
    Ok(())
}

/// Decode, fast: whole columns decoded in parallel and checked at once, when every kept row
/// group lies inside the date range (by its statistics) and the types are the common ones.
/// False when the file must be read row by row (`out` is then untouched); the only error is
/// running out of memory.
fn decode_fast(
    src: &BarSource,
    filter: &RowFilter,
    plan: &Plan,
    out: &mut FileBars,
) -> Result<bool, DataError> {
    let cols = &plan.cols;
    let fast_cols = FastCols {
        ts: cols.ts,
        ohlc: cols.ohlc,
        close: cols.close,
        volume: cols.volume,
        adj: cols.adj,
    };
    let schema = plan.meta.schema();
    let inside = filter.start_ns.is_none() && filter.end_ns_excl.is_none()
        || plan.keep.iter().all(|&g| {
            row_group_range(plan.meta.metadata().row_group(g), cols.ts, plan.kind)
                .is_some_and(|(lo, hi)| filter.in_range(lo) && filter.in_range(hi))
        });
    if !inside || !parquet_fast::eligible(schema, &fast_cols) {
        return Ok(false);
    }
    let path = src.path.as_path();
    match (cols.symbol, src.implied_symbol.as_deref()) {
        // A file with a symbol column: a column per symbol from one pass.
        (Some(sym_col), _) => {
            if !parquet_fast_symbols::symbol_type_ok(schema.fields()[sym_col].data_type()) {
                return Ok(false);
            }
            let read = parquet_fast_symbols::read(
                path,
                &plan.meta,
                sym_col,
                &fast_cols,
                plan.kind,
                &plan.wanted,
                &plan.keep,
                &plan.group_rows,
                filter,
            );
            let Some(f) = read? else { return Ok(false) };
            out.daily = Some(f.daily);
            out.symbols = f.symbols;
            out.seen = f.seen;
            Ok(true)
        }
        // The usual per-symbol file: its row groups in parallel.
        (None, Some(symbol)) => {
            let rows: Vec<usize> = plan.group_rows.iter().map(|g| g.1).collect();
            let read = parquet_fast::read(
                path,
                &plan.meta,
                symbol,
                &fast_cols,
                plan.kind,
                &plan.keep,
                &rows,
                |t| filter.in_range(t),
                filter.skip_volume,
            );
            let Some(f) = read? else { return Ok(false) };
            out.daily = Some(f.daily);
            out.symbols.push(RawSymbol {
                bars: f.bars,
                rows: RowNumbers::Groups(plan.group_rows.clone()),
                on_shared: false,
            });
            Ok(true)
        }
        (None, None) => Ok(false),
    }
}

/// Every symbol in a file's symbol column (all row groups), for an unknown-symbol check.
pub(crate) fn scan_symbols(path: &Path) -> Result<BTreeSet<String>, DataError> {
    quietly(|| scan_symbols_inner(path)).unwrap_or_else(|| Err(corrupt(path, "malformed data")))
}

fn scan_symbols_inner(path: &Path) -> Result<BTreeSet<String>, DataError> {
    let builder = open(path)?;
    let mut out = BTreeSet::new();
    let Some(s) = find_column(builder.schema(), SYMBOL_ALIASES) else {
        return Ok(out);
    };
    let mask = ProjectionMask::roots(builder.parquet_schema(), [s]);
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| corrupt(path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| corrupt(path, e))?;
        if let Some(v) = string_values(batch.column(0).as_ref()) {
            out.extend(v.into_iter().flatten());
        }
    }
    Ok(out)
}

/// Helpers for tests across this crate: small Parquet files written with Arrow directly.
#[cfg(test)]
pub(crate) mod test_util {
    use std::fs::File;
    use std::path::Path;
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray};
    use chrono::NaiveDate;
    use parquet::arrow::ArrowWriter;

    /// Writes one row group per entry of `groups` (all with the same columns).
    pub fn write_groups(path: &Path, groups: Vec<Vec<(&str, ArrayRef)>>) {
        let batches: Vec<RecordBatch> = groups
            .into_iter()
            .map(|g| {
                RecordBatch::try_from_iter_with_nullable(g.into_iter().map(|(n, a)| (n, a, true)))
                    .unwrap()
            })
            .collect();
        let file = File::create(path).unwrap();
        let mut w = ArrowWriter::try_new(file, batches[0].schema(), None).unwrap();
        for b in &batches {
            w.write(b).unwrap();
            w.flush().unwrap();
        }
        w.close().unwrap();
    }

    /// Writes one row group.
    pub fn write(path: &Path, cols: Vec<(&str, ArrayRef)>) {
        write_groups(path, vec![cols]);
    }

    /// `YYYY-MM-DD` as a date.
    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// `YYYY-MM-DD` as days since 1970 (date32).
    pub fn days(dates: &[&str]) -> Vec<i32> {
        let epoch = d("1970-01-01");
        dates
            .iter()
            .map(|s| (d(s) - epoch).num_days() as i32)
            .collect()
    }

    /// Columns of a consistent daily OHLCV file: date32 `timestamp`, open = close,
    /// high = close * 1.01, low = close * 0.99, volume 1000; with a `symbol` column if given.
    pub fn daily_cols(
        symbols: Option<&[&str]>,
        dates: &[&str],
        closes: &[f64],
    ) -> Vec<(&'static str, ArrayRef)> {
        let mut cols: Vec<(&'static str, ArrayRef)> = Vec::new();
        if let Some(s) = symbols {
            cols.push(("symbol", Arc::new(StringArray::from(s.to_vec()))));
        }
        cols.push(("timestamp", Arc::new(Date32Array::from(days(dates)))));
        let f = |k: f64| -> ArrayRef {
            Arc::new(Float64Array::from(
                closes.iter().map(|c| c * k).collect::<Vec<_>>(),
            ))
        };
        cols.push(("open", f(1.0)));
        cols.push(("high", f(1.01)));
        cols.push(("low", f(0.99)));
        cols.push(("close", f(1.0)));
        cols.push((
            "volume",
            Arc::new(Int64Array::from(vec![1000; closes.len()])),
        ));
        cols
    }

    /// Replaces (or appends) column `name`.
    pub fn with_col(
        mut cols: Vec<(&'static str, ArrayRef)>,
        name: &'static str,
        arr: ArrayRef,
    ) -> Vec<(&'static str, ArrayRef)> {
        match cols.iter().position(|(n, _)| *n == name) {
            Some(i) => cols[i] = (name, arr),
            None => cols.push((name, arr)),
        }
        cols
    }

    /// Drops column `name`.
    pub fn without(
        mut cols: Vec<(&'static str, ArrayRef)>,
        name: &str,
    ) -> Vec<(&'static str, ArrayRef)> {
        cols.retain(|(n, _)| *n != name);
        cols
    }
}

/// The fast path ([`parquet_fast`]) against the row-by-row path on the same files: the same
/// bars, rows and daily flag, or the same error.
#[cfg(test)]
mod fast_path_agrees {
    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, Date64Array, Float64Array, Int64Array, RecordBatch, TimestampMicrosecondArray,
        TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
    };
    use parquet::arrow::ArrowWriter;

    use super::test_util::{d, daily_cols, with_col, without, write_groups};
    use super::*;

    fn source(path: &Path) -> BarSource {
        BarSource {
            path: path.to_path_buf(),
            implied_symbol: Some("XYZ".into()),
            hive: false,
        }
    }

    /// A comparable rendering: bit patterns, so NaN volumes compare equal.
    fn key(r: &Result<FileBars, DataError>) -> String {
        match r {
            Err(e) => format!("error: {e}"),
            Ok(f) => {
                let mut s = format!("daily {:?} seen {:?}\n", f.daily, f.seen);
                for raw in &f.symbols {
                    let b = &raw.bars;
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    let rows: Vec<usize> = (0..b.len()).map(|i| raw.rows.get(i)).collect();
                    s += &format!(
                        "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} rows {:?}\n",
                        b.symbol,
                        b.timestamps,
                        bits(&b.open),
                        bits(&b.high),
                        bits(&b.low),
                        bits(&b.close),
                        bits(&b.volume),
                        b.adj_close.as_deref().map(bits),
                        b.close_only,
                        rows
                    );
                }
                s
            }
        }
    }

    /// Reads the file both ways, asserts they agree; returns the rendering and whether the
    /// fast path took it.
    fn both(groups: Vec<Vec<(&'static str, ArrayRef)>>, filter: &RowFilter) -> (String, bool) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("XYZ.parquet");
        write_groups(&p, groups);
        let taken = || {
            parquet_fast::TAKEN.with(|n| n.get()) + parquet_fast_symbols::TAKEN.with(|n| n.get())
        };
        let before = taken();
        let fast = read_file_inner(&source(&p), filter, true);
        let took_fast = taken() > before;
        let slow = read_file_inner(&source(&p), filter, false);
        assert_eq!(key(&fast), key(&slow));
        (key(&fast), took_fast)
    }

    /// [`both`], asserting the fast path read it.
    fn agree(groups: Vec<Vec<(&'static str, ArrayRef)>>, filter: &RowFilter) -> String {
        let (out, fast) = both(groups, filter);
        assert!(fast, "expected the fast path: {out}");
        out
    }

    /// [`both`], asserting the row-by-row path read it.
    fn agree_slow(groups: Vec<Vec<(&'static str, ArrayRef)>>, filter: &RowFilter) -> String {
        let (out, fast) = both(groups, filter);
        assert!(!fast, "expected the row-by-row path: {out}");
        out
    }

    fn month(m: u32, px: f64) -> Vec<(&'static str, ArrayRef)> {
        let dates: Vec<String> = (1..=20).map(|k| format!("2026-{m:02}-{k:02}")).collect();
        let refs: Vec<&str> = dates.iter().map(String::as_str).collect();
        let closes: Vec<f64> = (0..20).map(|k| px + k as f64).collect();
        daily_cols(None, &refs, &closes)
    }

    #[test]
    fn daily_files_with_and_without_a_range() {
        let all = RowFilter::default();
        let out = agree(vec![month(1, 10.0), month(2, 40.0), month(3, 70.0)], &all);
        assert!(out.contains("rows [1, 2,"), "{out}");
        // Whole middle group (fast) and a range cutting groups (row by row).
        let f = RowFilter::new(Some(d("2026-02-01")), Some(d("2026-02-28")), None);
        let out = agree(vec![month(1, 10.0), month(2, 40.0), month(3, 70.0)], &f);
        assert!(out.contains("rows [21, 22,"), "{out}");
        let f = RowFilter::new(Some(d("2026-01-10")), Some(d("2026-02-05")), None);
        agree_slow(vec![month(1, 10.0), month(2, 40.0), month(3, 70.0)], &f);
    }

    #[test]
    fn intraday_and_midnight_timestamps_float_volume_adj_close() {
        let n = 50;
        let base = 1_767_225_600_000_000_000i64 + 14 * 3_600_000_000_000; // 2026-01-01 14:00
        let ts: Vec<i64> = (0..n).map(|k| base + k * 60_000_000_000).collect();
        let px = |k: f64| -> ArrayRef {
            Arc::new(Float64Array::from(
                (0..n).map(|i| 100.0 + i as f64 * k).collect::<Vec<_>>(),
            ))
        };
        let cols = |ts: ArrayRef| -> Vec<(&'static str, ArrayRef)> {
            vec![
                ("ts", ts),
                ("Open", px(1.0)),
                ("High", px(1.5)),
                ("Low", px(0.5)),
                ("Close", px(1.0)),
                ("Volume", px(3.0)),
                ("adj_close", px(0.9)),
            ]
        };
        let (a, b) = ts.split_at(20);
        agree(
            vec![
                cols(Arc::new(
                    TimestampNanosecondArray::from(a.to_vec()).with_timezone("UTC"),
                )),
                cols(Arc::new(
                    TimestampNanosecondArray::from(b.to_vec()).with_timezone("UTC"),
                )),
            ]
            .into_iter()
            .map(|mut c| {
                // Each group its own length.
                let len = c[0].1.len();
                for col in c.iter_mut().skip(1) {
                    col.1 = col.1.slice(0, len);
                }
                c
            })
            .collect(),
            &RowFilter::default(),
        );
        let midnights: Vec<i64> = (0..n).map(|k| 1_767_225_600_000 + k * 86_400_000).collect();
        let out = agree(
            vec![cols(Arc::new(TimestampMillisecondArray::from(midnights)))],
            &RowFilter::default(),
        );
        assert!(out.starts_with("daily Some(true)"), "{out}");
    }

    #[test]
    fn close_only_and_missing_volume() {
        let cols = without(
            without(without(without(month(1, 10.0), "open"), "high"), "low"),
            "volume",
        );
        let out = agree(vec![cols], &RowFilter::default());
        assert!(out.contains(" true rows"), "{out}");
    }

    #[test]
    fn bad_unsorted_null_and_duplicate_inputs_take_the_row_by_row_path() {
        let all = RowFilter::default();
        // high below low in the second group: the same error naming the row.
        let bad_high = with_col(
            month(2, 40.0),
            "high",
            Arc::new(Float64Array::from(vec![1.0; 20])),
        );
        let out = agree_slow(vec![month(1, 10.0), bad_high], &all);
        assert!(out.starts_with("error:") && out.contains("row 21"), "{out}");
        // Unsorted groups, duplicate timestamps, a null volume.
        agree_slow(vec![month(2, 40.0), month(1, 10.0)], &all);
        agree_slow(vec![month(1, 10.0), month(1, 10.0)], &all);
        let mut vol = vec![Some(1000); 20];
        vol[3] = None;
        let nulls = with_col(month(1, 10.0), "volume", Arc::new(Int64Array::from(vol)));
        agree_slow(vec![nulls], &all);
        // Negative volume, NaN close.
        let neg = with_col(
            month(1, 10.0),
            "volume",
            Arc::new(Int64Array::from(vec![-1; 20])),
        );
        assert!(agree_slow(vec![neg], &all).starts_with("error:"));
        let mut closes: Vec<f64> = (0..20).map(|k| 10.0 + k as f64).collect();
        closes[5] = f64::NAN;
        let nan = with_col(
            month(1, 10.0),
            "close",
            Arc::new(Float64Array::from(closes)),
        );
        assert!(agree_slow(vec![nan], &all).starts_with("error:"));
    }

    /// `n` minute bars from minute `from` after 2026-01-02 14:31 UTC, in `unit`s since the
    /// epoch, with prices.
    fn minutes(
        n: usize,
        from: i64,
        unit: i64,
        ts: fn(Vec<i64>) -> ArrayRef,
    ) -> Vec<(&'static str, ArrayRef)> {
        let first = 1_767_364_260_000_000_000i64; // 2026-01-02 14:31 UTC
        let when: Vec<i64> = (from..from + n as i64)
            .map(|k| (first + k * 60_000_000_000) / unit)
            .collect();
        let px = |k: f64| -> ArrayRef {
            Arc::new(Float64Array::from(
                (0..n)
                    .map(|i| 50.0 + (i % 7) as f64 * k)
                    .collect::<Vec<_>>(),
            ))
        };
        vec![
            ("timestamp", ts(when)),
            ("open", px(1.0)),
            ("high", px(1.25)),
            ("low", px(0.75)),
            ("close", px(1.1)),
            ("volume", Arc::new(Int64Array::from(vec![7; n]))),
        ]
    }

    #[test]
    fn column_decoder_reads_every_stored_instant_type_as_the_row_by_row_path() {
        let all = RowFilter::default();
        let ns = |v: Vec<i64>| -> ArrayRef { Arc::new(TimestampNanosecondArray::from(v)) };
        let us = |v: Vec<i64>| -> ArrayRef { Arc::new(TimestampMicrosecondArray::from(v)) };
        let ms = |v: Vec<i64>| -> ArrayRef { Arc::new(TimestampMillisecondArray::from(v)) };
        let s = |v: Vec<i64>| -> ArrayRef { Arc::new(TimestampSecondArray::from(v)) };
        // Row groups of 23 and 17 rows: several batches each (7 rows per batch in tests).
        let out = agree(vec![minutes(23, 0, 1, ns), minutes(17, 23, 1, ns)], &all);
        assert!(
            out.contains("rows [1, 2,") && out.starts_with("daily Some(false)"),
            "{out}"
        );
        agree(vec![minutes(23, 0, 1_000, us)], &all);
        agree(vec![minutes(23, 0, 1_000_000, ms)], &all);
        // Seconds are stored as milliseconds and rescaled by Arrow: the same bars either way.
        both(vec![minutes(23, 0, 1_000_000_000, s)], &all);
        // Date64 (milliseconds at midnights), stored however the writer stores it.
        let midnights: Vec<i64> = (0..30)
            .map(|k| 1_767_225_600_000 + k * 86_400_000)
            .collect();
        let cols = with_col(
            month(1, 10.0)
                .into_iter()
                .map(|(n, a)| (n, a.slice(0, 20)))
                .collect(),
            "timestamp",
            Arc::new(Date64Array::from(midnights[..20].to_vec())),
        );
        let (out, _) = both(vec![cols], &all);
        assert!(out.starts_with("daily Some(true)"), "{out}");
    }

    #[test]
    fn column_decoder_refuses_a_null_price_and_an_overflowing_instant() {
        let all = RowFilter::default();
        let mut closes: Vec<Option<f64>> = (0..20).map(|k| Some(10.0 + k as f64)).collect();
        closes[12] = None;
        let null = with_col(
            month(1, 10.0),
            "close",
            Arc::new(Float64Array::from(closes)),
        );
        assert!(agree_slow(vec![null], &all).starts_with("error:"));
        // Milliseconds whose nanoseconds overflow i64.
        let far = |v: Vec<i64>| -> ArrayRef {
            Arc::new(TimestampMillisecondArray::from(
                v.into_iter()
                    .map(|t| t + i64::MAX / 1_000)
                    .collect::<Vec<_>>(),
            ))
        };
        agree_slow(vec![minutes(5, 0, 1_000_000, far)], &all);
    }

    #[test]
    fn column_decoder_reads_required_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("XYZ.parquet");
        let batch = RecordBatch::try_from_iter_with_nullable(
            minutes(30, 0, 1, |v| Arc::new(TimestampNanosecondArray::from(v)))
                .into_iter()
                .map(|(n, a)| (n, a, false)),
        )
        .unwrap();
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(&p).unwrap(), batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let meta = open_meta(&p).unwrap().1;
        assert_eq!(
            meta.metadata()
                .file_metadata()
                .schema_descr()
                .column(1)
                .max_def_level(),
            0
        );
        let before = parquet_fast::TAKEN.with(|n| n.get());
        let fast = read_file_inner(&source(&p), &RowFilter::default(), true);
        assert_eq!(parquet_fast::TAKEN.with(|n| n.get()), before + 1);
        let slow = read_file_inner(&source(&p), &RowFilter::default(), false);
        assert_eq!(key(&fast), key(&slow));
        let bars = &fast.as_ref().unwrap().symbols[0].bars;
        assert_eq!((bars.len(), bars.volume[29], bars.high[6]), (30, 7.0, 57.5));
    }

    // --- files with a symbol column (parquet_fast_symbols) -------------------------------

    /// `k` dates from 2026-01-01 (consecutive days).
    fn dates(k: usize, from: usize) -> Vec<String> {
        (from..from + k)
            .map(|i| (d("2026-01-01") + chrono::Days::new(i as u64)).to_string())
            .collect()
    }

    /// Rows for `symbols`, `k` dates each: symbol-major (`by_symbol`) or date-major.
    fn panel(
        symbols: &[&'static str],
        k: usize,
        from: usize,
        by_symbol: bool,
    ) -> Vec<(&'static str, ArrayRef)> {
        let ds = dates(k, from);
        let mut syms = Vec::new();
        let mut when = Vec::new();
        let mut px = Vec::new();
        let cells: Vec<(usize, usize)> = if by_symbol {
            (0..symbols.len())
                .flat_map(|s| (0..k).map(move |t| (s, t)))
                .collect()
        } else {
            (0..k)
                .flat_map(|t| (0..symbols.len()).map(move |s| (s, t)))
                .collect()
        };
        for (s, t) in cells {
            syms.push(symbols[s]);
            when.push(ds[t].as_str());
            px.push(10.0 * (s + 1) as f64 + (from + t) as f64 * 0.25);
        }
        daily_cols(Some(&syms), &when, &px)
    }

    #[test]
    fn symbol_column_files_sorted_by_symbol_or_by_time() {
        let all = RowFilter::default();
        // Several chunks (tests join row groups up to 16 rows): a symbol spans chunks.
        let out = agree(
            vec![
                panel(&["AAA", "BBB", "CCC"], 7, 0, true),
                panel(&["AAA", "BBB", "CCC"], 7, 7, true),
                panel(&["AAA", "BBB", "CCC"], 7, 14, true),
            ],
            &all,
        );
        assert!(out.contains("seen {\"AAA\", \"BBB\", \"CCC\"}"), "{out}");
        assert!(out.contains("rows [1, 2, 3, 4, 5, 6, 7, 22,"), "{out}");
        let out = agree(
            vec![
                panel(&["AAA", "BBB", "CCC"], 6, 0, false),
                panel(&["AAA", "BBB", "CCC"], 6, 6, false),
            ],
            &all,
        );
        assert!(out.contains("rows [1, 4, 7, 10,"), "{out}");
        // A symbol filter: only BBB is kept, every symbol is seen.
        let only_b = RowFilter::new(None, None, Some(&["BBB".to_string()]));
        let out = agree(
            vec![
                panel(&["AAA", "BBB", "CCC"], 6, 0, false),
                panel(&["AAA", "BBB", "CCC"], 6, 6, false),
            ],
            &only_b,
        );
        assert!(!out.contains("\nAAA ") && out.contains("\nBBB "), "{out}");
        assert!(out.contains("\"CCC\""), "{out}");
        // A date range of whole groups (fast, rows counted across the skipped group) and one
        // cutting a group (row by row).
        let groups = || {
            vec![
                panel(&["AAA", "BBB"], 10, 0, false),
                panel(&["AAA", "BBB"], 10, 10, false),
            ]
        };
        let f = RowFilter::new(Some(d("2026-01-11")), None, None);
        let out = agree(groups(), &f);
        assert!(out.contains("rows [21, 23,"), "{out}");
        let f = RowFilter::new(Some(d("2026-01-05")), None, None);
        agree_slow(groups(), &f);
    }

    #[test]
    fn symbol_column_dictionary_int_and_float_volume_adj_close_close_only() {
        use arrow_array::types::Int32Type;
        use arrow_array::DictionaryArray;
        let all = RowFilter::default();
        let dict = |cols: Vec<(&'static str, ArrayRef)>| {
            let syms = cols[0].1.clone();
            let s = syms
                .as_any()
                .downcast_ref::<arrow_array::StringArray>()
                .unwrap();
            let d: DictionaryArray<Int32Type> = s.iter().collect();
            with_col(cols, "symbol", Arc::new(d))
        };
        agree(
            vec![
                dict(panel(&["X", "Y"], 9, 0, false)),
                dict(panel(&["Y", "X"], 9, 9, false)),
            ],
            &all,
        );
        let n = 18;
        let float_vol = with_col(
            panel(&["X", "Y"], 9, 0, true),
            "volume",
            Arc::new(Float64Array::from(vec![2.5; n])),
        );
        let adj = with_col(
            float_vol,
            "adj_close",
            Arc::new(Float64Array::from(vec![1.5; n])),
        );
        agree(vec![adj], &all);
        let close_only = without(
            without(
                without(without(panel(&["X", "Y"], 9, 0, true), "open"), "high"),
                "low",
            ),
            "volume",
        );
        let out = agree(vec![close_only], &all);
        assert!(out.contains(" true rows"), "{out}");
        let skip = RowFilter {
            skip_volume: true,
            ..RowFilter::default()
        };
        let out = agree(vec![panel(&["X", "Y"], 9, 0, true)], &skip);
        assert!(out.contains(" [] None false rows"), "{out}");
    }

    #[test]
    fn symbol_column_files_it_does_not_handle_take_the_row_by_row_path() {
        let all = RowFilter::default();
        // A symbol's dates going back in a later chunk, and a duplicate (symbol, date).
        agree_slow(
            vec![
                panel(&["AAA", "BBB"], 9, 9, true),
                panel(&["AAA", "BBB"], 9, 0, true),
            ],
            &all,
        );
        agree_slow(
            vec![
                panel(&["AAA", "BBB"], 9, 0, true),
                panel(&["AAA"], 9, 0, true),
            ],
            &all,
        );
        // A failing value in an unwanted symbol is not judged; in a wanted one it is.
        let bad = with_col(
            panel(&["AAA", "BBB"], 9, 0, true),
            "high",
            Arc::new(Float64Array::from(
                (0..18)
                    .map(|i| if i == 12 { 1.0 } else { 1e6 })
                    .collect::<Vec<_>>(),
            )),
        );
        let only_a = RowFilter::new(None, None, Some(&["AAA".to_string()]));
        agree(vec![bad.clone()], &only_a);
        let out = agree_slow(vec![bad], &all);
        assert!(
            out.starts_with("error:") && out.contains("row 13, symbol BBB"),
            "{out}"
        );
        // An invisible character in a wanted symbol: the row path names the row.
        let out = agree_slow(vec![panel(&["AAA", "B\u{200B}"], 9, 0, false)], &all);
        assert!(out.contains("at row 2 of column `symbol`"), "{out}");
    }
}
