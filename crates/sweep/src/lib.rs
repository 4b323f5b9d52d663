//! rotor-sweep: many parameter sets of one strategy config, run in parallel over one shared
//! `Arc<Market>`, with a durable checkpoint, a ranked table, a sensitivity view, overfitting
//! diagnostics and walk-forward selection.
//!
//! Sweeps live here, not in rotor-engine, so the engine stays a single-run event loop
//! (ARCHITECTURE.md, "The crates"). The crate depends on the engine, the strategies and the
//! report, never the other way round; it knows nothing of the config file: rotor-app hands it
//! a function that turns a parameter set's TOML table into a [`trial::Spec`].
//!
//! Invariants: the parameter sets are a deterministic, indexable list ([`grid::ParamSets`]);
//! a set's result depends only on (market, set); every output is a pure function of (grid,
//! completed records) assembled in set order ([`assemble`]), so it is identical whatever the
//! thread count, however many times the sweep was interrupted and resumed, and however it was
//! sharded ([`shard`]).

// Unit tests see every dev-dependency, not all of which each crate's unit tests use.
#![cfg_attr(test, allow(unused_crate_dependencies))]

pub mod assemble;
pub mod checkpoint;
pub mod diagnostics;
pub mod error;
pub mod grid;
pub mod hash;
pub mod intervals;
pub mod overrides;
pub mod runner;
pub mod shard;
pub mod trial;
pub mod walkforward;

pub use error::SweepError;
pub use grid::{Axis, Grid, ParamSets};
pub use trial::{Outcome, Spec, TrialResult};
