//! [`ReturnPass`] against the per-metric reference functions, bit for bit.

use super::*;
use crate::metrics::bootstrap::{bootstrap_intervals, intervals_and_stability};
use crate::metrics::util::{finite, percentile_sorted};
use crate::metrics::{confidence, returns as rt};
use rotor_rng::SplitMix64;

/// Bit pattern of an optional value, so that the comparison is exact (and -0.0 != 0.0).
fn bits(v: Option<f64>) -> Option<u64> {
    v.map(f64::to_bits)
}

/// Random return series with the awkward values the metrics must survive: NaN gaps, exact
/// zeros of both signs, a -100% bar, constant runs, tiny and huge magnitudes.
fn series(rng: &mut SplitMix64, n: usize, kind: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let u = rng.next_f64();
            match kind {
                0 => (u - 0.49) / 25.0,
                1 if u < 0.1 => f64::NAN,
                1 if u < 0.2 => 0.0,
                1 if u < 0.25 => -0.0,
                1 => (u - 0.5) / 40.0,
                2 => 0.001,
                3 if i == n / 2 => -1.0,
                3 => (u - 0.45) / 10.0,
                4 => (u - 0.5) * 1e-12 + 1e-3,
                _ => (u - 0.5) * 3.0,
            }
        })
        .collect()
}

fn reference_tails(r: &[f64]) -> Tails {
    let mut s = finite(r);
    s.sort_by(f64::total_cmp);
    let p = |q| percentile_sorted(&s, q);
    let tail = match (p(5.0), p(95.0)) {
        (Some(lo), Some(hi)) if lo.abs() > 0.0 => some_finite(hi.abs() / lo.abs()),
        _ => None,
    };
    Tails {
        var_95: p(5.0),
        cvar_95: rt::cvar_95(r),
        tail_ratio: tail,
    }
}

#[test]
fn every_metric_is_bit_identical_to_its_reference() {
    let mut rng = SplitMix64::new(42);
    let mut checked = 0;
    for n in [0usize, 1, 2, 3, 4, 5, 7, 60, 257, 2500] {
        for kind in 0..6 {
            let r = series(&mut rng, n, kind);
            for rf in [0.0, -0.0, 0.0001, -0.00002] {
                for a in [252.0, 98_280.0, 12.0, 0.0] {
                    if n > 300 && (a != 252.0 || rf < 0.0) {
                        continue; // keep the debug build quick
                    }
                    let mut p = ReturnPass::new(&r, rf, a);
                    let cases = [
                        ("total_return", p.total_return(), rt::total_return(&r)),
                        ("cagr", p.cagr(), rt::cagr(&r, a)),
                        ("vol", p.annual_volatility(), rt::annual_volatility(&r, a)),
                        ("sharpe", p.sharpe(), rt::sharpe(&r, rf, a)),
                        ("sortino", p.sortino(), rt::sortino(&r, rf, a)),
                        ("omega", p.omega(), rt::omega(&r, rf)),
                        ("skew", p.skew(), rt::skew(&r)),
                        ("kurtosis", p.kurtosis(), rt::kurtosis(&r)),
                        ("best", p.best(), rt::best(&r)),
                        ("worst", p.worst(), rt::worst(&r)),
                        ("win_rate_days", p.win_rate_days(), rt::win_rate_days(&r)),
                        ("sharpe_se", p.sharpe_se(), confidence::sharpe_se(&r, rf, a)),
                        ("psr", p.psr(), confidence::psr(&r, rf)),
                    ];
                    for (name, got, want) in cases {
                        assert_eq!(
                            bits(got),
                            bits(want),
                            "{name}: n {n} kind {kind} rf {rf} a {a}: {got:?} vs {want:?}"
                        );
                        checked += usize::from(want.is_some());
                    }
                    let (ci, stab) = intervals_and_stability(p.finite(), rf, a);
                    assert_eq!(bits(stab), bits(rt::stability(&r)), "stability n {n}");
                    if n <= 60 && a == 252.0 {
                        assert_eq!(ci, bootstrap_intervals(&r, rf, a), "intervals n {n}");
                    }
                    let t = p.tails();
                    let want = reference_tails(&r);
                    assert_eq!(bits(t.var_95), bits(want.var_95), "var n {n} kind {kind}");
                    assert_eq!(
                        bits(t.cvar_95),
                        bits(want.cvar_95),
                        "cvar n {n} kind {kind}"
                    );
                    assert_eq!(bits(t.tail_ratio), bits(want.tail_ratio), "tail n {n}");
                }
            }
        }
    }
    // The comparison is not vacuous: most metrics are defined on most series.
    assert!(checked > 3_000, "only {checked} defined values compared");
}
