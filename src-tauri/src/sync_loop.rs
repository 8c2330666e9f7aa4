//! The feed sync loop: waits on the schedule (start-up, every 6 h ± 10%, network back,
//! "Update now"), runs the engine's sync, and tells the window what is happening through
//! events: `sync-progress` (a line of text) and `sync-done` (`{updated, error}`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;
use signpost::sync::{jittered_delay, Outcome, Progress, Syncer, INTERVAL};
use tauri::{AppHandle, Emitter};

use crate::state::AppState;

#[derive(Clone, Serialize)]
struct Done {
    updated: bool,
    error: Option<String>,
}

pub fn spawn(app: AppHandle, state: Arc<AppState>) {
    tauri::async_runtime::spawn(async move {
        let syncer = Syncer::default();
        let mut failures = 0;
        let mut delay = INTERVAL;
        loop {
            state.schedule.next(delay).await;
            match run_once(&app, &state, &syncer).await {
                Some(Err(_)) => failures += 1,
                _ => failures = 0,
            }
            delay = jittered_delay(failures);
        }
    });
}

/// One sync, or `None` when there is no feed set up (nothing to do, nothing to report).
async fn run_once(
    app: &AppHandle,
    state: &AppState,
    syncer: &Syncer,
) -> Option<Result<Outcome, String>> {
    let (directory, store) = match (state.directory().await, state.store().await) {
        (Ok(d), Ok(s)) => (d, s),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e.message)),
    };
    // Progress as text; downloads reported every 64 kB rather than every packet.
    let last_kb = AtomicU64::new(u64::MAX);
    let progress = |p: Progress| {
        if let Progress::Downloading { bytes } = p {
            let kb = bytes / 65_536;
            if last_kb.swap(kb, Ordering::Relaxed) == kb {
                return;
            }
        }
        let text = p.describe();
        *state
            .sync_progress
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(text.clone());
        let _ = app.emit("sync-progress", text);
    };
    let result = syncer
        .sync_configured(&directory, &store, &progress)
        .await
        .map_err(|e| e.to_string());
    if matches!(result, Ok(None)) {
        return None;
    }
    let updated = matches!(result, Ok(Some(Outcome::Updated { .. })));
    finish(app, state, updated, result.as_ref().err().cloned());
    result.transpose()
}

fn finish(app: &AppHandle, state: &AppState, updated: bool, error: Option<String>) {
    *state
        .sync_progress
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = None;
    let _ = app.emit("sync-done", Done { updated, error });
}
