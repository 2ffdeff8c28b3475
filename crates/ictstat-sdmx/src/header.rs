//! The header every SDMX message carries.

/// Message id, preparation time and sender.
#[derive(Debug, Clone)]
pub struct Header {
    /// A message id: letters, digits and `_` only (SDMX-ML's IDType).
    pub id: String,
    /// Preparation time, `YYYY-MM-DDThh:mm:ssZ`.
    pub prepared: String,
    /// The sender: the publishing agency's id.
    pub sender: String,
}
