//! Every indicator against a naive recomputation over the same window, on random series.

use proptest::prelude::*;

use super::*;

fn mean(w: &[f64]) -> f64 {
    w.iter().sum::<f64>() / w.len() as f64
}

fn cov(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (a.len() - 1) as f64
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * scale.max(1.0)
}

fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-50.0f64..150.0, 1..300)
}

fn pairs() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((-0.1f64..0.1, -0.2f64..0.2), 1..300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sma_matches_naive(xs in series(), n in 1usize..40) {
        let mut s = Sma::new(n);
        for (i, &x) in xs.iter().enumerate() {
            s.push(x);
            let naive = if i + 1 < n { f64::NAN } else { mean(&xs[i + 1 - n..=i]) };
            prop_assert!(close(s.value(), naive, 150.0), "i={} {} {}", i, s.value(), naive);
        }
    }

    #[test]
    fn ema_matches_the_explicit_weighted_sum(xs in series(), n in 1usize..40) {
        let mut e = Ema::new(n);
        let a = e.alpha();
        for (i, &x) in xs.iter().enumerate() {
            e.push(x);
            // adjust=False: sum_{k<i} a (1-a)^k x[i-k] + (1-a)^i x[0].
            let mut naive = (1.0 - a).powi(i as i32) * xs[0];
            for k in 0..i {
                naive += a * (1.0 - a).powi(k as i32) * xs[i - k];
            }
            if i + 1 < n { naive = f64::NAN; }
            prop_assert!(close(e.value(), naive, 150.0), "i={} {} {}", i, e.value(), naive);
        }
    }

    #[test]
    fn momentum_matches_naive(xs in prop::collection::vec(1.0f64..200.0, 1..200), lookback in 1usize..30, skip in 0usize..10) {
        let mut m = Momentum::new(lookback, skip);
        for (i, &x) in xs.iter().enumerate() {
            m.push(x);
            let naive = if i >= lookback + skip { xs[i - skip] / xs[i - skip - lookback] - 1.0 } else { f64::NAN };
            prop_assert!(close(m.value(), naive, 1.0));
        }
    }

    #[test]
    fn std_and_zscore_match_naive(xs in series(), n in 2usize..40) {
        let mut s = RollingStd::new(n);
        let mut z = ZScore::new(n);
        for (i, &x) in xs.iter().enumerate() {
            s.push(x);
            z.push(x);
            if i + 1 < n {
                prop_assert!(s.value().is_nan() && z.value().is_nan());
                continue;
            }
            let w = &xs[i + 1 - n..=i];
            let sd = cov(w, w).sqrt();
            prop_assert!(close(s.value(), sd, 100.0), "i={} {} {}", i, s.value(), sd);
            if sd > 1e-6 {
                let zn = (x - mean(w)) / sd;
                prop_assert!((z.value() - zn).abs() <= 1e-7 * zn.abs().max(1.0), "{} {}", z.value(), zn);
            }
        }
    }

    #[test]
    fn beta_correlation_and_cov_match_naive(ps in pairs(), n in 2usize..40) {
        let mut b = RollingBeta::new(n);
        let mut c = RollingCorrelation::new(n);
        let mut v = RollingCov::new(n);
        for i in 0..ps.len() {
            let (x, y) = ps[i];
            b.push(x, y);
            c.push(x, y);
            v.push(x, y);
            if i + 1 < n {
                prop_assert!(b.value().is_nan() && c.value().is_nan() && v.cov().is_nan());
                continue;
            }
            let xs: Vec<f64> = ps[i + 1 - n..=i].iter().map(|p| p.0).collect();
            let ys: Vec<f64> = ps[i + 1 - n..=i].iter().map(|p| p.1).collect();
            let (cxy, vx, vy) = (cov(&xs, &ys), cov(&xs, &xs), cov(&ys, &ys));
            prop_assert!((v.cov() - cxy).abs() <= 1e-12);
            prop_assert!((b.value() - cxy / vx).abs() <= 1e-7 * (cxy / vx).abs().max(1.0));
            let r = cxy / (vx * vy).sqrt();
            prop_assert!((c.value() - r).abs() <= 1e-7, "{} {}", c.value(), r);
        }
    }
}

#[test]
fn long_runs_do_not_drift() {
    // 200k updates of a large-level series with tiny variance: the periodic resync keeps the
    // std exact where a running sum of squares would have lost every digit.
    let n = 50;
    let mut s = RollingStd::new(n);
    let xs: Vec<f64> = (0..200_000)
        .map(|i| 1e6 + ((i * 7919) % 101) as f64 * 1e-3)
        .collect();
    for &x in &xs {
        s.push(x);
    }
    let w = &xs[xs.len() - n..];
    let sd = cov(w, w).sqrt();
    assert!((s.value() - sd).abs() <= 1e-9 * sd, "{} {}", s.value(), sd);
}
