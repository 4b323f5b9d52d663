//! The formula kind end to end inside the crate: expressions evaluated on hand-built markets
//! against hand-computed values, the errors users see, random text that must never panic, and
//! the no-look-ahead property of the compiled weights.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rotor_data::time::daily_close_ns;
use rotor_data::Market;

use super::eval::evaluate_market;
use crate::config::FormulaConfig;
use crate::tests::support::{day, from_closes, market, named, random_bars};
use rotor_rng::SplitMix64;

fn cfg(
    universe: &[&str],
    weights: &str,
    params: &[(&str, f64)],
    define: &[(&str, &str)],
) -> FormulaConfig {
    FormulaConfig {
        universe: universe.iter().map(|s| s.to_string()).collect(),
        weights: weights.into(),
        params: params.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        define: define
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        ..Default::default()
    }
}

/// The raw weight panel of `c` on `m`, one Vec per universe member.
fn weights(m: &Market, c: &FormulaConfig) -> Vec<Vec<f64>> {
    let universe: Vec<usize> = c
        .universe
        .iter()
        .map(|s| m.symbol_index(s).expect("test symbol"))
        .collect();
    let program = c.program(&|s| m.symbol_index(s)).expect("compiles");
    let n = m.n_bars();
    let flat = evaluate_market(&program, m, false, &universe, true).unwrap();
    flat.chunks(n).map(<[f64]>::to_vec).collect()
}

fn same(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}

const N: f64 = f64::NAN;

/// A: closes 10, 11, 12.1, 11; B: 20, 20, 22, 33; M: 100, 101, 102, 103.
fn abm() -> Market {
    market(&named(vec![
        ("A", from_closes(&[10.0, 11.0, 12.1, 11.0])),
        ("B", from_closes(&[20.0, 20.0, 22.0, 33.0])),
        ("M", from_closes(&[100.0, 101.0, 102.0, 103.0])),
    ]))
}

#[test]
fn fields_returns_symbols_and_arithmetic() {
    let m = abm();
    let w = weights(&m, &cfg(&["A", "B"], "returns", &[], &[]));
    same(&w[0], &[N, 0.1, 0.1, 11.0 / 12.1 - 1.0]);
    same(&w[1], &[N, 0.0, 0.1, 0.5]);
    // open is the previous close (from_closes); a series broadcasts to every member.
    let w = weights(
        &m,
        &cfg(&["A", "B"], "open - close@M * k", &[("k", 0.1)], &[]),
    );
    same(&w[0], &[0.0, -0.1, 0.8, 1.8]);
    same(&w[1], &[10.0, 9.9, 9.8, 11.7]);
    let w = weights(&m, &cfg(&["A"], "-(high - low) / 2 + 3 * 2", &[], &[]));
    same(&w[0], &[6.0, 5.5, 6.0 - 1.1 / 2.0, 6.0 - 1.1 / 2.0]);
    // Comparisons and logic give 1/0, NaN through.
    let w = weights(
        &m,
        &cfg(
            &["A", "B"],
            "(returns > 0.05) + 2 * (not (close < 15) or returns == 0)",
            &[],
            &[],
        ),
    );
    same(&w[0], &[N, 1.0, 1.0, 0.0]);
    same(&w[1], &[N, 2.0, 3.0, 3.0]);
    let w = weights(&m, &cfg(&["A"], "where(close > 11, close, -close) + min(close, 11) - max(close, 12) + clip(close, 10.5, 11.5)", &[], &[]));
    same(
        &w[0],
        &[
            -10.0 + 10.0 - 12.0 + 10.5,
            -11.0 + 11.0 - 12.0 + 11.0,
            12.1 + 11.0 - 12.1 + 11.5,
            -11.0 + 11.0 - 12.0 + 11.0,
        ],
    );
    let w = weights(
        &m,
        &cfg(
            &["B"],
            "abs(-close) + log(exp(2)) + sqrt(close / 5) * sign(returns)",
            &[],
            &[],
        ),
    );
    same(
        &w[0],
        &[N, 22.0, 24.0 + 4.4f64.sqrt(), 35.0 + 6.6f64.sqrt()],
    );
}

#[test]
fn time_series_operators_through_the_pipeline() {
    let m = abm();
    let one = |e: &str| weights(&m, &cfg(&["A"], e, &[("n", 2.0)], &[])).remove(0);
    same(&one("delay(close, n)"), &[N, N, 10.0, 11.0]);
    same(&one("delay(close, 0)"), &[10.0, 11.0, 12.1, 11.0]);
    same(&one("pct_change(close, n)"), &[N, N, 0.21, 0.0]);
    same(&one("ts_sum(close, n)"), &[N, 21.0, 23.1, 23.1]);
    same(
        &one("ts_mean(close, n + 1)"),
        &[N, N, 11.033333333333333, 11.366666666666667],
    );
    same(&one("ts_min(close, 3)"), &[N, N, 10.0, 11.0]);
    same(&one("ts_max(close, 3)"), &[N, N, 12.1, 12.1]);
    same(
        &one("ts_std(close, n)"),
        &[N, 0.5f64.sqrt(), 1.1 / 2.0f64.sqrt(), 1.1 / 2.0f64.sqrt()],
    );
    same(
        &one("ts_zscore(close, n)"),
        &[N, 0.5f64.sqrt(), 0.5f64.sqrt(), -(0.5f64.sqrt())],
    );
    same(&one("ts_rank(close, 3)"), &[N, N, 1.0, 0.5]);
    // ema n=2: alpha 2/3, seed mean(10, 11) = 10.5; 2/3*12.1 + 1/3*10.5 = 11.5666..;
    // 2/3*11 + 1/3*11.5666.. = 11.18888..
    same(
        &one("ema(close, n)"),
        &[N, 10.5, 11.566666666666666, 11.188888888888888],
    );
    // corr of A with M over 3: A = 10, 11, 12.1 vs 100, 101, 102 -> dx (-1.0333, -0.0333, 1.0667)
    let c = one("ts_corr(close, close@M, 3)");
    let (a, b) = ([10.0, 11.0, 12.1], [100.0, 101.0, 102.0]);
    let ma = a.iter().sum::<f64>() / 3.0;
    let num: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - 101.0)).sum();
    let den = (a.iter().map(|x| (x - ma).powi(2)).sum::<f64>() * 2.0).sqrt();
    same(&c[..3], &[N, N, num / den]);
}

#[test]
fn cross_section_operators_through_the_pipeline() {
    let m = market(&named(vec![
        ("A", from_closes(&[1.0, 4.0])),
        ("B", from_closes(&[2.0, 4.0])),
        ("C", from_closes(&[3.0, 1.0])),
    ]));
    let all = |e: &str| weights(&m, &cfg(&["A", "B", "C"], e, &[], &[]));
    let col = |w: &[Vec<f64>], t: usize| w.iter().map(|s| s[t]).collect::<Vec<_>>();
    let w = all("rank(close)");
    same(&col(&w, 0), &[1.0 / 3.0, 2.0 / 3.0, 1.0]);
    same(&col(&w, 1), &[2.5 / 3.0, 2.5 / 3.0, 1.0 / 3.0]);
    let w = all("demean(close)");
    same(&col(&w, 0), &[-1.0, 0.0, 1.0]);
    let w = all("zscore(close)");
    same(&col(&w, 0), &[-1.0, 0.0, 1.0]);
    let w = all("top(close, 1) - bottom(close, 1)");
    same(&col(&w, 0), &[-1.0, 0.0, 1.0]);
    // tie at t=1 (A = B = 4): universe order picks A
    same(&col(&w, 1), &[1.0, 0.0, -1.0]);
    let w = all("top(returns, 2)");
    same(&col(&w, 0), &[0.0, 0.0, 0.0]);
    same(&col(&w, 1), &[1.0, 1.0, 0.0]);
    // A series (close@C) is the same for every member: all ranks tie.
    let w = all("rank(close@C)");
    same(&col(&w, 0), &[2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0]);
}

#[test]
fn shared_subexpressions_are_compiled_once() {
    let c = cfg(
        &["A"],
        "mom / vol + mom",
        &[("look", 2.0)],
        &[
            ("mom", "pct_change(close, look)"),
            ("vol", "ts_std(returns, 2) + ts_std(returns, look)"),
        ],
    );
    let p = c.program(&|_| Some(0)).unwrap();
    let ts = p
        .nodes
        .iter()
        .filter(|n| matches!(n, super::compile::Node::Ts(..)))
        .count();
    assert_eq!(ts, 2, "{:?}", p.nodes);
    assert_eq!(p.warmup, 2);
    assert_eq!(c.warmup_bars().unwrap(), 2);
    let c = cfg(&["A"], "ts_mean(delay(returns, 5), 10)", &[], &[]);
    assert_eq!(c.warmup_bars().unwrap(), 1 + 5 + 9);
}

fn error(c: &FormulaConfig) -> String {
    c.validate().unwrap_err().to_string()
}

#[test]
fn errors_name_the_expression_and_the_column() {
    let e = error(&cfg(
        &["A"],
        "top(mon, 3)",
        &[],
        &[("mom", "pct_change(close, 5)")],
    ));
    assert_eq!(
        e,
        "strategy.weights: unknown name `mon` (did you mean `mom`?) at column 5: \"top(^mon, 3)\""
    );
    let e = error(&cfg(&["A"], "mom", &[], &[("mom", "delay(clsoe, 1)")]));
    assert_eq!(
        e,
        "strategy.define.mom: unknown name `clsoe` (did you mean `close`?) at column 7: \"delay(^clsoe, 1)\""
    );
    let e = error(&cfg(&["A"], "ts_mean(close)", &[], &[]));
    assert_eq!(
        e,
        "strategy.weights: `ts_mean` takes 2 arguments (ts_mean(x, n)), got 1 at column 1: \"^ts_mean(close)\""
    );
    let e = error(&cfg(&["A"], "a", &[], &[("a", "b + 1"), ("b", "2 * a")]));
    assert!(
        e.contains("`a` is defined in terms of itself (a -> b -> a)"),
        "{e}"
    );
    assert!(e.starts_with("strategy.define.b:"), "{e}");
    let e = error(&cfg(&["A"], "ts_mean(close, close)", &[], &[]));
    assert!(
        e.contains("the window of `ts_mean` must be a constant") && e.contains("column 16"),
        "{e}"
    );
    let e = error(&cfg(&["A"], "ts_std(close, n / 2)", &[("n", 3.0)], &[]));
    assert!(e.contains("must be a whole number >= 2, got 1.5"), "{e}");
    let e = error(&cfg(&["A"], "ts_maen(close, 3)", &[], &[]));
    assert!(
        e.contains("unknown function `ts_maen` (did you mean `ts_mean`?)"),
        "{e}"
    );
    let e = error(&cfg(&["A"], "rank", &[], &[]));
    assert!(e.contains("`rank` is a function"), "{e}");
    let e = error(&cfg(&["A"], "mom@SPY", &[], &[("mom", "close")]));
    assert!(e.contains("only the fields"), "{e}");
    let e = error(&cfg(&["A"], "close +", &[], &[]));
    assert!(
        e.contains("expected a value, found the end of the expression at column 8"),
        "{e}"
    );
    let e = error(&cfg(&["A"], "close", &[("close", 1.0)], &[]));
    assert!(
        e.starts_with("strategy.params.close: `close` is a field"),
        "{e}"
    );
    let e = error(&cfg(&["A"], "close", &[("x", 1.0)], &[("x", "close")]));
    assert!(
        e.contains("both in strategy.params and strategy.define"),
        "{e}"
    );
    let chain: Vec<(String, String)> = (0..500)
        .map(|i| (format!("d{i}"), format!("d{} + 1", i + 1)))
        .chain([("d500".to_string(), "close".to_string())])
        .collect();
    let mut deep = cfg(&["A"], "d0", &[], &[]);
    deep.define = chain.into_iter().collect();
    assert!(error(&deep).contains("more than 64 nested defines"));
    let e = error(&cfg(&["A"], "close", &[("lok", 2.0)], &[]));
    assert_eq!(
        e,
        "strategy.params.lok is not used by any expression (a typo?)"
    );
    let e = error(&cfg(&["A"], "close", &[], &[("unused", "nope")]));
    assert!(
        e.starts_with("strategy.define.unused: unknown name `nope`"),
        "{e}"
    );
    let e = error(&cfg(&[], "close", &[], &[]));
    assert_eq!(e, "strategy.universe must list at least one symbol");
    let e = error(&cfg(&["A"], " ", &[], &[]));
    assert!(e.starts_with("strategy.weights must be given"), "{e}");
    // Unknown symbols: at build time, against the market.
    let m = abm();
    let c = cfg(&["A"], "close / close@SPY", &[], &[]);
    let e = crate::config::StrategyConfig::Formula(c)
        .build(&m)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "strategy.weights: unknown symbol `SPY` (not in the market data) at column 14: \"close / close^@SPY\""
    );
    let c = cfg(&["A"], "delay(close, 4)", &[], &[]);
    let e = crate::config::StrategyConfig::Formula(c)
        .build(&m)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("needs 4 bars of history before its first value, but the data has 4 bars"),
        "{e}"
    );
}

#[test]
fn volume_is_loaded_only_when_read() {
    assert!(cfg(&["A"], "rank(volume@B)", &[], &[]).reads_volume());
    assert!(!cfg(&["A"], "rank(close)", &[], &[]).reads_volume());
}

#[test]
fn referenced_symbols_are_loaded() {
    let c = crate::config::StrategyConfig::Formula(cfg(
        &["A", "B"],
        "close@SPY + beta",
        &[],
        &[("beta", "ts_corr(returns, returns@QQQ, 20) + close@SPY")],
    ));
    assert_eq!(c.symbols(), vec!["A", "B", "SPY", "QQQ"]);
}

const ALPHABET: &[&str] = &[
    "close", "open", "returns", "volume", "@", "SPY", "(", ")", ",", "+", "-", "*", "/", "<", "<=",
    "==", "!=", ">", "and", "or", "not", "ts_mean", "delay", "rank", "top", "where", "clip", "1",
    "2.5", "1e3", "n", "mom", " ", "$", "é", "_", "ts_corr", "0", ".", "e",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random text (arbitrary characters and random token soups) never panics the parser or
    /// the compiler: it is a formula or an error.
    #[test]
    fn random_text_never_panics(raw in ".{0,40}", picks in proptest::collection::vec(0..ALPHABET.len(), 0..30)) {
        let soup: String = picks.iter().map(|&i| ALPHABET[i]).collect();
        for text in [raw, soup] {
            let c = cfg(&["A"], &text, &[("n", 3.0)], &[("mom", "pct_change(close, n)")]);
            let _ = c.validate();
            let _ = c.referenced_symbols();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Changing every bar after `cut` never changes a weight at or before `cut`.
    #[test]
    fn weights_at_t_ignore_later_bars(seed in any::<u64>(), n_bars in 2usize..80, cut_frac in 0.0f64..1.0) {
        let cut = ((n_bars - 1) as f64 * cut_frac) as usize;
        let bars = random_bars(&mut SplitMix64::new(seed), 4, n_bars, None);
        let other = random_bars(&mut SplitMix64::new(!seed), 4, n_bars, Some((&bars, cut + 1)));
        let name = |b: Vec<_>| b.into_iter().enumerate().map(|(k, b)| (format!("S{k}"), b)).collect::<Vec<_>>();
        let (ma, mb) = (market(&name(bars)), market(&name(other)));
        let kept = ma.first_bar_at_or_after(daily_close_ns(day(cut)) + 1);
        prop_assert_eq!(kept, mb.first_bar_at_or_after(daily_close_ns(day(cut)) + 1));
        let c = cfg(
            &["S0", "S1", "S2"],
            "top(mom, 1) - bottom(mom, 1) + rank(vol) * zscore(ema(close, 2)) + demean(ts_rank(volume, 2)) \
             + where(returns@S3 > 0, ts_corr(returns, returns@S3, 3), ts_zscore(high - low, 2)) \
             + ts_sum(ts_min(low, 2) + ts_max(high, 2), 2) * (not (close > open))",
            &[("look", 2.0)],
            &[("mom", "pct_change(close, look) - delay(returns, 1)"), ("vol", "ts_std(returns, 3) + ts_mean(abs(returns), look)")],
        );
        let (wa, wb) = (weights(&ma, &c), weights(&mb, &c));
        for (a, b) in wa.iter().zip(&wb) {
            let same_bits = a[..kept].iter().zip(&b[..kept]).all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
            prop_assert!(same_bits, "{:?} vs {:?} up to {}", &a[..kept], &b[..kept], kept);
        }
    }
}
