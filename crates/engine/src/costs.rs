//! The cost model of a fill: commission and slippage, from the `[costs]` table
//! ([`CostsConfig`]; README, "Execution model").
//!
//! Slippage is a fraction of the fill's base price: fixed (`slippage_bps`), or half the spread
//! plus square-root market impact `k * sigma * sqrt(q / ADV)`, with sigma the sample std of
//! close-to-close returns and ADV the mean volume over the [`IMPACT_WINDOW`] bars before the
//! fill bar `t`, so nothing from bar `t` on. Commission is
//! `max(min, |q| * per_share + |q| * price * bps)`.
//!
//! Financing costs (borrow fees, cash interest) accrue at every close in the event loop, not
//! per fill.

use crate::config::{CostsConfig, SlippageModel};
use crate::prices::Prices;

/// Bars of history behind the square-root impact model's sigma and ADV.
pub const IMPACT_WINDOW: usize = 20;

/// Commission and slippage of fills, with the rates of a [`CostsConfig`] as fractions.
#[derive(Debug, Clone)]
pub(crate) struct CostModel {
    slippage_model: SlippageModel,
    slippage: f64,
    half_spread: f64,
    impact_k: f64,
    commission: f64,
    per_share: f64,
    commission_min: f64,
}

impl CostModel {
    /// The model of `costs` (bps turned into fractions).
    pub(crate) fn new(costs: &CostsConfig) -> Self {
        CostModel {
            slippage_model: costs.slippage_model,
            slippage: costs.slippage_bps / 1e4,
            half_spread: costs.half_spread_bps / 1e4,
            impact_k: costs.impact_k,
            commission: costs.commission_bps / 1e4,
            per_share: costs.commission_per_share,
            commission_min: costs.commission_min,
        }
    }

    /// Commission of a fill of `quantity` at `price`.
    pub(crate) fn commission(&self, quantity: f64, price: f64) -> f64 {
        if quantity == 0.0 {
            return 0.0;
        }
        let q = quantity.abs();
        (q * self.per_share + q * price * self.commission).max(self.commission_min)
    }

    /// Slippage fraction of a fill of `q` shares (> 0) of `s` in bar `t`.
    pub(crate) fn slippage(&self, prices: &Prices<'_>, s: usize, t: usize, q: f64) -> f64 {
        match self.slippage_model {
            SlippageModel::Fixed => self.slippage,
            SlippageModel::SqrtImpact => {
                let impact = match trailing_sigma_adv(prices, s, t) {
                    Some((sigma, adv)) => self.impact_k * sigma * (q / adv).sqrt(),
                    None => 0.0,
                };
                // Never 100% or more: a sale would pay to sell.
                (self.half_spread + impact).min(0.99)
            }
        }
    }

    /// Slippage fraction to size a target-weight order with: for the square-root model, the
    /// impact of the size the order would have without impact (an upper bound, so sizing never
    /// overspends).
    pub(crate) fn sizing_slippage(
        &self,
        prices: &Prices<'_>,
        s: usize,
        t: usize,
        weight: f64,
        equity: f64,
        price: f64,
    ) -> f64 {
        match self.slippage_model {
            SlippageModel::Fixed => self.slippage,
            SlippageModel::SqrtImpact => {
                let rough = (weight * equity / price).abs();
                if rough > 0.0 && rough.is_finite() {
                    self.slippage(prices, s, t, rough)
                } else {
                    self.half_spread
                }
            }
        }
    }

    /// Cash per share of trading at `price` with slippage fraction `slip` in the direction of
    /// `weight`, every proportional cost included: `price * (1 + slip) * (1 + comm) +
    /// per_share` for a buy (`weight > 0`), `price * (1 - slip) * (1 - comm) - per_share` for
    /// a sale.
    pub(crate) fn all_in_price(&self, weight: f64, price: f64, slip: f64) -> f64 {
        if weight > 0.0 {
            price * (1.0 + slip) * (1.0 + self.commission) + self.per_share
        } else {
            price * (1.0 - slip) * (1.0 - self.commission) - self.per_share
        }
    }
}

/// Sample std of close-to-close returns and mean volume of symbol `s` over the
/// [`IMPACT_WINDOW`] bars before `t` (bars without data skipped); `None` with fewer than two
/// returns or no positive volume.
fn trailing_sigma_adv(prices: &Prices<'_>, s: usize, t: usize) -> Option<(f64, f64)> {
    let from = t.saturating_sub(IMPACT_WINDOW);
    let (close, volume) = (prices.close(s), prices.volume(s));
    let (mut n, mut sum, mut sum2) = (0.0, 0.0, 0.0);
    let (mut nv, mut vsum) = (0.0, 0.0);
    let mut prev = f64::NAN;
    for k in from..t {
        let c = close[k];
        if c.is_finite() {
            if prev.is_finite() && prev > 0.0 {
                let r = c / prev - 1.0;
                n += 1.0;
                sum += r;
                sum2 += r * r;
            }
            prev = c;
        }
        if volume[k].is_finite() {
            nv += 1.0;
            vsum += volume[k];
        }
    }
    if n < 2.0 || nv == 0.0 || vsum <= 0.0 {
        return None;
    }
    let var = ((sum2 - sum * sum / n) / (n - 1.0)).max(0.0);
    Some((var.sqrt(), vsum / nv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_is_per_share_plus_bps_with_a_minimum() {
        let model = CostModel::new(&CostsConfig {
            commission_bps: 10.0,
            commission_per_share: 0.01,
            commission_min: 1.0,
            ..CostsConfig::default()
        });
        assert_eq!(model.commission(0.0, 50.0), 0.0);
        // 1000 shares at 50: 10 + 50 = 60.
        assert!((model.commission(-1000.0, 50.0) - 60.0).abs() < 1e-9);
        // 10 shares at 5: 0.1 + 0.05 < 1, the minimum.
        assert_eq!(model.commission(10.0, 5.0), 1.0);
        // A buy pays 100 * 1.001 * 1.001 + 0.01 a share, a sale gets 100 * 0.999 * 0.999 - 0.01.
        assert!((model.all_in_price(0.5, 100.0, 0.001) - 100.2101).abs() < 1e-9);
        assert!((model.all_in_price(-0.5, 100.0, 0.001) - 99.7901).abs() < 1e-9);
    }
}
