//! `rotor sweep`: a grid of parameter sets over one config, run in parallel on one shared
//! market, checkpointed, then ranked with a sensitivity view and overfitting diagnostics.
//!
//! The machinery is in rotor-sweep; this module only turns the config file into a base TOML
//! table and a per-set resolver, loads the market once, and handles the output folder, the
//! progress bar and Ctrl-C. Every file it writes is assembled from the checkpoint alone, by
//! the output stage it shares with `rotor sweep merge` (sweep_output.rs). With `--shard I/N` it
//! runs only shard I's sets and leaves a shard folder for the merge (rotor_sweep::shard).

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rotor_data::load::{Columns, LoadOptions};
use rotor_data::table::write_atomic;
use rotor_data::warmup::load_market_with_warmup;
use rotor_strategies::{shared, SharedIndicators};
use rotor_sweep::assemble::{self, RankBy};
use rotor_sweep::checkpoint::{self, Header, Writer};
use rotor_sweep::hash::Identity;
use rotor_sweep::runner::{self, Job};
use rotor_sweep::shard::{Inputs, Manifest, Shard};
use rotor_sweep::trial::{metric_columns, Outcome, Spec};
use rotor_sweep::{Grid, ParamSets};
use serde::Deserialize;
use toml::{Table, Value};

use crate::args::SweepArgs;
use crate::config::{self, Config, Loaded};
use crate::error::bad;
use crate::out_dir::{sweep_files, OutDir, SHARD_FILES};
use crate::sweep_output::{self, Present};

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
    let text = rotor_data::input_file::read_text_utf8(path).map_err(bad)?;
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
    let warmup = c.warmup();
    Ok(Spec {
        warmup,
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

    /// Loads the market for the union of symbols every valid set needs, trading from the
    /// start with `warmup` bars of history before it. `start`/`end` narrow the config's range
    /// (walk-forward windows).
    pub fn load_market(
        &self,
        symbols: &[String],
        start: Option<chrono::NaiveDate>,
        end: Option<chrono::NaiveDate>,
        warmup: usize,
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
        load_market_with_warmup(
            &d.bars,
            d.events.as_deref(),
            &opts,
            Columns::default(),
            warmup,
        )
        .map_err(bad)
    }

    /// Symbols of all valid sets, the invalid count and the longest warm-up of a valid set; an
    /// error when no set is valid.
    pub fn symbols(&self, threads: Option<usize>) -> anyhow::Result<(Vec<String>, usize, usize)> {
        let resolve = |i: usize| self.resolve(i);
        let (symbols, invalid, warmup) = runner::symbols_needed(&self.sets, &resolve, threads)?;
        if invalid == self.sets.len() {
            let why = self.resolve(0).err().unwrap_or_default();
            return Err(bad(format!(
                "{}: all {} parameter sets are invalid (set 0: {why})",
                self.loaded.path.display(),
                invalid
            )));
        }
        Ok((symbols, invalid, warmup))
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

/// A grid larger than this is almost always a typo (a missing step): it needs `--force`.
const SETS_WITHOUT_FORCE: usize = 1_000_000;

/// Runs `rotor sweep CONFIG ...` (one shard of it with `--shard I/N`).
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    let threads = crate::threads::cap(args.threads, args.quiet);
    let config = args
        .config
        .as_deref()
        .ok_or_else(|| bad("rotor sweep: give a strategy config (TOML)"))?;
    let shard = match &args.shard {
        Some(spec) => Some(Shard::parse(spec).map_err(bad)?),
        None => None,
    };
    let p = prepare(config, &args.set, &args.grid, args.random, args.seed)?;
    if p.sets.len() > SETS_WITHOUT_FORCE && !args.force {
        return Err(bad(format!(
            "{}: the grid has {} parameter sets, more than {SETS_WITHOUT_FORCE}: pass --force to \
             run them all, or --random N to sample N of them",
            config.display(),
            p.sets.len()
        )));
    }
    let by = RankBy::new(&args.rank_by).map_err(bad)?;
    check_pbo_blocks(args.pbo_blocks)?;
    let mut out = match (&args.out, shard) {
        (Some(dir), _) => {
            check_resumed_kind(dir, args.resume, shard)?;
            Some(OutDir::open(dir, args.force, args.resume)?)
        }
        (None, Some(s)) => {
            let why = "the shard's folder, merged later by `rotor sweep merge`";
            return Err(bad(format!("--shard {s} needs --out DIR ({why})")));
        }
        (None, None) if args.resume => {
            return Err(bad(
                "--resume needs --out DIR (the folder holding the checkpoint)",
            ));
        }
        (None, None) => None,
    };
    let (symbols, invalid, warmup) = p.symbols(threads)?;
    let data = p.load_market(&symbols, None, None, warmup)?;
    if !args.quiet {
        for w in &data.warnings {
            eprintln!("warning: {w}");
        }
    }
    let market = Arc::new(data.market);
    let n = p.sets.len();

    // The sweep's identity: resolved base config, grid, data and record layout; a shard's
    // checkpoint mixes in (I, N) so it resumes only as the same shard.
    let id = Identity::compute(&p.base, &p.sets, &market, args.pbo_sets, args.keep_curves);
    let header = Header {
        identity: shard.map_or(id.sweep, |s| s.header_identity(id.sweep)),
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
    // A resumed checkpoint must match before anything in the folder changes.
    let resumed = if args.resume {
        Some(checkpoint::read(&ck_path, &header).map_err(bad)?)
    } else {
        None
    };
    if let Some(out) = &out {
        out.begin()?;
    }
    if let (Some(s), Some(dir)) = (shard, &args.out) {
        manifest(s, &id, n, config, args)?.write(dir).map_err(bad)?;
    }
    let (done, writer) = match resumed {
        Some(c) => {
            let w = Writer::append(&ck_path, c.valid_len).map_err(bad)?;
            (c.done.into_keys().collect::<BTreeSet<_>>(), w)
        }
        None => (
            BTreeSet::new(),
            Writer::create(&ck_path, &header).map_err(bad)?,
        ),
    };
    let mine = |i: &usize| shard.is_none_or(|s| s.contains(*i));
    let todo: Vec<usize> = (0..n).filter(|i| mine(i) && !done.contains(i)).collect();
    if !args.quiet {
        eprintln!(
            "sweep: {n} parameter sets ({invalid} invalid, skipped){}{}; market {} symbols x {} bars",
            match shard {
                Some(s) => format!("; shard {s} runs {} of them", s.len(n)),
                None => String::new(),
            },
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
    // Indicator columns (e.g. each symbol's SMA of each window) computed once, read by all sets.
    let shared = SharedIndicators::new(&market, shared::DEFAULT_BUDGET);
    let job = Job {
        sets: &p.sets,
        market: &market,
        resolve: &resolve,
        keep_returns: &keep,
        keep_curves: args.keep_curves,
        shared: Some(&shared),
    };
    install_sigint();
    let pb = progress_bar(todo.len() as u64, args.quiet, "sweep");
    let started = std::time::Instant::now();
    let ran = runner::run(&job, &todo, threads, &writer, &CANCEL, &|| pb.inc(1))?;
    pb.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let failed = writer.failed();
    writer.finish().map_err(bad)?;
    if failed {
        return Err(bad(format!("{}: writing failed", ck_path.display())));
    }
    if CANCEL.load(Ordering::SeqCst) {
        eprintln!(
            "interrupted: {} of {} sets saved in {}; rerun with --resume to finish",
            done.len() + ran,
            shard.map_or(n, |s| s.len(n)),
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
    if let (Some(s), Some(out)) = (shard, &mut out) {
        return finish_shard(&p, s, &records, out, args.quiet);
    }
    let present = Present {
        by,
        top: args.top,
        pbo_blocks: args.pbo_blocks,
        threads,
        keep_curves: args.keep_curves,
    };
    let text = sweep_output::write(&p, &market, &records, &present, args.out.as_deref())?;
    if let Some(out) = &mut out {
        out.finish(&sweep_files(args.keep_curves), "rotor sweep output")?;
        if !args.quiet {
            eprintln!("wrote {}", out.path().display());
        }
    }
    crate::stdout::print(&text)
}

/// `--pbo-blocks S`: CSCV splits the returns into S blocks, half of them in sample, so S is even;
/// at least 2, and at most 30 (C(30, 15) = 155 million splits already).
pub fn check_pbo_blocks(s: usize) -> anyhow::Result<()> {
    if s < 2 || s % 2 == 1 || s > 30 {
        return Err(bad(format!(
            "--pbo-blocks {s}: must be an even number from 2 to 30 (CSCV puts half of the blocks in sample)"
        )));
    }
    Ok(())
}

/// `--resume` continues the same kind of run: a shard as the same shard, a sweep unsharded.
fn check_resumed_kind(dir: &Path, resume: bool, shard: Option<Shard>) -> anyhow::Result<()> {
    if !resume {
        return Ok(());
    }
    let held = Manifest::read(dir).map_err(bad)?.map(|m| m.shard());
    match (held, shard) {
        (Some(h), Some(s)) if h != s => Err(bad(format!(
            "{}: holds shard {h} of the sweep, not {s}: resume it with --shard {h}",
            dir.display()
        ))),
        (Some(h), None) => Err(bad(format!(
            "{}: holds shard {h} of a sweep: resume it with --shard {h}",
            dir.display()
        ))),
        (None, Some(s)) if dir.join(checkpoint::FILE).exists() => Err(bad(format!(
            "{}: holds an unsharded sweep, not shard {s}: resume it without --shard",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// The manifest of shard `s`: the inputs that rebuild this sweep at merge time.
fn manifest(
    s: Shard,
    id: &Identity,
    n: usize,
    config: &Path,
    args: &SweepArgs,
) -> anyhow::Result<Manifest> {
    let config =
        std::path::absolute(config).map_err(|e| bad(format!("{}: {e}", config.display())))?;
    let inputs = Inputs {
        config,
        set: args.set.clone(),
        grid: args.grid.clone(),
        random: args.random,
        seed: args.seed,
        pbo_sets: args.pbo_sets,
        keep_curves: args.keep_curves,
        rank_by: args.rank_by.clone(),
        top: args.top,
        pbo_blocks: args.pbo_blocks,
    };
    Ok(Manifest::new(s, id, n as u64, inputs))
}

/// A shard's folder holds its checkpoint, manifest and config; stdout gets a short note (the
/// ranking and diagnostics only mean something for the whole sweep, after the merge).
fn finish_shard(
    p: &Prepared,
    s: Shard,
    records: &BTreeMap<usize, Outcome>,
    out: &mut OutDir,
    quiet: bool,
) -> anyhow::Result<()> {
    let dir = out.path().to_path_buf();
    let n = p.sets.len();
    let mine = s.len(n);
    let have = records.keys().filter(|&&i| s.contains(i)).count();
    if have != mine {
        return Err(anyhow::anyhow!(
            "{}: shard {s} holds {have} of its {mine} sets after the run",
            dir.display()
        ));
    }
    let invalid = records
        .values()
        .filter(|o| matches!(o, Outcome::Invalid(_)))
        .count();
    write_atomic(
        &dir.join("config.toml"),
        p.loaded.resolved_toml()?.as_bytes(),
    )
    .map_err(bad)?;
    out.finish(SHARD_FILES, "rotor sweep shard output")?;
    if !quiet {
        eprintln!("wrote {}", dir.display());
    }
    crate::stdout::print(&format!(
        "rotor sweep shard {s}: {mine} of {n} parameter sets, {} ran, {invalid} skipped as invalid, in {}\n\
         merge all {} shards with: rotor sweep merge DIR... --out DIR\n",
        mine - invalid,
        dir.display(),
        s.count
    ))
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
