//! `kind = "news_event"`: trade a basket after matching headlines.

use serde::{Deserialize, Serialize};

use super::check_basket;
use super::rotation::positive;
use crate::error::StrategyError;

/// How an event's tags must match `tags`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// At least one of `tags`.
    #[default]
    Any,
    /// Every one of `tags`.
    All,
}

/// Which way to trade a matching event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Long on positive sentiment, short on negative; events without sentiment are skipped.
    #[default]
    Sentiment,
    /// Always long.
    Long,
    /// Always short.
    Short,
}

/// `kind = "news_event"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewsEventConfig {
    /// Event tags to react to (case-insensitive). Required.
    pub tags: Vec<String>,
    /// `any` or `all` of `tags`. Default `any`.
    #[serde(rename = "match")]
    pub match_mode: MatchMode,
    /// Minimum |sentiment| to act (events without sentiment count as 0). Default `0`.
    pub min_abs_sentiment: f64,
    /// `sentiment`, `long` or `short`. Default `sentiment`.
    pub direction: Direction,
    /// The traded basket (equal weight within it). Required.
    pub symbols: Vec<String>,
    /// Sessions held: entry at the first open after the event, exit at the open `hold`
    /// sessions later. Default `5`.
    pub hold: usize,
    /// Basket gross per event, fraction of equity. Default `0.25`.
    pub size_per_event: f64,
    /// Cap on the summed gross of open event positions (hedges included); a new event is
    /// scaled down to fit, or skipped when there is no room. Default `1.0`.
    pub max_exposure: f64,
    /// Symbol traded for the opposite dollar amount of each event's basket. Default none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hedge: Option<String>,
}

impl Default for NewsEventConfig {
    fn default() -> Self {
        NewsEventConfig {
            tags: Vec::new(),
            match_mode: MatchMode::Any,
            min_abs_sentiment: 0.0,
            direction: Direction::Sentiment,
            symbols: Vec::new(),
            hold: 5,
            size_per_event: 0.25,
            max_exposure: 1.0,
            hedge: None,
        }
    }
}

impl NewsEventConfig {
    /// True when `tags` of an event match this config's `tags` under `match`.
    pub fn matches(&self, event_tags: &[String]) -> bool {
        let has = |t: &String| event_tags.iter().any(|e| e.eq_ignore_ascii_case(t));
        match self.match_mode {
            MatchMode::Any => self.tags.iter().any(has),
            MatchMode::All => self.tags.iter().all(has),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StrategyError> {
        check_basket("strategy.tags", &self.tags)?;
        check_basket("strategy.symbols", &self.symbols)?;
        if !(self.min_abs_sentiment.is_finite() && (0.0..=1.0).contains(&self.min_abs_sentiment)) {
            return Err(StrategyError::invalid(
                "strategy.min_abs_sentiment",
                format!(
                    "strategy.min_abs_sentiment ({}) must be between 0 and 1",
                    self.min_abs_sentiment
                ),
            ));
        }
        if self.hold == 0 {
            return Err(StrategyError::invalid(
                "strategy.hold",
                "strategy.hold (0) must be at least 1",
            ));
        }
        positive("strategy.size_per_event", self.size_per_event)?;
        positive("strategy.max_exposure", self.max_exposure)?;
        if let Some(h) = &self.hedge {
            if self.symbols.contains(h) {
                return Err(StrategyError::invalid(
                    "strategy.hedge",
                    format!("strategy.hedge `{h}` is also in strategy.symbols"),
                ));
            }
        }
        Ok(())
    }
}
