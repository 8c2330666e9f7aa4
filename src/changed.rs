//! Phone numbers an update changed: recorded when a feed is applied, and said on the
//! service for [`NOTICE_DAYS`] days ("Phone number changed on 3 Dec 2026"), so someone
//! who remembered the old number knows why the one shown differs.

use jiff::civil::Date;
use jiff::ToSpan;

use crate::feed::diff::FeedDiff;
use crate::index::PhoneChanges;

/// How long a changed number is pointed out.
pub const NOTICE_DAYS: i64 = 30;

/// The changes to keep with a new generation: services whose numbers `diff` changed, dated
/// `today`, and earlier changes still within [`NOTICE_DAYS`] for services still there.
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
    for c in diff.changed.iter().filter(|c| c.numbers_changed()) {
        out.insert(c.id.clone(), today.to_string());
    }
    out
}

/// "Phone number changed on 3 Dec 2026", while the change is recent on `today`.
pub fn notice(changes: &PhoneChanges, id: &str, today: Date) -> Option<String> {
    let day = changes.get(id)?;
    is_recent(day, today).then(|| {
        let d: Date = day.parse().expect("checked by is_recent");
        format!("Phone number changed on {}", d.strftime("%-d %b %Y"))
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
        assert_eq!(
            notice(&c, "a", day).as_deref(),
            Some("Phone number changed on 3 Dec 2026")
        );
        assert!(notice(&c, "a", date(2027, 1, 2)).is_some());
        assert!(notice(&c, "a", date(2027, 1, 3)).is_none());
        // A later update keeps a recent change, drops an old one or a removed service's.
        let later = record(&c, &FeedDiff::default(), |_| true, date(2026, 12, 20));
        assert_eq!(later, c);
        assert!(record(&c, &FeedDiff::default(), |_| true, date(2027, 2, 1)).is_empty());
        assert!(record(&c, &FeedDiff::default(), |id| id != "a", day).is_empty());
    }
}
