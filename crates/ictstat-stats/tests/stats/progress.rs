//! Progress methods against hand-worked cases from their published formulas.
