//! Window parameters against the data: a window (in bars) longer than the data is bad input, and
//! no buffer is ever sized by a parameter beyond the data (`slow = 1e11` must not allocate
//! 800 GB, `window = 2^62` must not overflow).

use super::{Signal, StrategyConfig, Weighting};
use crate::error::StrategyError;

impl StrategyConfig {
    /// The windows this config uses, as (key, bars). Momentum windows count `lookback + skip`
    /// (saturating), the bars they reach back.
    fn windows_used(&self) -> Vec<(String, usize)> {
        let momentum = |lookback: usize, skip: usize| {
            let key = if skip > 0 {
                "strategy.lookback + strategy.skip"
            } else {
                "strategy.lookback"
            };
            (key.to_string(), lookback.saturating_add(skip))
        };
        match self {
            StrategyConfig::Rotation(c) => {
                let mut v = Vec::new();
                match c.signal {
                    Signal::Momentum => v.push(momentum(c.lookback, c.skip)),
                    Signal::Zscore | Signal::Trend => v.push(("strategy.window".into(), c.window)),
                }
                if c.weighting != Weighting::Equal {
                    v.push(("strategy.vol_window".into(), c.vol_window));
                }
                v
            }
            StrategyConfig::SectorRotation(c) => vec![momentum(c.lookback, c.skip)],
            StrategyConfig::SmaCross(c) => vec![
                ("strategy.fast".into(), c.fast),
                ("strategy.slow".into(), c.slow),
            ],
            StrategyConfig::NewsEvent(c) => vec![("strategy.hold".into(), c.hold)],
            // A formula checks its own history needs (its warm-up) against the data.
            StrategyConfig::BuyAndHold(_)
            | StrategyConfig::Formula(_)
            | StrategyConfig::Custom(_) => Vec::new(),
        }
    }

    /// Checks every window the strategy uses against the data's `n_bars`: one longer than the
    /// data is an error naming the key, the value and the data's length.
    pub fn check_windows(&self, n_bars: usize) -> Result<(), StrategyError> {
        for (key, bars) in self.windows_used() {
            if bars > n_bars {
                return Err(StrategyError::invalid(
                    key.clone(),
                    format!("{key} ({bars}) is longer than the data ({n_bars} bars)"),
                ));
            }
        }
        Ok(())
    }

    /// A copy whose windows are capped at the data's length (at least 2), so building it
    /// allocates nothing beyond the data whatever they say. Equal to `self` in every window the
    /// strategy uses once [`StrategyConfig::check_windows`] passes; unused windows (the z-score
    /// window of a momentum rotation...) change nothing.
    pub(crate) fn capped(&self, n_bars: usize) -> StrategyConfig {
        let cap = |w: &mut usize| *w = (*w).min(n_bars.max(2));
        let mut c = self.clone();
        match &mut c {
            StrategyConfig::Rotation(r) => {
                for w in [
                    &mut r.lookback,
                    &mut r.skip,
                    &mut r.window,
                    &mut r.vol_window,
                ] {
                    cap(w);
                }
            }
            StrategyConfig::SectorRotation(r) => {
                cap(&mut r.lookback);
                cap(&mut r.skip);
            }
            StrategyConfig::SmaCross(r) => {
                cap(&mut r.fast);
                cap(&mut r.slow);
            }
            StrategyConfig::NewsEvent(r) => cap(&mut r.hold),
            StrategyConfig::BuyAndHold(_)
            | StrategyConfig::Formula(_)
            | StrategyConfig::Custom(_) => {}
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{RotationConfig, SmaCrossConfig, StrategyConfig};

    #[test]
    fn windows_longer_than_the_data_name_the_key() {
        let sma = StrategyConfig::SmaCross(SmaCrossConfig {
            symbol: "A".into(),
            fast: 5,
            slow: 100_000_000_000,
        });
        let e = sma.check_windows(3530).unwrap_err().to_string();
        assert_eq!(
            e,
            "strategy.slow (100000000000) is longer than the data (3530 bars)"
        );
        let rot = StrategyConfig::Rotation(RotationConfig {
            long: vec!["A".into()],
            short: vec!["B".into()],
            lookback: 1 << 62,
            skip: usize::MAX,
            window: 1 << 62,
            vol_window: 1 << 62,
            ..RotationConfig::default()
        });
        let e = rot.check_windows(100).unwrap_err().to_string();
        assert!(e.starts_with("strategy.lookback + strategy.skip ("), "{e}");
        // Unused windows (momentum signal, equal weights) are capped, not refused.
        let ok = StrategyConfig::Rotation(RotationConfig {
            long: vec!["A".into()],
            short: vec!["B".into()],
            lookback: 10,
            window: 1 << 62,
            vol_window: 1 << 62,
            ..RotationConfig::default()
        });
        assert!(ok.check_windows(100).is_ok());
        match ok.capped(100) {
            StrategyConfig::Rotation(r) => assert_eq!((r.window, r.vol_window), (100, 100)),
            _ => unreachable!(),
        }
    }
}
