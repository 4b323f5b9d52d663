//! Parallel execution of parameter sets over one shared market.
//!
//! Invariant: each set is resolved and run independently on the shared read-only market (no
//! per-run copy of market data), and its outcome goes to the checkpoint writer as soon as it is
//! done; nothing here decides output order, so the thread count cannot change any result.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use rotor_data::Market;
use rotor_strategies::{SharedIndicators, StrategyError};

use crate::checkpoint::{encode, Writer};
use crate::error::SweepError;
use crate::grid::ParamSets;
use crate::trial::{outcome, Outcome, Spec};

/// Resolves set `i` into a runnable spec, or the reason it is invalid.
pub type Resolve<'a> = dyn Fn(usize) -> Result<Spec, String> + Sync + 'a;

/// What to run and what to keep.
pub struct Job<'a> {
    /// The parameter sets.
    pub sets: &'a ParamSets,
    /// The shared market (the union of the symbols every set needs).
    pub market: &'a Market,
    /// Set index -> spec.
    pub resolve: &'a Resolve<'a>,
    /// Sets whose per-bar returns are kept for PBO, ascending.
    pub keep_returns: &'a [usize],
    /// Keep every set's equity curve.
    pub keep_curves: bool,
    /// Indicator columns shared by the sets (over `market`), if any.
    pub shared: Option<&'a SharedIndicators<'a>>,
}

/// The sets kept for PBO: all when `len <= cap`, else `cap` evenly spaced ones
/// (`floor(k * len / cap)`), independent of their results so the subsample cannot favour winners.
pub fn pbo_subsample(len: usize, cap: usize) -> Vec<usize> {
    if len <= cap {
        (0..len).collect()
    } else {
        (0..cap)
            .map(|k| (k as u128 * len as u128 / cap as u128) as usize)
            .collect()
    }
}

/// Runs one set; `Err` when its buffers did not fit in memory (see [`outcome`]).
pub fn run_one(job: &Job<'_>, i: usize) -> Result<Outcome, StrategyError> {
    match (job.resolve)(i) {
        Ok(spec) => outcome(
            job.market,
            &spec,
            job.shared,
            job.keep_returns.binary_search(&i).is_ok(),
            job.keep_curves,
        ),
        Err(reason) => Ok(Outcome::Invalid(reason)),
    }
}

/// Runs the sets in `todo` on `threads` threads (rayon's default when `None`), sending each
/// outcome to `writer` and calling `progress` once per finished set. Stops starting new sets
/// when `cancel` is set or the writer failed. Returns the number of sets run; a set whose
/// buffers did not fit in memory stops the sweep with [`SweepError::OutOfMemory`], that set
/// not saved (the sets saved before it stay, for `--resume`).
pub fn run(
    job: &Job<'_>,
    todo: &[usize],
    threads: Option<usize>,
    writer: &Writer,
    cancel: &AtomicBool,
    progress: &(dyn Fn() + Sync),
) -> Result<usize, SweepError> {
    // The first set that ran out of memory; no set starts after it.
    let oom: Mutex<Option<StrategyError>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    let work = || {
        todo.par_iter()
            .with_max_len(1)
            .map(|&i| {
                if cancel.load(Ordering::Relaxed) || writer.failed() || stop.load(Ordering::Relaxed)
                {
                    return 0;
                }
                match run_one(job, i) {
                    Ok(o) => writer.send(encode(i, &o)),
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        let mut first = oom.lock().unwrap_or_else(PoisonError::into_inner);
                        first.get_or_insert(e);
                        return 0;
                    }
                }
                progress();
                1
            })
            .sum::<usize>()
    };
    let n = in_pool(threads, work)?;
    match oom.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(e) => Err(SweepError::OutOfMemory(Box::new(e))),
        None => Ok(n),
    }
}

/// Runs `f` on a pool of `threads` threads (the global pool when `None`).
pub fn in_pool<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, SweepError> {
    match threads {
        None => Ok(f()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| SweepError::Io {
                    path: "threads".into(),
                    reason: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

/// The union of the symbols every valid set needs, in order of first appearance (base config
/// first), the number of invalid sets and the longest warm-up any valid set wants. Resolution
/// runs in parallel; the fold is in set order.
pub fn symbols_needed(
    sets: &ParamSets,
    resolve: &Resolve<'_>,
    threads: Option<usize>,
) -> Result<(Vec<String>, usize, usize), SweepError> {
    let per_set: Vec<Option<(Vec<String>, usize)>> = in_pool(threads, || {
        (0..sets.len())
            .into_par_iter()
            .map(|i| resolve(i).ok().map(|s| (s.symbols(), s.warmup)))
            .collect()
    })?;
    let mut out: Vec<String> = Vec::new();
    let mut invalid = 0;
    let mut warmup = 0;
    for s in per_set {
        match s {
            Some((list, w)) => {
                warmup = warmup.max(w);
                for sym in list {
                    if !out.contains(&sym) {
                        out.push(sym);
                    }
                }
            }
            None => invalid += 1,
        }
    }
    Ok((out, invalid, warmup))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsample_is_even_and_distinct() {
        assert_eq!(pbo_subsample(3, 5), vec![0, 1, 2]);
        let s = pbo_subsample(100_000, 2000);
        assert_eq!(s.len(), 2000);
        assert_eq!(s[1], 50);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }
}
