//! Calendar aggregation of returns: compounded monthly and yearly returns (UTC dates).
//!
//! Invariant: a period's return is `prod(1 + r) - 1` over its bars' finite returns (empyrical
//! `aggregate_returns(..., 'monthly')`); bars are assigned to the UTC calendar date of their
//! close; periods come out in chronological order, only those containing at least one bar.

use chrono::{DateTime, Utc};

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
    group(timestamps, r, |(y, m)| (y, m))
}

/// Compounded return of each calendar year `(year, return)`.
pub fn yearly_returns(timestamps: &[i64], r: &[f64]) -> Vec<(i32, f64)> {
    group(timestamps, r, |(y, _)| (y, 0))
        .into_iter()
        .map(|((y, _), v)| (y, v))
        .collect()
}

/// Nanoseconds in a day.
const NS_PER_DAY: i64 = 86_400_000_000_000;

/// `(year, month)` of the UTC date `days` days after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, proleptic Gregorian): integer arithmetic only, no date library.
pub fn year_month(days: i64) -> (i32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as u32)
}

/// Days from 1970-01-01 to the first day of `month` (1..=12) of `year` (Howard Hinnant's
/// `days_from_civil`, proleptic Gregorian).
pub fn days_from_civil(year: i32, month: u32) -> i64 {
    let (m, y) = (i64::from(month), i64::from(year) - i64::from(month <= 2));
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5; // first of the month
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The compounded return of each period (`key` of the bar's UTC (year, month)), periods with
/// a finite return only, in key order. One pass when the timestamps do not decrease (the
/// usual case: a period is a run of bars); otherwise bars are grouped by key first.
fn group(
    timestamps: &[i64],
    r: &[f64],
    key: impl Fn((i32, u32)) -> (i32, u32),
) -> Vec<((i32, u32), f64)> {
    let n = timestamps.len().min(r.len());
    let (timestamps, r) = (&timestamps[..n], &r[..n]);
    // The days [first, end) of the month of the last bar, and its key: a bar of the same
    // month costs one division and two comparisons.
    let (mut first, mut end) = (i64::MAX, i64::MIN);
    let mut cached_key = (0, 0);
    let mut key_of = |ts: i64| {
        let day = ts.div_euclid(NS_PER_DAY);
        if day < first || day >= end {
            let (y, m) = year_month(day);
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (first, end) = (days_from_civil(y, m), days_from_civil(ny, nm));
            cached_key = key((y, m));
        }
        cached_key
    };
    if !timestamps.windows(2).all(|w| w[0] <= w[1]) {
        // Unsorted timestamps could split a period: group every bar by key (stable, so each
        // period keeps its bars in input order).
        let mut keyed: Vec<((i32, u32), f64)> = timestamps
            .iter()
            .zip(r)
            .map(|(t, x)| (key_of(*t), *x))
            .collect();
        keyed.sort_by_key(|(k, _)| *k);
        return runs(keyed.into_iter());
    }
    runs(timestamps.iter().zip(r).map(|(t, x)| (key_of(*t), *x)))
}

/// Compounds runs of equal keys: `prod(1 + r) - 1` over each run's finite returns, dropping
/// runs without one.
fn runs(bars: impl Iterator<Item = ((i32, u32), f64)>) -> Vec<((i32, u32), f64)> {
    let mut out = Vec::new();
    // (key, wealth, has a finite return)
    let mut cur: Option<((i32, u32), f64, bool)> = None;
    for (k, x) in bars {
        match cur.as_mut() {
            Some((ck, w, any)) if *ck == k => {
                if x.is_finite() {
                    *w *= 1.0 + x;
                    *any = true;
                }
            }
            _ => {
                if let Some((ck, w, true)) = cur {
                    out.push((ck, w - 1.0));
                }
                cur = Some(if x.is_finite() {
                    (k, 1.0 * (1.0 + x), true)
                } else {
                    (k, 1.0, false)
                });
            }
        }
    }
    if let Some((ck, w, true)) = cur {
        out.push((ck, w - 1.0));
    }
    out
}

/// Best calendar-month return (empyrical `aggregate_returns(r, 'monthly').max()`).
pub fn best_month(timestamps: &[i64], r: &[f64]) -> Option<f64> {
    month_range(timestamps, r).map(|m| m.1)
}

/// (worst, best) calendar-month return, from one grouping.
pub fn month_range(timestamps: &[i64], r: &[f64]) -> Option<(f64, f64)> {
    let months = monthly_returns(timestamps, r);
    let v = months.iter().map(|(_, v)| *v);
    Some((v.clone().reduce(f64::min)?, v.reduce(f64::max)?))
}

/// Worst calendar-month return (empyrical `aggregate_returns(r, 'monthly').min()`).
pub fn worst_month(timestamps: &[i64], r: &[f64]) -> Option<f64> {
    month_range(timestamps, r).map(|m| m.0)
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

    /// The integer calendar equals chrono's on every day from 1677 to 2262 (the i64-ns range).
    #[test]
    fn year_month_matches_chrono() {
        use chrono::Datelike;
        for day in -106_751..=106_751i64 {
            let d = datetime(day * NS_PER_DAY).unwrap();
            assert_eq!(year_month(day), (d.year(), d.month()), "day {day}");
        }
    }

    /// Month starts from integer arithmetic equal chrono's, 1677 to 2262.
    #[test]
    fn days_from_civil_matches_chrono() {
        for y in 1677..=2262 {
            for m in 1..=12 {
                let d = chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap();
                let want = (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
                assert_eq!(days_from_civil(y, m), want, "{y}-{m}");
                assert_eq!(year_month(want), (y, m));
                assert_eq!(year_month(want - 1).1, if m == 1 { 12 } else { m - 1 });
            }
        }
    }

    /// Unsorted timestamps group like sorted ones: each period's bars in input order.
    #[test]
    fn unsorted_bars_are_grouped_by_month() {
        let day = NS_PER_DAY;
        let t0 = 1_706_731_200_000_000_000i64; // 2024-01-31 20:00 UTC
        let ts = [t0 + day, t0, t0 + 40 * day, t0 + 2 * day, t0 - 400 * day];
        let r = [0.1, 0.2, f64::NAN, -0.5, 0.3];
        let m = monthly_returns(&ts, &r);
        assert_eq!(
            m.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![(2022, 12), (2024, 1), (2024, 2)]
        );
        assert_eq!(m[2].1.to_bits(), ((1.0 * 1.1) * 0.5 - 1.0f64).to_bits());
        let y = yearly_returns(&ts, &r);
        assert_eq!(y.len(), 2);
        assert_eq!(month_range(&ts, &r), Some((m[2].1, m[0].1)));
    }
}
