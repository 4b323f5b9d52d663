//! Plain-text renderer (default 100 columns; unicode box and block characters, or pure ASCII).
//!
//! Invariant: every output line is at most `opts.width` characters and, with `opts.ascii`,
//! contains only ASCII bytes (enforced line by line by `format::finish_line`).

use super::content::{Block, Report, Table};
use super::format::{finish_line, pad, wrap};
use super::ReportOptions;

/// Renders the report as plain text.
pub fn render(report: &Report, opts: &ReportOptions) -> String {
    let width = opts.width.max(20);
    let (heavy, light) = if opts.ascii {
        ('=', '-')
    } else {
        ('═', '─')
    };
    let mut lines: Vec<String> = vec![report.title.clone(), heavy.to_string().repeat(width)];
    for s in &report.sections {
        lines.push(String::new());
        lines.push(s.title.to_uppercase());
        lines.push(light.to_string().repeat(s.title.chars().count().min(width)));
        for b in &s.blocks {
            match b {
                Block::KeyValues(kv) => {
                    let kw = kv
                        .iter()
                        .map(|(k, _)| k.chars().count())
                        .max()
                        .unwrap_or(0)
                        .min(width / 3);
                    for (k, v) in kv {
                        let wrapped = wrap(v, width.saturating_sub(kw + 4).max(10));
                        for (i, part) in wrapped.iter().enumerate() {
                            let key = if i == 0 {
                                pad(k, kw, false)
                            } else {
                                " ".repeat(kw)
                            };
                            lines.push(format!("  {key}  {part}"));
                        }
                    }
                }
                Block::Table(t) => lines.extend(table(t, light)),
                Block::Pre(p) => lines.extend(p.iter().cloned()),
                Block::Bullets(items) => {
                    let bullet = if opts.ascii { "*" } else { "•" };
                    for item in items {
                        for (i, part) in wrap(item, width.saturating_sub(4)).iter().enumerate() {
                            lines.push(format!(
                                "{} {part}",
                                if i == 0 {
                                    format!("  {bullet}")
                                } else {
                                    "   ".into()
                                }
                            ));
                        }
                    }
                }
                Block::Text(t) => lines.extend(
                    wrap(t, width.saturating_sub(2))
                        .into_iter()
                        .map(|l| format!("  {l}")),
                ),
            }
        }
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&finish_line(&l, width, opts.ascii));
        out.push('\n');
    }
    out
}

fn table(t: &Table, rule: char) -> Vec<String> {
    let ncol = t.headers.len();
    let mut w: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for row in &t.rows {
        for (i, c) in row.iter().enumerate().take(ncol) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let parts: Vec<String> = (0..ncol)
            .map(|i| pad(cells.get(i).map_or("", |s| s), w[i], i > 0))
            .collect();
        format!("  {}", parts.join("  "))
    };
    let mut out = vec![fmt_row(&t.headers)];
    out.push(format!(
        "  {}",
        w.iter()
            .map(|n| rule.to_string().repeat(*n))
            .collect::<Vec<_>>()
            .join("  ")
    ));
    out.extend(t.rows.iter().map(|r| fmt_row(r)));
    out
}
