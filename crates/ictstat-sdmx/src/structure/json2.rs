//! SDMX-JSON 2.0.0 structure messages (what pysdmx's registry client reads).
//!
//! The message is a tree of borrowed serde structs streamed with `serde_json::to_writer`, so
//! nothing is rendered to a string first. Components point at their codelists through
//! `localRepresentation.enumeration` URNs: that is the only link pysdmx follows.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::constraint::ConstraintBody;
use super::parts::{self, Head, LANG, Relation, Repr};
use super::select::{Selected, SelectedScheme, Selection};
use crate::Header;
use crate::model::{Dataflow, Dsd, OBS_VALUE, Registry, TIME_PERIOD};

const SCHEMA: &str = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/2.0.0/sdmx-json-structure-schema.json";

/// Writes a selection as an SDMX-JSON 2.0.0 structure message.
pub fn write_json(
    sel: &Selection,
    registry: &Registry,
    header: &Header,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_message(out, registry, header, structures(sel, registry))
}

/// Serialises a message around `data`.
pub(super) fn write_message(
    out: &mut dyn Write,
    registry: &Registry,
    header: &Header,
    data: Structures,
) -> io::Result<()> {
    let message = Message {
        meta: Meta {
            schema: SCHEMA,
            id: &header.id,
            prepared: &header.prepared,
            test: false,
            content_languages: [LANG],
            sender: Sender {
                id: &header.sender,
                name: &registry.config.agency_name,
            },
        },
        data,
    };
    serde_json::to_writer(&mut *out, &message).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// The `data` object. Empty arrays are left out: the schema wants at least one element.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Structures<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dataflows: Vec<Artefact<'a, DataflowBody>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    data_structures: Vec<Artefact<'a, DsdBody<'a>>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    codelists: Vec<Artefact<'a, SchemeBody<'a>>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    concept_schemes: Vec<Artefact<'a, SchemeBody<'a>>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_constraints: Vec<Artefact<'a, ConstraintBody<'a>>>,
}

/// The JSON form of every artefact of a selection.
pub(super) fn structures<'a>(sel: &Selection<'a>, registry: &'a Registry) -> Structures<'a> {
    Structures {
        dataflows: sel
            .dataflows
            .iter()
            .map(|s| dataflow(s, registry))
            .collect(),
        data_structures: sel.dsd.iter().map(|s| dsd(s, registry)).collect(),
        codelists: sel
            .codelists
            .iter()
            .map(|s| {
                let items = s
                    .items
                    .iter()
                    .map(|c| Item::new(&c.id, &c.name, c.parent.as_deref()));
                scheme(parts::codelist_head(s), s, ItemKind::Codes, items)
            })
            .collect(),
        concept_schemes: sel
            .concept_scheme
            .iter()
            .map(|s| {
                let items = s.items.iter().map(|c| Item::new(c.id, c.name, None));
                scheme(parts::concept_scheme_head(s), s, ItemKind::Concepts, items)
            })
            .collect(),
        data_constraints: Vec::new(),
    }
}

#[derive(Serialize)]
struct Message<'a> {
    meta: Meta<'a>,
    data: Structures<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Meta<'a> {
    schema: &'static str,
    id: &'a str,
    prepared: &'a str,
    test: bool,
    content_languages: [&'static str; 1],
    sender: Sender<'a>,
}

#[derive(Serialize)]
struct Sender<'a> {
    id: &'a str,
    name: &'a str,
}

/// `{"en": text}`: the localised form next to every `name`.
#[derive(Clone, Copy)]
pub(super) struct Names<'a>(pub &'a str);

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(LANG, self.0)?;
        map.end()
    }
}

/// A maintainable artefact: the common identity and names, then its own fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Artefact<'a, B> {
    id: &'a str,
    #[serde(rename = "agencyID")]
    agency_id: &'a str,
    version: &'a str,
    name: &'a str,
    names: Names<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptions: Option<Names<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    is_external_reference: bool,
    links: [Link; 1],
    /// Absent for stubs.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    body: Option<B>,
}

/// The `self` link carrying the artefact's URN.
#[derive(Serialize)]
struct Link {
    rel: &'static str,
    urn: String,
}

/// Opens an artefact; `body` is dropped for stubs.
pub(super) fn artefact<'a, B>(h: Head<'a>, body: impl FnOnce() -> B) -> Artefact<'a, B> {
    let description = h.description();
    Artefact {
        id: &h.r#ref.id,
        agency_id: &h.r#ref.agency,
        version: &h.r#ref.version,
        name: h.name,
        names: Names(h.name),
        description,
        descriptions: description.map(Names),
        is_external_reference: h.detail.is_stub(),
        links: [Link {
            rel: "self",
            urn: h.class.urn(h.r#ref),
        }],
        body: (!h.detail.is_stub()).then(body),
    }
}

#[derive(Serialize)]
struct DataflowBody {
    structure: String,
}

fn dataflow<'a>(s: &Selected<'a, Dataflow>, registry: &Registry) -> Artefact<'a, DataflowBody> {
    artefact(parts::dataflow_head(s), || DataflowBody {
        structure: parts::DATA_STRUCTURE.urn(&registry.dsd.r#ref),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SchemeBody<'a> {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    is_partial: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    codes: Vec<Item<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    concepts: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    name: &'a str,
    names: Names<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
}

impl<'a> Item<'a> {
    fn new(id: &'a str, name: &'a str, parent: Option<&'a str>) -> Item<'a> {
        Item {
            id,
            name,
            names: Names(name),
            parent,
        }
    }
}

/// Which array holds a scheme's items.
enum ItemKind {
    Codes,
    Concepts,
}

fn scheme<'a, T, I>(
    h: Head<'a>,
    s: &SelectedScheme<'a, T, I>,
    kind: ItemKind,
    items: impl Iterator<Item = Item<'a>>,
) -> Artefact<'a, SchemeBody<'a>> {
    artefact(h, || {
        let items: Vec<Item> = items.collect();
        let (codes, concepts) = match kind {
            ItemKind::Codes => (items, Vec::new()),
            ItemKind::Concepts => (Vec::new(), items),
        };
        SchemeBody {
            is_partial: s.partial,
            codes,
            concepts,
        }
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DsdBody<'a> {
    data_structure_components: Components<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Components<'a> {
    dimension_list: DimensionList<'a>,
    attribute_list: AttributeList<'a>,
    measure_list: MeasureList<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DimensionList<'a> {
    id: &'static str,
    dimensions: Vec<Component<'a>>,
    time_dimension: Component<'a>,
}

#[derive(Serialize)]
struct AttributeList<'a> {
    id: &'static str,
    attributes: Vec<Component<'a>>,
}

#[derive(Serialize)]
struct MeasureList<'a> {
    id: &'static str,
    measures: Vec<Component<'a>>,
}

/// A dimension, attribute or measure; the fields a role lacks are left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Component<'a> {
    id: &'a str,
    /// 0-based in SDMX-JSON (SDMX-ML counts from 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_relationship: Option<Relationship<'a>>,
    concept_identity: String,
    local_representation: Representation,
}

impl<'a> Component<'a> {
    fn new(registry: &Registry, id: &'a str, repr: Repr) -> Component<'a> {
        Component {
            id,
            position: None,
            usage: None,
            attribute_relationship: None,
            concept_identity: parts::concept_urn(registry, id),
            local_representation: match repr {
                Repr::Codelist(cl) => {
                    Representation::Enumeration(parts::codelist_urn(registry, cl))
                }
                Repr::Text(t) => Representation::Format { data_type: t },
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Representation {
    Enumeration(String),
    #[serde(rename_all = "camelCase")]
    Format {
        data_type: &'static str,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Relationship<'a> {
    Dimensions(Vec<&'a str>),
    Observation {},
}

fn dsd<'a>(s: &Selected<'a, Dsd>, registry: &'a Registry) -> Artefact<'a, DsdBody<'a>> {
    let dsd = s.artefact;
    artefact(parts::dsd_head(s), || DsdBody {
        data_structure_components: Components {
            dimension_list: DimensionList {
                id: "DimensionDescriptor",
                dimensions: dsd
                    .dimensions
                    .iter()
                    .map(|d| Component {
                        position: Some(d.position - 1),
                        ..Component::new(registry, d.id, Repr::Codelist(d.codelist))
                    })
                    .collect(),
                time_dimension: Component::new(
                    registry,
                    TIME_PERIOD,
                    Repr::Text(parts::TIME_FORMAT),
                ),
            },
            attribute_list: AttributeList {
                id: "AttributeDescriptor",
                attributes: dsd
                    .attributes
                    .iter()
                    .map(|a| Component {
                        usage: Some(if a.mandatory { "mandatory" } else { "optional" }),
                        attribute_relationship: Some(match parts::attribute_relation(dsd, a) {
                            Relation::Dimensions(dims) => {
                                Relationship::Dimensions(dims.iter().map(|d| d.id).collect())
                            }
                            Relation::PrimaryMeasure => Relationship::Observation {},
                        }),
                        ..Component::new(registry, a.id, parts::attribute_repr(a))
                    })
                    .collect(),
            },
            measure_list: MeasureList {
                id: "MeasureDescriptor",
                measures: vec![Component::new(
                    registry,
                    OBS_VALUE,
                    Repr::Text(parts::MEASURE_FORMAT),
                )],
            },
        },
    })
}
