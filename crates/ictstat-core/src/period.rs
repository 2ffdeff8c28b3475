//! Reporting periods in SDMX basic time format: `2021`, `2021-S1`, `2021-Q3`, `2021-07`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A reporting period. Ordered chronologically within one frequency; the text form sorts the
/// same way, which is why the store keeps periods as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Period {
    Year(i32),
    Half(i32, u8),
    Quarter(i32, u8),
    Month(i32, u8),
}

/// Years outside this range are refused as typing errors (a value in the year column, a
/// two-digit year): ICT statistics start in the 1960s and targets end in 2030.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "`{0}` is not a period: expected a year (2021), a half (2021-S1), a quarter (2021-Q3) or a month (2021-07) between 1900 and 2100"
)]
pub struct BadPeriod(pub String);

impl FromStr for Period {
    type Err = BadPeriod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || BadPeriod(s.to_string());
        let t = t.strip_suffix(".0").unwrap_or(t); // years written as floats by spreadsheets
        let (year, rest) = match t.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (t, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let y: i32 = year.parse().map_err(|_| bad())?;
        if !YEARS.contains(&y) {
            return Err(bad());
        }
        let sub = |r: &str, max: u8| -> Result<u8, BadPeriod> {
            let n: u8 = r.parse().map_err(|_| bad())?;
            if (1..=max).contains(&n) {
                Ok(n)
            } else {
                Err(bad())
            }
        };
        match rest {
            None => Ok(Period::Year(y)),
            Some(r) => match r.as_bytes().first() {
                Some(b'S') | Some(b's') => Ok(Period::Half(y, sub(&r[1..], 2)?)),
                Some(b'Q') | Some(b'q') => Ok(Period::Quarter(y, sub(&r[1..], 4)?)),
                Some(b'A') | Some(b'a') if &r[1..] == "1" => Ok(Period::Year(y)),
                _ if r.len() == 2 => Ok(Period::Month(y, sub(r, 12)?)),
                _ => Err(bad()),
            },
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-S{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sdmx_basic_formats() {
        assert_eq!("2021".parse(), Ok(Period::Year(2021)));
        assert_eq!("2021.0".parse(), Ok(Period::Year(2021)));
        assert_eq!("2021-A1".parse(), Ok(Period::Year(2021)));
        assert_eq!("2021-Q3".parse(), Ok(Period::Quarter(2021, 3)));
        assert_eq!("2021-S2".parse(), Ok(Period::Half(2021, 2)));
        assert_eq!("2021-07".parse(), Ok(Period::Month(2021, 7)));
        assert_eq!(Period::Month(2021, 7).to_string(), "2021-07");
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for bad in [
            "", "21", "20211", "1850", "2021-13", "2021-Q5", "2021-S0", "abcd", "59.1",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} should be refused");
        }
    }
}
