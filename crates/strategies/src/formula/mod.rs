//! `kind = "formula"`: target weights written as expressions in the config.
//!
//! The pipeline is text -> syntax tree ([`parse`]) -> a DAG of column operations with shared
//! sub-expressions merged and constants folded ([`compile`]) -> one column-wise evaluation over
//! all bars and universe members ([`eval`]) -> a [`Formula`] strategy that only reads the
//! precomputed weight row at each decision bar. Nothing is interpreted per bar.
//!
//! Invariant: every operator at bar `t` reads values at bars `<= t` only (rolling windows end at
//! `t`, `delay` looks back, cross-sections read one bar), so the weights decided at `t` cannot
//! depend on any later bar.

pub mod compile;
pub mod cs;
pub mod error;
pub mod eval;
pub mod parse;
pub mod scalar;
mod strategy;
pub mod ts;

#[cfg(test)]
mod tests;

pub use compile::{Field, Program};
pub use error::FormulaError;
pub use strategy::Formula;
