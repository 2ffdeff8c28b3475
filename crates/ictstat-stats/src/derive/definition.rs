//! Definitions of derived indicators: their TOML form and their checks against the catalogue.
//!
//! The file is read as a TOML table first and each `[[derived]]` entry is then read on its
//! own, so that every problem names the definition it is in (`derived definition
//! `mobile-cellular-per-100`: missing field `denominator``), not only a line of the file.

use std::collections::HashSet;

use ictstat_core::fxhash::FxMap;
use ictstat_core::{Breakdown, Catalog, Dimension, Indicator};
use serde::Deserialize;

use super::formula::Formula;

/// The definitions shipped with ictstat (`catalog/derived.toml`).
pub const DERIVED_TOML: &str = include_str!("../../../../catalog/derived.toml");

/// A problem in a definitions file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeriveError {
    /// The text is not TOML, or not a list of `[[derived]]` tables.
    #[error("derived definitions: {0}")]
    File(String),
    /// One definition is wrong; `id` is its id, or `#n` (1-based) when it has none.
    #[error("derived definition `{id}`: {problem}")]
    Definition { id: String, problem: String },
}

/// One derived indicator: the output series and how it is computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Unique id, quoted in the footnote of every value it derives.
    pub id: String,
    /// The output series (a catalogue code).
    pub indicator: String,
    pub formula: Formula,
    /// What the definition computes and its caveats, for people reading the file.
    pub note: String,
    /// The output series' dimensions: an output whose breakdown uses another is not derived,
    /// as the store would refuse it (a parity of values broken down by URBANISATION, when the
    /// parity series has no URBANISATION).
    dimensions: Vec<Dimension>,
}

impl Definition {
    /// Whether the output series may carry every dimension of `breakdown`.
    pub(super) fn allows(&self, breakdown: &Breakdown) -> bool {
        breakdown.iter().all(|(d, _)| self.dimensions.contains(&d))
    }
}

/// A checked set of definitions, in file order (the first of two definitions of the same
/// output value wins).
#[derive(Debug, Clone, PartialEq)]
pub struct Definitions {
    pub definitions: Vec<Definition>,
    /// The catalogue's UNIT_MULT of every series named, for values whose own attribute is
    /// absent.
    pub(super) unit_mult: FxMap<String, i32>,
}

/// The fields every definition has besides its formula's.
#[derive(Deserialize)]
struct Header {
    id: String,
    indicator: String,
    note: String,
}

impl Definitions {
    /// The definitions of [`DERIVED_TOML`], checked against `catalog`.
    pub fn builtin(catalog: &Catalog) -> Result<Definitions, DeriveError> {
        Definitions::parse(DERIVED_TOML, catalog)
    }

    /// Reads and checks a definitions file: every definition needs `id`, `indicator`,
    /// `formula` and `note` and its formula's fields, no others; ids are unique; every series
    /// is a catalogue code; a compared dimension is one of the series' and its codes are in
    /// the dimension's codelist.
    pub fn parse(text: &str, catalog: &Catalog) -> Result<Definitions, DeriveError> {
        let mut file: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| DeriveError::File(e.message().to_string()))?;
        let entries = match file.remove("derived") {
            None => Vec::new(),
            Some(toml::Value::Array(entries)) => entries,
            Some(_) => {
                return Err(DeriveError::File(
                    "`derived` is not a list of tables".into(),
                ));
            }
        };
        if let Some(other) = file.keys().next() {
            return Err(DeriveError::File(format!(
                "unknown key `{other}` (the file holds `[[derived]]` tables only)"
            )));
        }
        let mut defs = Definitions {
            definitions: Vec::with_capacity(entries.len()),
            unit_mult: FxMap::default(),
        };
        let mut ids = HashSet::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let id = entry
                .get("id")
                .and_then(toml::Value::as_str)
                .map_or_else(|| format!("#{}", i + 1), str::to_string);
            let problem = |problem: String| DeriveError::Definition {
                id: id.clone(),
                problem,
            };
            let def = read(entry, catalog, &mut defs.unit_mult).map_err(problem)?;
            if !ids.insert(def.id.clone()) {
                return Err(problem("the id is used by an earlier definition".into()));
            }
            defs.definitions.push(def);
        }
        Ok(defs)
    }
}

/// One definition, checked; the catalogue's UNIT_MULT of its series goes into `unit_mult`.
fn read(
    entry: toml::Value,
    catalog: &Catalog,
    unit_mult: &mut FxMap<String, i32>,
) -> Result<Definition, String> {
    let toml::Value::Table(mut table) = entry else {
        return Err("not a table".into());
    };
    let header = Header::deserialize(toml::Value::Table(table.clone())).map_err(message)?;
    for field in ["id", "indicator", "note"] {
        table.remove(field);
    }
    let formula = Formula::deserialize(toml::Value::Table(table)).map_err(message)?;

    if let Formula::Ratio { scale: k, .. }
    | Formula::Share { scale: k, .. }
    | Formula::Product { divisor: k, .. } = &formula
        && !(k.is_finite() && *k != 0.0)
    {
        return Err(format!("the constant {k} is not a finite non-zero number"));
    }
    let output = series(catalog, &header.indicator)?;
    for input in formula.inputs() {
        series(catalog, input)?;
    }
    if let Some(dimension) = formula.dimension() {
        check_dimension(catalog, &formula, dimension, output)?;
    }
    for code in formula.inputs().into_iter().chain([output.code.as_str()]) {
        let mult = series(catalog, code)?.unit_mult;
        unit_mult.insert(code.to_string(), mult);
    }
    Ok(Definition {
        id: header.id,
        indicator: header.indicator,
        note: header.note,
        dimensions: output.dimensions.clone(),
        formula,
    })
}

/// The catalogue series with exactly this code (an alias is refused, so that the file reads
/// the way the data is keyed).
fn series<'c>(catalog: &'c Catalog, code: &str) -> Result<&'c Indicator, String> {
    match catalog.indicator(code) {
        Some(i) if i.code == code => Ok(i),
        Some(i) => Err(format!(
            "`{code}` is an alias of `{}`: write the series code",
            i.code
        )),
        None => Err(format!("`{code}` is not a series of the catalogue")),
    }
}

/// A within-series formula's dimension belongs to its series (and, for a share, which keeps
/// it, to the output); the codes it compares are distinct codes of the dimension's codelist.
fn check_dimension(
    catalog: &Catalog,
    formula: &Formula,
    dimension: Dimension,
    output: &Indicator,
) -> Result<(), String> {
    let input = formula.inputs()[0];
    if !series(catalog, input)?.dimensions.contains(&dimension) {
        return Err(format!("`{input}` has no dimension {dimension}"));
    }
    match formula {
        Formula::Parity(c) | Formula::Difference(c) => {
            for code in [&c.code, &c.reference] {
                if !catalog.has_code(dimension.codelist(), code) {
                    return Err(format!(
                        "`{code}` is not a code of {} ({dimension})",
                        dimension.codelist()
                    ));
                }
            }
            if c.code == c.reference {
                return Err(format!("`code` and `reference` are both `{}`", c.code));
            }
        }
        Formula::Share { .. } if !output.dimensions.contains(&dimension) => {
            return Err(format!(
                "a share keeps {dimension}, which the output `{}` does not have",
                output.code
            ));
        }
        _ => {}
    }
    Ok(())
}

/// A serde error's message without the TOML position (the entry was taken out of the file, so
/// the position would point into the entry, not the file).
fn message(e: toml::de::Error) -> String {
    e.message().to_string()
}
