//! Time conventions. Every instant is i64 nanoseconds since the Unix epoch, UTC.
//!
//! A bar's timestamp is its close. Daily bars given as dates (date32/date64, CSV dates, or
//! timestamps that all fall on midnight) close at [`DAILY_CLOSE_UTC_HOUR`]:00 UTC, which is
//! 16:00 New York time in summer and 15:00 in winter: the cautious reading, since an event
//! stamped between 20:00 and 21:00 UTC in winter is then taken as after the close and can only
//! be traded at the next open. Such a bar's session is taken to open at 13:30 UTC (09:30 New York
//! in summer, earlier than the true 14:30 in winter: again cautious, an event is called
//! "before the open" only when it surely was). An event stamped with a date and no time of day
//! is taken as published after that day's close (23:59:59.999999999 UTC of that date).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Nanoseconds in a second.
pub const NS_PER_SEC: i64 = 1_000_000_000;
/// Nanoseconds in a day.
pub const NS_PER_DAY: i64 = 86_400 * NS_PER_SEC;
/// UTC hour at which a date-stamped daily bar is taken to close.
pub const DAILY_CLOSE_UTC_HOUR: i64 = 20;
/// Time of day (UTC, in ns) at which a date-stamped daily session is taken to open (13:30).
pub const DAILY_OPEN_UTC_NS: i64 = (13 * 3600 + 30 * 60) * NS_PER_SEC;

/// Midnight UTC of `date`, in ns; saturates outside the representable years (1677-2262), so a
/// date range given far in the past or future filters like "everything" instead of overflowing.
/// Data read from files is checked with [`checked_date_to_ns`] instead.
pub fn date_to_ns(date: NaiveDate) -> i64 {
    let dt = NaiveDateTime::new(date, NaiveTime::MIN);
    Utc.from_utc_datetime(&dt)
        .timestamp()
        .saturating_mul(NS_PER_SEC)
}

/// Midnight UTC of `date`, in ns, or `None` when that day (up to its last nanosecond, so a
/// date-only event of that day is representable too) does not fit in i64 nanoseconds.
pub fn checked_date_to_ns(date: NaiveDate) -> Option<i64> {
    let dt = NaiveDateTime::new(date, NaiveTime::MIN);
    let ns = Utc
        .from_utc_datetime(&dt)
        .timestamp()
        .checked_mul(NS_PER_SEC)?;
    ns.checked_add(NS_PER_DAY - 1).map(|_| ns)
}

/// What a date out of i64-nanosecond range is told: the years rotor can represent.
pub const DATE_RANGE_TEXT: &str =
    "outside the representable range 1677-09-22..2262-04-10 (i64 nanoseconds since 1970)";

/// The close instant of a date-stamped daily bar (saturating, see [`date_to_ns`]).
pub fn daily_close_ns(date: NaiveDate) -> i64 {
    date_to_ns(date).saturating_add(DAILY_CLOSE_UTC_HOUR * 3600 * NS_PER_SEC)
}

/// The instant a date-only event is taken to be published: the last nanosecond of that date
/// (saturating, see [`date_to_ns`]).
pub fn date_only_event_ns(date: NaiveDate) -> i64 {
    date_to_ns(date).saturating_add(NS_PER_DAY - 1)
}

/// The UTC calendar date of an instant.
pub fn ns_to_date(ns: i64) -> NaiveDate {
    ns_to_datetime(ns).date_naive()
}

/// The UTC date-time of an instant.
pub fn ns_to_datetime(ns: i64) -> DateTime<Utc> {
    let secs = ns.div_euclid(NS_PER_SEC);
    let nanos = ns.rem_euclid(NS_PER_SEC) as u32;
    Utc.timestamp_opt(secs, nanos)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Human form: `2026-01-07` for a daily close or midnight, else RFC 3339 in UTC.
pub fn format_ns(ns: i64) -> String {
    let dt = ns_to_datetime(ns);
    let tod = ns.rem_euclid(NS_PER_DAY);
    if tod == 0 || tod == DAILY_CLOSE_UTC_HOUR * 3600 * NS_PER_SEC {
        dt.format("%Y-%m-%d").to_string()
    } else {
        dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Parses a timestamp string: RFC 3339 with offset, a naive date-time (taken as UTC), or a bare
/// date. Returns the instant and whether it was a bare date.
pub fn parse_timestamp(s: &str) -> Option<(i64, bool)> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return dt.timestamp_nanos_opt().map(|n| (n, false));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Utc
                .from_utc_datetime(&dt)
                .timestamp_nanos_opt()
                .map(|n| (n, false));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return checked_date_to_ns(d).map(|n| (n, true));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_close_is_20_utc_and_formats_as_date() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 7).unwrap();
        let ns = daily_close_ns(d);
        assert_eq!(format_ns(ns), "2026-01-07");
        assert_eq!(ns_to_date(ns), d);
        assert!(date_only_event_ns(d) > ns);
        assert!(date_only_event_ns(d) < daily_close_ns(d.succ_opt().unwrap()));
    }

    #[test]
    fn parses_timestamp_forms() {
        let (a, bare) = parse_timestamp("2026-01-07T19:00:00-05:00").unwrap();
        assert!(!bare);
        let (b, _) = parse_timestamp("2026-01-08T00:00:00Z").unwrap();
        assert_eq!(a, b);
        let (c, bare) = parse_timestamp("2026-01-07").unwrap();
        assert!(bare);
        assert_eq!(c, date_to_ns(NaiveDate::from_ymd_opt(2026, 1, 7).unwrap()));
        assert!(parse_timestamp("07/01/2026x").is_none());
    }

    #[test]
    fn dates_outside_i64_nanoseconds_are_refused_or_saturate() {
        for s in ["3000-01-01", "1500-06-30", "2262-04-12", "99991231"] {
            assert!(parse_timestamp(s).is_none(), "{s}");
        }
        assert!(parse_timestamp("2262-04-10").is_some());
        let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        assert_eq!(date_to_ns(far), i64::MAX);
        assert_eq!(date_only_event_ns(far), i64::MAX);
        assert_eq!(daily_close_ns(far), i64::MAX);
        assert!(checked_date_to_ns(far).is_none());
        let old = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap();
        assert_eq!(date_to_ns(old), i64::MIN);
    }
}
