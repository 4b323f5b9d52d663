//! Exponential moving average, `alpha = 2 / (n + 1)`, seeded with the first value
//! (pandas' `ewm(span=n, adjust=False)`), NaN until `n` values have been pushed.

/// Exponential moving average.
#[derive(Debug, Clone)]
pub struct Ema {
    alpha: f64,
    n: usize,
    count: usize,
    value: f64,
}

impl Ema {
    /// An EMA of span `n >= 1`.
    ///
    /// # Panics
    /// If `n == 0`.
    pub fn new(n: usize) -> Self {
        assert!(n >= 1, "span must be at least 1");
        Ema {
            alpha: 2.0 / (n as f64 + 1.0),
            n,
            count: 0,
            value: f64::NAN,
        }
    }

    /// Pushes a value.
    pub fn push(&mut self, x: f64) {
        self.value = if self.count == 0 {
            x
        } else {
            self.value + self.alpha * (x - self.value)
        };
        self.count += 1;
    }

    /// The smoothing factor.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The EMA, NaN until `n` values have been pushed (warm-up).
    pub fn value(&self) -> f64 {
        if self.count < self.n {
            f64::NAN
        } else {
            self.value
        }
    }
}
