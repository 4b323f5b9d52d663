//! Overfitting diagnostics of a sweep: number of trials, Deflated Sharpe Ratio of the top set and
//! PBO by CSCV over an evenly spaced subsample of the sets' return series, with a verdict.
//!
//! Invariant: a pure function of the completed records (plus the top set's re-run returns), in
//! set order; the CSCV splits run in parallel but are collected in split order.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rotor_report::overfit::{cscv_splits, deflated_sharpe, pbo_from_logits, BlockStats, Dsr, Pbo};

use crate::assemble::RankBy;
use crate::error::SweepError;
use crate::runner::in_pool;
use crate::trial::{metric_columns, Outcome};

/// The diagnostics.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// Sets that ran with a defined Sharpe (the trials).
    pub trials: usize,
    /// Set index of the top-ranked set.
    pub best_set: Option<usize>,
    /// DSR of the top set.
    pub dsr: Option<Dsr>,
    /// Periods per year (to show Sharpes annualized).
    pub periods_per_year: f64,
    /// PBO result.
    pub pbo: Option<Pbo>,
    /// Sets in the PBO matrix.
    pub pbo_sets: usize,
    /// CSCV blocks.
    pub blocks: usize,
    /// Sets that ran in total.
    pub ran: usize,
}

/// Computes the diagnostics. `best_returns` are the top set's per-bar excess returns.
#[allow(clippy::too_many_arguments)]
pub fn diagnose(
    ran: &[(usize, &[f64])],
    ranked: &[usize],
    records: &BTreeMap<usize, Outcome>,
    best_returns: Option<&[f64]>,
    periods_per_year: f64,
    blocks: usize,
    threads: Option<usize>,
) -> Result<Diagnostics, SweepError> {
    let sc = metric_columns()
        .iter()
        .position(|c| *c == "sharpe")
        .unwrap_or(0);
    let a = periods_per_year.sqrt();
    let srs: Vec<f64> = ran
        .iter()
        .map(|(_, m)| m[sc] / a)
        .filter(|x| x.is_finite())
        .collect();
    let trials = srs.len();
    let var = if trials >= 2 {
        let mean = srs.iter().sum::<f64>() / trials as f64;
        srs.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (trials - 1) as f64
    } else {
        f64::NAN
    };
    let dsr = best_returns.and_then(|r| deflated_sharpe(r, var, trials));
    let matrix: Vec<&Vec<f32>> = records
        .values()
        .filter_map(|o| match o {
            Outcome::Done {
                returns: Some(r), ..
            } => Some(r),
            _ => None,
        })
        .collect();
    let stats = BlockStats::new(&matrix, blocks);
    let pbo = match stats {
        Some(bs) => {
            let splits = cscv_splits(blocks);
            let res: Vec<(f64, f64)> = in_pool(threads, || {
                splits.par_iter().map(|&m| bs.split(m)).collect()
            })?;
            pbo_from_logits(&res)
        }
        None => None,
    };
    Ok(Diagnostics {
        trials,
        best_set: ranked.first().map(|&p| ran[p].0),
        dsr,
        periods_per_year,
        pbo,
        pbo_sets: matrix.len(),
        blocks,
        ran: ran.len(),
    })
}

/// The diagnostics as text, ending with a verdict in plain words.
pub fn render(d: &Diagnostics, by: &RankBy) -> String {
    let a = d.periods_per_year.sqrt();
    let mut s = String::from("Overfitting diagnostics\n");
    s.push_str(&format!(
        "  trials                 {} parameter sets with a defined Sharpe\n",
        d.trials
    ));
    match (&d.dsr, d.best_set) {
        (Some(x), Some(b)) => s.push_str(&format!(
            "  deflated Sharpe (DSR)  {:.3} for the top set by {} (#{b}): probability its true Sharpe is above\n                         the {:.2} (annualized) that the best of {} luck-only trials would show;\n                         its own Sharpe is {:.2}, skew {:.2}, kurtosis {:.2} over {} bars\n",
            x.dsr,
            by.metric,
            x.sr0 * a,
            x.n_trials,
            x.sr * a,
            x.skew,
            x.kurtosis,
            x.n
        )),
        _ => s.push_str("  deflated Sharpe (DSR)  n/a (needs at least 2 trials and a top set with a defined Sharpe)\n"),
    }
    match &d.pbo {
        Some(p) => {
            let sub = if d.pbo_sets < d.ran {
                format!(
                    "an evenly spaced subsample of {} of the {} sets (by set index, not by result)",
                    d.pbo_sets, d.ran
                )
            } else {
                format!("all {} sets", d.pbo_sets)
            };
            s.push_str(&format!(
                "  PBO (CSCV)             {:.3}: share of {} train/test splits (S = {} blocks) where the in-sample\n                         best ranks in the bottom half out of sample; computed on {sub};\n                         its out-of-sample Sharpe is negative in {:.1}% of splits\n",
                p.pbo,
                p.logits.len(),
                d.blocks,
                p.oos_loss * 100.0
            ));
        }
        None => s.push_str(
            "  PBO (CSCV)             n/a (needs at least 2 sets and 2 bars per block)\n",
        ),
    }
    s.push_str(&format!("  verdict                {}\n", verdict(d)));
    s
}

/// The verdict in plain words.
pub fn verdict(d: &Diagnostics) -> String {
    let dsr = d.dsr.map(|x| x.dsr);
    let pbo = d.pbo.as_ref().map(|p| p.pbo);
    match (dsr, pbo) {
        (None, None) => "not enough trials to judge overfitting.".into(),
        (_, Some(p)) if p >= 0.5 => format!(
            "likely overfit: the in-sample winner does worse than the median set out of sample in {:.0}% of splits; do not trust the top of this table.",
            p * 100.0
        ),
        (Some(x), _) if x < 0.5 => "the best Sharpe is no better than what luck alone gives across this many trials: likely a selection artefact.".into(),
        (Some(x), Some(p)) if x >= 0.95 && p < 0.2 => "the best set's Sharpe survives deflation for the number of trials and in-sample winners mostly stay above median out of sample: evidence of a real effect (still check costs, capacity and regime changes).".into(),
        _ => "inconclusive: some signal, but the number of trials and the out-of-sample ranks leave real doubt; prefer parameters on a plateau of the sensitivity view over the single best set.".into(),
    }
}
