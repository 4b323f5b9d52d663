//! Reading a CSV input (bars to import, an event feed): the whole file through
//! [`crate::input_file::read_text`] (regular files only, size bound), a UTF-8 byte order mark
//! dropped, a header row, and ragged rows let through so that each caller names a ragged row
//! itself, with its row number.

// DataError carries the path by value, as across the crate.
#![allow(clippy::result_large_err)]

use std::io::Cursor;
use std::path::Path;

use crate::DataError;

/// A CSV reader over a file's bytes.
pub(crate) type CsvReader = csv::Reader<Cursor<Vec<u8>>>;

/// Opens the CSV at `path`: its header names and a reader at its first data row.
pub(crate) fn open(path: &Path) -> Result<(Vec<String>, CsvReader), DataError> {
    let bytes = crate::input_file::read_text(path)?;
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let mut cursor = Cursor::new(bytes);
    if bom {
        cursor.set_position(3);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(cursor);
    let headers = rdr
        .headers()
        .map_err(|e| corrupt(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    Ok((headers, rdr))
}

/// The error for a CSV file the reader cannot parse (e.g. invalid UTF-8 in a row).
pub(crate) fn corrupt(path: &Path, e: csv::Error) -> DataError {
    DataError::Corrupt {
        path: path.to_path_buf(),
        format: "CSV",
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_a_byte_order_mark_and_lets_ragged_rows_through() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, "\u{feff}Date,Close\n2024-01-02,1.5\n2024-01-03\n").unwrap();
        let (headers, mut rdr) = open(&p).unwrap();
        assert_eq!(headers, ["Date", "Close"]);
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows, [vec!["2024-01-02", "1.5"], vec!["2024-01-03"]]);
        std::fs::write(&p, b"a,b\n\xff\xfe,1\n").unwrap();
        let (_, mut rdr) = open(&p).unwrap();
        let err = rdr.records().find_map(Result::err).unwrap();
        let msg = corrupt(&p, err).to_string();
        assert!(msg.contains("x.csv: not a readable CSV file"), "{msg}");
    }
}
