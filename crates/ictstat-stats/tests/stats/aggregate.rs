//! Aggregates against hand-worked cases and published regional figures.
