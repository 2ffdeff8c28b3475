//! SDMX-JSON data messages: 1.0 (`header`, `structure`, `dataSets` at the top; also the
//! `meta` + `data.{structure, dataSets}` envelope of .Stat Suite) and 2.0 (`meta`,
//! `data.structures[]`, `data.dataSets[]` with a `structure` index).
//!
//! A data set holds `series` (key `"0:1:2"` = indexes into the values of the series-level
//! dimensions, in the order of the `dimensions.series` array) with `attributes` and
//! `observations` (key = indexes of the observation-level dimensions, value `[measure…,
//! attribute…]`), or flat `observations` keyed by every non-data-set dimension. Components
//! with `values` are referenced by index; without `values` the value is inline.
//!
//! Every observation becomes a candidate through the same [`Emitter`] as SDMX-ML: concepts
//! are mapped by id ([`crate::sdmx_ml::concept`]), the data set, series and observation levels
//! combine with the innermost winning, and the shared [`Validator`] checks it. A diagnostic's
//! line is the line where the observation's array starts and its column the concept with the
//! JSON path of the observation: `OBS_VALUE (data.dataSets[0].series["0:1"].observations["3"])`.
//!
//! serde_json refuses nesting deeper than 128 arrays/objects in the parts it parses
//! (`json-too-deep`) and skips the parts the reader ignores without recursing, so a nesting
//! bomb cannot exhaust the stack. A data set with `action: Delete` is refused.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::diag::{Diags, Found};
use crate::sdmx_ml::{Emitter, Level, Lines};
use crate::text::MAX_FIELD_BYTES;
use crate::validate::Validator;
use crate::{ReadOptions, no_data, rules};

/// True when the bytes are a JSON object that looks like an SDMX-JSON data message:
/// `dataSets` and `structure`/`structures`, at the top or in `data`, or a `meta.schema` URL
/// of the SDMX-JSON data message schema.
pub(crate) fn sniff(body: &[u8]) -> bool {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return false;
    }
    let mut seen = Seen::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    // A message cut or broken after its top-level keys is still recognised (and then read
    // with a positioned `bad-json`); an object nested past serde_json's recursion limit is
    // taken as SDMX-JSON too, so that the reader reports `json-too-deep`.
    let too_deep = Sniff {
        seen: &mut seen,
        top: true,
    }
    .deserialize(&mut de)
    .is_err_and(|e| is_too_deep(&e));
    too_deep || seen.schema || (seen.data_sets && seen.structure)
}

#[derive(Default)]
struct Seen {
    data_sets: bool,
    structure: bool,
    schema: bool,
}

/// Visits the keys of the top-level object (and of `data` and `meta`), skipping values.
struct Sniff<'s> {
    seen: &'s mut Seen,
    top: bool,
}

impl<'de> DeserializeSeed<'de> for Sniff<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Sniff<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "dataSets" => {
                    self.seen.data_sets = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "structure" | "structures" => {
                    self.seen.structure = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "data" if self.top => map.next_value_seed(Sniff {
                    seen: &mut *self.seen,
                    top: false,
                })?,
                "meta" if self.top => {
                    let meta: MetaSchema = map.next_value()?;
                    let s = meta.schema.unwrap_or_default();
                    self.seen.schema |= s.contains("sdmx-json")
                        && (s.contains("data-message") || s.contains("data-schema"));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if self.seen.data_sets && self.seen.structure || self.seen.schema {
                return Ok(());
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct MetaSchema {
    #[serde(default)]
    schema: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The message, with the parts holding observations kept as raw JSON (for their position).

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow, default)]
    data: Option<Body<'a>>,
    #[serde(rename = "dataSets", borrow, default)]
    data_sets: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    structure: Option<Structure>,
    #[serde(default)]
    structures: Option<Vec<Structure>>,
    #[serde(default)]
    errors: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct Body<'a> {
    #[serde(rename = "dataSets", borrow, default)]
    data_sets: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    structure: Option<Structure>,
    #[serde(default)]
    structures: Option<Vec<Structure>>,
}

#[derive(Deserialize, Default)]
struct Structure {
    #[serde(default)]
    dimensions: Option<Components>,
    #[serde(default)]
    attributes: Option<Components>,
    #[serde(default)]
    measures: Option<Components>,
}

#[derive(Deserialize, Default)]
struct Components {
    #[serde(rename = "dataSet", default)]
    data_set: Option<Vec<Component>>,
    #[serde(default)]
    series: Option<Vec<Component>>,
    #[serde(default)]
    observation: Option<Vec<Component>>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(default)]
    id: String,
    #[serde(default)]
    values: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct DataSet<'a> {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    structure: Option<usize>,
    #[serde(default)]
    attributes: Option<Vec<Value>>,
    #[serde(borrow, default)]
    series: Option<Ordered<'a>>,
    #[serde(borrow, default)]
    observations: Option<Ordered<'a>>,
}

#[derive(Deserialize)]
struct Series<'a> {
    #[serde(default)]
    attributes: Option<Vec<Value>>,
    #[serde(borrow, default)]
    observations: Option<Ordered<'a>>,
}

/// The entries of a JSON object in file order, values kept raw.
struct Ordered<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Ordered<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Ordered<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of keys to series or observations")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'a RawValue>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A component resolved for reading: its concept id and the text of each of its values
/// (`None` when the values are inline).
struct Comp {
    id: String,
    values: Option<Vec<String>>,
}

impl Comp {
    fn new(c: &Component) -> Self {
        Comp {
            id: c.id.clone(),
            values: c
                .values
                .as_ref()
                .map(|vs| vs.iter().map(value_text).collect()),
        }
    }

    fn obs_value() -> Self {
        Comp {
            id: "OBS_VALUE".to_string(),
            values: None,
        }
    }
}

/// The text of an entry of a component's `values`: its `id`, else its `value` (2.0
/// non-coded attributes), else its `name` (1.0 non-coded attributes).
fn value_text(v: &Value) -> String {
    match v {
        Value::Object(o) => ["id", "value", "name"]
            .iter()
            .find_map(|k| o.get(*k).filter(|x| !x.is_null()))
            .map(inline_text)
            .unwrap_or_default(),
        other => inline_text(other),
    }
}

/// The text of an inline value: strings as they are, numbers as JSON writes them, a
/// multilingual object by its English (else first) text.
fn inline_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Object(o) => o
            .get("en")
            .or_else(|| o.values().next())
            .map(inline_text)
            .unwrap_or_default(),
        other => other.to_string(),
    }
}

/// The components of one structure at the three levels.
struct Layout {
    ds_dims: Vec<Comp>,
    series_dims: Vec<Comp>,
    obs_dims: Vec<Comp>,
    ds_attrs: Vec<Comp>,
    series_attrs: Vec<Comp>,
    obs_attrs: Vec<Comp>,
    measures: Vec<Comp>,
}

impl Layout {
    fn new(s: &Structure) -> Self {
        let level = |c: &Option<Components>, f: fn(&Components) -> &Option<Vec<Component>>| {
            c.as_ref()
                .and_then(|c| f(c).as_ref())
                .map(|v| v.iter().map(Comp::new).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let mut measures = level(&s.measures, |c| &c.observation);
        if measures.is_empty() {
            measures.push(Comp::obs_value());
        }
        Layout {
            ds_dims: level(&s.dimensions, |c| &c.data_set),
            series_dims: level(&s.dimensions, |c| &c.series),
            obs_dims: level(&s.dimensions, |c| &c.observation),
            ds_attrs: level(&s.attributes, |c| &c.data_set),
            series_attrs: level(&s.attributes, |c| &c.series),
            obs_attrs: level(&s.attributes, |c| &c.observation),
            measures,
        }
    }
}

struct Ctx<'t, 'r, 'v, 'c> {
    text: &'t str,
    lines: Lines,
    emit: Emitter<'v, 'c>,
    diags: &'r mut Diags,
}

/// Reads an SDMX-JSON data message.
pub(crate) fn read(text: &str, opts: &ReadOptions, v: &mut Validator<'_>, diags: &mut Diags) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut ctx = Ctx {
        text,
        lines: Lines::new(text),
        emit: Emitter::new(opts, v),
        diags,
    };
    // "No data" only when nothing else explains it: a message whose every observation was
    // refused already says why.
    if ctx.message() && ctx.emit.observations == 0 && ctx.diags.report.errors == 0 {
        no_data(1, ctx.diags);
    }
}

impl<'t> Ctx<'t, '_, '_, '_> {
    /// Reads the whole message; false after a structural problem.
    fn message(&mut self) -> bool {
        let text = self.text;
        let root: Root<'t> = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                self.json_error(&e, 1, "the message");
                return false;
            }
        };
        let (prefix, data_sets, structure, structures) = match root.data {
            Some(b) => ("data.", b.data_sets, b.structure, b.structures),
            None => ("", root.data_sets, root.structure, root.structures),
        };
        let Some(data_sets) = data_sets else {
            if let Some(errors) = root.errors {
                let first = errors.first().map(error_text).unwrap_or_default();
                self.shape(
                    1,
                    "errors",
                    format!(
                        "the message carries {} error(s) instead of data: {first}",
                        errors.len()
                    ),
                    "the SDMX service refused the query; fix the query, or export the data again",
                );
            } else {
                self.diags.add(rules::UNKNOWN_FORMAT, Some(1), || {
                    Found::new("the JSON file is not an SDMX-JSON data message: it has no `dataSets`")
                        .fix("export the data as an SDMX-JSON data message (1.0 or 2.0), SDMX-ML or SDMX-CSV")
                });
            }
            return false;
        };
        let structures: Vec<Structure> = match (structures, structure) {
            (Some(s), _) => s,
            (None, Some(s)) => vec![s],
            (None, None) => {
                let column = format!("{prefix}structure");
                self.shape(1, &column, "the message has `dataSets` but no `structure` (1.0) or `structures` (2.0) to decode their keys".to_string(), "export the message again with its structure (SDMX-JSON data messages always carry one)");
                return false;
            }
        };
        let layouts: Vec<Layout> = structures.iter().map(Layout::new).collect();
        // Parse every data set first: a deletion anywhere refuses the whole file.
        let mut sets = Vec::with_capacity(data_sets.len());
        for (i, raw) in data_sets.iter().enumerate() {
            let path = format!("{prefix}dataSets[{i}]");
            let Some(ds) = self.parse::<DataSet<'t>>(raw, &path) else {
                return false;
            };
            sets.push((path, self.line_of(raw), ds));
        }
        let mut deletes = false;
        for (path, line, ds) in &sets {
            if let Some(action) = ds
                .action
                .as_deref()
                .filter(|a| a.eq_ignore_ascii_case("delete"))
            {
                deletes = true;
                let column = format!("{path}.action");
                self.diags.add(rules::SDMX_DELETE_UNSUPPORTED, Some(*line), || {
                    Found::new("the data set deletes observations (`action: Delete`); ictstat does not delete through imports, and reading the deleted keys as values would import them")
                        .column(column)
                        .value(action)
                        .fix("delete the observations in ictstat itself, or export the data set with action Information, Append or Replace")
                });
            }
        }
        if deletes {
            return false;
        }
        for (path, line, ds) in &sets {
            let index = ds.structure.unwrap_or(0);
            let Some(layout) = layouts.get(index) else {
                let n = layouts.len();
                self.reference(
                    *line,
                    format!("{path}.structure"),
                    index.to_string(),
                    format!("the data set refers to structure {index}, but the message has {n}"),
                );
                return false;
            };
            if !self.data_set(path, *line, ds, layout) {
                return false;
            }
        }
        true
    }

    fn data_set(&mut self, path: &str, line: u64, ds: &DataSet<'t>, layout: &Layout) -> bool {
        let mut level = Level::new();
        for dim in &layout.ds_dims {
            if let Some(v) = dim.values.as_ref().and_then(|v| v.first())
                && !self.put(&mut level, &dim.id, v.clone(), line, path)
            {
                return false;
            }
        }
        if let Some(attrs) = &ds.attributes
            && !self.attributes(
                &mut level,
                &layout.ds_attrs,
                attrs,
                line,
                &format!("{path}.attributes"),
            )
        {
            return false;
        }
        let empty = Level::new();
        if let Some(series) = &ds.series {
            for (key, raw) in &series.0 {
                let spath = format!("{path}.series[{}]", quoted(key));
                let sline = self.line_of(raw);
                // A bad series is reported and skipped; the others are still read and reported.
                let Some(s) = self.parse::<Series<'t>>(raw, &spath) else {
                    continue;
                };
                let mut slevel = Level::new();
                if !self.key(&mut slevel, &layout.series_dims, key, sline, &spath) {
                    continue;
                }
                if let Some(attrs) = &s.attributes
                    && !self.attributes(
                        &mut slevel,
                        &layout.series_attrs,
                        attrs,
                        sline,
                        &format!("{spath}.attributes"),
                    )
                {
                    continue;
                }
                if let Some(obs) = &s.observations
                    && !self.observations(&spath, obs, layout, [&slevel, &level])
                {
                    return false;
                }
            }
        }
        if let Some(obs) = &ds.observations
            && !self.observations(path, obs, layout, [&empty, &level])
        {
            return false;
        }
        true
    }

    fn observations(
        &mut self,
        parent: &str,
        obs: &Ordered<'t>,
        layout: &Layout,
        outer: [&Level; 2],
    ) -> bool {
        let mut opath = String::new();
        // A problem with one observation is reported and the others are still read, so the
        // report lists everything that does not map (a fatal rule still refuses the file).
        'observations: for (key, raw) in &obs.0 {
            opath.clear();
            let _ = write!(opath, "{parent}.observations[{}]", quoted(key));
            let line = self.line_of(raw);
            let Some(values) = self.parse::<Vec<Value>>(raw, &opath) else {
                continue;
            };
            let mut level = Level::new();
            if !self.key(&mut level, &layout.obs_dims, key, line, &opath) {
                continue;
            }
            let (measures, attrs) = values.split_at(values.len().min(layout.measures.len()));
            let single = layout.measures.len() == 1;
            for (m, v) in layout.measures.iter().zip(measures) {
                let Some(text) = self.resolve(m, v, line, &opath) else {
                    continue 'observations;
                };
                if let Some(text) = text {
                    if single || Level::is_value(&m.id) {
                        if !self.check_size(&m.id, &text, line, &opath) {
                            continue 'observations;
                        }
                        level.set_value(text);
                    } else if !self.put(&mut level, &m.id, text, line, &opath) {
                        continue 'observations;
                    }
                }
            }
            if !self.attributes(&mut level, &layout.obs_attrs, attrs, line, &opath) {
                continue;
            }
            self.emit.names.location.clear();
            self.emit.names.location.push_str(&opath);
            let ok = self
                .emit
                .observation([&level, outer[0], outer[1]], line, self.diags);
            self.emit.names.location.clear();
            if !ok {
                return false;
            }
        }
        true
    }

    /// Sets the dimensions of a `:`-separated key of indexes.
    fn key(&mut self, level: &mut Level, dims: &[Comp], key: &str, line: u64, path: &str) -> bool {
        let parts: Vec<&str> = if key.is_empty() && dims.is_empty() {
            Vec::new()
        } else {
            key.split(':').collect()
        };
        if parts.len() != dims.len() {
            let ids: Vec<&str> = dims.iter().map(|d| d.id.as_str()).collect();
            self.reference(line, path.to_string(), key.to_string(), format!("the key has {} part(s) but the structure has {} dimension(s) at this level ({})", parts.len(), dims.len(), ids.join(", ")));
            return false;
        }
        for (i, (part, dim)) in parts.iter().zip(dims).enumerate() {
            let values = dim.values.as_deref().unwrap_or(&[]);
            let Some(text) = part.parse::<usize>().ok().and_then(|n| values.get(n)) else {
                self.reference(line, path.to_string(), key.to_string(), format!("part {} of the key (`{part}`) is not an index into the {} value(s) of dimension {}", i + 1, values.len(), dim.id));
                return false;
            };
            if !self.put(level, &dim.id, text.clone(), line, path) {
                return false;
            }
        }
        true
    }

    /// Sets attributes from an array of indexes (or inline values) in component order.
    fn attributes(
        &mut self,
        level: &mut Level,
        comps: &[Comp],
        values: &[Value],
        line: u64,
        path: &str,
    ) -> bool {
        for (comp, v) in comps.iter().zip(values) {
            let Some(text) = self.resolve(comp, v, line, path) else {
                return false;
            };
            if let Some(text) = text
                && !self.put(level, &comp.id, text, line, path)
            {
                return false;
            }
        }
        true
    }

    /// The text of one element of an observation or attribute array: `Some(None)` for null,
    /// `None` after reporting a bad index.
    fn resolve(&mut self, comp: &Comp, v: &Value, line: u64, path: &str) -> Option<Option<String>> {
        if v.is_null() {
            return Some(None);
        }
        let Some(values) = &comp.values else {
            return Some(Some(inline_text(v)));
        };
        match v
            .as_u64()
            .and_then(|i| values.get(usize::try_from(i).ok()?))
        {
            Some(t) => Some(Some(t.clone())),
            None => {
                let n = values.len();
                self.reference(
                    line,
                    path.to_string(),
                    v.to_string(),
                    format!(
                        "{} refers to value {v} of component {}, which has {n} value(s)",
                        path, comp.id
                    ),
                );
                None
            }
        }
    }

    /// Sets a concept on a level after the size check.
    fn put(&mut self, level: &mut Level, id: &str, text: String, line: u64, path: &str) -> bool {
        if !self.check_size(id, &text, line, path) {
            return false;
        }
        level.set_concept(id, text);
        true
    }

    fn check_size(&mut self, id: &str, text: &str, line: u64, path: &str) -> bool {
        if text.len() <= MAX_FIELD_BYTES {
            return true;
        }
        let len = text.len();
        self.diags.add(rules::FIELD_TOO_LARGE, Some(line), || {
            Found::new(format!(
                "a value of {len} bytes; no value may exceed {} KiB",
                MAX_FIELD_BYTES / 1024
            ))
            .column(format!("{id} ({path})"))
            .fix("footnotes longer than 64 KiB are not supported")
        });
        false
    }

    /// Deserializes a raw part of the message; `None` after reporting.
    fn parse<T: Deserialize<'t>>(&mut self, raw: &'t RawValue, path: &str) -> Option<T> {
        match serde_json::from_str(raw.get()) {
            Ok(v) => Some(v),
            Err(e) => {
                let base = self.line_of(raw);
                self.json_error(&e, base, path);
                None
            }
        }
    }

    /// Reports a serde_json error of the text starting on line `base`.
    fn json_error(&mut self, e: &serde_json::Error, base: u64, path: &str) {
        let line = base + (e.line() as u64).saturating_sub(1);
        let message = e.to_string();
        let column = format!("column {}", e.column());
        if is_too_deep(e) {
            self.diags.add(rules::JSON_TOO_DEEP, Some(line), || {
                Found::new("arrays and objects are nested more than 128 deep here")
                    .column(column)
                    .fix("an SDMX-JSON data message nests about 8 levels deep; export the message again from the SDMX tool")
            });
        } else if e.is_data() {
            let path = path.to_string();
            self.shape(
                line,
                &path,
                format!("{path} is not shaped like SDMX-JSON: {message}"),
                "export the message again as an SDMX-JSON 1.0 or 2.0 data message",
            );
        } else {
            self.diags.add(rules::BAD_JSON, Some(line), || {
                Found::new(format!("the file is not well-formed JSON: {message}"))
                    .column(column)
                    .fix("the message is damaged or truncated; download or export it again")
            });
        }
    }

    fn shape(&mut self, line: u64, column: &str, message: String, fix: &str) {
        self.diags.add(rules::BAD_SDMX_JSON, Some(line), || {
            Found::new(message).column(column).fix(fix)
        });
    }

    fn reference(&mut self, line: u64, column: String, value: String, message: String) {
        self.diags.add(rules::SDMX_BAD_REFERENCE, Some(line), || {
            Found::new(message).column(column).value(value).fix(
                "the message does not match its own structure; export it again from the SDMX tool",
            )
        });
    }

    /// The line where a raw part of the message starts.
    fn line_of(&self, raw: &RawValue) -> u64 {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        self.lines.line(offset.min(self.text.len()))
    }
}

/// True for serde_json's recursion limit error (128 nested arrays/objects); serde_json has
/// no error category for it.
fn is_too_deep(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}

/// A key as it is written in a JSON path: `"0:1"`.
fn quoted(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}

/// The text of an SDMX-JSON error object (`{code, title, detail}`, 1.0 `message`).
fn error_text(e: &Value) -> String {
    let text = ["detail", "title", "message"]
        .iter()
        .find_map(|k| e.get(*k).map(inline_text).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| e.to_string());
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_data_messages_only() {
        assert!(sniff(br#"{"header":{},"structure":{},"dataSets":[]}"#));
        assert!(sniff(
            br#" {"meta":{},"data":{"structures":[],"dataSets":[{"#
        ));
        assert!(sniff(
            br#"{"meta":{"schema":"https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json"}"#
        ));
        assert!(!sniff(
            br#"{"meta":{"schema":"https://x/structure-message/tools/schemas/2.0.0/sdmx-json-structure-schema.json"},"data":{"dataflows":[]}}"#
        ));
        assert!(!sniff(br#"{"dataSets":[]}"#));
        assert!(!sniff(b"[1,2]"));
        assert!(!sniff(b"indicator,area\n"));
    }

    #[test]
    fn values_resolve_to_their_text() {
        let v: Value = serde_json::from_str(
            r#"[{"id":"A","name":"x"},{"value":"text"},{"name":"NZD"},{"name":{"fr":"f","en":"e"}},{"value":3}]"#,
        )
        .unwrap();
        let texts: Vec<String> = v.as_array().unwrap().iter().map(value_text).collect();
        assert_eq!(texts, ["A", "text", "NZD", "e", "3"]);
        assert_eq!(quoted("0:1"), "\"0:1\"");
    }
}
