//! rotor-data: bars and events from Parquet, CSV and JSON lines into one aligned, validated,
//! columnar [`Market`], built once and shared read-only (`Arc<Market>`) by every backtest.
//!
//! Arrow and Parquet types never leave this crate: callers see plain Rust types
//! ([`Market`], [`Event`], [`Table`]) and [`DataError`].

// Unit tests see every dev-dependency, not all of which each crate's unit tests use.
#![cfg_attr(test, allow(unused_crate_dependencies))]
// DataError carries the file, column, row, symbol and timestamp of a fault (~150 bytes); it is
// only built on the cold error path, so boxing it would buy nothing measurable.
#![allow(clippy::result_large_err)]

mod arrow_values;
mod columns;
pub mod csv_import;
mod csv_input;
pub mod error;
pub mod event;
pub mod events_io;
pub mod fallible;
pub mod input_file;
pub mod inspect;
pub mod load;
pub mod market;
pub mod parquet_bars;
mod parquet_columns;
mod parquet_discover;
mod parquet_fast;
mod parquet_fast_symbols;
mod parquet_file;
mod parquet_footer;
mod parquet_open;
mod parquet_rows;
pub mod series;
pub mod suspicious;
mod symbol_merge;
pub mod symbol_text;
pub mod synth;
pub mod table;
pub mod time;
mod timeline;
pub mod validate;
pub mod warmup;

pub use error::DataError;
pub use event::Event;
pub use market::{Market, MarketBuilder, SymbolBars};
pub use table::{Column, Table};
