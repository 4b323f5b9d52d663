//! The synthetic market's trading calendar: NYSE-style weekday sessions without the main holidays.
//!
//! Invariant: [`sessions`] is strictly increasing, contains only Monday-Friday dates, and none of
//! the dates [`holidays`] returns. Special one-off closures (national days of mourning, storms)
//! are not modelled.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// First session of the shipped sample market.
pub const FIRST_SESSION: (i32, u32, u32) = (2010, 1, 4);
/// Last session of the shipped sample market.
pub const LAST_SESSION: (i32, u32, u32) = (2026, 1, 9);

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // Callers only pass valid calendar dates built from in-range components.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The `n`-th (1-based) `wd` of a month.
pub(crate) fn nth_weekday(y: i32, m: u32, wd: Weekday, n: u32) -> NaiveDate {
    let first = ymd(y, m, 1);
    let offset = (7 + wd.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first + Duration::days((offset + 7 * (n - 1)) as i64)
}

/// The last `wd` of a month.
fn last_weekday(y: i32, m: u32, wd: Weekday) -> NaiveDate {
    let next_first = if m == 12 {
        ymd(y + 1, 1, 1)
    } else {
        ymd(y, m + 1, 1)
    };
    let last = next_first - Duration::days(1);
    let back = (7 + last.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    last - Duration::days(back as i64)
}

/// Easter Sunday (anonymous Gregorian computus).
pub fn easter(y: i32) -> NaiveDate {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month as u32, day as u32)
}

/// A fixed-date holiday moved to its observed weekday: Saturday -> Friday, Sunday -> Monday.
fn observed(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// The exchange holidays of year `y` (observed dates, all weekdays), sorted.
///
/// New Year's Day falling on a Saturday is not observed (NYSE does not close on Friday Dec 31).
pub fn holidays(y: i32) -> Vec<NaiveDate> {
    let mut h = Vec::with_capacity(10);
    let new_year = ymd(y, 1, 1);
    if new_year.weekday() != Weekday::Sat {
        h.push(observed(new_year));
    }
    h.push(nth_weekday(y, 1, Weekday::Mon, 3)); // Martin Luther King Jr. Day
    h.push(nth_weekday(y, 2, Weekday::Mon, 3)); // Presidents' Day
    h.push(easter(y) - Duration::days(2)); // Good Friday
    h.push(last_weekday(y, 5, Weekday::Mon)); // Memorial Day
    if y >= 2022 {
        h.push(observed(ymd(y, 6, 19))); // Juneteenth
    }
    h.push(observed(ymd(y, 7, 4))); // Independence Day
    h.push(nth_weekday(y, 9, Weekday::Mon, 1)); // Labor Day
    h.push(nth_weekday(y, 11, Weekday::Thu, 4)); // Thanksgiving
    h.push(observed(ymd(y, 12, 25))); // Christmas
    h.sort();
    h
}

/// True if `d` is a weekday and not a holiday.
pub fn is_session(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays(d.year()).contains(&d)
}

/// Every session from `start` through `end`, inclusive.
pub fn sessions(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut year = i32::MIN;
    let mut hol = Vec::new();
    let mut d = start;
    while d <= end {
        if d.year() != year {
            year = d.year();
            hol = holidays(year);
        }
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !hol.contains(&d) {
            out.push(d);
        }
        d += Duration::days(1);
    }
    out
}

/// The sessions of the shipped sample market (2010-01-04 through 2026-01-09).
pub fn sample_sessions() -> Vec<NaiveDate> {
    let (y0, m0, d0) = FIRST_SESSION;
    let (y1, m1, d1) = LAST_SESSION;
    sessions(ymd(y0, m0, d0), ymd(y1, m1, d1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(y: i32) -> usize {
        sessions(ymd(y, 1, 1), ymd(y, 12, 31)).len()
    }

    #[test]
    fn session_counts_of_known_years() {
        assert_eq!(count(2024), 252);
        // 2025: 251 here; the real NYSE had 250 because of the 2025-01-09 day of mourning.
        assert_eq!(count(2025), 251);
        assert_eq!(count(2023), 250);
        assert_eq!(count(2019), 252);
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), ymd(2024, 3, 31));
        assert_eq!(easter(2025), ymd(2025, 4, 20));
        assert_eq!(easter(2019), ymd(2019, 4, 21));
        assert_eq!(easter(2011), ymd(2011, 4, 24));
    }

    #[test]
    fn observed_rules() {
        // Jan 1 2022 was a Saturday: Friday 2021-12-31 was a session.
        assert!(is_session(ymd(2021, 12, 31)));
        // Christmas 2021 on Saturday -> Friday Dec 24 closed; Christmas 2022 on Sunday -> Monday.
        assert!(!is_session(ymd(2021, 12, 24)));
        assert!(!is_session(ymd(2022, 12, 26)));
        // Juneteenth 2022 on Sunday -> Monday June 20 closed; not a holiday before 2022.
        assert!(!is_session(ymd(2022, 6, 20)));
        assert!(is_session(ymd(2021, 6, 18)));
        // July 4 2020 on Saturday -> Friday July 3 closed. Jan 1 2017 Sunday -> Jan 2 closed.
        assert!(!is_session(ymd(2020, 7, 3)));
        assert!(!is_session(ymd(2017, 1, 2)));
        // Good Friday 2024, Thanksgiving 2025, MLK 2026.
        assert!(!is_session(ymd(2024, 3, 29)));
        assert!(!is_session(ymd(2025, 11, 27)));
        assert!(!is_session(ymd(2026, 1, 19)));
    }

    #[test]
    fn sample_span() {
        let s = sample_sessions();
        assert_eq!(s.first(), Some(&ymd(2010, 1, 4)));
        assert_eq!(s.last(), Some(&ymd(2026, 1, 9)));
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert!(s.len() > 4000);
    }
}
