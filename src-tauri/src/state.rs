//! What the app holds while it runs: the directory and the store, each opened once, off the
//! UI thread, and shared by every command; and the schedule that wakes the feed sync.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::time::Instant;

use signpost::store::Store;
use signpost::sync::{Schedule, SharedDirectory};
use signpost::Directory;
use tokio::sync::OnceCell;

use crate::error::AppError;

pub struct AppState {
    pub data_dir: PathBuf,
    pub started: Instant,
    // Only successes are kept: a failed opening is tried again by the next command.
    directory: OnceCell<SharedDirectory>,
    store: OnceCell<Arc<Store>>,
    /// Wakes the sync loop ("Update now", network back, the timer).
    pub schedule: Schedule,
    /// What a running sync is doing ("Downloading 412 kB…"), or `None` when idle.
    pub sync_progress: Mutex<Option<String>>,
    /// Where the meaning model is read from, once the window knows (see `main`).
    pub model_dir: std::sync::OnceLock<PathBuf>,
    /// The meaning model, once its loading has ended: loaded, or why not.
    meaning: OnceCell<MeaningState>,
}

/// How search reads meaning, for the About screen.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeaningState {
    /// True when queries are read by meaning as well as by words.
    pub on: bool,
    /// The model in use ("all-MiniLM-L6-v2, distilled to static token vectors"), or why
    /// there is none, in words.
    pub detail: String,
}

impl AppState {
    pub fn new(data_dir: PathBuf, started: Instant) -> AppState {
        AppState {
            data_dir,
            started,
            directory: OnceCell::new(),
            store: OnceCell::new(),
            schedule: Schedule::default(),
            sync_progress: Mutex::new(None),
            model_dir: std::sync::OnceLock::new(),
            meaning: OnceCell::new(),
        }
    }

    /// Load the meaning model (once; later calls wait for the same loading) and give it
    /// to the directory. Search works on words until then, and for good if the model is
    /// missing or damaged: the state says why.
    pub async fn load_meaning(&self) -> Result<MeaningState, AppError> {
        let dir = self.directory().await?;
        let model_dir = self
            .model_dir
            .get()
            .cloned()
            .unwrap_or_else(signpost::meaning::default_dir);
        let state = self
            .meaning
            .get_or_init(|| async move {
                let loaded = tauri::async_runtime::spawn_blocking(move || {
                    signpost::meaning::Meaning::load(&model_dir)
                })
                .await;
                let state = match loaded {
                    Ok(Ok(meaning)) => {
                        let detail = format!(
                            "{} ({}), {} signs of need",
                            meaning.model.info.name,
                            meaning.model.info.licence,
                            meaning.signs.len()
                        );
                        dir.write()
                            .unwrap_or_else(|e| e.into_inner())
                            .set_meaning(Arc::new(meaning));
                        MeaningState { on: true, detail }
                    }
                    Ok(Err(why)) => MeaningState {
                        on: false,
                        detail: format!("{why}; searching by words only"),
                    },
                    Err(e) => MeaningState {
                        on: false,
                        detail: format!(
                            "the meaning model could not be loaded ({e}); searching by words only"
                        ),
                    },
                };
                AppState::report(&state);
                state
            })
            .await;
        Ok(state.clone())
    }

    /// Say on stderr how search reads (for whoever runs the app from a terminal, and the
    /// package check): with the model, or by words only and why.
    fn report(state: &MeaningState) {
        if state.on {
            eprintln!("signpost-app: search reads meaning with {}", state.detail);
        } else {
            eprintln!("signpost-app: {}", state.detail);
        }
    }

    /// The meaning model's state, or `None` while it has not finished loading.
    pub fn meaning(&self) -> Option<MeaningState> {
        self.meaning.get().cloned()
    }

    /// The directory, opening it on first use (a build from the bundled snapshot the
    /// first time). Commands that arrive while it opens wait for the same opening.
    /// A sync may swap its generation: read it through [`read`], briefly.
    pub async fn directory(&self) -> Result<SharedDirectory, AppError> {
        let dir = self.data_dir.clone();
        self.directory
            .get_or_try_init(|| {
                blocking(move || Directory::open(&dir).map(|d| Arc::new(RwLock::new(d))))
            })
            .await
            .cloned()
            .map_err(|e| {
                AppError::new(
                    "opening-failed",
                    format!("the directory could not be opened: {}", e.message),
                )
            })
    }

    pub async fn store(&self) -> Result<Arc<Store>, AppError> {
        let dir = self.data_dir.clone();
        self.store
            .get_or_try_init(|| blocking(move || Store::open(&dir).map(Arc::new)))
            .await
            .cloned()
    }
}

/// The directory in use, for one command's worth of reading (never across an await).
pub fn read(dir: &SharedDirectory) -> RwLockReadGuard<'_, Directory> {
    // A panic elsewhere cannot leave a half-switched directory: switching is one assignment.
    dir.read().unwrap_or_else(|e| e.into_inner())
}

/// Run engine work that touches the disk on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, signpost::Error> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::new("internal", format!("a background task failed: {e}")))?
        .map_err(AppError::from)
}
