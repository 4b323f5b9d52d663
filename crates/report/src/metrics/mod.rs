//! Pure metric functions on plain slices, one concern per module, each documenting its formula
//! and its source.
//!
//! Invariant: no function panics; an undefined value is `None`, never NaN, infinity or a sentinel.

pub mod benchmark;
pub mod bootstrap;
pub mod confidence;
pub mod drawdown;
pub mod onepass;
pub mod periods;
pub mod returns;
pub mod trades;
pub mod util;
