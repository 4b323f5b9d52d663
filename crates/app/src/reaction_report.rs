//! The "Reaction" section of a `news_event` run's report (see `rotor_strategies::reaction`):
//! per headline acted on, its publication, the instant its entry's price printed, the delay and
//! what the prices did meanwhile, then the distribution of the delays.

use rotor_data::time::ns_to_datetime;
use rotor_engine::{FillConfig, Market, RunResult};
use rotor_report::{money, Block, Section};
use rotor_strategies::{delay_distribution, reactions, EventTrade};

/// `YYYY-MM-DD HH:MM:SS` (UTC).
fn second(ns: i64) -> String {
    ns_to_datetime(ns).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A delay in words: `250ms`, `5s`, `1m 30s`, `17h 30m`, `2d 17h 30m`.
fn duration(ns: f64) -> String {
    if !ns.is_finite() {
        return "n/a".into();
    }
    let ms = (ns / 1e6).round() as i64;
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let frac = ms % 1000;
    match (d, h, m) {
        (0, 0, 0) if frac == 0 => format!("{sec}s"),
        (0, 0, 0) => format!("{sec}.{frac:03}s"),
        (0, 0, _) => format!("{m}m {sec}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h {m}m"),
    }
}

/// The section for the events of a `news_event` run, given the attribution of its fills.
pub fn section(
    market: &Market,
    fill_rules: &FillConfig,
    result: &RunResult,
    events: &[EventTrade],
    fill_events: &[(usize, usize, f64)],
) -> Section {
    let rows = reactions(market, fill_rules.adjust, result, events, fill_events);
    let table: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            vec![
                (k + 1).to_string(),
                second(r.published),
                r.filled.map_or("not filled".into(), second),
                r.delay().map_or("n/a".into(), |d| duration(d as f64)),
                if r.moved.is_finite() {
                    format!("{:+.2}%", r.moved * 100.0)
                } else {
                    "n/a".into()
                },
                money(r.cost),
            ]
        })
        .collect();
    let latency = fill_rules.latency.as_deref().unwrap_or("0");
    let mut blocks = vec![Block::Text(format!(
        "One row per headline acted on: its publication, the instant the price of its entry \
         printed (strictly after the headline, and at or after it plus execution.latency = \
         {latency}), the delay, and how far the traded prices moved from the last price printed \
         at or before the headline to the entry's price before slippage, in the trade's \
         direction (> 0: against the trade) and in money on the filled quantity: what the \
         reaction time cost. Times are UTC."
    ))];
    if rows.is_empty() {
        blocks.push(Block::Text("No headline was acted on.".into()));
    } else {
        blocks.push(Block::Table(rotor_report::render::Table {
            headers: ["#", "published", "filled", "delay", "move", "cost"]
                .map(String::from)
                .to_vec(),
            rows: table,
        }));
    }
    let mut kv = Vec::new();
    if let Some([min, median, p90, max]) = delay_distribution(&rows) {
        kv.push((
            "Delay min / median / p90 / max".to_string(),
            [min, median, p90, max].map(duration).join(" / "),
        ));
    }
    let total: f64 = rows.iter().map(|r| r.cost).sum();
    kv.push(("Cost of the delays (sum)".into(), money(total)));
    blocks.push(Block::KeyValues(kv));
    Section {
        title: "Reaction".into(),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_as_words() {
        let s = 1e9;
        assert_eq!(duration(0.25 * s), "250ms");
        assert_eq!(duration(5.0 * s), "5s");
        assert_eq!(duration(5.5 * s), "5.500s");
        assert_eq!(duration(90.0 * s), "1m 30s");
        assert_eq!(duration(17.5 * 3600.0 * s), "17h 30m");
        assert_eq!(duration((2.0 * 86400.0 + 3600.0) * s), "2d 1h 0m");
        assert_eq!(duration(f64::NAN), "n/a");
    }
}
