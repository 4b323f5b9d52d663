//! Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV;
//! Bailey, Borwein, Lopez de Prado & Zhu 2015, "The Probability of Backtest Overfitting",
//! J. Computational Finance 20(4)).
//!
//! M is the T x N matrix of per-period returns of N trials. Its rows are cut into S contiguous
//! blocks of `floor(T / S)` rows (the first `T mod S` rows, the oldest, are dropped). For each of
//! the C(S, S/2) ways to pick S/2 blocks as in-sample (the rest out-of-sample), in
//! `itertools.combinations(range(S), S/2)` order: n* = the trial with the best in-sample Sharpe
//! (first on ties), w = its out-of-sample rank / (N + 1) (rank 1 = worst, ties get their
//! average rank, as scipy's `rankdata`), logit l = ln(w / (1 - w)). PBO = share of splits with
//! l <= 0. The Sharpe of a set of blocks is mean / std (ddof 1) of its rows, computed from
//! per-block count, mean and sum of squared deviations (Chan's pairwise update), 0 when the std
//! is 0.
//!
//! Invariant: a split's logit depends only on the matrix and the split, so splits can be
//! evaluated in any order or in parallel and collected in split order.

/// Per-trial, per-block summary of the return matrix: all CSCV needs.
#[derive(Debug, Clone)]
pub struct BlockStats {
    /// Number of blocks S.
    pub blocks: usize,
    /// Rows per block.
    pub block_len: usize,
    /// Number of trials N.
    pub trials: usize,
    // [trial * blocks + block] -> (mean, sum of squared deviations)
    mean: Vec<f64>,
    m2: Vec<f64>,
}

/// Result of CSCV.
#[derive(Debug, Clone, PartialEq)]
pub struct Pbo {
    /// Probability of backtest overfitting: share of splits with logit <= 0.
    pub pbo: f64,
    /// The logit of every split, in split order.
    pub logits: Vec<f64>,
    /// Share of splits whose in-sample best has a negative out-of-sample Sharpe.
    pub oos_loss: f64,
}

impl BlockStats {
    /// Summarizes `trials` (each a return series of the same length T) into `blocks` blocks.
    /// `None` when `blocks` is odd, below 2 or above 30, when there are fewer than 2 trials,
    /// when lengths differ, or when T < 2 * blocks.
    pub fn new<T: Copy + Into<f64>>(trials: &[Vec<T>], blocks: usize) -> Option<BlockStats> {
        if blocks < 2 || !blocks.is_multiple_of(2) || blocks > 30 || trials.len() < 2 {
            return None;
        }
        let t = trials[0].len();
        if trials.iter().any(|r| r.len() != t) || t < 2 * blocks {
            return None;
        }
        let len = t / blocks;
        let skip = t - len * blocks;
        let mut mean = Vec::with_capacity(trials.len() * blocks);
        let mut m2 = Vec::with_capacity(trials.len() * blocks);
        for r in trials {
            for b in 0..blocks {
                let rows = &r[skip + b * len..skip + (b + 1) * len];
                let v = |x: &T| {
                    let f: f64 = (*x).into();
                    if f.is_finite() {
                        f
                    } else {
                        0.0
                    }
                };
                let m = rows.iter().map(v).sum::<f64>() / len as f64;
                let ss = rows.iter().map(|x| (v(x) - m).powi(2)).sum::<f64>();
                mean.push(m);
                m2.push(ss);
            }
        }
        Some(BlockStats {
            blocks,
            block_len: len,
            trials: trials.len(),
            mean,
            m2,
        })
    }

    /// Sharpe (mean / std, ddof 1) of trial `n` over the blocks whose bit is set in `mask`.
    fn sharpe(&self, n: usize, mask: u32) -> f64 {
        let base = n * self.blocks;
        let k = mask.count_ones() as f64;
        let len = self.block_len as f64;
        let mut sum = 0.0;
        for b in 0..self.blocks {
            if mask & (1 << b) != 0 {
                sum += self.mean[base + b];
            }
        }
        let m = sum / k;
        let mut ss = 0.0;
        for b in 0..self.blocks {
            if mask & (1 << b) != 0 {
                let d = self.mean[base + b] - m;
                ss += self.m2[base + b] + len * d * d;
            }
        }
        let sd = (ss / (k * len - 1.0)).sqrt();
        if sd > 0.0 && sd.is_finite() {
            m / sd
        } else {
            0.0
        }
    }

    /// The logit of one split (`mask` = the in-sample blocks) and the out-of-sample Sharpe of
    /// the in-sample best.
    pub fn split(&self, mask: u32) -> (f64, f64) {
        let all = if self.blocks == 32 {
            u32::MAX
        } else {
            (1u32 << self.blocks) - 1
        };
        let oos = all & !mask;
        let mut best = 0;
        let mut best_sr = f64::NEG_INFINITY;
        for n in 0..self.trials {
            let s = self.sharpe(n, mask);
            if s > best_sr {
                best_sr = s;
                best = n;
            }
        }
        let x = self.sharpe(best, oos);
        let (mut less, mut equal) = (0usize, 0usize);
        for n in 0..self.trials {
            let s = if n == best { x } else { self.sharpe(n, oos) };
            if s < x {
                less += 1;
            } else if s == x {
                equal += 1;
            }
        }
        let rank = less as f64 + (equal as f64 + 1.0) / 2.0;
        let w = rank / (self.trials as f64 + 1.0);
        ((w / (1.0 - w)).ln(), x)
    }
}

/// The in-sample masks of CSCV for `blocks` blocks, in `itertools.combinations` order
/// (C(16, 8) = 12,870 for 16 blocks).
pub fn cscv_splits(blocks: usize) -> Vec<u32> {
    let k = blocks / 2;
    let mut out = Vec::new();
    let mut idx: Vec<usize> = (0..k).collect();
    if k == 0 || blocks > 32 {
        return out;
    }
    loop {
        out.push(idx.iter().fold(0u32, |m, &b| m | (1 << b)));
        // next combination in lexicographic order: bump the rightmost index not at its maximum
        let Some(i) = (0..k).rev().find(|&i| idx[i] != i + blocks - k) else {
            return out;
        };
        idx[i] += 1;
        for j in i + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

/// PBO from the per-split results of [`BlockStats::split`], in split order.
pub fn pbo_from_logits(splits: &[(f64, f64)]) -> Option<Pbo> {
    if splits.is_empty() {
        return None;
    }
    let n = splits.len() as f64;
    let over = splits.iter().filter(|(l, _)| *l <= 0.0).count() as f64;
    let loss = splits.iter().filter(|(_, x)| *x < 0.0).count() as f64;
    Some(Pbo {
        pbo: over / n,
        logits: splits.iter().map(|s| s.0).collect(),
        oos_loss: loss / n,
    })
}

/// PBO by CSCV of `trials` (each one trial's returns) with `blocks` blocks, sequentially.
pub fn pbo_cscv<T: Copy + Into<f64>>(trials: &[Vec<T>], blocks: usize) -> Option<Pbo> {
    let stats = BlockStats::new(trials, blocks)?;
    let splits: Vec<(f64, f64)> = cscv_splits(blocks)
        .into_iter()
        .map(|m| stats.split(m))
        .collect();
    pbo_from_logits(&splits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_counts() {
        assert_eq!(cscv_splits(16).len(), 12_870);
        assert_eq!(
            cscv_splits(4),
            vec![0b0011, 0b0101, 0b1001, 0b0110, 0b1010, 0b1100]
        );
        assert_eq!(cscv_splits(2), vec![0b01, 0b10]);
    }

    #[test]
    fn degenerate_inputs() {
        let t = vec![vec![0.01f64; 40]; 1];
        assert!(pbo_cscv(&t, 4).is_none());
        let t = vec![vec![0.01f64; 40]; 3];
        assert!(pbo_cscv(&t, 3).is_none());
        assert!(pbo_cscv(&t, 32).is_none());
        // identical trials: all ties, median rank, logit 0, counted as overfit
        let p = pbo_cscv(&t, 4).unwrap();
        assert_eq!(p.pbo, 1.0);
    }

    #[test]
    fn a_truly_better_trial_is_not_overfit() {
        // trial 0 has a higher mean in every block: it wins in and out of sample.
        let noise =
            |i: usize, k: usize| (((i * 7919 + k * 104_729) % 1000) as f64 / 1000.0 - 0.5) * 0.02;
        let trials: Vec<Vec<f64>> = (0..5)
            .map(|k| {
                (0..400)
                    .map(|i| noise(i, k) + if k == 0 { 0.01 } else { 0.0 })
                    .collect()
            })
            .collect();
        let p = pbo_cscv(&trials, 8).unwrap();
        assert_eq!(p.pbo, 0.0);
    }
}
