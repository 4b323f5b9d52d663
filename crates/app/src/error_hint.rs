//! "Did you mean" for serde's unknown-field and unknown-variant messages, so a typo in a
//! hand-edited config points at the key the user meant.

/// Appends `(did you mean `x`?)` to serde's "unknown field `a`, expected one of `b`, `c`" or
/// "unknown variant" messages when one candidate is close to what was written.
pub fn with_hint(message: &str) -> String {
    let message = &plain(message.trim());
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_string();
    };
    let Some((given, tail)) = rest.split_once('`') else {
        return message.to_string();
    };
    match closest(given, tail.split('`').skip(1).step_by(2)) {
        Some(c) => format!("{message} (did you mean `{c}`?)"),
        None => message.to_string(),
    }
}

/// The candidate closest to `given` by edit distance, when it is close enough to be a typo
/// (at most 2 edits, or a third of its length); ties go to the first in order.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (levenshtein(given, c), i, c))
        .filter(|(d, _, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, _, c)| c)
}

/// Serde names its internal types where a value has the wrong shape ("expected internally
/// tagged enum StrategyConfig", "expected usize", "expected variant identifier"): say what the
/// config expects instead, in the words of the README.
fn plain(message: &str) -> String {
    let kinds = rotor_strategies::StrategyConfig::KINDS.join(", ");
    let words: [(&str, String); 9] = [
        (
            "expected internally tagged enum StrategyConfig",
            format!("expected a [strategy] table whose `kind` is one of {kinds}"),
        ),
        (
            "expected variant identifier",
            format!("expected a string: one of {kinds}"),
        ),
        ("expected usize", "expected a whole number >= 0".into()),
        ("expected u64", "expected a whole number >= 0".into()),
        ("expected u32", "expected a whole number >= 0".into()),
        ("expected i64", "expected a whole number".into()),
        ("expected f64", "expected a number".into()),
        ("expected string or map", "expected a string".into()),
        ("wanted string or table", "expected a string".into()),
    ];
    let mut out = message.to_string();
    for (from, to) in &words {
        out = out.replace(from, to);
    }
    out
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_key() {
        let m = with_hint("unknown field `lookbak`, expected one of `long`, `short`, `lookback`");
        assert!(m.ends_with("(did you mean `lookback`?)"), "{m}");
        let m = with_hint("unknown field `zzzzzzzz`, expected `long` or `short`");
        assert!(!m.contains("did you mean"));
        assert_eq!(with_hint("missing field `name`"), "missing field `name`");
        let m =
            with_hint("invalid type: string \"x\", expected internally tagged enum StrategyConfig");
        assert!(!m.contains("StrategyConfig") && m.contains("`kind`"), "{m}");
    }

    #[test]
    fn rust_type_names_become_the_readmes_words() {
        assert_eq!(
            with_hint("invalid type: string \"x\", expected usize"),
            "invalid type: string \"x\", expected a whole number >= 0"
        );
        assert_eq!(
            with_hint("invalid type: string \"x\", expected f64"),
            "invalid type: string \"x\", expected a number"
        );
        let m = with_hint("invalid type: integer `5`, expected variant identifier");
        assert!(m.ends_with("expected a string: one of rotation, buy_and_hold, sma_cross, news_event, sector_rotation, formula"), "{m}");
        assert_eq!(with_hint("wanted string or table"), "expected a string");
    }
}
