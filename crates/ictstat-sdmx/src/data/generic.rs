//! SDMX-ML 2.1 GenericData: every component value is a `generic:Value` element, so the
//! message reads without the DSD (the REST 1.5 default).

use std::borrow::Cow;
use std::io::{self, Write};

use super::layout::Layout;
use super::walk::{Series, Visitor, walk};
use super::{ml, write_number};
use crate::model::{KEY_DIMENSIONS, TIME_PERIOD};
use crate::row::DataRow;
use crate::xml;

const ROOT: &str = "GenericData";

pub(crate) fn write<'a>(
    layout: &Layout<'_>,
    rows: impl Iterator<Item = DataRow<'a>>,
    out: &mut impl Write,
) -> io::Result<()> {
    ml::start(
        out,
        layout,
        ROOT,
        r#"xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic""#,
        None,
    )?;
    write!(
        out,
        "<message:DataSet structureRef=\"{}\" action=\"Information\">",
        layout.structure_id()
    )?;
    walk(layout, rows, &mut Generic { layout, out })?;
    ml::end(out, ROOT)
}

struct Generic<'l, 'm, W> {
    layout: &'l Layout<'m>,
    out: &'l mut W,
}

impl<W: Write> Generic<'_, '_, W> {
    fn value(&mut self, id: &str, value: &str) -> io::Result<()> {
        write!(
            self.out,
            "<generic:Value id=\"{id}\" value=\"{}\"/>",
            xml::attr(value)
        )
    }

    /// The key dimensions of a row, as `generic:Value`s.
    fn key(&mut self, row: &DataRow<'_>) -> io::Result<()> {
        for (i, id) in KEY_DIMENSIONS.iter().enumerate() {
            self.value(id, row.dim(i))?;
        }
        Ok(())
    }

    /// A `generic:Attributes` element, omitted when no attribute has a value (the XSD wants
    /// at least one `Value` in it).
    fn attributes<'v>(
        &mut self,
        values: impl Iterator<Item = (&'static str, Cow<'v, str>)>,
    ) -> io::Result<()> {
        let mut open = false;
        for (id, value) in values {
            if !open {
                self.out.write_all(b"<generic:Attributes>")?;
                open = true;
            }
            self.value(id, &value)?;
        }
        if open {
            self.out.write_all(b"</generic:Attributes>")?;
        }
        Ok(())
    }
}

impl<'a, W: Write> Visitor<'a> for Generic<'_, '_, W> {
    fn series(&mut self, s: &Series<'a>) -> io::Result<()> {
        if self.layout.flat {
            return Ok(());
        }
        self.out.write_all(b"<generic:Series><generic:SeriesKey>")?;
        self.key(&s.first)?;
        self.out.write_all(b"</generic:SeriesKey>")?;
        let layout = self.layout;
        self.attributes(
            layout
                .series_values(s)
                .map(|(id, v)| (id, Cow::Borrowed(v))),
        )
    }

    fn obs(&mut self, s: &Series<'a>, row: &DataRow<'a>) -> io::Result<()> {
        if self.layout.flat {
            self.out.write_all(b"<generic:Obs><generic:ObsKey>")?;
            self.key(row)?;
            self.value(TIME_PERIOD, row.period)?;
            self.out.write_all(b"</generic:ObsKey>")?;
        } else {
            write!(
                self.out,
                "<generic:Obs><generic:ObsDimension value=\"{}\"/>",
                xml::attr(row.period)
            )?;
        }
        self.out.write_all(b"<generic:ObsValue value=\"")?;
        write_number(self.out, row.value.unwrap_or(f64::NAN))?;
        self.out.write_all(b"\"/>")?;
        let layout = self.layout;
        self.attributes(layout.obs_values(s, row))?;
        self.out.write_all(b"</generic:Obs>")?;
        if layout.flat {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn end_series(&mut self, _s: &Series<'a>) -> io::Result<()> {
        if self.layout.flat {
            return Ok(());
        }
        self.out.write_all(b"</generic:Series>\n")
    }
}
