//! `rotor sweep`: a grid of parameter sets over one config, run in parallel on one shared
//! market, checkpointed, then ranked with a sensitivity view and overfitting diagnostics.
//!
//! The machinery is in rotor-sweep; this module only turns the config file into a base TOML
//! table and a per-set resolver, loads the market once, and handles the output folder, the
//! progress bar and Ctrl-C. Every file it writes is assembled from the checkpoint alone, by
//! the output stage it shares with `rotor sweep merge` (sweep_output.rs). With `--shard I/N` it
//! runs only shard I's sets and leaves a shard folder for the merge (rotor_sweep::shard).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use rotor_data::load::{Columns, LoadOptions};
use rotor_data::table::write_atomic;
use rotor_data::warmup::load_market_with_warmup;
use rotor_data::Market;
use rotor_strategies::{shared, Registry, SharedIndicators};
use rotor_sweep::assemble::{self, RankBy};
use rotor_sweep::checkpoint::{self, Header, Writer};
use rotor_sweep::hash::Identity;
use rotor_sweep::runner::{self, Job};
use rotor_sweep::shard::{Inputs, Manifest, Shard};
use rotor_sweep::trial::{metric_columns, Outcome, Spec};
use rotor_sweep::{Grid, ParamSets};
use toml::Table;

use crate::config::{self, LoadedConfig};
use crate::error::{bad, data_error, AppError, Context as _, Result};
use crate::out_dir::{sweep_files, OutDir, SHARD_FILES};
use crate::reporter::Reporter;
use crate::sweep_output::{self, Present};

/// Which parameter sets a sweep or walk-forward runs over which config.
#[derive(Debug, Clone, Default)]
pub struct GridOptions {
    /// Strategy config (TOML); its `[sweep]` table is the grid when `grid` is empty.
    pub config: PathBuf,
    /// `--set KEY=VALUE` overrides of the base config.
    pub set: Vec<String>,
    /// `--grid KEY=VALUES` axes (replace `[sweep]`).
    pub grid: Vec<String>,
    /// Run this many distinct grid points chosen at random instead of the whole grid.
    pub random: Option<u64>,
    /// Seed of `random`.
    pub seed: u64,
}

/// What `rotor sweep` is asked to do.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The config and its grid.
    pub grid: GridOptions,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Metric to rank by (a stats.json key).
    pub rank_by: String,
    /// Rows of the ranked table.
    pub top: usize,
    /// Output folder (sweep.parquet, sweep.txt, config.toml, the checkpoint).
    pub out: Option<PathBuf>,
    /// Continue the interrupted sweep in `out`.
    pub resume: bool,
    /// Keep every set's equity curve (curves.parquet).
    pub keep_curves: bool,
    /// At most this many sets enter the PBO return matrix.
    pub pbo_sets: usize,
    /// CSCV blocks for PBO (even, 2..=30).
    pub pbo_blocks: usize,
    /// Run only shard `I/N`.
    pub shard: Option<String>,
    /// Replace a folder that is not an earlier rotor output, or run a huge grid.
    pub force: bool,
}

/// Deserializes a parameter set's table and validates it like `config::load` does. `Err(true,
/// ..)` is a type or key error (bad input for the whole sweep); `Err(false, ..)` an invalid
/// combination (the set is skipped).
pub fn spec_of(
    table: Table,
    base: &LoadedConfig,
    registry: &Registry,
) -> std::result::Result<Spec, (bool, String)> {
    let mut config = config::typed(&table, registry).map_err(|e| (true, e))?;
    config.data = base.config.data.clone();
    config.sweep = None;
    config.report.validate().map_err(|e| (false, e))?;
    let simulation = config.simulation();
    simulation.validate().map_err(|e| (false, e.to_string()))?;
    let c = config;
    c.strategy.validate().map_err(|e| (false, e.to_string()))?;
    let warmup = c.warmup();
    Ok(Spec {
        warmup,
        name: c.name,
        strategy: c.strategy,
        simulation,
        benchmark: c.report.benchmark,
        risk_free: c.report.risk_free,
        periods_per_year: c.report.periods_per_year,
    })
}

/// Everything both sweep and walk-forward need before running.
pub struct Prepared {
    /// The base config.
    pub loaded: LoadedConfig,
    /// The parameter sets.
    pub sets: ParamSets,
    /// The base table: the config file's with `--set` applied and `[sweep]` removed.
    pub base: Table,
    /// The strategy kinds the sets are read with.
    pub registry: Registry,
}

/// Loads the config (once), builds the grid (from `--grid`, else the config's `[sweep]` table)
/// and checks every swept value once against the config's types.
pub fn prepare(g: &GridOptions, registry: &Registry) -> Result<Prepared> {
    let (path, set, grid, random, seed) = (&g.config, &g.set, &g.grid, g.random, g.seed);
    let loaded = config::load(path, set, registry)?;
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
    check_set_not_swept(&grid, set).map_err(|e| bad(format!("{shown}: {e}")))?;
    let sets = ParamSets::new(grid, random.map(|n| (n, seed)))
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    let mut base = loaded.table.clone();
    base.remove("sweep");
    for axis in &sets.grid.axes {
        check_axis(axis, &base, &loaded, registry).map_err(|e| bad(format!("{shown}: {e}")))?;
    }
    Ok(Prepared {
        loaded,
        sets,
        base,
        registry: registry.clone(),
    })
}

/// Checks an axis's values against the config's types: a type error or unknown key is the
/// user's mistake, not an invalid combination; the first such value in axis order is reported.
/// A list is checked value by value. A range's values are numbers of one TOML type, in order,
/// and the values a numeric field accepts are an interval: its ends are checked, and when only
/// the end fails, the first failing value is found by bisection (never every value).
fn check_axis(
    axis: &rotor_sweep::grid::Axis,
    base: &Table,
    loaded: &LoadedConfig,
    registry: &Registry,
) -> std::result::Result<(), String> {
    let fails = |k: usize| -> std::result::Result<Option<String>, String> {
        let v = axis.values.get(k);
        let mut t = base.clone();
        rotor_sweep::overrides::set_path(&mut t, &axis.key, v.clone())
            .map_err(|e| format!("--grid {}: {e}", axis.key))?;
        Ok(match spec_of(t, loaded, registry) {
            Err((true, e)) => Some(format!(
                "--grid {}={}: {}",
                axis.key,
                assemble::show_value(&v),
                crate::error_hint::with_hint(&e)
            )),
            _ => None,
        })
    };
    let n = axis.values.len();
    if !axis.values.is_range() {
        return match (0..n).map(fails).find_map(|r| r.transpose()) {
            Some(e) => Err(e?),
            None => Ok(()),
        };
    }
    if let Some(e) = fails(0)? {
        return Err(e);
    }
    let Some(last) = fails(n - 1)? else {
        return Ok(());
    };
    // Value 0 passes and value n - 1 fails: narrow to the first failing one.
    let (mut lo, mut hi, mut err) = (0, n - 1, last);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match fails(mid)? {
            Some(e) => (hi, err) = (mid, e),
            None => lo = mid,
        }
    }
    Err(err)
}

impl Prepared {
    /// Resolves set `i`.
    pub fn resolve(&self, i: usize) -> std::result::Result<Spec, String> {
        let t = self.sets.apply(&self.base, i)?;
        spec_of(t, &self.loaded, &self.registry).map_err(|e| e.1)
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
    ) -> Result<rotor_data::load::Loaded> {
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
        .map_err(data_error)
    }

    /// Symbols of all valid sets, the invalid count and the longest warm-up of a valid set; an
    /// error when no set is valid.
    pub fn symbols(&self, threads: Option<usize>) -> Result<(Vec<String>, usize, usize)> {
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

/// A grid larger than this is almost always a typo (a missing step): it needs `--force`.
const SETS_WITHOUT_FORCE: usize = 1_000_000;

/// Runs a sweep (one shard of it with `opts.shard`): every parameter set of the grid on one
/// shared market, checkpointed, then ranked with a sensitivity view and overfitting
/// diagnostics. Returns the text for stdout; notes and progress go to `reporter`. Setting
/// `cancel` stops it between sets: what completed is saved and the result is
/// [`AppError::Interrupted`].
pub fn sweep(
    opts: &SweepOptions,
    registry: &Registry,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<String> {
    let shard = match &opts.shard {
        Some(spec) => Some(Shard::parse(spec).map_err(bad)?),
        None => None,
    };
    let p = prepare(&opts.grid, registry)?;
    if p.sets.len() > SETS_WITHOUT_FORCE && !opts.force {
        return Err(bad(format!(
            "{}: the grid has {} parameter sets, more than {SETS_WITHOUT_FORCE}: pass --force to \
             run them all, or --random N to sample N of them",
            opts.grid.config.display(),
            p.sets.len()
        )));
    }
    let by = RankBy::new(&opts.rank_by).map_err(bad)?;
    check_pbo_blocks(opts.pbo_blocks)?;
    check_pbo_sets(opts.pbo_sets)?;
    let mut out = open_out(opts, shard, reporter)?;
    let (symbols, invalid, warmup) = p.symbols(opts.threads)?;
    let data = p.load_market(&symbols, None, None, warmup)?;
    for w in &data.warnings {
        reporter.note(&format!("warning: {w}"));
    }
    let market = Arc::new(data.market);
    let ck = Checkpointed::start(&p, &market, opts, shard, out.as_ref())?;
    reporter.note(&ck.summary(invalid, &market));
    let records = execute(&p, &market, ck, opts, reporter, cancel)?;
    if let (Some(s), Some(out)) = (shard, &mut out) {
        return finish_shard(&p, s, &records, out, reporter);
    }
    let present = Present {
        by,
        top: opts.top,
        pbo_blocks: opts.pbo_blocks,
        threads: opts.threads,
        keep_curves: opts.keep_curves,
    };
    let text = sweep_output::write(&p, &market, &records, &present, opts.out.as_deref())?;
    if let Some(out) = &mut out {
        out.finish(&sweep_files(opts.keep_curves), "rotor sweep output")?;
        reporter.note(&format!("wrote {}", out.path().display()));
    }
    Ok(text)
}

/// The checked, locked `--out` folder, if any (a shard or `--resume` needs one).
fn open_out(
    opts: &SweepOptions,
    shard: Option<Shard>,
    reporter: &dyn Reporter,
) -> Result<Option<OutDir>> {
    match (&opts.out, shard) {
        (Some(dir), _) => {
            check_resumed_kind(dir, opts.resume, shard)?;
            Ok(Some(OutDir::open(dir, opts.force, opts.resume, reporter)?))
        }
        (None, Some(s)) => {
            let why = "the shard's folder, merged later by `rotor sweep merge`";
            Err(bad(format!("--shard {s} needs --out DIR ({why})")))
        }
        (None, None) if opts.resume => Err(bad(
            "--resume needs --out DIR (the folder holding the checkpoint)",
        )),
        (None, None) => Ok(None),
    }
}

/// A sweep's checkpoint, open for appending, and what it already holds.
struct Checkpointed {
    path: PathBuf,
    header: Header,
    writer: Writer,
    /// Sets completed by an earlier run (`--resume`).
    done: BTreeSet<usize>,
    /// The sets this run is to do.
    todo: Vec<usize>,
    n: usize,
    shard: Option<Shard>,
    /// Removes the temporary folder of a sweep without `--out`.
    _tmp: Option<TempDir>,
}

impl Checkpointed {
    /// Computes the sweep's identity (resolved base config, grid, data and record layout; a
    /// shard's mixes in (I, N) so it resumes only as the same shard), checks a resumed
    /// checkpoint against it before anything in the folder changes, then opens it.
    fn start(
        p: &Prepared,
        market: &Market,
        opts: &SweepOptions,
        shard: Option<Shard>,
        out: Option<&OutDir>,
    ) -> Result<Self> {
        let n = p.sets.len();
        let id = Identity::compute(&p.base, &p.sets, market, opts.pbo_sets, opts.keep_curves);
        let header = Header {
            identity: shard.map_or(id.sweep, |s| s.header_identity(id.sweep)),
            n_sets: n as u64,
            n_metrics: metric_columns().len() as u32,
        };
        let (path, tmp) = match &opts.out {
            Some(dir) => (dir.join(checkpoint::FILE), None),
            None => {
                // Unique per process and per sweep: a program may run several sweeps at once.
                static SWEEPS: AtomicUsize = AtomicUsize::new(0);
                let k = SWEEPS.fetch_add(1, Ordering::Relaxed);
                let name = format!("rotor-sweep-{}-{k}", std::process::id());
                let tmp = std::env::temp_dir().join(name);
                std::fs::create_dir_all(&tmp).context("creating a temporary folder")?;
                (tmp.join(checkpoint::FILE), Some(TempDir(tmp)))
            }
        };
        let resumed = if opts.resume {
            Some(checkpoint::read(&path, &header).map_err(bad)?)
        } else {
            None
        };
        if let Some(out) = out {
            out.begin()?;
        }
        if let (Some(s), Some(dir)) = (shard, &opts.out) {
            manifest(s, &id, n, opts)?.write(dir).map_err(bad)?;
        }
        let (done, writer) = match resumed {
            Some(c) => {
                let w = Writer::append(&path, c.valid_len).map_err(bad)?;
                (c.done.into_keys().collect::<BTreeSet<_>>(), w)
            }
            None => (
                BTreeSet::new(),
                Writer::create(&path, &header).map_err(bad)?,
            ),
        };
        let mine = |i: &usize| shard.is_none_or(|s| s.contains(*i));
        let todo = (0..n).filter(|i| mine(i) && !done.contains(i)).collect();
        Ok(Checkpointed {
            path,
            header,
            writer,
            done,
            todo,
            n,
            shard,
            _tmp: tmp,
        })
    }

    /// The note that opens a sweep: sets, invalid sets, shard, resumed sets, market size.
    fn summary(&self, invalid: usize, market: &Market) -> String {
        let n = self.n;
        format!(
            "sweep: {n} parameter sets ({invalid} invalid, skipped){}{}; market {} symbols x {} bars",
            match self.shard {
                Some(s) => format!("; shard {s} runs {} of them", s.len(n)),
                None => String::new(),
            },
            if self.done.is_empty() {
                String::new()
            } else {
                format!(", {} already done", self.done.len())
            },
            market.n_symbols(),
            market.n_bars()
        )
    }
}

/// Runs the sets still to do on the shared market, appending each to the checkpoint; returns
/// every completed record, read back from the checkpoint alone.
fn execute(
    p: &Prepared,
    market: &Arc<Market>,
    ck: Checkpointed,
    opts: &SweepOptions,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<BTreeMap<usize, Outcome>> {
    let keep = runner::pbo_subsample(ck.n, opts.pbo_sets);
    let resolve = |i: usize| p.resolve(i);
    // Indicator columns (e.g. each symbol's SMA of each window) computed once, read by all sets.
    let shared = SharedIndicators::new(market, shared::DEFAULT_BUDGET);
    let job = Job {
        sets: &p.sets,
        market,
        resolve: &resolve,
        keep_returns: &keep,
        keep_curves: opts.keep_curves,
        shared: Some(&shared),
    };
    reporter.start("sweep", ck.todo.len() as u64);
    let started = std::time::Instant::now();
    let ran = runner::run(&job, &ck.todo, opts.threads, &ck.writer, cancel, &|| {
        reporter.advance()
    });
    reporter.finish();
    let secs = started.elapsed().as_secs_f64();
    let failed = ck.writer.failed();
    // The sets saved before a failure (e.g. a set out of memory) are flushed first, so
    // `--resume` finds them.
    let finished = ck.writer.finish().map_err(bad);
    let ran = ran?;
    finished?;
    if failed {
        return Err(bad(format!("{}: writing failed", ck.path.display())));
    }
    if cancel.load(Ordering::SeqCst) {
        reporter.alert(&format!(
            "interrupted: {} of {} sets saved in {}; rerun with --resume to finish",
            ck.done.len() + ran,
            ck.shard.map_or(ck.n, |s| s.len(ck.n)),
            ck.path.display()
        ));
        return Err(AppError::Interrupted);
    }
    if ran > 0 {
        reporter.note(&format!(
            "ran {ran} sets in {secs:.1}s ({:.1} runs/s)",
            ran as f64 / secs.max(1e-9)
        ));
    }
    Ok(checkpoint::read(&ck.path, &ck.header).map_err(bad)?.done)
}

/// `--pbo-blocks S`: CSCV splits the returns into S blocks, half of them in sample, so S is even;
/// at least 2, and at most 30 (C(30, 15) = 155 million splits already).
pub fn check_pbo_blocks(s: usize) -> Result<()> {
    if s < 2 || s % 2 == 1 || s > 30 {
        return Err(bad(format!(
            "--pbo-blocks {s}: must be an even number from 2 to 30 (CSCV puts half of the blocks in sample)"
        )));
    }
    Ok(())
}

/// Refuses a `--set` of a key the grid sweeps (or of a table holding it, or a key inside a
/// swept table): every set overwrote it, so the `--set` was silently ignored.
fn check_set_not_swept(grid: &Grid, set: &[String]) -> std::result::Result<(), String> {
    let dotted = |k: &str| -> String {
        rotor_sweep::overrides::split_key(k)
            .map(|p| p.join("."))
            .unwrap_or_default()
    };
    for assignment in set {
        let Some((key, _)) = assignment.split_once('=') else {
            continue;
        };
        let key = dotted(key);
        let nested = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}."));
        if let Some(axis) = grid
            .axes
            .iter()
            .find(|a| nested(&key, &dotted(&a.key)) || nested(&dotted(&a.key), &key))
        {
            return Err(format!(
                "--set {assignment}: `{}` is swept by the grid, which sets it in every set \
                 (drop the --set, or the key from the grid)",
                axis.key
            ));
        }
    }
    Ok(())
}

/// `--pbo-sets N`: PBO ranks sets against each other, so it needs at least 2 (0 and 1 were
/// taken and the diagnostics said the sweep had too few sets).
pub fn check_pbo_sets(n: usize) -> Result<()> {
    if n < 2 {
        return Err(bad(format!(
            "--pbo-sets {n}: must be at least 2 (PBO ranks the sets against each other)"
        )));
    }
    Ok(())
}

/// `--resume` continues the same kind of run: a shard as the same shard, a sweep unsharded.
fn check_resumed_kind(dir: &Path, resume: bool, shard: Option<Shard>) -> Result<()> {
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
fn manifest(s: Shard, id: &Identity, n: usize, args: &SweepOptions) -> Result<Manifest> {
    let config = &args.grid.config;
    let config =
        std::path::absolute(config).map_err(|e| bad(format!("{}: {e}", config.display())))?;
    let inputs = Inputs {
        config,
        set: args.grid.set.clone(),
        grid: args.grid.grid.clone(),
        random: args.grid.random,
        seed: args.grid.seed,
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
    reporter: &dyn Reporter,
) -> Result<String> {
    let dir = out.path().to_path_buf();
    let n = p.sets.len();
    let mine = s.len(n);
    let have = records.keys().filter(|&&i| s.contains(i)).count();
    if have != mine {
        return Err(AppError::Internal(format!(
            "{}: shard {s} holds {have} of its {mine} sets after the run",
            dir.display()
        )));
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
    reporter.note(&format!("wrote {}", dir.display()));
    Ok(format!(
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
