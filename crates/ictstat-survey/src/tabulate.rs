//! From a file to indicators: one streaming pass ([`crate::read`]) into the
//! sufficient-statistics table, then every indicator of the plan, in total, by each of
//! its breakdowns (one-way) and by the plan's crosses, with SE, CV, design df, design
//! effect, confidence interval, unweighted n, weighted size and a quality flag — as tidy
//! rows, written as CSV or JSON.
//!
//! Intervals: proportions default to the **logit** interval, as R's `svyciprop` (and
//! Stata's `proportion`): unlike the Wald interval it stays inside [0, 1] and is
//! asymmetric near 0 and 1, where ICT indicators of small groups often sit, and uses the
//! design df (t quantile). At θ̂ = 0 or 1 the logit interval degenerates to [θ̂, θ̂], so
//! there it falls back to Korn–Graubard with n* = n (`ci_method` says `korn-graubard`).
//! Means, totals and ratios default to Wald-z, as R's `confint`.
//! Both are configurable in the plan's `[output]`.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::design::Design;
use crate::error::{EstimateError, TabulateError};
use crate::estimate::{Domain, Statistic};
use crate::flags::Quality;
use crate::plan::{Indicator, Plan, StatKind, Unavailable};
use crate::read::{NO_CODE, Source, Sufficient, Visitor};

/// The code of a dimension not broken down (SDMX "total").
pub const TOTAL: &str = "_T";

/// One estimate: an indicator in one breakdown cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    /// The series code.
    pub indicator: String,
    /// The plan's indicator key.
    pub plan_key: String,
    /// Dimension → code for every dimension of the indicator (`_T` where not broken down),
    /// and COMPOSITE_BREAKDOWN if the indicator has one.
    pub breakdown: BTreeMap<String, String>,
    /// proportion, mean, total or ratio.
    pub statistic: &'static str,
    /// The estimate (None if suppressed or undefined).
    pub value: Option<f64>,
    /// Its standard error.
    pub se: Option<f64>,
    /// Its coefficient of variation.
    pub cv: Option<f64>,
    /// Design degrees of freedom.
    pub df: f64,
    /// Design effect (SRSWOR, R's `deff = TRUE`).
    pub deff: Option<f64>,
    /// Lower confidence limit.
    pub ci_lower: Option<f64>,
    /// Upper confidence limit.
    pub ci_upper: Option<f64>,
    /// How the interval was computed.
    pub ci_method: &'static str,
    /// Unweighted rows in the domain (the scope within the breakdown cell).
    pub n: u64,
    /// Weighted size of the domain (Σw: the estimated population).
    pub weighted_size: f64,
    /// The quality verdict.
    pub quality: Quality,
    /// SDMX OBS_STATUS: A, U or Q.
    pub obs_status: &'static str,
}

/// The result of [`tabulate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tabulation {
    /// The estimates, indicator by indicator, total first.
    pub rows: Vec<Output>,
    /// Rows read.
    pub n_rows: u64,
    /// PSUs of the design.
    pub n_psus: usize,
    /// Strata of the design.
    pub n_strata: usize,
    /// Finest cells met (breakdown codes × scope flags).
    pub n_cells: u32,
    /// Size of the sufficient-statistics table (PSU × cell entries).
    pub n_entries: usize,
    /// What the base plan offers that the file cannot give (left out, see
    /// [`Plan::without_unavailable`]).
    pub unavailable: Vec<Unavailable>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Reads the file once and estimates every indicator of the plan.
pub fn tabulate(
    design: &Design,
    plan: &Plan,
    mut source: impl Source,
) -> Result<Tabulation, TabulateError> {
    if plan.indicators.is_empty() {
        return Err(crate::error::PlanError::Toml {
            origin: plan.origin.clone(),
            message: "the plan has no indicators: add [indicator.KEY] tables or                       base = \"itu_household\" (or give a plan file)"
                .to_owned(),
        }
        .into());
    }
    let header = source.header()?;
    let origin = source.origin().to_owned();
    let mut labelled = plan.clone();
    labelled.add_file_labels(source.value_labels());
    let (plan, unavailable) = labelled.without_unavailable(|n| header.iter().any(|h| h == n));
    let plan = &plan;
    if plan.indicators.is_empty() {
        let missing: Vec<String> = unavailable.iter().map(ToString::to_string).collect();
        return Err(crate::error::PlanError::Toml {
            origin: plan.origin.clone(),
            message: format!(
                "{origin} gives none of the plan's indicators: {}",
                missing.join("; ")
            ),
        }
        .into());
    }
    let mut visitor = Visitor::new(design, plan, &header, &origin)?;
    source.run(&mut visitor)?;
    if visitor.n_rows() == 0 {
        return Err(crate::error::ReadError {
            origin,
            line: 1,
            column: None,
            message: "no data rows: the file has a header only".to_owned(),
        }
        .into());
    }
    let suff = visitor.finish()?;
    let mut tabulation = estimate_all(plan, &suff)?;
    tabulation.unavailable = unavailable;
    Ok(tabulation)
}

/// Estimates every indicator of the plan from a finished pass.
pub fn estimate_all(plan: &Plan, suff: &Sufficient) -> Result<Tabulation, TabulateError> {
    let table = &suff.table;
    let n_cells = u32::try_from(suff.cells.len()).expect("< 2^32 cells");
    let bindex = |key: &str| {
        suff.breakdowns
            .iter()
            .position(|b| b.key == key)
            .expect("plan breakdowns were compiled")
    };
    // The indicators are independent: on several cores, contiguous runs of them are
    // estimated on their own threads and the rows concatenated in plan order (the first
    // error in plan order wins, as on one thread).
    let work: Vec<_> = plan.indicators.iter().zip(&suff.indicator_vars).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, work.len().max(1));
    let per = work.len().div_ceil(threads).max(1);
    let one = |(ind, (scope, vars)): &(&Indicator, &(usize, Vec<usize>))| {
        estimate_indicator(plan, suff, ind, *scope, vars, n_cells, &bindex)
    };
    let parts: Vec<Result<Vec<Vec<Output>>, TabulateError>> = if threads == 1 {
        vec![work.iter().map(one).collect()]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = work
                .chunks(per)
                .map(|chunk| s.spawn(move || chunk.iter().map(one).collect()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut rows = Vec::new();
    for part in parts {
        rows.extend(part?.into_iter().flatten());
    }
    Ok(Tabulation {
        rows,
        n_rows: table.n_rows(),
        n_psus: table.n_psus(),
        n_strata: table.n_strata(),
        n_cells: table.n_cells(),
        n_entries: table.n_entries(),
        unavailable: Vec::new(),
    })
}

/// The rows of one indicator: its total, each one-way breakdown and each cross.
fn estimate_indicator(
    plan: &Plan,
    suff: &Sufficient,
    ind: &Indicator,
    scope: usize,
    vars: &[usize],
    n_cells: u32,
    bindex: &(impl Fn(&str) -> usize + Sync),
) -> Result<Vec<Output>, TabulateError> {
    let table = &suff.table;
    let mut rows = Vec::new();
    let statistic = match ind.statistic {
        StatKind::Proportion => Statistic::Proportion(vars[0]),
        StatKind::Mean => Statistic::Mean(vars[0]),
        StatKind::Total => Statistic::Total(vars[0]),
        StatKind::Ratio => Statistic::Ratio {
            numerator: vars[0],
            denominator: vars[1],
        },
    };
    let method = if ind.statistic == StatKind::Proportion {
        plan.ci.proportion
    } else {
        plan.ci.other
    };
    let own: Vec<usize> = ind.breakdowns.iter().map(|k| bindex(k)).collect();
    let mut base: BTreeMap<String, String> = BTreeMap::new();
    for &b in &own {
        base.insert(suff.breakdowns[b].dimension.clone(), TOTAL.to_owned());
    }
    if let Some(c) = &ind.composite {
        base.insert("COMPOSITE_BREAKDOWN".to_owned(), c.clone());
    }
    // The groups: total, each one-way breakdown, each cross.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new()];
    groups.extend(own.iter().map(|b| vec![*b]));
    for cross in plan.crosses_of(ind) {
        groups.push(cross.iter().map(|k| bindex(k)).collect());
    }
    let bit = 1_u32 << scope;
    for group in groups {
        // Every combination of the group's codes.
        let sizes: Vec<usize> = group
            .iter()
            .map(|b| suff.breakdowns[*b].codes.len())
            .collect();
        if sizes.contains(&0) {
            continue;
        }
        let mut combo = vec![0_usize; group.len()];
        loop {
            let domain = Domain::from_predicate(n_cells, |c| {
                let d = &suff.cells[c as usize];
                d[d.len() - 1] & bit != 0
                    && group
                        .iter()
                        .zip(&combo)
                        .all(|(b, code)| d[*b] != NO_CODE && d[*b] as usize == *code)
            });
            let mut breakdown = base.clone();
            let mut label = Vec::new();
            for (b, code) in group.iter().zip(&combo) {
                let bd = &suff.breakdowns[*b];
                breakdown.insert(bd.dimension.clone(), bd.codes[*code].clone());
                label.push(format!("{}={}", bd.dimension, bd.codes[*code]));
            }
            let e = table
                .estimate_with_ci(statistic, &domain, method, plan.ci.level)
                .map_err(|source| {
                    let breakdown = if label.is_empty() {
                        TOTAL.to_owned()
                    } else {
                        label.join("&")
                    };
                    match source {
                        // Name the stratum as the file writes it, not its internal id.
                        EstimateError::LonelyPsu { stratum } => TabulateError::LonelyPsu {
                            indicator: ind.key.clone(),
                            breakdown,
                            stratum: crate::read::stratum_name(&suff.strata_names, stratum),
                        },
                        source => TabulateError::Estimate {
                            indicator: ind.key.clone(),
                            breakdown,
                            source,
                        },
                    }
                })?;
            let quality = plan.quality.judge(&e);
            let shown = quality != Quality::Suppressed;
            let keep = |x: f64| if shown { finite(x) } else { None };
            rows.push(Output {
                indicator: ind.series.clone(),
                plan_key: ind.key.clone(),
                breakdown,
                statistic: ind.statistic.name(),
                value: keep(e.value),
                se: keep(e.se),
                cv: keep(e.cv),
                df: e.df,
                deff: keep(e.deff),
                ci_lower: e.ci.and_then(|c| keep(c.lower)),
                ci_upper: e.ci.and_then(|c| keep(c.upper)),
                ci_method: e.ci.map_or(method, |c| c.method).name(),
                n: e.n,
                weighted_size: e.weighted_size,
                quality,
                obs_status: quality.obs_status(),
            });
            // Next combination.
            let mut i = 0;
            loop {
                if i == combo.len() {
                    break;
                }
                combo[i] += 1;
                if combo[i] < sizes[i] {
                    break;
                }
                combo[i] = 0;
                i += 1;
            }
            if i == combo.len() {
                break;
            }
        }
    }
    Ok(rows)
}

fn cell(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

impl Tabulation {
    /// The dimensions met in the rows, in order of first appearance.
    #[must_use]
    pub fn dimensions(&self) -> Vec<String> {
        let mut dims: Vec<String> = Vec::new();
        for r in &self.rows {
            for d in r.breakdown.keys() {
                if !dims.contains(d) {
                    dims.push(d.clone());
                }
            }
        }
        dims
    }

    /// Writes the tidy CSV: `indicator, plan_key`, one column per dimension (`_T` where
    /// not broken down, empty where the dimension does not apply), then `statistic, value,
    /// se, cv, df, deff, ci_lower, ci_upper, ci_method, n, weighted_size, quality,
    /// obs_status`. Withheld and undefined numbers are empty.
    pub fn write_csv(&self, out: impl io::Write) -> Result<(), csv::Error> {
        let dims = self.dimensions();
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec!["indicator".to_owned(), "plan_key".to_owned()];
        header.extend(dims.iter().cloned());
        header.extend(
            [
                "statistic",
                "value",
                "se",
                "cv",
                "df",
                "deff",
                "ci_lower",
                "ci_upper",
                "ci_method",
                "n",
                "weighted_size",
                "quality",
                "obs_status",
            ]
            .map(str::to_owned),
        );
        w.write_record(&header)?;
        for r in &self.rows {
            let mut rec = vec![r.indicator.clone(), r.plan_key.clone()];
            rec.extend(
                dims.iter()
                    .map(|d| r.breakdown.get(d).cloned().unwrap_or_default()),
            );
            rec.extend([
                r.statistic.to_owned(),
                cell(r.value),
                cell(r.se),
                cell(r.cv),
                cell(finite(r.df)),
                cell(r.deff),
                cell(r.ci_lower),
                cell(r.ci_upper),
                r.ci_method.to_owned(),
                r.n.to_string(),
                format!("{}", r.weighted_size),
                r.quality.name().to_owned(),
                r.obs_status.to_owned(),
            ]);
            w.write_record(&rec)?;
        }
        w.flush()?;
        Ok(())
    }

    /// Writes the tabulation as JSON.
    pub fn write_json(&self, out: impl io::Write) -> Result<(), serde_json::Error> {
        serde_json::to_writer_pretty(out, self)
    }
}
