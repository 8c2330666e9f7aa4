//! Opening hours as published ("Mon-Fri 10am-4pm", "Monday to Thursday: 8.45am to 5pm;
//! Friday: 8.45am to 4.45pm", "24/7") read into weekly rules, only when the whole text is
//! clear. Anything else — "office hours", out-of-hours lines, overnight ranges, two
//! channels' hours in one text, a bracketed remark about other times — reads as unclear,
//! and the service says "hours unknown" rather than guess.

use std::sync::LazyLock;

use regex::Regex;

/// One weekly rule: days (0 = Monday) and `HH:MM` opening and closing times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Days, Monday 0 to Sunday 6.
    pub days: Vec<usize>,
    /// Opening time, `HH:MM`.
    pub opens: String,
    /// Closing time, `HH:MM`.
    pub closes: String,
}

/// RFC 5545 day codes, Monday first.
pub const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

const DAY_NAMES: &[(&str, usize)] = &[
    ("mon", 0),
    ("monday", 0),
    ("mondays", 0),
    ("tue", 1),
    ("tues", 1),
    ("tuesday", 1),
    ("tuesdays", 1),
    ("wed", 2),
    ("wednesday", 2),
    ("wednesdays", 2),
    ("thu", 3),
    ("thur", 3),
    ("thurs", 3),
    ("thursday", 3),
    ("thursdays", 3),
    ("fri", 4),
    ("friday", 4),
    ("fridays", 4),
    ("sat", 5),
    ("saturday", 5),
    ("saturdays", 5),
    ("sun", 6),
    ("sunday", 6),
    ("sundays", 6),
];

const TIME: &str = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?";

fn day(name: &str) -> Option<usize> {
    DAY_NAMES.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// Any day name, longest first (so "monday" is not read as "mon").
static DAY_WORD: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<&str> = DAY_NAMES.iter().map(|(n, _)| *n).collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    format!("(?:{})", names.join("|"))
});

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid pattern")
}

static EVERY_DAY: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:daily|every day|7 days(?: a week)?|365 days(?: a year)?)$"));
static ROUND_THE_CLOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:24/7|24 hours(?: a day)?|24hrs|24[- ]hour|24[- ]hr)$"));
static CHANNEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:helpline|phone|telephone|live chat|web chat|chat)\s+"));
static RANGE: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^{TIME}\s*[-–]\s*{TIME}$")));
static SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(.*?)\s*((?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)\s*[-–]\s*(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?))\s*(.*?)$",
    )
});
static DAY_RANGE: LazyLock<Regex> = LazyLock::new(|| re(r"^([a-z]+)\s*[-–]\s*([a-z]+)$"));
static REMARK: LazyLock<Regex> = LazyLock::new(|| re(r"\(([^()]*)\)"));
static TIMELY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\d\s*(?:am|pm)\b|\d[:.]\d\d|\b{}\b|\bweekends?\b|\bweekdays?\b",
        *DAY_WORD
    ))
});
static SPACES: LazyLock<Regex> = LazyLock::new(|| re(r"\s+"));
static CHANNELS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:helpline|phone|telephone|live chat|web chat|chat|email|online|text)\b")
});
static ALL_YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"^24/7, 365 days(?: a year)?$"));
static TRAILING_EVERY_DAY: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(.*?),\s*(365 days(?: a year)?|daily|every day)$"));
static CLAUSES: LazyLock<Regex> = LazyLock::new(|| re(r"\s*[,;]\s*|\s+and\s+"));
/// Long forms rewritten as short ones, in order.
static LONG_FORMS: LazyLock<[(Regex, &'static str); 5]> = LazyLock::new(|| {
    let d = &*DAY_WORD;
    [
        (re(&format!(r"\b({d})\s*(?:to|-|–)\s*({d})\b")), "${1}-${2}"),
        (
            re(&format!(
                r"\b(?:from|between)\s+({TIME})\s*(?:to|and|-|–)\s*"
            )),
            "${1}-",
        ),
        (re(r"(\d(?:am|pm))\s+to\s+(\d)"), "${1}-${2}"),
        (re(&format!(r"\b({d}):")), "${1}"),
        (re(&format!(r"\bon\s+({d})\b")), "${1}"),
    ]
});

/// Why a text was not read.
type Unclear = ();

fn parse_time(h: &str, m: Option<&str>, ampm: Option<&str>) -> Result<String, Unclear> {
    let mut h: u32 = h.parse().map_err(|_| ())?;
    let m: u32 = m.map_or(Ok(0), str::parse).map_err(|_| ())?;
    if ampm == Some("pm") && h != 12 {
        h += 12;
    }
    if ampm == Some("am") && h == 12 {
        h = 0;
    }
    if h > 23 || m > 59 {
        return Err(());
    }
    Ok(format!("{h:02}:{m:02}"))
}

/// "Mon-Fri", "weekends", "Fri", "daily" → day indexes.
fn parse_days(text: &str) -> Result<Vec<usize>, Unclear> {
    let text = text.trim();
    if EVERY_DAY.is_match(text) {
        return Ok((0..7).collect());
    }
    match text {
        "weekdays" | "weekday" => return Ok((0..5).collect()),
        "weekends" | "weekend" => return Ok(vec![5, 6]),
        _ => {}
    }
    if let Some(c) = DAY_RANGE.captures(text) {
        if let (Some(a), Some(b)) = (day(&c[1]), day(&c[2])) {
            // A range running backwards ("Fri-Mon") is not read.
            return if a > b {
                Err(())
            } else {
                Ok((a..=b).collect())
            };
        }
    }
    day(text).map(|d| vec![d]).ok_or(())
}

/// One clause: "Mon-Fri 9am-5pm", "10am-4pm Mon-Fri", "24/7", "6pm-11pm daily".
fn parse_segment(seg: &str) -> Result<Rule, Unclear> {
    let seg = seg.trim();
    if ROUND_THE_CLOCK.is_match(seg) {
        return Ok(Rule {
            days: (0..7).collect(),
            opens: "00:00".into(),
            closes: "23:59".into(),
        });
    }
    let c = SEGMENT.captures(seg).ok_or(())?;
    let (before, range, after) = (c[1].trim(), &c[2], c[3].trim());
    if !before.is_empty() && !after.is_empty() {
        return Err(());
    }
    let days_text = if before.is_empty() { after } else { before };
    let r = RANGE.captures(range).ok_or(())?;
    let g = |i: usize| r.get(i).map(|m| m.as_str());
    let (h1, m1, ap1, h2, m2, ap2) = (&r[1], g(2), g(3), &r[4], g(5), g(6));
    // "9-5" could be anything: times need am/pm or minutes.
    if ap1.is_none()
        && ap2.is_none()
        && h2.parse::<u32>().map_err(|_| ())? <= 12
        && !range.contains([':', '.'])
    {
        return Err(());
    }
    // "12.00-7.30pm": an unmarked opening time takes the closing time's am/pm unless that
    // would put it after the closing time ("10-4pm" is 10am to 4pm).
    let mut opens = parse_time(h1, m1, ap1.or(ap2))?;
    let closes = parse_time(h2, m2, ap2.or(ap1))?;
    if ap1.is_none() && opens > closes {
        opens = parse_time(h1, m1, Some("am"))?;
    }
    // Overnight or empty ranges are not read from free text.
    if opens >= closes || days_text.is_empty() {
        return Err(());
    }
    Ok(Rule {
        days: parse_days(days_text)?,
        opens,
        closes,
    })
}

fn is_days(text: &str) -> bool {
    parse_days(text).is_ok()
}

fn is_times(text: &str) -> bool {
    RANGE.is_match(text.trim())
}

fn has_both(text: &str) -> bool {
    !is_days(text) && !is_times(text)
}

/// Free-text hours as weekly rules, or `None` when the text is unclear. Remarks in
/// brackets are dropped (unless they mention days or times); one leading channel word is
/// allowed when the text names no other channel.
pub fn parse(text: &str) -> Option<Vec<Rule>> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    // A remark about times or days may change the hours ("12pm-5pm on the first Wednesday").
    if REMARK.captures_iter(&t).any(|c| TIMELY.is_match(&c[1])) {
        return None;
    }
    let t = REMARK.replace_all(&t, " ");
    let t = SPACES.replace_all(&t, " ");
    let t = t.trim_matches([' ', ',', ';']).to_string();
    if CHANNELS.find_iter(&t).count() > 1 {
        return None;
    }
    let t = CHANNEL.replace(&t, "").into_owned();
    let t = t
        .replace("24 hours, 365 days", "24/7")
        .replace("24 hours a day, every day", "24/7")
        .replace("24 hours a day, 365 days a year", "24/7");
    let t = ALL_YEAR.replace(&t, "24/7").into_owned();
    let t = match TRAILING_EVERY_DAY.captures(&t) {
        Some(c) if !ROUND_THE_CLOCK.is_match(&c[1]) => format!("{} {}", &c[1], &c[2]),
        _ => t,
    };
    // Long forms as the short ones: "Monday to Friday" is "monday-friday", "from 9am to
    // 5pm" and "between 9am and 5pm" are "9am-5pm", "Friday: 9am" is "friday 9am", "on
    // Fridays" is "fridays".
    let mut t = t;
    for (pattern, with) in LONG_FORMS.iter() {
        t = pattern.replace_all(&t, *with).into_owned();
    }

    // A clause of days alone next to a clause of times alone ("Monday-Friday, 9am-5pm",
    // "8am-5.15pm, Monday-Thursday") is one rule.
    let mut merged: Vec<String> = Vec::new();
    for part in CLAUSES.split(&t).filter(|p| !p.is_empty()) {
        match merged.last_mut() {
            Some(last)
                if is_days(last) != is_days(part)
                    && (is_times(last) || is_times(part))
                    && !(has_both(last) || has_both(part)) =>
            {
                last.push(' ');
                last.push_str(part);
            }
            _ => merged.push(part.to_string()),
        }
    }
    merged
        .iter()
        .map(|s| parse_segment(s))
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Option<Vec<(String, String, String)>> {
        parse(text).map(|rs| {
            rs.into_iter()
                .map(|r| {
                    let days: Vec<&str> = r.days.iter().map(|&d| DAYS[d]).collect();
                    (days.join(","), r.opens, r.closes)
                })
                .collect()
        })
    }

    fn one(days: &str, opens: &str, closes: &str) -> Option<Vec<(String, String, String)>> {
        Some(vec![(days.into(), opens.into(), closes.into())])
    }

    #[test]
    fn clear_texts_become_rules() {
        assert_eq!(rules("24/7"), one("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"));
        assert_eq!(
            rules("Mon-Fri 10am-4pm"),
            one("MO,TU,WE,TH,FR", "10:00", "16:00")
        );
        assert_eq!(
            rules("Monday to Friday, 9am to 5pm"),
            one("MO,TU,WE,TH,FR", "09:00", "17:00")
        );
        assert_eq!(
            rules("Monday to Thursday: 8.45am to 5pm; Friday: 8.45am to 4.45pm"),
            Some(vec![
                ("MO,TU,WE,TH".into(), "08:45".into(), "17:00".into()),
                ("FR".into(), "08:45".into(), "16:45".into())
            ])
        );
        assert_eq!(
            rules("Helpline 10-4pm weekdays"),
            one("MO,TU,WE,TH,FR", "10:00", "16:00")
        );
    }

    #[test]
    fn unclear_texts_are_not_guessed() {
        for text in [
            "Office hours",
            "9-5 Mon-Fri",
            "Mon-Fri 6pm-8am",
            "Phone 9am-5pm, live chat 10am-2pm Mon-Fri",
            "12pm-5pm (and 10am-1pm on the first Wednesday)",
            "Fri-Mon 9am-5pm",
            "",
        ] {
            assert_eq!(rules(text), None, "{text}");
        }
    }
}
