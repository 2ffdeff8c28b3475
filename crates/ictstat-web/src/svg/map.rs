//! The world choropleth: countries coloured by value on an Equal Earth map.
//!
//! Outlines are Natural Earth's, from the vendored world-atlas 2.0.2 files (see
//! `assets/vendor/README.md`): countries-110m for the shapes, countries-50m for the small
//! states that 110m leaves out. Everything about the geometry is computed once, on first use
//! ([`WorldMap::get`]): parsing, projection, the choice of shape or point, and each country's
//! path data as a finished string. [`WorldMap::render`] then only picks colours and
//! concatenates strings.
//!
//! Rings that cross the antimeridian (Russia, Fiji) are cut there (`antimeridian`).
//!
//! What is drawn:
//! - every country of countries-110m with an id, as a `<path class="country">`, except
//!   Antarctica (010: it takes a fifth of an Equal Earth map and has no statistics);
//! - as a `<circle class="country point">` at its centroid (the area-weighted centroid of its
//!   largest polygon in the 50m outlines), radius [`POINT_RADIUS`], instead of a shape: every
//!   country of countries-50m that 110m lacks (Singapore, Malta, Nauru, most small island
//!   states) and every 110m country whose outline fits in less than [`TINY`]×[`TINY`] units
//!   of area; a few-pixel shape cannot be seen, let alone hovered;
//! - points for [`MISSING`], the territories with statistics of their own that neither file
//!   has (Tuvalu above all);
//! - the land of the 110m features without an id (N. Cyprus, Somaliland, Kosovo: no M49 code)
//!   as one `<path class="land">`, neither a country nor clickable, so the map has no holes
//!   and no value is attributed to them (joining them to a neighbour is a political choice a
//!   drawing routine should not make).

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::OnceLock;

use super::geometry::{BBox, Xy, XyPolygon, area, centroid};
use super::number::{coord, exact};
use super::projection::EqualEarth;
use super::scale::{class_breaks, class_of, step_decimals};
use super::topojson::{self, Feature};
use super::{FONT, antimeridian, escape, palette, path};
use crate::i18n::Lang;

const COUNTRIES_110M: &str = include_str!("../../assets/vendor/world-atlas/countries-110m.json");
const COUNTRIES_50M: &str = include_str!("../../assets/vendor/world-atlas/countries-50m.json");

/// Antarctica's code: not drawn.
const ANTARCTICA: &str = "010";
/// A 110m outline whose projected bounding box has less area than a square of this side (in
/// map units, the map being about 960 wide) is drawn as a point instead: in 110m that is
/// Luxembourg, Palestine, Cyprus and Puerto Rico (Trinidad and Tobago, at 3.0×3.2, just stays
/// a shape). The box is measured, not the outline's area, so a chain of islands spread over
/// a larger box (Vanuatu) stays a shape: it can be seen and hovered as one.
pub(crate) const TINY: f64 = 3.0;
/// The radius of a country drawn as a point: visible and hoverable at the map's usual size.
pub(crate) const POINT_RADIUS: f64 = 3.0;
/// Blank space around the map, in map units.
const PAD: f64 = 4.0;

/// Territories with their own M49 code and their own statistics that neither world-atlas file
/// outlines, drawn as points at the given longitude and latitude (the main island or town):
/// (code, English name, lon, lat).
///
/// Not here, and so not drawable, are the M49 areas that Natural Earth draws inside another
/// country's outline and whose statistics are usually part of that country's: French Guiana,
/// Guadeloupe, Martinique, Mayotte and Réunion (France), Bonaire, Sint Eustatius and Saba
/// (Netherlands), Svalbard and Jan Mayen (Norway), Christmas and Cocos Islands (an unnamed
/// feature of 50m), and the uninhabited Bouvet Island and US Minor Outlying Islands.
pub(crate) const MISSING: [(&str, &str, f64, f64); 3] = [
    ("798", "Tuvalu", 179.19, -8.52),   // Funafuti
    ("772", "Tokelau", -171.85, -9.17), // Nukunonu
    ("292", "Gibraltar", -5.35, 36.14),
];

/// One value of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapDatum {
    pub value: f64,
    /// Modelled or imputed rather than observed: outlined dashed.
    pub estimated: bool,
    /// The full tooltip text, e.g. "Kenya: 35.0 (2023)".
    pub label: String,
}

/// What [`WorldMap::render`] draws.
#[derive(Clone, Copy)]
pub struct MapRender<'a> {
    /// A prefix for element ids, unique in the page (`{id}-title`).
    pub id: &'a str,
    pub title: &'a str,
    /// The unit, written as the legend's heading; may be empty.
    pub unit: &'a str,
    /// Values by M49 code ("404"). Codes the map does not draw (groups, Antarctica) are
    /// ignored, also for the colour scale.
    pub values: &'a HashMap<String, MapDatum>,
    /// The display name of a country without data, for its tooltip; when `None`, the English
    /// name from Natural Earth is used.
    pub name: &'a dyn Fn(&str) -> Option<String>,
    /// The words for "no data" (tooltips and legend) and for estimated values (legend).
    pub no_data: &'a str,
    pub estimated: &'a str,
    /// The range the colour classes span, so that a colour means the same value in every
    /// year of a series (pass the range over all its years); widened to any value outside it.
    /// `None`: the range of `values`.
    pub domain: Option<(f64, f64)>,
    /// The language the legend's numbers are written in.
    pub lang: Lang,
}

/// The projected world, ready to be coloured.
#[derive(Debug)]
pub struct WorldMap {
    width: f64,
    /// Height of the map itself; the legend goes below.
    height: f64,
    /// Shapes first, then points, so points are drawn on top.
    countries: Vec<Country>,
    /// Path data of the land that belongs to no code (may be empty).
    land: String,
}

#[derive(Debug)]
struct Country {
    code: String,
    /// English name from Natural Earth, for the no-data tooltip when the page has none.
    name: String,
    shape: Shape,
}

#[derive(Debug)]
enum Shape {
    /// Path data.
    Path(String),
    /// Centre, already formatted.
    Point(String, String),
}

impl WorldMap {
    /// The map, parsed and projected on the first call (about 8 ms in a release build, 45 ms in
    /// a debug one) and shared afterwards. Panics only if the vendored files are broken, which
    /// the tests would show.
    pub fn get() -> &'static WorldMap {
        static MAP: OnceLock<WorldMap> = OnceLock::new();
        MAP.get_or_init(|| {
            let coarse = topojson::features(COUNTRIES_110M, "countries")
                .expect("the vendored countries-110m.json is valid TopoJSON");
            let fine = topojson::features(COUNTRIES_50M, "countries")
                .expect("the vendored countries-50m.json is valid TopoJSON");
            WorldMap::build(&coarse, &fine, EqualEarth::D3)
        })
    }

    /// The M49 codes the map draws, shapes then points, each once.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.countries.iter().map(|c| c.code.as_str())
    }

    /// Lays out the map: see the module documentation for what becomes a shape or a point.
    fn build(coarse: &[Feature], fine: &[Feature], projection: EqualEarth) -> WorldMap {
        let project = |f: &Feature| -> Vec<XyPolygon> {
            f.polygons
                .iter()
                .flat_map(antimeridian::cut)
                .map(|polygon| {
                    polygon
                        .iter()
                        .map(|ring| {
                            ring.iter()
                                .map(|&[lon, lat]| projection.project(lon, lat))
                                .collect()
                        })
                        .collect()
                })
                .collect()
        };
        let mut bbox = BBox::EMPTY;
        let mut shapes: Vec<(String, String, Vec<XyPolygon>)> = Vec::new();
        let mut land: Vec<XyPolygon> = Vec::new();
        // Tiny 110m countries, with their own outlines in case 50m lacks them.
        let mut as_point: HashMap<&str, (&str, Vec<XyPolygon>)> = HashMap::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for f in coarse {
            let polygons = project(f);
            let b = BBox::of(polygons.iter().flatten().flatten());
            match f.id.as_deref() {
                Some(ANTARCTICA) => continue,
                Some(code) => {
                    seen.insert(code);
                    if b.width() * b.height() < TINY * TINY {
                        as_point.insert(code, (&f.name, polygons));
                        continue;
                    }
                    shapes.push((code.to_owned(), f.name.clone(), polygons));
                }
                None => land.extend(polygons),
            }
            bbox.union(&b);
        }

        // Points: the largest 50m polygon of each code that needs one (codes may span
        // several features: 50m has Australia and Ashmore and Cartier Islands both as 036).
        let mut largest: HashMap<&str, (f64, XyPolygon, &str)> = HashMap::new();
        for f in fine {
            let Some(code) = f.id.as_deref() else {
                continue;
            };
            if code == ANTARCTICA || (seen.contains(code) && !as_point.contains_key(code)) {
                continue;
            }
            for polygon in project(f) {
                let a = area(&polygon);
                if largest.get(code).is_none_or(|(best, _, _)| a > *best) {
                    largest.insert(code, (a, polygon, f.name.as_str()));
                }
            }
        }
        for (code, (name, polygons)) in as_point {
            if !largest.contains_key(code) {
                for polygon in polygons {
                    let a = area(&polygon);
                    if largest.get(code).is_none_or(|(best, _, _)| a > *best) {
                        largest.insert(code, (a, polygon, name));
                    }
                }
            }
        }
        let mut points: Vec<(String, String, Xy)> = largest
            .into_iter()
            .map(|(code, (_, polygon, name))| {
                (code.to_owned(), name.to_owned(), centroid(&polygon))
            })
            .collect();
        for (code, name, lon, lat) in MISSING {
            if !points.iter().any(|p| p.0 == code) && !seen.contains(code) {
                points.push((
                    code.to_owned(),
                    name.to_owned(),
                    projection.project(lon, lat),
                ));
            }
        }
        // West to east, then north to south: a stable order, the reading order of the map.
        points.sort_by(|a, b| a.2.0.total_cmp(&b.2.0).then(a.2.1.total_cmp(&b.2.1)));
        for (_, _, (x, y)) in &points {
            bbox.add((x - POINT_RADIUS, y - POINT_RADIUS));
            bbox.add((x + POINT_RADIUS, y + POINT_RADIUS));
        }

        let offset = (PAD - bbox.min.0, PAD - bbox.min.1);
        let mut countries: Vec<Country> = shapes
            .into_iter()
            .map(|(code, name, polygons)| {
                let mut d = String::new();
                path::push_polygons(&mut d, &polygons, offset);
                Country {
                    code,
                    name,
                    shape: Shape::Path(d),
                }
            })
            .collect();
        countries.extend(points.into_iter().map(|(code, name, (x, y))| Country {
            code,
            name,
            shape: Shape::Point(coord(x + offset.0), coord(y + offset.1)),
        }));
        let mut land_d = String::new();
        path::push_polygons(&mut land_d, &land, offset);
        WorldMap {
            width: bbox.width() + 2.0 * PAD,
            height: bbox.height() + 2.0 * PAD,
            countries,
            land: land_d,
        }
    }

    /// Draws the map with `m`'s values. Values that are not finite count as no data.
    pub fn render(&self, m: &MapRender<'_>) -> String {
        let datum = |code: &str| m.values.get(code).filter(|d| d.value.is_finite());
        let (lo, hi) = self
            .codes()
            .filter_map(datum)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| {
                (lo.min(d.value), hi.max(d.value))
            });
        let (lo, hi) = match m.domain {
            Some((a, b)) if a.is_finite() && b.is_finite() => (lo.min(a), hi.max(b)),
            _ => (lo, hi),
        };
        let edges = class_breaks(lo, hi);
        let colours = palette::sequential(edges.len().saturating_sub(1));
        let any_estimated = self.codes().filter_map(datum).any(|d| d.estimated);
        let legend = Legend::new(m, &edges, &colours, any_estimated, self.width);

        let mut out = String::with_capacity(128 * 1024);
        let id = escape(m.id);
        let _ = write!(
            out,
            r##"<svg class="map" role="img" aria-labelledby="{id}-title" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="14"><title id="{id}-title">{title}</title><g class="countries" stroke="#fff" stroke-width="0.5" stroke-linejoin="round">"##,
            w = coord(self.width),
            h = coord(self.height + legend.height),
            title = escape(m.title),
        );
        if !self.land.is_empty() {
            let _ = write!(
                out,
                r#"<path class="land" fill="{}" d="{}"/>"#,
                palette::LAND,
                self.land
            );
        }
        for c in &self.countries {
            let (element, class) = match c.shape {
                Shape::Path(_) => ("path", "country"),
                Shape::Point(..) => ("circle", "country point"),
            };
            let _ = write!(out, r#"<{element} class="{class}"#);
            let title = match datum(&c.code) {
                Some(d) => {
                    let colour =
                        class_of(&edges, d.value).map_or(palette::NO_DATA, |i| &colours[i]);
                    out.push_str(" has-data");
                    if d.estimated {
                        out.push_str(" estimated");
                    }
                    let _ = write!(
                        out,
                        r#"" data-area="{code}" data-value="{value}" fill="{colour}""#,
                        code = escape(&c.code),
                        value = exact(d.value),
                    );
                    if d.estimated {
                        let _ = write!(
                            out,
                            r#" stroke="{}" stroke-width="0.9" stroke-dasharray="2 1.2""#,
                            palette::INK
                        );
                    }
                    escape(&d.label).into_owned()
                }
                None => {
                    let _ = write!(
                        out,
                        r#"" data-area="{code}" fill="{fill}""#,
                        code = escape(&c.code),
                        fill = palette::NO_DATA,
                    );
                    let name = (m.name)(&c.code).unwrap_or_else(|| c.name.clone());
                    format!("{}: {}", escape(&name), escape(m.no_data))
                }
            };
            match &c.shape {
                Shape::Path(d) => {
                    let _ = write!(out, r#" d="{d}"><title>{title}</title></path>"#);
                }
                Shape::Point(x, y) => {
                    let _ = write!(
                        out,
                        r#" cx="{x}" cy="{y}" r="{r}"><title>{title}</title></circle>"#,
                        r = coord(POINT_RADIUS),
                    );
                }
            }
        }
        out.push_str("</g>");
        legend.draw(&mut out, self.height);
        out.push_str("</svg>");
        out
    }
}

/// The colour scale's key under the map: a heading with the unit, then one swatch per class
/// with its range, a "no data" swatch and, when some value is estimated, the estimated outline.
struct Legend {
    heading: String,
    /// (x, row, fill, dashed outline, text)
    entries: Vec<(f64, usize, String, bool, String)>,
    height: f64,
}

const SWATCH: f64 = 18.0;
const ROW: f64 = 24.0;
/// Average advance of a character at font-size 14.
const CHAR: f64 = 8.0;

impl Legend {
    fn new(
        m: &MapRender<'_>,
        edges: &[f64],
        colours: &[String],
        estimated: bool,
        width: f64,
    ) -> Legend {
        let decimals = match edges {
            [a, b, ..] if b > a => step_decimals(b - a),
            _ => 1,
        };
        let mut items: Vec<(String, bool, String)> = colours
            .iter()
            .enumerate()
            .map(|(i, colour)| {
                let (lo, hi) = (
                    m.lang.number(edges[i], decimals),
                    m.lang.number(edges[i + 1], decimals),
                );
                let text = if lo == hi { lo } else { format!("{lo}–{hi}") };
                (colour.clone(), false, text)
            })
            .collect();
        items.push((palette::NO_DATA.to_owned(), false, m.no_data.to_owned()));
        if estimated {
            items.push(("#fff".to_owned(), true, m.estimated.to_owned()));
        }
        let (start, end) = (PAD + 8.0, width - PAD);
        let (mut x, mut row) = (start, 0);
        let mut entries = Vec::with_capacity(items.len());
        for (fill, dashed, text) in items {
            let w = SWATCH + 6.0 + text.chars().count() as f64 * CHAR + 18.0;
            if x > start && x + w > end {
                x = start;
                row += 1;
            }
            entries.push((x, row, fill, dashed, text));
            x += w;
        }
        let heading_height = if m.unit.is_empty() { 0.0 } else { 22.0 };
        let rows = entries.last().map_or(0, |e| e.1 + 1);
        Legend {
            heading: m.unit.to_owned(),
            entries,
            height: 8.0 + heading_height + rows as f64 * ROW + 4.0,
        }
    }

    fn draw(&self, out: &mut String, top: f64) {
        let _ = write!(out, r#"<g class="legend" fill="{}">"#, palette::INK);
        let mut y = top + 8.0;
        if !self.heading.is_empty() {
            let _ = write!(
                out,
                r#"<text class="unit" x="{x}" y="{y}" dy="0.8em">{text}</text>"#,
                x = coord(PAD + 8.0),
                y = coord(y),
                text = escape(&self.heading),
            );
            y += 22.0;
        }
        for (x, row, fill, dashed, text) in &self.entries {
            let ry = y + *row as f64 * ROW;
            let stroke = if *dashed {
                format!(
                    r#"stroke="{}" stroke-width="1.2" stroke-dasharray="2 1.2""#,
                    palette::INK
                )
            } else {
                r##"stroke="#999" stroke-width="0.5""##.to_owned()
            };
            let _ = write!(
                out,
                r#"<g class="entry"><rect x="{x}" y="{ry}" width="{s}" height="{s}" fill="{fill}" {stroke}/><text x="{tx}" y="{ty}" dy="0.35em">{text}</text></g>"#,
                x = coord(*x),
                ry = coord(ry),
                s = coord(SWATCH),
                tx = coord(x + SWATCH + 6.0),
                ty = coord(ry + SWATCH / 2.0),
                text = escape(text),
            );
        }
        out.push_str("</g>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the crate's README says the map draws: 169 shapes from the 1:110m file, and 68
    /// points (61 countries only the 1:50m file has, 4 too small at 1:110m, 3 placed by hand).
    #[test]
    fn draws_the_shapes_and_points_the_readme_counts() {
        let map = WorldMap::get();
        let count = |point: bool| {
            map.countries
                .iter()
                .filter(|c| matches!(c.shape, Shape::Point(..)) == point)
                .count()
        };
        assert_eq!((count(false), count(true)), (169, 68));
    }
}
