//! One external series (an equity curve or a returns series) from CSV or Parquet, for
//! `rotor stats`: a timestamp column plus one value column. Invariant: the result is sorted by
//! time, free of duplicate timestamps, and every value is finite (and every return >= -1).
//!
//! Which column holds the values: with `returns = true` a returns-like column (`returns`,
//! `return`, `ret`, `r`, `pct_change`); otherwise a level-like one (`equity`, `value`, `nav`,
//! `close`, `adj_close`, `price`, `portfolio_value`); failing both, the only numeric column
//! besides the timestamp. Nothing is guessed from the values themselves (quantstats' "min >= 0
//! and max > 1 means prices" rule misreads some series), so the caller says what it is.

use std::path::Path;

use crate::arrow_values::{f64_values, instant_values, ts_kind};
use crate::parquet_bars::find_column;
use crate::parquet_open::{open, quietly};
use crate::time::{daily_close_ns, parse_timestamp, NS_PER_DAY};
use crate::DataError;

/// Whether the values are levels (equity, prices) or simple per-period returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// Equity or price levels.
    Levels,
    /// Simple returns per period.
    Returns,
}

/// A loaded series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Name of the value column.
    pub column: String,
    /// Instants, ns UTC, strictly increasing (daily dates close at 20:00 UTC).
    pub timestamps: Vec<i64>,
    /// The values.
    pub values: Vec<f64>,
    /// Levels or returns.
    pub kind: SeriesKind,
    /// True when the timestamps were dates (daily data).
    pub daily: bool,
}

impl Series {
    /// For a level series whose values all lie in (0, 1), as returns read as levels do (an
    /// equity curve rarely stays below 1 throughout), a warning saying so; `None` otherwise.
    pub fn returns_read_as_levels_warning(&self, path: &Path) -> Option<String> {
        let max = self
            .values
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (self.kind == SeriesKind::Levels && !self.values.is_empty() && max < 1.0).then(|| {
            format!(
                "{}: every value of column `{}` is below 1 (max {max}): read as equity levels; \
                 if they are returns, pass --returns",
                path.display(),
                self.column
            )
        })
    }
}

const TS_ALIASES: &[&str] = &["timestamp", "date", "datetime", "time", "ts", ""];
const RETURN_ALIASES: &[&str] = &["returns", "return", "ret", "r", "pct_change"];
const LEVEL_ALIASES: &[&str] = &[
    "equity",
    "value",
    "nav",
    "close",
    "adj_close",
    "adjclose",
    "price",
    "portfolio_value",
];

fn norm(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

/// Loads a series from `path` (`.csv` or Parquet). `returns` says the values are returns.
pub fn load_series(path: &Path, returns: bool) -> Result<Series, DataError> {
    let is_csv = path
        .extension()
        .map(|e| e.eq_ignore_ascii_case("csv"))
        .unwrap_or(false);
    let (column, mut rows, daily) = if is_csv {
        read_csv(path, returns)?
    } else {
        read_parquet(path, returns)?
    };
    if rows.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            detail: " (the series has no rows)".into(),
        });
    }
    // rows: (timestamp, value, 1-based row)
    rows.sort_by_key(|r| r.0);
    for w in rows.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(DataError::bad_value(
                path,
                "duplicate timestamp",
                w[1].2,
                None,
                Some(w[1].0),
                format!("same timestamp as row {}", w[0].2),
            ));
        }
    }
    for &(ts, v, row) in &rows {
        // A level of 0 or below has no return after it: usually a column of returns read as
        // levels, which would otherwise give absurd statistics.
        let bad = !v.is_finite() || (returns && v < -1.0) || (!returns && v <= 0.0);
        if bad {
            let rule = if returns {
                "a finite return >= -1"
            } else if v.is_finite() {
                "a positive equity level (a column of returns? read it with --returns, \
                 or --benchmark-returns for a benchmark)"
            } else {
                "a finite number"
            };
            return Err(DataError::bad_value(
                path,
                format!("column `{column}`"),
                row,
                None,
                Some(ts),
                format!("value {v} is not {rule}"),
            ));
        }
    }
    Ok(Series {
        column,
        timestamps: rows.iter().map(|r| r.0).collect(),
        values: rows.iter().map(|r| r.1).collect(),
        kind: if returns {
            SeriesKind::Returns
        } else {
            SeriesKind::Levels
        },
        daily,
    })
}

type Rows = Vec<(i64, f64, usize)>;

fn pick_value_column(
    path: &Path,
    names: &[String],
    numeric: &[bool],
    ts: usize,
    returns: bool,
) -> Result<usize, DataError> {
    let normalized: Vec<String> = names.iter().map(|n| norm(n)).collect();
    let aliases = if returns {
        RETURN_ALIASES
    } else {
        LEVEL_ALIASES
    };
    for alias in aliases {
        if let Some(i) = normalized.iter().position(|n| n == alias) {
            return Ok(i);
        }
    }
    let candidates: Vec<usize> = (0..names.len())
        .filter(|&i| i != ts && numeric[i])
        .collect();
    match candidates.as_slice() {
        [one] => Ok(*one),
        _ => Err(DataError::MissingColumn {
            path: path.to_path_buf(),
            column: if returns { "returns" } else { "equity" }.into(),
            hint: format!(
                " (looked for {}; found {}){}",
                aliases.join(", "),
                names.join(", "),
                if returns {
                    ""
                } else {
                    "; pass --returns if the file holds returns"
                }
            ),
        }),
    }
}

fn read_csv(path: &Path, returns: bool) -> Result<(String, Rows, bool), DataError> {
    crate::input_file::check_text(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| DataError::io(path, e))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "CSV",
            reason: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let normalized: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    let ts = TS_ALIASES
        .iter()
        .find_map(|a| normalized.iter().position(|n| n == a))
        .ok_or_else(|| DataError::MissingColumn {
            path: path.to_path_buf(),
            column: "timestamp".into(),
            hint: format!(
                " (looked for timestamp, date; found {})",
                headers.join(", ")
            ),
        })?;
    let mut records = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "CSV",
            reason: format!("row {}: {e}", i + 1),
        })?;
        records.push(rec);
    }
    // A column is numeric when every non-empty cell parses as a number.
    let numeric: Vec<bool> = (0..headers.len())
        .map(|c| {
            records.iter().all(|r| {
                r.get(c)
                    .map(|v| v.trim().parse::<f64>().is_ok())
                    .unwrap_or(false)
            })
        })
        .collect();
    let col = pick_value_column(path, &headers, &numeric, ts, returns)?;
    let mut rows = Vec::with_capacity(records.len());
    let mut all_dates = true;
    for (i, rec) in records.iter().enumerate() {
        let row = i + 1;
        let cell = rec.get(ts).unwrap_or("");
        let (t, bare) = parse_timestamp(cell).ok_or_else(|| {
            DataError::bad_value(
                path,
                format!("column `{}`", headers[ts]),
                row,
                None,
                None,
                format!("cannot read `{cell}` as a date or timestamp"),
            )
        })?;
        all_dates &= bare || t.rem_euclid(NS_PER_DAY) == 0;
        let raw = rec.get(col).unwrap_or("").trim();
        let v: f64 = raw.parse().map_err(|_| {
            DataError::bad_value(
                path,
                format!("column `{}`", headers[col]),
                row,
                None,
                Some(t),
                format!("cannot read `{raw}` as a number"),
            )
        })?;
        rows.push((t, v, row));
    }
    Ok((headers[col].clone(), to_daily(rows, all_dates), all_dates))
}

/// Dates (or all-midnight instants) become the daily close instant, like bars.
fn to_daily(rows: Rows, daily: bool) -> Rows {
    if !daily {
        return rows;
    }
    rows.into_iter()
        .map(|(t, v, r)| {
            let date = crate::time::ns_to_date(t);
            (daily_close_ns(date), v, r)
        })
        .collect()
}

fn read_parquet(path: &Path, returns: bool) -> Result<(String, Rows, bool), DataError> {
    let builder = open(path)?;
    let schema = builder.schema().clone();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let ts = find_column(&schema, TS_ALIASES).ok_or_else(|| DataError::MissingColumn {
        path: path.to_path_buf(),
        column: "timestamp".into(),
        hint: format!(" (looked for timestamp, date; found {})", names.join(", ")),
    })?;
    let ts_type = schema.field(ts).data_type().clone();
    let kind = ts_kind(&ts_type).ok_or_else(|| DataError::UnsupportedType {
        path: path.to_path_buf(),
        column: names[ts].clone(),
        found: ts_type.to_string(),
        expected: "a timestamp or date",
    })?;
    let numeric: Vec<bool> = schema
        .fields()
        .iter()
        .map(|f| f.data_type().is_numeric())
        .collect();
    let col = pick_value_column(path, &names, &numeric, ts, returns)?;
    let date_typed = matches!(
        ts_type,
        arrow_schema::DataType::Date32 | arrow_schema::DataType::Date64
    );
    let reader = quietly(|| builder.build())
        .unwrap_or_else(|| {
            Err(parquet::errors::ParquetError::General(
                "corrupt file".into(),
            ))
        })
        .map_err(|e| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "Parquet",
            reason: e.to_string(),
        })?;
    let mut rows = Vec::new();
    let mut all_midnight = true;
    for batch in reader {
        let batch = quietly(|| batch)
            .unwrap_or_else(|| {
                Err(arrow_schema::ArrowError::ParquetError(
                    "corrupt page".into(),
                ))
            })
            .map_err(|e| DataError::Corrupt {
                path: path.to_path_buf(),
                format: "Parquet",
                reason: e.to_string(),
            })?;
        let times = instant_values(batch.column(ts).as_ref(), kind);
        let values = f64_values(batch.column(col).as_ref());
        let (Some(times), Some(values)) = (times, values) else {
            return Err(DataError::UnsupportedType {
                path: path.to_path_buf(),
                column: names[col].clone(),
                found: schema.field(col).data_type().to_string(),
                expected: "a number",
            });
        };
        let base = rows.len();
        let times = times.map_err(|i| {
            DataError::bad_value(
                path,
                format!("column `{}`", names[ts]),
                base + i + 1,
                None,
                None,
                "timestamp out of range",
            )
        })?;
        for (i, (t, v)) in times.into_iter().zip(values).enumerate() {
            let row = base + i + 1;
            let null = |c: usize| {
                DataError::bad_value(
                    path,
                    format!("column `{}`", names[c]),
                    row,
                    None,
                    None,
                    "null value",
                )
            };
            let t = t.ok_or_else(|| null(ts))?;
            let v = v.ok_or_else(|| null(col))?;
            all_midnight &= t.rem_euclid(NS_PER_DAY) == 0;
            rows.push((t, v, row));
        }
    }
    let daily = date_typed || all_midnight;
    Ok((names[col].clone(), to_daily(rows, daily), daily))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_levels_and_returns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("curve.csv");
        std::fs::write(&p, "Date,Equity\n2024-01-03,101\n2024-01-02,100\n").unwrap();
        let s = load_series(&p, false).unwrap();
        assert_eq!(s.values, vec![100.0, 101.0]);
        assert!(s.daily);
        assert_eq!(s.column, "Equity");
        let p = dir.path().join("r.csv");
        std::fs::write(
            &p,
            "date,strategy_returns\n2024-01-02,0.01\n2024-01-03,-0.02\n",
        )
        .unwrap();
        let s = load_series(&p, true).unwrap();
        assert_eq!(s.kind, SeriesKind::Returns);
        assert_eq!(s.values, vec![0.01, -0.02]);
    }

    #[test]
    fn csv_errors_name_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.csv");
        std::fs::write(&p, "date,equity\n2024-01-02,100\n2024-01-03,abc\n").unwrap();
        let e = load_series(&p, false).unwrap_err().to_string();
        assert!(
            e.contains("bad.csv") && e.contains("row 2") && e.contains("equity"),
            "{e}"
        );
        std::fs::write(&p, "date,equity\n2024-01-02,100\n2024-01-02,101\n").unwrap();
        let e = load_series(&p, false).unwrap_err().to_string();
        assert!(e.contains("duplicate"), "{e}");
        std::fs::write(&p, "date,a,b\n2024-01-02,1,2\n").unwrap();
        let e = load_series(&p, false).unwrap_err().to_string();
        assert!(e.contains("--returns") && e.contains("a, b"), "{e}");
        std::fs::write(&p, "date,returns\n2024-01-02,-1.5\n").unwrap();
        let e = load_series(&p, true).unwrap_err().to_string();
        assert!(e.contains(">= -1"), "{e}");
    }

    #[test]
    fn parquet_equity_written_by_table() {
        use crate::{Column, Table};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("equity.parquet");
        let d = |s| daily_close_ns(crate::time::parse_date(s).unwrap());
        Table::new(vec![
            Column::Timestamp("timestamp".into(), vec![d("2024-01-02"), d("2024-01-03")]),
            Column::F64("equity".into(), vec![100.0, 99.0]),
            Column::F64("cash".into(), vec![1.0, 1.0]),
            Column::F64("returns".into(), vec![0.0, -0.01]),
        ])
        .write_parquet(&p)
        .unwrap();
        let s = load_series(&p, false).unwrap();
        assert_eq!(s.column, "equity");
        assert_eq!(s.values, vec![100.0, 99.0]);
        let r = load_series(&p, true).unwrap();
        assert_eq!(r.values, vec![0.0, -0.01]);
        assert_eq!(r.timestamps, s.timestamps);
    }
}
