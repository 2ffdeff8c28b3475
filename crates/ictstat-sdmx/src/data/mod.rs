//! Data messages: the six SDMX data formats.
