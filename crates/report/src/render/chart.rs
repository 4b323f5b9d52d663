//! Terminal area charts (equity curve rising from the bottom, drawdown hanging from the top).
//!
//! Invariant: every line is exactly as wide as requested or narrower; unicode mode uses block
//! elements at 1/8 resolution, ASCII mode only `# : . | + -` and spaces; non-finite values leave
//! a blank column; no input (empty, constant, all NaN) panics.

use super::format::{format_date_opt, pad};

/// Which way the area is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Bars rise from the minimum (equity).
    Up,
    /// Bars hang from zero at the top (drawdown, values <= 0).
    Down,
}

const UP: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draws `values` (one per timestamp) as an area chart `rows` tall within `width` columns, with
/// y labels from `label` and the first and last dates under the x axis.
pub fn area(
    values: &[f64],
    ts: &[i64],
    width: usize,
    rows: usize,
    ascii: bool,
    label: &dyn Fn(f64) -> String,
    fill: Fill,
) -> Vec<String> {
    let rows = rows.max(2);
    let fin: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (Some(lo), Some(hi)) = (
        fin.iter().copied().reduce(f64::min),
        fin.iter().copied().reduce(f64::max),
    ) else {
        return vec!["(no data)".to_string()];
    };
    let (lo, hi) = match fill {
        Fill::Up => (lo, hi),
        Fill::Down => (lo.min(0.0), 0.0),
    };
    let labels = [label(hi), label((hi + lo) / 2.0), label(lo)];
    let lw = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let plot_w = width.saturating_sub(lw + 2).max(1);
    let n = values.len();
    let cols = plot_w.min(n).max(1);
    // One value per column: last value (Up) or the worst value (Down) of its bucket.
    let col_vals: Vec<Option<f64>> = (0..cols)
        .map(|c| {
            let (a, b) = (
                c * n / cols,
                ((c + 1) * n / cols).max(c * n / cols + 1).min(n),
            );
            let mut bucket = values[a..b].iter().copied().filter(|v| v.is_finite());
            match fill {
                Fill::Up => bucket.next_back(),
                Fill::Down => bucket.reduce(f64::min),
            }
        })
        .collect();
    let eighths = (rows * 8) as f64;
    let heights: Vec<usize> = col_vals
        .iter()
        .map(|v| match (v, fill) {
            (None, _) => 0,
            (Some(v), Fill::Up) if hi > lo => {
                1 + ((v - lo) / (hi - lo) * (eighths - 1.0)).round() as usize
            }
            (Some(_), Fill::Up) => rows * 4,
            (Some(v), Fill::Down) if lo < 0.0 => (v / lo * eighths).round() as usize,
            (Some(_), Fill::Down) => 0,
        })
        .collect();
    let (vbar, tick, corner, hbar) = if ascii {
        ('|', '+', '+', '-')
    } else {
        ('│', '┤', '└', '─')
    };
    let mut out = Vec::with_capacity(rows + 2);
    for row in 0..rows {
        let lab = match row {
            0 => Some(&labels[0]),
            r if r == rows / 2 && rows > 2 => Some(&labels[1]),
            r if r == rows - 1 => Some(&labels[2]),
            _ => None,
        };
        let mut line = match lab {
            Some(l) => format!("{} {tick}", pad(l, lw, true)),
            None => format!("{} {vbar}", " ".repeat(lw)),
        };
        for &h in &heights {
            // level of this cell in eighths, counted from the fill's origin
            let from_origin = match fill {
                Fill::Up => rows - 1 - row,
                Fill::Down => row,
            };
            let e = h.saturating_sub(from_origin * 8).min(8);
            line.push(cell(e, fill, ascii));
        }
        out.push(line);
    }
    out.push(format!(
        "{} {corner}{}",
        " ".repeat(lw),
        hbar.to_string().repeat(cols)
    ));
    let first = format_date_opt(ts.first().copied());
    let last = format_date_opt(ts.get(n.saturating_sub(1)).copied());
    let gap = cols.saturating_sub(first.len() + last.len()).max(1);
    out.push(format!(
        "{} {first}{}{last}",
        " ".repeat(lw + 1),
        " ".repeat(gap)
    ));
    out
}

fn cell(e: usize, fill: Fill, ascii: bool) -> char {
    match (e, fill, ascii) {
        (0, _, _) => ' ',
        (8, _, true) => '#',
        (4..=7, _, true) => ':',
        (_, _, true) => '.',
        (e, Fill::Up, false) => UP[e - 1],
        (8, Fill::Down, false) => '█',
        (4..=7, Fill::Down, false) => '▀',
        (_, Fill::Down, false) => '▔',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_ascii() {
        let v: Vec<f64> = (0..500)
            .map(|i| 100.0 + (i as f64 / 10.0).sin() * 10.0)
            .collect();
        let ts: Vec<i64> = (0..500).map(|i| i * 86_400_000_000_000).collect();
        for ascii in [false, true] {
            let lines = area(&v, &ts, 100, 10, ascii, &|x| format!("{x:.1}"), Fill::Up);
            assert_eq!(lines.len(), 12);
            assert!(lines.iter().all(|l| l.chars().count() <= 100));
            if ascii {
                assert!(lines.iter().all(|l| l.is_ascii()));
            }
        }
        assert_eq!(
            area(&[], &[], 100, 10, true, &|x| format!("{x}"), Fill::Down),
            vec!["(no data)"]
        );
        let flat = area(
            &[0.0, 0.0],
            &[0, 1],
            100,
            6,
            false,
            &|x| format!("{x}"),
            Fill::Down,
        );
        assert!(flat.len() > 2);
    }
}
