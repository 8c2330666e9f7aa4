//! A bare Tauri window showing an empty page: the baseline the app benchmark compares the
//! app's memory with (same Tauri, same WebKitGTK, nothing of Signpost's), as Tauri sets it
//! up and, with `--lean`, with the WebKit and memory settings the app uses.

use tauri::{WebviewUrl, WebviewWindowBuilder};

#[path = "../src/lean_processes.rs"]
mod lean_processes;

fn main() {
    // `--lean`: the settings the app chooses, for a like-for-like baseline.
    if std::env::args().any(|a| a == "--lean") {
        lean_processes::apply();
    }
    tauri::Builder::default()
        .setup(|app| {
            WebviewWindowBuilder::new(app, "main", WebviewUrl::External("about:blank".parse()?))
                .title("bare")
                .inner_size(1200.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the bare window failed");
}
