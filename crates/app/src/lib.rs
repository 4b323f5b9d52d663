//! rotor-app: the application layer every `rotor` command and a user's own binary share.
//!
//! - [`config`]: the config file (schema, `--set`, validation, did-you-mean hints), read
//!   through a [`rotor_strategies::Registry`] so user strategy kinds parse like built-in ones;
//! - [`run`]: config -> market -> backtest -> report input -> report and output files;
//! - [`sweep`]: a parameter grid as one call (options, progress, cancel flag -> results), its
//!   checkpoint, hash and runner kept inside; [`merge`] for sharded sweeps;
//! - [`walkforward`], [`events`] (the event study and which events a strategy trades),
//!   [`stats`] (a report on an external series);
//! - [`out_dir`] and [`outputs`]: the `--out` folder and the files written into it.
//!
//! Nothing here prints: progress and notes go through a [`Reporter`], results come back as
//! values (the text for stdout included). Errors are [`AppError`]; [`AppError::BadInput`] is
//! the user's mistake.

// Unit tests see every dev-dependency, not all of which each crate's unit tests use.
#![cfg_attr(test, allow(unused_crate_dependencies))]

mod alloc;
pub mod config;
pub mod error;
pub mod error_hint;
pub mod event_plan;
pub mod event_pnl_report;
pub mod events;
pub mod events_output;
pub mod merge;
pub mod out_dir;
pub mod outputs;
pub mod reaction_report;
pub mod reporter;
pub mod run;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod sweep_output;
pub mod walkforward;

pub use config::{load, Config, LoadedConfig};
pub use error::{bad, data_error, AppError, Result};
pub use reporter::{Quiet, Reporter};
pub use rotor_strategies::Registry;
