//! The statistics engine: pure computations over observations, with no I/O, so that every
//! figure can be checked against its published formula on small worked cases and recomputed
//! by the server after each import.

pub mod aggregate;
pub mod checks;
pub mod derive;
pub mod index;
pub mod progress;
