//! The event study as a plain-text table (at most `width` columns, 100 by default).

use super::model::{EventWindows, GroupStudy};

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{:+.2}%", v * 100.0))
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.map_or("n/a".into(), |v| format!("{v:.decimals$}"))
}

fn wrapped(prefix: &str, words: &str, width: usize, out: &mut String) {
    let mut line = prefix.to_string();
    for w in words.split_whitespace() {
        if line.len() + 1 + w.len() > width && line.len() > prefix.len() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(prefix.len().min(8));
        }
        if !line.ends_with(' ') && !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Renders a summary line per group, then each group's event-window table. `note` (e.g. how
/// the abnormal returns were signed) is added to the header.
pub fn render_event_study(
    studies: &[GroupStudy],
    benchmark: &str,
    windows: &EventWindows,
    note: &str,
    width: usize,
) -> String {
    let width = width.max(60);
    let mut out = String::new();
    out.push_str("EVENT STUDY\n");
    wrapped(
        "",
        &format!(
            "Market model (MacKinlay 1997) vs {benchmark}, OLS over sessions {}..{}; event window \
             {}..{:+}; day 0 = first session closing after the event. t from the cross-section of \
             events (Student t p-values). {note}",
            windows.estimation.0, windows.estimation.1, windows.event.0, windows.event.1,
        ),
        width,
        &mut out,
    );
    if studies.is_empty() {
        out.push_str("no matching events\n");
        return out;
    }
    out.push('\n');
    let (lo, hi) = windows.event;
    out.push_str(&format!(
        "{:<22} {:>6} {:>5} {:>9} {:>7} {:>11} {:>7} {:>7} {:>6}\n",
        "tag",
        "events",
        "excl",
        "AR day 0",
        "t",
        format!("CAR {lo}..{hi:+}"),
        "t",
        "p",
        "beta"
    ));
    for s in studies {
        let day0 = s.rows.iter().find(|r| r.day == 0);
        let last = s.rows.last();
        let label: String = s.label.chars().take(22).collect();
        out.push_str(&format!(
            "{:<22} {:>6} {:>5} {:>9} {:>7} {:>11} {:>7} {:>7} {:>6}\n",
            label,
            s.events,
            s.excluded,
            pct(day0.and_then(|r| r.aar)),
            num(day0.and_then(|r| r.aar_t), 2),
            pct(last.and_then(|r| r.caar)),
            num(last.and_then(|r| r.caar_t), 2),
            num(last.and_then(|r| r.caar_p), 3),
            num(s.mean_beta, 2),
        ));
    }
    for s in studies {
        out.push('\n');
        wrapped(
            "",
            &format!(
                "{}: {} events ({} excluded), mean alpha {} per session, mean beta {}; basket: {}",
                s.label,
                s.events,
                s.excluded,
                pct(s.mean_alpha),
                num(s.mean_beta, 2),
                s.basket
            ),
            width,
            &mut out,
        );
        out.push_str(&format!(
            "{:>5} {:>4} {:>9} {:>7} {:>9} {:>7} {:>7}\n",
            "day", "n", "AAR", "t", "CAAR", "t", "p"
        ));
        for r in &s.rows {
            out.push_str(&format!(
                "{:>+5} {:>4} {:>9} {:>7} {:>9} {:>7} {:>7}\n",
                r.day,
                r.n,
                pct(r.aar),
                num(r.aar_t, 2),
                pct(r.caar),
                num(r.caar_t, 2),
                num(r.caar_p, 3),
            ));
        }
    }
    out
}
