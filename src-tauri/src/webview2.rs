//! WebView2, the Edge engine the window is drawn with on Windows. It comes with Windows 10
//! and 11, but IT can remove or block it; without it no window can open, and Tauri's own
//! failure says nothing a user can act on. So it is looked for first, and when it is missing
//! the user is told in one sentence what to install.

use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONERROR, MB_OK};

/// What a user (or IT) reads when WebView2 is missing.
pub const MISSING: &str = "Signpost London cannot open its window because the Microsoft Edge WebView2 Runtime is not installed on this computer: ask your IT team to install the WebView2 Runtime (Evergreen) from Microsoft, then open Signpost again.";

/// Exit (status 2) with [`MISSING`] on stderr and in a message box if WebView2 is not
/// installed; return if it is.
pub fn require() {
    if tauri::webview_version().is_ok() {
        return;
    }
    eprintln!("signpost-app: {MISSING}");
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let (text, title) = (wide(MISSING), wide("Signpost London"));
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner window.
    unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            text.as_ptr(),
            title.as_ptr(),
            MB_OK | MB_ICONERROR,
        );
    }
    std::process::exit(2);
}
