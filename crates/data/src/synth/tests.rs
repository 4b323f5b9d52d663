//! Tests of the whole generator: determinism, committed files, OHLC rules, baskets, events.

use std::path::PathBuf;

use super::*;
use crate::time::parse_timestamp;

fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn bars<'a>(m: &'a SynthMarket, symbol: &str) -> &'a SymbolBars {
    m.bars
        .iter()
        .find(|b| b.symbol == symbol)
        .unwrap_or_else(|| panic!("no symbol {symbol}"))
}

fn log_returns(b: &SymbolBars) -> Vec<f64> {
    b.close.windows(2).map(|w| (w[1] / w[0]).ln()).collect()
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

fn session_index(m: &SynthMarket, y: i32, mo: u32, d: u32) -> usize {
    let date = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
    let ts = daily_close_ns(date);
    m.bars[0].timestamps.iter().position(|&t| t == ts).unwrap()
}

/// Regenerates the committed sample data: `cargo test -p rotor-data write_committed -- --ignored`.
#[test]
#[ignore]
fn synth_write_committed_sample_data() {
    let s = write(DEFAULT_SEED, &committed_dir()).unwrap();
    println!("{s:?}");
}

#[test]
fn synth_is_deterministic() {
    let a = generate(DEFAULT_SEED);
    let b = generate(DEFAULT_SEED);
    assert_eq!(a, b);
    let c = generate(DEFAULT_SEED + 1);
    assert_ne!(a.bars[0].close, c.bars[0].close);
    assert_eq!(a.bars.len(), 73);
}

#[test]
fn synth_committed_data_regenerates_byte_for_byte() {
    let committed = committed_dir();
    assert!(
        committed.join("bars").is_dir() && committed.join("events.csv").is_file(),
        "committed sample data missing under {}: regenerate it with \
         `cargo test -p rotor-data synth_write_committed -- --ignored`",
        committed.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let summary = write(DEFAULT_SEED, tmp.path()).unwrap();
    assert!(
        summary.bytes < 5_500_000,
        "sample data is {} bytes",
        summary.bytes
    );
    let mut committed_bars: Vec<String> = std::fs::read_dir(committed.join("bars"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".parquet"))
        .collect();
    committed_bars.sort();
    let mut fresh_bars: Vec<String> = summary
        .files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    fresh_bars.sort();
    assert_eq!(
        committed_bars, fresh_bars,
        "committed bar files differ from the generated set"
    );
    for file in &summary.files {
        let rel = file.strip_prefix(tmp.path()).unwrap();
        let old = std::fs::read(committed.join(rel)).unwrap();
        let new = std::fs::read(file).unwrap();
        assert!(
            old == new,
            "{} differs from a fresh `rotor data synth --seed 2026`",
            rel.display()
        );
    }
}

#[test]
fn synth_every_bar_is_valid() {
    let m = generate(DEFAULT_SEED);
    let n = m.bars[0].len();
    for b in &m.bars {
        assert_eq!(b.len(), n, "{}", b.symbol);
        assert_eq!(b.timestamps, m.bars[0].timestamps);
        for i in 0..n {
            let (o, h, l, c, v) = (b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]);
            let ctx = format!("{} bar {i}: o={o} h={h} l={l} c={c} v={v}", b.symbol);
            assert!([o, h, l, c, v].iter().all(|x| x.is_finite()), "{ctx}");
            assert!(l > 0.0 && l <= o && l <= c && o <= h && c <= h, "{ctx}");
            for x in [o, h, l, c] {
                assert!(((x * 100.0).round() - x * 100.0).abs() < 1e-6, "{ctx}");
            }
            assert!(v >= 100.0 && v.fract() == 0.0, "{ctx}");
        }
    }
}

#[test]
fn synth_volume_follows_absolute_returns() {
    let m = generate(DEFAULT_SEED);
    let b = bars(&m, "SPY");
    let r: Vec<f64> = log_returns(b).iter().map(|x| x.abs()).collect();
    let v: Vec<f64> = b.volume[1..].iter().map(|x| x.ln()).collect();
    assert!(corr(&r, &v) > 0.3);
}

#[test]
fn synth_baskets_track_their_members() {
    let m = generate(DEFAULT_SEED);
    let stocks = universe::stocks();
    let baskets = universe::baskets(&stocks);
    let mean_member_returns = |etf: &str| -> Vec<f64> {
        let b = baskets.iter().find(|b| b.ticker == etf).unwrap();
        let rs: Vec<Vec<f64>> = b.members.iter().map(|s| log_returns(bars(&m, s))).collect();
        (0..rs[0].len())
            .map(|t| rs.iter().map(|r| r[t]).sum::<f64>() / rs.len() as f64)
            .collect()
    };
    assert!(corr(&log_returns(bars(&m, "IWM")), &mean_member_returns("IWM")) > 0.99);
    assert!(corr(&log_returns(bars(&m, "RSP")), &mean_member_returns("RSP")) > 0.99);
    assert!(corr(&log_returns(bars(&m, "XAR")), &mean_member_returns("XAR")) > 0.99);
    assert!(corr(&log_returns(bars(&m, "QQQ")), &mean_member_returns("QQQ")) > 0.95);
    assert!(corr(&log_returns(bars(&m, "SPY")), &log_returns(bars(&m, "RSP"))) > 0.9);
    // Tech and small caps are different bets.
    assert!(corr(&log_returns(bars(&m, "QQQ")), &log_returns(bars(&m, "IWM"))) < 0.9);
}

#[test]
fn synth_defense_budget_events_move_defense_names() {
    let m = generate(DEFAULT_SEED);
    let sessions = calendar::sample_sessions();
    let spy = log_returns(bars(&m, "SPY"));
    let names: Vec<Vec<f64>> = universe::DEFENSE_NAMES
        .iter()
        .map(|s| log_returns(bars(&m, s)))
        .collect();
    let te = feed::TAG_EFFECTS
        .iter()
        .find(|t| t.tag == "defense_budget")
        .unwrap();
    let mult = universe::DEFENSE_NAMES
        .iter()
        .map(|s| feed::name_multiplier(s))
        .sum::<f64>()
        / universe::DEFENSE_NAMES.len() as f64;
    let (mut seen, mut expected, mut count) = (0.0, 0.0, 0.0);
    for e in m.events.iter().filter(|e| e.has_tag("defense_budget")) {
        let (i, _) = feed::session_of(e.timestamp, &sessions);
        let s = e.sentiment.unwrap();
        // Return into session i is index i - 1 of the return series.
        let avg = names.iter().map(|r| r[i - 1]).sum::<f64>() / names.len() as f64;
        seen += (avg - 0.75 * spy[i - 1]) * s.signum();
        expected += te.jump * s.abs() * mult;
        count += 1.0;
    }
    let (seen, expected) = (seen / count, expected / count);
    assert!(count >= 20.0);
    assert!(
        seen > 0.0 && (seen - expected).abs() < 0.4 * expected,
        "seen {seen}, expected {expected}"
    );
}

#[test]
fn synth_january_2026_story() {
    let m = generate(DEFAULT_SEED);
    assert!(m
        .events
        .windows(2)
        .all(|w| w[0].timestamp <= w[1].timestamp));
    assert!((100..=300).contains(&m.events.len()));
    let housing = m
        .events
        .iter()
        .find(|e| {
            e.has_tag("housing_ban")
                && crate::time::ns_to_date(e.timestamp)
                    == NaiveDate::from_ymd_opt(2026, 1, 7).unwrap()
        })
        .expect("housing ban headline");
    assert!(housing.sentiment.unwrap() < 0.0);
    assert_eq!(housing.symbols, ["ITB", "XHB", "INVH"]);
    let defense = m.events.last().unwrap();
    assert!(defense.has_tag("defense_budget") && defense.sentiment.unwrap() > 0.5);
    assert_eq!(
        feed::format_ny(defense.timestamp),
        "2026-01-07T19:00:00-05:00"
    );
    assert_eq!(
        defense.timestamp,
        parse_timestamp("2026-01-08T00:00:00Z").unwrap().0
    );
    assert!(m.events.iter().any(|e| e.has_tag("venezuela_oil")
        && e.timestamp > parse_timestamp("2026-01-01T00:00:00Z").unwrap().0));

    let sessions = calendar::sample_sessions();
    let jan6 = session_index(&m, 2026, 1, 6);
    let jan7 = jan6 + 1;
    assert_eq!(
        feed::session_of(housing.timestamp, &sessions),
        (jan7, false)
    );
    assert_eq!(
        feed::session_of(defense.timestamp, &sessions),
        (jan7 + 1, true)
    );
    for s in ["ITB", "XHB", "INVH"] {
        let b = bars(&m, s);
        assert!(
            b.close[jan7] < b.close[jan6],
            "{s} should fall on the ban headline"
        );
    }
    for s in ["LMT", "NOC", "KTOS", "ITA", "XAR"] {
        let b = bars(&m, s);
        assert!(
            b.open[jan7 + 1] > b.close[jan7],
            "{s} should gap up on Jan 8"
        );
    }
}

#[test]
fn synth_ends_with_small_caps_over_tech() {
    let m = generate(DEFAULT_SEED);
    let start = session_index(&m, 2025, 12, 12);
    let (iwm, qqq) = (bars(&m, "IWM"), bars(&m, "QQQ"));
    let last = iwm.len() - 1;
    assert!(
        iwm.close[last] > iwm.close[start],
        "IWM up in the closing weeks"
    );
    assert!(
        qqq.close[last] < qqq.close[start],
        "QQQ down in the closing weeks"
    );
    // Leadership rotates: several regime changes over the span.
    let r = model::regimes(DEFAULT_SEED, iwm.len());
    assert!(r.windows(2).filter(|w| w[0] != w[1]).count() >= 4);
}

#[test]
fn synth_events_csv_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let m = generate(DEFAULT_SEED);
    let path = tmp.path().join("events.csv");
    files::write_events(&path, &m.events).unwrap();
    let mut r = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["timestamp", "headline", "tags", "sentiment", "symbols"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), m.events.len());
    for (row, e) in rows.iter().zip(&m.events) {
        assert_eq!(parse_timestamp(&row[0]), Some((e.timestamp, false)));
        assert_eq!(&row[1], e.headline);
        assert_eq!(row[2].split(';').collect::<Vec<_>>(), e.tags);
        assert_eq!(row[3].parse::<f64>().ok(), e.sentiment);
        assert_eq!(row[4].split(';').collect::<Vec<_>>(), e.symbols);
    }
}

#[test]
fn synth_write_reports_bad_out_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not_a_dir");
    std::fs::write(&file, b"x").unwrap();
    assert!(matches!(
        write(DEFAULT_SEED, &file),
        Err(DataError::Write { .. })
    ));
}
