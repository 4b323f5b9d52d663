//! Opening a Parquet file: the one place every Parquet file rotor reads is opened (regular
//! files only, the footer checked by [`crate::parquet_footer`] before it is decoded, read
//! through [`ParquetFile`], whose readers stop at the end of the file), the
//! errors for a corrupt file or an unsupported codec, and [`quietly`], which turns a decoder
//! panic on a corrupt file into an error.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::fs::File;
use std::path::Path;

use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::basic::Compression;

use crate::parquet_file::ParquetFile;
use crate::DataError;

const SUPPORTED_CODECS: &str = "uncompressed, snappy, zstd";

/// Fails unless `codec` is one this build can decompress.
pub(crate) fn check_codec(path: &Path, column: &str, codec: Compression) -> Result<(), DataError> {
    match codec {
        Compression::UNCOMPRESSED | Compression::SNAPPY | Compression::ZSTD(_) => Ok(()),
        other => Err(DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "column `{column}` is compressed with {other}, which rotor cannot read \
                 (supported codecs: {SUPPORTED_CODECS}); rewrite the file with one of those"
            ),
        }),
    }
}

/// A [`DataError::Corrupt`] for a Parquet file.
pub(crate) fn corrupt(path: &Path, e: impl std::fmt::Display) -> DataError {
    let reason = e.to_string();
    if reason.contains("Disabled feature") {
        return DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "compressed with a codec rotor cannot read ({reason}; supported codecs: \
                 {SUPPORTED_CODECS})"
            ),
        };
    }
    DataError::Corrupt {
        path: path.to_path_buf(),
        format: "Parquet",
        reason,
    }
}

/// Opens a Parquet file's footer.
pub(crate) fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<ParquetFile>, DataError> {
    let (file, meta) = open_meta(path)?;
    Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(
        file, meta,
    ))
}

/// Opens a Parquet file and parses its footer (once: readers of its row groups share it).
/// Every Parquet file rotor reads is opened here, its footer checked by
/// [`crate::parquet_footer::check`] first so that refusing a corrupt one is bounded by its size.
pub(crate) fn open_meta(path: &Path) -> Result<(ParquetFile, ArrowReaderMetadata), DataError> {
    crate::input_file::check_regular(path)?;
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    crate::parquet_footer::check(path, &file)?;
    let meta = quietly(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()))
        .unwrap_or_else(|| {
            Err(parquet::errors::ParquetError::General(
                "malformed footer".into(),
            ))
        })
        .map_err(|e| corrupt(path, e))?;
    Ok((ParquetFile::new(file), meta))
}

/// The column names and Arrow types of a Parquet file, for `inspect`.
pub(crate) fn schema_of(path: &Path) -> Result<Vec<(String, String)>, DataError> {
    let b = open(path)?;
    Ok(b.schema()
        .fields()
        .iter()
        .map(|f| (f.name().to_string(), f.data_type().to_string()))
        .collect())
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into `None` without printing anything. The Parquet
/// decoder panics on some corrupt pages (bad offsets, missing dictionary); a user's bad file
/// must give an error line, not a panic message. The hook is installed once and defers to the
/// previous hook for every panic outside `quietly` (on this thread or any other).
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.ok()
}
