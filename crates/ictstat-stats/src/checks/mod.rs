//! Validation rules over series: rules as data, built-in rules and outlier detection.
