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
    let mut out = Vec::new();
    scan(r, |e| out.push(e));
    out
}

/// The drawdown metrics of a return series, from one pass ([`summary`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// See [`max_drawdown`].
    pub max_drawdown: Option<f64>,
    /// See [`max_drawdown_duration`].
    pub max_duration: Option<f64>,
    /// See [`avg_drawdown`].
    pub avg_drawdown: Option<f64>,
    /// See [`ulcer_index`].
    pub ulcer_index: Option<f64>,
}

/// Every drawdown metric in one pass over `r`, without building the wealth, drawdown or
/// episode series.
pub fn summary(r: &[f64]) -> Summary {
    let (mut longest, mut depth_sum, mut count) = (0usize, -0.0f64, 0usize);
    let s = scan(r, |e| {
        longest = longest.max(e.length);
        depth_sum += e.depth;
        count += 1;
    });
    if r.is_empty() {
        return Summary::default();
    }
    Summary {
        max_drawdown: s.min.and_then(some_finite),
        max_duration: Some(longest as f64),
        avg_drawdown: if count == 0 {
            Some(0.0)
        } else {
            some_finite(depth_sum / count as f64)
        },
        ulcer_index: if r.len() < 2 {
            None
        } else {
            some_finite((s.sum_sq / (r.len() - 1) as f64).sqrt())
        },
    }
}

/// Maximum drawdown (empyrical `max_drawdown`, phantom start 100): `min_t dd_t`, a negative
/// fraction (0 when wealth never fell). `None` without returns.
pub fn max_drawdown(r: &[f64]) -> Option<f64> {
    summary(r).max_drawdown
}

/// Longest drawdown in sessions, peak to recovery (to the last bar if ongoing); 0 without
/// drawdowns. No reference library has this exact definition: tested against a hand count.
pub fn max_drawdown_duration(r: &[f64]) -> Option<f64> {
    summary(r).max_duration
}

/// Average drawdown (quantstats `metrics()["Avg. Drawdown"]`, i.e.
/// `drawdown_details(dd)["max drawdown"].mean()`): the mean depth of the episodes, a negative
/// fraction; 0 without drawdowns.
pub fn avg_drawdown(r: &[f64]) -> Option<f64> {
    summary(r).avg_drawdown
}

/// Ulcer index (quantstats `ulcer_index`): `sqrt(sum(dd_t^2) / (n - 1))` over the n bars, dd as
/// fractions. `None` for n < 2.
pub fn ulcer_index(r: &[f64]) -> Option<f64> {
    summary(r).ulcer_index
}

/// What [`scan`] gathers besides the episodes.
struct Scan {
    /// `min_t dd_t` (`None` without bars).
    min: Option<f64>,
    /// `sum dd_t^2`, in bar order from -0.0 (as `Iterator::sum`).
    sum_sq: f64,
}

/// One pass over the drawdown series of `r` (as [`drawdown_series`] computes it): calls
/// `on_episode` for every episode, in time order.
fn scan(r: &[f64], mut on_episode: impl FnMut(Episode)) -> Scan {
    let (mut w, mut peak) = (1.0f64, 1.0f64);
    let mut min: Option<f64> = None;
    let mut sum_sq = -0.0f64;
    let mut cur: Option<Episode> = None;
    // Wealth index i+1 is bar i; wealth index 0 is the phantom start.
    let mut last_peak: Option<usize> = None;
    for (i, &x) in r.iter().enumerate() {
        if x.is_finite() {
            w *= 1.0 + x;
        }
        peak = peak.max(w);
        let d = w / peak - 1.0;
        min = Some(min.map_or(d, |m| m.min(d)));
        sum_sq += d * d;
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
                on_episode(e);
            }
            if d.is_finite() {
                last_peak = Some(i);
            }
        }
    }
    if let Some(mut e) = cur.take() {
        e.length = r.len() - e.peak.map_or(0, |p| p + 1);
        on_episode(e);
    }
    Scan { min, sum_sq }
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

    /// The one-pass summary equals the reductions of the drawdown and episode series, bit for
    /// bit, on random series with gaps, flat runs and a total loss.
    #[test]
    fn summary_equals_the_series_reductions() {
        let mut rng = rotor_rng::SplitMix64::new(5);
        for n in [0usize, 1, 2, 3, 50, 777] {
            for kind in 0..3 {
                let r: Vec<f64> = (0..n)
                    .map(|i| match (kind, rng.next_f64()) {
                        (1, u) if u < 0.1 => f64::NAN,
                        (1, u) if u < 0.3 => 0.0,
                        (2, _) if i == n / 3 => -1.0,
                        (_, u) => (u - 0.5) / 10.0,
                    })
                    .collect();
                let dd = drawdown_series(&r);
                let e = episodes(&r);
                let s = summary(&r);
                let bits = |v: Option<f64>| v.map(f64::to_bits);
                let max = dd.iter().copied().reduce(f64::min).and_then(some_finite);
                assert_eq!(bits(s.max_drawdown), bits(max));
                let ulcer = (dd.len() >= 2).then(|| {
                    (dd.iter().map(|d| d * d).sum::<f64>() / (dd.len() - 1) as f64).sqrt()
                });
                assert_eq!(bits(s.ulcer_index), bits(ulcer.and_then(some_finite)));
                if n == 0 {
                    assert_eq!(s, Summary::default());
                    continue;
                }
                let longest = e.iter().map(|e| e.length).max().unwrap_or(0) as f64;
                assert_eq!(s.max_duration, Some(longest));
                let avg = if e.is_empty() {
                    Some(0.0)
                } else {
                    some_finite(e.iter().map(|e| e.depth).sum::<f64>() / e.len() as f64)
                };
                assert_eq!(bits(s.avg_drawdown), bits(avg));
            }
        }
    }
}
