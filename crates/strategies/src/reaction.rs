//! Reaction of a `news_event` run: for each headline acted on, when it was published, when the
//! price of its entry printed, the delay between them, and how far the traded prices moved
//! meanwhile, which is what the assumed reaction time (`execution.latency` and the timing rule)
//! cost.
//!
//! The price "at publication" of a symbol is the last price printed at or before the headline:
//! the close of the last bar that closed by then, or the open of a bar whose open instant came
//! by then and whose close had not. The move of an entry is
//! `Σ share × q × (base − reference) / Σ share × |q| × reference` over the event's entry fills
//! (`base` the fill's price before slippage, `q` its signed quantity, `share` the event's share
//! of the fill): > 0 when the prices moved against the trade before it filled.

use rotor_engine::{Market, Prices, RunResult};

use crate::news_event::EventTrade;

/// One headline acted on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reaction {
    /// Publication instant (ns UTC).
    pub published: i64,
    /// Instant the entry's price printed (ns UTC); `None` when the entry never filled.
    pub filled: Option<i64>,
    /// Move of the traded prices from publication to the entry, in the trade's direction (a
    /// fraction; NaN without a fill or a reference price).
    pub moved: f64,
    /// That move in money on the filled quantities (> 0: the delay cost this much).
    pub cost: f64,
}

impl Reaction {
    /// Time from publication to the entry's price, ns.
    pub fn delay(&self) -> Option<i64> {
        self.filled.map(|f| f - self.published)
    }
}

/// The last price of symbol `s` printed at or before `instant` (NaN when none is known).
fn price_at(market: &Market, prices: &Prices<'_>, s: usize, instant: i64) -> f64 {
    // Bars whose open instant has come (open instants never decrease).
    let (mut opened, mut hi) = (0, market.n_bars());
    while opened < hi {
        let mid = opened + (hi - opened) / 2;
        if market.session_open(mid) <= instant {
            opened = mid + 1;
        } else {
            hi = mid;
        }
    }
    for t in (0..opened).rev() {
        let (o, c) = (prices.open(s)[t], prices.close(s)[t]);
        if market.timestamps()[t] <= instant && c.is_finite() {
            return c;
        }
        if o.is_finite() && market.timestamps()[t] > instant {
            return o;
        }
    }
    f64::NAN
}

/// The reaction of every event of `events` (a `news_event` run's log) in `result`;
/// `fill_events` is the attribution of fills to events (`EventPnl::fill_events`).
pub fn reactions(
    market: &Market,
    adjust: bool,
    result: &RunResult,
    events: &[EventTrade],
    fill_events: &[(usize, usize, f64)],
) -> Vec<Reaction> {
    let prices = Prices::new(market, adjust);
    events
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let mut out = Reaction {
                published: e.timestamp,
                filled: None,
                moved: f64::NAN,
                cost: 0.0,
            };
            let mut notional = 0.0;
            for &(i, owner, share) in fill_events {
                let f = &result.fills[i];
                if owner != k || f.bar != e.entry {
                    continue;
                }
                out.filled.get_or_insert(f.timestamp);
                let reference = price_at(market, &prices, f.symbol, e.timestamp);
                if reference.is_finite() {
                    out.cost += share * f.quantity * (f.base_price - reference);
                    notional += share * f.quantity.abs() * reference;
                }
            }
            if notional > 0.0 {
                out.moved = out.cost / notional;
            }
            out
        })
        .collect()
}

/// Minimum, median, 90th percentile and maximum of the delays (ns; percentiles by linear
/// interpolation between order statistics, numpy's default), `None` when no entry filled.
pub fn delay_distribution(reactions: &[Reaction]) -> Option<[f64; 4]> {
    let mut d: Vec<f64> = reactions
        .iter()
        .filter_map(|r| r.delay())
        .map(|x| x as f64)
        .collect();
    if d.is_empty() {
        return None;
    }
    d.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let x = p * (d.len() - 1) as f64;
        let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
        d[lo] + (d[hi] - d[lo]) * (x - lo as f64)
    };
    Some([d[0], q(0.5), q(0.9), d[d.len() - 1]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(published: i64, filled: Option<i64>) -> Reaction {
        Reaction {
            published,
            filled,
            moved: f64::NAN,
            cost: 0.0,
        }
    }

    #[test]
    fn delay_percentiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [0, 50, 90, 100]) = [1, 3, 7.6, 10].
        let rows: Vec<Reaction> = [1, 2, 3, 4, 10]
            .iter()
            .map(|&s| r(100, Some(100 + s)))
            .chain([r(5, None)])
            .collect();
        let [min, median, p90, max] = delay_distribution(&rows).unwrap();
        assert_eq!((min, median, max), (1.0, 3.0, 10.0));
        assert!((p90 - 7.6).abs() < 1e-12, "{p90}");
        assert_eq!(delay_distribution(&[r(5, None)]), None);
    }
}
