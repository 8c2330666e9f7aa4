fn main() {
    // Declaring the app's commands makes each one a permission that a capability must grant,
    // so the UI can call exactly the commands listed in capabilities/main.json.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(
            tauri_build::AppManifest::new().commands(signpost_app_commands::COMMANDS),
        ),
    )
    .expect("failed to run tauri-build");
}

mod signpost_app_commands {
    include!("src/command_names.rs");
}
