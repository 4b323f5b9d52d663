//! The output folder and output stage of a sweep, shared by `rotor sweep` and `rotor sweep
//! merge`: both end in [`write()`], so a merge of shards produces the unsharded sweep's files byte
//! for byte.
//!
//! Invariant: everything [`write()`] produces is a pure function of (parameter sets, completed
//! records, presentation options) and the market (the top set is re-run for the Deflated Sharpe
//! Ratio). The folder's checks, lock and marker are out_dir.rs's.

use std::collections::BTreeMap;
use std::path::Path;

use rotor_data::table::write_atomic;
use rotor_data::Market;
use rotor_report::Intervals;
use rotor_sweep::assemble::{self, RankBy};
use rotor_sweep::diagnostics;
use rotor_sweep::intervals;
use rotor_sweep::trial::{evaluate, intervals_to_rank_by, Outcome};

use crate::error::{bad, Result};
use crate::sweep::Prepared;

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

/// Assembles the sweep's text from the completed records and, with `out`, writes
/// sweep.parquet (and curves.parquet), sweep.txt and config.toml (the caller then finishes the
/// folder with its marker, out_dir.rs). Returns the text for stdout.
pub fn write(
    p: &Prepared,
    market: &Market,
    records: &BTreeMap<usize, Outcome>,
    opts: &Present,
    out: Option<&Path>,
) -> Result<String> {
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
        write_atomic(&dir.join("sweep.txt"), s.as_bytes()).map_err(bad)?;
        write_atomic(
            &dir.join("config.toml"),
            p.loaded.resolved_toml()?.as_bytes(),
        )
        .map_err(bad)?;
    }
    Ok(s)
}
