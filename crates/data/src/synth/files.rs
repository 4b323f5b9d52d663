//! Serializing the sample market: one Parquet file per symbol and the events CSV.
//!
//! Invariant: the bytes written depend only on the data (fixed writer settings, fixed
//! `created_by`, no timestamps of the write itself), so the committed files can be regenerated
//! byte for byte. Files are replaced atomically (temp file in the same folder, then rename).

// DataError carries path/row context by value, as across the crate.
#![allow(clippy::result_large_err)]

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::event::Event;
use crate::market::SymbolBars;
use crate::table::write_atomic;
use crate::time::NS_PER_DAY;
use crate::DataError;

/// Zstd level of the bar files.
const ZSTD_LEVEL: i32 = 9;

/// Writes one symbol's bars to `path`: `symbol` utf8, `timestamp` date32, `open`, `high`,
/// `low`, `close` float64, `volume` int64.
///
/// Dictionary encoding is off for the numeric columns: prices to the cent are nearly all
/// distinct, and plain float64 runs of neighbouring prices compress about a third smaller under
/// zstd than a dictionary of them does; volumes are delta-encoded.
pub fn write_bars(path: &Path, b: &SymbolBars) -> Result<u64, DataError> {
    let err = |e: &dyn std::fmt::Display| DataError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let n = b.len();
    let days: Vec<i32> = b
        .timestamps
        .iter()
        .map(|&t| t.div_euclid(NS_PER_DAY) as i32)
        .collect();
    let f64_field = |name: &str| Field::new(name, DataType::Float64, false);
    let schema = Arc::new(Schema::new(vec![
        Field::new("symbol", DataType::Utf8, false),
        Field::new("timestamp", DataType::Date32, false),
        f64_field("open"),
        f64_field("high"),
        f64_field("low"),
        f64_field("close"),
        Field::new("volume", DataType::Int64, false),
    ]));
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
            b.symbol.as_str(),
            n,
        ))),
        Arc::new(Date32Array::from(days)),
        Arc::new(Float64Array::from(b.open.clone())),
        Arc::new(Float64Array::from(b.high.clone())),
        Arc::new(Float64Array::from(b.low.clone())),
        Arc::new(Float64Array::from(b.close.clone())),
        Arc::new(Int64Array::from_iter_values(
            b.volume.iter().map(|&v| v as i64),
        )),
    ];
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| err(&e))?;
    let level = ZstdLevel::try_new(ZSTD_LEVEL).map_err(|e| err(&e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_dictionary_enabled(false)
        .set_column_dictionary_enabled("symbol".into(), true)
        .set_column_encoding("volume".into(), Encoding::DELTA_BINARY_PACKED)
        .set_created_by("rotor".into())
        .build();
    let mut buf = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut buf, schema, Some(props)).map_err(|e| err(&e))?;
    writer.write(&batch).map_err(|e| err(&e))?;
    writer.close().map_err(|e| err(&e))?;
    write_atomic(path, &buf)?;
    Ok(buf.len() as u64)
}

/// Writes the feed to `path` as CSV: `timestamp,headline,tags,sentiment,symbols`, timestamps in
/// RFC 3339 New York time with offset, tags and symbols `;`-joined, sentiment with 2 decimals.
pub fn write_events(path: &Path, events: &[Event]) -> Result<u64, DataError> {
    let bytes = events_csv(events).map_err(|reason| DataError::Write {
        path: path.to_path_buf(),
        reason,
    })?;
    write_atomic(path, &bytes)?;
    Ok(bytes.len() as u64)
}

fn events_csv(events: &[Event]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| e.to_string();
    w.write_record(["timestamp", "headline", "tags", "sentiment", "symbols"])
        .map_err(err)?;
    for e in events {
        let sentiment = e.sentiment.map(|s| format!("{s:.2}")).unwrap_or_default();
        w.write_record([
            super::feed::format_ny(e.timestamp),
            e.headline.clone(),
            e.tags.join(";"),
            sentiment,
            e.symbols.join(";"),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
