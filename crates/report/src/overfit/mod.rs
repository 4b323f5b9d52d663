//! Overfitting diagnostics of a parameter sweep: the Deflated Sharpe Ratio of the best trial
//! (Bailey & Lopez de Prado 2014) and the Probability of Backtest Overfitting by combinatorially
//! symmetric cross-validation (Bailey, Borwein, Lopez de Prado & Zhu 2015).
//!
//! Invariant: inputs are per-period simple returns; every function is total (degenerate input
//! gives `None`, never a panic) and deterministic (no randomness, fixed summation order), so a
//! sweep's diagnostics are identical whatever the thread count.

pub mod dsr;
pub mod pbo;

pub use dsr::{deflated_sharpe, expected_max_sharpe, psr_against, psr_from_moments, Dsr};
pub use pbo::{cscv_splits, pbo_cscv, pbo_from_logits, BlockStats, Pbo};
