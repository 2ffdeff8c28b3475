//! Charts, maps and sparklines, drawn on the server as SVG text.
//!
//! No JavaScript chart library: a page arrives with its pictures already in it, so it shows at
//! once on a slow connection, prints, works with scripts off, and can be embedded elsewhere
//! as it is. Each picture is `role="img"` with a `<title>` (screen readers announce it), every
//! mark and country carries its own `<title>` (the browser shows it as a tooltip), and the
//! classes and `data-*` attributes (`.series[data-series]`, `.mark.estimated`,
//! `.country.has-data[data-area][data-value]`) are a stable contract for the page's CSS, for
//! progressive enhancement and for the browser tests.
//!
//! Styling is in presentation attributes, not a `<style>` element: CSS inside an inline SVG
//! applies to the whole HTML document, and presentation attributes lose to any page rule, so
//! the page can restyle everything while a lone SVG file still looks right.
//!
//! Every function here is pure (data in, `String` out); the world map's geometry is parsed and
//! projected once, on first use. All text is escaped with [`escape`].

mod antimeridian;
mod chart;
mod geometry;
mod map;
mod number;
mod palette;
mod path;
pub mod projection;
pub mod scale;
mod spark;
mod topojson;

use std::borrow::Cow;

pub use chart::{ChartPoint, ChartSeries, LineChart, TargetLine, line_chart};
pub use map::{MapDatum, MapRender, WorldMap};
pub use spark::sparkline;

/// Escapes text for XML content and attribute values (`&`, `<`, `>`, `"`, `'`), and drops the
/// control characters that XML 1.0 does not allow at all (they would make the SVG unreadable
/// to an XML parser, not just look odd).
pub fn escape(s: &str) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_forbidden(c);
    if !s.contains(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters that may not appear in an XML 1.0 document, even escaped.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The font of every picture: the reader's system font, as the pages use.
const FONT: &str = "system-ui, -apple-system, &#39;Segoe UI&#39;, Roboto, sans-serif";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(escape("plain"), "plain");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b\tc"), "ab\tc");
    }
}
