//! rotor-strategies: the built-in strategies and the config that selects one.
//!
//! A [`StrategyConfig`] (the `[strategy]` table of a config file) is validated, its symbols are
//! resolved to market indices, and it is built into a [`BuiltStrategy`], a closed enum that the
//! engine drives with static dispatch. [`run`] does all of that in one call.
//!
//! Invariant: every strategy here decides only from its [`rotor_engine::Context`], so none can
//! look ahead; each trades only symbols [`StrategyConfig::symbols`] lists (which also names
//! the symbols a strategy only reads, such as a beta benchmark).

// Unit tests see every dev-dependency, not all of which each crate's unit tests use.
#![cfg_attr(test, allow(unused_crate_dependencies))]

mod alloc;
pub mod build;
pub mod buy_and_hold;
pub mod config;
pub mod custom;
pub mod error;
pub mod event_pnl;
pub mod formula;
pub mod indicators;
pub mod news_event;
pub mod reaction;
pub mod registry;
pub mod rolling;
pub mod rotation;
pub mod sector_rotation;
pub mod shared;
pub mod sma_cross;

#[cfg(test)]
mod tests;

pub use build::{run, run_keep, run_shared, try_run_shared, BuiltStrategy};
pub use buy_and_hold::BuyAndHold;
pub use config::{
    BuyAndHoldConfig, Direction, FormulaConfig, MatchMode, NewsEventConfig, Rebalance,
    RotationConfig, SectorRotationConfig, SectorWeighting, Signal, SmaCrossConfig, StrategyConfig,
    Weighting,
};
pub use custom::{CustomBuilt, CustomConfig, CustomKind};
pub use error::StrategyError;
pub use event_pnl::{attribute_events, EventPnl};
pub use formula::Formula;
pub use news_event::{EventTrade, NewsEvent};
pub use reaction::{delay_distribution, reactions, Reaction};
pub use registry::Registry;
pub use rotation::Rotation;
pub use sector_rotation::SectorRotation;
pub use shared::{IndicatorKey, SharedIndicators};
pub use sma_cross::SmaCross;
