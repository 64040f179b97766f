"""The actor knowledge base: countries, organisations, armed groups, media and people.

The shipped KB is a set of tab-separated data files under ``eventwire/actors/data`` (each
documents its format in its header); a user KB directory (``--kb DIR``, ``$EVENTWIRE_KB``,
default ``~/.local/share/eventwire/kb``) adds JSON-lines files written by ``eventwire kb import``.
Lookups are dictionary look-ups on normalised aliases (:func:`~eventwire.actors.normalize.name_key`);
fuzzy matching goes through :mod:`eventwire.actors.resolve`, which blocks candidates with the
phonetic keys built here.

Country codes: ISO 3166-1 alpha-3 for states and actors belonging to one state; CAMEO-style
codes for international actors: ``IGO...`` for intergovernmental organisations (``IGOUNO`` the
UN, ``IGOWSTNAT`` NATO, ``IGOWSTEEC`` the EU, ...), ``IMG...`` for transnational militant
groups (``IMGMUSALQ`` al-Qaeda, ``IMGMUSISI`` the Islamic State), ``NGO...``/``MNC`` for
non-state international organisations and companies.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein

from eventwire.actors.normalize import block_keys, name_key
from eventwire.datafiles import numbered_rows, read_rows
from eventwire.errors import DictionaryFormatError, KnowledgeBaseError
from eventwire.knowledge.countries import COUNTRIES, CountryInfo, read_country_file

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
ENTITY_FILES: tuple[str, ...] = ("igos.tsv", "groups.tsv", "media.tsv", "organizations.tsv", "people.tsv")
SHIPPED_SOURCES: frozenset[str] = frozenset({"countries.tsv", "peoples.tsv", *ENTITY_FILES})
ENTITY_KINDS: tuple[str, ...] = ("person", "organization", "country", "group")
ENTITY_COLUMNS: tuple[str, ...] = ("id", "name", "kind", "country", "sector", "role", "start", "end", "aliases")
# The shortest word fuzzy_country compares: shorter names ("Mali", "Oman") are one typo from other words.
FUZZY_COUNTRY_MIN = 6


def default_user_kb() -> Path:
    """Where ``eventwire kb import`` writes and the actor stage reads user entries."""
    env = os.environ.get("EVENTWIRE_KB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eventwire" / "kb"


@dataclass(slots=True)
class Tenure:
    """One role an entity held, with its dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None = open)."""

    role: str | None
    sector: str | None
    country: str | None
    start: str | None = None
    end: str | None = None

    def active(self, day: str | None) -> bool | None:
        """Whether the tenure covers ``day``; None when the day or the dates are unknown."""
        if day is None or (self.start is None and self.end is None):
            return None
        if self.start is not None and day < _pad(self.start, "01"):
            return False
        return not (self.end is not None and day > _pad(self.end, "31"))


def _pad(partial: str, filler: str) -> str:
    parts = partial.split("-")
    while len(parts) < 3:
        parts.append("12" if len(parts) == 1 and filler == "31" else filler)
    return "-".join(parts)


@dataclass(slots=True)
class Entity:
    id: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    tenures: list[Tenure] = field(default_factory=list)
    source: str = ""

    def tenure_at(self, day: str | None) -> Tenure | None:
        """The tenure active on ``day`` (the latest-starting one if several)."""
        active = [t for t in self.tenures if t.active(day)]
        if not active:
            return None
        return max(active, key=lambda t: t.start or "")

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "country": self.country,
                "sector": self.sector, "role": self.role, "aliases": list(self.aliases),
                "tenures": [{"role": t.role, "sector": t.sector, "country": t.country,
                             "start": t.start, "end": t.end} for t in self.tenures],
                "source": self.source}


# How an alias names its entity: the form changes what the mention means
# ("Baghdad" is a capital standing for the Iraqi government, "Iraqi" a nationality).
NAME, ALIAS, DEMONYM, CAPITAL = "name", "alias", "demonym", "capital"


@dataclass(slots=True)
class KnowledgeBase:
    entities: dict[str, Entity] = field(default_factory=dict)
    countries: dict[str, CountryInfo] = field(default_factory=dict)
    # name_key(alias) -> [(entity id, alias form)]
    index: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    # last name token of people -> entity ids (surname-only mentions, blocking)
    surnames: dict[str, Collection[str]] = field(default_factory=dict)
    errors: list[DictionaryFormatError] = field(default_factory=list)
    _blocks: dict[str, Collection[str]] | None = None
    # first letter -> [(name key, ISO3, form)] of one-word country names and demonyms (fuzzy_country)
    _country_words: dict[str, list[tuple[str, str, str]]] | None = None

    # -- building ---------------------------------------------------------------------------
    def add(self, entity: Entity) -> None:
        existing = self.entities.get(entity.id)
        if existing is not None:
            # Another line for the same id: one more tenure and more aliases.
            existing.tenures.extend(entity.tenures)
            for alias in entity.all_names():
                if alias not in existing.all_names():
                    existing.aliases.append(alias)
                    self._index_alias(existing, alias, ALIAS)
            return
        self.entities[entity.id] = entity
        self._index_alias(entity, entity.name, NAME)
        for alias in entity.aliases:
            self._index_alias(entity, alias, ALIAS)
        self._blocks = None

    def _index_alias(self, entity: Entity, alias: str, form: str) -> None:
        key = name_key(alias)
        if not key:
            return
        bucket = self.index[key]
        if not any(eid == entity.id for eid, _ in bucket):
            bucket.append((entity.id, form))
        if entity.kind == "person":
            last = key.split()[-1]
            if len(last) > 1:
                bucket = self.surnames.get(last)
                if not isinstance(bucket, set):  # a KB read from the cache keeps tuples
                    bucket = self.surnames[last] = set(bucket or ())
                bucket.add(entity.id)
        self._blocks = None

    def add_country(self, info: CountryInfo, aliases: list[str]) -> None:
        self.countries[info.iso3] = info
        entity = Entity(id=f"country:{info.iso3}", name=info.name, kind="country", country=info.iso3,
                        aliases=aliases, source="countries.tsv")
        self.add(entity)
        for demonym in info.demonyms:
            self._index_alias(entity, demonym, DEMONYM)
        for capital in info.capitals:
            self._index_alias(entity, capital, CAPITAL)

    # -- looking up -------------------------------------------------------------------------
    def fuzzy_country(self, text: str) -> tuple[str, str] | None:
        """(ISO3, form) for a misspelt one-word country name or demonym ("Ethopia", "Afganistan").

        Damerau-Levenshtein distance 1 for words of 6 letters or more, 2 from 9 letters, compared only
        with names that start with the same letter; None when the word is too short, is itself a KB name or surname,
        or is as close to two countries. The caller decides whether the word may be a country at all.
        """
        key = name_key(text)
        if len(key) < FUZZY_COUNTRY_MIN or " " in key or key in self.index or key in self.surnames:
            return None  # too short, or a KB name or surname itself ("Hollande" is not Holland)
        if self._country_words is None:
            words: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
            for eid, info in self.countries.items():
                entity = self.entities.get(f"country:{eid}")
                names = [(n, ALIAS) for n in (entity.all_names() if entity else [info.name])]
                for name, form in [*names, *((d, DEMONYM) for d in info.demonyms)]:
                    word = name_key(name)
                    if len(word) >= FUZZY_COUNTRY_MIN - 1 and " " not in word:
                        words[word[0]].append((word, info.iso3, form))
            self._country_words = dict(words)
        limit = 2 if len(key) >= 9 else 1
        best: dict[str, tuple[int, str]] = {}
        for word, iso3, form in self._country_words.get(key[0], ()):
            if abs(len(word) - len(key)) > limit:
                continue
            distance = DamerauLevenshtein.distance(key, word, score_cutoff=limit)
            if distance <= limit and (iso3 not in best or distance < best[iso3][0]):
                best[iso3] = (distance, form)
        if not best:
            return None
        ranked = sorted((d, iso3, form) for iso3, (d, form) in best.items())
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
            return None
        return ranked[0][1], ranked[0][2]

    def exact(self, text: str) -> list[tuple[Entity, str]]:
        """Entities with ``text`` among their names (normalised), with the alias form."""
        return [(self.entities[eid], form) for eid, form in self.index.get(name_key(text), ())]

    def add_people(self, eid: str, code: str, name: str, words: list[str]) -> None:
        entity = Entity(id=eid, name=name, kind="group", country=code, source="peoples.tsv")
        self.add(entity)
        for word in words:
            self._index_alias(entity, word, DEMONYM)

    def people_of(self, text: str) -> tuple[str, Entity] | None:
        """(code, entity) when ``text`` names a people, region or community ("Kurdish", "Western")."""
        for entity, _form in self.exact(text):
            if entity.source == "peoples.tsv" and entity.country:
                return entity.country, entity
        return None

    def country_of(self, text: str) -> tuple[str, str] | None:
        """(ISO3, form) when ``text`` names a country, a nationality or a capital."""
        for entity, form in self.exact(text):
            if entity.kind == "country" and entity.country:
                return entity.country, form
        return None

    @property
    def blocks(self) -> dict[str, Collection[str]]:
        """Phonetic and spelling block keys of every name token -> entity ids (built on first use)."""
        if self._blocks is None:
            blocks: dict[str, set[str]] = defaultdict(set)
            for key, bucket in self.index.items():
                ids = [eid for eid, form in bucket if form in (NAME, ALIAS)]
                if not ids:
                    continue
                for block in block_keys(key):
                    blocks[block].update(ids)
            self._blocks = blocks
        return self._blocks

    def __len__(self) -> int:
        return len(self.entities)


# -- reading files --------------------------------------------------------------------------

def _opt(value: str) -> str | None:
    value = value.strip()
    return value or None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


_DATE = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    parts = value.split("-")
    try:
        date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"date {value!r} is not a calendar date") from exc
    return value


def entity_from_fields(values: dict[str, str | None], source: str) -> Entity:
    """Build an entity from named fields; raises ValueError with a reason a user can act on."""
    eid, name, kind = values.get("id"), values.get("name"), values.get("kind") or "organization"
    if not eid:
        raise ValueError("missing id")
    if not name:
        raise ValueError("missing name")
    if kind not in ENTITY_KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(ENTITY_KINDS)}")
    start, end = _check_date(values.get("start")), _check_date(values.get("end"))
    if start and end and start > end:
        raise ValueError(f"start {start} is after end {end}")
    country, sector, role = values.get("country"), values.get("sector"), values.get("role")
    # Only dated roles are tenures (checked against the publication date); an undated role is the entity's.
    tenures = [Tenure(role, sector, country, start, end)] if (start or end) else []
    aliases = _split(values.get("aliases") or "")
    return Entity(eid, name, kind, country, sector, role, aliases, tenures, source)


def read_entity_file(path: Path) -> tuple[list[Entity], list[DictionaryFormatError]]:
    """Read an entity TSV file (format in the shipped files' headers): entities and line errors."""
    entities: list[Entity] = []
    errors: list[DictionaryFormatError] = []
    for number, fields in numbered_rows(path, len(ENTITY_COLUMNS), header="id", names=ENTITY_COLUMNS, errors=errors):
        try:
            entities.append(entity_from_fields({c: _opt(v) for c, v in zip(ENTITY_COLUMNS, fields, strict=True)},
                                               path.name))
        except ValueError as exc:
            errors.append(DictionaryFormatError(str(path), number, str(exc)))
    return entities, errors


def read_jsonl_entities(path: Path) -> tuple[list[Entity], list[DictionaryFormatError]]:
    """Read a user KB file: one JSON object per line (fields as :meth:`Entity.to_dict`)."""
    entities: list[Entity] = []
    errors: list[DictionaryFormatError] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                entity = entity_from_fields({k: data.get(k) for k in ("id", "name", "kind", "country", "sector",
                                                                       "role")}, path.name)
                entity.aliases = [str(a) for a in data.get("aliases") or []]
                entity.tenures = [Tenure(t.get("role"), t.get("sector"), t.get("country"),
                                         _check_date(t.get("start")), _check_date(t.get("end")))
                                  for t in data.get("tenures") or []]
                entities.append(entity)
            except (ValueError, AttributeError, TypeError) as exc:
                errors.append(DictionaryFormatError(str(path), number, str(exc)))
    return entities, errors


# The cache is plain JSON data: reading it can never run code, whoever wrote the file (a pickle could).
CACHE_NAME = ".kb-cache.json"
# Caches of earlier versions, removed when a new cache is written (never read).
_OLD_CACHE_NAMES = (".kb-cache.pickle",)
# Bump when the cached structures change, so old caches are ignored.
CACHE_VERSION = 3


def _signature(paths: list[Path]) -> list[object]:
    stats = []
    for path in paths:
        stat = path.stat()
        stats.append([str(path), stat.st_mtime_ns, stat.st_size])
    return [CACHE_VERSION, stats]


def load_kb(user_dirs: Iterable[Path] = (), data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """The shipped KB plus every ``*.jsonl`` file in ``user_dirs`` (missing directories are fine).

    Malformed lines are skipped and kept in ``kb.errors`` (path, line number, reason). With a
    user KB (e.g. the 18k-actor Phoenix dictionary imported), the built KB — indexes and fuzzy
    blocks included — is cached as JSON data (``.kb-cache.json``) in the first user directory and
    reused while no file changed; a cache that does not read back as a KB of this version is rebuilt.
    """
    dirs = [d for d in user_dirs if d.is_dir()]
    user_files = [p for d in dirs for p in sorted(d.glob("*.jsonl"))]
    if not user_files:
        return _build_kb([], data_dir)
    shipped = [COUNTRIES, data_dir / "peoples.tsv",
               *(data_dir / n for n in ENTITY_FILES if (data_dir / n).exists())]
    signature = _signature(shipped + user_files)
    cache = dirs[0] / CACHE_NAME
    try:
        with cache.open(encoding="utf-8") as handle:
            stored = json.load(handle)
        if isinstance(stored, dict) and stored.get("signature") == signature:
            return _from_state(stored["state"])
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        pass  # no cache yet, one from another version, or not a KB: rebuild
    kb = _build_kb(user_files, data_dir)
    try:
        tmp = cache.with_name(cache.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump({"signature": signature, "state": _to_state(kb)}, handle, ensure_ascii=False,
                      separators=(",", ":"))
        tmp.replace(cache)
        for name in _OLD_CACHE_NAMES:
            (dirs[0] / name).unlink(missing_ok=True)
    except OSError as exc:
        log.info("cannot cache the knowledge base in %s: %s", cache, exc)
    return kb


def _to_state(kb: KnowledgeBase) -> list[object]:
    """The KB as JSON-ready lists and dicts of strings."""
    entities = [[e.id, e.name, e.kind, e.country, e.sector, e.role, list(e.aliases),
                 [[t.role, t.sector, t.country, t.start, t.end] for t in e.tenures], e.source]
                for e in kb.entities.values()]
    countries = [[c.iso3, c.name, list(c.demonyms), list(c.capitals)] for c in kb.countries.values()]
    blocks = {k: list(v) for k, v in kb.blocks.items()}
    return [entities, countries, {k: [list(pair) for pair in v] for k, v in kb.index.items()},
            {k: list(v) for k, v in kb.surnames.items()}, blocks, [[e.path, e.line, e.reason] for e in kb.errors]]


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return value


def _from_state(state: object) -> KnowledgeBase:
    """A KB from :func:`_to_state`'s data, checked as it is read (TypeError/ValueError when it does not fit)."""
    if not isinstance(state, list) or len(state) != 6:
        raise ValueError("not a knowledge-base cache")
    entities, countries, index, surnames, blocks, errors = state
    if not all(isinstance(part, dict) for part in (index, surnames, blocks)):
        raise TypeError("index, surnames and blocks must be objects")
    kb = KnowledgeBase()
    kb.entities = {}
    for row in entities:
        eid, name, kind, country, sector, role, aliases, tenures, source = row
        kb.entities[str(eid)] = Entity(str(eid), str(name), str(kind), country, sector, role, _strings(aliases),
                                       [Tenure(*t[:5]) for t in tenures], str(source))
    kb.countries = {str(row[0]): CountryInfo(str(row[0]), str(row[1]), _strings(row[2]), _strings(row[3]))
                    for row in countries}
    kb.index = defaultdict(list, {str(k): [(str(eid), str(form)) for eid, form in v] for k, v in index.items()})
    # Lists serve look-ups as well as sets here; converting them would cost more than the look-ups.
    kb.surnames = {str(k): _strings(v) for k, v in surnames.items()}
    kb._blocks = {str(k): _strings(v) for k, v in blocks.items()}
    kb.errors = [DictionaryFormatError(str(p), int(n), str(r)) for p, n, r in errors]
    return kb


def _build_kb(user_files: list[Path], data_dir: Path) -> KnowledgeBase:
    kb = KnowledgeBase()
    countries, errors = read_country_file(COUNTRIES)
    kb.errors.extend(errors)
    for info, aliases in countries:
        kb.add_country(info, aliases)
    for fields in read_rows(data_dir / "peoples.tsv", 4, header="id", errors=kb.errors):
        kb.add_people(fields[0], fields[1], fields[2], _split(fields[3]))
    for name in ENTITY_FILES:
        path = data_dir / name
        if not path.exists():
            continue
        entities, errors = read_entity_file(path)
        kb.errors.extend(errors)
        for entity in entities:
            kb.add(entity)
    for path in user_files:
        entities, errors = read_jsonl_entities(path)
        kb.errors.extend(errors)
        for entity in entities:
            kb.add(entity)
    for error in kb.errors:
        log.warning("knowledge base: %s", error)
    return kb


@lru_cache(maxsize=4)
def cached_kb(user_dirs: tuple[str, ...] = ()) -> KnowledgeBase:
    """One loaded KB per process and user-directory set (stages in a process pool share it)."""
    try:
        return load_kb(tuple(Path(d) for d in user_dirs))
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read the actor knowledge base: {exc}") from exc
