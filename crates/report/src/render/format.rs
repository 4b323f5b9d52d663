//! Number and text formatting shared by the renderers.
//!
//! Invariant: an undefined or non-finite value is always written "n/a"; widths are counted in
//! characters (every character the report emits is one column wide); output of
//! [`finish_line`] never exceeds the requested width and is pure ASCII in ASCII mode.

use crate::stats::{MetricKind, Stats};

/// The text of an undefined value.
pub const NA: &str = "n/a";

/// Formats a value of the given kind ("n/a" for `None` or non-finite).
pub fn value(v: Option<f64>, kind: MetricKind) -> String {
    match v.filter(|x| x.is_finite()) {
        None => NA.to_string(),
        Some(x) => match kind {
            MetricKind::Percent => format!("{:.2}%", x * 100.0),
            MetricKind::Ratio => format!("{x:.2}"),
            MetricKind::Count => format!("{x:.0}"),
            MetricKind::Money => money(x),
        },
    }
}

/// Formats the metric `key` of `stats` with its display kind.
pub fn metric(stats: &Stats, key: &str) -> String {
    let kind = Stats::metric_info(key).map_or(MetricKind::Ratio, |(k, _)| k);
    value(stats.get(key), kind)
}

/// Money with thousands separators and two decimals, e.g. `-1,234,567.89`.
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        return NA.to_string();
    }
    let s = format!("{:.2}", x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

/// Compact number for chart axes: `1.23M`, `45.6k`, `987.65`.
pub fn compact(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        NA.to_string()
    } else if a >= 1e9 {
        format!("{:.2}B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.2}")
    }
}

/// Greedy word wrap to `width` characters (words longer than the width are split).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    // Characters in `cur`, kept alongside so every step is linear in the text.
    let mut cur_len = 0;
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        let mut rest = chars.as_slice();
        while rest.len() > width {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            lines.push(rest[..width].iter().collect());
            rest = &rest[width..];
        }
        if cur_len > 0 && cur_len + 1 + rest.len() > width {
            lines.push(std::mem::take(&mut cur));
            cur_len = 0;
        }
        if !cur.is_empty() {
            cur.push(' ');
            cur_len += 1;
        }
        cur.extend(rest);
        cur_len += rest.len();
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Pads `s` with spaces to `w` characters, left- or right-aligned.
pub fn pad(s: &str, w: usize, right: bool) -> String {
    let n = s.chars().count();
    let fill = " ".repeat(w.saturating_sub(n));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// Makes a line safe to print: non-ASCII characters become `?` in ASCII mode, control
/// characters become spaces, trailing spaces go, and the line is cut to `width` characters.
pub fn finish_line(line: &str, width: usize, ascii: bool) -> String {
    let mut s: String = line
        .chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if ascii && !c.is_ascii() {
                '?'
            } else {
                c
            }
        })
        .collect();
    if s.chars().count() > width {
        s = s.chars().take(width.saturating_sub(1)).collect();
        s.push(if ascii { '~' } else { '…' });
    }
    s.trim_end().to_string()
}

/// `YYYY-MM-DD` (UTC) of an optional nanosecond timestamp, `"?"` when absent.
pub fn format_date_opt(ts: Option<i64>) -> String {
    ts.map_or_else(|| "?".to_string(), crate::metrics::periods::format_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money(-1234567.891), "-1,234,567.89");
        assert_eq!(money(12.0), "12.00");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(value(None, MetricKind::Percent), "n/a");
        assert_eq!(value(Some(f64::NAN), MetricKind::Ratio), "n/a");
        assert_eq!(value(Some(0.1234), MetricKind::Percent), "12.34%");
        assert_eq!(compact(1_234_567.0), "1.23M");
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(finish_line("héllo world", 5, true), "h?ll~");
    }

    #[test]
    fn wrap_splits_long_words_and_is_linear() {
        assert_eq!(wrap("ab abcdefg h", 3), vec!["ab", "abc", "def", "g h"]);
        assert_eq!(wrap("", 5), vec![""]);
        // A 16 MB word (a 20 MB config name hung the report): linear, so well under a second
        // even unoptimized; the old drain-from-the-front wrap moved ~1 TB here.
        let word = "é".repeat(8_000_000);
        let t = std::time::Instant::now();
        let lines = wrap(&format!("x {word} y"), 100);
        assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
        assert_eq!(lines.len(), 80_002);
        assert_eq!(lines[0], "x");
        assert_eq!(lines[1].chars().count(), 100);
        assert_eq!(lines[80_001], "y");
    }
}
