//! Opening hours: HSDS schedules → "open now until …", "closed, opens …", or
//! "hours unknown", evaluated in Europe/London wall-clock time so a 09:00 opening stays
//! 09:00 across the clock changes. No schedule never means closed.

use std::sync::OnceLock;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use serde::Serialize;

use crate::model::Schedule;

/// The time zone every schedule is written in.
/// A moment as London's clocks show it, formatted (`strftime` style): "21 Nov 2026".
pub fn in_london(t: jiff::Timestamp, format: &str) -> String {
    t.to_zoned(london().clone()).strftime(format).to_string()
}

/// Europe/London, from the bundled time-zone database.
pub fn london() -> &'static TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    TZ.get_or_init(|| {
        TimeZone::get("Europe/London").expect("the bundled tz database has Europe/London")
    })
}

/// Whether a service is open at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OpenState {
    /// Open; `until` is when it next closes, `None` when it never closes (24/7).
    Open {
        /// When it next closes.
        until: Option<Timestamp>,
    },
    /// Closed; `opens` is the next opening, `None` when no opening is scheduled.
    Closed {
        /// When it next opens.
        opens: Option<Timestamp>,
    },
    /// No readable schedule: say so, never "closed".
    Unknown,
}

impl OpenState {
    /// True when open now.
    pub fn is_open(&self) -> bool {
        matches!(self, OpenState::Open { .. })
    }

    /// Plain words, with times in London time: "open now until 17:00",
    /// "closed, opens Mon 09:00", "open 24 hours", "hours unknown".
    pub fn describe(&self, now: Timestamp) -> String {
        let local = |t: Timestamp| {
            let z = t.to_zoned(london().clone());
            let today = now.to_zoned(london().clone()).date();
            if z.date() == today {
                z.strftime("%H:%M").to_string()
            } else if Some(z.date()) == today.tomorrow().ok() {
                z.strftime("tomorrow %H:%M").to_string()
            } else {
                z.strftime("%a %-d %b %H:%M").to_string()
            }
        };
        match self {
            OpenState::Open { until: None } => "open 24 hours".into(),
            OpenState::Open { until: Some(t) } => format!("open now until {}", local(*t)),
            OpenState::Closed { opens: Some(t) } => format!("closed, opens {}", local(*t)),
            OpenState::Closed { opens: None } => "closed".into(),
            OpenState::Unknown => "hours unknown".into(),
        }
    }
}

/// Why a schedule cannot be read: it describes impossible hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursError(pub String);

impl WeeklyRule {
    fn applies(&self, day: Date, weekday: usize) -> bool {
        self.days[weekday]
            && self.valid_from.is_none_or(|f| day >= f)
            && self.valid_to.is_none_or(|t| day <= t)
    }
}

#[derive(Debug, Clone, PartialEq)]
struct WeeklyRule {
    /// Monday first.
    days: [bool; 7],
    opens: Time,
    /// `None` means midnight at the end of the day (a published 23:59 or 24:00).
    closes: Option<Time>,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
}

/// Readable opening hours built from a list of schedules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hours {
    rules: Vec<WeeklyRule>,
}

impl Hours {
    /// Read schedules. Schedules with no rule (text only, or a frequency Signpost does not
    /// evaluate) add nothing; a rule that cannot be true is an error.
    pub fn from_schedules(schedules: &[Schedule]) -> Result<Hours, HoursError> {
        let mut rules = Vec::new();
        for s in schedules {
            if let Some(rule) = read_rule(s)? {
                rules.push(rule);
            }
        }
        Ok(Hours { rules })
    }

    /// True when no rule could be read: the hours are unknown.
    pub fn is_unknown(&self) -> bool {
        self.rules.is_empty()
    }

    /// Open at this London wall-clock moment? `None` when the hours are unknown. Cheap:
    /// search calls it for every candidate when filtering on "open now".
    pub fn open_at_local(&self, local: DateTime) -> Option<bool> {
        if self.rules.is_empty() {
            return None;
        }
        let (date, time) = (local.date(), local.time());
        let today = date.weekday().to_monday_zero_offset() as usize;
        let yesterday_date = date.yesterday().ok();
        let yesterday = (today + 6) % 7;
        let open = self.rules.iter().any(|r| {
            let today_open = r.applies(date, today)
                && time >= r.opens
                && match r.closes {
                    Some(c) if c > r.opens => time < c,
                    _ => true,
                };
            let from_yesterday = yesterday_date.is_some_and(|y| r.applies(y, yesterday))
                && matches!(r.closes, Some(c) if c < r.opens && time < c);
            today_open || from_yesterday
        });
        Some(open)
    }

    /// The state at `at`.
    pub fn state_at(&self, at: Timestamp) -> OpenState {
        if self.rules.is_empty() {
            return OpenState::Unknown;
        }
        if self.always_open() {
            return OpenState::Open { until: None };
        }
        let tz = london();
        let today = at.to_zoned(tz.clone()).date();
        let horizon = at
            .checked_add(jiff::SignedDuration::from_hours(7 * 24))
            .unwrap_or(at);
        // Walk the openings in time order from yesterday (hours past midnight), merging
        // touching ones, and stop at the first run that holds `at` or starts after it.
        let mut run: Option<(Timestamp, Timestamp)> = None;
        let settle = |(s, e): (Timestamp, Timestamp)| -> Option<OpenState> {
            if s <= at && at < e {
                Some(OpenState::Open {
                    until: (e < horizon).then_some(e),
                })
            } else if s > at {
                Some(OpenState::Closed { opens: Some(s) })
            } else {
                None
            }
        };
        for offset in -1..=8i64 {
            let Ok(day) = today.checked_add(offset.days()) else {
                continue;
            };
            let day_openings = self.openings_on(day, tz);
            for (s, e) in day_openings {
                match run.as_mut() {
                    Some(current) if s <= current.1 => current.1 = current.1.max(e),
                    _ => {
                        if let Some(state) = run.and_then(settle) {
                            return state;
                        }
                        run = Some((s, e));
                    }
                }
            }
            // Past the horizon nothing more can change the answer.
            if run.is_some_and(|(_, e)| e >= horizon) {
                break;
            }
        }
        run.and_then(settle)
            .unwrap_or(OpenState::Closed { opens: None })
    }

    /// The openings that start on `day`, as instants in time order: a closing time before
    /// the opening runs past midnight, none at all runs to the next midnight.
    fn openings_on(&self, day: Date, tz: &TimeZone) -> Vec<(Timestamp, Timestamp)> {
        let weekday = day.weekday().to_monday_zero_offset() as usize;
        let mut openings: Vec<(Timestamp, Timestamp)> = self
            .rules
            .iter()
            .filter(|r| r.applies(day, weekday))
            .map(|r| {
                let end = match r.closes {
                    Some(c) if c > r.opens => day.to_datetime(c),
                    Some(c) => day
                        .tomorrow()
                        .map(|d| d.to_datetime(c))
                        .unwrap_or(DateTime::MAX),
                    None => day
                        .tomorrow()
                        .map(|d| d.to_datetime(Time::midnight()))
                        .unwrap_or(DateTime::MAX),
                };
                (
                    local_instant(day.to_datetime(r.opens), tz),
                    local_instant(end, tz),
                )
            })
            .filter(|(s, e)| e > s)
            .collect();
        openings.sort();
        openings
    }

    /// Every day, midnight to midnight, with no end date: 24/7.
    fn always_open(&self) -> bool {
        (0..7).all(|d| {
            self.rules.iter().any(|r| {
                r.days[d]
                    && r.opens == Time::midnight()
                    && r.closes.is_none()
                    && r.valid_from.is_none()
                    && r.valid_to.is_none()
            })
        })
    }
}

/// A wall-clock time in London as an instant. A time that does not exist (inside the
/// spring-forward gap) moves forward; an ambiguous one (autumn) takes the earlier.
fn local_instant(dt: DateTime, tz: &TimeZone) -> Timestamp {
    tz.to_ambiguous_timestamp(dt)
        .compatible()
        .unwrap_or(Timestamp::MAX)
}

fn read_rule(s: &Schedule) -> Result<Option<WeeklyRule>, HoursError> {
    let freq = s.freq.as_deref().map(str::to_ascii_uppercase);
    let has_rule = s.byday.is_some() || s.opens_at.is_some() || s.closes_at.is_some();
    if !has_rule {
        return Ok(None);
    }
    let days = match (freq.as_deref(), s.byday.as_deref()) {
        (Some("DAILY"), _) | (None | Some("WEEKLY"), None) if s.byday.is_none() => [true; 7],
        (None | Some("WEEKLY"), Some(byday)) => parse_days(byday)?,
        // Monthly and other frequencies are shown as text; "open now" says unknown.
        _ => return Ok(None),
    };
    let opens = s
        .opens_at
        .as_deref()
        .ok_or_else(|| HoursError("a schedule has days but no opening time".into()))?;
    let closes = s
        .closes_at
        .as_deref()
        .ok_or_else(|| HoursError("a schedule has days but no closing time".into()))?;
    let opens = parse_time(opens)?
        .ok_or_else(|| HoursError("opening time 24:00 is not a time of day".into()))?;
    let closes = parse_time(closes)?;
    let closes = match closes {
        Some(c) if c == Time::constant(23, 59, 0, 0) => None,
        other => other,
    };
    if closes == Some(opens) {
        return Err(HoursError(format!(
            "opens and closes at the same time ({})",
            opens.strftime("%H:%M")
        )));
    }
    let valid_from = s.valid_from.as_deref().map(parse_date).transpose()?;
    let valid_to = s.valid_to.as_deref().map(parse_date).transpose()?;
    if let (Some(f), Some(t)) = (valid_from, valid_to) {
        if t < f {
            return Err(HoursError(format!("valid_to {t} is before valid_from {f}")));
        }
    }
    Ok(Some(WeeklyRule {
        days,
        opens,
        closes,
        valid_from,
        valid_to,
    }))
}

fn parse_days(byday: &str) -> Result<[bool; 7], HoursError> {
    let mut days = [false; 7];
    for code in byday.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let i = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            .iter()
            .position(|d| d.eq_ignore_ascii_case(code))
            .ok_or_else(|| {
                HoursError(format!(
                    "\"{code}\" is not a day (use MO, TU, WE, TH, FR, SA, SU)"
                ))
            })?;
        days[i] = true;
    }
    if days == [false; 7] {
        return Err(HoursError("a schedule names no days".into()));
    }
    Ok(days)
}

/// "HH:MM" or "HH:MM:SS"; "24:00" is the end of the day (`None`).
fn parse_time(s: &str) -> Result<Option<Time>, HoursError> {
    let bad = || {
        HoursError(format!(
            "\"{s}\" is not a time of day (use HH:MM, 00:00 to 23:59)"
        ))
    };
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let n = |i: usize| {
        parts
            .get(i)
            .map(|p| p.parse::<i8>().unwrap_or(99))
            .unwrap_or(0)
    };
    let (h, m, sec) = (n(0), n(1), n(2));
    if h == 24 && m == 0 && sec == 0 {
        return Ok(None);
    }
    Time::new(h, m, sec, 0).map(Some).map_err(|_| bad())
}

fn parse_date(s: &str) -> Result<Date, HoursError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| HoursError(format!("\"{s}\" is not a date (use YYYY-MM-DD)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(byday: &str, opens: &str, closes: &str) -> Schedule {
        Schedule {
            freq: Some("WEEKLY".into()),
            byday: Some(byday.into()),
            opens_at: Some(opens.into()),
            closes_at: Some(closes.into()),
            ..Default::default()
        }
    }

    fn hours(rules: &[Schedule]) -> Hours {
        Hours::from_schedules(rules).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const WEEKDAYS: &str = "MO,TU,WE,TH,FR";
    const EVERY_DAY: &str = "MO,TU,WE,TH,FR,SA,SU";

    #[test]
    fn weekday_office_hours_in_winter() {
        let h = hours(&[rule(WEEKDAYS, "09:00", "17:00")]);
        // Tue 24 Nov 2026, GMT (UTC+0).
        assert_eq!(
            h.state_at(ts("2026-11-24T10:00:00Z")),
            OpenState::Open {
                until: Some(ts("2026-11-24T17:00:00Z"))
            }
        );
        assert_eq!(
            h.state_at(ts("2026-11-24T08:59:00Z")),
            OpenState::Closed {
                opens: Some(ts("2026-11-24T09:00:00Z"))
            }
        );
        // Friday evening: next opening is Monday.
        assert_eq!(
            h.state_at(ts("2026-11-27T18:00:00Z")),
            OpenState::Closed {
                opens: Some(ts("2026-11-30T09:00:00Z"))
            }
        );
    }

    #[test]
    fn london_time_in_summer_is_utc_plus_one() {
        let h = hours(&[rule(WEEKDAYS, "09:00", "17:00")]);
        // Wed 1 Jul 2026 08:30 UTC is 09:30 BST: open.
        assert!(h.state_at(ts("2026-07-01T08:30:00Z")).is_open());
        // 16:30 UTC is 17:30 BST: closed.
        assert!(!h.state_at(ts("2026-07-01T16:30:00Z")).is_open());
    }

    #[test]
    fn spring_forward_last_sunday_of_march() {
        // Clocks go forward at 01:00 UTC on Sun 29 Mar 2026.
        let h = hours(&[rule(EVERY_DAY, "09:00", "17:00")]);
        // 08:30 UTC is 09:30 BST: open (a naive UTC reading would say closed).
        assert_eq!(
            h.state_at(ts("2026-03-29T08:30:00Z")),
            OpenState::Open {
                until: Some(ts("2026-03-29T16:00:00Z"))
            }
        );
        // The day before, 08:30 UTC is 08:30 GMT: closed, opening at 09:00 GMT.
        assert_eq!(
            h.state_at(ts("2026-03-28T08:30:00Z")),
            OpenState::Closed {
                opens: Some(ts("2026-03-28T09:00:00Z"))
            }
        );
        // Saturday night: the next opening is Sunday 09:00 BST = 08:00 UTC.
        assert_eq!(
            h.state_at(ts("2026-03-28T20:00:00Z")),
            OpenState::Closed {
                opens: Some(ts("2026-03-29T08:00:00Z"))
            }
        );
    }

    #[test]
    fn fall_back_last_sunday_of_october() {
        // Clocks go back at 01:00 UTC on Sun 25 Oct 2026.
        let h = hours(&[rule(EVERY_DAY, "09:00", "17:00")]);
        // 08:30 UTC is 08:30 GMT: closed (it was open at 08:30 UTC the day before, in BST).
        assert!(h.state_at(ts("2026-10-24T08:30:00Z")).is_open());
        assert_eq!(
            h.state_at(ts("2026-10-25T08:30:00Z")),
            OpenState::Closed {
                opens: Some(ts("2026-10-25T09:00:00Z"))
            }
        );
        // 16:30 UTC is 16:30 GMT: still open until 17:00 GMT.
        assert_eq!(
            h.state_at(ts("2026-10-25T16:30:00Z")),
            OpenState::Open {
                until: Some(ts("2026-10-25T17:00:00Z"))
            }
        );
    }

    #[test]
    fn overnight_hours_cross_midnight_and_the_clock_change() {
        // An evening line 18:00–02:00 every day.
        let h = hours(&[rule(EVERY_DAY, "18:00", "02:00")]);
        assert!(h.state_at(ts("2026-11-24T01:00:00Z")).is_open());
        assert!(!h.state_at(ts("2026-11-24T03:00:00Z")).is_open());
        // Night of 28–29 Mar: 01:00–02:00 does not exist, so it closes at 02:00 BST = 01:00 UTC.
        assert_eq!(
            h.state_at(ts("2026-03-29T00:30:00Z")),
            OpenState::Open {
                until: Some(ts("2026-03-29T01:00:00Z"))
            }
        );
    }

    #[test]
    fn twenty_four_seven_never_closes_even_at_the_clock_changes() {
        let h = hours(&[rule(EVERY_DAY, "00:00", "23:59")]);
        for t in [
            "2026-03-29T00:59:30Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:30:00Z",
            "2026-11-24T23:59:30Z",
        ] {
            assert_eq!(h.state_at(ts(t)), OpenState::Open { until: None }, "{t}");
        }
    }

    #[test]
    fn no_schedule_is_unknown_not_closed() {
        let h = hours(&[]);
        assert_eq!(h.state_at(ts("2026-11-24T10:00:00Z")), OpenState::Unknown);
        let text_only = Schedule {
            description: Some("Office hours".into()),
            ..Default::default()
        };
        assert!(hours(&[text_only]).is_unknown());
    }

    #[test]
    fn split_days_and_valid_dates() {
        let mut fri = rule("FR", "10:00", "16:30");
        fri.valid_to = Some("2026-12-31".into());
        let h = hours(&[rule("MO,TU,WE,TH", "10:00", "20:30"), fri]);
        // Fri 27 Nov 2026 17:00 GMT: closed (Friday closes 16:30), next Monday 10:00.
        assert_eq!(
            h.state_at(ts("2026-11-27T17:00:00Z")),
            OpenState::Closed {
                opens: Some(ts("2026-11-30T10:00:00Z"))
            }
        );
        // Fri 8 Jan 2027: the Friday rule has expired.
        assert_eq!(
            h.state_at(ts("2027-01-08T11:00:00Z")),
            OpenState::Closed {
                opens: Some(ts("2027-01-11T10:00:00Z"))
            }
        );
    }

    #[test]
    fn impossible_hours_are_errors() {
        for s in [
            rule("MO", "25:00", "17:00"),
            rule("MO", "09:00", "17:60"),
            rule("XX", "09:00", "17:00"),
            rule("MO", "9am", "5pm"),
            rule("MO", "09:00", "09:00"),
            Schedule {
                byday: Some("MO".into()),
                opens_at: Some("09:00".into()),
                ..Default::default()
            },
        ] {
            assert!(
                Hours::from_schedules(std::slice::from_ref(&s)).is_err(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn wall_clock_check_agrees_with_the_full_evaluation() {
        let h = hours(&[
            rule(WEEKDAYS, "09:00", "17:00"),
            rule("SA,SU", "22:00", "03:00"),
        ]);
        let mut t = ts("2026-03-26T00:00:00Z");
        // Every 20 minutes for five weeks around the spring clock change.
        for _ in 0..(5 * 7 * 72) {
            let local = t.to_zoned(london().clone()).datetime();
            assert_eq!(h.open_at_local(local), Some(h.state_at(t).is_open()), "{t}");
            t = t.checked_add(jiff::SignedDuration::from_mins(20)).unwrap();
        }
        assert_eq!(hours(&[]).open_at_local(local_dt("2026-11-24T10:00")), None);
    }

    fn local_dt(s: &str) -> DateTime {
        s.parse().unwrap()
    }

    #[test]
    fn describes_states_in_plain_words() {
        let now = ts("2026-11-24T10:00:00Z");
        let h = hours(&[rule(WEEKDAYS, "09:00", "17:00")]);
        assert_eq!(h.state_at(now).describe(now), "open now until 17:00");
        assert_eq!(
            OpenState::Open { until: None }.describe(now),
            "open 24 hours"
        );
        assert_eq!(OpenState::Unknown.describe(now), "hours unknown");
        let fri_night = ts("2026-11-27T19:00:00Z");
        assert_eq!(
            h.state_at(fri_night).describe(fri_night),
            "closed, opens Mon 30 Nov 09:00"
        );
    }
}
