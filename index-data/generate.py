#!/usr/bin/env python3
"""Build the bundled directory snapshot in index-data/ from ../shared/data.

Usage: python3 index-data/generate.py [SHARED_DATA_DIR [OUT_DIR]]
       (defaults: ../shared/data beside the repository, and this folder)

Writes, next to this script:
  feed.json                 the feed in the BRIEF's envelope, HSDS 3.0 service shapes
  boroughs.json             the 33 London authorities (GSS code, name, aliases)
  postcode-districts.json   postcode districts: centroid, boroughs covered, flags
  london-boroughs.geojson   borough boundaries (copied, attribution embedded)

feed.json is signed by the publisher afterwards, with the key kept outside the repository:
  signpost feed sign index-data/feed.json --key PUBLISHER_SECRET_KEY
which writes feed.json.minisig; publisher.pub is the matching public key the app pins.
A test fails if feed.json changes without a new signature.

The output is deterministic: running it twice gives identical bytes, and a test checks
that the committed files match what this script makes from the shared data.

Rules that matter for safety:
  - phone numbers are copied exactly as sourced; nothing is added or "fixed";
  - hours become structured schedules only when the whole text is unambiguous;
    otherwise the text is kept with no rule, so the app says "hours unknown";
  - ages come only from the reviewed table AGES, and only while the eligibility text
    still contains the phrase they were read from.
"""
import csv
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
OUT = sys.argv[2] if len(sys.argv) > 2 else HERE

# The date the shared data was compiled (shared/data/README.md). Bump it when the data
# changes: the engine refuses to replace a directory with an older one.
GENERATED_AT = "2026-11-30T00:00:00Z"

TAX_CATEGORY = "signpost:category"
TAX_REFERRAL = "signpost:referral"
TAX_SOURCE = "signpost:source"

# Minimum and maximum ages, read by a person from each eligibility text. Each entry names
# the phrase it was read from; if the source text no longer contains it, the age is dropped
# (and reported) rather than kept stale. Texts with several age rules for different groups
# (e.g. the Gaia Centre, Safer London) or an age limit on one channel only (Women's Aid forum)
# are deliberately absent.
AGES = {
    "hackney-dais": ("aged 16+", 16, None),
    "city-of-london-dais": ("aged 16 or over", 16, None),
    "rape-crisis-247-support-line": ("Aged 16+", 16, None),
    "women-and-girls-network-west-london-rape-crisis": ("aged 14+", 14, None),
    "rape-crisis-east-london": ("aged 14+", 14, None),
    "catch22-county-lines-support-and-rescue": ("Under-25s", None, 24),
    "rescue-and-response-county-lines": ("aged 10-25", 10, 25),
    "childline": ("up to their 19th birthday", None, 18),
    # Borough services (added 2026-11-30). Only wordings with a number that applies to the
    # whole service; where a service also serves another group (parents, victims of the
    # young people it works with) or gives two age rules, it is left out on purpose:
    # bexley-youth-offending-team, merton-youth-justice-service-victim-work,
    # wandsworth-yot-adolescent-exploitation, young-hackney, lewisham-athena-service,
    # havering-integrated-adolescent-safeguarding-support-service ("about" and per-panel
    # ages: westminster-integrated-gangs-exploitation-unit).
    "enfield-childrens-mash": ("under 18", None, 17),
    "barnet-childrens-mash": ("aged 18 and under", None, 18),
    "islington-the-anchor-dva-one-stop-shop": ("aged 16+", 16, None),
    "islington-integrated-gangs-team": ("aged 10-24", 10, 24),
    "call-out-hate-barking-dagenham": ("under 18", None, 17),
    "barking-dagenham-childrens-safeguarding-line": ("Children under 18", None, 17),
    "barking-dagenham-adult-safeguarding": ("Adults (18+)", 18, None),
    "redbridge-childrens-social-care-mash": ("Children under 18", None, 17),
    "newham-youth-empowerment-service": ("up to age 25", None, 25),
    "tower-hamlets-safeguarding-adults-hotline": ("Adults (18+)", 18, None),
    "hackney-childrens-mash": ("under 18", None, 17),
    "waltham-forest-safeguarding-adults-team": ("Adults aged 18+", 18, None),
    "lambeth-mave-panel": ("up to age 25", None, 25),
    "southwark-domestic-abuse-service-refuge": ("aged 16 or over", 16, None),
    "greenwich-youth-justice-service": ("aged 10 to 17", 10, 17),
    "bexley-mash": ("aged 0-18", None, 18),
    "bromley-mash": ("under 18", None, 17),
    "bromley-adult-safeguarding": ("aged 18 or over", 18, None),
    "kingston-richmond-refuge-idva-service": ("aged 16+", 16, None),
    "wandsworth-mash": ("under 18", None, 17),
    "croydon-spoc-mash": ("under 18", None, 17),
    "hammersmith-fulham-gangs-violence-exploitation-unit": ("aged 10 to 25", 10, 25),
    "hillingdon-womens-centre": ("Women (16+)", 16, None),
    "brent-council-domestic-abuse-vawg-support": ("aged 16+", 16, None),
    "harrow-domestic-abuse-support-service": ("(16+)", 16, None),
    "hounslow-early-help-mash": ("(under 18)", None, 17),
    "hillingdon-adult-safeguarding-mash": ("Adults (18+)", 18, None),
    "kensington-chelsea-childrens-social-services-line": ("(under 18)", None, 17),
    "brent-family-front-door": ("(under 18)", None, 17),
    "brent-adult-safeguarding": ("Adults (18+)", 18, None),
    "haringey-adult-safeguarding": ("Adults (18+)", 18, None),
    "ealing-childrens-integrated-response-service-ecirs": ("from pre-birth to 18", None, 18),
}

REFERRAL_TEXT = {
    "self": "Self-referral: people can contact the service themselves.",
    "professional": "Professional referral only.",
    "both": "Self-referral or referral by a professional.",
}

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = {
    "mon": 0, "monday": 0, "mondays": 0, "tue": 1, "tues": 1, "tuesday": 1, "tuesdays": 1,
    "wed": 2, "wednesday": 2, "wednesdays": 2, "thu": 3, "thur": 3, "thurs": 3,
    "thursday": 3, "thursdays": 3, "fri": 4, "friday": 4, "fridays": 4,
    "sat": 5, "saturday": 5, "saturdays": 5, "sun": 6, "sunday": 6, "sundays": 6,
}
DAY_WORD = r"(?:" + "|".join(sorted(DAY_NAMES, key=len, reverse=True)) + r")"
EVERY_DAY = re.compile(r"^(?:daily|every day|7 days(?: a week)?|365 days(?: a year)?)$")
ROUND_THE_CLOCK = re.compile(r"^(?:24/7|24 hours(?: a day)?|24hrs|24[- ]hour|24[- ]hr)$")
CHANNEL = re.compile(r"^(?:helpline|phone|telephone|live chat|web chat|chat)\s+")
TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
RANGE = re.compile(r"^" + TIME + r"\s*[-–]\s*" + TIME + r"$")


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def parse_time(h, m, ampm):
    h, m = int(h), int(m or 0)
    if ampm == "pm" and h != 12:
        h += 12
    if ampm == "am" and h == 12:
        h = 0
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError("time out of range")
    return f"{h:02d}:{m:02d}"


def parse_days(text):
    """'Mon-Fri', 'Sat-Sun', 'weekends', 'Fri', 'daily' -> list of day indexes."""
    text = text.strip()
    if EVERY_DAY.match(text):
        return list(range(7))
    if text in ("weekdays", "weekday"):
        return list(range(5))
    if text in ("weekends", "weekend"):
        return [5, 6]
    m = re.match(r"^([a-z]+)\s*[-–]\s*([a-z]+)$", text)
    if m and m.group(1) in DAY_NAMES and m.group(2) in DAY_NAMES:
        a, b = DAY_NAMES[m.group(1)], DAY_NAMES[m.group(2)]
        if a > b:
            raise ValueError("day range runs backwards")
        return list(range(a, b + 1))
    if text in DAY_NAMES:
        return [DAY_NAMES[text]]
    raise ValueError(f"not a day: {text!r}")


def parse_segment(seg):
    """One 'Mon-Fri 9am-5pm' / '10am-4pm Mon-Fri' / '24/7' / '6pm-11pm daily' clause.
    Returns a list of (days, opens, closes)."""
    seg = seg.strip()
    if ROUND_THE_CLOCK.match(seg):
        return [(list(range(7)), "00:00", "23:59")]
    m = re.match(r"^(.*?)\s*((?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)\s*[-–]\s*(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?))\s*(.*?)$", seg)
    if not m:
        raise ValueError(f"no time range in {seg!r}")
    before, rng, after = m.group(1).strip(), m.group(2), m.group(3).strip()
    if before and after:
        raise ValueError("days on both sides")
    days_text = before or after
    r = RANGE.match(rng)
    h1, m1, ap1, h2, m2, ap2 = r.groups()
    if ap1 is None and ap2 is None and int(h2) <= 12 and ":" not in rng and "." not in rng:
        raise ValueError("times without am/pm")
    # "12.00-7.30pm": an unmarked opening time takes the closing time's am/pm unless that
    # would put it after the closing time ("10-4pm" is 10am to 4pm).
    opens = parse_time(h1, m1, ap1 or ap2)
    closes = parse_time(h2, m2, ap2 or ap1)
    if ap1 is None and opens > closes:
        opens = parse_time(h1, m1, "am")
    if opens >= closes:
        raise ValueError("overnight or empty range: not read from free text")
    if not days_text:
        raise ValueError("no days")
    return [(parse_days(days_text), opens, closes)]


def parse_hours(text):
    """Free-text hours -> list of HSDS schedule rules, or None when the text is unclear.
    Parenthetical remarks are dropped; a single leading channel word is allowed when the
    text names no other channel. Anything else that is not a day or time makes it unclear."""
    t = text.strip().lower()
    if not t:
        return None
    # A remark in brackets is dropped, unless it is about times or days: then it may change
    # the hours ("12pm-5pm on the first Wednesday") and the text is not clear.
    for remark in re.findall(r"\(([^()]*)\)", t):
        if re.search(r"\d\s*(?:am|pm)\b|\d[:.]\d\d|\b" + DAY_WORD + r"\b|\bweekends?\b|\bweekdays?\b", remark):
            return None
    t = re.sub(r"\([^()]*\)", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" ,;")
    channels = re.findall(r"\b(?:helpline|phone|telephone|live chat|web chat|chat|email|online|text)\b", t)
    if len(channels) > 1:
        return None
    t = CHANNEL.sub("", t)
    t = t.replace("24 hours, 365 days", "24/7").replace("24 hours a day, every day", "24/7")
    t = t.replace("24 hours a day, 365 days a year", "24/7")
    t = re.sub(r"^24/7, 365 days(?: a year)?$", "24/7", t)
    m = re.match(r"^(.*?),\s*(365 days(?: a year)?|daily|every day)$", t)
    if m and not ROUND_THE_CLOCK.match(m.group(1)):
        t = f"{m.group(1)} {m.group(2)}"
    # Long forms as the short ones: "Monday to Friday" is "monday-friday", "from 9am to
    # 5pm" and "between 9am and 5pm" are "9am-5pm", "Friday: 9am" is "friday 9am",
    # "on Fridays" is "fridays".
    t = re.sub(r"\b(" + DAY_WORD + r")\s*(?:to|-|–)\s*(" + DAY_WORD + r")\b", r"\1-\2", t)
    t = re.sub(r"\b(?:from|between)\s+(" + TIME + r")\s*(?:to|and|-|–)\s*", r"\1-", t)
    t = re.sub(r"(\d(?:am|pm))\s+to\s+(\d)", r"\1-\2", t)
    t = re.sub(r"\b(" + DAY_WORD + r"):", r"\1", t)
    t = re.sub(r"\bon\s+(" + DAY_WORD + r")\b", r"\1", t)
    rules = []
    try:
        # A clause of days alone next to a clause of times alone ("Monday-Friday, 9am-5pm",
        # "8am-5.15pm, Monday-Thursday") is one rule.
        parts = [p for p in re.split(r"\s*[,;]\s*|\s+and\s+", t) if p]
        merged = []
        for part in parts:
            if merged and (is_days(merged[-1]) != is_days(part)) and (
                    is_times(merged[-1]) or is_times(part)) and not (
                    has_both(merged[-1]) or has_both(part)):
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        for seg in merged:
            rules.extend(parse_segment(seg))
    except (ValueError, AttributeError):
        return None
    return rules


def is_days(text):
    try:
        parse_days(text)
        return True
    except ValueError:
        return False


def is_times(text):
    return RANGE.match(text.strip()) is not None


def has_both(text):
    return not is_days(text) and not is_times(text)


def schedules(owner_id, text, *, link):
    """HSDS schedules for an hours text: structured rules when clear, else one schedule
    carrying only the text (so the app shows it and says 'hours unknown')."""
    if not text.strip():
        return []
    rules = parse_hours(text)
    if rules is None:
        return [{"id": f"{owner_id}-schedule-0", link: owner_id, "description": text}]
    out = []
    for i, (days, opens, closes) in enumerate(rules):
        out.append({
            "id": f"{owner_id}-schedule-{i}",
            link: owner_id,
            "freq": "WEEKLY",
            "byday": ",".join(DAYS[d] for d in days),
            "opens_at": opens,
            "closes_at": closes,
            "description": text,
        })
    return out


# Each taxonomy term's name and description, as HSDS 3.0 requires them. Category names are
# the app's labels (src/model.rs `category_label`).
CATEGORY_LABELS = {
    "domestic-abuse": "Domestic abuse",
    "sexual-violence": "Sexual violence",
    "hate-crime": "Hate crime",
    "terrorism-major-incident": "Terrorism and major incidents",
    "general-victim-support": "Victim support",
    "youth-violence-exploitation": "Youth violence and exploitation",
    "restorative-justice": "Restorative justice",
    "fraud-cybercrime": "Fraud and cybercrime",
    "modern-slavery": "Modern slavery",
    "mental-health-crisis": "Mental health crisis",
    "emergency-reporting": "Emergency and reporting",
    "witness-support": "Witness support",
    "stalking-harassment": "Stalking and harassment",
    "children-families": "Children and families",
    "lgbtq": "LGBTQ+",
    "other": "Other",
}
REFERRAL_NAMES = {
    "self": "Self-referral",
    "professional": "Professional referral only",
    "both": "Self-referral or professional referral",
}


def term(taxonomy, code):
    """The taxonomy term: id, code, name and description (HSDS 3.0)."""
    if taxonomy == TAX_CATEGORY:
        name = CATEGORY_LABELS[code]
        description = f"Signpost London type of help: {name.lower() if name != 'LGBTQ+' else name}."
    elif taxonomy == TAX_REFERRAL:
        name = REFERRAL_NAMES[code]
        description = "How people reach the service: " + REFERRAL_TEXT[code]
    else:
        name = "Source"
        description = "A public page where the record's facts were seen (the attribute's value)."
    return {"id": f"{taxonomy}/{code}", "code": code, "name": name, "description": description,
            "taxonomy": taxonomy}


def attribute(owner_id, entity, taxonomy, code, value=None, n=0):
    return {
        "id": f"{owner_id}-{taxonomy.split(':')[1]}-{n}",
        "link_entity": entity,
        "link_id": owner_id,
        "taxonomy_term_id": f"{taxonomy}/{code}",
        "taxonomy_term": term(taxonomy, code),
        **({"value": value} if value is not None else {}),
    }


def without_empty(value):
    """HSDS wants an optional field absent, not null."""
    if isinstance(value, dict):
        return {k: without_empty(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def assured_date(verified_on):
    """'2023-10-27' stays; '2021-12' becomes the first of that month, the earliest the
    review can have been, so age warnings never understate how old a record is."""
    if not verified_on:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}$", verified_on):
        return verified_on
    if re.match(r"^\d{4}-\d{2}$", verified_on):
        return verified_on + "-01"
    raise SystemExit(f"unreadable verified_on {verified_on!r}")


def service(rec, gss_by_name, report, runs):
    sid = rec["id"]
    areas = []
    for i, b in enumerate(rec["boroughs"]):
        area = {"id": f"{sid}-area-{i}", "service_id": sid, "name": b}
        if b in gss_by_name:
            area["uri"] = f"http://statistics.data.gov.uk/id/statistical-geography/{gss_by_name[b]}"
        elif b not in ("London-wide", "National"):
            raise SystemExit(f"{sid}: unknown borough {b!r}")
        areas.append(area)
    phones = []
    for i, p in enumerate(rec["phones"]):
        pid = f"{sid}-phone-{i}"
        phones.append({
            "id": pid,
            "service_id": sid,
            "number": p["number"],
            "description": p["label"],
            "schedules": schedules(pid, p["hours"], link="phone_id"),
            "attributes": [attribute(pid, "phone", TAX_SOURCE, "source", p["source"])] if p.get("source") else [],
        })
    attrs = [attribute(sid, "service", TAX_CATEGORY, c, n=i) for i, c in enumerate(rec["categories"])]
    attrs.append(attribute(sid, "service", TAX_REFERRAL, rec["referral"]))
    attrs += [attribute(sid, "service", TAX_SOURCE, "source", u, n=i) for i, u in enumerate(rec["sources"])]
    out = {
        "id": sid,
        "name": rec["name"],
        "status": "active",
        "description": rec["description"],
        "url": rec["website"] or None,
        "email": rec["email"] or None,
        "organization": {
            "id": slug(rec["organisation"]),
            "name": rec["organisation"],
            # HSDS requires a description; the records describe services, so it says which.
            "description": "Runs " + "; ".join(runs[rec["organisation"]]) + ".",
        },
        "phones": phones,
        "schedules": schedules(sid, rec["hours"], link="service_id"),
        "service_areas": areas,
        "service_at_locations": [],
        "languages": [{"id": f"{sid}-language-{i}", "service_id": sid, "name": l} for i, l in enumerate(rec["languages"])],
        "eligibility_description": rec["eligibility"] or None,
        "minimum_age": None,
        "maximum_age": None,
        "application_process": REFERRAL_TEXT[rec["referral"]],
        "assured_date": assured_date(rec["verified_on"]),
        # `caution` is written for users; `notes` are the researchers' caveats for the
        # publisher and never reach the feed.
        "alert": rec["caution"] or None,
        "attributes": attrs,
    }
    if sid in AGES:
        phrase, lo, hi = AGES[sid]
        if phrase in rec["eligibility"]:
            out["minimum_age"], out["maximum_age"] = lo, hi
        else:
            report.append(f"{sid}: eligibility no longer says {phrase!r}; age dropped")
    return without_empty(out)


def main():
    with open(os.path.join(SHARED, "london_local_authorities.csv"), encoding="utf-8") as f:
        authorities = list(csv.DictReader(f))
    gss_by_name = {a["name"]: a["gss_code"] for a in authorities}
    report = []
    with open(os.path.join(SHARED, "services.jsonl"), encoding="utf-8") as f:
        records = [json.loads(l) for l in f if l.strip()]
    runs = {}
    for r in records:
        runs.setdefault(r["organisation"], []).append(r["name"])
    services = [service(r, gss_by_name, report, runs) for r in records]
    feed = {
        "version": "3.0",
        "publisher": {"name": "Signpost London", "description": "Bundled snapshot built from shared/data"},
        "generated_at": GENERATED_AT,
        "services": services,
    }
    write_json("feed.json", feed)

    aliases = load_aliases()
    boroughs = [{
        "gss_code": a["gss_code"],
        "name": a["name"],
        "type": a["type"],
        "aliases": aliases.get(a["name"], []),
    } for a in authorities]
    write_json("boroughs.json", {"boroughs": boroughs})

    with open(os.path.join(SHARED, "london_outcodes.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    districts = []
    for r in rows:
        gss = [gss_by_name[n] for n in r["boroughs_ge_5pct"].split(";") if n in gss_by_name]
        districts.append({
            "district": r["outcode"],
            "latitude": float(r["latitude"]),
            "longitude": float(r["longitude"]),
            "boroughs": gss,
            "share_in_london": float(r["share_in_london"]),
            "residential": int(r["n_postcodes"]) > 0 and not NON_GEOGRAPHIC.match(r["outcode"]),
        })
    write_json("postcode-districts.json", {
        "source": "ONS National Statistics Postcode Lookup (May 2025), Open Government Licence v3.0",
        "districts": districts,
    })
    shutil.copyfile(os.path.join(SHARED, "london_boroughs.geojson"), os.path.join(OUT, "london-boroughs.geojson"))

    structured = sum(1 for s in services if any("freq" in x for x in s["schedules"]))
    phones_structured = sum(1 for s in services for p in s["phones"] if any("freq" in x for x in p["schedules"]))
    print(f"{len(services)} services ({structured} with structured service hours, "
          f"{phones_structured} phones with structured hours), {len(boroughs)} authorities, "
          f"{len(districts)} postcode districts")
    for line in report:
        print("warning:", line)


# Terminated and non-geographic districts named in shared/data/README.md.
NON_GEOGRAPHIC = re.compile(r"^(?:W1[M-Y]|EC50|SE99|SW99|WC99)$")


def load_aliases():
    with open(os.path.join(HERE, "borough-aliases.json"), encoding="utf-8") as f:
        return json.load(f)


def write_json(name, value):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
