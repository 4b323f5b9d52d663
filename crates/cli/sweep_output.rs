//! The output folder and output stage of a sweep, shared by `rotor sweep` and `rotor sweep
//! merge`: both end in [`write()`], so a merge of shards produces the unsharded sweep's files byte
//! for byte.
//!
//! Invariant: everything [`write()`] produces is a pure function of (parameter sets, completed
//! records, presentation options) and the market (the top set is re-run for the Deflated Sharpe
//! Ratio). The marker is removed before anything is written and written last, so a folder never
//! looks complete while it is not.

use std::collections::BTreeMap;
use std::path::Path;

use rotor_data::table::write_atomic;
use rotor_data::Market;
use rotor_report::Intervals;
use rotor_sweep::assemble::{self, RankBy};
use rotor_sweep::checkpoint;
use rotor_sweep::diagnostics;
use rotor_sweep::intervals;
use rotor_sweep::shard::MANIFEST;
use rotor_sweep::trial::{evaluate, intervals_to_rank_by, Outcome};

use crate::error::bad;
use crate::sweep_cmd::Prepared;

/// The marker of a complete rotor output folder (same name as outputs.rs writes).
pub const MARKER: &str = ".rotor-output";

/// How the completed records are presented (none of it changes a record).
pub struct Present {
    /// Ranking metric.
    pub by: RankBy,
    /// Rows of the ranked table.
    pub top: usize,
    /// CSCV blocks.
    pub pbo_blocks: usize,
    /// Worker threads for the diagnostics.
    pub threads: Option<usize>,
    /// Write curves.parquet.
    pub keep_curves: bool,
}

/// What is about to be written into an output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole sweep (or a merge): sweep.parquet, sweep.txt, ...
    Sweep,
    /// One shard: its checkpoint and manifest only.
    Shard,
}

/// Checks that `dir` may be written (see README: never silently overwrite a folder that is not
/// rotor's), creates it, and removes the marker and files a different kind of run left behind.
pub fn prepare_out(dir: &Path, resume: bool, force: bool, kind: Kind) -> anyhow::Result<()> {
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
        if earlier || ck.exists() {
            // Rotor's own files from a run of the other kind would make the folder lie.
            let stale: &[&str] = match kind {
                Kind::Sweep => &[MANIFEST],
                Kind::Shard => &["sweep.parquet", "sweep.txt", "curves.parquet"],
            };
            for f in stale {
                let _ = std::fs::remove_file(dir.join(f));
            }
        }
    } else {
        std::fs::create_dir_all(dir)
            .map_err(|e| bad(format!("{}: cannot create folder: {e}", dir.display())))?;
    }
    Ok(())
}

/// Assembles the sweep's text from the completed records and, with `out`, writes
/// sweep.parquet (and curves.parquet), sweep.txt, config.toml and the marker (last). Returns
/// the text for stdout.
pub fn write(
    p: &Prepared,
    market: &Market,
    records: &BTreeMap<usize, Outcome>,
    opts: &Present,
    out: Option<&Path>,
) -> anyhow::Result<String> {
    let by = &opts.by;
    let sum = assemble::summarize(&p.sets, records);
    // The bootstrap intervals only where shown: every set when they rank, else the top K.
    let resolve = |i: usize| p.resolve(i);
    let mut owned: Vec<(usize, Vec<f64>)> = sum.ran.iter().map(|(i, m)| (*i, m.to_vec())).collect();
    intervals::clear(&mut owned);
    let rank_by_interval = intervals_to_rank_by(&by.metric) == Intervals::Bootstrap;
    let shown: Vec<usize> = if rank_by_interval {
        (0..owned.len()).collect()
    } else {
        let ran: Vec<(usize, &[f64])> = owned.iter().map(|(i, m)| (*i, m.as_slice())).collect();
        let mut top = assemble::rank(&ran, by);
        top.truncate(opts.top);
        top
    };
    intervals::fill(&mut owned, &shown, market, &resolve, opts.threads)?;
    let ran: Vec<(usize, &[f64])> = owned.iter().map(|(i, m)| (*i, m.as_slice())).collect();
    let ranked = assemble::rank(&ran, by);
    if let Some(dir) = out {
        assemble::table(&p.sets, &ran)
            .write_parquet(&dir.join("sweep.parquet"))
            .map_err(bad)?;
        if opts.keep_curves {
            assemble::curves_table(&market.timestamps()[market.trading_start()..], records)
                .write_parquet(&dir.join("curves.parquet"))
                .map_err(bad)?;
        }
    }
    let mut s =
        format!(
        "rotor sweep: {} parameter sets, {} ran, {} skipped as invalid{}; ranked by {} ({})\n\n",
        p.sets.len(),
        ran.len(),
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
        opts.top.min(ran.len()),
        by.metric
    ));
    s.push_str(&assemble::top_table(&p.sets, &ran, &ranked, by, opts.top));
    s.push('\n');
    let view = assemble::sensitivity(&p.sets, &ran, by);
    s.push_str(&assemble::render_sensitivity(&view, by));
    s.push('\n');
    // DSR needs the top set's returns: re-run it (deterministic) rather than keep every curve.
    let best = ranked.first().map(|&q| ran[q].0);
    let mut best_returns = None;
    let mut ppy = market.periods_per_year();
    if let Some(b) = best {
        if let Ok(spec) = p.resolve(b) {
            if let Ok((result, t)) = evaluate(market, &spec, Intervals::Skip) {
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
        &ran,
        &ranked,
        records,
        best_returns.as_deref(),
        ppy,
        opts.pbo_blocks,
        opts.threads,
    )?;
    s.push_str(&diagnostics::render(&d, by));
    if let Some(dir) = out {
        write_atomic(&dir.join("sweep.txt"), s.as_bytes())?;
        write_atomic(
            &dir.join("config.toml"),
            p.loaded.resolved_toml()?.as_bytes(),
        )?;
        write_atomic(&dir.join(MARKER), b"rotor sweep output\n")?;
    }
    Ok(s)
}
