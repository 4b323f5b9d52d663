//! Deflated Sharpe Ratio (Bailey & Lopez de Prado 2014, "The Deflated Sharpe Ratio: Correcting
//! for Selection Bias, Backtest Overfitting and Non-Normality", J. Portfolio Management 40(5)).
//!
//! With N trials whose per-period Sharpe ratios have variance V, the Sharpe the best of N would
//! reach by luck alone is
//! `SR0 = sqrt(V) * ((1 - gamma) * PhiInv(1 - 1/N) + gamma * PhiInv(1 - 1/(N e)))`,
//! gamma the Euler-Mascheroni constant; the DSR is the Probabilistic Sharpe Ratio of the chosen
//! trial against SR0: `Phi((SR - SR0) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2))`, with SR
//! its per-period Sharpe (ddof 1), g3 its skewness and g4 its RAW kurtosis (plain moments,
//! scipy's bias=True), n its number of returns. Invariant: all Sharpes here are per period.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::metrics::util::{finite, mean, positive, some_finite};

/// Euler-Mascheroni constant.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// The parts of a Deflated Sharpe Ratio, all per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dsr {
    /// The deflated Sharpe ratio: probability that the true Sharpe exceeds `sr0`.
    pub dsr: f64,
    /// Per-period Sharpe of the chosen trial (ddof 1).
    pub sr: f64,
    /// Expected maximum per-period Sharpe of `n_trials` trials under the null.
    pub sr0: f64,
    /// Skewness of the chosen trial's returns (plain moments).
    pub skew: f64,
    /// Raw kurtosis (normal = 3) of the chosen trial's returns (plain moments).
    pub kurtosis: f64,
    /// Number of returns.
    pub n: usize,
    /// Number of trials.
    pub n_trials: usize,
}

/// Expected maximum per-period Sharpe of `n_trials` independent trials with Sharpe variance
/// `sr_variance` when every true Sharpe is zero (the False Strategy theorem's approximation).
/// `None` for fewer than 2 trials or a negative / non-finite variance.
pub fn expected_max_sharpe(n_trials: usize, sr_variance: f64) -> Option<f64> {
    if n_trials < 2 || sr_variance.is_nan() || sr_variance < 0.0 || sr_variance.is_infinite() {
        return None;
    }
    let n = n_trials as f64;
    let z = Normal::standard();
    let a = z.inverse_cdf(1.0 - 1.0 / n);
    let b = z.inverse_cdf(1.0 - 1.0 / (n * std::f64::consts::E));
    some_finite(sr_variance.sqrt() * ((1.0 - EULER_GAMMA) * a + EULER_GAMMA * b))
}

/// Probabilistic Sharpe Ratio of `r` (already excess of the risk-free rate) against the
/// per-period benchmark Sharpe `sr_star`, with its Sharpe, skew and raw kurtosis.
fn psr_parts(r: &[f64], sr_star: f64) -> Option<(f64, f64, f64, f64, usize)> {
    let x = finite(r);
    let n = x.len() as f64;
    if x.len() < 3 {
        return None;
    }
    let m = mean(&x)?;
    let ss: f64 = x.iter().map(|v| (v - m).powi(2)).sum();
    let sd = (ss / (n - 1.0)).sqrt();
    if !positive(sd) || sd <= 1e-14 * m.abs() {
        return None;
    }
    let sr = m / sd;
    let m2 = ss / n;
    let m3 = x.iter().map(|v| (v - m).powi(3)).sum::<f64>() / n;
    let m4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    let g3 = m3 / m2.powf(1.5);
    let g4 = m4 / (m2 * m2);
    let p = psr_from_moments(sr, sr_star, g3, g4, x.len())?;
    Some((p, sr, g3, g4, x.len()))
}

/// PSR from moments: `Phi((sr - sr_star) sqrt(n - 1) / sqrt(1 - skew sr + (kurtosis - 1)/4 sr^2))`,
/// per-period Sharpes, raw kurtosis. `None` when the variance term is not positive or n < 2.
pub fn psr_from_moments(sr: f64, sr_star: f64, skew: f64, kurtosis: f64, n: usize) -> Option<f64> {
    let var = 1.0 - skew * sr + (kurtosis - 1.0) / 4.0 * sr * sr;
    if !positive(var) || n < 2 {
        return None;
    }
    let z = (sr - sr_star) * ((n - 1) as f64).sqrt() / var.sqrt();
    some_finite(Normal::standard().cdf(z))
}

/// PSR of the returns `r` against a per-period Sharpe `sr_star` (Bailey & Lopez de Prado 2012).
pub fn psr_against(r: &[f64], sr_star: f64) -> Option<f64> {
    psr_parts(r, sr_star).map(|p| p.0)
}

/// Deflated Sharpe Ratio of the chosen trial's per-period (excess) returns `r`, given the
/// variance of the per-period Sharpes of all `n_trials` trials. `None` when the Sharpe is
/// undefined, when there are fewer than 2 trials, or when the variance term is not positive.
pub fn deflated_sharpe(r: &[f64], sr_variance: f64, n_trials: usize) -> Option<Dsr> {
    let sr0 = expected_max_sharpe(n_trials, sr_variance)?;
    let (dsr, sr, skew, kurtosis, n) = psr_parts(r, sr0)?;
    Some(Dsr {
        dsr,
        sr,
        sr0,
        skew,
        kurtosis,
        n,
        n_trials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_inputs() {
        assert_eq!(expected_max_sharpe(1, 0.1), None);
        assert_eq!(expected_max_sharpe(10, -1.0), None);
        assert_eq!(expected_max_sharpe(10, 0.0), Some(0.0));
        assert_eq!(deflated_sharpe(&[0.01; 10], 0.1, 10), None);
        // More trials, higher bar.
        let a = expected_max_sharpe(10, 0.01).unwrap();
        let b = expected_max_sharpe(1000, 0.01).unwrap();
        assert!(b > a && a > 0.0);
    }
}
