//! Availability: the actual content constraint answering `/availableconstraint` (REST 1.5,
//! SDMX-ML 2.1) and `/availability` (REST 2.x, SDMX-JSON 2.0).
//!
//! The caller computes which codes the matching data uses; this module only writes them. The
//! counts travel as FMR-style `sdmx_metrics` annotations (`id` = `obs_count`/`series_count`,
//! the number in the title), which is where pysdmx looks for them.

use std::io::{self, Write};

use serde::Serialize;

use super::json2;
use super::ml21;
use super::parts::{self, CONTENT_CONSTRAINT, Class, DATA_CONSTRAINT, DATAFLOW, Head};
use super::select::{Detail, Selection};
use crate::Header;
use crate::model::{Dataflow, Ref, Registry, TIME_PERIOD};
use crate::xml::text;

/// What data a query would return, per dimension.
#[derive(Debug, Clone)]
pub struct Availability<'a> {
    /// The dataflow the constraint is attached to.
    pub dataflow: &'a Dataflow,
    /// Per key dimension (0-based index into the DSD's dimensions, TIME_PERIOD excluded), the
    /// codes present. Dimensions without codes are left out of the cube.
    pub cube: Vec<(usize, Vec<String>)>,
    /// The first and last periods present.
    pub time: Option<(String, String)>,
    pub obs_count: usize,
    pub series_count: usize,
}

impl Availability<'_> {
    /// The constraint's identity: `CC_<dataflow>` under the dataflow's agency and version.
    fn r#ref(&self) -> Ref {
        parts::sibling(
            &self.dataflow.r#ref,
            &format!("CC_{}", self.dataflow.r#ref.id),
        )
    }

    fn name(&self) -> String {
        format!("Data available in {}", self.dataflow.name)
    }

    /// `(annotation id, count)` pairs written as `sdmx_metrics` annotations.
    fn metrics(&self) -> [(&'static str, usize); 2] {
        [
            ("series_count", self.series_count),
            ("obs_count", self.obs_count),
        ]
    }

    /// Dimension ids and their codes, in DSD order, skipping empty ones.
    fn key_values<'r>(
        &'r self,
        registry: &'r Registry,
    ) -> impl Iterator<Item = (&'r str, &'r [String])> {
        self.cube
            .iter()
            .filter(|(_, codes)| !codes.is_empty())
            .filter_map(|(i, codes)| Some((registry.dsd.dimensions.get(*i)?.id, codes.as_slice())))
    }
}

/// Writes an SDMX-ML 2.1 Structure message with the constraint, after the artefacts of `sel`
/// (pass `&Selection::default()` for none; `references=codelist` etc. fill it).
pub fn write_availability_xml(
    a: &Availability,
    sel: &Selection,
    registry: &Registry,
    header: &Header,
    out: &mut dyn Write,
) -> io::Result<()> {
    ml21::open(out, registry, header)?;
    ml21::structures(out, sel, registry)?;
    let r = a.r#ref();
    let name = a.name();
    let head = head(CONTENT_CONSTRAINT, &r, &name);
    out.write_all(b"<structure:Constraints>")?;
    ml21::start_tag(out, &head, " type=\"Actual\"")?;
    out.write_all(b"<common:Annotations>")?;
    for (id, n) in a.metrics() {
        write!(
            out,
            "<common:Annotation id=\"{id}\"><common:AnnotationTitle>{n}</common:AnnotationTitle>\
             <common:AnnotationType>sdmx_metrics</common:AnnotationType></common:Annotation>"
        )?;
    }
    out.write_all(b"</common:Annotations>")?;
    ml21::names(out, &head)?;
    out.write_all(b"<structure:ConstraintAttachment><structure:Dataflow>")?;
    ml21::maintainable_ref(out, DATAFLOW, &a.dataflow.r#ref)?;
    out.write_all(b"</structure:Dataflow></structure:ConstraintAttachment><structure:CubeRegion include=\"true\">")?;
    for (id, codes) in a.key_values(registry) {
        write!(out, "<common:KeyValue id=\"{id}\">")?;
        for c in codes {
            write!(out, "<common:Value>{}</common:Value>", text(c))?;
        }
        out.write_all(b"</common:KeyValue>")?;
    }
    if let Some((start, end)) = &a.time {
        write!(
            out,
            "<common:KeyValue id=\"{TIME_PERIOD}\"><common:TimeRange>\
             <common:StartPeriod isInclusive=\"true\">{}</common:StartPeriod>\
             <common:EndPeriod isInclusive=\"true\">{}</common:EndPeriod>\
             </common:TimeRange></common:KeyValue>",
            text(start),
            text(end)
        )?;
    }
    out.write_all(
        b"</structure:CubeRegion></structure:ContentConstraint></structure:Constraints>",
    )?;
    ml21::close(out)
}

/// Writes an SDMX-JSON 2.0.0 structure message with the constraint in `dataConstraints`, next
/// to the artefacts of `sel`.
pub fn write_availability_json(
    a: &Availability,
    sel: &Selection,
    registry: &Registry,
    header: &Header,
    out: &mut dyn Write,
) -> io::Result<()> {
    let r = a.r#ref();
    let name = a.name();
    let mut data = json2::structures(sel, registry);
    data.data_constraints
        .push(json2::artefact(head(DATA_CONSTRAINT, &r, &name), || {
            ConstraintBody {
                role: "Actual",
                annotations: a.metrics().map(|(id, n)| Annotation {
                    id,
                    title: n.to_string(),
                    r#type: "sdmx_metrics",
                }),
                constraint_attachment: Attachment {
                    dataflows: [DATAFLOW.urn(&a.dataflow.r#ref)],
                },
                cube_regions: [CubeRegion {
                    include: true,
                    key_values: a
                        .key_values(registry)
                        .map(|(id, values)| KeyValue {
                            id,
                            values: Some(values.iter().map(|value| CubeValue { value }).collect()),
                            time_range: None,
                        })
                        .chain(a.time.as_ref().map(|(start, end)| KeyValue {
                            id: TIME_PERIOD,
                            values: None,
                            time_range: Some(TimeRange {
                                start_period: Period {
                                    period: start,
                                    is_inclusive: true,
                                },
                                end_period: Period {
                                    period: end,
                                    is_inclusive: true,
                                },
                            }),
                        }))
                        .collect(),
                }],
            }
        }));
    json2::write_message(out, registry, header, data)
}

/// The constraint's head; `class` is SDMX 2.1's ContentConstraint or SDMX 3.0's DataConstraint.
fn head<'a>(class: Class, r: &'a Ref, name: &'a str) -> Head<'a> {
    Head {
        class,
        r#ref: r,
        name,
        description: "",
        detail: Detail::Full,
    }
}

/// The JSON fields of a data constraint beyond its identity.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConstraintBody<'a> {
    role: &'static str,
    annotations: [Annotation; 2],
    constraint_attachment: Attachment,
    cube_regions: [CubeRegion<'a>; 1],
}

#[derive(Serialize)]
struct Annotation {
    id: &'static str,
    title: String,
    #[serde(rename = "type")]
    r#type: &'static str,
}

#[derive(Serialize)]
struct Attachment {
    dataflows: [String; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CubeRegion<'a> {
    include: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    key_values: Vec<KeyValue<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyValue<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<Vec<CubeValue<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_range: Option<TimeRange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TimeRange<'a> {
    start_period: Period<'a>,
    end_period: Period<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Period<'a> {
    period: &'a str,
    is_inclusive: bool,
}

/// pysdmx reads cube values only in their object form.
#[derive(Serialize)]
struct CubeValue<'a> {
    value: &'a str,
}
