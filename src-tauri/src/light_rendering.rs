//! How the app asks WebKitGTK to draw (shared with the `bare_window` benchmark baseline,
//! so that baseline runs in the same mode).

/// The page is static text and forms, with no animation: WebKitGTK's non-composited mode
/// draws it with no GPU layers, which halves the web process's memory and avoids the blank
/// windows accelerated mode gives on some virtual machines and old graphics drivers. Its
/// scripts are small and wait on the DOM, not on computation: JavaScriptCore's optimising
/// JIT (DFG, FTL) made no measured difference to keystroke latency but held ~9 MB of
/// compiled code in the web process, so the page runs on the baseline JIT. The web process
/// inherits these from the app's environment; values the user has set are respected.
pub fn apply() {
    #[cfg(target_os = "linux")]
    for (name, value) in [
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        ("JSC_useDFGJIT", "false"),
    ] {
        if std::env::var_os(name).is_none() {
            // Set before GTK starts and before any other thread exists.
            std::env::set_var(name, value);
        }
    }
}
