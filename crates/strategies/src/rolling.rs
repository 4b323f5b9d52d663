//! Kept for compatibility: [`RollingMean`] is [`crate::indicators::Sma`].

pub use crate::indicators::Sma as RollingMean;
