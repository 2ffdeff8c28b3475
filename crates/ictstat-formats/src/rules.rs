//! The validation rules `read` reports, with their stable ids.
//!
//! The ids are part of the public contract: the CLI prints them, the API returns them, and
//! users search for them. Never rename one; add a new rule instead. [`ALL`] is the table the
//! README and the API documentation copy.

use ictstat_core::Severity;

/// One validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `unknown-area`.
    pub id: &'static str,
    pub severity: Severity,
    /// A structural problem makes the whole file unusable: `read` then returns no observations
    /// at all, because the rows it could still read cannot be trusted (they may be shifted,
    /// from another file, or half of the data).
    pub structural: bool,
    /// What the rule checks, for the documentation table.
    pub meaning: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $structural:literal, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $name: Rule = Rule {
                id: $id,
                severity: Severity::$sev,
                structural: $structural,
                meaning: $meaning,
            };
        )*
        /// Every rule, in documentation order.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    EMPTY_FILE = "empty-file", Error, true,
        "The file has no content at all (0 bytes, or only a byte-order mark and blank lines).";
    NO_DATA = "no-data", Error, true,
        "The file has a header but no data row. An error rather than a warning: an import that imports nothing is almost always the wrong file, sheet or export.";
    BINARY_FILE = "binary-file", Error, true,
        "A text layout was expected but the bytes are binary (NUL bytes, or a ZIP/XLSX, PNG, PDF, GZIP or legacy XLS signature), e.g. a workbook renamed .csv.";
    UNKNOWN_FORMAT = "unknown-format", Error, true,
        "Neither the file name nor the header matches a supported layout (long CSV, Open SDG, World Bank, Gapminder DDF, XLSX).";
    INVALID_ENCODING = "invalid-encoding", Error, true,
        "The bytes are not valid UTF-8 (line and byte offset given), or the encoding named in the options is unknown.";
    FIELD_TOO_LARGE = "field-too-large", Error, true,
        "A single field is longer than 64 KiB, which no statistical value or footnote is; usually an unbalanced quote swallowed the rest of the file.";
    WRONG_DELIMITER = "wrong-delimiter", Error, true,
        "The header is one field that contains `;` or a tab: the file uses another delimiter than the one given.";
    BAD_ROW = "bad-row", Error, true,
        "A row has a different number of fields than the header (truncated file, unquoted delimiter inside a value).";
    REPEATED_HEADER = "repeated-header", Error, true,
        "The header row appears again inside the data, usually because two files were concatenated.";
    BAD_XML = "bad-xml", Error, true,
        "An SDMX-ML message is not well-formed XML (truncated, unclosed or mismatched elements, undefined entity references); the line is where the parser stopped.";
    XML_DOCTYPE = "xml-doctype", Error, true,
        "An SDMX-ML message has a DOCTYPE declaration. DTDs, external entities and entity definitions (the XXE and billion-laughs attacks) are refused, never processed.";
    XML_TOO_DEEP = "xml-too-deep", Error, true,
        "An SDMX-ML message nests elements more than 64 deep (a data message needs about 6).";
    BAD_JSON = "bad-json", Error, true,
        "An SDMX-JSON message is not well-formed JSON (truncated, a missing comma or quote, a number out of range); line and column are where the parser stopped.";
    JSON_TOO_DEEP = "json-too-deep", Error, true,
        "An SDMX-JSON message nests arrays and objects more than 128 deep (a data message needs about 8); the parser stops there instead of exhausting the stack.";
    BAD_SDMX_JSON = "bad-sdmx-json", Error, true,
        "A JSON file is not shaped like an SDMX-JSON data message: `dataSets` without a `structure`, a series or observation that is not an object or array, a field of the wrong type, or a message that carries `errors` instead of data.";
    SDMX_BAD_REFERENCE = "sdmx-bad-reference", Error, true,
        "An SDMX-JSON series or observation key, or an attribute or measure index, refers to something the structure does not define: a key with more or fewer parts than dimensions, an index past the end of a component's `values`, a text where an index is expected, or a data set whose `structure` index is not in `structures`.";
    SDMX_DELETE_UNSUPPORTED = "sdmx-delete-unsupported", Error, true,
        "An SDMX-JSON data set has `action: Delete`, or an SDMX-CSV 2.0 row has ACTION `D`. ictstat does not delete through imports, and reading the deleted keys as values would import them; the file is refused.";
    UNREADABLE_WORKBOOK = "unreadable-workbook", Error, true,
        "The XLSX file cannot be opened (corrupt, encrypted, or not an XLSX workbook) or has no worksheet.";
    FORMULA_INJECTION = "formula-injection", Error, true,
        "A text field starts with `=`, `+`, `-`, `@`, a tab or a carriage return, which spreadsheets execute as a formula (numbers such as -1.5 in numeric columns are fine). Prefix the text with an apostrophe to keep it.";
    MISSING_COLUMN = "missing-column", Error, true,
        "A column the layout requires (indicator, area, period, value, or the Gapminder concept) is absent.";
    MISSING_AREA = "missing-area", Error, true,
        "A national file (Open SDG) has no GeoCode/REF_AREA column and no area was given in the options.";
    MISSING_INDICATOR = "missing-indicator", Error, true,
        "The file does not name its indicator (file name, column) and none was given in the options.";
    UNMAPPED_COLUMN = "unmapped-column", Error, false,
        "An Open SDG or Gapminder column that is neither a known dimension, an attribute nor informational has a non-empty value.";
    UNKNOWN_INDICATOR = "unknown-indicator", Error, false,
        "The indicator code or alias is not in the catalogue.";
    UNKNOWN_AREA = "unknown-area", Error, false,
        "The area is not an M49 code, ISO 3166 alpha-2/alpha-3 code or English name known to the catalogue.";
    UNKNOWN_CODE = "unknown-code", Error, false,
        "A breakdown, OBS_STATUS or NATURE value is not in its SDG codelist, or a free-text disaggregation value does not map to a code.";
    DIMENSION_NOT_ALLOWED = "dimension-not-allowed", Error, false,
        "A row is disaggregated by a dimension the indicator does not allow.";
    BAD_PERIOD = "bad-period", Error, false,
        "The period is not a year (2021), half (2021-S1), quarter (2021-Q3) or month (2021-07) between 1900 and 2100.";
    BAD_NUMBER = "bad-number", Error, false,
        "A value, bound or standard error is not a plain finite decimal number (thousands separators, decimal commas, NaN, inf and units are refused).";
    BAD_UNIT_MULT = "bad-unit-mult", Error, false,
        "UNIT_MULT is not an integer power of ten between -15 and 15.";
    BAD_BOUNDS = "bad-bounds", Error, false,
        "LOWER_BOUND <= value <= UPPER_BOUND does not hold.";
    OUT_OF_RANGE = "out-of-range", Error, false,
        "A percentage outside 0-100, a negative count, rate or ratio, or a negative standard error.";
    DUPLICATE_KEY = "duplicate-key", Error, false,
        "The same indicator, area, breakdown and period appear on two rows (the earlier line is named).";
    IGNORED_COLUMN = "ignored-column", Warning, false,
        "A column the layout does not know is ignored.";
    AGGREGATE_SKIPPED = "aggregate-skipped", Warning, false,
        "A World Bank aggregate (WLD, SSF, HIC...) is skipped: ictstat computes its own aggregates from country data.";
    TOTAL_CONTRADICTION = "total-contradiction", Warning, false,
        "The disaggregated values contradict their total: all parts of a share or rate by sex, age or location lie above (or all below) the total, or parts that add up (counts; rates per inhabitant by speed tier or product) sum to more than the total.";
}

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for id in ids {
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
        }
        assert_eq!(by_id("unknown-area"), Some(&UNKNOWN_AREA));
    }
}
