//! Scenario and property tests of the whole loop on hand-built markets.

mod accounting;
mod latency;
mod news;
mod orders;
mod props;
mod stamps;
mod support;
mod warmup;
