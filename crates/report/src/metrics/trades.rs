//! Trade, exposure and turnover metrics from the closed round trips and the exposure series.
//!
//! Invariant: trades with a non-finite pnl are ignored; money amounts are in the account
//! currency; exposures are fractions of equity averaged over the bars with positive equity;
//! an empty input gives `None`, never a division by zero.

use crate::input::TradeRecord;

use super::util::{mean, positive, some_finite};

fn pnls(trades: &[TradeRecord]) -> Vec<f64> {
    trades
        .iter()
        .map(|t| t.pnl)
        .filter(|p| p.is_finite())
        .collect()
}

/// Share of winning trades: `count(pnl > 0) / count(trades)`.
pub fn win_rate(trades: &[TradeRecord]) -> Option<f64> {
    let p = pnls(trades);
    if p.is_empty() {
        return None;
    }
    Some(p.iter().filter(|x| **x > 0.0).count() as f64 / p.len() as f64)
}

/// Profit factor: `sum(pnl > 0) / |sum(pnl < 0)|`; `None` without losing trades.
pub fn profit_factor(trades: &[TradeRecord]) -> Option<f64> {
    let p = pnls(trades);
    let gain: f64 = p.iter().filter(|x| **x > 0.0).sum();
    let loss: f64 = -p.iter().filter(|x| **x < 0.0).sum::<f64>();
    if !positive(loss) {
        return None;
    }
    some_finite(gain / loss)
}

/// Expectancy: mean pnl per trade (currency).
pub fn expectancy(trades: &[TradeRecord]) -> Option<f64> {
    mean(&pnls(trades))
}

/// Average winning trade: mean pnl of the trades with pnl > 0 (currency).
pub fn avg_win(trades: &[TradeRecord]) -> Option<f64> {
    mean(
        &pnls(trades)
            .into_iter()
            .filter(|x| *x > 0.0)
            .collect::<Vec<_>>(),
    )
}

/// Average losing trade: mean pnl of the trades with pnl < 0 (currency, negative).
pub fn avg_loss(trades: &[TradeRecord]) -> Option<f64> {
    mean(
        &pnls(trades)
            .into_iter()
            .filter(|x| *x < 0.0)
            .collect::<Vec<_>>(),
    )
}

/// Mean holding period in sessions (bars) over all trades.
pub fn avg_holding_sessions(trades: &[TradeRecord]) -> Option<f64> {
    mean(
        &trades
            .iter()
            .map(|t| t.holding_bars as f64)
            .collect::<Vec<_>>(),
    )
}

/// Annualized turnover: `traded_notional / mean(equity) / years`, `years = n / A` with n the
/// number of bars. `None` when the mean equity is not positive.
pub fn turnover(traded_notional: f64, equity: &[f64], periods_per_year: f64) -> Option<f64> {
    let m = mean_of(equity.iter().copied().filter(|x| x.is_finite()))?;
    if !positive(m) || !positive(periods_per_year) || equity.is_empty() {
        return None;
    }
    let years = equity.len() as f64 / periods_per_year;
    some_finite(traded_notional / m / years)
}

fn exposure(
    equity: &[f64],
    long: &[f64],
    short: &[f64],
    f: impl Fn(f64, f64) -> f64,
) -> Option<f64> {
    mean_of(
        equity
            .iter()
            .zip(long.iter().zip(short))
            .filter(|(e, (l, s))| e.is_finite() && **e > 0.0 && l.is_finite() && s.is_finite())
            .map(|(e, (l, s))| f(l.abs(), s.abs()) / e),
    )
}

/// [`mean`] of the values `xs` yields (the same sum, in the same order), without collecting
/// them: no per-bar vector.
fn mean_of(xs: impl Iterator<Item = f64> + Clone) -> Option<f64> {
    let n = xs.clone().count();
    if n == 0 {
        return None;
    }
    some_finite(xs.sum::<f64>() / n as f64)
}

/// Average gross exposure: `mean((long + short) / equity)` over bars with positive equity.
pub fn avg_gross_exposure(equity: &[f64], long: &[f64], short: &[f64]) -> Option<f64> {
    exposure(equity, long, short, |l, s| l + s)
}

/// Average net exposure: `mean((long - short) / equity)` over bars with positive equity.
pub fn avg_net_exposure(equity: &[f64], long: &[f64], short: &[f64]) -> Option<f64> {
    exposure(equity, long, short, |l, s| l - s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(pnl: f64, bars: usize) -> TradeRecord {
        TradeRecord {
            pnl,
            holding_bars: bars,
            ..Default::default()
        }
    }

    #[test]
    fn hand_computed() {
        let tr = [t(10.0, 2), t(-5.0, 4), t(20.0, 3), t(f64::NAN, 1)];
        assert_eq!(win_rate(&tr), Some(2.0 / 3.0));
        assert_eq!(profit_factor(&tr), Some(6.0));
        assert_eq!(expectancy(&tr), Some(25.0 / 3.0));
        assert_eq!(avg_win(&tr), Some(15.0));
        assert_eq!(avg_loss(&tr), Some(-5.0));
        assert_eq!(avg_holding_sessions(&tr), Some(2.5));
        assert_eq!(win_rate(&[]), None);
        assert_eq!(profit_factor(&[t(1.0, 1)]), None);
        // 2 years of 252 bars at mean equity 100 trading 400 => 2x a year
        assert_eq!(turnover(400.0, &[100.0; 504], 252.0), Some(2.0));
        assert_eq!(
            avg_gross_exposure(&[100.0, 0.0], &[60.0, 1.0], &[40.0, 1.0]),
            Some(1.0)
        );
        assert_eq!(
            avg_net_exposure(&[100.0, 200.0], &[60.0, 100.0], &[40.0, 100.0]),
            Some(0.1)
        );
    }
}
