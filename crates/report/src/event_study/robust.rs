//! Test statistics robust to event-induced variance and cross-correlation, and the detection of
//! overlapping event windows.
//!
//! - Standardized CAR (Boehmer, Musumeci & Poulsen 1991, "Event-study methodology under
//!   conditions of event-induced variance", J. Fin. Econ. 30): `SCAR_i = CAR_i / S_i` with the
//!   market model's prediction-error standard deviation over the `K` event days summed,
//!   `S_i² = s_i² (K + K²/L + (Σ_τ (r_m,τ - mean_m))² / Sxx)` (`s_i²` the residual variance with
//!   `L - 2` degrees of freedom, `L` estimation days, `mean_m` and `Sxx` the benchmark's mean and
//!   sum of squared deviations over them). The BMP t is the cross-sectional t of the SCARs.
//! - Kolari & Pynnonen (2010, "Event study testing with cross-sectional correlation of
//!   abnormal returns", Rev. Fin. Stud. 23): `t_adj = t_BMP sqrt((1 - r) / (1 + (n - 1) r))`
//!   with `r` the average pairwise correlation of the events' estimation-window residuals. Events
//!   are rarely simultaneous here, so each pair's correlation is taken over the sessions their
//!   estimation windows share ([`MIN_COMMON`] or more, else the pair counts as 0): two headlines
//!   a few days apart on one basket share almost all of them and correlate near 1, which is what
//!   deflates their t.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::model::{Fit, StudyEvent};

/// Fewest common estimation sessions for a pair's residual correlation to count (else 0).
pub const MIN_COMMON: usize = 30;

/// Running prediction-error variance of one event's CAR.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CarVariance {
    /// Event days summed so far (`K`).
    pub days: usize,
    /// `Σ (r_m,τ - mean_m)` over them.
    dev: f64,
}

impl CarVariance {
    /// Adds one event day with benchmark return `rm`.
    pub fn add(&mut self, rm: f64, f: &Fit) {
        self.days += 1;
        self.dev += rm - f.mean_m;
    }

    /// Standard deviation of the CAR so far (NaN when undefined).
    pub fn sd(&self, f: &Fit) -> f64 {
        let k = self.days as f64;
        let l = f.len as f64;
        (f.s2 * (k + k * k / l + self.dev * self.dev / f.sxx)).sqrt()
    }
}

/// Pearson correlation of two residual series over the sessions both have; 0 with fewer than
/// [`MIN_COMMON`] common sessions or no dispersion.
fn pair_correlation(a: &Fit, b: &Fit) -> f64 {
    let start = a.first.max(b.first);
    let end = (a.first + a.resid.len()).min(b.first + b.resid.len());
    let pts: Vec<(f64, f64)> = (start..end)
        .map(|t| (a.resid[t - a.first], b.resid[t - b.first]))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if pts.len() < MIN_COMMON {
        return 0.0;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in &pts {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    let r = sxy / (sxx * syy).sqrt();
    if r.is_finite() {
        r.clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// Average pairwise residual correlation of the events (`None` with fewer than two).
pub(crate) fn mean_correlation(fits: &[Fit]) -> Option<f64> {
    let n = fits.len();
    if n < 2 {
        return None;
    }
    let mut sum = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            sum += pair_correlation(&fits[i], &fits[j]);
        }
    }
    Some(sum / (n * (n - 1) / 2) as f64)
}

/// The Kolari-Pynnonen adjusted t and its two-sided p-value (Student t, `n - 1` df).
pub(crate) fn kolari_pynnonen(
    bmp_t: Option<f64>,
    mean_corr: Option<f64>,
    n: usize,
) -> (Option<f64>, Option<f64>) {
    let (Some(t), Some(r)) = (bmp_t, mean_corr) else {
        return (None, None);
    };
    if n < 2 {
        return (None, None);
    }
    let denom = 1.0 + (n as f64 - 1.0) * r;
    if denom.is_nan() || denom <= 0.0 {
        return (None, None);
    }
    let adj = t * ((1.0 - r) / denom).sqrt();
    if !adj.is_finite() {
        return (None, None);
    }
    let p = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .ok()
        .map(|d| 2.0 * (1.0 - d.cdf(adj.abs())));
    (Some(adj), p)
}

/// Overlapping event windows within a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overlap {
    /// Pairs of events whose windows share a session and a symbol.
    pub pairs: usize,
    /// Day 0 of the closest such pair (earlier, later).
    pub closest: (usize, usize),
}

/// Pairs of events whose event windows `(lo, hi)` share a session and whose baskets share a
/// symbol; `None` when there is none.
pub(crate) fn overlaps(events: &[&StudyEvent], (lo, hi): (i64, i64)) -> Option<Overlap> {
    let span = hi.saturating_sub(lo).max(0) as usize;
    let mut order: Vec<&StudyEvent> = events.to_vec();
    order.sort_by_key(|e| e.day0);
    let mut found: Option<Overlap> = None;
    for i in 0..order.len() {
        for j in i + 1..order.len() {
            let (a, b) = (order[i], order[j]);
            let gap = b.day0 - a.day0;
            if gap > span {
                break;
            }
            if !a.members.iter().any(|m| b.members.contains(m)) {
                continue;
            }
            let o = found.get_or_insert(Overlap {
                pairs: 0,
                closest: (a.day0, b.day0),
            });
            o.pairs += 1;
            if gap < o.closest.1 - o.closest.0 {
                o.closest = (a.day0, b.day0);
            }
        }
    }
    found
}
