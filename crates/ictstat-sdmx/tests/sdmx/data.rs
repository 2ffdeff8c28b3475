//! Data messages in every format.
