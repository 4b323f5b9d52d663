//! Simple moving average over the last `n` values.

use crate::alloc::Alloc;
use crate::error::StrategyError;

/// Simple moving average with a ring buffer and a Neumaier-compensated running sum, so that
/// long runs do not drift and crossovers match a direct recomputation.
#[derive(Debug, Clone)]
pub struct Sma {
    window: Vec<f64>,
    next: usize,
    count: usize,
    sum: f64,
    compensation: f64,
}

impl Sma {
    /// A mean over the last `n` values (`n >= 1`).
    ///
    /// # Panics
    /// If `n == 0`.
    pub fn new(n: usize) -> Self {
        assert!(n >= 1, "window must be at least 1");
        Self::over(vec![0.0; n])
    }

    /// [`Sma::new`], its window reserved by `alloc` (`what` names it in the error).
    pub(crate) fn reserved(
        n: usize,
        alloc: Alloc,
        what: &'static str,
    ) -> Result<Self, StrategyError> {
        assert!(n >= 1, "window must be at least 1");
        Ok(Self::over(alloc.filled(n, 0.0, what)?))
    }

    /// A mean over `window.len()` values, `window` zeroed.
    fn over(window: Vec<f64>) -> Self {
        Sma {
            window,
            next: 0,
            count: 0,
            sum: 0.0,
            compensation: 0.0,
        }
    }

    #[inline]
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// Pushes a value, dropping the oldest once the window is full.
    #[inline]
    pub fn push(&mut self, x: f64) {
        let n = self.window.len();
        if self.count == n {
            let old = self.window[self.next];
            self.add(-old);
        } else {
            self.count += 1;
        }
        self.window[self.next] = x;
        self.add(x);
        self.next += 1;
        if self.next == n {
            self.next = 0;
        }
    }

    /// True once `n` values have been pushed.
    pub fn is_ready(&self) -> bool {
        self.count == self.window.len()
    }

    /// The mean of the last `n` values, NaN until there are `n`.
    #[inline]
    pub fn value(&self) -> f64 {
        let n = self.window.len();
        if self.count < n {
            f64::NAN
        } else {
            (self.sum + self.compensation) / n as f64
        }
    }
}
