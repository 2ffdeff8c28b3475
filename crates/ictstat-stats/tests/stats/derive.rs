//! Derived indicators against hand-worked cases, the shipped definitions and the bundled data.

use std::fs;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use ictstat_core::catalog::Sources;
use ictstat_core::{Attributes, Breakdown, Catalog, Observation, Period, SeriesKey};
use ictstat_stats::derive::{
    DERIVED_TOML, Definitions, DeriveError, Formula, NATURE, SOURCE, derive, is_derived,
};

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::embedded().unwrap());

/// The embedded catalogue plus the two output series `catalog/derived.toml` says the
/// difference and share examples need, so that those formulas run as they would once the
/// catalogue has them.
static WIDER_CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let read = |f: &str| fs::read_to_string(dir.join(f)).unwrap();
    let indicators = read("indicators.toml")
        + r#"
[[indicator]]
code = "IT_USE_ii99_URGAP"
name = "Urban–rural gap in Internet use, percentage points"
unit = "PT"
kind = "other"
dimensions = ["SEX", "AGE"]

[[indicator]]
code = "IT_NET_BBND_SHARE"
name = "Share of fixed-broadband subscriptions by speed"
unit = "PT"
kind = "percent"
dimensions = ["COMPOSITE_BREAKDOWN"]
"#;
    let (frameworks, targets) = (read("frameworks.toml"), read("targets.toml"));
    let codelists = read("sdmx/SDG_DSD_v1.4_codelists.csv");
    let (m49, country_codes) = (
        read("areas/unsd_m49_en.csv"),
        read("areas/country-codes.csv"),
    );
    let gapminder = read("areas/ddf--entities--geo--country.csv");
    let aliases = read("areas/aliases.csv");
    let names = read("areas/names_i18n.csv");
    Catalog::from_sources(&Sources {
        indicators: &indicators,
        frameworks: &frameworks,
        targets: &targets,
        codelists: &codelists,
        m49: &m49,
        country_codes: &country_codes,
        gapminder_countries: &gapminder,
        area_aliases: &aliases,
        area_names: &names,
    })
    .unwrap()
});

static BUILTIN: LazyLock<Definitions> = LazyLock::new(|| Definitions::builtin(&CATALOG).unwrap());

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// `INDICATOR` or `INDICATOR[DIM=CODE;…]`, as the footnotes write series.
fn key(series: &str, area: &str) -> SeriesKey {
    let (indicator, breakdown) = match series.split_once('[') {
        Some((i, rest)) => (i, Breakdown::parse(rest.trim_end_matches(']')).unwrap()),
        None => (series, Breakdown::total()),
    };
    SeriesKey {
        indicator: indicator.to_string(),
        area: area.to_string(),
        breakdown,
    }
}

fn obs_in(series: &str, area: &str, year: i32, value: Option<f64>) -> Observation {
    Observation {
        key: Arc::new(key(series, area)),
        period: Period::Year(year),
        value,
        attrs: Attributes::default(),
    }
}

/// A value of Kenya (404) in 2021.
fn obs(series: &str, value: f64) -> Observation {
    obs_in(series, "404", 2021, Some(value))
}

/// `obs` with attributes.
fn with(mut o: Observation, f: impl FnOnce(&mut Attributes)) -> Observation {
    f(&mut o.attrs);
    o
}

/// The derived values as `(series, area, year, value)`, the series written as in `key`.
fn values(defs: &Definitions, input: &[Observation]) -> Vec<(String, String, i32, f64)> {
    derive(defs, input)
        .into_iter()
        .map(|o| {
            let b = &o.key.breakdown;
            let series = if b.is_total() {
                o.key.indicator.clone()
            } else {
                format!("{}[{b}]", o.key.indicator)
            };
            let Period::Year(y) = o.period else {
                panic!("{:?}", o.period)
            };
            (series, o.key.area.clone(), y, o.value.unwrap())
        })
        .collect()
}

fn assert_values(defs: &Definitions, input: &[Observation], expected: &[(&str, f64)]) {
    let got = values(defs, input);
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((series, area, year, value), (want_series, want)) in got.iter().zip(expected) {
        assert_eq!(
            (series.as_str(), area.as_str(), *year),
            (*want_series, "404", 2021)
        );
        assert!(close(*value, *want), "{series}: {value} ≠ {want}");
    }
}

fn parse(text: &str) -> Result<Definitions, DeriveError> {
    Definitions::parse(text, &WIDER_CATALOG)
}

mod formulas {
    use super::*;

    #[test]
    fn ratio_rate_from_count_and_population() {
        // 100 × 65,000,000 / 50,000,000 = 130 subscriptions per 100 inhabitants. The
        // population by sex is not a denominator: the rate has no SEX dimension.
        let input = [
            obs("IT_CEL_SETS", 65e6),
            obs("SP_POP_TOTL", 50e6),
            obs("SP_POP_TOTL[SEX=F]", 25.5e6),
        ];
        assert_values(&BUILTIN, &input, &[("IT_CEL_SETS_P2", 130.0)]);
    }

    #[test]
    fn ratio_keeps_the_numerators_breakdown_and_takes_the_total_population() {
        // 100 × 4,000,000 / 50,000,000 = 8; 100 × 2,500,000 / 50,000,000 = 5;
        // 100 × 500,000 / 50,000,000 = 1.
        let input = [
            obs("IT_NET_BBNDN", 4e6),
            obs("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_GE10M]", 2.5e6),
            obs("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_256KT2M]", 0.5e6),
            obs("SP_POP_TOTL", 50e6),
        ];
        assert_values(
            &BUILTIN,
            &input,
            &[
                ("IT_NET_BBND", 8.0),
                ("IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_256KT2M]", 1.0),
                ("IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_GE10M]", 5.0),
            ],
        );
    }

    #[test]
    fn product_count_from_rate_and_population() {
        // 118.4 × 53,005,614 / 100 = 62,758,646.976 (not rounded to a whole number).
        let input = [
            obs("IT_CEL_SETS_P2", 118.4),
            obs("SP_POP_TOTL", 53_005_614.0),
        ];
        assert_values(&BUILTIN, &input, &[("IT_CEL_SETS", 62_758_646.976)]);
    }

    #[test]
    fn parity_keeps_the_other_codes_and_drops_the_compared_dimension() {
        let input = [
            // copy and paste: 30 / 40 = 0.75
            obs("SE_ADT_ACTS[SEX=F;COMPOSITE_BREAKDOWN=SKILL_ICTCPT]", 30.0),
            obs("SE_ADT_ACTS[SEX=M;COMPOSITE_BREAKDOWN=SKILL_ICTCPT]", 40.0),
            // programming, 15–24: 3.3 / 6.6 = 0.5
            obs(
                "SE_ADT_ACTS[SEX=F;AGE=Y15T24;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]",
                3.3,
            ),
            obs(
                "SE_ADT_ACTS[SEX=M;AGE=Y15T24;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]",
                6.6,
            ),
            // programming, all ages: no male value, no index
            obs("SE_ADT_ACTS[SEX=F;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]", 2.0),
            // urban: SE_GPI_ICTS has no URBANISATION, no index
            obs(
                "SE_ADT_ACTS[SEX=F;URBANISATION=U;COMPOSITE_BREAKDOWN=SKILL_ICTCPT]",
                35.0,
            ),
            obs(
                "SE_ADT_ACTS[SEX=M;URBANISATION=U;COMPOSITE_BREAKDOWN=SKILL_ICTCPT]",
                42.0,
            ),
            // both sexes: not a parity input
            obs("SE_ADT_ACTS[COMPOSITE_BREAKDOWN=SKILL_ICTCPT]", 35.0),
        ];
        assert_values(
            &BUILTIN,
            &input,
            &[
                (
                    "SE_GPI_ICTS[AGE=Y15T24;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]",
                    0.5,
                ),
                ("SE_GPI_ICTS[COMPOSITE_BREAKDOWN=SKILL_ICTCPT]", 0.75),
            ],
        );
    }

    const GAP: &str = r#"
[[derived]]
id = "internet-use-urban-rural-gap"
indicator = "IT_USE_ii99_URGAP"
formula = "difference"
series = "IT_USE_ii99"
dimension = "URBANISATION"
code = "U"
reference = "R"
note = "percentage points"
"#;

    #[test]
    fn difference_urban_minus_rural() {
        // 72.5 − 31.25 = 41.25 points; women 70 − 25 = 45; a negative gap stays negative
        // (men 15–24: 40 − 55 = −15).
        let input = [
            obs("IT_USE_ii99[URBANISATION=U]", 72.5),
            obs("IT_USE_ii99[URBANISATION=R]", 31.25),
            obs("IT_USE_ii99[SEX=F;URBANISATION=U]", 70.0),
            obs("IT_USE_ii99[SEX=F;URBANISATION=R]", 25.0),
            obs("IT_USE_ii99[SEX=M;AGE=Y15T24;URBANISATION=U]", 40.0),
            obs("IT_USE_ii99[SEX=M;AGE=Y15T24;URBANISATION=R]", 55.0),
            obs("IT_USE_ii99", 50.0),
        ];
        assert_values(
            &parse(GAP).unwrap(),
            &input,
            &[
                ("IT_USE_ii99_URGAP", 41.25),
                ("IT_USE_ii99_URGAP[SEX=F]", 45.0),
                ("IT_USE_ii99_URGAP[SEX=M;AGE=Y15T24]", -15.0),
            ],
        );
    }

    #[test]
    fn share_of_each_part_in_the_total() {
        // 100 × 2,500,000 / 4,000,000 = 62.5; 100 × 1,000,000 / 4,000,000 = 25;
        // 100 × 500,000 / 4,000,000 = 12.5; the total is not a part of itself.
        let defs = parse(
            r#"
[[derived]]
id = "fixed-broadband-speed-share"
indicator = "IT_NET_BBND_SHARE"
formula = "share"
series = "IT_NET_BBNDN"
dimension = "COMPOSITE_BREAKDOWN"
scale = 100
note = "share of each speed tier"
"#,
        )
        .unwrap();
        let input = [
            obs("IT_NET_BBNDN", 4e6),
            obs("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_GE10M]", 2.5e6),
            obs("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_2MT10M]", 1e6),
            obs("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_256KT2M]", 0.5e6),
        ];
        assert_values(
            &defs,
            &input,
            &[
                ("IT_NET_BBND_SHARE[COMPOSITE_BREAKDOWN=IS_256KT2M]", 12.5),
                ("IT_NET_BBND_SHARE[COMPOSITE_BREAKDOWN=IS_2MT10M]", 25.0),
                ("IT_NET_BBND_SHARE[COMPOSITE_BREAKDOWN=IS_GE10M]", 62.5),
            ],
        );
    }

    #[test]
    fn inputs_are_read_at_their_unit_multiplier() {
        // 65,000 thousand subscriptions (UNIT_MULT 3) ÷ 50 million people × 100 = 130.
        let count = with(obs("IT_CEL_SETS", 65_000.0), |a| a.unit_mult = Some(3));
        let input = [count, obs("SP_POP_TOTL", 50e6)];
        assert_values(&BUILTIN, &input, &[("IT_CEL_SETS_P2", 130.0)]);
        assert_eq!(derive(&BUILTIN, &input)[0].attrs.unit_mult, None);
    }

    #[test]
    fn values_pair_within_one_area_and_period() {
        // Kenya's count with Uganda's population, or 2021's with 2020's: nothing.
        let input = [
            obs("IT_CEL_SETS", 65e6),
            obs_in("SP_POP_TOTL", "800", 2021, Some(47e6)),
            obs_in("SP_POP_TOTL", "404", 2020, Some(49e6)),
        ];
        assert!(derive(&BUILTIN, &input).is_empty());
    }
}

mod rules {
    use super::*;

    #[test]
    fn reported_values_win() {
        // The reported rate 128.6 stays; only the count of 2020, which nobody reported, is
        // derived: 120 × 49,000,000 / 100 = 58,800,000.
        let input = [
            obs("IT_CEL_SETS", 65e6),
            obs("IT_CEL_SETS_P2", 128.6),
            obs("SP_POP_TOTL", 50e6),
            obs_in("IT_CEL_SETS_P2", "404", 2020, Some(120.0)),
            obs_in("SP_POP_TOTL", "404", 2020, Some(49e6)),
        ];
        let got = values(&BUILTIN, &input);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].2), ("IT_CEL_SETS", 2020));
        assert!(close(got[0].3, 58.8e6));
    }

    #[test]
    fn a_reported_missing_value_also_blocks() {
        // The source says why there is no rate: the platform does not contradict it.
        let missing = with(obs_in("IT_CEL_SETS_P2", "404", 2021, None), |a| {
            a.obs_status = Some("M".into())
        });
        let input = [obs("IT_CEL_SETS", 65e6), obs("SP_POP_TOTL", 50e6), missing];
        assert!(derive(&BUILTIN, &input).is_empty());
    }

    #[test]
    fn nothing_from_missing_values_or_zero_denominators() {
        for input in [
            // no population
            vec![obs("IT_CEL_SETS", 65e6)],
            // no count
            vec![obs("SP_POP_TOTL", 50e6)],
            // population without a value
            vec![
                obs("IT_CEL_SETS", 65e6),
                obs_in("SP_POP_TOTL", "404", 2021, None),
            ],
            // count without a value
            vec![
                obs_in("IT_CEL_SETS", "404", 2021, None),
                obs("SP_POP_TOTL", 50e6),
            ],
            // zero population
            vec![obs("IT_CEL_SETS", 65e6), obs("SP_POP_TOTL", 0.0)],
            // no man with the skill: no parity index
            vec![
                obs("SE_ADT_ACTS[SEX=F;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]", 1.0),
                obs("SE_ADT_ACTS[SEX=M;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]", 0.0),
            ],
        ] {
            assert!(derive(&BUILTIN, &input).is_empty(), "{input:?}");
        }
        // A zero numerator is a value: 0 / 2 = 0.
        let input = [
            obs("SE_ADT_ACTS[SEX=F;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]", 0.0),
            obs("SE_ADT_ACTS[SEX=M;COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]", 2.0),
        ];
        assert_values(
            &BUILTIN,
            &input,
            &[("SE_GPI_ICTS[COMPOSITE_BREAKDOWN=SKILL_ICTPRGM]", 0.0)],
        );
    }

    /// A rate from the count, and a (meaningless) count of another series from that rate:
    /// the second would chain on the first.
    const CHAIN: &str = r#"
[[derived]]
id = "rate"
indicator = "IT_CEL_SETS_P2"
formula = "ratio"
numerator = "IT_CEL_SETS"
denominator = "SP_POP_TOTL"
scale = 100
note = ""

[[derived]]
id = "chained"
indicator = "IT_NET_BBNDN"
formula = "product"
series = "IT_CEL_SETS_P2"
multiplier = "SP_POP_TOTL"
divisor = 100
note = ""
"#;

    #[test]
    fn derived_values_are_not_inputs() {
        let defs = parse(CHAIN).unwrap();
        let input = vec![obs("IT_CEL_SETS", 65e6), obs("SP_POP_TOTL", 50e6)];
        let first = derive(&defs, &input);
        assert_values(&defs, &input, &[("IT_CEL_SETS_P2", 130.0)]);

        // Across runs: the previous derivation, stored and read back, neither feeds the
        // chained definition nor blocks its own recomputation when the count is revised
        // (100 × 70,000,000 / 50,000,000 = 140).
        let mut next = vec![obs("IT_CEL_SETS", 70e6), obs("SP_POP_TOTL", 50e6)];
        next.extend(first);
        assert!(next.iter().filter(|o| is_derived(o)).count() == 1);
        assert_values(&defs, &next, &[("IT_CEL_SETS_P2", 140.0)]);
    }

    #[test]
    fn the_first_definition_of_an_output_wins() {
        // Two ways to the same rate: from the count (130) and, nonsensically, from the
        // fixed-broadband count (100 × 4,000,000 / 50,000,000 = 8). The file's order decides.
        let text = CHAIN.split("[[derived]]").nth(1).unwrap().to_string();
        let other = text
            .replace("\"rate\"", "\"other\"")
            .replace("IT_CEL_SETS\"", "IT_NET_BBNDN\"");
        let input = [
            obs("IT_CEL_SETS", 65e6),
            obs("IT_NET_BBNDN", 4e6),
            obs("SP_POP_TOTL", 50e6),
        ];
        for (defs, want) in [
            (format!("[[derived]]{text}[[derived]]{other}"), 130.0),
            (format!("[[derived]]{other}[[derived]]{text}"), 8.0),
        ] {
            assert_values(&parse(&defs).unwrap(), &input, &[("IT_CEL_SETS_P2", want)]);
        }
    }

    #[test]
    fn output_is_sorted_and_shares_one_key_per_series() {
        let mut input = Vec::new();
        for (area, year) in [("800", 2021), ("404", 2021), ("404", 2020), ("800", 2020)] {
            input.push(obs_in("IT_CEL_SETS", area, year, Some(1e6)));
            input.push(obs_in("SP_POP_TOTL", area, year, Some(2e6)));
        }
        let out = derive(&BUILTIN, &input);
        let order: Vec<_> = out
            .iter()
            .map(|o| (o.key.area.as_str(), o.period))
            .collect();
        assert_eq!(
            order,
            [
                ("404", Period::Year(2020)),
                ("404", Period::Year(2021)),
                ("800", Period::Year(2020)),
                ("800", Period::Year(2021)),
            ]
        );
        assert!(Arc::ptr_eq(&out[0].key, &out[1].key));
        assert!(!Arc::ptr_eq(&out[1].key, &out[2].key));
    }
}

mod provenance {
    use super::*;

    #[test]
    fn attributes_say_what_derived_the_value_and_from_what() {
        let input = [
            with(obs("IT_CEL_SETS", 65e6), |a| {
                a.source = Some("ITU".into());
                a.nature = Some("C".into());
                a.footnote = Some("prepaid included".into());
                a.std_error = Some(1.0);
            }),
            with(obs("SP_POP_TOTL", 50e6), |a| {
                a.source = Some("World Bank".into())
            }),
        ];
        let out = derive(&BUILTIN, &input);
        assert_eq!(
            out[0].attrs,
            Attributes {
                nature: Some("CA".into()),
                source: Some("ictstat (derived), from: ITU; World Bank".into()),
                footnote: Some(
                    "derived by ictstat (mobile-cellular-per-100): 100 × IT_CEL_SETS / SP_POP_TOTL"
                        .into()
                ),
                ..Attributes::default()
            }
        );
        assert!(is_derived(&out[0]));
        assert!(!is_derived(&input[0]));
        assert_eq!((NATURE, SOURCE), ("CA", "ictstat (derived)"));
    }

    #[test]
    fn one_source_is_named_once_and_none_leaves_ictstat_alone() {
        let itu = |o| with(o, |a: &mut Attributes| a.source = Some("ITU".into()));
        let input = [
            itu(obs(
                "SE_ADT_ACTS[SEX=F;COMPOSITE_BREAKDOWN=SKILL_ICTCPT]",
                30.0,
            )),
            itu(obs(
                "SE_ADT_ACTS[SEX=M;COMPOSITE_BREAKDOWN=SKILL_ICTCPT]",
                40.0,
            )),
            obs("IT_CEL_SETS", 65e6),
            obs("SP_POP_TOTL", 50e6),
        ];
        let out = derive(&BUILTIN, &input);
        let attrs = |indicator: &str| {
            &out.iter()
                .find(|o| o.key.indicator == indicator)
                .unwrap()
                .attrs
        };
        assert_eq!(
            attrs("SE_GPI_ICTS").source.as_deref(),
            Some("ictstat (derived), from: ITU")
        );
        assert_eq!(
            attrs("SE_GPI_ICTS").footnote.as_deref(),
            Some(
                "derived by ictstat (ict-skills-gender-parity): \
                 SE_ADT_ACTS[SEX=F] / SE_ADT_ACTS[SEX=M]"
            )
        );
        assert_eq!(
            attrs("IT_CEL_SETS_P2").source.as_deref(),
            Some("ictstat (derived)")
        );
    }

    /// The (OBS_STATUS, NATURE) derived from a count and a population with these.
    fn status_and_nature(
        count: (Option<&str>, Option<&str>),
        population: (Option<&str>, Option<&str>),
    ) -> (Option<String>, Option<String>) {
        let set = |o, (status, nature): (Option<&str>, Option<&str>)| {
            with(o, |a: &mut Attributes| {
                a.obs_status = status.map(str::to_string);
                a.nature = nature.map(str::to_string);
            })
        };
        let input = [
            set(obs("IT_CEL_SETS", 65e6), count),
            set(obs("SP_POP_TOTL", 50e6), population),
        ];
        let out = derive(&BUILTIN, &input).remove(0);
        (out.attrs.obs_status, out.attrs.nature)
    }

    #[test]
    fn status_and_nature_follow_the_least_firm_input() {
        let s = |x: &str| Some(x.to_string());
        for (count, population, want) in [
            // normal country data: no status (normal), country adjusted
            ((None, None), (None, None), (None, s("CA"))),
            ((s("A"), s("C")), (s("A"), s("C")), (None, s("CA"))),
            // an estimated input makes an estimate
            ((s("E"), None), (None, None), (s("E"), s("CA"))),
            ((None, None), (s("E"), None), (s("E"), s("CA"))),
            // provisional, unless something is estimated
            ((s("P"), None), (None, None), (s("P"), s("CA"))),
            ((s("P"), None), (s("E"), None), (s("E"), s("CA"))),
            // statuses about the input alone are not carried over
            ((s("B"), None), (None, None), (None, s("CA"))),
            // estimated or modelled inputs make estimated or modelled values
            ((None, s("E")), (None, s("C")), (None, s("E"))),
            ((None, s("E")), (None, s("M")), (None, s("M"))),
        ] {
            let as_ref = |(a, b): &(Option<String>, Option<String>)| (a.clone(), b.clone());
            let (c, p) = (as_ref(&count), as_ref(&population));
            assert_eq!(
                status_and_nature(
                    (c.0.as_deref(), c.1.as_deref()),
                    (p.0.as_deref(), p.1.as_deref())
                ),
                want,
                "{count:?} {population:?}"
            );
        }
    }
}

mod definitions {
    use super::*;

    #[test]
    fn builtin_definitions_parse_against_the_embedded_catalogue() {
        let defs = Definitions::builtin(&CATALOG).unwrap();
        let shipped: Vec<_> = defs
            .definitions
            .iter()
            .map(|d| (d.id.as_str(), d.indicator.as_str(), d.formula.to_string()))
            .collect();
        assert_eq!(
            shipped,
            [
                (
                    "mobile-cellular-per-100",
                    "IT_CEL_SETS_P2",
                    "100 × IT_CEL_SETS / SP_POP_TOTL".to_string()
                ),
                (
                    "mobile-cellular-count",
                    "IT_CEL_SETS",
                    "IT_CEL_SETS_P2 × SP_POP_TOTL / 100".to_string()
                ),
                (
                    "fixed-broadband-per-100",
                    "IT_NET_BBND",
                    "100 × IT_NET_BBNDN / SP_POP_TOTL".to_string()
                ),
                (
                    "fixed-broadband-count",
                    "IT_NET_BBNDN",
                    "IT_NET_BBND × SP_POP_TOTL / 100".to_string()
                ),
                (
                    "ict-skills-gender-parity",
                    "SE_GPI_ICTS",
                    "SE_ADT_ACTS[SEX=F] / SE_ADT_ACTS[SEX=M]".to_string()
                ),
            ]
        );
        assert!(defs.definitions.iter().all(|d| !d.note.is_empty()));
        assert!(DERIVED_TOML.contains("[[derived]]"));
    }

    /// The examples commented out in `catalog/derived.toml` parse once the catalogue has
    /// their output series (and not before).
    #[test]
    fn the_commented_examples_need_only_their_output_series() {
        let examples: String = DERIVED_TOML
            .split_once("# Not shipped")
            .unwrap()
            .1
            .lines()
            .filter_map(|l| l.strip_prefix("#     "))
            .map(|l| format!("{l}\n"))
            .collect();
        let defs = parse(&examples).unwrap();
        let formulas: Vec<_> = defs.definitions.iter().map(|d| &d.formula).collect();
        assert!(matches!(
            formulas[..],
            [Formula::Difference(_), Formula::Share { .. }]
        ));
        assert!(matches!(
            Definitions::parse(&examples, &CATALOG),
            Err(DeriveError::Definition { .. })
        ));
    }

    const RATIO: &str = r#"
[[derived]]
id = "r"
indicator = "IT_CEL_SETS_P2"
formula = "ratio"
numerator = "IT_CEL_SETS"
denominator = "SP_POP_TOTL"
scale = 100
note = "n"
"#;

    const PARITY: &str = r#"
[[derived]]
id = "p"
indicator = "SE_GPI_ICTS"
formula = "parity"
series = "SE_ADT_ACTS"
dimension = "SEX"
code = "F"
reference = "M"
note = "n"
"#;

    /// The error of `base` with `from` replaced by `to`, as text.
    fn error(base: &str, from: &str, to: &str) -> String {
        assert!(base.contains(from), "{from}");
        parse(&base.replacen(from, to, 1)).unwrap_err().to_string()
    }

    #[test]
    fn parse_errors_name_the_definition_and_the_problem() {
        let cases = [
            (
                RATIO,
                "indicator = \"IT_CEL_SETS_P2\"",
                "indicator = \"IT_CEL_SETS_P3\"",
                "derived definition `r`: `IT_CEL_SETS_P3` is not a series of the catalogue",
            ),
            (
                RATIO,
                "\"SP_POP_TOTL\"",
                "\"SP_POP\"",
                "derived definition `r`: `SP_POP` is not a series of the catalogue",
            ),
            (
                RATIO,
                "\"SP_POP_TOTL\"",
                "\"SP.POP.TOTL\"",
                "derived definition `r`: `SP.POP.TOTL` is an alias of `SP_POP_TOTL`: write the series code",
            ),
            (
                RATIO,
                "\"ratio\"",
                "\"quotient\"",
                "derived definition `r`: unknown variant `quotient`, expected one of `ratio`, `product`, `parity`, `difference`, `share`",
            ),
            (
                RATIO,
                "denominator = \"SP_POP_TOTL\"",
                "",
                "derived definition `r`: missing field `denominator`",
            ),
            (
                RATIO,
                "note = \"n\"",
                "",
                "derived definition `r`: missing field `note`",
            ),
            (
                RATIO,
                "formula = \"ratio\"",
                "",
                "derived definition `r`: missing field `formula`",
            ),
            (
                RATIO,
                "scale = 100",
                "scael = 100",
                "derived definition `r`: unknown field `scael`, expected one of `numerator`, `denominator`, `scale`",
            ),
            (
                RATIO,
                "scale = 100",
                "scale = 0",
                "derived definition `r`: the constant 0 is not a finite non-zero number",
            ),
            (
                RATIO,
                "id = \"r\"\n",
                "",
                "derived definition `#1`: missing field `id`",
            ),
            (
                PARITY,
                "dimension = \"SEX\"",
                "dimension = \"COLOUR\"",
                "derived definition `p`: unknown variant `COLOUR`, expected one of `SEX`, `AGE`, `URBANISATION`, `INCOME_WEALTH_QUANTILE`, `EDUCATION_LEV`, `OCCUPATION`, `CUST_BREAKDOWN`, `COMPOSITE_BREAKDOWN`, `DISABILITY_STATUS`, `ACTIVITY`, `PRODUCT`",
            ),
            (
                PARITY,
                "dimension = \"SEX\"",
                "dimension = \"EDUCATION_LEV\"",
                "derived definition `p`: `SE_ADT_ACTS` has no dimension EDUCATION_LEV",
            ),
            (
                PARITY,
                "reference = \"M\"",
                "reference = \"MALE\"",
                "derived definition `p`: `MALE` is not a code of CL_SEX (SEX)",
            ),
            (
                PARITY,
                "reference = \"M\"",
                "reference = \"F\"",
                "derived definition `p`: `code` and `reference` are both `F`",
            ),
            (
                PARITY,
                "formula = \"parity\"",
                "formula = \"share\"",
                "derived definition `p`: unknown field `code`, expected one of `series`, `dimension`, `scale`",
            ),
        ];
        for (base, from, to, want) in cases {
            assert_eq!(error(base, from, to), want, "{from} → {to}");
        }
    }

    #[test]
    fn file_level_errors() {
        let twice = format!("{RATIO}{RATIO}");
        assert_eq!(
            parse(&twice).unwrap_err().to_string(),
            "derived definition `r`: the id is used by an earlier definition"
        );
        let share_of_nothing = PARITY
            .replace("\"parity\"", "\"share\"")
            .replace("code = \"F\"\nreference = \"M\"\n", "");
        assert_eq!(
            parse(&share_of_nothing).unwrap_err().to_string(),
            "derived definition `p`: a share keeps SEX, which the output `SE_GPI_ICTS` does not have"
        );
        for (text, want) in [
            (
                "derived = 3",
                "derived definitions: `derived` is not a list of tables",
            ),
            (
                "[[rule]]\nid = \"x\"",
                "derived definitions: unknown key `rule` (the file holds `[[derived]]` tables only)",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err().to_string(), want);
        }
        assert!(matches!(parse("[[derived]"), Err(DeriveError::File(_))));
        assert!(parse("").unwrap().definitions.is_empty());
    }
}

/// The bundled data (Gapminder's copies of ITU series and World Bank population, about
/// 60,000 observations): timed, since the server derives after every import; and the rates
/// derived from counts compared with ITU's own rates, which divide by UN rather than World
/// Bank population.
#[test]
fn bundled_data() {
    let observations = crate::bundled::observations();

    let defs = &*BUILTIN;
    let started = Instant::now();
    let derived = derive(defs, &observations);
    let elapsed = started.elapsed();
    println!(
        "{} observations, {} derived in {elapsed:?}",
        observations.len(),
        derived.len()
    );
    assert!(!derived.is_empty());

    // Without the reported rates, the derived ones stand beside ITU's: the relative
    // differences are those of the two population estimates.
    let reported_rates: std::collections::HashMap<_, _> = observations
        .iter()
        .filter(|o| o.key.indicator == "IT_CEL_SETS_P2" && o.value.unwrap() > 1.0)
        .map(|o| ((o.key.area.clone(), o.period), o.value.unwrap()))
        .collect();
    let counts_only: Vec<_> = observations
        .iter()
        .filter(|o| o.key.indicator != "IT_CEL_SETS_P2")
        .cloned()
        .collect();
    let mut gaps: Vec<f64> = derive(&BUILTIN, &counts_only)
        .iter()
        .filter(|o| o.key.indicator == "IT_CEL_SETS_P2")
        .filter_map(|o| {
            let itu = reported_rates.get(&(o.key.area.clone(), o.period))?;
            Some((o.value.unwrap() / itu - 1.0).abs())
        })
        .collect();
    gaps.sort_by(f64::total_cmp);
    let quantile = |q: f64| gaps[((gaps.len() - 1) as f64 * q) as usize];
    println!(
        "IT_CEL_SETS_P2 derived vs reported, {} comparisons: relative difference at the \
         quantiles 0.5, 0.75, 0.9, 0.99, 1: {:?}",
        gaps.len(),
        [0.5, 0.75, 0.9, 0.99, 1.0].map(quantile)
    );
    assert!(gaps.len() > 5_000, "{}", gaps.len());
    assert!(quantile(0.5) < 0.02, "{}", quantile(0.5));
}
