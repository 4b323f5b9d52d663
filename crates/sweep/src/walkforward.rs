//! Walk-forward selection: in each rolling training window pick the best parameter set using
//! only that window's data, run it through the following test window, and stitch the test
//! windows' returns into one out-of-sample equity curve.
//!
//! Invariants: the market a choice is made on is loaded with an inclusive end date before the
//! test window starts (checked on the loaded timestamps, an error otherwise), so no test-window
//! bar can influence a choice. The test run trades from the test window's start, flat, after
//! warming up on the training bars before it (the set's warm-up, as `rotor run` with
//! `data.start` at the test start), so only test-window bars are traded and stitched.

use chrono::{Datelike, Months, NaiveDate};
use rotor_data::time::date_to_ns;
use rotor_data::Market;
use rotor_report::{compute_stats_with, Benchmark, Intervals, RunSummary};

use crate::assemble::{rank, RankBy};
use crate::grid::ParamSets;
use crate::runner::{in_pool, Resolve};
use crate::trial::{evaluate, intervals_to_rank_by, metric_values, summarize};
use rayon::prelude::*;

/// A calendar span: `3y`, `6m`, `10w`, `90d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Calendar months.
    Months(u32),
    /// Days.
    Days(u32),
}

impl Span {
    /// Parses `Ny`, `Nm`, `Nw` or `Nd` (N > 0, at most [`MAX_SPAN_YEARS`] years).
    pub fn parse(s: &str) -> Result<Span, String> {
        let s = s.trim();
        let err = || format!("`{s}`: expected a span like 3y, 6m, 8w or 90d");
        // The unit is the last character, whatever its width (slicing at a byte panicked).
        let unit = s.chars().next_back().ok_or_else(err)?;
        let n: u32 = s[..s.len() - unit.len_utf8()].parse().map_err(|_| err())?;
        if n == 0 {
            return Err(err());
        }
        let (span, days) = match unit {
            'y' => (Span::Months(n.saturating_mul(12)), u64::from(n) * 366),
            'm' => (Span::Months(n), u64::from(n) * 31),
            'w' => (Span::Days(n.saturating_mul(7)), u64::from(n) * 7),
            'd' => (Span::Days(n), u64::from(n)),
            _ => return Err(err()),
        };
        if days > u64::from(MAX_SPAN_YEARS) * 366 {
            return Err(format!(
                "`{s}`: a span is at most {MAX_SPAN_YEARS} years (dates end in 2262)"
            ));
        }
        Ok(span)
    }

    /// `d` moved forward by this span.
    pub fn add(&self, d: NaiveDate) -> NaiveDate {
        self.add_times(d, 1)
    }

    /// `d` moved forward by `k` times this span, computed from `d` in one step (so month-end
    /// clamping does not accumulate); [`NaiveDate::MAX`] past the calendar.
    pub fn add_times(&self, d: NaiveDate, k: u32) -> NaiveDate {
        let later = match self {
            Span::Months(m) => m
                .checked_mul(k)
                .and_then(|m| d.checked_add_months(Months::new(m))),
            Span::Days(n) => d.checked_add_days(chrono::Days::new(u64::from(*n) * u64::from(k))),
        };
        later.unwrap_or(NaiveDate::MAX)
    }
}

/// Longest `--train` or `--test`, in years: longer than any data i64 nanoseconds can date.
pub const MAX_SPAN_YEARS: u32 = 1000;

/// Most walk-forward windows [`windows`] lists (one more means "too many": the caller refuses
/// the spans rather than stitching a truncated run).
pub const MAX_WINDOWS: usize = 10_000;

/// One train/test split; `*_end` dates are exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First training date.
    pub train_start: NaiveDate,
    /// First date after training (= first test date).
    pub test_start: NaiveDate,
    /// First date after the test window.
    pub test_end: NaiveDate,
}

impl Window {
    /// Last training date, inclusive (the day before the test window).
    pub fn train_last(&self) -> NaiveDate {
        day_before(self.test_start)
    }

    /// Last test date, inclusive (the day before `test_end`): with `train_start`,
    /// [`Window::train_last`] and `test_start`, the dates the report and walkforward.parquet
    /// both show.
    pub fn test_last(&self) -> NaiveDate {
        day_before(self.test_end)
    }
}

/// Rolling windows over `[first, last]`: training `train` long, testing `test` long, stepping by
/// `test`, while the test window starts on or before `last` (the last one may be short); at
/// most [`MAX_WINDOWS`] + 1 of them.
///
/// Window k trains from `first` + k x `test` and tests from that date + `train` to where window
/// k + 1 tests from, so the test windows tile the data with no gap and no overlap even where
/// month ends clamp (adding months one window at a time dropped or repeated a session there).
/// A test window that clamping leaves empty is skipped: its next window tests the same days.
pub fn windows(first: NaiveDate, last: NaiveDate, train: Span, test: Span) -> Vec<Window> {
    let test_start = |k: u32| train.add(test.add_times(first, k));
    let mut out: Vec<Window> = Vec::new();
    let mut k = 0u32;
    while out.len() <= MAX_WINDOWS {
        let start = test_start(k);
        if start > last || start == NaiveDate::MAX {
            break;
        }
        let test_end = test_start(k + 1);
        if test_end > start {
            out.push(Window {
                train_start: test.add_times(first, k),
                test_start: start,
                test_end,
            });
        }
        k += 1;
    }
    out
}

/// Loads the market for an inclusive date range.
pub type Load<'a> = dyn Fn(NaiveDate, NaiveDate) -> Result<Market, String> + Sync + 'a;

/// What happened in one window.
#[derive(Debug, Clone)]
pub struct WindowResult {
    /// The window.
    pub window: Window,
    /// The chosen set, if any set ran with a defined ranking metric.
    pub chosen: Option<usize>,
    /// Sets that ran in training.
    pub ran: usize,
    /// The chosen set's ranking metric in training.
    pub train_metric: f64,
    /// The chosen set's ranking metric over the test window alone.
    pub test_metric: f64,
    /// Test bars stitched.
    pub test_bars: usize,
}

/// The walk-forward result: per-window choices and the stitched out-of-sample run.
#[derive(Debug, Clone)]
pub struct WalkForward {
    /// Per window.
    pub windows: Vec<WindowResult>,
    /// The stitched out-of-sample run, ready for the report.
    pub summary: RunSummary,
}

fn date_of(ns: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_nanos(ns).date_naive()
}

fn day_before(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}

/// Picks the best set on the training data of `w` (market loaded up to the day before the test).
pub fn choose(
    w: &Window,
    sets: &ParamSets,
    load: &Load<'_>,
    resolve: &Resolve<'_>,
    by: &RankBy,
    threads: Option<usize>,
) -> Result<(Option<usize>, usize, f64), String> {
    let market = load(w.train_start, day_before(w.test_start))?;
    if let Some(&last) = market.timestamps().last() {
        if date_of(last) >= w.test_start {
            return Err(format!(
                "training data reaches into the test window ({})",
                date_of(last)
            ));
        }
    }
    let metrics: Vec<Option<Vec<f64>>> = in_pool(threads, || {
        (0..sets.len())
            .into_par_iter()
            .map(|i| {
                let spec = resolve(i).ok()?;
                evaluate(&market, &spec, intervals_to_rank_by(&by.metric))
                    .ok()
                    .map(|(_, t)| metric_values(&t.stats))
            })
            .collect()
    })
    .map_err(|e| e.to_string())?;
    let ran: Vec<(usize, &[f64])> = metrics
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.as_deref().map(|m| (i, m)))
        .collect();
    let ranked = rank(&ran, by);
    let best = ranked
        .first()
        .map(|&p| ran[p])
        .filter(|(_, m)| !m[by.column].is_nan());
    Ok((
        best.map(|b| b.0),
        ran.len(),
        best.map_or(f64::NAN, |b| b.1[by.column]),
    ))
}

/// Runs the walk-forward over `wins`. `initial` is the starting capital of the stitched curve.
#[allow(clippy::too_many_arguments)]
pub fn walk_forward(
    wins: &[Window],
    sets: &ParamSets,
    load: &Load<'_>,
    resolve: &Resolve<'_>,
    by: &RankBy,
    threads: Option<usize>,
    name: &str,
    progress: &dyn Fn(usize),
) -> Result<WalkForward, String> {
    let mut out = Vec::new();
    let mut s = RunSummary {
        name: format!("{name} (walk-forward, out of sample)"),
        ..Default::default()
    };
    let mut bench: Option<Benchmark> = None;
    let mut equity = f64::NAN;
    for (k, w) in wins.iter().enumerate() {
        progress(k);
        let (chosen, ran, train_metric) = choose(w, sets, load, resolve, by, threads)?;
        let mut res = WindowResult {
            window: *w,
            chosen,
            ran,
            train_metric,
            test_metric: f64::NAN,
            test_bars: 0,
        };
        if let Some(i) = chosen {
            let spec = resolve(i)?;
            let market = load(w.train_start, day_before(w.test_end))?;
            let first = market.first_bar_at_or_after(date_to_ns(w.test_start));
            let market = market.with_trading_start(first, spec.warmup);
            let (result, _) = evaluate(&market, &spec, Intervals::Skip)?;
            let run = summarize(&spec, &market, &result);
            if equity.is_nan() {
                equity = result.initial_cash;
                s.initial_equity = equity;
                s.periods_per_year = run.periods_per_year;
                s.risk_free_annual = run.risk_free_annual;
            }
            let r = result.returns();
            let ts = &result.timestamps;
            let first = ts.partition_point(|&t| date_of(t) < w.test_start);
            let seg_start_equity = equity;
            let mut seg = RunSummary {
                initial_equity: seg_start_equity,
                periods_per_year: run.periods_per_year,
                risk_free_annual: run.risk_free_annual,
                ..Default::default()
            };
            for t in first..ts.len() {
                equity *= 1.0 + r[t];
                let scale = if result.equity[t] != 0.0 {
                    equity / result.equity[t]
                } else {
                    0.0
                };
                for x in [&mut s, &mut seg] {
                    x.timestamps.push(ts[t]);
                    x.equity.push(equity);
                    x.long_exposure.push(result.long_exposure[t] * scale);
                    x.short_exposure.push(result.short_exposure[t] * scale);
                }
            }
            // The run trades from the test start: every fill and trade is the test window's.
            for f in &result.fills {
                s.fills += 1;
                s.traded_notional += (f.quantity * f.price).abs();
                s.commission_paid += f.commission;
                s.slippage_paid += f.slippage;
            }
            // Borrow and interest accrue at every close: the test bars' share of them.
            s.borrow_paid += result.borrow[first..].iter().sum::<f64>();
            s.interest_earned += result.interest[first..].iter().sum::<f64>();
            s.trades.extend(run.trades.iter().cloned());
            if let Some(b) = &run.benchmark {
                let e = bench.get_or_insert_with(|| Benchmark {
                    name: b.name.clone(),
                    prices: Vec::new(),
                    base: None,
                });
                e.prices.extend_from_slice(&b.prices[first..]);
            }
            res.test_bars = ts.len() - first;
            res.test_metric =
                metric_values(&compute_stats_with(&seg, intervals_to_rank_by(&by.metric)))
                    [by.column];
        }
        out.push(res);
    }
    s.benchmark = bench;
    if s.equity.is_empty() {
        return Err("no window produced a test run (is the data shorter than --train?)".into());
    }
    Ok(WalkForward {
        windows: out,
        summary: s,
    })
}

/// A date as `YYYY-MM-DD`.
pub fn ymd(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Grid;
    use rotor_data::time::daily_close_ns;
    use rotor_data::{MarketBuilder, SymbolBars};
    use rotor_engine::SimulationConfig;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Weekday bars 2015..2020 of one symbol; prices on or after `perturb_from` are scrambled.
    fn bars(perturb_from: Option<NaiveDate>) -> (Vec<NaiveDate>, Vec<f64>) {
        let mut days = Vec::new();
        let mut px = Vec::new();
        let mut p = 100.0;
        let mut day = d("2015-01-01");
        let mut k = 0u64;
        while day <= d("2020-12-31") {
            if day.weekday().number_from_monday() <= 5 {
                k += 1;
                let wave = ((k as f64) / 37.0).sin() * 0.01 + ((k as f64) / 11.0).cos() * 0.004;
                p *= 1.0 + wave;
                let q = match perturb_from {
                    Some(f) if day >= f => p * (1.0 + 0.05 * ((k * 7919 % 13) as f64 / 13.0 - 0.5)),
                    _ => p,
                };
                days.push(day);
                px.push(q);
            }
            day = day.succ_opt().unwrap();
        }
        (days, px)
    }

    fn market(data: &(Vec<NaiveDate>, Vec<f64>), a: NaiveDate, b: NaiveDate) -> Market {
        let (days, px): (Vec<NaiveDate>, Vec<f64>) = data
            .0
            .iter()
            .zip(&data.1)
            .filter(|(x, _)| **x >= a && **x <= b)
            .map(|(x, p)| (*x, *p))
            .unzip();
        let n = days.len();
        let mut m = MarketBuilder::new(true);
        m.add(SymbolBars {
            symbol: "AAA".into(),
            timestamps: days.iter().map(|x| daily_close_ns(*x)).collect(),
            open: px.clone(),
            high: px.clone(),
            low: px.clone(),
            close: px,
            volume: vec![1e6; n],
            adj_close: None,
            close_only: false,
        });
        m.build()
    }

    /// Set `i` of `sets` applied to the `[strategy]` table `base`, validated, as a spec.
    fn spec_of(
        sets: &ParamSets,
        i: usize,
        base: &str,
        exec: &SimulationConfig,
    ) -> Result<crate::trial::Spec, String> {
        let base: toml::Table = base.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let mut t = toml::Table::new();
        t.insert("strategy".into(), toml::Value::Table(base));
        let t = sets.apply(&t, i)?;
        let strategy: rotor_strategies::StrategyConfig = t["strategy"]
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        strategy.validate().map_err(|e| e.to_string())?;
        Ok(crate::trial::Spec {
            name: "t".into(),
            strategy,
            simulation: exec.clone(),
            benchmark: None,
            risk_free: 0.0,
            periods_per_year: None,
            warmup: 0,
        })
    }

    /// 2-year training, 1-year test windows over 2015..2020.
    fn six_years() -> Vec<Window> {
        windows(
            d("2015-01-01"),
            d("2020-12-31"),
            Span::Months(24),
            Span::Months(12),
        )
    }

    /// Two symbols `AAA`, `BBB` on the weekdays of `bars(None)`, the second a phase-shifted
    /// copy of the first, loaded for `[a, b]`.
    fn pair_market(a: NaiveDate, b: NaiveDate) -> Market {
        let (days, px) = bars(None);
        let mut m = MarketBuilder::new(true);
        for (k, sym) in ["AAA", "BBB"].iter().enumerate() {
            let (d, p): (Vec<NaiveDate>, Vec<f64>) = days
                .iter()
                .enumerate()
                .filter(|(_, x)| **x >= a && **x <= b)
                .map(|(i, x)| (*x, px[(i + 40 * k) % px.len()]))
                .unzip();
            let n = d.len();
            m.add(SymbolBars {
                symbol: (*sym).into(),
                timestamps: d.iter().map(|x| daily_close_ns(*x)).collect(),
                open: p.clone(),
                high: p.clone(),
                low: p.clone(),
                close: p,
                volume: vec![1e6; n],
                adj_close: None,
                close_only: false,
            });
        }
        m.build()
    }

    /// Issue 13.4: every cost line of the stitched run (commission, slippage, borrow, interest)
    /// is the sum over its windows of what the test bars cost, each window's share measured
    /// independently as (run through the test window) minus (the same run stopped the day
    /// before the test window): no look-ahead makes the second a prefix of the first.
    #[test]
    fn stitched_costs_are_the_sum_over_windows() {
        let grid = Grid::from_args(&["strategy.lookback=10,30".into()]).unwrap();
        let sets = ParamSets::new(grid, None).unwrap();
        let mut exec = SimulationConfig::default();
        exec.costs.commission_bps = 1.0;
        exec.costs.slippage_bps = 2.0;
        exec.costs.borrow_bps = 300.0;
        exec.costs.cash_interest_rate = 0.02;
        let base =
            "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nrebalance = \"weekly\"\n";
        let resolve = |i: usize| spec_of(&sets, i, base, &exec);
        let by = RankBy::new("sharpe").unwrap();
        let wins = six_years();
        let load = |a: NaiveDate, b: NaiveDate| Ok(pair_market(a, b));
        let wf = walk_forward(&wins, &sets, &load, &resolve, &by, Some(1), "t", &|_| {}).unwrap();
        let mut want = [0.0f64; 4];
        for w in &wf.windows {
            let spec = resolve(w.chosen.expect("a chosen set")).unwrap();
            // The test run trades from the test start after its warm-up: all its costs count.
            let m = pair_market(w.window.train_start, day_before(w.window.test_end));
            let first = m.first_bar_at_or_after(date_to_ns(w.window.test_start));
            let m = m.with_trading_start(first, spec.warmup);
            let test = rotor_strategies::run(&m, &spec.strategy, &spec.simulation).unwrap();
            want[0] += test.commission_paid;
            want[1] += test.slippage_paid;
            want[2] += test.borrow_paid;
            want[3] += test.interest_earned;
        }
        let s = &wf.summary;
        let got = [
            s.commission_paid,
            s.slippage_paid,
            s.borrow_paid,
            s.interest_earned,
        ];
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(*w > 0.0, "line {k}: the windows cost nothing ({w})");
            assert!((g - w).abs() <= 1e-9 * w.abs(), "line {k}: {g} vs {w}");
        }
        // ...and they reach stats.json.
        let st = rotor_report::compute_stats(s);
        assert_eq!(st.borrow_paid, Some(s.borrow_paid));
        assert_eq!(st.interest_earned, Some(s.interest_earned));
    }

    #[test]
    fn spans_and_windows() {
        assert_eq!(Span::parse("3y"), Ok(Span::Months(36)));
        assert_eq!(Span::parse("2w"), Ok(Span::Days(14)));
        assert!(
            Span::parse("0m").is_err() && Span::parse("m").is_err() && Span::parse("3q").is_err()
        );
        let w = windows(
            d("2015-01-01"),
            d("2020-12-31"),
            Span::Months(24),
            Span::Months(12),
        );
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].test_start, d("2017-01-01"));
        assert_eq!(w[3].test_end, d("2021-01-01"));
    }

    /// From any first date (month ends and leap days included), the test windows tile the data:
    /// each starts where the previous one ended, none is empty. Adding the test span to the
    /// previous start, as before, lost 2003-03-28 (a Friday) from a 3y/1m walk-forward over
    /// data from 2000-01-29, and a 2m/1m one over data from 2000-05-31 tested 2000-08-30 twice.
    #[test]
    fn test_windows_tile_the_data_without_gap_or_overlap() {
        let spans = [
            (Span::Months(36), Span::Months(1)),
            (Span::Months(36), Span::Months(6)),
            (Span::Months(2), Span::Months(1)),
            (Span::Months(12), Span::Days(1)),
            (Span::Days(90), Span::Months(1)),
        ];
        let w = windows(d("2000-01-29"), d("2006-01-01"), spans[0].0, spans[0].1);
        assert_eq!(w[0].test_start, d("2003-01-29"));
        assert_eq!(
            (w[1].test_start, w[1].test_end),
            (d("2003-02-28"), d("2003-03-29"))
        );
        assert_eq!(w[2].test_start, d("2003-03-29"));
        let w = windows(d("2000-05-31"), d("2001-01-01"), spans[2].0, spans[2].1);
        assert_eq!(
            (w[0].test_end, w[1].test_start),
            (d("2000-08-30"), d("2000-08-30"))
        );
        let mut first = d("1999-12-01");
        while first < d("2001-04-01") {
            for (train, test) in spans {
                let w = windows(first, d("2004-12-31"), train, test);
                assert!(!w.is_empty());
                assert_eq!(w[0].test_start, train.add(first), "{first} {train:?}");
                for (a, b) in w.iter().zip(&w[1..]) {
                    assert_eq!(a.test_end, b.test_start, "{first} {train:?} {test:?}");
                    assert!(a.train_start < a.test_start && a.test_start < a.test_end);
                }
                assert!(w.last().unwrap().test_start <= d("2004-12-31"));
            }
            first = first.succ_opt().unwrap();
        }
    }

    /// Spans that do not fit the calendar are refused, whatever the unit's width, and a span
    /// short enough to cut the data into more than MAX_WINDOWS windows is listed one past it.
    #[test]
    fn absurd_spans_are_refused_and_windows_bounded() {
        // 12 x 357913942 wrapped to 8 months in u32; "3é" sliced inside `é` and panicked.
        for s in [
            "357913942y",
            "613566757w",
            "1001y",
            "4294967295d",
            "3é",
            "é",
            "",
            "-1m",
        ] {
            assert!(Span::parse(s).is_err(), "{s}");
        }
        assert_eq!(Span::parse("1000y"), Ok(Span::Months(12_000)));
        let w = windows(
            d("1980-01-01"),
            d("2026-01-01"),
            Span::Days(1),
            Span::Days(1),
        );
        assert_eq!(w.len(), MAX_WINDOWS + 1);
    }

    /// The choices of every window whose test window starts on or after the perturbation are
    /// untouched by it: only training data is ever used to choose.
    #[test]
    fn choices_never_use_test_window_data() {
        let grid = Grid::from_args(&["strategy.fast=3..12:3".into(), "strategy.slow=20,40".into()])
            .unwrap();
        let sets = ParamSets::new(grid, None).unwrap();
        let base = "kind = \"sma_cross\"\nsymbol = \"AAA\"\n";
        let exec = SimulationConfig::default();
        let resolve = |i: usize| spec_of(&sets, i, base, &exec);
        let by = RankBy::new("sharpe").unwrap();
        let wins = six_years();
        let run = |perturb: Option<NaiveDate>| {
            let data = bars(perturb);
            let load = |a: NaiveDate, b: NaiveDate| Ok(market(&data, a, b));
            walk_forward(&wins, &sets, &load, &resolve, &by, Some(2), "t", &|_| {}).unwrap()
        };
        let clean = run(None);
        let cut = d("2019-01-01"); // the test window of window 3 (index 2) and everything after
        let perturbed = run(Some(cut));
        for (a, b) in clean.windows.iter().zip(&perturbed.windows) {
            if a.window.test_start <= cut {
                assert!(a.chosen.is_some());
                assert_eq!(a.chosen, b.chosen, "window {:?}", a.window);
                assert_eq!(a.train_metric.to_bits(), b.train_metric.to_bits());
            }
        }
        // ...and the perturbation is real: the out-of-sample results of that window changed.
        assert_ne!(
            clean.windows[2].test_metric.to_bits(),
            perturbed.windows[2].test_metric.to_bits()
        );
        assert!(clean.summary.equity.len() > 900);
    }
}
