//! What happened, read as needs (`index-data/events.json`): the events, tactics and harms
//! professionals are trained to recognise for each need ("found a tracker on the car" →
//! stalking, "claiming to be from the bank" → fraud), and slurs and hostile phrases by
//! strand, censored spellings included.
//!
//! The thesaurus reads what a need is called; people tell what happened instead, with no
//! keyword in it, and the telling is read for its events. An event is a few groups of words
//! ("husband", "boyfriend" … and "hits", "threatened" …): it is read when each group has a
//! word or phrase in the account, near one another, anywhere in it. Every event read says
//! why, in the words that told it, except a slur, which is never printed back.
//!
//! Words that say who a person is ("jewish", "muslim", "disabled") are listed too: they
//! describe the person, and choose a hate crime need only beside a hostile act.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::text;

/// How far apart (in words) the parts of one event may be: about a clause or two, so
/// "husband" in one sentence and "hit" in an unrelated one far off are not read together.
const WINDOW: usize = 12;

/// How near a sign of danger now a word saying it is not now counts (words before the
/// sign, words after): "two years ago my ex stood outside…", "…kill me last night".
const NOT_NOW_BEFORE: usize = 4;
const NOT_NOW_AFTER: usize = 6;

/// The word an asterisked (censored) word becomes: "n*****", "ki**".
pub const CENSORED: &str = "*censored*";

#[derive(Deserialize)]
struct EventsFile {
    identities: std::collections::BTreeMap<String, Vec<String>>,
    events: Vec<EventEntry>,
    #[serde(default)]
    danger_now: Vec<DangerEntry>,
    #[serde(default)]
    danger_now_unless: Vec<String>,
}

#[derive(Deserialize)]
struct DangerEntry {
    all: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct EventEntry {
    need: String,
    #[serde(default)]
    also: Vec<String>,
    label: String,
    all: Vec<Vec<String>>,
    #[serde(default)]
    quiet: bool,
    weight: Option<f32>,
    #[serde(default)]
    unless: Vec<String>,
}

/// One word or phrase of a group: its words, the last one a prefix when written with `*`.
#[derive(Debug, Clone)]
struct Term {
    words: Vec<String>,
    prefix: bool,
}

impl Term {
    fn parse(s: &str) -> Term {
        if s == CENSORED {
            return Term {
                words: vec![CENSORED.to_string()],
                prefix: false,
            };
        }
        let prefix = s.ends_with('*');
        Term {
            words: text::words(s),
            prefix,
        }
    }

    /// Where the term starts in `words`.
    fn starts<'w>(&'w self, words: &'w [String]) -> impl Iterator<Item = usize> + 'w {
        let n = self.words.len();
        (0..(words.len() + 1).saturating_sub(n)).filter(move |&i| {
            n > 0
                && self.words.iter().enumerate().all(|(k, t)| {
                    let w = words[i + k].as_str();
                    if self.prefix && k == n - 1 {
                        w.starts_with(t.as_str())
                    } else {
                        w == t
                    }
                })
        })
    }
}

/// One kind of event and the need it tells.
struct Event {
    need: String,
    also: Vec<String>,
    label: String,
    groups: Vec<Vec<Term>>,
    quiet: bool,
    weight: f32,
    /// Not read when one of these needs was read by an earlier event.
    unless: Vec<String>,
}

/// A need read from what the account says happened.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRead {
    /// The need's thesaurus id ("stalking-harassment").
    pub need: String,
    /// Other needs the same event tells ("general-victim-support" beside spiking).
    pub also: Vec<String>,
    /// Why, for people: the words that told it ("“husband … hits”"), or for a slur only
    /// what it was ("a racist slur or phrase").
    pub said: String,
    /// The account's words that told it, in order (never shown for a slur).
    pub words: Vec<String>,
    /// How strongly it tells the need (1 for most).
    pub weight: f32,
    /// Where its words stand in the account (start, length), and how many groups the
    /// event has: a reading of more groups over the same words is the more exact one.
    spans: Vec<(usize, usize)>,
    groups: usize,
    /// The event read, by its place in the lexicon.
    event: usize,
}

/// Two spans of words (start, length) share a word.
fn overlap((a, la): (usize, usize), (b, lb): (usize, usize)) -> bool {
    a < b + lb && b < a + la
}

impl EventRead {
    /// Every word of this reading is among the words of `other`, an event of more parts
    /// ("boy … alcohol" read as grooming, inside "boy … mother … alcohol", a parent who
    /// cannot care safely): the more exact reading tells what those words mean.
    fn within(&self, other: &EventRead) -> bool {
        // An event of one group ("spiked", "mugged") is a sign in itself, never swallowed.
        self.groups > 1
            && other.groups > self.groups
            && self
                .spans
                .iter()
                .all(|&s| other.spans.iter().any(|&o| overlap(s, o)))
    }
}

/// What an account tells: the needs its events read as, and the words never to print
/// back (slurs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// The needs read, each once, in the lexicon's order.
    pub reads: Vec<EventRead>,
    /// Words of the account a quiet event read as a slur: never shown.
    pub unsayable: Vec<String>,
}

/// The lexicon of events and identities.
pub struct Events {
    events: Vec<Event>,
    identities: Vec<(String, Vec<Term>)>,
    /// Signs of danger now, each groups of words read as an event's are.
    danger_now: Vec<Vec<Vec<Term>>>,
    /// Words near a sign that say it is not now: a time gone by, danger denied.
    danger_now_unless: Vec<Term>,
}

impl Events {
    /// The lexicon bundled with the program.
    pub fn bundled() -> &'static Events {
        static EVENTS: OnceLock<Events> = OnceLock::new();
        EVENTS.get_or_init(|| {
            Events::from_json(crate::bundled::EVENTS).expect("bundled events.json is valid")
        })
    }

    /// A lexicon from its JSON.
    pub fn from_json(json: &str) -> Result<Events, serde_json::Error> {
        let file: EventsFile = serde_json::from_str(json)?;
        let terms = |list: &[String]| list.iter().map(|t| Term::parse(t)).collect::<Vec<_>>();
        Ok(Events {
            events: file
                .events
                .into_iter()
                .map(|e| Event {
                    groups: e.all.iter().map(|g| terms(g)).collect(),
                    need: e.need,
                    also: e.also,
                    label: e.label,
                    quiet: e.quiet,
                    weight: e.weight.unwrap_or(1.0),
                    unless: e.unless,
                })
                .collect(),
            identities: file
                .identities
                .into_iter()
                .map(|(need, t)| (need, terms(&t)))
                .collect(),
            danger_now: file
                .danger_now
                .into_iter()
                .map(|d| d.all.iter().map(|g| terms(g)).collect())
                .collect(),
            danger_now_unless: terms(&file.danger_now_unless),
        })
    }

    /// The words telling that someone is in danger now ("“knife … right now”"), when the
    /// account (see [`account_words`]) tells it: a threat to life beside words that it is
    /// happening now or at the door, a weapon held or a break-in under way, or a plain
    /// statement of danger. Words of the past are not signs, and a sign with a time gone by
    /// or a denial near it ("last night", "not in danger") is not read: an account of what
    /// happened last year is no emergency.
    pub fn danger_now(&self, account: &[String]) -> Option<String> {
        self.danger_now.iter().find_map(|sign| {
            let spans = found_in(sign, account)?;
            let from = spans
                .iter()
                .map(|s| s.0)
                .min()?
                .saturating_sub(NOT_NOW_BEFORE);
            let to = spans.iter().map(|s| s.0 + s.1).max()? + NOT_NOW_AFTER;
            let not_now = self
                .danger_now_unless
                .iter()
                .any(|t| t.starts(account).any(|i| (from..to).contains(&i)));
            if not_now {
                return None;
            }
            let words: Vec<String> = spans
                .iter()
                .map(|&(start, len)| account[start..start + len].join(" "))
                .collect();
            Some(format!("“{}”", words.join(" … ")))
        })
    }

    /// Every need id the lexicon names, for checking them against the thesaurus.
    pub fn needs(&self) -> impl Iterator<Item = &str> {
        self.events
            .iter()
            .flat_map(|e| std::iter::once(&e.need).chain(&e.also))
            .chain(self.identities.iter().map(|(n, _)| n))
            .map(String::as_str)
    }

    /// The events told in `account` (see [`account_words`]), each need once, in the order
    /// of the lexicon, and the words never to print back.
    pub fn read(&self, account: &[String]) -> Reading {
        let mut out = Reading::default();
        for (event, e) in self.events.iter().enumerate() {
            let read_already = |need: &String| out.reads.iter().any(|r| &r.need == need);
            if read_already(&e.need) || e.unless.iter().any(read_already) {
                continue;
            }
            let Some(spans) = e.found_in(account) else {
                continue;
            };
            let words: Vec<String> = spans
                .iter()
                .map(|&(start, len)| account[start..start + len].join(" "))
                .collect();
            if e.quiet {
                // The slur group's single words, wherever they stand in the account.
                for t in e.groups[0].iter().filter(|t| t.words.len() == 1) {
                    for i in t.starts(account) {
                        out.unsayable.push(account[i].clone());
                    }
                }
            }
            let said = if e.quiet || words.iter().any(|w| w.contains(CENSORED)) {
                e.label.clone()
            } else {
                format!("“{}”", words.join(" … "))
            };
            out.reads.push(EventRead {
                need: e.need.clone(),
                also: e.also.clone(),
                said,
                words: if e.quiet { Vec::new() } else { words },
                weight: e.weight,
                groups: e.groups.len(),
                event,
                spans,
            });
        }
        // A reading whose every word a more exact one explains gives way to it, unless the
        // account tells a part of it again in other words ("older men" beside a parent's
        // drinking).
        let keep: Vec<bool> = out
            .reads
            .iter()
            .map(|r| {
                !out.reads.iter().any(|o| {
                    r.within(o)
                        && !self.events[r.event].groups.iter().flatten().any(|t| {
                            t.starts(account)
                                .any(|s| !o.spans.iter().any(|&sp| overlap((s, t.words.len()), sp)))
                        })
                })
            })
            .collect();
        let mut keep = keep.into_iter();
        out.reads.retain(|_| keep.next().unwrap_or(true));
        out
    }

    /// `censored` (letters and asterisks, "f*ggots") spells, letter for letter where it
    /// shows them, one of the slurs of a quiet event: read as a censored slur even where
    /// its first letter begins swear words too ("f*** off" spells none).
    pub fn spells_a_slur(&self, censored: &str) -> bool {
        let shown: Vec<Option<char>> = censored
            .chars()
            .map(|c| (c != '*').then(|| c.to_ascii_lowercase()))
            .collect();
        if shown.iter().filter(|c| c.is_some()).count() < 2
            || SWEARS.iter().any(|w| spells(&shown, w, false))
        {
            return false;
        }
        self.events
            .iter()
            .filter(|e| e.quiet)
            .flat_map(|e| &e.groups[0])
            .filter(|t| t.words.len() == 1)
            .any(|t| spells(&shown, &t.words[0], t.prefix))
    }

    /// `word` says who a person is ("jewish", "disabled") for the hate crime need `need`.
    pub fn is_identity(&self, need: &str, word: &str) -> bool {
        self.identities
            .iter()
            .filter(|(n, _)| n == need)
            .flat_map(|(_, t)| t)
            .any(|t| {
                t.words.len() == 1
                    && match t.prefix {
                        true => word.starts_with(t.words[0].as_str()),
                        false => word == t.words[0],
                    }
            })
    }

    /// The hate crime needs whose identity words are listed.
    pub fn identity_needs(&self) -> impl Iterator<Item = &str> {
        self.identities.iter().map(|(n, _)| n.as_str())
    }
}

impl Event {
    /// Where its groups' words stand in `account` (see [`found_in`]).
    fn found_in(&self, account: &[String]) -> Option<Vec<(usize, usize)>> {
        found_in(&self.groups, account)
    }
}

/// The span of each group's word in `account`, when every group has one and all lie within
/// [`WINDOW`] words, no two groups on the same words.
fn found_in(groups: &[Vec<Term>], account: &[String]) -> Option<Vec<(usize, usize)>> {
    let matches: Vec<Vec<(usize, usize)>> = groups
        .iter()
        .map(|g| {
            let mut m: Vec<(usize, usize)> = g
                .iter()
                .flat_map(|t| t.starts(account).map(move |s| (s, t.words.len())))
                .collect();
            m.sort();
            m
        })
        .collect();
    if matches.iter().any(Vec::is_empty) {
        return None;
    }
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.0 + b.1 && b.0 < a.0 + a.1;
    for &anchor in &matches[0] {
        let mut chosen = vec![anchor];
        for group in &matches[1..] {
            let nearest = group
                .iter()
                .filter(|m| !chosen.iter().any(|c| overlaps(**m, *c)))
                .filter(|m| m.0.abs_diff(anchor.0) <= WINDOW)
                .min_by_key(|m| m.0.abs_diff(anchor.0));
            match nearest {
                Some(&m) => chosen.push(m),
                None => break,
            }
        }
        if chosen.len() == groups.len() {
            let lo = chosen.iter().map(|c| c.0).min().unwrap_or(0);
            let hi = chosen.iter().map(|c| c.0).max().unwrap_or(0);
            if hi - lo <= WINDOW {
                chosen.sort();
                return Some(chosen);
            }
        }
    }
    None
}

/// The swear and threat words people censor most: a censored word that could be one of
/// them ("ki**": kill) is read as one, never as a slur it could also spell.
const SWEARS: &[&str] = &[
    "fuck", "fucks", "fucking", "fucked", "fucker", "shit", "shits", "shite", "bitch", "bitches",
    "bastard", "cunt", "cunts", "dick", "dickhead", "arse", "arsehole", "ass", "asshole", "hell",
    "damn", "kill", "killed", "crap", "piss", "pissed", "twat", "wanker", "bollocks", "bloody",
];

/// `shown` (a word's letters, `None` where an asterisk hides one) could spell `word`, or,
/// when `prefix`, a word beginning with it.
fn spells(shown: &[Option<char>], word: &str, prefix: bool) -> bool {
    let letters: Vec<char> = word.chars().collect();
    let fits = match prefix {
        true => shown.len() >= letters.len(),
        false => shown.len() == letters.len(),
    };
    fits && letters
        .iter()
        .zip(shown)
        .all(|(l, c)| c.is_none_or(|c| c == *l))
}

/// First letters of the common swear and threat words people censor ("f***", "sh*t",
/// "ki**"): such a word is no slur.
const SWEARS_BEGIN: &[char] = &['f', 's', 'b', 'd', 'k', 'c', 'a', 'h'];

/// An account's words as events are read from them: normalised (see [`text::words`]), a
/// word written with asterisks ("p***") as [`CENSORED`], so it is read as a censored word
/// and never printed back; one censored as swear and threat words are ("f***", "ki**") as
/// its letters, unless the letters it shows spell a listed slur ("f*ggots").
pub fn account_words(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in input.split_whitespace() {
        let core = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '*');
        let stars = core.chars().filter(|&c| c == '*').count();
        let letters = core.chars().filter(|c| c.is_alphabetic()).count();
        let swear_or_threat = core
            .chars()
            .next()
            .is_some_and(|c| SWEARS_BEGIN.contains(&c.to_ascii_lowercase()));
        let censored_word = stars >= 1 && core.chars().all(|c| c == '*' || c.is_alphabetic());
        if censored_word
            && ((stars >= 2 && letters >= 1 && !swear_or_threat)
                || Events::bundled().spells_a_slur(core))
        {
            out.push(CENSORED.to_string());
        } else {
            out.extend(text::words(token));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(account: &str) -> Vec<(String, String)> {
        Events::bundled()
            .read(&account_words(account))
            .reads
            .into_iter()
            .map(|r| (r.need, r.said))
            .collect()
    }

    fn needs(account: &str) -> Vec<String> {
        read(account).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn every_need_is_a_thesaurus_concept() {
        let thesaurus = crate::thesaurus::Thesaurus::bundled();
        for need in Events::bundled().needs() {
            assert!(thesaurus.find_id(need).is_some(), "{need}");
        }
    }

    #[test]
    fn danger_now_is_a_threat_happening_now_not_one_told_of_the_past() {
        let danger = |a: &str| Events::bundled().danger_now(&account_words(a));
        assert_eq!(
            danger("my ex is outside my door with a knife right now and says he will kill me")
                .as_deref(),
            Some("“knife … right now”")
        );
        assert!(danger("he is banging on the door and says he will kill me").is_some());
        assert!(danger("someone is trying to break in, i can see a knife").is_some());
        assert!(danger("i am in immediate danger").is_some());
        // The same harms told of the past, or everyday words, are no emergency.
        assert!(danger("he threatened to kill me last year and was arrested").is_none());
        assert!(danger("my son was stabbed in march and is still scared").is_none());
        assert!(danger("this traffic is killing me right now").is_none());
        assert!(danger("a man at the door was selling dusters").is_none());
        assert!(danger("two years ago my ex stood outside my door with a knife").is_none());
        assert!(
            danger("he was banging on the door and threatening to kill me last night").is_none()
        );
        assert!(danger("she is not in immediate danger but needs a refuge").is_none());
        assert!(danger("knife crime support for young people right now").is_none());
        // A pattern told is for the services for it, not this moment's 999.
        assert!(danger("he keeps turning up at my door and threatening me").is_none());
        // Said the way people say it: contracted, short.
        assert!(danger("he's got a knife").is_some());
        assert!(danger("someone's in my house").is_some());
        assert!(danger("i'm in danger").is_some());
    }

    #[test]
    fn a_relationship_word_and_a_harm_anywhere_near_read_as_domestic_abuse() {
        assert_eq!(needs("my husband plumber hits me"), ["domestic-abuse"]);
        assert!(read("my husband plumber hits me")[0]
            .1
            .contains("husband … hits"));
        // A husband mentioned with no harm is no need, nor is a word that only begins as
        // a harm does.
        assert!(needs("my husband is a plumber").is_empty());
        assert!(needs("my boyfriend bought a pushchair").is_empty());
    }

    #[test]
    fn a_reading_inside_a_more_exact_one_gives_way() {
        // "boy … alcohol" alone can be a child groomed; told with the mother's drinking, the
        // same words are a parent who cannot care safely.
        let n = needs("worried about the little boy, his mother has an alcohol problem");
        assert!(n.contains(&"child-safeguarding".to_string()), "{n:?}");
        assert!(!n.contains(&"cse".to_string()), "{n:?}");
        // Without the parent, the sign of grooming is still read; and beside the parent,
        // when other words tell it too.
        let n = needs("a 14 year old girl given alcohol by men in a car");
        assert!(n.contains(&"cse".to_string()), "{n:?}");
        let n = needs("my daughter is given alcohol by older men and her dad does nothing");
        assert!(n.contains(&"cse".to_string()), "{n:?}");
        // A sign of one part is never swallowed by a longer reading.
        let n = needs("i was drugged at a party in the lift of a block");
        assert!(n.contains(&"sexual-violence".to_string()), "{n:?}");
    }

    #[test]
    fn parts_far_apart_are_not_read_together() {
        let far = "my husband and i went to the market on saturday and bought bread and \
                   cheese and then a man in the car park hit a trolley";
        assert!(!needs(far).contains(&"domestic-abuse".to_string()));
    }

    #[test]
    fn events_with_no_keyword_read_as_their_needs() {
        let has = |account: &str, need: &str| needs(account).contains(&need.to_string());
        assert!(has("found a tracker on my car", "stalking-harassment"));
        assert!(has(
            "a man claiming to be from the bank rang",
            "fraud-cybercrime"
        ));
        assert!(has("someone opened loans in my name", "fraud-cybercrime"));
        assert!(has("my drink was spiked last night", "sexual-violence"));
        assert!(has("we were burgled", "general-victim-support"));
        assert!(has(
            "she said she would send the video to my facebook friends unless i paid",
            "fraud-cybercrime"
        ));
        assert!(!has(
            "my friends and family paid for the funeral",
            "fraud-cybercrime"
        ));
        assert!(has(
            "a man on the bus pressed himself against me",
            "sexual-violence"
        ));
        assert!(has(
            "they had us washing cars all day without pay",
            "modern-slavery"
        ));
        assert!(has(
            "a van tried to mount the pavement and hit people outside the station",
            "terrorism-major-incident"
        ));
        assert!(has(
            "dealers in the stairwell of our block",
            "anti-social-behaviour"
        ));
    }

    #[test]
    fn ordinary_lives_are_no_events() {
        for account in [
            "my daughter cut herself on a broken glass",
            "my dad died of a heart attack last year",
            "she has a crush on a teacher",
            "i am married and dont want to move house",
            "i work two jobs and have debt",
            "my nan has memory loss",
            "she is scared to go home",
            "the courier lost my parcel",
            "the bus never turns up on time",
            "the pub was rammed with people last night",
            "my landlord keeps sending threats about the rent",
            "he pushed his bike onto the pavement and hit the kerb",
        ] {
            assert!(needs(account).is_empty(), "{account}: {:?}", needs(account));
        }
    }

    #[test]
    fn a_censored_slur_reads_as_hate_and_is_never_printed_back() {
        let r = read("they called him a p*** and laughed");
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].0, "hate-crime");
        assert!(
            !r[0].1.contains('*') && !r[0].1.contains("p*"),
            "{}",
            r[0].1
        );
        let reading =
            Events::bundled().read(&account_words("neighbour keeps calling my son a retard"));
        assert!(reading
            .reads
            .iter()
            .any(|r| r.need == "disability-hate" && !r.said.contains("retard")));
        assert_eq!(reading.unsayable, ["retard"]);
        // Censored swearing and threats are no slur.
        assert!(needs("my boss shouted f*** off at me").is_empty());
        assert!(needs("he said f*cking hell and left").is_empty());
        // A slur beginning as swear words do is read when its letters spell it.
        assert_eq!(needs("they kept shouting f*ggots at us"), ["hate-crime"]);
        assert_eq!(
            account_words("shouting f*ggots"),
            ["shouting", CENSORED],
            "never spelt out"
        );
    }

    #[test]
    fn hostility_beside_a_partners_violence_stays_domestic_abuse() {
        assert_eq!(needs("my black boyfriend punched me"), ["domestic-abuse"]);
        assert!(needs("a man punched me and shouted about my black skin")
            .contains(&"race-hate".to_string()));
    }

    #[test]
    fn identity_words_are_listed_for_their_strand() {
        let e = Events::bundled();
        assert!(e.is_identity("antisemitism", "jewish"));
        assert!(!e.is_identity("antisemitism", "synagogues"));
        assert!(e.is_identity("anti-muslim-hatred", "muslims"));
        // A word of hostility is no identity.
        assert!(!e.is_identity("anti-muslim-hatred", "islamophobic"));
    }

    #[test]
    fn asterisks_inside_a_word_are_a_censored_word() {
        assert_eq!(
            account_words("called us p***, twice"),
            ["called", "us", CENSORED, "twice"]
        );
        assert_eq!(account_words("I will ki** you"), ["i", "will", "ki", "you"]);
        assert_eq!(account_words("5*3 stars"), ["5", "3", "stars"]);
    }
}
