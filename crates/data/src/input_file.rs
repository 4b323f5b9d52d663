//! Opening the user's input files safely: only regular files are opened (a FIFO would block
//! forever, `/dev/zero` would be read until memory runs out), and text inputs read whole into
//! memory (event feeds, CSVs to import, series for `rotor stats`, configs) have a size bound.
//!
//! Invariant: nothing in rotor opens a path without [`check_regular`] first, so no input can
//! make a command hang or grow without bound; the refusals are [`DataError`]s naming the path.

// DataError carries the path by value, as across the crate.
#![allow(clippy::result_large_err)]

use std::io::Read;
use std::path::Path;

use crate::DataError;

/// Largest text input read (1 GiB): about 15 million event rows or 25 million daily bars of CSV,
/// far beyond any real feed, well below the memory of any machine that runs a backtest.
pub const MAX_TEXT_BYTES: u64 = 1 << 30;

/// The size of `path` when it is a regular file (symbolic links followed); a folder, FIFO,
/// socket or device is refused before it is opened.
pub fn check_regular(path: &Path) -> Result<u64, DataError> {
    let meta = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    if meta.is_dir() {
        return Err(DataError::io(path, "is a folder, not a file"));
    }
    Err(DataError::Invalid {
        path: path.to_path_buf(),
        detail: "is not a regular file (a FIFO, socket or device); rotor reads only regular \
                 files"
            .into(),
    })
}

/// [`check_regular`], and at most [`MAX_TEXT_BYTES`] long.
pub fn check_text(path: &Path) -> Result<(), DataError> {
    let len = check_regular(path)?;
    if len > MAX_TEXT_BYTES {
        return Err(too_big(path, len));
    }
    Ok(())
}

fn too_big(path: &Path, len: u64) -> DataError {
    DataError::Invalid {
        path: path.to_path_buf(),
        detail: format!(
            "is {len} bytes, more than the {} MiB rotor reads from a text file; split it or \
             convert it to Parquet",
            MAX_TEXT_BYTES >> 20
        ),
    }
}

/// The bytes of a text input, after [`check_text`]; a file that grows past the bound while
/// being read is refused too (the read stops there).
pub fn read_text(path: &Path) -> Result<Vec<u8>, DataError> {
    check_text(path)?;
    let file = std::fs::File::open(path).map_err(|e| DataError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DataError::io(path, e))?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(too_big(path, bytes.len() as u64));
    }
    Ok(bytes)
}

/// [`read_text`] as UTF-8.
pub fn read_text_utf8(path: &Path) -> Result<String, DataError> {
    String::from_utf8(read_text(path)?).map_err(|e| DataError::Corrupt {
        path: path.to_path_buf(),
        format: "text",
        reason: format!("not UTF-8 ({e})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_others_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "x\n").unwrap();
        assert_eq!(read_text_utf8(&p).unwrap(), "x\n");
        let m = read_text(dir.path()).unwrap_err().to_string();
        assert!(m.ends_with("cannot read: is a folder, not a file"), "{m}");
        if Path::new("/dev/zero").exists() {
            let m = read_text(Path::new("/dev/zero")).unwrap_err().to_string();
            assert!(
                m.starts_with("/dev/zero: is not a regular file (a FIFO, socket or device)"),
                "{m}"
            );
        }
        let m = check_regular(&dir.path().join("absent"))
            .unwrap_err()
            .to_string();
        assert!(m.contains("absent: cannot read"), "{m}");
    }
}
