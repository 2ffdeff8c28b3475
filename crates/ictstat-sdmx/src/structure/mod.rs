//! Structure messages: selecting artefacts for a query and writing them.
