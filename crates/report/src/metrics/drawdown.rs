//! Drawdowns of the wealth curve built from the returns (empyrical/quantstats conventions).
//!
//! Invariant: wealth starts at a phantom `W = 1` before the first bar (so a first-period loss is a
//! drawdown); a non-finite return leaves wealth unchanged; drawdowns are negative fractions
//! `W_t / max_{s<=t} W_s - 1` and durations are counted in sessions (bars).

use super::util::some_finite;

/// Wealth after each bar, `W_t = prod_{s<=t}(1 + r_s)` (without the phantom start 1).
pub fn wealth(r: &[f64]) -> Vec<f64> {
    let mut w = 1.0;
    r.iter()
        .map(|x| {
            if x.is_finite() {
                w *= 1.0 + x;
            }
            w
        })
        .collect()
}

/// Drawdown at each bar: `W_t / max(1, max_{s<=t} W_s) - 1` (<= 0), the phantom start counted.
pub fn drawdown_series(r: &[f64]) -> Vec<f64> {
    let mut peak: f64 = 1.0;
    wealth(r)
        .into_iter()
        .map(|w| {
            peak = peak.max(w);
            w / peak - 1.0
        })
        .collect()
}

/// Maximum drawdown (empyrical `max_drawdown`, phantom start 100): `min_t dd_t`, a negative
/// fraction (0 when wealth never fell). `None` without returns.
pub fn max_drawdown(r: &[f64]) -> Option<f64> {
    drawdown_series(r)
        .into_iter()
        .reduce(f64::min)
        .and_then(some_finite)
}

/// One drawdown episode: from a peak to the first bar back at or above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Episode {
    /// Bar index of the peak; `None` when the peak is the phantom start before the first bar.
    pub peak: Option<usize>,
    /// Bar index of the lowest point.
    pub trough: usize,
    /// Bar index where wealth first regained the peak; `None` while the drawdown is ongoing.
    pub recovery: Option<usize>,
    /// Depth `W_trough / W_peak - 1` (negative fraction).
    pub depth: f64,
    /// Sessions from the peak to the recovery (or to the last bar when ongoing).
    pub length: usize,
}

/// All drawdown episodes in time order. An episode is a maximal run of bars with `dd_t < 0`
/// (the same episodes as quantstats `drawdown_details`); its length counts the sessions from the
/// peak (the phantom start counts as session 0) to the recovery bar, or to the last bar.
pub fn episodes(r: &[f64]) -> Vec<Episode> {
    let dd = drawdown_series(r);
    let mut out = Vec::new();
    let mut cur: Option<Episode> = None;
    // Wealth index i+1 is bar i; wealth index 0 is the phantom start.
    let mut last_peak: Option<usize> = None;
    for (i, &d) in dd.iter().enumerate() {
        if d < 0.0 {
            match cur.as_mut() {
                Some(e) => {
                    if d < e.depth {
                        e.depth = d;
                        e.trough = i;
                    }
                }
                None => {
                    cur = Some(Episode {
                        peak: last_peak,
                        trough: i,
                        recovery: None,
                        depth: d,
                        length: 0,
                    });
                }
            }
        } else {
            if let Some(mut e) = cur.take() {
                e.recovery = Some(i);
                e.length = i + 1 - e.peak.map_or(0, |p| p + 1);
                out.push(e);
            }
            if d.is_finite() {
                last_peak = Some(i);
            }
        }
    }
    if let Some(mut e) = cur.take() {
        e.length = dd.len() - e.peak.map_or(0, |p| p + 1);
        out.push(e);
    }
    out
}

/// Longest drawdown in sessions, peak to recovery (to the last bar if ongoing); 0 without
/// drawdowns. No reference library has this exact definition: tested against a hand count.
pub fn max_drawdown_duration(r: &[f64]) -> Option<f64> {
    if r.is_empty() {
        return None;
    }
    Some(episodes(r).iter().map(|e| e.length).max().unwrap_or(0) as f64)
}

/// Average drawdown (quantstats `metrics()["Avg. Drawdown"]`, i.e.
/// `drawdown_details(dd)["max drawdown"].mean()`): the mean depth of the episodes, a negative
/// fraction; 0 without drawdowns.
pub fn avg_drawdown(r: &[f64]) -> Option<f64> {
    if r.is_empty() {
        return None;
    }
    let e = episodes(r);
    if e.is_empty() {
        return Some(0.0);
    }
    some_finite(e.iter().map(|e| e.depth).sum::<f64>() / e.len() as f64)
}

/// Ulcer index (quantstats `ulcer_index`): `sqrt(sum(dd_t^2) / (n - 1))` over the n bars, dd as
/// fractions. `None` for n < 2.
pub fn ulcer_index(r: &[f64]) -> Option<f64> {
    let dd = drawdown_series(r);
    if dd.len() < 2 {
        return None;
    }
    some_finite((dd.iter().map(|d| d * d).sum::<f64>() / (dd.len() - 1) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_counted_episodes() {
        // wealth: 0.9, 0.99, 1.089 (recovers the phantom 1 at bar 2), 0.98, 0.98, ongoing
        let r = [-0.1, 0.1, 0.1, -0.1, 0.0];
        let e = episodes(&r);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].peak, None);
        assert_eq!(e[0].trough, 0);
        assert_eq!(e[0].recovery, Some(2));
        assert_eq!(e[0].length, 3);
        assert!((e[0].depth + 0.1).abs() < 1e-15);
        assert_eq!(e[1].peak, Some(2));
        assert_eq!(e[1].recovery, None);
        assert_eq!(e[1].length, 2);
        assert_eq!(max_drawdown_duration(&r), Some(3.0));
        assert!((max_drawdown(&r).unwrap() + 0.1).abs() < 1e-15);
    }

    #[test]
    fn no_drawdown() {
        let r = [0.01, 0.02];
        assert_eq!(max_drawdown(&r), Some(0.0));
        assert_eq!(max_drawdown_duration(&r), Some(0.0));
        assert_eq!(avg_drawdown(&r), Some(0.0));
        assert_eq!(max_drawdown(&[]), None);
    }
}
