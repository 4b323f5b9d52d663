//! Analytic uncertainty of the Sharpe ratio: two standard errors, each labelled by its
//! assumptions (Lo 2002 with serial correlation; Mertens 2002 non-normal iid), and the Bailey &
//! Lopez de Prado (2012) Probabilistic Sharpe Ratio, which uses the second.
//!
//! Invariant: inputs are per-period returns (non-finite ones dropped) and the per-period
//! risk-free rate; outputs are `None` whenever the Sharpe ratio itself is undefined or a variance
//! term is not positive.

use statrs::distribution::{ContinuousCDF, Normal};

use super::returns::sharpe_per_period;
use super::util::{finite, mean, positive, some_finite};

/// Sample autocorrelation at lag k (statsmodels `acf`, no bias correction):
/// `sum_{t>=k} (x_t - m)(x_{t-k} - m) / sum_t (x_t - m)^2`.
pub fn autocorrelation(x: &[f64], k: usize) -> Option<f64> {
    if k >= x.len() {
        return None;
    }
    let m = mean(x)?;
    let den: f64 = x.iter().map(|v| (v - m).powi(2)).sum();
    if !positive(den) {
        return None;
    }
    let num: f64 = (k..x.len()).map(|t| (x[t] - m) * (x[t - k] - m)).sum();
    some_finite(num / den)
}

/// Number of autocorrelation lags used by [`sharpe_se`]: the Newey-West (1994) rule
/// `floor(4 (n / 100)^(2/9))`, at most `A - 1` and `n - 2`.
pub fn lo_lags(n: usize, periods_per_year: f64) -> usize {
    let k = (4.0 * (n as f64 / 100.0).powf(2.0 / 9.0)).floor() as usize;
    k.min((periods_per_year - 1.0).max(0.0) as usize)
        .min(n.saturating_sub(2))
}

/// Lo (2002) eta(q) with q = A: `q / sqrt(q + 2 sum_{k=1}^{K} (q - k) rho_k)`, the factor that
/// turns a per-period Sharpe into an annual one under serial correlation (`sqrt(q)` when iid).
/// Autocorrelations beyond K = [`lo_lags`] are taken as 0.
pub fn lo_eta(r: &[f64], periods_per_year: f64) -> Option<f64> {
    let x = finite(r);
    let q = periods_per_year;
    if !positive(q) {
        return None;
    }
    let mut v = q;
    for k in 1..=lo_lags(x.len(), q) {
        v += 2.0 * (q - k as f64) * autocorrelation(&x, k)?;
    }
    if !positive(v) {
        return None;
    }
    some_finite(q / v.sqrt())
}

/// Standard error of the ANNUALIZED Sharpe ratio, Lo (2002) with the serial-correlation
/// adjustment: `SE = eta(A) * sqrt((1 + SR^2 / 2) / n)`, SR the per-period Sharpe of `r - rf`,
/// `sqrt((1 + SR^2/2)/n)` Lo's iid per-period SE and eta(A) his annualization factor
/// ([`lo_eta`], which is `sqrt(A)` for uncorrelated returns). The sampling error of the rho_k
/// themselves is ignored (Lo's simpler approximation, not his full GMM variance).
pub fn sharpe_se(r: &[f64], rf: f64, periods_per_year: f64) -> Option<f64> {
    let n = finite(r).len();
    let sr = sharpe_per_period(r, rf)?;
    some_finite(lo_eta(r, periods_per_year)? * ((1.0 + sr * sr / 2.0) / n as f64).sqrt())
}

/// The excess returns' per-period Sharpe (ddof 1), count and central moments m2, m3, m4
/// (plain, divided by n).
fn moments(r: &[f64], rf: f64) -> Option<(f64, f64, f64, f64, f64)> {
    let x: Vec<f64> = finite(r).iter().map(|v| v - rf).collect();
    let n = x.len() as f64;
    let sr = sharpe_per_period(&x, 0.0)?;
    let m = mean(&x)?;
    let m2 = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
    let m3 = x.iter().map(|v| (v - m).powi(3)).sum::<f64>() / n;
    let m4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    Some((sr, n, m2, m3, m4))
}

/// Standard error of the PER-PERIOD Sharpe `sr` for non-normal iid returns (Mertens 2002), as
/// the PSR uses it: `sqrt((1 - g3 SR + (g4 - 1) / 4 SR^2) / (n - 1))`, g3 the plain-moment
/// skewness and g4 the RAW kurtosis (scipy `skew`, `kurtosis(fisher=False)`, bias=True), from
/// the central moments m2, m3, m4 (plain, divided by n) of the `n` excess returns.
pub fn mertens_se_from_central_moments(sr: f64, n: f64, m2: f64, m3: f64, m4: f64) -> Option<f64> {
    let g3 = m3 / m2.powf(1.5);
    let g4 = m4 / (m2 * m2);
    let var = 1.0 - g3 * sr + (g4 - 1.0) / 4.0 * sr * sr;
    if !positive(var) || n < 2.0 {
        return None;
    }
    some_finite((var / (n - 1.0)).sqrt())
}

/// Standard error of the ANNUAL Sharpe for non-normal iid returns (Mertens 2002): the
/// per-period SE the PSR uses, times `sqrt(A)`. No serial-correlation adjustment (that is
/// [`sharpe_se`]), so `psr == Phi(sharpe / sharpe_se_iid)`.
pub fn sharpe_se_iid(r: &[f64], rf: f64, periods_per_year: f64) -> Option<f64> {
    if !positive(periods_per_year) {
        return None;
    }
    let (sr, n, m2, m3, m4) = moments(r, rf)?;
    some_finite(mertens_se_from_central_moments(sr, n, m2, m3, m4)? * periods_per_year.sqrt())
}

/// Probabilistic Sharpe Ratio against SR* = 0 (Bailey & Lopez de Prado 2012):
/// `Phi(SR * sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2))`, i.e. `Phi(SR / SE)` with the
/// non-normal iid standard error of Mertens (2002), not Lo's autocorrelation-adjusted one.
pub fn psr(r: &[f64], rf: f64) -> Option<f64> {
    let (sr, n, m2, m3, m4) = moments(r, rf)?;
    psr_from_central_moments(sr, n, m2, m3, m4)
}

/// [`psr`] from the per-period Sharpe `sr` of `n` excess returns and their central moments
/// m2, m3, m4 (plain, divided by n).
pub fn psr_from_central_moments(sr: f64, n: f64, m2: f64, m3: f64, m4: f64) -> Option<f64> {
    let se = mertens_se_from_central_moments(sr, n, m2, m3, m4)?;
    if !positive(se) {
        return None;
    }
    some_finite(Normal::standard().cdf(sr / se))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iid_eta_is_sqrt_a() {
        // too short for any lag: eta = sqrt(A)
        assert_eq!(lo_lags(2, 252.0), 0);
        let r = [0.01, -0.005];
        assert!((lo_eta(&r, 252.0).unwrap() - 252f64.sqrt()).abs() < 1e-12);
        assert_eq!(lo_lags(1000, 252.0), 6);
        assert_eq!(psr(&[0.0; 5], 0.0), None);
    }

    /// Issue 13.7: the PSR is Phi(annual Sharpe / sharpe_se_iid), and the iid SE differs from
    /// Lo's autocorrelation-adjusted one on a serially correlated series.
    #[test]
    fn psr_uses_the_iid_standard_error_not_los() {
        // AR(1)-like, skewed: r_t = 0.0005 + 0.6 r_{t-1} + e_t with a lopsided e.
        let mut r = Vec::new();
        let mut prev = 0.0;
        for t in 0..500u32 {
            let e = (((t * 7919) % 101) as f64 / 101.0 - 0.45).powi(3) * 0.05;
            prev = 0.0005 + 0.6 * prev + e;
            r.push(prev);
        }
        let a = 252.0;
        let sharpe = super::super::returns::sharpe(&r, 0.0, a).unwrap();
        let iid = sharpe_se_iid(&r, 0.0, a).unwrap();
        let z = Normal::standard().cdf(sharpe / iid);
        assert!((psr(&r, 0.0).unwrap() - z).abs() < 1e-12);
        // Lo's SE scales by eta(A) < sqrt(A) under positive autocorrelation (it is the SE of
        // his annualized Sharpe eta(A) * SR): a different number, hence the two labels.
        let lo = sharpe_se(&r, 0.0, a).unwrap();
        assert!(lo < 0.8 * iid, "Lo {lo} vs iid {iid}");
    }
}
