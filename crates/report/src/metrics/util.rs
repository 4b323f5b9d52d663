//! Numeric building blocks shared by the metric modules (numpy-compatible).
//!
//! Invariant: every function is total: empty or degenerate input gives `None` (or an empty
//! vector), never a panic and never a non-finite value wrapped in `Some`.

/// Keeps only the finite values.
pub fn finite(xs: &[f64]) -> Vec<f64> {
    xs.iter().copied().filter(|x| x.is_finite()).collect()
}

/// `Some(x)` if `x` is finite, else `None`.
pub fn some_finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Arithmetic mean (numpy `mean`); `None` for an empty slice.
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    some_finite(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Standard deviation with `ddof` delta degrees of freedom (numpy `std(ddof=...)`, two-pass);
/// `None` when `len <= ddof`.
pub fn std(xs: &[f64], ddof: usize) -> Option<f64> {
    if xs.len() <= ddof {
        return None;
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    some_finite((ss / (xs.len() - ddof) as f64).sqrt())
}

/// True when `x > 0` (false for NaN).
pub fn positive(x: f64) -> bool {
    x > 0.0
}

/// True when a dispersion `s` is zero or negligible next to the location `m` (1e-14 relative):
/// such a series is treated as constant, so ratios over `s` are undefined.
pub fn negligible(s: f64, m: f64) -> bool {
    !positive(s) || s <= 1e-14 * m.abs()
}

/// Percentile `q` in [0, 100] with numpy's default linear interpolation (`np.percentile`),
/// including numpy's symmetric lerp. `None` for an empty slice.
pub fn percentile(xs: &[f64], q: f64) -> Option<f64> {
    let mut s = finite(xs);
    if !(0.0..=100.0).contains(&q) {
        return None;
    }
    percentile_select(&mut s, q)
}

/// [`percentile`] on finite values by selection (`select_nth_unstable`, O(n)), not a sort:
/// reorders `s`. The same value as [`percentile_sorted`] on the sorted values.
pub fn percentile_select(s: &mut [f64], q: f64) -> Option<f64> {
    let (lo, hi, t) = percentile_position(s.len(), q)?;
    let (_, a, rest) = s.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    let b = if hi == lo {
        a
    } else {
        // The next order statistic: the least of the values above the lo-th.
        rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a)
    };
    lerp(a, b, t)
}

/// [`percentile_select`] of `s` whose first `k + 1` values are its `k + 1` least, in ascending
/// order (`f64::total_cmp`), as after a selection at `k` and a sort of the head: order
/// statistics up to `k` are read, the next one is the least of the rest, later ones are
/// selected in the rest only. The same value as [`percentile_select`]; reorders `s[k + 1..]`.
pub fn percentile_with_sorted_head(s: &mut [f64], k: usize, q: f64) -> Option<f64> {
    let (lo, hi, t) = percentile_position(s.len(), q)?;
    if k + 1 >= s.len() {
        return lerp(s[lo], s[hi], t);
    }
    let least_of = |v: &[f64], or: f64| v.iter().copied().min_by(f64::total_cmp).unwrap_or(or);
    let (a, b) = if lo < k {
        (s[lo], s[hi])
    } else if lo == k {
        let a = s[k];
        (
            a,
            if hi == lo {
                a
            } else {
                least_of(&s[k + 1..], a)
            },
        )
    } else {
        let (_, a, rest) = s[k + 1..].select_nth_unstable_by(lo - k - 1, f64::total_cmp);
        let a = *a;
        (a, if hi == lo { a } else { least_of(rest, a) })
    };
    lerp(a, b, t)
}

/// [`percentile`] on an already sorted, finite slice.
pub fn percentile_sorted(s: &[f64], q: f64) -> Option<f64> {
    let (lo, hi, t) = percentile_position(s.len(), q)?;
    lerp(s[lo], s[hi], t)
}

/// The two order statistics (ascending indices) numpy interpolates between for percentile `q`
/// of `len` values, and the weight of the upper one. `None` for no values.
fn percentile_position(len: usize, q: f64) -> Option<(usize, usize, f64)> {
    if len == 0 {
        return None;
    }
    let pos = q / 100.0 * (len - 1) as f64;
    let lo = (pos.floor() as usize).min(len - 1);
    let hi = (lo + 1).min(len - 1);
    Some((lo, hi, pos - lo as f64))
}

/// numpy's _lerp: `a + d*t`, but `b - d*(1-t)` when `t >= 0.5`; `None` when not finite.
fn lerp(a: f64, b: f64, t: f64) -> Option<f64> {
    let d = b - a;
    let v = if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    };
    some_finite(v)
}

/// Per-period rate equivalent to an annual rate: `(1 + annual)^(1/A) - 1`.
pub fn per_period_rate(annual: f64, periods_per_year: f64) -> f64 {
    if !annual.is_finite() || !positive(periods_per_year) || annual <= -1.0 {
        return 0.0;
    }
    (1.0 + annual).powf(1.0 / periods_per_year) - 1.0
}

/// Compounded return `prod(1 + r) - 1` over the finite values.
pub fn compound(xs: &[f64]) -> f64 {
    xs.iter()
        .filter(|x| x.is_finite())
        .fold(1.0, |w, r| w * (1.0 + r))
        - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The percentile read from a selected-and-sorted head equals the plain selection bit for
    /// bit, for every head size, with ties and both zeros.
    #[test]
    fn percentile_with_sorted_head_equals_selection() {
        let mut rng = rotor_rng::SplitMix64::new(5);
        for n in 1..60usize {
            let v: Vec<f64> = (0..n)
                .map(|i| match rng.below(6) {
                    0 => 0.0,
                    1 => -0.0,
                    2 => 0.01 * (i % 3) as f64,
                    _ => rng.next_f64() - 0.5,
                })
                .collect();
            for k in 0..n {
                let mut head = v.clone();
                head.select_nth_unstable_by(k, f64::total_cmp);
                head[..=k].sort_unstable_by(f64::total_cmp);
                for q in [0.0, 2.5, 5.0, 50.0, 95.0, 97.5, 100.0] {
                    let want = percentile_select(&mut v.clone(), q).map(f64::to_bits);
                    let got = percentile_with_sorted_head(&mut head, k, q).map(f64::to_bits);
                    assert_eq!(got, want, "n {n} k {k} q {q}");
                }
            }
        }
    }

    #[test]
    fn percentile_matches_numpy() {
        // np.percentile([1, 2, 3, 4], 5) == 1.15 ; np.percentile([1,2,3,4], 95) == 3.85
        assert!((percentile(&[4.0, 1.0, 3.0, 2.0], 5.0).unwrap() - 1.15).abs() < 1e-12);
        assert!((percentile(&[4.0, 1.0, 3.0, 2.0], 95.0).unwrap() - 3.85).abs() < 1e-12);
        assert_eq!(percentile(&[], 5.0), None);
        assert_eq!(percentile(&[2.0], 95.0), Some(2.0));
    }

    #[test]
    fn std_ddof() {
        assert_eq!(std(&[1.0], 1), None);
        assert!((std(&[1.0, 2.0, 3.0, 4.0], 1).unwrap() - 1.2909944487358056).abs() < 1e-15);
    }
}
