//! The quantile functions the confidence intervals need: normal (`qnorm`), Student t (`qt`)
//! and beta (`qbeta`), with R's conventions for the edge cases (`qt(p, 0)` and other invalid
//! parameters are NaN, `qbeta(p, 0, b) = 0`, `qbeta(p, a, 0) = 1`).
//!
//! `qnorm` is Wichura's AS 241 (the algorithm of R's `qnorm`, exact to double precision);
//! `qbeta` inverts the regularised incomplete beta function (continued fraction, modified
//! Lentz) by a bracketed Newton iteration; `qt` is `qbeta` through P(|T| > t) =
//! I_{df/(df+t²)}(df/2, 1/2). The tests compare all three with R to 1e-11 relative (the
//! worst, ~4e-12, at df = 10^6; `tests/fixtures/survey/golden_quantiles.csv`).

/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Horner evaluation, coefficients from the highest degree down (the order AS 241 uses).
fn horner(r: f64, coefficients: &[f64]) -> f64 {
    coefficients.iter().fold(0.0, |acc, c| acc * r + c)
}

/// The standard normal quantile (Wichura 1988, AS 241, as R's `qnorm`).
#[must_use]
#[allow(clippy::excessive_precision, clippy::unreadable_literal)]
pub fn qnorm(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = horner(
            r,
            &[
                2509.0809287301226727,
                33430.575583588128105,
                67265.770927008700853,
                45921.953931549871457,
                13731.693765509461125,
                1971.5909503065514427,
                133.14166789178437745,
                3.387132872796366608,
            ],
        );
        let den = horner(
            r,
            &[
                5226.495278852545925,
                28729.085735721942674,
                39307.89580009271061,
                21213.794301586595867,
                5394.1960214247511077,
                687.1870074920579083,
                42.313330701600911252,
                1.0,
            ],
        );
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let val = if r <= 5.0 {
        r -= 1.6;
        horner(
            r,
            &[
                7.7454501427834140764e-4,
                0.0227238449892691845833,
                0.24178072517745061177,
                1.27045825245236838258,
                3.64784832476320460504,
                5.7694972214606914055,
                4.6303378461565452959,
                1.42343711074968357734,
            ],
        ) / horner(
            r,
            &[
                1.05075007164441684324e-9,
                5.475938084995344946e-4,
                0.0151986665636164571966,
                0.14810397642748007459,
                0.68976733498510000455,
                1.6763848301838038494,
                2.05319162663775882187,
                1.0,
            ],
        )
    } else {
        r -= 5.0;
        horner(
            r,
            &[
                2.01033439929228813265e-7,
                2.71155556874348757815e-5,
                0.0012426609473880784386,
                0.026532189526576123093,
                0.29656057182850489123,
                1.7848265399172913358,
                5.4637849111641143699,
                6.6579046435011037772,
            ],
        ) / horner(
            r,
            &[
                2.04426310338993978564e-15,
                1.4215117583164458887e-7,
                1.8463183175100546818e-5,
                7.868691311456132591e-4,
                0.0148753612908506148525,
                0.13692988092273580531,
                0.59983220655588793769,
                1.0,
            ],
        )
    };
    if q < 0.0 { -val } else { val }
}

/// The Student t quantile with `df` degrees of freedom (any real df > 0; `df = ∞` is the
/// normal). NaN for df ≤ 0 or NaN, as R's `qt`.
#[must_use]
pub fn qt(p: f64, df: f64) -> f64 {
    if p.is_nan() || df.is_nan() || df <= 0.0 || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if df.is_infinite() || df > 1e20 {
        return qnorm(p);
    }
    if p == 0.5 {
        return 0.0;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let lower = p < 0.5;
    let tail = if lower { p } else { 1.0 - p };
    let q2 = 2.0 * tail;
    let (a, b) = (df / 2.0, 0.5);
    // x = df / (df + t²) solves I_x(df/2, 1/2) = q2; solve for whichever of x and 1 − x is
    // the smaller, so that t² = df (1 − x) / x keeps its relative precision.
    let t = if pbeta(0.5, a, b) >= q2 {
        let x = qbeta(q2, a, b);
        (df * ((1.0 - x) / x)).sqrt()
    } else {
        let y = qbeta(1.0 - q2, b, a);
        (df * (y / (1.0 - y))).sqrt()
    };
    if lower { -t } else { t }
}

/// The Stirling-series remainder lgamma(x) − ((x − ½) ln x − x + ln √(2π)), for x ≥ 10.
fn lgamma_correction(x: f64) -> f64 {
    let x2 = 1.0 / (x * x);
    (1.0 / 12.0
        + x2 * (-1.0 / 360.0
            + x2 * (1.0 / 1260.0
                + x2 * (-1.0 / 1680.0
                    + x2 * (1.0 / 1188.0 + x2 * (-691.0 / 360_360.0 + x2 * (1.0 / 156.0)))))))
        / x
}

/// ln Γ(x) for x > 0 (Stirling with recurrence below 10; absolute error ~1e-15).
#[must_use]
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut shift = 0.0;
    let mut y = x;
    while y < 10.0 {
        shift += y.ln();
        y += 1.0;
    }
    (y - 0.5) * y.ln() - y + LN_SQRT_2PI + lgamma_correction(y) - shift
}

/// ln B(a, b), computed as R's `lbeta` does for large arguments (no cancellation of large
/// ln Γ terms).
#[must_use]
pub fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    if p >= 10.0 {
        let corr = lgamma_correction(p) + lgamma_correction(q) - lgamma_correction(p + q);
        -0.5 * q.ln()
            + LN_SQRT_2PI
            + corr
            + (p - 0.5) * (p / (p + q)).ln()
            + q * (-p / (p + q)).ln_1p()
    } else if q >= 10.0 {
        let corr = lgamma_correction(q) - lgamma_correction(p + q);
        ln_gamma(p) + corr + p - p * (p + q).ln() + (q - 0.5) * (-p / (p + q)).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    }
}

/// ln of x^a y^b / B(a, b) from ln x and ln y (y = 1 − x), so that neither loses
/// precision when the other is close to 1.
fn ln_beta_kernel(ln_x: f64, ln_y: f64, a: f64, b: f64) -> f64 {
    a * ln_x + b * ln_y - ln_beta(a, b)
}

/// Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1)/(a + b + 2).
fn beta_cf(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..100_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function I_x(a, b) (the beta distribution function).
#[must_use]
pub fn pbeta(x: f64, a: f64, b: f64) -> f64 {
    if x.is_nan() || a.is_nan() || b.is_nan() || a < 0.0 || b < 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    if a == 0.0 {
        return 1.0;
    }
    if b == 0.0 {
        return 0.0;
    }
    let (ln_x, ln_y) = (x.ln(), (-x).ln_1p());
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_beta_kernel(ln_x, ln_y, a, b).exp() * beta_cf(x, a, b) / a
    } else {
        1.0 - ln_beta_kernel(ln_y, ln_x, b, a).exp() * beta_cf(1.0 - x, b, a) / b
    }
}

/// The beta density.
fn dbeta(x: f64, a: f64, b: f64) -> f64 {
    ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_beta(a, b)).exp()
}

/// The beta quantile: the x with I_x(a, b) = p. `qbeta(p, 0, b) = 0`, `qbeta(p, a, 0) = 1`
/// (point masses), NaN for invalid parameters, as in R.
#[must_use]
pub fn qbeta(p: f64, a: f64, b: f64) -> f64 {
    if p.is_nan() || a.is_nan() || b.is_nan() || a < 0.0 || b < 0.0 || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if a.is_infinite() || b.is_infinite() {
        if a.is_infinite() && b.is_infinite() {
            return 0.5;
        }
        return if a.is_infinite() { 1.0 } else { 0.0 };
    }
    if a == 0.0 && b == 0.0 {
        return if p < 0.5 {
            0.0
        } else if p > 0.5 {
            1.0
        } else {
            0.5
        };
    }
    if a == 0.0 || p == 0.0 {
        return 0.0;
    }
    if b == 0.0 || p == 1.0 {
        return 1.0;
    }
    // Work in the lower half: if the quantile is above the median region, solve for
    // y = 1 − x in Beta(b, a) instead, so the unknown is always the one near 0.
    let median_side = pbeta(0.5, a, b);
    if p > median_side {
        let y = qbeta_lower(1.0 - p, b, a);
        return 1.0 - y;
    }
    qbeta_lower(p, a, b)
}

/// Solves I_x(a, b) = p for x ≤ 1/2 (`p` is at most I_{1/2}(a, b)).
fn qbeta_lower(p: f64, a: f64, b: f64) -> f64 {
    let f = |x: f64| pbeta(x, a, b) - p;
    let (mut lo, mut hi) = (0.0_f64, 0.5_f64);
    // Start from the lower-tail approximation I_x ≈ x^a / (a B(a, b)).
    let mut x = ((p.ln() + a.ln() + ln_beta(a, b)) / a).exp();
    if !(x > 0.0 && x < 0.5) {
        x = 0.25;
    }
    for _ in 0..1000 {
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if fx < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        // Newton in ln x: F as a function of u = ln x is close to exponential near 0.
        let slope = x * dbeta(x, a, b);
        let mut next = x * (-fx / slope).exp();
        if !(next.is_finite() && next > lo && next < hi) {
            next = if lo > 0.0 && hi / lo > 4.0 {
                (lo * hi).sqrt()
            } else if lo == 0.0 {
                hi / 16.0
            } else {
                0.5 * (lo + hi)
            };
        }
        if (next - x).abs() <= 1e-15 * x || hi - lo <= 2.0 * f64::EPSILON * hi {
            return next;
        }
        x = next;
    }
    x
}

/// The inverse logit.
#[must_use]
pub fn expit(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The logit ln(p / (1 − p)).
#[must_use]
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn gamma_matches_known_values() {
        assert!(ln_gamma(1.0).abs() < 1e-14);
        assert!((ln_gamma(0.5) - PI.sqrt().ln()).abs() < 1e-14);
        assert!((ln_gamma(20.0) - 39.339_884_187_199_495).abs() < 1e-13);
    }

    #[test]
    fn beta_distribution_round_trips() {
        for &(a, b) in &[(0.5, 0.5), (2.0, 3.0), (30.0, 700.0), (0.05, 2.0)] {
            for &p in &[1e-8, 0.025, 0.5, 0.975] {
                let x = qbeta(p, a, b);
                assert!(
                    (pbeta(x, a, b) - p).abs() <= 1e-12 * p.max(1e-3),
                    "{a} {b} {p}"
                );
            }
        }
    }

    #[test]
    fn edge_cases_follow_r() {
        assert!(qt(0.975, 0.0).is_nan());
        assert_eq!(qbeta(0.025, 0.0, 10.0), 0.0);
        assert_eq!(qbeta(0.975, 10.0, 0.0), 1.0);
        assert_eq!(qt(0.5, 3.0), 0.0);
        // t with 1 df is Cauchy, with 2 df closed form.
        assert!((qt(0.975, 1.0) - (PI * 0.475).tan()).abs() < 1e-12);
        let p: f64 = 0.9;
        let t2 = (2.0 * p - 1.0) * (2.0 / (4.0 * p * (1.0 - p))).sqrt();
        assert!((qt(p, 2.0) - t2).abs() < 1e-13);
    }
}
