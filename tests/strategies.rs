//! Every config in strategies/ runs on the shipped data with a sane report; `rotor events`
//! prints the event study; news configs trade and study their own tags.

use super::{assert_bad_input, root, run, stderr, stdout};

fn configs() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("strategies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_shipped_config_runs_with_a_sane_report() {
    let all = configs();
    for kind in [
        "rotation",
        "news_event",
        "sector_rotation",
        "buy_and_hold",
        "sma_cross",
        "formula",
    ] {
        assert!(
            all.iter().any(|p| std::fs::read_to_string(p)
                .unwrap()
                .contains(&format!("kind = \"{kind}\""))),
            "no config of kind {kind}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    for (i, cfg) in all.iter().enumerate() {
        // One run per config (debug builds are slow): report.txt and stats.json from --out.
        let c = cfg.to_str().unwrap();
        let out = tmp.path().join(i.to_string());
        let o = run(&["run", c, "--out", out.to_str().unwrap(), "--quiet"]);
        assert!(o.status.success(), "{c}: {}", stderr(&o));
        let stats = std::fs::read(out.join("stats.json")).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&stats).expect("json");
        let tr = v["total_return"].as_f64().expect("total_return");
        let dd = v["max_drawdown"].as_f64().expect("max_drawdown");
        assert!(tr.is_finite() && tr > -1.0, "{c}: total_return {tr}");
        assert!((-1.0..=0.0).contains(&dd), "{c}: max_drawdown {dd}");
        let report = stdout(&o);
        assert!(
            report.lines().all(|l| l.chars().count() <= 100),
            "{c}: wide line"
        );
        let has_feed = std::fs::read_to_string(cfg).unwrap().contains("events =");
        assert_eq!(report.contains("EVENT STUDY"), has_feed, "{c}");
    }
}

#[test]
fn news_configs_trade_and_study_their_tags() {
    for (file, tag) in [
        ("defense_on_policy_news.toml", "defense_budget"),
        ("housing_ban_short.toml", "housing_ban"),
        ("oil_on_venezuela.toml", "venezuela_oil"),
    ] {
        let cfg = root().join("strategies").join(file);
        let c = cfg.to_str().unwrap();
        let o = run(&["run", c, "--format", "json", "--quiet"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert!(v["trades"].as_f64().unwrap() > 0.0, "{file} never traded");
        let ev = run(&["events", c]);
        assert!(ev.status.success(), "{}", stderr(&ev));
        let text = stdout(&ev);
        assert!(text.contains("\nEVENT STUDY\n"), "{text}");
        // Only the strategy's own tag is studied, with its day-0 row.
        assert!(text.contains(tag) && !text.contains("\nfed "), "{text}");
        assert!(
            text.lines().any(|l| l.trim_start().starts_with("+0 ")),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 100));
    }
}

#[test]
fn run_out_writes_the_event_study_into_report_txt() {
    // (The timing of entries is tested on hand-built markets in rotor-strategies.)
    let tmp = tempfile::tempdir().unwrap();
    let cfg = root().join("strategies/housing_ban_short.toml");
    let out = tmp.path().join("o");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--set",
        "data.start=2025-06-01",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(out.join("report.txt")).unwrap();
    assert!(report.contains("EVENT STUDY"));
    let fills = std::fs::read(out.join("fills.parquet")).unwrap();
    assert!(!fills.is_empty());
}

#[test]
fn events_command_needs_a_feed_and_a_benchmark() {
    let cfg = root().join("strategies/sector_momentum.toml");
    let o = run(&["events", cfg.to_str().unwrap()]);
    assert_bad_input(&o, "sector_momentum.toml", "data.events");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let o = run(&[
        "events",
        cfg.to_str().unwrap(),
        "--set",
        "report.benchmark=NOPE",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&["events", cfg.to_str().unwrap()]);
    assert!(o.status.success());
    for tag in [
        "defense_budget",
        "housing_ban",
        "venezuela_oil",
        "fed",
        "ai_bubble",
    ] {
        assert!(stdout(&o).contains(tag), "{tag}");
    }
}
