//! `signpost eval`: search quality on judged queries.

use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;
use signpost::eval::{Judged, Outcome, Scores};
use signpost::{meaning, Directory, Error};

use super::args::EvalArgs;
use super::with_meaning;

/// Score the judged queries in the file, printing each query's rank and the totals.
pub(super) fn run(a: EvalArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let text = signpost::files::read_regular_text(&a.queries_file, signpost::files::DATA_FILE_MAX)
        .map_err(|e| Error::io("read", &a.queries_file, e))?;
    let judged = signpost::eval::read_judged(&text)?;
    let mut dir = Directory::open(data_dir)?;
    if !a.keywords_only && !a.by_meaning {
        with_meaning(&mut dir);
    }
    let (outcomes, scores) = if a.by_meaning {
        by_meaning_alone(&dir, &judged)?
    } else {
        // Hours do not affect ranking, so any instant gives the same figures.
        signpost::eval::evaluate(&dir, &judged, Timestamp::now())?
    };
    for o in &outcomes {
        let place = o
            .judged
            .postcode
            .as_deref()
            .or(o.judged.borough.as_deref())
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        let rank = o.first_good.map_or("-".to_string(), |r| r.to_string());
        println!(
            "{:<4} ndcg5={:.2} {}{}",
            rank, o.ndcg5, o.judged.query, place
        );
        if a.verbose {
            for (i, id) in o.ranked.iter().take(5).enumerate() {
                let g = o.judged.relevant.get(id).copied().unwrap_or(0);
                println!("       {}. {id} (grade {g})", i + 1);
            }
        }
    }
    if a.typing {
        println!(
            "{}",
            signpost::eval::typing(&dir, &judged, Timestamp::now())?
        );
    }
    println!("{scores}");
    Ok(ExitCode::SUCCESS)
}

/// Rank by the meaning model alone (no keywords, places or rules), to measure the model.
fn by_meaning_alone(dir: &Directory, judged: &[Judged]) -> Result<(Vec<Outcome>, Scores), Error> {
    let model = meaning::Model::load(&meaning::default_dir())
        .map_err(|e| Error::ModelUnavailable(e.to_string()))?;
    let services = meaning::ServiceVectors::of(&model, dir.generation())?;
    signpost::eval::score(judged, |j| {
        Ok(model.embed(&j.query).map_or_else(Vec::new, |q| {
            services
                .nearest(&q, 10)
                .into_iter()
                .map(|(ord, _)| dir.generation().summaries[ord].id.clone())
                .collect()
        }))
    })
}
