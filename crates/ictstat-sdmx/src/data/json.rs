//! SDMX-JSON data, 1.0 (what sdmx1 reads) and 2.0 (the REST 2.x default, schema-valid).
//!
//! Both versions list the distinct values of every component in `structure` and key the data
//! by their positions, so the rows are walked twice: once to collect the values, once to write
//! the data set. They differ only in the envelope and in how `structure` describes components;
//! the data set itself is written by the same code.
//!
//! A component is listed only when the message holds a value for it: the 2.0 schema requires
//! non-empty `values`, and sdmx1 drops a valueless attribute from its list, which would shift
//! the positions of the attributes after it.

use std::borrow::Cow;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::layout::Layout;
use super::values::Values;
use super::walk::{Series, Visitor, walk};
use super::write_number;
use crate::model::{AttachmentLevel, CONCEPTS, KEY_DIMENSIONS, OBS_VALUE, TIME_PERIOD, attr};
use crate::row::DataRow;

/// The SDMX-JSON version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// 1.0 (SDMX 2.1), as sdmx1 reads it: `header`, `structure` and `dataSets` at the top.
    V1,
    /// 2.0 (SDMX 3.0): `meta` and `data`.
    V2,
}

const SCHEMA_2: &str = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json";

/// Position of TIME_PERIOD among the dimensions (after the key dimensions).
const TIME: usize = KEY_DIMENSIONS.len();

pub(crate) fn write<'a, I>(
    version: Version,
    layout: &Layout<'_>,
    rows: I,
    out: &mut impl Write,
) -> io::Result<()>
where
    I: Iterator<Item = DataRow<'a>> + Clone,
{
    let mut index = Index::default();
    walk(
        layout,
        rows.clone(),
        &mut Collect {
            layout,
            index: &mut index,
        },
    )?;
    index.number();
    let levels = Levels::new(layout, &index);
    let structure = structure(version, layout, &index, &levels);
    start(version, layout, &structure, out)?;
    out.write_all(if layout.flat {
        b"\"observations\":{"
    } else {
        b"\"series\":{"
    })?;
    let mut body = Body {
        layout,
        index: &index,
        levels: &levels,
        out,
        first_series: true,
        first_obs: true,
    };
    walk(layout, rows, &mut body)?;
    out.write_all(match version {
        Version::V1 => b"}}]}\n",
        Version::V2 => b"}}]}}\n",
    })
}

/// Everything before the data set's `series` or `observations`.
fn start(
    version: Version,
    layout: &Layout<'_>,
    structure: &Value,
    out: &mut impl Write,
) -> io::Result<()> {
    let msg = layout.msg;
    let sender = json!({"id": msg.header.sender, "name": msg.registry.config.agency_name});
    let flow_link =
        json!([{"urn": msg.flow.r#ref.urn("datastructure.Dataflow"), "rel": "dataflow"}]);
    match version {
        Version::V1 => {
            let header = json!({"id": msg.header.id, "test": false,
                "prepared": msg.header.prepared, "sender": sender});
            write!(out, "{{\"header\":{header},\"structure\":{structure},")?;
            out.write_all(b"\"dataSets\":[{\"action\":\"Information\",")
        }
        Version::V2 => {
            let meta = json!({"schema": SCHEMA_2, "id": msg.header.id, "test": false,
                "prepared": msg.header.prepared, "contentLanguages": ["en"], "sender": sender});
            write!(
                out,
                "{{\"meta\":{meta},\"data\":{{\"structures\":[{structure}],"
            )?;
            write!(
                out,
                "\"dataSets\":[{{\"structure\":0,\"action\":\"Information\",\"links\":{flow_link},"
            )
        }
    }
}

/// The distinct values of the dimensions (key dimensions, then TIME_PERIOD) and attributes.
#[derive(Default)]
struct Index<'a> {
    dims: [Values<'a>; TIME + 1],
    attrs: [Values<'a>; attr::COUNT],
}

impl Index<'_> {
    fn number(&mut self) {
        self.dims
            .iter_mut()
            .chain(&mut self.attrs)
            .for_each(Values::number);
    }
}

/// The first pass: collects the values the second will refer to.
struct Collect<'i, 'l, 'm, 'a> {
    layout: &'l Layout<'m>,
    index: &'i mut Index<'a>,
}

impl<'a> Visitor<'a> for Collect<'_, '_, '_, 'a> {
    fn series(&mut self, s: &Series<'a>) -> io::Result<()> {
        for (i, values) in self.index.dims[..TIME].iter_mut().enumerate() {
            values.insert(Cow::Borrowed(s.first.dim(i)));
        }
        for &i in &self.layout.attributes {
            if let Some(v) = s.attr(i) {
                self.index.attrs[i].insert(Cow::Owned(v.to_owned()));
            }
        }
        Ok(())
    }

    fn obs(&mut self, _s: &Series<'a>, row: &DataRow<'a>) -> io::Result<()> {
        self.index.dims[TIME].insert(Cow::Borrowed(row.period));
        for &i in &self.layout.attributes {
            if !self.layout.is_series_attribute(i)
                && let Some(v) = row.attribute(i, self.layout.msg.catalog)
            {
                self.index.attrs[i].insert(v);
            }
        }
        Ok(())
    }
}

/// The components listed at each level, in DSD order: those the message has values for.
struct Levels {
    series_dims: Vec<usize>,
    obs_dims: Vec<usize>,
    series_attrs: Vec<usize>,
    obs_attrs: Vec<usize>,
}

impl Levels {
    fn new(layout: &Layout<'_>, index: &Index<'_>) -> Levels {
        let dims =
            |range: std::ops::Range<usize>| range.filter(|&i| !index.dims[i].is_empty()).collect();
        let attrs = |list: &[usize]| {
            list.iter()
                .copied()
                .filter(|&i| !index.attrs[i].is_empty())
                .collect()
        };
        Levels {
            series_dims: dims(if layout.flat { 0..0 } else { 0..TIME }),
            obs_dims: dims(if layout.flat {
                0..TIME + 1
            } else {
                TIME..TIME + 1
            }),
            series_attrs: attrs(&layout.series_level),
            obs_attrs: attrs(&layout.obs_level),
        }
    }
}

/// The `structure` object (1.0) or `data.structures[0]` (2.0).
fn structure(version: Version, layout: &Layout<'_>, index: &Index<'_>, levels: &Levels) -> Value {
    let msg = layout.msg;
    let registry = msg.registry;
    let dsd = &registry.dsd;
    let code_name = |codelist: &str, id: &str| {
        registry
            .codelist(codelist)
            .and_then(|c| c.codes.iter().find(|c| c.id == id))
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    };
    let concept = |id: &'static str| CONCEPTS.iter().find(|c| c.id == id).map_or(id, |c| c.name);
    let dimension = |&i: &usize| {
        let (id, codelist) = match dsd.dimensions.get(i) {
            Some(d) => (d.id, Some(d.codelist)),
            None => (TIME_PERIOD, None),
        };
        let values: Vec<Value> = index.dims[i]
            .iter()
            .map(|v| json!({"id": v, "name": codelist.map_or_else(|| v.to_string(), |c| code_name(c, v))}))
            .collect();
        json!({"id": id, "name": concept(id), "keyPosition": i, "values": values})
    };
    let attribute = |&i: &usize| {
        let a = layout.attribute(i);
        let values: Vec<Value> = index.attrs[i]
            .iter()
            .map(|v| match (a.codelist, version) {
                (Some(c), _) => json!({"id": v, "name": code_name(c, v)}),
                (None, Version::V1) => json!({"name": v}),
                (None, Version::V2) => json!({"value": v}),
            })
            .collect();
        let relationship = match (a.level, version) {
            (AttachmentLevel::Series, _) => json!({"dimensions": KEY_DIMENSIONS}),
            (AttachmentLevel::Observation, Version::V1) => json!({"primaryMeasure": OBS_VALUE}),
            (AttachmentLevel::Observation, Version::V2) => json!({"observation": {}}),
        };
        json!({"id": a.id, "name": concept(a.id), "relationship": relationship, "values": values})
    };
    let list = |ids: &[usize], f: &dyn Fn(&usize) -> Value| ids.iter().map(f).collect::<Vec<_>>();
    let mut s = json!({
        "links": [
            {"urn": msg.flow.r#ref.urn("datastructure.Dataflow"), "rel": "dataflow"},
            {"urn": dsd.r#ref.urn("datastructure.DataStructure"), "rel": "datastructure"},
        ],
        "name": msg.flow.name,
        "dimensions": {
            "dataSet": [],
            "series": list(&levels.series_dims, &dimension),
            "observation": list(&levels.obs_dims, &dimension),
        },
        "attributes": {
            "dataSet": [],
            "series": list(&levels.series_attrs, &attribute),
            "observation": list(&levels.obs_attrs, &attribute),
        },
    });
    if version == Version::V2 {
        s["measures"] = json!({"observation": [{"id": OBS_VALUE, "name": concept(OBS_VALUE)}]});
        s["dataSets"] = json!([0]);
    }
    s
}

/// The second pass: writes the data set's `series` or `observations` members.
struct Body<'x, 'm, 'a, W> {
    layout: &'x Layout<'m>,
    index: &'x Index<'a>,
    levels: &'x Levels,
    out: &'x mut W,
    first_series: bool,
    first_obs: bool,
}

impl<W: Write> Body<'_, '_, '_, W> {
    /// A member name: the positions of the row's values of `dims`, `:`-separated.
    fn key(&mut self, dims: &[usize], row: &DataRow<'_>) -> io::Result<()> {
        self.out.write_all(b"\"")?;
        for (n, &i) in dims.iter().enumerate() {
            let value = if i == TIME { row.period } else { row.dim(i) };
            if n > 0 {
                self.out.write_all(b":")?;
            }
            write!(self.out, "{}", self.index.dims[i].index(value))?;
        }
        self.out.write_all(b"\"")
    }

    /// Attribute positions as array elements, `null` for no value, trailing `null`s dropped;
    /// `after_first` says whether the array already has an element (the observation value).
    fn attributes<'v>(
        &mut self,
        mut after_first: bool,
        values: impl Iterator<Item = (usize, Option<Cow<'v, str>>)>,
    ) -> io::Result<()> {
        let mut nulls = 0;
        for (i, value) in values {
            let Some(value) = value else {
                nulls += 1;
                continue;
            };
            for _ in 0..std::mem::take(&mut nulls) {
                self.out
                    .write_all(if after_first { b",null" } else { b"null" })?;
                after_first = true;
            }
            if after_first {
                self.out.write_all(b",")?;
            }
            after_first = true;
            write!(self.out, "{}", self.index.attrs[i].index(&value))?;
        }
        Ok(())
    }
}

impl<'a, W: Write> Visitor<'a> for Body<'_, '_, 'a, W> {
    fn series(&mut self, s: &Series<'a>) -> io::Result<()> {
        if self.layout.flat {
            return Ok(());
        }
        if !std::mem::take(&mut self.first_series) {
            self.out.write_all(b",")?;
        }
        let levels = self.levels;
        self.key(&levels.series_dims, &s.first)?;
        self.out.write_all(b":{\"attributes\":[")?;
        let values = levels
            .series_attrs
            .iter()
            .map(|&i| (i, s.attr(i).map(Cow::Borrowed)));
        self.attributes(false, values)?;
        self.out.write_all(b"]")?;
        if self.layout.msg.detail.observations {
            self.out.write_all(b",\"observations\":{")?;
            self.first_obs = true;
        }
        Ok(())
    }

    fn obs(&mut self, s: &Series<'a>, row: &DataRow<'a>) -> io::Result<()> {
        if !std::mem::take(&mut self.first_obs) {
            self.out.write_all(b",")?;
        }
        let levels = self.levels;
        self.key(&levels.obs_dims, row)?;
        self.out.write_all(b":[")?;
        match row.value.filter(|v| !v.is_nan()) {
            Some(v) => write_number(self.out, v)?,
            None => self.out.write_all(b"null")?,
        }
        let layout = self.layout;
        let values = levels
            .obs_attrs
            .iter()
            .map(|&i| (i, layout.value(i, s, row)));
        self.attributes(true, values)?;
        self.out.write_all(b"]")
    }

    fn end_series(&mut self, _s: &Series<'a>) -> io::Result<()> {
        if self.layout.flat {
            return Ok(());
        }
        if self.layout.msg.detail.observations {
            self.out.write_all(b"}")?;
        }
        self.out.write_all(b"}\n")
    }
}
