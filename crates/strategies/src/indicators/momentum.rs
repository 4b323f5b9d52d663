//! Price momentum `x[t - skip] / x[t - skip - lookback] - 1` over a stream of prices.

/// Momentum over `lookback` values, skipping the most recent `skip`.
#[derive(Debug, Clone)]
pub struct Momentum {
    ring: Vec<f64>,
    next: usize,
    count: usize,
    skip: usize,
}

impl Momentum {
    /// Momentum with `lookback >= 1`, `skip >= 0`.
    ///
    /// # Panics
    /// If `lookback == 0`.
    pub fn new(lookback: usize, skip: usize) -> Self {
        assert!(lookback >= 1, "lookback must be at least 1");
        Momentum {
            ring: vec![f64::NAN; lookback + skip + 1],
            next: 0,
            count: 0,
            skip,
        }
    }

    /// Pushes the latest price.
    pub fn push(&mut self, x: f64) {
        let len = self.ring.len();
        self.ring[self.next] = x;
        self.next = (self.next + 1) % len;
        self.count = (self.count + 1).min(len);
    }

    /// `x[t-skip] / x[t-skip-lookback] - 1`, NaN until `lookback + skip + 1` values were pushed.
    pub fn value(&self) -> f64 {
        let len = self.ring.len();
        if self.count < len {
            return f64::NAN;
        }
        // The oldest value sits at `next`; the newest at `next - 1`.
        let oldest = self.ring[self.next];
        let recent = self.ring[(self.next + len - 1 - self.skip) % len];
        recent / oldest - 1.0
    }
}
