//! Each strategy on hand-built markets where the right trades are known by construction, the
//! no-look-ahead perturbation property for every built-in strategy, and a speed probe.

mod by_construction;
mod custom;
mod event_pnl;
mod lookahead;
mod news;
mod overflow;
mod rotation_more;
mod sector;
mod shared;
mod speed;
pub(crate) mod support;
mod warmup;
