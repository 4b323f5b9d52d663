//! rotor-data: bars and events from Parquet, CSV and JSON lines into one aligned, validated,
//! columnar [`Market`], built once and shared read-only (`Arc<Market>`) by every backtest.
//!
//! Arrow and Parquet types never leave this crate: callers see plain Rust types
//! ([`Market`], [`Event`], [`Table`]) and [`DataError`].

pub mod csv_import;
pub mod error;
pub mod event;
pub mod events_io;
pub mod inspect;
pub mod load;
pub mod market;
pub mod parquet_bars;
pub mod synth;
pub mod table;
pub mod time;
pub mod validate;

pub use error::DataError;
pub use event::Event;
pub use market::{Market, MarketBuilder, SymbolBars};
pub use table::{Column, Table};
