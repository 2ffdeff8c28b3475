//! The ICT Development Index (ITU, 2023 method).
