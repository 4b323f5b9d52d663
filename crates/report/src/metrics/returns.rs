//! Return-based metrics on a series of simple per-period returns (empyrical conventions).
//!
//! Invariant: every function ignores non-finite returns (empyrical's nan-aware reductions), takes
//! the per-period risk-free rate where one applies, and returns `None` when the value is undefined
//! (too few observations, a zero denominator, a non-finite result).

use super::util::{finite, mean, negligible, percentile, positive, some_finite, std};

/// Simple returns of an equity curve: `r_0 = e_0 / initial - 1`, `r_t = e_t / e_{t-1} - 1`.
///
/// A return is NaN when the previous value is not a positive finite number or the current one is
/// not finite (e.g. every bar after equity reached zero): such bars carry no return.
pub fn simple_returns(initial: f64, equity: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(equity.len());
    extend_simple_returns(&mut out, initial, equity);
    out
}

/// Appends [`simple_returns`] of `equity` to `out`.
pub fn extend_simple_returns(out: &mut Vec<f64>, initial: f64, equity: &[f64]) {
    let mut prev = initial;
    out.extend(equity.iter().map(|&e| {
        let r = if prev.is_finite() && prev > 0.0 && e.is_finite() {
            e / prev - 1.0
        } else {
            f64::NAN
        };
        prev = e;
        r
    }));
}

/// Returns of a price series as a buy-and-hold of it earns them: `b_t = p_t / p_s - 1`, `p_s` the
/// last price before t. A bar with a missing price has no return, and the move across it counts
/// at the next bar that has one (a dropped move lost a benchmark's whole jump across a halt, or
/// a session its file lacks); the first price, and a price after a non-positive one, give NaN.
pub fn price_returns(prices: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(prices.len());
    extend_price_returns(&mut out, prices);
    out
}

/// Appends [`price_returns`] of `prices` to `out`.
pub fn extend_price_returns(out: &mut Vec<f64>, prices: &[f64]) {
    extend_price_returns_from(out, None, prices);
}

/// [`extend_price_returns`], the first price's return taken from `base` (the price just
/// before it) when that is known, positive and finite.
pub fn extend_price_returns_from(out: &mut Vec<f64>, base: Option<f64>, prices: &[f64]) {
    let mut last = base.filter(|b| b.is_finite() && *b > 0.0);
    out.extend(prices.iter().map(|&p| {
        if p.is_nan() {
            return f64::NAN;
        }
        let ok = p.is_finite() && p > 0.0;
        let r = match last {
            Some(q) if ok => p / q - 1.0,
            _ => f64::NAN,
        };
        last = ok.then_some(p);
        r
    }));
}

/// Total return `prod(1 + r) - 1` (empyrical `cum_returns_final`). `None` for no returns.
pub fn total_return(r: &[f64]) -> Option<f64> {
    let f = finite(r);
    if f.is_empty() {
        return None;
    }
    some_finite(f.iter().fold(1.0, |w, x| w * (1.0 + x)) - 1.0)
}

/// CAGR by the number of periods (empyrical `annual_return`): `(1 + total)^(A / n) - 1`, n the
/// number of (finite) returns. `None` when the ending wealth is negative.
pub fn cagr(r: &[f64], periods_per_year: f64) -> Option<f64> {
    let n = r.iter().filter(|x| x.is_finite()).count();
    if n == 0 || !positive(periods_per_year) {
        return None;
    }
    let end = 1.0 + total_return(r)?;
    if end < 0.0 {
        return None;
    }
    some_finite(end.powf(periods_per_year / n as f64) - 1.0)
}

/// Annual volatility (empyrical `annual_volatility`): `std(r, ddof=1) * sqrt(A)`.
pub fn annual_volatility(r: &[f64], periods_per_year: f64) -> Option<f64> {
    some_finite(std(&finite(r), 1)? * periods_per_year.sqrt())
}

/// Per-period Sharpe ratio: `mean(r - rf) / std(r - rf, ddof=1)` (not annualized); `None` for a
/// (numerically) constant series.
pub fn sharpe_per_period(r: &[f64], rf: f64) -> Option<f64> {
    let adj: Vec<f64> = finite(r).iter().map(|x| x - rf).collect();
    let m = mean(&adj)?;
    let s = std(&adj, 1)?;
    if negligible(s, m) {
        return None;
    }
    some_finite(m / s)
}

/// Sharpe ratio (empyrical `sharpe_ratio`): `mean(r - rf) / std(r - rf, ddof=1) * sqrt(A)`,
/// rf per period.
pub fn sharpe(r: &[f64], rf: f64, periods_per_year: f64) -> Option<f64> {
    some_finite(sharpe_per_period(r, rf)? * periods_per_year.sqrt())
}

/// Sortino ratio (empyrical `sortino_ratio`, required return = rf per period):
/// `mean(r - rf) * A / (sqrt(mean(min(r - rf, 0)^2)) * sqrt(A))`, the mean of squares taken over
/// ALL observations. `None` when there is no downside (all returns >= rf).
pub fn sortino(r: &[f64], rf: f64, periods_per_year: f64) -> Option<f64> {
    let adj: Vec<f64> = finite(r).iter().map(|x| x - rf).collect();
    let m = mean(&adj)?;
    let dd: Vec<f64> = adj.iter().map(|x| x.min(0.0).powi(2)).collect();
    let downside = mean(&dd)?.sqrt() * periods_per_year.sqrt();
    if !positive(downside) {
        return None;
    }
    some_finite(m * periods_per_year / downside)
}

/// Omega ratio at threshold 0 (empyrical `omega_ratio` with `required_return = 0`, risk_free =
/// rf per period): `sum(max(r - rf, 0)) / -sum(min(r - rf, 0))`; `None` without losses.
pub fn omega(r: &[f64], rf: f64) -> Option<f64> {
    let (mut up, mut down) = (0.0, 0.0);
    for x in finite(r) {
        let d = x - rf;
        if d > 0.0 {
            up += d;
        } else {
            down -= d;
        }
    }
    if !positive(down) {
        return None;
    }
    some_finite(up / down)
}

/// Sample skewness as pandas `Series.skew()` (adjusted Fisher-Pearson G1):
/// `n^2 / ((n-1)(n-2)) * m3 / s^3` written as `sqrt(n(n-1))/(n-2) * m3/m2^1.5` with central
/// moments m_k. `None` for n < 3 or a constant series.
pub fn skew(r: &[f64]) -> Option<f64> {
    let f = finite(r);
    let n = f.len() as f64;
    if f.len() < 3 {
        return None;
    }
    let m = mean(&f)?;
    let m2 = f.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    let m3 = f.iter().map(|x| (x - m).powi(3)).sum::<f64>() / n;
    if negligible(m2.sqrt(), m) {
        return None;
    }
    some_finite((n * (n - 1.0)).sqrt() / (n - 2.0) * m3 / m2.powf(1.5))
}

/// Excess kurtosis as pandas `Series.kurt()` (bias-corrected G2):
/// `n(n+1)(n-1) S4 / ((n-2)(n-3) S2^2) - 3(n-1)^2 / ((n-2)(n-3))`, S_k the sums of k-th powers of
/// deviations. `None` for n < 4 or a constant series.
pub fn kurtosis(r: &[f64]) -> Option<f64> {
    let f = finite(r);
    if f.len() < 4 {
        return None;
    }
    let n = f.len() as f64;
    let m = mean(&f)?;
    let s2 = f.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    let s4 = f.iter().map(|x| (x - m).powi(4)).sum::<f64>();
    if negligible((s2 / n).sqrt(), m) {
        return None;
    }
    let adj = 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0));
    some_finite(n * (n + 1.0) * (n - 1.0) * s4 / ((n - 2.0) * (n - 3.0) * s2 * s2) - adj)
}

/// Historical 95% value at risk (empyrical `value_at_risk(cutoff=0.05)`): `percentile(r, 5)`
/// with numpy's linear interpolation, as a return.
pub fn var_95(r: &[f64]) -> Option<f64> {
    percentile(r, 5.0)
}

/// Historical 95% conditional VaR (empyrical `conditional_value_at_risk(cutoff=0.05)`): the mean
/// of the `floor((n - 1) * 0.05) + 1` smallest returns (equal to the mean of r <= VaR without ties).
pub fn cvar_95(r: &[f64]) -> Option<f64> {
    let mut f = finite(r);
    if f.is_empty() {
        return None;
    }
    f.sort_by(f64::total_cmp);
    let k = ((f.len() - 1) as f64 * 0.05).floor() as usize;
    mean(&f[..=k])
}

/// Tail ratio (empyrical `tail_ratio`): `|percentile(r, 95)| / |percentile(r, 5)|`.
pub fn tail_ratio(r: &[f64]) -> Option<f64> {
    let lo = percentile(r, 5.0)?.abs();
    if !positive(lo) {
        return None;
    }
    some_finite(percentile(r, 95.0)?.abs() / lo)
}

/// Best single-period return: `max(r)`.
pub fn best(r: &[f64]) -> Option<f64> {
    finite(r).into_iter().reduce(f64::max)
}

/// Worst single-period return: `min(r)`.
pub fn worst(r: &[f64]) -> Option<f64> {
    finite(r).into_iter().reduce(f64::min)
}

/// Share of winning periods (quantstats `win_rate`): `count(r > 0) / count(r != 0)`; flat periods
/// are not counted. `None` when every period is flat.
pub fn win_rate_days(r: &[f64]) -> Option<f64> {
    let f = finite(r);
    let nonzero = f.iter().filter(|x| **x != 0.0).count();
    if nonzero == 0 {
        return None;
    }
    Some(f.iter().filter(|x| **x > 0.0).count() as f64 / nonzero as f64)
}

/// Stability (empyrical `stability_of_timeseries`): R^2 of the OLS fit of `cumsum(log(1 + r))`
/// on `0..n-1`, i.e. `Sxy^2 / (Sxx * Syy)`. `None` for n < 2, a flat curve or a return <= -1.
pub fn stability(r: &[f64]) -> Option<f64> {
    stability_finite(&finite(r))
}

/// [`stability`] of returns that are all finite.
pub fn stability_finite(f: &[f64]) -> Option<f64> {
    if f.len() < 2 || f.iter().any(|x| *x <= -1.0) {
        return None;
    }
    let mut acc = 0.0;
    let y: Vec<f64> = f
        .iter()
        .map(|&x| {
            acc += ln_1p_flat(x);
            acc
        })
        .collect();
    stability_from_log_wealth(y.len(), |i| y[i])
}

/// `ln(1 + x)`, without the libm call for a flat bar: `ln_1p(±0) = ±0`, and adding either
/// zero to a running sum that starts at +0.0 leaves it unchanged bit for bit (round to nearest
/// never produces -0.0 from a +0.0 start), so sums of it equal sums of `x.ln_1p()`. Flat bars
/// (no position) are common: a long-only strategy sits in cash for much of a run.
#[inline]
pub fn ln_1p_flat(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x.ln_1p()
    }
}

/// [`stability`] from the log wealth `y(i) = sum_{s<=i} ln(1 + r_s)` of `n` finite returns, all
/// above -1 (computed elsewhere, e.g. by the bootstrap's prefix sums, in that summation order).
pub fn stability_from_log_wealth(n: usize, y: impl Fn(usize) -> f64) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = (nf - 1.0) / 2.0;
    let my = some_finite((0..n).map(&y).sum::<f64>() / nf)?;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let dx = i as f64 - mx;
        let dy = y(i) - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if negligible(syy.sqrt(), my) || !positive(sxx) {
        return None;
    }
    some_finite(sxy * sxy / (sxx * syy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_from_equity() {
        let r = simple_returns(100.0, &[110.0, 0.0, 0.0, 5.0]);
        assert!((r[0] - 0.1).abs() < 1e-15);
        assert_eq!(r[1], -1.0);
        assert!(r[2].is_nan() && r[3].is_nan());
        let b = price_returns(&[
            10.0,
            11.0,
            f64::NAN,
            12.0,
            6.0,
            0.0,
            5.0,
            f64::INFINITY,
            4.0,
        ]);
        assert!(b[0].is_nan() && b[2].is_nan());
        // The move across the missing bar counts at the next price (11 -> 12), as held.
        assert!((b[3] - (12.0 / 11.0 - 1.0)).abs() < 1e-15);
        assert!((b[4] + 0.5).abs() < 1e-15);
        assert!(b[5].is_nan() && b[6].is_nan() && b[7].is_nan() && b[8].is_nan());
        let total: f64 = b
            .iter()
            .take(5)
            .filter(|r| r.is_finite())
            .map(|r| 1.0 + r)
            .product();
        assert!((total - 0.6).abs() < 1e-12);
    }

    #[test]
    fn flat_series_is_undefined() {
        let r = [0.0; 10];
        assert_eq!(sharpe(&r, 0.0, 252.0), None);
        assert_eq!(sortino(&r, 0.0, 252.0), None);
        assert_eq!(omega(&r, 0.0), None);
        assert_eq!(skew(&r), None);
        assert_eq!(kurtosis(&r), None);
        assert_eq!(stability(&r), None);
        assert_eq!(win_rate_days(&r), None);
        assert_eq!(total_return(&r), Some(0.0));
        assert_eq!(cagr(&r, 252.0), Some(0.0));
    }
}
