//! Disaggregation dimensions of the SDG data structure definition and breakdowns over them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Code that means "total" (not disaggregated) in every SDG codelist.
pub const TOTAL: &str = "_T";

/// The disaggregation dimensions of the SDG DSD 1.4, in the DSD's order (after FREQ,
/// REPORTING_TYPE, SERIES and REF_AREA, which are not breakdowns).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Dimension {
    Sex,
    Age,
    Urbanisation,
    IncomeWealthQuantile,
    EducationLev,
    Occupation,
    CustBreakdown,
    CompositeBreakdown,
    DisabilityStatus,
    Activity,
    Product,
}

impl Dimension {
    /// All breakdown dimensions in DSD order.
    pub const ALL: [Dimension; 11] = [
        Dimension::Sex,
        Dimension::Age,
        Dimension::Urbanisation,
        Dimension::IncomeWealthQuantile,
        Dimension::EducationLev,
        Dimension::Occupation,
        Dimension::CustBreakdown,
        Dimension::CompositeBreakdown,
        Dimension::DisabilityStatus,
        Dimension::Activity,
        Dimension::Product,
    ];

    /// The SDMX concept id, e.g. `URBANISATION`.
    pub fn id(self) -> &'static str {
        match self {
            Dimension::Sex => "SEX",
            Dimension::Age => "AGE",
            Dimension::Urbanisation => "URBANISATION",
            Dimension::IncomeWealthQuantile => "INCOME_WEALTH_QUANTILE",
            Dimension::EducationLev => "EDUCATION_LEV",
            Dimension::Occupation => "OCCUPATION",
            Dimension::CustBreakdown => "CUST_BREAKDOWN",
            Dimension::CompositeBreakdown => "COMPOSITE_BREAKDOWN",
            Dimension::DisabilityStatus => "DISABILITY_STATUS",
            Dimension::Activity => "ACTIVITY",
            Dimension::Product => "PRODUCT",
        }
    }

    /// The lower-case column name used in the store and as a query parameter.
    pub fn column(self) -> &'static str {
        match self {
            Dimension::Sex => "sex",
            Dimension::Age => "age",
            Dimension::Urbanisation => "urbanisation",
            Dimension::IncomeWealthQuantile => "income_wealth_quantile",
            Dimension::EducationLev => "education_lev",
            Dimension::Occupation => "occupation",
            Dimension::CustBreakdown => "cust_breakdown",
            Dimension::CompositeBreakdown => "composite_breakdown",
            Dimension::DisabilityStatus => "disability_status",
            Dimension::Activity => "activity",
            Dimension::Product => "product",
        }
    }

    /// The SDG DSD codelist that holds this dimension's codes.
    pub fn codelist(self) -> &'static str {
        match self {
            Dimension::Sex => "CL_SEX",
            Dimension::Age => "CL_AGE",
            Dimension::Urbanisation => "CL_URBANISATION",
            Dimension::IncomeWealthQuantile => "CL_QUANTILE",
            Dimension::EducationLev => "CL_EDUCATION_LEV",
            Dimension::Occupation => "CL_OCCUPATION",
            Dimension::CustBreakdown => "CL_CUST_BREAKDOWN",
            Dimension::CompositeBreakdown => "CL_COMP_BREAKDOWN",
            Dimension::DisabilityStatus => "CL_DISABILITY",
            Dimension::Activity => "CL_ACTIVITY",
            Dimension::Product => "CL_PRODUCT",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The dimension named by a column header or query parameter (SDMX id or column name, any case).
#[derive(Debug, thiserror::Error)]
#[error("unknown dimension `{0}`")]
pub struct UnknownDimension(pub String);

impl FromStr for Dimension {
    type Err = UnknownDimension;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Dimension::ALL
            .into_iter()
            .find(|d| d.id() == upper)
            .ok_or_else(|| UnknownDimension(s.to_string()))
    }
}

/// The non-total codes of a series key. A dimension that is absent is `_T`.
///
/// Kept as a sorted map so that equal breakdowns have one canonical text form
/// (`SEX=F;URBANISATION=R`), which the store uses as part of the unique series key.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Breakdown(BTreeMap<Dimension, String>);

impl Breakdown {
    /// The total breakdown (every dimension `_T`).
    pub fn total() -> Self {
        Self::default()
    }

    /// Sets a dimension's code; `_T` (or an empty code) removes it.
    pub fn set(&mut self, dim: Dimension, code: impl Into<String>) {
        let code = code.into();
        if code.is_empty() || code == TOTAL {
            self.0.remove(&dim);
        } else {
            self.0.insert(dim, code);
        }
    }

    /// The code of a dimension, `_T` when not disaggregated.
    pub fn get(&self, dim: Dimension) -> &str {
        self.0.get(&dim).map(String::as_str).unwrap_or(TOTAL)
    }

    /// True when every dimension is `_T`.
    pub fn is_total(&self) -> bool {
        self.0.is_empty()
    }

    /// The non-total `(dimension, code)` pairs in DSD order.
    pub fn iter(&self) -> impl Iterator<Item = (Dimension, &str)> {
        self.0.iter().map(|(d, c)| (*d, c.as_str()))
    }

    /// Parses the canonical text form written by `Display` (empty string = total).
    pub fn parse(text: &str) -> Result<Self, UnknownDimension> {
        let mut b = Breakdown::total();
        for part in text.split(';').filter(|p| !p.is_empty()) {
            let (dim, code) = part
                .split_once('=')
                .ok_or_else(|| UnknownDimension(part.to_string()))?;
            b.set(dim.parse()?, code);
        }
        Ok(b)
    }
}

impl fmt::Display for Breakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (d, c)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{}={}", d.id(), c)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_sorted_by_dsd_order_and_round_trips() {
        let mut b = Breakdown::total();
        b.set(Dimension::Urbanisation, "R");
        b.set(Dimension::Sex, "F");
        b.set(Dimension::Age, TOTAL);
        assert_eq!(b.to_string(), "SEX=F;URBANISATION=R");
        assert_eq!(Breakdown::parse(&b.to_string()).unwrap(), b);
        assert!(Breakdown::parse("").unwrap().is_total());
        assert!(Breakdown::parse("COLOUR=red").is_err());
    }

    #[test]
    fn dimension_names_parse_in_any_case() {
        assert_eq!("sex".parse::<Dimension>().unwrap(), Dimension::Sex);
        assert_eq!(
            "Composite_Breakdown".parse::<Dimension>().unwrap(),
            Dimension::CompositeBreakdown
        );
        assert!("REF_AREA".parse::<Dimension>().is_err());
    }
}
