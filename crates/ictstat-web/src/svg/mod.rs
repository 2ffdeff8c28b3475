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

/// Escapes text for SVG content and double-quoted attribute values: the same rules as the
/// SDMX-ML writers (`&`, `<`, `>`, `"`, and U+FFFD for the control characters XML 1.0 cannot
/// carry at all, which would make the SVG unreadable to an XML parser), so that one function
/// decides what XML text ictstat writes.
pub fn escape(s: &str) -> Cow<'_, str> {
    ictstat_sdmx::xml::attr(s)
}

/// The font of every picture: the reader's system font, as the pages use.
const FONT: &str = "system-ui, -apple-system, &#39;Segoe UI&#39;, Roboto, sans-serif";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_replaces_control_characters() {
        assert_eq!(escape("plain"), "plain");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape(r#"<a href="x">&</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "a\u{fffd}b");
    }
}
