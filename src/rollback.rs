//! Rollback protection that a feed dated ahead cannot pin.
//!
//! A feed must be newer than the newest directory its publisher's key signed, so an old
//! signed feed cannot be replayed. But a feed dated ahead of the clock (inside the leeway
//! honest clocks need) would then refuse everything the publisher builds until that date:
//! with a stolen key, an attacker's number would stay for up to a day. So:
//! - a directory whose feed was dated more than [`DATED_AHEAD`] after this computer applied
//!   it stands, until its date comes, only as of the moment it was applied: a feed the
//!   publisher builds after that supersedes it at once;
//! - the feed it supersedes is withdrawn: its digest is recorded, carried forward in every
//!   later directory, and the same bytes are refused if served again (they would otherwise
//!   be newer than the fix). Feeds dated ahead are remembered ([`AheadFeed`]) until their
//!   date comes, so one whose directory was already cleaned away is withdrawn too;
//! - a feed whose directory is kept, but not in use, is refused (an exact replay), whatever
//!   the clocks say.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::index::Kept;

/// How far a feed's date may run ahead of the moment it is applied before the directory
/// counts as dated ahead (a publisher's clock a few minutes fast is not).
pub const DATED_AHEAD: SignedDuration = SignedDuration::from_mins(10);

/// A feed that was dated ahead when it was applied, remembered until its date comes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AheadFeed {
    /// Its digest.
    pub digest: String,
    /// Its date.
    pub generated_at: Timestamp,
    /// The key that signed it.
    pub signed_by: Option<String>,
}

/// sha256 of a feed's bytes, in hex: what a withdrawal names.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a feed dated `generated_at` was dated ahead of the clock when applied at
/// `applied_at`.
pub fn dated_ahead(generated_at: Timestamp, applied_at: Timestamp) -> bool {
    generated_at > applied_at.saturating_add(DATED_AHEAD).unwrap_or(applied_at)
}

/// Digests of every feed withdrawn, as the directories in `kept` recorded them.
pub fn withdrawn(kept: &[Kept]) -> HashSet<&str> {
    kept.iter()
        .flat_map(|k| k.withdrawn.iter().map(String::as_str))
        .collect()
}

/// Whether `k`'s feed was withdrawn according to `withdrawn`.
pub fn is_withdrawn(k: &Kept, withdrawn: &HashSet<&str>) -> bool {
    k.digest.as_deref().is_some_and(|d| withdrawn.contains(d))
}

/// The date a directory stands as at `now`: its feed's date, except that one dated ahead
/// stands as of when it was applied until its date has come.
fn stands_as(k: &Kept, now: Timestamp) -> Option<Timestamp> {
    let date = k.generated_at?;
    match k.applied_at {
        Some(applied) if dated_ahead(date, applied) && now < date => Some(applied),
        _ => Some(date),
    }
}

/// The date a new feed signed by `signer` must be newer than at `now`: the latest any of
/// `signer`'s directories in `kept` stands as, withdrawn ones left out, and those dated
/// beyond the clock leeway (applied by an older version, or before the clock was put
/// back) too: they would block every correctly dated feed.
pub fn floor(kept: &[Kept], signer: Option<&str>, now: Timestamp) -> Option<Timestamp> {
    let withdrawn = withdrawn(kept);
    let horizon = crate::directory::horizon(now);
    kept.iter()
        .filter(|k| k.signed_by.as_deref() == signer && !is_withdrawn(k, &withdrawn))
        .filter(|k| k.generated_at.is_some_and(|d| d <= horizon))
        .filter_map(|k| stands_as(k, now))
        .max()
}

/// Whether `digest` is the feed of one of `signer`'s kept directories other than the one
/// named `in_use`: the same bytes served again, which are never newer.
pub fn is_replay(kept: &[Kept], signer: Option<&str>, digest: &str, in_use: &str) -> bool {
    kept.iter().any(|k| {
        k.name != in_use && k.signed_by.as_deref() == signer && k.digest.as_deref() == Some(digest)
    })
}

/// Feeds dated ahead, as `kept` remembers them (their own directories and those they
/// listed), whose date has not come at `now`.
fn still_ahead(kept: &[Kept], now: Timestamp) -> Vec<AheadFeed> {
    let mut out: Vec<AheadFeed> = Vec::new();
    let own = kept.iter().filter_map(|k| {
        let (date, applied, digest) = (k.generated_at?, k.applied_at?, k.digest.clone()?);
        dated_ahead(date, applied).then(|| AheadFeed {
            digest,
            generated_at: date,
            signed_by: k.signed_by.clone(),
        })
    });
    let listed = kept.iter().flat_map(|k| k.ahead.iter().cloned());
    for a in own.chain(listed) {
        if a.generated_at > now && !out.iter().any(|x| x.digest == a.digest) {
            out.push(a);
        }
    }
    out
}

/// What a new directory records when it is applied at `now` from a feed signed by
/// `signer`, dated `date`, with digest `digest`: the withdrawn digests (those recorded
/// already, and every feed of `signer`'s still dated ahead and dated after this one — it
/// supersedes them), and the feeds still dated ahead (this one too, if it is).
pub fn after_applying(
    kept: &[Kept],
    signer: Option<&str>,
    digest: &str,
    date: Timestamp,
    now: Timestamp,
) -> (Vec<String>, Vec<AheadFeed>) {
    let mut withdrawn: Vec<String> = Vec::new();
    for d in kept.iter().flat_map(|k| k.withdrawn.iter()) {
        if !withdrawn.contains(d) {
            withdrawn.push(d.clone());
        }
    }
    let mut ahead = Vec::new();
    for a in still_ahead(kept, now) {
        if a.signed_by.as_deref() == signer && a.generated_at > date {
            if !withdrawn.contains(&a.digest) {
                withdrawn.push(a.digest);
            }
        } else if !withdrawn.contains(&a.digest) {
            ahead.push(a);
        }
    }
    if dated_ahead(date, now) {
        ahead.push(AheadFeed {
            digest: digest.to_string(),
            generated_at: date,
            signed_by: signer.map(String::from),
        });
    }
    (withdrawn, ahead)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn gen(name: &str, date: &str, applied: &str, digest: &str) -> Kept {
        Kept {
            name: name.into(),
            generated_at: Some(at(date)),
            signed_by: Some("key".into()),
            applied_at: Some(at(applied)),
            digest: Some(digest.into()),
            withdrawn: Vec::new(),
            ahead: Vec::new(),
        }
    }

    #[test]
    fn a_feed_dated_ahead_stands_as_of_its_applying_until_its_date_and_can_be_withdrawn() {
        let honest = gen("gen-1", "2026-12-07T09:00:00Z", "2026-12-07T09:01:00Z", "h");
        // Dated 23 hours after it arrived.
        let ahead = gen("gen-2", "2026-12-08T09:00:00Z", "2026-12-07T10:00:00Z", "a");
        let kept = vec![honest.clone(), ahead.clone()];
        let key = Some("key");
        let noon = at("2026-12-07T12:00:00Z");
        assert_eq!(floor(&kept, key, noon), Some(at("2026-12-07T10:00:00Z")));
        // Once its date has come it stands as that date.
        let next_day = at("2026-12-08T10:00:00Z");
        assert_eq!(
            floor(&kept, key, next_day),
            Some(at("2026-12-08T09:00:00Z"))
        );
        // A fix built at noon supersedes it and withdraws it.
        let (withdrawn, still) = after_applying(&kept, key, "f", noon, noon);
        assert_eq!(withdrawn, ["a"]);
        assert!(still.is_empty());
        let mut fix = gen("gen-3", "2026-12-07T12:00:00Z", "2026-12-07T12:00:30Z", "f");
        fix.withdrawn = withdrawn;
        // Its directory cleaned away, the feed dated ahead is still withdrawn: an earlier
        // directory remembered it.
        let mut remembered = gen(
            "gen-2b",
            "2026-12-07T10:30:00Z",
            "2026-12-07T10:30:00Z",
            "b",
        );
        remembered.ahead = vec![AheadFeed {
            digest: "a".into(),
            generated_at: at("2026-12-08T09:00:00Z"),
            signed_by: Some("key".into()),
        }];
        let (withdrawn, _) = after_applying(&[remembered], key, "f", noon, noon);
        assert_eq!(withdrawn, ["a"]);
        // An honest directory dated after a feed is never withdrawn by it.
        let early = at("2026-12-07T08:00:00Z");
        let (withdrawn, _) = after_applying(std::slice::from_ref(&honest), key, "old", early, noon);
        assert!(withdrawn.is_empty());
        // A kept directory's feed served again is a replay, the one in use is not.
        assert!(is_replay(&kept, key, "h", "gen-2"));
        assert!(!is_replay(&kept, key, "a", "gen-2"));
        let kept = vec![honest, ahead, fix];
        // The withdrawn one no longer counts, even after its date.
        assert_eq!(
            floor(&kept, key, next_day),
            Some(at("2026-12-07T12:00:00Z"))
        );
        assert!(super::withdrawn(&kept).contains("a"));
        // Another key's directories never count.
        assert_eq!(floor(&kept, Some("other"), noon), None);
    }

    #[test]
    fn a_few_minutes_fast_is_not_dated_ahead() {
        let applied = at("2026-12-07T09:00:00Z");
        assert!(!dated_ahead(at("2026-12-07T09:09:00Z"), applied));
        assert!(dated_ahead(at("2026-12-07T09:11:00Z"), applied));
    }
}
