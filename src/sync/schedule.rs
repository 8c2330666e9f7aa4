//! When to sync: at start-up, every 6 hours give or take 10% (so thousands of clients
//! installed on the same day do not all arrive at the same minute), when the network comes
//! back, and when the user asks.

use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Notify;

/// The regular interval between checks.
pub const INTERVAL: Duration = Duration::from_secs(6 * 60 * 60);
/// Spread either side of the interval, as a fraction.
pub const JITTER: f64 = 0.10;
/// After a failure, try again sooner, doubling from this, up to [`INTERVAL`].
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(15 * 60);

/// Why a sync runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// The app started.
    Startup,
    /// The regular timer.
    Timer,
    /// The network came back.
    NetworkBack,
    /// The user pressed Update now.
    UserAsked,
}

/// The wait before the next timed sync, after `failures` failed syncs in a row.
pub fn next_delay(failures: u32, rng: &mut impl Rng) -> Duration {
    let base = if failures == 0 {
        INTERVAL
    } else {
        RETRY_AFTER_FAILURE
            .saturating_mul(1 << (failures - 1).min(8))
            .min(INTERVAL)
    };
    base.mul_f64(rng.random_range(1.0 - JITTER..=1.0 + JITTER))
}

/// [`next_delay`] with this thread's random numbers.
pub fn jittered_delay(failures: u32) -> Duration {
    next_delay(failures, &mut rand::rng())
}

/// Wakes the sync loop: on a timer, or early when asked.
pub struct Schedule {
    wake: Notify,
    pending: Mutex<Option<Trigger>>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            wake: Notify::new(),
            pending: Mutex::new(Some(Trigger::Startup)),
        }
    }
}

impl Schedule {
    /// Ask for a sync now ("Update now", network back). Requests made while one is
    /// waiting to run merge into it.
    pub fn request(&self, trigger: Trigger) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        // "Update now" outranks the others: it is the one a person is watching.
        if *pending != Some(Trigger::UserAsked) {
            *pending = Some(trigger);
        }
        drop(pending);
        self.wake.notify_one();
    }

    /// Wait for the next reason to sync: a request, or `delay` passing.
    pub async fn next(&self, delay: Duration) -> Trigger {
        loop {
            if let Some(t) = self
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
            {
                return t;
            }
            tokio::select! {
                _ = self.wake.notified() => continue,
                _ = tokio::time::sleep(delay) => return Trigger::Timer,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn delays_spread_within_ten_percent_of_six_hours() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let hours: Vec<f64> = (0..2000)
            .map(|_| next_delay(0, &mut rng).as_secs_f64() / 3600.0)
            .collect();
        let (lo, hi) = hours
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), h| (lo.min(*h), hi.max(*h)));
        assert!(lo >= 5.4 && hi <= 6.6, "{lo}..{hi}");
        // Spread across the window, not bunched in the middle.
        assert!(lo < 5.45 && hi > 6.55, "{lo}..{hi}");
    }

    #[test]
    fn failures_retry_sooner_but_never_more_often_than_every_quarter_hour() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut minutes = |f| next_delay(f, &mut rng).as_secs_f64() / 60.0;
        let first = minutes(1);
        assert!((13.5..=16.5).contains(&first), "{first}");
        let third = minutes(3);
        assert!((54.0..=66.0).contains(&third), "{third}");
        let many = minutes(30);
        assert!(many <= 6.6 * 60.0, "{many}");
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn startup_first_then_requests_then_the_timer() {
        let s = Schedule::default();
        assert_eq!(s.next(INTERVAL).await, Trigger::Startup);
        s.request(Trigger::NetworkBack);
        s.request(Trigger::UserAsked);
        s.request(Trigger::NetworkBack);
        assert_eq!(s.next(INTERVAL).await, Trigger::UserAsked);
        assert_eq!(s.next(INTERVAL).await, Trigger::Timer);
    }
}
