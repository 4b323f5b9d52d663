//! Which events an event study looks at, and how they are grouped.
//!
//! - A `news_event` config: the events it would trade (its tags, match mode and sentiment
//!   threshold), per configured tag, signed the way it trades them.
//! - Any other config: every tag of the feed, on each event's own symbols, signed by sentiment.
//! - `[report] event_tags` keeps only the listed tags (case-insensitive).
//! - Synonym tags (tags carried by exactly the same events, with the same signs) form one group
//!   labelled with all of them, so a feed that tags every headline nine ways gives one table,
//!   not nine identical ones.
//!
//! Tags that match nothing are said in plain words, with the feed's tags and a did-you-mean.

use std::collections::BTreeMap;

use rotor_data::Event;
use rotor_strategies::{NewsEvent, StrategyConfig};

use crate::error_hint::closest;

/// One group of the study: its tags and its events (index into the feed, sign).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedGroup {
    /// Label: the tags, comma-separated.
    pub label: String,
    /// The events, in feed order.
    pub events: Vec<(usize, f64)>,
}

/// What to study.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The traded basket of a `news_event` config; `None` = each event's own symbols.
    pub basket: Option<Vec<String>>,
    /// Groups, ordered by label.
    pub groups: Vec<PlannedGroup>,
}

/// Per tag (lower-cased for a news config, as in the feed otherwise): `(event index, sign)`.
fn per_tag(strategy: &StrategyConfig, feed: &[Event]) -> BTreeMap<String, Vec<(usize, f64)>> {
    let mut tags: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
    for (i, e) in feed.iter().enumerate() {
        match strategy {
            StrategyConfig::NewsEvent(c) => {
                let Some(sign) = NewsEvent::direction(c, e) else {
                    continue;
                };
                for tag in c.tags.iter().filter(|t| e.has_tag(t)) {
                    tags.entry(tag.to_lowercase()).or_default().push((i, sign));
                }
            }
            _ => {
                let sign = if e.sentiment.unwrap_or(0.0) < 0.0 {
                    -1.0
                } else {
                    1.0
                };
                for tag in &e.tags {
                    tags.entry(tag.clone()).or_default().push((i, sign));
                }
            }
        }
    }
    tags
}

/// The study plan of `strategy` over `feed`, restricted to `only` when it is not empty.
pub fn plan(strategy: &StrategyConfig, feed: &[Event], only: &[String]) -> Plan {
    let mut tags = per_tag(strategy, feed);
    if !only.is_empty() {
        tags.retain(|t, _| only.iter().any(|o| o.eq_ignore_ascii_case(t)));
    }
    // Synonyms: identical (event, sign) lists. Keys keep the first tag's order.
    let mut groups: Vec<PlannedGroup> = Vec::new();
    for (tag, events) in tags {
        match groups.iter_mut().find(|g| g.events == events) {
            Some(g) => {
                g.label.push_str(", ");
                g.label.push_str(&tag);
            }
            None => groups.push(PlannedGroup { label: tag, events }),
        }
    }
    Plan {
        basket: match strategy {
            StrategyConfig::NewsEvent(c) => Some(c.symbols.clone()),
            _ => None,
        },
        groups,
    }
}

/// The feed's tags with their event counts, most frequent first, at most 20 named.
fn feed_tags(feed: &[Event]) -> (Vec<String>, String) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in feed {
        for t in &e.tags {
            *counts.entry(t.to_lowercase()).or_default() += 1;
        }
    }
    let mut by_count: Vec<(String, usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut listed: Vec<String> = by_count
        .iter()
        .take(20)
        .map(|(t, n)| format!("{t} ({n})"))
        .collect();
    if by_count.len() > 20 {
        listed.push(format!("and {} more", by_count.len() - 20));
    }
    let text = if listed.is_empty() {
        "it has no tags".to_string()
    } else {
        format!("its tags: {}", listed.join(", "))
    };
    (by_count.into_iter().map(|(t, _)| t).collect(), text)
}

/// Warnings for configured tags that match no event of `feed` (named `feed_name`): the
/// `news_event` strategy's `tags`, and `[report] event_tags`; plus one when a `news_event`
/// config trades no event of the feed at all.
pub fn tag_warnings(
    strategy: &StrategyConfig,
    event_tags: &[String],
    feed: &[Event],
    feed_name: &str,
) -> Vec<String> {
    let (known, listing) = feed_tags(feed);
    let missing = |key: &str, tags: &[String]| -> Vec<String> {
        tags.iter()
            .filter(|t| !known.iter().any(|k| k.eq_ignore_ascii_case(t)))
            .map(|t| {
                let hint = closest(&t.to_lowercase(), known.iter().map(String::as_str))
                    .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
                format!("{key} `{t}` matches no event in {feed_name}{hint}; {listing}.")
            })
            .collect()
    };
    let mut w = Vec::new();
    if let StrategyConfig::NewsEvent(c) = strategy {
        w.extend(missing("strategy.tags", &c.tags));
        if !feed.is_empty() && !feed.iter().any(|e| NewsEvent::direction(c, e).is_some()) {
            w.push(format!(
                "news_event trades nothing: no event of {feed_name} passes its tags, match mode \
                 and sentiment rules."
            ));
        }
    }
    w.extend(missing("report.event_tags", event_tags));
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use rotor_strategies::NewsEventConfig;

    fn ev(tags: &[&str], sentiment: f64) -> Event {
        Event {
            timestamp: 0,
            headline: "h".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            sentiment: Some(sentiment),
            symbols: vec!["A".into()],
        }
    }

    fn other() -> StrategyConfig {
        toml::from_str::<StrategyConfig>("kind = \"buy_and_hold\"\nsymbols = [\"A\"]").unwrap()
    }

    #[test]
    fn synonym_tags_form_one_group_and_event_tags_filter() {
        let feed = vec![
            ev(&["oil", "venezuela", "opec"], 0.5),
            ev(&["oil", "venezuela"], -0.5),
            ev(&["defense"], 0.5),
        ];
        let p = plan(&other(), &feed, &[]);
        let labels: Vec<&str> = p.groups.iter().map(|g| g.label.as_str()).collect();
        // oil and venezuela always come together with the same signs: one group.
        assert_eq!(labels, ["defense", "oil, venezuela", "opec"]);
        assert_eq!(p.groups[1].events, vec![(0, 1.0), (1, -1.0)]);
        let only = plan(&other(), &feed, &["OPEC".into()]);
        assert_eq!(only.groups.len(), 1);
        assert_eq!(only.groups[0].label, "opec");
    }

    #[test]
    fn unmatched_tags_are_named_with_a_suggestion() {
        let feed = vec![ev(&["venezuela"], 0.5), ev(&["venezuela", "oil"], 0.2)];
        let cfg = StrategyConfig::NewsEvent(NewsEventConfig {
            tags: vec!["venzuela".into()],
            symbols: vec!["A".into()],
            ..NewsEventConfig::default()
        });
        let w = tag_warnings(&cfg, &["oli".into(), "oil".into()], &feed, "feed.csv");
        assert_eq!(w.len(), 3, "{w:?}");
        assert_eq!(
            w[0],
            "strategy.tags `venzuela` matches no event in feed.csv (did you mean `venezuela`?); \
             its tags: venezuela (2), oil (1)."
        );
        assert!(w[1].starts_with("news_event trades nothing"), "{w:?}");
        assert!(w[2].starts_with("report.event_tags `oli`") && w[2].contains("`oil`?"));
        let ok = StrategyConfig::NewsEvent(NewsEventConfig {
            tags: vec!["Venezuela".into()],
            symbols: vec!["A".into()],
            ..NewsEventConfig::default()
        });
        assert!(tag_warnings(&ok, &[], &feed, "feed.csv").is_empty());
    }
}
