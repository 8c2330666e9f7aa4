//! Settings that keep the app's processes small: how WebKitGTK draws, which JIT tier runs
//! the page, and when freed memory goes back to the system (shared with the `bare_window`
//! benchmark baseline, so that baseline runs with the same settings).

/// The page is static text and forms, with no animation: WebKitGTK's non-composited mode
/// draws it with no GPU layers, which halves the web process's memory and avoids the blank
/// windows accelerated mode gives on some virtual machines and old graphics drivers. Its
/// scripts are small and wait on the DOM, not on computation: JavaScriptCore's optimising
/// JIT (DFG, FTL) made no measured difference to keystroke latency but held ~9 MB of
/// compiled code in the web process, so the page runs on the baseline JIT.
///
/// glibc's malloc raises its trim and mmap thresholds as large blocks come and go, and then
/// keeps megabytes of freed memory that typing churns through (result cards, IPC answers);
/// fixed thresholds hand memory back once it is freed: about 5 MB less in the web process
/// after a session of typing, measured. The WebKit processes inherit these settings from
/// the app's environment (glibc reads `GLIBC_TUNABLES` as a process starts); values the
/// user has set are respected.
pub fn apply() {
    #[cfg(target_os = "linux")]
    {
        const THRESHOLD: usize = 128 * 1024; // glibc's own starting value, kept fixed
        let tunables = format!(
            "glibc.malloc.trim_threshold={THRESHOLD}:glibc.malloc.mmap_threshold={THRESHOLD}"
        );
        for (name, value) in [
            ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
            ("JSC_useDFGJIT", "false"),
            ("GLIBC_TUNABLES", tunables.as_str()),
        ] {
            if std::env::var_os(name).is_none() {
                // Set before GTK starts and before any other thread exists.
                std::env::set_var(name, value);
            }
        }
        // This process has already read its tunables: set the same thresholds directly.
        // SAFETY: mallopt only changes allocator parameters; it is called before any other
        // thread exists.
        unsafe {
            libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD as libc::c_int);
            libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD as libc::c_int);
        }
    }
}
