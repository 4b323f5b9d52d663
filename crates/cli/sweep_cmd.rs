//! `rotor sweep`: a grid of parameter sets over one config, run in parallel on one shared
//! market, checkpointed, then ranked with a sensitivity view and overfitting diagnostics.
//!
//! The machinery is in rotor-sweep; this module only turns the config file into a base TOML
//! table and a per-set resolver, loads the market once, and handles the output folder, the
//! progress bar and Ctrl-C. Every file it writes is assembled from the checkpoint alone.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rotor_data::load::{load_market, LoadOptions};
use rotor_data::table::write_atomic;
use rotor_data::Market;
use rotor_sweep::assemble::{self, RankBy};
use rotor_sweep::checkpoint::{self, Header, Writer};
use rotor_sweep::diagnostics;
use rotor_sweep::hash::{market_fingerprint, Fnv};
use rotor_sweep::runner::{self, Job};
use rotor_sweep::trial::{evaluate, metric_columns, Outcome, Spec};
use rotor_sweep::{Grid, ParamSets};
use serde::Deserialize;
use toml::{Table, Value};

use crate::args::SweepArgs;
use crate::config::{self, Config, Loaded};
use crate::error::bad;

/// The marker of a complete rotor output folder (same name as outputs.rs writes).
const MARKER: &str = ".rotor-output";

/// Set by the SIGINT handler: stop starting new sets.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// The sweep was interrupted by Ctrl-C after saving what completed (exit code 130).
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

#[cfg(unix)]
extern "C" fn on_sigint(_: i32) {
    if CANCEL.swap(true, Ordering::SeqCst) {
        // Second Ctrl-C: leave now (completed sets are already durable).
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc_exit(130) }
    }
}

#[cfg(unix)]
extern "C" {
    #[link_name = "signal"]
    fn libc_signal(signum: i32, handler: usize) -> usize;
    #[link_name = "_exit"]
    fn libc_exit(code: i32) -> !;
}

/// Installs the Ctrl-C handler (a flag; the sweep stops between sets).
pub fn install_sigint() {
    #[cfg(unix)]
    {
        // SAFETY: the handler only touches an atomic and calls _exit.
        unsafe {
            libc_signal(2, on_sigint as extern "C" fn(i32) as usize);
        }
    }
}

/// The config file's table with `--set` applied and `[sweep]` removed: the base of every set.
pub fn base_table(path: &Path, set: &[String]) -> anyhow::Result<Table> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| bad(format!("{shown}: cannot read: {e}")))?;
    let mut t: Table = text.parse().map_err(|e| bad(format!("{shown}: {e}")))?;
    for a in set {
        rotor_sweep::overrides::apply(&mut t, a).map_err(|e| bad(format!("{shown}: {e}")))?;
    }
    t.remove("sweep");
    Ok(t)
}

/// Deserializes a parameter set's table and validates it like `config::load` does. `Err(true,
/// ..)` is a type or key error (bad input for the whole sweep); `Err(false, ..)` an invalid
/// combination (the set is skipped).
pub fn spec_of(table: Table, base: &Loaded) -> Result<Spec, (bool, String)> {
    let mut config =
        Config::deserialize(Value::Table(table)).map_err(|e| (true, e.message().to_string()))?;
    config.data = base.config.data.clone();
    config.sweep = None;
    if !(config.report.risk_free.is_finite() && config.report.risk_free > -1.0) {
        return Err((
            false,
            "report.risk_free must be a finite annual rate above -1".into(),
        ));
    }
    if let Some(p) = config.report.periods_per_year {
        if !(p.is_finite() && p > 0.0) {
            return Err((false, "report.periods_per_year must be positive".into()));
        }
    }
    let loaded = Loaded {
        config,
        path: base.path.clone(),
    };
    let execution = loaded.execution();
    execution.validate().map_err(|e| (false, e.to_string()))?;
    let c = loaded.config;
    c.strategy.validate().map_err(|e| (false, e.to_string()))?;
    Ok(Spec {
        name: c.name,
        strategy: c.strategy,
        execution,
        benchmark: c.report.benchmark,
        risk_free: c.report.risk_free,
        periods_per_year: c.report.periods_per_year,
    })
}

/// Everything both sweep and walk-forward need before running.
pub struct Prepared {
    /// The base config.
    pub loaded: Loaded,
    /// The parameter sets.
    pub sets: ParamSets,
    /// The base table.
    pub base: Table,
}

/// Loads the config, builds the grid (from `--grid`, else the config's `[sweep]` table) and
/// checks every swept value once against the config's types.
pub fn prepare(
    path: &Path,
    set: &[String],
    grid: &[String],
    random: Option<u64>,
    seed: u64,
) -> anyhow::Result<Prepared> {
    let loaded = config::load(path, set)?;
    let shown = path.display();
    let grid = if !grid.is_empty() {
        Grid::from_args(grid).map_err(|e| bad(format!("{shown}: {e}")))?
    } else if let Some(t) = &loaded.config.sweep {
        Grid::from_table(t).map_err(|e| bad(format!("{shown}: {e}")))?
    } else {
        return Err(bad(format!(
            "{shown}: nothing to sweep: give --grid KEY=VALUES or a [sweep] table in the config"
        )));
    };
    let sets = ParamSets::new(grid, random.map(|n| (n, seed)))
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    let base = base_table(path, set)?;
    // A type error or unknown key is the user's mistake, not an invalid combination.
    for axis in &sets.grid.axes {
        for v in &axis.values {
            let mut t = base.clone();
            rotor_sweep::overrides::set_path(&mut t, &axis.key, v.clone())
                .map_err(|e| bad(format!("{shown}: --grid {}: {e}", axis.key)))?;
            if let Err((true, e)) = spec_of(t, &loaded) {
                return Err(bad(format!(
                    "{shown}: --grid {}={}: {}",
                    axis.key,
                    assemble::show_value(v),
                    crate::error_hint::with_hint(&e)
                )));
            }
        }
    }
    Ok(Prepared { loaded, sets, base })
}

impl Prepared {
    /// Resolves set `i`.
    pub fn resolve(&self, i: usize) -> Result<Spec, String> {
        let t = self.sets.apply(&self.base, i)?;
        spec_of(t, &self.loaded).map_err(|e| e.1)
    }

    /// Loads the market for the union of symbols every valid set needs; also returns the number
    /// of invalid sets. `start`/`end` narrow the config's range (walk-forward windows).
    pub fn load_market(
        &self,
        symbols: &[String],
        start: Option<chrono::NaiveDate>,
        end: Option<chrono::NaiveDate>,
    ) -> anyhow::Result<rotor_data::load::Loaded> {
        let d = &self.loaded.config.data;
        let opts = LoadOptions {
            start: match (d.start, start) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            end: match (d.end, end) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            symbols: Some(symbols.to_vec()),
        };
        load_market(&d.bars, d.events.as_deref(), &opts).map_err(bad)
    }

    /// Symbols of all valid sets and the invalid count; an error when no set is valid.
    pub fn symbols(&self, threads: Option<usize>) -> anyhow::Result<(Vec<String>, usize)> {
        let resolve = |i: usize| self.resolve(i);
        let (symbols, invalid) = runner::symbols_needed(&self.sets, &resolve, threads)?;
        if invalid == self.sets.len() {
            let why = self.resolve(0).err().unwrap_or_default();
            return Err(bad(format!(
                "{}: all {} parameter sets are invalid (set 0: {why})",
                self.loaded.path.display(),
                invalid
            )));
        }
        Ok((symbols, invalid))
    }
}

/// A progress bar on stderr (done/total, runs/s, ETA), hidden when stderr is not a terminal.
pub fn progress_bar(len: u64, quiet: bool, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    if quiet || !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        pb.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{pos}}/{{len}} {{per_sec}} ETA {{eta}}"
        )) {
            pb.set_style(style);
        }
    }
    pb
}

fn prepare_out(dir: &Path, resume: bool, force: bool) -> anyhow::Result<()> {
    let ck = dir.join(checkpoint::FILE);
    if resume {
        if !ck.exists() {
            return Err(bad(format!(
                "{}: nothing to resume (no {} in the folder)",
                dir.display(),
                checkpoint::FILE
            )));
        }
        let _ = std::fs::remove_file(dir.join(MARKER));
        return Ok(());
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(bad(format!(
                "{}: --out exists and is not a folder",
                dir.display()
            )));
        }
        let empty = std::fs::read_dir(dir)
            .map_err(|e| bad(format!("{}: cannot read folder: {e}", dir.display())))?
            .next()
            .is_none();
        let earlier = dir.join(MARKER).exists();
        if ck.exists() && !earlier && !force {
            return Err(bad(format!(
                "{}: holds an unfinished sweep; use --resume to continue it or --force to start over",
                dir.display()
            )));
        }
        if !empty && !earlier && !ck.exists() && !force {
            return Err(bad(format!(
                "{}: --out folder is not empty and is not an earlier rotor output (use --force to write into it anyway)",
                dir.display()
            )));
        }
        let _ = std::fs::remove_file(dir.join(MARKER));
    } else {
        std::fs::create_dir_all(dir)
            .map_err(|e| bad(format!("{}: cannot create folder: {e}", dir.display())))?;
    }
    Ok(())
}

/// A grid larger than this is almost always a typo (a missing step): it needs `--force`.
const SETS_WITHOUT_FORCE: usize = 1_000_000;

/// Runs `rotor sweep`.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    let p = prepare(&args.config, &args.set, &args.grid, args.random, args.seed)?;
    if p.sets.len() > SETS_WITHOUT_FORCE && !args.force {
        return Err(bad(format!(
            "{}: the grid has {} parameter sets, more than {SETS_WITHOUT_FORCE}: pass --force to \
             run them all, or --random N to sample N of them",
            args.config.display(),
            p.sets.len()
        )));
    }
    let by = RankBy::new(&args.rank_by).map_err(bad)?;
    if let Some(dir) = &args.out {
        prepare_out(dir, args.resume, args.force)?;
    } else if args.resume {
        return Err(bad(
            "--resume needs --out DIR (the folder holding the checkpoint)",
        ));
    }
    let (symbols, invalid) = p.symbols(args.threads)?;
    let data = p.load_market(&symbols, None, None)?;
    if !args.quiet {
        for w in &data.warnings {
            eprintln!("warning: {w}");
        }
    }
    let market = Arc::new(data.market);
    let n = p.sets.len();

    // The sweep's identity: resolved base config, grid, data and record layout.
    let mut h = Fnv::default();
    h.str("rotor-sweep-1")
        .str(&toml::to_string(&p.base).unwrap_or_default())
        .u64(market_fingerprint(&market))
        .u64(args.pbo_sets as u64)
        .u64(u64::from(args.keep_curves));
    p.sets.identity(&mut h);
    for c in metric_columns() {
        h.str(c);
    }
    let header = Header {
        identity: h.finish(),
        n_sets: n as u64,
        n_metrics: metric_columns().len() as u32,
    };

    let (ck_path, _tmp_guard) = match &args.out {
        Some(dir) => (dir.join(checkpoint::FILE), None),
        None => {
            let tmp = std::env::temp_dir().join(format!("rotor-sweep-{}", std::process::id()));
            std::fs::create_dir_all(&tmp).context("creating a temporary folder")?;
            (tmp.join(checkpoint::FILE), Some(TempDir(tmp)))
        }
    };
    let (done, writer) = if args.resume {
        let c = checkpoint::read(&ck_path, &header).map_err(bad)?;
        let w = Writer::append(&ck_path, c.valid_len).map_err(bad)?;
        (c.done.into_keys().collect::<Vec<_>>(), w)
    } else {
        (Vec::new(), Writer::create(&ck_path, &header).map_err(bad)?)
    };
    let todo: Vec<usize> = {
        let mut d = done.iter().peekable();
        (0..n)
            .filter(|i| {
                while d.peek().is_some_and(|&&x| x < *i) {
                    d.next();
                }
                d.peek() != Some(&i)
            })
            .collect()
    };
    if !args.quiet {
        eprintln!(
            "sweep: {n} parameter sets ({invalid} invalid, skipped){}; market {} symbols x {} bars",
            if done.is_empty() {
                String::new()
            } else {
                format!(", {} already done", done.len())
            },
            market.n_symbols(),
            market.n_bars()
        );
    }
    let keep = runner::pbo_subsample(n, args.pbo_sets);
    let resolve = |i: usize| p.resolve(i);
    let job = Job {
        sets: &p.sets,
        market: &market,
        resolve: &resolve,
        keep_returns: &keep,
        keep_curves: args.keep_curves,
    };
    install_sigint();
    let pb = progress_bar(todo.len() as u64, args.quiet, "sweep");
    let started = std::time::Instant::now();
    let ran = runner::run(&job, &todo, args.threads, &writer, &CANCEL, &|| pb.inc(1))?;
    pb.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let failed = writer.failed();
    writer.finish().map_err(bad)?;
    if failed {
        return Err(anyhow::anyhow!("writing the checkpoint failed"));
    }
    if CANCEL.load(Ordering::SeqCst) {
        eprintln!(
            "interrupted: {} of {n} sets saved in {}; rerun with --resume to finish",
            done.len() + ran,
            ck_path.display()
        );
        return Err(Interrupted.into());
    }
    if !args.quiet && ran > 0 {
        eprintln!(
            "ran {ran} sets in {secs:.1}s ({:.1} runs/s)",
            ran as f64 / secs.max(1e-9)
        );
    }

    // Everything below is assembled from the checkpoint alone.
    let records = checkpoint::read(&ck_path, &header).map_err(bad)?.done;
    let out = finish(&p, &market, &records, &by, args)?;
    if let Some(dir) = &args.out {
        write_atomic(&dir.join("sweep.txt"), out.as_bytes())?;
        write_atomic(
            &dir.join("config.toml"),
            p.loaded.resolved_toml()?.as_bytes(),
        )?;
        write_atomic(&dir.join(MARKER), b"rotor sweep output\n")?;
        if !args.quiet {
            eprintln!("wrote {}", dir.display());
        }
    }
    print!("{out}");
    Ok(())
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Tables, text and files from the completed records (a pure function of them).
fn finish(
    p: &Prepared,
    market: &Market,
    records: &BTreeMap<usize, Outcome>,
    by: &RankBy,
    args: &SweepArgs,
) -> anyhow::Result<String> {
    let sum = assemble::summarize(&p.sets, records);
    let ranked = assemble::rank(&sum.ran, by);
    if let Some(dir) = &args.out {
        assemble::table(&p.sets, &sum.ran)
            .write_parquet(&dir.join("sweep.parquet"))
            .map_err(bad)?;
        if args.keep_curves {
            assemble::curves_table(market.timestamps(), records)
                .write_parquet(&dir.join("curves.parquet"))
                .map_err(bad)?;
        }
    }
    let mut s =
        format!(
        "rotor sweep: {} parameter sets, {} ran, {} skipped as invalid{}; ranked by {} ({})\n\n",
        p.sets.len(),
        sum.ran.len(),
        sum.skipped.len(),
        if sum.missing > 0 {
            format!(", {} not run", sum.missing)
        } else {
            String::new()
        },
        by.metric,
        if by.ascending { "lower is better" } else { "higher is better" }
    );
    if let Some((i, why)) = sum.skipped.first() {
        s.push_str(&format!("first skipped set: #{i}: {why}\n\n"));
    }
    s.push_str(&format!(
        "Top {} by {}\n",
        args.top.min(sum.ran.len()),
        by.metric
    ));
    s.push_str(&assemble::top_table(
        &p.sets, &sum.ran, &ranked, by, args.top,
    ));
    s.push('\n');
    let view = assemble::sensitivity(&p.sets, &sum.ran, by);
    s.push_str(&assemble::render_sensitivity(&view, by));
    s.push('\n');
    // DSR needs the top set's returns: re-run it (deterministic) rather than keep every curve.
    let best = ranked.first().map(|&q| sum.ran[q].0);
    let mut best_returns = None;
    let mut ppy = market.periods_per_year();
    if let Some(b) = best {
        if let Ok(spec) = p.resolve(b) {
            if let Ok((result, t)) = evaluate(market, &spec) {
                ppy = t.summary.periods_per_year;
                let rf = (1.0 + t.summary.risk_free_annual).powf(1.0 / ppy) - 1.0;
                best_returns = Some(
                    result
                        .returns()
                        .iter()
                        .map(|r| r - rf)
                        .collect::<Vec<f64>>(),
                );
            }
        }
    }
    let d = diagnostics::diagnose(
        &sum.ran,
        &ranked,
        records,
        best_returns.as_deref(),
        ppy,
        args.pbo_blocks,
        args.threads,
    )?;
    s.push_str(&diagnostics::render(&d, by));
    Ok(s)
}
