//! Commands that read the directory: `search`, `show`, `coverage` and `review`.

use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;
use signpost::{Directory, Error, ReferralFilter, SearchRequest};

use super::args::{CoverageArgs, ReviewArgs, SearchArgs, ShowArgs};
use super::{parse_at, print, with_meaning};

/// `signpost search`: the ranked services for the words and filters given.
pub(super) fn search(a: SearchArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let req = SearchRequest {
        text: a.query,
        borough: a.borough,
        postcode: a.postcode,
        categories: a.categories,
        open_now: a.open_now,
        at: parse_at(a.at.as_deref())?,
        referral: a
            .referral
            .as_deref()
            .map(ReferralFilter::parse)
            .transpose()?,
        age: a.age,
        language: a.language,
        limit: a.limit,
        set_aside: a.set_aside,
    };
    let mut dir = Directory::open(data_dir)?;
    if !a.keywords_only {
        with_meaning(&mut dir);
    }
    let results = dir.search(&req)?;
    if a.json {
        print::print_json(&results);
    } else {
        print::print_results(&dir, &results);
    }
    Ok(ExitCode::SUCCESS)
}

/// `signpost show`: everything the directory holds about one service.
pub(super) fn show(a: ShowArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let dir = Directory::open(data_dir)?;
    let at = parse_at(a.at.as_deref())?.unwrap_or_else(Timestamp::now);
    let d = dir.service(&a.id, Some(at))?;
    if a.json {
        print::print_json(&d);
    } else {
        print::print_details(&d);
    }
    Ok(ExitCode::SUCCESS)
}

/// `signpost coverage`: local services per borough, for every type of help or one.
pub(super) fn coverage(a: CoverageArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let dir = Directory::open(data_dir)?;
    let m = dir.coverage();
    let column = a
        .category
        .as_deref()
        .map(|c| {
            m.column(c).ok_or_else(|| Error::UnknownCategory {
                given: c.to_string(),
                known: m.categories.join(", "),
            })
        })
        .transpose()?;
    let info = dir.info();
    let heading = format!(
        "directory of {}, {} services",
        info.generated_at
            .map(signpost::present::day)
            .unwrap_or_else(|| "unknown date".into()),
        info.services
    );
    match (column, a.json) {
        (None, true) => print::print_json(&m),
        (Some(col), true) => print::print_json(&serde_json::json!({
            "category": m.categories[col],
            "boroughs": m.boroughs.iter().map(|b| serde_json::json!({
                "gss_code": b.gss_code, "name": b.name, "local": b.by_category[col]
            })).collect::<Vec<_>>(),
        })),
        (Some(col), false) => print::print_coverage_of(&dir, &m, col, &heading)?,
        (None, false) => print::print_coverage_matrix(&m, &heading),
    }
    Ok(ExitCode::SUCCESS)
}

/// `signpost review`: the publisher's to-do list, never reviewed first.
pub(super) fn review(a: ReviewArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let older_than = a
        .older_than
        .as_deref()
        .map(signpost::review::parse_period)
        .transpose()
        .map_err(Error::InvalidArgument)?;
    let dir = Directory::open(data_dir)?;
    let today = jiff::Zoned::now()
        .with_time_zone(signpost::hours::london().clone())
        .date();
    let due = dir.due_for_review(older_than, a.borough.as_deref(), today)?;
    if a.json {
        print::print_json(&due);
        return Ok(ExitCode::SUCCESS);
    }
    for d in &due {
        println!("{} · {} · {}", d.name, d.covers, d.review.text);
        println!("    {}", d.id);
    }
    let never = due.iter().filter(|d| d.review.date.is_none()).count();
    println!(
        "{} services to review ({never} never reviewed) in a directory of {}",
        due.len(),
        dir.info().services
    );
    Ok(ExitCode::SUCCESS)
}
