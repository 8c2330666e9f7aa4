//! How long ago a record was last reviewed. Every result shows it: amber after 6 months,
//! red after 12, and a missing date is said plainly rather than hidden.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// Reviewed within the last 6 months.
    Recent,
    /// Over 6 months ago.
    Amber,
    /// Over 12 months ago.
    Red,
    /// The record carries no review date.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub state: ReviewState,
    /// The review date as the feed gave it (YYYY-MM-DD).
    pub date: Option<String>,
    /// "reviewed 3 Jan 2025, over 12 months ago: check before use".
    pub text: String,
    /// The same in a few words, for a result card: "not checked since Jan 2025".
    pub short: String,
}

/// The review state of a record whose `assured_date` is `date`, seen on `today`.
pub fn of(date: Option<&str>, today: Date) -> Review {
    let Some(parsed) = date.and_then(|d| d.get(..10)?.parse::<Date>().ok()) else {
        return Review {
            state: ReviewState::Unknown,
            date: None,
            text: "no review date on record: check before use".into(),
            short: "no review date".into(),
        };
    };
    let shown = parsed.strftime("%-d %b %Y");
    let month = parsed.strftime("%b %Y");
    let (state, text, short) = if parsed.saturating_add(12.months()) < today {
        (
            ReviewState::Red,
            format!("reviewed {shown}, over 12 months ago: check before use"),
            format!("not checked since {month}"),
        )
    } else if parsed.saturating_add(6.months()) < today {
        (
            ReviewState::Amber,
            format!("reviewed {shown}, over 6 months ago"),
            format!("checked {month}"),
        )
    } else {
        (
            ReviewState::Recent,
            format!("reviewed {shown}"),
            format!("checked {month}"),
        )
    };
    Review {
        state,
        date: Some(parsed.to_string()),
        text,
        short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn six_and_twelve_months_are_the_thresholds() {
        let today = date(2026, 11, 22);
        assert_eq!(of(Some("2026-05-22"), today).state, ReviewState::Recent);
        assert_eq!(of(Some("2026-05-21"), today).state, ReviewState::Amber);
        assert_eq!(of(Some("2025-11-22"), today).state, ReviewState::Amber);
        assert_eq!(of(Some("2025-11-21"), today).state, ReviewState::Red);
        let unknown = of(None, today);
        assert_eq!(unknown.state, ReviewState::Unknown);
        assert!(unknown.text.contains("no review date"));
        assert_eq!(
            of(Some("2025-01-03"), today).short,
            "not checked since Jan 2025"
        );
        assert_eq!(
            of(Some("2025-01-03"), today).text,
            "reviewed 3 Jan 2025, over 12 months ago: check before use"
        );
    }
}
