#!/usr/bin/env python3
"""Build the bundled geography in index-data/ from ../shared/data.

Usage: python3 index-data/generate.py [SHARED_DATA_DIR [OUT_DIR]]
       (defaults: ../shared/data beside the repository, and this folder)

Writes, next to this script:
  boroughs.json             the 33 London authorities (GSS code, name, aliases)
  postcode-districts.json   postcode districts: centroid, boroughs covered, flags
  london-boroughs.geojson   borough boundaries (copied, attribution embedded)
  places.json               places people name (Peckham, Feltham …): boroughs, districts,
                            and whether the name is also an everyday word

The feed itself (feed.json) is made by the publisher's build, in Rust, with its rules in
one place (src/publish/):
  signpost feed build ../shared/data/services.jsonl --out index-data/feed.json \
    --generated-at 2026-11-30T00:00:00Z --publisher-description "Bundled snapshot built from shared/data"
and signed with the publisher key kept outside the repository.

The output is deterministic, and a test checks that the committed files match what this
script and `feed build` make from the shared data.
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

def main():
    with open(os.path.join(SHARED, "london_local_authorities.csv"), encoding="utf-8") as f:
        authorities = list(csv.DictReader(f))
    gss_by_name = {a["name"]: a["gss_code"] for a in authorities}
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

    places = load_places(gss_by_name)
    write_json("places.json", {
        "source": "Wikipedia contributors, 'List of areas of London', CC BY-SA 4.0 "
                  "(read from shared/data/london_places.csv; Norwood: Hidden London gazetteer)",
        "licence": "CC BY-SA 4.0",
        "places": places,
    })

    print(f"{len(boroughs)} authorities, {len(districts)} postcode districts, {len(places)} places")


# Place names that are also everyday words (shared/data/london_places.md, "Ordinary
# words"): read as places only where a sentence uses them as one.
EVERYDAY = {
    "Angel", "Temple", "Bow", "Lee", "Ham", "Oval", "Hook", "Kew", "Downe", "Upton",
    "Woodlands", "Preston", "Barbican", "Chinatown", "North End", "South Street",
    "Single Street", "The Hale", "The Hyde", "The Burroughs", "Poplar", "Barking", "Maryland",
}


def load_places(gss_by_name):
    """One entry per row of london_places.csv, boroughs as GSS codes (first-listed first)."""
    with open(os.path.join(SHARED, "london_places.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    places = []
    for r in rows:
        names = [r["borough"]] + [b for b in r["other_boroughs"].split(";") if b]
        places.append({
            "name": r["place"],
            "boroughs": [gss_by_name[n] for n in names],
            "districts": [d for d in r["postcode_districts"].split(";") if d],
            "everyday_word": r["place"] in EVERYDAY,
        })
    return places


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
