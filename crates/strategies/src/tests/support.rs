//! Hand-built and random markets for the strategy tests.

use chrono::NaiveDate;
use rotor_data::time::daily_close_ns;
use rotor_data::{Market, MarketBuilder, SymbolBars};
use rotor_rng::SplitMix64;

/// The date of bar `i`: consecutive calendar days from Monday 2026-01-05.
pub fn day(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + chrono::Days::new(i as u64)
}

/// OHLC of one bar; `None` = no bar for that symbol that day.
pub type Bar = Option<(f64, f64, f64, f64)>;

/// A daily market: symbol `k` has `bars[k][i]` on [`day`]`(i)`.
pub fn market(symbols: &[(String, Vec<Bar>)]) -> Market {
    let mut b = MarketBuilder::new(true);
    for (name, bars) in symbols {
        let mut sb = SymbolBars {
            symbol: name.clone(),
            ..SymbolBars::default()
        };
        for (i, bar) in bars.iter().enumerate() {
            if let Some((o, h, l, c)) = *bar {
                sb.timestamps.push(daily_close_ns(day(i)));
                sb.open.push(o);
                sb.high.push(h);
                sb.low.push(l);
                sb.close.push(c);
                sb.volume.push(1e12); // never binds a volume cap
            }
        }
        b.add(sb);
    }
    b.build()
}

/// Bars that open at the previous close and close at `closes[i]` (first open = first close).
pub fn from_closes(closes: &[f64]) -> Vec<Bar> {
    let mut prev = closes[0];
    closes
        .iter()
        .map(|&c| {
            let o = prev;
            prev = c;
            Some((o, o.max(c), o.min(c), c))
        })
        .collect()
}

/// `(name, bars)` pairs from names.
pub fn named(pairs: Vec<(&str, Vec<Bar>)>) -> Vec<(String, Vec<Bar>)> {
    pairs.into_iter().map(|(n, b)| (n.to_string(), b)).collect()
}

/// Random consistent OHLC random walks, some bars missing; bars before `keep` copied from
/// `base` when given.
pub fn random_bars(
    rng: &mut SplitMix64,
    n_symbols: usize,
    n_bars: usize,
    base: Option<(&[Vec<Bar>], usize)>,
) -> Vec<Vec<Bar>> {
    (0..n_symbols)
        .map(|k| {
            let mut px = 20.0 + 80.0 * rng.next_f64();
            (0..n_bars)
                .map(|i| {
                    if let Some((b, keep)) = base {
                        if i < keep {
                            if let Some((_, _, _, c)) = b[k][i] {
                                px = c;
                            }
                            return b[k][i];
                        }
                    }
                    if rng.next_f64() < 0.05 {
                        return None;
                    }
                    let o = px * (1.0 + 0.02 * (rng.next_f64() - 0.5));
                    let c = o * (1.0 + 0.08 * (rng.next_f64() - 0.5));
                    px = c;
                    Some((o, o.max(c) * 1.005, o.min(c) * 0.995, c))
                })
                .collect()
        })
        .collect()
}
