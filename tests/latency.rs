//! Reaction latency on minute bars, end to end: a `news_event` run over three sessions of
//! 1-minute bars stamped at their close (09:30-16:00 New York = 14:30-21:00 UTC in January, the
//! middle one a half day ending 13:00 = 18:00 UTC), one headline per run. A headline is traded
//! only at a price printed strictly after it, and at or after it plus `execution.latency`; the
//! entry fill's timestamp in `fills.parquet` is the instant that price printed (a bar's open
//! instant, one minute before its close).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, TimestampNanosecondArray};
use chrono::{DateTime, NaiveDateTime, Utc};

use super::clock::instants;
use super::{f64s, run, stderr, write_parquet};

/// `YYYY-MM-DD HH:MM:SS` UTC as an instant.
fn utc(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .expect("test instant")
        .and_utc()
}

/// Minute bars of AAA: 2024-01-02 and 2024-01-04 full sessions, 2024-01-03 a half day.
fn write_minute_bars(path: &Path) {
    let mut ts = Vec::new();
    for (day, last) in [
        ("2024-01-02", 390),
        ("2024-01-03", 210),
        ("2024-01-04", 390),
    ] {
        let open = utc(&format!("{day} 14:30:00"))
            .timestamp_nanos_opt()
            .unwrap();
        ts.extend((1..=last).map(|k| open + k * 60_000_000_000));
    }
    let n = ts.len();
    // Every bar opens at its own price, so a fill's price names its bar.
    let open: Vec<f64> = (0..n).map(|k| 100.0 + 0.01 * k as f64).collect();
    let close: Vec<f64> = open.iter().map(|o| o + 0.005).collect();
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("timestamp", Arc::new(TimestampNanosecondArray::from(ts))),
        ("open", f64s(open.clone())),
        ("high", f64s(close.iter().map(|c| c + 0.01).collect())),
        ("low", f64s(open.iter().map(|o| o - 0.01).collect())),
        ("close", f64s(close)),
        ("volume", f64s(vec![1e9; n])),
    ];
    write_parquet(path, cols);
}

/// Writes the bars, a feed of one headline at `at` (UTC) and a long `news_event` config with
/// `latency` (None: the key is absent) into `d`; returns the config's path.
fn minute_run(d: &Path, at: &str, latency: Option<&str>) -> PathBuf {
    write_minute_bars(&d.join("AAA.parquet"));
    let stamp = utc(at).format("%Y-%m-%dT%H:%M:%SZ");
    std::fs::write(
        d.join("events.csv"),
        format!("timestamp,headline,tags,sentiment,symbols\n{stamp},Headline,x,0.5,AAA\n"),
    )
    .unwrap();
    let latency = latency.map_or(String::new(), |l| format!("latency = \"{l}\"\n"));
    std::fs::write(
        d.join("c.toml"),
        format!(
            "name = \"minute\"\n[data]\nbars = \"AAA.parquet\"\nevents = \"events.csv\"\n\
             [execution]\n{latency}[strategy]\nkind = \"news_event\"\ntags = [\"x\"]\n\
             symbols = [\"AAA\"]\nhold = 3\nsize_per_event = 0.5\n"
        ),
    )
    .unwrap();
    d.join("c.toml")
}

/// Runs [`minute_run`]'s config; returns the instant of the entry fill, or None when nothing
/// filled.
fn entry_fill(at: &str, latency: Option<&str>) -> Option<DateTime<Utc>> {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let cfg = minute_run(d, at, latency);
    let out = d.join("out");
    let r = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    instants(&out.join("fills.parquet"), "timestamp")
        .first()
        .copied()
}

fn fills_at(at: &str, latency: Option<&str>, want: &str) {
    assert_eq!(
        entry_fill(at, latency),
        Some(utc(want)),
        "headline at {at}, latency {latency:?}"
    );
}

#[test]
fn a_headline_at_an_open_instant_fills_at_the_next_open() {
    // 10:15:00 New York is the open instant of the 10:15-10:16 bar: its open printed then.
    fills_at("2024-01-02 15:15:00", None, "2024-01-02 15:16:00");
    // At the session's first open instant (09:30:00).
    fills_at("2024-01-03 14:30:00", None, "2024-01-03 14:31:00");
    // A second before an open instant is in time for that open.
    fills_at("2024-01-02 15:14:59", None, "2024-01-02 15:15:00");
}

#[test]
fn a_headline_mid_bar_fills_at_the_next_open() {
    fills_at("2024-01-02 15:15:30", None, "2024-01-02 15:16:00");
}

#[test]
fn a_headline_in_the_last_bar_fills_at_the_next_sessions_open() {
    // The last bar (15:59-16:00) opens at 20:59:00 UTC: at it, and inside it.
    fills_at("2024-01-02 20:59:00", None, "2024-01-03 14:30:00");
    fills_at("2024-01-02 20:59:30", None, "2024-01-03 14:30:00");
    // At the close itself.
    fills_at("2024-01-02 21:00:00", None, "2024-01-03 14:30:00");
}

#[test]
fn a_headline_after_the_close_fills_at_the_next_sessions_open() {
    fills_at("2024-01-02 23:30:00", None, "2024-01-03 14:30:00");
}

#[test]
fn a_half_day_session_ends_at_its_own_last_bar() {
    // 2024-01-03 closes at 13:00 New York (18:00 UTC): its last bar opens at 17:59.
    fills_at("2024-01-03 17:58:30", None, "2024-01-03 17:59:00");
    fills_at("2024-01-03 17:59:00", None, "2024-01-04 14:30:00");
    fills_at("2024-01-03 18:30:00", None, "2024-01-04 14:30:00");
}

#[test]
fn latency_0_5s_and_5m() {
    let at = "2024-01-02 15:15:00";
    fills_at(at, Some("0s"), "2024-01-02 15:16:00");
    fills_at(at, Some("5s"), "2024-01-02 15:16:00");
    fills_at(at, Some("5m"), "2024-01-02 15:20:00");
    // 5 s after 15:15:58 is past the 15:16 open.
    fills_at("2024-01-02 15:15:58", Some("0s"), "2024-01-02 15:16:00");
    fills_at("2024-01-02 15:15:58", Some("5s"), "2024-01-02 15:17:00");
    // 5 minutes after a headline in the last bar: the next session's open.
    fills_at("2024-01-02 20:57:00", Some("5m"), "2024-01-03 14:30:00");
}

#[test]
fn a_bad_latency_is_bad_input_naming_the_config_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_minute_bars(&d.join("AAA.parquet"));
    std::fs::write(
        d.join("c.toml"),
        "name = \"m\"\n[data]\nbars = \"AAA.parquet\"\n[execution]\nlatency = \"5 sec\"\n\
         [strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    let r = run(&["run", d.join("c.toml").to_str().unwrap(), "--quiet"]);
    super::assert_bad_input(&r, "c.toml", "execution.latency (\"5 sec\")");
}

#[test]
fn the_reaction_section_gives_publication_fill_delay_and_what_the_delay_cost() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = minute_run(tmp.path(), "2024-01-02 15:15:00", Some("5m"));
    let r = run(&["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let section = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "Reaction")
        .expect("a Reaction section");
    let blocks = section["blocks"].as_array().unwrap();
    let table = blocks.iter().find(|b| b["type"] == "table").unwrap();
    // The last price at 15:15:00 is the open of the bar opening then (bar 45: 100.45); the
    // entry fills at the 15:20 open (bar 50: 100.50): +0.05 on 4,975 shares (half of the
    // 1,000,000 equity at 100.50, whole shares) = 248.75.
    assert_eq!(
        table["rows"][0],
        serde_json::json!([
            "1",
            "2024-01-02 15:15:00",
            "2024-01-02 15:20:00",
            "5m 0s",
            "+0.05%",
            "248.75"
        ])
    );
    let kv = blocks.iter().find(|b| b["type"] == "key_values").unwrap();
    assert_eq!(
        kv["items"][0],
        serde_json::json!([
            "Delay min / median / p90 / max",
            "5m 0s / 5m 0s / 5m 0s / 5m 0s"
        ])
    );
}
