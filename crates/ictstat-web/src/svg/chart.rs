//! The line chart of an indicator over time: one line per area, uncertainty bands, estimated
//! values marked hollow, target lines, nice axes and a legend.
//!
//! The chart is 640 units wide and as tall as its legend needs; pages scale it with CSS (an SVG
//! without `width`/`height` fills its container). Element order is back to front: grid and
//! axes, targets, then per series the band, the line and the marks, so marks stay on top.

use std::fmt::Write;

use super::number::{coord, value};
use super::scale::{nice_ticks, step_decimals, year_ticks};
use super::{FONT, escape, palette};
use crate::i18n::Lang;

/// One observation of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    pub year: i32,
    pub value: f64,
    /// Lower and upper bounds of an uncertainty interval, when published.
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Modelled or imputed rather than observed: drawn as a hollow mark.
    pub estimated: bool,
    /// It replaced a value a release had published: not drawn differently (the line shows the
    /// current value), marked in the chart's table.
    pub revised: bool,
}

/// The observations of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    /// The area code, written to `data-series`.
    pub key: String,
    pub label: String,
    /// Sorted by year.
    pub points: Vec<ChartPoint>,
    /// An aggregate (a region, the world): its line is dashed, to set it apart from countries.
    pub group: bool,
}

/// A horizontal reference line, such as a Connect 2030 target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    pub label: String,
    pub value: f64,
}

/// What [`line_chart`] draws.
#[derive(Debug, Clone, Copy)]
pub struct LineChart<'a> {
    /// A prefix for element ids, unique in the page (`{id}-title`).
    pub id: &'a str,
    pub title: &'a str,
    /// The unit, written above the value axis (`%`, `per 100 inhabitants`); may be empty.
    pub unit: &'a str,
    pub series: &'a [ChartSeries],
    pub targets: &'a [TargetLine],
    /// The message drawn instead of the chart when no series has a point.
    pub no_data: &'a str,
    /// The word for estimated values, in tooltips and the legend.
    pub estimated: &'a str,
    /// The language numbers are written in (decimal and grouping separators).
    pub lang: Lang,
}

const WIDTH: f64 = 640.0;
const PLOT_HEIGHT: f64 = 260.0;
const TOP: f64 = 26.0;
const RIGHT: f64 = 16.0;
/// Space between the plot's edge and the first and last years, so end marks are not cut.
const INSET: f64 = 10.0;
/// Vertical distance between two target labels' baselines (font-size 12 plus leading).
const LABEL_GAP: f64 = 14.0;

/// Average advance of a character at font-size 12, for laying out labels without a font.
const CHAR: f64 = 7.0;
const LEGEND_ROW: f64 = 20.0;
const MARK_RADIUS: &str = "3.5";

/// Draws a line chart. Points whose value is not finite are left out (bounds that are not
/// finite count as missing); when no point is left, the chart is the `no_data` message alone.
pub fn line_chart(c: &LineChart<'_>) -> String {
    let series: Vec<Vec<&ChartPoint>> = c
        .series
        .iter()
        .map(|s| s.points.iter().filter(|p| p.value.is_finite()).collect())
        .collect();
    let Some(frame) = Frame::new(&series, c.targets, c.lang) else {
        return no_data(c);
    };
    let legend = Legend::new(c, &series);
    let height = TOP + PLOT_HEIGHT + 36.0 + legend.height;

    let mut out = String::with_capacity(8192);
    open(&mut out, c.id, c.title, height);
    frame.axes(&mut out, c.unit);
    for (i, (s, points)) in c.series.iter().zip(&series).enumerate() {
        draw_series(&mut out, &frame, s, points, palette::series(i), c.estimated);
    }
    // Targets on top, so that their labels stay readable over the lines (a white halo behind
    // the text); labels of targets close together are pushed apart, top to bottom.
    let mut targets: Vec<&TargetLine> = c.targets.iter().filter(|t| t.value.is_finite()).collect();
    targets.sort_by(|a, b| b.value.total_cmp(&a.value));
    let mut last_label = f64::NEG_INFINITY;
    for t in targets {
        let y = frame.y(t.value);
        let label_y = (y - 5.0).max(last_label + LABEL_GAP);
        last_label = label_y;
        let _ = write!(
            out,
            r##"<g class="target"><title>{label}: {value}</title><line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#555" stroke-width="1.5" stroke-dasharray="5 4"/><text x="{x2}" y="{ty}" text-anchor="end" fill="#444" stroke="#fff" stroke-width="3" paint-order="stroke">{label}</text></g>"##,
            label = escape(&t.label),
            value = value(t.value, c.lang),
            x1 = coord(frame.left),
            x2 = coord(WIDTH - RIGHT),
            y = coord(y),
            ty = coord(label_y),
        );
    }
    legend.draw(&mut out, TOP + PLOT_HEIGHT + 36.0);
    out.push_str("</svg>");
    out
}

/// The root element and its `<title>`, in the attribute order of the contract.
fn open(out: &mut String, id: &str, title: &str, height: f64) {
    let id = escape(id);
    let _ = write!(
        out,
        r#"<svg class="chart" role="img" aria-labelledby="{id}-title" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="12"><title id="{id}-title">{title}</title>"#,
        w = coord(WIDTH),
        h = coord(height),
        title = escape(title),
    );
}

fn no_data(c: &LineChart<'_>) -> String {
    let height = 160.0;
    let mut out = String::new();
    open(&mut out, c.id, c.title, height);
    let _ = write!(
        out,
        r#"<text class="no-data" x="{x}" y="{y}" text-anchor="middle" dominant-baseline="middle" fill="{ink}" font-size="14">{msg}</text></svg>"#,
        x = coord(WIDTH / 2.0),
        y = coord(height / 2.0),
        ink = palette::INK,
        msg = escape(c.no_data),
    );
    out
}

/// The plot area and its two scales.
struct Frame {
    left: f64,
    years: (i32, i32),
    /// Value-axis ticks; the first and last are the ends of the axis.
    ticks: Vec<f64>,
    decimals: usize,
    lang: Lang,
}

impl Frame {
    /// Scales fitted to every value, bound and target; `None` when there is no point at all.
    /// The value axis starts at 0 unless some value is negative (and then still includes 0).
    fn new(series: &[Vec<&ChartPoint>], targets: &[TargetLine], lang: Lang) -> Option<Frame> {
        let points = series.iter().flatten();
        let first = points.clone().map(|p| p.year).min()?;
        let last = points.clone().map(|p| p.year).max()?;
        let values = points
            .flat_map(|p| [Some(p.value), p.lower, p.upper])
            .flatten()
            .chain(targets.iter().map(|t| t.value))
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let ticks = nice_ticks(lo, hi, 5);
        let decimals = step_decimals(ticks[1] - ticks[0]);
        let widest = ticks
            .iter()
            .map(|&t| lang.number(t, decimals).chars().count())
            .max()
            .unwrap_or(1);
        Some(Frame {
            left: (widest as f64 * CHAR + 14.0).max(32.0),
            years: (first, last),
            ticks,
            decimals,
            lang,
        })
    }

    fn x(&self, year: i32) -> f64 {
        let (x0, x1) = (self.left + INSET, WIDTH - RIGHT - INSET);
        let (first, last) = self.years;
        if first == last {
            (x0 + x1) / 2.0
        } else {
            x0 + f64::from(year - first) / f64::from(last - first) * (x1 - x0)
        }
    }

    fn y(&self, v: f64) -> f64 {
        let (d0, d1) = (self.ticks[0], self.ticks[self.ticks.len() - 1]);
        TOP + PLOT_HEIGHT * (1.0 - (v - d0) / (d1 - d0))
    }

    /// Gridlines with value labels, the year axis with its labels, and the unit.
    fn axes(&self, out: &mut String, unit: &str) {
        let (x1, x2) = (coord(self.left), coord(WIDTH - RIGHT));
        let _ = write!(
            out,
            r#"<g class="axis y" fill="{}" text-anchor="end">"#,
            palette::INK
        );
        for &t in &self.ticks {
            let y = coord(self.y(t));
            let _ = write!(
                out,
                r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{grid}"/><text x="{lx}" y="{y}" dy="0.32em">{label}</text>"#,
                grid = palette::GRID,
                lx = coord(self.left - 6.0),
                label = self.lang.number(t, self.decimals),
            );
        }
        out.push_str("</g>");
        let base = coord(TOP + PLOT_HEIGHT);
        let _ = write!(
            out,
            r#"<g class="axis x" fill="{ink}" text-anchor="middle"><line x1="{x1}" y1="{base}" x2="{x2}" y2="{base}" stroke="{ink}"/>"#,
            ink = palette::INK,
        );
        for year in year_ticks(self.years.0, self.years.1, 6) {
            let x = coord(self.x(year));
            let _ = write!(
                out,
                r#"<line x1="{x}" y1="{base}" x2="{x}" y2="{tick}" stroke="{ink}"/><text x="{x}" y="{ly}">{year}</text>"#,
                tick = coord(TOP + PLOT_HEIGHT + 4.0),
                ink = palette::INK,
                ly = coord(TOP + PLOT_HEIGHT + 18.0),
            );
        }
        out.push_str("</g>");
        if !unit.is_empty() {
            let _ = write!(
                out,
                r#"<text class="unit" x="{x}" y="{y}" fill="{ink}">{unit}</text>"#,
                x = coord(self.left),
                y = coord(TOP - 12.0),
                ink = palette::INK,
                unit = escape(unit),
            );
        }
    }
}

fn draw_series(
    out: &mut String,
    frame: &Frame,
    s: &ChartSeries,
    points: &[&ChartPoint],
    colour: &str,
    estimated_word: &str,
) {
    let _ = write!(
        out,
        r#"<g class="series" data-series="{}">"#,
        escape(&s.key)
    );
    let band = band_path(frame, points);
    if !band.is_empty() {
        let _ = write!(
            out,
            r#"<path class="band" d="{band}" fill="{colour}" fill-opacity="0.18" stroke="none"/>"#
        );
    }
    if !points.is_empty() {
        let mut d = String::new();
        for (i, p) in points.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            let _ = write!(d, "{},{}", coord(frame.x(p.year)), coord(frame.y(p.value)));
        }
        let (class, dash) = if s.group {
            ("line group", r#" stroke-dasharray="7 4""#)
        } else {
            ("line", "")
        };
        let _ = write!(
            out,
            r#"<path class="{class}" d="{d}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{dash}/>"#
        );
    }
    let label = escape(&s.label);
    for p in points {
        let (class, paint) = if p.estimated {
            (
                "mark estimated",
                format!(r##"fill="#fff" stroke="{colour}" stroke-width="1.5""##),
            )
        } else {
            (
                "mark",
                format!(r##"fill="{colour}" stroke="#fff" stroke-width="1""##),
            )
        };
        let lang = frame.lang;
        let mut tip = format!("{label}, {}: {}", p.year, value(p.value, lang));
        if let (Some(lo), Some(hi)) = bounds(p) {
            let _ = write!(tip, " [{}–{}]", value(lo, lang), value(hi, lang));
        }
        if p.estimated {
            let _ = write!(tip, " ({})", escape(estimated_word));
        }
        let _ = write!(
            out,
            r#"<circle class="{class}" cx="{x}" cy="{y}" r="{MARK_RADIUS}" {paint}><title>{tip}</title></circle>"#,
            x = coord(frame.x(p.year)),
            y = coord(frame.y(p.value)),
        );
    }
    out.push_str("</g>");
}

/// The finite bounds of a point, each `None` when missing.
fn bounds(p: &ChartPoint) -> (Option<f64>, Option<f64>) {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    (finite(p.lower), finite(p.upper))
}

/// The uncertainty band: one closed shape per run of consecutive points that have both bounds
/// (upper edge forwards, lower edge back), so the band has gaps where bounds are missing. A run
/// of one point becomes a narrow bar, still visible. Empty when no point has both bounds.
fn band_path(frame: &Frame, points: &[&ChartPoint]) -> String {
    let mut d = String::new();
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64, f64)>, d: &mut String| {
        match run.as_slice() {
            [] => {}
            [(x, lo, hi)] => {
                let (xa, xb) = (coord(x - 3.0), coord(x + 3.0));
                let (lo, hi) = (coord(frame.y(*lo)), coord(frame.y(*hi)));
                let _ = write!(d, "M{xa},{hi}L{xb},{hi}L{xb},{lo}L{xa},{lo}Z");
            }
            run => {
                for (i, (x, _, hi)) in run.iter().enumerate() {
                    d.push(if i == 0 { 'M' } else { 'L' });
                    let _ = write!(d, "{},{}", coord(*x), coord(frame.y(*hi)));
                }
                for (x, lo, _) in run.iter().rev() {
                    let _ = write!(d, "L{},{}", coord(*x), coord(frame.y(*lo)));
                }
                d.push('Z');
            }
        }
        run.clear();
    };
    for p in points {
        match bounds(p) {
            (Some(lo), Some(hi)) => run.push((frame.x(p.year), lo, hi)),
            _ => flush(&mut run, &mut d),
        }
    }
    flush(&mut run, &mut d);
    d
}

/// Legend entries laid out in rows under the year axis, wrapping at the chart's width.
struct Legend {
    /// (x, row, swatch, text)
    entries: Vec<(f64, usize, Swatch, String)>,
    height: f64,
}

enum Swatch {
    Line { colour: &'static str, dashed: bool },
    Estimated,
}

impl Legend {
    fn new(c: &LineChart<'_>, series: &[Vec<&ChartPoint>]) -> Legend {
        let mut items: Vec<(Swatch, &str)> = c
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let swatch = Swatch::Line {
                    colour: palette::series(i),
                    dashed: s.group,
                };
                (swatch, s.label.as_str())
            })
            .collect();
        if series.iter().flatten().any(|p| p.estimated) {
            items.push((Swatch::Estimated, c.estimated));
        }
        let (start, end) = (8.0, WIDTH - RIGHT);
        let (mut x, mut row) = (start, 0);
        let mut entries = Vec::with_capacity(items.len());
        for (swatch, text) in items {
            let width = 30.0 + text.chars().count() as f64 * CHAR + 16.0;
            if x > start && x + width > end {
                x = start;
                row += 1;
            }
            entries.push((x, row, swatch, text.to_owned()));
            x += width;
        }
        let rows = entries.last().map_or(0, |e| e.1 + 1);
        Legend {
            entries,
            height: rows as f64 * LEGEND_ROW,
        }
    }

    fn draw(&self, out: &mut String, top: f64) {
        let _ = write!(out, r#"<g class="legend" fill="{}">"#, palette::INK);
        for (x, row, swatch, text) in &self.entries {
            let y = top + *row as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
            let (cy, sx) = (coord(y), coord(x + 30.0));
            out.push_str(r#"<g class="entry">"#);
            match swatch {
                Swatch::Line { colour, dashed } => {
                    let dash = if *dashed {
                        r#" stroke-dasharray="7 4""#
                    } else {
                        ""
                    };
                    let _ = write!(
                        out,
                        r#"<line x1="{x1}" y1="{cy}" x2="{x2}" y2="{cy}" stroke="{colour}" stroke-width="3"{dash}/>"#,
                        x1 = coord(*x),
                        x2 = coord(x + 24.0),
                    );
                }
                Swatch::Estimated => {
                    let _ = write!(
                        out,
                        r##"<circle cx="{cx}" cy="{cy}" r="{MARK_RADIUS}" fill="#fff" stroke="{ink}" stroke-width="1.5"/>"##,
                        cx = coord(x + 12.0),
                        ink = palette::INK,
                    );
                }
            }
            let _ = write!(
                out,
                r#"<text x="{sx}" y="{cy}" dy="0.32em">{}</text></g>"#,
                escape(text)
            );
        }
        out.push_str("</g>");
    }
}
