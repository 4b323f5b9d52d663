//! Cross-sectional kernels over the universe at one bar.
//!
//! Invariant: each works on one row (the universe's values at bar `t`) in place, treats NaN as
//! absent (it stays NaN, or 0 for `top`/`bottom`), and allocates nothing: the caller owns the
//! scratch index buffer.

use super::compile::CsOp;
use super::scalar::finite;

/// Applies `op` to `row` in place; `order` is scratch space of `row.len()`.
pub fn apply(op: CsOp, row: &mut [f64], order: &mut Vec<usize>) {
    match op {
        CsOp::Rank => rank(row, order),
        CsOp::Demean | CsOp::Zscore => {
            let n = row.iter().filter(|v| !v.is_nan()).count() as f64;
            let mean = row.iter().filter(|v| !v.is_nan()).sum::<f64>() / n;
            let scale = if op == CsOp::Zscore {
                let ss: f64 = row
                    .iter()
                    .filter(|v| !v.is_nan())
                    .map(|v| (v - mean) * (v - mean))
                    .sum();
                (ss / (n - 1.0)).sqrt()
            } else {
                1.0
            };
            for v in row.iter_mut() {
                *v = finite((*v - mean) / scale);
            }
        }
    }
}

/// Percentile rank like pandas `rank(pct=True)`: average rank among non-NaN values / their count.
fn rank(row: &mut [f64], order: &mut Vec<usize>) {
    order.clear();
    order.extend((0..row.len()).filter(|&i| !row[i].is_nan()));
    order.sort_by(|&a, &b| row[a].total_cmp(&row[b]));
    let n = order.len() as f64;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && row[order[j + 1]] == row[order[i]] {
            j += 1;
        }
        // Positions i..=j (0-based) share the average 1-based rank.
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            row[k] = r / n;
        }
        i = j + 1;
    }
}

/// `top(x, k)` (`largest`) or `bottom(x, k)`: 1 for the `k` largest (smallest) non-NaN values,
/// ties broken by universe order, 0 elsewhere.
pub fn pick(largest: bool, k: usize, row: &mut [f64], order: &mut Vec<usize>) {
    order.clear();
    order.extend((0..row.len()).filter(|&i| !row[i].is_nan()));
    if largest {
        order.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
    } else {
        order.sort_by(|&a, &b| row[a].total_cmp(&row[b]).then(a.cmp(&b)));
    }
    order.truncate(k);
    row.iter_mut().for_each(|v| *v = 0.0);
    for &i in order.iter() {
        row[i] = 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) {
        for (x, y) in a.iter().zip(b) {
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12,
                "{a:?} vs {b:?}"
            );
        }
    }

    #[test]
    fn rank_like_pandas_pct() {
        // pandas: Series([3, 1, nan, 3, 2]).rank(pct=True) -> [0.875, 0.25, nan, 0.875, 0.5]
        let mut r = [3.0, 1.0, N, 3.0, 2.0];
        apply(CsOp::Rank, &mut r, &mut Vec::new());
        same(&r, &[0.875, 0.25, N, 0.875, 0.5]);
    }

    #[test]
    fn demean_and_zscore() {
        let mut r = [1.0, N, 2.0, 6.0];
        apply(CsOp::Demean, &mut r, &mut Vec::new());
        same(&r, &[-2.0, N, -1.0, 3.0]);
        // mean 3, ss 14, std sqrt(7)
        let mut r = [1.0, N, 2.0, 6.0];
        apply(CsOp::Zscore, &mut r, &mut Vec::new());
        let s = 7.0f64.sqrt();
        same(&r, &[-2.0 / s, N, -1.0 / s, 3.0 / s]);
        let mut r = [4.0, 4.0];
        apply(CsOp::Zscore, &mut r, &mut Vec::new());
        same(&r, &[N, N]);
    }

    #[test]
    fn top_and_bottom_break_ties_by_universe_order() {
        let mut r = [2.0, 5.0, N, 5.0, 1.0];
        pick(true, 1, &mut r, &mut Vec::new());
        assert_eq!(r, [0.0, 1.0, 0.0, 0.0, 0.0]);
        let mut r = [2.0, 5.0, N, 5.0, 1.0];
        pick(true, 3, &mut r, &mut Vec::new());
        assert_eq!(r, [1.0, 1.0, 0.0, 1.0, 0.0]);
        let mut r = [2.0, 1.0, N, 1.0, 5.0];
        pick(false, 1, &mut r, &mut Vec::new());
        assert_eq!(r, [0.0, 1.0, 0.0, 0.0, 0.0]);
        let mut r = [N, 3.0];
        pick(false, 2, &mut r, &mut Vec::new());
        assert_eq!(r, [0.0, 1.0]);
    }
}
