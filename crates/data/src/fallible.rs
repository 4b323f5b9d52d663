//! Fallible allocation of the big vectors (a file's bar columns, the market's aligned columns):
//! running out of memory (a `ulimit -v`, a full machine) is a [`DataError::OutOfMemory`] naming
//! the file and the size, which the CLI reports as one `error:` line, never an abort.
//!
//! A global allocator that ends the process when memory runs out (the binary's) must let these
//! reservations fail instead: it asks [`reserving`].

use std::cell::Cell;
use std::collections::TryReserveError;
use std::path::Path;

use crate::DataError;

thread_local! {
    static RESERVING: Cell<bool> = const { Cell::new(false) };
}

/// True while this thread makes a fallible reservation here: a global allocator that handles
/// running out of memory itself should then return null, so the reservation reports a
/// [`DataError::OutOfMemory`] naming the file. Never allocates.
pub fn reserving() -> bool {
    RESERVING.with(Cell::get)
}

/// `v.try_reserve_exact(extra)`, marked as a fallible reservation ([`reserving`] is true while
/// it runs), so that it fails with an error even under a global allocator that ends the process
/// when memory runs out: for the other crates' big allocations (the engine's curves).
pub fn try_reserve_exact<T>(v: &mut Vec<T>, extra: usize) -> Result<(), TryReserveError> {
    let was = RESERVING.with(|r| r.replace(true));
    let reserved = v.try_reserve_exact(extra);
    RESERVING.with(|r| r.set(was));
    reserved
}

/// What is being allocated, for the error: the file and a few words.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Site<'a> {
    /// The file (or bars folder) being loaded.
    pub path: &'a Path,
    /// What the allocation holds, e.g. "the bar columns".
    pub what: &'static str,
}

impl Site<'_> {
    fn error<T>(&self, items: usize) -> DataError {
        DataError::OutOfMemory {
            path: self.path.to_path_buf(),
            what: self.what,
            bytes: items.saturating_mul(std::mem::size_of::<T>()),
        }
    }

    /// Reserves room for exactly `extra` more items in `v`.
    pub(crate) fn reserve<T>(&self, v: &mut Vec<T>, extra: usize) -> Result<(), DataError> {
        try_reserve_exact(v, extra).map_err(|_| self.error::<T>(extra))
    }

    /// An empty vector with room for exactly `n` items.
    pub(crate) fn with_capacity<T>(&self, n: usize) -> Result<Vec<T>, DataError> {
        let mut v = Vec::new();
        self.reserve(&mut v, n)?;
        Ok(v)
    }

    /// A vector of `n` copies of `value`.
    pub(crate) fn filled<T: Clone>(&self, n: usize, value: T) -> Result<Vec<T>, DataError> {
        let mut v = self.with_capacity(n)?;
        v.resize(n, value);
        Ok(v)
    }

    /// Makes room for one more item in `v`, growing it by at least half (amortized like
    /// `push`, but fallible).
    pub(crate) fn grow<T>(&self, v: &mut Vec<T>) -> Result<(), DataError> {
        if v.len() < v.capacity() {
            return Ok(());
        }
        self.reserve(v, (v.len() / 2).max(1024))
    }
}

/// `bytes` for a message: "512 bytes", "9.6 MB", "4.02 GB" (powers of 1000).
pub fn human_bytes(bytes: usize) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000_000 => format!("{bytes} bytes"),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b / 1e6),
        _ => format!("{:.2} GB", b / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allocation_too_big_is_an_out_of_memory_error_naming_file_and_size() {
        let site = Site {
            path: Path::new("bars/SPY.parquet"),
            what: "the bar columns",
        };
        assert!(!reserving());
        let err = site.filled(usize::MAX / 16, 0.0f64).unwrap_err();
        assert!(!reserving());
        assert!(err.is_out_of_memory());
        assert_eq!(
            err.to_string(),
            "out of memory: the bar columns of bars/SPY.parquet need 9223372036.85 GB more; \
             load fewer symbols or a shorter date range, or free memory"
        );
        assert_eq!(site.filled(3, 1.5f64).unwrap(), vec![1.5; 3]);
        let mut v: Vec<i64> = Vec::new();
        site.grow(&mut v).unwrap();
        assert!(v.capacity() >= 1024);
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(9_600_000), "9.6 MB");
        assert_eq!(human_bytes(4_020_000_000), "4.02 GB");
    }
}
