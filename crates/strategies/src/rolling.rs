//! Rolling mean over the last `n` values, updated in O(1).
//!
//! Invariant: `value()` equals the arithmetic mean of the last `n` pushed values (to within
//! compensated-summation rounding, far below 1e-12 relative even after millions of updates),
//! and is NaN until `n` values have been pushed.

/// Simple moving average with a ring buffer and a Neumaier-compensated running sum, so that
/// long runs do not drift and crossovers match a direct recomputation.
#[derive(Debug, Clone)]
pub struct RollingMean {
    window: Vec<f64>,
    next: usize,
    count: usize,
    sum: f64,
    compensation: f64,
}

impl RollingMean {
    /// A mean over the last `n` values (`n >= 1`).
    pub fn new(n: usize) -> Self {
        assert!(n >= 1, "window must be at least 1");
        RollingMean {
            window: vec![0.0; n],
            next: 0,
            count: 0,
            sum: 0.0,
            compensation: 0.0,
        }
    }

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

    /// The mean of the last `n` values, NaN until there are `n`.
    pub fn value(&self) -> f64 {
        let n = self.window.len();
        if self.count < n {
            f64::NAN
        } else {
            (self.sum + self.compensation) / n as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_naive_mean() {
        let xs: Vec<f64> = (0..5000)
            .map(|i| 100.0 + ((i * 7919) % 1000) as f64 * 0.0137)
            .collect();
        for n in [1, 2, 10, 50] {
            let mut r = RollingMean::new(n);
            for (i, &x) in xs.iter().enumerate() {
                r.push(x);
                if i + 1 < n {
                    assert!(r.value().is_nan());
                } else {
                    let naive: f64 = xs[i + 1 - n..=i].iter().sum::<f64>() / n as f64;
                    assert!((r.value() - naive).abs() <= 1e-12 * naive, "n={n} i={i}");
                }
            }
        }
    }
}
