//! Row checks shared by every bar reader (Parquet and CSV import), so both reject exactly the
//! same things with the same words.
//!
//! Invariant: a bar that passes [`check_ohlc`] has finite prices in [1e-6, 1e9] with
//! low <= open, close <= high (up to a relative tolerance of [`REL_TOL`]), and a volume that is
//! either missing (NaN) or finite and non-negative ([`check_volume`]). Every error names the file,
//! the column, the 1-based row and, where known, the symbol and timestamp.

// DataError carries path, column, row, symbol and timestamp by design (one precise error line);
// its size is not a hot-path concern here.
#![allow(clippy::result_large_err)]

use std::path::Path;

use crate::DataError;

/// Relative tolerance for the range checks (float noise from upstream adjustments).
pub const REL_TOL: f64 = 1e-9;

/// Where a value came from, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    /// The file being read.
    pub path: &'a Path,
    /// 1-based data row in that file (header excluded).
    pub row: usize,
    /// The bar's symbol, when known.
    pub symbol: Option<&'a str>,
    /// The bar's timestamp (ns UTC), when known.
    pub timestamp: Option<i64>,
}

impl RowRef<'_> {
    /// A [`DataError::BadValue`] at this row.
    pub fn error(&self, what: impl Into<String>, detail: impl Into<String>) -> DataError {
        DataError::bad_value(
            self.path,
            what,
            self.row,
            self.symbol,
            self.timestamp,
            detail,
        )
    }
}

/// The names the price columns have in the file, so errors quote the user's own names.
#[derive(Debug, Clone, Copy)]
pub struct PriceNames<'a> {
    /// Name of the open column.
    pub open: &'a str,
    /// Name of the high column.
    pub high: &'a str,
    /// Name of the low column.
    pub low: &'a str,
    /// Name of the close column.
    pub close: &'a str,
}

/// Smallest accepted price: far below any quoted security, far above f64 underflow.
pub const MIN_PRICE: f64 = 1e-6;

/// Largest accepted price: above any quoted security; with [`MIN_PRICE`] it bounds every price
/// ratio by 1e15, so account values stay far from f64 overflow.
pub const MAX_PRICE: f64 = 1e9;

/// A price must be finite and within [[`MIN_PRICE`], [`MAX_PRICE`]].
pub fn check_price(r: &RowRef, column: &str, v: f64) -> Result<(), DataError> {
    if !v.is_finite() {
        return Err(r.error(
            format!("non-finite price in column `{column}`"),
            format!("{column} = {v}"),
        ));
    }
    if v <= 0.0 {
        return Err(r.error(
            format!("non-positive price in column `{column}`"),
            format!("{column} = {v}"),
        ));
    }
    if !(MIN_PRICE..=MAX_PRICE).contains(&v) {
        return Err(r.error(
            format!("price out of range in column `{column}`"),
            format!("{column} = {v}; prices must be within [{MIN_PRICE:e}, {MAX_PRICE:e}]"),
        ));
    }
    Ok(())
}

fn slack(a: f64, b: f64) -> f64 {
    REL_TOL * a.abs().max(b.abs())
}

/// Checks one bar: every price finite and positive, high >= low, open and close in [low, high].
pub fn check_ohlc(
    r: &RowRef,
    names: &PriceNames,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
) -> Result<(), DataError> {
    check_price(r, names.open, open)?;
    check_price(r, names.high, high)?;
    check_price(r, names.low, low)?;
    check_price(r, names.close, close)?;
    if high < low - slack(high, low) {
        return Err(r.error(
            format!("high below low in columns `{}`/`{}`", names.high, names.low),
            format!("{} = {high} < {} = {low}", names.high, names.low),
        ));
    }
    for (name, v) in [(names.open, open), (names.close, close)] {
        if v < low - slack(v, low) || v > high + slack(v, high) {
            return Err(r.error(
                format!("price outside the bar's range in column `{name}`"),
                format!(
                    "{name} = {v} is not within [{} = {low}, {} = {high}]",
                    names.low, names.high
                ),
            ));
        }
    }
    Ok(())
}

/// A volume read from a volume column must be finite and non-negative: NaN is refused like
/// inf (a file without volumes has no volume column; a bar's volume is never half-known).
pub fn check_volume(r: &RowRef, column: &str, v: f64) -> Result<(), DataError> {
    if !v.is_finite() || v < 0.0 {
        return Err(r.error(
            format!("bad volume in column `{column}`"),
            format!("{column} = {v} (must be finite and >= 0)"),
        ));
    }
    Ok(())
}

/// A null where a value is required.
pub fn null_value(r: &RowRef, column: &str) -> DataError {
    r.error(
        format!("null in required column `{column}`"),
        "every row needs a value here",
    )
}

/// A missing-column error that says which names were looked for and which were found.
pub fn missing_column(path: &Path, column: &str, aliases: &[&str], found: &[String]) -> DataError {
    DataError::MissingColumn {
        path: path.to_path_buf(),
        column: column.to_string(),
        hint: format!(
            " (looked for {}, case-insensitive; found: {})",
            aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if found.is_empty() {
                "no columns".to_string()
            } else {
                found.join(", ")
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: PriceNames = PriceNames {
        open: "open",
        high: "high",
        low: "low",
        close: "close",
    };

    fn at(row: usize) -> RowRef<'static> {
        RowRef {
            path: Path::new("x.parquet"),
            row,
            symbol: Some("SPY"),
            timestamp: None,
        }
    }

    #[test]
    fn accepts_consistent_bars_and_float_noise() {
        assert!(check_ohlc(&at(1), &NAMES, 10.0, 11.0, 9.0, 10.5).is_ok());
        assert!(check_ohlc(&at(1), &NAMES, 11.0 * (1.0 + 1e-12), 11.0, 9.0, 10.5).is_ok());
        assert!(check_volume(&at(1), "volume", 0.0).is_ok());
        // NaN is refused like inf: a volume column has a volume on every row.
        let m = check_volume(&at(1), "volume", f64::NAN)
            .unwrap_err()
            .to_string();
        assert!(m.contains("bad volume in column `volume` at row 1"), "{m}");
    }

    #[test]
    fn rejects_each_rule_naming_column_and_row() {
        let e = check_ohlc(&at(3), &NAMES, 10.0, 11.0, 9.0, -1.0).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("`close`") && m.contains("row 3") && m.contains("SPY"),
            "{m}"
        );
        let m = check_ohlc(&at(4), &NAMES, 10.0, 8.0, 9.0, 8.5)
            .unwrap_err()
            .to_string();
        assert!(m.contains("high below low") && m.contains("row 4"), "{m}");
        let m = check_ohlc(&at(5), &NAMES, 12.0, 11.0, 9.0, 10.0)
            .unwrap_err()
            .to_string();
        assert!(m.contains("`open`") && m.contains("row 5"), "{m}");
        let m = check_ohlc(&at(6), &NAMES, f64::NAN, 11.0, 9.0, 10.0)
            .unwrap_err()
            .to_string();
        assert!(m.contains("non-finite"), "{m}");
        let m = check_volume(&at(7), "vol", -1.0).unwrap_err().to_string();
        assert!(m.contains("`vol`") && m.contains("row 7"), "{m}");
    }
}
