//! Signpost London, the desktop app: a Tauri window over the `signpost` engine.
//!
//! The shell is thin on purpose: `commands` turns UI calls into engine calls, `state`
//! opens the directory and the store once, off the UI thread, `sync_loop` keeps the
//! directory current from the signed feed, `lean_processes` keeps WebKitGTK and malloc
//! lean, and this file builds the window. Everything the user sees is plain HTML, CSS and
//! JavaScript in `ui/`.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[macro_use]
mod command_names;
mod commands;

/// Registers the named commands with Tauri; the names come from `for_each_command!`.
macro_rules! handler {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}
mod error;
mod lean_processes;
mod state;
mod sync_loop;
#[cfg(windows)]
mod webview2;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

use state::AppState;

/// Signpost London: where to refer a victim of crime in London, offline.
#[derive(Parser)]
#[command(name = "signpost-app", version, about)]
struct Args {
    /// Folder holding the directory, shortlist and settings (default: the platform's app
    /// data folder, shared with the `signpost` command line).
    #[arg(long, env = "SIGNPOST_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// An organisation policy file to try on a machine with none (see the README's
    /// "Updates"). It must exist. A system policy (Group Policy's registry key on Windows,
    /// or the system policy file) always wins over it.
    #[arg(long, env = signpost::policy::POLICY_ENV, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Folder holding the meaning model (default: the installed app's own, or the
    /// repository's in a development build). Search works on words alone without it.
    #[arg(long, env = "SIGNPOST_MODEL_DIR", value_name = "DIR")]
    model_dir: Option<PathBuf>,
}

fn main() {
    let started = Instant::now();
    lean_processes::apply();
    let args = Args::parse();
    #[cfg(windows)]
    webview2::require();
    if let Some(policy) = &args.policy {
        // Read by the engine wherever settings apply; set before any thread starts.
        std::env::set_var(signpost::policy::POLICY_ENV, policy);
        // A policy being tried that cannot be used stops here, before a window opens on
        // settings it does not fix (a system policy, where there is one, wins anyway).
        if let Err(e) = signpost::policy::Policy::load() {
            eprintln!(
                "signpost-app: {}",
                signpost::present::sentence(&e.to_string())
            );
            std::process::exit(2);
        }
    }
    let Some(data_dir) = args.data_dir.or_else(signpost::directory::default_data_dir) else {
        eprintln!(
            "signpost-app: no app data folder could be found for this user; pass --data-dir DIR."
        );
        std::process::exit(1);
    };
    let state = Arc::new(AppState::new(data_dir, started));
    let model_dir = args.model_dir;

    let result = tauri::Builder::default()
        // The UI never calls these plugins; the shell uses them after checking each request.
        .plugin(
            tauri_plugin_opener::Builder::new()
                .open_js_links_on_click(false)
                .build(),
        )
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state.clone())
        .setup(move |app| setup(app, model_dir.clone()))
        .invoke_handler(for_each_command!(handler))
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("signpost-app: the window could not be opened: {e}.");
        std::process::exit(1);
    }
}

/// The window, the meaning model's folder, and opening the directory: the directory is
/// opened now, off the UI thread, so the first search finds it ready; then the first sync
/// (if a feed is set) runs, and the loop keeps it current.
fn setup(
    app: &mut tauri::App,
    model_dir: Option<PathBuf>,
) -> Result<(), Box<dyn std::error::Error>> {
    WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
        .title(commands::TITLE)
        .inner_size(1200.0, 800.0)
        .min_inner_size(360.0, 480.0)
        // The page never navigates away from the app; links go through `open_link`.
        .on_navigation(|url| {
            url.scheme() == "tauri"
                || (url.scheme() == "http" && url.host_str() == Some("tauri.localhost"))
        })
        .build()?;
    // The meaning model: --model-dir, else the installed app's resources, else the
    // repository's (a development build). Loaded when the UI asks, after its first paint.
    let installed = app
        .path()
        .resource_dir()
        .ok()
        .map(|d| d.join("model"))
        .filter(|d| d.join("model.json").is_file());
    let model_dir = model_dir
        .or(installed)
        .unwrap_or_else(signpost::meaning::default_dir);
    let _ = app.state::<Arc<AppState>>().model_dir.set(model_dir);
    let state = app.state::<Arc<AppState>>().inner().clone();
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        let _ = state.directory().await;
        let _ = state.store().await;
        sync_loop::spawn(handle, state);
    });
    Ok(())
}
