//! DSR and PBO (CSCV) against the reference values of `fixtures/overfit.json`, produced by
//! `fixtures/make_overfit_fixtures.py` (numpy/scipy transcriptions of Bailey & Lopez de Prado
//! 2014 and Bailey, Borwein, Lopez de Prado & Zhu 2015; versions recorded in the file). The
//! return matrices are regenerated here bit for bit from the documented SplitMix64 recipe.
//! Every value must agree to 1e-9 relative.

// An integration test sees every dev-dependency of its crate and may unwrap: a panic is a failure.
#![allow(unused_crate_dependencies, clippy::unwrap_used)]

use rotor_report::overfit::{
    cscv_splits, deflated_sharpe, expected_max_sharpe, pbo_cscv, psr_from_moments,
};
use rotor_rng::SplitMix64;
use serde_json::Value;

const REL: f64 = 1e-9;

fn close(a: f64, b: f64, what: &str) {
    let tol = REL * b.abs().max(1e-12);
    assert!((a - b).abs() <= tol, "{what}: got {a}, expected {b}");
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn matrix(case: &Value) -> Vec<Vec<f64>> {
    let mut g = SplitMix64::new(case["seed"].as_u64().unwrap());
    let n = case["n_trials"].as_u64().unwrap() as usize;
    let t = case["t"].as_u64().unwrap() as usize;
    let (jp, jump) = (f(&case["jump_p"]), f(&case["jump"]));
    let mut cols: Vec<Vec<f64>> = (0..n)
        .map(|k| {
            let (mu, sd) = (f(&case["mu"][k]), f(&case["sd"][k]));
            (0..t)
                .map(|_| {
                    let u1 = g.next_f64();
                    let u2 = g.next_f64();
                    let u3 = g.next_f64();
                    let mut r = mu + sd * (((u1 + u2) + u3) - 1.5);
                    if u1 < jp {
                        r -= jump;
                    }
                    r
                })
                .collect()
        })
        .collect();
    if let Some(d) = case.get("dup").and_then(Value::as_array) {
        for pair in d {
            let (dst, src) = (
                pair[0].as_u64().unwrap() as usize,
                pair[1].as_u64().unwrap() as usize,
            );
            cols[dst] = cols[src].clone();
        }
    }
    cols
}

fn sharpe(r: &[f64]) -> f64 {
    let n = r.len() as f64;
    let m = r.iter().sum::<f64>() / n;
    let v = r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    m / v.sqrt()
}

fn doc() -> Value {
    serde_json::from_str(include_str!("fixtures/overfit.json")).unwrap()
}

#[test]
fn dsr_paper_example() {
    let d = doc();
    let p = &d["paper_example"];
    let sr0 = expected_max_sharpe(100, f(&p["sr_variance"])).unwrap();
    close(sr0, f(&p["sr0"]), "sr0");
    let dsr = psr_from_moments(f(&p["sr"]), sr0, -3.0, 10.0, 1250).unwrap();
    close(dsr, f(&p["dsr"]), "dsr");
    assert!(
        (dsr - 0.9004).abs() < 5e-5,
        "paper reports 0.9004, got {dsr}"
    );
}

#[test]
fn dsr_from_return_matrices() {
    for case in doc()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let e = &case["dsr_expected"];
        let m = matrix(case);
        let srs: Vec<f64> = m.iter().map(|c| sharpe(c)).collect();
        let mean = srs.iter().sum::<f64>() / srs.len() as f64;
        let var = srs.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (srs.len() - 1) as f64;
        close(var, f(&e["sr_variance"]), &format!("{name} variance"));
        let best = e["best"].as_u64().unwrap() as usize;
        let d = deflated_sharpe(&m[best], var, m.len()).unwrap();
        close(d.sr, f(&e["sr"]), &format!("{name} sr"));
        close(d.sr0, f(&e["sr0"]), &format!("{name} sr0"));
        close(d.skew, f(&e["skew"]), &format!("{name} skew"));
        close(d.kurtosis, f(&e["kurtosis"]), &format!("{name} kurtosis"));
        close(d.dsr, f(&e["dsr"]), &format!("{name} dsr"));
    }
}

#[test]
fn pbo_from_return_matrices() {
    for case in doc()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let m = matrix(case);
        for e in case["pbo_expected"].as_array().unwrap() {
            let s = e["blocks"].as_u64().unwrap() as usize;
            assert_eq!(cscv_splits(s).len() as u64, e["n_splits"].as_u64().unwrap());
            let p = pbo_cscv(&m, s).unwrap();
            close(p.pbo, f(&e["pbo"]), &format!("{name} S={s} pbo"));
            close(
                p.oos_loss,
                f(&e["oos_loss"]),
                &format!("{name} S={s} oos_loss"),
            );
            close(
                p.logits.iter().sum(),
                f(&e["logit_sum"]),
                &format!("{name} S={s} logit sum"),
            );
            for (i, v) in e["logits_sample"].as_object().unwrap() {
                let i: usize = i.parse().unwrap();
                close(p.logits[i], f(v), &format!("{name} S={s} logit {i}"));
            }
        }
    }
}
