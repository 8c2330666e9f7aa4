//! The commands the UI calls: thin wrappers that turn arguments into engine calls and
//! engine errors into `AppError`. No search, ranking or formatting logic lives here.

use std::sync::Arc;

use serde::Serialize;
use signpost::feed::{Action, Problem};
use signpost::geo::Geography;
use signpost::map::Map;
use signpost::model::{category_label, CATEGORIES};
use signpost::policy::{self, Policy};
use signpost::signing::PublicKey;
use signpost::store::{zoom_step, Settings};
use signpost::sync::{Source, Trigger};
use signpost::{
    contact, phone, slip, BoroughView, CoverageMatrix, Directory, SearchRequest, SearchResults,
    ServiceDetails,
};
use tauri::{AppHandle, State, WebviewWindow};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use crate::error::AppError;
use crate::state::{read, AppState, MeaningState};

type Result<T> = std::result::Result<T, AppError>;
type AppStateRef<'a> = State<'a, Arc<AppState>>;

/// The window's title while hidden: nothing that says what the app is.
pub const NEUTRAL_TITLE: &str = "Untitled";
pub const TITLE: &str = "Signpost London";

#[derive(Serialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// Fixed lists the UI needs once: categories, boroughs, the map, the emergency line.
#[derive(Serialize)]
pub struct Start {
    pub categories: Vec<Choice>,
    pub boroughs: Vec<Choice>,
    pub map: &'static Map,
    pub emergency_line: &'static str,
}

#[tauri::command]
pub fn start() -> Start {
    let mut boroughs: Vec<Choice> = Geography::bundled()
        .boroughs()
        .iter()
        .map(|b| Choice {
            id: b.gss_code.clone(),
            label: b.name.clone(),
        })
        .collect();
    boroughs.sort_by(|a, b| a.label.cmp(&b.label));
    Start {
        categories: CATEGORIES
            .iter()
            .map(|c| Choice {
                id: c.to_string(),
                label: category_label(c).to_string(),
            })
            .collect(),
        boroughs,
        map: signpost::map::bundled(),
        emergency_line: slip::EMERGENCY_LINE,
    }
}

/// A search as the UI sends it: the engine's own request. The time is always now, and a
/// page holds at most 200 (25 unless asked).
#[tauri::command]
pub async fn search(state: AppStateRef<'_>, args: SearchRequest) -> Result<SearchResults> {
    let dir = state.directory().await?;
    let req = SearchRequest {
        at: None,
        limit: match args.limit {
            0 => 25,
            n => n.min(200),
        },
        ..args
    };
    guarded("search", || read(&dir).search(&req))
}

/// Run engine work so that even a panic (an index file damaged while open) reaches the UI
/// as a plain message, never a list that stays blank.
fn guarded<T>(what: &str, work: impl FnOnce() -> signpost::Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(result) => Ok(result?),
        Err(_) => Err(AppError::new(
            "internal",
            format!("the {what} failed unexpectedly; close and reopen Signpost, which checks the directory's files and rebuilds them if they are damaged"),
        )),
    }
}

/// One borough's local services by type of help, with honest gaps.
#[tauri::command]
pub async fn borough(state: AppStateRef<'_>, borough: String) -> Result<BoroughView> {
    let dir = state.directory().await?;
    guarded("borough view", || read(&dir).borough_view(&borough, None))
}

/// Local services per borough and type of help, for the coverage map.
#[tauri::command]
pub async fn coverage(state: AppStateRef<'_>) -> Result<CoverageMatrix> {
    let dir = state.directory().await?;
    let matrix = read(&dir).coverage();
    Ok(matrix)
}

#[tauri::command]
pub async fn service(state: AppStateRef<'_>, id: String) -> Result<ServiceDetails> {
    let dir = state.directory().await?;
    guarded("service's details", || read(&dir).service(&id, None))
}

#[derive(Serialize)]
pub struct Status {
    /// "Updated 2 min ago · directory of 22 Nov 2026 · 67 services", or "Offline · …".
    pub text: String,
    /// The last sync's failure in plain words, while it is the latest news.
    pub error: Option<String>,
    /// What the last update did that the user should know (a future-dated directory replaced).
    pub notice: Option<String>,
    /// Why updates are off (a read-only data folder), if they are.
    pub updates_off: Option<String>,
    /// What a running sync is doing ("Downloading 412 kB…").
    pub progress: Option<String>,
    /// Whether a feed address is set (without one there is nothing to update from).
    pub feed_set: bool,
    pub directory_date: Option<String>,
    pub services: usize,
    pub set_aside: usize,
    /// Milliseconds since the app started, when this answer was given.
    pub uptime_ms: u128,
}

/// Waits for the directory to open, so the UI learns when search is ready.
#[tauri::command]
pub async fn status(state: AppStateRef<'_>) -> Result<Status> {
    let dir = state.directory().await?;
    let (info, updates_off) = {
        let dir = read(&dir);
        (dir.info(), dir.read_only().map(String::from))
    };
    // The status line answers even when the store cannot be opened (a read-only data
    // folder): the directory still serves, and the line says why the rest is off.
    let (sync, settings, store_notice, store_error) = match state.store().await {
        Ok(store) => (
            store.sync_state()?,
            store.settings()?,
            store.recovered().map(String::from),
            None,
        ),
        Err(e) => (
            Default::default(),
            Settings::default(),
            None,
            Some(e.message),
        ),
    };
    let line = signpost::sync::status_line(&info, &sync, jiff::Timestamp::now());
    Ok(Status {
        text: line.text,
        error: line.error.or(store_error),
        notice: store_notice.or(line.notice),
        updates_off,
        progress: state
            .sync_progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
        feed_set: settings.feed_url.is_some_and(|u| !u.trim().is_empty()),
        directory_date: info.generated_at.map(signpost::present::day),
        services: info.services,
        set_aside: info.set_aside,
        uptime_ms: state.started.elapsed().as_millis(),
    })
}

/// "Update now": wakes the sync loop; progress and the result arrive as events.
#[tauri::command]
pub fn update_now(state: AppStateRef<'_>) {
    state.schedule.request(Trigger::UserAsked);
}

/// The page saw the network come back (the webview's `online` event).
#[tauri::command]
pub fn network_back(state: AppStateRef<'_>) {
    state.schedule.request(Trigger::NetworkBack);
}

#[derive(Serialize)]
pub struct ShortlistEntry {
    pub id: String,
    pub name: Option<String>,
    pub organisation: Option<String>,
}

async fn shortlist_entries(state: &AppState, ids: Vec<String>) -> Result<Vec<ShortlistEntry>> {
    let dir = state.directory().await?;
    let dir = read(&dir);
    Ok(ids.into_iter().map(|id| entry(&dir, id)).collect())
}

/// A saved id the directory no longer holds keeps its place, without a name, so the
/// user sees it has gone rather than losing it silently.
fn entry(dir: &Directory, id: String) -> ShortlistEntry {
    let found = dir.summary(&id).ok();
    ShortlistEntry {
        name: found.map(|s| s.name.clone()),
        organisation: found.map(|s| s.organisation.clone()),
        id,
    }
}

#[tauri::command]
pub async fn shortlist(state: AppStateRef<'_>) -> Result<Vec<ShortlistEntry>> {
    let ids = state.store().await?.shortlist()?;
    shortlist_entries(&state, ids).await
}

#[tauri::command]
pub async fn shortlist_add(state: AppStateRef<'_>, id: String) -> Result<Vec<ShortlistEntry>> {
    read(&state.directory().await?).summary(&id)?;
    let ids = state.store().await?.add_to_shortlist(&id)?;
    shortlist_entries(&state, ids).await
}

#[tauri::command]
pub async fn shortlist_remove(state: AppStateRef<'_>, id: String) -> Result<Vec<ShortlistEntry>> {
    let ids = state.store().await?.remove_from_shortlist(&id)?;
    shortlist_entries(&state, ids).await
}

/// Settings as they apply, and who fixed the feed address and key if a policy did.
#[derive(Serialize)]
pub struct SettingsView {
    #[serde(flatten)]
    pub settings: Settings,
    /// The organisation's policy file, when it fixes the feed address or key.
    pub locked_by: Option<String>,
}

#[tauri::command]
pub async fn settings(state: AppStateRef<'_>) -> Result<SettingsView> {
    let saved = state.store().await?.settings()?;
    Ok(match Policy::load()? {
        Some(p) => SettingsView {
            settings: p.apply(saved),
            locked_by: Some(p.path.display().to_string()),
        },
        None => SettingsView {
            settings: saved,
            locked_by: None,
        },
    })
}

/// What a publisher key is, for the confirmation shown before trusting it.
#[derive(Serialize)]
pub struct KeyDescription {
    pub id: String,
    /// "6ED0 A8A1 5C96 0CAE", to compare by eye with what the publisher says.
    pub fingerprint: String,
    /// True for the key Signpost ships with (no confirmation needed).
    pub shipped: bool,
}

#[tauri::command]
pub fn describe_key(key: String) -> Result<KeyDescription> {
    let key = PublicKey::from_setting(Some(&key))?;
    Ok(KeyDescription {
        id: key.id().to_string(),
        fingerprint: key.fingerprint(),
        shipped: key.is_shipped(),
    })
}

/// Save settings. A different publisher key is saved only with `confirm_key` set to its id
/// (the UI showed its fingerprint); a policy file's values cannot be changed. Changing the
/// key serves that key's newest directory at once (the shipped key's, going back to it).
#[tauri::command]
pub async fn save_settings(
    state: AppStateRef<'_>,
    settings: Settings,
    confirm_key: Option<String>,
) -> Result<Settings> {
    // A borough, or a place in one ("Peckham"), is kept as the borough's code.
    let home_borough = match settings.home_borough.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => match Geography::bundled().find_borough_or_place(b) {
            Some(found) => Some(found.gss_code.clone()),
            None => return Err(signpost::Error::UnknownBorough(b.to_string()).into()),
        },
        None => settings.home_borough.clone(),
    };
    let settings = Settings {
        feed_url: trimmed(settings.feed_url),
        feed_public_key: trimmed(settings.feed_public_key),
        home_borough,
        ..settings
    };
    if settings.feed_url.is_some() {
        // Checks the address and the key before anything is saved.
        Source::from_settings(&settings)?;
    } else if let Some(key) = &settings.feed_public_key {
        signpost::signing::PublicKey::parse(key)?;
    }
    let store = state.store().await?;
    let before = store.settings()?;
    // The zoom is set by `zoom` alone: a settings form opened earlier may hold an old one.
    let settings = Settings {
        zoom_percent: before.zoom_percent,
        ..settings
    };
    let policy = Policy::load()?;
    policy::check_change(&before, &settings, confirm_key.as_deref(), policy.as_ref())?;
    store.save_settings(&settings)?;
    let key_changed = before.feed_public_key != settings.feed_public_key;
    let feed_changed = key_changed || before.feed_url != settings.feed_url;
    if key_changed {
        let key = PublicKey::from_setting(settings.feed_public_key.as_deref())?;
        let dir = state.directory().await?;
        let shared = dir.clone();
        let generation =
            tauri::async_runtime::spawn_blocking(move || read(&shared).directory_for_key(&key))
                .await
                .map_err(|e| {
                    AppError::new("internal", format!("a background task failed: {e}"))
                })??;
        if let Some(generation) = generation {
            dir.write()
                .unwrap_or_else(|e| e.into_inner())
                .switch_to(generation);
        }
    }
    if feed_changed && settings.feed_url.is_some() {
        state.schedule.request(Trigger::UserAsked);
    }
    Ok(settings)
}

fn trimmed(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[tauri::command]
pub async fn slip_text(state: AppStateRef<'_>, ids: Vec<String>) -> Result<String> {
    let dir = state.directory().await?;
    let dir = read(&dir);
    let services = ids
        .iter()
        .map(|id| dir.service(id, None))
        .collect::<signpost::Result<Vec<_>>>()?;
    let now = jiff::Timestamp::now();
    Ok(slip::text(&services, dir.info().generated_at, now))
}

#[tauri::command]
pub fn copy_text(app: AppHandle, text: String) -> Result<()> {
    app.clipboard()
        .write_text(text)
        .map_err(|e| AppError::new("internal", format!("could not copy to the clipboard: {e}")))
}

/// Opens the system print dialog (print, or save as PDF) for the page; the print
/// stylesheet shows only the slip.
#[tauri::command]
pub fn print_page(window: WebviewWindow) -> Result<()> {
    window
        .print()
        .map_err(|e| AppError::new("internal", format!("could not open the print dialog: {e}")))
}

/// Zooms the page one level in (`step` 1), out (-1) or back to 100% (0), and keeps the
/// level for the next start; with no `step`, applies the level kept (at start). Returns the
/// level in percent.
#[tauri::command]
pub async fn zoom(window: WebviewWindow, state: AppStateRef<'_>, step: Option<i8>) -> Result<u16> {
    let store = state.store().await?;
    let mut settings = store.settings()?;
    let kept = settings.zoom_percent.unwrap_or(100);
    let level = step.map_or(kept, |s| zoom_step(kept, s));
    window
        .set_zoom(f64::from(level) / 100.0)
        .map_err(|e| AppError::new("internal", format!("could not zoom the page: {e}")))?;
    if level != kept {
        settings.zoom_percent = (level != 100).then_some(level);
        store.save_settings(&settings)?;
    }
    Ok(level)
}

/// Opens an https page in the system browser, or a `tel:`/`mailto:` link in the system's
/// handler. Anything else is refused: the UI only ever sends links the engine built, and
/// this checks them again.
#[tauri::command]
pub fn open_link(app: AppHandle, url: String) -> Result<()> {
    let allowed = if url.starts_with("tel:") {
        phone::is_tel_uri(&url)
    } else if let Some(rest) = url.strip_prefix("mailto:") {
        contact::mailto_uri(rest).as_deref() == Some(url.as_str())
    } else {
        contact::https_url(&url).as_deref() == Some(url.as_str())
    };
    if !allowed {
        return Err(AppError::new(
            "link-not-allowed",
            "only https web pages, phone numbers and email addresses can be opened",
        ));
    }
    app.opener().open_url(&url, None::<&str>).map_err(|e| {
        if url.starts_with("tel:") {
            // No app handles phone links here: the UI says to dial the number instead.
            AppError::new("no-phone-app", "this computer can't place calls")
        } else {
            AppError::new("internal", format!("could not open {url}: {e}"))
        }
    })
}

/// Quick hide: the UI blanks itself; this gives the window a title that says nothing.
#[tauri::command]
pub fn hide_window(window: WebviewWindow, hidden: bool) -> Result<()> {
    window
        .set_title(if hidden { NEUTRAL_TITLE } else { TITLE })
        .map_err(|e| {
            AppError::new(
                "internal",
                format!("could not change the window title: {e}"),
            )
        })
}

/// The current feed's problems of one kind, for About.
fn problems(dir: &signpost::Directory, action: Action) -> Vec<Problem> {
    signpost::feed::with_action(dir.problems(), action)
        .cloned()
        .collect()
}

#[derive(Serialize)]
pub struct About {
    pub version: &'static str,
    pub publisher: Option<String>,
    pub directory_date: Option<String>,
    pub services: usize,
    pub attributions: &'static [&'static str],
    /// Records of the current feed that were set aside, and why.
    pub set_aside: Vec<Problem>,
    /// Fields left out of records that were kept, and why.
    pub left_out: Vec<Problem>,
    pub data_dir: String,
    /// Where updates come from, and when the last one was applied.
    pub feed_url: Option<String>,
    pub last_update: Option<String>,
    /// How search reads meaning; `None` while the model is still loading.
    pub meaning: Option<MeaningState>,
}

/// Load the meaning model, after the window's first paint: until it is ready (and for good
/// if it cannot be), search works on words alone. Says which.
#[tauri::command]
pub async fn load_meaning(state: AppStateRef<'_>) -> Result<MeaningState> {
    state.load_meaning().await
}

#[tauri::command]
pub async fn about(state: AppStateRef<'_>) -> Result<About> {
    let sync = state.store().await?.sync_state()?;
    let dir = state.directory().await?;
    let dir = read(&dir);
    let info = dir.info();
    Ok(About {
        version: env!("CARGO_PKG_VERSION"),
        publisher: info.publisher,
        directory_date: info.generated_at.map(signpost::present::day_in_full),
        services: info.services,
        attributions: signpost::bundled::ATTRIBUTIONS,
        set_aside: problems(&dir, Action::SetAside),
        left_out: problems(&dir, Action::FieldDropped),
        data_dir: state.data_dir.display().to_string(),
        feed_url: sync.feed_url,
        last_update: sync
            .last_update
            .map(signpost::present::day_and_time_in_full),
        meaning: state.meaning(),
    })
}
