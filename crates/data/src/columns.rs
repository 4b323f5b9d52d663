//! Finding a field's column by its accepted names, shared by every reader (Parquet bars, CSV
//! import, events, `rotor stats` series).
//!
//! Invariant: a field is read from exactly one column. Two columns that both name one field
//! (`Close` and `close`, `timestamp` and `date`, `adj_close` and `Adj Close`, a CSV header with
//! `Close` twice) are ambiguous, and ambiguity is bad input: the error names the file and both
//! columns, since picking either would silently decide which prices a backtest sees.

// DataError carries the path by value, as across the crate.
#![allow(clippy::result_large_err)]

use std::path::Path;

use crate::parquet_bars::normalize_name;
use crate::DataError;

/// Index of the one column among `names` (as the file spells them) whose normalized name is one
/// of `aliases`; `Ok(None)` when there is none, an error naming both columns when there are two.
/// `field` is the field's name as the README gives it (`close`, `timestamp`...).
pub(crate) fn find_unique(
    path: &Path,
    names: &[String],
    field: &str,
    aliases: &[&str],
) -> Result<Option<usize>, DataError> {
    let mut hits = names
        .iter()
        .enumerate()
        .filter(|(_, n)| aliases.contains(&normalize_name(n).as_str()))
        .map(|(i, _)| i);
    let Some(first) = hits.next() else {
        return Ok(None);
    };
    match hits.next() {
        None => Ok(Some(first)),
        Some(second) => Err(DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "columns {:?} and {:?} both give the {field} (accepted names: {}); keep one of \
                 them",
                names[first],
                names[second],
                aliases.join(", ")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_column_is_found_two_are_ambiguous() {
        let p = Path::new("x.parquet");
        let ok = names(&["Date", "Close", "volume"]);
        assert_eq!(find_unique(p, &ok, "close", &["close"]).unwrap(), Some(1));
        assert_eq!(find_unique(p, &ok, "open", &["open"]).unwrap(), None);
        for (cols, field, aliases, a, b) in [
            (
                &["Close", "close"][..],
                "close",
                &["close"][..],
                "Close",
                "close",
            ),
            (
                &["timestamp", "open", "date"][..],
                "timestamp",
                &["timestamp", "date"][..],
                "timestamp",
                "date",
            ),
            (
                &["adj_close", "Adj Close"][..],
                "adjusted close",
                &["adj_close", "adjclose"][..],
                "adj_close",
                "Adj Close",
            ),
        ] {
            let m = find_unique(p, &names(cols), field, aliases)
                .unwrap_err()
                .to_string();
            assert!(
                m.starts_with("x.parquet: ")
                    && m.contains(&format!("columns {a:?} and {b:?} both give the {field}")),
                "{m}"
            );
        }
    }
}
