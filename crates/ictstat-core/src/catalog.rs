//! The catalogue: indicators, frameworks, targets, codelists and areas.
//!
//! Kept as data in the repository's `catalog/` folder (TOML for what people edit, the
//! publishers' own CSV files for codelists and areas) and embedded in the binary, so that a
//! fresh install needs no file besides the executable. `catalog/README.md` gives the provenance
//! of every file.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::area::{Area, AreaKind, AreaResolver};
use crate::dimension::Dimension;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog file {file}: {message}")]
    Toml { file: &'static str, message: String },
    #[error("catalog file {file}, line {line}: {message}")]
    Csv {
        file: &'static str,
        line: u64,
        message: String,
    },
    #[error("catalog is inconsistent: {0}")]
    Inconsistent(String),
}

/// A lookup named something the catalogue does not hold.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LookupError {
    #[error("no framework `{0}`")]
    UnknownFramework(String),
    #[error("no group `{0}`")]
    UnknownGroup(String),
}

/// How values of an indicator behave, which decides the range checks on import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A share of a population, 0 to 100.
    Percent,
    /// A rate per N inhabitants: non-negative, may exceed 100 (mobile subscriptions).
    Rate,
    /// A number of things (subscriptions, people): non-negative.
    Count,
    /// A ratio such as a parity index: non-negative.
    Ratio,
    /// A score or index on its own scale.
    Score,
    /// Money and anything else: no range check.
    Other,
}

/// An indicator: one measurable series with its definition. Codes are the UN SDG database series
/// codes where one exists (`IT_USE_ii99`), otherwise the World Bank/ITU code with `.` → `_`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// SDG CL_UNIT_MEASURE code (`PT` percent, `PER_100_POP`, `NUMBER`…).
    pub unit: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub unit_mult: i32,
    #[serde(default)]
    pub custodian: Vec<String>,
    /// The SDG indicator this series measures, e.g. `17.8.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdg_indicator: Option<String>,
    /// Earlier SDG indicator numbers (17.6.1 was 17.6.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_codes: Vec<String>,
    /// Other codes files use for this series (WDI, ITU, Gapminder), matched case-insensitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Breakdown dimensions the series may be disaggregated by.
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    /// Where the definition comes from.
    #[serde(default)]
    pub source: String,
    /// False when the wording could not be confirmed in a retrieved source.
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn yes() -> bool {
    true
}

/// An indicator framework: the SDG ICT indicators, the core list, the thematic list, WSIS
/// targets, the IDI.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    /// `final` or `draft`.
    pub status: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: String,
    /// `[[item]]` tables in `frameworks.toml`; `items` in the API.
    #[serde(default, rename(deserialize = "item", serialize = "items"))]
    pub items: Vec<FrameworkItem>,
}

/// An entry of a framework, linked to the series that measure it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FrameworkItem {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub indicators: Vec<String>,
    /// SDG goals or targets the item links to (`4.4`, `17`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sdg_targets: Vec<String>,
    #[serde(default = "yes")]
    pub confirmed: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A numeric target such as Connect 2030's "70% of individuals using the Internet".
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Target {
    pub id: String,
    pub framework: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The area or group the target applies to (`001` world, `199` LDCs); none = every country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// `>=` (reach at least) or `<=` (at most).
    #[serde(default = "ge")]
    pub comparator: String,
    #[serde(default)]
    pub source: String,
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn ge() -> String {
    ">=".into()
}

/// A code in an SDMX codelist.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Code {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Codelist {
    pub agency: String,
    pub id: String,
    pub version: String,
    pub codes: Vec<Code>,
}

/// The catalogue files, as text. `embedded()` provides the repository's own.
pub struct Sources<'a> {
    pub indicators: &'a str,
    pub frameworks: &'a str,
    pub targets: &'a str,
    pub codelists: &'a str,
    pub m49: &'a str,
    pub country_codes: &'a str,
    pub gapminder_countries: &'a str,
    /// `name,m49`: common spellings the UN tables do not use ("Turkey", "Korea, Rep.").
    pub area_aliases: &'a str,
    /// `m49,lang,name`: names of areas in the languages of [`AREA_NAME_LANGUAGES`].
    pub area_names: &'a str,
}

/// The languages `areas/names_i18n.csv` may give area names in (ISO 639-1); English is the
/// areas' own `name`.
pub const AREA_NAME_LANGUAGES: [&str; 2] = ["fr", "es"];

/// The whole catalogue with its lookup indexes.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub indicators: Vec<Indicator>,
    pub frameworks: Vec<Framework>,
    pub targets: Vec<Target>,
    pub codelists: BTreeMap<String, Codelist>,
    pub areas: Vec<Area>,
    /// (group, member) pairs.
    pub memberships: Vec<(String, String)>,
    indicator_index: HashMap<String, usize>,
    code_index: HashMap<String, HashSet<String>>,
    area_index: HashMap<String, usize>,
    /// area code → language → name, from `areas/names_i18n.csv`.
    area_names: HashMap<String, BTreeMap<String, String>>,
    resolver: AreaResolver,
}

#[derive(Deserialize)]
struct IndicatorsFile {
    indicator: Vec<Indicator>,
}
#[derive(Deserialize)]
struct FrameworksFile {
    framework: Vec<Framework>,
}
#[derive(Deserialize)]
struct TargetsFile {
    target: Vec<Target>,
}

impl Catalog {
    /// The catalogue shipped in the repository's `catalog/` folder.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_sources(&Sources {
            indicators: include_str!("../../../catalog/indicators.toml"),
            frameworks: include_str!("../../../catalog/frameworks.toml"),
            targets: include_str!("../../../catalog/targets.toml"),
            codelists: include_str!("../../../catalog/sdmx/SDG_DSD_v1.4_codelists.csv"),
            m49: include_str!("../../../catalog/areas/unsd_m49_en.csv"),
            country_codes: include_str!("../../../catalog/areas/country-codes.csv"),
            gapminder_countries: include_str!(
                "../../../catalog/areas/ddf--entities--geo--country.csv"
            ),
            area_aliases: include_str!("../../../catalog/areas/aliases.csv"),
            area_names: include_str!("../../../catalog/areas/names_i18n.csv"),
        })
    }

    pub fn from_sources(src: &Sources<'_>) -> Result<Catalog, CatalogError> {
        let indicators = toml::from_str::<IndicatorsFile>(src.indicators)
            .map_err(|e| CatalogError::Toml {
                file: "indicators.toml",
                message: e.to_string(),
            })?
            .indicator;
        let frameworks = toml::from_str::<FrameworksFile>(src.frameworks)
            .map_err(|e| CatalogError::Toml {
                file: "frameworks.toml",
                message: e.to_string(),
            })?
            .framework;
        let targets = toml::from_str::<TargetsFile>(src.targets)
            .map_err(|e| CatalogError::Toml {
                file: "targets.toml",
                message: e.to_string(),
            })?
            .target;
        let codelists = parse_codelists(src.codelists)?;
        let (areas, memberships, resolver) = build_areas(src)?;

        let mut indicator_index = HashMap::new();
        for (i, ind) in indicators.iter().enumerate() {
            if indicator_index.insert(ind.code.clone(), i).is_some() {
                return Err(CatalogError::Inconsistent(format!(
                    "indicator {} defined twice",
                    ind.code
                )));
            }
        }
        for (i, ind) in indicators.iter().enumerate() {
            for alias in std::iter::once(&ind.code).chain(&ind.aliases) {
                indicator_index
                    .entry(alias.to_ascii_lowercase())
                    .or_insert(i);
            }
        }
        let code_index = codelists
            .values()
            .map(|cl| {
                (
                    cl.id.clone(),
                    cl.codes.iter().map(|c| c.id.clone()).collect(),
                )
            })
            .collect();
        let area_index: HashMap<String, usize> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i))
            .collect();
        let area_names = parse_area_names(src.area_names, &area_index)?;
        let catalog = Catalog {
            indicators,
            frameworks,
            targets,
            codelists,
            areas,
            memberships,
            indicator_index,
            code_index,
            area_index,
            area_names,
            resolver,
        };
        catalog.check()?;
        Ok(catalog)
    }

    /// Cross-references must hold: framework items and targets name known indicators, target
    /// areas exist, indicator dimensions have codelists.
    fn check(&self) -> Result<(), CatalogError> {
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        for fw in &self.frameworks {
            if !ids.insert(&fw.id) {
                problems.push(format!("framework {} defined twice", fw.id));
            }
            for item in &fw.items {
                for code in &item.indicators {
                    if !self.indicator_index.contains_key(code) {
                        problems.push(format!(
                            "framework {} item {} names unknown indicator {code}",
                            fw.id, item.code
                        ));
                    }
                }
            }
        }
        for t in &self.targets {
            if let Some(code) = &t.indicator
                && !self.indicator_index.contains_key(code)
            {
                problems.push(format!("target {} names unknown indicator {code}", t.id));
            }
            if let Some(area) = &t.area
                && !self.area_index.contains_key(area)
            {
                problems.push(format!("target {} names unknown area {area}", t.id));
            }
            if !ids.contains(&t.framework) {
                problems.push(format!(
                    "target {} names unknown framework {}",
                    t.id, t.framework
                ));
            }
        }
        for ind in &self.indicators {
            for d in &ind.dimensions {
                if !self.code_index.contains_key(d.codelist()) {
                    problems.push(format!(
                        "indicator {}: no codelist {} for {d}",
                        ind.code,
                        d.codelist()
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CatalogError::Inconsistent(problems.join("; ")))
        }
    }

    /// An indicator by its code, or by an alias in any case.
    pub fn indicator(&self, code_or_alias: &str) -> Option<&Indicator> {
        let t = code_or_alias.trim();
        self.indicator_index
            .get(t)
            .or_else(|| self.indicator_index.get(&t.to_ascii_lowercase()))
            .map(|&i| &self.indicators[i])
    }

    pub fn area(&self, code: &str) -> Option<&Area> {
        self.area_index.get(code).map(|&i| &self.areas[i])
    }

    /// The name of an area in `lang` (`fr`, `es`: see [`AREA_NAME_LANGUAGES`]), or its English
    /// name when `areas/names_i18n.csv` has none in that language (or `lang` is `en` or any other
    /// language). `None` only when the catalogue has no area `code`.
    pub fn area_name<'a>(&'a self, code: &str, lang: &str) -> Option<&'a str> {
        let area = self.area(code)?;
        Some(
            self.area_names
                .get(code)
                .and_then(|names| names.get(lang))
                .unwrap_or(&area.name),
        )
    }

    /// The M49 code of an area as files write it (code, ISO code, name).
    pub fn resolve_area(&self, token: &str) -> Option<&str> {
        self.resolver.resolve(token)
    }

    /// True when `code` is in the SDMX codelist `codelist`.
    pub fn has_code(&self, codelist: &str, code: &str) -> bool {
        self.code_index
            .get(codelist)
            .is_some_and(|c| c.contains(code))
    }

    /// The indicators of a framework (id in any case; all when `None`) whose code, name,
    /// description or aliases contain every word of `search` (any case). The one search behind
    /// the API's and the command line's indicator lists.
    pub fn find_indicators(
        &self,
        framework: Option<&str>,
        search: &str,
    ) -> Result<Vec<&Indicator>, LookupError> {
        let framework = match framework {
            None => None,
            Some(id) => Some(
                self.frameworks
                    .iter()
                    .find(|f| f.id.eq_ignore_ascii_case(id))
                    .ok_or_else(|| LookupError::UnknownFramework(id.to_string()))?,
            ),
        };
        let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
        Ok(self
            .indicators
            .iter()
            .filter(|i| {
                framework.is_none_or(|f| f.items.iter().any(|it| it.indicators.contains(&i.code)))
            })
            .filter(|i| {
                let text = format!(
                    "{} {} {} {}",
                    i.code,
                    i.name,
                    i.description,
                    i.aliases.join(" ")
                )
                .to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect())
    }

    /// Areas of a kind (all when `None`) that belong to a group (any way of naming it; all
    /// when `None`).
    pub fn find_areas(
        &self,
        kind: Option<AreaKind>,
        group: Option<&str>,
    ) -> Result<Vec<&Area>, LookupError> {
        let members: Option<HashSet<&str>> = match group {
            None => None,
            Some(g) => {
                let code = self
                    .resolve_area(g)
                    .ok_or_else(|| LookupError::UnknownGroup(g.to_string()))?;
                Some(self.members(code).collect())
            }
        };
        Ok(self
            .areas
            .iter()
            .filter(|a| kind.is_none_or(|k| a.kind == k))
            .filter(|a| members.as_ref().is_none_or(|m| m.contains(a.code.as_str())))
            .collect())
    }

    /// Members of a group.
    pub fn members(&self, group: &str) -> impl Iterator<Item = &str> {
        self.memberships
            .iter()
            .filter(move |(g, _)| g == group)
            .map(|(_, m)| m.as_str())
    }

    /// Groups an area belongs to.
    pub fn groups_of(&self, area: &str) -> impl Iterator<Item = &str> {
        self.memberships
            .iter()
            .filter(move |(_, m)| m == area)
            .map(|(g, _)| g.as_str())
    }
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes())
}

fn csv_err(file: &'static str, e: &csv::Error) -> CatalogError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    CatalogError::Csv {
        file,
        line,
        message: e.to_string(),
    }
}

/// Reads the flattened SDG DSD codelists (`agency, codelist_id, codelist_version, code_id,
/// parent_code_id, name_en, description_en`).
fn parse_codelists(text: &str) -> Result<BTreeMap<String, Codelist>, CatalogError> {
    const FILE: &str = "sdmx/SDG_DSD_v1.4_codelists.csv";
    let mut out: BTreeMap<String, Codelist> = BTreeMap::new();
    for rec in csv_reader(text).records() {
        let rec = rec.map_err(|e| csv_err(FILE, &e))?;
        let f = |i: usize| rec.get(i).unwrap_or("").to_string();
        let cl = out.entry(f(1)).or_insert_with(|| Codelist {
            agency: f(0),
            id: f(1),
            version: f(2),
            codes: Vec::new(),
        });
        let parent = f(4);
        cl.codes.push(Code {
            id: f(3),
            name: f(5),
            parent: (!parent.is_empty()).then_some(parent),
        });
    }
    Ok(out)
}

/// Reads `areas/names_i18n.csv` (`m49,lang,name`): each code must be an area of the catalogue
/// as written there (`004`, `HIC`), each language one of [`AREA_NAME_LANGUAGES`], each name
/// non-empty, and an area has at most one name per language.
fn parse_area_names(
    text: &str,
    area_index: &HashMap<String, usize>,
) -> Result<HashMap<String, BTreeMap<String, String>>, CatalogError> {
    const FILE: &str = "areas/names_i18n.csv";
    let mut rdr = csv_reader(text);
    let headers = rdr.headers().map_err(|e| csv_err(FILE, &e))?;
    if headers.iter().ne(["m49", "lang", "name"]) {
        return Err(CatalogError::Csv {
            file: FILE,
            line: 1,
            message: format!(
                "header is `{}`, expected `m49,lang,name`",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        });
    }
    let mut out: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    for rec in rdr.records() {
        let r = rec.map_err(|e| csv_err(FILE, &e))?;
        let err = |message: String| CatalogError::Csv {
            file: FILE,
            line: r.position().map_or(0, |p| p.line()),
            message,
        };
        let f = |i: usize| r.get(i).unwrap_or("").trim();
        let (code, lang, name) = (f(0), f(1), f(2));
        if !area_index.contains_key(code) {
            return Err(err(format!(
                "`{code}` is not an area code of the catalogue"
            )));
        }
        if !AREA_NAME_LANGUAGES.contains(&lang) {
            return Err(err(format!(
                "unknown language `{lang}` (expected one of {})",
                AREA_NAME_LANGUAGES.join(", ")
            )));
        }
        if name.is_empty() {
            return Err(err(format!("empty name for area {code} in `{lang}`")));
        }
        let names = out.entry(code.to_string()).or_default();
        if names.insert(lang.to_string(), name.to_string()).is_some() {
            return Err(err(format!("second `{lang}` name for area {code}")));
        }
    }
    Ok(out)
}

/// M49 codes of the countries in SDG area 514 "Developed regions (Europe, Cyprus, Israel,
/// Northern America, Japan, Australia & New Zealand)": the rule is the codelist's own name.
const DEVELOPED_REGIONS: [&str; 3] = ["150", "021", "053"];
const DEVELOPED_COUNTRIES: [&str; 3] = ["196", "376", "392"];

/// World Bank income groups as Gapminder's country table codes them, with the World Bank's codes.
const INCOME_GROUPS: [(&str, &str, &str); 4] = [
    ("high_income", "HIC", "High income"),
    ("upper_middle_income", "UMC", "Upper middle income"),
    ("lower_middle_income", "LMC", "Lower middle income"),
    ("low_income", "LIC", "Low income"),
];

type AreaTables = (Vec<Area>, Vec<(String, String)>, AreaResolver);

fn build_areas(src: &Sources<'_>) -> Result<AreaTables, CatalogError> {
    const M49: &str = "areas/unsd_m49_en.csv";
    let mut areas: Vec<Area> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut members: BTreeSet<(String, String)> = BTreeSet::new();
    let mut group = |areas: &mut Vec<Area>, code: &str, name: &str, kind: AreaKind| {
        if !code.is_empty() && seen.insert(code.to_string()) {
            areas.push(Area {
                code: code.into(),
                name: name.into(),
                kind,
                iso2: None,
                iso3: None,
            });
        }
    };
    group(&mut areas, "001", "World", AreaKind::World);
    let special = [
        ("199", "Least Developed Countries (LDCs)"),
        ("432", "Landlocked developing countries (LLDCs)"),
        ("722", "Small island developing States (SIDS)"),
    ];
    for (code, name) in special {
        group(&mut areas, code, name, AreaKind::SpecialGroup);
    }
    group(
        &mut areas,
        "514",
        "Developed regions",
        AreaKind::DevelopmentGroup,
    );
    group(
        &mut areas,
        "515",
        "Developing regions",
        AreaKind::DevelopmentGroup,
    );
    for (_, code, name) in INCOME_GROUPS {
        group(&mut areas, code, name, AreaKind::IncomeGroup);
    }

    let mut countries = Vec::new();
    for rec in csv_reader(src.m49).records() {
        let r = rec.map_err(|e| csv_err(M49, &e))?;
        let f = |i: usize| r.get(i).unwrap_or("").trim();
        let code = f(9);
        if code.len() != 3 {
            return Err(CatalogError::Csv {
                file: M49,
                line: r.position().map_or(0, |p| p.line()),
                message: format!("bad M49 code `{code}`"),
            });
        }
        let levels = [
            (f(2), f(3), AreaKind::Region),
            (f(4), f(5), AreaKind::SubRegion),
            (f(6), f(7), AreaKind::IntermediateRegion),
        ];
        for (gcode, gname, kind) in levels {
            group(&mut areas, gcode, gname, kind);
            if !gcode.is_empty() {
                members.insert((gcode.to_string(), code.to_string()));
            }
        }
        members.insert(("001".into(), code.into()));
        for (flag, gcode) in [(f(12), "199"), (f(13), "432"), (f(14), "722")] {
            if flag.eq_ignore_ascii_case("x") {
                members.insert((gcode.into(), code.into()));
            }
        }
        let developed = DEVELOPED_REGIONS.contains(&f(2))
            || DEVELOPED_REGIONS.contains(&f(4))
            || DEVELOPED_COUNTRIES.contains(&code);
        members.insert((if developed { "514" } else { "515" }.into(), code.into()));
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        countries.push(Area {
            code: code.into(),
            name: f(8).into(),
            kind: AreaKind::Country,
            iso2: opt(f(10)),
            iso3: opt(f(11)),
        });
    }

    let mut resolver = AreaResolver::default();
    // Codes first, then names, so that a name can never shadow a code.
    for a in areas.iter().chain(&countries) {
        resolver.add(&a.code, &a.code);
    }
    for a in &countries {
        for iso in [&a.iso2, &a.iso3].into_iter().flatten() {
            resolver.add(iso, &a.code);
        }
    }
    for a in areas.iter().chain(&countries) {
        resolver.add(&a.name, &a.code);
    }
    add_country_code_names(src.country_codes, &mut resolver)?;
    add_aliases(src.area_aliases, &countries, &mut resolver)?;
    add_income_groups(src.gapminder_countries, &countries, &mut members)?;

    areas.extend(countries);
    Ok((areas, members.into_iter().collect(), resolver))
}

/// Adds the UNTERM short and formal names, the official name and the CLDR display name from
/// datahub's country-codes table, so that files keyed by common names resolve.
fn add_country_code_names(text: &str, resolver: &mut AreaResolver) -> Result<(), CatalogError> {
    const FILE: &str = "areas/country-codes.csv";
    let mut rdr = csv_reader(text);
    let headers = rdr.headers().map_err(|e| csv_err(FILE, &e))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let m49 = col("M49").ok_or(CatalogError::Csv {
        file: FILE,
        line: 1,
        message: "no M49 column".into(),
    })?;
    let names: Vec<usize> = [
        "UNTERM English Short",
        "UNTERM English Formal",
        "official_name_en",
        "CLDR display name",
    ]
    .iter()
    .filter_map(|n| col(n))
    .collect();
    for rec in rdr.records() {
        let r = rec.map_err(|e| csv_err(FILE, &e))?;
        let Ok(n) = r.get(m49).unwrap_or("").trim().parse::<u16>() else {
            continue;
        };
        let code = format!("{n:03}");
        for &i in &names {
            let name = r.get(i).unwrap_or("").trim();
            // UNTERM short names put articles last: "Bahamas (the)".
            let name = name.split(" (the)").next().unwrap_or(name);
            resolver.add(name, &code);
        }
    }
    Ok(())
}

/// Adds ictstat's own table of common spellings (World Bank, ITU and everyday names).
fn add_aliases(
    text: &str,
    countries: &[Area],
    resolver: &mut AreaResolver,
) -> Result<(), CatalogError> {
    const FILE: &str = "areas/aliases.csv";
    for rec in csv_reader(text).records() {
        let r = rec.map_err(|e| csv_err(FILE, &e))?;
        let (name, code) = (r.get(0).unwrap_or("").trim(), r.get(1).unwrap_or("").trim());
        if !countries.iter().any(|a| a.code == code) {
            let line = r.position().map_or(0, |p| p.line());
            return Err(CatalogError::Csv {
                file: FILE,
                line,
                message: format!("`{code}` is not an M49 country code"),
            });
        }
        resolver.add(name, code);
    }
    Ok(())
}

/// World Bank income-group membership from Gapminder's country table (CC BY 4.0), joined on
/// ISO alpha-3.
fn add_income_groups(
    text: &str,
    countries: &[Area],
    members: &mut BTreeSet<(String, String)>,
) -> Result<(), CatalogError> {
    const FILE: &str = "areas/ddf--entities--geo--country.csv";
    let by_iso3: HashMap<String, &str> = countries
        .iter()
        .filter_map(|a| {
            a.iso3
                .as_ref()
                .map(|i| (i.to_ascii_uppercase(), a.code.as_str()))
        })
        .collect();
    let mut rdr = csv_reader(text);
    let headers = rdr.headers().map_err(|e| csv_err(FILE, &e))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| CatalogError::Csv {
                file: FILE,
                line: 1,
                message: format!("no {name} column"),
            })
    };
    let (iso3, income) = (col("iso3166_1_alpha3")?, col("income_groups")?);
    for rec in rdr.records() {
        let r = rec.map_err(|e| csv_err(FILE, &e))?;
        let Some(code) = by_iso3.get(&r.get(iso3).unwrap_or("").to_ascii_uppercase()) else {
            continue;
        };
        if let Some((_, group, _)) = INCOME_GROUPS
            .iter()
            .find(|(g, _, _)| *g == r.get(income).unwrap_or(""))
        {
            members.insert(((*group).to_string(), (*code).to_string()));
        }
    }
    Ok(())
}
