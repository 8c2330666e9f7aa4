//! The shell's one error type: what the UI receives when a command fails, `{code, message}`,
//! where `message` is one plain sentence a person can act on.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct AppError {
    /// Stable, for the UI to choose how to show it: `invalid-input`, `unknown-borough`, `not-found`,
    /// `store-in-use`, `feed`, `invalid-key`, `key-not-confirmed`, `locked-by-policy`,
    /// `updates-off`, `no-phone-app`, `opening-failed`, `internal`.
    pub code: &'static str,
    pub message: String,
}

impl AppError {
    pub fn new(code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            code,
            message: sentence(&message.into()),
        }
    }
}

impl From<signpost::Error> for AppError {
    fn from(e: signpost::Error) -> AppError {
        use signpost::Error as E;
        let code = match &e {
            E::InvalidQuery(_) => "invalid-input",
            E::UnknownBorough(_) => "unknown-borough",
            E::NotFound(_) => "not-found",
            E::StoreInUse(_) => "store-in-use",
            E::FeedNotJson(_)
            | E::FeedShape(_)
            | E::FeedEmpty { .. }
            | E::FeedNotNewer { .. }
            | E::FeedFromFuture { .. }
            | E::ClockWrong { .. } => "feed",
            E::KeyInvalid(_) => "invalid-key",
            E::KeyNotConfirmed { .. } => "key-not-confirmed",
            E::LockedByPolicy(_) | E::PolicyInvalid { .. } => "locked-by-policy",
            E::UpdatesOff(_) => "updates-off",
            _ => "internal",
        };
        AppError::new(code, e.to_string())
    }
}

/// Capitalised, with a full stop.
fn sentence(s: &str) -> String {
    let mut c = s.trim().chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.extend(c);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
