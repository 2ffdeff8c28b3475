//! SDMX-ML 2.1 Structure messages.
//!
//! Element order follows SDMXStructure.xsd; every `Ref` carries `class` and `package` because
//! pysdmx's reader needs them, and every artefact carries its URN.

use std::io::{self, Write};

use super::parts::{
    self, CODE, CODELIST, CONCEPT, Class, DATA_STRUCTURE, Head, LANG, Relation, Repr,
};
use super::select::{Selected, SelectedScheme, Selection};
use crate::Header;
use crate::model::{Dataflow, Dsd, OBS_VALUE, Ref, Registry, TIME_PERIOD};
use crate::xml::{attr, text};

const NAMESPACES: &str = concat!(
    r#"xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" "#,
    r#"xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" "#,
    r#"xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#,
);

/// Writes a selection as an SDMX-ML 2.1 Structure message.
pub fn write_xml(
    sel: &Selection,
    registry: &Registry,
    header: &Header,
    out: &mut dyn Write,
) -> io::Result<()> {
    open(out, registry, header)?;
    structures(out, sel, registry)?;
    close(out)
}

/// The prolog, the header and the opening of `message:Structures`.
pub(super) fn open(out: &mut dyn Write, registry: &Registry, header: &Header) -> io::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:Structure {NAMESPACES}>\
         <message:Header><message:ID>{}</message:ID><message:Test>false</message:Test>\
         <message:Prepared>{}</message:Prepared><message:Sender id=\"{}\">",
        text(&header.id),
        text(&header.prepared),
        attr(&header.sender),
    )?;
    name(out, &registry.config.agency_name)?;
    out.write_all(b"</message:Sender></message:Header><message:Structures>")
}

pub(super) fn close(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"</message:Structures></message:Structure>\n")
}

/// The selection's artefacts, each group in its XSD position (before `Constraints`).
pub(super) fn structures(
    out: &mut dyn Write,
    sel: &Selection,
    registry: &Registry,
) -> io::Result<()> {
    group(out, "Dataflows", &sel.dataflows, |out, s| {
        dataflow(out, s, registry)
    })?;
    group(out, "Codelists", &sel.codelists, |out, s| {
        let cl = s.artefact;
        scheme(out, &parts::codelist_head(s), s, |out, code| {
            write!(
                out,
                "<structure:Code id=\"{}\" urn=\"{}\">",
                attr(&code.id),
                attr(&CODE.item_urn(&cl.r#ref, &code.id))
            )?;
            name(out, &code.name)?;
            if let Some(p) = &code.parent {
                write!(
                    out,
                    "<structure:Parent><Ref id=\"{}\"/></structure:Parent>",
                    attr(p)
                )?;
            }
            out.write_all(b"</structure:Code>")
        })
    })?;
    group(out, "Concepts", sel.concept_scheme.as_slice(), |out, s| {
        let cs = s.artefact;
        scheme(out, &parts::concept_scheme_head(s), s, |out, c| {
            write!(
                out,
                "<structure:Concept id=\"{}\" urn=\"{}\">",
                c.id,
                attr(&CONCEPT.item_urn(cs, c.id))
            )?;
            name(out, c.name)?;
            out.write_all(b"</structure:Concept>")
        })
    })?;
    group(out, "DataStructures", sel.dsd.as_slice(), |out, s| {
        data_structure(out, s, registry)
    })
}

/// `<structure:{tag}>` around the items, or nothing when there are none.
pub(super) fn group<T>(
    out: &mut dyn Write,
    tag: &str,
    items: &[T],
    mut each: impl FnMut(&mut dyn Write, &T) -> io::Result<()>,
) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    write!(out, "<structure:{tag}>")?;
    for item in items {
        each(out, item)?;
    }
    write!(out, "</structure:{tag}>")
}

/// `<common:Name xml:lang="en">`.
pub(super) fn name(out: &mut dyn Write, s: &str) -> io::Result<()> {
    write!(
        out,
        "<common:Name xml:lang=\"{LANG}\">{}</common:Name>",
        text(s)
    )
}

/// An unqualified `Ref` to a maintainable artefact.
pub(super) fn maintainable_ref(out: &mut dyn Write, class: Class, r: &Ref) -> io::Result<()> {
    write!(
        out,
        "<Ref id=\"{}\" agencyID=\"{}\" version=\"{}\" class=\"{}\" package=\"{}\"/>",
        attr(&r.id),
        attr(&r.agency),
        attr(&r.version),
        class.class,
        class.package
    )
}

/// The start tag, names and description of a maintainable artefact.
pub(super) fn open_maintainable(out: &mut dyn Write, h: &Head, extra: &str) -> io::Result<()> {
    start_tag(out, h, extra)?;
    names(out, h)
}

/// The start tag of a maintainable artefact. Stubs are marked as external references: their
/// content is defined elsewhere (the full query answers it).
pub(super) fn start_tag(out: &mut dyn Write, h: &Head, extra: &str) -> io::Result<()> {
    let r = h.r#ref;
    write!(
        out,
        "<structure:{} id=\"{}\" agencyID=\"{}\" version=\"{}\" isFinal=\"true\" urn=\"{}\"{}{extra}>",
        h.class.class,
        attr(&r.id),
        attr(&r.agency),
        attr(&r.version),
        attr(&h.class.urn(r)),
        if h.detail.is_stub() {
            " isExternalReference=\"true\""
        } else {
            ""
        },
    )
}

/// Name and description, which follow the annotations.
pub(super) fn names(out: &mut dyn Write, h: &Head) -> io::Result<()> {
    name(out, h.name)?;
    match h.description() {
        Some(d) => write!(
            out,
            "<common:Description xml:lang=\"{LANG}\">{}</common:Description>",
            text(d)
        ),
        None => Ok(()),
    }
}

fn dataflow(out: &mut dyn Write, s: &Selected<Dataflow>, registry: &Registry) -> io::Result<()> {
    open_maintainable(out, &parts::dataflow_head(s), "")?;
    if !s.detail.is_stub() {
        // Every dataflow is a view of the one DSD.
        out.write_all(b"<structure:Structure>")?;
        maintainable_ref(out, DATA_STRUCTURE, &registry.dsd.r#ref)?;
        out.write_all(b"</structure:Structure>")?;
    }
    out.write_all(b"</structure:Dataflow>")
}

fn scheme<T, I>(
    out: &mut dyn Write,
    h: &Head,
    s: &SelectedScheme<T, I>,
    mut item: impl FnMut(&mut dyn Write, &I) -> io::Result<()>,
) -> io::Result<()> {
    let partial = if s.partial { " isPartial=\"true\"" } else { "" };
    open_maintainable(out, h, partial)?;
    for i in &s.items {
        item(out, i)?;
    }
    write!(out, "</structure:{}>", h.class.class)
}

fn data_structure(out: &mut dyn Write, s: &Selected<Dsd>, registry: &Registry) -> io::Result<()> {
    let dsd = s.artefact;
    open_maintainable(out, &parts::dsd_head(s), "")?;
    if !s.detail.is_stub() {
        components(out, dsd, registry)?;
    }
    out.write_all(b"</structure:DataStructure>")
}

fn components(out: &mut dyn Write, dsd: &Dsd, registry: &Registry) -> io::Result<()> {
    out.write_all(
        b"<structure:DataStructureComponents><structure:DimensionList id=\"DimensionDescriptor\">",
    )?;
    for d in &dsd.dimensions {
        write!(
            out,
            "<structure:Dimension id=\"{}\" position=\"{}\">",
            d.id, d.position
        )?;
        component_body(out, registry, d.id, Repr::Codelist(d.codelist))?;
        out.write_all(b"</structure:Dimension>")?;
    }
    write!(
        out,
        "<structure:TimeDimension id=\"{TIME_PERIOD}\" position=\"{}\">",
        dsd.dimensions.len() + 1
    )?;
    component_body(out, registry, TIME_PERIOD, Repr::Text(parts::TIME_FORMAT))?;
    out.write_all(b"</structure:TimeDimension></structure:DimensionList><structure:AttributeList id=\"AttributeDescriptor\">")?;
    for a in &dsd.attributes {
        let status = if a.mandatory {
            "Mandatory"
        } else {
            "Conditional"
        };
        write!(
            out,
            "<structure:Attribute id=\"{}\" assignmentStatus=\"{status}\">",
            a.id
        )?;
        component_body(out, registry, a.id, parts::attribute_repr(a))?;
        out.write_all(b"<structure:AttributeRelationship>")?;
        match parts::attribute_relation(dsd, a) {
            Relation::Dimensions(dims) => {
                for d in dims {
                    write!(
                        out,
                        "<structure:Dimension><Ref id=\"{}\"/></structure:Dimension>",
                        d.id
                    )?;
                }
            }
            Relation::PrimaryMeasure => write!(
                out,
                "<structure:PrimaryMeasure><Ref id=\"{OBS_VALUE}\"/></structure:PrimaryMeasure>"
            )?,
        }
        out.write_all(b"</structure:AttributeRelationship></structure:Attribute>")?;
    }
    write!(
        out,
        "</structure:AttributeList><structure:MeasureList id=\"MeasureDescriptor\"><structure:PrimaryMeasure id=\"{OBS_VALUE}\">"
    )?;
    component_body(out, registry, OBS_VALUE, Repr::Text(parts::MEASURE_FORMAT))?;
    out.write_all(
        b"</structure:PrimaryMeasure></structure:MeasureList></structure:DataStructureComponents>",
    )
}

/// `ConceptIdentity` and `LocalRepresentation` of a component (its concept has its id).
fn component_body(
    out: &mut dyn Write,
    registry: &Registry,
    id: &str,
    repr: Repr,
) -> io::Result<()> {
    let cs = &registry.concept_scheme;
    write!(
        out,
        "<structure:ConceptIdentity><Ref id=\"{id}\" maintainableParentID=\"{}\" \
         maintainableParentVersion=\"{}\" agencyID=\"{}\" class=\"{}\" package=\"{}\"/>\
         </structure:ConceptIdentity><structure:LocalRepresentation>",
        attr(&cs.id),
        attr(&cs.version),
        attr(&cs.agency),
        CONCEPT.class,
        CONCEPT.package,
    )?;
    match repr {
        Repr::Codelist(cl) => {
            out.write_all(b"<structure:Enumeration>")?;
            maintainable_ref(out, CODELIST, &parts::sibling(&registry.dsd.r#ref, cl))?;
            out.write_all(b"</structure:Enumeration>")?;
        }
        Repr::Text(t) => write!(out, "<structure:TextFormat textType=\"{t}\"/>")?,
    }
    out.write_all(b"</structure:LocalRepresentation>")
}
