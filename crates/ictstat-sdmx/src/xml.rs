//! Escaping for the hand-written SDMX-ML.
//!
//! The writers emit SDMX-ML as text rather than through an XML library: the element order is
//! fixed by the XSDs, the vocabulary is small, and writing straight into a buffered stream is
//! what lets a full dump run at disk speed. These two functions are the only place that
//! decides what needs escaping.

use std::borrow::Cow;

/// Escapes text for an attribute value in double quotes.
pub fn attr(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// Escapes element text.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

fn escape(s: &str, in_attribute: bool) -> Cow<'_, str> {
    let needs = |c: char| {
        matches!(c, '&' | '<' | '>')
            || (in_attribute && matches!(c, '"' | '\n' | '\r' | '\t'))
            || forbidden(c)
    };
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' if in_attribute => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c if forbidden(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters XML 1.0 cannot carry at all, not even escaped: a footnote holding one
/// is written with U+FFFD in its place rather than as an ill-formed message.
fn forbidden(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(attr(r#"a<b & "c""#), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(text(r#"a<b & "c""#), r#"a&lt;b &amp; "c""#);
        assert_eq!(attr("line\nbreak"), "line&#10;break");
        assert!(matches!(attr("plain"), Cow::Borrowed(_)));
        assert_eq!(text("bell\u{7}tab\t"), "bell\u{FFFD}tab\t");
    }
}
