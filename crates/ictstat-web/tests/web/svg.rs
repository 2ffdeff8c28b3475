//! The SVG contract of charts, maps and sparklines (`ictstat_web::svg`), read back from the
//! rendered text with a small tag reader (below) rather than by matching whole strings, so the
//! tests hold while presentation attributes change and fail when the structure does.

use std::collections::{HashMap, HashSet};

use ictstat_web::i18n::Lang;
use ictstat_web::svg::projection::EqualEarth;
use ictstat_web::svg::scale::{class_breaks, class_of, nice_step, nice_ticks, year_ticks};
use ictstat_web::svg::{
    ChartPoint, ChartSeries, LineChart, MapDatum, MapRender, TargetLine, WorldMap, escape,
    line_chart, sparkline,
};

// --- a small reader for the SVG we write --------------------------------------------------

/// A start tag: its name, attributes and whether it closes itself.
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: HashMap<String, String>,
    /// The text directly inside the element (for `<title>` and `<text>`).
    text: String,
    /// Index of the parent start tag, if any.
    parent: Option<usize>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split(' ').any(|c| c == class))
    }
}

/// Reads every start tag, checking on the way that the document is well-formed as far as we
/// need: tags nest and close, attribute values are quoted, and `&` only starts an entity.
fn parse(svg: &str) -> Vec<Tag> {
    let mut tags: Vec<Tag> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut rest = svg;
    assert!(rest.starts_with("<svg "), "not an svg: {:.60}", rest);
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        check_text(text);
        if let Some(&i) = open.last() {
            tags[i].text.push_str(text);
        }
        let end = rest[start..].find('>').expect("unterminated tag") + start;
        let inner = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = inner.strip_prefix('/') {
            let i = open.pop().expect("closing tag without an opening one");
            assert_eq!(tags[i].name, name, "mismatched closing tag");
            continue;
        }
        let self_closing = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let (name, mut attrs_text) = inner.split_once(' ').unwrap_or((inner, ""));
        let mut attrs = HashMap::new();
        while let Some(eq) = attrs_text.find("=\"") {
            let key = attrs_text[..eq].trim().to_owned();
            let after = &attrs_text[eq + 2..];
            let close = after.find('"').expect("unquoted attribute");
            check_text(&after[..close]);
            assert!(
                attrs
                    .insert(key.clone(), unescape(&after[..close]))
                    .is_none(),
                "duplicate attribute {key}"
            );
            attrs_text = &after[close + 1..];
        }
        assert!(attrs_text.trim().is_empty(), "stray text in tag: {inner}");
        tags.push(Tag {
            name: name.to_owned(),
            attrs,
            text: String::new(),
            parent: open.last().copied(),
        });
        if !self_closing {
            open.push(tags.len() - 1);
        }
    }
    assert!(open.is_empty(), "unclosed tags");
    assert!(rest.is_empty(), "text after the root");
    for t in &mut tags {
        t.text = unescape(&t.text);
    }
    tags
}

fn check_text(text: &str) {
    assert!(
        !text.contains('>') && !text.contains('"'),
        "unescaped text {text:?}"
    );
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..text[i..].find(';').map_or(text.len(), |j| i + j + 1)];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&entity),
            "bad entity in {text:?}"
        );
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn with_class<'a>(tags: &'a [Tag], class: &str) -> Vec<&'a Tag> {
    tags.iter().filter(|t| t.has_class(class)).collect()
}

/// The text of the `<title>` child of tag `i`.
fn title_of(tags: &[Tag], i: usize) -> Option<&str> {
    tags.iter()
        .find(|t| t.name == "title" && t.parent == Some(i))
        .map(|t| t.text.as_str())
}

fn index_of(tags: &[Tag], tag: &Tag) -> usize {
    tags.iter().position(|t| std::ptr::eq(t, tag)).unwrap()
}

// --- projection ----------------------------------------------------------------------------

/// Golden values from d3-geo 3.1.2: in an empty folder, `npm install d3-geo@3`, then with
/// node: `import { geoEqualEarth } from "d3-geo"; const p = geoEqualEarth();` and
/// `String(p([lon, lat])[i])` for each point (default scale 177.158, translate [480, 250]; JavaScript
/// prints the shortest text that reads back as the same double).
#[test]
fn equal_earth_matches_d3_geo() {
    let golden: [((f64, f64), (f64, f64)); 12] = [
        ((0.0, 0.0), (480.0, 250.0)),
        ((-180.0, 0.0), (0.4988453483708213, 250.0)),
        ((180.0, 0.0), (959.5011546516291, 250.0)),
        ((0.0, 90.0), (480.0, 16.618648313190988)),
        ((0.0, -90.0), (480.0, 483.381351686809)),
        ((36.82, -1.29), (578.0727500501516, 254.6294528466701)), // Nairobi
        ((-74.0, 40.7), (306.05527583185557, 110.60474342889484)), // New York
        ((139.7, 35.7), (818.277196726335, 126.33755871923442)),  // Tokyo
        ((-58.4, -34.6), (337.74344863089084, 370.12205363109734)), // Buenos Aires
        ((179.2, -8.52), (954.851429294403, 280.5183164040945)),  // Funafuti
        ((-21.9, 64.1), (437.85410094788205, 47.85769753867882)), // Reykjavík
        ((-179.999, 65.5), (138.66320681435195, 44.87481228856117)),
    ];
    for ((lon, lat), (x, y)) in golden {
        let (px, py) = EqualEarth::D3.project(lon, lat);
        assert!(
            (px - x).abs() < 1e-9 && (py - y).abs() < 1e-9,
            "({lon}, {lat}): ({px}, {py}), d3 says ({x}, {y})"
        );
    }
}

// --- scales ---------------------------------------------------------------------------------

#[test]
fn ticks_are_nice() {
    assert_eq!(nice_step(0.0, 100.0, 5), 20.0);
    assert_eq!(nice_step(0.0, 1.0, 5), 0.2);
    assert_eq!(nice_step(0.0, 7.0, 5), 1.0);
    assert_eq!(nice_step(0.0, 3000.0, 5), 500.0);
    assert_eq!(
        nice_ticks(0.0, 87.0, 5),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(
        nice_ticks(0.0, 0.7, 5),
        vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
    );
    assert_eq!(
        nice_ticks(-12.0, 31.0, 5),
        vec![-20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 40.0]
    );
    assert_eq!(nice_ticks(0.0, 0.0, 5).first(), Some(&0.0));
    assert_eq!(nice_ticks(0.0, 0.0, 5).last(), Some(&1.0));
    assert_eq!(
        year_ticks(2000, 2023, 5),
        vec![2000, 2005, 2010, 2015, 2020]
    );
    assert_eq!(
        year_ticks(2019, 2023, 6),
        vec![2019, 2020, 2021, 2022, 2023]
    );
    assert_eq!(year_ticks(2023, 2023, 6), vec![2023]);
    assert_eq!(
        year_ticks(1961, 2023, 6),
        vec![1970, 1980, 1990, 2000, 2010, 2020]
    );
}

#[test]
fn class_breaks_are_nice_and_five_or_six() {
    assert_eq!(
        class_breaks(2.1, 99.7),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(
        class_breaks(41.0, 95.0),
        vec![40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    );
    assert_eq!(class_breaks(0.5, 4.3), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    for (lo, hi) in [(0.0, 1.0), (3.0, 170.0), (0.01, 0.07), (120.0, 5_000_000.0)] {
        let edges = class_breaks(lo, hi);
        let classes = edges.len() - 1;
        assert!((4..=7).contains(&classes), "{lo}..{hi}: {edges:?}");
        assert!(edges[0] <= lo && *edges.last().unwrap() >= hi, "{edges:?}");
    }
    assert_eq!(class_breaks(5.0, 5.0), vec![5.0, 5.0]);
    assert!(class_breaks(f64::INFINITY, f64::NEG_INFINITY).is_empty());
    let edges = class_breaks(0.0, 100.0);
    assert_eq!(class_of(&edges, 0.0), Some(0));
    assert_eq!(class_of(&edges, 20.0), Some(1));
    assert_eq!(class_of(&edges, 100.0), Some(4));
    assert_eq!(class_of(&edges, 100.5), None);
}

// --- line chart -----------------------------------------------------------------------------

fn point(year: i32, value: f64) -> ChartPoint {
    ChartPoint {
        year,
        value,
        lower: None,
        upper: None,
        estimated: false,
        revised: false,
    }
}

fn chart<'a>(series: &'a [ChartSeries], targets: &'a [TargetLine]) -> LineChart<'a> {
    LineChart {
        id: "ch",
        title: "Individuals using the Internet",
        unit: "%",
        series,
        targets,
        no_data: "No data for this selection",
        estimated: "estimated",
        lang: Lang::En,
    }
}

/// Kenya with bounds on 2017–2018 and 2021 and estimates in 2018 and 2021; the East African
/// aggregate without bounds or estimates.
fn two_series(n: i32) -> Vec<ChartSeries> {
    let kenya = (0..n)
        .map(|i| {
            let mut p = point(2015 + i, 10.0 + 3.0 * f64::from(i));
            if matches!(i, 2 | 3 | 6) {
                p.lower = Some(p.value - 2.0);
                p.upper = Some(p.value + 2.0);
            }
            p.estimated = matches!(i, 3 | 6);
            p
        })
        .collect();
    let region = (0..n)
        .map(|i| point(2015 + i, 20.0 + f64::from(i)))
        .collect();
    vec![
        ChartSeries {
            key: "404".into(),
            label: "Kenya".into(),
            points: kenya,
            group: false,
        },
        ChartSeries {
            key: "910".into(),
            label: "Eastern Africa".into(),
            points: region,
            group: true,
        },
    ]
}

#[test]
fn chart_has_one_mark_per_point_in_its_series() {
    let n = 9;
    let series = two_series(n);
    let svg = line_chart(&chart(&series, &[]));
    let tags = parse(&svg);
    let root = &tags[0];
    assert_eq!(root.name, "svg");
    assert!(root.has_class("chart"));
    assert_eq!(root.attr("role"), Some("img"));
    assert_eq!(root.attr("aria-labelledby"), Some("ch-title"));
    assert!(root.attr("viewBox").unwrap().starts_with("0 0 "));
    let title = tags
        .iter()
        .find(|t| t.attr("id") == Some("ch-title"))
        .unwrap();
    assert_eq!(
        (title.name.as_str(), title.text.as_str()),
        ("title", "Individuals using the Internet")
    );

    let marks = with_class(&tags, "mark");
    assert_eq!(marks.len(), 2 * n as usize);
    assert!(marks.iter().all(|m| m.name == "circle"));
    let groups = with_class(&tags, "series");
    assert_eq!(
        groups
            .iter()
            .map(|g| g.attr("data-series").unwrap())
            .collect::<Vec<_>>(),
        ["404", "910"]
    );
    for (g, key) in groups.iter().zip(["404", "910"]) {
        let gi = index_of(&tags, g);
        let own: Vec<&Tag> = marks
            .iter()
            .copied()
            .filter(|m| m.parent == Some(gi))
            .collect();
        assert_eq!(own.len(), n as usize, "{key}");
        let lines: Vec<&Tag> = tags
            .iter()
            .filter(|t| t.has_class("line") && t.parent == Some(gi))
            .collect();
        assert_eq!(lines.len(), 1);
    }
    // The aggregate is dashed, the country not.
    let lines = with_class(&tags, "line");
    assert!(lines[0].attr("stroke-dasharray").is_none());
    assert!(lines[1].attr("stroke-dasharray").is_some());
    // Colours differ between series.
    assert_ne!(lines[0].attr("stroke"), lines[1].attr("stroke"));
}

#[test]
fn bands_only_where_bounds_exist() {
    let series = two_series(8);
    let tags = parse(&line_chart(&chart(&series, &[])));
    let bands = with_class(&tags, "band");
    assert_eq!(bands.len(), 1, "only Kenya has bounds");
    let kenya = with_class(&tags, "series")[0];
    assert_eq!(bands[0].parent, Some(index_of(&tags, kenya)));
    // Two runs with bounds (2017–2018, 2021): two closed subpaths, so a gap between them.
    let d = bands[0].attr("d").unwrap();
    assert_eq!(d.matches('M').count(), 2, "{d}");
    assert_eq!(d.matches('Z').count(), 2, "{d}");
    // The bounds are in the tooltips.
    let marks = with_class(&tags, "mark");
    let tip = title_of(&tags, index_of(&tags, marks[2])).unwrap();
    assert_eq!(tip, "Kenya, 2017: 16.0 [14.0–18.0]");
    let tip = title_of(&tags, index_of(&tags, marks[3])).unwrap();
    assert_eq!(tip, "Kenya, 2018: 19.0 [17.0–21.0] (estimated)");
}

#[test]
fn estimated_marks_are_hollow_and_in_the_legend() {
    let series = two_series(8);
    let tags = parse(&line_chart(&chart(&series, &[])));
    let marks = with_class(&tags, "mark");
    let estimated: Vec<&&Tag> = marks.iter().filter(|m| m.has_class("estimated")).collect();
    assert_eq!(estimated.len(), 2);
    for m in &estimated {
        assert_eq!(m.attr("fill"), Some("#fff"));
        assert!(m.attr("stroke").is_some_and(|s| s != "#fff"));
    }
    for m in marks.iter().filter(|m| !m.has_class("estimated")) {
        assert_ne!(m.attr("fill"), Some("#fff"));
    }
    let legend = with_class(&tags, "legend");
    assert_eq!(legend.len(), 1);
    let li = index_of(&tags, legend[0]);
    let texts: Vec<&str> = tags
        .iter()
        .filter(|t| t.name == "text" && t.parent.is_some_and(|p| tags[p].parent == Some(li)))
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(texts, ["Kenya", "Eastern Africa", "estimated"]);

    // Without estimates, no legend entry for them.
    let plain = vec![ChartSeries {
        key: "404".into(),
        label: "Kenya".into(),
        points: vec![point(2020, 1.0), point(2021, 2.0)],
        group: false,
    }];
    let tags = parse(&line_chart(&chart(&plain, &[])));
    let li = index_of(&tags, with_class(&tags, "legend")[0]);
    let entries = tags.iter().filter(|t| t.parent == Some(li)).count();
    assert_eq!(entries, 1);
    assert!(with_class(&tags, "band").is_empty());
}

/// The value-axis labels, bottom to top.
fn y_labels(tags: &[Tag]) -> Vec<f64> {
    let axis = tags
        .iter()
        .position(|t| t.has_class("axis") && t.has_class("y"))
        .unwrap();
    tags.iter()
        .filter(|t| t.name == "text" && t.parent == Some(axis))
        // English numbers: thousands separated by commas, a true minus sign.
        .map(|t| t.text.replace(',', "").replace('−', "-").parse().unwrap())
        .collect()
}

#[test]
fn value_axis_starts_at_zero_and_holds_bounds_and_targets() {
    let mut series = two_series(5);
    // Values 10–32, an upper bound of 41 and a target of 70.
    series[0].points[4].lower = Some(20.0);
    series[0].points[4].upper = Some(41.0);
    let targets = [TargetLine {
        label: "Connect 2030".into(),
        value: 70.0,
    }];
    let tags = parse(&line_chart(&chart(&series, &targets)));
    let labels = y_labels(&tags);
    assert_eq!(labels.first(), Some(&0.0));
    assert!(*labels.last().unwrap() >= 70.0, "{labels:?}");
    let step = labels[1] - labels[0];
    assert!([1.0, 2.0, 5.0, 10.0, 20.0].contains(&step), "{labels:?}");
    let target = with_class(&tags, "target");
    assert_eq!(target.len(), 1);
    let ti = index_of(&tags, target[0]);
    let children: Vec<&Tag> = tags.iter().filter(|t| t.parent == Some(ti)).collect();
    let line = children.iter().find(|t| t.name == "line").unwrap();
    assert_eq!(line.attr("y1"), line.attr("y2"), "horizontal");
    assert!(line.attr("stroke-dasharray").is_some());
    assert!(
        children
            .iter()
            .any(|t| t.name == "text" && t.text == "Connect 2030")
    );

    // Years are whole numbers on the x axis.
    let axis = tags
        .iter()
        .position(|t| t.has_class("axis") && t.has_class("x"))
        .unwrap();
    let years: Vec<&str> = tags
        .iter()
        .filter(|t| t.name == "text" && t.parent == Some(axis))
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(years, ["2015", "2016", "2017", "2018", "2019"]);

    // Negative values: the axis goes below zero and still shows it.
    let negative = vec![ChartSeries {
        key: "x".into(),
        label: "Growth".into(),
        points: vec![point(2020, -3.2), point(2021, 4.5)],
        group: false,
    }];
    let labels = y_labels(&parse(&line_chart(&chart(&negative, &[]))));
    assert!(labels[0] <= -3.2 && labels.contains(&0.0) && *labels.last().unwrap() >= 4.5);
}

#[test]
fn chart_text_is_escaped() {
    let nasty = r#"<b>Côte d'Ivoire & "friends"</b>"#;
    let series = vec![ChartSeries {
        key: r#"a"b"#.into(),
        label: nasty.into(),
        points: vec![ChartPoint {
            estimated: true,
            ..point(2020, 1.5)
        }],
        group: false,
    }];
    let targets = [TargetLine {
        label: "<&\">".into(),
        value: 2.0,
    }];
    let c = LineChart {
        id: "x\"y",
        title: "<&\">",
        unit: "<&\">",
        estimated: "<est>",
        ..chart(&series, &targets)
    };
    let svg = line_chart(&c);
    assert!(!svg.contains("<b>") && !svg.contains("<&") && !svg.contains("<est>"));
    let tags = parse(&svg); // well-formed despite the text
    assert_eq!(tags[0].attr("aria-labelledby"), Some("x\"y-title"));
    assert_eq!(
        with_class(&tags, "series")[0].attr("data-series"),
        Some("a\"b")
    );
    let mark = with_class(&tags, "mark")[0];
    assert_eq!(
        title_of(&tags, index_of(&tags, mark)),
        Some(format!("{nasty}, 2020: 1.5 (<est>)").as_str())
    );
    assert!(tags.iter().any(|t| t.name == "text" && t.text == nasty));
    assert_eq!(escape("<&\">"), "&lt;&amp;&quot;&gt;");

    let no_data = LineChart {
        no_data: "<none & nothing>",
        ..chart(&[], &[])
    };
    let tags = parse(&line_chart(&no_data));
    assert!(tags.iter().any(|t| t.text == "<none & nothing>"));
}

#[test]
fn chart_without_points_says_so() {
    let empty = [ChartSeries {
        key: "404".into(),
        label: "Kenya".into(),
        points: vec![point(2020, f64::NAN)],
        group: false,
    }];
    for series in [&[][..], &empty[..]] {
        let svg = line_chart(&chart(series, &[]));
        let tags = parse(&svg);
        assert!(tags[0].has_class("chart"));
        assert!(with_class(&tags, "mark").is_empty());
        assert!(with_class(&tags, "series").is_empty());
        let text: Vec<&Tag> = tags.iter().filter(|t| t.name == "text").collect();
        assert_eq!(text.len(), 1);
        assert_eq!(text[0].text, "No data for this selection");
        assert_eq!(text[0].attr("text-anchor"), Some("middle"));
        assert!(tags.iter().any(|t| t.attr("id") == Some("ch-title")));
    }
}

#[test]
fn a_single_point_is_drawn() {
    let one = vec![ChartSeries {
        key: "404".into(),
        label: "Kenya".into(),
        points: vec![ChartPoint {
            lower: Some(30.0),
            upper: Some(40.0),
            ..point(2023, 35.0)
        }],
        group: false,
    }];
    let tags = parse(&line_chart(&chart(&one, &[])));
    assert_eq!(with_class(&tags, "mark").len(), 1);
    assert_eq!(with_class(&tags, "band").len(), 1);
    let mark = with_class(&tags, "mark")[0];
    let cx: f64 = mark.attr("cx").unwrap().parse().unwrap();
    assert!(cx > 100.0 && cx < 600.0, "centred, not on an edge: {cx}");
}

// --- world map ------------------------------------------------------------------------------

fn datum(value: f64, label: &str) -> MapDatum {
    MapDatum {
        value,
        estimated: false,
        label: label.into(),
    }
}

fn render(values: &HashMap<String, MapDatum>) -> String {
    let name = |code: &str| (code == "404").then(|| "Kenya".to_owned());
    WorldMap::get().render(&MapRender {
        id: "m",
        title: "Individuals using the Internet, 2023",
        unit: "% of population",
        values,
        name: &name,
        no_data: "no data",
        estimated: "estimated",
        domain: None,
        lang: Lang::En,
    })
}

#[test]
fn map_draws_every_code_once_with_a_title() {
    let map = WorldMap::get();
    let codes: Vec<&str> = map.codes().collect();
    let unique: HashSet<&str> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "a code drawn twice");
    assert!(!unique.contains("010"), "Antarctica is left out");
    for code in ["404", "076", "356", "840", "643", "036", "250"] {
        assert!(unique.contains(code), "{code}");
    }
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit()))
    );

    let svg = render(&HashMap::new());
    let tags = parse(&svg);
    let root = &tags[0];
    assert!(root.has_class("map"));
    assert_eq!(root.attr("role"), Some("img"));
    assert_eq!(root.attr("aria-labelledby"), Some("m-title"));
    let countries = with_class(&tags, "country");
    assert_eq!(countries.len(), codes.len());
    assert!(with_class(&tags, "has-data").is_empty());
    for c in &countries {
        let code = c.attr("data-area").unwrap();
        let title = title_of(&tags, index_of(&tags, c)).unwrap_or_else(|| panic!("{code}"));
        assert!(title.ends_with(": no data"), "{title}");
        assert!(c.attr("data-value").is_none());
    }
    // The page's name when it has one, Natural Earth's otherwise.
    let title = |code: &str| {
        let c = countries
            .iter()
            .find(|c| c.attr("data-area") == Some(code))
            .unwrap();
        title_of(&tags, index_of(&tags, c)).unwrap().to_owned()
    };
    assert_eq!(title("404"), "Kenya: no data");
    assert_eq!(title("800"), "Uganda: no data");
}

#[test]
fn map_colours_exactly_the_areas_with_values() {
    let known = ["404", "800", "834", "250", "702", "798", "470"];
    let mut values: HashMap<String, MapDatum> = known
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            let v = 10.0 * i as f64 + 5.0;
            (code.to_owned(), datum(v, &format!("{code}: {v:.1} (2023)")))
        })
        .collect();
    values.get_mut("834").unwrap().estimated = true;
    // Not drawable: the world, Antarctica, a group code, nonsense. Ignored, also by the scale.
    values.insert("001".into(), datum(1e9, "World"));
    values.insert("010".into(), datum(-5.0, "Antarctica"));
    values.insert("XYZ".into(), datum(3.0, "?"));
    let svg = render(&values);
    let tags = parse(&svg);
    let with_data = with_class(&tags, "has-data");
    assert_eq!(with_data.len(), known.len());
    for c in &with_data {
        assert!(c.has_class("country"));
        let code = c.attr("data-area").unwrap();
        let d = &values[code];
        assert_eq!(
            c.attr("data-value").unwrap().parse::<f64>().unwrap(),
            d.value
        );
        assert_eq!(title_of(&tags, index_of(&tags, c)), Some(d.label.as_str()));
        assert_eq!(c.has_class("estimated"), code == "834");
        assert_ne!(
            c.attr("fill"),
            with_class(&tags, "country")
                .iter()
                .find(|t| !t.has_class("has-data"))
                .unwrap()
                .attr("fill")
        );
    }
    // Higher values, other colours: 5 and 65 are not in the same class.
    let fill = |code: &str| {
        with_data
            .iter()
            .find(|c| c.attr("data-area") == Some(code))
            .unwrap()
            .attr("fill")
    };
    assert_ne!(fill("404"), fill("470"));

    // The legend: the unit, the classes (nice edges covering 5–65), no data, estimated.
    assert_eq!(
        class_breaks(5.0, 65.0),
        [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
    );
    let legend = with_class(&tags, "legend");
    assert_eq!(legend.len(), 1);
    let li = index_of(&tags, legend[0]);
    let in_legend = |t: &Tag| {
        let mut p = t.parent;
        while let Some(i) = p {
            if i == li {
                return true;
            }
            p = tags[i].parent;
        }
        false
    };
    let texts: Vec<&str> = tags
        .iter()
        .filter(|t| t.name == "text" && in_legend(t))
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "% of population",
            "0–10",
            "10–20",
            "20–30",
            "30–40",
            "40–50",
            "50–60",
            "60–70",
            "no data",
            "estimated"
        ]
    );
    let swatches: Vec<&str> = tags
        .iter()
        .filter(|t| t.name == "rect" && in_legend(t))
        .map(|t| t.attr("fill").unwrap())
        .collect();
    assert_eq!(swatches.len(), 9);
    assert_eq!(
        swatches.iter().collect::<HashSet<_>>().len(),
        9,
        "{swatches:?}"
    );
    // A country's fill is its class's swatch: Kenya (5) in the first, Malta (65) in the last.
    assert_eq!(fill("404"), Some(swatches[0]));
    assert_eq!(fill("470"), Some(swatches[6]));
}

#[test]
fn small_states_are_points() {
    let map = WorldMap::get();
    let codes: HashSet<&str> = map.codes().collect();
    // Singapore, Malta, Nauru, Liechtenstein, Andorra, Bahrain, Maldives, Tonga, Samoa are only
    // in countries-50m; Luxembourg is tiny in 110m; Tuvalu is in neither file.
    let small = [
        "702", "470", "520", "438", "020", "048", "462", "776", "882", "442", "798",
    ];
    let mut values = HashMap::new();
    for code in small {
        assert!(codes.contains(code), "{code} not drawn");
        values.insert(code.to_owned(), datum(50.0, code));
    }
    let tags = parse(&render(&values));
    let points = with_class(&tags, "point");
    for code in small {
        let p = points
            .iter()
            .find(|p| p.attr("data-area") == Some(code))
            .unwrap_or_else(|| panic!("{code} is not a point"));
        assert_eq!(p.name, "circle");
        assert!(p.has_class("country") && p.has_class("has-data"));
        let r: f64 = p.attr("r").unwrap().parse().unwrap();
        assert!(r >= 2.5, "{code}: radius {r}");
    }
    // Large countries are shapes.
    for code in ["404", "076", "643"] {
        let shape = with_class(&tags, "country")
            .into_iter()
            .find(|c| c.attr("data-area") == Some(code))
            .unwrap();
        assert_eq!(shape.name, "path");
        assert!(shape.attr("d").unwrap().len() > 20);
    }
    // Most of the world's small island states are points: at least the 61 codes of 50m
    // that 110m lacks, Luxembourg and Tuvalu.
    assert!(points.len() >= 63, "{}", points.len());
    assert!(with_class(&tags, "country").len() - points.len() >= 160);
}

/// Points sit at the area-weighted centroid of the largest 50m polygon. Golden values from
/// d3-geo 3.1.2 and topojson-client 3: for each id, the largest polygon of
/// `feature(countries50m, objects.countries)` by `geoPath(geoEqualEarth()).area`, then
/// `geoPath(geoEqualEarth()).centroid(polygon)` (a planar, area-weighted centroid of the
/// projected polygon). The map shifts d3's frame by a constant offset, so differences between
/// points are compared; the map rounds coordinates to 0.1.
#[test]
fn points_are_at_d3_centroids() {
    let golden = [
        ("702", 756.5203, 245.1228), // Singapore
        ("470", 514.9381, 125.7303), // Malta
        ("520", 924.6821, 251.8624), // Nauru
        ("438", 501.4303, 91.3476),  // Liechtenstein
        ("882", 26.8401, 298.6779),  // Samoa
    ];
    let tags = parse(&render(&HashMap::new()));
    let centre = |code: &str| {
        let p = with_class(&tags, "point")
            .into_iter()
            .find(|p| p.attr("data-area") == Some(code))
            .unwrap();
        let n = |a: &str| p.attr(a).unwrap().parse::<f64>().unwrap();
        (n("cx"), n("cy"))
    };
    let (x0, y0) = centre(golden[0].0);
    for (code, gx, gy) in &golden[1..] {
        let (x, y) = centre(code);
        let (dx, dy) = (x - x0, y - y0);
        let (gdx, gdy) = (gx - golden[0].1, gy - golden[0].2);
        assert!(
            (dx - gdx).abs() < 0.15 && (dy - gdy).abs() < 0.15,
            "{code}: ({dx}, {dy}) from Singapore, d3 says ({gdx}, {gdy})"
        );
    }
}

#[test]
fn map_text_is_escaped() {
    let mut values = HashMap::new();
    values.insert(
        "404".to_owned(),
        datum(35.0, r#"<script>"Kenya" & 'co'</script>: 35.0"#),
    );
    let name = |_: &str| Some("<Name & \"Co\">".to_owned());
    let svg = WorldMap::get().render(&MapRender {
        id: "a\"b",
        title: "<title>",
        unit: "<%>",
        values: &values,
        name: &name,
        no_data: "<none>",
        estimated: "<est>",
        domain: None,
        lang: Lang::En,
    });
    assert!(!svg.contains("<script>") && !svg.contains("<none>") && !svg.contains("<%>"));
    let tags = parse(&svg);
    let kenya = with_class(&tags, "has-data")[0];
    assert_eq!(
        title_of(&tags, index_of(&tags, kenya)),
        Some(r#"<script>"Kenya" & 'co'</script>: 35.0"#)
    );
    let other = with_class(&tags, "country")
        .into_iter()
        .find(|c| !c.has_class("has-data"))
        .unwrap();
    assert_eq!(
        title_of(&tags, index_of(&tags, other)),
        Some("<Name & \"Co\">: <none>")
    );
    assert_eq!(tags[0].attr("aria-labelledby"), Some("a\"b-title"));
}

#[test]
fn map_with_one_value_or_odd_values() {
    // One value: one class.
    let mut values = HashMap::new();
    values.insert("404".to_owned(), datum(35.0, "Kenya: 35.0"));
    let tags = parse(&render(&values));
    assert_eq!(with_class(&tags, "has-data").len(), 1);
    // Not finite: no data.
    values.insert("800".to_owned(), datum(f64::NAN, "Uganda: ?"));
    let tags = parse(&render(&values));
    assert_eq!(with_class(&tags, "has-data").len(), 1);
    // Negative and huge values still fall in a class.
    values.insert("800".to_owned(), datum(-1e7, "Uganda"));
    values.insert("834".to_owned(), datum(3e9, "Tanzania"));
    let tags = parse(&render(&values));
    let no_data_fill = with_class(&tags, "country")
        .into_iter()
        .find(|c| !c.has_class("has-data"))
        .unwrap()
        .attr("fill");
    let fill = |code: &str| {
        with_class(&tags, "has-data")
            .into_iter()
            .find(|c| c.attr("data-area") == Some(code))
            .unwrap()
            .attr("fill")
    };
    for code in ["404", "800", "834"] {
        assert_ne!(fill(code), no_data_fill, "{code}");
    }
    assert_ne!(fill("800"), fill("834"));
}

/// Every country the map draws can be coloured at once (no timing here: benchmarks are never
/// tests; BENCHMARKS.md has the page times).
#[test]
fn every_drawn_country_can_have_a_value() {
    let map = WorldMap::get();
    let values: HashMap<String, MapDatum> = map
        .codes()
        .enumerate()
        .map(|(i, c)| (c.to_owned(), datum(i as f64, c)))
        .collect();
    let svg = render(&values);
    assert_eq!(with_class(&parse(&svg), "has-data").len(), values.len());
}

// --- sparkline ------------------------------------------------------------------------------

#[test]
fn sparkline_draws_a_line_and_marks_the_last_point() {
    let svg = sparkline(
        &[(2021, 3.0), (2019, 1.0), (2020, 2.0), (2022, f64::NAN)],
        "Trend <2019–2021>",
    );
    let tags = parse(&svg);
    let root = &tags[0];
    assert_eq!(root.attr("role"), Some("img"));
    assert_eq!(root.attr("aria-label"), Some("Trend <2019–2021>"));
    assert_eq!(root.attr("viewBox"), Some("0 0 100 24"));
    let paths: Vec<&Tag> = tags.iter().filter(|t| t.name == "path").collect();
    assert_eq!(paths.len(), 1);
    // Sorted by year, rising: from bottom left to top right.
    assert_eq!(paths[0].attr("d"), Some("M3,21L50,12L97,3"));
    let circles: Vec<&Tag> = tags.iter().filter(|t| t.name == "circle").collect();
    assert_eq!(circles.len(), 1);
    assert_eq!(
        (circles[0].attr("cx"), circles[0].attr("cy")),
        (Some("97"), Some("3"))
    );

    assert_eq!(sparkline(&[], "nothing"), "");
    assert_eq!(sparkline(&[(2020, f64::INFINITY)], "nothing"), "");
    let one = parse(&sparkline(&[(2020, 5.0)], "one"));
    assert!(one.iter().all(|t| t.name != "path"));
    assert_eq!(one.iter().filter(|t| t.name == "circle").count(), 1);
}
