//! Market-model abnormal returns and their cross-sectional aggregation.
//!
//! For event `i` with basket `B_i` (equal-weighted, daily rebalanced: the basket's simple return
//! is the mean of its members' finite returns that day) and benchmark `m`:
//! - estimation (sessions `est.0 ..= est.1` relative to day 0): OLS `r_i = a + b r_m` over the
//!   days where both returns are finite, at least `min_estimation` of them;
//! - abnormal return `AR_i,τ = sign_i (r_i,τ - a - b r_m,τ)` for `τ` in `event.0 ..= event.1`
//!   (`sign_i` = +1, or the sign of the event's sentiment when the caller signs them);
//! - `AAR_τ` = mean of the finite `AR_i,τ`; `CAR_i(τ) = Σ_{k=event.0}^{τ} AR_i,k` (finite terms);
//!   `CAAR_τ` = mean of `CAR_i(τ)` over the events with data at `τ`, so events near the end of
//!   the data count for the days they have;
//! - `t = mean / (sd / sqrt(n))` with the sample sd (ddof 1) across events, two-sided p-value
//!   from Student's t with `n - 1` degrees of freedom (statrs).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Estimation and event windows, in sessions relative to day 0 (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EventWindows {
    /// Estimation window, default `(-120, -11)`.
    pub estimation: (i64, i64),
    /// Event window, default `(-5, 20)`.
    pub event: (i64, i64),
    /// Fewest usable estimation days for an event to count, default 60.
    pub min_estimation: usize,
}

impl Default for EventWindows {
    fn default() -> Self {
        EventWindows {
            estimation: (-120, -11),
            event: (-5, 20),
            min_estimation: 60,
        }
    }
}

/// The market data of a study: `prices[k][t]` closes of series `k` at bar `t`, benchmark closes,
/// all aligned with `timestamps` (NaN where missing).
#[derive(Debug, Clone, Copy)]
pub struct EventStudyInput<'a> {
    /// Bar close instants (ns UTC), one per bar.
    pub timestamps: &'a [i64],
    /// Close prices per series.
    pub prices: &'a [Vec<f64>],
    /// Benchmark closes.
    pub benchmark: &'a [f64],
}

/// One event: its day 0 (bar index), the series of its basket and the sign of its ARs.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyEvent {
    /// Bar index of day 0 (the first session closing after the event); may be past the data.
    pub day0: usize,
    /// Indices into [`EventStudyInput::prices`].
    pub members: Vec<usize>,
    /// +1, or -1 to flip the event's abnormal returns (negative-sentiment news).
    pub sign: f64,
}

/// The events of one group (e.g. one tag) and how to label it.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyGroup {
    /// Label, e.g. the tag.
    pub label: String,
    /// Basket shown in the report, e.g. `LMT NOC KTOS ITA` or `event symbols`.
    pub basket: String,
    /// The events.
    pub events: Vec<StudyEvent>,
}

/// One row of the event window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRow {
    /// Session relative to day 0.
    pub day: i64,
    /// Events with an abnormal return that day.
    pub n: usize,
    /// Average abnormal return.
    pub aar: Option<f64>,
    /// t-statistic of the AAR.
    pub aar_t: Option<f64>,
    /// Cumulative average abnormal return from the window's first day.
    pub caar: Option<f64>,
    /// t-statistic of the CAAR (cross-section of CARs).
    pub caar_t: Option<f64>,
    /// Two-sided p-value of the CAAR.
    pub caar_p: Option<f64>,
}

/// The study of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupStudy {
    /// Group label.
    pub label: String,
    /// Basket description.
    pub basket: String,
    /// Events used.
    pub events: usize,
    /// Events excluded (incomplete or degenerate estimation window, or day 0 past the data).
    pub excluded: usize,
    /// Mean market-model alpha (per session) and beta of the used events.
    pub mean_alpha: Option<f64>,
    /// See `mean_alpha`.
    pub mean_beta: Option<f64>,
    /// One row per day of the event window.
    pub rows: Vec<DayRow>,
}

/// `(mean, t, p)` of a cross-section; `t` and `p` need two values and non-zero dispersion.
pub(crate) fn cross_section(xs: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
    let n = xs.len();
    if n == 0 {
        return (None, None, None);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (Some(mean), None, None);
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let se = (var / n as f64).sqrt();
    if !(se > 0.0 && se.is_finite()) {
        return (Some(mean), None, None);
    }
    let t = mean / se;
    let p = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .ok()
        .map(|d| 2.0 * (1.0 - d.cdf(t.abs())));
    (Some(mean), Some(t), p)
}

fn basket_return(input: &EventStudyInput<'_>, members: &[usize], t: usize) -> f64 {
    if t == 0 {
        return f64::NAN;
    }
    let (mut sum, mut k) = (0.0, 0usize);
    for &s in members {
        let Some(p) = input.prices.get(s) else {
            continue;
        };
        let (Some(&a), Some(&b)) = (p.get(t - 1), p.get(t)) else {
            continue;
        };
        let r = b / a - 1.0;
        if r.is_finite() {
            sum += r;
            k += 1;
        }
    }
    if k == 0 {
        f64::NAN
    } else {
        sum / k as f64
    }
}

fn bench_return(input: &EventStudyInput<'_>, t: usize) -> f64 {
    match (
        t.checked_sub(1).and_then(|p| input.benchmark.get(p)),
        input.benchmark.get(t),
    ) {
        (Some(&a), Some(&b)) => b / a - 1.0,
        _ => f64::NAN,
    }
}

/// OLS of `r_i` on `r_m` over the estimation window: `(alpha, beta)`.
fn fit(input: &EventStudyInput<'_>, ev: &StudyEvent, w: &EventWindows) -> Option<(f64, f64)> {
    let n_bars = input.timestamps.len();
    let first = ev.day0 as i64 + w.estimation.0;
    let last = ev.day0 as i64 + w.estimation.1;
    if first < 1 || last >= n_bars as i64 || ev.day0 >= n_bars {
        return None;
    }
    let mut pts = Vec::with_capacity((last - first + 1) as usize);
    for t in first..=last {
        let (ri, rm) = (
            basket_return(input, &ev.members, t as usize),
            bench_return(input, t as usize),
        );
        if ri.is_finite() && rm.is_finite() {
            pts.push((rm, ri));
        }
    }
    if pts.len() < w.min_estimation.max(3) {
        return None;
    }
    let k = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / k;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / k;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx.is_nan() || sxx <= 0.0 {
        return None;
    }
    let beta = sxy / sxx;
    Some((my - beta * mx, beta))
}

/// Runs the study for each group.
pub fn event_study(
    input: &EventStudyInput<'_>,
    groups: &[StudyGroup],
    windows: &EventWindows,
) -> Vec<GroupStudy> {
    let (lo, hi) = windows.event;
    let width = if hi >= lo { (hi - lo + 1) as usize } else { 0 };
    let n_bars = input.timestamps.len() as i64;
    groups
        .iter()
        .map(|g| {
            // ars[i][k]: AR of used event i on day lo + k (NaN where unavailable).
            let mut ars: Vec<Vec<f64>> = Vec::new();
            let mut params = Vec::new();
            for ev in &g.events {
                let Some((a, b)) = fit(input, ev, windows) else {
                    continue;
                };
                let row = (0..width)
                    .map(|k| {
                        let t = ev.day0 as i64 + lo + k as i64;
                        if t < 1 || t >= n_bars {
                            return f64::NAN;
                        }
                        let t = t as usize;
                        let ar =
                            basket_return(input, &ev.members, t) - a - b * bench_return(input, t);
                        ev.sign * ar
                    })
                    .collect();
                ars.push(row);
                params.push((a, b));
            }
            let used = ars.len();
            let mut cars = vec![0.0; used];
            let rows = (0..width)
                .map(|k| {
                    let mut day_ars = Vec::with_capacity(used);
                    let mut day_cars = Vec::with_capacity(used);
                    for (i, row) in ars.iter().enumerate() {
                        let x = row[k];
                        if x.is_finite() {
                            cars[i] += x;
                            day_ars.push(x);
                            day_cars.push(cars[i]);
                        }
                    }
                    let (aar, aar_t, _) = cross_section(&day_ars);
                    let (caar, caar_t, caar_p) = cross_section(&day_cars);
                    DayRow {
                        day: lo + k as i64,
                        n: day_ars.len(),
                        aar,
                        aar_t,
                        caar,
                        caar_t,
                        caar_p,
                    }
                })
                .collect();
            let mean = |f: fn(&(f64, f64)) -> f64| {
                (used > 0).then(|| params.iter().map(f).sum::<f64>() / used as f64)
            };
            GroupStudy {
                label: g.label.clone(),
                basket: g.basket.clone(),
                events: used,
                excluded: g.events.len() - used,
                mean_alpha: mean(|p| p.0),
                mean_beta: mean(|p| p.1),
                rows,
            }
        })
        .collect()
}
