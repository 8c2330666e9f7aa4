//! Facts derived from a validated service that search ranks and filters on: coverage,
//! categories, referral route, ages, opening hours, languages.

use serde::Serialize;

use crate::geo::{Geography, Place};
use crate::hours::Hours;
use crate::model::{Referral, Service};
use crate::text;

/// Where a service works.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub national: bool,
    pub london_wide: bool,
    /// GSS codes of the boroughs named.
    pub boroughs: Vec<String>,
}

/// How a service's coverage relates to the place searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceMatch {
    /// Works in that borough specifically.
    Local,
    LondonWide,
    National,
    /// Coverage not stated by the publisher.
    Unstated,
    /// Works only in other boroughs.
    Elsewhere,
}

impl PlaceMatch {
    /// Ranking factor: local above London-wide above national; services elsewhere still
    /// show, lower.
    pub fn factor(self) -> f32 {
        match self {
            PlaceMatch::Local => 2.0,
            PlaceMatch::LondonWide => 1.3,
            PlaceMatch::National | PlaceMatch::Unstated => 1.0,
            PlaceMatch::Elsewhere => 0.6,
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
    /// Read `service_areas`; an area naming nothing Signpost knows is an error.
    pub fn of(service: &Service, geo: &Geography) -> Result<Coverage, String> {
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
                return Err(format!("unknown borough \"{}\"", area.name));
            }
        }
        Ok(c)
    }

    /// True when the service works in this borough (locally, London-wide or nationally).
    pub fn covers(&self, gss: &str) -> bool {
        self.national || self.london_wide || self.boroughs.iter().any(|b| b == gss)
    }

    pub fn match_place(&self, place: &Place) -> PlaceMatch {
        if self.boroughs.iter().any(|b| place.boroughs.contains(b)) {
            PlaceMatch::Local
        } else if self.london_wide {
            PlaceMatch::LondonWide
        } else if self.national {
            PlaceMatch::National
        } else if self.boroughs.is_empty() {
            PlaceMatch::Unstated
        } else {
            PlaceMatch::Elsewhere
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
    pub coverage: Coverage,
    pub categories: Vec<String>,
    pub referral: Option<Referral>,
    pub min_age: Option<u32>,
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
        Facts {
            coverage: Coverage::of(service, geo).unwrap_or_default(),
            categories: service.categories().into_iter().map(String::from).collect(),
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
