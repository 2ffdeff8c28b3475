//! Structure selection and structure messages.
