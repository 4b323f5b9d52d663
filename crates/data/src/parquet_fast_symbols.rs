//! The fast path of the Parquet bar reader for files with a symbol column (most exported
//! files): one pass over the file, a column per symbol, row groups decoded in parallel.
//!
//! Consecutive kept row groups are cut into chunks ([`parquet_fast::chunk_groups`]); each
//! chunk is decoded on a rayon worker into per-symbol column pieces, rows of one symbol copied
//! run by run (a file sorted by symbol copies whole slices; a panel sorted by time then symbol
//! one row at a time), and the pieces are joined per symbol in file order. The checks of
//! [`crate::validate`] run over whole columns, as in [`parquet_fast`].
//!
//! Invariant: this path accepts exactly the files the row-by-row path accepts and gives the same
//! bars, symbols (in first-seen order), seen set, daily flag and row numbers. It reports no
//! error of its own but running out of memory for the joined columns: anything it does not handle (a null anywhere, a type other than float64
//! prices and float64/int64 volume, a row group straddling the date range, unsorted or
//! duplicate timestamps within a symbol, a value that fails a check, a symbol with an
//! invisible character, a decoder error) makes it return `None`, and the caller reads the file
//! row by row, which names the exact row, column and symbol.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use rayon::prelude::*;

use crate::arrow_values::TsKind;
use crate::fallible::Site;
use crate::market::SymbolBars;
use crate::parquet_bars::{RawSymbol, RowFilter, RowNumbers};
use crate::parquet_fast::{
    self, bars_pass_checks, chunk_groups, group_reader, is_daily, strictly_increasing,
    to_daily_closes, volumes_pass_checks, write_instants, FastCols,
};
use crate::parquet_open::quietly;
use crate::time::NS_PER_DAY;
use crate::DataError;

/// What the path read from one file.
pub(crate) struct SymbolFileBars {
    /// The wanted symbols' bars in first-seen order (timestamps mapped to bar closes).
    pub symbols: Vec<RawSymbol>,
    /// Every symbol of the decoded rows, wanted or not.
    pub seen: BTreeSet<String>,
    /// True when every instant was a UTC midnight (or the column is a date type).
    pub daily: bool,
}

/// True when the symbol column is a type this path reads (utf8, large utf8, or a dictionary
/// of either).
pub(crate) fn symbol_type_ok(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 => true,
        DataType::Dictionary(_, v) => matches!(v.as_ref(), DataType::Utf8 | DataType::LargeUtf8),
        _ => false,
    }
}

/// Positions of the needed columns in a projected batch.
struct Positions {
    symbol: usize,
    fast: parquet_fast::Positions,
}

impl std::ops::Deref for Positions {
    type Target = parquet_fast::Positions;
    fn deref(&self) -> &Self::Target {
        &self.fast
    }
}

/// Reads row groups `keep` (spans: first 0-based file row and rows of each) of `path`, whose
/// footer `meta` was parsed once. `wanted` are the projected columns in file order. The
/// groups' statistics said every row is inside the date range; the decoded values must agree.
/// `Ok(None)` means "take the row-by-row path"; the only error is running out of memory for
/// the joined columns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read(
    path: &Path,
    meta: &ArrowReaderMetadata,
    symbol_col: usize,
    cols: &FastCols,
    kind: TsKind,
    wanted: &[usize],
    keep: &[usize],
    spans: &[(usize, usize)],
    filter: &RowFilter,
) -> Result<Option<SymbolFileBars>, DataError> {
    let (Some(symbol), Some(fast)) = (
        wanted.iter().position(|&w| w == symbol_col),
        parquet_fast::Positions::of(cols, wanted),
    ) else {
        return Ok(None);
    };
    let at = Positions { symbol, fast };
    let rows: Vec<usize> = spans.iter().map(|s| s.1).collect();
    let mut next = 0;
    // Each chunk: its row groups and their spans.
    type Spans = Vec<(usize, usize)>;
    let chunks: Vec<(Vec<usize>, Spans)> = chunk_groups(keep, &rows)
        .into_iter()
        .map(|(groups, _)| {
            let own = spans[next..next + groups.len()].to_vec();
            next += groups.len();
            (groups, own)
        })
        .collect();
    let outs: Option<Vec<Chunk>> = chunks
        .into_par_iter()
        .map(|(groups, own)| decode_chunk(path, meta, wanted, groups, &own, kind, &at, filter))
        .collect();
    let Some(outs) = outs else { return Ok(None) };
    let site = Site {
        path,
        what: "the bar columns",
    };
    let Some(mut out) = join(outs, &site)? else {
        return Ok(None);
    };
    for s in &out.symbols {
        let ts = &s.bars.timestamps;
        let (Some(&first), Some(&last)) = (ts.first(), ts.last()) else {
            return Ok(None);
        };
        if !filter.in_range(first) || !filter.in_range(last) {
            return Ok(None);
        }
    }
    out.daily = is_daily(kind, out.daily);
    if out.daily {
        for s in &mut out.symbols {
            if to_daily_closes(&mut s.bars.timestamps).is_none() {
                return Ok(None);
            }
        }
    }
    #[cfg(test)]
    TAKEN.with(|n| n.set(n.get() + 1));
    Ok(Some(out))
}

/// Joins the chunks' pieces per symbol, in file order; each symbol's columns are sized once.
/// `daily` of the result says every instant was a UTC midnight. `Ok(None)` when a symbol's
/// instants do not increase across chunks.
fn join(outs: Vec<Chunk>, site: &Site) -> Result<Option<SymbolFileBars>, DataError> {
    let mut totals: HashMap<&str, usize> = HashMap::new();
    for out in &outs {
        for p in &out.parts {
            *totals.entry(p.bars.symbol.as_str()).or_default() += p.bars.len();
        }
    }
    let totals: HashMap<String, usize> = totals
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut seen = BTreeSet::new();
    let mut all_midnight = true;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut symbols: Vec<RawSymbol> = Vec::new();
    for out in outs {
        seen.extend(out.seen);
        all_midnight &= out.midnight;
        for p in out.parts {
            match index.get(&p.bars.symbol) {
                None => {
                    let mut p = p;
                    let extra = totals.get(&p.bars.symbol).map_or(0, |t| t - p.bars.len());
                    reserve(site, &mut p.bars, extra)?;
                    index.insert(p.bars.symbol.clone(), symbols.len());
                    symbols.push(p);
                }
                Some(&k) => {
                    let dst = &mut symbols[k];
                    let increasing = match (dst.bars.timestamps.last(), p.bars.timestamps.first()) {
                        (Some(last), Some(first)) => last < first,
                        _ => false,
                    };
                    if !increasing {
                        return Ok(None);
                    }
                    append(&mut dst.bars, &p.bars);
                    if let (RowNumbers::Strided(a), RowNumbers::Strided(b)) =
                        (&mut dst.rows, p.rows)
                    {
                        a.extend(b);
                    }
                }
            }
        }
    }
    Ok(Some(SymbolFileBars {
        symbols,
        seen,
        daily: all_midnight,
    }))
}

#[cfg(test)]
thread_local! {
    /// Files this thread read by this path (tests check which path ran).
    pub(crate) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Room for `extra` more bars in every column of `b` (fallibly).
fn reserve(site: &Site, b: &mut SymbolBars, extra: usize) -> Result<(), DataError> {
    site.reserve(&mut b.timestamps, extra)?;
    for c in [&mut b.open, &mut b.high, &mut b.low, &mut b.close] {
        site.reserve(c, extra)?;
    }
    if !b.volume.is_empty() {
        site.reserve(&mut b.volume, extra)?;
    }
    if let Some(a) = b.adj_close.as_mut() {
        site.reserve(a, extra)?;
    }
    Ok(())
}

fn append(dst: &mut SymbolBars, src: &SymbolBars) {
    dst.timestamps.extend_from_slice(&src.timestamps);
    dst.open.extend_from_slice(&src.open);
    dst.high.extend_from_slice(&src.high);
    dst.low.extend_from_slice(&src.low);
    dst.close.extend_from_slice(&src.close);
    dst.volume.extend_from_slice(&src.volume);
    if let (Some(d), Some(s)) = (dst.adj_close.as_mut(), src.adj_close.as_ref()) {
        d.extend_from_slice(s);
    }
}

/// One chunk's decoded rows.
struct Chunk {
    /// Pieces of the wanted symbols, in first-seen order.
    parts: Vec<RawSymbol>,
    /// Every symbol of the chunk's rows.
    seen: Vec<String>,
    /// True when every instant of the chunk was a UTC midnight.
    midnight: bool,
}

/// Symbol -> slot among a chunk's parts (`None`: not wanted), filled as rows first use them.
struct SymbolIndex<'a> {
    slots: HashMap<String, Option<usize>>,
    filter: &'a RowFilter,
    at: &'a Positions,
}

impl SymbolIndex<'_> {
    /// The slot of symbol `s`, adding it to `out` (seen, and a new part when wanted) on first
    /// use; `None` for a wanted symbol with an invisible character (the row-by-row path names
    /// its row).
    fn slot(&mut self, s: &str, out: &mut Chunk) -> Option<Option<usize>> {
        if let Some(&slot) = self.slots.get(s) {
            return Some(slot);
        }
        out.seen.push(s.to_string());
        let slot = if self.filter.wants(s) {
            if s.chars().any(crate::symbol_text::is_invisible) {
                return None;
            }
            out.parts.push(new_part(s, self.at));
            Some(out.parts.len() - 1)
        } else {
            None
        };
        self.slots.insert(s.to_string(), slot);
        Some(slot)
    }
}

/// One decoded batch's value columns.
struct BatchValues<'a> {
    close: &'a [f64],
    /// Open, high, low (None: close-only).
    ohlc: Option<(&'a [f64], &'a [f64], &'a [f64])>,
    /// The volumes, when read from the file.
    volume: Option<Volumes<'a>>,
    adj: Option<&'a [f64]>,
}

impl<'a> BatchValues<'a> {
    /// The value columns of `batch`; `None` when one is not of a handled type.
    fn of(batch: &'a RecordBatch, at: &Positions, filter: &RowFilter) -> Option<Self> {
        let f = |k: usize| {
            batch
                .column(k)
                .as_primitive_opt::<Float64Type>()
                .map(|a| a.values().as_ref())
        };
        Some(BatchValues {
            close: f(at.close)?,
            ohlc: match at.ohlc {
                Some([o, h, l]) => Some((f(o)?, f(h)?, f(l)?)),
                None => None,
            },
            volume: match at.volume {
                Some(v) if !filter.skip_volume => Some(volume_values(batch.column(v).as_ref())?),
                _ => None,
            },
            adj: match at.adj {
                Some(a) => Some(f(a)?),
                None => None,
            },
        })
    }

    /// Appends rows `r` of this batch (instants `ts`) to `d`; without a volume column in the
    /// file the volumes are NaN, unless they are not read at all.
    fn append_to(&self, d: &mut SymbolBars, ts: &[i64], r: Range<usize>, skip_volume: bool) {
        d.timestamps.extend_from_slice(&ts[r.clone()]);
        d.close.extend_from_slice(&self.close[r.clone()]);
        let (o, h, l) = self.ohlc.unwrap_or((self.close, self.close, self.close));
        d.open.extend_from_slice(&o[r.clone()]);
        d.high.extend_from_slice(&h[r.clone()]);
        d.low.extend_from_slice(&l[r.clone()]);
        match &self.volume {
            Some(v) => v.extend_into(&mut d.volume, r.clone()),
            None if skip_volume => {}
            None => d.volume.resize(d.volume.len() + r.len(), f64::NAN),
        }
        if let (Some(dst), Some(src)) = (d.adj_close.as_mut(), self.adj) {
            dst.extend_from_slice(&src[r]);
        }
    }
}

/// Decodes one chunk: row groups `groups` (consecutive in `keep` order) whose file spans are
/// `spans`. `None` on anything left to the row-by-row path.
#[allow(clippy::too_many_arguments)]
fn decode_chunk(
    path: &Path,
    meta: &ArrowReaderMetadata,
    wanted: &[usize],
    groups: Vec<usize>,
    spans: &[(usize, usize)],
    kind: TsKind,
    at: &Positions,
    filter: &RowFilter,
) -> Option<Chunk> {
    quietly(move || {
        let reader = group_reader(path, meta, wanted, groups)?;
        let mut out = Chunk {
            parts: Vec::new(),
            seen: Vec::new(),
            midnight: true,
        };
        let mut index = SymbolIndex {
            slots: HashMap::new(),
            filter,
            at,
        };
        let mut ts = Vec::new();
        let mut slots: Vec<Option<usize>> = Vec::new();
        let total: usize = spans.iter().map(|s| s.1).sum();
        let mut file_rows = FileRows::new(spans);
        let mut decoded = 0;
        for batch in reader {
            let batch = batch.ok()?;
            let n = batch.num_rows();
            if decoded + n > total || batch.columns().iter().any(|c| c.null_count() > 0) {
                return None;
            }
            ts.resize(n, 0);
            write_instants(batch.column(at.ts).as_ref(), kind, &mut ts)?;
            out.midnight &= ts.iter().all(|t| t.rem_euclid(NS_PER_DAY) == 0);
            let mut lookup = |s: &str| index.slot(s, &mut out);
            symbol_slots(batch.column(at.symbol).as_ref(), &mut lookup, &mut slots)?;
            let values = BatchValues::of(&batch, at, filter)?;
            let mut a = 0;
            while a < n {
                let slot = slots[a];
                let mut b = a + 1;
                while b < n && slots[b] == slot {
                    b += 1;
                }
                if let Some(k) = slot {
                    let p = &mut out.parts[k];
                    values.append_to(&mut p.bars, &ts, a..b, filter.skip_volume);
                    for r in a..b {
                        p.rows.push_strided(file_rows.at(decoded + r));
                    }
                }
                a = b;
            }
            decoded += n;
        }
        (decoded == total && all_pass_checks(&out.parts, filter, at)).then_some(out)
    })
    .flatten()
}

/// The checks over every part's whole columns (instants strictly increasing, prices, volumes).
fn all_pass_checks(parts: &[RawSymbol], filter: &RowFilter, at: &Positions) -> bool {
    let checked = !filter.skip_volume && at.volume.is_some();
    parts.iter().all(|p| {
        let b = &p.bars;
        strictly_increasing(&b.timestamps)
            && bars_pass_checks(&b.open, &b.high, &b.low, &b.close)
            && (!checked || volumes_pass_checks(&b.volume))
    })
}

fn new_part(symbol: &str, at: &Positions) -> RawSymbol {
    RawSymbol {
        bars: SymbolBars {
            symbol: symbol.to_string(),
            adj_close: at.adj.map(|_| Vec::new()),
            close_only: at.ohlc.is_none(),
            ..SymbolBars::default()
        },
        rows: RowNumbers::Strided(Vec::new()),
        on_shared: false,
    }
}

/// A batch's volume column: float64, or int64 converted as the row-by-row path does.
enum Volumes<'a> {
    F64(&'a [f64]),
    I64(&'a [i64]),
}

impl Volumes<'_> {
    fn extend_into(&self, dst: &mut Vec<f64>, r: Range<usize>) {
        match self {
            Volumes::F64(v) => dst.extend_from_slice(&v[r]),
            Volumes::I64(v) => dst.extend(v[r].iter().map(|&x| x as f64)),
        }
    }
}

fn volume_values(arr: &dyn Array) -> Option<Volumes<'_>> {
    if let Some(a) = arr.as_primitive_opt::<Int64Type>() {
        return Some(Volumes::I64(a.values().as_ref()));
    }
    arr.as_primitive_opt::<Float64Type>()
        .map(|a| Volumes::F64(a.values().as_ref()))
}

/// Maps chunk-local row indices (increasing) to 0-based file rows, over the chunk's spans.
struct FileRows<'a> {
    spans: &'a [(usize, usize)],
    /// Current span and the chunk-local row where it starts.
    span: usize,
    start: usize,
}

impl<'a> FileRows<'a> {
    fn new(spans: &'a [(usize, usize)]) -> Self {
        FileRows {
            spans,
            span: 0,
            start: 0,
        }
    }

    fn at(&mut self, local: usize) -> usize {
        while self.span + 1 < self.spans.len() && local >= self.start + self.spans[self.span].1 {
            self.start += self.spans[self.span].1;
            self.span += 1;
        }
        self.spans.get(self.span).map_or(0, |s| s.0) + (local - self.start)
    }
}

/// The slot of each row's symbol (`lookup` is asked once per distinct symbol in a run of
/// rows, or once per dictionary value); `None` when the column type is not handled or
/// `lookup` refuses a symbol.
fn symbol_slots(
    arr: &dyn Array,
    lookup: &mut dyn FnMut(&str) -> Option<Option<usize>>,
    out: &mut Vec<Option<usize>>,
) -> Option<()> {
    out.clear();
    fn by_strings<'s>(
        values: impl Iterator<Item = Option<&'s str>>,
        lookup: &mut dyn FnMut(&str) -> Option<Option<usize>>,
        out: &mut Vec<Option<usize>>,
    ) -> Option<()> {
        let mut prev: Option<(&str, Option<usize>)> = None;
        for v in values {
            let s = v?;
            let slot = match prev {
                Some((p, slot)) if p == s => slot,
                _ => lookup(s)?,
            };
            prev = Some((s, slot));
            out.push(slot);
        }
        Some(())
    }
    match arr.data_type() {
        DataType::Utf8 => by_strings(arr.as_string_opt::<i32>()?.iter(), lookup, out),
        DataType::LargeUtf8 => by_strings(arr.as_string_opt::<i64>()?.iter(), lookup, out),
        DataType::Dictionary(_, _) => {
            let dict = arr.as_any_dictionary_opt()?;
            let values = dict.values();
            let value = |k: usize| -> Option<&str> {
                match values.data_type() {
                    DataType::Utf8 => Some(values.as_string_opt::<i32>()?.value(k)),
                    DataType::LargeUtf8 => Some(values.as_string_opt::<i64>()?.value(k)),
                    _ => None,
                }
            };
            // Each dictionary value is looked up when a row first uses it (so symbols are seen
            // in row order, as the row-by-row path sees them).
            let mut by_value: Vec<Option<Option<usize>>> = vec![None; values.len()];
            for k in dict.normalized_keys() {
                let slot = match by_value.get(k)? {
                    Some(slot) => *slot,
                    None => {
                        let slot = lookup(value(k)?)?;
                        by_value[k] = Some(slot);
                        slot
                    }
                };
                out.push(slot);
            }
            Some(())
        }
        _ => None,
    }
}
