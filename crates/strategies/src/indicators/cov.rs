//! Rolling second moments of one series or a pair: standard deviation, z-score, covariance,
//! beta and correlation, all sample statistics (divided by `n - 1`).
//!
//! Updates are Welford's add/remove recurrences (O(1)); every `n` pushes the moments are
//! recomputed exactly from the ring buffer (O(n) every n pushes, so amortized O(1)), which keeps
//! rounding drift bounded however long the run.

use crate::alloc::Alloc;
use crate::error::StrategyError;

/// Rolling mean, variances and covariance of pairs `(x, y)` over the last `n` pairs.
#[derive(Debug, Clone)]
pub struct RollingCov {
    xs: Vec<f64>,
    ys: Vec<f64>,
    next: usize,
    count: usize,
    since_resync: usize,
    mx: f64,
    my: f64,
    cxx: f64,
    cyy: f64,
    cxy: f64,
}

impl RollingCov {
    /// Moments over the last `n >= 2` pairs.
    ///
    /// # Panics
    /// If `n < 2`.
    pub fn new(n: usize) -> Self {
        assert!(n >= 2, "window must be at least 2");
        Self::over(vec![0.0; n], vec![0.0; n])
    }

    /// [`RollingCov::new`], its windows reserved by `alloc` (`what` names them in the error).
    pub(crate) fn reserved(
        n: usize,
        alloc: Alloc,
        what: &'static str,
    ) -> Result<Self, StrategyError> {
        assert!(n >= 2, "window must be at least 2");
        Ok(Self::over(
            alloc.filled(n, 0.0, what)?,
            alloc.filled(n, 0.0, what)?,
        ))
    }

    /// Moments over `xs.len()` pairs, both windows zeroed and as long.
    fn over(xs: Vec<f64>, ys: Vec<f64>) -> Self {
        RollingCov {
            xs,
            ys,
            next: 0,
            count: 0,
            since_resync: 0,
            mx: 0.0,
            my: 0.0,
            cxx: 0.0,
            cyy: 0.0,
            cxy: 0.0,
        }
    }

    fn add(&mut self, x: f64, y: f64) {
        self.count += 1;
        let k = self.count as f64;
        let dx = x - self.mx;
        let dy = y - self.my;
        self.mx += dx / k;
        self.my += dy / k;
        self.cxx += dx * (x - self.mx);
        self.cyy += dy * (y - self.my);
        self.cxy += dx * (y - self.my);
    }

    fn remove(&mut self, x: f64, y: f64) {
        // Inverse of `add`: with (mx, my) the means including the point being removed.
        let k = (self.count - 1) as f64;
        let my_incl = self.my;
        let mx_incl = self.mx;
        self.mx -= (x - mx_incl) / k;
        self.my -= (y - my_incl) / k;
        self.cxx -= (x - self.mx) * (x - mx_incl);
        self.cyy -= (y - self.my) * (y - my_incl);
        self.cxy -= (x - self.mx) * (y - my_incl);
        self.count -= 1;
    }

    fn resync(&mut self) {
        let n = self.count as f64;
        let mx = self.xs.iter().sum::<f64>() / n;
        let my = self.ys.iter().sum::<f64>() / n;
        let (mut cxx, mut cyy, mut cxy) = (0.0, 0.0, 0.0);
        for (&x, &y) in self.xs.iter().zip(&self.ys) {
            cxx += (x - mx) * (x - mx);
            cyy += (y - my) * (y - my);
            cxy += (x - mx) * (y - my);
        }
        (self.mx, self.my, self.cxx, self.cyy, self.cxy) = (mx, my, cxx, cyy, cxy);
        self.since_resync = 0;
    }

    /// Pushes a pair, dropping the oldest once the window is full.
    pub fn push(&mut self, x: f64, y: f64) {
        let n = self.xs.len();
        if self.count == n {
            let (ox, oy) = (self.xs[self.next], self.ys[self.next]);
            self.remove(ox, oy);
        }
        self.xs[self.next] = x;
        self.ys[self.next] = y;
        self.next = (self.next + 1) % n;
        self.add(x, y);
        self.since_resync += 1;
        if self.count == n && self.since_resync >= n {
            self.resync();
        }
    }

    /// True once `n` pairs have been pushed.
    pub fn is_ready(&self) -> bool {
        self.count == self.xs.len()
    }

    fn denom(&self) -> f64 {
        if self.is_ready() {
            (self.count - 1) as f64
        } else {
            f64::NAN
        }
    }

    /// Mean of x over the window (NaN in warm-up).
    pub fn mean_x(&self) -> f64 {
        if self.is_ready() {
            self.mx
        } else {
            f64::NAN
        }
    }

    /// Mean of y over the window (NaN in warm-up).
    pub fn mean_y(&self) -> f64 {
        if self.is_ready() {
            self.my
        } else {
            f64::NAN
        }
    }

    /// Sample variance of x (NaN in warm-up; clamped at 0 against rounding).
    pub fn var_x(&self) -> f64 {
        let v = self.cxx / self.denom();
        if v < 0.0 {
            0.0
        } else {
            v
        }
    }

    /// Sample variance of y (NaN in warm-up).
    pub fn var_y(&self) -> f64 {
        let v = self.cyy / self.denom();
        if v < 0.0 {
            0.0
        } else {
            v
        }
    }

    /// Sample covariance of x and y.
    pub fn cov(&self) -> f64 {
        self.cxy / self.denom()
    }
}

/// Rolling sample standard deviation over the last `n` values.
#[derive(Debug, Clone)]
pub struct RollingStd(RollingCov);

impl RollingStd {
    /// Over the last `n >= 2` values.
    pub fn new(n: usize) -> Self {
        RollingStd(RollingCov::new(n))
    }

    /// [`RollingStd::new`], its window reserved by `alloc`.
    pub(crate) fn reserved(
        n: usize,
        alloc: Alloc,
        what: &'static str,
    ) -> Result<Self, StrategyError> {
        Ok(RollingStd(RollingCov::reserved(n, alloc, what)?))
    }
    /// Pushes a value.
    pub fn push(&mut self, x: f64) {
        self.0.push(x, x);
    }
    /// Rolling mean (NaN in warm-up).
    pub fn mean(&self) -> f64 {
        self.0.mean_x()
    }
    /// Sample standard deviation (NaN in warm-up).
    pub fn value(&self) -> f64 {
        self.0.var_x().sqrt()
    }
}

/// Z-score of the latest value against the last `n` values (itself included):
/// `(x - mean) / std`; NaN in warm-up or when the window is constant.
#[derive(Debug, Clone)]
pub struct ZScore {
    std: RollingStd,
    last: f64,
}

impl ZScore {
    /// Over the last `n >= 2` values.
    pub fn new(n: usize) -> Self {
        ZScore {
            std: RollingStd::new(n),
            last: f64::NAN,
        }
    }

    /// [`ZScore::new`], its window reserved by `alloc`.
    pub(crate) fn reserved(
        n: usize,
        alloc: Alloc,
        what: &'static str,
    ) -> Result<Self, StrategyError> {
        Ok(ZScore {
            std: RollingStd::reserved(n, alloc, what)?,
            last: f64::NAN,
        })
    }
    /// Pushes a value.
    pub fn push(&mut self, x: f64) {
        self.std.push(x);
        self.last = x;
    }
    /// The z-score of the latest value.
    pub fn value(&self) -> f64 {
        let s = self.std.value();
        if s > 0.0 {
            (self.last - self.std.mean()) / s
        } else {
            f64::NAN
        }
    }
}

/// Rolling OLS beta of `y` on `x` (`cov(x, y) / var(x)`), e.g. a stock's returns on the market's.
#[derive(Debug, Clone)]
pub struct RollingBeta(RollingCov);

impl RollingBeta {
    /// Over the last `n >= 2` pairs.
    pub fn new(n: usize) -> Self {
        RollingBeta(RollingCov::new(n))
    }

    /// [`RollingBeta::new`], its windows reserved by `alloc`.
    pub(crate) fn reserved(
        n: usize,
        alloc: Alloc,
        what: &'static str,
    ) -> Result<Self, StrategyError> {
        Ok(RollingBeta(RollingCov::reserved(n, alloc, what)?))
    }
    /// Pushes `(x, y)` = (market return, asset return).
    pub fn push(&mut self, x: f64, y: f64) {
        self.0.push(x, y);
    }
    /// The beta; NaN in warm-up or when x is constant.
    pub fn value(&self) -> f64 {
        let v = self.0.var_x();
        if v > 0.0 {
            self.0.cov() / v
        } else {
            f64::NAN
        }
    }
}

/// Rolling Pearson correlation of `x` and `y`.
#[derive(Debug, Clone)]
pub struct RollingCorrelation(RollingCov);

impl RollingCorrelation {
    /// Over the last `n >= 2` pairs.
    pub fn new(n: usize) -> Self {
        RollingCorrelation(RollingCov::new(n))
    }
    /// Pushes a pair.
    pub fn push(&mut self, x: f64, y: f64) {
        self.0.push(x, y);
    }
    /// The correlation in [-1, 1]; NaN in warm-up or when either side is constant.
    pub fn value(&self) -> f64 {
        let d = (self.0.var_x() * self.0.var_y()).sqrt();
        if d > 0.0 {
            (self.0.cov() / d).clamp(-1.0, 1.0)
        } else {
            f64::NAN
        }
    }
}
