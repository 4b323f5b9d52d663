//! Import of Yahoo/Stooq-style daily CSVs into rotor's Parquet bar format, one file per symbol.
//!
//! Invariant: the written file passes the same checks as any Parquet input ([`crate::validate`]),
//! is sorted by date with no duplicate, and is written atomically; an input file is never
//! overwritten. Rows whose price is a literal `null` or empty (Yahoo writes those on some days)
//! are skipped and counted, never silently invented.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::columns::find_unique;
use crate::parquet_bars::ADJ_CLOSE_ALIASES;
use crate::symbol_text;
use crate::table::{Column, Table};
use crate::time::{self, date_to_ns, NS_PER_DAY};
use crate::validate::{self, PriceNames, RowRef};
use crate::DataError;

/// What one import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// Symbol written (the input file stem, upper-cased).
    pub symbol: String,
    /// The Parquet file written.
    pub output: PathBuf,
    /// Bars written.
    pub rows: usize,
    /// Rows skipped because a price was `null` or empty.
    pub skipped: usize,
    /// First date written.
    pub first: NaiveDate,
    /// Last date written.
    pub last: NaiveDate,
    /// True when the input had only adjusted closes (`Date,Adj Close`), written as the close
    /// of a close-only series.
    pub adj_as_close: bool,
}

const DATE_ALIASES: &[&str] = &["date", "timestamp", "datetime"];

struct Row {
    date: NaiveDate,
    row: usize,
    ohlc: Option<[f64; 3]>,
    close: f64,
    adj: Option<f64>,
    volume: f64,
}

/// Imports one daily CSV (`Date,Open,High,Low,Close[,Adj Close][,Volume]`, or `Date,Close`;
/// header case-insensitive) into `out_dir/<STEM>.parquet` (zstd). A close-only input is written
/// close-only (no open/high/low columns) so loaders know to warn about it.
pub fn import_csv(file: &Path, out_dir: &Path) -> Result<ImportSummary, DataError> {
    let symbol = symbol_of(file)?;
    let output = out_dir.join(format!("{symbol}.parquet"));
    std::fs::create_dir_all(out_dir).map_err(|e| DataError::Write {
        path: out_dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let same = match (std::fs::canonicalize(file), std::fs::canonicalize(&output)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(DataError::Invalid {
            path: file.to_path_buf(),
            detail: format!(
                "the output {} is the input file itself; choose another --out folder",
                output.display()
            ),
        });
    }

    let (rows, skipped, names) = read_rows(file, &symbol)?;
    if rows.is_empty() {
        return Err(DataError::Empty {
            path: file.to_path_buf(),
            detail: if skipped > 0 {
                format!(": every row has a null price ({skipped} skipped)")
            } else {
                ": the file has no data rows".into()
            },
        });
    }
    let mut rows = rows;
    rows.sort_by_key(|r| (r.date, r.row));
    for w in rows.windows(2) {
        if w[0].date == w[1].date {
            return Err(DataError::Duplicate {
                path: file.to_path_buf(),
                symbol: symbol.clone(),
                timestamp: w[0].date.to_string(),
                first_row: w[0].row.min(w[1].row),
                second_row: w[0].row.max(w[1].row),
            });
        }
    }
    let n = rows.len();
    let days: Vec<i32> = rows
        .iter()
        .map(|r| i32::try_from(date_to_ns(r.date).div_euclid(NS_PER_DAY)).unwrap_or(i32::MAX))
        .collect();
    let mut columns = vec![
        Column::Str("symbol".into(), vec![symbol.clone(); n]),
        Column::Date32("timestamp".into(), days),
    ];
    if names.has_ohlc {
        for (k, name) in ["open", "high", "low"].into_iter().enumerate() {
            columns.push(Column::F64(
                name.into(),
                rows.iter()
                    .map(|r| r.ohlc.map_or(f64::NAN, |o| o[k]))
                    .collect(),
            ));
        }
    }
    columns.push(Column::F64(
        "close".into(),
        rows.iter().map(|r| r.close).collect(),
    ));
    // Without volumes the file has no volume column (the loader refuses NaN volumes).
    if names.has_volume {
        columns.push(Column::F64(
            "volume".into(),
            rows.iter().map(|r| r.volume).collect(),
        ));
    }
    if names.has_adj {
        columns.push(Column::F64(
            "adj_close".into(),
            rows.iter().map(|r| r.adj.unwrap_or(f64::NAN)).collect(),
        ));
    }
    Table::new(columns).write_parquet(&output)?;
    Ok(ImportSummary {
        symbol,
        output,
        rows: n,
        skipped,
        first: rows[0].date,
        last: rows[n - 1].date,
        adj_as_close: names.adj_as_close,
    })
}

/// The symbol an input file is imported as: its stem, trimmed and upper-cased.
pub fn symbol_of(file: &Path) -> Result<String, DataError> {
    let symbol = file
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_uppercase())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| DataError::Invalid {
            path: file.to_path_buf(),
            detail: "cannot take a symbol from this file name".into(),
        })?;
    symbol_text::check(file, &symbol, " (from the file name)")?;
    Ok(symbol)
}

/// Refuses a list of inputs of which two would be written to the same output file
/// (`a/DUP.csv b/DUP.csv`, or `dup.csv` and `DUP.csv`): the second would silently replace the
/// first. Checked before anything is written.
pub fn check_distinct_symbols(files: &[PathBuf]) -> Result<(), DataError> {
    let mut seen: std::collections::HashMap<String, &PathBuf> = std::collections::HashMap::new();
    for file in files {
        let symbol = symbol_of(file)?;
        if let Some(first) = seen.get(&symbol) {
            return Err(DataError::Invalid {
                path: file.to_path_buf(),
                detail: format!(
                    "imports as symbol {} like {}, and both would be written to {}.parquet; \
                         import them into different --out folders or rename one",
                    symbol_text::shown(&symbol),
                    first.display(),
                    symbol
                ),
            });
        }
        seen.insert(symbol, file);
    }
    Ok(())
}

/// Refuses, before anything is written, inputs whose output `out_dir/<SYMBOL>.parquet` already
/// exists (unless `force`): importing `AAA.csv` into a bars folder holding another source's
/// `AAA.parquet` replaced that history silently.
pub fn check_outputs_free(files: &[PathBuf], out_dir: &Path, force: bool) -> Result<(), DataError> {
    if force {
        return Ok(());
    }
    for file in files {
        let output = out_dir.join(format!("{}.parquet", symbol_of(file)?));
        if std::fs::symlink_metadata(&output).is_ok() {
            return Err(DataError::Invalid {
                path: output,
                detail: format!(
                    "already exists; importing {} would replace it (use --force to overwrite)",
                    file.display()
                ),
            });
        }
    }
    Ok(())
}

struct Layout {
    has_ohlc: bool,
    has_adj: bool,
    has_volume: bool,
    adj_as_close: bool,
}

/// Where each field is in a CSV file's header.
struct CsvColumns {
    date: usize,
    /// Open, high and low: all three or none.
    ohlc: Option<[usize; 3]>,
    close: usize,
    adj: Option<usize>,
    volume: Option<usize>,
    /// `Date,Adj Close`: the adjusted closes are the only prices, read as the close.
    adj_as_close: bool,
}

/// A header's column name as written (trimmed, without a byte-order mark).
fn column_name(headers: &[String], c: usize) -> String {
    headers[c].trim().trim_start_matches('\u{feff}').to_string()
}

/// Finds the columns of `file` from its `headers` (names and aliases, case-insensitive); an
/// error names a missing required column or a partial open/high/low set.
fn find_columns(file: &Path, headers: &[String]) -> Result<CsvColumns, DataError> {
    let find = |field: &str, aliases: &[&str]| find_unique(file, headers, field, aliases);
    let req = |canon: &str, aliases: &[&str]| {
        find(canon, aliases)?.ok_or_else(|| validate::missing_column(file, canon, aliases, headers))
    };
    let date = req("Date", DATE_ALIASES)?;
    let adj_c = find("Adj Close", ADJ_CLOSE_ALIASES)?;
    let ohlc_found = [
        find("Open", &["open"])?,
        find("High", &["high"])?,
        find("Low", &["low"])?,
    ];
    // `Date,Adj Close`: the adjusted closes are the only prices, so they are the close of a
    // close-only series (the loader warns about close-only data as for `Date,Close`).
    let (close, adj, adj_as_close) = match (find("Close", &["close"])?, adj_c) {
        (Some(c), adj) => (c, adj, false),
        (None, Some(a)) if ohlc_found == [None, None, None] => (a, None, true),
        (None, _) => return Err(validate::missing_column(file, "Close", &["close"], headers)),
    };
    let ohlc = match ohlc_found {
        [Some(o), Some(h), Some(l)] => Some([o, h, l]),
        [None, None, None] => None,
        _ => {
            req("Open", &["open"])?;
            req("High", &["high"])?;
            req("Low", &["low"])?;
            None
        }
    };
    Ok(CsvColumns {
        date,
        ohlc,
        close,
        adj,
        volume: find("Volume", &["volume"])?,
        adj_as_close,
    })
}

fn read_rows(file: &Path, symbol: &str) -> Result<(Vec<Row>, usize, Layout), DataError> {
    let (headers, mut rdr) = crate::csv_input::open(file)?;
    let corrupt = |e| crate::csv_input::corrupt(file, e);
    let cols = find_columns(file, &headers)?;
    let name = |c: usize| column_name(&headers, c);
    let (on, hn, ln) = match cols.ohlc {
        Some([o, h, l]) => (name(o), name(h), name(l)),
        None => ("Open".into(), "High".into(), "Low".into()),
    };
    let cn = name(cols.close);
    let names = PriceNames {
        open: &on,
        high: &hn,
        low: &ln,
        close: &cn,
    };
    let mut rows = Vec::new();
    let mut skipped = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(corrupt)?;
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue; // blank line
        }
        let r = RowRef {
            path: file,
            row: i + 1,
            symbol: Some(symbol),
            timestamp: None,
        };
        match parse_row(r, &rec, &headers, &cols, &names)? {
            Some(row) => rows.push(row),
            None => skipped += 1,
        }
    }
    Ok((
        rows,
        skipped,
        Layout {
            has_ohlc: cols.ohlc.is_some(),
            has_adj: cols.adj.is_some(),
            has_volume: cols.volume.is_some(),
            adj_as_close: cols.adj_as_close,
        },
    ))
}

/// Parses and checks data row `r` (record `rec`); `None` for a day without data (a null
/// price: Yahoo's marker).
fn parse_row(
    mut r: RowRef<'_>,
    rec: &csv::StringRecord,
    headers: &[String],
    cols: &CsvColumns,
    names: &PriceNames<'_>,
) -> Result<Option<Row>, DataError> {
    let row = r.row;
    let name = |c: usize| column_name(headers, c);
    if rec.len() != headers.len() {
        return Err(r.error(
            "ragged row",
            format!("{} fields but the header has {}", rec.len(), headers.len()),
        ));
    }
    let field = |c: usize| rec.get(c).unwrap_or("").trim();
    let date_s = field(cols.date);
    let date = time::parse_date(date_s)
        .or_else(|| {
            time::parse_timestamp(date_s)
                .filter(|t| t.1)
                .map(|t| time::ns_to_date(t.0))
        })
        .ok_or_else(|| {
            r.error(
                format!("bad date in column `{}`", name(cols.date)),
                format!("cannot parse {date_s:?} as YYYY-MM-DD"),
            )
        })?;
    if time::checked_date_to_ns(date).is_none() {
        return Err(r.error(
            format!("date out of range in column `{}`", name(cols.date)),
            format!("{date} is {}", time::DATE_RANGE_TEXT),
        ));
    }
    r.timestamp = Some(time::daily_close_ns(date));
    // Yahoo's marker of a day without data; a literal NaN is a value, and fails the price
    // rules below like any other non-finite price.
    let is_null = |c: usize| {
        let f = field(c);
        f.is_empty() || f.eq_ignore_ascii_case("null")
    };
    let price_cols = cols.ohlc.iter().flatten().copied().chain([cols.close]);
    if price_cols.clone().any(is_null) {
        return Ok(None);
    }
    let num = |c: usize| -> Result<f64, DataError> {
        let f = field(c);
        if f.contains(',') {
            return Err(r.error(
                format!("thousands separator in column `{}`", name(c)),
                format!("{f:?}: write numbers without separators, e.g. 1234.5 not 1,234.5"),
            ));
        }
        f.parse::<f64>().map_err(|_| {
            r.error(
                format!("not a number in column `{}`", name(c)),
                format!("cannot parse {f:?}"),
            )
        })
    };
    let close = num(cols.close)?;
    let ohlc = match cols.ohlc {
        Some([o, h, l]) => {
            let v = [num(o)?, num(h)?, num(l)?];
            validate::check_ohlc(&r, names, v[0], v[1], v[2], close)?;
            Some(v)
        }
        None => {
            validate::check_price(&r, names.close, close)?;
            None
        }
    };
    let adj = match cols.adj {
        Some(c) if !is_null(c) => Some(num(c)?),
        _ => None,
    };
    let volume = match cols.volume {
        Some(c) if is_null(c) => return Err(validate::null_value(&r, &name(c))),
        Some(c) => {
            let v = num(c)?;
            validate::check_volume(&r, &name(c), v)?;
            v
        }
        None => f64::NAN,
    };
    Ok(Some(Row {
        date,
        row,
        ohlc,
        close,
        adj,
        volume,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_bars, LoadOptions};
    use crate::parquet_bars::test_util::d;

    fn import(name: &str, text: &str) -> (tempfile::TempDir, Result<ImportSummary, DataError>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let r = import_csv(&p, &dir.path().join("out"));
        (dir, r)
    }

    const YAHOO: &str = "\u{feff}Date,Open,High,Low,Close,Adj Close,Volume\n\
        2024-01-03,101,102,100,101.5,100.5,2000\n\
        2024-01-02,100,101,99,100.5,99.5,1000\n\
        2024-01-04,null,null,null,null,null,null\n\
        2024-01-05,102,103,101,102.5,101.5,0\n";

    #[test]
    fn imports_a_yahoo_file_skipping_null_rows() {
        let (dir, r) = import("goog.csv", YAHOO);
        let s = r.unwrap();
        assert_eq!(s.symbol, "GOOG");
        assert_eq!((s.rows, s.skipped), (3, 1));
        assert_eq!((s.first, s.last), (d("2024-01-02"), d("2024-01-05")));
        assert_eq!(s.output, dir.path().join("out").join("GOOG.parquet"));
        let (bars, daily, warnings) = load_bars(&s.output, &LoadOptions::default()).unwrap();
        assert!(daily && warnings.is_empty());
        let b = &bars[0];
        assert_eq!(b.symbol, "GOOG");
        assert_eq!(b.close, vec![100.5, 101.5, 102.5]);
        assert_eq!(b.adj_close, Some(vec![99.5, 100.5, 101.5]));
        assert_eq!(b.volume, [1000.0, 2000.0, 0.0]);
    }

    #[test]
    fn a_literal_nan_price_or_a_missing_volume_is_an_error_not_a_skipped_row() {
        // Issue 17 item 27: `NaN` rows were counted as "null rows skipped".
        for (row, column) in [
            ("2024-01-03,NaN,2,0.5,1,1,10", "Open"),
            ("2024-01-03,1,2,0.5,nan,1,10", "Close"),
        ] {
            let (_d, r) = import(
                "x.csv",
                &format!(
                    "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,0.5,1,1,10\n{row}\n"
                ),
            );
            let m = r.unwrap_err().to_string();
            assert!(
                m.contains(&format!("non-finite price in column `{column}` at row 2")),
                "{m}"
            );
        }
        let (_d, r) = import("x.csv", "Date,Close,Volume\n2024-01-02,1,\n");
        let m = r.unwrap_err().to_string();
        assert!(
            m.contains("null in required column `Volume` at row 1"),
            "{m}"
        );
        // Without a volume column the file has none (volumes unknown), not a NaN column.
        let (_d, r) = import("x.csv", "Date,Close\n2024-01-02,1\n");
        let out = r.unwrap().output;
        let cols = crate::parquet_open::schema_of(&out).unwrap();
        assert!(cols.iter().all(|(n, _)| n != "volume"), "{cols:?}");
    }

    #[test]
    fn adj_close_only_imports_as_a_close_only_series() {
        // Issue 13 item 18.
        let (_d, r) = import(
            "spy.csv",
            "date,adj_close\n2024-01-02,99.5\n2024-01-03,100\n",
        );
        let s = r.unwrap();
        assert!(s.adj_as_close);
        let (bars, _, warnings) = load_bars(&s.output, &LoadOptions::default()).unwrap();
        assert!(bars[0].close_only && bars[0].adj_close.is_none());
        assert_eq!(bars[0].close, vec![99.5, 100.0]);
        assert!(warnings[0].starts_with("close-only data"), "{warnings:?}");
        // A close column wins: the adjusted closes stay adjusted closes.
        let (_d, r) = import("spy.csv", "Date,Close,Adj Close\n2024-01-02,100,99.5\n");
        let s = r.unwrap();
        assert!(!s.adj_as_close);
        // With open/high/low but no close, the close is missing, as before.
        let (_d, r) = import(
            "spy.csv",
            "Date,Open,High,Low,Adj Close\n2024-01-02,1,1,1,1\n",
        );
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("missing column `Close`"));
    }

    #[test]
    fn two_inputs_of_one_symbol_are_refused_before_anything_is_written() {
        // Issue 17 item 3.
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let files = vec![
            a.join("DUP.csv"),
            b.join("dup.csv"),
            dir.path().join("X.csv"),
        ];
        let m = check_distinct_symbols(&files).unwrap_err().to_string();
        assert!(
            m.contains("b/dup.csv: imports as symbol DUP like")
                && m.contains("a/DUP.csv")
                && m.contains("DUP.parquet"),
            "{m}"
        );
        assert!(check_distinct_symbols(&files[1..]).is_ok());
    }

    #[test]
    fn imports_close_only_and_stooq_headers() {
        let (_d, r) = import("iwm.csv", "Date,Close\n2024-01-02,200\n2024-01-03,201\n");
        let s = r.unwrap();
        let (bars, _, warnings) = load_bars(&s.output, &LoadOptions::default()).unwrap();
        assert!(bars[0].close_only && warnings.len() == 1);
        assert_eq!(bars[0].open, vec![200.0, 201.0]);
        let (_d, r) = import(
            "spy.us.txt",
            "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n",
        );
        assert_eq!(r.unwrap().symbol, "SPY.US");
    }

    #[test]
    fn bad_rows_name_file_row_and_column() {
        let (_d, r) = import(
            "x.csv",
            "Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,\"1,234.5\",2,0.5,1.5\n",
        );
        let m = r.unwrap_err().to_string();
        assert!(
            m.contains("x.csv")
                && m.contains("thousands separator in column `Open`")
                && m.contains("row 2"),
            "{m}"
        );
        let (_d, r) = import("x.csv", "Date,Open,High,Low,Close\n2024-01-02,1,2,0.5\n");
        let m = r.unwrap_err().to_string();
        assert!(
            m.contains("ragged row at row 1") && m.contains("4 fields"),
            "{m}"
        );
        let (_d, r) = import(
            "x.csv",
            "Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,abc\n",
        );
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("not a number in column `Close` at row 1"));
        let (_d, r) = import("x.csv", "Date,Open,High,Low,Close\n02.01.2024,1,2,0.5,1\n");
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("bad date in column `Date` at row 1"));
        let (_d, r) = import(
            "x.csv",
            "Date,Open,High,Low,Close\n2024-01-02,1.6,2,1.5,1\n",
        );
        let m = r.unwrap_err().to_string();
        assert!(
            m.contains("`Close`") && m.contains("row 1") && m.contains("symbol X"),
            "{m}"
        );
        let (_d, r) = import(
            "x.csv",
            "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1,-3\n",
        );
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("bad volume in column `Volume`"));
        let (_d, r) = import("x.csv", "Date,Close\n2024-01-02,1\n2024-01-02,2\n");
        assert!(r.unwrap_err().to_string().contains("(rows 1 and 2)"));
        let (_d, r) = import("x.csv", "Date,Open,Close\n2024-01-02,1,1\n");
        assert!(r.unwrap_err().to_string().contains("missing column `High`"));
        let (_d, r) = import("x.csv", "Date,Close\n2024-01-02,1\n9999-12-31,2\n");
        let m = r.unwrap_err().to_string();
        assert!(
            m.contains("date out of range in column `Date` at row 2"),
            "{m}"
        );
        let (_d, r) = import("x.csv", "Date,Close\n2024-01-02,null\n");
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("every row has a null price"));
    }

    #[test]
    fn never_overwrites_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("SPY.parquet");
        std::fs::write(&p, "Date,Close\n2024-01-02,1\n").unwrap();
        let m = import_csv(&p, dir.path()).unwrap_err().to_string();
        assert!(m.contains("is the input file itself"), "{m}");
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "Date,Close\n2024-01-02,1\n"
        );
    }

    #[test]
    fn imports_the_real_spy_file_when_present() {
        let real = Path::new("/work/shared/realdata/SPY.csv");
        if !real.exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let s = import_csv(real, dir.path()).unwrap();
        assert_eq!(s.symbol, "SPY");
        assert!(s.rows > 1000, "{s:?}");
        let (bars, daily, _) = load_bars(&s.output, &LoadOptions::default()).unwrap();
        assert!(daily);
        assert_eq!(bars[0].len(), s.rows);
        assert!(bars[0].adj_close.is_some());
    }

    #[test]
    fn imports_every_real_file_and_loads_them_together_when_present() {
        let real = Path::new("/work/shared/realdata");
        let Ok(entries) = std::fs::read_dir(real) else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let mut n = 0;
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "csv") {
                let s = import_csv(&p, dir.path()).unwrap_or_else(|e| panic!("{e}"));
                assert!(s.rows > 0);
                n += 1;
            }
        }
        if n == 0 {
            return;
        }
        let i = crate::inspect::inspect(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(i.symbols.len(), n);
        assert!(i.daily);
    }
}
