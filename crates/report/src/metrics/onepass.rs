//! The return-based metrics of one series from a few passes over it (what
//! [`crate::compute_stats`] uses); the per-metric functions of [`super::returns`] and
//! [`super::confidence`] stay the readable reference.
//!
//! Pass 1 keeps the finite returns and gathers every plain sum (wealth, counts, the sums about
//! the risk-free rate); pass 2 gathers the central moments (about the mean, and about the mean
//! of `r - rf`) and the lagged cross-products of the autocorrelations in one sweep; the
//! quantiles come from selection (`select_nth_unstable`), not from a sort.
//!
//! Invariant: every value is bit-identical to its reference function: each sum is accumulated
//! in the same order from the same start value (`Iterator::sum` starts at -0.0), each formula
//! is the reference's expression; the tests compare them bit for bit on random series.

use super::confidence::{lo_lags, mertens_se_from_central_moments, psr_from_central_moments};
use super::util::{negligible, percentile_with_sorted_head, positive, some_finite};

/// Everything the return metrics of one series need, gathered once.
#[derive(Debug, Clone)]
pub struct ReturnPass {
    /// The finite returns, in order (their multiset; the quantile functions reorder it).
    finite: Vec<f64>,
    rf: f64,
    periods_per_year: f64,
    wealth: f64,
    best: f64,
    worst: f64,
    positive: usize,
    nonzero: usize,
    up: f64,
    down: f64,
    down_sq: f64,
    /// Mean of the returns and central sums Σd², Σd³, Σd⁴ (`None` when the mean is undefined).
    raw: Option<Central>,
    /// The same about the returns minus rf.
    adj: Option<Central>,
    /// Σ_{t>=k} d_t d_{t-k} for k = 1..=K (index k - 1), d about the mean of the returns.
    lag_sums: Vec<f64>,
}

/// Mean and central sums of powers of a series.
#[derive(Debug, Clone, Copy)]
struct Central {
    mean: f64,
    s2: f64,
    s3: f64,
    s4: f64,
}

impl ReturnPass {
    /// Gathers the sums of `r` (non-finite returns dropped) for the per-period risk-free rate
    /// `rf` and `periods_per_year` (which sets the number of autocorrelation lags).
    pub fn new(r: &[f64], rf: f64, periods_per_year: f64) -> ReturnPass {
        ReturnPass::in_buffer(r, rf, periods_per_year, Vec::with_capacity(r.len()))
    }

    /// [`ReturnPass::new`], keeping the finite returns in `finite` (emptied; room for
    /// `r.len()` values makes this allocate nothing but the few lag sums).
    pub fn in_buffer(
        r: &[f64],
        rf: f64,
        periods_per_year: f64,
        mut finite: Vec<f64>,
    ) -> ReturnPass {
        finite.clear();
        let (mut sum, mut sum_adj, mut down_sq) = (-0.0f64, -0.0f64, -0.0f64);
        let (mut up, mut down) = (0.0f64, 0.0f64);
        let mut wealth = 1.0f64;
        let (mut best, mut worst) = (f64::NAN, f64::NAN);
        let (mut wins, mut nonzero) = (0usize, 0usize);
        for &x in r {
            if !x.is_finite() {
                continue;
            }
            if finite.is_empty() {
                (best, worst) = (x, x);
            } else {
                best = best.max(x);
                worst = worst.min(x);
            }
            finite.push(x);
            sum += x;
            wealth *= 1.0 + x;
            wins += usize::from(x > 0.0);
            nonzero += usize::from(x != 0.0);
            let d = x - rf;
            sum_adj += d;
            if d > 0.0 {
                up += d;
            } else {
                down -= d;
            }
            down_sq += d.min(0.0).powi(2);
        }
        let n = finite.len();
        let mean_of = |s: f64| (n > 0).then(|| s / n as f64).and_then(some_finite);
        let lags = if positive(periods_per_year) {
            lo_lags(n, periods_per_year)
        } else {
            0
        };
        let mut pass = ReturnPass {
            finite,
            rf,
            periods_per_year,
            wealth,
            best,
            worst,
            positive: wins,
            nonzero,
            up,
            down,
            down_sq,
            raw: None,
            adj: None,
            lag_sums: vec![-0.0; lags],
        };
        pass.second_pass(mean_of(sum), mean_of(sum_adj));
        pass
    }

    /// Central sums about both means and the lagged cross-products, in one sweep.
    fn second_pass(&mut self, mean: Option<f64>, mean_adj: Option<f64>) {
        let rf = self.rf;
        let x = &self.finite;
        let zero = Central {
            mean: 0.0,
            s2: -0.0,
            s3: -0.0,
            s4: -0.0,
        };
        let mut raw = mean.map(|m| Central { mean: m, ..zero });
        // With rf = 0, `x - rf` is `x` bit for bit: the adjusted sums are the raw ones.
        let separate = rf != 0.0;
        let mut adj = mean_adj.map(|m| Central { mean: m, ..zero });
        let lag_sums = &mut self.lag_sums;
        for (t, &v) in x.iter().enumerate() {
            if let Some(c) = raw.as_mut() {
                let d = v - c.mean;
                c.s2 += d.powi(2);
                c.s3 += d.powi(3);
                c.s4 += d.powi(4);
                for (k, acc) in lag_sums.iter_mut().enumerate().take(t) {
                    *acc += d * (x[t - k - 1] - c.mean);
                }
            }
            if separate {
                if let Some(c) = adj.as_mut() {
                    let d = (v - rf) - c.mean;
                    c.s2 += d.powi(2);
                    c.s3 += d.powi(3);
                    c.s4 += d.powi(4);
                }
            }
        }
        if !separate {
            adj = raw;
        }
        self.raw = raw;
        self.adj = adj;
    }

    fn n(&self) -> usize {
        self.finite.len()
    }

    /// As [`super::returns::total_return`].
    pub fn total_return(&self) -> Option<f64> {
        if self.n() == 0 {
            return None;
        }
        some_finite(self.wealth - 1.0)
    }

    /// As [`super::returns::cagr`].
    pub fn cagr(&self) -> Option<f64> {
        let a = self.periods_per_year;
        if self.n() == 0 || !positive(a) {
            return None;
        }
        let end = 1.0 + self.total_return()?;
        if end < 0.0 {
            return None;
        }
        some_finite(end.powf(a / self.n() as f64) - 1.0)
    }

    /// `std(ddof=1)` from central sums, as [`super::util::std`].
    fn std1(&self, c: Option<Central>) -> Option<f64> {
        let c = c?;
        if self.n() <= 1 {
            return None;
        }
        some_finite((c.s2 / (self.n() - 1) as f64).sqrt())
    }

    /// As [`super::returns::annual_volatility`].
    pub fn annual_volatility(&self) -> Option<f64> {
        some_finite(self.std1(self.raw)? * self.periods_per_year.sqrt())
    }

    /// As [`super::returns::sharpe_per_period`].
    pub fn sharpe_per_period(&self) -> Option<f64> {
        let m = self.adj?.mean;
        let s = self.std1(self.adj)?;
        if negligible(s, m) {
            return None;
        }
        some_finite(m / s)
    }

    /// As [`super::returns::sharpe`].
    pub fn sharpe(&self) -> Option<f64> {
        some_finite(self.sharpe_per_period()? * self.periods_per_year.sqrt())
    }

    /// As [`super::returns::sortino`].
    pub fn sortino(&self) -> Option<f64> {
        let a = self.periods_per_year;
        let m = self.adj?.mean;
        let downside = some_finite(self.down_sq / self.n() as f64)?.sqrt() * a.sqrt();
        if !positive(downside) {
            return None;
        }
        some_finite(m * a / downside)
    }

    /// As [`super::returns::omega`].
    pub fn omega(&self) -> Option<f64> {
        if !positive(self.down) {
            return None;
        }
        some_finite(self.up / self.down)
    }

    /// As [`super::returns::skew`].
    pub fn skew(&self) -> Option<f64> {
        if self.n() < 3 {
            return None;
        }
        let c = self.raw?;
        let n = self.n() as f64;
        let (m2, m3) = (c.s2 / n, c.s3 / n);
        if negligible(m2.sqrt(), c.mean) {
            return None;
        }
        some_finite((n * (n - 1.0)).sqrt() / (n - 2.0) * m3 / m2.powf(1.5))
    }

    /// As [`super::returns::kurtosis`].
    pub fn kurtosis(&self) -> Option<f64> {
        if self.n() < 4 {
            return None;
        }
        let c = self.raw?;
        let n = self.n() as f64;
        let (s2, s4) = (c.s2, c.s4);
        if negligible((s2 / n).sqrt(), c.mean) {
            return None;
        }
        let adj = 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0));
        some_finite(n * (n + 1.0) * (n - 1.0) * s4 / ((n - 2.0) * (n - 3.0) * s2 * s2) - adj)
    }

    /// As [`super::returns::best`].
    pub fn best(&self) -> Option<f64> {
        (self.n() > 0).then_some(self.best)
    }

    /// As [`super::returns::worst`].
    pub fn worst(&self) -> Option<f64> {
        (self.n() > 0).then_some(self.worst)
    }

    /// As [`super::returns::win_rate_days`].
    pub fn win_rate_days(&self) -> Option<f64> {
        if self.nonzero == 0 {
            return None;
        }
        Some(self.positive as f64 / self.nonzero as f64)
    }

    /// As [`super::confidence::lo_eta`].
    fn lo_eta(&self) -> Option<f64> {
        let q = self.periods_per_year;
        if !positive(q) {
            return None;
        }
        let mut v = q;
        if !self.lag_sums.is_empty() {
            let c = self.raw?;
            if !positive(c.s2) {
                return None;
            }
            for (i, num) in self.lag_sums.iter().enumerate() {
                v += 2.0 * (q - (i + 1) as f64) * some_finite(num / c.s2)?;
            }
        }
        if !positive(v) {
            return None;
        }
        some_finite(q / v.sqrt())
    }

    /// As [`super::confidence::sharpe_se`].
    pub fn sharpe_se(&self) -> Option<f64> {
        let sr = self.sharpe_per_period()?;
        some_finite(self.lo_eta()? * ((1.0 + sr * sr / 2.0) / self.n() as f64).sqrt())
    }

    /// As [`super::confidence::sharpe_se_iid`].
    pub fn sharpe_se_iid(&self) -> Option<f64> {
        let n = self.n() as f64;
        let sr = self.sharpe_per_period()?;
        let c = self.adj?;
        let a = self.periods_per_year;
        if !positive(a) {
            return None;
        }
        let se = mertens_se_from_central_moments(sr, n, c.s2 / n, c.s3 / n, c.s4 / n)?;
        some_finite(se * a.sqrt())
    }

    /// As [`super::confidence::psr`].
    pub fn psr(&self) -> Option<f64> {
        let n = self.n() as f64;
        let sr = self.sharpe_per_period()?;
        let c = self.adj?;
        psr_from_central_moments(sr, n, c.s2 / n, c.s3 / n, c.s4 / n)
    }

    /// Historical VaR, CVaR (95%) and the tail ratio, as [`super::returns::var_95`],
    /// [`super::returns::cvar_95`] and [`super::returns::tail_ratio`], by selection. Reorders
    /// the kept returns (the other metrics do not depend on their order any more).
    pub fn tails(&mut self) -> Tails {
        let s = &mut self.finite;
        if s.is_empty() {
            return Tails::default();
        }
        // CVaR: the mean of the k + 1 smallest, summed in ascending order as after a sort.
        let k = ((s.len() - 1) as f64 * 0.05).floor() as usize;
        s.select_nth_unstable_by(k, f64::total_cmp);
        s[..=k].sort_unstable_by(f64::total_cmp);
        let cvar = some_finite(s[..=k].iter().sum::<f64>() / (k + 1) as f64);
        // The sorted head gives the 5th percentile without another selection, and the 95th is
        // selected among the values above it only.
        let p5 = percentile_with_sorted_head(s, k, 5.0);
        let p95 = percentile_with_sorted_head(s, k, 95.0);
        let tail = match (p5, p95) {
            (Some(lo), Some(hi)) if positive(lo.abs()) => some_finite(hi.abs() / lo.abs()),
            _ => None,
        };
        Tails {
            var_95: p5,
            cvar_95: cvar,
            tail_ratio: tail,
        }
    }

    /// The finite returns (in input order until [`ReturnPass::tails`] reorders them).
    pub fn finite(&self) -> &[f64] {
        &self.finite
    }
}

/// The tail metrics of [`ReturnPass::tails`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tails {
    /// 5th percentile of the returns.
    pub var_95: Option<f64>,
    /// Mean of the worst 5%.
    pub cvar_95: Option<f64>,
    /// `|p95| / |p5|`.
    pub tail_ratio: Option<f64>,
}

#[cfg(test)]
mod tests;
