//! Degenerate inputs: every metric is either a finite number or `None`, never a panic, NaN or
//! a sentinel. Expected values are hand-computed in the comments.

// An integration test sees every dev-dependency of its crate and may unwrap: a panic is a failure.
#![allow(unused_crate_dependencies, clippy::unwrap_used)]

use rotor_report::{
    compute_stats, render_markdown, render_text, Benchmark, ReportOptions, RunSummary, Stats,
    TradeRecord,
};

const DAY: i64 = 86_400_000_000_000;
const T0: i64 = 1_609_790_400_000_000_000; // 2021-01-04 20:00 UTC

fn run(equity: Vec<f64>) -> RunSummary {
    let n = equity.len();
    RunSummary {
        name: "edge".into(),
        timestamps: (0..n as i64).map(|i| T0 + i * DAY).collect(),
        equity,
        initial_equity: 1000.0,
        long_exposure: vec![0.0; n],
        short_exposure: vec![0.0; n],
        periods_per_year: 252.0,
        ..Default::default()
    }
}

fn all_finite_or_none(s: &Stats) {
    for k in Stats::metric_names() {
        if let Some(v) = s.get(k) {
            assert!(v.is_finite(), "{k} = {v}");
        }
    }
    // and the renderers survive it
    let opts = ReportOptions::default();
    assert!(!render_text(&RunSummary::default(), s, &opts).is_empty());
}

#[test]
fn flat_equity_has_no_sharpe() {
    let s = compute_stats(&run(vec![1000.0; 300]));
    assert_eq!(s.total_return, Some(0.0));
    assert_eq!(s.cagr, Some(0.0));
    assert_eq!(s.annual_volatility, Some(0.0));
    assert_eq!(s.sharpe, None);
    assert_eq!(s.sortino, None);
    assert_eq!(s.omega, None);
    assert_eq!(s.calmar, None); // max drawdown 0
    assert_eq!(s.max_drawdown, Some(0.0));
    assert_eq!(s.psr, None);
    assert_eq!(s.sharpe_se, None);
    assert_eq!(s.sharpe_ci_low, None);
    assert_eq!(s.win_rate_days, None);
    assert_eq!(s.stability, None);
    let json = s.to_json();
    assert!(json["sharpe"].is_null());
    assert_eq!(json["trades"], 0);
    let text = render_text(&run(vec![1000.0; 300]), &s, &ReportOptions::default());
    assert!(
        text.lines()
            .any(|l| l.starts_with("  Sharpe ") && l.trim_end().ends_with("n/a")),
        "{text}"
    );
    all_finite_or_none(&s);
}

/// A run that never trades, against a falling benchmark: every zero is +0 (an empty f64 sum is
/// -0.0, printed "Turnover -0.00" and `"turnover": -0.0` in stats.json).
#[test]
fn zeros_are_never_negative_zeros() {
    let mut r = run(vec![1000.0; 30]);
    r.traded_notional = -0.0;
    r.benchmark = Some(Benchmark {
        name: "B".into(),
        prices: (0..30)
            .map(|i| 100.0 - i as f64 * ((i % 3) as f64))
            .collect(),
        base: None,
    });
    let s = compute_stats(&r);
    for k in Stats::metric_names() {
        if let Some(v) = s.get(k) {
            assert!(v != 0.0 || v.is_sign_positive(), "{k} = -0.0");
        }
    }
    assert_eq!(s.turnover.map(f64::is_sign_positive), Some(true));
}

#[test]
fn single_bar() {
    // one return of +1%: total 1%, CAGR 1.01^252 - 1, no dispersion statistics
    let s = compute_stats(&run(vec![1010.0]));
    assert!((s.total_return.unwrap() - 0.01).abs() < 1e-15);
    assert!((s.cagr.unwrap() - (1.01f64.powf(252.0) - 1.0)).abs() < 1e-9);
    assert_eq!(s.annual_volatility, None);
    assert_eq!(s.sharpe, None);
    assert_eq!(s.skew, None);
    assert_eq!(s.ulcer_index, None);
    assert_eq!(s.best_day, s.worst_day);
    assert_eq!(s.periods, 1);
    all_finite_or_none(&s);
}

#[test]
fn all_positive_returns() {
    // +0.1%, +0.2%, +0.1%, +0.3%: no downside, no drawdown
    let mut e = 1000.0;
    let eq: Vec<f64> = [0.001, 0.002, 0.001, 0.003]
        .iter()
        .map(|r| {
            e *= 1.0 + r;
            e
        })
        .collect();
    let s = compute_stats(&run(eq));
    assert_eq!(s.sortino, None);
    assert_eq!(s.omega, None);
    assert_eq!(s.max_drawdown, Some(0.0));
    assert_eq!(s.calmar, None);
    assert_eq!(s.win_rate_days, Some(1.0));
    assert!(s.sharpe.unwrap() > 0.0);
    all_finite_or_none(&s);
}

#[test]
fn equity_hits_zero() {
    // returns -10%, -100%, then undefined: total -100%, CAGR -100%, max drawdown -100%
    let r = run(vec![900.0, 0.0, 0.0, 0.0, 0.0]);
    let s = compute_stats(&r);
    assert_eq!(s.total_return, Some(-1.0));
    assert_eq!(s.cagr, Some(-1.0));
    assert_eq!(s.max_drawdown, Some(-1.0));
    assert_eq!(s.stability, None); // log(0)
    all_finite_or_none(&s);
    let text = render_text(&r, &s, &ReportOptions::default());
    assert!(text.contains("Equity reached zero"), "{text}");
}

#[test]
fn empty_and_garbage_inputs() {
    let s = compute_stats(&RunSummary::default());
    assert_eq!(s.periods, 0);
    assert_eq!(s.total_return, None);
    assert_eq!(s.max_drawdown, None);
    all_finite_or_none(&s);

    let mut r = run(vec![1000.0, f64::NAN, 1010.0, f64::INFINITY, -5.0, 1020.0]);
    r.initial_equity = f64::NAN;
    r.periods_per_year = 0.0;
    r.timestamps.truncate(2);
    r.long_exposure = vec![f64::NAN];
    r.benchmark = Some(Benchmark {
        name: "B".into(),
        prices: vec![f64::NAN, 0.0, -1.0],
        base: None,
    });
    r.trades = vec![TradeRecord {
        pnl: f64::NAN,
        ..Default::default()
    }];
    r.traded_notional = f64::NAN;
    let s = compute_stats(&r);
    all_finite_or_none(&s);
    for ascii in [false, true] {
        let opts = ReportOptions {
            ascii,
            width: 100,
            ..Default::default()
        };
        let t = render_text(&r, &s, &opts);
        assert!(t.lines().all(|l| l.chars().count() <= 100));
        let _ = render_markdown(&r, &s, &opts);
    }
}

#[test]
fn json_is_flat_ordered_and_complete() {
    let s = compute_stats(&run(vec![1000.0, 1010.0, 1005.0]));
    let json = s.to_json();
    let obj = json.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(|k| k.as_str()).collect();
    let names = Stats::metric_names();
    assert_eq!(names.len(), 50);
    assert_eq!(&keys[..names.len()], names);
    assert_eq!(&keys[names.len()..], ["periods", "fills"]);
    assert!(json["alpha"].is_null()); // no benchmark
    assert_eq!(s.get("no_such_metric"), None);
    assert_eq!(names[0], "total_return");
    assert_eq!(names[names.len() - 1], "cagr_ci_high");
}
