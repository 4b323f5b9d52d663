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
//!   from Student's t with `n - 1` degrees of freedom (statrs);
//! - beside it, the standardized test of Boehmer, Musumeci & Poulsen (1991) and its correction
//!   for cross-correlation by Kolari & Pynnonen (2010), see [`super::robust`].

use serde::{Deserialize, Serialize};

use super::robust;
use crate::alloc::{never_fails, Grow, Reserve};
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
    /// Close prices per series (borrowed: e.g. the market's own columns, no copy).
    pub prices: &'a [&'a [f64]],
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
    /// BMP t-statistic of the CAR from the window's first day to this day (cross-section of
    /// standardized CARs).
    pub bmp_t: Option<f64>,
    /// The BMP t adjusted for the average cross-correlation of the events (Kolari-Pynnonen).
    pub kp_t: Option<f64>,
    /// Two-sided p-value of `kp_t` (Student t, `n - 1` degrees of freedom).
    pub kp_p: Option<f64>,
}

/// What one event of a group gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventOutcome {
    /// Bar index of day 0 (as given).
    pub day0: usize,
    /// True when the event was used (complete estimation window, day 0 inside the data).
    pub used: bool,
    /// CAR over the whole event window (finite days), when used.
    pub car: Option<f64>,
    /// The CAR standardized by its prediction-error standard deviation, when used.
    pub scar: Option<f64>,
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
    /// Average pairwise correlation of the used events' estimation-window residuals over their
    /// common sessions (Kolari-Pynnonen's r-bar); `None` with fewer than two events.
    pub mean_corr: Option<f64>,
    /// Pairs of used events whose event windows overlap on a common symbol.
    pub overlapping_pairs: usize,
    /// One row per day of the event window.
    pub rows: Vec<DayRow>,
    /// One entry per input event, in input order.
    pub outcomes: Vec<EventOutcome>,
    /// Caveats in plain words (overlapping windows, few events).
    pub warnings: Vec<String>,
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

/// The market model of one event, fitted over its estimation window.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    pub alpha: f64,
    pub beta: f64,
    /// Residual variance, `Σ e² / (L - 2)`.
    pub s2: f64,
    /// Estimation days used (`L`).
    pub len: usize,
    /// Mean benchmark return over the estimation days.
    pub mean_m: f64,
    /// `Σ (r_m - mean_m)²` over the estimation days.
    pub sxx: f64,
    /// Bar index of the estimation window's first session.
    pub first: usize,
    /// Residual per session of the estimation window (NaN where a return is missing).
    pub resid: Vec<f64>,
}

/// OLS of `r_i` on `r_m` over the estimation window.
fn fit(input: &EventStudyInput<'_>, ev: &StudyEvent, w: &EventWindows) -> Option<Fit> {
    let n_bars = input.timestamps.len();
    let first = ev.day0 as i64 + w.estimation.0;
    let last = ev.day0 as i64 + w.estimation.1;
    if first < 1 || last >= n_bars as i64 || ev.day0 >= n_bars || last < first {
        return None;
    }
    let pts: Vec<(f64, f64)> = (first..=last)
        .map(|t| {
            (
                bench_return(input, t as usize),
                basket_return(input, &ev.members, t as usize),
            )
        })
        .collect();
    let ok = || pts.iter().filter(|p| p.0.is_finite() && p.1.is_finite());
    let len = ok().count();
    if len < w.min_estimation.max(3) {
        return None;
    }
    let k = len as f64;
    let mx = ok().map(|p| p.0).sum::<f64>() / k;
    let my = ok().map(|p| p.1).sum::<f64>() / k;
    let sxx: f64 = ok().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = ok().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx.is_nan() || sxx <= 0.0 {
        return None;
    }
    let beta = sxy / sxx;
    let alpha = my - beta * mx;
    let resid: Vec<f64> = pts.iter().map(|&(rm, ri)| ri - alpha - beta * rm).collect();
    let s2 = resid
        .iter()
        .filter(|e| e.is_finite())
        .map(|e| e * e)
        .sum::<f64>()
        / (k - 2.0);
    Some(Fit {
        alpha,
        beta,
        s2,
        len,
        mean_m: mx,
        sxx,
        first: first as usize,
        resid,
    })
}

/// Fewer used events than this earn a warning.
pub const FEW_EVENTS: usize = 10;

/// Runs the study for each group.
pub fn event_study(
    input: &EventStudyInput<'_>,
    groups: &[StudyGroup],
    windows: &EventWindows,
) -> Vec<GroupStudy> {
    never_fails(event_study_in(input, groups, windows, &Grow))
}

/// [`event_study`], each group's table of abnormal and benchmark returns (16 bytes per event
/// and event-window day) reserved by `r`, whose error is returned when it does not fit.
pub fn event_study_in<R: Reserve>(
    input: &EventStudyInput<'_>,
    groups: &[StudyGroup],
    windows: &EventWindows,
    r: &R,
) -> Result<Vec<GroupStudy>, R::Error> {
    groups
        .iter()
        .map(|g| study_group(input, g, windows, r))
        .collect()
}

fn study_group<R: Reserve>(
    input: &EventStudyInput<'_>,
    g: &StudyGroup,
    windows: &EventWindows,
    r: &R,
) -> Result<GroupStudy, R::Error> {
    let (lo, hi) = windows.event;
    let width = if hi >= lo { (hi - lo + 1) as usize } else { 0 };
    let Abnormal {
        ars,
        rms,
        fits,
        used_idx,
    } = abnormal_returns(input, g, windows, r)?;
    let used = fits.len();
    let mean_corr = robust::mean_correlation(&fits);
    let mut cars = vec![0.0; used];
    let mut scars = vec![f64::NAN; used];
    let mut acc = vec![robust::CarVariance::default(); used];
    let rows = (0..width)
        .map(|k| {
            let mut day_ars = Vec::with_capacity(used);
            let mut day_cars = Vec::with_capacity(used);
            let mut day_scars = Vec::with_capacity(used);
            for i in 0..used {
                let x = ars[i * width + k];
                if x.is_finite() {
                    cars[i] += x;
                    acc[i].add(rms[i * width + k], &fits[i]);
                    scars[i] = cars[i] / acc[i].sd(&fits[i]);
                    day_ars.push(x);
                    day_cars.push(cars[i]);
                    if scars[i].is_finite() {
                        day_scars.push(scars[i]);
                    }
                }
            }
            let (aar, aar_t, _) = cross_section(&day_ars);
            let (caar, caar_t, caar_p) = cross_section(&day_cars);
            let (_, bmp_t, _) = cross_section(&day_scars);
            let (kp_t, kp_p) = robust::kolari_pynnonen(bmp_t, mean_corr, day_scars.len());
            DayRow {
                day: lo + k as i64,
                n: day_ars.len(),
                aar,
                aar_t,
                caar,
                caar_t,
                caar_p,
                bmp_t,
                kp_t,
                kp_p,
            }
        })
        .collect();
    let mut outcomes: Vec<EventOutcome> = g
        .events
        .iter()
        .map(|e| EventOutcome {
            day0: e.day0,
            used: false,
            car: None,
            scar: None,
        })
        .collect();
    for (i, &idx) in used_idx.iter().enumerate() {
        let o = &mut outcomes[idx];
        o.used = true;
        o.car = (acc[i].days > 0).then_some(cars[i]);
        o.scar = (acc[i].days > 0 && scars[i].is_finite()).then_some(scars[i]);
    }
    let used_events: Vec<&StudyEvent> = used_idx.iter().map(|&i| &g.events[i]).collect();
    let overlap = robust::overlaps(&used_events, windows.event);
    let warnings = group_warnings(input, g, overlap.as_ref(), mean_corr, used);
    let mean =
        |f: fn(&Fit) -> f64| (used > 0).then(|| fits.iter().map(f).sum::<f64>() / used as f64);
    Ok(GroupStudy {
        label: g.label.clone(),
        basket: g.basket.clone(),
        events: used,
        excluded: g.events.len() - used,
        mean_alpha: mean(|f| f.alpha),
        mean_beta: mean(|f| f.beta),
        mean_corr,
        overlapping_pairs: overlap.map_or(0, |o| o.pairs),
        rows,
        outcomes,
        warnings,
    })
}

/// The used events of a group (those with a market-model fit) and, per event `i` and event
/// day `lo + k`, its abnormal return `ars[i * width + k]` (signed by the event's direction) and
/// benchmark return `rms[i * width + k]` (NaN where the day is outside the data), `width` the
/// event window's days.
struct Abnormal {
    ars: Vec<f64>,
    rms: Vec<f64>,
    fits: Vec<Fit>,
    /// Index in the group's events of each used event.
    used_idx: Vec<usize>,
}

/// The [`Abnormal`] returns of group `g` over the event window.
fn abnormal_returns<R: Reserve>(
    input: &EventStudyInput<'_>,
    g: &StudyGroup,
    windows: &EventWindows,
    r: &R,
) -> Result<Abnormal, R::Error> {
    let (lo, hi) = windows.event;
    let width = if hi >= lo { (hi - lo + 1) as usize } else { 0 };
    let n_bars = input.timestamps.len() as i64;
    let cells = g.events.len().saturating_mul(width);
    let what = "the event study's abnormal returns (events x event-window days)";
    let mut ars: Vec<f64> = r.with_capacity(cells, what)?;
    let mut rms: Vec<f64> = r.with_capacity(cells, what)?;
    let mut fits: Vec<Fit> = Vec::new();
    let mut used_idx: Vec<usize> = Vec::new();
    for (idx, ev) in g.events.iter().enumerate() {
        let Some(f) = fit(input, ev, windows) else {
            continue;
        };
        for k in 0..width {
            let t = ev.day0 as i64 + lo + k as i64;
            if t < 1 || t >= n_bars {
                ars.push(f64::NAN);
                rms.push(f64::NAN);
                continue;
            }
            let rm = bench_return(input, t as usize);
            let ar = basket_return(input, &ev.members, t as usize) - f.alpha - f.beta * rm;
            ars.push(ev.sign * ar);
            rms.push(rm);
        }
        fits.push(f);
        used_idx.push(idx);
    }
    Ok(Abnormal {
        ars,
        rms,
        fits,
        used_idx,
    })
}

/// The caveats of a group: overlapping event windows (with the closest pair), too few events.
fn group_warnings(
    input: &EventStudyInput<'_>,
    g: &StudyGroup,
    overlap: Option<&robust::Overlap>,
    mean_corr: Option<f64>,
    used: usize,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(o) = overlap {
        let date = |d: usize| crate::metrics::periods::format_date(input.timestamps[d]);
        let gap = o.closest.1 - o.closest.0;
        let closest = if gap == 0 {
            format!("two share day 0, {}", date(o.closest.0))
        } else {
            format!(
                "day 0 on {} and {}, {gap} session{} apart",
                date(o.closest.0),
                date(o.closest.1),
                if gap == 1 { "" } else { "s" },
            )
        };
        warnings.push(format!(
            "{}: {} pair{} of events have overlapping event windows on common symbols \
             (closest: {closest}): their abnormal returns are counted more than once, so the \
             plain t overstates significance; read the adjusted BMP t (average residual \
             correlation {}).",
            g.label,
            o.pairs,
            if o.pairs == 1 { "" } else { "s" },
            mean_corr.map_or("n/a".into(), |r| format!("{r:.2}")),
        ));
    }
    if used > 0 && used < FEW_EVENTS {
        warnings.push(format!(
            "{}: only {used} event{} (fewer than {FEW_EVENTS}): its t-statistics have {} degree{} \
             of freedom and mean little.",
            g.label,
            if used == 1 { "" } else { "s" },
            used.saturating_sub(1),
            if used == 2 { "" } else { "s" },
        ));
    }
    warnings
}
