//! Integration tests of the readers and writers on real publishers' files and on malformed
//! files (`tests/fixtures/`, provenance in `tests/fixtures/README.md`). Assertions name exact
//! rule ids, lines, columns and values, and the real counts and values of the files.

use std::path::PathBuf;
use std::sync::OnceLock;

use ictstat_core::{Attributes, Catalog, Dimension, Observation, Period, Severity};
use ictstat_formats::{Format, Parsed, ReadOptions, read, write_long_csv, write_xlsx};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn fixture(path: &str) -> Vec<u8> {
    let p = fixtures().join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().expect("embedded catalogue"))
}

fn read_fixture(path: &str, opts: &ReadOptions) -> Parsed {
    let name = path.rsplit('/').next().unwrap();
    read(name, &fixture(path), catalog(), opts)
}

/// (rule, line, column, value) of every diagnostic.
fn findings(p: &Parsed) -> Vec<Finding> {
    p.report
        .diagnostics
        .iter()
        .map(|d| (d.rule.clone(), d.line, d.column.clone(), d.value.clone()))
        .collect()
}

fn rule_ids(p: &Parsed) -> Vec<&str> {
    p.report
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect()
}

type Finding = (String, Option<u64>, Option<String>, Option<String>);

/// A finding with every position field.
fn f(rule: &str, line: u64, column: &str, value: &str) -> Finding {
    d(rule, Some(line), Some(column), Some(value))
}

fn d(rule: &str, line: Option<u64>, column: Option<&str>, value: Option<&str>) -> Finding {
    (
        rule.into(),
        line,
        column.map(Into::into),
        value.map(Into::into),
    )
}

fn find<'a>(
    p: &'a Parsed,
    indicator: &str,
    area: &str,
    period: &str,
    breakdown: &str,
) -> &'a Observation {
    let period: Period = period.parse().unwrap();
    p.observations
        .iter()
        .find(|o| {
            o.key.indicator == indicator
                && o.key.area == area
                && o.period == period
                && o.key.breakdown.to_string() == breakdown
        })
        .unwrap_or_else(|| panic!("no observation {indicator} {area} {period} {breakdown}"))
}

fn opts() -> ReadOptions {
    ReadOptions::default()
}

// ---------------------------------------------------------------------------------------------
// Real files

#[test]
fn armenia_open_sdg_internet_use_by_sex_and_age() {
    let path = "real/national_sdg_armenia/indicator_17-8-1.csv";
    let p = read_fixture(
        path,
        &ReadOptions {
            area: Some("ARM".into()),
            ..opts()
        },
    );
    assert_eq!(p.format, Format::OpenSdg);
    assert_eq!(p.report.diagnostics, vec![], "{:?}", findings(&p));
    assert_eq!(
        (p.rows_read, p.rows_skipped, p.observations.len()),
        (70, 0, 70)
    );
    // "2015","%","","female","","57.8" (line 4); "2024","%","","","aged 15-24 years","90.6".
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2015", "SEX=F").value,
        Some(57.8)
    );
    assert_eq!(find(&p, "IT_USE_ii99", "051", "2015", "").value, Some(59.1));
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2024", "AGE=Y15T24").value,
        Some(90.6)
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2017", "AGE=Y0T5").value,
        Some(21.7)
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2023", "AGE=Y_GE25").value,
        Some(82.2)
    );

    // A national file needs its country.
    let p = read_fixture(path, &opts());
    assert_eq!(rule_ids(&p), vec!["missing-area"]);
    assert!(
        p.report.diagnostics[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("--area")
    );
    assert!(p.observations.is_empty());
}

#[test]
fn armenia_open_sdg_broadband_speed_bands_from_category() {
    let p = read_fixture(
        "real/national_sdg_armenia/indicator_17-6-1.csv",
        &ReadOptions {
            area: Some("Armenia".into()),
            ..opts()
        },
    );
    assert_eq!(p.report.diagnostics, vec![]);
    assert_eq!(p.observations.len(), 33);
    // 17.6.1 is the catalogue's IT_NET_BBND (per 100 inhabitants).
    assert_eq!(
        find(
            &p,
            "IT_NET_BBND",
            "051",
            "2025",
            "COMPOSITE_BREAKDOWN=IS_GE10M"
        )
        .value,
        Some(19.02)
    );
    assert_eq!(
        find(
            &p,
            "IT_NET_BBND",
            "051",
            "2024",
            "COMPOSITE_BREAKDOWN=IS_256KT2M"
        )
        .value,
        Some(0.008)
    );
    assert_eq!(
        find(
            &p,
            "IT_NET_BBND",
            "051",
            "2015",
            "COMPOSITE_BREAKDOWN=IS_2MT10M"
        )
        .value,
        Some(6.2)
    );
}

#[test]
fn armenia_open_sdg_mobile_ownership() {
    let path = "real/national_sdg_armenia/indicator_5-b-1.csv";
    let opts = ReadOptions {
        area: Some("051".into()),
        source: Some("Armstat".into()),
        ..opts()
    };
    let p = read_fixture(path, &opts);
    assert_eq!(p.report.diagnostics, vec![]);
    assert_eq!(p.observations.len(), 24);
    // "2024","%","male","84.0"; 5.b.1 is the catalogue's IT_MOB_OWN.
    let male_2024 = find(&p, "IT_MOB_OWN", "051", "2024", "SEX=M");
    assert_eq!(male_2024.value, Some(84.0));
    assert_eq!(male_2024.attrs.source.as_deref(), Some("Armstat"));
}

#[test]
fn armenia_open_sdg_network_generations_do_not_map_to_a_breakdown() {
    // 9.c.1's "3G, 4G, 4G+" categories are separate SDG series, not breakdowns. Read against a
    // series that allows COMPOSITE_BREAKDOWN, every row's Category is an unknown code.
    let p = read_fixture(
        "real/national_sdg_armenia/indicator_9-c-1.csv",
        &ReadOptions {
            area: Some("ARM".into()),
            indicator: Some("IT_NET_BBND".into()),
            ..opts()
        },
    );
    assert!(p.observations.is_empty());
    assert_eq!(p.report.errors, 18);
    assert!(rule_ids(&p).iter().all(|r| *r == "unknown-code"));
    assert_eq!(
        findings(&p)[0],
        f("unknown-code", 2, "Category", "3G, 4G, 4G+")
    );
    assert_eq!(
        findings(&p)[8],
        f("unknown-code", 10, "Category", "4G, 4G+")
    );
}

#[test]
fn world_bank_bulk_download_mobile_subscriptions() {
    let p = read_fixture(
        "real/wdi/API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv",
        &opts(),
    );
    assert_eq!(p.format, Format::WorldBank);
    // 266 economies × 62 years (1960–2021) are data points.
    assert_eq!(p.rows_read, 266 * 62);
    // Counted independently from the file: 10,003 non-empty cells of countries with an ISO3
    // code; 49 aggregate rows (3,038 cells) and 3,445 empty cells are skipped.
    assert_eq!(p.observations.len(), 10_003);
    assert_eq!(p.rows_skipped, 49 * 62 + 3_327 + 118);
    assert_eq!(p.report.warnings, 49);
    assert!(
        p.report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .all(|d| d.rule == "aggregate-skipped")
    );
    // Channel Islands and Kosovo have no ISO 3166 / M49 country code: one error per row.
    let errors: Vec<_> = findings(&p)
        .into_iter()
        .filter(|(r, ..)| r != "aggregate-skipped")
        .collect();
    assert_eq!(
        errors,
        vec![
            f("unknown-area", 44, "Country Code", "CHI"),
            f("unknown-area", 267, "Country Code", "XKX"),
        ]
    );
    // Line 6 is Aruba (after the 4-line preamble and the header); WLD is on line 265.
    let wld = p
        .report
        .diagnostics
        .iter()
        .find(|d| d.value.as_deref() == Some("WLD"))
        .unwrap();
    assert_eq!(wld.line, Some(265));
    assert_eq!(
        find(&p, "IT_CEL_SETS_P2", "004", "2010", "").value,
        Some(36.23965543)
    );
    assert!(
        p.observations
            .iter()
            .all(|o| !(o.key.area == "004" && o.period == Period::Year(2021)))
    );
}

#[test]
fn world_bank_long_population_takes_the_indicator_from_the_file_name() {
    let path = "real/population/wb_sp_pop_totl_head2000.csv";
    let p = read_fixture(path, &opts());
    assert_eq!(p.format, Format::WorldBank);
    assert_eq!(p.report.errors, 0, "{:?}", findings(&p));
    assert_eq!(
        (p.rows_read, p.rows_skipped, p.observations.len()),
        (1999, 195, 1804)
    );
    let warned: Vec<_> = p
        .report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.value.as_deref().unwrap()))
        .collect();
    assert_eq!(
        warned,
        vec![
            ("aggregate-skipped", "AFE"),
            ("aggregate-skipped", "AFW"),
            ("aggregate-skipped", "ARB")
        ]
    );
    assert_eq!(
        find(&p, "SP_POP_TOTL", "004", "1960", "").value,
        Some(9_035_043.0)
    );
    assert_eq!(
        find(&p, "SP_POP_TOTL", "004", "2020", "").value,
        Some(39_068_979.0)
    );
    // "Bahamas, The" is quoted because of its comma.
    assert_eq!(
        find(&p, "SP_POP_TOTL", "044", "1960", "").value,
        Some(116_317.0)
    );

    // Without an indicator in the name or the options, the file cannot be imported.
    let p = read("wb_long.csv", &fixture(path), catalog(), &opts());
    assert_eq!(rule_ids(&p), vec!["missing-indicator"]);
    let p = read(
        "wb_long.csv",
        &fixture(path),
        catalog(),
        &ReadOptions {
            indicator: Some("SP.POP.TOTL".into()),
            ..opts()
        },
    );
    assert_eq!(p.observations.len(), 1804);
}

#[test]
fn gapminder_internet_users() {
    let p = read_fixture(
        "real/gapminder/ddf--datapoints--internet_users--by--geo--time.csv",
        &opts(),
    );
    assert_eq!(p.format, Format::Gapminder);
    assert_eq!(p.rows_read, 6024);
    // Gapminder-only ids (Kosovo, Curaçao as a part of the Netherlands) have no ISO3 code.
    assert_eq!(p.observations.len(), 6020);
    let unknown: Vec<_> = findings(&p)
        .into_iter()
        .map(|(r, _, c, v)| (r, c.unwrap(), v.unwrap()))
        .collect();
    assert_eq!(unknown.len(), 4);
    assert!(
        unknown
            .iter()
            .all(|(r, c, _)| r == "unknown-area" && c == "geo")
    );
    let ids: Vec<&str> = unknown.iter().map(|(_, _, v)| v.as_str()).collect();
    assert_eq!(ids, vec!["kos", "kos", "nld_curacao", "nld_curacao"]);
    // afg,2023,17.7089 and arm,2015,59.1008 as in the file.
    assert_eq!(
        find(&p, "IT_USE_ii99", "004", "2023", "").value,
        Some(17.7089)
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2015", "").value,
        Some(59.1008)
    );
}

#[test]
fn gapminder_keys_beyond_geo_and_time_are_breakdowns() {
    let text = "geo,sex,time,internet_users\narm,female,2020,78.1\narm,male,2020,74.9\narm,other sex,2021,1\n";
    let p = read(
        "ddf--datapoints--internet_users--by--geo--sex--time.csv",
        text.as_bytes(),
        catalog(),
        &opts(),
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2020", "SEX=F").value,
        Some(78.1)
    );
    assert_eq!(findings(&p), vec![f("unknown-code", 4, "sex", "other sex")]);
    let text = "geo,colour,time,internet_users\narm,red,2020,78.1\n";
    let p = read(
        "ddf--datapoints--internet_users--by--geo--colour--time.csv",
        text.as_bytes(),
        catalog(),
        &opts(),
    );
    assert_eq!(rule_ids(&p), vec!["unmapped-column"]);
}

#[test]
fn itu_table_is_not_a_supported_layout_but_its_names_resolve_as_areas() {
    let path = "real/itu/itu_internet_use_by_sex_urban_rural_latest_2019.csv";
    let p = read_fixture(path, &opts());
    assert_eq!(rule_ids(&p), vec!["unknown-format"]);

    // The same table reshaped into the long layout, keeping ITU's economy names as areas: the
    // names resolve, `...` cells are skipped, and the sex and urban/rural parts are checked
    // against their totals.
    let bytes = fixture(path);
    let mut rdr = csv::Reader::from_reader(&bytes[..]);
    let mut long = String::from("indicator,area,period,sex,urbanisation,value\n");
    let parts = [
        ("_T", "_T"),
        ("M", "_T"),
        ("F", "_T"),
        ("_T", "U"),
        ("M", "U"),
        ("F", "U"),
        ("_T", "R"),
        ("M", "R"),
        ("F", "R"),
    ];
    let mut economies = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        economies += 1;
        for (i, (sex, urb)) in parts.iter().enumerate() {
            long.push_str(&format!(
                "IT_USE_ii99,\"{}\",{},{sex},{urb},{}\n",
                &rec[0],
                &rec[1],
                &rec[2 + i]
            ));
        }
    }
    assert_eq!(economies, 112);
    let p = read("itu_long.csv", long.as_bytes(), catalog(), &opts());
    let mut unknown: Vec<&str> = p
        .report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-area")
        .map(|d| d.value.as_deref().unwrap())
        .collect();
    unknown.dedup();
    // ITU's names resolve through the catalogue's M49 and UNTERM names, except these ITU
    // spellings (a gap of the catalogue's name table at the time of writing, reported; Kosovo
    // has no M49 code at all). Every other economy's rows are valid.
    let gaps = [
        "Côte d'Ivoire",
        "Curacao",
        "Dominican Rep.",
        "Hong Kong, China",
        "Korea (Rep. of)",
        "Kosovo",
        "Macao, China",
        "Taiwan, Province of China",
        "Turkey",
        "United Kingdom",
        "United States",
    ];
    assert!(unknown.contains(&"Kosovo"));
    assert!(unknown.iter().all(|n| gaps.contains(n)), "{unknown:?}");
    assert!(
        p.report
            .diagnostics
            .iter()
            .all(|d| d.rule == "unknown-area"),
        "{:?}",
        findings(&p)
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "068", "2018", "SEX=M;URBANISATION=R").value,
        Some(22.8)
    );
    let algeria_rural_women = find(&p, "IT_USE_ii99", "012", "2018", "SEX=F;URBANISATION=R");
    assert_eq!(algeria_rural_women.value, Some(25.9));
    assert_eq!(p.rows_read, 112 * 9);
    assert_eq!(
        p.rows_read,
        p.rows_skipped + p.observations.len() as u64 + p.report.errors
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed files

#[test]
fn empty_file() {
    let p = read_fixture("malformed/empty.csv", &opts());
    assert_eq!(rule_ids(&p), vec!["empty-file"]);
    assert!(p.report.has_errors());
    let p = read("x.xlsx", b"", catalog(), &opts());
    assert_eq!(rule_ids(&p), vec!["empty-file"]);
}

#[test]
fn header_only_is_no_data() {
    let p = read_fixture("malformed/header_only.csv", &opts());
    assert_eq!(findings(&p), vec![d("no-data", Some(1), None, None)]);
    assert_eq!(p.report.diagnostics[0].severity, Severity::Error);
}

#[test]
fn truncated_mid_row() {
    let p = read_fixture("malformed/truncated.csv", &opts());
    assert_eq!(rule_ids(&p), vec!["bad-row"]);
    let d = &p.report.diagnostics[0];
    assert_eq!(d.line, Some(4));
    assert_eq!(d.value.as_deref(), Some("IT_USE_ii99,AFG,2021,_T,16.5"));
    assert!(d.message.contains("ends in the middle"), "{}", d.message);
    // A structural problem: the two good rows are not returned either.
    assert!(p.observations.is_empty());
    assert_eq!(p.rows_read, 2);
}

#[test]
fn unquoted_thousands_separator_is_a_bad_row() {
    let p = read_fixture("malformed/extra_field.csv", &opts());
    assert_eq!(
        findings(&p),
        vec![d(
            "bad-row",
            Some(3),
            None,
            Some("IT_CEL_SETS,AFG,2021,22,700,000")
        )]
    );
    assert!(
        p.report.diagnostics[0]
            .message
            .contains("6 fields but the header has 4")
    );
}

#[test]
fn semicolon_delimited_file() {
    let path = "malformed/semicolon.csv";
    let p = read_fixture(path, &opts());
    assert_eq!(p.format, Format::LongCsv);
    assert_eq!(rule_ids(&p), vec!["wrong-delimiter"]);
    let d = &p.report.diagnostics[0];
    assert_eq!(
        (d.line, d.fix.as_deref()),
        (Some(1), Some("pass --delimiter ';'"))
    );
    // With the delimiter given it reads, and the decimal comma gets its own fix.
    let p = read_fixture(
        path,
        &ReadOptions {
            delimiter: Some(b';'),
            ..opts()
        },
    );
    assert_eq!(findings(&p), vec![f("bad-number", 3, "value", "66,5")]);
    assert!(
        p.report.diagnostics[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("decimal separator")
    );
    assert_eq!(p.observations.len(), 1);
}

#[test]
fn windows_1252_file_is_invalid_utf8_until_its_encoding_is_given() {
    let path = "malformed/windows1252_mehrabi_surveylist_head20.csv";
    let p = read_fixture(path, &opts());
    assert_eq!(rule_ids(&p), vec!["invalid-encoding"]);
    let d = &p.report.diagnostics[0];
    assert_eq!(d.line, Some(2));
    assert_eq!(d.value.as_deref(), Some("0xCA"));
    assert!(d.message.contains("byte offset 328"), "{}", d.message);
    assert!(
        d.fix
            .as_deref()
            .unwrap()
            .contains("--encoding windows-1252")
    );
    // Decoded, it is text, but not a layout ictstat reads.
    let p = read_fixture(
        path,
        &ReadOptions {
            encoding: Some("windows-1252".into()),
            ..opts()
        },
    );
    assert_eq!(rule_ids(&p), vec!["unknown-format"]);
    let p = read_fixture(
        path,
        &ReadOptions {
            encoding: Some("klingon".into()),
            ..opts()
        },
    );
    assert_eq!(rule_ids(&p), vec!["invalid-encoding"]);
}

#[test]
fn encoding_option_decodes_latin_text() {
    let mut bytes =
        b"indicator,area,period,value,footnote\nIT_USE_ii99,CIV,2019,36.3,enqu".to_vec();
    bytes.push(0xEA); // ê in windows-1252
    bytes.extend_from_slice(b"te\n");
    let p = read(
        "x.csv",
        &bytes,
        catalog(),
        &ReadOptions {
            encoding: Some("windows-1252".into()),
            ..opts()
        },
    );
    assert_eq!(p.report.diagnostics, vec![]);
    assert_eq!(p.observations[0].attrs.footnote.as_deref(), Some("enquête"));
    assert_eq!(p.observations[0].key.area, "384");
}

#[test]
fn ten_megabyte_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let mut text = String::from(
        "indicator,area,period,value,footnote\nIT_USE_ii99,AFG,2019,17.6,ok\nIT_USE_ii99,AFG,2020,17.0485,\"",
    );
    text.push_str(&"x".repeat(10 * 1024 * 1024));
    text.push_str("\"\n");
    std::fs::write(&path, text).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let p = read("huge.csv", &bytes, catalog(), &opts());
    assert_eq!(rule_ids(&p), vec!["field-too-large"]);
    let d = &p.report.diagnostics[0];
    assert_eq!((d.line, d.column.as_deref()), (Some(3), Some("footnote")));
    assert!(d.message.contains("10485762 bytes"), "{}", d.message);
    assert!(p.observations.is_empty());
}

#[test]
fn header_repeated_inside_the_data() {
    let p = read_fixture("malformed/header_twice.csv", &opts());
    assert_eq!(
        findings(&p),
        vec![d(
            "repeated-header",
            Some(4),
            None,
            Some("indicator,area,period,value")
        )]
    );
    assert!(p.observations.is_empty());
}

#[test]
fn formula_injection_in_text_fields() {
    let p = read_fixture("malformed/formula_injection.csv", &opts());
    assert_eq!(
        findings(&p),
        vec![
            f(
                "formula-injection",
                2,
                "footnote",
                "=HYPERLINK(\"http://evil.example/\",\"click\")"
            ),
            f("formula-injection", 5, "source", "@SUM(1+1)"),
        ]
    );
    // Line 3 (a negative lower bound) and line 4 (apostrophe-protected text) are fine, but the
    // file is rejected as a whole.
    assert!(p.observations.is_empty());
}

#[test]
fn protected_formula_text_is_kept_without_the_apostrophe() {
    let text = "indicator,area,period,value,footnote,lower_bound\nIT_USE_ii99,AFG,2021,16.5143,'=kept as text,-1.5\n";
    let p = read("x.csv", text.as_bytes(), catalog(), &opts());
    assert_eq!(p.report.diagnostics, vec![]);
    assert_eq!(
        p.observations[0].attrs.footnote.as_deref(),
        Some("=kept as text")
    );
    assert_eq!(p.observations[0].attrs.lower_bound, Some(-1.5));
}

#[test]
fn binary_files_renamed_csv() {
    // An XLSX workbook (written by ictstat) renamed .csv.
    let p = read_fixture("malformed/workbook_renamed.csv", &opts());
    assert_eq!(rule_ids(&p), vec!["binary-file"]);
    assert!(p.report.diagnostics[0].message.contains("ZIP"));
    assert_eq!(
        Format::detect(
            "workbook_renamed.csv",
            &fixture("malformed/workbook_renamed.csv")
        ),
        None
    );
    // NUL bytes.
    let p = read("x.csv", b"indicator,area\nIT\0\0,AFG\n", catalog(), &opts());
    assert_eq!(findings(&p), vec![d("binary-file", Some(2), None, None)]);
}

#[test]
fn every_validation_rule_on_its_line() {
    let p = read_fixture("malformed/validation_errors.csv", &opts());
    assert_eq!(
        findings(&p),
        vec![
            d("ignored-column", Some(1), Some("colour"), None),
            f("unknown-area", 3, "area", "Narnia"),
            f("unknown-indicator", 4, "indicator", "NOT_AN_INDICATOR"),
            f("unknown-code", 5, "sex", "X"),
            f("dimension-not-allowed", 6, "sex", "F"),
            f("bad-period", 7, "period", "19"),
            f("bad-number", 8, "value", "1,234"),
            f("bad-number", 9, "value", "NaN"),
            f("duplicate-key", 10, "period", "IT_USE_ii99|004||2019"),
            f("out-of-range", 11, "value", "101"),
            f("out-of-range", 12, "value", "-5"),
            f("bad-unit-mult", 13, "unit_mult", "1.5"),
            f("bad-bounds", 14, "lower_bound", "12"),
            f("unknown-code", 15, "obs_status", "ZZ"),
            f("unknown-code", 21, "sex", "female"),
        ]
    );
    let by_line = |l: u64| {
        p.report
            .diagnostics
            .iter()
            .find(|d| d.line == Some(l))
            .unwrap()
    };
    assert!(
        by_line(8)
            .fix
            .as_deref()
            .unwrap()
            .contains("thousands separators")
    );
    assert!(by_line(10).message.contains("line 2"));
    assert_eq!(
        by_line(21).fix.as_deref(),
        Some("write the code `F` instead")
    );
    // Lines 2, 17 (explicit missing status), 18, 19, 20 are valid; line 16 (`..`) is skipped.
    assert_eq!(
        (p.rows_read, p.rows_skipped, p.observations.len()),
        (20, 1, 5)
    );
    let missing = find(&p, "IT_USE_ii99", "004", "2011", "");
    assert_eq!(
        (missing.value, missing.attrs.obs_status.as_deref()),
        (None, Some("M"))
    );
    let first = find(&p, "IT_USE_ii99", "004", "2019", "");
    assert_eq!(
        first.attrs,
        Attributes {
            obs_status: Some("A".into()),
            unit_mult: Some(0),
            source: Some("ITU".into()),
            ..Attributes::default()
        }
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "004", "2010", "SEX=F;AGE=Y15T24").value,
        Some(5.5)
    );
    assert_eq!(find(&p, "IT_USE_ii99", "004", "2008", "").value, Some(1.84));
}

#[test]
fn totals_contradicted_by_their_parts() {
    let p = read_fixture("malformed/total_contradiction.csv", &opts());
    assert_eq!(p.observations.len(), 13);
    assert_eq!(
        findings(&p),
        vec![
            f("total-contradiction", 2, "SEX", "66.5"),
            f("total-contradiction", 10, "SEX", "2963000"),
        ]
    );
    assert!(
        p.report
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    assert!(
        p.report.diagnostics[0].message.contains("lines 3, 4"),
        "{}",
        p.report.diagnostics[0].message
    );
    assert!(p.report.diagnostics[0].message.contains("above"));
}

/// Armenia's fixed-broadband subscriptions per 100 by speed (its national platform): the tiers
/// share the total's denominator, so they add up to it (9.5 of 9.8, the rest of unknown
/// speed) instead of bracketing it; only tiers summing to more than the total contradict it.
#[test]
fn rates_by_speed_tier_add_up_rather_than_bracket() {
    let p = read(
        "x.csv",
        b"indicator,area,period,composite_breakdown,value\n\
          IT_NET_BBND,ARM,2015,_T,9.80149\n\
          IT_NET_BBND,ARM,2015,IS_256KT2M,0.1\n\
          IT_NET_BBND,ARM,2015,IS_2MT10M,6.2\n\
          IT_NET_BBND,ARM,2015,IS_GE10M,3.2\n\
          IT_NET_BBND,ARM,2016,_T,9.0\n\
          IT_NET_BBND,ARM,2016,IS_2MT10M,6.2\n\
          IT_NET_BBND,ARM,2016,IS_GE10M,3.2\n",
        catalog(),
        &opts(),
    );
    assert_eq!(
        findings(&p),
        vec![f("total-contradiction", 6, "COMPOSITE_BREAKDOWN", "9")]
    );
    assert!(
        p.report.diagnostics[0].message.contains("sum to 9.4"),
        "{}",
        p.report.diagnostics[0].message
    );
}

#[test]
fn missing_required_columns() {
    let p = read(
        "x.csv",
        b"indicator,area,value\nIT_USE_ii99,AFG,1\n",
        catalog(),
        &ReadOptions {
            format: Some(Format::LongCsv),
            ..opts()
        },
    );
    assert_eq!(
        findings(&p),
        vec![d(
            "missing-column",
            Some(1),
            Some("period"),
            Some("indicator,area,value")
        )]
    );
}

#[test]
fn large_files_read_in_parts_give_the_same_result_as_one_pass() {
    // About 12 MB with CRLF line ends, so that the reader cuts it into parts on a multi-core
    // machine. Problems are placed across the cut: a total on line 2 whose parts are at the
    // end, a duplicate of line 2 at the end, an unknown area near the end.
    let mut text = String::from("indicator,area,period,sex,urbanisation,value,footnote\r\n");
    text.push_str("IT_USE_ii99,ARM,2020-Q1,_T,_T,50,quarterly pilot\r\n");
    let areas: Vec<&str> = catalog()
        .areas
        .iter()
        .filter_map(|a| a.iso3.as_deref())
        .collect();
    let mut rows = 1u64;
    for year in 1900..=2100 {
        for (i, area) in areas.iter().enumerate() {
            let total = ((i * 7 + year as usize) % 90) as f64 + 5.0;
            for (sex, urb, delta) in [
                ("_T", "_T", 0.0),
                ("F", "_T", -1.0),
                ("M", "_T", 1.0),
                ("_T", "U", 2.0),
                ("_T", "R", -2.0),
            ] {
                text.push_str(&format!(
                    "IT_USE_ii99,{area},{year},{sex},{urb},{},household survey\r\n",
                    total + delta
                ));
                rows += 1;
            }
        }
    }
    let narnia = rows + 2;
    text.push_str("IT_USE_ii99,Narnia,2020,_T,_T,12,\r\n");
    text.push_str("IT_USE_ii99,ARM,2020-Q1,F,_T,60,\r\n");
    text.push_str("IT_USE_ii99,ARM,2020-Q1,M,_T,61,\r\n");
    text.push_str("IT_USE_ii99,ARM,2020-Q1,_T,_T,50,quarterly pilot again\r\n");
    let last = narnia + 3;
    assert!(text.len() > 8 << 20, "{} bytes", text.len());

    let p = read("big.csv", text.as_bytes(), catalog(), &opts());
    assert_eq!(
        findings(&p),
        vec![
            d("total-contradiction", Some(2), Some("SEX"), Some("50")),
            d("unknown-area", Some(narnia), Some("area"), Some("Narnia")),
            d(
                "duplicate-key",
                Some(last),
                Some("period"),
                Some("IT_USE_ii99|051||2020-Q1")
            ),
        ]
    );
    assert!(p.report.diagnostics[2].message.contains("line 2"));
    assert_eq!(p.rows_read, rows + 4);
    assert_eq!(p.observations.len() as u64, rows + 2);
    // File order is kept across the parts.
    assert_eq!(p.observations[0].period, "2020-Q1".parse().unwrap());
    assert_eq!(
        p.observations[1].key.area,
        catalog().resolve_area(areas[0]).unwrap()
    );
    let tail: Vec<&str> = p.observations[p.observations.len() - 2..]
        .iter()
        .map(|o| o.key.breakdown.get(Dimension::Sex))
        .collect();
    assert_eq!(tail, vec!["F", "M"]);
}

#[test]
fn never_panics_on_cut_or_corrupted_files() {
    // Every fixture cut at many points and with bytes overwritten, and a workbook likewise:
    // `read` must report, not panic, and a structural error must leave no observations.
    let mut files: Vec<(String, Vec<u8>)> = [
        "real/national_sdg_armenia/indicator_17-8-1.csv",
        "real/wdi/API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv",
        "real/gapminder/ddf--datapoints--internet_users--by--geo--time.csv",
        "malformed/validation_errors.csv",
        "malformed/formula_injection.csv",
        "malformed/windows1252_mehrabi_surveylist_head20.csv",
        "real/sdmx/KE1_sdg_sdmx_json_20.json",
        "real/sdmx/KE1_sdg_sdmx_json_10.json",
    ]
    .iter()
    .map(|p| (p.rsplit('/').next().unwrap().to_string(), fixture(p)))
    .collect();
    let workbook = write_xlsx(&sample_observations(), catalog(), "t", "c").unwrap();
    files.push(("export.xlsx".into(), workbook));
    for (name, bytes) in &files {
        let step = bytes.len() / 20 + 1;
        for cut in (0..bytes.len()).step_by(step) {
            let p = read(name, &bytes[..cut], catalog(), &opts());
            let structural = p
                .report
                .diagnostics
                .iter()
                .any(|d| ictstat_formats::rules::by_id(&d.rule).is_some_and(|r| r.structural));
            assert!(
                !structural || p.observations.is_empty(),
                "{name} cut at {cut}"
            );
            let mut corrupt = bytes.clone();
            for b in corrupt.iter_mut().skip(cut).step_by(97) {
                *b = b'"';
            }
            let _ = read(name, &corrupt, catalog(), &opts());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// XLSX

fn workbook(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    build(book.add_worksheet());
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_long_layout_with_numeric_and_text_cells() {
    let bytes = workbook(|s| {
        for (c, h) in ["indicator", "area", "period", "sex", "value"]
            .iter()
            .enumerate()
        {
            s.write_string(0, c as u16, *h).unwrap();
        }
        // Numeric period and value.
        s.write_string(1, 0, "IT_USE_ii99").unwrap();
        s.write_string(1, 1, "AFG").unwrap();
        s.write_number(1, 2, 2021.0).unwrap();
        s.write_number(1, 4, 16.5143).unwrap();
        // Text period and value, a breakdown.
        s.write_string(2, 0, "IT_USE_ii99").unwrap();
        s.write_string(2, 1, "ARM").unwrap();
        s.write_string(2, 2, "2019").unwrap();
        s.write_string(2, 3, "F").unwrap();
        s.write_string(2, 4, "67.2").unwrap();
        // A bad value: the diagnostic names the cell.
        s.write_string(3, 0, "IT_USE_ii99").unwrap();
        s.write_string(3, 1, "ARM").unwrap();
        s.write_number(3, 2, 2020.0).unwrap();
        s.write_string(3, 4, "n/a").unwrap();
    });
    let p = read("upload.xlsx", &bytes, catalog(), &opts());
    assert_eq!(p.format, Format::Xlsx);
    assert_eq!(findings(&p), vec![f("bad-number", 4, "value (E4)", "n/a")]);
    assert_eq!(
        find(&p, "IT_USE_ii99", "004", "2021", "").value,
        Some(16.5143)
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "051", "2019", "SEX=F").value,
        Some(67.2)
    );
}

#[test]
fn xlsx_range_not_starting_at_a1_and_broken_workbooks() {
    let bytes = workbook(|s| {
        for (c, h) in ["indicator", "area", "period", "value"].iter().enumerate() {
            s.write_string(2, 1 + c as u16, *h).unwrap();
        }
        s.write_string(3, 1, "IT_USE_ii99").unwrap();
        s.write_string(3, 2, "Narnia").unwrap();
        s.write_number(3, 3, 2021.0).unwrap();
        s.write_number(3, 4, 5.0).unwrap();
    });
    let p = read("upload.xlsx", &bytes, catalog(), &opts());
    assert_eq!(
        findings(&p),
        vec![f("unknown-area", 4, "area (C4)", "Narnia")]
    );
    let p = read("broken.xlsx", b"this is not a workbook", catalog(), &opts());
    assert_eq!(rule_ids(&p), vec!["unreadable-workbook"]);
}

// ---------------------------------------------------------------------------------------------
// Writers

fn sample_observations() -> Vec<Observation> {
    let mut p = read_fixture(
        "real/national_sdg_armenia/indicator_17-8-1.csv",
        &ReadOptions {
            area: Some("ARM".into()),
            ..opts()
        },
    )
    .observations;
    p.extend(
        read_fixture(
            "real/gapminder/ddf--datapoints--internet_users--by--geo--time.csv",
            &opts(),
        )
        .observations
        .into_iter()
        .take(50),
    );
    // Every attribute, formula-like text, a missing value with its status.
    p[0].attrs = Attributes {
        obs_status: Some("E".into()),
        unit_mult: Some(0),
        nature: Some("CA".into()),
        source: Some("-Armstat, \"ILCS\"".into()),
        footnote: Some("=not a formula\nsecond line".into()),
        lower_bound: Some(50.25),
        upper_bound: Some(60.0),
        std_error: Some(1.0e-3),
    };
    p[1].value = None;
    p[1].attrs.obs_status = Some("M".into());
    p
}

#[test]
fn long_csv_round_trips_through_read() {
    let obs = sample_observations();
    let mut out = Vec::new();
    write_long_csv(&mut out, &obs, catalog()).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "indicator,area,period,sex,age,urbanisation,education_lev,occupation,activity,value,obs_status,unit_mult,nature,source,footnote,lower_bound,upper_bound,std_error"
    );
    // Text that looks like a formula is protected; numbers are not.
    assert!(text.contains("\"'=not a formula\nsecond line\""));
    assert!(text.contains("'-Armstat"));
    assert!(text.contains(",0.001\n"));
    let back = read("export.csv", &out, catalog(), &opts());
    assert_eq!(back.format, Format::LongCsv);
    assert_eq!(back.report.diagnostics, vec![]);
    assert_eq!(back.observations, obs);
}

#[test]
fn xlsx_round_trips_and_has_an_about_sheet() {
    let obs = sample_observations();
    let bytes = write_xlsx(
        &obs,
        catalog(),
        "Internet use: Armenia",
        "ictstat test export. Licence: CC BY 4.0",
    )
    .unwrap();
    let back = read("export.xlsx", &bytes, catalog(), &opts());
    assert_eq!(back.report.diagnostics, vec![]);
    assert_eq!(back.observations, obs);

    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["Internet use Armenia".to_string(), "About".to_string()]
    );
    let about = book.worksheet_range("About").unwrap();
    assert_eq!(
        about.get_value((1, 1)),
        Some(&Data::String(
            "ictstat test export. Licence: CC BY 4.0".into()
        ))
    );
    let data = book.worksheet_range_at(0).unwrap().unwrap();
    // The formula-like footnote is a string cell, never a formula.
    let footnote_col = data
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|c| *c == Data::String("footnote".into()))
        .unwrap();
    assert_eq!(
        data.get((1, footnote_col)),
        Some(&Data::String("=not a formula\nsecond line".into()))
    );
    assert!(
        book.worksheet_formula("Internet use Armenia")
            .unwrap()
            .used_cells()
            .next()
            .is_none()
    );
}

#[test]
fn dimension_columns_accept_sdmx_ids_and_names() {
    let text = "SERIES,REF_AREA,TIME_PERIOD,SEX,Urbanisation,OBS_VALUE,SOURCE_DETAIL,COMMENT_OBS\nIT_USE_ii99,tj,2021,F,R,20.5,TajStat,survey\n";
    let p = read("sdmx-like.csv", text.as_bytes(), catalog(), &opts());
    assert_eq!(p.report.diagnostics, vec![]);
    let o = find(&p, "IT_USE_ii99", "762", "2021", "SEX=F;URBANISATION=R");
    assert_eq!(o.key.breakdown.get(Dimension::Urbanisation), "R");
    assert_eq!(
        (o.attrs.source.as_deref(), o.attrs.footnote.as_deref()),
        (Some("TajStat"), Some("survey"))
    );
}

// ---------------------------------------------------------------------------------------------
// SDMX-ML data messages

/// The distinct values of the `unknown-indicator` findings of a report, with their column.
fn unknown_series(p: &Parsed) -> Vec<(String, String)> {
    let mut codes: Vec<(String, String)> = p
        .report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-indicator")
        .map(|d| {
            (
                d.value.clone().unwrap_or_default(),
                d.column.clone().unwrap_or_default(),
            )
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The SERIES codes of a message, as written in it.
fn series_codes(text: &str, prefix: &str) -> Vec<String> {
    let mut codes: Vec<String> = text
        .split(prefix)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn tajstat_generic_20_message_reads_fixed_broadband() {
    let path = "real/sdmx/TAJSTAT_sdg_generic_20.xml";
    let bytes = fixture(path);
    assert_eq!(
        Format::detect("TAJSTAT_sdg_generic_20.xml", &bytes),
        Some(Format::SdmxMl)
    );
    let p = read_fixture(path, &opts());
    assert_eq!(p.format, Format::SdmxMl);
    // The only catalogue series of the file: 2 observations of Tajikistan (`tj`).
    assert_eq!(p.observations.len(), 2);
    let o = find(&p, "IT_NET_BBND", "762", "2015", "");
    assert_eq!(o.value, Some(0.7));
    assert_eq!(
        o.attrs,
        Attributes {
            obs_status: Some("A".into()),
            unit_mult: Some(0),
            nature: Some("C".into()),
            ..Attributes::default()
        }
    );
    assert_eq!(find(&p, "IT_NET_BBND", "762", "2016", "").value, Some(0.7));
    // The Obs element of 2015 starts on line 3009 of the file.
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().nth(3008).map(str::trim), Some("<generic:Obs>"));
    assert_eq!(
        text.lines().nth(3009).map(str::trim),
        Some("<generic:Time>2015</generic:Time>")
    );
    // Every other series is reported as unknown-indicator, by its code, in column SERIES.
    let mut expected: Vec<(String, String)> = series_codes(&text, "concept=\"SERIES\" value=\"")
        .into_iter()
        .filter(|c| c != "IT_NET_BBND")
        .map(|c| (c, "SERIES".to_string()))
        .collect();
    expected.sort();
    assert_eq!(expected.len(), 37);
    assert_eq!(unknown_series(&p), expected);
    // Besides those, one value of another series has a trailing no-break space.
    let others: Vec<Finding> = findings(&p)
        .into_iter()
        .filter(|f| f.0 != "unknown-indicator")
        .collect();
    assert_eq!(
        others,
        vec![f("bad-number", 1614, "OBS_VALUE", "211\u{a0}")]
    );
    // One finding per observation of those series, on the line of its Obs element.
    let obs_lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "<generic:Obs>")
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(p.rows_read, obs_lines.len() as u64);
    assert_eq!(p.report.errors, obs_lines.len() as u64 - 2 + 1);
    let first = &p.report.diagnostics[0];
    assert_eq!(
        (first.line, first.value.as_deref()),
        (Some(obs_lines[0]), Some("SI_POV_DAY1"))
    );
}

#[test]
fn kenya_structure_specific_21_message_reports_national_series() {
    let path = "real/sdmx/KE1_sdg_structurespecific_21.xml";
    let bytes = fixture(path);
    assert_eq!(
        Format::detect("KE1_sdg_structurespecific_21.xml", &bytes),
        Some(Format::SdmxMl)
    );
    let p = read_fixture(path, &opts());
    assert_eq!(p.format, Format::SdmxMl);
    let text = String::from_utf8(bytes).unwrap();
    let codes = series_codes(&text, " SERIES=\"");
    assert_eq!(codes.len(), 14);
    assert!(codes.contains(&"_L_KE_110101_01".to_string()));
    // None of Kenya's series (urban development, disaster risk, and national `_L_KE_…`
    // series) is in the ICT catalogue: every one is reported, and nothing else is wrong
    // (area `KE`, `_T` breakdowns, OBS_STATUS, UNIT_MULT and NATURE `_X` all resolve).
    let expected: Vec<(String, String)> = codes
        .into_iter()
        .map(|c| (c, "SERIES".to_string()))
        .collect();
    assert_eq!(unknown_series(&p), expected);
    // Its county series (REF_AREA `KE_NBO`, `KE_MBA`… with URBANISATION `CITY`, national
    // extensions of the SDG codelists) are reported too; the national ones (`KE`) resolve.
    let mut others: Vec<(String, String, String)> = findings(&p)
        .into_iter()
        .filter(|f| f.0 != "unknown-indicator")
        .map(|(r, _, c, v)| (r, c.unwrap(), v.unwrap()))
        .collect();
    assert_eq!(others.len(), 66);
    others.sort();
    others.dedup();
    let t = |r: &str, c: &str, v: &str| (r.to_string(), c.to_string(), v.to_string());
    assert_eq!(
        others,
        vec![
            t("unknown-area", "REF_AREA", "KE_KIS"),
            t("unknown-area", "REF_AREA", "KE_MBA"),
            t("unknown-area", "REF_AREA", "KE_NBO"),
            t("unknown-area", "REF_AREA", "KE_NUU"),
            t("unknown-code", "URBANISATION", "CITY"),
        ]
    );
    assert_eq!(p.rows_read, 68);
    assert_eq!(p.report.errors, 68 + 66);
    assert!(p.observations.is_empty());
    // The first observation is on line 19.
    assert_eq!(p.report.diagnostics[0].line, Some(19));
    assert_eq!(
        p.report.diagnostics[0].value.as_deref(),
        Some("EN_LND_SLUM")
    );
}

const SS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific">
<message:Header><message:ID>T</message:ID></message:Header>
"#;

fn read_xml(text: &str) -> Parsed {
    read("message.xml", text.as_bytes(), catalog(), &opts())
}

#[test]
fn structure_specific_message_maps_concepts_and_inherits_attributes() {
    let text = format!(
        r#"{SS_HEAD}<message:DataSet ss:dataScope="DataStructure" SOURCE_DETAIL="TajStat &amp; ITU">
<Series FREQ="A" REPORTING_TYPE="N" SERIES="17.8.1" REF_AREA="TJ" SEX="F" AGE="_T" UNIT_MEASURE="PT">
<Obs TIME_PERIOD="2021" OBS_VALUE="20.5" OBS_STATUS="E" UNIT_MULT="0" NATURE="N" COMMENT_OBS="survey" LOWER_BOUND="19" UPPER_BOUND="22"/>
<Obs TIME_PERIOD="2022" OBS_VALUE="NaN"/>
<Obs TIME_PERIOD="2023" OBS_VALUE="120" SEX="M"/>
<Obs TIME_PERIOD="20x4" OBS_VALUE="1" SEX="X"/>
</Series>
</message:DataSet>
</message:StructureSpecificData>
"#
    );
    let p = read_xml(&text);
    assert_eq!(p.format, Format::SdmxMl);
    let o = find(&p, "IT_USE_ii99", "762", "2021", "SEX=F");
    assert_eq!(o.value, Some(20.5));
    assert_eq!(
        o.attrs,
        Attributes {
            obs_status: Some("E".into()),
            unit_mult: Some(0),
            nature: Some("N".into()),
            source: Some("TajStat & ITU".into()),
            footnote: Some("survey".into()),
            lower_bound: Some(19.0),
            upper_bound: Some(22.0),
            ..Attributes::default()
        }
    );
    assert_eq!(p.observations.len(), 1);
    assert_eq!(p.rows_skipped, 1, "NaN is SDMX's missing value");
    assert_eq!(
        findings(&p),
        vec![
            f("out-of-range", 8, "OBS_VALUE", "120"),
            f("bad-period", 9, "TIME_PERIOD", "20x4"),
            f("unknown-code", 9, "SEX", "X"),
        ]
    );
}

#[test]
fn generic_21_message_with_obs_dimension_and_id() {
    let text = r#"<?xml version="1.0"?>
<mes:GenericData xmlns:mes="m" xmlns:gen="g">
  <mes:Header/>
  <mes:DataSet>
    <gen:Series>
      <gen:SeriesKey>
        <gen:Value id="SERIES" value="it_use_ii99"/>
        <gen:Value id="REF_AREA" value="404"/>
        <gen:Value id="URBANISATION" value="R"/>
      </gen:SeriesKey>
      <gen:Attributes><gen:Value id="SOURCE_DETAIL" value="KNBS"/></gen:Attributes>
      <gen:Obs>
        <gen:ObsDimension value="2019"/>
        <gen:ObsValue value="12.5"/>
        <gen:Attributes><gen:Value id="OBS_STATUS" value="A"/></gen:Attributes>
      </gen:Obs>
      <gen:Obs>
        <gen:ObsDimension value="2020"/>
        <gen:ObsValue value="1,5"/>
      </gen:Obs>
    </gen:Series>
  </mes:DataSet>
</mes:GenericData>
"#;
    assert_eq!(
        Format::detect("m.xml", text.as_bytes()),
        Some(Format::SdmxMl)
    );
    let p = read_xml(text);
    let o = find(&p, "IT_USE_ii99", "404", "2019", "URBANISATION=R");
    assert_eq!(o.value, Some(12.5));
    assert_eq!(o.attrs.source.as_deref(), Some("KNBS"));
    assert_eq!(o.attrs.obs_status.as_deref(), Some("A"));
    assert_eq!(findings(&p), vec![f("bad-number", 17, "OBS_VALUE", "1,5")]);
}

#[test]
fn doctype_with_external_entity_is_refused() {
    let text = r#"<?xml version="1.0"?>
<!DOCTYPE message [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<message:StructureSpecificData xmlns:message="m">
<message:DataSet><Series SERIES="IT_USE_ii99" REF_AREA="TJ"><Obs TIME_PERIOD="2021" OBS_VALUE="1" COMMENT_OBS="&xxe;"/></Series></message:DataSet>
</message:StructureSpecificData>
"#;
    let p = read_xml(text);
    assert_eq!(rule_ids(&p), vec!["xml-doctype"]);
    assert_eq!(p.report.diagnostics[0].line, Some(2));
    assert!(p.observations.is_empty());
}

#[test]
fn billion_laughs_is_refused_without_expansion() {
    let mut text =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        text.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    text.push_str("]>\n<GenericData><DataSet><Series><SeriesKey><Value concept=\"SERIES\" value=\"&lol9;\"/></SeriesKey></Series></DataSet></GenericData>\n");
    let p = read_xml(&text);
    assert_eq!(rule_ids(&p), vec!["xml-doctype"]);
    assert!(p.observations.is_empty());
    assert_eq!(p.rows_read, 0);
}

#[test]
fn undefined_entity_without_doctype_is_bad_xml() {
    let text = format!(
        "{SS_HEAD}<message:DataSet><Series SERIES=\"IT_USE_ii99\" REF_AREA=\"TJ\">\n<Obs TIME_PERIOD=\"2021\" OBS_VALUE=\"1\" COMMENT_OBS=\"&xxe;\"/></Series></message:DataSet></message:StructureSpecificData>\n"
    );
    let p = read_xml(&text);
    assert_eq!(rule_ids(&p), vec!["bad-xml"]);
    assert_eq!(p.report.diagnostics[0].line, Some(5));
    assert!(p.observations.is_empty());
}

#[test]
fn deep_nesting_is_refused() {
    let mut text = format!("{SS_HEAD}<message:DataSet>");
    for _ in 0..100 {
        text.push_str("<Series>");
    }
    for _ in 0..100 {
        text.push_str("</Series>");
    }
    text.push_str("</message:DataSet></message:StructureSpecificData>\n");
    let p = read_xml(&text);
    assert_eq!(rule_ids(&p), vec!["xml-too-deep"]);
    assert_eq!(p.report.diagnostics[0].line, Some(4));
}

#[test]
fn truncated_message_is_bad_xml() {
    let whole = String::from_utf8(fixture("real/sdmx/KE1_sdg_structurespecific_21.xml")).unwrap();
    // Cut in the middle of an Obs element on line 20.
    let cut = whole.find("<Obs TIME_PERIOD=\"2019\"").unwrap() + 20;
    let p = read_xml(&whole[..cut]);
    // The observations before the cut were validated (their series are unknown), then the
    // parser stopped on line 20.
    let last = p.report.diagnostics.last().unwrap();
    assert_eq!((last.rule.as_str(), last.line), ("bad-xml", Some(20)));
    assert_eq!(rule_ids(&p).iter().filter(|r| **r == "bad-xml").count(), 1);
    assert!(p.observations.is_empty());
    // Cut between elements: the message ends with open elements.
    let cut = whole.find("</Series>").unwrap();
    let p = read_xml(&whole[..cut]);
    assert_eq!(
        rule_ids(&p),
        vec!["unknown-indicator", "unknown-indicator", "bad-xml"]
    );
    assert!(p.observations.is_empty());
}

#[test]
fn oversized_attribute_value_is_field_too_large() {
    let text = format!(
        "{SS_HEAD}<message:DataSet><Series SERIES=\"IT_USE_ii99\" REF_AREA=\"TJ\">\n<Obs TIME_PERIOD=\"2021\" OBS_VALUE=\"1\" COMMENT_OBS=\"{}\"/></Series></message:DataSet></message:StructureSpecificData>\n",
        "x".repeat(70 * 1024)
    );
    let p = read_xml(&text);
    assert_eq!(
        findings(&p)
            .into_iter()
            .map(|(r, l, c, _)| (r, l, c))
            .collect::<Vec<_>>(),
        vec![(
            "field-too-large".to_string(),
            Some(5),
            Some("COMMENT_OBS".to_string())
        )]
    );
    assert!(p.observations.is_empty());
}

#[test]
fn xml_that_is_not_a_data_message() {
    let text = "<?xml version=\"1.0\"?>\n<mes:Structure xmlns:mes=\"m\"/>\n";
    assert_eq!(Format::detect("s.xml", text.as_bytes()), None);
    let p = read(
        "s.xml",
        text.as_bytes(),
        catalog(),
        &ReadOptions {
            format: Some(Format::SdmxMl),
            ..opts()
        },
    );
    assert_eq!(rule_ids(&p), vec!["unknown-format"]);
}

/// SDMX-CSV 1.0 (`DATAFLOW` first) and 2.0 (`STRUCTURE, STRUCTURE_ID, ACTION`) files of SDG
/// data read as the long layout: their structure columns are known and ignored; `ACTION` rows
/// `I`, `A`, `R` are data and a `D` (delete) row is refused, since ictstat does not apply SDMX
/// deletions through imports.
#[test]
fn sdmx_csv_reads_as_the_long_layout() {
    let v1 = "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,URBANISATION,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,NATURE,OBS_STATUS,TIME_DETAIL\n\
IAEG-SDGs:DF_SDG_GLH(1.12),A,G,IT_USE_ii99,404,F,_T,_T,2021,25.1,PT,0,C,A,2021\n";
    let p = read("sdg_v1.csv", v1.as_bytes(), catalog(), &opts());
    assert_eq!(p.format, Format::LongCsv);
    assert_eq!(findings(&p), vec![]);
    let o = find(&p, "IT_USE_ii99", "404", "2021", "SEX=F");
    assert_eq!(
        (o.value, o.attrs.nature.as_deref(), o.attrs.unit_mult),
        (Some(25.1), Some("C"), Some(0))
    );

    let v2 = "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,SERIES,REF_AREA,TIME_PERIOD,OBS_VALUE\n\
dataflow,IAEG-SDGs:DF_SDG_GLH(1.12),I,A,IT_USE_ii99,KE,2021,29.5\n\
dataflow,IAEG-SDGs:DF_SDG_GLH(1.12),R,A,IT_USE_ii99,KE,2022,31\n";
    let p = read("sdg_v2.csv", v2.as_bytes(), catalog(), &opts());
    assert_eq!(findings(&p), vec![]);
    assert_eq!(find(&p, "IT_USE_ii99", "404", "2021", "").value, Some(29.5));
    assert_eq!(find(&p, "IT_USE_ii99", "404", "2022", "").value, Some(31.0));

    let delete = format!("{v2}dataflow,IAEG-SDGs:DF_SDG_GLH(1.12),D,A,IT_USE_ii99,KE,2020,\n");
    let p = read("sdg_v2.csv", delete.as_bytes(), catalog(), &opts());
    assert_eq!(
        findings(&p),
        vec![d(
            "sdmx-delete-unsupported",
            Some(4),
            Some("ACTION"),
            Some("D")
        )]
    );
    assert!(p.report.has_errors());

    // Outside SDMX-CSV an `action` column is the user's own: a label.
    let own = "indicator,area,period,value,action\nIT_USE_ii99,KE,2021,29.5,D\n";
    let p = read("own.csv", own.as_bytes(), catalog(), &opts());
    assert_eq!(findings(&p), vec![]);
    assert_eq!(find(&p, "IT_USE_ii99", "404", "2021", "").value, Some(29.5));
}

// ---------------------------------------------------------------------------------------------
// SDMX-JSON data messages

/// (rule, concept, value) of every finding, the concept being the column without the JSON
/// path that SDMX-JSON findings add (`OBS_VALUE (dataSets[0]…)` → `OBS_VALUE`).
fn concept_findings(p: &Parsed) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = p
        .report
        .diagnostics
        .iter()
        .map(|d| {
            let column = d.column.clone().unwrap_or_default();
            let concept = column.split(" (").next().unwrap_or("").to_string();
            (d.rule.clone(), concept, d.value.clone().unwrap_or_default())
        })
        .collect();
    out.sort();
    out
}

/// The Kenya message written as SDMX-JSON 2.0 (series) and 1.0 (flat, constant dimensions at
/// data set level) gives exactly what its SDMX-ML original gives: the same 68 observations,
/// all reported with the same rules, concepts and values.
#[test]
fn kenya_sdmx_json_20_and_10_read_like_the_sdmx_ml_original() {
    let xml = read_fixture("real/sdmx/KE1_sdg_structurespecific_21.xml", &opts());
    for (path, line) in [
        ("real/sdmx/KE1_sdg_sdmx_json_20.json", 415),
        ("real/sdmx/KE1_sdg_sdmx_json_10.json", 421),
    ] {
        let bytes = fixture(path);
        let name = path.rsplit('/').next().unwrap();
        assert_eq!(
            Format::detect(name, &bytes),
            Some(Format::SdmxJson),
            "{path}"
        );
        // Detection is by content: the name does not matter.
        assert_eq!(Format::detect("upload", &bytes), Some(Format::SdmxJson));
        let p = read_fixture(path, &opts());
        assert_eq!(p.format, Format::SdmxJson);
        assert_eq!(p.rows_read, 68, "{path}");
        assert_eq!(p.rows_skipped, 0);
        assert!(p.observations.is_empty());
        assert_eq!(p.report.errors, 68 + 66, "{path}");
        assert_eq!(concept_findings(&p), concept_findings(&xml), "{path}");
        // Positioned on the line of the observation's array, with its JSON path.
        let first = &p.report.diagnostics[0];
        assert_eq!(first.line, Some(line), "{path}");
        assert_eq!(first.value.as_deref(), Some("EN_LND_SLUM"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.lines()
                .nth(line as usize - 1)
                .unwrap()
                .contains("[7.9, "),
            "{path}"
        );
    }
    let p = read_fixture("real/sdmx/KE1_sdg_sdmx_json_20.json", &opts());
    assert_eq!(
        p.report.diagnostics[0].column.as_deref(),
        Some(
            r#"SERIES (data.dataSets[0].series["0:0:0:0:0:0:0:0:0:0:0:0:0:0:0"].observations["0"])"#
        )
    );
    let p = read_fixture("real/sdmx/KE1_sdg_sdmx_json_10.json", &opts());
    assert_eq!(
        p.report.diagnostics[0].column.as_deref(),
        Some(r#"SERIES (dataSets[0].observations["0:0:0:0"])"#)
    );
}

/// The Kenya messages with a catalogue series substituted: the observations equal those read
/// from the SDMX-ML original with the same substitution, values and attributes included.
#[test]
fn kenya_sdmx_json_observations_equal_the_sdmx_ml_ones() {
    let swap = |path: &str, from: &str, to: &str| {
        let text = String::from_utf8(fixture(path)).unwrap();
        assert!(text.contains(from), "{path}");
        text.replace(from, to).into_bytes()
    };
    // EN_LND_SLUM (2 observations of KE, slum population %) becomes 17.8.1, a percentage.
    let xml = read(
        "KE1.xml",
        &swap(
            "real/sdmx/KE1_sdg_structurespecific_21.xml",
            "SERIES=\"EN_LND_SLUM\"",
            "SERIES=\"IT_USE_ii99\"",
        ),
        catalog(),
        &opts(),
    );
    assert_eq!(xml.observations.len(), 2);
    for path in [
        "real/sdmx/KE1_sdg_sdmx_json_20.json",
        "real/sdmx/KE1_sdg_sdmx_json_10.json",
    ] {
        let p = read(
            "KE1.json",
            &swap(path, "\"id\": \"EN_LND_SLUM\"", "\"id\": \"IT_USE_ii99\""),
            catalog(),
            &opts(),
        );
        assert_eq!(p.observations, xml.observations, "{path}");
        assert_eq!(concept_findings(&p), concept_findings(&xml), "{path}");
    }
    let o = find(&xml, "IT_USE_ii99", "404", "2014", "");
    assert_eq!(o.value, Some(7.9));
    assert_eq!(
        (
            o.attrs.obs_status.as_deref(),
            o.attrs.unit_mult,
            o.attrs.nature.as_deref()
        ),
        (Some("A"), Some(0), Some("_X"))
    );
}

#[test]
fn sdmx_json_malformed_files_each_give_their_diagnostic() {
    let structural = |p: &Parsed| {
        assert!(p.observations.is_empty());
        assert_eq!(p.format, Format::SdmxJson);
    };
    // Cut inside the second series: serde_json's line and column.
    let p = read_fixture("malformed/sdmx_json_truncated.json", &opts());
    structural(&p);
    assert_eq!(
        findings(&p),
        vec![d("bad-json", Some(33), Some("column 38"), None)]
    );
    assert!(p.report.diagnostics[0].message.contains("EOF"));

    // REF_AREA has 2 values; the key asks for the third.
    let p = read_fixture("malformed/sdmx_json_bad_key.json", &opts());
    structural(&p);
    assert_eq!(
        findings(&p),
        vec![f(
            "sdmx-bad-reference",
            33,
            r#"data.dataSets[0].series["0:2:1"]"#,
            "0:2:1"
        )]
    );
    assert!(p.report.diagnostics[0].message.contains(
        "part 2 of the key (`2`) is not an index into the 2 value(s) of dimension REF_AREA"
    ));

    // A text value: the validator's bad-number, the other observations are kept.
    let p = read_fixture("malformed/sdmx_json_not_a_number.json", &opts());
    assert_eq!(
        findings(&p),
        vec![f(
            "bad-number",
            32,
            r#"OBS_VALUE (data.dataSets[0].series["0:0:0"].observations["1"])"#,
            "32,1"
        )]
    );
    assert_eq!(p.observations.len(), 2);
    let o = find(&p, "IT_USE_ii99", "404", "2021", "");
    assert_eq!(
        (o.value, o.attrs.obs_status.as_deref()),
        (Some(29.5), Some("A"))
    );
    assert_eq!(
        find(&p, "IT_USE_ii99", "762", "2021", "SEX=F").value,
        Some(20.5)
    );

    // Deletions are refused, not imported as values.
    let p = read_fixture("malformed/sdmx_json_delete.json", &opts());
    structural(&p);
    assert_eq!(
        findings(&p),
        vec![f(
            "sdmx-delete-unsupported",
            27,
            "data.dataSets[0].action",
            "Delete"
        )]
    );
    assert_eq!(p.rows_read, 0);

    // 1000 nested arrays: serde_json stops at 128, no stack overflow.
    let p = read_fixture("malformed/sdmx_json_nesting_bomb.json", &opts());
    structural(&p);
    assert_eq!(rule_ids(&p), vec!["json-too-deep"]);
    assert_eq!(p.report.diagnostics[0].line, Some(33));
}

#[test]
fn sdmx_json_nesting_far_beyond_the_limit_does_not_overflow_the_stack() {
    // In an observation, and in the values of a dimension (both parsed); in a part of the
    // message that is not read (the header), serde_json skips it without recursing.
    for depth in [129, 100_000] {
        let text = format!(
            "{{\"structure\":{{}},\"dataSets\":[{{\"observations\":{{\"0\":{}1{}}}}}]}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let p = read("deep.json", text.as_bytes(), catalog(), &opts());
        assert_eq!(rule_ids(&p), vec!["json-too-deep"], "{depth}");
        let bomb = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let text = format!(
            "{{\"structure\":{{\"dimensions\":{{\"series\":[{{\"id\":\"SEX\",\"values\":[{bomb}]}}]}}}},\"dataSets\":[]}}"
        );
        let p = read("upload", text.as_bytes(), catalog(), &opts());
        assert_eq!(p.format, Format::SdmxJson);
        assert_eq!(rule_ids(&p), vec!["json-too-deep"], "{depth}");
        let text = format!("{{\"header\":{bomb},\"structure\":{{}},\"dataSets\":[]}}");
        let p = read("upload", text.as_bytes(), catalog(), &opts());
        assert_eq!(rule_ids(&p), vec!["no-data"], "{depth}");
    }
}

/// SDMX-JSON 1.0, series layout: data set, series and observation attributes combine (the
/// innermost wins), `INDICATOR` names the indicator, uncoded attributes are inline, null and
/// `NaN` are missing values, unknown concepts are ignored silently as in SDMX-ML.
#[test]
fn sdmx_json_10_series_levels_combine() {
    let text = r#"{
  "header": {"id": "x", "prepared": "2026-01-01T00:00:00Z", "sender": {"id": "T"}},
  "structure": {
    "dimensions": {
      "dataSet": [{"id": "INDICATOR", "keyPosition": 0, "values": [{"id": "17.8.1", "name": "Internet use"}]}],
      "series": [
        {"id": "REF_AREA", "keyPosition": 1, "values": [{"id": "TJ"}, {"id": "KEN"}]},
        {"id": "AGE", "keyPosition": 2, "values": [{"id": "_T"}, {"id": "Y15T24"}]},
        {"id": "CUSTOM_DIM", "keyPosition": 3, "values": [{"id": "Z"}]}
      ],
      "observation": [{"id": "TIME_PERIOD", "keyPosition": 4, "values": [{"id": "2020"}, {"id": "2021"}, {"id": "2022"}]}]
    },
    "attributes": {
      "dataSet": [{"id": "SOURCE_DETAIL", "values": [{"name": "ITU"}]}],
      "series": [{"id": "NATURE", "values": [{"id": "C"}, {"id": "N"}]}, {"id": "TITLE", "values": [{"name": "a title"}]}],
      "observation": [{"id": "OBS_STATUS", "values": [{"id": "A"}, {"id": "E"}]}, {"id": "SOURCE_DETAIL", "values": [{"name": "Survey 2021"}]}]
    }
  },
  "dataSets": [{
    "action": "Replace",
    "attributes": [0],
    "series": {
      "0:0:0": {"attributes": [0, 0], "observations": {"0": [20.5], "1": [22.25, 1, 0], "2": [null]}},
      "1:1:0": {"attributes": [1, null], "observations": {"1": ["NaN", null], "2": [40, 0, null]}}
    }
  }]
}"#;
    assert_eq!(
        Format::detect("x.json", text.as_bytes()),
        Some(Format::SdmxJson)
    );
    let p = read("x.json", text.as_bytes(), catalog(), &opts());
    assert_eq!(findings(&p), vec![]);
    assert_eq!((p.rows_read, p.rows_skipped), (5, 2));
    let o = find(&p, "IT_USE_ii99", "762", "2020", "");
    assert_eq!(o.value, Some(20.5));
    assert_eq!(
        (
            o.attrs.nature.as_deref(),
            o.attrs.source.as_deref(),
            o.attrs.obs_status.as_deref()
        ),
        (Some("C"), Some("ITU"), None)
    );
    let o = find(&p, "IT_USE_ii99", "762", "2021", "");
    assert_eq!(
        (
            o.value,
            o.attrs.obs_status.as_deref(),
            o.attrs.source.as_deref()
        ),
        (Some(22.25), Some("E"), Some("Survey 2021"))
    );
    let o = find(&p, "IT_USE_ii99", "404", "2022", "AGE=Y15T24");
    assert_eq!(
        (
            o.value,
            o.attrs.nature.as_deref(),
            o.attrs.obs_status.as_deref()
        ),
        (Some(40.0), Some("N"), Some("A"))
    );
    assert_eq!(p.observations.len(), 3);
}

#[test]
fn sdmx_json_structure_problems() {
    let read_json = |t: &str| read("m.json", t.as_bytes(), catalog(), &opts());
    // A value index past the end of OBS_STATUS's values.
    let p = read_json(
        r#"{"structure": {"dimensions": {"series": [{"id": "SERIES", "values": [{"id": "IT_USE_ii99"}]}, {"id": "REF_AREA", "values": [{"id": "KE"}]}],
  "observation": [{"id": "TIME_PERIOD", "values": [{"id": "2021"}]}]},
  "attributes": {"observation": [{"id": "OBS_STATUS", "values": [{"id": "A"}]}]}},
 "dataSets": [{"series": {"0:0": {"observations": {
   "0": [1, 3]}}}}]}"#,
    );
    assert_eq!(
        findings(&p),
        vec![f(
            "sdmx-bad-reference",
            5,
            r#"dataSets[0].series["0:0"].observations["0"]"#,
            "3"
        )]
    );
    // Every bad reference is reported (the message is refused as a whole all the same).
    let p = read_json(
        r#"{"structure": {"dimensions": {"series": [{"id": "SERIES", "values": [{"id": "IT_USE_ii99"}]}, {"id": "REF_AREA", "values": [{"id": "KE"}]}],
  "observation": [{"id": "TIME_PERIOD", "values": [{"id": "2019"}, {"id": "2020"}, {"id": "2021"}]}]},
  "attributes": {"observation": [{"id": "OBS_STATUS", "values": [{"id": "A"}]}]}},
 "dataSets": [{"series": {"0:0": {"observations": {
   "0": [1, 3],
   "1": [2, 0],
   "2": [3, 7]}}}}]}"#,
    );
    assert_eq!(
        rule_ids(&p),
        vec!["sdmx-bad-reference", "sdmx-bad-reference"]
    );
    assert!(p.observations.is_empty());
    // The observation has no area: missing-column, as in SDMX-ML.
    let p = read_json(
        r#"{"structure": {"dimensions": {"series": [{"id": "SERIES", "values": [{"id": "IT_USE_ii99"}]}],
  "observation": [{"id": "TIME_PERIOD", "values": [{"id": "2021"}]}]}},
 "dataSets": [{"series": {"0": {"observations": {"0": [1]}}}}]}"#,
    );
    assert_eq!(
        findings(&p),
        vec![d("missing-column", Some(3), Some("REF_AREA"), None)]
    );
    // A series that is not an object: bad-sdmx-json, positioned.
    let p = read_json("{\"structure\": {},\n \"dataSets\": [{\"series\": {\"0\": [1, 2]}}]}");
    assert_eq!(rule_ids(&p), vec!["bad-sdmx-json"]);
    assert_eq!(p.report.diagnostics[0].line, Some(2));
    assert_eq!(
        p.report.diagnostics[0].column.as_deref(),
        Some(r#"dataSets[0].series["0"]"#)
    );
    // dataSets without a structure (not detected as SDMX-JSON, so read as forced); a data
    // set pointing at a missing structure.
    let forced = ReadOptions {
        format: Some(Format::SdmxJson),
        ..opts()
    };
    let text = r#"{"data": {"dataSets": [{"series": {}}]}}"#;
    assert_eq!(Format::detect("m.json", text.as_bytes()), None);
    let p = read("m.json", text.as_bytes(), catalog(), &forced);
    assert_eq!(rule_ids(&p), vec!["bad-sdmx-json"]);
    let p = read_json(r#"{"data": {"structures": [{}], "dataSets": [{"structure": 1}]}}"#);
    assert_eq!(
        findings(&p),
        vec![f(
            "sdmx-bad-reference",
            1,
            "data.dataSets[0].structure",
            "1"
        )]
    );
    // An empty data set is no-data; an error message is reported with its text.
    let p = read_json(
        r#"{"data": {"structures": [{}], "dataSets": [{"structure": 0, "series": {}}]}}"#,
    );
    assert_eq!(rule_ids(&p), vec!["no-data"]);
    let p = read(
        "e.json",
        br#"{"meta": {"schema": "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/2.0.0/sdmx-json-data-schema.json"}, "errors": [{"code": 404, "title": "No results found"}]}"#,
        catalog(),
        &opts(),
    );
    assert_eq!(p.format, Format::SdmxJson);
    assert_eq!(rule_ids(&p), vec!["bad-sdmx-json"]);
    assert!(p.report.diagnostics[0].message.contains("No results found"));
    // A structure message forced as sdmx-json is not a data message.
    let p = read(
        "s.json",
        br#"{"meta": {}, "data": {"dataflows": []}}"#,
        catalog(),
        &forced,
    );
    assert_eq!(rule_ids(&p), vec!["unknown-format"]);
}
