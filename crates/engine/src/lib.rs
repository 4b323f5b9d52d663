//! rotor-engine: the one-clock event loop of a backtest.
//!
//! [`run`] replays a [`Market`] bar by bar under the timing rule (ARCHITECTURE.md), calling a
//! [`Strategy`] through a [`Context`] that shows history up to now and never after. Orders
//! (market, on-open, on-close, limit, stop, stop-limit, target quantity and weight) fill under
//! the model of [`broker`] with the costs of [`CostsConfig`] and the rules of [`FillConfig`];
//! the portfolio is marked at every close; the outcome is a plain-data [`RunResult`].
//!
//! Invariant of the crate: a backtest is a synchronous, deterministic function of
//! (market, execution config, strategy), and an order submitted at instant `x` only ever fills
//! at a price that was printed after `x`.

// Unit tests see every dev-dependency, not all of which each crate's unit tests use.
#![cfg_attr(test, allow(unused_crate_dependencies))]

mod alloc;
pub mod broker;
pub mod config;
pub mod context;
pub mod costs;
pub mod error;
pub mod event_loop;
pub mod fill;
pub mod latency;
pub mod order;
pub mod portfolio;
pub mod prices;
pub mod result;
pub mod strategy;
pub mod trade;

#[cfg(test)]
mod tests;

pub use config::{
    CostsConfig, Delisting, FillConfig, OnBreach, PortfolioConfig, Remainder, SimulationConfig,
    SlippageModel,
};
pub use context::Context;
pub use error::EngineError;
pub use event_loop::{run, try_run};
pub use fill::Fill;
pub use order::{Order, OrderId, OrderKind, TimeInForce};
pub use prices::Prices;
pub use result::{RejectReason, Rejection, RunResult};
pub use rotor_data::{Event, Market};
pub use strategy::Strategy;
pub use trade::Trade;
