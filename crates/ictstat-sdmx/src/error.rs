//! SDMX errors: the status code, the SDMX error code and the message body.
//!
//! Clients look at the HTTP status (sdmx1 turns 501 into `NotImplementedError`, pysdmx maps 404
//! to `NotFound` and other 4xx to `Invalid`); pysdmx also reads the SDMX-ML `Error` body, so the
//! body says what was wrong and where.

use std::io::{self, Write};

use crate::xml;

/// What went wrong, as SDMX classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 100: the query is valid but matches nothing.
    NoResults,
    /// 140: the query does not follow the SDMX REST grammar.
    Syntax,
    /// 150: the query is well-formed but names something that cannot be (a component the
    /// DSD does not have).
    Semantic,
    /// 406: none of the accepted formats can be produced.
    NotAcceptable,
    /// 501: a standard feature ictstat does not implement.
    NotImplemented,
    /// 500.
    Internal,
}

/// An SDMX error with a message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SdmxError {
    pub kind: ErrorKind,
    pub message: String,
}

impl SdmxError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> SdmxError {
        SdmxError {
            kind,
            message: message.into(),
        }
    }

    pub fn syntax(message: impl Into<String>) -> SdmxError {
        SdmxError::new(ErrorKind::Syntax, message)
    }

    pub fn semantic(message: impl Into<String>) -> SdmxError {
        SdmxError::new(ErrorKind::Semantic, message)
    }

    pub fn no_results(message: impl Into<String>) -> SdmxError {
        SdmxError::new(ErrorKind::NoResults, message)
    }

    pub fn not_implemented(message: impl Into<String>) -> SdmxError {
        SdmxError::new(ErrorKind::NotImplemented, message)
    }

    /// The HTTP status. A semantic error is 400 rather than SDMX 1.5's 403: 403 means "not
    /// allowed" to every HTTP client and proxy, and REST 2.x itself moved it to 422.
    pub fn status(&self) -> u16 {
        match self.kind {
            ErrorKind::NoResults => 404,
            ErrorKind::Syntax | ErrorKind::Semantic => 400,
            ErrorKind::NotAcceptable => 406,
            ErrorKind::NotImplemented => 501,
            ErrorKind::Internal => 500,
        }
    }

    /// The SDMX error code of the REST specification's table.
    pub fn code(&self) -> u16 {
        match self.kind {
            ErrorKind::NoResults => 100,
            ErrorKind::Syntax => 140,
            ErrorKind::Semantic => 150,
            ErrorKind::NotAcceptable => 406,
            ErrorKind::NotImplemented => 501,
            ErrorKind::Internal => 500,
        }
    }

    fn title(&self) -> &'static str {
        match self.kind {
            ErrorKind::NoResults => "No results found",
            ErrorKind::Syntax => "Syntax error",
            ErrorKind::Semantic => "Semantic error",
            ErrorKind::NotAcceptable => "Not acceptable",
            ErrorKind::NotImplemented => "Not implemented",
            ErrorKind::Internal => "Internal server error",
        }
    }

    /// The SDMX-ML 2.1 `Error` message (valid against SDMXMessage.xsd).
    pub fn write_xml(&self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<message:Error xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" "#,
                r#"xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">"#,
                r#"<message:ErrorMessage code="{}"><common:Text xml:lang="en">{}: {}</common:Text>"#,
                r#"</message:ErrorMessage></message:Error>"#
            ),
            self.code(),
            self.title(),
            xml::text(&self.message)
        )
    }

    /// The SDMX-JSON `errors` message. Without `meta`: the schema makes `meta` optional but,
    /// when present, wants a message id, time and sender that an error has no use for.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let body = serde_json::json!({
            "errors": [{"code": self.code(), "title": self.title(), "detail": self.message}],
        });
        serde_json::to_writer(&mut *out, &body)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_error_names_the_problem_escaped() {
        let e = SdmxError::syntax("key `A<B` has 2 parts");
        let mut out = Vec::new();
        e.write_xml(&mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("<?xml"));
        assert!(s.contains(r#"code="140""#));
        assert!(s.contains("Syntax error: key `A&lt;B` has 2 parts"));
        assert_eq!(e.status(), 400);
        assert_eq!(SdmxError::no_results("x").status(), 404);
        assert_eq!(SdmxError::not_implemented("x").status(), 501);
    }
}
