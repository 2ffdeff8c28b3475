//! The built-in rule set, kept as the same TOML users write, so that it documents itself and
//! a user can copy a rule and change its tolerance or importance.

/// ictstat's built-in rules and outlier settings, read by [`Checks::builtin`](super::Checks::builtin).
pub const DEFAULT_RULES: &str = r#"
# Female and male values agree with their total, for every SEX-disaggregated series: a
# percentage or rate of everyone lies between the female and male values (it is their
# population-weighted mean); a count is at least female plus male (people of unknown sex).
[[rule]]
id = "sex-brackets-total"
description = "female and male values bracket the total"
builtin = "sex_brackets_total"
importance = "warning"
tolerance = 0.1             # percentage points or per 100: rounding of published values
relative_tolerance = 0.001  # counts: rounding to thousands

# The three advertised-speed tiers of fixed broadband (256 kbit/s-2 Mbit/s, 2-10 Mbit/s,
# 10 Mbit/s or above) partition all fixed-broadband subscriptions.
[[rule]]
id = "speed-tiers-sum"
description = "fixed-broadband subscriptions per 100 by speed tier add up to the total"
left = "IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_256KT2M] + IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_2MT10M] + IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_GE10M]"
operator = "=="
right = "IT_NET_BBND"
importance = "warning"
missing = "skip_if_any_missing"
tolerance = 0.1

[[rule]]
id = "speed-tiers-sum-count"
description = "fixed-broadband subscriptions by speed tier add up to the total"
left = "IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_256KT2M] + IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_2MT10M] + IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_GE10M]"
operator = "=="
right = "IT_NET_BBNDN"
importance = "warning"
missing = "skip_if_any_missing"
relative_tolerance = 0.001

# No country has more than about 2.2 mobile-cellular subscriptions per inhabitant (multiple
# SIMs, machine SIMs, visitors); beyond 2.5 a value is more likely a unit or population slip.
[[rule]]
id = "mobile-subscriptions-per-100"
description = "mobile-cellular subscriptions per 100 inhabitants are plausible"
left = "IT_CEL_SETS_P2"
operator = "<="
right = "250"
importance = "warning"

[[rule]]
id = "mobile-subscriptions-vs-population"
description = "mobile-cellular subscriptions are at most 2.5 per inhabitant"
left = "IT_CEL_SETS"
operator = "<="
right = "2.5 * SP_POP_TOTL"
importance = "warning"

# Population coverage is of "at least" a technology: whoever has 5G has 4G, 4G has 3G, 3G 2G.
[[rule]]
id = "coverage-5g-within-4g"
description = "5G population coverage does not exceed 4G coverage"
left = "IT_MOB_5GNTWK"
operator = "<="
right = "IT_MOB_4GNTWK"
importance = "warning"
tolerance = 0.1

[[rule]]
id = "coverage-4g-within-3g"
description = "4G population coverage does not exceed 3G coverage"
left = "IT_MOB_4GNTWK"
operator = "<="
right = "IT_MOB_3GNTWK"
importance = "warning"
tolerance = 0.1

[[rule]]
id = "coverage-3g-within-2g"
description = "3G population coverage does not exceed 2G coverage"
left = "IT_MOB_3GNTWK"
operator = "<="
right = "IT_MOB_2GNTWK"
importance = "warning"
tolerance = 0.1

[outliers]
modified_z = 3.5        # Iglewicz and Hoaglin's recommended cut-off
min_max_factor = 10     # an order of magnitude beyond the rest of the series
min_changes = 3
"#;
