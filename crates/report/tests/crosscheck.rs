//! Cross-checks of every metric against reference values.
//!
//! The fixtures in `tests/fixtures/*.json` were produced by `tests/fixtures/make_fixtures.py`
//! (seeded numpy series; empyrical-reloaded, quantstats, pandas and scipy as references; the
//! library versions are recorded in each file's "versions" and the source of each value in its
//! "sources"). Metrics no library has (max_drawdown_duration, sharpe_se, sharpe_se_iid, psr, the
//! bootstrap intervals, tracking_error) are computed by independent numpy/scipy code in that
//! script.
//! "benchmark_expected" holds empyrical's values for the benchmark's own returns (the report's
//! benchmark column). Every metric must agree to 1e-9 relative.

// An integration test sees every dev-dependency of its crate and may unwrap: a panic is a failure.
#![allow(unused_crate_dependencies, clippy::unwrap_used)]

use rotor_report::{compute_benchmark_stats, compute_stats, Benchmark, RunSummary};
use serde_json::Value;

const FIXTURES: &[(&str, &str)] = &[
    ("normal", include_str!("fixtures/normal.json")),
    ("normal_rf", include_str!("fixtures/normal_rf.json")),
    ("fat_tailed", include_str!("fixtures/fat_tailed.json")),
    (
        "first_day_loss",
        include_str!("fixtures/first_day_loss.json"),
    ),
    ("flat_stretch", include_str!("fixtures/flat_stretch.json")),
];

/// Relative tolerance of every comparison.
const REL: f64 = 1e-9;

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn run_of(doc: &Value) -> RunSummary {
    let equity = floats(&doc["equity"]);
    let n = equity.len();
    RunSummary {
        name: doc["case"].as_str().unwrap_or("case").to_string(),
        timestamps: doc["timestamps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect(),
        equity,
        initial_equity: doc["initial_equity"].as_f64().unwrap(),
        long_exposure: vec![0.0; n],
        short_exposure: vec![0.0; n],
        periods_per_year: doc["periods_per_year"].as_f64().unwrap(),
        risk_free_annual: doc["risk_free_annual"].as_f64().unwrap(),
        benchmark: Some(Benchmark {
            name: "BENCH".into(),
            prices: floats(&doc["benchmark_prices"]),
            base: None,
        }),
        ..Default::default()
    }
}

/// Relative difference `|a - b| / max(|a|, |b|)` (0 when both are 0).
fn rel(a: f64, b: f64) -> f64 {
    let d = (a - b).abs();
    if d == 0.0 {
        0.0
    } else {
        d / a.abs().max(b.abs())
    }
}

#[test]
fn metrics_match_references() {
    let mut worst = (0.0, String::new());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (case, text) in FIXTURES {
        let doc: Value = serde_json::from_str(text).unwrap();
        let run = run_of(&doc);
        let stats = compute_stats(&run);
        let bench = compute_benchmark_stats(&run).expect("benchmark stats");
        let own = doc["expected"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k, v, &stats, ""));
        let of_bench = doc["benchmark_expected"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k, v, &bench, "benchmark."));
        for (key, want, stats, prefix) in own.chain(of_bench) {
            let case = format!("{prefix}{case}");
            assert!(
                rotor_report::Stats::metric_names().contains(&key.as_str()),
                "unknown key {key}"
            );
            let got = stats.get(key);
            checked += 1;
            match (want.as_f64(), got) {
                (None, None) => {}
                (Some(w), Some(g)) => {
                    let r = rel(g, w);
                    if r > worst.0 {
                        worst = (r, format!("{case}.{key}: got {g:e}, want {w:e}"));
                    }
                    if r > REL {
                        failures.push(format!("{case}.{key}: got {g:e}, want {w:e} (rel {r:e})"));
                    }
                }
                (w, g) => failures.push(format!("{case}.{key}: got {g:?}, want {w:?}")),
            }
        }
    }
    println!(
        "checked {checked} values; largest relative difference {:e} ({})",
        worst.0, worst.1
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixtures_record_their_provenance() {
    for (case, text) in FIXTURES {
        let doc: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            doc["generated_by"], "crates/report/tests/fixtures/make_fixtures.py",
            "{case}"
        );
        for lib in [
            "empyrical-reloaded",
            "quantstats",
            "pandas",
            "numpy",
            "scipy",
        ] {
            assert!(
                doc["versions"][lib].is_string(),
                "{case}: missing version of {lib}"
            );
        }
    }
}
