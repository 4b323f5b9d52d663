//! `rotor walkforward`: rolling train/test windows; in each, the best parameter set on the
//! training data alone (a market loaded only up to the day before the test window) is run
//! through the test window; the test windows are stitched into one out-of-sample run, reported
//! like `rotor run`, followed by the chosen parameters per window.

use std::path::PathBuf;

use rotor_data::table::write_atomic;
use rotor_data::{Column, Table};
use rotor_report::{compute_stats, render_text, stats_json, ReportOptions, Stats};
use rotor_sweep::assemble::{fmt_metric, param_column_nullable, show_value, RankBy};
use rotor_sweep::walkforward::{
    walk_forward, windows, ymd, Span, WalkForward, WindowResult, MAX_WINDOWS,
};

use rotor_strategies::Registry;

use crate::error::{bad, Context as _, Result};
use crate::out_dir::{OutDir, WALKFORWARD_FILES};
use crate::reporter::Reporter;
use crate::sweep::{prepare, GridOptions, Prepared};

/// What `rotor walkforward` is asked to do.
#[derive(Debug, Clone)]
pub struct WalkforwardOptions {
    /// The config and its grid.
    pub grid: GridOptions,
    /// Training window length: Ny, Nm, Nw or Nd.
    pub train: String,
    /// Test window length (also the step between windows).
    pub test: String,
    /// Metric to rank by in training (a stats.json key).
    pub rank_by: String,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Write into a non-empty folder that is not an earlier rotor output.
    pub force: bool,
    /// Pure-ASCII charts and tables.
    pub ascii: bool,
}

fn date_of(ns: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_nanos(ns).date_naive()
}

/// Runs a walk-forward; returns the report and the chosen parameters per window (for stdout).
/// Warnings and progress go to `reporter`.
pub fn run(
    args: &WalkforwardOptions,
    registry: &Registry,
    reporter: &dyn Reporter,
) -> Result<String> {
    let threads = args.threads;
    let p = prepare(&args.grid, registry)?;
    let by = RankBy::new(&args.rank_by).map_err(bad)?;
    let train = Span::parse(&args.train).map_err(|e| bad(format!("--train {e}")))?;
    let test = Span::parse(&args.test).map_err(|e| bad(format!("--test {e}")))?;
    let mut out = match &args.out {
        Some(dir) => Some(OutDir::open(dir, args.force, false, reporter)?),
        None => None,
    };
    let (symbols, _, _) = p.symbols(threads)?;
    let full = p.load_market(&symbols, None, None, 0)?;
    for w in &full.warnings {
        reporter.note(&format!("warning: {w}"));
    }
    let ts = full.market.timestamps();
    let (Some(&first), Some(&last)) = (ts.first(), ts.last()) else {
        return Err(bad("the market has no bars"));
    };
    let wins = windows(date_of(first), date_of(last), train, test);
    if wins.is_empty() {
        return Err(bad(format!(
            "{}: the data ({} .. {}) is shorter than --train {}",
            args.grid.config.display(),
            ymd(date_of(first)),
            ymd(date_of(last)),
            args.train
        )));
    }
    if wins.len() > MAX_WINDOWS {
        return Err(bad(format!(
            "{}: --test {} cuts the data ({} .. {}) into more than {MAX_WINDOWS} windows; use a longer --test",
            args.grid.config.display(),
            args.test,
            ymd(date_of(first)),
            ymd(date_of(last)),
        )));
    }
    drop(full);
    let load = |a, b| {
        p.load_market(&symbols, Some(a), Some(b), 0)
            .map(|l| l.market)
            .map_err(|e| format!("{e:#}"))
    };
    let resolve = |i: usize| p.resolve(i);
    reporter.start("walk-forward windows", wins.len() as u64);
    let wf = walk_forward(
        &wins,
        &p.sets,
        &load,
        &resolve,
        &by,
        threads,
        &p.loaded.config.name,
        &|k| reporter.set_position(k as u64),
    );
    reporter.finish();
    let wf = wf.map_err(bad)?;
    let stats = compute_stats(&wf.summary);
    let header = vec![
        ("config".to_string(), p.loaded.path.display().to_string()),
        (
            "walk-forward".to_string(),
            format!(
                "{} windows, train {} / test {}, best by {} over {} sets",
                wins.len(),
                args.train,
                args.test,
                by.metric,
                p.sets.len()
            ),
        ),
    ];
    let opts = ReportOptions {
        ascii: args.ascii,
        width: 100,
        header,
        warnings: Vec::new(),
        sections: Vec::new(),
    };
    let mut text = render_text(&wf.summary, &stats, &opts);
    text.push('\n');
    text.push_str(&window_table(&p.sets, &wf.windows, &by));
    if let Some(out) = &mut out {
        write_outputs(out, &p, &wf, &stats, &by, &text)?;
    }
    Ok(text)
}

/// The `--out` folder of a walk-forward: report.txt (`text`), stats.json, walkforward.parquet
/// (the chosen parameters per window), equity.parquet and the resolved config.toml.
fn write_outputs(
    out: &mut OutDir,
    p: &Prepared,
    wf: &WalkForward,
    stats: &Stats,
    by: &RankBy,
    text: &str,
) -> Result<()> {
    out.begin()?;
    let dir = out.path().to_path_buf();
    let json = serde_json::to_string_pretty(&stats_json(&wf.summary, stats))
        .context("serializing stats")?;
    write_atomic(&dir.join("report.txt"), text.as_bytes()).map_err(bad)?;
    write_atomic(&dir.join("stats.json"), format!("{json}\n").as_bytes()).map_err(bad)?;
    windows_parquet(&p.sets, &wf.windows, by)
        .write_parquet(&dir.join("walkforward.parquet"))
        .map_err(bad)?;
    Table::new(vec![
        Column::Timestamp("timestamp".into(), wf.summary.timestamps.clone()),
        Column::F64("equity".into(), wf.summary.equity.clone()),
    ])
    .write_parquet(&dir.join("equity.parquet"))
    .map_err(bad)?;
    write_atomic(
        &dir.join("config.toml"),
        p.loaded.resolved_toml()?.as_bytes(),
    )
    .map_err(bad)?;
    out.finish(WALKFORWARD_FILES, "rotor walkforward output")
}

fn window_table(sets: &rotor_sweep::ParamSets, rows: &[WindowResult], by: &RankBy) -> String {
    let mut s = format!(
        "Chosen parameters per window (best {} in training)\n",
        by.metric
    );
    let keys: Vec<&str> = sets.grid.axes.iter().map(|a| a.key.as_str()).collect();
    let mut head = vec![
        "window".to_string(),
        "train".to_string(),
        "test".to_string(),
        "set".to_string(),
    ];
    head.extend(keys.iter().map(|k| k.to_string()));
    head.push(format!("train {}", by.metric));
    head.push(format!("test {}", by.metric));
    head.push("test bars".into());
    let mut table = vec![head];
    for (k, r) in rows.iter().enumerate() {
        let w = r.window;
        let mut row = vec![
            (k + 1).to_string(),
            format!("{}..{}", ymd(w.train_start), ymd(w.train_last())),
            format!("{}..{}", ymd(w.test_start), ymd(w.test_last())),
        ];
        match r.chosen {
            Some(i) => {
                row.push(i.to_string());
                row.extend(sets.assignments(i).iter().map(|(_, v)| show_value(v)));
            }
            None => {
                row.push("-".into());
                row.extend(keys.iter().map(|_| "-".to_string()));
            }
        }
        row.push(fmt_metric(&by.metric, r.train_metric));
        row.push(fmt_metric(&by.metric, r.test_metric));
        row.push(r.test_bars.to_string());
        table.push(row);
    }
    let n = table[0].len();
    let w: Vec<usize> = (0..n)
        .map(|c| table.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    for r in &table {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, x)| format!("{x:>width$}", width = w[c]))
            .collect();
        s.push_str(&format!("  {}\n", cells.join("  ")));
    }
    s
}

fn windows_parquet(sets: &rotor_sweep::ParamSets, rows: &[WindowResult], by: &RankBy) -> Table {
    let days = |d: chrono::NaiveDate| {
        (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
    };
    let mut cols = vec![
        Column::I64("window".into(), (1..=rows.len() as i64).collect()),
        Column::Date32(
            "train_start".into(),
            rows.iter().map(|r| days(r.window.train_start)).collect(),
        ),
        Column::Date32(
            "train_end".into(),
            rows.iter().map(|r| days(r.window.train_last())).collect(),
        ),
        Column::Date32(
            "test_start".into(),
            rows.iter().map(|r| days(r.window.test_start)).collect(),
        ),
        Column::Date32(
            "test_end".into(),
            rows.iter().map(|r| days(r.window.test_last())).collect(),
        ),
        Column::I64(
            "set".into(),
            rows.iter()
                .map(|r| r.chosen.map_or(-1, |i| i as i64))
                .collect(),
        ),
    ];
    // Typed like sweep.parquet's columns (int64, float64, bool, utf8); null without a choice.
    for (k, a) in sets.grid.axes.iter().enumerate() {
        let chosen: Vec<Option<toml::Value>> = rows
            .iter()
            .map(|r| r.chosen.map(|i| a.values.get(sets.digits(i)[k])))
            .collect();
        let chosen: Vec<Option<&toml::Value>> = chosen.iter().map(Option::as_ref).collect();
        cols.push(param_column_nullable(&a.key, &a.values, &chosen));
    }
    cols.push(Column::F64(
        format!("train_{}", by.metric),
        rows.iter().map(|r| r.train_metric).collect(),
    ));
    cols.push(Column::F64(
        format!("test_{}", by.metric),
        rows.iter().map(|r| r.test_metric).collect(),
    ));
    cols.push(Column::I64(
        "test_bars".into(),
        rows.iter().map(|r| r.test_bars as i64).collect(),
    ));
    Table::new(cols)
}
