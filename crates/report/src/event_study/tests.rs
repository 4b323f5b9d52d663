//! A hand-built market with a planted effect of known size: the study must recover it.

use super::*;
use rotor_rng::SplitMix64;

/// A sum of 12 uniforms minus 6: a cheap bell-shaped shock with unit variance.
fn shock(rng: &mut SplitMix64) -> f64 {
    (0..12).map(|_| rng.next_f64()).sum::<f64>() - 6.0
}

const JUMP: f64 = 0.03;
const DRIFT: f64 = 0.001;

/// `n_events` events every 150 sessions from bar 200; stock simple returns
/// `0.0002 + 1.2 r_m + idio + effect`, the effect `sign * (JUMP on day 0, DRIFT on days 1..=20)`.
fn planted(
    n_events: usize,
    idio: f64,
    signs: &[f64],
) -> (Vec<i64>, Vec<Vec<f64>>, Vec<f64>, Vec<usize>) {
    let n = 200 + 150 * n_events + 50;
    let mut rng = SplitMix64::new(42);
    let day0s: Vec<usize> = (0..n_events).map(|i| 200 + 150 * i).collect();
    let mut effect = vec![0.0; n];
    for (i, &d) in day0s.iter().enumerate() {
        let s = signs[i % signs.len()];
        effect[d] += s * JUMP;
        for k in 1..=20 {
            effect[d + k] += s * DRIFT;
        }
    }
    let (mut pm, mut ps) = (vec![100.0], vec![50.0]);
    for t in 1..n {
        let rm = 0.0003 + 0.01 * shock(&mut rng);
        let ri = 0.0002 + 1.2 * rm + idio * shock(&mut rng) + effect[t];
        pm.push(pm[t - 1] * (1.0 + rm));
        ps.push(ps[t - 1] * (1.0 + ri));
    }
    let ts = (0..n as i64).map(|i| i * 86_400_000_000_000).collect();
    (ts, vec![ps], pm, day0s)
}

/// The series as the borrowed slices [`EventStudyInput`] reads.
fn slices(p: &[Vec<f64>]) -> Vec<&[f64]> {
    p.iter().map(Vec::as_slice).collect()
}

fn study(n_events: usize, idio: f64, signs: &[f64], flip: bool) -> GroupStudy {
    study_in(n_events, idio, signs, flip, &crate::alloc::Grow)
        .unwrap_or_else(|never| match never {})
}

/// [`study`], its tables reserved by `r`.
fn study_in<R: crate::alloc::Reserve>(
    n_events: usize,
    idio: f64,
    signs: &[f64],
    flip: bool,
    r: &R,
) -> Result<GroupStudy, R::Error> {
    let (ts, prices, bench, day0s) = planted(n_events, idio, signs);
    let prices = slices(&prices);
    let input = EventStudyInput {
        timestamps: &ts,
        prices: &prices,
        benchmark: &bench,
    };
    let events = day0s
        .iter()
        .enumerate()
        .map(|(i, &d)| StudyEvent {
            day0: d,
            members: vec![0],
            sign: if flip { signs[i % signs.len()] } else { 1.0 },
        })
        .collect();
    let g = StudyGroup {
        label: "planted".into(),
        basket: "S".into(),
        events,
    };
    Ok(crate::event_study_in(&input, &[g], &EventWindows::default(), r)?.remove(0))
}

#[test]
fn the_abnormal_returns_table_goes_through_the_callers_reservation() {
    // 30 events x 26 window days x 8 bytes = 6240 bytes a table.
    let err = study_in(30, 0.01, &[1.0], false, &crate::alloc::Capped(6_239)).unwrap_err();
    assert_eq!(
        err,
        "the event study's abnormal returns (events x event-window days) need 6240 bytes"
    );
    let fits = study_in(30, 0.01, &[1.0], false, &crate::alloc::Capped(6_240)).unwrap();
    assert_eq!(
        format!("{fits:?}"),
        format!("{:?}", study(30, 0.01, &[1.0], false))
    );
}

/// The text rendering of a study's section.
fn render(groups: &[GroupStudy]) -> String {
    let report = EventStudyReport {
        benchmark: "M".into(),
        windows: EventWindows::default(),
        note: String::new(),
        groups: groups.to_vec(),
        warnings: Vec::new(),
    };
    crate::render_sections_text(
        &crate::Report {
            title: "t".into(),
            sections: report.sections(),
        },
        &crate::ReportOptions::default(),
    )
}

fn row(s: &GroupStudy, day: i64) -> &DayRow {
    s.rows.iter().find(|r| r.day == day).unwrap()
}

#[test]
fn noise_free_effect_is_recovered_exactly() {
    let s = study(10, 0.0, &[1.0], false);
    assert_eq!((s.events, s.excluded, s.rows.len()), (10, 0, 26));
    assert!((s.mean_beta.unwrap() - 1.2).abs() < 1e-9);
    assert!((s.mean_alpha.unwrap() - 0.0002).abs() < 1e-9);
    for r in &s.rows {
        let want = match r.day {
            d if d < 0 => 0.0,
            0 => JUMP,
            _ => DRIFT,
        };
        assert!((r.aar.unwrap() - want).abs() < 1e-9, "day {}", r.day);
        let cum = if r.day < 0 {
            0.0
        } else {
            JUMP + DRIFT * r.day as f64
        };
        assert!((r.caar.unwrap() - cum).abs() < 1e-9, "day {}", r.day);
        assert_eq!(r.n, 10);
    }
}

#[test]
fn noisy_effect_is_recovered_within_tolerance_and_significant() {
    // 40 events, 0.5% daily idiosyncratic noise: the CAR(-5..+20) has a cross-sectional sd of
    // about 2.6%, so its mean has a standard error near 0.4%; tolerances are about 3 s.e.
    let s = study(40, 0.005, &[1.0], false);
    assert_eq!(s.events, 40);
    let d0 = row(&s, 0);
    assert!((d0.aar.unwrap() - JUMP).abs() < 0.003, "{d0:?}");
    assert!(d0.aar_t.unwrap() > 10.0, "{d0:?}");
    let end = row(&s, 20);
    assert!(
        (end.caar.unwrap() - (JUMP + 20.0 * DRIFT)).abs() < 0.0125,
        "{end:?}"
    );
    assert!(
        end.caar_t.unwrap() > 3.0 && end.caar_p.unwrap() < 0.01,
        "{end:?}"
    );
    let pre = row(&s, -1);
    assert!(
        pre.caar.unwrap().abs() < 0.006 && pre.caar_t.unwrap().abs() < 3.0,
        "{pre:?}"
    );
    assert!((s.mean_beta.unwrap() - 1.2).abs() < 0.05);
}

#[test]
fn signs_flip_negative_news_into_the_same_effect() {
    let signs = [1.0, -1.0];
    let mixed = study(10, 0.0, &signs, false);
    assert!(row(&mixed, 0).aar.unwrap().abs() < 1e-9); // +3% and -3% cancel unsigned
    let signed = study(10, 0.0, &signs, true);
    assert!((row(&signed, 0).aar.unwrap() - JUMP).abs() < 1e-9);
    assert!((row(&signed, 20).caar.unwrap() - (JUMP + 0.02)).abs() < 1e-9);
}

#[test]
fn incomplete_windows_are_excluded_or_truncated() {
    let (ts, prices, bench, _) = planted(2, 0.0, &[1.0]);
    let prices = slices(&prices);
    let input = EventStudyInput {
        timestamps: &ts,
        prices: &prices,
        benchmark: &bench,
    };
    let n = ts.len();
    let ev = |day0| StudyEvent {
        day0,
        members: vec![0],
        sign: 1.0,
    };
    let g = StudyGroup {
        label: "edge".into(),
        basket: "S".into(),
        // too early; fine; near the end (3 sessions after day 0); past the data.
        events: vec![ev(50), ev(200), ev(n - 4), ev(n + 10)],
    };
    let s = &event_study(&input, &[g], &EventWindows::default())[0];
    assert_eq!((s.events, s.excluded), (2, 2));
    assert_eq!(row(s, 3).n, 2);
    assert_eq!(row(s, 4).n, 1);
    assert!(row(s, 4).aar_t.is_none()); // one event: no dispersion, no t
    let text = render(std::slice::from_ref(s));
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.contains("edge") && text.contains("n/a"), "{text}");
}

#[test]
fn empty_and_degenerate_inputs_do_not_panic() {
    let input = EventStudyInput {
        timestamps: &[],
        prices: &[],
        benchmark: &[],
    };
    let g = StudyGroup {
        label: "x".into(),
        basket: String::new(),
        events: vec![StudyEvent {
            day0: 0,
            members: vec![3],
            sign: 1.0,
        }],
    };
    let s = event_study(&input, &[g], &EventWindows::default());
    assert_eq!((s[0].events, s[0].excluded), (0, 1));
    assert!(s[0].rows.iter().all(|r| r.aar.is_none() && r.n == 0));
    let _ = render(&s);
    let _ = render(&[]);
}

/// Cross-check against an independent numpy/scipy implementation: the fixture
/// `tests/fixtures/event_study_bmp.json` was produced by `tests/fixtures/make_event_study_fixture.py`
/// (a seeded synthetic market, ten events with overlapping windows and shared symbols; see the
/// script's docstring for the formulas it implements).
#[test]
fn bmp_and_kolari_pynnonen_match_the_python_reference() {
    let fx: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../tests/fixtures/event_study_bmp.json"
    ))
    .unwrap();
    let nums = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap_or(f64::NAN))
            .collect()
    };
    let pair = |v: &serde_json::Value| (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
    let bench = nums(&fx["benchmark"]);
    let prices: Vec<Vec<f64>> = fx["prices"].as_array().unwrap().iter().map(nums).collect();
    let ts: Vec<i64> = (0..bench.len() as i64)
        .map(|i| i * 86_400_000_000_000)
        .collect();
    let events = fx["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| StudyEvent {
            day0: e["day0"].as_u64().unwrap() as usize,
            members: e["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_u64().unwrap() as usize)
                .collect(),
            sign: e["sign"].as_f64().unwrap(),
        })
        .collect();
    let windows = EventWindows {
        estimation: pair(&fx["estimation"]),
        event: pair(&fx["event"]),
        min_estimation: fx["min_estimation"].as_u64().unwrap() as usize,
    };
    let prices = slices(&prices);
    let input = EventStudyInput {
        timestamps: &ts,
        prices: &prices,
        benchmark: &bench,
    };
    let g = StudyGroup {
        label: "fixture".into(),
        basket: "mixed".into(),
        events,
    };
    let s = event_study(&input, &[g], &windows).remove(0);
    assert_eq!((s.events, s.excluded), (10, 0));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
    assert!(close(
        s.mean_corr.unwrap(),
        fx["mean_corr"].as_f64().unwrap()
    ));
    assert!(close(
        s.mean_beta.unwrap(),
        fx["mean_beta"].as_f64().unwrap()
    ));
    let want = fx["rows"].as_array().unwrap();
    assert_eq!(s.rows.len(), want.len());
    for (r, w) in s.rows.iter().zip(want) {
        assert_eq!(r.day, w["day"].as_i64().unwrap());
        for (got, key) in [
            (r.aar, "aar"),
            (r.caar, "caar"),
            (r.caar_t, "caar_t"),
            (r.bmp_t, "bmp_t"),
            (r.kp_t, "kp_t"),
            (r.kp_p, "kp_p"),
        ] {
            let w = w[key].as_f64().unwrap();
            // p-values go through two different incomplete-beta implementations (statrs,
            // scipy): agreement to 1e-8 is what they offer.
            let ok = if key.ends_with("_p") {
                (got.unwrap() - w).abs() < 1e-8
            } else {
                close(got.unwrap(), w)
            };
            assert!(ok, "day {} {key}: {got:?} vs {w}", r.day);
        }
    }
    // Three pairs overlap on a common symbol within 13 sessions (150/155, 150/158, 155/158),
    // plus 300/302 and 500/505: five pairs, the closest two sessions apart.
    assert_eq!(s.overlapping_pairs, 5);
    assert!(s.warnings[0].contains("5 pairs") && s.warnings[0].contains("2 sessions apart"));
}

#[test]
fn two_overlapping_events_warn_and_deflate_the_t() {
    // Two events on one basket five sessions apart: the plain t of their nearly identical CARs is
    // huge; the residual correlation is near 1, so the adjusted t collapses.
    let (ts, prices, bench, _) = planted(3, 0.005, &[1.0]);
    let prices = slices(&prices);
    let input = EventStudyInput {
        timestamps: &ts,
        prices: &prices,
        benchmark: &bench,
    };
    let ev = |day0| StudyEvent {
        day0,
        members: vec![0],
        sign: 1.0,
    };
    let g = StudyGroup {
        label: "twins".into(),
        basket: "S".into(),
        events: vec![ev(350), ev(355)],
    };
    let s = event_study(&input, &[g], &EventWindows::default()).remove(0);
    assert_eq!(s.overlapping_pairs, 1);
    assert!(s.mean_corr.unwrap() > 0.9, "{:?}", s.mean_corr);
    let end = s.rows.last().unwrap();
    assert!(
        end.kp_t.unwrap().abs() < end.bmp_t.unwrap().abs() / 3.0,
        "{end:?}"
    );
    assert!(s.warnings.iter().any(|w| w.contains("overlapping")));
    assert!(s.warnings.iter().any(|w| w.contains("only 2 events")));
}
