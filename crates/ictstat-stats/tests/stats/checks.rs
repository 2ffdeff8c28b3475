//! Validation rules and outlier detection against hand-worked cases.
