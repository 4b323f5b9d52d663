//! Finding the Parquet files behind a `bars` path: the file itself, the `*.parquet` files of a
//! folder (the symbol from each file's stem) or the files under hive folders `symbol=XYZ/`.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use crate::DataError;

/// One Parquet file to read, and the symbol its name implies (used when it has no symbol column).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarSource {
    /// The file.
    pub path: PathBuf,
    /// Symbol from the file stem or the `symbol=XYZ` folder.
    pub implied_symbol: Option<String>,
    /// True when the symbol comes from a hive folder (authoritative: the file may be skipped
    /// unopened by a symbol filter).
    pub hive: bool,
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

fn is_parquet_name(path: &Path) -> bool {
    path.extension()
        .map(|e| {
            let e = e.to_string_lossy().to_lowercase();
            e == "parquet" || e == "pq" || e == "parq"
        })
        .unwrap_or(false)
}

fn stem(path: &Path) -> Option<String> {
    path.file_stem()
        .map(|s| s.to_string_lossy().trim().to_string())
        .filter(|s| !s.is_empty())
}

fn sorted_entries(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, DataError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| DataError::io(dir, e))? {
        let entry = entry.map_err(|e| DataError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_hidden(&name) {
            continue;
        }
        let path = entry.path();
        let is_dir = path.is_dir();
        out.push((name, path, is_dir));
    }
    out.sort();
    Ok(out)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DataError> {
    for (_, path, is_dir) in sorted_entries(dir)? {
        if is_dir {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The files behind `path`: the file itself, the `*.parquet` files of a directory (symbol from
/// the stem), and every file under its `symbol=XYZ/` folders. Sorted by path, so the result is
/// deterministic; hidden files (`.x`, `_SUCCESS`) are ignored.
pub(crate) fn discover(path: &Path) -> Result<Vec<BarSource>, DataError> {
    let meta = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?;
    if !meta.is_dir() {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if ext == "csv" || ext == "txt" {
            return Err(DataError::Invalid {
                path: path.to_path_buf(),
                detail: "bars must be Parquet; convert a CSV first with `rotor data import FILE \
                         --out DIR`"
                    .into(),
            });
        }
        return Ok(vec![BarSource {
            path: path.to_path_buf(),
            implied_symbol: stem(path),
            hive: false,
        }]);
    }
    let mut out = Vec::new();
    for (name, p, is_dir) in sorted_entries(path)? {
        if is_dir {
            let is_hive = name
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case("symbol="));
            if let Some(sym) = name
                .get(7..)
                .filter(|_| is_hive)
                .map(|s| s.trim().to_string())
            {
                if sym.is_empty() {
                    continue;
                }
                let mut files = Vec::new();
                files_under(&p, &mut files)?;
                out.extend(files.into_iter().map(|f| BarSource {
                    path: f,
                    implied_symbol: Some(sym.clone()),
                    hive: true,
                }));
            }
        } else if is_parquet_name(&p) {
            out.push(BarSource {
                implied_symbol: stem(&p),
                path: p,
                hive: false,
            });
        }
    }
    if out.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            detail: ": no .parquet files and no symbol=XYZ/ folders in this directory".into(),
        });
    }
    Ok(out)
}
