//! An age stated in the query: "15F brought into A&E", "my 13 yr old daughter", "lad is 16",
//! "im 17". Clinicians and police write age and sex in shorthand ("17M", "15F"); people
//! give an age beside the person it is about. The age says who the person is (a young
//! person, an older one) and which services can take them; it is never a need.

/// An age found in the query's words (stopwords removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StatedAge {
    pub years: u32,
    /// The group concept a sex shorthand names ("15F" → "women", "17M" → "men").
    pub sex: Option<&'static str>,
    /// Positions of the words that said it.
    pub words: Vec<usize>,
}

impl StatedAge {
    /// The thesaurus concepts of who the person is: a child, a young person, an older
    /// person, and the sex the shorthand gave.
    pub(super) fn concepts(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.years < 13 {
            out.push("children-families");
        }
        if self.years < 18 {
            out.push("young-people");
        }
        if self.years >= 65 {
            out.push("older-people");
        }
        out.extend(self.sex);
        out
    }
}

/// People an age is given for: "son 15", "lad 16" (after "is" is dropped as a stopword).
const PEOPLE: &[&str] = &[
    "son",
    "daughter",
    "boy",
    "girl",
    "lad",
    "child",
    "kid",
    "teen",
    "teenager",
    "brother",
    "sister",
    "nephew",
    "niece",
    "grandson",
    "granddaughter",
    "he",
    "she",
    "im",
    "client",
    "patient",
    "pt",
    "aged",
    "age",
];
/// Words after a number that make it an age when "old" follows: "13 yr old", "16 years
/// old" ("with him 16 years" is not an age).
const YEARS: &[&str] = &["yr", "yrs", "year", "years"];
/// Suffixes of a number that make it an age on their own: "16yo", "16 yo", "16yrs".
const AGE_SUFFIXES: &[&str] = &["yo", "yrs", "yr"];
/// Words after a number that make it a count, not an age: "im 5 months pregnant".
const COUNTS: &[&str] = &[
    "month", "months", "week", "weeks", "day", "days", "hour", "hours", "hrs", "min", "mins",
    "minutes", "times", "years", "year", "yrs", "yr", "am", "pm", "miles", "pounds", "quid",
    "grand", "k", "floors", "stone", "kg",
];

/// The age stated in `words`, if any: the last one, since a telling gives the past before
/// the present ("abused from age 8 to 12, she's 43 now"). Ages above 110 are not ages.
pub(super) fn stated(words: &[String]) -> Option<StatedAge> {
    (0..words.len()).rev().find_map(|i| stated_at(words, i))
}

/// An age said by the words at position `i` (and the one or two after it).
fn stated_at(words: &[String], i: usize) -> Option<StatedAge> {
    let w = &words[i];
    // One word: "15f", "17m", "16yo", "16yrs".
    let digits = w.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < w.len() {
        let (n, suffix) = w.split_at(digits);
        let sex = match suffix {
            "f" => Some("women"),
            "m" => Some("men"),
            s if AGE_SUFFIXES.contains(&s) => None,
            _ => return None,
        };
        return number(n).map(|years| StatedAge {
            years,
            sex,
            words: vec![i],
        });
    }
    let years = number(w)?;
    let next = words.get(i + 1).map(String::as_str);
    if next == Some("yo") {
        return Some(StatedAge {
            years,
            sex: None,
            words: vec![i, i + 1],
        });
    }
    if next.is_some_and(|n| YEARS.contains(&n)) && words.get(i + 2).is_some_and(|o| o == "old") {
        return Some(StatedAge {
            years,
            sex: None,
            words: vec![i, i + 1, i + 2],
        });
    }
    if next.is_some_and(|n| COUNTS.contains(&n)) {
        return None;
    }
    let after_person = i > 0 && PEOPLE.contains(&words[i - 1].as_str());
    after_person.then(|| StatedAge {
        years,
        sex: None,
        words: vec![i],
    })
}

/// Ages written in words, as people type them ("im fourteen"). "One" is left out: it is
/// too often no number at all ("one way").
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];

/// A number of at most three digits, up to 110, or one written in words.
fn number(w: &str) -> Option<u32> {
    if let Some(&(_, n)) = NUMBER_WORDS.iter().find(|(word, _)| *word == w) {
        return Some(n);
    }
    (w.len() <= 3 && w.chars().all(|c| c.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|&n| n <= 110)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(text: &str) -> Option<(u32, Option<&'static str>)> {
        let words = crate::text::words(text);
        stated(&words).map(|a| (a.years, a.sex))
    }

    #[test]
    fn clinical_shorthand_gives_age_and_sex() {
        assert_eq!(age("15F brought into A&E"), Some((15, Some("women"))));
        assert_eq!(age("17M stab wound to thigh"), Some((17, Some("men"))));
        assert_eq!(age("16yo missing again"), Some((16, None)));
    }

    #[test]
    fn an_age_is_given_in_years_or_beside_a_person() {
        assert_eq!(age("my 13 yr old daughter"), Some((13, None)));
        assert_eq!(age("a 16 year old"), Some((16, None)));
        // Stopwords ("is") are gone before this runs.
        let words: Vec<String> = ["neighbours", "lad", "16", "came", "home"]
            .map(String::from)
            .to_vec();
        assert_eq!(stated(&words).map(|a| a.years), Some(16));
        assert_eq!(age("im 17 and scared"), Some((17, None)));
        // In words, as people type them.
        assert_eq!(age("im fourteen and he is older"), Some((14, None)));
        assert_eq!(age("she told me im twelve"), Some((12, None)));
        assert_eq!(age("a fifteen year old girl"), Some((15, None)));
        assert_eq!(age("there were two of them"), None);
    }

    #[test]
    fn the_present_age_is_the_last_one_given() {
        let words: Vec<String> = ["uncle", "abused", "age", "8", "12", "she", "43", "now"]
            .map(String::from)
            .to_vec();
        assert_eq!(stated(&words).map(|a| a.years), Some(43));
    }

    #[test]
    fn numbers_that_are_not_ages_are_left_alone() {
        assert_eq!(age("call 999"), None);
        assert_eq!(age("for 6 months"), None);
        assert_eq!(age("owes £4000 for the flight"), None);
        assert_eq!(age("bus 25 at 2am"), None);
        assert_eq!(age("4 days"), None);
        assert_eq!(age("E8 4QT"), None);
        // Counts beside a person are not ages; years without "old" are a duration.
        assert_eq!(age("im 5 months pregnant and he hits me"), None);
        assert_eq!(age("been with him 16 years, he controls everything"), None);
        assert_eq!(age("she 3 weeks out of hospital"), None);
        assert_eq!(age("my son 15 yo"), Some((15, None)));
    }

    #[test]
    fn an_age_says_who_the_person_is() {
        let of = |years, sex| StatedAge {
            years,
            sex,
            words: vec![0],
        };
        assert_eq!(of(15, Some("women")).concepts(), ["young-people", "women"]);
        assert_eq!(
            of(5, None).concepts(),
            ["children-families", "young-people"]
        );
        assert_eq!(of(30, Some("men")).concepts(), ["men"]);
        assert_eq!(of(80, None).concepts(), ["older-people"]);
    }
}
