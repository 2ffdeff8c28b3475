//! The built-in check that female and male values agree with their total.
//!
//! It cannot be a comparison rule: `min` and `max` are not linear, it applies to every
//! SEX-disaggregated series whatever its other dimensions, and what "agree" means depends on
//! the unit. A percentage or rate of the whole population is a population-weighted mean of the
//! female and male rates, so it lies between them; a count is their sum plus any people of
//! unknown sex, so it is at least their sum. Other kinds (ratios, scores, money) have no such
//! relation and are not checked.

use ictstat_core::{Catalog, Dimension, UnitKind, dimension::TOTAL};

use super::data::Data;
use super::expr::series_label;
use super::rules::{Operator, Tolerance};
use super::{Finding, show};

/// How female, male and total values must relate, from the indicator's unit kind.
#[derive(Clone, Copy)]
enum Relation {
    Between,
    AtLeastSum,
}

impl Relation {
    fn of(kind: UnitKind) -> Option<Relation> {
        match kind {
            UnitKind::Percent | UnitKind::Rate => Some(Relation::Between),
            UnitKind::Count => Some(Relation::AtLeastSum),
            UnitKind::Ratio | UnitKind::Score | UnitKind::Other => None,
        }
    }
}

/// The findings for every female value whose male and total values exist, ordered by series,
/// area and period.
pub(super) fn sex_brackets_total(
    data: &Data<'_>,
    catalog: &Catalog,
    tolerance: Tolerance,
) -> Vec<Finding> {
    let mut female: Vec<_> = data
        .all()
        .filter(|(_, b, _)| b.get(Dimension::Sex) == "F")
        .filter_map(|(i, b, points)| {
            let relation = Relation::of(catalog.indicator(i)?.kind)?;
            Some((i, b, points, relation))
        })
        .collect();
    female.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

    let mut found = Vec::new();
    for (indicator, b, points, relation) in female {
        let with = |code: &str| {
            let mut other = b.clone();
            other.set(Dimension::Sex, code);
            other
        };
        let (male, total) = (with("M"), with(TOTAL));
        let mut points: Vec<_> = points.iter().collect();
        points.sort_by(|a, b| a.0.cmp(b.0));
        for (&(area, period), &f) in points {
            let (Some(m), Some(t)) = (
                data.get(indicator, &male, area, period),
                data.get(indicator, &total, area, period),
            ) else {
                continue;
            };
            let failure = match relation {
                Relation::Between => {
                    let (lo, hi) = (f.min(m), f.max(m));
                    let allowance = tolerance.allowance(t, hi);
                    (!Operator::Ge.holds(t, lo, allowance) || !Operator::Le.holds(t, hi, allowance)).then(|| {
                        format!(
                            "the total {} is outside [{}, {}], the range of the female and male values",
                            show(t),
                            show(lo),
                            show(hi)
                        )
                    })
                }
                Relation::AtLeastSum => {
                    let allowance = tolerance.allowance(t, f + m);
                    (!Operator::Le.holds(f + m, t, allowance)).then(|| {
                        format!(
                            "female + male = {} exceeds the total {}",
                            show(f + m),
                            show(t)
                        )
                    })
                }
            };
            let Some(failure) = failure else { continue };
            found.push(Finding {
                column: format!("{} {area} {period}", series_label(indicator, &total)),
                value: format!("F={} M={} _T={}", show(f), show(m), show(t)),
                message: failure,
                fix: "check the female, male and total values against their source; \
                      they may come from different surveys or years"
                    .to_string(),
            });
        }
    }
    found
}
