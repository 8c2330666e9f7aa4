//! The shell's one error type: what the UI receives when a command fails, `{code, message}`,
//! where `message` is one plain sentence a person can act on.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct AppError {
    /// Stable, for the UI to switch on: the engine's [`signpost::Error::code`] (`invalid-postcode`,
    /// `feed-not-newer`, `invalid-key`…), or one of the shell's own: `link-not-allowed`,
    /// `no-phone-app`, `opening-failed`, `internal`.
    pub code: &'static str,
    /// The input the error is about (`postcode`, `publisher-key`…), for showing it beside
    /// that field; absent when it is about none.
    pub field: Option<&'static str>,
    /// One plain sentence a person can act on.
    pub message: String,
}

impl AppError {
    /// One of the shell's own errors (the engine's come through `From`).
    pub fn new(code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            code,
            field: None,
            message: signpost::present::sentence(&message.into()),
        }
    }
}

impl From<signpost::Error> for AppError {
    fn from(e: signpost::Error) -> AppError {
        // The engine's code and field are exhaustive over its variants: nothing to guess here.
        AppError {
            code: e.code(),
            field: e.field().map(signpost::error::Field::as_str),
            message: e.sentence(),
        }
    }
}
