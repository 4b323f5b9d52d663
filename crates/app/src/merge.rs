//! `rotor sweep merge DIR... --out DIR`: the shard folders of one sweep (`rotor sweep ...
//! --shard I/N`) into the outputs of the unsharded sweep, byte for byte.
//!
//! Checks, each a one-line error naming the folder (exit code 2): every folder is a finished
//! shard; all belong to one sweep (same shard count, config, grid, data and options) with no
//! shard twice and none missing; the config still rebuilds that sweep (it is read again from the
//! path in the manifests); every shard's checkpoint holds all of its sets. Then the records are
//! unioned and handed to the same output stage as `rotor sweep` (sweep_output.rs), after a merged
//! checkpoint is written in set order, so the merged folder is also a finished unsharded sweep
//! (`--resume` on it just reassembles).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rotor_sweep::assemble::RankBy;
use rotor_sweep::checkpoint::{self, encode, Header, Writer};
use rotor_sweep::hash::Identity;
use rotor_sweep::shard::{self, Manifest, MANIFEST};
use rotor_sweep::trial::{metric_columns, Outcome};

use rotor_strategies::Registry;

use crate::error::{bad, Result};
use crate::out_dir::{sweep_files, OutDir, MARKER};
use crate::reporter::Reporter;
use crate::sweep::{check_pbo_blocks, prepare, GridOptions};
use crate::sweep_output::{self, Present};

/// What `rotor sweep merge` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// The shard folders, in any order.
    pub dirs: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    /// Metric to rank by (default: the shards').
    pub rank_by: Option<String>,
    /// Rows of the ranked table (default: the shards').
    pub top: Option<usize>,
    /// CSCV blocks for PBO (default: the shards').
    pub pbo_blocks: Option<usize>,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Replace a folder that is not an earlier rotor output, or an unfinished sweep.
    pub force: bool,
}

/// Merges the shard folders into the outputs of the unsharded sweep; returns the text for
/// stdout. Notes go to `reporter`.
pub fn run(args: &MergeOptions, registry: &Registry, reporter: &dyn Reporter) -> Result<String> {
    let threads = args.threads;
    let mut found: Vec<(PathBuf, Manifest)> = Vec::with_capacity(args.dirs.len());
    for dir in &args.dirs {
        found.push((dir.clone(), read_shard(dir)?));
    }
    let order = shard::check(&found).map_err(bad)?;
    let out_abs = std::path::absolute(&args.out).unwrap_or_else(|_| args.out.clone());
    for (dir, _) in &found {
        if std::path::absolute(dir).is_ok_and(|d| d == out_abs) {
            return Err(bad(format!(
                "{}: --out is one of the shard folders; merge into a new folder",
                args.out.display()
            )));
        }
    }
    let (d0, m0) = &found[order[0]];
    let inputs = &m0.inputs;
    let by = RankBy::new(args.rank_by.as_deref().unwrap_or(&inputs.rank_by)).map_err(bad)?;
    check_pbo_blocks(args.pbo_blocks.unwrap_or(inputs.pbo_blocks))?;

    // Rebuild the sweep exactly as the shards did, and check it is still the same one.
    let grid = GridOptions {
        config: inputs.config.clone(),
        set: inputs.set.clone(),
        grid: inputs.grid.clone(),
        random: inputs.random,
        seed: inputs.seed,
    };
    let p = prepare(&grid, registry)?;
    let (symbols, _, warmup) = p.symbols(threads)?;
    let data = p.load_market(&symbols, None, None, warmup)?;
    let market = data.market;
    let n = p.sets.len();
    let id = Identity::compute(
        &p.base,
        &p.sets,
        &market,
        inputs.pbo_sets,
        inputs.keep_curves,
    );
    if let Some(what) = m0.differs_from(&id, n as u64) {
        return Err(bad(format!(
            "{}: {what} changed since the shards in {} ran: rerun the shards",
            inputs.config.display(),
            d0.display()
        )));
    }

    let records = shard_records(&found, &order, id.sweep, n)?;

    let mut out = OutDir::open(&args.out, args.force, false, reporter)?;
    out.begin()?;
    write_checkpoint(&args.out, id.sweep, n, &records)?;
    let present = Present {
        by,
        top: args.top.unwrap_or(inputs.top),
        pbo_blocks: args.pbo_blocks.unwrap_or(inputs.pbo_blocks),
        threads,
        keep_curves: inputs.keep_curves,
    };
    let text = sweep_output::write(&p, &market, &records, &present, Some(&args.out))?;
    out.finish(&sweep_files(inputs.keep_curves), "rotor sweep output")?;
    reporter.note(&format!(
        "merged {} shards ({n} parameter sets) into {}",
        found.len(),
        args.out.display()
    ));
    Ok(text)
}

/// Every set's record from the shards' checkpoints (in `order`), each shard checked to hold
/// exactly its sets of sweep `sweep` over `n` sets.
fn shard_records(
    found: &[(PathBuf, Manifest)],
    order: &[usize],
    sweep: u64,
    n: usize,
) -> Result<BTreeMap<usize, Outcome>> {
    let mut records: BTreeMap<usize, Outcome> = BTreeMap::new();
    for &k in order {
        let (dir, m) = &found[k];
        let s = m.shard();
        let header = Header {
            identity: s.header_identity(sweep),
            n_sets: n as u64,
            n_metrics: metric_columns().len() as u32,
        };
        let ck = dir.join(checkpoint::FILE);
        if !ck.exists() {
            return Err(bad(format!(
                "{}: shard {s} has no {}: rerun it",
                dir.display(),
                checkpoint::FILE
            )));
        }
        let c = checkpoint::read(&ck, &header).map_err(|e| {
            bad(format!(
                "{}: shard {s}: its checkpoint does not match its manifest ({e}): rerun it",
                dir.display()
            ))
        })?;
        let want = s.len(n);
        let mut have = 0;
        for (i, o) in c.done {
            if s.contains(i) {
                have += 1;
                records.insert(i, o);
            }
        }
        if have != want {
            return Err(bad(format!(
                "{}: shard {s} holds {have} of its {want} sets: rerun it (or continue it with --resume)",
                dir.display()
            )));
        }
    }
    Ok(records)
}

/// The manifest of a finished shard folder.
fn read_shard(dir: &Path) -> Result<Manifest> {
    if !dir.is_dir() {
        return Err(bad(format!(
            "{}: not a folder (give the --out folders of `rotor sweep ... --shard I/N`)",
            dir.display()
        )));
    }
    let m = Manifest::read(dir).map_err(bad)?.ok_or_else(|| {
        bad(format!(
            "{}: not a sweep shard folder (no {MANIFEST}; shards are written by `rotor sweep ... --shard I/N --out DIR`)",
            dir.display()
        ))
    })?;
    if !dir.join(MARKER).exists() {
        return Err(bad(format!(
            "{}: shard {} is unfinished: rerun it, or continue it with --resume",
            dir.display(),
            m.shard()
        )));
    }
    Ok(m)
}

/// The union as an unsharded checkpoint, frames in set order.
fn write_checkpoint(
    dir: &Path,
    identity: u64,
    n: usize,
    records: &BTreeMap<usize, Outcome>,
) -> Result<()> {
    let header = Header {
        identity,
        n_sets: n as u64,
        n_metrics: metric_columns().len() as u32,
    };
    let path = dir.join(checkpoint::FILE);
    let w = Writer::create(&path, &header).map_err(bad)?;
    for (&i, o) in records {
        w.send(encode(i, o));
    }
    let failed = w.failed();
    w.finish().map_err(bad)?;
    if failed {
        return Err(bad(format!("{}: writing failed", path.display())));
    }
    Ok(())
}
