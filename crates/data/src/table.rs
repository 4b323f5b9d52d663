//! A minimal column table for writing outputs (equity, fills, sweeps) as Parquet without letting
//! Arrow types leave this crate. Files are written atomically: a temp file in the same folder,
//! then a rename, so a reader never sees a half-written file.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampNanosecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{WriterProperties, WriterPropertiesBuilder};
use parquet::schema::types::ColumnPath;

use crate::DataError;

/// One named column of values.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Timestamps in ns UTC (written as timestamp[ns, UTC]).
    Timestamp(String, Vec<i64>),
    /// 64-bit floats; NaN is written as null.
    F64(String, Vec<f64>),
    /// Optional floats (null for None).
    OptF64(String, Vec<Option<f64>>),
    /// 64-bit integers.
    I64(String, Vec<i64>),
    /// Optional 64-bit integers (null for None).
    OptI64(String, Vec<Option<i64>>),
    /// Strings.
    Str(String, Vec<String>),
    /// Optional strings (null for None).
    OptStr(String, Vec<Option<String>>),
    /// Booleans.
    Bool(String, Vec<bool>),
    /// Optional booleans (null for None).
    OptBool(String, Vec<Option<bool>>),
    /// Calendar dates as days since 1970-01-01 (Arrow date32).
    Date32(String, Vec<i32>),
}

impl Column {
    /// The column's name.
    pub fn name(&self) -> &str {
        match self {
            Column::Timestamp(n, _)
            | Column::F64(n, _)
            | Column::OptF64(n, _)
            | Column::I64(n, _)
            | Column::OptI64(n, _)
            | Column::Str(n, _)
            | Column::OptStr(n, _)
            | Column::Bool(n, _)
            | Column::OptBool(n, _)
            | Column::Date32(n, _) => n,
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::Timestamp(_, v) | Column::I64(_, v) => v.len(),
            Column::F64(_, v) => v.len(),
            Column::OptF64(_, v) => v.len(),
            Column::OptI64(_, v) => v.len(),
            Column::Str(_, v) => v.len(),
            Column::OptStr(_, v) => v.len(),
            Column::Bool(_, v) => v.len(),
            Column::OptBool(_, v) => v.len(),
            Column::Date32(_, v) => v.len(),
        }
    }

    /// True when the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn to_arrow(&self) -> (Field, ArrayRef) {
        let name = self.name();
        match self {
            Column::Timestamp(_, v) => (
                Field::new(
                    name,
                    DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
                    false,
                ),
                Arc::new(TimestampNanosecondArray::from(v.clone()).with_timezone("UTC")),
            ),
            Column::F64(_, v) => (
                Field::new(name, DataType::Float64, true),
                Arc::new(Float64Array::from_iter(v.iter().map(|x| {
                    if x.is_nan() {
                        None
                    } else {
                        Some(*x)
                    }
                }))),
            ),
            Column::OptF64(_, v) => (
                Field::new(name, DataType::Float64, true),
                Arc::new(Float64Array::from(v.clone())),
            ),
            Column::I64(_, v) => (
                Field::new(name, DataType::Int64, false),
                Arc::new(Int64Array::from(v.clone())),
            ),
            Column::OptI64(_, v) => (
                Field::new(name, DataType::Int64, true),
                Arc::new(Int64Array::from(v.clone())),
            ),
            Column::Str(_, v) => (
                Field::new(name, DataType::Utf8, false),
                Arc::new(StringArray::from_iter_values(v.iter())),
            ),
            Column::OptStr(_, v) => (
                Field::new(name, DataType::Utf8, true),
                Arc::new(StringArray::from(v.clone())),
            ),
            Column::Bool(_, v) => (
                Field::new(name, DataType::Boolean, false),
                Arc::new(BooleanArray::from(v.clone())),
            ),
            Column::OptBool(_, v) => (
                Field::new(name, DataType::Boolean, true),
                Arc::new(BooleanArray::from(v.clone())),
            ),
            Column::Date32(_, v) => (
                Field::new(name, DataType::Date32, false),
                Arc::new(Date32Array::from(v.clone())),
            ),
        }
    }
}

/// Columns of equal length, written as one Parquet file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The columns, in output order.
    pub columns: Vec<Column>,
}

impl Table {
    /// A table from columns (all must have the same length).
    pub fn new(columns: Vec<Column>) -> Self {
        Table { columns }
    }

    /// Writes the table as zstd-compressed Parquet, atomically (temp file, then rename).
    pub fn write_parquet(&self, path: &Path) -> Result<(), DataError> {
        let write_err = |e: &dyn std::fmt::Display| DataError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) =
            self.columns.iter().map(Column::to_arrow).unzip();
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| write_err(&e))?;
        let level = ZstdLevel::try_new(ZSTD_LEVEL).map_err(|e| write_err(&e))?;
        let props = self
            .dictionaries(WriterProperties::builder())
            .set_compression(Compression::ZSTD(level))
            .set_created_by("rotor".into())
            .build();
        let tmp = temp_path(path);
        let file = File::create(&tmp).map_err(|e| write_err(&e))?;
        let result = (|| {
            let mut writer =
                ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| write_err(&e))?;
            writer.write(&batch).map_err(|e| write_err(&e))?;
            let file = writer.into_inner().map_err(|e| write_err(&e))?;
            file.sync_all().map_err(|e| write_err(&e))?;
            std::fs::rename(&tmp, path).map_err(|e| write_err(&e))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// Zstd level of the written tables: zstd's default. With the encodings below, a 1M-row equity
/// curve is about 30% smaller than with plain pages and written in about 25% less time; level 1
/// is no faster there.
const ZSTD_LEVEL: i32 = 3;

impl Table {
    /// Dictionary encoding for the text columns only (symbols, sides, reasons repeat); numeric
    /// columns of prices, equity and timestamps are nearly all distinct, where a dictionary only
    /// costs a hash per value before the writer falls back to plain pages. Float columns are
    /// byte-stream split (Parquet's `BYTE_STREAM_SPLIT`: the k-th bytes of all values stored
    /// together, so the slowly changing sign and exponent bytes compress well) and timestamps
    /// delta encoded (`DELTA_BINARY_PACKED`: a bar spacing is one small number); the values are
    /// the same, and pyarrow, polars and the parquet crate read both.
    fn dictionaries(&self, builder: WriterPropertiesBuilder) -> WriterPropertiesBuilder {
        self.columns
            .iter()
            .fold(builder.set_dictionary_enabled(false), |b, c| match c {
                Column::Str(..) | Column::OptStr(..) => {
                    b.set_column_dictionary_enabled(ColumnPath::from(c.name()), true)
                }
                Column::F64(..) | Column::OptF64(..) => {
                    b.set_column_encoding(ColumnPath::from(c.name()), Encoding::BYTE_STREAM_SPLIT)
                }
                Column::Timestamp(..) => {
                    b.set_column_encoding(ColumnPath::from(c.name()), Encoding::DELTA_BINARY_PACKED)
                }
                _ => b,
            })
    }
}

/// `dir/.name.tmp-PID`: same folder, so the final rename is atomic.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DataError> {
    use std::io::Write;
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        DataError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    /// Numeric columns are written without a dictionary (nearly all distinct: the hashing was
    /// wasted), text columns with one; float columns byte-stream split, timestamps delta
    /// encoded; everything zstd; the values read back unchanged.
    #[test]
    fn dictionaries_only_for_text_and_values_round_trip() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.parquet");
        let n = 5_000;
        let equity: Vec<f64> = (0..n).map(|i| 1e6 + (i as f64).sin() * 1e3).collect();
        let symbols: Vec<String> = (0..n).map(|i| ["SPY", "QQQ"][i % 2].into()).collect();
        Table::new(vec![
            Column::Timestamp("timestamp".into(), (0..n as i64).collect()),
            Column::F64("equity".into(), equity.clone()),
            Column::Str("symbol".into(), symbols.clone()),
        ])
        .write_parquet(&path)?;
        let reader = SerializedFileReader::new(File::open(&path)?)?;
        let group = reader.metadata().row_group(0);
        let dictionary = |k: usize| group.column(k).dictionary_page_offset().is_some();
        assert_eq!(
            (dictionary(0), dictionary(1), dictionary(2)),
            (false, false, true)
        );
        for k in 0..3 {
            assert!(matches!(
                group.column(k).compression(),
                Compression::ZSTD(_)
            ));
        }
        let split = |k: usize| {
            group
                .column(k)
                .encodings()
                .any(|e| e == Encoding::BYTE_STREAM_SPLIT)
        };
        assert_eq!((split(0), split(1), split(2)), (false, true, false));
        let delta = group
            .column(0)
            .encodings()
            .any(|e| e == Encoding::DELTA_BINARY_PACKED);
        assert!(delta, "timestamps delta encoded");
        let batch = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            File::open(&path)?,
        )?
        .with_batch_size(n)
        .build()?
        .next()
        .ok_or("no batch")??;
        let col = |k: usize| batch.column(k).as_any();
        let eq = col(1).downcast_ref::<Float64Array>().ok_or("equity")?;
        assert_eq!(eq.values().to_vec(), equity);
        let sy = col(2).downcast_ref::<StringArray>().ok_or("symbol")?;
        assert!(sy.iter().zip(&symbols).all(|(a, b)| a == Some(b.as_str())));
        Ok(())
    }
}
