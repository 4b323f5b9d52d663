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
//! l <= 0. The Sharpe of a set of blocks is mean / std (ddof 1) of its rows, 0 when the std is
//! 0; it comes from per-block sums of y and y^2 (y a trial's returns minus the trial's mean, so
//! the sums of squares stay accurate): a split costs O(N S), not O(N T), and its out-of-sample
//! sums are the trial's totals minus the in-sample ones.
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
    /// Per trial: its mean over the used rows (the center of its sums).
    center: Vec<f64>,
    /// [block * trials + trial] -> Σ y over the block; block `blocks` holds the trial's totals.
    /// Block-major, so a split sums whole rows of trials (a loop the compiler vectorizes).
    sum_y: Vec<f64>,
    /// The same layout for Σ y².
    sum_y2: Vec<f64>,
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
    /// when lengths differ, or when T < 2 * blocks. Non-finite returns count as 0.
    pub fn new<T: Copy + Into<f64>, R: AsRef<[T]>>(trials: &[R], blocks: usize) -> Option<Self> {
        if blocks < 2 || !blocks.is_multiple_of(2) || blocks > 30 || trials.len() < 2 {
            return None;
        }
        let t = trials[0].as_ref().len();
        if trials.iter().any(|r| r.as_ref().len() != t) || t < 2 * blocks {
            return None;
        }
        let len = t / blocks;
        let skip = t - len * blocks;
        let v = |x: &T| {
            let f: f64 = (*x).into();
            if f.is_finite() {
                f
            } else {
                0.0
            }
        };
        let n = trials.len();
        let mut center = Vec::with_capacity(n);
        let mut sum_y = vec![0.0; n * (blocks + 1)];
        let mut sum_y2 = vec![0.0; n * (blocks + 1)];
        for (k, r) in trials.iter().enumerate() {
            let rows = &r.as_ref()[skip..];
            let c = rows.iter().map(v).sum::<f64>() / rows.len() as f64;
            let mut total = [0.0; 2];
            for (b, block) in rows.chunks_exact(len).enumerate() {
                let mut s = [0.0; 2];
                for x in block {
                    let y = v(x) - c;
                    s[0] += y;
                    s[1] += y * y;
                }
                total[0] += s[0];
                total[1] += s[1];
                sum_y[b * n + k] = s[0];
                sum_y2[b * n + k] = s[1];
            }
            sum_y[blocks * n + k] = total[0];
            sum_y2[blocks * n + k] = total[1];
            center.push(c);
        }
        Some(BlockStats {
            blocks,
            block_len: len,
            trials: n,
            center,
            sum_y,
            sum_y2,
        })
    }

    /// Σ y and Σ y² of every trial over block `b` (`blocks`: the totals).
    fn block(&self, b: usize) -> (&[f64], &[f64]) {
        let r = b * self.trials..(b + 1) * self.trials;
        (&self.sum_y[r.clone()], &self.sum_y2[r])
    }

    /// The logit of one split (`mask` = the in-sample blocks) and the out-of-sample Sharpe of
    /// the in-sample best. Every trial's sums and Sharpes are computed as whole rows, each
    /// trial's in the same order of operations as one trial at a time.
    pub fn split(&self, mask: u32) -> (f64, f64) {
        let n = self.trials;
        // In-sample Σ y and Σ y², block by block in ascending order, from 0.
        let (mut is_y, mut is_y2) = (vec![0.0; n], vec![0.0; n]);
        let mut k = 0;
        for b in (0..self.blocks).filter(|b| mask & (1 << b) != 0) {
            let (y, y2) = self.block(b);
            for ((a, q), (y, y2)) in is_y.iter_mut().zip(&mut is_y2).zip(y.iter().zip(y2)) {
                *a += y;
                *q += y2;
            }
            k += 1;
        }
        let is_rows = (k * self.block_len) as f64;
        let oos_rows = ((self.blocks - k) * self.block_len) as f64;
        let (ty, ty2) = self.block(self.blocks);
        // In place: is_y becomes the in-sample Sharpes, is_y2 the out-of-sample ones.
        for (((a, q), c), (ty, ty2)) in is_y
            .iter_mut()
            .zip(&mut is_y2)
            .zip(&self.center)
            .zip(ty.iter().zip(ty2))
        {
            let (s, o) = ([*a, *q], [ty - *a, ty2 - *q]);
            *a = sharpe_of(*c, s, is_rows);
            *q = sharpe_of(*c, o, oos_rows);
        }
        let (is_sr, oos) = (is_y, is_y2);
        let mut best = 0;
        let mut best_sr = f64::NEG_INFINITY;
        for (i, &s) in is_sr.iter().enumerate() {
            if s > best_sr {
                best_sr = s;
                best = i;
            }
        }
        let x = oos[best];
        let (mut less, mut equal) = (0usize, 0usize);
        for &s in &oos {
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

/// Sharpe (mean / std, ddof 1) of `rows` rows of a trial centered at `center` whose sums of y
/// are `s` = [Σ y, Σ y²]; 0 when the std is 0 or not finite.
#[inline]
fn sharpe_of(center: f64, s: [f64; 2], rows: f64) -> f64 {
    let m = center + s[0] / rows;
    let ss = (s[1] - s[0] * s[0] / rows).max(0.0);
    let sd = (ss / (rows - 1.0)).sqrt();
    if sd > 0.0 && sd.is_finite() {
        m / sd
    } else {
        0.0
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
pub fn pbo_cscv<T: Copy + Into<f64>, R: AsRef<[T]>>(trials: &[R], blocks: usize) -> Option<Pbo> {
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

    /// The split as it was computed one trial at a time (trial-major sums): the row-wise split
    /// must give the same logits and out-of-sample Sharpes bit for bit.
    fn per_trial_split(bs: &BlockStats, mask: u32) -> (f64, f64) {
        let (n, s) = (bs.trials, bs.blocks);
        let is: Vec<usize> = (0..s).filter(|b| mask & (1 << b) != 0).collect();
        let is_rows = (is.len() * bs.block_len) as f64;
        let oos_rows = ((s - is.len()) * bs.block_len) as f64;
        let (mut best, mut best_sr, mut oos) = (0, f64::NEG_INFINITY, Vec::new());
        for k in 0..n {
            let mut sum = [0.0; 2];
            for &b in &is {
                sum[0] += bs.sum_y[b * n + k];
                sum[1] += bs.sum_y2[b * n + k];
            }
            let o = [bs.sum_y[s * n + k] - sum[0], bs.sum_y2[s * n + k] - sum[1]];
            let sr = sharpe_of(bs.center[k], sum, is_rows);
            if sr > best_sr {
                (best_sr, best) = (sr, k);
            }
            oos.push(sharpe_of(bs.center[k], o, oos_rows));
        }
        let x = oos[best];
        let less = oos.iter().filter(|&&v| v < x).count() as f64;
        let equal = oos.iter().filter(|&&v| v == x).count() as f64;
        let w = (less + (equal + 1.0) / 2.0) / (n as f64 + 1.0);
        ((w / (1.0 - w)).ln(), x)
    }

    #[test]
    fn row_wise_split_equals_the_per_trial_loop_bit_for_bit() {
        let mut rng = rotor_rng::SplitMix64::new(7);
        for (t, n, s) in [(1000, 37, 16), (300, 5, 4), (64, 2, 2)] {
            let mut m: Vec<Vec<f32>> = (0..n)
                .map(|_| {
                    (0..t)
                        .map(|_| ((rng.next_f64() - 0.5) * 0.02) as f32)
                        .collect()
                })
                .collect();
            m[1] = m[0].clone();
            m[n - 1][t / 3] = f32::NAN;
            let bs = BlockStats::new(&m, s).unwrap();
            for mask in cscv_splits(s) {
                let (a, b) = (bs.split(mask), per_trial_split(&bs, mask));
                assert_eq!(a.0.to_bits(), b.0.to_bits(), "logit, mask {mask:b}");
                assert_eq!(a.1.to_bits(), b.1.to_bits(), "oos Sharpe, mask {mask:b}");
            }
        }
    }

    /// The implementation before the block sums (per-block mean and squared deviations merged
    /// with Chan's update, each Sharpe from the raw blocks), kept as the oracle.
    struct Chan {
        blocks: usize,
        block_len: usize,
        trials: usize,
        mean: Vec<f64>,
        m2: Vec<f64>,
    }

    impl Chan {
        fn new(trials: &[Vec<f64>], blocks: usize) -> Chan {
            let t = trials[0].len();
            let len = t / blocks;
            let skip = t - len * blocks;
            let (mut mean, mut m2) = (Vec::new(), Vec::new());
            for r in trials {
                for b in 0..blocks {
                    let rows = &r[skip + b * len..skip + (b + 1) * len];
                    let m = rows.iter().sum::<f64>() / len as f64;
                    mean.push(m);
                    m2.push(rows.iter().map(|x| (x - m).powi(2)).sum::<f64>());
                }
            }
            Chan {
                blocks,
                block_len: len,
                trials: trials.len(),
                mean,
                m2,
            }
        }

        fn sharpe(&self, n: usize, mask: u32) -> f64 {
            let base = n * self.blocks;
            let k = mask.count_ones() as f64;
            let len = self.block_len as f64;
            let on = |b: usize| mask & (1 << b) != 0;
            let m = (0..self.blocks)
                .filter(|&b| on(b))
                .map(|b| self.mean[base + b])
                .fold(0.0, |a, x| a + x)
                / k;
            let ss = (0..self.blocks).filter(|&b| on(b)).fold(0.0, |a, b| {
                let d = self.mean[base + b] - m;
                a + self.m2[base + b] + len * d * d
            });
            let sd = (ss / (k * len - 1.0)).sqrt();
            if sd > 0.0 && sd.is_finite() {
                m / sd
            } else {
                0.0
            }
        }

        fn split(&self, mask: u32) -> (f64, f64) {
            let oos = ((1u32 << self.blocks) - 1) & !mask;
            let (mut best, mut best_sr) = (0, f64::NEG_INFINITY);
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
                let s = self.sharpe(n, oos);
                if s < x {
                    less += 1;
                } else if s == x {
                    equal += 1;
                }
            }
            let w = (less as f64 + (equal as f64 + 1.0) / 2.0) / (self.trials as f64 + 1.0);
            ((w / (1.0 - w)).ln(), x)
        }
    }

    /// Block sums give the same PBO, the same logits and the same out-of-sample Sharpes (to
    /// rounding) as the old implementation, on random matrices of several shapes, including
    /// trials with a real edge, identical trials (ties) and NaN rows.
    #[test]
    fn block_sums_match_the_old_implementation() {
        let mut rng = rotor_rng::SplitMix64::new(99);
        for (t, n, s) in [
            (400, 30, 8),
            (1000, 20, 16),
            (257, 7, 4),
            (3000, 8, 16),
            (64, 3, 2),
        ] {
            for edge in [0.0, 0.0005] {
                let mut m: Vec<Vec<f64>> = (0..n)
                    .map(|k| {
                        (0..t)
                            .map(|_| (rng.next_f64() - 0.5) * 0.02 + edge * k as f64 / n as f64)
                            .collect()
                    })
                    .collect();
                m[1] = m[0].clone();
                m[2][t / 2] = f64::NAN;
                let old = Chan::new(
                    &m.iter()
                        .map(|r| {
                            r.iter()
                                .map(|x| if x.is_finite() { *x } else { 0.0 })
                                .collect()
                        })
                        .collect::<Vec<Vec<f64>>>(),
                    s,
                );
                let new = BlockStats::new(&m, s).unwrap();
                let splits = cscv_splits(s);
                let a: Vec<(f64, f64)> = splits.iter().map(|&k| old.split(k)).collect();
                let b: Vec<(f64, f64)> = splits.iter().map(|&k| new.split(k)).collect();
                for (x, y) in a.iter().zip(&b) {
                    assert_eq!(x.0, y.0, "logit, T {t} N {n} S {s}");
                    assert!(
                        (x.1 - y.1).abs() <= 1e-12 * x.1.abs().max(1e-3),
                        "{x:?} {y:?}"
                    );
                }
                let (pa, pb) = (pbo_from_logits(&a).unwrap(), pbo_from_logits(&b).unwrap());
                assert_eq!(pa.pbo, pb.pbo);
                assert_eq!(pa.oos_loss, pb.oos_loss);
            }
        }
    }
}
