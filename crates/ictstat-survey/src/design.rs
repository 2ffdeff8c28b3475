//! The survey design, as the user describes it in a short TOML file:
//!
//! ```toml
//! weight = "w"             # required: the sampling (analysis) weight column
//! strata = "stratum"       # optional: one stratum if absent
//! psu = "psu"              # optional: each row its own PSU if absent (R `ids = ~1`)
//! nest = true              # PSU ids restart in each stratum (R `nest = TRUE`); default false
//! fpc = "fpc"              # optional: PSUs in the stratum's population (> 1) or the
//!                          #   sampling fraction (all ≤ 1), as R's `fpc =`
//! lonely_psu = "fail"      # fail | remove | certainty | adjust | average (R's options)
//!
//! [replicates]             # replicate weights instead of strata and PSUs for variances
//! prefix = "rw"            # or columns = ["rw1", "rw2", …]
//! method = "JKn"           # JK1 | JKn | BRR | Fay | bootstrap | subbootstrap | SDR | other
//! rscales = [0.5, 0.5]     # JKn: (n_h − 1)/n_h per replicate (required, as in R)
//! rho = 0.5                # Fay: required
//! scale = 0.02             # overrides the method's scale
//! mse = false              # centre at the full-sample estimate (true) or the replicates' mean
//! df = 40                  # overrides the design degrees of freedom (R `degf =`)
//!
//! [survey]                 # optional: what the survey is, for `--import` and citations
//! area = "PER"             # the country (ISO 3166 alpha-3 or M49)
//! period = 2018            # the reference year (or a period as SDMX writes it: "2018-Q2")
//! source = "ENAHO 2018, INEI"
//! ```
//!
//! The column names are kept as given: a later slice's readers resolve them against the
//! file. [`Design::variance_spec`] turns the design into what the sufficient-statistics
//! table needs.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::DesignError;

/// What to do with a stratum that has a single PSU, with R's `options(survey.lonely.psu=)`
/// semantics (see the crate README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LonelyPsu {
    /// Refuse (R's default): an error naming the stratum.
    #[default]
    Fail,
    /// The stratum contributes nothing.
    Remove,
    /// The PSU is taken as sampled with certainty: contributes nothing (one stage).
    Certainty,
    /// The PSU's total is compared with zero (the population mean of the linearised
    /// variable) instead of the stratum mean: it contributes its squared total.
    Adjust,
    /// The stratum is left out and the variance scaled up by strata / strata with ≥ 2 PSUs.
    Average,
}

impl LonelyPsu {
    /// The policy of a `lonely_psu` value.
    pub fn parse(value: &str) -> Result<Self, DesignError> {
        Ok(match value {
            "fail" => Self::Fail,
            "remove" => Self::Remove,
            "certainty" => Self::Certainty,
            "adjust" => Self::Adjust,
            "average" => Self::Average,
            other => {
                return Err(DesignError::Invalid {
                    key: "lonely_psu",
                    message: format!(
                        "is \"{other}\": expected \"fail\", \"remove\", \"certainty\", \"adjust\" or \"average\""
                    ),
                });
            }
        })
    }
}

/// How replicate weights were made (decides the default scale and rscales).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicateMethod {
    /// Delete-one-PSU jackknife, unstratified: scale (R − 1)/R.
    Jk1,
    /// Stratified delete-one-PSU jackknife: scale 1, rscales (n_h − 1)/n_h (must be given).
    Jkn,
    /// Balanced repeated replication: scale 1/R.
    Brr,
    /// Fay's BRR with factor ρ: scale 1/(R (1 − ρ)²).
    Fay,
    /// Bootstrap: scale 1/(R − 1) unless given (R's `as.svrepdesign` bootstrap uses
    /// n̄/((n̄ − 1)(R − 1)): give it as `scale`).
    Bootstrap,
    /// Rao–Wu rescaled bootstrap: scale 1/(R − 1).
    Subbootstrap,
    /// Successive difference replication (ACS, CPS): scale 4/R, mse true by default.
    Sdr,
    /// Anything else: scale and rscales as given, 1 by default.
    Other,
}

impl ReplicateMethod {
    /// The method of a `method` value (case-insensitive).
    pub fn parse(value: &str) -> Result<Self, DesignError> {
        Ok(match value.to_ascii_lowercase().as_str() {
            "jk1" => Self::Jk1,
            "jkn" => Self::Jkn,
            "brr" => Self::Brr,
            "fay" => Self::Fay,
            "bootstrap" => Self::Bootstrap,
            "subbootstrap" => Self::Subbootstrap,
            "sdr" | "successive-difference" | "acs" => Self::Sdr,
            "other" => Self::Other,
            _ => {
                return Err(DesignError::Invalid {
                    key: "replicates.method",
                    message: format!(
                        "is \"{value}\": expected \"JK1\", \"JKn\", \"BRR\", \"Fay\", \"bootstrap\", \"subbootstrap\", \"SDR\" or \"other\""
                    ),
                });
            }
        })
    }
}

/// Which columns hold the replicate weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplicateColumns {
    /// These columns, in this order.
    List(Vec<String>),
    /// Every column named the prefix followed by digits only (`rw1`, `rw02`, …), in the
    /// file's column order (as R's `repweights = "^rw[0-9]+$"`).
    Prefix(String),
}

impl ReplicateColumns {
    /// The replicate-weight columns among a file's column names, in order. An error if
    /// none match or a listed column is absent.
    pub fn resolve<'a>(&self, header: &[&'a str]) -> Result<Vec<&'a str>, DesignError> {
        match self {
            Self::List(columns) => columns
                .iter()
                .map(|c| {
                    header
                        .iter()
                        .copied()
                        .find(|h| h == c)
                        .ok_or_else(|| DesignError::Invalid {
                            key: "replicates.columns",
                            message: format!("names column \"{c}\", which the file does not have"),
                        })
                })
                .collect(),
            Self::Prefix(prefix) => {
                let found: Vec<&str> = header
                    .iter()
                    .copied()
                    .filter(|h| {
                        h.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
                        })
                    })
                    .collect();
                if found.is_empty() {
                    return Err(DesignError::Invalid {
                        key: "replicates.prefix",
                        message: format!(
                            "is \"{prefix}\": no column is named \"{prefix}\" followed by digits"
                        ),
                    });
                }
                Ok(found)
            }
        }
    }
}

/// Replicate weights, as the design describes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Replicates {
    /// The columns.
    pub columns: ReplicateColumns,
    /// How they were made.
    pub method: ReplicateMethod,
    /// Fay's ρ.
    pub rho: Option<f64>,
    /// The overall scale, overriding the method's.
    pub scale: Option<f64>,
    /// Per-replicate scales (one, broadcast, or one per replicate).
    pub rscales: Option<Vec<f64>>,
    /// Centre the replicates at the full-sample estimate (true) or at their mean.
    pub mse: Option<bool>,
    /// Fixed design degrees of freedom.
    pub df: Option<f64>,
}

/// A survey design.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The weight column.
    pub weight: String,
    /// The stratum column.
    pub strata: Option<String>,
    /// The PSU column.
    pub psu: Option<String>,
    /// PSU ids are only unique within strata.
    pub nest: bool,
    /// The finite population correction column.
    pub fpc: Option<String>,
    /// The lonely-PSU policy.
    pub lonely_psu: LonelyPsu,
    /// Replicate weights, if the design uses them for variances.
    pub replicates: Option<Replicates>,
    /// What the survey is (`[survey]`).
    pub survey: SurveyInfo,
}

/// What the survey is: where its estimates go when they are stored as observations, and
/// how they are cited. Each key may also come from the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SurveyInfo {
    /// The country (ISO 3166 alpha-3 or M49 code).
    pub area: Option<String>,
    /// The reference period, as SDMX writes it (`2018`).
    pub period: Option<String>,
    /// The source, as it should be cited.
    pub source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    area: Option<String>,
    period: Option<toml::Value>,
    source: Option<String>,
}

impl SurveyInfo {
    fn from_raw(raw: RawSurvey) -> Result<Self, DesignError> {
        let period = match raw.period {
            None => None,
            Some(toml::Value::Integer(y)) => Some(y.to_string()),
            Some(toml::Value::String(p)) if !p.trim().is_empty() => Some(p.trim().to_owned()),
            Some(other) => {
                return Err(DesignError::Invalid {
                    key: "survey.period",
                    message: format!("is {other}: give a year (2018) or a period (\"2018-Q2\")"),
                });
            }
        };
        Ok(Self {
            area: non_empty("survey.area", raw.area)?,
            period,
            source: non_empty("survey.source", raw.source)?,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    weight: Option<String>,
    strata: Option<String>,
    psu: Option<String>,
    nest: Option<bool>,
    fpc: Option<String>,
    lonely_psu: Option<String>,
    replicates: Option<RawReplicates>,
    survey: Option<RawSurvey>,
    // Tabulation-plan keys (read by `Plan::from_toml_str`), so one file can hold both.
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    base: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    crosses: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    variables: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    labels: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    levels: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    indicator: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    breakdown: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    quality: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    output: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplicates {
    columns: Option<Vec<String>>,
    prefix: Option<String>,
    method: Option<String>,
    rho: Option<f64>,
    scale: Option<f64>,
    rscales: Option<Vec<f64>>,
    mse: Option<bool>,
    df: Option<f64>,
}

fn non_empty(key: &'static str, value: Option<String>) -> Result<Option<String>, DesignError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(DesignError::Invalid {
            key,
            message: "is empty: give a value, or leave the key out".to_owned(),
        }),
        other => Ok(other),
    }
}

impl Design {
    /// Parses a design description (TOML text).
    pub fn from_toml_str(text: &str) -> Result<Self, DesignError> {
        let raw: RawDesign =
            toml::from_str(text).map_err(|e| DesignError::Toml(e.message().to_owned()))?;
        let weight = non_empty("weight", raw.weight)?.ok_or(DesignError::Missing {
            key: "weight",
            why: "the sampling weight column; use a column of ones for an unweighted sample",
        })?;
        let replicates = raw.replicates.map(Replicates::from_raw).transpose()?;
        Ok(Self {
            weight,
            strata: non_empty("strata", raw.strata)?,
            psu: non_empty("psu", raw.psu)?,
            nest: raw.nest.unwrap_or(false),
            fpc: non_empty("fpc", raw.fpc)?,
            lonely_psu: raw
                .lonely_psu
                .as_deref()
                .map(LonelyPsu::parse)
                .transpose()?
                .unwrap_or_default(),
            replicates,
            survey: raw
                .survey
                .map(SurveyInfo::from_raw)
                .transpose()?
                .unwrap_or_default(),
        })
    }

    /// What the sufficient-statistics table needs to compute variances, given the number
    /// of replicate-weight columns found (ignored without replicates).
    pub fn variance_spec(&self, n_replicates: usize) -> Result<VarianceSpec, DesignError> {
        match &self.replicates {
            None => Ok(VarianceSpec::Taylor {
                lonely_psu: self.lonely_psu,
            }),
            Some(r) => r.variance(n_replicates).map(VarianceSpec::Replicate),
        }
    }
}

impl Replicates {
    fn from_raw(raw: RawReplicates) -> Result<Self, DesignError> {
        let columns = match (raw.columns, raw.prefix) {
            (Some(_), Some(_)) => {
                return Err(DesignError::Invalid {
                    key: "replicates.columns",
                    message: "and `replicates.prefix` are both given: give one".to_owned(),
                });
            }
            (Some(c), None) if c.is_empty() => {
                return Err(DesignError::Invalid {
                    key: "replicates.columns",
                    message: "is empty".to_owned(),
                });
            }
            (Some(c), None) => ReplicateColumns::List(c),
            (None, Some(p)) if p.is_empty() => {
                return Err(DesignError::Invalid {
                    key: "replicates.prefix",
                    message: "is empty".to_owned(),
                });
            }
            (None, Some(p)) => ReplicateColumns::Prefix(p),
            (None, None) => {
                return Err(DesignError::Missing {
                    key: "replicates.columns",
                    why: "or `replicates.prefix`: which columns hold the replicate weights",
                });
            }
        };
        let method = ReplicateMethod::parse(&raw.method.ok_or(DesignError::Missing {
            key: "replicates.method",
            why: "how the replicate weights were made: JK1, JKn, BRR, Fay, bootstrap, subbootstrap, SDR or other",
        })?)?;
        match (method, raw.rho) {
            (ReplicateMethod::Fay, None) => {
                return Err(DesignError::Missing {
                    key: "replicates.rho",
                    why: "Fay's factor ρ (e.g. 0.5)",
                });
            }
            (ReplicateMethod::Fay, Some(rho)) if !(0.0..1.0).contains(&rho) => {
                return Err(DesignError::Invalid {
                    key: "replicates.rho",
                    message: format!("is {rho}: ρ must be in [0, 1)"),
                });
            }
            (m, Some(_)) if m != ReplicateMethod::Fay => {
                return Err(DesignError::Invalid {
                    key: "replicates.rho",
                    message: "is only used with method = \"Fay\"".to_owned(),
                });
            }
            _ => {}
        }
        if let Some(scale) = raw.scale
            && !(scale.is_finite() && scale > 0.0)
        {
            return Err(DesignError::Invalid {
                key: "replicates.scale",
                message: format!("is {scale}: it must be a positive number"),
            });
        }
        if raw.scale.is_some()
            && matches!(
                method,
                ReplicateMethod::Brr | ReplicateMethod::Fay | ReplicateMethod::Sdr
            )
        {
            return Err(DesignError::Invalid {
                key: "replicates.scale",
                message: "is fixed by the method (BRR 1/R, Fay 1/(R(1−ρ)²), SDR 4/R): remove it or use method = \"other\"".to_owned(),
            });
        }
        if let Some(rs) = &raw.rscales {
            if rs.is_empty() {
                return Err(DesignError::Invalid {
                    key: "replicates.rscales",
                    message: "is empty".to_owned(),
                });
            }
            if let Some(bad) = rs.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                return Err(DesignError::Invalid {
                    key: "replicates.rscales",
                    message: format!("has {bad}: every value must be a finite number ≥ 0"),
                });
            }
        }
        if method == ReplicateMethod::Jkn && raw.rscales.is_none() {
            return Err(DesignError::Missing {
                key: "replicates.rscales",
                why: "JKn needs (n_h − 1)/n_h for each replicate, n_h the PSUs in the stratum the replicate deletes from",
            });
        }
        if let Some(df) = raw.df
            && !(df.is_finite() && df > 0.0)
        {
            return Err(DesignError::Invalid {
                key: "replicates.df",
                message: format!("is {df}: it must be a positive number"),
            });
        }
        Ok(Self {
            columns,
            method,
            rho: raw.rho,
            scale: raw.scale,
            rscales: raw.rscales,
            mse: raw.mse,
            df: raw.df,
        })
    }

    /// The scale, per-replicate scales and centring for `n` replicate columns.
    pub fn variance(&self, n: usize) -> Result<ReplicateVariance, DesignError> {
        if n < 2 {
            return Err(DesignError::Invalid {
                key: "replicates.columns",
                message: format!("gives {n} replicate weight column(s): at least 2 are needed"),
            });
        }
        #[allow(clippy::cast_precision_loss)]
        let r = n as f64;
        let scale = match self.method {
            ReplicateMethod::Jk1 => self.scale.unwrap_or((r - 1.0) / r),
            ReplicateMethod::Brr => 1.0 / r,
            ReplicateMethod::Fay => {
                let rho = self.rho.unwrap_or(0.0);
                1.0 / (r * (1.0 - rho) * (1.0 - rho))
            }
            ReplicateMethod::Bootstrap | ReplicateMethod::Subbootstrap => {
                self.scale.unwrap_or(1.0 / (r - 1.0))
            }
            ReplicateMethod::Sdr => 4.0 / r,
            ReplicateMethod::Jkn | ReplicateMethod::Other => self.scale.unwrap_or(1.0),
        };
        let rscales = match &self.rscales {
            None => vec![1.0; n],
            Some(v) if v.len() == 1 => vec![v[0]; n],
            Some(v) if v.len() == n => v.clone(),
            Some(v) => {
                return Err(DesignError::Invalid {
                    key: "replicates.rscales",
                    message: format!("has {} values for {n} replicate weight columns", v.len()),
                });
            }
        };
        Ok(ReplicateVariance {
            scale,
            rscales,
            mse: self.mse.unwrap_or(self.method == ReplicateMethod::Sdr),
            df: self.df,
        })
    }
}

/// How the table computes variances.
#[derive(Debug, Clone, PartialEq)]
pub enum VarianceSpec {
    /// Taylor linearisation over strata and PSUs (with-replacement PSU approximation, FPC
    /// if given), with this lonely-PSU policy.
    Taylor {
        /// The lonely-PSU policy.
        lonely_psu: LonelyPsu,
    },
    /// Replicate weights.
    Replicate(ReplicateVariance),
}

/// v = scale · Σ_r rscale_r (θ̂_r − c)², c = θ̂ if `mse` else the replicates' mean.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateVariance {
    /// The overall scale.
    pub scale: f64,
    /// One per replicate.
    pub rscales: Vec<f64>,
    /// Centre at the full-sample estimate.
    pub mse: bool,
    /// Fixed degrees of freedom (else rank of the replicate weights − 1, as R).
    pub df: Option<f64>,
}
