//! A formula error: which expression, where in it, and why.
//!
//! Invariant: every error names the config key holding the expression (`strategy.weights`,
//! `strategy.define.mom`) and a 1-based character column inside it, and its one-line rendering
//! marks that column with a caret inside the quoted expression.

use std::fmt;

/// A problem in one expression of a `kind = "formula"` config.
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaError {
    /// Dotted key of the expression, e.g. `strategy.define.mom`.
    pub key: String,
    /// The expression's text as written.
    pub expr: String,
    /// 1-based character column of the problem inside `expr`.
    pub column: usize,
    /// What is wrong, e.g. ``unknown name `clsoe` (did you mean `close`?)``.
    pub message: String,
}

impl FormulaError {
    /// The expression with `^` inserted before the character at [`FormulaError::column`].
    pub fn marked(&self) -> String {
        let at = self.column.saturating_sub(1);
        let mut out = String::with_capacity(self.expr.len() + 1);
        let mut placed = false;
        for (i, c) in self.expr.chars().enumerate() {
            if i == at {
                out.push('^');
                placed = true;
            }
            out.push(c);
        }
        if !placed {
            out.push('^');
        }
        out
    }
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} at column {}: \"{}\"",
            self.key,
            self.message,
            self.column,
            self.marked()
        )
    }
}

/// Edit distance counting an adjacent transposition as one edit (optimal string alignment),
/// for did-you-mean suggestions.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The closest of `candidates` to `name` when it is plausibly a typo of it; on a tie the
/// earliest candidate wins (callers list the user's own names first).
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_marks_the_column_and_suggestions_are_close() {
        let e = FormulaError {
            key: "strategy.weights".into(),
            expr: "top(mon, 3)".into(),
            column: 5,
            message: "unknown name `mon`".into(),
        };
        assert_eq!(
            e.to_string(),
            "strategy.weights: unknown name `mon` at column 5: \"top(^mon, 3)\""
        );
        let end = FormulaError { column: 12, ..e };
        assert_eq!(end.marked(), "top(mon, 3)^");
        assert_eq!(did_you_mean("clsoe", ["close", "open"]), Some("close"));
        assert_eq!(
            did_you_mean("ts_meen", ["ts_mean", "ts_max"]),
            Some("ts_mean")
        );
        assert_eq!(did_you_mean("xyz", ["close", "open"]), None);
        assert_eq!(did_you_mean("mon", ["mom", "min"]), Some("mom"));
        assert_eq!(did_you_mean("mon", ["min", "mom"]), Some("min"));
    }
}
