//! Periods as spans of months, for SDMX's inclusive period bounds.
//!
//! `startPeriod=2015-04` must keep the annual observation of 2015 (it ends after April 2015),
//! so bounds compare spans, not strings: a period matches when it ends on or after the start
//! bound's first month and begins on or before the end bound's last month.

/// The first and last month of a period or date, as `year * 12 + month - 1`. Accepts SDMX
/// basic periods (`2015`, `2015-A1`, `2015-S2`, `2015-Q3`, `2015-07`), reporting months
/// (`2015-M07`), dates and date-times (`2015-07-31`, `2015-07-31T00:00:00Z`).
pub fn months(period: &str) -> Option<(i32, i32)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let year = period.get(..4).filter(|y| digits(y))?.parse::<i32>().ok()?;
    let base = year * 12;
    let rest = &period[4..];
    if rest.is_empty() {
        return Some((base, base + 11));
    }
    let rest = rest.strip_prefix('-')?;
    let number = |s: &str, max: i32| -> Option<i32> {
        let n: i32 = digits(s).then(|| s.parse().ok())??;
        (1..=max).contains(&n).then_some(n)
    };
    let span = |n: i32, len: i32| Some((base + (n - 1) * len, base + n * len - 1));
    match rest.as_bytes().first()? {
        b'A' => number(&rest[1..], 1).and_then(|n| span(n, 12)),
        b'S' => number(&rest[1..], 2).and_then(|n| span(n, 6)),
        b'Q' => number(&rest[1..], 4).and_then(|n| span(n, 3)),
        b'M' => number(&rest[1..], 12).and_then(|n| span(n, 1)),
        _ => {
            // `MM`, `MM-DD` or `MM-DDThh:mm:ss…`: the month is what matters.
            let month = number(rest.get(..2)?, 12)?;
            let tail = &rest[2..];
            let date_ok = tail.is_empty()
                || (tail.len() >= 3
                    && tail.starts_with('-')
                    && tail.as_bytes()[1..3].iter().all(u8::is_ascii_digit)
                    && (tail.len() == 3 || tail.as_bytes()[3] == b'T'));
            date_ok.then_some((base + month - 1, base + month - 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::months;

    #[test]
    fn periods_are_month_spans() {
        assert_eq!(months("2015"), Some((2015 * 12, 2015 * 12 + 11)));
        assert_eq!(months("2015-A1"), months("2015"));
        assert_eq!(months("2015-S2"), Some((2015 * 12 + 6, 2015 * 12 + 11)));
        assert_eq!(months("2015-Q2"), Some((2015 * 12 + 3, 2015 * 12 + 5)));
        assert_eq!(months("2015-04"), Some((2015 * 12 + 3, 2015 * 12 + 3)));
        assert_eq!(months("2015-M04"), months("2015-04"));
        assert_eq!(months("2015-04-30"), months("2015-04"));
        assert_eq!(months("2015-04-30T12:00:00Z"), months("2015-04"));
        // Not ASCII where a digit is due (a panic once: slicing inside `é`), signs.
        for bad in [
            "15",
            "2015-Q5",
            "2015-13",
            "2015-W05",
            "20x5",
            "2015-04-3x",
            "2015-01-1é",
            "2015-0é",
            "é015",
            "2015-+1",
            "+201",
            "2015-Q+1",
        ] {
            assert_eq!(months(bad), None, "{bad}");
        }
    }
}
