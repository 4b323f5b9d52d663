//! Reaction latency: how long after an instant the strategy may act on it.
//!
//! The timing rule (README "Execution model"): an event published at instant `T` is acted on
//! only at prices printed strictly after `T`, and with `execution.latency = L` at the first
//! price printed at or after `T + L` (and strictly after `T`). With `execution.order_latency`
//! set, an order sent from `on_bar` after a close `C` obeys the same rule from `C`. Durations are
//! written as a number and a unit: `"250ms"`, `"5s"`, `"1m"` (units `ns`, `us`, `ms`, `s`, `m`,
//! `h`; `"0"` alone is zero), at most a day.

use rotor_data::time::NS_PER_SEC;

/// Longest latency accepted: one day.
pub const MAX_LATENCY_NS: i64 = 86_400 * NS_PER_SEC;

/// What a bad duration is told it must be.
pub const DURATION_REQUIREMENT: &str =
    "must be a duration from 0 to 24h: a number and a unit, e.g. \"250ms\", \"5s\", \"1m\" (units ns, us, ms, s, m, h)";

/// `text` as nanoseconds, or `None` when it is not a duration within 0 ..= 24h.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    if t == "0" {
        return Some(0);
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = t.split_at(split);
    let scale = match unit {
        "ns" => 1.0,
        "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return None,
    };
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let ns = (number.parse::<f64>().ok()? * scale).round();
    (ns.is_finite() && ns >= 0.0 && ns <= MAX_LATENCY_NS as f64).then_some(ns as i64)
}

/// The first instant at which a price may be used to act on something that happened at
/// `instant`, with `latency` ns of reaction time: `instant + latency`, and never `instant`
/// itself (a price printed in the same nanosecond cannot be traded on).
#[inline]
pub fn earliest_price(instant: i64, latency: i64) -> i64 {
    instant.saturating_add(latency.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_to_nanoseconds() {
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("0s"), Some(0));
        assert_eq!(parse_duration("250ms"), Some(250_000_000));
        assert_eq!(parse_duration("5s"), Some(5 * NS_PER_SEC));
        assert_eq!(parse_duration("1m"), Some(60 * NS_PER_SEC));
        assert_eq!(parse_duration("5m"), Some(300 * NS_PER_SEC));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("2h"), Some(7200 * NS_PER_SEC));
        assert_eq!(parse_duration("24h"), Some(MAX_LATENCY_NS));
        assert_eq!(parse_duration("10us"), Some(10_000));
        for bad in [
            "", "5", "s", "-1s", "5x", "1d", "25h", "1e3s", "5 s", "nan s", "1..2s",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_earliest_price_is_strictly_after_the_instant() {
        assert_eq!(earliest_price(100, 0), 101);
        assert_eq!(earliest_price(100, 5), 105);
        assert_eq!(earliest_price(i64::MAX, 5), i64::MAX);
    }
}
