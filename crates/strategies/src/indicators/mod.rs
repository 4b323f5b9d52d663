//! Streaming indicators, each updated in O(1) per value (amortized where noted), each checked
//! against a naive recomputation over the same window by a proptest.
//!
//! Invariant: an indicator is NaN until its window is full (or, for a pair, until `n` pairs were
//! pushed); afterwards its value equals the textbook formula over the last `n` values to within
//! floating-point rounding (sample statistics use `n - 1`, as pandas' `rolling().std()`).
//! Callers push only finite values; what to do with a missing bar is the caller's decision.

mod cov;
mod ema;
mod momentum;
mod sma;

pub use cov::{RollingBeta, RollingCorrelation, RollingCov, RollingStd, ZScore};
pub use ema::Ema;
pub use momentum::Momentum;
pub use sma::Sma;

#[cfg(test)]
mod naive_tests;
