//! A hand-built market with a planted effect of known size: the study must recover it.

use super::*;

/// SplitMix64 -> uniform, then a sum of uniforms as a cheap bell-shaped shock with unit variance.
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn shock(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
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
    let mut rng = Rng(42);
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
        let rm = 0.0003 + 0.01 * rng.shock();
        let ri = 0.0002 + 1.2 * rm + idio * rng.shock() + effect[t];
        pm.push(pm[t - 1] * (1.0 + rm));
        ps.push(ps[t - 1] * (1.0 + ri));
    }
    let ts = (0..n as i64).map(|i| i * 86_400_000_000_000).collect();
    (ts, vec![ps], pm, day0s)
}

fn study(n_events: usize, idio: f64, signs: &[f64], flip: bool) -> GroupStudy {
    let (ts, prices, bench, day0s) = planted(n_events, idio, signs);
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
    event_study(&input, &[g], &EventWindows::default()).remove(0)
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
    let text = render_event_study(
        std::slice::from_ref(s),
        "M",
        &EventWindows::default(),
        "",
        100,
    );
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
    let _ = render_event_study(&s, "M", &EventWindows::default(), "", 100);
    let _ = render_event_study(&[], "M", &EventWindows::default(), "", 100);
}
