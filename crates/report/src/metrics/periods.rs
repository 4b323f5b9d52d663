//! Calendar aggregation of returns: compounded monthly and yearly returns (UTC dates).
//!
//! Invariant: a period's return is `prod(1 + r) - 1` over its bars' finite returns (empyrical
//! `aggregate_returns(..., 'monthly')`); bars are assigned to the UTC calendar date of their
//! close; periods come out in chronological order, only those containing at least one bar.

use chrono::{DateTime, Datelike, Utc};

use super::util::{compound, finite};

/// UTC date-time of a nanosecond timestamp (`None` when out of chrono's range).
pub fn datetime(ts_ns: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(
        ts_ns.div_euclid(1_000_000_000),
        ts_ns.rem_euclid(1_000_000_000) as u32,
    )
}

/// `YYYY-MM-DD` of a nanosecond timestamp (UTC), or `"?"` when out of range.
pub fn format_date(ts_ns: i64) -> String {
    datetime(ts_ns).map_or_else(|| "?".to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// Compounded return of each calendar month `((year, month), return)`, months 1..=12.
/// Bars beyond the shorter of `timestamps` and `r` are ignored.
pub fn monthly_returns(timestamps: &[i64], r: &[f64]) -> Vec<((i32, u32), f64)> {
    group(timestamps, r, |d| (d.year(), d.month()))
}

/// Compounded return of each calendar year `(year, return)`.
pub fn yearly_returns(timestamps: &[i64], r: &[f64]) -> Vec<(i32, f64)> {
    group(timestamps, r, |d| (d.year(), 0))
        .into_iter()
        .map(|((y, _), v)| (y, v))
        .collect()
}

fn group(
    timestamps: &[i64],
    r: &[f64],
    key: impl Fn(&DateTime<Utc>) -> (i32, u32),
) -> Vec<((i32, u32), f64)> {
    let mut out: Vec<((i32, u32), Vec<f64>)> = Vec::new();
    for (ts, x) in timestamps.iter().zip(r) {
        let Some(d) = datetime(*ts) else { continue };
        let k = key(&d);
        match out.last_mut() {
            Some((lk, v)) if *lk == k => v.push(*x),
            _ => out.push((k, vec![*x])),
        }
    }
    // Unsorted timestamps could split a period: merge equal keys.
    out.sort_by_key(|(k, _)| *k);
    let mut merged: Vec<((i32, u32), Vec<f64>)> = Vec::new();
    for (k, v) in out {
        match merged.last_mut() {
            Some((lk, lv)) if *lk == k => lv.extend(v),
            _ => merged.push((k, v)),
        }
    }
    merged
        .into_iter()
        .filter(|(_, v)| !finite(v).is_empty())
        .map(|(k, v)| (k, compound(&v)))
        .collect()
}

/// Best calendar-month return (empyrical `aggregate_returns(r, 'monthly').max()`).
pub fn best_month(timestamps: &[i64], r: &[f64]) -> Option<f64> {
    monthly_returns(timestamps, r)
        .into_iter()
        .map(|(_, v)| v)
        .reduce(f64::max)
}

/// Worst calendar-month return (empyrical `aggregate_returns(r, 'monthly').min()`).
pub fn worst_month(timestamps: &[i64], r: &[f64]) -> Option<f64> {
    monthly_returns(timestamps, r)
        .into_iter()
        .map(|(_, v)| v)
        .reduce(f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_compound() {
        let day = 86_400_000_000_000i64;
        let t0 = 1_706_731_200_000_000_000i64; // 2024-01-31 20:00 UTC
        let m = monthly_returns(&[t0, t0 + day, t0 + 2 * day], &[0.1, 0.1, -0.5]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].0, (2024, 1));
        assert!((m[1].1 - (1.1 * 0.5 - 1.0)).abs() < 1e-15);
        assert_eq!(format_date(t0), "2024-01-31");
    }
}
