//! French and Spanish area names (`catalog/areas/names_i18n.csv`) and their validation.

use std::fs;
use std::path::PathBuf;

use ictstat_core::catalog::{AREA_NAME_LANGUAGES, Sources};
use ictstat_core::{AreaKind, Catalog, CatalogError};

use super::catalog;

/// The catalogue built from the repository's files, with `names` in place of
/// `areas/names_i18n.csv`.
fn with_names(names: &str) -> Result<Catalog, CatalogError> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let read = |f: &str| fs::read_to_string(dir.join(f)).unwrap();
    let (indicators, frameworks, targets) = (
        read("indicators.toml"),
        read("frameworks.toml"),
        read("targets.toml"),
    );
    let codelists = read("sdmx/SDG_DSD_v1.4_codelists.csv");
    let (m49, country_codes) = (
        read("areas/unsd_m49_en.csv"),
        read("areas/country-codes.csv"),
    );
    let gapminder = read("areas/ddf--entities--geo--country.csv");
    let aliases = read("areas/aliases.csv");
    Catalog::from_sources(&Sources {
        indicators: &indicators,
        frameworks: &frameworks,
        targets: &targets,
        codelists: &codelists,
        m49: &m49,
        country_codes: &country_codes,
        gapminder_countries: &gapminder,
        area_aliases: &aliases,
        area_names: names,
    })
}

#[test]
fn countries_have_the_un_official_names() {
    let c = catalog();
    // The UN's own names (`official_name_fr`, `official_name_es` of country-codes.csv).
    assert_eq!(c.area_name("276", "fr"), Some("Allemagne"));
    assert_eq!(c.area_name("276", "es"), Some("Alemania"));
    assert_eq!(c.area_name("404", "fr"), Some("Kenya"));
    assert_eq!(c.area_name("404", "es"), Some("Kenya"));
    assert_eq!(c.area_name("384", "fr"), Some("Côte d’Ivoire"));
    assert_eq!(c.area_name("384", "es"), Some("Côte d’Ivoire"));
    assert_eq!(c.area_name("854", "es"), Some("Burkina Faso"));
    assert_eq!(c.area_name("788", "es"), Some("Túnez"));
    assert_eq!(c.area_name("410", "fr"), Some("République de Corée"));
    assert_eq!(c.area_name("410", "es"), Some("República de Corea"));
    assert_eq!(c.area_name("792", "fr"), Some("Türkiye"));
    assert_eq!(
        c.area_name("826", "fr"),
        Some("Royaume-Uni de Grande-Bretagne et d’Irlande du Nord")
    );
    // Every country has a row in each language, and the catalogue returns each row's name.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog/areas/names_i18n.csv");
    let rows: Vec<(String, String, String)> = csv::Reader::from_path(path)
        .unwrap()
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    for lang in AREA_NAME_LANGUAGES {
        let mut codes = Vec::new();
        for (code, _, name) in rows.iter().filter(|(_, l, _)| l == lang) {
            assert_eq!(
                c.area_name(code, lang),
                Some(name.as_str()),
                "{code} {lang}"
            );
            codes.push(code.as_str());
        }
        let missing: Vec<&str> = c
            .areas
            .iter()
            .filter(|a| a.kind == AreaKind::Country && !codes.contains(&a.code.as_str()))
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(missing, Vec::<&str>::new(), "{lang}");
    }
}

#[test]
fn groups_have_the_un_names_where_certain_and_english_otherwise() {
    let c = catalog();
    assert_eq!(c.area_name("001", "fr"), Some("Monde"));
    assert_eq!(c.area_name("001", "es"), Some("Mundo"));
    assert_eq!(c.area_name("002", "es"), Some("África"));
    assert_eq!(
        c.area_name("199", "fr"),
        Some("Pays les moins avancés (PMA)")
    );
    assert_eq!(
        c.area_name("722", "es"),
        Some("Pequeños Estados insulares en desarrollo (PEID)")
    );
    // No certain UN translation: the English name.
    assert_eq!(c.area_name("HIC", "fr"), Some("High income"));
    assert_eq!(c.area_name("514", "es"), Some("Developed regions"));
}

#[test]
fn other_languages_fall_back_to_english_and_unknown_areas_to_none() {
    let c = catalog();
    assert_eq!(c.area_name("404", "en"), Some("Kenya"));
    assert_eq!(c.area_name("404", "de"), Some("Kenya"));
    assert_eq!(c.area_name("404", ""), Some("Kenya"));
    assert_eq!(c.area_name("001", "ru"), Some("World"));
    assert_eq!(c.area_name("999", "fr"), None);
    assert_eq!(
        c.area_name("KEN", "fr"),
        None,
        "codes as the catalogue writes them"
    );
}

/// The file's line and the bad value appear in the error.
fn rejected(names: &str, line: u64, needle: &str) {
    match with_names(names) {
        Err(e @ CatalogError::Csv { file, line: l, .. }) => {
            let text = e.to_string();
            assert_eq!((file, l), ("areas/names_i18n.csv", line), "{text}");
            assert!(text.contains(needle), "{text}");
        }
        other => panic!("expected a CSV error at line {line}, got {other:?}"),
    }
}

#[test]
fn malformed_names_are_rejected_with_file_and_line() {
    let ok = "m49,lang,name\n404,fr,Kenya\n";
    assert_eq!(
        with_names(ok).unwrap().area_name("404", "fr"),
        Some("Kenya")
    );
    rejected("m49,lang,name\n404,fr,Kenya\n4,es,Kenia\n", 3, "`4`");
    rejected("m49,lang,name\n404,fr,Kenya\nXYZ,es,Kenia\n", 3, "`XYZ`");
    rejected("m49,lang,name\n404,de,Kenia\n", 2, "`de`");
    rejected("m49,lang,name\n404,en,Kenya\n", 2, "`en`");
    rejected("m49,lang,name\n404,fr,\n", 2, "empty name");
    rejected(
        "m49,lang,name\n404,fr,Kenya\n404,fr,Kenia\n",
        3,
        "second `fr`",
    );
    rejected("m49,lang,name\n404,fr,Kenya,extra\n", 2, "fields");
    rejected("code,language,name\n404,fr,Kenya\n", 1, "header");
}
