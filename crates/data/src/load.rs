//! Entry points the CLI calls: bars (and optionally events) from disk into a [`Market`].
//!
//! Invariant: the result is the same whatever the number of threads: files are decoded in
//! parallel but merged in path order; symbols come out in the order asked for (deduplicated)
//! or sorted by name. Every requested symbol is present with at least one bar, or loading fails.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::events_io::load_events;
use crate::market::{Market, MarketBuilder, SymbolBars};
use crate::parquet_bars::{self, FileBars, RawSymbol, RowFilter};
use crate::parquet_discover::{self, BarSource};
use crate::parquet_open;
use crate::symbol_text::shown;
use crate::time::date_only_event_ns;
use crate::timeline::SharedTimeline;
use crate::DataError;

/// What to load: an inclusive date range on the bars' UTC dates, and the symbols to keep.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// First date kept (inclusive).
    pub start: Option<NaiveDate>,
    /// Last date kept (inclusive).
    pub end: Option<NaiveDate>,
    /// Symbols to keep, in the order they should appear in the Market (all when `None`).
    pub symbols: Option<Vec<String>>,
}

/// Which optional columns to read; everything by default. A run reads only what its strategy
/// and fills use: volumes only matter to the volume cap and the square-root impact model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Read the volume column (when false, every volume reads as unknown, NaN, and the
    /// column is neither decoded nor kept in memory).
    pub volume: bool,
}

impl Default for Columns {
    fn default() -> Self {
        Columns { volume: true }
    }
}

/// A loaded market plus the warnings to show the user (e.g. close-only data).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The aligned market.
    pub market: Market,
    /// Warnings, one line each, not yet printed.
    pub warnings: Vec<String>,
}

const MAX_LISTED: usize = 20;

fn list_names<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    let names: Vec<&String> = names.into_iter().collect();
    let mut s = names
        .iter()
        .take(MAX_LISTED)
        .map(|n| shown(n))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX_LISTED {
        s.push_str(&format!(", ... ({} more)", names.len() - MAX_LISTED));
    }
    if s.is_empty() {
        s.push_str("none");
    }
    s
}

fn range_text(opts: &LoadOptions) -> String {
    match (opts.start, opts.end) {
        (Some(s), Some(e)) => format!("between {s} and {e}"),
        (Some(s), None) => format!("on or after {s}"),
        (None, Some(e)) => format!("on or before {e}"),
        (None, None) => "at all".into(),
    }
}

fn dedup_symbols(opts: &LoadOptions) -> Option<Vec<String>> {
    opts.symbols.as_ref().map(|v| {
        let mut seen = BTreeSet::new();
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| seen.insert(s.clone()))
            .collect()
    })
}

/// Loads bars from a Parquet file, a directory of per-symbol files, or hive `symbol=XYZ/`
/// folders. Returns the bars per symbol (sorted, validated), whether they are daily
/// (date-stamped, closes at [`crate::time::daily_close_ns`]), and warnings to show once.
pub fn load_bars(
    path: &Path,
    opts: &LoadOptions,
) -> Result<(Vec<SymbolBars>, bool, Vec<String>), DataError> {
    load_bars_columns(path, opts, Columns::default())
}

/// [`load_bars`] reading only `columns` of the optional columns.
pub fn load_bars_columns(
    path: &Path,
    opts: &LoadOptions,
    columns: Columns,
) -> Result<(Vec<SymbolBars>, bool, Vec<String>), DataError> {
    let l = load_bars_shared(path, opts, columns)?;
    let bars = l
        .bars
        .into_iter()
        .map(|(mut b, on_shared)| {
            if on_shared {
                b.timestamps = l.timeline.clone();
            }
            b
        })
        .collect();
    Ok((bars, l.daily, l.warnings))
}

/// Bars as the loader leaves them: the symbols whose instants are all those of one shared
/// timeline come without their own copy of it (see [`crate::timeline`]).
pub(crate) struct SharedBars {
    /// Per symbol: its bars, and true when their timestamps are `timeline` (left empty).
    pub bars: Vec<(SymbolBars, bool)>,
    /// The shared timeline.
    pub timeline: Vec<i64>,
    /// Date-stamped bars.
    pub daily: bool,
    /// Warnings to show once.
    pub warnings: Vec<String>,
}

/// [`load_bars_columns`], leaving the symbols on the shared timeline without their own copy.
pub(crate) fn load_bars_shared(
    path: &Path,
    opts: &LoadOptions,
    columns: Columns,
) -> Result<SharedBars, DataError> {
    if let (Some(s), Some(e)) = (opts.start, opts.end) {
        if s > e {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
                detail: format!(": the start date {s} is after the end date {e}"),
            });
        }
    }
    let wanted = dedup_symbols(opts);
    let mut filter = RowFilter::new(opts.start, opts.end, wanted.as_deref());
    filter.skip_volume = !columns.volume;
    let sources = parquet_discover::discover(path)?;
    let read = read_sources(&sources, &filter)?;
    let daily = agree_on_daily(&read.files)?;
    let mut grouped = group_by_symbol(read.files, read.named_only);
    let mut unreadable = read.unreadable;
    let order = symbol_order(path, opts, wanted, &grouped, &mut unreadable)?;
    let mut bars = Vec::with_capacity(order.len());
    for sym in &order {
        if let Some(parts) = grouped.per_symbol.remove(sym) {
            bars.push(crate::symbol_merge::finish_symbol(parts, &read.timeline)?);
        }
    }
    let mut warnings: Vec<String> = unreadable
        .iter()
        .map(|e| format!("skipped, not one of the symbols asked for: {e}"))
        .collect();
    let used_close_only: Vec<&String> = order
        .iter()
        .filter(|s| grouped.close_only.contains(*s))
        .collect();
    if !used_close_only.is_empty() {
        warnings.push(format!(
            "close-only data (no open/high/low columns) for {}: open = high = low = close is \
             assumed, so fills at the open use the close",
            list_names(used_close_only)
        ));
    }
    Ok(SharedBars {
        bars,
        timeline: read.timeline,
        daily,
        warnings,
    })
}

/// The sources as read, in path order.
struct ReadSources {
    /// The files read (possibly without bars).
    files: Vec<FileBars>,
    /// Files not needed that could not be opened.
    unreadable: Vec<DataError>,
    /// The timeline the files share.
    timeline: Vec<i64>,
    /// Symbols of hive folders not asked for (never opened).
    named_only: BTreeSet<String>,
}

/// Reads `sources` in parallel; the results keep path order (rayon's collect keeps input
/// order), so what follows is thread-count independent. Each file's timestamps are dropped as
/// soon as it is read when they are the shared timeline, so per-symbol copies never pile up.
fn read_sources(sources: &[BarSource], filter: &RowFilter) -> Result<ReadSources, DataError> {
    // Hive folders name their symbol: unwanted ones are never opened.
    let mut named_only: BTreeSet<String> = BTreeSet::new();
    let to_read: Vec<&BarSource> = sources
        .iter()
        .filter(|s| match (&s.implied_symbol, s.hive) {
            (Some(sym), true) if !filter.wants(sym) => {
                named_only.insert(sym.clone());
                false
            }
            _ => true,
        })
        .collect();
    let shared = SharedTimeline::default();
    let results: Vec<Result<Read, DataError>> = to_read
        .par_iter()
        .map(|s| {
            let mut read = read_if_needed(s, filter)?;
            if let Read::Bars(f) = &mut read {
                shared.share(f);
            }
            Ok(read)
        })
        .collect();
    let mut out = ReadSources {
        files: Vec::with_capacity(results.len()),
        unreadable: Vec::new(),
        timeline: shared.into_inner(),
        named_only,
    };
    // Files not needed that could not be opened: skipped with a warning, but named if a
    // symbol asked for is then missing (they might have held it).
    for r in results {
        match r? {
            Read::Bars(f) => out.files.push(f),
            Read::Unreadable(e) => out.unreadable.push(e),
        }
    }
    Ok(out)
}

/// The files' bars gathered per symbol.
struct Grouped {
    /// Every symbol seen (wanted or not, hive folders included).
    seen: BTreeSet<String>,
    /// Per symbol, its pieces with their files, in path order.
    per_symbol: BTreeMap<String, Vec<(PathBuf, RawSymbol)>>,
    /// Symbols of close-only data.
    close_only: BTreeSet<String>,
    /// Files with a symbol column some of whose row groups were skipped by date.
    partly_skipped: Vec<PathBuf>,
}

fn group_by_symbol(files: Vec<FileBars>, named_only: BTreeSet<String>) -> Grouped {
    let mut g = Grouped {
        seen: named_only,
        per_symbol: BTreeMap::new(),
        close_only: BTreeSet::new(),
        partly_skipped: Vec::new(),
    };
    for f in files {
        g.seen.extend(f.seen);
        if f.skipped_row_groups > 0 && f.has_symbol_column {
            g.partly_skipped.push(f.path.clone());
        }
        for raw in f.symbols {
            if raw.bars.close_only {
                g.close_only.insert(raw.bars.symbol.clone());
            }
            g.per_symbol
                .entry(raw.bars.symbol.clone())
                .or_default()
                .push((f.path.clone(), raw));
        }
    }
    g
}

/// The market's symbols: those asked for, in their order (each must have bars), or every
/// symbol read, sorted by name; an error when there are none.
fn symbol_order(
    path: &Path,
    opts: &LoadOptions,
    wanted: Option<Vec<String>>,
    grouped: &Grouped,
    unreadable: &mut Vec<DataError>,
) -> Result<Vec<String>, DataError> {
    let order: Vec<String> = match wanted {
        Some(w) => {
            for sym in &w {
                if !grouped.per_symbol.contains_key(sym) {
                    return Err(missing_symbol(path, opts, sym, grouped, unreadable)?);
                }
            }
            w
        }
        None => grouped.per_symbol.keys().cloned().collect(),
    };
    check_padded_twins(path, &order, &grouped.seen)?;
    if order.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            detail: format!(": no bars {}", range_text(opts)),
        });
    }
    Ok(order)
}

/// Refuses data holding a symbol with a space at either end (`"AAA "`) beside one of the
/// symbols used once trimmed (`AAA`): they would be two symbols, and the bars of the padded one
/// were left out of the run without a word.
fn check_padded_twins(
    path: &Path,
    order: &[String],
    seen: &BTreeSet<String>,
) -> Result<(), DataError> {
    let used: BTreeSet<&str> = order.iter().map(String::as_str).collect();
    match seen
        .iter()
        .find(|s| crate::symbol_text::padded(s) && used.contains(s.trim_matches(' ')))
    {
        None => Ok(()),
        Some(twin) => Err(DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "holds symbol {} beside {}: a space at either end makes them two symbols; \
                 trim the symbol in the data",
                shown(twin),
                twin.trim_matches(' ')
            ),
        }),
    }
}

/// The error for symbol `sym`, asked for but without bars: no bars in the range, unknown, or
/// (when it was not seen) the first unreadable file that might have held it.
fn missing_symbol(
    path: &Path,
    opts: &LoadOptions,
    sym: &str,
    grouped: &Grouped,
    unreadable: &mut Vec<DataError>,
) -> Result<DataError, DataError> {
    // Row groups skipped by date may hide the symbol: look before calling it unknown.
    let mut all = grouped.seen.clone();
    if !all.contains(sym) {
        for p in &grouped.partly_skipped {
            all.extend(parquet_bars::scan_symbols(p)?);
        }
    }
    if !all.contains(sym) && !unreadable.is_empty() {
        return Ok(unreadable.swap_remove(0));
    }
    if all.contains(sym) {
        return Ok(DataError::Empty {
            path: path.to_path_buf(),
            detail: format!(": symbol {} has no bars {}", shown(sym), range_text(opts)),
        });
    }
    Ok(DataError::UnknownSymbol {
        path: path.to_path_buf(),
        symbol: sym.to_string(),
        available: list_names(&all),
    })
}

/// What reading one source gave.
enum Read {
    /// Its bars (possibly none).
    Bars(FileBars),
    /// It is not needed and could not be opened as Parquet (corrupt, a FIFO...).
    Unreadable(DataError),
}

/// Reads `src` unless it is a file named after a symbol that was not asked for and cannot be
/// opened: such a file is needed only if it has a symbol column, which an unreadable file
/// cannot show, so it must not fail a run that does not use it (nor hang it, for a FIFO).
fn read_if_needed(src: &BarSource, filter: &RowFilter) -> Result<Read, DataError> {
    let unwanted_name = !src.hive
        && filter.symbols.is_some()
        && src
            .implied_symbol
            .as_ref()
            .is_some_and(|s| !filter.wants(s));
    if unwanted_name {
        if let Err(e) = parquet_open::open_meta(&src.path) {
            return Ok(Read::Unreadable(e));
        }
    }
    parquet_bars::read_file(src, filter).map(Read::Bars)
}

fn agree_on_daily(files: &[FileBars]) -> Result<bool, DataError> {
    let mut first: Option<(&Path, bool)> = None;
    for f in files {
        let Some(d) = f.daily else { continue };
        match first {
            None => first = Some((&f.path, d)),
            Some((p, d0)) if d0 != d => {
                let kind = |d: bool| {
                    if d {
                        "daily (date-stamped)"
                    } else {
                        "intraday"
                    }
                };
                return Err(DataError::Invalid {
                    path: f.path.clone(),
                    detail: format!(
                        "has {} bars but {} has {} bars; all files must agree",
                        kind(d),
                        p.display(),
                        kind(d0)
                    ),
                });
            }
            _ => {}
        }
    }
    Ok(first.is_none_or(|(_, d)| d))
}

/// Loads bars and, optionally, the event feed, and aligns them into a [`Market`]. Events after
/// the end of the range are dropped; earlier ones are kept (the engine ignores those before
/// the first bar).
pub fn load_market(
    bars: &Path,
    events: Option<&Path>,
    opts: &LoadOptions,
) -> Result<Loaded, DataError> {
    load_market_columns(bars, events, opts, Columns::default())
}

/// [`load_market`] reading only `columns` of the optional columns.
pub fn load_market_columns(
    bars: &Path,
    events: Option<&Path>,
    opts: &LoadOptions,
    columns: Columns,
) -> Result<Loaded, DataError> {
    let loaded = load_bars_shared(bars, opts, columns)?;
    let mut warnings = loaded.warnings;
    let mut builder = MarketBuilder::new(loaded.daily);
    builder.shared_timeline(loaded.timeline);
    for (b, on_shared) in loaded.bars {
        match on_shared {
            true => builder.add_on_shared(b),
            false => builder.add(b),
        };
    }
    if let Some(ev) = events {
        let mut feed = load_events(ev)?;
        if let Some(end) = opts.end {
            let last = date_only_event_ns(end);
            feed.retain(|e| e.timestamp <= last);
        }
        builder.events(feed);
    }
    let market = builder.try_build(bars)?;
    if let Some(ev) = events {
        warnings.extend(events_outside_bars(ev, &market));
    }
    Ok(Loaded { market, warnings })
}

/// A feed none of whose events falls within the bars' span is legal (a feed may cover another
/// period) but almost surely a mistake (wrong file, wrong year, wrong time zone): warn, since
/// the strategy then sees no event at all.
fn events_outside_bars(path: &Path, market: &Market) -> Option<String> {
    let ts = market.timestamps();
    let (&first, &last) = (ts.first()?, ts.last()?);
    let events = market.events();
    if events
        .iter()
        .any(|e| e.timestamp >= first && e.timestamp <= last)
    {
        return None;
    }
    let span = format!(
        "{} .. {}",
        crate::time::format_ns(first),
        crate::time::format_ns(last)
    );
    Some(match (events.first(), events.last()) {
        (Some(a), Some(b)) => format!(
            "{}: none of its {} events ({} .. {}) falls within the bars ({span}); the strategy \
             sees no events",
            path.display(),
            events.len(),
            crate::time::format_ns(a.timestamp),
            crate::time::format_ns(b.timestamp)
        ),
        _ => format!(
            "{}: no events within the bars ({span}); the strategy sees no events",
            path.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int32Type;
    use arrow_array::{
        ArrayRef, Date64Array, DictionaryArray, Float32Array, Float64Array, Int32Array, Int64Array,
        LargeStringArray, StringArray, TimestampMicrosecondArray, TimestampMillisecondArray,
        TimestampNanosecondArray, TimestampSecondArray,
    };

    use super::*;
    use crate::parquet_bars::test_util::{d, daily_cols, with_col, without, write, write_groups};
    use crate::time::{daily_close_ns, date_to_ns};

    fn opts() -> LoadOptions {
        LoadOptions::default()
    }

    fn err(path: &Path, o: &LoadOptions) -> String {
        match load_bars(path, o) {
            Ok(_) => panic!("expected an error for {}", path.display()),
            Err(e) => e.to_string(),
        }
    }

    fn f64s(v: &[f64]) -> ArrayRef {
        Arc::new(Float64Array::from(v.to_vec()))
    }

    #[test]
    fn single_file_with_symbol_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bars.parquet");
        let cols = daily_cols(
            Some(&["QQQ", "IWM", "QQQ", "IWM"]),
            &["2026-01-05", "2026-01-05", "2026-01-06", "2026-01-06"],
            &[600.0, 250.0, 601.0, 251.0],
        );
        write(&p, cols);
        let (bars, daily, warnings) = load_bars(&p, &opts()).unwrap();
        assert!(daily && warnings.is_empty());
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].symbol, "IWM"); // sorted by name
        assert_eq!(bars[0].close, vec![250.0, 251.0]);
        assert_eq!(
            bars[1].timestamps,
            vec![
                daily_close_ns(d("2026-01-05")),
                daily_close_ns(d("2026-01-06"))
            ]
        );
        assert_eq!(bars[1].volume, vec![1000.0, 1000.0]);
    }

    #[test]
    fn directory_of_per_symbol_files_takes_symbol_from_stem() {
        let dir = tempfile::tempdir().unwrap();
        for (s, px) in [("SPY", 500.0), ("RSP", 170.0)] {
            write(
                &dir.path().join(format!("{s}.parquet")),
                daily_cols(None, &["2026-01-05", "2026-01-06"], &[px, px + 1.0]),
            );
        }
        std::fs::write(dir.path().join("README.txt"), "not data").unwrap();
        let loaded = load_market(dir.path(), None, &opts()).unwrap();
        let m = loaded.market;
        assert_eq!(m.symbols(), &["RSP".to_string(), "SPY".to_string()]);
        assert_eq!(m.n_bars(), 2);
        assert_eq!(m.close(1), &[500.0, 501.0]);
        assert!(m.is_daily());
    }

    #[test]
    fn hive_folders_and_unwanted_folders_are_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        for (s, px) in [("XOM", 110.0), ("COP", 95.0)] {
            let sub = dir.path().join(format!("symbol={s}"));
            std::fs::create_dir(&sub).unwrap();
            write(
                &sub.join("part-0.parquet"),
                daily_cols(None, &["2026-01-05"], &[px]),
            );
            write(
                &sub.join("part-1.parquet"),
                daily_cols(None, &["2026-01-06"], &[px + 1.0]),
            );
        }
        // A corrupt file in a folder nobody asks for must never be opened.
        let bad = dir.path().join("symbol=BAD");
        std::fs::create_dir(&bad).unwrap();
        std::fs::write(bad.join("x.parquet"), b"garbage").unwrap();
        let o = LoadOptions {
            symbols: Some(vec!["XOM".into(), "COP".into()]),
            ..opts()
        };
        let (bars, _, _) = load_bars(dir.path(), &o).unwrap();
        assert_eq!(
            bars.iter().map(|b| b.symbol.as_str()).collect::<Vec<_>>(),
            ["XOM", "COP"]
        );
        assert_eq!(bars[0].close, vec![110.0, 111.0]);
        // Without the filter the corrupt file is read and reported.
        let m = err(dir.path(), &opts());
        assert!(
            m.contains("x.parquet") && m.contains("not a readable Parquet"),
            "{m}"
        );
    }

    fn intraday_file(path: &Path, ts: ArrayRef) {
        let cols = with_col(
            daily_cols(None, &["2026-01-05", "2026-01-05"], &[10.0, 11.0]),
            "timestamp",
            ts,
        );
        write(path, cols);
    }

    #[test]
    fn every_timestamp_unit_with_and_without_time_zone() {
        let dir = tempfile::tempdir().unwrap();
        let base_s = date_to_ns(d("2026-01-05")) / 1_000_000_000 + 14 * 3600 + 30 * 60;
        let secs = vec![base_s, base_s + 60];
        let want: Vec<i64> = secs.iter().map(|s| s * 1_000_000_000).collect();
        for tz in [None, Some("UTC"), Some("+05:00")] {
            let arrays: Vec<ArrayRef> = vec![
                Arc::new(TimestampSecondArray::from(secs.clone()).with_timezone_opt(tz)),
                Arc::new(
                    TimestampMillisecondArray::from(
                        secs.iter().map(|s| s * 1000).collect::<Vec<_>>(),
                    )
                    .with_timezone_opt(tz),
                ),
                Arc::new(
                    TimestampMicrosecondArray::from(
                        secs.iter().map(|s| s * 1_000_000).collect::<Vec<_>>(),
                    )
                    .with_timezone_opt(tz),
                ),
                Arc::new(TimestampNanosecondArray::from(want.clone()).with_timezone_opt(tz)),
            ];
            for (k, a) in arrays.into_iter().enumerate() {
                let p = dir.path().join(format!("T{k}.parquet"));
                intraday_file(&p, a);
                let (bars, daily, _) = load_bars(&p, &opts()).unwrap();
                assert!(!daily, "unit {k} tz {tz:?}");
                assert_eq!(bars[0].timestamps, want, "unit {k} tz {tz:?}");
                assert_eq!(bars[0].symbol, format!("T{k}"));
            }
        }
    }

    #[test]
    fn dates_and_midnight_timestamps_are_daily_bars() {
        let dir = tempfile::tempdir().unwrap();
        let want = vec![
            daily_close_ns(d("2026-01-05")),
            daily_close_ns(d("2026-01-06")),
        ];
        let mid = [date_to_ns(d("2026-01-05")), date_to_ns(d("2026-01-06"))];
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Date64Array::from(
                mid.iter().map(|n| n / 1_000_000).collect::<Vec<_>>(),
            )),
            Arc::new(TimestampNanosecondArray::from(mid.to_vec()).with_timezone("UTC")),
            Arc::new(TimestampMillisecondArray::from(
                mid.iter().map(|n| n / 1_000_000).collect::<Vec<_>>(),
            )),
        ];
        for (k, a) in arrays.into_iter().enumerate() {
            let p = dir.path().join(format!("D{k}.parquet"));
            let cols = with_col(
                daily_cols(None, &["2026-01-05", "2026-01-06"], &[10.0, 11.0]),
                "timestamp",
                a,
            );
            write(&p, cols);
            let (bars, daily, _) = load_bars(&p, &opts()).unwrap();
            assert!(daily, "variant {k}");
            assert_eq!(bars[0].timestamps, want, "variant {k}");
        }
    }

    #[test]
    fn float32_int_prices_dictionary_and_large_utf8_symbols_and_aliases() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mixed.parquet");
        let sym: DictionaryArray<Int32Type> = vec!["A", "B", "A"].into_iter().collect();
        let cols: Vec<(&str, ArrayRef)> = vec![
            ("Ticker", Arc::new(sym)),
            (
                "Date",
                Arc::new(arrow_array::Date32Array::from(
                    crate::parquet_bars::test_util::days(&[
                        "2026-01-05",
                        "2026-01-05",
                        "2026-01-06",
                    ]),
                )),
            ),
            (
                "Open",
                Arc::new(Float32Array::from(vec![10.0f32, 20.0, 11.0])),
            ),
            ("HIGH", Arc::new(Int32Array::from(vec![12, 22, 12]))),
            ("low", Arc::new(Int64Array::from(vec![9, 19, 10]))),
            (
                "Close",
                Arc::new(Float32Array::from(vec![11.5f32, 21.0, 11.0])),
            ),
            ("Volume", f64s(&[1.0, 2.0, 3.0])),
            ("Adj Close", f64s(&[11.0, 20.0, 10.5])),
        ];
        write(&p, cols);
        let (bars, _, _) = load_bars(&p, &opts()).unwrap();
        assert_eq!(bars[0].symbol, "A");
        assert_eq!(bars[0].high, vec![12.0, 12.0]);
        assert_eq!(bars[0].close, vec![11.5, 11.0]);
        assert_eq!(bars[0].adj_close, Some(vec![11.0, 10.5]));
        assert_eq!(bars[1].volume, vec![2.0]);

        let p2 = dir.path().join("large.parquet");
        let cols = with_col(
            daily_cols(Some(&["Z"]), &["2026-01-05"], &[5.0]),
            "symbol",
            Arc::new(LargeStringArray::from(vec!["Z"])),
        );
        write(&p2, cols);
        assert_eq!(load_bars(&p2, &opts()).unwrap().0[0].symbol, "Z");
    }

    #[test]
    fn close_only_fills_ohlc_with_one_warning_and_missing_volume_is_nan() {
        let dir = tempfile::tempdir().unwrap();
        for s in ["AAA", "BBB"] {
            let cols = daily_cols(None, &["2026-01-05", "2026-01-06"], &[10.0, 10.5]);
            let cols = without(
                without(without(without(cols, "open"), "high"), "low"),
                "volume",
            );
            write(&dir.path().join(format!("{s}.parquet")), cols);
        }
        let loaded = load_market(dir.path(), None, &opts()).unwrap();
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(loaded.warnings[0].contains("AAA, BBB"));
        let m = loaded.market;
        assert_eq!(m.open(0), m.close(0));
        assert_eq!(m.high(1), &[10.0, 10.5]);
        assert!(m.volume(0).iter().all(|v| v.is_nan()));
        assert!(m.is_close_only(0));
    }

    #[test]
    fn unsorted_input_is_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("U.parquet");
        write(
            &p,
            daily_cols(
                None,
                &["2026-01-07", "2026-01-05", "2026-01-06"],
                &[3.0, 1.0, 2.0],
            ),
        );
        let (bars, _, _) = load_bars(&p, &opts()).unwrap();
        assert_eq!(bars[0].close, vec![1.0, 2.0, 3.0]);
        assert!(bars[0].timestamps.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn date_range_skips_row_groups_by_statistics() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bars.parquet");
        // January holds an invalid price: it is never decoded when the range excludes it.
        let jan = with_col(
            daily_cols(
                Some(&["A", "OLD"]),
                &["2026-01-05", "2026-01-06"],
                &[1.0, 1.0],
            ),
            "close",
            f64s(&[-1.0, 1.0]),
        );
        let feb = daily_cols(
            Some(&["A", "A"]),
            &["2026-02-02", "2026-02-03"],
            &[2.0, 2.1],
        );
        let mar = daily_cols(Some(&["A"]), &["2026-03-02"], &[3.0]);
        write_groups(&p, vec![jan, feb, mar]);
        let o = LoadOptions {
            start: Some(d("2026-02-01")),
            end: Some(d("2026-02-28")),
            symbols: None,
        };
        let filter = RowFilter::new(o.start, o.end, None);
        let src = BarSource {
            path: p.clone(),
            implied_symbol: None,
            hive: false,
        };
        let f = parquet_bars::read_file(&src, &filter).unwrap();
        assert_eq!((f.row_groups, f.skipped_row_groups), (3, 2));
        let (bars, _, _) = load_bars(&p, &o).unwrap();
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].close, vec![2.0, 2.1]);
        // Row filtering inside a kept group, inclusive bounds.
        let o2 = LoadOptions {
            start: Some(d("2026-02-03")),
            end: Some(d("2026-03-02")),
            symbols: None,
        };
        assert_eq!(load_bars(&p, &o2).unwrap().0[0].close, vec![2.1, 3.0]);
        // A symbol that exists only in a skipped row group has no bars; it is not unknown.
        let o3 = LoadOptions {
            symbols: Some(vec!["OLD".into()]),
            ..o.clone()
        };
        let m = err(&p, &o3);
        assert!(
            m.contains("symbol OLD has no bars between 2026-02-01 and 2026-02-28"),
            "{m}"
        );
        // Nothing in range at all.
        let o4 = LoadOptions {
            start: Some(d("2027-01-01")),
            ..opts()
        };
        let m = err(&p, &o4);
        assert!(
            m.contains("bars.parquet") && m.contains("no data: no bars on or after 2027-01-01"),
            "{m}"
        );
        // The invalid January row is reported, with its row, when it is loaded.
        let m = err(&p, &opts());
        assert!(
            m.contains("row 1") && m.contains("`close`") && m.contains("symbol A"),
            "{m}"
        );
    }

    #[test]
    fn symbol_filter_keeps_order_and_reports_unknown_symbols() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bars.parquet");
        write(
            &p,
            daily_cols(Some(&["A", "B", "C"]), &["2026-01-05"; 3], &[1.0, 2.0, 3.0]),
        );
        let o = LoadOptions {
            symbols: Some(vec!["C".into(), "A".into(), "C".into()]),
            ..opts()
        };
        let (bars, _, _) = load_bars(&p, &o).unwrap();
        assert_eq!(
            bars.iter().map(|b| b.symbol.as_str()).collect::<Vec<_>>(),
            ["C", "A"]
        );
        let o = LoadOptions {
            symbols: Some(vec!["A".into(), "NOPE".into()]),
            ..opts()
        };
        match load_bars(&p, &o) {
            Err(DataError::UnknownSymbol {
                symbol, available, ..
            }) => {
                assert_eq!(symbol, "NOPE");
                assert_eq!(available, "A, B, C");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn events_are_cut_at_the_end_of_the_range() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("A.parquet");
        write(
            &p,
            daily_cols(None, &["2026-01-05", "2026-01-06"], &[1.0, 1.1]),
        );
        let ev = dir.path().join("events.csv");
        std::fs::write(
            &ev,
            "timestamp,headline,tags\n2026-01-06,late on end day,x\n2026-01-07T01:00:00Z,after,y\n2025-12-01,early,z\n",
        )
        .unwrap();
        let o = LoadOptions {
            end: Some(d("2026-01-06")),
            ..opts()
        };
        let m = load_market(&p, Some(&ev), &o).unwrap().market;
        let heads: Vec<&str> = m.events().iter().map(|e| e.headline.as_str()).collect();
        assert_eq!(heads, ["early", "late on end day"]);
    }

    #[test]
    fn parallel_loading_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        for k in 0..12 {
            write(
                &dir.path().join(format!("S{k:02}.parquet")),
                daily_cols(
                    None,
                    &["2026-01-05", "2026-01-06"],
                    &[k as f64 + 1.0, k as f64 + 2.0],
                ),
            );
        }
        let a = load_market(dir.path(), None, &opts()).unwrap().market;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| load_market(dir.path(), None, &opts()).unwrap().market);
        assert_eq!(a, b);
    }

    // --- one test per validation error -------------------------------------------------

    fn bad_file(name: &str, cols: Vec<(&'static str, ArrayRef)>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        write(&p, cols);
        (dir, p)
    }

    fn base() -> Vec<(&'static str, ArrayRef)> {
        daily_cols(
            Some(&["AAA", "BBB", "AAA"]),
            &["2026-01-05", "2026-01-05", "2026-01-06"],
            &[10.0, 20.0, 11.0],
        )
    }

    #[test]
    fn error_missing_column_says_what_was_looked_for() {
        let (_d, p) = bad_file("nots.parquet", without(base(), "timestamp"));
        let m = err(&p, &opts());
        assert!(
            m.contains("nots.parquet") && m.contains("missing column `timestamp`"),
            "{m}"
        );
        assert!(
            m.contains("`date`") && m.contains("`ts`") && m.contains("found: symbol"),
            "{m}"
        );
        let (_d, p) = bad_file("nohigh.parquet", without(base(), "high"));
        assert!(err(&p, &opts()).contains("missing column `high`"));
    }

    #[test]
    fn error_unsupported_type() {
        let (_d, p) = bad_file(
            "types.parquet",
            with_col(
                base(),
                "close",
                Arc::new(StringArray::from(vec!["1", "2", "3"])),
            ),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("types.parquet") && m.contains("column `close` has unsupported type Utf8"),
            "{m}"
        );
        let (_d, p) = bad_file(
            "ts.parquet",
            with_col(
                base(),
                "timestamp",
                Arc::new(Int64Array::from(vec![1, 2, 3])),
            ),
        );
        assert!(err(&p, &opts()).contains("column `timestamp` has unsupported type Int64"));
    }

    #[test]
    fn error_null_in_required_column() {
        let (_d, p) = bad_file(
            "nulls.parquet",
            with_col(
                base(),
                "close",
                Arc::new(Float64Array::from(vec![Some(10.0), Some(20.0), None])),
            ),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("nulls.parquet")
                && m.contains(
                    "null in required column `close` at row 3, symbol AAA, timestamp 2026-01-06"
                ),
            "{m}"
        );
    }

    #[test]
    fn error_nan_and_non_positive_prices() {
        let (_d, p) = bad_file(
            "nan.parquet",
            with_col(base(), "open", f64s(&[10.0, f64::NAN, 11.0])),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("nan.parquet")
                && m.contains("non-finite price in column `open` at row 2, symbol BBB"),
            "{m}"
        );
        let (_d, p) = bad_file(
            "inf.parquet",
            with_col(base(), "high", f64s(&[f64::INFINITY, 20.2, 11.11])),
        );
        assert!(err(&p, &opts()).contains("non-finite price in column `high` at row 1"));
        let (_d, p) = bad_file(
            "zero.parquet",
            with_col(base(), "low", f64s(&[9.9, 0.0, 10.89])),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("non-positive price in column `low` at row 2, symbol BBB"),
            "{m}"
        );
    }

    #[test]
    fn error_high_below_low_and_open_close_outside_range() {
        let (_d, p) = bad_file(
            "hl.parquet",
            with_col(base(), "high", f64s(&[10.1, 20.2, 10.0])),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("hl.parquet")
                && m.contains("high below low")
                && m.contains("row 3, symbol AAA"),
            "{m}"
        );
        let (_d, p) = bad_file(
            "oc.parquet",
            with_col(base(), "close", f64s(&[10.0, 20.3, 11.0])),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("outside the bar's range in column `close` at row 2, symbol BBB"),
            "{m}"
        );
    }

    #[test]
    fn error_negative_nan_or_null_volume() {
        let (_d, p) = bad_file(
            "vol.parquet",
            with_col(base(), "volume", f64s(&[1.0, -5.0, 1.0])),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("vol.parquet")
                && m.contains("bad volume in column `volume` at row 2, symbol BBB"),
            "{m}"
        );
        let (_d, p) = bad_file(
            "nullvol.parquet",
            with_col(
                base(),
                "volume",
                Arc::new(Float64Array::from(vec![None, Some(1.0), None])),
            ),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("nullvol.parquet")
                && m.contains("null in required column `volume` at row 1, symbol AAA"),
            "{m}"
        );
        let (_d, p) = bad_file(
            "nanvol.parquet",
            with_col(base(), "volume", f64s(&[1.0, 1.0, f64::NAN])),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("bad volume in column `volume` at row 3, symbol AAA")
                && m.contains("volume = NaN"),
            "{m}"
        );
        // A file without volumes has no volume column: every volume is unknown (NaN).
        let (_d, p) = bad_file("novol.parquet", without(base(), "volume"));
        let (bars, _, _) = load_bars(&p, &opts()).unwrap();
        assert!(bars[0].volume.iter().all(|v| v.is_nan()));
        // Volumes not asked for are neither read nor judged.
        let (_d, p) = bad_file(
            "nanvol.parquet",
            with_col(base(), "volume", f64s(&[1.0, 1.0, f64::NAN])),
        );
        let (bars, _, _) = load_bars_columns(&p, &opts(), Columns { volume: false }).unwrap();
        assert!(bars.iter().all(|b| b.volume.is_empty()));
        let mut m = MarketBuilder::new(true);
        for b in bars {
            m.add(b);
        }
        let m = m.build();
        assert!(m.volume(0).len() == m.n_bars() && m.volume(1).iter().all(|v| v.is_nan()));
    }

    #[test]
    fn two_columns_for_one_field_are_ambiguous() {
        for (name, cols) in [
            (
                "Close",
                with_col(base(), "Close", f64s(&[10.0, 20.0, 11.0])),
            ),
            (
                "date",
                with_col(
                    base(),
                    "date",
                    Arc::new(arrow_array::Date32Array::from(vec![1, 2, 3])),
                ),
            ),
            ("ticker", with_col(base(), "ticker", f64s(&[1.0, 2.0, 3.0]))),
        ] {
            let (_d, p) = bad_file("two.parquet", cols);
            let m = err(&p, &opts());
            assert!(
                m.contains("two.parquet") && m.contains(&format!("and \"{name}\" both give")),
                "{m}"
            );
        }
        let (_d, p) = bad_file(
            "adj.parquet",
            with_col(
                with_col(base(), "adj_close", f64s(&[1.0, 2.0, 3.0])),
                "Adj Close",
                f64s(&[1.0, 2.0, 3.0]),
            ),
        );
        let m = err(&p, &opts());
        assert!(
            m.contains("columns \"adj_close\" and \"Adj Close\" both give the adjusted close"),
            "{m}"
        );
    }

    #[test]
    fn only_the_needed_regular_files_are_opened() {
        // Issue 17 item 12: a FIFO (even of an unused symbol) blocked the load forever; a
        // corrupt unused file failed it.
        let dir = tempfile::tempdir().unwrap();
        for s in ["AAA", "BBB"] {
            write(
                &dir.path().join(format!("{s}.parquet")),
                daily_cols(None, &["2026-01-05", "2026-01-06"], &[1.0, 1.1]),
            );
        }
        std::fs::write(dir.path().join("CCC.parquet"), b"PAR1 junk PAR1").unwrap();
        let fifo = dir.path().join("DDD.parquet");
        let have_fifo = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        let pick = |syms: &[&str]| LoadOptions {
            symbols: Some(syms.iter().map(|s| s.to_string()).collect()),
            ..opts()
        };
        let (bars, _, warnings) = load_bars(dir.path(), &pick(&["AAA", "BBB"])).unwrap();
        assert_eq!(bars.len(), 2);
        assert!(
            warnings[0].contains("CCC.parquet: not a readable Parquet file"),
            "{warnings:?}"
        );
        if have_fifo {
            assert!(
                warnings[1].contains("DDD.parquet: is not a regular file"),
                "{warnings:?}"
            );
            let m = err(dir.path(), &pick(&["DDD"]));
            assert!(m.contains("DDD.parquet: is not a regular file"), "{m}");
        }
        let m = err(dir.path(), &pick(&["CCC"]));
        assert!(
            m.contains("CCC.parquet: not a readable Parquet file"),
            "{m}"
        );
        // A symbol nowhere else might have been in the unreadable file: its error is shown.
        let m = err(dir.path(), &pick(&["AAA", "ZZZ"]));
        assert!(
            m.contains("CCC.parquet: not a readable Parquet file"),
            "{m}"
        );
        // Without a symbol list every file is needed.
        let m = err(dir.path(), &opts());
        assert!(m.contains("CCC.parquet"), "{m}");
    }

    #[test]
    fn thousands_of_one_row_groups_load_in_linear_time() {
        // Issue 17 item 11: the footer was parsed again for every row group (quadratic).
        let dir = tempfile::tempdir().unwrap();
        let n = 5_000;
        let dates: Vec<String> = (0..n)
            .map(|i| (d("2000-01-01") + chrono::Days::new(i as u64)).to_string())
            .collect();
        let refs: Vec<&str> = dates.iter().map(String::as_str).collect();
        let closes: Vec<f64> = (0..n).map(|i| 100.0 + (i % 97) as f64).collect();
        for (name, syms) in [("ONE.parquet", None), ("all.parquet", Some(vec!["S"; n]))] {
            let cols = daily_cols(syms.as_deref(), &refs, &closes);
            let p = dir.path().join(name);
            let batch = arrow_array::RecordBatch::try_from_iter(cols).unwrap();
            let props = parquet::file::properties::WriterProperties::builder()
                .set_max_row_group_row_count(Some(1))
                .build();
            let f = std::fs::File::create(&p).unwrap();
            let mut w =
                parquet::arrow::ArrowWriter::try_new(f, batch.schema(), Some(props)).unwrap();
            w.write(&batch).unwrap();
            w.close().unwrap();
            let src = BarSource {
                path: p.clone(),
                implied_symbol: Some("ONE".into()),
                hive: false,
            };
            let f = parquet_bars::read_file(&src, &RowFilter::default()).unwrap();
            assert_eq!(f.row_groups, n);
            let (bars, daily, _) = load_bars(&p, &opts()).unwrap();
            assert!(daily);
            assert_eq!(bars.len(), 1);
            assert_eq!(bars[0].close, closes);
            assert_eq!(bars[0].high[n - 1], closes[n - 1] * 1.01);
            assert_eq!(
                bars[0].timestamps[n - 1],
                crate::time::daily_close_ns(d(&dates[n - 1]))
            );
        }
    }

    #[test]
    fn error_duplicate_bar_names_both_rows() {
        let cols = daily_cols(
            Some(&["AAA", "BBB", "AAA"]),
            &["2026-01-05", "2026-01-05", "2026-01-05"],
            &[10.0, 20.0, 11.0],
        );
        let (_d, p) = bad_file("dup.parquet", cols);
        let m = err(&p, &opts());
        assert!(
            m.contains("dup.parquet")
                && m.contains("duplicate bar for symbol AAA at 2026-01-05 (rows 1 and 3)"),
            "{m}"
        );
        // Across files of one hive folder.
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("symbol=X");
        std::fs::create_dir(&sub).unwrap();
        write(
            &sub.join("a.parquet"),
            daily_cols(None, &["2026-01-05"], &[1.0]),
        );
        write(
            &sub.join("b.parquet"),
            daily_cols(None, &["2026-01-06", "2026-01-05"], &[1.0, 1.0]),
        );
        let m = err(dir.path(), &opts());
        assert!(
            m.contains("b.parquet")
                && m.contains("row 2")
                && m.contains("row 1 of")
                && m.contains("a.parquet"),
            "{m}"
        );
    }

    #[test]
    fn error_empty_input() {
        let (_d, p) = bad_file("empty.parquet", daily_cols(Some(&[]), &[], &[]));
        let m = err(&p, &opts());
        assert!(
            m.contains("empty.parquet: no data: the file has no rows"),
            "{m}"
        );
        let dir = tempfile::tempdir().unwrap();
        let m = err(dir.path(), &opts());
        assert!(m.contains("no .parquet files"), "{m}");
    }

    #[test]
    fn error_corrupt_and_truncated_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("junk.parquet");
        std::fs::write(&p, b"this is not parquet at all").unwrap();
        let m = err(&p, &opts());
        assert!(
            m.contains("junk.parquet: not a readable Parquet file"),
            "{m}"
        );
        let good = dir.path().join("good.parquet");
        write(&good, base());
        let bytes = std::fs::read(&good).unwrap();
        for cut in [8, bytes.len() / 2, bytes.len() - 3] {
            let t = dir.path().join("trunc.parquet");
            std::fs::write(&t, &bytes[..cut]).unwrap();
            let m = err(&t, &opts());
            assert!(m.contains("trunc.parquet"), "{m}");
        }
        // Flipped bytes in the data pages: an error, never a panic.
        for k in (4..bytes.len().saturating_sub(8)).step_by(7) {
            let mut b = bytes.clone();
            b[k] ^= 0xA5;
            let t = dir.path().join("flip.parquet");
            std::fs::write(&t, &b).unwrap();
            let _ = load_bars(&t, &opts());
        }
        let m = err(&dir.path().join("absent.parquet"), &opts());
        assert!(m.contains("absent.parquet: cannot read"), "{m}");
    }

    #[test]
    fn error_mixed_daily_and_intraday_files() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir.path().join("A.parquet"),
            daily_cols(None, &["2026-01-05"], &[1.0]),
        );
        let t = date_to_ns(d("2026-01-05")) + 15 * 3_600_000_000_000;
        intraday_file(
            &dir.path().join("B.parquet"),
            Arc::new(TimestampNanosecondArray::from(vec![t, t + 60_000_000_000])),
        );
        let m = err(dir.path(), &opts());
        assert!(
            m.contains("B.parquet") && m.contains("intraday") && m.contains("A.parquet"),
            "{m}"
        );
    }

    #[test]
    fn error_unsupported_codec_names_the_supported_ones() {
        use parquet::basic::{Compression, GzipLevel};
        let e = parquet_open::check_codec(
            Path::new("g.parquet"),
            "close",
            Compression::GZIP(GzipLevel::default()),
        );
        let m = e.unwrap_err().to_string();
        assert!(
            m.contains("g.parquet") && m.contains("GZIP") && m.contains("snappy, zstd"),
            "{m}"
        );
        assert!(parquet_open::check_codec(Path::new("x"), "c", Compression::SNAPPY).is_ok());
    }

    #[test]
    fn row_numbers_count_rows_of_skipped_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rows.parquet");
        let jan = daily_cols(
            Some(&["A", "A"]),
            &["2026-01-05", "2026-01-06"],
            &[1.0, 1.0],
        );
        let feb = daily_cols(
            Some(&["A", "A"]),
            &["2026-02-02", "2026-02-03"],
            &[2.0, 2.1],
        );
        let mar = with_col(
            daily_cols(
                Some(&["A", "A"]),
                &["2026-03-02", "2026-03-03"],
                &[3.0, 3.0],
            ),
            "volume",
            Arc::new(Int64Array::from(vec![1, -1])),
        );
        write_groups(&p, vec![jan, feb, mar]);
        let o = LoadOptions {
            start: Some(d("2026-02-01")),
            ..opts()
        };
        let m = err(&p, &o);
        assert!(m.contains("row 6, symbol A, timestamp 2026-03-03"), "{m}");
    }
}
