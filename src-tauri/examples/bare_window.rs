//! A bare Tauri window showing an empty page: the baseline the app benchmark compares the
//! app's memory with (same Tauri, same WebKitGTK, nothing of Signpost's).

use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
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
