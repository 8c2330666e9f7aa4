//! Facts derived from a validated service that search ranks and filters on: coverage,
//! categories, referral route, ages, opening hours, languages.

use serde::Serialize;

use crate::geo::Geography;
use crate::hours::Hours;
use crate::model::{category_bit, Referral, Service};
use crate::search::ranking;
use crate::text;

/// Where a service works.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Works across the UK (or coverage says national).
    pub national: bool,
    /// Works across all of London.
    pub london_wide: bool,
    /// GSS codes of the boroughs named.
    pub boroughs: Vec<String>,
    /// Areas named that Signpost cannot place ("MyCity area", "Atlantis"), as written: the
    /// service is kept, and says its area is not recognised.
    pub unrecognised: Vec<String>,
}

/// How a service's coverage relates to the place searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceMatch {
    /// Works in that borough specifically.
    Local,
    /// Works across London.
    LondonWide,
    /// Works nationally.
    National,
    /// Coverage not stated by the publisher.
    Unstated,
    /// Works only in other boroughs.
    Elsewhere,
}

impl PlaceMatch {
    /// Ranking factor (see `search::ranking`): local above London-wide above national;
    /// services elsewhere still show, lower.
    pub fn factor(self) -> f32 {
        match self {
            PlaceMatch::Local => ranking::LOCAL,
            PlaceMatch::LondonWide => ranking::LONDON_WIDE,
            PlaceMatch::National | PlaceMatch::Unstated => ranking::NATIONAL,
            PlaceMatch::Elsewhere => ranking::ELSEWHERE,
        }
    }
}

const LONDON_WIDE: &[&str] = &[
    "london wide",
    "london",
    "greater london",
    "pan london",
    "all london boroughs",
    "e12000007",
];
const NATIONAL: &[&str] = &[
    "national",
    "nationwide",
    "england",
    "england and wales",
    "united kingdom",
    "uk",
    "great britain",
    "e92000001",
    "k04000001",
    "k02000001",
    "k03000001",
];

impl Coverage {
    /// Read `service_areas`; an area naming nothing Signpost knows is kept in
    /// `unrecognised`.
    pub fn of(service: &Service, geo: &Geography) -> Coverage {
        let mut c = Coverage::default();
        for area in &service.service_areas {
            let code = area
                .uri
                .as_deref()
                .and_then(|u| u.rsplit('/').next())
                .map(str::to_lowercase);
            let name = text::normalize(&area.name);
            let is = |list: &[&str]| {
                list.contains(&name.as_str()) || code.as_deref().is_some_and(|c| list.contains(&c))
            };
            if is(LONDON_WIDE) {
                c.london_wide = true;
            } else if is(NATIONAL) {
                c.national = true;
            } else if let Some(b) = code
                .as_deref()
                .and_then(|code| geo.find_borough(code))
                .or_else(|| geo.find_borough(&area.name))
            {
                if !c.boroughs.contains(&b.gss_code) {
                    c.boroughs.push(b.gss_code.clone());
                }
            } else {
                c.unrecognised.push(area.name.clone());
            }
        }
        c
    }

    /// Where the service works in one short phrase a caller can repeat: "Bexley",
    /// "Bromley and Croydon", "7 London boroughs", "All of London", "Nationwide".
    /// The widest area wins: a service that also works London-wide covers all of London.
    /// "Nationwide" and no more, because the records do not say which nations.
    pub fn phrase(&self, geo: &Geography) -> String {
        if self.national {
            return "Nationwide".into();
        }
        if self.london_wide {
            return "All of London".into();
        }
        let names = self.labels(geo);
        match names.as_slice() {
            [] if !self.unrecognised.is_empty() => "Area not recognised".into(),
            [] => "Area not stated".into(),
            [one] => one.clone(),
            [a, b] => format!("{a} and {b}"),
            [a, b, c] => format!("{a}, {b} and {c}"),
            more => format!("{} London boroughs", more.len()),
        }
    }

    /// Plain labels: borough names, then "London-wide", "National".
    pub fn labels(&self, geo: &Geography) -> Vec<String> {
        let mut out: Vec<String> = self
            .boroughs
            .iter()
            .map(|g| {
                geo.borough(g)
                    .map(|b| b.name.clone())
                    .unwrap_or_else(|| g.clone())
            })
            .collect();
        if self.london_wide {
            out.push("London-wide".into());
        }
        if self.national {
            out.push("National".into());
        }
        out
    }
}

/// What search needs to know about one service.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Where it works.
    pub coverage: Coverage,
    /// Its category ids, main one first.
    pub categories: Vec<String>,
    /// How it takes referrals, when stated.
    pub referral: Option<Referral>,
    /// The youngest age it states, if any.
    pub min_age: Option<u32>,
    /// The oldest age it states, if any.
    pub max_age: Option<u32>,
    /// Service hours, or the union of its phones' hours when the service states none.
    pub hours: Hours,
    /// Normalised language names.
    pub languages: Vec<String>,
    /// Coordinates of its (non-confidential) locations.
    pub locations: Vec<(f64, f64)>,
}

impl Facts {
    /// Facts of a validated service (validation has already refused what would fail here).
    pub fn of(service: &Service, geo: &Geography) -> Facts {
        let mut hours = Hours::from_schedules(&service.schedules).unwrap_or_default();
        if hours.is_unknown() {
            let phone_schedules: Vec<_> = service
                .phones
                .iter()
                .flat_map(|p| p.schedules.iter().cloned())
                .collect();
            hours = Hours::from_schedules(&phone_schedules).unwrap_or_default();
        }
        let coverage = Coverage::of(service, geo);
        let categories: Vec<String> = service.categories().into_iter().map(String::from).collect();
        Facts {
            coverage,
            categories,
            referral: service.referral(),
            min_age: service.minimum_age.map(|a| a as u32),
            max_age: service.maximum_age.map(|a| a as u32),
            hours,
            languages: service
                .languages
                .iter()
                .filter_map(|l| l.name.as_deref())
                .map(text::normalize)
                .collect(),
            locations: service
                .service_at_locations
                .iter()
                .filter_map(|sal| sal.location.as_ref())
                .filter_map(|l| Some((l.latitude?, l.longitude?)))
                .collect(),
        }
    }
}

/// The part of `Facts` search checks for every matching service, packed into 16 bytes so
/// that scanning many services stays in cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rank {
    /// Boroughs as bits (see `Geography::borough_mask`).
    pub boroughs: u64,
    /// Categories as bits (see `model::category_bit`).
    pub categories: u32,
    flags: u8,
    /// 0 when not stated.
    min_age: u8,
    /// 255 when not stated.
    max_age: u8,
}

impl Rank {
    const LONDON_WIDE: u8 = 1;
    const NATIONAL: u8 = 2;
    const SELF_REFERRAL: u8 = 4;
    const PROFESSIONAL_REFERRAL: u8 = 8;
    const HAS_LOCATIONS: u8 = 16;

    /// The compact form of `f` that the collector reads for every candidate.
    pub fn of(f: &Facts, geo: &Geography) -> Rank {
        let mut flags = 0;
        let mut set = |cond: bool, bit: u8| {
            if cond {
                flags |= bit;
            }
        };
        set(f.coverage.london_wide, Rank::LONDON_WIDE);
        set(f.coverage.national, Rank::NATIONAL);
        set(
            f.referral.is_some_and(Referral::allows_self),
            Rank::SELF_REFERRAL,
        );
        set(
            f.referral.is_some_and(|r| r != Referral::SelfReferral),
            Rank::PROFESSIONAL_REFERRAL,
        );
        set(!f.locations.is_empty(), Rank::HAS_LOCATIONS);
        Rank {
            boroughs: geo.borough_mask(&f.coverage.boroughs),
            categories: f
                .categories
                .iter()
                .filter_map(|c| category_bit(c))
                .fold(0, |m, b| m | b),
            flags,
            min_age: f.min_age.map_or(0, |a| a.min(254) as u8),
            max_age: f.max_age.map_or(255, |a| a.min(254) as u8),
        }
    }

    /// How the service's coverage relates to a place (its boroughs as bits).
    pub fn place_match(&self, place_mask: u64) -> PlaceMatch {
        if self.boroughs & place_mask != 0 {
            PlaceMatch::Local
        } else if self.flags & Rank::LONDON_WIDE != 0 {
            PlaceMatch::LondonWide
        } else if self.flags & Rank::NATIONAL != 0 {
            PlaceMatch::National
        } else if self.boroughs == 0 {
            PlaceMatch::Unstated
        } else {
            PlaceMatch::Elsewhere
        }
    }

    /// True when the service works in the borough with this bit.
    pub fn covers(&self, borough_bit: u64) -> bool {
        self.flags & (Rank::LONDON_WIDE | Rank::NATIONAL) != 0 || self.boroughs & borough_bit != 0
    }

    /// Referral routes: (self-referral possible, takes professional referrals).
    pub fn referral(&self) -> (bool, bool) {
        (
            self.flags & Rank::SELF_REFERRAL != 0,
            self.flags & Rank::PROFESSIONAL_REFERRAL != 0,
        )
    }

    /// True when the stated age range (if any) includes `age`.
    pub fn takes_age(&self, age: u32) -> bool {
        age >= u32::from(self.min_age) && (self.max_age == 255 || age <= u32::from(self.max_age))
    }

    /// Its types of help include reporting a crime (999, 101, Action Fraud …).
    pub fn takes_reports(&self) -> bool {
        crate::model::category_bit("emergency-reporting").is_some_and(|b| self.categories & b != 0)
    }

    /// Works only in named boroughs (neither London-wide nor national).
    pub fn is_borough_only(&self) -> bool {
        self.boroughs != 0 && self.flags & (Rank::LONDON_WIDE | Rank::NATIONAL) == 0
    }

    /// True when the service lists at least one location (for nearness).
    pub fn has_locations(&self) -> bool {
        self.flags & Rank::HAS_LOCATIONS != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boroughs(names: &[&str]) -> Coverage {
        let geo = Geography::bundled();
        Coverage {
            boroughs: names
                .iter()
                .map(|n| geo.find_borough(n).unwrap().gss_code.clone())
                .collect(),
            ..Coverage::default()
        }
    }

    #[test]
    fn coverage_is_one_phrase_the_widest_area_winning() {
        let geo = Geography::bundled();
        let phrase = |c: Coverage| c.phrase(geo);
        assert_eq!(phrase(boroughs(&["Bexley"])), "Bexley");
        assert_eq!(
            phrase(boroughs(&["Bromley", "Croydon"])),
            "Bromley and Croydon"
        );
        assert_eq!(
            phrase(boroughs(&["Hackney", "Camden", "Islington"])),
            "Hackney, Camden and Islington"
        );
        assert_eq!(
            phrase(boroughs(&["Hackney", "Camden", "Islington", "Brent"])),
            "4 London boroughs"
        );
        let mut wide = boroughs(&["Islington"]);
        wide.london_wide = true;
        assert_eq!(phrase(wide.clone()), "All of London");
        wide.national = true;
        assert_eq!(phrase(wide), "Nationwide");
        assert_eq!(phrase(Coverage::default()), "Area not stated");
    }
}
