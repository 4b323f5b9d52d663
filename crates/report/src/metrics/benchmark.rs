//! Metrics of the strategy's returns against a benchmark's returns (empyrical conventions).
//!
//! Invariant: only bars where both returns are finite are used (pairwise deletion, as empyrical's
//! nan-aware alignment does); the benchmark's first bar has no return and is always dropped;
//! undefined values (too few pairs, zero variance) are `None`.

use super::returns::cagr;
use super::util::{mean, negligible, some_finite, std};

/// The finite `(r, b)` pairs, each minus the per-period risk-free rate `rf`.
pub fn pairs(r: &[f64], b: &[f64], rf: f64) -> (Vec<f64>, Vec<f64>) {
    r.iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| (x - rf, y - rf))
        .unzip()
}

/// Beta (empyrical `beta`): `cov(r, b) / var(b)`, both with ddof 0.
pub fn beta(r: &[f64], b: &[f64]) -> Option<f64> {
    let (x, y) = pairs(r, b, 0.0);
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (mean(&x)?, mean(&y)?);
    let var = y.iter().map(|v| (v - my).powi(2)).sum::<f64>() / y.len() as f64;
    if negligible(var.sqrt(), my) {
        return None;
    }
    let cov = x
        .iter()
        .zip(&y)
        .map(|(a, c)| (a - mx) * (c - my))
        .sum::<f64>()
        / x.len() as f64;
    some_finite(cov / var)
}

/// Annualized alpha (empyrical `alpha`): `(1 + mean((r - rf) - beta * (b - rf)))^A - 1`.
pub fn alpha(r: &[f64], b: &[f64], rf: f64, periods_per_year: f64) -> Option<f64> {
    let (x, y) = pairs(r, b, rf);
    let bt = beta(&x, &y)?;
    let resid: Vec<f64> = x.iter().zip(&y).map(|(a, c)| a - bt * c).collect();
    some_finite((1.0 + mean(&resid)?).powf(periods_per_year) - 1.0)
}

/// Active returns `r - b` over the finite pairs.
fn active(r: &[f64], b: &[f64]) -> Vec<f64> {
    let (x, y) = pairs(r, b, 0.0);
    x.iter().zip(&y).map(|(a, c)| a - c).collect()
}

/// Information ratio: empyrical `excess_sharpe` = `mean(r - b) / std(r - b, ddof=1)`, here
/// ANNUALIZED by `sqrt(A)` (empyrical's is not).
pub fn information_ratio(r: &[f64], b: &[f64], periods_per_year: f64) -> Option<f64> {
    let a = active(r, b);
    let (m, s) = (mean(&a)?, std(&a, 1)?);
    if negligible(s, m) {
        return None;
    }
    some_finite(m / s * periods_per_year.sqrt())
}

/// Tracking error: `std(r - b, ddof=1) * sqrt(A)` (annualized).
pub fn tracking_error(r: &[f64], b: &[f64], periods_per_year: f64) -> Option<f64> {
    some_finite(std(&active(r, b), 1)? * periods_per_year.sqrt())
}

/// Pearson correlation of the pairs (numpy `corrcoef`).
pub fn correlation(r: &[f64], b: &[f64]) -> Option<f64> {
    let (x, y) = pairs(r, b, 0.0);
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (mean(&x)?, mean(&y)?);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, c) in x.iter().zip(&y) {
        sxy += (a - mx) * (c - my);
        sxx += (a - mx).powi(2);
        syy += (c - my).powi(2);
    }
    if negligible(sxx.sqrt(), mx) || negligible(syy.sqrt(), my) {
        return None;
    }
    some_finite(sxy / (sxx * syy).sqrt())
}

fn capture(r: &[f64], b: &[f64], periods_per_year: f64, keep: impl Fn(f64) -> bool) -> Option<f64> {
    let (all_x, all_y) = pairs(r, b, 0.0);
    let (x, y): (Vec<f64>, Vec<f64>) = all_x
        .into_iter()
        .zip(all_y)
        .filter(|(_, c)| keep(*c))
        .unzip();
    let den = cagr(&y, periods_per_year)?;
    if den == 0.0 {
        return None;
    }
    some_finite(cagr(&x, periods_per_year)? / den)
}

/// Up capture (empyrical `up_capture`): CAGR of r over the bars where b > 0 divided by the CAGR of
/// b over those bars (both by the number of those bars).
pub fn up_capture(r: &[f64], b: &[f64], periods_per_year: f64) -> Option<f64> {
    capture(r, b, periods_per_year, |c| c > 0.0)
}

/// Down capture (empyrical `down_capture`): as [`up_capture`] over the bars where b < 0.
pub fn down_capture(r: &[f64], b: &[f64], periods_per_year: f64) -> Option<f64> {
    capture(r, b, periods_per_year, |c| c < 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_series() {
        let r = [0.01, -0.02, 0.03, 0.0, -0.01];
        assert!((beta(&r, &r).unwrap() - 1.0).abs() < 1e-12);
        assert!((correlation(&r, &r).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(information_ratio(&r, &r, 252.0), None);
        assert!((up_capture(&r, &r, 252.0).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(beta(&r, &[0.0; 5]), None);
    }
}
