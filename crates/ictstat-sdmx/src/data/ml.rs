//! What the two SDMX-ML 2.1 data messages share: the root element and the header.
//!
//! Clients are strict here: pysdmx sniffs the text for `<?xml` at byte 0 and a prefixed root,
//! sdmx1 needs every namespace on the root and `structureID` in the header, and both reject
//! elements the XSD does not define.

use std::io::{self, Write};

use super::layout::Layout;
use crate::xml;

const NS: &str = concat!(
    r#"xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" "#,
    r#"xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common""#
);

/// `dimensionAtObservation` of the message.
pub(crate) fn dimension_at_observation(layout: &Layout<'_>) -> &'static str {
    if layout.flat {
        "AllDimensions"
    } else {
        crate::model::TIME_PERIOD
    }
}

/// Writes the declaration, the root start tag (`message:{root}` with the common namespaces and
/// `namespaces`) and the header. `structure_namespace` is the structure-specific namespace,
/// which the header repeats.
pub(crate) fn start(
    out: &mut impl Write,
    layout: &Layout<'_>,
    root: &str,
    namespaces: &str,
    structure_namespace: Option<&str>,
) -> io::Result<()> {
    let h = layout.msg.header;
    let dsd = &layout.msg.registry.dsd.r#ref;
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:{root} {NS} {namespaces}>\
         <message:Header><message:ID>{}</message:ID><message:Test>false</message:Test>\
         <message:Prepared>{}</message:Prepared><message:Sender id=\"{}\"/>\
         <message:Structure structureID=\"{}\"",
        xml::text(&h.id),
        xml::text(&h.prepared),
        xml::attr(&h.sender),
        layout.structure_id(),
    )?;
    if let Some(ns) = structure_namespace {
        write!(out, " namespace=\"{}\"", xml::attr(ns))?;
    }
    // The XSD allows either common:Structure or common:StructureUsage here, not both; the DSD
    // is what readers need to interpret the data.
    write!(
        out,
        " dimensionAtObservation=\"{}\"><common:Structure><Ref agencyID=\"{}\" id=\"{}\" \
         version=\"{}\"/></common:Structure></message:Structure></message:Header>",
        dimension_at_observation(layout),
        xml::attr(&dsd.agency),
        xml::attr(&dsd.id),
        xml::attr(&dsd.version),
    )
}

/// Closes the data set and the root.
pub(crate) fn end(out: &mut impl Write, root: &str) -> io::Result<()> {
    writeln!(out, "</message:DataSet></message:{root}>")
}
