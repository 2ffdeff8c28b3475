//! The ICT Development Index against hand-worked cases and published scores.
