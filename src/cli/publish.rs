//! The publisher's commands: `validate`, `import` and `feed` (keygen, sign, verify, build,
//! diff).

use std::path::Path;
use std::process::ExitCode;

use signpost::feed;
use signpost::geo::Geography;
use signpost::signing;
use signpost::Error;

use super::args::{
    BuildArgs, DiffArgs, FeedCommand, ImportArgs, KeygenArgs, SignArgs, ValidateArgs, VerifyArgs,
};
use super::print::{print_diff, print_json};
use super::{read_bytes, write_whole};

/// `signpost validate`: what the reader keeps, sets aside and drops from a feed file.
pub(super) fn validate(a: ValidateArgs) -> Result<ExitCode, Error> {
    let path = &a.feed_file;
    let bytes = read_bytes(path)?;
    match feed::read(&bytes, Geography::bundled()) {
        Err(e) => {
            eprintln!("signpost: {}: {}", path.display(), e.sentence());
            Ok(ExitCode::FAILURE)
        }
        Ok(f) => {
            for p in &f.problems {
                println!("{p}");
            }
            let set_aside = f.set_aside().count();
            let dropped = f.problems.len() - set_aside;
            println!(
                "{} services kept, {set_aside} records set aside, {dropped} fields dropped{}",
                f.services.len(),
                f.meta
                    .generated_at
                    .map(|d| format!(" (feed dated {d})"))
                    .unwrap_or_default()
            );
            if f.meta.generated_at.is_none() {
                println!(
                    "It has no generated_at date, so it can be read but not applied as a feed: \
                     `signpost import` turns an Open Referral API into a feed to sign."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `signpost import`: an Open Referral API written as a feed to review and sign.
pub(super) fn import(a: ImportArgs) -> Result<ExitCode, Error> {
    let (base_url, out, publisher) = (a.base_url.as_str(), a.out.as_path(), a.publisher.as_str());
    use signpost::import::{import, Progress, TaxonomyMap};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Import(format!("the network runtime could not start ({e})")))?;
    let progress = |p: Progress| match p {
        Progress::Page { page, of, services } => {
            let of = of.map(|n| format!(" of {n}")).unwrap_or_default();
            eprintln!("page {page}{of}, {services} services");
        }
    };
    let imported = runtime.block_on(import(
        base_url,
        publisher,
        &TaxonomyMap::bundled(),
        Default::default(),
        std::time::Duration::from_secs(a.time_limit),
        jiff::Timestamp::now(),
        &progress,
    ))?;
    let bytes = &imported.feed;
    write_whole(out, bytes)?;
    print_import_report(&imported, out);
    // What the app will make of it, before anyone signs it.
    match feed::read(bytes, Geography::bundled()) {
        Ok(f) => {
            for p in &f.problems {
                println!("{p}");
            }
            println!(
                "Checked: {} services kept, {} records set aside. Review it, then sign it \
                 with `signpost feed sign {} --key SECRET_KEY_FILE`.",
                f.services.len(),
                f.set_aside().count(),
                out.display()
            );
        }
        Err(e) => println!("Checked: {}", e.sentence()),
    }
    Ok(ExitCode::SUCCESS)
}

/// What an import wrote, and what it could not map.
fn print_import_report(imported: &signpost::import::Imported, out: &Path) {
    println!(
        "{} services from {} pages ({} fetched whole) written to {}",
        imported.services,
        imported.pages,
        imported.fetched_whole,
        out.display()
    );
    if !imported.unmapped.is_empty() {
        println!(
            "{} taxonomy terms are not mapped to a Signpost category (add them to \
             index-data/taxonomy-map.json if they are):",
            imported.unmapped.len()
        );
        for (term, n) in &imported.unmapped {
            println!("  {} ({n} services)", super::terminal::one_line(term));
        }
    }
    if !imported.left_out.is_empty() {
        println!("{} list items were left out:", imported.left_out.len());
        for (id, why) in &imported.left_out {
            println!("  \"{}\": {why}", super::terminal::one_line(id));
        }
    }
    if imported.uncategorised > 0 {
        println!(
            "{} services have no Signpost category: they are found by their words only.",
            imported.uncategorised
        );
    }
}

/// `signpost feed …`: the publishing tools.
pub(super) fn feed(action: FeedCommand) -> Result<ExitCode, Error> {
    match action {
        FeedCommand::Keygen(a) => keygen(a),
        FeedCommand::Sign(a) => sign(a),
        FeedCommand::Verify(a) => verify(a),
        FeedCommand::Build(a) => build(a),
        FeedCommand::Diff(a) => diff(a),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// The key's password, from the environment (never a prompt: CI and scripts sign too).
fn password() -> Option<String> {
    std::env::var(signing::PASSWORD_ENV).ok()
}

fn keygen(a: KeygenArgs) -> Result<(), Error> {
    let pw = if a.encrypt {
        Some(password().ok_or_else(no_password)?)
    } else {
        None
    };
    signing::keygen(&a.secret_key, &a.public_key, pw)?;
    println!(
        "Secret key: {} (keep it secret; it signs feeds)\nPublic key: {} (give it to clients)",
        a.secret_key.display(),
        a.public_key.display()
    );
    Ok(())
}

fn sign(a: SignArgs) -> Result<(), Error> {
    let written = signing::sign_file(&a.feed_file, &a.key, password())?;
    println!("Signed: {}", written.display());
    Ok(())
}

fn verify(a: VerifyArgs) -> Result<(), Error> {
    let key = signing::PublicKey::from_arg(&a.pubkey)?;
    signing::verify_file(&a.feed_file, &key)?;
    println!(
        "Signature good: {} was signed with this key.",
        a.feed_file.display()
    );
    Ok(())
}

fn build(a: BuildArgs) -> Result<(), Error> {
    use signpost::publish::{self, Publisher, Source};
    let generated_at = match &a.generated_at {
        Some(t) => t.parse().map_err(|_| {
            Error::InvalidArgument(format!(
                "--generated-at \"{t}\" is not an RFC 3339 date-time"
            ))
        })?,
        None => jiff::Timestamp::now(),
    };
    let sources = a
        .sources
        .iter()
        .map(|path| {
            let bytes = read_bytes(path)?;
            Source::read(&bytes, &path.display().to_string(), Geography::bundled())
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let publisher = Publisher {
        name: a.publisher,
        description: a.publisher_description,
    };
    let (built, report) = publish::build(&sources, publisher, generated_at, Geography::bundled())?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    write_whole(&a.out, &publish::to_json(&built))?;
    println!(
        "{} services written to {} ({} warnings). Review it (`signpost feed diff`), then sign it.",
        built.services.len(),
        a.out.display(),
        report.warnings.len()
    );
    Ok(())
}

fn diff(a: DiffArgs) -> Result<(), Error> {
    let services = |path: &Path| -> Result<Vec<signpost::model::Service>, Error> {
        Ok(feed::read(&read_bytes(path)?, Geography::bundled())?.services)
    };
    let d = feed::diff::diff(&services(&a.old)?, &services(&a.new)?, Geography::bundled());
    if a.json {
        print_json(&d);
    } else {
        print_diff(&d);
    }
    Ok(())
}

fn no_password() -> Error {
    Error::KeyInvalid(format!(
        "set the password for the new key in the {} environment variable",
        signing::PASSWORD_ENV
    ))
}
