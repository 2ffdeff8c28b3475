//! Open SDG indicator files (`indicator_17-8-1.csv`), the layout of the national SDG
//! reporting platforms built on Open SDG: `Year`, free-text disaggregation columns (an empty
//! cell is the total), `Units`, `Value`; optional `GeoCode` for subnational or multi-country
//! data and SDMX attribute columns. The indicator is the SDG number in the file name; the area
//! is the platform's country, given in the options.

use crate::columns::{Attr, Role, role};
use crate::csv_table::CsvTable;
use crate::diag::{Diags, Found};
use crate::mapping::{DisaggColumns, disaggregation_column};
use crate::rules;
use crate::table::{At, Opt, Row, skip_missing};
use crate::validate::{Candidate, Cell, Validator};
use crate::{ReadOptions, no_data};

/// The SDG indicator number in an Open SDG file name: `indicator_17-8-1.csv` → `17.8.1`.
pub(crate) fn sdg_number(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next()?;
    let stem = base.strip_suffix(".csv").unwrap_or(base);
    let number = stem.strip_prefix("indicator_")?;
    let parts: Vec<&str> = number.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    well_formed.then(|| parts.join("."))
}

/// Reads an Open SDG indicator file.
pub(crate) fn read(
    file_name: &str,
    text: &str,
    opts: &ReadOptions,
    v: &mut Validator<'_>,
    diags: &mut Diags,
) {
    let catalog = v.catalog();
    let delim = opts.delimiter.unwrap_or(b',');
    let Some(mut table) = CsvTable::open(text, delim, |_| true, diags) else {
        return;
    };
    let header_line = table.header_line;
    let cols = table.columns.clone();

    let (mut period, mut value, mut area, mut series) = (None, None, None, None);
    let mut attrs = [None; 8];
    let mut disagg = DisaggColumns::default();
    let mut unmapped = Vec::new();
    for (i, name) in cols.names.iter().enumerate() {
        match role(name) {
            Some(Role::Period) => period = period.or(Some(i)),
            Some(Role::Value) => value = value.or(Some(i)),
            Some(Role::Area) => area = area.or(Some(i)),
            Some(Role::Indicator) => series = series.or(Some(i)),
            Some(Role::Attr(a)) => attrs[a.index()] = attrs[a.index()].or(Some(i)),
            // Open SDG files are never SDMX-CSV: an ACTION column there is only a label.
            Some(Role::Label | Role::Action) => {}
            Some(Role::Dim(d)) => disagg
                .columns
                .push((i, crate::mapping::Disaggregation::Dim(d))),
            None => match disaggregation_column(name) {
                Some(kind) => disagg.columns.push((i, kind)),
                None if name.is_empty() => {}
                None => unmapped.push(i),
            },
        }
    }
    for (what, col) in [("Year", period), ("Value", value)] {
        if col.is_none() {
            diags.add(rules::MISSING_COLUMN, Some(header_line), || {
                Found::new(format!("an Open SDG file needs a {what} column"))
                    .column(what)
                    .value(cols.names.join(","))
                    .fix(format!("add the {what} column"))
            });
        }
    }
    let (Some(period), Some(value)) = (period, value) else {
        return;
    };

    // The indicator: the options, else the file name; a Series column may name it per row.
    let file_indicator = match (&opts.indicator, sdg_number(file_name)) {
        (Some(i), _) if !i.trim().is_empty() => {
            Some((i.trim().to_string(), At::Option(Opt::Indicator)))
        }
        (_, Some(n)) => Some((n, At::FileName)),
        _ => None,
    };
    match &file_indicator {
        None if series.is_none() => {
            diags.add(rules::MISSING_INDICATOR, None, || {
                Found::new("the file name does not name an SDG indicator (indicator_17-8-1.csv) and no indicator was given")
                    .column("(file name)")
                    .value(file_name)
                    .fix("name the file indicator_<goal>-<target>-<indicator>.csv, or pass --indicator")
            });
            return;
        }
        Some((raw, at)) if series.is_none() && v.indicator_id(raw).is_none() => {
            v.unknown_indicator(raw, cols.label(*at, header_line), None, diags);
            return;
        }
        _ => {}
    }
    let opt_area = opts
        .area
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if area.is_none() && opt_area.is_none() {
        diags.add(rules::MISSING_AREA, None, || {
            Found::new("an Open SDG national file has no area column (GeoCode or REF_AREA), and no area was given")
                .column("GeoCode")
                .fix("pass --area with the country of the platform (e.g. --area ARM), or add a GeoCode column")
        });
        return;
    }

    let rows = table.rows(diags, |line, row, cols, diags| {
        if skip_missing(row, value, attrs[Attr::ObsStatus.index()]) {
            v.count_skipped();
            return;
        }
        let mut ok = true;
        for &i in &unmapped {
            let text = row.get(i).trim();
            if !text.is_empty() {
                ok = false;
                let column = cols.label(At::col(i), line);
                diags.add(rules::UNMAPPED_COLUMN, Some(line), || {
                    Found::new("this column is not a known disaggregation, attribute or informational column, and the row depends on its value")
                        .column(column)
                        .value(text)
                        .fix("rename the column to an SDG dimension (Sex, Age, Location, Type of speed, or an SDMX id such as URBANISATION), or remove it")
                });
            }
        }
        let codes = disagg.codes(catalog, row, line, cols, diags);
        let Some(codes) = codes.filter(|_| ok) else {
            v.count_rejected();
            return;
        };
        let ind_cell = series
            .map(|i| Cell::new(row.get(i), At::col(i)))
            .filter(|c| !c.text.trim().is_empty())
            .or_else(|| file_indicator.as_ref().map(|(t, at)| Cell::new(t, *at)))
            .unwrap_or(Cell::new("", At::FileName));
        let area_cell = area
            .map(|i| Cell::new(row.get(i), At::col(i)))
            .filter(|c| !c.text.trim().is_empty())
            .or_else(|| opt_area.map(|a| Cell::new(a, At::Option(Opt::Area))))
            .unwrap_or(Cell::new("", At::Option(Opt::Area)));
        let mut c = Candidate::new(
            line,
            ind_cell,
            area_cell,
            Cell::new(row.get(period), At::col(period)),
            Cell::new(row.get(value), At::col(value)),
        );
        for (slot, code) in c.dims.iter_mut().zip(&codes) {
            *slot = code.as_ref().map(|(text, at)| Cell::new(text, *at));
        }
        for a in Attr::ALL {
            c.attrs[a.index()] = attrs[a.index()].map(|i| Cell::new(row.get(i), At::col(i)));
        }
        v.check(&c, cols, diags);
    });
    if rows == 0 {
        no_data(header_line, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdg_numbers_come_from_open_sdg_file_names() {
        assert_eq!(
            sdg_number("indicator_17-8-1.csv").as_deref(),
            Some("17.8.1")
        );
        assert_eq!(
            sdg_number("data/indicator_5-b-1.csv").as_deref(),
            Some("5.b.1")
        );
        assert_eq!(sdg_number("indicator_17-8.csv"), None);
        assert_eq!(sdg_number("population.csv"), None);
    }
}
