//! Markdown renderer: the same content as the text report, as headings, pipe tables and fenced
//! code blocks for the charts.
//!
//! Invariant: with `opts.ascii` the output is pure ASCII; table cells never break the table
//! (pipes are escaped, line breaks removed); charts keep the text report's width.

use super::content::{Block, Report};
use super::format::finish_line;
use super::ReportOptions;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Renders the report as Markdown.
pub fn render(report: &Report, opts: &ReportOptions) -> String {
    let mut lines: Vec<String> = vec![format!("# {}", cell(&report.title))];
    for s in &report.sections {
        lines.push(String::new());
        lines.push(format!("## {}", s.title));
        for b in &s.blocks {
            lines.push(String::new());
            match b {
                Block::KeyValues(kv) => lines.extend(
                    kv.iter()
                        .map(|(k, v)| format!("- **{}:** {}", cell(k), cell(v))),
                ),
                Block::Table(t) => {
                    lines.push(format!(
                        "| {} |",
                        t.headers
                            .iter()
                            .map(|h| cell(h))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ));
                    let align: Vec<&str> = (0..t.headers.len())
                        .map(|i| if i == 0 { ":---" } else { "---:" })
                        .collect();
                    lines.push(format!("| {} |", align.join(" | ")));
                    for r in &t.rows {
                        lines.push(format!(
                            "| {} |",
                            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                }
                Block::Pre(p) => {
                    lines.push("```text".into());
                    lines.extend(p.iter().cloned());
                    lines.push("```".into());
                }
                Block::Bullets(items) => {
                    lines.extend(items.iter().map(|i| format!("- {}", cell(i))))
                }
                Block::Text(t) => lines.push(cell(t)),
            }
        }
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&finish_line(&l, usize::MAX, opts.ascii));
        out.push('\n');
    }
    out
}
