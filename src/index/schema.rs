//! Schema and documents. Text is normalised by `crate::text` before it reaches tantivy,
//! so the analyzers only split on spaces (and stem, for the `stems` field).

use tantivy::schema::{
    IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
};
use tantivy::tokenizer::{Language, RemoveLongFilter, Stemmer, TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, TantivyDocument};

use crate::geo::Geography;
use crate::model::Service;
use crate::search::ranking;
use crate::text;
use crate::thesaurus::Thesaurus;

pub const WORDS: &str = "signpost_words";
pub const STEMS: &str = "signpost_stems";

/// The fast field holding a document's position in the generation's records.
pub(crate) const ORD: &str = "ord";

/// Field handles.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the service in the generation's records.
    pub ord: tantivy::schema::Field,
    /// The service's name and alternate name.
    pub name: tantivy::schema::Field,
    /// Everything searchable, weighted by repetition so term frequency saturates across
    /// parts (BM25F-like): the name once, organisation and categories three times,
    /// eligibility twice, description and languages once. Its term dictionary is the
    /// vocabulary for typo and prefix expansion.
    pub body: tantivy::schema::Field,
    /// The same text once, stemmed (English), for other forms of a word.
    pub stems: tantivy::schema::Field,
    /// Thesaurus concept ids the service carries.
    pub concepts: tantivy::schema::Field,
    /// The concepts the service is for, once each: those its name states and its types of
    /// help (with the broader ones they imply), not those its text only mentions.
    pub purpose: tantivy::schema::Field,
    /// GSS codes of the boroughs a service names: finds local services directly.
    pub area: tantivy::schema::Field,
}

impl Fields {
    /// A fresh schema and its fields, for a new generation.
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = |tokenizer: &str, fieldnorms: bool| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqs)
                    .set_fieldnorms(fieldnorms),
            )
        };
        let fields = Fields {
            ord: b.add_u64_field(ORD, NumericOptions::default() | FAST),
            name: b.add_text_field("name", text(WORDS, true)),
            body: b.add_text_field("body", text(WORDS, true)),
            stems: b.add_text_field("stems", text(STEMS, true)),
            // No length normalisation: a service carrying many concepts is not a weaker
            // match for each of them. Strength comes from repetition (see `concepts`).
            concepts: b.add_text_field("concepts", text(WORDS, false)),
            purpose: b.add_text_field("purpose", text(WORDS, false)),
            area: b.add_text_field("area", text(WORDS, false)),
        };
        (b.build(), fields)
    }

    /// The fields of an existing index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            ord: f(ORD)?,
            name: f("name")?,
            body: f("body")?,
            stems: f("stems")?,
            concepts: f("concepts")?,
            purpose: f("purpose")?,
            area: f("area")?,
        })
    }
}

/// The analyzers the schema names, for an index being built.
pub fn tokenizer_manager() -> tantivy::tokenizer::TokenizerManager {
    let manager = tantivy::tokenizer::TokenizerManager::default();
    let (words, stems) = analyzers();
    manager.register(WORDS, words);
    manager.register(STEMS, stems);
    manager
}

/// Register the analyzers on an opened index.
pub fn register_tokenizers(index: &Index) {
    let (words, stems) = analyzers();
    index.tokenizers().register(WORDS, words);
    index.tokenizers().register(STEMS, stems);
}

fn analyzers() -> (TextAnalyzer, TextAnalyzer) {
    let words = TextAnalyzer::builder(WhitespaceTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .build();
    let stems = TextAnalyzer::builder(WhitespaceTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(Stemmer::new(Language::English))
        .build();
    (words, stems)
}

/// The searchable texts of a service, normalised: (name, keywords, eligibility, description).
pub fn texts(s: &Service) -> [String; 4] {
    let mut keywords = s.organization_name().to_string();
    for c in s.categories() {
        keywords.push(' ');
        keywords.push_str(&c.replace('-', " "));
    }
    let mut description = s.description.clone().unwrap_or_default();
    for l in s.languages.iter().filter_map(|l| l.name.as_deref()) {
        description.push(' ');
        description.push_str(l);
    }
    let name = format!("{} {}", s.name, s.alternate_name.as_deref().unwrap_or(""));
    [
        text::normalize(&name),
        text::normalize(&keywords),
        text::normalize(s.eligibility_description.as_deref().unwrap_or("")),
        text::normalize(&description),
    ]
}

/// Concept ids a service carries, repeated by the strength of the evidence: once for a
/// mention in its text (broader concepts included), twice more when its name states the
/// concept, twice for its first (main) category and once for other categories (with their
/// broader concepts).
pub fn concepts(s: &Service, texts: &[String; 4], thesaurus: &Thesaurus) -> String {
    let mut out: Vec<&str> = Vec::new();
    let all: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(' '))
        .filter(|w| !w.is_empty())
        .collect();
    let name: Vec<&str> = texts[0].split(' ').filter(|w| !w.is_empty()).collect();
    let mut add = |c: usize, times: usize| {
        out.extend(std::iter::repeat_n(thesaurus.concept(c).id.as_str(), times))
    };
    for c in thesaurus.concepts_of(&all) {
        add(c, ranking::CONCEPT_IN_TEXT);
    }
    // A name is strong evidence of what it states ("Forced Marriage Unit"), not of the
    // broader concepts that implies (domestic abuse): the text already counts those.
    for c in thesaurus.stated_concepts(&name) {
        add(c, ranking::CONCEPT_IN_NAME);
    }
    for (i, cat) in s.categories().into_iter().enumerate() {
        if let Some(c) = thesaurus.find_id(cat) {
            for (c, _) in thesaurus.with_broader(c) {
                add(
                    c,
                    if i == 0 {
                        ranking::CONCEPT_MAIN_CATEGORY
                    } else {
                        ranking::CONCEPT_OTHER_CATEGORY
                    },
                );
            }
        }
    }
    out.join(" ")
}

/// What a generation's index was made with: the document format and the thesaurus. A
/// generation made otherwise is rebuilt (see `Generation::indexed_with`).
pub fn indexed_with(thesaurus: &Thesaurus) -> String {
    format!("{INDEX_FORMAT}-{}", thesaurus.fingerprint())
}

/// The version of the documents' fields; raised when a field is added or changes meaning.
const INDEX_FORMAT: u32 = 2;

/// The concept ids a service is for (see [`Fields::purpose`]), space-separated.
pub fn purpose(s: &Service, name: &str, thesaurus: &Thesaurus) -> String {
    let mut ids: Vec<&str> = Vec::new();
    let name: Vec<&str> = name.split(' ').filter(|w| !w.is_empty()).collect();
    let stated = thesaurus.stated_concepts(&name);
    let categories = s
        .categories()
        .into_iter()
        .filter_map(|c| thesaurus.find_id(c));
    for c in stated.into_iter().chain(categories) {
        for (c, _) in thesaurus.with_broader(c) {
            let id = thesaurus.concept(c).id.as_str();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids.join(" ")
}

pub fn document(
    ord: usize,
    s: &Service,
    thesaurus: &Thesaurus,
    geo: &Geography,
    f: &Fields,
) -> TantivyDocument {
    let texts = texts(s);
    let [name, keywords, eligibility, description] = &texts;
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.ord, ord as u64);
    doc.add_text(f.name, name);
    let body: Vec<&str> = std::iter::once(name.as_str())
        .chain(std::iter::repeat_n(
            keywords.as_str(),
            ranking::KEYWORD_REPEATS,
        ))
        .chain(std::iter::repeat_n(
            eligibility.as_str(),
            ranking::ELIGIBILITY_REPEATS,
        ))
        .chain(std::iter::once(description.as_str()))
        .collect();
    doc.add_text(f.body, body.join(" "));
    doc.add_text(f.stems, texts.join(" "));
    doc.add_text(f.concepts, concepts(s, &texts, thesaurus));
    doc.add_text(f.purpose, purpose(s, &texts[0], thesaurus));
    doc.add_text(f.area, area_tokens(s, geo).join(" "));
    doc
}

/// GSS codes (lower case, as the index stores tokens) of the boroughs a service names.
pub fn area_tokens(s: &Service, geo: &Geography) -> Vec<String> {
    crate::facts::Coverage::of(s, geo)
        .boroughs
        .iter()
        .map(|g| g.to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(concepts: &str, id: &str) -> usize {
        concepts.split(' ').filter(|c| *c == id).count()
    }

    #[test]
    fn a_name_states_only_its_own_concepts() {
        let thesaurus = Thesaurus::bundled();
        let service = Service {
            name: "Forced Marriage Unit".into(),
            description: Some("Advice and help.".into()),
            ..Default::default()
        };
        let texts = texts(&service);
        let carried = concepts(&service, &texts, thesaurus);
        // Stated by the name: its mention in the text, and the name's evidence on top.
        assert_eq!(
            times(&carried, "forced-marriage"),
            ranking::CONCEPT_IN_TEXT + ranking::CONCEPT_IN_NAME
        );
        // The broader concept it implies counts once, from the text, not from the name.
        assert_eq!(
            times(&carried, "harmful-practices"),
            ranking::CONCEPT_IN_TEXT
        );
        // And the service is for what its name states, broader needs included.
        let purpose = purpose(&service, &texts[0], thesaurus);
        assert!(
            purpose.split(' ').any(|c| c == "forced-marriage"),
            "{purpose}"
        );
        assert!(
            purpose.split(' ').any(|c| c == "harmful-practices"),
            "{purpose}"
        );
    }

    #[test]
    fn what_a_service_is_counts_more_than_what_it_mentions() {
        let service = Service {
            name: "Advice Line".into(),
            description: Some("We also help with fraud.".into()),
            eligibility_description: Some("Adults in London".into()),
            ..Default::default()
        };
        let (_, f) = Fields::schema();
        let doc = document(0, &service, Thesaurus::bundled(), Geography::bundled(), &f);
        let body = doc
            .get_first(f.body)
            .and_then(|v| tantivy::schema::Value::as_str(&v))
            .unwrap()
            .to_string();
        let count = |w: &str| body.split(' ').filter(|x| *x == w).count();
        assert_eq!(count("adults"), ranking::ELIGIBILITY_REPEATS);
        assert_eq!(count("fraud"), 1);
    }
}
