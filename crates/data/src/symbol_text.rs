//! Symbols as text: which characters a symbol may hold, and how a symbol is shown in messages.
//!
//! Invariant: a symbol that reaches a [`crate::Market`] holds no control, format (zero-width,
//! bidi, byte order mark...) or non-space whitespace character, so two symbols that print the
//! same are the same symbol. Such a symbol is bad input; every message shows a symbol through
//! [`shown`], which escapes those characters as `\u{..}`, so the user sees what is there.

// DataError carries the path by value, as across the crate.
#![allow(clippy::result_large_err)]

use std::borrow::Cow;
use std::path::Path;

use crate::DataError;

/// True for characters that print as nothing or move the text around: controls, whitespace
/// other than the plain space, and the Unicode format and filler characters.
pub fn is_invisible(c: char) -> bool {
    (c.is_control() || c.is_whitespace()) && c != ' '
        || matches!(
            c,
            '\u{AD}'
                | '\u{34F}'
                | '\u{61C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// True when `symbol` starts or ends with a space (which prints as nothing at its ends).
pub fn padded(symbol: &str) -> bool {
    symbol.starts_with(' ') || symbol.ends_with(' ')
}

/// `symbol` as a message shows it: unchanged when every character is visible and it has no
/// space at either end, otherwise in double quotes with each invisible character written
/// `\u{XXXX}` (and `"`, `\` escaped).
pub fn shown(symbol: &str) -> Cow<'_, str> {
    if !symbol.chars().any(is_invisible) && !padded(symbol) {
        return Cow::Borrowed(symbol);
    }
    let mut s = String::with_capacity(symbol.len() + 8);
    s.push('"');
    for c in symbol.chars() {
        match c {
            '"' | '\\' => {
                s.push('\\');
                s.push(c);
            }
            c if is_invisible(c) => s.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    Cow::Owned(s)
}

/// Refuses a symbol with an invisible character (see [`is_invisible`]) or a space at either
/// end; `place` says where it was found (", row 3 of column `symbol`", " (from the file name)").
pub fn check(path: &Path, symbol: &str, place: &str) -> Result<(), DataError> {
    match symbol.chars().find(|&c| is_invisible(c)) {
        None if padded(symbol) => Err(DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "symbol {}{place} starts or ends with a space; symbols must be trimmed (fix \
                 the data)",
                shown(symbol)
            ),
        }),
        None => Ok(()),
        Some(c) => Err(DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "symbol {}{place} contains the invisible character U+{:04X}; symbols must be \
                 visible text (remove it from the data)",
                shown(symbol),
                c as u32
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_symbols_are_shown_as_they_are() {
        for s in ["SPY", "BRK.B", "BRK B", "ÄÖ", "^GSPC"] {
            assert_eq!(shown(s), s);
            assert!(check(Path::new("f"), s, "").is_ok());
        }
    }

    /// "AAA " printed as AAA, so two symbols looked like one (and half a history was left
    /// out unseen): a space at either end is shown quoted and refused.
    #[test]
    fn spaces_at_the_ends_are_shown_and_refused() {
        assert_eq!(shown("AAA "), "\"AAA \"");
        assert_eq!(shown(" AAA"), "\" AAA\"");
        let m = check(Path::new("b.parquet"), "AAA ", " at row 2")
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("\"AAA \" at row 2 starts or ends with a space"),
            "{m}"
        );
    }

    #[test]
    fn invisible_characters_are_escaped_and_refused() {
        assert_eq!(shown("SPY\u{200B}"), "\"SPY\\u{200B}\"");
        assert_eq!(shown("A\tB"), "\"A\\u{0009}B\"");
        assert_eq!(shown("\u{FEFF}X\u{202E}"), "\"\\u{FEFF}X\\u{202E}\"");
        assert_eq!(shown("A\u{A0}\""), "\"A\\u{00A0}\\\"\"");
        let m = check(Path::new("bars.parquet"), "SPY\u{200B}", " at row 2")
            .unwrap_err()
            .to_string();
        assert_eq!(
            m,
            "bars.parquet: symbol \"SPY\\u{200B}\" at row 2 contains the invisible character \
             U+200B; symbols must be visible text (remove it from the data)"
        );
    }
}
