//! SDMX-ML data messages: 2.1 StructureSpecificData (`<Series SERIES=".." REF_AREA=".."><Obs
//! TIME_PERIOD=".." OBS_VALUE=".."/></Series>`) and 2.0/2.1 GenericData (`<generic:Series>
//! <generic:SeriesKey><generic:Value concept|id=".." value=".."/>…`), any namespace prefix.
//!
//! Every observation becomes a candidate of the long layout: its concepts are gathered from
//! the DataSet, the Series and the Obs (the innermost wins), and the same [`Validator`] checks
//! it. A diagnostic's line is the line of the `Obs` element and its column the concept name.
//!
//! The reader refuses any DOCTYPE (so no DTD, external entity or entity expansion is ever
//! processed; only the five predefined entities and character references are resolved),
//! nesting deeper than [`MAX_DEPTH`] elements, malformed XML and attribute values longer
//! than [`MAX_FIELD_BYTES`].

use std::borrow::Cow;

use ictstat_core::Dimension;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::columns::Attr;
use crate::diag::{Diags, Found};
use crate::rules;
use crate::table::{At, Columns, Opt};
use crate::text::MAX_FIELD_BYTES;
use crate::validate::{Candidate, Cell, Validator};
use crate::{ReadOptions, no_data};

/// Deepest element nesting accepted (an SDMX-ML data message needs about 6).
pub(crate) const MAX_DEPTH: usize = 64;

/// Concept slots, in this order: indicator, area, period, value, the 11 dimensions, the
/// attributes (`Attr::ALL` order); then `Time` (the SDMX-ML 2.0 element), which only names a
/// column.
const INDICATOR: usize = 0;
const AREA: usize = 1;
const PERIOD: usize = 2;
const VALUE: usize = 3;
const DIMS: usize = 4;
const ATTRS: usize = DIMS + 11;
const SLOTS: usize = ATTRS + 8;
const TIME_COLUMN: usize = SLOTS;
/// The column of an indicator given as `INDICATOR` rather than `SERIES`.
const INDICATOR_COLUMN: usize = SLOTS + 1;

/// The concept name of each slot (the `column` of its diagnostics).
fn column_names() -> Vec<String> {
    let mut names: Vec<String> = ["SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"]
        .into_iter()
        .map(String::from)
        .collect();
    names.extend(Dimension::ALL.iter().map(|d| d.id().to_string()));
    names.extend(Attr::ALL.iter().map(|a| attr_concept(*a).to_string()));
    names.push("Time".to_string());
    names.push("INDICATOR".to_string());
    names
}

fn attr_concept(a: Attr) -> &'static str {
    match a {
        Attr::ObsStatus => "OBS_STATUS",
        Attr::UnitMult => "UNIT_MULT",
        Attr::Nature => "NATURE",
        Attr::Source => "SOURCE_DETAIL",
        Attr::Footnote => "COMMENT_OBS",
        Attr::LowerBound => "LOWER_BOUND",
        Attr::UpperBound => "UPPER_BOUND",
        Attr::StdError => "STD_ERROR",
    }
}

/// The slot of an SDMX concept id and the column its diagnostics name; `None` for concepts
/// ictstat ignores (FREQ, REPORTING_TYPE, UNIT_MEASURE, TIME_DETAIL…). Shared by the SDMX-ML
/// and SDMX-JSON readers.
pub(crate) fn concept(id: &str) -> Option<(usize, usize)> {
    if id == "INDICATOR" {
        return Some((INDICATOR, INDICATOR_COLUMN));
    }
    slot(id).map(|s| (s, s))
}

/// The slot of an SDMX concept id (see [`concept`]).
fn slot(concept: &str) -> Option<usize> {
    match concept {
        "SERIES" => return Some(INDICATOR),
        "REF_AREA" => return Some(AREA),
        "TIME_PERIOD" => return Some(PERIOD),
        "OBS_VALUE" => return Some(VALUE),
        _ => {}
    }
    if let Some(i) = Dimension::ALL.iter().position(|d| d.id() == concept) {
        return Some(DIMS + i);
    }
    Attr::ALL
        .iter()
        .position(|a| attr_concept(*a) == concept)
        .map(|i| ATTRS + i)
}

/// Concept values at one level of the message (data set, series, observation), with the
/// column each names in diagnostics.
#[derive(Debug, Clone)]
pub(crate) struct Level([Option<(String, usize)>; SLOTS]);

impl Level {
    pub(crate) fn new() -> Self {
        Level(std::array::from_fn(|_| None))
    }

    pub(crate) fn set(&mut self, slot: usize, value: String, column: usize) {
        self.0[slot] = Some((value, column));
    }

    /// Sets the value of an SDMX concept; concepts ictstat ignores are dropped.
    pub(crate) fn set_concept(&mut self, id: &str, value: String) {
        if let Some((s, c)) = concept(id) {
            self.set(s, value, c);
        }
    }

    /// True when the concept is the observation value.
    pub(crate) fn is_value(id: &str) -> bool {
        slot(id) == Some(VALUE)
    }

    /// Sets the observation value.
    pub(crate) fn set_value(&mut self, value: String) {
        self.set(VALUE, value, VALUE);
    }
}

/// Which message flavour is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Generic,
    StructureSpecific,
}

/// The flavour of a root element's local name, if it is a data message.
pub(crate) fn root_flavour(local: &str) -> Option<Flavour> {
    match local {
        "GenericData" | "GenericTimeSeriesData" => Some(Flavour::Generic),
        "StructureSpecificData" | "StructureSpecificTimeSeriesData" => {
            Some(Flavour::StructureSpecific)
        }
        _ => None,
    }
}

/// The local name of the root element of an XML text, for detection; `None` when the text
/// does not start like XML or the root is not reached within the first 64 KiB.
pub(crate) fn root_local_name(head: &str) -> Option<String> {
    let mut reader = Reader::from_str(head);
    for _ in 0..1000 {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return Some(e.local_name().as_ref().to_string());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(Event::Text(t)) if !t.trim().is_empty() => return None,
            Ok(_) => {}
        }
    }
    None
}

/// Line starts of a text, to turn byte positions into 1-based lines.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines(starts)
    }

    pub(crate) fn line(&self, offset: usize) -> u64 {
        self.0.partition_point(|&s| s <= offset) as u64
    }
}

/// Where the reader is inside the data set.
#[derive(Debug, Default)]
struct State {
    depth: usize,
    /// Depth of the DataSet element, while inside it.
    dataset: Option<usize>,
    /// Depth of a Group element being skipped (group attributes are not applied).
    group: Option<usize>,
    series: Option<usize>,
    /// Depth and line of the Obs element being read.
    obs: Option<(usize, u64)>,
    /// Inside a 2.0 generic `Time` element: its text is the period.
    in_time: bool,
}

/// Turns the concept levels of an observation into a candidate for the [`Validator`]; shared
/// by the SDMX-ML and SDMX-JSON readers.
pub(crate) struct Emitter<'v, 'c> {
    /// Column names of the slots; a reader may set `location` to say where in the message
    /// the observation is.
    pub(crate) names: Columns,
    fallback_indicator: Option<String>,
    fallback_area: Option<String>,
    v: &'v mut Validator<'c>,
    missing_reported: bool,
    /// Observations seen.
    pub(crate) observations: u64,
}

struct Ctx<'r, 'v, 'c> {
    emit: Emitter<'v, 'c>,
    dataset: Level,
    series: Level,
    obs: Level,
    time_text: String,
    diags: &'r mut Diags,
}

/// Reads an SDMX-ML data message.
pub(crate) fn read(text: &str, opts: &ReadOptions, v: &mut Validator<'_>, diags: &mut Diags) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut ctx = Ctx {
        emit: Emitter::new(opts, v),
        dataset: Level::new(),
        series: Level::new(),
        obs: Level::new(),
        time_text: String::new(),
        diags,
    };
    let mut st = State::default();
    let mut flavour: Option<Flavour> = None;
    let mut root_line = 1;
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let line = lines.line(reader.error_position() as usize);
                bad_xml(line, e.to_string(), ctx.diags);
                return;
            }
        };
        // Start and empty elements begin where the previous event ended (after any text).
        let start_line = || {
            let off = text[before.min(text.len())..]
                .find('<')
                .map_or(before, |i| before + i);
            lines.line(off)
        };
        match event {
            Event::DocType(_) => {
                let line = start_line();
                ctx.diags.add(rules::XML_DOCTYPE, Some(line), || {
                    Found::new("the message has a DOCTYPE declaration; DTDs and entity declarations are refused (they can read local files or expand to gigabytes)")
                        .column("DOCTYPE")
                        .fix("remove the <!DOCTYPE …> declaration; SDMX-ML messages never need one")
                });
                return;
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let line = start_line();
                st.depth += 1;
                if st.depth > MAX_DEPTH {
                    ctx.diags.add(rules::XML_TOO_DEEP, Some(line), || {
                        Found::new(format!(
                            "elements are nested more than {MAX_DEPTH} deep here"
                        ))
                        .column(e.name().as_ref().to_string())
                        .fix("an SDMX-ML data message nests about 6 elements deep; export the message again from the SDMX tool")
                    });
                    return;
                }
                if flavour.is_none() {
                    root_line = line;
                    match root_flavour(e.local_name().as_ref()) {
                        Some(f) => flavour = Some(f),
                        None => {
                            let name = e.name().as_ref().to_string();
                            ctx.diags.add(rules::UNKNOWN_FORMAT, Some(line), || {
                                Found::new("the root element is not an SDMX-ML GenericData or StructureSpecificData message")
                                    .column(name.clone())
                                    .value(name)
                                    .fix("export the data as an SDMX-ML 2.1 structure-specific or generic data message, or as SDMX-CSV")
                            });
                            return;
                        }
                    }
                }
                let generic = flavour == Some(Flavour::Generic);
                if !ctx.start(e, line, generic, &mut st) {
                    return;
                }
                if empty && !ctx.end(e.local_name().as_ref(), &mut st) {
                    return;
                }
                if empty {
                    st.depth -= 1;
                }
            }
            Event::End(ref e) => {
                if !ctx.end(e.local_name().as_ref(), &mut st) {
                    return;
                }
                st.depth = st.depth.saturating_sub(1);
            }
            Event::Text(ref t) if st.in_time => {
                ctx.time_text.push_str(&t.xml10_content());
            }
            Event::CData(ref t) if st.in_time => {
                ctx.time_text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(ref r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(Cow::Borrowed),
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => {
                        if st.in_time {
                            ctx.time_text.push_str(&s);
                        }
                    }
                    None => {
                        let line = lines.line(before);
                        bad_xml(
                            line,
                            format!("the entity reference `&{};` is not defined", &**r),
                            ctx.diags,
                        );
                        return;
                    }
                }
            }
            Event::Eof => {
                if st.depth > 0 {
                    bad_xml(
                        lines.line(text.len()),
                        format!("the message ends with {} element(s) still open", st.depth),
                        ctx.diags,
                    );
                    return;
                }
                break;
            }
            _ => {}
        }
    }
    if flavour.is_none() {
        bad_xml(1, "the file has no root element".to_string(), ctx.diags);
        return;
    }
    if ctx.emit.observations == 0 {
        no_data(root_line, ctx.diags);
    }
}

fn bad_xml(line: u64, message: String, diags: &mut Diags) {
    diags.add(rules::BAD_XML, Some(line), || {
        Found::new(format!("the file is not well-formed XML: {message}"))
            .fix("the message is damaged or truncated; download or export it again")
    });
}

impl Ctx<'_, '_, '_> {
    /// Handles an element start; false after a structural problem.
    fn start(&mut self, e: &BytesStart<'_>, line: u64, generic: bool, st: &mut State) -> bool {
        let local = e.local_name();
        let local = local.as_ref();
        if st.dataset.is_none() {
            if local == "DataSet" {
                st.dataset = Some(st.depth);
                self.dataset = Level::new();
                if !generic {
                    return self.attributes(e, line, Target::DataSet);
                }
            }
            return true;
        }
        if st.group.is_some() {
            return true;
        }
        match local {
            "Group" => {
                st.group = Some(st.depth);
                true
            }
            "Series" => {
                st.series = Some(st.depth);
                self.series = Level::new();
                if generic {
                    true
                } else {
                    self.attributes(e, line, Target::Series)
                }
            }
            "Obs" => {
                st.obs = Some((st.depth, line));
                self.obs = Level::new();
                if generic {
                    true
                } else {
                    self.attributes(e, line, Target::Obs)
                }
            }
            _ if !generic => true,
            "Value" => {
                let target = if st.obs.is_some() {
                    Target::Obs
                } else if st.series.is_some() {
                    Target::Series
                } else {
                    Target::DataSet
                };
                let (mut id, mut value) = (None, None);
                for attr in e.attributes() {
                    let Some((key, val)) = self.attribute(attr, line) else {
                        return false;
                    };
                    match key.as_str() {
                        "concept" | "id" => id = Some(val),
                        "value" => value = Some(val),
                        _ => {}
                    }
                }
                if let (Some(c), Some(val)) = (id, value) {
                    self.level(target).set_concept(&c, val);
                }
                true
            }
            "ObsDimension" | "ObsValue" if st.obs.is_some() => {
                let default = if local == "ObsValue" { VALUE } else { PERIOD };
                let (mut id, mut value) = (None, None);
                for attr in e.attributes() {
                    let Some((key, val)) = self.attribute(attr, line) else {
                        return false;
                    };
                    match key.as_str() {
                        "id" | "concept" => id = Some(val),
                        "value" => value = Some(val),
                        _ => {}
                    }
                }
                let (s, c) = id
                    .as_deref()
                    .and_then(concept)
                    .unwrap_or((default, default));
                if let Some(val) = value {
                    self.obs.set(s, val, c);
                }
                true
            }
            "Time" if st.obs.is_some() => {
                st.in_time = true;
                self.time_text.clear();
                true
            }
            _ => true,
        }
    }

    /// Handles an element end; false after a structural problem.
    fn end(&mut self, local: &str, st: &mut State) -> bool {
        let depth = st.depth;
        if st.group == Some(depth) {
            st.group = None;
            return true;
        }
        if st.dataset == Some(depth) {
            st.dataset = None;
            return true;
        }
        if st.in_time && local == "Time" {
            st.in_time = false;
            let t = std::mem::take(&mut self.time_text);
            self.obs.set(PERIOD, t, TIME_COLUMN);
            return true;
        }
        if let Some((d, line)) = st.obs
            && d == depth
        {
            st.obs = None;
            return self.emit.observation(
                [&self.obs, &self.series, &self.dataset],
                line,
                self.diags,
            );
        }
        if st.series == Some(depth) {
            st.series = None;
            // Observations directly in the data set after this series do not inherit from it.
            self.series = Level::new();
        }
        true
    }

    fn level(&mut self, target: Target) -> &mut Level {
        match target {
            Target::DataSet => &mut self.dataset,
            Target::Series => &mut self.series,
            Target::Obs => &mut self.obs,
        }
    }

    /// Key and unescaped value of an attribute; `None` after reporting a malformed or
    /// oversized one.
    fn attribute(
        &mut self,
        attr: Result<
            quick_xml::events::attributes::Attribute<'_>,
            quick_xml::events::attributes::AttrError,
        >,
        line: u64,
    ) -> Option<(String, String)> {
        let attr = match attr {
            Ok(a) => a,
            Err(e) => {
                bad_xml(line, e.to_string(), self.diags);
                return None;
            }
        };
        let key = attr.key.as_ref().to_string();
        if attr.value.len() > MAX_FIELD_BYTES {
            let len = attr.value.len();
            self.diags.add(rules::FIELD_TOO_LARGE, Some(line), || {
                Found::new(format!(
                    "an attribute value of {len} bytes; no value may exceed {} KiB",
                    MAX_FIELD_BYTES / 1024
                ))
                .column(key.clone())
                .fix("footnotes longer than 64 KiB are not supported")
            });
            return None;
        }
        match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => Some((key, v.into_owned())),
            Err(e) => {
                bad_xml(line, format!("attribute `{key}`: {e}"), self.diags);
                None
            }
        }
    }

    /// Takes the concepts among an element's attributes (StructureSpecificData).
    fn attributes(&mut self, e: &BytesStart<'_>, line: u64, target: Target) -> bool {
        for attr in e.attributes() {
            let Some((key, val)) = self.attribute(attr, line) else {
                return false;
            };
            self.level(target).set_concept(&key, val);
        }
        true
    }
}

impl<'v, 'c> Emitter<'v, 'c> {
    pub(crate) fn new(opts: &ReadOptions, v: &'v mut Validator<'c>) -> Self {
        let fallback = |o: &Option<String>| {
            o.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        Emitter {
            names: Columns::new(column_names()),
            fallback_indicator: fallback(&opts.indicator),
            fallback_area: fallback(&opts.area),
            v,
            missing_reported: false,
            observations: 0,
        }
    }

    /// Validates an observation from its levels, innermost first (the innermost value of a
    /// concept wins); false after a structural problem.
    pub(crate) fn observation(
        &mut self,
        levels: [&Level; 3],
        line: u64,
        diags: &mut Diags,
    ) -> bool {
        self.observations += 1;
        let merged: [Option<&(String, usize)>; SLOTS] =
            std::array::from_fn(|i| levels.iter().find_map(|l| l.0[i].as_ref()));
        let cell = |s: usize| merged[s].map(|(t, c)| Cell::new(t.as_str(), At::col(*c)));
        let indicator = cell(INDICATOR).or_else(|| {
            self.fallback_indicator
                .as_deref()
                .map(|t| Cell::new(t, At::Option(Opt::Indicator)))
        });
        let area = cell(AREA).or_else(|| {
            self.fallback_area
                .as_deref()
                .map(|t| Cell::new(t, At::Option(Opt::Area)))
        });
        let (Some(indicator), Some(area), Some(period)) = (indicator, area, cell(PERIOD)) else {
            if !self.missing_reported {
                self.missing_reported = true;
                let missing: Vec<&str> = [
                    (indicator.is_none(), "SERIES"),
                    (area.is_none(), "REF_AREA"),
                    (cell(PERIOD).is_none(), "TIME_PERIOD"),
                ]
                .into_iter()
                .filter(|(m, _)| *m)
                .map(|(_, n)| n)
                .collect();
                let column = missing.join(", ");
                diags.add(rules::MISSING_COLUMN, Some(line), || {
                    Found::new(format!(
                        "the observation has no {column}, neither on itself, its series nor its data set"
                    ))
                    .column(column.clone())
                    .fix("export the message with every dimension in the series key (or pass --indicator / --area)")
                });
            }
            return false;
        };
        // SDMX writes a missing observation value as NaN.
        let value = match cell(VALUE) {
            Some(c) if c.text.trim() == "NaN" => Cell::new("", c.at),
            Some(c) => c,
            None => Cell::new("", At::col(VALUE)),
        };
        let mut c = Candidate::new(line, indicator, area, period, value);
        for (i, slot) in c.dims.iter_mut().enumerate() {
            *slot = cell(DIMS + i);
        }
        for (i, slot) in c.attrs.iter_mut().enumerate() {
            *slot = cell(ATTRS + i);
        }
        self.v.check(&c, &self.names, diags);
        true
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    DataSet,
    Series,
    Obs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concepts_map_to_slots() {
        assert_eq!(slot("SERIES"), Some(INDICATOR));
        assert_eq!(slot("SEX"), Some(DIMS));
        assert_eq!(slot("COMMENT_OBS"), Some(ATTRS + Attr::Footnote.index()));
        assert_eq!(slot("FREQ"), None);
        assert_eq!(slot("REPORTING_TYPE"), None);
        assert_eq!(column_names()[TIME_COLUMN], "Time");
        assert_eq!(column_names()[INDICATOR_COLUMN], "INDICATOR");
        assert_eq!(column_names().len(), SLOTS + 2);
        assert_eq!(concept("INDICATOR"), Some((INDICATOR, INDICATOR_COLUMN)));
        assert_eq!(concept("SERIES"), Some((INDICATOR, INDICATOR)));
        assert_eq!(concept("UNIT_MEASURE"), None);
    }

    #[test]
    fn lines_of_offsets() {
        let l = Lines::new("a\nbc\n\nd");
        assert_eq!(l.line(0), 1);
        assert_eq!(l.line(1), 1);
        assert_eq!(l.line(2), 2);
        assert_eq!(l.line(5), 3);
        assert_eq!(l.line(6), 4);
    }

    #[test]
    fn root_names_are_found_after_prolog() {
        let head = "<?xml version=\"1.0\"?>\n<!-- c -->\n<m:GenericData xmlns:m=\"x\"><m:Header>";
        assert_eq!(root_local_name(head).as_deref(), Some("GenericData"));
        assert_eq!(root_local_name("indicator,area\n"), None);
    }
}
