//! `signpost`: the command-line front end to the directory engine. The commands live in
//! `cli/`; this file sets up the process and prints an error as one sentence.

// Every line printed goes through `cli::terminal::safe`: text from a feed or an API never
// reaches the terminal raw. Defined before `mod cli` so they stand for std's in all of it.
macro_rules! println {
    () => { ::std::println!() };
    ($($arg:tt)*) => {
        ::std::println!("{}", $crate::cli::terminal::safe(&::std::format!($($arg)*)))
    };
}
macro_rules! eprintln {
    () => { ::std::eprintln!() };
    ($($arg:tt)*) => {
        ::std::eprintln!("{}", $crate::cli::terminal::safe(&::std::format!($($arg)*)))
    };
}

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `signpost search x | head -1`: when the reader goes away, stop quietly as Unix tools
    // do, instead of a panic on the broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default action for SIGPIPE before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A bug should read as one sentence, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // Windows has no SIGPIPE: the reader going away surfaces as println!'s panic on a
        // closed pipe (ERROR_BROKEN_PIPE 109, ERROR_NO_DATA 232, ERROR_PIPE_NOT_CONNECTED
        // 233). Stop quietly there too.
        let closed_pipe = [
            "Broken pipe",
            "os error 109)",
            "os error 232)",
            "os error 233)",
        ];
        if msg.starts_with("failed printing to std") && closed_pipe.iter().any(|c| msg.contains(c))
        {
            std::process::exit(0);
        }
        eprintln!("signpost: internal error ({msg}); this is a bug, please report it");
    }));
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("signpost: {}", e.sentence());
            ExitCode::FAILURE
        }
    }
}
