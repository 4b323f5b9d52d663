//! rotor-report: statistics and human-readable reports of a backtest run.
//!
//! The crate sees plain data only ([`RunSummary`]) and depends on no other rotor crate but
//! rotor-rng (the workspace's seeded generators, a leaf crate) for the bootstrap.
//! [`compute_stats`] gives every metric of issue 5 ([`Stats`], serialized flat by
//! [`Stats::to_json`]); [`render_text`] and [`render_markdown`] render the same report.
//! Conventions follow empyrical (ARCHITECTURE.md, "Statistics conventions"): simple returns, ddof 1, 252 periods a
//! year for daily bars, drawdowns from a phantom start, undefined values as `None`.
//!
//! Invariant: no public function panics, whatever the input (empty series, NaN, zero equity).

// Unit tests see every dev-dependency, not all of which each crate's unit tests use.
#![cfg_attr(test, allow(unused_crate_dependencies))]

pub mod alloc;
pub mod event_study;
pub mod input;
pub mod metrics;
pub mod overfit;
pub mod render;
pub mod stats;

pub use event_study::{
    event_study, event_study_in, DayRow, EventOutcome, EventStudyInput, EventStudyReport,
    EventWindows, GroupStudy, StudyEvent, StudyGroup,
};
pub use input::{Benchmark, RunSummary, TradeRecord};
pub use overfit::{deflated_sharpe, pbo_cscv, Dsr, Pbo};
pub use render::{
    benchmark_keys, money, render_json, render_markdown, render_sections_markdown,
    render_sections_text, render_text, stats_json, Block, Report, ReportOptions, Section,
};
pub use stats::{
    compute_benchmark_stats, compute_stats, compute_stats_in, compute_stats_with, Intervals,
    MetricKind, Stats, INTERVAL_METRICS,
};
