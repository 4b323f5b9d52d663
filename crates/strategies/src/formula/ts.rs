//! Rolling (time-series) kernels over one column.
//!
//! Invariant: `out[t]` reads `x[..=t]` only. A window is the last `n` values including `t`;
//! the result is NaN until the window is full and whenever a value in it is NaN (pandas'
//! `rolling(n)` with `min_periods = n`), and NaN rather than ±inf.

use super::compile::TsOp;
use super::scalar::finite;

/// `op(x, n)` for every bar.
pub fn apply(op: TsOp, x: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; x.len()];
    apply_into(op, x, n, &mut out);
    out
}

/// [`apply`], written into `out` (as long as `x`), so a caller can reserve it beforehand.
pub fn apply_into(op: TsOp, x: &[f64], n: usize, out: &mut [f64]) {
    out.fill(f64::NAN);
    match op {
        TsOp::Delay => shifted(x, n, out, |_, old| old),
        TsOp::PctChange => shifted(x, n, out, |cur, old| finite(cur / old - 1.0)),
        TsOp::Sum => rolling_sum(x, n, 1.0, out),
        TsOp::Mean => rolling_sum(x, n, 1.0 / n as f64, out),
        TsOp::Ema => ema(x, n, out),
        TsOp::Min => window(x, n, out, |w| {
            w.iter().copied().fold(f64::INFINITY, f64::min)
        }),
        TsOp::Max => window(x, n, out, |w| {
            w.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        }),
        TsOp::Std => window(x, n, out, |w| mean_std(w).1),
        TsOp::Zscore => window(x, n, out, |w| {
            let (m, s) = mean_std(w);
            finite((w[w.len() - 1] - m) / s)
        }),
        TsOp::Rank => window(x, n, out, |w| {
            let last = w[w.len() - 1];
            let below = w.iter().filter(|&&v| v < last).count() as f64;
            let equal = w.iter().filter(|&&v| v == last).count() as f64;
            (below + (equal + 1.0) / 2.0) / w.len() as f64
        }),
    }
}

/// `f(x[t], x[t - n])` from bar `n` on (`out` is NaN before).
fn shifted(x: &[f64], n: usize, out: &mut [f64], f: impl Fn(f64, f64) -> f64) {
    for t in n..x.len() {
        out[t] = f(x[t], x[t - n]);
    }
}

/// `f` of every full window without NaN.
fn window(x: &[f64], n: usize, out: &mut [f64], f: impl Fn(&[f64]) -> f64) {
    let mut nan_run_end = 0; // windows starting before this index contain a NaN
    for t in 0..x.len() {
        if x[t].is_nan() {
            nan_run_end = t + 1;
        }
        if t + 1 >= n && t + 1 - n >= nan_run_end {
            out[t] = finite(f(&x[t + 1 - n..=t]));
        }
    }
}

/// Mean and sample standard deviation (ddof 1) by two passes.
fn mean_std(w: &[f64]) -> (f64, f64) {
    let n = w.len() as f64;
    let m = w.iter().sum::<f64>() / n;
    let ss: f64 = w.iter().map(|v| (v - m) * (v - m)).sum();
    (m, (ss / (n - 1.0)).sqrt())
}

/// Rolling sum times `scale`, with a compensated running sum (O(1) per bar).
fn rolling_sum(x: &[f64], n: usize, scale: f64, out: &mut [f64]) {
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    let mut nans = 0usize;
    let add = |v: f64, sum: &mut f64, comp: &mut f64| {
        // Neumaier's compensated summation.
        let s = *sum + v;
        if sum.abs() >= v.abs() {
            *comp += (*sum - s) + v;
        } else {
            *comp += (v - s) + *sum;
        }
        *sum = s;
    };
    for t in 0..x.len() {
        if x[t].is_nan() {
            nans += 1;
        } else {
            add(x[t], &mut sum, &mut comp);
        }
        if t >= n {
            let old = x[t - n];
            if old.is_nan() {
                nans -= 1;
            } else {
                add(-old, &mut sum, &mut comp);
            }
        }
        if t + 1 >= n && nans == 0 {
            out[t] = finite((sum + comp) * scale);
        }
    }
}

/// EMA with alpha `2/(n+1)`, seeded with the mean of the first `n` consecutive values; a NaN
/// gives NaN at its bar and restarts the seeding.
fn ema(x: &[f64], n: usize, out: &mut [f64]) {
    let alpha = 2.0 / (n as f64 + 1.0);
    let mut seen = 0usize;
    let mut acc = 0.0;
    for t in 0..x.len() {
        let v = x[t];
        if v.is_nan() {
            seen = 0;
            acc = 0.0;
            continue;
        }
        if seen < n {
            acc += v;
            seen += 1;
            if seen == n {
                acc /= n as f64;
                out[t] = acc;
            }
        } else {
            acc = alpha * v + (1.0 - alpha) * acc;
            out[t] = finite(acc);
        }
    }
}

/// Rolling Pearson correlation of `x` and `y` over `n` (NaN when either varies by 0).
pub fn corr(x: &[f64], y: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; x.len()];
    corr_into(x, y, n, &mut out);
    out
}

/// [`corr`], written into `out` (as long as `x`, NaN where undefined).
pub fn corr_into(x: &[f64], y: &[f64], n: usize, out: &mut [f64]) {
    out.fill(f64::NAN);
    let mut nan_run_end = 0;
    for t in 0..x.len() {
        if x[t].is_nan() || y[t].is_nan() {
            nan_run_end = t + 1;
        }
        if t + 1 >= n && t + 1 - n >= nan_run_end {
            let (a, b) = (&x[t + 1 - n..=t], &y[t + 1 - n..=t]);
            let (ma, mb) = (
                a.iter().sum::<f64>() / n as f64,
                b.iter().sum::<f64>() / n as f64,
            );
            let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
            for (u, v) in a.iter().zip(b) {
                sab += (u - ma) * (v - mb);
                saa += (u - ma) * (u - ma);
                sbb += (v - mb) * (v - mb);
            }
            out[t] = if saa > 0.0 && sbb > 0.0 {
                finite(sab / (saa * sbb).sqrt())
            } else {
                f64::NAN
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: f64 = f64::NAN;

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * y.abs().max(1.0),
                "at {i}: {x} vs {y} in {a:?}"
            );
        }
    }

    #[test]
    fn shifts() {
        let x = [1.0, 2.0, 4.0, N, 5.0];
        close(&apply(TsOp::Delay, &x, 1), &[N, 1.0, 2.0, 4.0, N]);
        close(&apply(TsOp::Delay, &x, 2), &[N, N, 1.0, 2.0, 4.0]);
        close(&apply(TsOp::PctChange, &x, 1), &[N, 1.0, 1.0, N, N]);
        close(&apply(TsOp::PctChange, &x, 2), &[N, N, 3.0, N, 0.25]);
        close(&apply(TsOp::PctChange, &[0.0, 1.0], 1), &[N, N]);
    }

    #[test]
    fn sums_and_means_skip_windows_with_nan() {
        let x = [1.0, 2.0, 4.0, N, 5.0, 6.0, 7.0];
        close(&apply(TsOp::Sum, &x, 2), &[N, 3.0, 6.0, N, N, 11.0, 13.0]);
        close(&apply(TsOp::Mean, &x, 3), &[N, N, 7.0 / 3.0, N, N, N, 6.0]);
        close(
            &apply(TsOp::Mean, &x, 1),
            &[1.0, 2.0, 4.0, N, 5.0, 6.0, 7.0],
        );
    }

    #[test]
    fn min_max_std_zscore_rank() {
        let x = [3.0, 1.0, 2.0, 2.0, 5.0];
        close(&apply(TsOp::Min, &x, 3), &[N, N, 1.0, 1.0, 2.0]);
        close(&apply(TsOp::Max, &x, 3), &[N, N, 3.0, 2.0, 5.0]);
        // window [3,1,2]: mean 2, ss 2, std 1; [1,2,2]: mean 5/3, ss 2/3, std sqrt(1/3);
        // [2,2,5]: mean 3, ss 6, std sqrt(3)
        close(
            &apply(TsOp::Std, &x, 3),
            &[N, N, 1.0, (1.0f64 / 3.0).sqrt(), 3.0f64.sqrt()],
        );
        close(
            &apply(TsOp::Zscore, &x, 3),
            &[
                N,
                N,
                0.0,
                (2.0 - 5.0 / 3.0) / (1.0f64 / 3.0).sqrt(),
                2.0 / 3.0f64.sqrt(),
            ],
        );
        // rank of the last value in its window, ties averaged, / n:
        // [3,1,2] -> 2/3; [1,2,2] -> 2.5/3; [2,2,5] -> 3/3
        close(
            &apply(TsOp::Rank, &x, 3),
            &[N, N, 2.0 / 3.0, 2.5 / 3.0, 1.0],
        );
        close(&apply(TsOp::Std, &[1.0, 1.0], 2), &[N, 0.0]);
        close(&apply(TsOp::Zscore, &[1.0, 1.0], 2), &[N, N]);
    }

    #[test]
    fn ema_is_seeded_with_the_first_mean() {
        // n = 3, alpha = 0.5: seed mean(1,2,3) = 2 at t=2; then 0.5*4 + 0.5*2 = 3; 0.5*8 + 1.5 = 5.5
        let x = [1.0, 2.0, 3.0, 4.0, 8.0];
        close(&apply(TsOp::Ema, &x, 3), &[N, N, 2.0, 3.0, 5.5]);
        close(
            &apply(TsOp::Ema, &[N, 2.0, 4.0, N, 1.0], 2),
            &[N, N, 3.0, N, N],
        );
    }

    #[test]
    fn correlation() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [2.0, 4.0, 6.0, 1.0];
        // [2,3,4] vs [4,6,1]: dx = -1,0,1; dy = 1/3, 7/3, -8/3 -> sab = -3, saa = 2,
        // sbb = (1 + 49 + 64)/9 = 114/9 -> -3 / sqrt(228/9) = -9 / sqrt(228)
        close(&corr(&x, &y, 3), &[N, N, 1.0, -9.0 / 228.0f64.sqrt()]);
        close(&corr(&x, &[1.0, 1.0, 1.0, 1.0], 2), &[N, N, N, N]);
    }
}
