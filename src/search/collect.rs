//! Collecting the best services: text score × place factor, filters applied, with
//! tantivy's block-max WAND pruning kept.
//!
//! Pruning skips documents whose *text* score cannot beat a threshold. A place factor can
//! raise a score by at most `max_factor`, so the threshold handed back to tantivy is the
//! current k-th best final score divided by it: no document that could still make the
//! top k is skipped. Search collects local services in a pass of their own (few, found
//! through the `area` field), so the main pass only allows for the non-local factors.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::ranking::{nearness as nearness_factor, BOROUGH_ONLY_WITHOUT_PLACE};
use super::Filters;
use crate::facts::{Facts, Rank};
use crate::index::ORD;

pub(super) struct RankCollector {
    pub limit: usize,
    pub facts: Arc<[Facts]>,
    pub ranks: Arc<[Rank]>,
    pub filters: Filters,
    /// Boroughs of the place searched for, as bits.
    pub place_mask: Option<u64>,
    pub centroid: Option<(f64, f64)>,
    /// The largest factor any document this pass must keep can get from the place.
    pub max_factor: f32,
}

/// A collected document: final score and address.
pub(super) type Ranked = (Score, DocAddress);

/// Top-k by score, smallest on top so it can be evicted.
struct TopK {
    limit: usize,
    heap: BinaryHeap<Reverse<(Score32, u32)>>,
}

/// f32 with a total order, for the heap.
#[derive(Clone, Copy)]
struct Score32(f32);
impl PartialEq for Score32 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Score32 {}
impl PartialOrd for Score32 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score32 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl TopK {
    fn new(limit: usize) -> TopK {
        TopK {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
        }
    }

    fn push(&mut self, score: Score, doc: DocId) {
        if self.heap.len() < self.limit {
            self.heap.push(Reverse((Score32(score), doc)));
        } else if self
            .heap
            .peek()
            .is_some_and(|Reverse((min, _))| score > min.0)
        {
            self.heap.pop();
            self.heap.push(Reverse((Score32(score), doc)));
        }
    }

    /// The score a newcomer must beat, once the heap is full.
    fn threshold(&self) -> Option<Score> {
        (self.heap.len() >= self.limit)
            .then(|| self.heap.peek().map_or(Score::MIN, |Reverse((s, _))| s.0))
    }

    fn into_ranked(self, segment: SegmentOrdinal) -> Vec<Ranked> {
        self.heap
            .into_iter()
            .map(|Reverse((s, doc))| (s.0, DocAddress::new(segment, doc)))
            .collect()
    }
}

/// Scores one segment's documents: filters, then the place factor.
pub(super) struct SegmentRanker {
    segment: SegmentOrdinal,
    ords: Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    facts: Arc<[Facts]>,
    ranks: Arc<[Rank]>,
    filters: Filters,
    place_mask: Option<u64>,
    centroid: Option<(f64, f64)>,
    top: TopK,
}

impl SegmentRanker {
    /// Final score of a document, or `None` when a filter excludes it.
    fn rank(&self, doc: DocId, text_score: Score) -> Option<Score> {
        let ord = self.ords.get_val(doc) as usize;
        let r = &self.ranks[ord];
        if !self.filters.accept(r, || &self.facts[ord]) {
            return None;
        }
        Some(match self.place_mask {
            Some(mask) => {
                let near = if r.has_locations() {
                    nearness(&self.facts[ord], self.centroid)
                } else {
                    1.0
                };
                text_score * r.place_match(mask).factor() * near
            }
            // No place known: a service for one borough is less likely to apply.
            None if r.is_borough_only() => text_score * BOROUGH_ONLY_WITHOUT_PLACE,
            None => text_score,
        })
    }
}

impl SegmentCollector for SegmentRanker {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(s) = self.rank(doc, score) {
            self.top.push(s, doc);
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        self.top.into_ranked(self.segment)
    }
}

impl Collector for RankCollector {
    type Fruit = Vec<Ranked>;
    type Child = SegmentRanker;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRanker> {
        Ok(SegmentRanker {
            segment,
            ords: reader.fast_fields().u64(ORD)?.first_or_default_col(0),
            facts: self.facts.clone(),
            ranks: self.ranks.clone(),
            filters: self.filters.clone(),
            place_mask: self.place_mask,
            centroid: self.centroid,
            top: TopK::new(self.limit),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        all.truncate(self.limit);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Ranked>> {
        let mut ranker = self.for_segment(segment, reader)?;
        let max_factor = self.max_factor;
        let alive = reader.alive_bitset().cloned();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.as_ref().is_none_or(|a| a.is_alive(doc)) {
                if let Some(s) = ranker.rank(doc, score) {
                    ranker.top.push(s, doc);
                }
            }
            ranker
                .top
                .threshold()
                .map_or(Score::MIN, |t| t / max_factor)
        })?;
        Ok(ranker.harvest())
    }
}

/// The service ordinal (its position in the generation) of the document at `address`.
pub(super) fn ord_of(searcher: &tantivy::Searcher, address: DocAddress) -> tantivy::Result<usize> {
    let ords = searcher
        .segment_reader(address.segment_ord)
        .fast_fields()
        .u64(ORD)?
        .first_or_default_col(0);
    Ok(ords.get_val(address.doc_id) as usize)
}

/// Among services covering the place, those with a location nearer the district centroid
/// come a little first (at most `MAX_NEARNESS`).
fn nearness(f: &Facts, centroid: Option<(f64, f64)>) -> f32 {
    match centroid {
        Some(c) if !f.locations.is_empty() => {
            let km = f
                .locations
                .iter()
                .map(|l| crate::geo::distance_km(*l, c))
                .fold(f64::INFINITY, f64::min);
            nearness_factor(km as f32)
        }
        _ => 1.0,
    }
}
