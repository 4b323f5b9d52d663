//! A news or policy event from the feed. Sorted by time in the [`crate::Market`].

use serde::{Deserialize, Serialize};

/// One headline of the event feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Publication instant, ns UTC. A date-only stamp is the last ns of that date (after close).
    pub timestamp: i64,
    /// The headline text.
    pub headline: String,
    /// Lower-cased tags, e.g. `defense_budget`, `housing_ban`.
    pub tags: Vec<String>,
    /// Sentiment in [-1, 1], if given.
    pub sentiment: Option<f64>,
    /// Symbols the event names, if given.
    pub symbols: Vec<String>,
}

impl Event {
    /// True if the event carries `tag` (case-insensitive).
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }
}
