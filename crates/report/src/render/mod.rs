//! Human-readable reports of a run: plain text (100 columns, unicode or ASCII) and Markdown, both
//! rendered from one format-independent content model (`content`), so they say the same thing.
//!
//! Invariant: rendering never panics and never recomputes a metric differently from
//! [`crate::compute_stats`]; undefined values print as "n/a".

mod chart;
pub(crate) mod content;
mod format;
mod json;
mod markdown;
mod text;

pub use content::{Block, Report, Section, Table};
pub use format::money;
pub use json::{benchmark_keys, render_json, stats_json};

use crate::input::RunSummary;
use crate::stats::Stats;

/// Options of the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Pure ASCII output (no box-drawing or block characters).
    pub ascii: bool,
    /// Maximum line width of the text report (100 by default).
    pub width: usize,
    /// Key/value header lines supplied by the caller: config path, data span, symbols, costs.
    pub header: Vec<(String, String)>,
    /// Extra warnings to print in plain words (e.g. data gaps, close-only data).
    pub warnings: Vec<String>,
    /// Extra sections appended after the built-in ones (e.g. the event study).
    pub sections: Vec<Section>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            ascii: false,
            width: 100,
            header: Vec::new(),
            warnings: Vec::new(),
            sections: Vec::new(),
        }
    }
}

/// Renders the plain-text report: header, key statistics (with a benchmark column when there is
/// a benchmark), equity and drawdown charts, top-5 drawdowns, monthly returns, trades, costs and
/// warnings. Every line is at most `opts.width` characters.
pub fn render_text(run: &RunSummary, stats: &Stats, opts: &ReportOptions) -> String {
    text::render(&content::build(run, stats, opts), opts)
}

/// Renders the same report as Markdown (tables as pipe tables, charts in fenced code blocks).
pub fn render_markdown(run: &RunSummary, stats: &Stats, opts: &ReportOptions) -> String {
    markdown::render(&content::build(run, stats, opts), opts)
}

/// Renders a standalone report of the given sections as plain text (same layout as a run's).
pub fn render_sections_text(report: &Report, opts: &ReportOptions) -> String {
    text::render(report, opts)
}

/// Renders a standalone report of the given sections as Markdown.
pub fn render_sections_markdown(report: &Report, opts: &ReportOptions) -> String {
    markdown::render(report, opts)
}
