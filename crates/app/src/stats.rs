//! `rotor stats FILE [--benchmark FILE] [--periods N] [--returns]`: the same report as a run,
//! for any external equity or returns series (another engine's output included).

use rotor_data::market::infer_periods_per_year;
use rotor_data::series::{load_series, Series, SeriesKind};
use rotor_data::time::format_ns;
use rotor_report::{
    compute_stats, render_json, render_markdown, render_text, Benchmark, ReportOptions, RunSummary,
};

use std::path::{Path, PathBuf};

use crate::error::{bad, Context as _, Result};
use crate::reporter::Reporter;
use crate::run::Format;

/// What `rotor stats` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct StatsOptions {
    /// CSV or Parquet file: a timestamp column and an equity (or returns) column.
    pub file: PathBuf,
    /// The file holds simple per-period returns, not equity levels.
    pub returns: bool,
    /// Benchmark series, matched by timestamp.
    pub benchmark: Option<PathBuf>,
    /// The benchmark file holds returns.
    pub benchmark_returns: bool,
    /// Periods per year for annualizing (default: inferred).
    pub periods: Option<f64>,
    /// Annual risk-free rate.
    pub risk_free: f64,
    /// Format of the returned report.
    pub format: Format,
    /// Pure-ASCII charts and tables.
    pub ascii: bool,
}

/// The report of an external series, in `args.format` (for stdout); warnings go to `reporter`.
pub fn run(args: &StatsOptions, reporter: &dyn Reporter) -> Result<String> {
    let series = load_series(&args.file, args.returns).map_err(bad)?;
    let mut warnings = Vec::new();
    warnings.extend(series.returns_read_as_levels_warning(&args.file));
    let (timestamps, equity, initial) = curve(&series);
    if equity.is_empty() {
        return Err(bad(format!(
            "{}: a level series needs at least two rows to give one return",
            args.file.display()
        )));
    }
    if let Some(e) = crate::config::risk_free_problem(args.risk_free) {
        return Err(bad(format!("--risk-free {e}")));
    }
    if let Some(e) = args.periods.and_then(crate::config::periods_problem) {
        return Err(bad(format!("--periods {e}")));
    }
    // The instant the curve starts from: the first level's row (a returns series starts from
    // before its first row, at no known instant).
    let start = match series.kind {
        SeriesKind::Levels => series.timestamps.first().copied(),
        SeriesKind::Returns => None,
    };
    let benchmark = match &args.benchmark {
        Some(path) => Some(benchmark_on(args, path, &timestamps, start, &mut warnings)?),
        None => None,
    };
    let periods = args
        .periods
        .unwrap_or_else(|| infer_periods_per_year(&series.timestamps, series.daily));
    let run = RunSummary {
        name: args
            .file
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        timestamps: timestamps.clone(),
        equity: equity.clone(),
        initial_equity: initial,
        long_exposure: vec![f64::NAN; equity.len()],
        short_exposure: vec![f64::NAN; equity.len()],
        periods_per_year: periods,
        risk_free_annual: args.risk_free,
        benchmark,
        ..RunSummary::default()
    };
    let stats = compute_stats(&run);
    for w in &warnings {
        reporter.alert(&format!("warning: {w}"));
    }
    let opts = report_options(args, &series, &timestamps, periods, warnings);
    let shown = match args.format {
        Format::Text => render_text(&run, &stats, &opts),
        Format::Json => serde_json::to_string_pretty(&render_json(&run, &stats, &opts))
            .context("serializing the report")?,
        Format::Markdown => render_markdown(&run, &stats, &opts),
    };
    Ok(shown)
}

/// The benchmark series at `path` as levels on the strategy's `timestamps` (NaN where it has
/// none: the move across such a gap counts at the next level it has) and, as its base, its
/// level at the strategy's `start` instant, so that its first return is there like the
/// strategy's (a series benchmarked against itself gets the same figures); an error when they
/// share no timestamp.
fn benchmark_on(
    args: &StatsOptions,
    path: &Path,
    timestamps: &[i64],
    start: Option<i64>,
    warnings: &mut Vec<String>,
) -> Result<Benchmark> {
    let b = load_series(path, args.benchmark_returns).map_err(bad)?;
    warnings.extend(
        b.returns_read_as_levels_warning(path)
            .map(|w| w.replace("--returns", "--benchmark-returns")),
    );
    let bv = levels(&b);
    let at = |t: &i64| match b.timestamps.binary_search(t) {
        Ok(i) => bv[i],
        Err(_) => f64::NAN,
    };
    let prices: Vec<f64> = timestamps.iter().map(at).collect();
    if prices.iter().all(|p| p.is_nan()) {
        return Err(bad(format!(
            "{}: no timestamp in common with {}",
            path.display(),
            args.file.display()
        )));
    }
    Ok(Benchmark {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "benchmark".into()),
        prices,
        base: start.as_ref().map(at).filter(|p| p.is_finite()),
    })
}

/// The report's header (file, how the series was read, its span, periods a year) and
/// warnings.
fn report_options(
    args: &StatsOptions,
    series: &Series,
    timestamps: &[i64],
    periods: f64,
    warnings: Vec<String>,
) -> ReportOptions {
    let span = format!(
        "{} .. {} ({} returns)",
        format_ns(timestamps[0]),
        format_ns(timestamps[timestamps.len() - 1]),
        timestamps.len()
    );
    ReportOptions {
        ascii: args.ascii,
        width: 100,
        header: vec![
            ("file".into(), args.file.display().to_string()),
            (
                "series".into(),
                format!(
                    "column `{}` read as {}",
                    series.column,
                    match series.kind {
                        SeriesKind::Levels => "equity levels",
                        SeriesKind::Returns => "returns",
                    }
                ),
            ),
            ("data".into(), span),
            ("periods/year".into(), format!("{periods}")),
        ],
        warnings,
        sections: Vec::new(),
    }
}

/// (timestamps of the returns, equity after each return, equity before the first return).
/// Levels: the first level is the starting equity and gives no return of its own. Returns:
/// compounded from 1.
fn curve(s: &Series) -> (Vec<i64>, Vec<f64>, f64) {
    let v = levels(s);
    match s.kind {
        SeriesKind::Levels => (s.timestamps[1..].to_vec(), v[1..].to_vec(), v[0]),
        SeriesKind::Returns => (s.timestamps.clone(), v, 1.0),
    }
}

/// The level at each row: as given, or the returns compounded from 1 through that row.
fn levels(s: &Series) -> Vec<f64> {
    match s.kind {
        SeriesKind::Levels => s.values.clone(),
        SeriesKind::Returns => {
            let mut level = 1.0;
            s.values
                .iter()
                .map(|r| {
                    level *= 1.0 + r;
                    level
                })
                .collect()
        }
    }
}
