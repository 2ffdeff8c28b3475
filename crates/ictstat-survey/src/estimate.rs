//! Estimates over domains of a [`Table`]: weighted proportions, means, totals, ratios and
//! domain sizes, with Taylor-linearised or replicate variances, design degrees of
//! freedom, design effects and confidence intervals, each computed as R's `survey` 4.1.1
//! does (the crate README lists the R function behind every number).

use crate::design::LonelyPsu;
use crate::dist::{expit, logit, qbeta, qnorm, qt};
use crate::error::{EstimateError, TableError};
use crate::table::{Table, Variance};

/// A domain: a union of cells (one breakdown category, a cross-tab cell, a scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Domain {
    /// Every row.
    All,
    /// The cells marked true (cells beyond the mask are outside).
    Cells(Vec<bool>),
}

impl Domain {
    /// Every row.
    #[must_use]
    pub fn all() -> Self {
        Self::All
    }

    /// These cells.
    #[must_use]
    pub fn cells(ids: impl IntoIterator<Item = u32>) -> Self {
        let mut mask = Vec::new();
        for id in ids {
            let i = id as usize;
            if mask.len() <= i {
                mask.resize(i + 1, false);
            }
            mask[i] = true;
        }
        Self::Cells(mask)
    }

    /// The cells `0..n_cells` for which `keep` is true.
    #[must_use]
    pub fn from_predicate(n_cells: u32, keep: impl Fn(u32) -> bool) -> Self {
        Self::Cells((0..n_cells).map(keep).collect())
    }

    /// Whether a cell is in the domain.
    #[must_use]
    pub fn contains(&self, cell: u32) -> bool {
        match self {
            Self::All => true,
            Self::Cells(mask) => mask.get(cell as usize).copied().unwrap_or(false),
        }
    }
}

/// What to estimate. Variables are indices into the table's analysis variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// The weighted proportion of a 0/1 variable (ratio estimator Σw·y / Σw); the same
    /// numbers as `Mean`, and the proportion CIs (logit, Korn–Graubard…) apply.
    Proportion(usize),
    /// The weighted mean Σw·y / Σw (R `svymean`).
    Mean(usize),
    /// The weighted total Σw·y (R `svytotal`).
    Total(usize),
    /// The ratio of two totals Σw·y / Σw·x (R `svyratio`).
    Ratio {
        /// y.
        numerator: usize,
        /// x.
        denominator: usize,
    },
    /// The weighted domain size Σw (the estimated population of the domain).
    Size,
}

/// How a confidence interval is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMethod {
    /// θ̂ ± z·SE (R `confint(svymean(…))`).
    WaldZ,
    /// θ̂ ± t_df·SE (R `svyciprop(method = "mean")`).
    WaldT,
    /// expit(logit θ̂ ± t_df·SE(logit θ̂)) (R `svyciprop` default, Stata's default).
    Logit,
    /// Korn–Graubard: beta quantiles at the df-adjusted effective sample size (R
    /// `svyciprop(method = "beta")`, Stata `citype(exact)`).
    KornGraubard,
    /// Clopper–Pearson at the unweighted domain size n: beta quantiles of n·θ̂ successes.
    ClopperPearson,
}

impl CiMethod {
    /// The name used in outputs.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::WaldZ => "wald-z",
            Self::WaldT => "wald-t",
            Self::Logit => "logit",
            Self::KornGraubard => "korn-graubard",
            Self::ClopperPearson => "clopper-pearson",
        }
    }
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// How it was computed.
    pub method: CiMethod,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

/// An estimate with everything a quality rule or an output table needs. Undefined numbers
/// are NaN (e.g. the design effect of a domain size, or a t interval with 0 df); an empty
/// domain has `n = 0` and NaN for every estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// What was estimated.
    pub statistic: Statistic,
    /// The estimate θ̂.
    pub value: f64,
    /// Its variance.
    pub variance: f64,
    /// Its standard error √variance.
    pub se: f64,
    /// Coefficient of variation SE / θ̂ (R `cv`).
    pub cv: f64,
    /// Design degrees of freedom (R `degf` on the domain).
    pub df: f64,
    /// Design effect against simple random sampling without replacement (R `deff = TRUE`).
    pub deff: f64,
    /// Design effect against sampling with replacement (R `deff = "replace"`).
    pub deff_replace: f64,
    /// The standard error of logit θ̂ (for the logit interval): SE / (θ̂(1 − θ̂)) under
    /// linearisation; from the replicates' logits with replicate weights, as R's `svyglm`.
    pub logit_se: f64,
    /// Rows in the domain (unweighted cell size, zero weights included).
    pub n: u64,
    /// Rows in the domain with a non-zero weight.
    pub n_nonzero: u64,
    /// PSUs with a row of the domain of non-zero weight.
    pub n_psu: u64,
    /// Strata with a row of the domain of non-zero weight.
    pub n_strata: u64,
    /// Σw over the domain (estimated population of the domain).
    pub weighted_size: f64,
    /// Unweighted Σy of the (numerator) variable over the domain: the number of
    /// respondents with the characteristic, for a 0/1 variable.
    pub unweighted_sum: f64,
    /// The interval asked for, if any.
    pub ci: Option<Interval>,
}

impl Estimate {
    /// Whether the domain has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Effective sample size n / deff (with the SRSWOR design effect).
    #[must_use]
    pub fn n_effective(&self) -> f64 {
        n_f64(self.n_nonzero) / self.deff
    }

    /// A confidence interval at `level` (e.g. 0.95), computed from this estimate.
    ///
    /// For θ̂ ∈ {0, 1} (variance 0) R gives NaN for Korn–Graubard; here the effective size
    /// is n (Korn & Graubard 1998), so the interval is [0, 1 − (α/2)^(1/n)] for θ̂ = 0 and
    /// [(α/2)^(1/n), 1] for θ̂ = 1. The logit interval has no such limit (its own would be
    /// [θ̂, θ̂], claiming certainty): for θ̂ ∈ {0, 1} a `Logit` request **falls back to that
    /// Korn–Graubard interval** with n* = n, and the returned [`Interval::method`] says so
    /// (`KornGraubard`).
    #[must_use]
    pub fn interval(&self, method: CiMethod, level: f64) -> Interval {
        let alpha = 1.0 - level;
        let p = self.value;
        let method = if method == CiMethod::Logit
            && (p == 0.0 || p == 1.0)
            && !(self.df.is_nan() || self.df <= 0.0)
        {
            CiMethod::KornGraubard
        } else {
            method
        };
        let (lower, upper) = match method {
            CiMethod::WaldZ => (
                p + qnorm(alpha / 2.0) * self.se,
                p + qnorm(1.0 - alpha / 2.0) * self.se,
            ),
            CiMethod::WaldT => (
                p + qt(alpha / 2.0, self.df) * self.se,
                p + qt(1.0 - alpha / 2.0, self.df) * self.se,
            ),
            CiMethod::Logit => {
                if self.df.is_nan() || self.df <= 0.0 {
                    (f64::NAN, f64::NAN)
                } else {
                    let q = qt(alpha / 2.0, self.df);
                    let l = logit(p);
                    (expit(l + q * self.logit_se), expit(l - q * self.logit_se))
                }
            }
            CiMethod::KornGraubard => {
                let n = n_f64(self.n);
                let n_star = if p == 0.0 || p == 1.0 {
                    n
                } else {
                    let ratio = qt(alpha / 2.0, n - 1.0) / qt(alpha / 2.0, self.df);
                    p * (1.0 - p) / self.variance * ratio * ratio
                };
                beta_interval(p, n_star, alpha)
            }
            CiMethod::ClopperPearson => beta_interval(p, n_f64(self.n), alpha),
        };
        Interval {
            lower,
            upper,
            method,
            level,
        }
    }

    fn empty(statistic: Statistic) -> Self {
        Self {
            statistic,
            value: f64::NAN,
            variance: f64::NAN,
            se: f64::NAN,
            cv: f64::NAN,
            df: f64::NAN,
            deff: f64::NAN,
            deff_replace: f64::NAN,
            logit_se: f64::NAN,
            n: 0,
            n_nonzero: 0,
            n_psu: 0,
            n_strata: 0,
            weighted_size: 0.0,
            unweighted_sum: 0.0,
            ci: None,
        }
    }
}

fn beta_interval(p: f64, n_star: f64, alpha: f64) -> (f64, f64) {
    (
        qbeta(alpha / 2.0, n_star * p, n_star * (1.0 - p) + 1.0),
        qbeta(1.0 - alpha / 2.0, n_star * p + 1.0, n_star * (1.0 - p)),
    )
}

#[allow(clippy::cast_precision_loss)]
fn n_f64(n: u64) -> f64 {
    n as f64
}

/// Which of the table's sums a statistic reads: the variable, or the constant 1.
#[derive(Debug, Clone, Copy)]
enum Var {
    One,
    Index(usize),
}

/// Domain sums over the whole domain.
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    sw: f64,
    sa: f64,
    saa: f64,
    sb: f64,
    sbb: f64,
    sab: f64,
    ua: f64,
}

/// Per-PSU sums of the domain.
#[derive(Debug, Default, Clone, Copy)]
struct PsuSums {
    n: u64,
    n_pos: u64,
    sw: f64,
    sa: f64,
    sb: f64,
}

/// What a domain holds, without any variance: sizes and the design degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DomainSummary {
    /// Rows in the domain (zero weights included).
    pub n: u64,
    /// Rows with a non-zero weight.
    pub n_nonzero: u64,
    /// PSUs with a row of non-zero weight in the domain.
    pub n_psu: u64,
    /// Strata with a row of non-zero weight in the domain.
    pub n_strata: u64,
    /// Σw over the domain.
    pub weighted_size: f64,
    /// Design degrees of freedom as R's `degf()` on the domain: PSUs − strata (counting
    /// rows of non-zero weight) under linearisation; with replicate weights the rank of the
    /// domain's replicate weights − 1, or the design's fixed `df`.
    pub df: f64,
}

impl Table {
    /// Sizes and degrees of freedom of a domain.
    #[must_use]
    pub fn summary(&self, domain: &Domain) -> DomainSummary {
        let mut psu_pos = vec![false; self.n_psus()];
        let (mut n, mut n_nonzero, mut sw) = (0_u64, 0_u64, 0.0);
        for (i, e) in self.entries.iter().enumerate() {
            if domain.contains(e.cell) {
                n += e.n;
                n_nonzero += e.n_pos;
                sw += self.entry_sums(i)[0];
                if e.n_pos > 0 {
                    psu_pos[e.psu as usize] = true;
                }
            }
        }
        let mut strata_seen = vec![false; self.strata.len()];
        let mut n_psu = 0_u64;
        for (j, seen) in psu_pos.iter().enumerate() {
            if *seen {
                n_psu += 1;
                strata_seen[self.psu_stratum[j] as usize] = true;
            }
        }
        let n_strata = strata_seen.iter().filter(|s| **s).count() as u64;
        let df = match &self.variance {
            Variance::Taylor { .. } => n_f64(n_psu) - n_f64(n_strata),
            Variance::Replicate { spec, cells } => spec.df.unwrap_or_else(|| {
                let mut basis = crate::table::RankBasis::default();
                for (cell, cr) in cells.iter().enumerate() {
                    if domain.contains(u32::try_from(cell).unwrap_or(u32::MAX)) {
                        basis.merge(&cr.basis);
                    }
                }
                n_f64(basis.rank() as u64) - 1.0
            }),
        };
        DomainSummary {
            n,
            n_nonzero,
            n_psu,
            n_strata,
            weighted_size: sw,
            df,
        }
    }
}

impl Table {
    fn var_sums(&self, s: &[f64], var: Var) -> (f64, f64, f64) {
        match var {
            Var::One => (s[0], s[0], 0.0),
            Var::Index(v) => (s[1 + 3 * v], s[2 + 3 * v], s[3 + 3 * v]),
        }
    }

    fn check_var(&self, v: usize) -> Result<(), EstimateError> {
        if v >= self.n_vars {
            return Err(TableError::NoSuchVariable {
                variable: v,
                n_vars: self.n_vars,
            }
            .into());
        }
        Ok(())
    }

    /// Estimates `statistic` over `domain`.
    pub fn estimate(
        &self,
        statistic: Statistic,
        domain: &Domain,
    ) -> Result<Estimate, EstimateError> {
        let (a, b) = match statistic {
            Statistic::Proportion(v) | Statistic::Mean(v) | Statistic::Total(v) => {
                self.check_var(v)?;
                (Var::Index(v), Var::One)
            }
            Statistic::Ratio {
                numerator,
                denominator,
            } => {
                self.check_var(numerator)?;
                self.check_var(denominator)?;
                (Var::Index(numerator), Var::Index(denominator))
            }
            Statistic::Size => (Var::One, Var::One),
        };
        let cross = match (a, b) {
            (Var::Index(x), Var::Index(y)) => self.cross_index(x, y),
            _ => None,
        };

        // One pass over the table's entries: domain moments and per-PSU sums.
        let mut m = Moments::default();
        let mut psus = vec![PsuSums::default(); self.n_psus()];
        let (mut n, mut n_pos) = (0_u64, 0_u64);
        for (i, e) in self.entries.iter().enumerate() {
            if !domain.contains(e.cell) {
                continue;
            }
            let s = self.entry_sums(i);
            let (wa, waa, ua) = self.var_sums(s, a);
            let (wb, wbb, _) = self.var_sums(s, b);
            m.sw += s[0];
            m.sa += wa;
            m.saa += waa;
            m.ua += ua;
            m.sb += wb;
            m.sbb += wbb;
            m.sab += match (a, b, cross) {
                (_, _, Some(k)) => s[k],
                (Var::Index(_), Var::One, _) => wa,
                _ => f64::NAN,
            };
            n += e.n;
            n_pos += e.n_pos;
            let p = &mut psus[e.psu as usize];
            p.n += e.n;
            p.n_pos += e.n_pos;
            p.sw += s[0];
            p.sa += wa;
            p.sb += wb;
        }
        if n == 0 {
            return Ok(Estimate::empty(statistic));
        }

        let value = match statistic {
            Statistic::Proportion(_) | Statistic::Mean(_) | Statistic::Ratio { .. } => m.sa / m.sb,
            Statistic::Total(_) => m.sa,
            Statistic::Size => m.sw,
        };

        // R's degf() on the domain: PSUs minus strata, counting rows of non-zero weight.
        let mut psu_seen = 0_u64;
        let mut strata_seen = vec![false; self.strata.len()];
        for (j, p) in psus.iter().enumerate() {
            if p.n_pos > 0 {
                psu_seen += 1;
                strata_seen[self.psu_stratum[j] as usize] = true;
            }
        }
        let n_strata = strata_seen.iter().filter(|s| **s).count() as u64;

        let mut est = Estimate {
            statistic,
            value,
            variance: f64::NAN,
            se: f64::NAN,
            cv: f64::NAN,
            df: n_f64(psu_seen) - n_f64(n_strata),
            deff: f64::NAN,
            deff_replace: f64::NAN,
            logit_se: f64::NAN,
            n,
            n_nonzero: n_pos,
            n_psu: psu_seen,
            n_strata,
            weighted_size: m.sw,
            unweighted_sum: m.ua,
            ci: None,
        };

        match &self.variance {
            Variance::Taylor { lonely_psu } => {
                let z: Vec<f64> = psus
                    .iter()
                    .map(|p| match statistic {
                        Statistic::Size => p.sw,
                        Statistic::Total(_) => p.sa,
                        Statistic::Proportion(_) | Statistic::Mean(_) => {
                            (p.sa - value * p.sw) / m.sw
                        }
                        Statistic::Ratio { .. } => (p.sa - value * p.sb) / m.sb,
                    })
                    .collect();
                est.variance = self.taylor_variance(&psus, &z, *lonely_psu)?;
                let s2 = srs_variance(statistic, &m, value, n_pos);
                let nobs = n_f64(n_pos);
                let (wor, wr) = match statistic {
                    Statistic::Proportion(_) | Statistic::Mean(_) => {
                        let wor = if m.sw < nobs {
                            f64::NAN
                        } else {
                            s2 * (m.sw - nobs) / (m.sw * nobs)
                        };
                        (wor, s2 / nobs)
                    }
                    Statistic::Total(_) | Statistic::Ratio { .. } => (
                        s2 * (m.sw * m.sw) * (m.sw - nobs) / (m.sw * nobs),
                        s2 * (m.sw * m.sw) / nobs,
                    ),
                    Statistic::Size => (f64::NAN, f64::NAN),
                };
                est.deff = est.variance / wor;
                est.deff_replace = est.variance / wr;
            }
            Variance::Replicate { spec, cells } => {
                self.replicate_estimate(&mut est, spec, cells, domain, a, b, &m)?;
            }
        }
        est.se = est.variance.sqrt();
        est.cv = est.se / est.value;
        if matches!(self.variance, Variance::Taylor { .. }) {
            est.logit_se = est.se / (value * (1.0 - value));
        }
        Ok(est)
    }

    /// Estimates and attaches a confidence interval.
    pub fn estimate_with_ci(
        &self,
        statistic: Statistic,
        domain: &Domain,
        method: CiMethod,
        level: f64,
    ) -> Result<Estimate, EstimateError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(EstimateError::Level(level));
        }
        let mut est = self.estimate(statistic, domain)?;
        if !est.is_empty() {
            est.ci = Some(est.interval(method, level));
        }
        Ok(est)
    }

    /// Σ_h over the domain's strata of the stratum's contribution, as R's `onestrat` and
    /// `onestage` (survey 4.1.1) compute it.
    fn taylor_variance(
        &self,
        psus: &[PsuSums],
        z: &[f64],
        lonely: LonelyPsu,
    ) -> Result<f64, EstimateError> {
        // Per stratum: PSUs of the domain (any row, zero weights included) and Σz, Σz².
        let h = self.strata.len();
        let mut nsubset = vec![0_u32; h];
        for (j, p) in psus.iter().enumerate() {
            if p.n > 0 {
                nsubset[self.psu_stratum[j] as usize] += 1;
            }
        }
        let mut zsum = vec![0.0; h];
        for (j, p) in psus.iter().enumerate() {
            if p.n > 0 {
                zsum[self.psu_stratum[j] as usize] += z[j];
            }
        }
        let mut contrib = vec![0.0; h];
        for (j, p) in psus.iter().enumerate() {
            if p.n == 0 {
                continue;
            }
            let s = self.psu_stratum[j] as usize;
            let n_h = f64::from(self.strata[s].n_psu);
            let centred =
                if lonely == LonelyPsu::Adjust && nsubset[s] == 1 && self.strata[s].n_psu == 1 {
                    z[j]
                } else {
                    z[j] - zsum[s] / n_h
                };
            contrib[s] += centred * centred;
        }
        let (mut total, mut nstrat, mut nok) = (0.0, 0_u32, 0_u32);
        for (s, stratum) in self.strata.iter().enumerate() {
            if nsubset[s] == 0 {
                continue;
            }
            nstrat += 1;
            let n_h = stratum.n_psu;
            let f = if stratum.popsize.is_infinite() {
                1.0
            } else {
                (stratum.popsize - f64::from(n_h)) / stratum.popsize
            };
            if f < 1e-7 {
                nok += 1;
                continue;
            }
            // Zero padding: the stratum's PSUs without domain rows have z = 0.
            let mean = zsum[s] / f64::from(n_h);
            let padded = f64::from(n_h - nsubset[s]) * mean * mean;
            if n_h > 1 {
                let scale = f * f64::from(n_h) / f64::from(n_h - 1);
                total += scale * (contrib[s] + padded);
                nok += 1;
            } else {
                match lonely {
                    LonelyPsu::Fail => {
                        return Err(EstimateError::LonelyPsu {
                            stratum: stratum.id,
                        });
                    }
                    LonelyPsu::Remove | LonelyPsu::Certainty => nok += 1,
                    LonelyPsu::Adjust => {
                        total += f * contrib[s];
                        nok += 1;
                    }
                    LonelyPsu::Average => {}
                }
            }
        }
        Ok(total * f64::from(nstrat) / f64::from(nok))
    }

    #[allow(clippy::too_many_arguments)]
    fn replicate_estimate(
        &self,
        est: &mut Estimate,
        spec: &crate::design::ReplicateVariance,
        cells: &[crate::table::CellReplicates],
        domain: &Domain,
        a: Var,
        b: Var,
        m: &Moments,
    ) -> Result<(), EstimateError> {
        let reps = spec.rscales.len();
        let width = 1 + self.n_vars;
        let mut sa = vec![0.0; reps];
        let mut sb = vec![0.0; reps];
        let mut basis = crate::table::RankBasis::default();
        for (cell, cr) in cells.iter().enumerate() {
            if cr.sums.is_empty() || !domain.contains(u32::try_from(cell).unwrap_or(u32::MAX)) {
                continue;
            }
            for r in 0..reps {
                let s = &cr.sums[r * width..(r + 1) * width];
                sa[r] += match a {
                    Var::One => s[0],
                    Var::Index(v) => s[1 + v],
                };
                sb[r] += match b {
                    Var::One => s[0],
                    Var::Index(v) => s[1 + v],
                };
            }
            basis.merge(&cr.basis);
        }
        let thetas: Vec<f64> = (0..reps)
            .map(|r| match est.statistic {
                Statistic::Proportion(_) | Statistic::Mean(_) | Statistic::Ratio { .. } => {
                    sa[r] / sb[r]
                }
                Statistic::Total(_) | Statistic::Size => sa[r],
            })
            .collect();
        est.variance = replicate_variance(&thetas, est.value, spec);
        if matches!(est.statistic, Statistic::Proportion(_)) {
            let logits: Vec<f64> = thetas.iter().map(|t| logit(*t)).collect();
            est.logit_se = replicate_variance(&logits, logit(est.value), spec).sqrt();
        }
        est.df = spec.df.unwrap_or_else(|| n_f64(basis.rank() as u64) - 1.0);

        // R's svymean/svytotal on replicate designs: n counts every row of the domain.
        let nobs = n_f64(est.n);
        let npop = m.sw;
        let s2 = srs_variance(est.statistic, m, est.value, est.n);
        let (wr, wor) = match est.statistic {
            Statistic::Proportion(_) | Statistic::Mean(_) => {
                let wr = s2 / nobs;
                (wr, wr * (npop - nobs) / npop)
            }
            Statistic::Total(_) => {
                let wr = s2 * (m.sw * m.sw) / nobs;
                (wr, wr * (npop - nobs) / npop)
            }
            Statistic::Ratio { .. } | Statistic::Size => (f64::NAN, f64::NAN),
        };
        est.deff = est.variance / wor;
        est.deff_replace = est.variance / wr;
        Ok(())
    }
}

/// scale · Σ rscale_r (θ̂_r − c)², replicates giving NaN discarded (R's `svrVar`).
fn replicate_variance(thetas: &[f64], full: f64, spec: &crate::design::ReplicateVariance) -> f64 {
    let kept: Vec<(f64, f64)> = thetas
        .iter()
        .zip(&spec.rscales)
        .filter(|(t, _)| !t.is_nan())
        .map(|(t, r)| (*t, *r))
        .collect();
    if kept.is_empty() {
        return f64::NAN;
    }
    let centre = if spec.mse {
        full
    } else {
        let used: Vec<f64> = kept
            .iter()
            .filter(|(_, r)| *r > 0.0)
            .map(|(t, _)| *t)
            .collect();
        used.iter().sum::<f64>() / used.len() as f64
    };
    kept.iter()
        .map(|(t, r)| (t - centre) * (t - centre) * r)
        .sum::<f64>()
        * spec.scale
}

/// The unit-level variance R's `svyvar` gives the design effect's denominator:
/// n/(n − 1) · Σw (u − ū)² / Σw, u the linearised variable (y for means and totals,
/// (y − R̂x)/X̂ for ratios), n the rows counted.
fn srs_variance(statistic: Statistic, m: &Moments, value: f64, n: u64) -> f64 {
    let nf = n_f64(n);
    let ss = match statistic {
        Statistic::Proportion(_) | Statistic::Mean(_) | Statistic::Total(_) => {
            let mean = m.sa / m.sw;
            m.saa - 2.0 * mean * m.sa + mean * mean * m.sw
        }
        Statistic::Ratio { .. } => {
            let x_hat = m.sb;
            let r = value;
            let swr = (m.sa - r * m.sb) / x_hat;
            let swr2 = (m.saa - 2.0 * r * m.sab + r * r * m.sbb) / (x_hat * x_hat);
            swr2 - swr * swr / m.sw
        }
        Statistic::Size => return f64::NAN,
    };
    nf / (nf - 1.0) * ss / m.sw
}
