//! The event study as report content: one section (method, summary table, caveats, one table
//! per group), rendered by the text and markdown renderers like the rest of the report.

use serde::Serialize;

use super::model::{EventWindows, GroupStudy};
use crate::render::{Block, Section, Table};

/// A complete event study as reported: what was studied, the results and the caveats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventStudyReport {
    /// The market model's index (`report.benchmark`).
    pub benchmark: String,
    /// Estimation and event windows.
    pub windows: EventWindows,
    /// How the abnormal returns were signed, in plain words.
    pub note: String,
    /// One study per group of events (a tag, or synonym tags).
    pub groups: Vec<GroupStudy>,
    /// Study-wide caveats (e.g. configured tags that match nothing in the feed).
    pub warnings: Vec<String>,
}

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{:+.2}%", v * 100.0))
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.map_or("n/a".into(), |v| format!("{v:.decimals$}"))
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(3)).collect();
        s.push_str("...");
        s
    }
}

impl EventStudyReport {
    /// Every caveat: the study-wide ones, then each group's.
    pub fn all_warnings(&self) -> Vec<String> {
        self.warnings
            .iter()
            .chain(self.groups.iter().flat_map(|g| &g.warnings))
            .cloned()
            .collect()
    }

    /// The report sections: "Event study" (method, summary table, caveats), then one section
    /// per group with its event-window table.
    pub fn sections(&self) -> Vec<Section> {
        let w = &self.windows;
        let (lo, hi) = w.event;
        let mut blocks = vec![Block::Text(format!(
            "Market model (MacKinlay 1997) vs {}, OLS over sessions {}..{}; event window {}..{:+}; \
             day 0 = first session closing after the event. t: cross-section of the events' CARs \
             (Student t). BMP t: standardized CARs (Boehmer, Musumeci & Poulsen 1991). adj t, \
             adj p: the BMP t corrected for the average correlation r of the events' residuals \
             (Kolari & Pynnonen 2010), the one to read when events cluster in time. {}",
            self.benchmark, w.estimation.0, w.estimation.1, lo, hi, self.note,
        ))];
        if self.groups.is_empty() {
            blocks.push(Block::Text("No matching events.".into()));
        } else {
            blocks.push(self.summary_table());
        }
        let warnings = self.all_warnings();
        if !warnings.is_empty() {
            blocks.push(Block::Bullets(warnings));
        }
        let mut sections = vec![Section {
            title: "Event study".into(),
            blocks,
        }];
        sections.extend(self.groups.iter().map(group_section));
        sections
    }

    /// One row per group: events, exclusions, day-0 AR and the event window's CAR with its
    /// tests.
    fn summary_table(&self) -> Block {
        let (lo, hi) = self.windows.event;
        let rows = self
            .groups
            .iter()
            .map(|s| {
                let day0 = s.rows.iter().find(|r| r.day == 0);
                let last = s.rows.last();
                vec![
                    short(&s.label, 20),
                    s.events.to_string(),
                    s.excluded.to_string(),
                    pct(day0.and_then(|r| r.aar)),
                    pct(last.and_then(|r| r.caar)),
                    num(last.and_then(|r| r.caar_t), 2),
                    num(last.and_then(|r| r.caar_p), 3),
                    num(last.and_then(|r| r.bmp_t), 2),
                    num(last.and_then(|r| r.kp_t), 2),
                    num(last.and_then(|r| r.kp_p), 3),
                ]
            })
            .collect();
        Block::Table(Table {
            headers: [
                "tag",
                "events",
                "excl",
                "AR day 0",
                &format!("CAR {lo}..{hi:+}"),
                "t",
                "p",
                "BMP t",
                "adj t",
                "adj p",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        })
    }
}

/// A group's section: its market-model summary and its event-window table, one row per day.
fn group_section(s: &GroupStudy) -> Section {
    let mut blocks = Vec::new();
    blocks.push(Block::Text(format!(
        "{}: {} events ({} excluded), mean alpha {} per session, mean beta {}, average \
         residual correlation r {}; basket: {}",
        s.label,
        s.events,
        s.excluded,
        pct(s.mean_alpha),
        num(s.mean_beta, 2),
        num(s.mean_corr, 2),
        s.basket
    )));
    blocks.push(Block::Table(Table {
        headers: [
            "day", "n", "AAR", "t", "CAAR", "t", "p", "BMP t", "adj t", "adj p",
        ]
        .map(String::from)
        .to_vec(),
        rows: s
            .rows
            .iter()
            .map(|r| {
                vec![
                    format!("{:+}", r.day),
                    r.n.to_string(),
                    pct(r.aar),
                    num(r.aar_t, 2),
                    pct(r.caar),
                    num(r.caar_t, 2),
                    num(r.caar_p, 3),
                    num(r.bmp_t, 2),
                    num(r.kp_t, 2),
                    num(r.kp_p, 3),
                ]
            })
            .collect(),
    }));
    Section {
        title: format!("Event study: {}", s.label),
        blocks,
    }
}
