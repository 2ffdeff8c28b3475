//! The estimates as an XLSX workbook laid out like ITU's household questionnaire
//! (survey.md §1.3): one sheet per indicator; rows the total, then each breakdown's
//! categories (one-way margins), then the crosses; columns the weighted population in
//! scope, the weighted number with the characteristic (ITU collects absolute values and
//! computes the percentages itself), the percentage, and the sampling error of each figure
//! (SE, confidence interval, CV, unweighted n, design effect and df) with its quality flag.
//! An "About" sheet says what the file is and what each column means.
//!
//! Numbers are written as numbers at full precision; only their display is rounded.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::tabulate::{Output, TOTAL, Tabulation};

/// Excel's limit on sheet names.
const SHEET_NAME_MAX: usize = 31;

/// The columns of an indicator sheet, after the breakdown and category.
const COLUMNS: [(&str, &str); 13] = [
    (
        "Code",
        "The category's code (SDMX codelists of the SDG DSD; ILOSTAT's for labour-force status).",
    ),
    (
        "Population in scope (weighted)",
        "Estimated number of households or persons in the category (Σ weights).",
    ),
    (
        "With the characteristic (weighted)",
        "Estimated number of them with the characteristic (proportions only): what ITU's questionnaire asks for.",
    ),
    (
        "Percentage",
        "The estimate, in percent for proportions; as estimated for means, totals and ratios.",
    ),
    (
        "Standard error",
        "Design-based standard error, in the unit of the estimate (percentage points for proportions).",
    ),
    (
        "CI lower",
        "Lower confidence limit (level and methods above; each row's method in the tidy table).",
    ),
    ("CI upper", "Upper confidence limit."),
    (
        "CV (%)",
        "Coefficient of variation: standard error ÷ estimate, in percent.",
    ),
    (
        "Unweighted n",
        "Sample rows in the category's scope: the base of the estimate.",
    ),
    (
        "Design effect",
        "Variance ÷ the variance of a simple random sample of the same size (SRSWOR).",
    ),
    (
        "Design df",
        "Design degrees of freedom (PSUs − strata): the t quantile of the interval uses them.",
    ),
    (
        "Quality",
        "reliable, unreliable (publish with a warning) or suppressed (value withheld), by the plan's [quality] rules.",
    ),
    (
        "OBS_STATUS",
        "SDMX observation status: A normal, U low reliability, Q suppressed.",
    ),
];

impl Tabulation {
    /// Writes the estimates as an XLSX workbook (see the module documentation); `title`
    /// names the survey on the About sheet, `level` is the intervals' confidence level (the
    /// plan's `[output]`).
    pub fn write_xlsx(&self, title: &str, level: f64) -> Result<Vec<u8>, XlsxError> {
        let bold = Format::new().set_bold();
        let count = Format::new().set_num_format("#,##0");
        let one = Format::new().set_num_format("0.0");
        let two = Format::new().set_num_format("0.00");
        let mut book = Workbook::new();
        write_about(book.add_worksheet(), self, title, level, &bold)?;
        let mut by_key: Vec<(&str, Vec<&Output>)> = Vec::new();
        for r in &self.rows {
            match by_key.last_mut() {
                Some((k, rows)) if *k == r.plan_key => rows.push(r),
                _ => by_key.push((&r.plan_key, vec![r])),
            }
        }
        let mut used = Vec::new();
        for (key, rows) in by_key {
            let sheet = book.add_worksheet();
            sheet.set_name(unique_sheet_name(key, &mut used))?;
            let first = rows[0];
            let heading = match first.breakdown.get("COMPOSITE_BREAKDOWN") {
                Some(c) => format!("{} — {c}", first.indicator),
                None => first.indicator.clone(),
            };
            sheet.write_string_with_format(0, 0, heading, &bold)?;
            sheet.write_string(
                1,
                0,
                format!("{} (plan key {key})", unit_line(first.statistic)),
            )?;
            sheet.write_string_with_format(3, 0, "Breakdown", &bold)?;
            sheet.write_string_with_format(3, 1, "Category", &bold)?;
            for (c, (name, _)) in COLUMNS.iter().enumerate() {
                sheet.write_string_with_format(3, 2 + c as u16, *name, &bold)?;
            }
            let mut r = 4_u32;
            let mut group = None;
            for o in rows {
                let dims = broken_down(o);
                let this: Vec<&str> = dims.iter().map(|(d, _)| *d).collect();
                if group.as_ref() != Some(&this) {
                    if group.is_some() {
                        r += 1;
                    }
                    sheet.write_string_with_format(r, 0, group_label(&this), &bold)?;
                    group = Some(this);
                }
                let category = if dims.is_empty() {
                    "Total".to_owned()
                } else {
                    dims.iter()
                        .map(|(d, c)| code_label(d, c))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                sheet.write_string(r, 1, category)?;
                let code = dims.iter().map(|(_, c)| *c).collect::<Vec<_>>().join(" × ");
                sheet.write_string(r, 2, if code.is_empty() { TOTAL } else { &code })?;
                write_figures(sheet, r, o, [&count, &one, &two])?;
                r += 1;
            }
            sheet.set_column_width(0, 28)?;
            sheet.set_column_width(1, 34)?;
            sheet.set_column_range_width(3, 4, 16)?;
            sheet.set_freeze_panes(4, 2)?;
        }
        book.save_to_buffer()
    }
}

/// The figures of one row, from column C on.
fn write_figures(
    sheet: &mut Worksheet,
    r: u32,
    o: &Output,
    [count, one, two]: [&Format; 3],
) -> Result<(), XlsxError> {
    let proportion = o.statistic == "proportion";
    let scale = if proportion { 100.0 } else { 1.0 };
    sheet.write_number_with_format(r, 3, o.weighted_size, count)?;
    if let Some(v) = o.value {
        if proportion {
            sheet.write_number_with_format(r, 4, v * o.weighted_size, count)?;
        }
        sheet.write_number_with_format(r, 5, v * scale, one)?;
    }
    for (c, x) in [(6, o.se), (7, o.ci_lower), (8, o.ci_upper)] {
        if let Some(x) = x {
            sheet.write_number_with_format(r, c, x * scale, one)?;
        }
    }
    if let Some(cv) = o.cv {
        sheet.write_number_with_format(r, 9, cv * 100.0, one)?;
    }
    sheet.write_number(r, 10, o.n as f64)?;
    if let Some(d) = o.deff {
        sheet.write_number_with_format(r, 11, d, two)?;
    }
    sheet.write_number(r, 12, o.df)?;
    sheet.write_string(r, 13, o.quality.name())?;
    sheet.write_string(r, 14, o.obs_status)?;
    Ok(())
}

fn write_about(
    about: &mut Worksheet,
    t: &Tabulation,
    title: &str,
    level: f64,
    bold: &Format,
) -> Result<(), XlsxError> {
    about.set_name("About")?;
    about.set_column_width(0, 36)?;
    about.set_column_width(1, 110)?;
    let mut r = 0_u32;
    let mut line = |about: &mut Worksheet, key: &str, text: &str| -> Result<(), XlsxError> {
        about.write_string_with_format(r, 0, key, bold)?;
        about.write_string(r, 1, text)?;
        r += 1;
        Ok(())
    };
    line(about, "Survey", title)?;
    line(
        about,
        "Sample",
        &format!(
            "{} rows read, {} PSUs in {} strata",
            t.n_rows, t.n_psus, t.n_strata
        ),
    )?;
    line(
        about,
        "Confidence intervals",
        &format!("{} %: {}", level * 100.0, interval_methods(t)),
    )?;
    line(
        about,
        "Layout",
        "One sheet per indicator, as ITU's household questionnaire: the total, each breakdown's categories, then the crosses. Design-based estimates by ictstat (Taylor linearisation or replicate weights, as R's survey package).",
    )?;
    r += 1;
    about.write_string_with_format(r, 0, "Column", bold)?;
    about.write_string_with_format(r, 1, "Meaning", bold)?;
    r += 1;
    for (name, meaning) in [
        ("Breakdown", "The disaggregation (Total, by sex, by age…)."),
        ("Category", "The category within it."),
    ]
    .iter()
    .chain(&COLUMNS)
    {
        about.write_string(r, 0, *name)?;
        about.write_string(r, 1, *meaning)?;
        r += 1;
    }
    Ok(())
}

/// The interval methods met, with how many estimates use each.
fn interval_methods(t: &Tabulation) -> String {
    let mut methods: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &t.rows {
        *methods.entry(r.ci_method).or_insert(0) += 1;
    }
    methods
        .iter()
        .map(|(m, n)| format!("{m} ({n} estimates)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The dimensions the row is broken down by, with their codes, in the row's order
/// (COMPOSITE_BREAKDOWN names the indicator, not a category).
fn broken_down(o: &Output) -> Vec<(&str, &str)> {
    o.breakdown
        .iter()
        .filter(|(d, c)| d.as_str() != "COMPOSITE_BREAKDOWN" && c.as_str() != TOTAL)
        .map(|(d, c)| (d.as_str(), c.as_str()))
        .collect()
}

fn unit_line(statistic: &str) -> &'static str {
    match statistic {
        "proportion" => "Percentage of the population in scope",
        "mean" => "Mean",
        "total" => "Total",
        _ => "Ratio",
    }
}

fn dimension_label(d: &str) -> &str {
    match d {
        "SEX" => "sex",
        "AGE" => "age",
        "URBANISATION" => "urban/rural location",
        "EDUCATION_LEV" => "educational attainment",
        "LABOUR_FORCE_STATUS" => "labour force status",
        "REGION" => "region",
        "OCCUPATION" => "occupation",
        "INCOME_WEALTH_QUANTILE" => "income quantile",
        other => other,
    }
}

fn group_label(dims: &[&str]) -> String {
    if dims.is_empty() {
        return "Total".to_owned();
    }
    let names: Vec<&str> = dims.iter().map(|d| dimension_label(d)).collect();
    format!("By {}", names.join(" and "))
}

/// A category's name in words for the standard codes of the built-in plan; the code itself
/// otherwise.
fn code_label(dimension: &str, code: &str) -> String {
    let fixed = match (dimension, code) {
        ("SEX", "F") => "Female",
        ("SEX", "M") => "Male",
        ("URBANISATION", "U") => "Urban",
        ("URBANISATION", "R") => "Rural",
        ("EDUCATION_LEV", "ISCED11A_0") => "Less than primary (ISCED 0)",
        ("EDUCATION_LEV", "ISCED11_1") => "Primary (ISCED 1)",
        ("EDUCATION_LEV", "ISCED11_2") => "Lower secondary (ISCED 2)",
        ("EDUCATION_LEV", "ISCED11_3") => "Upper secondary (ISCED 3)",
        ("EDUCATION_LEV", "ISCED11_4") => "Post-secondary non-tertiary (ISCED 4)",
        ("EDUCATION_LEV", "AGG_5T8") => "Tertiary (ISCED 5–8)",
        ("LABOUR_FORCE_STATUS", "EMP") => "Employed",
        ("LABOUR_FORCE_STATUS", "UNE") => "Unemployed",
        ("LABOUR_FORCE_STATUS", "EIP") => "Outside the labour force",
        ("AGE", code) => return age_label(code).unwrap_or_else(|| code.to_owned()),
        _ => code,
    };
    fixed.to_owned()
}

/// `Y15T24` → "15–24 years", `Y_GE75` → "75 years and over" (SDMX CL_AGE patterns).
fn age_label(code: &str) -> Option<String> {
    if let Some(from) = code.strip_prefix("Y_GE") {
        return Some(format!("{from} years and over"));
    }
    let (from, to) = code.strip_prefix('Y')?.split_once('T')?;
    (from.bytes().all(|b| b.is_ascii_digit()) && to.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{from}–{to} years"))
}

/// A valid, unique sheet name for a plan key: Excel refuses `[]:*?/\`, more than 31
/// characters and (case-insensitively) a name used twice.
fn unique_sheet_name(key: &str, used: &mut Vec<String>) -> String {
    let clean: String = key
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let room = SHEET_NAME_MAX - suffix.chars().count();
        let name: String = clean.chars().take(room).collect::<String>() + &suffix;
        let taken = name.eq_ignore_ascii_case("About")
            || used.iter().any(|u| u.eq_ignore_ascii_case(&name));
        if !taken {
            used.push(name.clone());
            return name;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = Vec::new();
        let long = "SE_ADT_ACTS.SKILL_ICTCMFL_AND_SOME_MORE_TEXT";
        let a = unique_sheet_name(long, &mut used);
        let b = unique_sheet_name(long, &mut used);
        assert_eq!(a.chars().count(), 31);
        assert!(b.ends_with(" (2)") && b.chars().count() == 31, "{b}");
        assert_eq!(unique_sheet_name("a/b:c", &mut used), "a_b_c");
        assert_eq!(unique_sheet_name("about", &mut used), "about (2)");
    }

    #[test]
    fn age_codes_read_as_ranges() {
        assert_eq!(code_label("AGE", "Y15T24"), "15–24 years");
        assert_eq!(code_label("AGE", "Y_GE75"), "75 years and over");
        assert_eq!(code_label("AGE", "_Z"), "_Z");
        assert_eq!(code_label("REGION", "7"), "7");
    }
}
