//! Renderer tests on a realistic deterministic run: line width, ASCII purity, "n/a" for
//! undefined values, all sections present, text and markdown carrying the same numbers.

// An integration test sees every dev-dependency of its crate and may unwrap: a panic is a failure.
#![allow(unused_crate_dependencies, clippy::unwrap_used)]

use rotor_report::{
    compute_stats, render_markdown, render_text, Benchmark, ReportOptions, RunSummary, TradeRecord,
};

const DAY: i64 = 86_400_000_000_000;
const T0: i64 = 1_609_790_400_000_000_000; // 2021-01-04 20:00 UTC

/// Small deterministic generator (xorshift) for a sample run; not a statistical reference.
fn sample_run(n: usize, trades: usize) -> RunSummary {
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut u = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let (mut e, mut p) = (100_000.0, 400.0);
    let mut equity = Vec::new();
    let mut prices = Vec::new();
    for _ in 0..n {
        let b = 0.0004 + 0.03 * u();
        p *= 1.0 + b;
        e *= 1.0 + 0.0003 + 0.5 * b + 0.02 * u();
        equity.push(e);
        prices.push(p);
    }
    let trades = (0..trades)
        .map(|i| TradeRecord {
            symbol: if i % 2 == 0 {
                "IWM".into()
            } else {
                "QQQ".into()
            },
            entry_ts: T0 + i as i64 * DAY,
            exit_ts: T0 + (i as i64 + 5) * DAY,
            quantity: if i % 2 == 0 { 100.0 } else { -100.0 },
            entry_price: 200.0,
            exit_price: 201.0,
            pnl: 500.0 * u(),
            ret: 0.01 * u(),
            holding_bars: 5 + i % 7,
        })
        .collect();
    RunSummary {
        name: "smallcap_vs_tech".into(),
        timestamps: (0..n as i64).map(|i| T0 + i * DAY).collect(),
        long_exposure: equity.iter().map(|e| 0.5 * e).collect(),
        short_exposure: equity.iter().map(|e| 0.5 * e).collect(),
        equity,
        initial_equity: 100_000.0,
        trades,
        fills: 120,
        traded_notional: 2_500_000.0,
        commission_paid: 1_250.0,
        slippage_paid: 830.5,
        borrow_paid: 410.25,
        interest_earned: 0.0,
        periods_per_year: 252.0,
        risk_free_annual: 0.0,
        benchmark: Some(Benchmark {
            name: "SPY".into(),
            prices,
            base: None,
        }),
    }
}

fn opts(ascii: bool) -> ReportOptions {
    ReportOptions {
        ascii,
        width: 100,
        header: vec![
            ("Config".into(), "strategies/smallcap_vs_tech.toml".into()),
            ("Symbols".into(), "IWM, QQQ — a very long list of symbols that will certainly need to be wrapped because it goes on and on and on beyond the width".into()),
            ("Costs".into(), "commission 1 bps, slippage 2 bps".into()),
        ],
        warnings: vec!["Close-only data for 2 symbols: open = high = low = close.".into()],
        sections: Vec::new(),
    }
}

#[test]
fn text_fits_in_100_columns_and_has_every_section() {
    let run = sample_run(800, 12);
    let s = compute_stats(&run);
    let t = render_text(&run, &s, &opts(false));
    for l in t.lines() {
        assert!(
            l.chars().count() <= 100,
            "too wide ({}): {l}",
            l.chars().count()
        );
    }
    for section in [
        "KEY STATISTICS",
        "EQUITY CURVE",
        "DRAWDOWN",
        "TOP 5 DRAWDOWNS",
        "MONTHLY RETURNS",
        "TRADES",
        "COSTS",
        "WARNINGS",
    ] {
        assert!(t.contains(section), "missing {section}");
    }
    assert!(t.contains("Benchmark (SPY)"));
    assert!(t.contains("fewer than 30"));
    assert!(t.contains("Close-only data"));
    assert!(t.contains('█'));
    // a narrower width is honoured too
    let narrow = ReportOptions {
        width: 72,
        ..opts(false)
    };
    assert!(render_text(&run, &s, &narrow)
        .lines()
        .all(|l| l.chars().count() <= 72));
}

#[test]
fn ascii_mode_is_pure_ascii() {
    let run = sample_run(600, 40);
    let s = compute_stats(&run);
    let t = render_text(&run, &s, &opts(true));
    assert!(t.is_ascii(), "non-ASCII byte in ASCII report");
    assert!(t.lines().all(|l| l.len() <= 100));
    assert!(render_markdown(&run, &s, &opts(true)).is_ascii());
}

#[test]
fn undefined_values_print_na() {
    let mut run = sample_run(50, 0);
    run.benchmark = None;
    let s = compute_stats(&run);
    let t = render_text(&run, &s, &opts(false));
    // no trades: win rate and profit factor are undefined
    let line = t
        .lines()
        .find(|l| l.trim_start().starts_with("Win rate"))
        .unwrap();
    assert!(line.trim_end().ends_with("n/a"), "{line}");
    assert!(!t.contains("NaN") && !t.contains("inf"));
    assert!(render_markdown(&run, &s, &opts(false)).contains("| Win rate | n/a |"));
}

#[test]
fn markdown_has_the_same_numbers() {
    let run = sample_run(400, 35);
    let s = compute_stats(&run);
    let t = render_text(&run, &s, &opts(false));
    let m = render_markdown(&run, &s, &opts(false));
    let sharpe = format!("{:.2}", s.sharpe.unwrap());
    let cagr = format!("{:.2}%", s.cagr.unwrap() * 100.0);
    for needle in [&sharpe, &cagr, &"1,250.00".to_string()] {
        assert!(
            t.contains(needle.as_str()) && m.contains(needle.as_str()),
            "{needle}"
        );
    }
    assert!(m.starts_with("# rotor report: smallcap_vs_tech"));
    assert!(m.contains("```text"));
}

#[test]
fn rendering_is_deterministic() {
    let run = sample_run(300, 10);
    let a = render_text(&run, &compute_stats(&run), &opts(false));
    let r2 = run.clone();
    let b = std::thread::spawn(move || render_text(&r2, &compute_stats(&r2), &opts(false)))
        .join()
        .unwrap();
    assert_eq!(a, b);
}
