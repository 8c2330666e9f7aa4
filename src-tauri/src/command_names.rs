/// Every command the UI may call; build.rs turns each into a permission.
pub const COMMANDS: &[&str] = &[
    "start",
    "search",
    "service",
    "status",
    "shortlist",
    "shortlist_add",
    "shortlist_remove",
    "settings",
    "save_settings",
    "slip_text",
    "copy_text",
    "print_page",
    "open_link",
    "hide_window",
    "about",
];
