/// Every command the UI may call, named once. `main.rs` registers exactly these with Tauri
/// (`for_each_command!(handler)`), and build.rs turns each into a permission that
/// `capabilities/main.json` must grant (a test checks it does, and nothing more).
macro_rules! for_each_command {
    ($then:ident) => {
        $then![
            start,
            search,
            service,
            borough,
            coverage,
            status,
            shortlist,
            shortlist_add,
            shortlist_remove,
            settings,
            save_settings,
            describe_key,
            slip_text,
            copy_text,
            print_page,
            zoom,
            open_link,
            hide_window,
            about,
            load_meaning,
            update_now,
            network_back,
        ]
    };
}

macro_rules! command_names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// The command names, as Tauri's permissions and the UI's `invoke` spell them.
#[allow(dead_code)] // read by build.rs and the tests, not by the app itself
pub const COMMANDS: &[&str] = for_each_command!(command_names);

#[cfg(test)]
mod tests {
    use super::COMMANDS;
    use std::collections::BTreeSet;

    /// The capability grants exactly the registered commands (plus listening for events): a
    /// command left out cannot be called from the window, one granted but not registered
    /// would be a permission for nothing.
    #[test]
    fn the_capability_grants_exactly_the_registered_commands() {
        let cap: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: BTreeSet<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(str::to_string))
            .collect();
        let registered: BTreeSet<String> = COMMANDS.iter().map(|c| c.replace('_', "-")).collect();
        assert_eq!(granted, registered);
    }

    /// Every `#[tauri::command]` in commands.rs is registered: one written but not listed
    /// would fail only when the UI first calls it.
    #[test]
    fn every_command_written_is_registered() {
        let source = include_str!("commands.rs");
        let written: BTreeSet<&str> = source
            .split("#[tauri::command]")
            .skip(1)
            .filter_map(|after| {
                let sig = after.split('(').next()?;
                sig.split_whitespace().last()
            })
            .collect();
        let registered: BTreeSet<&str> = COMMANDS.iter().copied().collect();
        assert_eq!(written, registered);
    }
}
