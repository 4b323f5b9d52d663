//! The row-by-row decoder of the Parquet bar reader: the general path, for every file the fast
//! paths leave (nulls, integer or float32 prices, unsorted rows, a row group straddling the
//! date range, a value that fails a check). It names the exact row, column, symbol and
//! timestamp of the first fault.
//!
//! Invariant: it accepts exactly what [`crate::validate`] accepts; rows outside the date range
//! or of unwanted symbols are dropped before they are judged.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::path::Path;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use crate::arrow_values::{f64_values, instant_values, string_values};
use crate::fallible::Site;
use crate::market::SymbolBars;
use crate::parquet_bars::{FileBars, Plan, RawSymbol, RowFilter, RowNumbers, PRICE_TYPES};
use crate::parquet_discover::BarSource;
use crate::parquet_file::ParquetFile;
use crate::parquet_open::corrupt;
use crate::symbol_text;
use crate::time::{daily_close_ns, ns_to_date, NS_PER_DAY};
use crate::validate::{self, PriceNames, RowRef};
use crate::DataError;

/// Decodes the kept row groups of `plan` (of the open `file`) row by row into `out`, checking every kept row.
pub(crate) fn decode(
    src: &BarSource,
    filter: &RowFilter,
    file: ParquetFile,
    plan: &Plan,
    out: &mut FileBars,
) -> Result<(), DataError> {
    let names = Names::of(plan);
    let mut rows = Rows::new(src, filter, plan);
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, plan.meta.clone());
    let mask = ProjectionMask::roots(builder.parquet_schema(), plan.wanted.iter().copied());
    let reader = builder
        .with_row_groups(plan.keep.clone())
        .with_projection(mask)
        .with_batch_size(65_536)
        .build()
        .map_err(|e| corrupt(rows.path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| corrupt(rows.path, e))?;
        let values = Values::of(plan, &batch, rows.path)?;
        for i in 0..batch.num_rows() {
            rows.take(i, &values, &names, out)?;
        }
    }
    if rows.any_row && out.daily.is_none() {
        out.daily = Some(rows.all_midnight);
    }
    if out.daily == Some(true) {
        for s in &mut out.symbols {
            for t in &mut s.bars.timestamps {
                *t = daily_close_ns(ns_to_date(*t));
            }
        }
    }
    Ok(())
}

/// The file's own names of the columns read, for error messages.
struct Names {
    open: String,
    high: String,
    low: String,
    close: String,
    ts: String,
    symbol: String,
    volume: String,
}

impl Names {
    fn of(plan: &Plan) -> Self {
        let name = |i: usize| plan.name(i);
        let ohlc = |k: usize, default: &str| plan.cols.ohlc.map_or(default.into(), |c| name(c[k]));
        Names {
            open: ohlc(0, "open"),
            high: ohlc(1, "high"),
            low: ohlc(2, "low"),
            close: name(plan.cols.close),
            ts: name(plan.cols.ts),
            symbol: plan.cols.symbol.map(name).unwrap_or_default(),
            volume: plan.cols.volume.map(name).unwrap_or_default(),
        }
    }

    fn prices(&self) -> PriceNames<'_> {
        PriceNames {
            open: &self.open,
            high: &self.high,
            low: &self.low,
            close: &self.close,
        }
    }
}

/// One batch's columns, decoded to plain values (None for null).
struct Values {
    /// Instants; `Err(i)`: row `i` overflows i64 nanoseconds.
    ts: Result<Vec<Option<i64>>, usize>,
    close: Vec<Option<f64>>,
    ohlc: Option<[Vec<Option<f64>>; 3]>,
    volume: Option<Vec<Option<f64>>>,
    adj: Option<Vec<Option<f64>>>,
    symbols: Option<Vec<Option<String>>>,
}

impl Values {
    fn of(plan: &Plan, batch: &RecordBatch, path: &Path) -> Result<Self, DataError> {
        // Projected batches keep the file's column order.
        let pos = |i: usize| plan.wanted.iter().position(|&w| w == i).unwrap_or(0);
        let col = |i: usize| batch.column(pos(i)).as_ref();
        let unsupported = |i: usize, expected: &'static str| DataError::UnsupportedType {
            path: path.to_path_buf(),
            column: plan.name(i),
            found: batch.column(pos(i)).data_type().to_string(),
            expected,
        };
        let nums = |i: usize| f64_values(col(i)).ok_or_else(|| unsupported(i, PRICE_TYPES));
        let cols = &plan.cols;
        let ts = instant_values(col(cols.ts), plan.kind)
            .ok_or_else(|| unsupported(cols.ts, "a timestamp, date32 or date64"))?;
        Ok(Values {
            ts,
            close: nums(cols.close)?,
            ohlc: match cols.ohlc {
                Some([o, h, l]) => Some([nums(o)?, nums(h)?, nums(l)?]),
                None => None,
            },
            volume: cols.volume.map(nums).transpose()?,
            adj: cols.adj.map(nums).transpose()?,
            symbols: match cols.symbol {
                Some(s) => Some(string_values(col(s)).ok_or_else(|| unsupported(s, "utf8"))?),
                None => None,
            },
        })
    }
}

/// The state of the row-by-row pass over one file.
struct Rows<'a> {
    path: &'a Path,
    src: &'a BarSource,
    filter: &'a RowFilter,
    /// (first 0-based file row, rows) of each kept row group.
    group_rows: &'a [(usize, usize)],
    /// Current kept row group and the rows of it already seen.
    group: usize,
    within: usize,
    /// Symbol -> slot among the file's symbols.
    index: HashMap<String, usize>,
    /// The previous row's symbol and its slot (None: not wanted): rows of one symbol come in
    /// runs (always, in a per-symbol file), so most rows skip the set and map look-ups.
    last: Option<(String, Option<usize>)>,
    /// Bars to reserve per symbol (a per-symbol file's bars all go to one symbol).
    reserve: usize,
    all_midnight: bool,
    any_row: bool,
    close_only: bool,
    has_adj: bool,
}

impl<'a> Rows<'a> {
    fn new(src: &'a BarSource, filter: &'a RowFilter, plan: &'a Plan) -> Self {
        let reserve = if plan.cols.symbol.is_none() {
            plan.group_rows.iter().map(|g| g.1).sum()
        } else {
            0
        };
        Rows {
            path: src.path.as_path(),
            src,
            filter,
            group_rows: &plan.group_rows,
            group: 0,
            within: 0,
            index: HashMap::new(),
            last: None,
            reserve,
            all_midnight: true,
            any_row: false,
            close_only: plan.cols.ohlc.is_none(),
            has_adj: plan.cols.adj.is_some(),
        }
    }

    /// The 1-based file row of the next decoded row.
    fn next_row(&mut self) -> usize {
        let groups = self.group_rows;
        while self.group < groups.len() && self.within >= groups[self.group].1 {
            self.group += 1;
            self.within = 0;
        }
        let row = groups.get(self.group).map_or(0, |g| g.0) + self.within + 1;
        self.within += 1;
        row
    }

    /// Row `i` of the batch `v`: judged and kept when in range and of a wanted symbol.
    fn take(
        &mut self,
        i: usize,
        v: &Values,
        names: &Names,
        out: &mut FileBars,
    ) -> Result<(), DataError> {
        let row = self.next_row();
        let path = self.path;
        let r = RowRef {
            path,
            row,
            symbol: None,
            timestamp: None,
        };
        let t = match &v.ts {
            Ok(ts) => ts[i].ok_or_else(|| validate::null_value(&r, &names.ts))?,
            Err(bad) if *bad == i => {
                return Err(r.error(
                    format!("timestamp out of range in column `{}`", names.ts),
                    "not representable as nanoseconds since 1970 (years 1677-2262)",
                ))
            }
            Err(_) => return Ok(()),
        };
        let symbol: &str = match &v.symbols {
            Some(s) => match &s[i] {
                Some(s) => s.as_str(),
                None => return Err(validate::null_value(&r, &names.symbol)),
            },
            None => self.src.implied_symbol.as_deref().unwrap_or(""),
        };
        self.any_row = true;
        self.all_midnight &= t.rem_euclid(NS_PER_DAY) == 0;
        let cached = match &self.last {
            Some((name, slot)) if name == symbol => Some(*slot),
            _ => None,
        };
        if cached.is_none() && !out.seen.contains(symbol) {
            out.seen.insert(symbol.to_string());
        }
        if !self.filter.in_range(t) {
            return Ok(());
        }
        let slot = match cached {
            Some(slot) => slot,
            None => self.slot(symbol, row, &names.symbol, out)?,
        };
        let Some(k) = slot else { return Ok(()) };
        let r = RowRef {
            symbol: Some(symbol),
            timestamp: Some(t),
            ..r
        };
        let s = &mut out.symbols[k];
        grow(&self.site(), s, !self.filter.skip_volume)?;
        push_bar(&r, i, v, names, self.filter.skip_volume, s)
    }

    /// The slot of `symbol` among the file's symbols (a new one when first seen), `None` when
    /// it is not wanted; remembered as the last row's symbol.
    fn slot(
        &mut self,
        symbol: &str,
        row: usize,
        column: &str,
        out: &mut FileBars,
    ) -> Result<Option<usize>, DataError> {
        let wanted = self.filter.wants(symbol);
        let slot = if !wanted {
            None
        } else if let Some(&k) = self.index.get(symbol) {
            Some(k)
        } else {
            let at = format!(" at row {row} of column `{column}`");
            symbol_text::check(self.path, symbol, &at)?;
            self.index.insert(symbol.to_string(), out.symbols.len());
            out.symbols.push(self.new_symbol(symbol)?);
            Some(out.symbols.len() - 1)
        };
        self.last = Some((symbol.to_string(), slot));
        Ok(slot)
    }

    fn new_symbol(&self, symbol: &str) -> Result<RawSymbol, DataError> {
        let n = self.reserve;
        let site = self.site();
        let col = || site.with_capacity::<f64>(n);
        Ok(RawSymbol {
            bars: SymbolBars {
                symbol: symbol.to_string(),
                timestamps: site.with_capacity(n)?,
                open: col()?,
                high: col()?,
                low: col()?,
                close: col()?,
                volume: if self.filter.skip_volume {
                    Vec::new()
                } else {
                    col()?
                },
                adj_close: self.has_adj.then(col).transpose()?,
                close_only: self.close_only,
            },
            rows: RowNumbers::Listed(site.with_capacity(n)?),
            on_shared: false,
        })
    }

    fn site(&self) -> Site<'a> {
        Site {
            path: self.path,
            what: "the bar columns",
        }
    }
}

/// Makes room for one more bar in every column of `s` (fallibly: a symbol column's bars are
/// not counted ahead, so its columns grow as they fill).
fn grow(site: &Site, s: &mut RawSymbol, volume: bool) -> Result<(), DataError> {
    let b = &mut s.bars;
    site.grow(&mut b.timestamps)?;
    for c in [&mut b.open, &mut b.high, &mut b.low, &mut b.close] {
        site.grow(c)?;
    }
    if volume {
        site.grow(&mut b.volume)?;
    }
    if let Some(a) = b.adj_close.as_mut() {
        site.grow(a)?;
    }
    if let RowNumbers::Listed(rows) = &mut s.rows {
        site.grow(rows)?;
    }
    Ok(())
}

/// Checks row `i` of `v` (at `r`) and appends it to `s`.
fn push_bar(
    r: &RowRef,
    i: usize,
    v: &Values,
    names: &Names,
    skip_volume: bool,
    s: &mut RawSymbol,
) -> Result<(), DataError> {
    let c = v.close[i].ok_or_else(|| validate::null_value(r, &names.close))?;
    let (o, h, l) = match &v.ohlc {
        Some([o, h, l]) => (
            o[i].ok_or_else(|| validate::null_value(r, &names.open))?,
            h[i].ok_or_else(|| validate::null_value(r, &names.high))?,
            l[i].ok_or_else(|| validate::null_value(r, &names.low))?,
        ),
        None => (c, c, c),
    };
    validate::check_ohlc(r, &names.prices(), o, h, l, c)?;
    let vol = match &v.volume {
        Some(vol) => {
            let x = vol[i].ok_or_else(|| validate::null_value(r, &names.volume))?;
            validate::check_volume(r, &names.volume, x)?;
            x
        }
        None => f64::NAN,
    };
    if let RowNumbers::Listed(rows) = &mut s.rows {
        rows.push(r.row);
    }
    let b = &mut s.bars;
    b.timestamps.push(r.timestamp.unwrap_or_default());
    b.open.push(o);
    b.high.push(h);
    b.low.push(l);
    b.close.push(c);
    if !skip_volume {
        b.volume.push(vol);
    }
    if let (Some(dst), Some(src)) = (b.adj_close.as_mut(), v.adj.as_ref()) {
        dst.push(src[i].unwrap_or(f64::NAN));
    }
    Ok(())
}
