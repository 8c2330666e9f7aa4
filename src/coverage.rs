//! Local coverage: which services work in each London borough, by type of help.
//!
//! Two views of the same facts: the borough view ("Local services in Bexley", grouped by
//! type of help, saying plainly where a type of help has no local service and showing the
//! London-wide and national services that cover it), and the borough × type-of-help matrix
//! behind the coverage map and `signpost coverage`.
//!
//! A service is *local* to a borough when its coverage names that borough. Types of help
//! are the feed's categories; "other" holds what fits none of them (anti-social behaviour
//! case reviews, adult safeguarding teams…), so it has local services but is never a gap.

use jiff::Timestamp;
use serde::Serialize;

use crate::facts::{Facts, PlaceMatch};
use crate::geo::{Borough, Geography};
use crate::index::Generation;
use crate::model::{category_bit, category_in_sentence, category_label, CATEGORIES, OTHER};
use crate::search::Hit;

/// At most this many London-wide and national services are shown for a type of help with
/// no local service: enough to act on, few enough to scan.
const WIDER_SHOWN: usize = 3;

/// Local services per borough and type of help.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageMatrix {
    /// Types of help (category ids) in the vocabulary's order: the matrix's columns.
    pub categories: Vec<String>,
    /// The same, named inside a sentence ("sexual violence", "LGBTQ+").
    pub in_sentence: Vec<String>,
    /// One row per London authority, in name order.
    pub boroughs: Vec<BoroughCoverage>,
    /// Services that work in named boroughs only (neither London-wide nor national).
    pub borough_services: usize,
    /// Services that work London-wide or nationally.
    pub wider_services: usize,
}

/// One borough's row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct BoroughCoverage {
    pub gss_code: String,
    pub name: String,
    /// Distinct local services, whatever their type of help.
    pub local: usize,
    /// Local services per type of help, in the order of `CoverageMatrix::categories`.
    pub by_category: Vec<usize>,
}

impl CoverageMatrix {
    /// Count the local services of each borough in `gen`.
    pub fn of(gen: &Generation, geo: &Geography) -> CoverageMatrix {
        let categories: Vec<String> = CATEGORIES.iter().map(|c| c.to_string()).collect();
        let mut boroughs: Vec<BoroughCoverage> = geo
            .boroughs()
            .iter()
            .map(|b| {
                let local = local_to(gen, geo, b);
                BoroughCoverage {
                    gss_code: b.gss_code.clone(),
                    name: b.name.clone(),
                    local: local.len(),
                    by_category: CATEGORIES
                        .iter()
                        .map(|c| {
                            let cbit = category_bit(c).unwrap_or(0);
                            local
                                .iter()
                                .filter(|&&i| gen.ranks[i].categories & cbit != 0)
                                .count()
                        })
                        .collect(),
                }
            })
            .collect();
        boroughs.sort_by(|a, b| a.name.cmp(&b.name));
        let borough_services = gen.ranks.iter().filter(|r| r.is_borough_only()).count();
        CoverageMatrix {
            in_sentence: CATEGORIES.iter().map(|c| category_in_sentence(c)).collect(),
            categories,
            boroughs,
            borough_services,
            wider_services: gen
                .ranks
                .iter()
                .filter(|r| {
                    matches!(
                        r.place_match(0),
                        PlaceMatch::LondonWide | PlaceMatch::National
                    )
                })
                .count(),
        }
    }

    /// The column of a category, if it is one.
    pub fn column(&self, category: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == category)
    }

    /// Authorities with no local service of this type of help.
    pub fn gaps(&self, column: usize) -> Vec<&BoroughCoverage> {
        self.boroughs
            .iter()
            .filter(|b| b.by_category[column] == 0)
            .collect()
    }
}

/// One borough's services, grouped by type of help.
#[derive(Debug, Clone, Serialize)]
pub struct BoroughView {
    /// The borough's GSS code (`E09000012`).
    pub gss_code: String,
    /// The borough's name.
    pub name: String,
    /// "Local services in Bexley".
    pub heading: String,
    /// Distinct local services.
    pub local: usize,
    /// Types of help with at least one local service, in the vocabulary's order; services
    /// that fit no other type ("other") last, as "Other local services".
    pub groups: Vec<HelpGroup>,
    /// Types of help with no local service on record, each with the London-wide and
    /// national services that cover it.
    pub gaps: Vec<HelpGroup>,
}

/// One type of help in a borough view.
#[derive(Debug, Clone, Serialize)]
pub struct HelpGroup {
    pub category: String,
    /// "Domestic abuse".
    pub label: String,
    /// The borough's own services for it (empty for a gap).
    pub local: Vec<Hit>,
    /// For a gap: "No local sexual violence service on record for Bexley".
    pub gap_text: Option<String>,
    /// For a gap: London-wide services first, then national ones (at most a few).
    pub wider: Vec<Hit>,
    /// For a gap: how many London-wide and national services cover it in all.
    pub wider_total: usize,
}

impl BoroughView {
    /// The view of `borough` in `gen`, with hours and review state at `at`.
    pub fn of(gen: &Generation, geo: &Geography, borough: &Borough, at: Timestamp) -> BoroughView {
        let bit = geo.borough_mask(&[&borough.gss_code]);
        let local = local_to(gen, geo, borough);
        let mut groups = Vec::new();
        let mut gaps = Vec::new();
        let mut shown: Vec<usize> = Vec::new();
        for &category in CATEGORIES.iter().filter(|c| **c != OTHER) {
            let cbit = category_bit(category).unwrap_or(0);
            let mine = local_services(gen, geo, borough, category);
            let label = category_label(category).to_string();
            if mine.is_empty() {
                let mut wider: Vec<usize> = (0..gen.len())
                    .filter(|&i| {
                        let r = &gen.ranks[i];
                        r.categories & cbit != 0
                            && matches!(
                                r.place_match(bit),
                                PlaceMatch::LondonWide | PlaceMatch::National
                            )
                    })
                    .collect();
                sort_for(&mut wider, gen, category, Some(bit));
                gaps.push(HelpGroup {
                    category: category.to_string(),
                    gap_text: Some(gap_sentence(category, &borough.name)),
                    local: Vec::new(),
                    wider_total: wider.len(),
                    wider: wider
                        .iter()
                        .take(WIDER_SHOWN)
                        .map(|&i| Hit::of(gen, geo, i, at, Some(gen.ranks[i].place_match(bit))))
                        .collect(),
                    label,
                });
            } else {
                shown.extend(&mine);
                groups.push(group(gen, geo, category, label, &mine, at));
            }
        }
        let mut other: Vec<usize> = local
            .iter()
            .copied()
            .filter(|i| !shown.contains(i))
            .collect();
        if !other.is_empty() {
            sort_for(&mut other, gen, OTHER, None);
            groups.push(group(
                gen,
                geo,
                OTHER,
                "Other local services".to_string(),
                &other,
                at,
            ));
        }
        BoroughView {
            gss_code: borough.gss_code.clone(),
            name: borough.name.clone(),
            heading: format!("Local services in {}", borough.name),
            local: local.len(),
            groups,
            gaps,
        }
    }
}

/// Positions in `gen` of the services whose coverage names `borough`.
fn local_to(gen: &Generation, geo: &Geography, borough: &Borough) -> Vec<usize> {
    let bit = geo.borough_mask(&[&borough.gss_code]);
    (0..gen.len())
        .filter(|&i| gen.ranks[i].boroughs & bit != 0)
        .collect()
}

/// Positions in `gen` of `borough`'s own services for one type of help, in the order the
/// borough view lists them (those whose main type of help it is first, then by name).
pub(crate) fn local_services(
    gen: &Generation,
    geo: &Geography,
    borough: &Borough,
    category: &str,
) -> Vec<usize> {
    let cbit = category_bit(category).unwrap_or(0);
    let mut mine: Vec<usize> = local_to(gen, geo, borough)
        .into_iter()
        .filter(|&i| gen.ranks[i].categories & cbit != 0)
        .collect();
    sort_for(&mut mine, gen, category, None);
    mine
}

fn group(
    gen: &Generation,
    geo: &Geography,
    category: &str,
    label: String,
    ords: &[usize],
    at: Timestamp,
) -> HelpGroup {
    HelpGroup {
        category: category.to_string(),
        label,
        local: ords
            .iter()
            .map(|&i| Hit::of(gen, geo, i, at, Some(PlaceMatch::Local)))
            .collect(),
        gap_text: None,
        wider: Vec::new(),
        wider_total: 0,
    }
}

/// "No local sexual violence service on record for Bexley".
fn gap_sentence(category: &str, borough: &str) -> String {
    format!(
        "No local {} service on record for {borough}",
        category_in_sentence(category)
    )
}

/// Services for a type of help in the order a person scans them: with `place` (a borough
/// bit), London-wide before national; then those whose main type of help it is, then the
/// more specialised ones (fewer types of help first), then by name.
fn sort_for(ords: &mut [usize], gen: &Generation, category: &str, place: Option<u64>) {
    let key = |i: usize| {
        let f: &Facts = &gen.facts[i];
        (
            place.map(|p| gen.ranks[i].place_match(p)),
            f.categories.first().map(String::as_str) != Some(category),
            f.categories.len(),
        )
    };
    ords.sort_by(|&a, &b| {
        key(a)
            .cmp(&key(b))
            .then_with(|| gen.summaries[a].name.cmp(&gen.summaries[b].name))
    });
}

#[cfg(test)]
mod tests {
    use super::gap_sentence;

    #[test]
    fn gap_sentences_read_as_plain_english() {
        assert_eq!(
            gap_sentence("sexual-violence", "Bexley"),
            "No local sexual violence service on record for Bexley"
        );
        assert_eq!(
            gap_sentence("lgbtq", "Sutton"),
            "No local LGBTQ+ service on record for Sutton"
        );
    }
}
