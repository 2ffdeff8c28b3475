//! Gapminder / open-numbers DDF datapoints: `ddf--datapoints--<concept>--by--<key1>--<key2>.csv`,
//! the key columns first (`geo`: lower-case ISO alpha-3 or a Gapminder id such as `abkh`;
//! `time`: the year), then one column named for the concept that holds the values. The
//! concept is the indicator (the catalogue has Gapminder concepts as aliases). Other keys
//! (`sex`, `age`) are breakdowns, mapped with the free-text table of [`crate::mapping`].

use crate::columns::normalize;
use crate::csv_table::CsvTable;
use crate::diag::{Diags, Found};
use crate::mapping::{DisaggColumns, disaggregation_column};
use crate::rules;
use crate::table::{At, Opt, Row, skip_missing};
use crate::validate::{Candidate, Cell, Validator};
use crate::{ReadOptions, no_data};

/// The concept and keys a DDF datapoints file name declares.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DdfName {
    pub concept: String,
    pub keys: Vec<String>,
}

pub(crate) fn parse_name(file_name: &str) -> Option<DdfName> {
    let base = file_name.rsplit(['/', '\\']).next()?;
    let stem = base.strip_suffix(".csv").unwrap_or(base);
    let rest = stem.strip_prefix("ddf--datapoints--")?;
    let (concept, keys) = rest.split_once("--by--")?;
    let keys: Vec<String> = keys.split("--").map(str::to_string).collect();
    (!concept.is_empty() && keys.iter().all(|k| !k.is_empty())).then(|| DdfName {
        concept: concept.to_string(),
        keys,
    })
}

/// Reads a DDF datapoints file.
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
    let find = |names: &[&str]| {
        cols.names
            .iter()
            .position(|n| names.contains(&normalize(n).as_str()))
    };
    let geo = find(&["geo", "country"]);
    let time = find(&["time", "year"]);
    let ddf = parse_name(file_name);
    // The concept: from the file name, else the one column that is not geo or time.
    let concept = match &ddf {
        Some(n) => cols.names.iter().position(|c| *c == n.concept),
        None => {
            let others: Vec<usize> = (0..cols.names.len())
                .filter(|&i| Some(i) != geo && Some(i) != time)
                .collect();
            match others.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        }
    };
    for (what, col) in [("geo", geo), ("time", time), ("concept (value)", concept)] {
        if col.is_none() {
            let expected = match (what, &ddf) {
                ("concept (value)", Some(n)) => {
                    format!("a column named `{}` as the file name says", n.concept)
                }
                ("concept (value)", None) => "one value column besides the keys".to_string(),
                _ => format!("a `{what}` key column"),
            };
            diags.add(rules::MISSING_COLUMN, Some(header_line), || {
                Found::new(format!("a DDF datapoints file needs {expected}"))
                    .column(what)
                    .value(cols.names.join(","))
                    .fix("use the file as published, named ddf--datapoints--<concept>--by--geo--time.csv")
            });
        }
    }
    let (Some(geo), Some(time), Some(concept)) = (geo, time, concept) else {
        return;
    };

    // Other key columns are breakdowns; other non-key columns are not part of the layout.
    let keys: Vec<String> = ddf.as_ref().map(|n| n.keys.clone()).unwrap_or_default();
    let mut disagg = DisaggColumns::default();
    for (i, name) in cols.names.iter().enumerate() {
        if i == geo || i == time || i == concept || name.is_empty() {
            continue;
        }
        let is_key = keys.iter().any(|k| k == name);
        match disaggregation_column(name) {
            Some(kind) if is_key => disagg.columns.push((i, kind)),
            None if is_key => {
                diags.add(rules::UNMAPPED_COLUMN, Some(header_line), || {
                    Found::new(format!("the key `{name}` is not a dimension ictstat knows, so its rows cannot be told apart"))
                        .column(name.as_str())
                        .fix("only geo, time and the disaggregation keys sex, age, urbanisation (and SDMX dimension ids) are supported")
                });
                return;
            }
            _ => {
                let column = cols.label(At::col(i), header_line);
                diags.add(rules::IGNORED_COLUMN, Some(header_line), || {
                    Found::new(
                        "this column is not a key or the concept of the file name, and is ignored",
                    )
                    .column(column)
                });
            }
        }
    }

    let (raw, at) = match &opts.indicator {
        Some(i) if !i.trim().is_empty() => (i.trim().to_string(), At::Option(Opt::Indicator)),
        _ => (cols.names[concept].clone(), At::col(concept)),
    };
    if v.indicator_id(&raw).is_none() {
        v.unknown_indicator(&raw, cols.label(at, header_line), None, diags);
        return;
    }

    let rows = table.rows(diags, |line, row, cols, diags| {
        if skip_missing(row, concept, None) {
            v.count_skipped();
            return;
        }
        let Some(codes) = disagg.codes(catalog, row, line, cols, diags) else {
            v.count_rejected();
            return;
        };
        let mut c = Candidate::new(
            line,
            Cell::new(&raw, at),
            Cell::new(row.get(geo), At::col(geo)),
            Cell::new(row.get(time), At::col(time)),
            Cell::new(row.get(concept), At::col(concept)),
        );
        for (slot, code) in c.dims.iter_mut().zip(&codes) {
            *slot = code.as_ref().map(|(text, at)| Cell::new(text, *at));
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
    fn parses_ddf_datapoint_file_names() {
        assert_eq!(
            parse_name("x/ddf--datapoints--internet_users--by--geo--time.csv"),
            Some(DdfName {
                concept: "internet_users".into(),
                keys: vec!["geo".into(), "time".into()]
            })
        );
        assert_eq!(parse_name("ddf--entities--geo--country.csv"), None);
    }
}
