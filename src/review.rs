//! How long ago a record was last reviewed. Every result shows it: amber after 6 months,
//! red after 12, and a missing date is said plainly rather than hidden.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
/// How fresh a record's review is, for its colour.
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
/// A record's review age: its state and the words for it.
pub struct Review {
    /// Recent, amber, red or unknown.
    pub state: ReviewState,
    /// The review date as the feed gave it (YYYY-MM-DD).
    pub date: Option<String>,
    /// "reviewed 3 Jan 2025, over 12 months ago: check before use".
    pub text: String,
    /// The same after "Last reviewed:": "3 Jan 2025, over 12 months ago: check before use".
    pub since: String,
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
            since: "no date on record: check before use".into(),
            short: "no review date".into(),
        };
    };
    let shown = parsed.strftime("%-d %b %Y");
    let month = parsed.strftime("%b %Y");
    let (state, since, short) = if parsed.saturating_add(12.months()) < today {
        (
            ReviewState::Red,
            format!("{shown}, over 12 months ago: check before use"),
            format!("not checked since {month}"),
        )
    } else if parsed.saturating_add(6.months()) < today {
        (
            ReviewState::Amber,
            format!("{shown}, over 6 months ago"),
            format!("checked {month}"),
        )
    } else {
        (
            ReviewState::Recent,
            shown.to_string(),
            format!("checked {month}"),
        )
    };
    Review {
        state,
        date: Some(parsed.to_string()),
        text: format!("reviewed {since}"),
        since,
        short,
    }
}

/// A period typed by a publisher: "6m" (months), "1y", "90d", "2w".
pub fn parse_period(text: &str) -> Result<jiff::Span, String> {
    let t = text.trim().to_ascii_lowercase();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let (n, unit) = t.split_at(digits);
    let n: i64 = n
        .parse()
        .map_err(|_| format!("\"{text}\" is not a period; use e.g. 6m, 1y, 90d or 2w"))?;
    match unit {
        "d" | "day" | "days" => Ok(n.days()),
        "w" | "week" | "weeks" => Ok(n.weeks()),
        "m" | "mo" | "month" | "months" => Ok(n.months()),
        "y" | "year" | "years" => Ok(n.years()),
        _ => Err(format!(
            "\"{text}\" is not a period; use e.g. 6m, 1y, 90d or 2w"
        )),
    }
}

/// One service on the publisher's to-do list.
#[derive(Debug, Clone, Serialize)]
pub struct Due {
    /// The service's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The organisation that runs it.
    pub organisation: String,
    /// Where it works, in one phrase.
    pub covers: String,
    /// How long since its review.
    pub review: Review,
}

/// Services to review: those never reviewed first (by name), then the longest since their
/// review. With `older_than`, only those reviewed before `today - older_than` (and the
/// never-reviewed); with `borough`, only services that name it as where they work.
pub fn due(
    gen: &crate::index::Generation,
    geo: &crate::geo::Geography,
    older_than: Option<jiff::Span>,
    borough: Option<&crate::geo::Borough>,
    today: Date,
) -> Vec<Due> {
    let cutoff = older_than.map(|p| today.checked_sub(p).unwrap_or(Date::MIN));
    let mut out: Vec<(Option<Date>, Due)> = gen
        .summaries
        .iter()
        .zip(gen.facts.iter())
        .filter(|(_, f)| borough.is_none_or(|b| f.coverage.boroughs.contains(&b.gss_code)))
        .filter_map(|(s, f)| {
            let review = of(s.assured_date.as_deref(), today);
            let date = review.date.as_deref().and_then(|d| d.parse::<Date>().ok());
            if let (Some(cut), Some(d)) = (cutoff, date) {
                if d >= cut {
                    return None;
                }
            }
            Some((
                date,
                Due {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    organisation: s.organisation.clone(),
                    covers: f.coverage.phrase(geo),
                    review,
                },
            ))
        })
        .collect();
    // `None` sorts before any date: never reviewed first, then the oldest.
    out.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.name.cmp(&y.name)));
    out.into_iter().map(|(_, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_read_as_publishers_write_them() {
        let today = date(2026, 11, 30);
        let back = |t: &str| today.checked_sub(parse_period(t).unwrap()).unwrap();
        assert_eq!(back("6m"), date(2026, 5, 30));
        assert_eq!(back("1y"), date(2025, 11, 30));
        assert_eq!(back("90d"), date(2026, 9, 1));
        assert_eq!(back("2w"), date(2026, 11, 16));
        assert!(parse_period("soon").is_err());
        assert!(parse_period("6x").is_err());
    }

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
