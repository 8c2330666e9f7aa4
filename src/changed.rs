//! Phone numbers an update changed: recorded when a feed is applied, and said on the
//! service for [`NOTICE_DAYS`] days ("Phone number changed on 3 Dec 2026"), so someone
//! who remembered the old number knows why the one shown differs. A number changed by a
//! directory dated ahead of the clock (see [`crate::rollback`]) is not called the new one
//! until that date has come: it is said to be checked first.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use crate::feed::diff::FeedDiff;
use crate::index::PhoneChanges;

/// How long a changed number is pointed out.
pub const NOTICE_DAYS: i64 = 30;

/// The changes to keep with a new generation: services whose numbers `diff` changed or on
/// which a number appeared (listed or written in text, see
/// [`FeedDiff::services_with_new_numbers`]), dated `today`, and earlier changes still
/// within [`NOTICE_DAYS`] for services still there.
pub fn record(
    previous: &PhoneChanges,
    diff: &FeedDiff,
    still_there: impl Fn(&str) -> bool,
    today: Date,
) -> PhoneChanges {
    let mut out: PhoneChanges = previous
        .iter()
        .filter(|(id, day)| still_there(id) && is_recent(day, today))
        .map(|(id, day)| (id.clone(), day.clone()))
        .collect();
    for id in diff.services_with_new_numbers() {
        out.insert(id.to_string(), today.to_string());
    }
    out
}

/// What a service says about a recent change of its numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Short, beside the result: "Phone number changed on 3 Dec 2026".
    pub tag: String,
    /// A sentence above the numbers in the details.
    pub callout: String,
}

/// The notice for service `id` at `at`, when its numbers changed recently, in a directory
/// whose feed is dated `directory_date`.
pub fn notice(
    changes: &PhoneChanges,
    id: &str,
    at: Timestamp,
    directory_date: Option<Timestamp>,
) -> Option<Notice> {
    let recorded = changes.get(id)?;
    let day: Date = recorded.parse().ok()?;
    let london = |t: Timestamp| t.to_zoned(crate::hours::london().clone()).date();
    let shown = day.strftime("%-d %b %Y");
    // Against this computer's clock, not the moment asked about: a search "as at" a later
    // time must not call a number from a directory dated ahead the new one.
    let ahead = directory_date.filter(|d| crate::rollback::dated_ahead(*d, Timestamp::now()));
    if ahead.is_some_and(|d| london(d) == day) {
        return Some(Notice {
            tag: "Phone number changed by an update dated ahead of the clock".into(),
            callout: format!("Phone number changed by an update dated {shown}, ahead of this computer's clock: check the number below with the service before giving it out."),
        });
    }
    is_recent(recorded, london(at)).then(|| Notice {
        tag: format!("Phone number changed on {shown}"),
        callout: format!("Phone number changed on {shown}: the number below is the new one."),
    })
}

fn is_recent(day: &str, today: Date) -> bool {
    day.parse::<Date>()
        .is_ok_and(|d| d <= today && today <= d.saturating_add(NOTICE_DAYS.days()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::diff::{Change, Changed};
    use jiff::civil::date;

    fn changed(id: &str, field: &'static str) -> Changed {
        Changed {
            id: id.into(),
            name: id.into(),
            changes: vec![Change {
                field,
                before: "a".into(),
                after: "b".into(),
            }],
        }
    }

    #[test]
    fn a_changed_number_is_said_for_thirty_days() {
        let diff = FeedDiff {
            changed: vec![changed("a", "phones"), changed("b", "website")],
            ..Default::default()
        };
        let day = date(2026, 12, 3);
        let c = record(&PhoneChanges::new(), &diff, |_| true, day);
        assert_eq!(c.len(), 1, "a website change is not a number change");
        let noon = |d: Date| {
            d.at(12, 0, 0, 0)
                .in_tz("Europe/London")
                .unwrap()
                .timestamp()
        };
        let n = notice(&c, "a", noon(day), Some(noon(day))).unwrap();
        assert_eq!(n.tag, "Phone number changed on 3 Dec 2026");
        assert!(
            n.callout.ends_with("the number below is the new one."),
            "{n:?}"
        );
        assert!(notice(&c, "a", noon(date(2027, 1, 2)), None).is_some());
        assert!(notice(&c, "a", noon(date(2027, 1, 3)), None).is_none());
        // Changed by a directory dated ahead of this computer's clock: not called new,
        // whatever moment is asked about, until its date.
        let now = Timestamp::now();
        let dated = now + jiff::SignedDuration::from_hours(20);
        let london = |t: Timestamp| t.to_zoned(crate::hours::london().clone()).date();
        let ahead = record(&PhoneChanges::new(), &diff, |_| true, london(dated));
        for asked in [now, dated] {
            let n = notice(&ahead, "a", asked, Some(dated)).unwrap();
            assert!(n.tag.contains("dated ahead"), "{n:?}");
            let c = &n.callout;
            assert!(!c.contains("new one") && c.contains("check"), "{n:?}");
        }
        // A directory whose date has come: the new one.
        let past = now - jiff::SignedDuration::from_hours(1);
        let came = record(&PhoneChanges::new(), &diff, |_| true, london(past));
        let n = notice(&came, "a", now, Some(past)).unwrap();
        assert!(
            n.callout.ends_with("the number below is the new one."),
            "{n:?}"
        );
        // A later update keeps a recent change, drops an old one or a removed service's.
        let later = record(&c, &FeedDiff::default(), |_| true, date(2026, 12, 20));
        assert_eq!(later, c);
        assert!(record(&c, &FeedDiff::default(), |_| true, date(2027, 2, 1)).is_empty());
        assert!(record(&c, &FeedDiff::default(), |id| id != "a", day).is_empty());
    }
}
