//! The news/policy event feed on disk: CSV (with a header row), Parquet, or JSON lines
//! (`.jsonl`/`.ndjson`), chosen by extension.
//!
//! Invariant: every returned [`Event`] has a non-empty headline, lower-cased trimmed non-empty
//! tags, upper-cased symbols, a sentiment in [-1, 1] when present, and the list is sorted by
//! timestamp (stable, so feed order breaks ties). A date-only stamp becomes
//! [`time::date_only_event_ns`] (published after that day's close).
//! [`write_events_csv`] is the exact inverse of [`load_events`] on such events.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::Array;
use arrow_schema::DataType;

use crate::arrow_values::{f64_values, string_values};
use crate::event::Event;
use crate::input_file;
use crate::parquet_bars::normalize_name;
use crate::time::{self, date_only_event_ns, ns_to_date};
use crate::DataError;

/// One event's fields as read, before the rules are applied.
#[derive(Debug, Default)]
struct RawEvent {
    timestamp: Option<RawTime>,
    headline: Option<String>,
    tags: Vec<String>,
    sentiment: Option<f64>,
    symbols: Vec<String>,
}

#[derive(Debug)]
enum RawTime {
    Text(String),
    Instant(i64),
    Date(chrono::NaiveDate),
}

fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(str::to_string).collect()
}

fn finish(path: &Path, row: usize, raw: RawEvent) -> Result<Event, DataError> {
    let bad = |col: &str, detail: String| {
        DataError::bad_value(
            path,
            format!("bad value in column `{col}`"),
            row,
            None,
            None,
            detail,
        )
    };
    let timestamp = match raw.timestamp {
        None => return Err(bad("timestamp", "missing or empty".into())),
        Some(RawTime::Instant(t)) => t,
        Some(RawTime::Date(d)) => match time::checked_date_to_ns(d) {
            Some(_) => date_only_event_ns(d),
            None => {
                return Err(bad(
                    "timestamp",
                    format!("{d} is {}", time::DATE_RANGE_TEXT),
                ))
            }
        },
        Some(RawTime::Text(s)) => match time::parse_timestamp(&s) {
            Some((t, false)) => t,
            Some((t, true)) => date_only_event_ns(ns_to_date(t)),
            None => {
                return Err(bad(
                    "timestamp",
                    format!(
                        "cannot parse {s:?} (expected RFC 3339 like 2026-01-07T21:30:00Z, a \
                         date-time taken as UTC, or a date YYYY-MM-DD, in the years 1677-2262)"
                    ),
                ))
            }
        },
    };
    let headline = raw.headline.unwrap_or_default();
    if headline.trim().is_empty() {
        return Err(bad("headline", "missing or empty".into()));
    }
    if let Some(s) = raw.sentiment {
        if !(-1.0..=1.0).contains(&s) {
            return Err(bad("sentiment", format!("{s} is not in [-1, 1]")));
        }
    }
    let clean = |v: Vec<String>, upper: bool| -> Vec<String> {
        v.into_iter()
            .map(|t| {
                let t = t.trim();
                if upper {
                    t.to_uppercase()
                } else {
                    t.to_lowercase()
                }
            })
            .filter(|t| !t.is_empty())
            .collect()
    };
    Ok(Event {
        timestamp,
        headline,
        tags: clean(raw.tags, false),
        sentiment: raw.sentiment,
        symbols: clean(raw.symbols, true),
    })
}

/// Loads an event feed by extension (`.csv`, `.parquet`/`.pq`, `.jsonl`/`.ndjson`), sorted by
/// time (stable).
pub fn load_events(path: &Path) -> Result<Vec<Event>, DataError> {
    if path.is_dir() {
        return Err(DataError::Invalid {
            path: path.to_path_buf(),
            detail: "is a folder; the event feed is one file (.csv, .parquet, .jsonl or .ndjson)"
                .into(),
        });
    }
    // A FIFO or device would block or never end: refused before it is opened.
    input_file::check_regular(path)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut events = match ext.as_str() {
        "csv" => read_csv(path)?,
        "parquet" | "pq" | "parq" => read_parquet(path)?,
        "jsonl" | "ndjson" => read_jsonl(path)?,
        _ => {
            return Err(DataError::Invalid {
                path: path.to_path_buf(),
                detail: "unknown event file type (expected .csv, .parquet, .jsonl or .ndjson)"
                    .into(),
            })
        }
    };
    events.sort_by_key(|e| e.timestamp);
    Ok(events)
}

fn parse_sentiment(path: &Path, row: usize, s: &str) -> Result<Option<f64>, DataError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| {
        DataError::bad_value(
            path,
            "bad value in column `sentiment`",
            row,
            None,
            None,
            format!("{s:?} is not a number"),
        )
    })
}

fn missing(path: &Path, column: &str, found: &[String]) -> DataError {
    crate::validate::missing_column(path, column, &[column], found)
}

fn read_csv(path: &Path) -> Result<Vec<Event>, DataError> {
    let (headers, mut rdr) = crate::csv_input::open(path)?;
    let corrupt = |e| crate::csv_input::corrupt(path, e);
    let norm: Vec<String> = headers.iter().map(|h| normalize_name(h)).collect();
    let col = |n: &str| norm.iter().position(|h| h == n);
    let ts = col("timestamp").ok_or_else(|| missing(path, "timestamp", &headers))?;
    let hl = col("headline").ok_or_else(|| missing(path, "headline", &headers))?;
    let (tags, sent, syms) = (col("tags"), col("sentiment"), col("symbols"));
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 1;
        let rec = rec.map_err(corrupt)?;
        if rec.len() != headers.len() {
            return Err(DataError::bad_value(
                path,
                "ragged row",
                row,
                None,
                None,
                format!("{} fields but the header has {}", rec.len(), headers.len()),
            ));
        }
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        let t = get(Some(ts)).trim();
        let raw = RawEvent {
            timestamp: (!t.is_empty()).then(|| RawTime::Text(t.to_string())),
            headline: Some(get(Some(hl)).to_string()),
            tags: split_list(get(tags)),
            sentiment: parse_sentiment(path, row, get(sent))?,
            symbols: split_list(get(syms)),
        };
        out.push(finish(path, row, raw)?);
    }
    Ok(out)
}

fn json_list(v: &serde_json::Value) -> Option<Vec<String>> {
    match v {
        serde_json::Value::Null => Some(Vec::new()),
        serde_json::Value::String(s) => Some(split_list(s)),
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

fn read_jsonl(path: &Path) -> Result<Vec<Event>, DataError> {
    let text = input_file::read_text_utf8(path)?;
    let mut out = Vec::new();
    let mut row = 0;
    for line in text.lines() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        row += 1;
        let bad = |col: &str, detail: String| {
            DataError::bad_value(
                path,
                format!("bad value in column `{col}`"),
                row,
                None,
                None,
                detail,
            )
        };
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "JSON lines",
            reason: format!("row {row}: {e}"),
        })?;
        let obj = v.as_object().ok_or_else(|| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "JSON lines",
            reason: format!("row {row}: expected a JSON object"),
        })?;
        let field = |name: &str| {
            obj.iter()
                .find(|(k, _)| normalize_name(k) == name)
                .map(|(_, v)| v)
                .filter(|v| !v.is_null())
        };
        let timestamp = match field("timestamp") {
            None => None,
            Some(serde_json::Value::String(s)) => Some(RawTime::Text(s.clone())),
            Some(other) => return Err(bad("timestamp", format!("expected a string, got {other}"))),
        };
        let headline = match field("headline") {
            None => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => return Err(bad("headline", format!("expected a string, got {other}"))),
        };
        let list = |name: &str| match field(name) {
            None => Ok(Vec::new()),
            Some(v) => json_list(v).ok_or_else(|| {
                bad(
                    name,
                    format!("expected a list of strings or a ;-separated string, got {v}"),
                )
            }),
        };
        let sentiment = match field("sentiment") {
            None => None,
            Some(v) => Some(
                v.as_f64()
                    .ok_or_else(|| bad("sentiment", format!("expected a number, got {v}")))?,
            ),
        };
        let raw = RawEvent {
            timestamp,
            headline,
            tags: list("tags")?,
            sentiment,
            symbols: list("symbols")?,
        };
        out.push(finish(path, row, raw)?);
    }
    Ok(out)
}

/// A list column (list or large list of strings) or a `;`-separated string column, per row.
fn list_values(arr: &dyn Array) -> Option<Vec<Vec<String>>> {
    if let Some(s) = string_values(arr) {
        return Some(
            s.into_iter()
                .map(|v| v.map(|s| split_list(&s)).unwrap_or_default())
                .collect(),
        );
    }
    let per_row = |i: usize, values: &dyn Array| -> Option<Vec<String>> {
        if arr.is_null(i) {
            return Some(Vec::new());
        }
        Some(string_values(values)?.into_iter().flatten().collect())
    };
    match arr.data_type() {
        DataType::List(_) => {
            let l = arr.as_list_opt::<i32>()?;
            (0..l.len())
                .map(|i| per_row(i, l.value(i).as_ref()))
                .collect()
        }
        DataType::LargeList(_) => {
            let l = arr.as_list_opt::<i64>()?;
            (0..l.len())
                .map(|i| per_row(i, l.value(i).as_ref()))
                .collect()
        }
        _ => None,
    }
}

fn read_parquet(path: &Path) -> Result<Vec<Event>, DataError> {
    crate::parquet_open::quietly(|| read_parquet_inner(path)).unwrap_or_else(|| {
        Err(DataError::Corrupt {
            path: path.to_path_buf(),
            format: "Parquet",
            reason: "the decoder failed on this file's contents".into(),
        })
    })
}

fn read_parquet_inner(path: &Path) -> Result<Vec<Event>, DataError> {
    let builder = crate::parquet_open::open(path)?;
    let schema = builder.schema().clone();
    let found: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let col = |n: &str| found.iter().position(|h| normalize_name(h) == n);
    let ts = col("timestamp").ok_or_else(|| missing(path, "timestamp", &found))?;
    let hl = col("headline").ok_or_else(|| missing(path, "headline", &found))?;
    let (tags, sent, syms) = (col("tags"), col("sentiment"), col("symbols"));
    let reader = builder.build().map_err(|e| DataError::Corrupt {
        path: path.to_path_buf(),
        format: "Parquet",
        reason: e.to_string(),
    })?;
    let unsupported = |c: usize, expected: &'static str| DataError::UnsupportedType {
        path: path.to_path_buf(),
        column: found[c].clone(),
        found: schema.fields()[c].data_type().to_string(),
        expected,
    };
    let mut out = Vec::new();
    let mut row = 0;
    for batch in reader {
        let batch = batch.map_err(|e| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "Parquet",
            reason: e.to_string(),
        })?;
        let times = event_times(batch.column(ts).as_ref())
            .ok_or_else(|| unsupported(ts, "a timestamp, date32/date64 or a string"))?;
        let heads =
            string_values(batch.column(hl).as_ref()).ok_or_else(|| unsupported(hl, "a string"))?;
        let lists = |c: Option<usize>| -> Result<Option<Vec<Vec<String>>>, DataError> {
            c.map(|c| {
                list_values(batch.column(c).as_ref())
                    .ok_or_else(|| unsupported(c, "a list of strings or a ;-separated string"))
            })
            .transpose()
        };
        let (tag_v, sym_v) = (lists(tags)?, lists(syms)?);
        let sent_v = sent
            .map(|c| f64_values(batch.column(c).as_ref()).ok_or_else(|| unsupported(c, "a number")))
            .transpose()?;
        for i in 0..batch.num_rows() {
            row += 1;
            let raw = RawEvent {
                timestamp: times[i].take_time(),
                headline: heads[i].clone(),
                tags: tag_v.as_ref().map(|v| v[i].clone()).unwrap_or_default(),
                sentiment: sent_v.as_ref().and_then(|v| v[i]),
                symbols: sym_v.as_ref().map(|v| v[i].clone()).unwrap_or_default(),
            };
            let raw = RawEvent {
                sentiment: match raw.sentiment {
                    Some(s) if s.is_nan() => {
                        return Err(DataError::bad_value(
                            path,
                            "bad value in column `sentiment`",
                            row,
                            None,
                            None,
                            "NaN is not in [-1, 1]",
                        ))
                    }
                    s => s,
                },
                ..raw
            };
            out.push(finish(path, row, raw)?);
        }
    }
    if matches!(schema.fields()[ts].data_type(), DataType::Timestamp(..)) {
        dates_when_all_midnights(&mut out);
    }
    Ok(out)
}

/// A timestamp column whose every value is a UTC midnight holds dates (pandas writes a parsed
/// date column so), as for bars (README, "Time conventions"): such events are date-only, taken
/// as published after that day's close. Read as instants they were traded at that day's open,
/// a session earlier than the same feed as CSV.
fn dates_when_all_midnights(events: &mut [Event]) {
    if events
        .iter()
        .all(|e| e.timestamp.rem_euclid(time::NS_PER_DAY) == 0)
    {
        for e in events {
            e.timestamp = date_only_event_ns(ns_to_date(e.timestamp));
        }
    }
}

/// Per-row event time of a Parquet column.
#[derive(Debug, Clone)]
enum CellTime {
    Null,
    Instant(i64),
    Date(chrono::NaiveDate),
    Text(String),
}

impl CellTime {
    fn take_time(&self) -> Option<RawTime> {
        match self {
            CellTime::Null => None,
            CellTime::Instant(t) => Some(RawTime::Instant(*t)),
            CellTime::Date(d) => Some(RawTime::Date(*d)),
            CellTime::Text(s) => Some(RawTime::Text(s.clone())),
        }
    }
}

fn event_times(arr: &dyn Array) -> Option<Vec<CellTime>> {
    use arrow_array::types::{
        Date32Type, Date64Type, TimestampMicrosecondType, TimestampMillisecondType,
        TimestampNanosecondType, TimestampSecondType,
    };
    use arrow_schema::TimeUnit;
    let inst = |v: Option<i64>, f: i64| match v.and_then(|x| x.checked_mul(f)) {
        Some(t) => CellTime::Instant(t),
        None => CellTime::Null,
    };
    let day = |days: Option<i64>| match days.and_then(|d| {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?
            .checked_add_signed(chrono::TimeDelta::try_days(d)?)
    }) {
        Some(d) => CellTime::Date(d),
        None => CellTime::Null,
    };
    Some(match arr.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => arr
            .as_primitive_opt::<TimestampSecondType>()?
            .iter()
            .map(|v| inst(v, 1_000_000_000))
            .collect(),
        DataType::Timestamp(TimeUnit::Millisecond, _) => arr
            .as_primitive_opt::<TimestampMillisecondType>()?
            .iter()
            .map(|v| inst(v, 1_000_000))
            .collect(),
        DataType::Timestamp(TimeUnit::Microsecond, _) => arr
            .as_primitive_opt::<TimestampMicrosecondType>()?
            .iter()
            .map(|v| inst(v, 1_000))
            .collect(),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => arr
            .as_primitive_opt::<TimestampNanosecondType>()?
            .iter()
            .map(|v| inst(v, 1))
            .collect(),
        DataType::Date32 => arr
            .as_primitive_opt::<Date32Type>()?
            .iter()
            .map(|v| day(v.map(i64::from)))
            .collect(),
        DataType::Date64 => arr
            .as_primitive_opt::<Date64Type>()?
            .iter()
            .map(|v| day(v.map(|ms| ms.div_euclid(86_400_000))))
            .collect(),
        _ => string_values(arr)?
            .into_iter()
            .map(|v| match v {
                Some(s) if !s.trim().is_empty() => CellTime::Text(s),
                _ => CellTime::Null,
            })
            .collect(),
    })
}

fn format_event_time(ns: i64) -> String {
    let d = ns_to_date(ns);
    if ns == date_only_event_ns(d) {
        d.format("%Y-%m-%d").to_string()
    } else {
        time::ns_to_datetime(ns).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// Writes events as CSV (`timestamp,headline,tags,sentiment,symbols`; lists `;`-joined; a
/// date-only instant written as its bare date), atomically. Fails on an event that would not
/// read back identically (a `;` inside a tag or symbol, an empty headline, tags not
/// lower-cased, symbols not upper-cased).
pub fn write_events_csv(path: &Path, events: &[Event]) -> Result<(), DataError> {
    let werr = |reason: String| DataError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["timestamp", "headline", "tags", "sentiment", "symbols"])
        .map_err(|e| werr(e.to_string()))?;
    for (i, e) in events.iter().enumerate() {
        let ok_item = |s: &String, upper: bool| {
            let norm = if upper {
                s.trim().to_uppercase()
            } else {
                s.trim().to_lowercase()
            };
            !s.contains(';') && !s.is_empty() && norm == *s
        };
        if e.headline.trim().is_empty()
            || !e.tags.iter().all(|t| ok_item(t, false))
            || !e.symbols.iter().all(|s| ok_item(s, true))
            || e.sentiment.is_some_and(|s| !(-1.0..=1.0).contains(&s))
        {
            return Err(werr(format!(
                "event {} ({:?}) would not read back as written: needs a headline, trimmed \
                 lower-case tags and upper-case symbols without `;`, sentiment in [-1, 1]",
                i + 1,
                e.headline
            )));
        }
        let sentiment = e.sentiment.map(|s| s.to_string()).unwrap_or_default();
        w.write_record([
            format_event_time(e.timestamp).as_str(),
            e.headline.as_str(),
            e.tags.join(";").as_str(),
            sentiment.as_str(),
            e.symbols.join(";").as_str(),
        ])
        .map_err(|e| werr(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| werr(e.to_string()))?;
    crate::table::write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{
        ArrayRef, Float64Array, StringArray, TimestampMicrosecondArray, TimestampMillisecondArray,
    };

    use super::*;
    use crate::parquet_bars::test_util::{d, write};
    use crate::time::daily_close_ns;

    fn load_text(name: &str, text: &str) -> Result<Vec<Event>, DataError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        load_events(&p)
    }

    #[test]
    fn csv_parses_lists_case_and_the_date_only_rule() {
        let ev = load_text(
            "ev.csv",
            "\u{feff}Timestamp,Headline,Tags,Sentiment,Symbols\n\
             2026-01-07T21:30:00-05:00,\"Defense budget, up 50%\",Defense_Budget; policy ;,0.8,lmt;noc\n\
             2026-01-07,Ban on institutional home buying,housing_ban,-0.6,INVH\n\
             2026-01-05 14:00,Fed holds,fed,,\n",
        )
        .unwrap();
        assert_eq!(ev.len(), 3);
        assert_eq!(ev[0].headline, "Fed holds");
        assert_eq!(ev[0].sentiment, None);
        assert!(ev[0].symbols.is_empty());
        // The date-only event is published after the close of 2026-01-07 ...
        let housing = &ev[1];
        assert_eq!(housing.timestamp, date_only_event_ns(d("2026-01-07")));
        assert!(housing.timestamp > daily_close_ns(d("2026-01-07")));
        // ... and sorts before the evening one (02:30 UTC on the 8th).
        assert_eq!(ev[2].tags, vec!["defense_budget", "policy"]);
        assert_eq!(ev[2].symbols, vec!["LMT", "NOC"]);
        assert_eq!(ev[2].sentiment, Some(0.8));
        assert_eq!(time::format_ns(ev[2].timestamp), "2026-01-08T02:30:00Z");
    }

    #[test]
    fn jsonl_accepts_lists_or_strings() {
        let ev = load_text(
            "ev.jsonl",
            "{\"timestamp\":\"2026-01-07T12:00:00Z\",\"headline\":\"Venezuela\",\"tags\":[\"Oil\",\" venezuela \"],\"symbols\":\"xom;cop\",\"sentiment\":0.3}\n\n\
             {\"timestamp\":\"2026-01-06\",\"headline\":\"AI bubble?\",\"tags\":\"ai;bubble\",\"sentiment\":null}\n",
        )
        .unwrap();
        assert_eq!(ev[0].headline, "AI bubble?");
        assert_eq!(ev[0].timestamp, date_only_event_ns(d("2026-01-06")));
        assert_eq!(ev[1].tags, vec!["oil", "venezuela"]);
        assert_eq!(ev[1].symbols, vec!["XOM", "COP"]);
        let e = load_text(
            "e.ndjson",
            "{\"timestamp\":\"2026-01-07\",\"headline\":\"x\"}\nnot json\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("row 2"), "{e}");
    }

    #[test]
    fn parquet_with_list_tags_and_timestamp_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ev.parquet");
        let mut tags = ListBuilder::new(StringBuilder::new());
        tags.values().append_value("Fed");
        tags.append(true);
        tags.values().append_value("a");
        tags.values().append_value("B");
        tags.append(true);
        let t0 = daily_close_ns(d("2026-01-05")) / 1_000_000;
        let cols: Vec<(&str, ArrayRef)> = vec![
            (
                "timestamp",
                Arc::new(TimestampMillisecondArray::from(vec![t0 + 1000, t0]).with_timezone("UTC")),
            ),
            (
                "headline",
                Arc::new(StringArray::from(vec!["second", "first"])),
            ),
            ("tags", Arc::new(tags.finish())),
            (
                "sentiment",
                Arc::new(Float64Array::from(vec![Some(-1.0), None])),
            ),
            (
                "symbols",
                Arc::new(StringArray::from(vec![Some("spy"), None])),
            ),
        ];
        write(&p, cols);
        let ev = load_events(&p).unwrap();
        assert_eq!(ev[0].headline, "first");
        assert_eq!(ev[0].tags, vec!["a", "b"]);
        assert_eq!(ev[0].timestamp, t0 * 1_000_000);
        assert_eq!(ev[1].sentiment, Some(-1.0));
        assert_eq!(ev[1].symbols, vec!["SPY"]);
    }

    /// A Parquet timestamp column of midnights (a date column written by pandas) is a date
    /// column: its events come after that day's close, as the same feed's CSV dates do; one
    /// value with a time of day keeps every value an instant.
    #[test]
    fn parquet_midnight_timestamps_are_date_only_events() {
        let dir = tempfile::tempdir().unwrap();
        let midnight = |s: &str| crate::time::date_to_ns(d(s)) / 1_000;
        let feed = |name: &str, us: Vec<i64>| {
            let p = dir.path().join(name);
            let n = us.len();
            let cols: Vec<(&str, ArrayRef)> = vec![
                ("timestamp", Arc::new(TimestampMicrosecondArray::from(us))),
                ("headline", Arc::new(StringArray::from(vec!["h"; n]))),
            ];
            write(&p, cols);
            load_events(&p).unwrap()
        };
        let dates = feed(
            "dates.parquet",
            vec![midnight("2026-01-05"), midnight("2026-01-07")],
        );
        let csv = load_text(
            "dates.csv",
            "timestamp,headline\n2026-01-05,h\n2026-01-07,h\n",
        )
        .unwrap();
        let ts = |ev: &[Event]| ev.iter().map(|e| e.timestamp).collect::<Vec<_>>();
        assert_eq!(ts(&dates), ts(&csv));
        assert_eq!(dates[0].timestamp, date_only_event_ns(d("2026-01-05")));
        let mixed = feed(
            "mixed.parquet",
            vec![
                midnight("2026-01-05"),
                midnight("2026-01-07") + 3_600_000_000,
            ],
        );
        assert_eq!(mixed[0].timestamp, midnight("2026-01-05") * 1_000);
    }

    #[test]
    fn bad_timestamp_names_file_row_and_column() {
        let e = load_text(
            "bad.csv",
            "timestamp,headline\n2026-01-05,ok\n07/01/2026,bad\n",
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("bad.csv") && m.contains("`timestamp`") && m.contains("row 2"),
            "{m}"
        );
        let m = load_text("bad.csv", "timestamp,headline\n,x\n")
            .unwrap_err()
            .to_string();
        assert!(m.contains("row 1") && m.contains("missing"), "{m}");
    }

    #[test]
    fn sentiment_outside_range_or_nan_is_an_error() {
        for s in ["1.5", "-1.01", "NaN", "abc"] {
            let m = load_text(
                "s.csv",
                &format!("timestamp,headline,sentiment\n2026-01-05,x,{s}\n"),
            )
            .unwrap_err()
            .to_string();
            assert!(
                m.contains("s.csv") && m.contains("`sentiment`") && m.contains("row 1"),
                "{s}: {m}"
            );
        }
    }

    #[test]
    fn timestamps_outside_i64_nanoseconds_are_an_error() {
        for t in [
            "3000-01-01",
            "1600-01-01",
            "2262-04-11",
            "9999-12-31T00:00:00Z",
        ] {
            let m = load_text("far.csv", &format!("timestamp,headline\n{t},x\n"))
                .unwrap_err()
                .to_string();
            assert!(
                m.contains("far.csv") && m.contains("`timestamp`") && m.contains("row 1"),
                "{t}: {m}"
            );
        }
    }

    #[test]
    fn missing_headline_and_unknown_extension() {
        let m = load_text("h.csv", "timestamp,headline\n2026-01-05,  \n")
            .unwrap_err()
            .to_string();
        assert!(m.contains("`headline`") && m.contains("row 1"), "{m}");
        let m = load_text("h.csv", "timestamp,title\n2026-01-05,x\n")
            .unwrap_err()
            .to_string();
        assert!(m.contains("missing column `headline`"), "{m}");
        let m = load_text("h.xlsx", "").unwrap_err().to_string();
        assert!(m.contains("expected .csv"), "{m}");
    }

    #[test]
    fn write_then_load_round_trips_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        let events = vec![
            Event {
                timestamp: daily_close_ns(d("2026-01-07")) + 123_456_789,
                headline: "Quote \"this\", and\nthat ".into(),
                tags: vec!["defense_budget".into(), "policy".into()],
                sentiment: Some(0.1 + 0.2),
                symbols: vec!["LMT".into()],
            },
            Event {
                timestamp: date_only_event_ns(d("2026-01-07")),
                headline: "date only".into(),
                tags: vec![],
                sentiment: None,
                symbols: vec![],
            },
            Event {
                timestamp: time::date_to_ns(d("2026-01-08")),
                headline: "midnight".into(),
                tags: vec!["x".into()],
                sentiment: Some(-1.0),
                symbols: vec!["A".into(), "BRK.B".into()],
            },
        ];
        write_events_csv(&p, &events).unwrap();
        assert_eq!(load_events(&p).unwrap(), events);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\n2026-01-07,date only,"), "{text}");
        let bad = vec![Event {
            tags: vec!["a;b".into()],
            ..events[1].clone()
        }];
        assert!(write_events_csv(&p, &bad).is_err());
    }

    proptest::proptest! {
        #[test]
        fn write_load_round_trip_holds_for_any_normalized_events(
            raw in proptest::collection::vec(
                (
                    -2_000_000_000_000_000_000i64..4_000_000_000_000_000_000i64,
                    proptest::bool::ANY,
                    "[ -~]{0,20}[a-zA-Z]",
                    proptest::collection::vec("[a-z_]{1,8}", 0..3),
                    proptest::option::of(-1.0f64..=1.0),
                    proptest::collection::vec("[A-Z.]{1,5}", 0..3),
                ),
                0..8,
            )
        ) {
            let mut events: Vec<Event> = raw
                .into_iter()
                .map(|(t, date_only, headline, tags, sentiment, symbols)| Event {
                    timestamp: if date_only { date_only_event_ns(ns_to_date(t)) } else { t },
                    headline,
                    tags,
                    sentiment,
                    symbols,
                })
                .collect();
            events.sort_by_key(|e| e.timestamp);
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("ev.csv");
            write_events_csv(&p, &events).unwrap();
            proptest::prop_assert_eq!(load_events(&p).unwrap(), events);
        }
    }
}
