//! The report as JSON: `stats.json` (the flat metrics plus the benchmark column as
//! `benchmark_*` keys) and `--format json` (the same keys plus every section of the report).
//!
//! Invariant: the flat keys of [`crate::Stats::to_json`] keep their names, order and values;
//! everything added comes after them, under keys no metric uses. The sections are serialized
//! generically from the same content the text and Markdown reports render, so a section added
//! to the report appears in the JSON without change here.

use serde_json::{json, Map, Value};

use super::content::{self, Block, Section, KEY_ROWS};
use super::ReportOptions;
use crate::input::RunSummary;
use crate::metrics::periods;
use crate::stats::{compute_benchmark_stats, json_value, run_returns, Stats};

/// Metrics of the report's benchmark column that are not in its key rows: the bootstrap
/// intervals.
const BENCHMARK_INTERVALS: &[&str] = &[
    "sharpe_ci_low",
    "sharpe_ci_high",
    "cagr_ci_low",
    "cagr_ci_high",
];

/// The keys `benchmark_<metric>` of stats.json, one per metric the report's benchmark column
/// shows, in its order.
pub fn benchmark_keys() -> Vec<String> {
    KEY_ROWS
        .iter()
        .chain(BENCHMARK_INTERVALS)
        .map(|k| format!("benchmark_{k}"))
        .collect()
}

/// stats.json: every metric of [`Stats::to_json`] in its order, then `benchmark_<metric>` for
/// every metric of the report's benchmark column (null without a benchmark).
pub fn stats_json(run: &RunSummary, stats: &Stats) -> Value {
    let mut v = stats.to_json();
    let bench = compute_benchmark_stats(run);
    if let Value::Object(m) = &mut v {
        for key in KEY_ROWS.iter().chain(BENCHMARK_INTERVALS) {
            let kind = Stats::metric_info(key).map_or(crate::MetricKind::Ratio, |(k, _)| k);
            let x = bench.as_ref().and_then(|b| b.get(key));
            m.insert(format!("benchmark_{key}"), json_value(x, kind));
        }
    }
    v
}

/// One section as `{"title": ..., "blocks": [...]}`; a block is `{"type": "key_values",
/// "items": [[key, value]...]}`, `{"type": "table", "headers": [...], "rows": [[...]...]}`,
/// `{"type": "pre", "lines": [...]}`, `{"type": "bullets", "items": [...]}` or `{"type":
/// "text", "text": ...}`. Cells are the strings the text report prints.
pub(crate) fn section_json(title: &str, blocks: &[Block]) -> Value {
    let blocks: Vec<Value> = blocks
        .iter()
        .map(|b| match b {
            Block::KeyValues(kv) => json!({"type": "key_values", "items": kv}),
            Block::Table(t) => json!({"type": "table", "headers": t.headers, "rows": t.rows}),
            Block::Pre(lines) => json!({"type": "pre", "lines": lines}),
            Block::Bullets(items) => json!({"type": "bullets", "items": items}),
            Block::Text(text) => json!({"type": "text", "text": text}),
        })
        .collect();
    json!({"title": title, "blocks": blocks})
}

/// `--format json`: [`stats_json`], then `title`, `sections` (every section of the report, each
/// a `title` and `blocks` of rows), `warnings` (the report's warnings), `drawdowns` (the top 5, deepest
/// first: `peak`, `trough`, `recovery` as dates, null for the start or ongoing, `depth`,
/// `length` in sessions), `monthly_returns` (`year`, `month`, `return`) and `yearly_returns`
/// (`year`, `return`), as numbers.
pub fn render_json(run: &RunSummary, stats: &Stats, opts: &ReportOptions) -> Value {
    let report = content::build(run, stats, opts);
    let mut out = match stats_json(run, stats) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let warnings: Vec<&String> = report
        .sections
        .iter()
        .filter(|s| s.title == content::WARNINGS)
        .flat_map(|s| &s.blocks)
        .flat_map(|b| match b {
            Block::Bullets(items) => items.iter().collect::<Vec<&String>>(),
            _ => Vec::new(),
        })
        .collect();
    let sections: Vec<Value> = report
        .sections
        .iter()
        .map(|Section { title, blocks }| section_json(title, blocks))
        .collect();
    let r = run_returns(run);
    let ts = &run.timestamps;
    let date = |i: usize| ts.get(i).map(|t| periods::format_date(*t));
    let drawdowns: Vec<Value> = content::top_drawdowns(&r)
        .iter()
        .map(|e| {
            json!({
                "peak": e.peak.and_then(date),
                "trough": date(e.trough),
                "recovery": e.recovery.and_then(date),
                "depth": json_value(Some(e.depth), crate::MetricKind::Percent),
                "length": e.length,
            })
        })
        .collect();
    let monthly: Vec<Value> = periods::monthly_returns(ts, &r)
        .iter()
        .map(|((y, m), v)| json!({"year": y, "month": m, "return": json_value(Some(*v), crate::MetricKind::Percent)}))
        .collect();
    let yearly: Vec<Value> = periods::yearly_returns(ts, &r)
        .iter()
        .map(
            |(y, v)| json!({"year": y, "return": json_value(Some(*v), crate::MetricKind::Percent)}),
        )
        .collect();
    out.insert("title".into(), json!(report.title));
    out.insert("sections".into(), Value::Array(sections));
    out.insert("warnings".into(), json!(warnings));
    out.insert("drawdowns".into(), Value::Array(drawdowns));
    out.insert("monthly_returns".into(), Value::Array(monthly));
    out.insert("yearly_returns".into(), Value::Array(yearly));
    Value::Object(out)
}
