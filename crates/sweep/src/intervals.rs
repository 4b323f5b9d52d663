//! The bootstrap confidence intervals of a sweep, computed only where they are shown.
//!
//! A sweep's sets run with every point metric and no bootstrap (the bootstrap is most of a
//! short run's statistics); the output stage re-runs the sets it shows (the top K, or every
//! set when the ranking metric is an interval bound) with the bootstrap. Re-running is exact:
//! a set's result is a pure function of (market, spec), so the intervals equal those of
//! `rotor run` on that set.
//!
//! Invariant: the interval columns of every other set are NaN (null in sweep.parquet),
//! whatever the checkpoint holds, so the outputs do not depend on which rotor version wrote
//! the checkpoint.

use rayon::prelude::*;
use rotor_data::Market;

use crate::error::SweepError;
use crate::runner::{in_pool, Resolve};
use crate::trial::{interval_columns, interval_values};

/// Sets the interval columns of every set in `ran` to NaN.
pub fn clear(ran: &mut [(usize, Vec<f64>)]) {
    let cols = interval_columns();
    for (_, m) in ran.iter_mut() {
        for &c in &cols {
            if let Some(v) = m.get_mut(c) {
                *v = f64::NAN;
            }
        }
    }
}

/// Fills the interval columns of the sets at `positions` of `ran` by re-running them with the
/// bootstrap, in parallel on `threads` threads. A set that no longer resolves keeps NaN.
pub fn fill(
    ran: &mut [(usize, Vec<f64>)],
    positions: &[usize],
    market: &Market,
    resolve: &Resolve<'_>,
    threads: Option<usize>,
) -> Result<(), SweepError> {
    let sets: Vec<usize> = positions.iter().map(|&p| ran[p].0).collect();
    let values: Vec<Option<Vec<f64>>> = in_pool(threads, || {
        sets.par_iter()
            .with_max_len(1)
            .map(|&i| {
                resolve(i)
                    .and_then(|spec| interval_values(market, &spec))
                    .ok()
            })
            .collect()
    })?;
    let cols = interval_columns();
    for (&p, v) in positions.iter().zip(values) {
        if let Some(v) = v {
            for (&c, x) in cols.iter().zip(v) {
                if let Some(slot) = ran[p].1.get_mut(c) {
                    *slot = x;
                }
            }
        }
    }
    Ok(())
}
