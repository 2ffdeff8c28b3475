//! World Bank layouts: the bulk download (`API_IT.CEL.SETS.P2_DS2_en_csv_v2_….csv`: a BOM, a
//! four-line preamble, then `Country Name, Country Code, Indicator Name, Indicator Code, 1960,
//! …` wide with a trailing empty column and empty cells for missing values) and the long
//! `Country Name, Country Code, Year, Value` layout of the datahub mirrors (one indicator per
//! file, named in the options or the file name).

use crate::columns::normalize;
use crate::csv_table::{CsvRow, CsvTable};
use crate::diag::{Diags, Found};
use crate::rules;
use crate::table::{At, Opt, Row, is_missing};
use crate::validate::{Candidate, Cell, Validator, unknown_area};
use crate::{ReadOptions, no_data};
use ictstat_core::fxhash::FxMap;

/// World Bank aggregate codes: every `Country Code` of the WDI bulk file
/// `API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv` (WDI 2023-03-01) and of the datahub
/// population file `population.csv` (datasets/population@425fc44) that is not the ISO
/// alpha-3 code of a country of the catalogue's UN M49 table, less the two that are economies
/// rather than aggregates (`XKX` Kosovo and `CHI` Channel Islands, which have no ISO code).
/// ictstat computes its own aggregates from country data, with coverage, so these are skipped.
pub const AGGREGATES: [&str; 49] = [
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS",
    "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN", "LDC", "LIC", "LMC",
    "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA",
    "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC", "WLD",
];

pub(crate) fn is_aggregate(code: &str) -> bool {
    let c = code.trim();
    c.len() == 3 && AGGREGATES.iter().any(|a| a.eq_ignore_ascii_case(c))
}

/// The indicator a file name mentions: the longest run of the name's `_`/`.`/`-`-separated
/// tokens that, joined by `.` or `_`, is an indicator code or alias of the catalogue
/// (`API_IT.CEL.SETS.P2_DS2_en_csv_v2.csv` → `IT.CEL.SETS.P2`, `wb_sp_pop_totl.csv` →
/// `SP_POP_TOTL`).
pub(crate) fn indicator_in_file_name(file_name: &str, v: &mut Validator<'_>) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, ext)| {
        if ext.eq_ignore_ascii_case("csv") {
            s
        } else {
            base
        }
    });
    let tokens: Vec<&str> = stem
        .split(['_', '.', '-', ' '])
        .filter(|t| !t.is_empty())
        .collect();
    for len in (1..=tokens.len()).rev() {
        for start in 0..=tokens.len() - len {
            let run = &tokens[start..start + len];
            for sep in [".", "_"] {
                let candidate = run.join(sep);
                // A lone short token ("en", "v2") is too likely to be an accidental alias.
                if len == 1 && candidate.len() < 5 {
                    continue;
                }
                if v.indicator_id(&candidate).is_some() {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

/// Which of the two World Bank layouts a header is.
enum Layout {
    Wide { indicator: usize, years: Vec<usize> },
    Long { year: usize, value: usize },
}

/// Reads a World Bank file, wide or long.
pub(crate) fn read(
    file_name: &str,
    text: &str,
    opts: &ReadOptions,
    v: &mut Validator<'_>,
    diags: &mut Diags,
) {
    let delim = opts.delimiter.unwrap_or(b',');
    let is_header = |rec: &csv::StringRecord| rec.iter().any(|f| normalize(f) == "country_code");
    let Some(mut table) = CsvTable::open(text, delim, is_header, diags) else {
        if !diags.fatal {
            diags.add(rules::MISSING_COLUMN, None, || {
                Found::new("no row of the file is a World Bank header with a `Country Code` column")
                    .column("Country Code")
                    .fix("use the World Bank bulk download (API_….csv) or a `Country Name, Country Code, Year, Value` file as published")
            });
        }
        return;
    };
    let header_line = table.header_line;
    let cols = table.columns.clone();
    let find = |name: &str| cols.names.iter().position(|n| normalize(n) == name);
    let code_col = find("country_code").unwrap_or(0);
    let name_col = find("country_name");
    let layout = if let Some(indicator) = find("indicator_code") {
        let years: Vec<usize> = (0..cols.names.len())
            .filter(|&i| is_year(&cols.names[i]))
            .collect();
        for (i, name) in cols.names.iter().enumerate() {
            let known =
                i == code_col || Some(i) == name_col || i == indicator || years.contains(&i);
            if !known && !name.is_empty() && normalize(name) != "indicator_name" {
                let column = cols.label(At::col(i), header_line);
                diags.add(rules::IGNORED_COLUMN, Some(header_line), || {
                    Found::new(
                        "this column is neither a country, an indicator nor a year, and is ignored",
                    )
                    .column(column)
                });
            }
        }
        Layout::Wide { indicator, years }
    } else if let (Some(year), Some(value)) = (find("year"), find("value")) {
        Layout::Long { year, value }
    } else {
        diags.add(rules::MISSING_COLUMN, Some(header_line), || {
            Found::new("a World Bank file needs either `Indicator Code` and year columns (bulk download) or `Year` and `Value` columns")
                .column("Indicator Code")
                .value(cols.names.join(","))
                .fix("use the file as the World Bank publishes it")
        });
        return;
    };

    // The long layout names its indicator outside the file.
    let fixed_indicator = match &layout {
        Layout::Wide { .. } => None,
        Layout::Long { .. } => {
            let named = match &opts.indicator {
                Some(i) if !i.trim().is_empty() => {
                    Some((i.trim().to_string(), At::Option(Opt::Indicator)))
                }
                _ => indicator_in_file_name(file_name, v).map(|i| (i, At::FileName)),
            };
            let Some((raw, at)) = named else {
                diags.add(rules::MISSING_INDICATOR, None, || {
                    Found::new("a `Country Name, Country Code, Year, Value` file does not say which indicator it holds, and the file name names none of the catalogue")
                        .column("(file name)")
                        .value(file_name)
                        .fix("pass --indicator (e.g. --indicator SP.POP.TOTL), or put the World Bank code in the file name")
                });
                return;
            };
            if v.indicator_id(&raw).is_none() {
                v.unknown_indicator(&raw, cols.label(at, header_line), None, diags);
                return;
            }
            Some((raw, at))
        }
    };

    let mut warned: FxMap<String, ()> = FxMap::default();
    let mut bad_indicators: FxMap<String, ()> = FxMap::default();
    let rows = table.rows(diags, |line, row, cols, diags| {
        let code = row.get(code_col).trim();
        let points = match &layout {
            Layout::Wide { years, .. } => years.len(),
            Layout::Long { .. } => 1,
        };
        if is_aggregate(code) {
            for _ in 0..points {
                v.count_skipped();
            }
            if warned.insert(code.to_ascii_uppercase(), ()).is_none() {
                let (column, name) = (cols.label(At::col(code_col), line), name_col.map(|i| row.get(i)).unwrap_or(""));
                diags.add(rules::AGGREGATE_SKIPPED, Some(line), || {
                    Found::new(format!("`{code}` ({name}) is a World Bank aggregate: its rows are skipped, because ictstat computes its own aggregates from country data"))
                        .column(column)
                        .value(code)
                });
            }
            return;
        }
        let area = resolve_area(code_col, name_col, row, v);
        let Some(area) = area else {
            let column = cols.label(At::col(code_col), line);
            unknown_area(code, column, Some(line), diags);
            count_rejected_row(&layout, row, v);
            return;
        };
        match &layout {
            Layout::Wide { indicator, years } => {
                let raw = row.get(*indicator).trim();
                if v.indicator_id(raw).is_none() {
                    if bad_indicators.insert(raw.to_string(), ()).is_none() {
                        v.unknown_indicator(raw, cols.label(At::col(*indicator), line), Some(line), diags);
                    }
                    count_rejected_row(&layout, row, v);
                    return;
                }
                for &y in years {
                    let c = Candidate::new(
                        line,
                        Cell::new(raw, At::col(*indicator)),
                        area,
                        Cell::new(&cols.names[y], At::col(y)),
                        Cell::new(row.get(y), At::col(y)),
                    );
                    v.check(&c, cols, diags);
                }
            }
            Layout::Long { year, value } => {
                let (raw, at) = fixed_indicator.as_ref().map(|(r, at)| (r.as_str(), *at)).unwrap_or(("", At::FileName));
                let c = Candidate::new(
                    line,
                    Cell::new(raw, at),
                    area,
                    Cell::new(row.get(*year), At::col(*year)),
                    Cell::new(row.get(*value), At::col(*value)),
                );
                v.check(&c, cols, diags);
            }
        }
    });
    if rows == 0 {
        no_data(header_line, diags);
    }
}

/// `1960`…: a year column of the bulk download.
fn is_year(name: &str) -> bool {
    name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit())
}

/// The area cell of a row: the country code if the catalogue knows it, else the country name
/// (economies whose World Bank code is not ISO, such as `CHI` Channel Islands).
fn resolve_area<'r>(
    code_col: usize,
    name_col: Option<usize>,
    row: &'r CsvRow<'_>,
    v: &mut Validator<'_>,
) -> Option<Cell<'r>> {
    let code = row.get(code_col);
    if v.area_id(code.trim()).is_some() {
        return Some(Cell::new(code, At::col(code_col)));
    }
    let name_col = name_col?;
    let name = row.get(name_col);
    v.area_id(name.trim())
        .map(|_| Cell::new(name, At::col(name_col)))
}

/// Counts the data points of a row rejected as a whole (missing cells are still skipped).
fn count_rejected_row(layout: &Layout, row: &CsvRow<'_>, v: &mut Validator<'_>) {
    let cells: Vec<usize> = match layout {
        Layout::Wide { years, .. } => years.clone(),
        Layout::Long { value, .. } => vec![*value],
    };
    for i in cells {
        if is_missing(row.get(i)) {
            v.count_skipped();
        } else {
            v.count_rejected();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_are_world_bank_groups_not_countries() {
        assert!(is_aggregate("WLD"));
        assert!(is_aggregate("ssf"));
        assert!(!is_aggregate("AFG"));
        assert!(!is_aggregate("XKX"));
        let c = ictstat_core::Catalog::embedded().unwrap();
        for code in AGGREGATES {
            let is_iso3 = c.areas.iter().any(|a| a.iso3.as_deref() == Some(code));
            assert!(!is_iso3, "{code} is a country's ISO code");
        }
    }

    #[test]
    fn finds_indicator_codes_in_file_names() {
        let c = ictstat_core::Catalog::embedded().unwrap();
        let mut v = Validator::new(&c, None);
        assert_eq!(
            indicator_in_file_name("API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv", &mut v)
                .as_deref(),
            Some("IT.CEL.SETS.P2")
        );
        assert_eq!(
            indicator_in_file_name("wb_sp_pop_totl.csv", &mut v).as_deref(),
            Some("sp.pop.totl")
        );
        assert_eq!(indicator_in_file_name("data.csv", &mut v), None);
    }
}
