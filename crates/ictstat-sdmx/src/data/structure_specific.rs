//! SDMX-ML 2.1 StructureSpecificData: components are XML attributes named by their ids, in a
//! namespace derived from the DSD, so the message is compact but needs the DSD to be read well.

use std::io::{self, Write};

use super::layout::Layout;
use super::walk::{Series, Visitor, walk};
use super::{ml, write_number};
use crate::model::{KEY_DIMENSIONS, OBS_VALUE, TIME_PERIOD};
use crate::row::DataRow;
use crate::xml;

const ROOT: &str = "StructureSpecificData";

pub(crate) fn write<'a>(
    layout: &Layout<'_>,
    rows: impl Iterator<Item = DataRow<'a>>,
    out: &mut impl Write,
) -> io::Result<()> {
    let namespace = format!(
        "{}:ObsLevelDim:{}",
        layout
            .msg
            .registry
            .dsd
            .r#ref
            .urn("datastructure.DataStructure"),
        ml::dimension_at_observation(layout)
    );
    let namespaces = format!(
        "xmlns:ss=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific\" \
         xmlns:ns1=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        xml::attr(&namespace)
    );
    ml::start(out, layout, ROOT, &namespaces, Some(&namespace))?;
    write!(
        out,
        "<message:DataSet ss:structureRef=\"{}\" xsi:type=\"ns1:DataSetType\" \
         ss:dataScope=\"DataStructure\" action=\"Information\">",
        layout.structure_id()
    )?;
    walk(layout, rows, &mut StructureSpecific { layout, out })?;
    ml::end(out, ROOT)
}

struct StructureSpecific<'l, 'm, W> {
    layout: &'l Layout<'m>,
    out: &'l mut W,
}

impl<W: Write> StructureSpecific<'_, '_, W> {
    fn component(&mut self, id: &str, value: &str) -> io::Result<()> {
        write!(self.out, " {id}=\"{}\"", xml::attr(value))
    }

    fn key(&mut self, row: &DataRow<'_>) -> io::Result<()> {
        for (i, id) in KEY_DIMENSIONS.iter().enumerate() {
            self.component(id, row.dim(i))?;
        }
        Ok(())
    }
}

impl<'a, W: Write> Visitor<'a> for StructureSpecific<'_, '_, W> {
    fn series(&mut self, s: &Series<'a>) -> io::Result<()> {
        if self.layout.flat {
            return Ok(());
        }
        self.out.write_all(b"<Series")?;
        self.key(&s.first)?;
        let layout = self.layout;
        for (id, value) in layout.series_values(s) {
            self.component(id, value)?;
        }
        self.out.write_all(b">")
    }

    fn obs(&mut self, s: &Series<'a>, row: &DataRow<'a>) -> io::Result<()> {
        self.out.write_all(b"<Obs")?;
        if self.layout.flat {
            self.key(row)?;
        }
        self.component(TIME_PERIOD, row.period)?;
        write!(self.out, " {OBS_VALUE}=\"")?;
        write_number(self.out, row.value.unwrap_or(f64::NAN))?;
        self.out.write_all(b"\"")?;
        let layout = self.layout;
        for (id, value) in layout.obs_values(s, row) {
            self.component(id, &value)?;
        }
        self.out.write_all(b"/>")?;
        if layout.flat {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn end_series(&mut self, _s: &Series<'a>) -> io::Result<()> {
        if self.layout.flat {
            return Ok(());
        }
        self.out.write_all(b"</Series>\n")
    }
}
