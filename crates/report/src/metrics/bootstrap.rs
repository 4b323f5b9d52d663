//! Seeded stationary bootstrap (Politis & Romano 1994) of the Sharpe ratio and the CAGR.
//!
//! Invariant: fully deterministic: a fixed seed, our own SplitMix64 generator and a sequential
//! loop, so the same returns give bit-identical intervals on every run, thread and platform.

use super::util::{finite, negligible, percentile_sorted, positive, some_finite};

/// Number of bootstrap resamples.
pub const RESAMPLES: usize = 1000;
/// Seed of the generator (fixed: the interval is a function of the data alone).
pub const SEED: u64 = 0x726f_746f_725f_6273; // "rotor_bs"

/// SplitMix64 (Steele, Lea & Flood 2014; the reference code of Vigna's `splitmix64.c`).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with the given seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1): the top 53 bits times 2^-53.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
    /// Uniform integer in [0, n) by Lemire's multiply-shift (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// Mean block length of the stationary bootstrap: `max(1, n^(1/3))`.
pub fn mean_block_length(n: usize) -> f64 {
    (n as f64).cbrt().max(1.0)
}

/// Indices of one stationary-bootstrap resample of length n: position 0 starts a block at a
/// uniform index; each later position starts a new block with probability `1 / L` (so block
/// lengths are geometric with mean L), otherwise continues with the next index, wrapping around.
pub fn resample_indices(rng: &mut SplitMix64, n: usize, block: f64) -> Vec<usize> {
    let p = 1.0 / block;
    let mut out = Vec::with_capacity(n);
    let mut idx = 0;
    for i in 0..n {
        idx = if i == 0 || rng.next_f64() < p {
            rng.below(n)
        } else {
            (idx + 1) % n
        };
        out.push(idx);
    }
    out
}

/// 95% bootstrap intervals of the annualized Sharpe ratio and of the CAGR.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Intervals {
    /// (2.5%, 97.5%) percentiles of the resampled Sharpe ratios.
    pub sharpe: Option<(f64, f64)>,
    /// (2.5%, 97.5%) percentiles of the resampled CAGRs.
    pub cagr: Option<(f64, f64)>,
}

/// Stationary bootstrap (Politis & Romano 1994) with [`RESAMPLES`] resamples, mean block length
/// [`mean_block_length`], seed [`SEED`]; each resample's Sharpe (rf per period) and CAGR are
/// computed as for the run, and the 2.5% / 97.5% percentiles (numpy linear) of the defined
/// values form the intervals. An interval is `None` for fewer than 3 returns or when fewer than
/// half of the resamples give a defined value.
pub fn bootstrap_intervals(r: &[f64], rf: f64, periods_per_year: f64) -> Intervals {
    let x = finite(r);
    let n = x.len();
    if n < 3 {
        return Intervals::default();
    }
    let mut rng = SplitMix64::new(SEED);
    let block = mean_block_length(n);
    let p = 1.0 / block;
    let (mut sh, mut cg) = (Vec::with_capacity(RESAMPLES), Vec::with_capacity(RESAMPLES));
    // One buffer for every resample, filled with the same index stream as
    // `resample_indices` (a sweep computes this for every parameter set: no allocation here).
    let mut buf = vec![0.0; n];
    for _ in 0..RESAMPLES {
        let mut idx = 0;
        for (i, slot) in buf.iter_mut().enumerate() {
            idx = if i == 0 || rng.next_f64() < p {
                rng.below(n)
            } else if idx + 1 == n {
                0
            } else {
                idx + 1
            };
            *slot = x[idx];
        }
        if let Some(s) = sharpe_of_finite(&buf, rf, periods_per_year) {
            sh.push(s);
        }
        if let Some(c) = cagr_of_finite(&buf, periods_per_year) {
            cg.push(c);
        }
    }
    Intervals {
        sharpe: interval(sh),
        cagr: interval(cg),
    }
}

/// [`super::returns::sharpe`] for a slice known to be all finite, without allocating: the same
/// operations in the same order.
fn sharpe_of_finite(x: &[f64], rf: f64, periods_per_year: f64) -> Option<f64> {
    let n = x.len();
    if n < 2 {
        return None;
    }
    let m = some_finite(x.iter().map(|v| v - rf).sum::<f64>() / n as f64)?;
    let ss: f64 = x.iter().map(|v| (v - rf - m) * (v - rf - m)).sum();
    let s = some_finite((ss / (n - 1) as f64).sqrt())?;
    if negligible(s, m) {
        return None;
    }
    some_finite(some_finite(m / s)? * periods_per_year.sqrt())
}

/// [`super::returns::cagr`] for a slice known to be all finite, without allocating.
fn cagr_of_finite(x: &[f64], periods_per_year: f64) -> Option<f64> {
    if x.is_empty() || !positive(periods_per_year) {
        return None;
    }
    let end = 1.0 + some_finite(x.iter().fold(1.0, |w, v| w * (1.0 + v)) - 1.0)?;
    if end < 0.0 {
        return None;
    }
    some_finite(end.powf(periods_per_year / x.len() as f64) - 1.0)
}

fn interval(mut v: Vec<f64>) -> Option<(f64, f64)> {
    if v.len() * 2 < RESAMPLES {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some((percentile_sorted(&v, 2.5)?, percentile_sorted(&v, 97.5)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_statistics_equal_the_metric_functions() {
        use crate::metrics::returns::{cagr, sharpe};
        let mut rng = SplitMix64::new(7);
        for n in [2usize, 3, 50, 400] {
            let x: Vec<f64> = (0..n).map(|_| (rng.next_f64() - 0.48) / 20.0).collect();
            for rf in [0.0, 0.0001] {
                assert_eq!(sharpe_of_finite(&x, rf, 252.0), sharpe(&x, rf, 252.0));
            }
            assert_eq!(cagr_of_finite(&x, 252.0), cagr(&x, 252.0));
        }
        assert_eq!(
            sharpe_of_finite(&[0.01; 10], 0.0, 252.0),
            sharpe(&[0.01; 10], 0.0, 252.0)
        );
        let mut g = SplitMix64::new(3);
        let idx = resample_indices(&mut g, 10, 3.0);
        assert!(idx.iter().all(|&i| i < 10));
    }

    #[test]
    fn splitmix_reference_values() {
        // First outputs of splitmix64 seeded with 0 (Vigna's reference implementation).
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn deterministic_and_threads_agree() {
        let r: Vec<f64> = (0..300)
            .map(|i| ((i * 37 % 101) as f64 - 50.0) / 5000.0)
            .collect();
        let a = bootstrap_intervals(&r, 0.0, 252.0);
        let r2 = r.clone();
        let b = std::thread::spawn(move || bootstrap_intervals(&r2, 0.0, 252.0))
            .join()
            .unwrap();
        assert_eq!(a, b);
        let (lo, hi) = a.sharpe.unwrap();
        assert!(lo < hi);
        assert_eq!(
            bootstrap_intervals(&r[..2], 0.0, 252.0),
            Intervals::default()
        );
    }
}
