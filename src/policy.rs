//! An organisation's policy: IT can fix the feed address and publisher key for every
//! user of a machine, so no one can point Signpost at another directory by mistake or by
//! being talked into it. And the rule for changing the key by hand: only with its
//! fingerprint confirmed.
//!
//! On Windows the policy is read from the registry, where Group Policy and Intune write
//! managed settings (as Chrome, Edge and Firefox read theirs): the key [`REGISTRY_KEY`]
//! under `HKEY_LOCAL_MACHINE`, string values `FeedUrl` and `FeedPublicKey`. Only
//! administrators can write there, and nothing overrides it.
//!
//! Otherwise (and on Windows machines without that key) it is a JSON file,
//! `{"feed_url": "...", "feed_public_key": "RW..."}`, at [`system_path`]. Either value may
//! be left out; what it sets cannot be changed in Settings.
//!
//! `SIGNPOST_POLICY` (the app's `--policy`) names a file to try a policy on a machine that
//! has none. It can never loosen a lock: the system's policy, where there is one, wins over
//! it, and a trial file that is not there is an error, not "no policy".

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::files;
use crate::signing::PublicKey;
use crate::store::Settings;

/// Environment variable naming a policy file to try on a machine with no system policy.
pub const POLICY_ENV: &str = "SIGNPOST_POLICY";

/// The registry key (under `HKEY_LOCAL_MACHINE`) holding the policy on Windows.
pub const REGISTRY_KEY: &str = r"Software\Policies\Signpost London";
/// The registry value fixing the feed address.
pub const REGISTRY_FEED_URL: &str = "FeedUrl";
/// The registry value fixing the publisher key.
pub const REGISTRY_FEED_PUBLIC_KEY: &str = "FeedPublicKey";

/// What the organisation has fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Where it was read from, to tell the user who set it.
    pub path: PathBuf,
    /// The feed address every user gets.
    pub feed_url: Option<String>,
    /// The publisher key every user trusts.
    pub feed_public_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    feed_url: Option<String>,
    feed_public_key: Option<String>,
}

/// The system configuration folder's policy file: `/etc/signpost/policy.json` on Linux,
/// `/Library/Application Support/Signpost/policy.json` on macOS,
/// `%ProgramData%\Signpost\policy.json` on Windows.
pub fn system_path() -> PathBuf {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        Path::new(&base).join("Signpost").join("policy.json")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Signpost/policy.json")
    } else {
        PathBuf::from("/etc/signpost/policy.json")
    }
}

impl Policy {
    /// The policy in force, if any: on Windows the registry's (Group Policy) first, then the
    /// system file, then a trial file named by [`POLICY_ENV`]. A policy that is there but
    /// unreadable is an error, not ignored: it was put there to lock something.
    pub fn load() -> Result<Option<Policy>> {
        #[cfg(windows)]
        if let Some(policy) = registry::read(registry::machine(), REGISTRY_KEY)? {
            return Ok(Some(policy));
        }
        let trial = std::env::var_os(POLICY_ENV).filter(|p| !p.is_empty());
        Policy::load_from(&system_path(), trial.as_deref().map(Path::new))
    }

    /// The policy at `system` if there is one there, whatever `trial` names; else the one
    /// at `trial`, which must exist (a mistyped trial path would otherwise pass for "no
    /// policy"); else none.
    pub fn load_from(system: &Path, trial: Option<&Path>) -> Result<Option<Policy>> {
        if let Some(policy) = Policy::read(system)? {
            return Ok(Some(policy));
        }
        match trial {
            Some(path) => match Policy::read(path)? {
                Some(policy) => Ok(Some(policy)),
                None => Err(Error::PolicyInvalid {
                    path: path.into(),
                    why: "there is no file there".into(),
                }),
            },
            None => Ok(None),
        }
    }

    /// The policy at `path`; `None` when there is no file.
    pub fn read(path: &Path) -> Result<Option<Policy>> {
        let text = match files::read_regular_text(path, files::SMALL_FILE_MAX) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::PolicyInvalid {
                    path: path.into(),
                    why: e.to_string(),
                })
            }
        };
        let file: PolicyFile =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                Error::PolicyInvalid {
                    path: path.into(),
                    why: e.to_string(),
                }
            })?;
        Policy::checked(path.into(), file.feed_url, file.feed_public_key).map(Some)
    }

    /// A policy from `source` fixing these values, each checked as Settings would check it.
    fn checked(
        source: PathBuf,
        feed_url: Option<String>,
        feed_public_key: Option<String>,
    ) -> Result<Policy> {
        let invalid = |why: String| Error::PolicyInvalid {
            path: source.clone(),
            why,
        };
        if let Some(url) = &feed_url {
            crate::sync::check_url(url).map_err(|e| invalid(e.to_string()))?;
        }
        if let Some(key) = &feed_public_key {
            PublicKey::parse(key).map_err(|e| invalid(e.to_string()))?;
        }
        Ok(Policy {
            path: source,
            feed_url,
            feed_public_key,
        })
    }

    /// `settings` with what the policy fixes put in place.
    pub fn apply(&self, mut settings: Settings) -> Settings {
        if self.feed_url.is_some() {
            settings.feed_url = self.feed_url.clone();
        }
        if self.feed_public_key.is_some() {
            settings.feed_public_key = self.feed_public_key.clone();
        }
        settings
    }
}

/// The policy Group Policy or Intune set in the Windows registry.
#[cfg(windows)]
pub mod registry {
    use std::path::PathBuf;

    use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, KEY_READ};
    use winreg::{RegKey, HKEY};

    use super::{Policy, REGISTRY_FEED_PUBLIC_KEY, REGISTRY_FEED_URL};
    use crate::error::{Error, Result};

    /// `HKEY_LOCAL_MACHINE`, where machine policies live.
    pub fn machine() -> HKEY {
        HKEY_LOCAL_MACHINE
    }

    /// The policy under `hive\subkey`; `None` when the key is not there. A value that is
    /// not a string, or does not check, is an error that names the key.
    pub fn read(hive: HKEY, subkey: &str) -> Result<Option<Policy>> {
        let hive_name = if hive == HKEY_LOCAL_MACHINE {
            "HKEY_LOCAL_MACHINE"
        } else if hive == HKEY_CURRENT_USER {
            "HKEY_CURRENT_USER"
        } else {
            "the registry"
        };
        let source = PathBuf::from(format!("{hive_name}\\{subkey}"));
        let invalid = |why: String| Error::PolicyInvalid {
            path: source.clone(),
            why,
        };
        let key = match RegKey::predef(hive).open_subkey_with_flags(subkey, KEY_READ) {
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(invalid(e.to_string())),
        };
        let value = |name: &str| -> Result<Option<String>> {
            match key.get_value::<String, _>(name) {
                Ok(v) if v.trim().is_empty() => Ok(None),
                Ok(v) => Ok(Some(v.trim().to_string())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(invalid(format!("{name}: {e}"))),
            }
        };
        let (url, key) = (value(REGISTRY_FEED_URL)?, value(REGISTRY_FEED_PUBLIC_KEY)?);
        Policy::checked(source, url, key).map(Some)
    }
}

/// Settings as they apply on this machine: the saved ones with the policy (if any) on top.
pub fn effective(settings: Settings) -> Result<Settings> {
    Ok(match Policy::load()? {
        Some(p) => p.apply(settings),
        None => settings,
    })
}

/// Check a change of settings before it is saved: the feed address and key cannot change
/// against a policy, and a different publisher key needs `confirmed_key` to be its id (the
/// user was shown its fingerprint and what trusting it means). Going back to the shipped
/// key needs no confirmation.
pub fn check_change(
    before: &Settings,
    after: &Settings,
    confirmed_key: Option<&str>,
    policy: Option<&Policy>,
) -> Result<()> {
    let before = &match policy {
        Some(p) => {
            if p.apply(after.clone()) != *after {
                return Err(Error::LockedByPolicy(p.path.clone()));
            }
            // What applied before was the policy's, whatever the store held.
            p.apply(before.clone())
        }
        None => before.clone(),
    };
    let key_of = |s: &Settings| PublicKey::from_setting(s.feed_public_key.as_deref());
    let (old, new) = (key_of(before).ok(), key_of(after)?);
    if old.as_ref() != Some(&new) && !new.is_shipped() && confirmed_key != Some(new.id()) {
        return Err(Error::KeyNotConfirmed {
            fingerprint: new.fingerprint(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTHER_KEY: &str = "RWSLVfbIOLtAG7UzlRQxJFZsmskkb2q8NeXBWPCd4EpF7GsMJva3YHB2";

    fn with_key(key: Option<&str>) -> Settings {
        Settings {
            feed_url: Some("https://feeds.example.org/feed.json".into()),
            feed_public_key: key.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_key_needs_its_id_confirmed_and_the_shipped_key_does_not() {
        let other = PublicKey::parse(OTHER_KEY).unwrap();
        let (shipped, changed) = (with_key(None), with_key(Some(OTHER_KEY)));
        let err = check_change(&shipped, &changed, None, None).unwrap_err();
        assert!(matches!(err, Error::KeyNotConfirmed { .. }), "{err}");
        assert!(err.to_string().contains(&other.fingerprint()), "{err}");
        assert!(check_change(&shipped, &changed, Some("0000000000000000"), None).is_err());
        check_change(&shipped, &changed, Some(other.id()), None).unwrap();
        // Unchanged key, or back to the shipped one: nothing to confirm.
        check_change(&changed, &changed, None, None).unwrap();
        check_change(&changed, &shipped, None, None).unwrap();
    }

    #[test]
    fn a_policy_locks_the_address_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.json");
        std::fs::write(
            &path,
            r#"{"feed_url": "https://feeds.example.org/feed.json"}"#,
        )
        .unwrap();
        let policy = Policy::read(&path).unwrap().unwrap();
        let mut elsewhere = with_key(None);
        elsewhere.feed_url = Some("https://evil.example.com/feed.json".into());
        let err = check_change(&with_key(None), &elsewhere, None, Some(&policy)).unwrap_err();
        assert!(matches!(err, Error::LockedByPolicy(_)), "{err}");
        assert_eq!(policy.apply(elsewhere).feed_url, with_key(None).feed_url);
        // Under a policy with its own key, other settings save without a key confirmation.
        let locked = Policy {
            feed_public_key: Some(OTHER_KEY.into()),
            ..policy.clone()
        };
        let shown = locked.apply(with_key(None));
        let changed = Settings {
            home_borough: Some("E09000012".into()),
            ..shown.clone()
        };
        check_change(&with_key(None), &changed, None, Some(&locked)).unwrap();
        std::fs::write(&path, r#"{"feed_url": "http://evil.example.com/"}"#).unwrap();
        assert!(
            Policy::read(&path).is_err(),
            "an unusable policy is not ignored"
        );
        assert!(Policy::read(&dir.path().join("none.json"))
            .unwrap()
            .is_none());
    }

    #[test]
    fn the_system_policy_wins_over_a_trial_file_and_a_missing_trial_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (system, trial) = (
            dir.path().join("system.json"),
            dir.path().join("trial.json"),
        );
        let missing = dir.path().join("nonexistent.json");
        std::fs::write(
            &trial,
            r#"{"feed_url": "https://evil.example.com/feed.json"}"#,
        )
        .unwrap();
        // No system policy: a trial file applies, and one that is not there is refused.
        let tried = Policy::load_from(&system, Some(&trial)).unwrap().unwrap();
        assert_eq!(tried.path, trial);
        let err = Policy::load_from(&system, Some(&missing)).unwrap_err();
        assert!(matches!(err, Error::PolicyInvalid { .. }), "{err}");
        assert!(err.to_string().contains("nonexistent.json"), "{err}");
        assert_eq!(Policy::load_from(&system, None).unwrap(), None);
        // A system policy: neither a trial file nor a missing one switches it off.
        std::fs::write(
            &system,
            r#"{"feed_url": "https://feeds.example.org/feed.json"}"#,
        )
        .unwrap();
        for trial in [Some(trial.as_path()), Some(missing.as_path()), None] {
            let policy = Policy::load_from(&system, trial).unwrap().unwrap();
            assert_eq!(policy.path, system);
            assert_eq!(
                policy.feed_url.as_deref(),
                Some("https://feeds.example.org/feed.json")
            );
        }
    }
}
